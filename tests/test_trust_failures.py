"""A failure inside a screen is said on that screen (issue 11, item 9), never "Loading…" for good.

Textual tells a failed worker only to the node that started it, so every
screen's reads go through ``screens.loading.reader``. Here each screen's read
fails as a broken disk or a bad row would make it fail, then works again:
the screen said what went wrong, stayed usable, and Ctrl+R reads again.
"""

from __future__ import annotations

from rankings_helpers import app_at, seed_month
from tui_helpers import SIZE, app_for, async_test, notices, press, screen_text, seed_desk, settle

import screens.my_figures
import screens.queue
import screens.rankings
import screens.staff_admin
import screens.ticket_reads
from screens.ticket_detail import TicketDetailScreen

BROKEN = "disk I/O error"


class Broken:
    """Stands in for a storage call: fails while ``broken``, then calls the real one."""

    def __init__(self, real) -> None:
        self.real = real
        self.broken = True

    def __call__(self, *args, **kwargs):
        if self.broken:
            raise OSError(BROKEN)
        return self.real(*args, **kwargs)


def breaking(monkeypatch, module, name: str) -> Broken:
    stand_in = Broken(getattr(module, name))
    monkeypatch.setattr(module, name, stand_in)
    return stand_in


SAID = f"Something went wrong: {BROKEN}"


@async_test
async def test_the_rankings_say_what_failed_and_read_again(store, monkeypatch):
    seed_month(store)
    read = breaking(monkeypatch, screens.rankings, "branch_ranking")
    app = app_at(store, "zhoujl")  # the lead: the rankings first
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert SAID in screen_text(app) and "Loading…" not in screen_text(app)
        assert SAID in notices(app)
        read.broken = False
        await press(pilot, "ctrl+r")
        assert "王芳" in screen_text(app) and SAID not in screen_text(app)


@async_test
async def test_own_figures_say_what_failed(store, monkeypatch):
    seed_month(store)
    read = breaking(monkeypatch, screens.my_figures, "read_own")
    app = app_at(store, "liuyang")  # an engineer: own figures first
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert SAID in screen_text(app) and "Loading…" not in screen_text(app)
        read.broken = False
        await press(pilot, "ctrl+r")
        assert "Rank" in screen_text(app)


@async_test
async def test_the_queue_and_a_ticket_say_what_failed(store, monkeypatch):
    desk = seed_desk(store)
    read = breaking(monkeypatch, screens.queue, "queue_page")
    app = app_for(store, "wangfang")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert SAID in screen_text(app)
        read.broken = False
        await press(pilot, "ctrl+r")
        assert desk.received in screen_text(app) and SAID not in screen_text(app)

        ticket = breaking(monkeypatch, screens.ticket_reads, "get_ticket")
        await press(pilot, "enter")  # the ticket cannot be read: back on the queue, told why
        assert not isinstance(app.screen, TicketDetailScreen)
        assert notices(app)[-1] == SAID
        ticket.broken = False
        await press(pilot, "enter")
        assert isinstance(app.screen, TicketDetailScreen)


@async_test
async def test_the_staff_list_says_what_failed(store, monkeypatch):
    seed_month(store)
    breaking(monkeypatch, screens.staff_admin, "list_staff")
    app = app_at(store, "zhoujl")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "f5")
        assert SAID in screen_text(app)
