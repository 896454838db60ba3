"""What a person reads at 80×24 and on a phone (46×30) is whole: no date, time or word
broken mid-way, no key left off the footer, nothing a phone user must scroll sideways to.

Run on a copy of the sample, as ``fieldkpi demo --as LOGIN`` shows it: its names and codes
(谢建华 (GZ-E09), "CSV import") are as wide as a branch's are.
"""

from __future__ import annotations

import shutil
from datetime import datetime

import pytest
from tui_helpers import async_test, press, screen_text, settle

from fieldkpi import cli, paths
from screens.queue import QueueTable
from screens.ticket_detail import TicketDetailScreen
from storage.db import open_store

SIZE = (80, 24)
PHONE = (46, 30)
A_YEAR_LATER = datetime(2027, 11, 25, 9, 30)


@pytest.fixture
def demo(tmp_path):
    copy = tmp_path / "demo.db"
    shutil.copyfile(paths.sample_db(), copy)
    store = open_store(copy)
    yield store
    store.close()


def demo_app(store, login):
    return cli.demo_app(store, login, real_now=lambda: A_YEAR_LATER)


def history_part(app) -> str:
    """The screen's lines from the history's title down."""
    return screen_text(app).split("\n History")[-1]


async def open_visited(pilot) -> TicketDetailScreen:
    """The queue's first dispatched ticket opened, and its visit recorded now."""
    app = pilot.app
    await settle(pilot)
    app.clear_notifications()
    queue = app.screen.query_one(QueueTable)
    queue.focus()
    queue.move_cursor(row=[t.status for t in queue.tickets].index("dispatched"))
    await press(pilot, "enter")
    await press(pilot, "v")
    await press(pilot, "ctrl+s")
    assert isinstance(app.screen, TicketDetailScreen)
    assert app.screen.ticket.status == "visited"
    return app.screen


async def history_shown(pilot) -> tuple[set[str], str]:
    """Every word of the history's lines, and all the screen showed of them, each line in
    turn scrolled into view."""
    table = pilot.app.screen.query_one("#history")
    words = {
        word
        for i in range(table.row_count)
        for cell in table.get_row_at(i)
        for word in str(cell).split()
    }
    shown = ""
    for row in range(table.row_count):
        table.move_cursor(row=row, animate=False)
        await settle(pilot)
        shown += history_part(pilot.app)
    return words, shown


@async_test
async def test_at_80_columns_no_word_of_the_history_is_broken(demo):
    """A date, a time, a status or a name in the history wraps at its spaces, whole: the
    tester's '2026-11-2' over '0' and 'dispatche' over 'd' are gone."""
    app = demo_app(demo, "liujiayi")
    async with app.run_test(size=SIZE) as pilot:
        await open_visited(pilot)
        words, shown = await history_shown(pilot)
        assert {"2026-11-20", "dispatched", "visited"} <= words
        assert sorted(w for w in words if w not in shown) == []


@async_test
async def test_on_a_phone_the_history_is_cards_and_nothing_is_cut(demo):
    """At 46 columns each line of the history is a card of "heading value" pairs, as the
    queue's and fix first's are, not six columns squeezed into 46 cells."""
    app = demo_app(demo, "dengyan")
    async with app.run_test(size=PHONE) as pilot:
        await settle(pilot)
        await press(pilot, "f2")
        await open_visited(pilot)
        table = app.screen.query_one("#history")
        assert table.virtual_size.width <= table.size.width
        words, shown = await history_shown(pilot)
        assert {"2026-11-20", "dispatched", "visited"} <= words
        assert sorted(w for w in words if w not in shown) == []
        assert "Step record visit" in shown and "From dispatched" in shown
