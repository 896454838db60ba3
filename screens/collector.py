"""Python's full garbage collection, run while the person pauses rather than on a key.

A full collection walks every object the session holds (some 200,000 once a
few tickets have been opened: 0.1–0.2 s on a branch server), and CPython
starts one whenever its allocation counts say so: during some key, which then
takes that much longer to answer. Those were the slowest of the queue's keys
(bench/README.md). While a session runs, full collections wait for a pause:
once nobody has pressed a key or clicked for :data:`IDLE` seconds, one runs,
once per pause. The young generations are collected as always, so the
garbage of one key is freed as it was.
"""

from __future__ import annotations

import gc
from time import monotonic

IDLE = 2.0  # seconds without a key or a click before a full collection runs
TICK = 0.5  # how often a session looks whether it is time
NEVER = 1 << 30  # a third threshold no count of collections reaches


class IdleCollector:
    """One session's full collections. :meth:`start` and :meth:`stop` with the app;
    :meth:`touched` on each key or click; :meth:`tick` every :data:`TICK` seconds.

    The thresholds are the process's: sessions in one process (tests run
    several) share them, and the last one to stop puts back what was there.
    """

    _running = 0
    _thresholds: tuple[int, ...] = ()

    def __init__(self) -> None:
        self._last = monotonic()
        self._due = True

    def start(self) -> None:
        if IdleCollector._running == 0:
            IdleCollector._thresholds = gc.get_threshold()
            young, middle, *_old = IdleCollector._thresholds
            gc.set_threshold(young, middle, NEVER)
        IdleCollector._running += 1

    def stop(self) -> None:
        IdleCollector._running -= 1
        if IdleCollector._running == 0:
            gc.set_threshold(*IdleCollector._thresholds)

    def touched(self) -> None:
        self._last = monotonic()
        self._due = True

    def idle(self) -> bool:
        """Whether the person has paused for :data:`IDLE` seconds, and still is."""
        return monotonic() - self._last >= IDLE

    def tick(self) -> bool:
        """Collect if the person has paused long enough and nothing was collected since."""
        if not self._due or not self.idle():
            return False
        self._due = False
        gc.collect()
        return True
