"""The ticket queue as a dispatcher meets it: start to the first page, every key, memory.

    python bench/queue_paint.py bench.db [--as b001r01] [--repeat 5]   # or through bench/run.py

**Start.** ``fieldkpi --db DB --as LOGIN`` as a command on an 80×24
pseudo-terminal, as installed on a branch server (``as_installed.py``), timed
from the moment it is started until a ticket code of the first page is
written to the terminal: process start, imports, the database opened, the
first page read and drawn — what a person waits for after ``ssh`` connects.
Then the session pages down, searches and opens a ticket by key, and its peak
RSS is read from ``/proc``: the memory one person's session takes.

**Keys.** The real ``FieldKpiApp`` headless at 80×24 (Textual's ``run_test``)
on the same database, each key of the queue pressed many times, timed from
the press until the app has handled everything the key caused: its messages,
the storage reads it started in worker threads, and their answers on the
screen (the app's own once-a-second change poll is not waited for). Keys
that open a screen are followed by Escape, which is timed too. After each
key's presses the person pauses for 3 s, untimed: the session runs Python's
full garbage collection in pauses (:mod:`screens.collector`), and the table
says how many ran during keys and how many in the pauses.
"""

from __future__ import annotations

import argparse
import asyncio
import fcntl
import gc
import math
import os
import pty
import re
import select
import statistics
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

from textual import events

from fieldkpi.cli import scheme_loader
from screens import collector
from screens.app import FieldKpiApp
from screens.queue import QueueScreen, QueueTable
from storage.db import open_store
from storage.people import staff_by_login

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from targets import FIELDKPI, Target, compile_installed  # noqa: E402

TICKET_CODE = re.compile(rb"[A-Z0-9]+-\d{8}-\d{4}")
SIZE = (80, 24)
# What the session does by key after its first page, before its memory is read:
# ten pages down, a search by phone digits, a ticket opened and closed.
SESSION_KEYS = ["\x1b[6~"] * 10 + ["/", "1", "3", "8", "\r", "\r", "\x1b"]


# ------------------------------------------------------------------ the command on a terminal


def start_to_first_page(db: str, login: str) -> tuple[float, float]:
    """Seconds from starting the command to a ticket code on the terminal, and the
    session's peak RSS in MB after the keys of :data:`SESSION_KEYS`."""
    controller, terminal = pty.openpty()
    columns, lines = SIZE
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))
    env = dict(os.environ, TERM="xterm-256color")
    started = time.perf_counter()
    proc = subprocess.Popen(
        [*FIELDKPI, "--db", db, "--as", login],
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
        env=env,
        start_new_session=True,
    )
    os.close(terminal)
    try:
        seen = b""
        while not TICKET_CODE.search(seen):
            if not select.select([controller], [], [], 60)[0]:
                raise SystemExit(f"no queue on the terminal after 60 s: {seen[-300:]!r}")
            seen += os.read(controller, 65536)
        painted = time.perf_counter() - started
        for key in SESSION_KEYS:
            os.write(controller, key.encode())
            _drain(controller, 0.3)
        _drain(controller, 1.0)
        peak = _peak_rss_mb(proc.pid)
        os.write(controller, b"\x11")  # Ctrl+Q
        _drain(controller, 2.0)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        os.close(controller)
    return painted, peak


def _drain(fd: int, seconds: float) -> None:
    """Read what the program writes for ``seconds`` (a terminal that is not read blocks it)."""
    until = time.perf_counter() + seconds
    while (left := until - time.perf_counter()) > 0:
        if select.select([fd], [], [], left)[0]:
            try:
                if not os.read(fd, 65536):
                    return
            except OSError:  # the program ended
                return


def _peak_rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) / 1024


# ------------------------------------------------------------------ every key, headless

# (key, times): each pressed that often, in this order; a list is pressed as one sequence
# (each key of it timed) and then the sequence again.
KEYS: list[tuple[str | tuple[str, ...], int]] = [
    ("down", 120),  # past the first page: the next pages load as the cursor nears the end
    ("up", 20),
    ("pagedown", 20),
    ("pageup", 10),
    ("end", 5),
    ("home", 5),
    ("ctrl+r", 10),
    ("m", 10),  # only my tickets, and back
    (("enter", "escape"), 10),  # open the ticket, back to the queue
    (("n", "escape"), 5),  # the new-ticket form
    (("d", "escape"), 5),  # the dispatch picker
    (("f1", "escape"), 5),  # help
]
PAUSE = collector.IDLE + 2 * collector.TICK  # a person's pause after each key's presses
POLL = "data-version"  # the app's change poll: a timer's worker, not a key's
CHARS = {"slash": "/", "enter": "\r", "escape": "\x1b", "ctrl+r": "\x12"}


def _busy(app) -> list:
    """The workers a key started that are still running (the change poll is not one)."""
    return [w for w in app.workers if w.is_running and w.group != POLL]


def _queued(app) -> bool:
    nodes = [app, *app.screen.walk_children(with_self=True)]
    return any(not node._message_queue.empty() for node in nodes)


