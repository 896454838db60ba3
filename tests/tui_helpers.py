"""A small branch with tickets in every state, and ways to drive the TUI on it without sleeping.

Staff come from ``ticket_helpers`` (names in Chinese, logins); tickets go in
through the storage API, exactly as the TUI would make them, at a fixed clock.
"""

from __future__ import annotations

import asyncio
import functools
import io
import threading
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime

from rich.console import Console
from rich.text import Text
from textual import events
from textual.pilot import Pilot
from textual.widgets import DataTable, Static
from ticket_helpers import NOW, TICKET_FIELDS, Crew, seed_staff

from fieldkpi import cli
from fieldkpi.linebreaks import NO_BREAK
from screens.app import FieldKpiApp
from screens.queue import QueueScreen, QueueTable
from storage import tickets
from storage.db import Store
from storage.people import staff_by_login

SIZE = (80, 24)


@dataclass(frozen=True)
class Desk:
    """The seeded tickets, by the state they are in."""

    crew: Crew
    received: str  # no engineer yet
    dispatched: str  # with 李强 (E1)
    visited: str  # with 李强, visited
    completed: str  # completed by 李强, no callback yet
    old_open: str  # received 40 days ago, with 赵磊 (E2): open past 30 days


def seed_desk(store: Store) -> Desk:
    """Five tickets taken in by 王芳 as the calls came (the last typed in at ``NOW``, with the
    morning's time received), then worked to their states at ``NOW``."""
    crew = seed_staff(store)
    rep, eng, eng2 = crew.rep, crew.eng, crew.eng2

    def take(customer: str, phone: str, received_at: str, typed=None) -> tickets.Ticket:
        fields = TICKET_FIELDS | {"customer": customer, "phone": phone, "received_at": received_at}
        typed = typed or datetime.fromisoformat(received_at)
        return tickets.new_ticket(store, rep, fields, now=typed)

    old = take("陈杰", "13900000005", "2026-09-05 10:00")
    old = tickets.dispatch(store, rep, old.code, old.version, eng2.code, now=NOW)
    done = take("刘敏", "13900000004", "2026-10-10 08:00")
    done = tickets.dispatch(store, rep, done.code, done.version, eng.code, now=NOW)
    done = tickets.complete(store, rep, done.code, done.version, "换电源板", now=NOW)
    seen = take("王磊", "13900000003", "2026-10-05 08:00")
    seen = tickets.dispatch(store, rep, seen.code, seen.version, eng.code, now=NOW)
    seen = tickets.record_visit(store, eng, seen.code, seen.version, now=NOW)
    sent = take("李娜", "13900000002", "2026-10-13 14:00")
    sent = tickets.dispatch(store, rep, sent.code, sent.version, eng.code, now=NOW)
    new = take("张伟", "13800138000", "2026-10-15 09:00", typed=NOW)
    return Desk(crew, new.code, sent.code, seen.code, done.code, old.code)


def app_for(store: Store, login: str) -> FieldKpiApp:
    """The app as ``fieldkpi --as LOGIN`` builds it, on the test clock."""
    return FieldKpiApp(store, staff_by_login(store, login), now=lambda: NOW)


@asynccontextmanager
async def desk_queue(store: Store, login: str = "wangfang") -> AsyncIterator[tuple[Desk, Pilot]]:
    """The seeded desk (:func:`seed_desk`) and its queue as ``login`` opens it at 80×24,
    settled: the start of most tests of a ticket's keys."""
    desk = seed_desk(store)
    async with app_for(store, login).run_test(size=SIZE) as pilot:
        await settle(pilot)
        yield desk, pilot


async def settle(pilot: Pilot) -> None:
    """Until every key typed has gone in, every worker has finished and its messages are
    handled (workers start workers)."""
    app = pilot.app
    quiet = 0
    for _ in range(40):
        await keys_let_in(pilot)
        await app.workers.wait_for_complete()
        await pilot.pause()
        # Twice in a row: a message still on its way (a Select's Changed bubbling up to
        # its screen) may start the next worker only after one quiet look.
        # The queue's warm-up (its first pause) pushes and pops screens inside a batch
        # update: until it is over, ``app.screen`` may be one of them.
        busy = app._batch_count or any(w.is_running for w in app.workers) or not app.keys.quiet
        quiet = 0 if busy else quiet + 1
        if quiet == 2:
            return


async def keys_let_in(pilot: Pilot) -> None:
    """Until the key gate has let in every key typed (screens.keygate): a burst goes in one
    key at a time, each once the one before it has settled, and on a loaded machine the
    last may go in long after every worker and message of the moment is done. A save
    holding the keys is a worker: it is waited for, not this (10 s at most)."""
    for _ in range(500):
        if pilot.app.keys.quiet or any(w.is_running for w in pilot.app.workers):
            return
        await pilot.pause(0.02)


