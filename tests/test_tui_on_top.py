"""A screen that closes on an answer coming later (a save made, a read failed) closes itself,
once it is on top, never the screen over it (F1's help). The discard question is not put
over a form whose save is on its way, or waits for its ticket: Esc says it is still saving.

``Screen.dismiss()`` pops whatever is on top: a save answering under the help
closed the help, left the form open with what was saved still in it, and the
form's next close answered the queue a second time (an ``InvalidStateError``
that ended the session).
"""

from __future__ import annotations

import threading

from rankings_helpers import app_at, seed_month
from test_trust_typing import REASON, burst, cancellation, keys_of
from tui_helpers import (
    SIZE,
    async_test,
    desk_queue,
    hold_reads,
    notices,
    press,
    screen_text,
    select_ticket,
    settle,
    type_text,
    wait_until,
)

import screens.drilldown
import screens.form
from screens.discard import DiscardScreen
from screens.drilldown import DrilldownScreen
from screens.help import HelpScreen
from screens.queue import QueueScreen
from screens.rankings import RankingsScreen, RankTable
from screens.step_forms import CancelForm


def hold_saves(monkeypatch) -> threading.Event:
    """The cancel form's storage call waits until the returned event is set."""
    release = threading.Event()
    save = CancelForm.perform

    def slow(form, values, version):
        release.wait(10)
        return save(form, values, version)

    monkeypatch.setattr(CancelForm, "perform", slow)
    return release


@async_test
async def test_a_save_answered_under_the_help_closes_the_form_once_the_help_is_closed(
    store, monkeypatch
):
    """The help stays over the form, which is still there beneath it, saved; Esc closes the
    help, and the form after it with what was saved, said by the queue."""
    saved = hold_saves(monkeypatch)
    async with desk_queue(store) as (desk, pilot):
        app = pilot.app
        await select_ticket(pilot, desk.received)
        await press(pilot, "x")
        form = app.screen
        await type_text(pilot, REASON)
        await pilot.press("ctrl+s", "f1")  # help opened while the save is on its way
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))
        saved.set()
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)  # not closed by the form's save
        assert app.screen_stack[-2] is form
        await press(pilot, "escape")  # the help closes, then the saved form
        assert isinstance(app.screen, QueueScreen)
        assert form not in app.screen_stack
        assert f"{desk.received} is cancelled" in notices(app)
    assert cancellation(store, desk.received) == ("cancelled", REASON)


@async_test
async def test_esc_on_a_save_waiting_for_its_ticket_says_it_is_still_saving(store, monkeypatch):
    """Ctrl+S before the ticket is read, then Esc: the discard question was asked, and once
    the ticket came the save typed first was made, whatever the answer (thrown away, it was
    saved all the same). Esc now says it is still saving, as while a save waits for the
    database; the form closes by itself once saved."""
    async with desk_queue(store) as (desk, pilot):
        app = pilot.app
        await select_ticket(pilot, desk.received)
        arrived = hold_reads(monkeypatch, screens.form)
        await pilot.press("x")  # not press(): that waits for the loading
        form = app.screen
        assert isinstance(form, CancelForm)
        burst(app, *keys_of(REASON), "ctrl+s", "escape")

        def answered() -> bool:  # told it is still saving, or (before) asked to discard
            return "Still saving" in screen_text(app) or isinstance(app.screen, DiscardScreen)

        await wait_until(pilot, answered)
        assert app.screen is form  # nothing asked: nothing said to be thrown away
        arrived.set()
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        assert f"{desk.received} is cancelled" in notices(app)
    assert cancellation(store, desk.received) == ("cancelled", REASON)


@async_test
async def test_facts_that_fail_to_load_under_the_help_go_back_once_it_is_closed(store, monkeypatch):
    """Closed only from the top before, they stayed for good, saying "Loading…"."""
    seed_month(store)
    release = threading.Event()

    def failing(app, row):
        release.wait(10)
        raise RuntimeError("the link dropped")

    app = app_at(store, "zhoujl")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        rankings = app.screen
        assert isinstance(rankings, RankingsScreen)
        monkeypatch.setattr(screens.drilldown, "read_facts", failing)
        rankings.query_one("#rep-table", RankTable).focus()
        await pilot.press("enter", "f1")  # help opened while the facts load
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))
        assert isinstance(app.screen_stack[-2], DrilldownScreen)
        release.set()
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        await press(pilot, "escape")
        assert app.screen is rankings
        assert "Something went wrong: the link dropped" in notices(app)