async def _answered(app, pilot) -> None:
    """Until every message the key caused is handled, the workers it started have
    finished, their answers are handled and the screen is drawn."""
    while True:
        await pilot.pause(0)  # the queued messages handled, then the screen's update
        if running := _busy(app):
            await app.workers.wait_for_complete(running)
        elif not _queued(app):
            return


class FullCollections:
    """Python's full garbage collections, counted by when they started: during a timed
    key, or in a pause (where a session runs them: :mod:`screens.collector`)."""

    def __init__(self) -> None:
        self.timing = False
        self.during_keys = self.in_pauses = 0

    def __call__(self, phase: str, info: dict) -> None:
        if phase == "start" and info["generation"] == 2:
            if self.timing:
                self.during_keys += 1
            else:
                self.in_pauses += 1


async def _timed(
    app, pilot, key: str, times: dict[str, list[float]], full: FullCollections
) -> None:
    """One key as the terminal driver hands it over (``Pilot.press`` would add its own
    waits for the CPU to go idle, 20 ms at least)."""
    event = events.Key(key, CHARS.get(key, key if len(key) == 1 else None))
    full.timing = True
    started = time.perf_counter()
    app._driver.send_message(event)
    await _answered(app, pilot)
    times.setdefault(key, []).append(time.perf_counter() - started)
    full.timing = False


async def key_latencies(db: str, login: str) -> tuple[dict[str, list[float]], FullCollections]:
    """Seconds each key of :data:`KEYS` took to be answered, every press, by key; and the
    full collections that ran.

    Between one key's presses and the next key's, the person pauses for a
    moment (:data:`PAUSE`, untimed), as people do between one task and the
    next: the session's full collection runs then, as it would at a desk.
    """
    store = open_store(db)
    user = staff_by_login(store, login)
    phone = store.scalar(
        "SELECT phone FROM tickets WHERE branch = ? AND phone IS NOT NULL ORDER BY id DESC LIMIT 1",
        [user.branch],
    )
    times: dict[str, list[float]] = {}
    full = FullCollections()
    gc.callbacks.append(full)
    app = FieldKpiApp(store, user, scheme_for=scheme_loader(store))  # as `fieldkpi` builds it
    try:
        async with app.run_test(size=SIZE) as pilot:
            table = app.screen.query_one(QueueTable)
            while table.row_count == 0:
                await pilot.pause(0.01)
            await _answered(app, pilot)
            for key, count in KEYS:
                for _ in range(count):
                    for one in (key,) if isinstance(key, str) else key:
                        await _timed(app, pilot, one, times, full)
                await pilot.pause(PAUSE)
            for _ in range(5):  # a search by the first 7 digits of a phone: every key, and Enter
                for one in ("slash", *phone[:7], "enter"):
                    await _timed(app, pilot, one, times, full)
                app.screen.query_one("#search").value = ""
                await pilot.pause(QueueScreen.SEARCH_DELAY + 0.1)  # the search it waits for
                await _answered(app, pilot)
                table.focus()
    finally:
        gc.callbacks.remove(full)
        store.close()
    return times, full


def p99(values: list[float]) -> float:
    """The 99th percentile (nearest rank): the largest for fewer than 100 values."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.99 * len(ordered)) - 1)]


# ------------------------------------------------------------------ the targets


def queue_targets(db: str, login: str, repeat: int = 5, say=print) -> list[Target]:
    starts = [start_to_first_page(db, login) for _ in range(repeat + 1)][1:]  # after a warm-up
    say(f"  start to first page: {', '.join(f'{s:.2f} s' for s, _m in starts)}")
    keys, full = asyncio.run(key_latencies(db, login))
    every = [t for ts in keys.values() for t in ts]
    worst = max(keys, key=lambda k: p99(keys[k]))
    return [
        Target(
            "TUI: `fieldkpi` start to the first queue page (80×24 terminal)",
            statistics.median(s for s, _m in starts),
            limit=1.0,
            note=f"{login}; process start, imports, first page drawn",
        ),
        Target(
            "TUI: every queue key answered, p99 (the slowest key's)",
            p99(keys[worst]) * 1000,
            unit="ms",
            limit=100,
            note=(
                f"{len(every):,} presses of {len(keys)} keys; slowest: {worst}; full collections:"
                f" {full.during_keys} during keys, {full.in_pauses} in the pauses"
            ),
        ),
        *(
            Target(
                f"  {key}",
                p99(ts) * 1000,
                unit="ms",
                note=f"{len(ts)} presses, median {statistics.median(ts) * 1000:.1f} ms",
            )
            for key, ts in sorted(keys.items(), key=lambda kv: -p99(kv[1]))
        ),
        Target(
            "TUI session, peak RSS",
            statistics.median(m for _s, m in starts),
            unit="MB",
            limit=80,
            note="after 10 pages, a search and a ticket opened",
        ),
    ]


def main() -> None:
    from targets import table

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db")
    parser.add_argument("--as", dest="login", default="b001r01")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    compile_installed()
    targets = queue_targets(
        args.db, args.login, args.repeat, say=lambda s: print(s, file=sys.stderr)
    )
    print(table(targets))


if __name__ == "__main__":
    main()
