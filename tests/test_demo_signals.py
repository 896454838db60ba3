"""``fieldkpi demo`` ended from outside removes its copy of the sample, as quitting does.

The real program runs on a pseudo-terminal of its own, as over SSH: the
terminal is its controlling one, so closing it (a dropped connection, a closed
window) hangs it up and the kernel sends SIGHUP. Its temp folder is one of the
test's own (``TMPDIR``), where the demo's copy is looked for.
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import struct
import subprocess
import sys
import termios
import time

import pytest

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a Linux pseudo-terminal"),
]

# The demo with the pseudo-terminal on its standard input as its controlling terminal (it
# runs in a session of its own, which has none yet).
CONTROLLED = (
    "import fcntl, sys, termios; fcntl.ioctl(0, termios.TIOCSCTTY, 0);"
    " from fieldkpi.cli import main; sys.exit(main(sys.argv[1:]))"
)
LEAVE_SCREEN = b"\x1b[?1049l"  # what a TUI writes when it gives the terminal back


class Session:
    """The demo on a pseudo-terminal of 80x24; ``shown`` is everything it wrote to it."""

    def __init__(self, tmp_path) -> None:
        self.temp = tmp_path / "tmp"
        self.temp.mkdir()
        self.master, terminal = pty.openpty()
        fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        env = os.environ | {"TMPDIR": str(self.temp), "TERM": "xterm-256color"}
        env |= {"FIELDKPI_CONFIG": "/nonexistent-config"}
        self.process = subprocess.Popen(
            [sys.executable, "-c", CONTROLLED, "demo", "--lang", "en"],
            stdin=terminal,
            stdout=terminal,
            stderr=terminal,
            env=env,
            start_new_session=True,
        )
        os.close(terminal)
        self.shown = b""

    def copies(self) -> list[str]:
        return sorted(p.name for p in self.temp.iterdir() if p.name.startswith("fieldkpi-demo-"))

    def read_until(self, text: bytes, timeout: float = 60) -> None:
        """Read what the demo shows until ``text`` is among it."""
        deadline = time.monotonic() + timeout
        while text not in self.shown:
            assert self.master is not None, self.shown[-300:]
            assert self.process.poll() is None and time.monotonic() < deadline, self.shown[-300:]
            self._read()

    def ended(self, timeout: float = 60) -> int:
        """The demo's exit status, once it has ended (what it shows meanwhile read)."""
        deadline = time.monotonic() + timeout
        while self.master is not None and self.process.poll() is None:
            assert time.monotonic() < deadline, "the demo did not end"
            self._read()
        status = self.process.wait(timeout=max(deadline - time.monotonic(), 1))
        while self.master is not None and select.select([self.master], [], [], 0)[0]:
            self._read()  # what it wrote last, up to the end of the terminal (EIO)
        return status

    def _read(self) -> None:
        """What the demo wrote since, if any (it would wait for a terminal nobody reads)."""
        if select.select([self.master], [], [], 0.1)[0]:
            try:
                self.shown += os.read(self.master, 65536)
            except OSError:  # EIO: the demo has let go of the terminal
                self.hang_up()

    def hang_up(self) -> None:
        """The terminal closed, as when the SSH connection drops."""
        os.close(self.master)
        self.master = None

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        if self.master is not None:
            os.close(self.master)


@pytest.mark.parametrize(
    ("ending", "status"),
    [
        ("SIGTERM", 128 + signal.SIGTERM),
        ("SIGHUP", 128 + signal.SIGHUP),
        ("hang up", 128 + signal.SIGHUP),
    ],
)
def test_the_demos_copy_is_removed_when_its_session_is_ended_from_outside(tmp_path, ending, status):
    """Killed by SIGTERM or SIGHUP (the default for both, Textual handling neither), the
    demo left its copy in the temp folder: some twenty of them after a while of SSH
    sessions dropped. Now it ends itself (the status tells which signal), the copy gone;
    after SIGTERM its terminal is given back as after quitting."""
    session = Session(tmp_path)
    try:
        session.read_until(b"Commands")  # the first screen, footer and all
        [copy] = session.copies()
        assert (session.temp / copy / "demo.db").exists()
        if ending == "hang up":
            session.hang_up()
        else:
            session.process.send_signal(getattr(signal, ending))
        assert session.ended() == status
        assert session.copies() == []
        if ending == "SIGTERM":
            assert LEAVE_SCREEN in session.shown
    finally:
        session.close()
