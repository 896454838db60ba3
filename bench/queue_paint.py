"""Time the ticket queue as a person sees it: the TUI's first paint and a phone search.

    python bench/queue_paint.py bench.db [--as b001r01] [--repeat 5]

Runs the real ``FieldKpiApp`` headless at 80×24 (Textual's ``run_test``) on a
large database and measures, from constructing the app, until the queue table
shows its first page of rows; then types the first digits of a customer's
phone into the search box and measures from Enter until the screen has the
answer and replaces the rows (storage answers that search in about 1 ms; the
rest is the worker thread and Textual's message passing).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

from screens.app import FieldKpiApp
from screens.queue import QueueTable
from storage.db import open_store
from storage.people import staff_by_login


async def _until(pilot, condition, timeout: float = 30.0) -> float:
    start = time.perf_counter()
    while not condition():
        if time.perf_counter() - start > timeout:
            raise TimeoutError("the queue did not show in time")
        await pilot.pause(0.002)
    return time.perf_counter()


async def measure(path: str, login: str) -> tuple[float, float, int]:
    store = open_store(path)
    user = staff_by_login(store, login)
    phone = store.scalar(
        "SELECT phone FROM tickets WHERE branch = ? AND phone IS NOT NULL "
        "ORDER BY updated_at LIMIT 1",
        [user.branch],
    )
    loaded: list[float] = []

    def hook(message) -> None:
        if type(message).__name__ == "QueueLoaded":
            loaded.append(time.perf_counter())

    start = time.perf_counter()
    app = FieldKpiApp(store, user)
    async with app.run_test(size=(80, 24), message_hook=hook) as pilot:
        table = app.screen.query_one(QueueTable)
        painted = await _until(pilot, lambda: table.row_count > 0)
        await pilot.press("slash", *phone[:7])
        enter = time.perf_counter()
        # Pilot's press() waits for the screen to go idle; the rows are replaced
        # when the answer's message is handled, so that is the moment measured.
        await pilot.press("enter")
        await _until(pilot, lambda: loaded and loaded[-1] > enter)
        found = loaded[-1]
    store.close()
    return painted - start, found - enter, table.row_count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db")
    parser.add_argument("--as", dest="login", default="b001r01")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    asyncio.run(measure(args.db, args.login))  # warm-up: page cache, imports
    runs = [asyncio.run(measure(args.db, args.login)) for _ in range(args.repeat)]
    tickets = open_store(args.db).scalar("SELECT count(*) FROM tickets")
    print(f"database: {tickets:,} tickets; medians of {args.repeat} runs at 80×24")
    print(
        f"queue first paint (app start → first page on screen): "
        f"{statistics.median(r[0] for r in runs) * 1000:.0f} ms"
    )
    print(
        "phone search (7 digits typed, Enter → matches in the table): "
        f"{statistics.median(r[1] for r in runs) * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