async def wait_until(pilot: Pilot, condition: Callable[[], bool], timeout: float = 15.0) -> None:
    """Poll ``condition`` while the app runs; fail after ``timeout`` seconds (long enough for
    a machine under load: a passing test never waits it out)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for the screen to change")
        await pilot.pause(0.05)
        await asyncio.sleep(0)


async def press(pilot: Pilot, *keys: str) -> None:
    await pilot.press(*keys)
    await settle(pilot)


async def type_text(pilot: Pilot, text: str) -> None:
    """Paste into the focused input, as a terminal does with bracketed paste (any characters)."""
    pilot.app.focused.post_message(events.Paste(text))
    await settle(pilot)


def the_queue(app: FieldKpiApp) -> QueueScreen:
    """The session's queue, found in the stack: the warm-up of its first pause may have a
    screen it composes pushed over it for a moment."""
    return next(s for s in app.screen_stack if isinstance(s, QueueScreen))


def queue_codes(app: FieldKpiApp) -> list[str]:
    return [row.code for row in app.screen.query_one(QueueTable).tickets]


async def select_ticket(pilot: Pilot, code: str) -> None:
    """Put the queue's cursor on ``code``."""
    table = pilot.app.screen.query_one(QueueTable)
    table.focus()
    table.move_cursor(row=queue_codes(pilot.app).index(code))
    await settle(pilot)


def _rendered(content) -> str:
    if isinstance(content, str | Text):
        return str(content)
    console = Console(width=200, file=io.StringIO(), record=True)
    console.print(content)
    return console.export_text()


def text_of(app: FieldKpiApp, selector: str) -> str:
    """The text a Static (or a one-line widget drawing its own text) shows, whole (also the
    part scrolled out of view).

    For a pane of facts (text and ticket lists), every part in order, each
    line of a list with its cells two spaces apart.
    """
    widget = app.screen.query_one(selector)
    if isinstance(widget, Static):
        return as_read(_rendered(widget.content))
    if not widget.children:
        return as_read(_rendered(widget.render()))
    parts = []
    for child in widget.children:
        if isinstance(child, DataTable):
            parts += [
                "  ".join(str(c) for c in child.get_row_at(i)) for i in range(child.row_count)
            ]
        elif isinstance(child, Static):
            parts.append(_rendered(child.content).rstrip("\n"))
    return as_read("\n".join(parts))


def as_read(text: str) -> str:
    """Text as a person reads it: a no-break space (a label kept on one line) is a space."""
    return text.replace(NO_BREAK, " ")


def notices(app: FieldKpiApp) -> list[str]:
    """The notifications shown so far (toasts), oldest first."""
    return [n.message for n in app._notifications]


def toast_lines(app: FieldKpiApp) -> list[str]:
    """The lines of the notice shown, as the terminal draws them (its border left out): the
    app run with ``notifications=True``."""
    toast = app.screen.query_one("Toast")
    region = toast.content_region
    strips = app.screen._compositor.render_strips()
    return [strips[y].crop(region.x, region.right).text.strip() for y in region.line_range]


def table_rows(app: FieldKpiApp, selector: str) -> list[list[str]]:
    table = app.screen.query_one(selector, DataTable)
    return [[as_read(str(cell)) for cell in table.get_row_at(i)] for i in range(table.row_count)]


def screen_text(app: FieldKpiApp) -> str:
    """What the terminal shows right now, as plain lines (the top screen, modals included)."""
    strips = app.screen._compositor.render_strips()
    return as_read("\n".join(strip.text for strip in strips))


def async_test(scenario):
    """Run an ``async def`` test on its own event loop (the suite has no asyncio plugin)."""

    @functools.wraps(scenario)
    def test(*args, **kwargs):
        return asyncio.run(scenario(*args, **kwargs))

    return test


def hold_reads(monkeypatch, module) -> threading.Event:
    """``module.read_ticket`` waits until the returned event is set: a ticket read over a
    slow link, for what a screen shows and does meanwhile."""
    release = threading.Event()
    read = module.read_ticket

    def slow(app, code, **kwargs):
        release.wait(10)
        return read(app, code, **kwargs)

    monkeypatch.setattr(module, "read_ticket", slow)
    return release


# A day long after the sample was made: the demo still runs on the sample's own clock.
A_YEAR_LATER = datetime(2027, 11, 25, 9, 30)


def demo_app(store: Store, login: str | None) -> FieldKpiApp:
    """The app as ``fieldkpi demo --as LOGIN`` builds it, on a copy of the sample (``demo``)."""
    return cli.demo_app(store, login, real_now=lambda: A_YEAR_LATER)
