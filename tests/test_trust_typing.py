"""Nothing typed is lost (issue 11, item 4): keys typed ahead of the save key, Esc, paste.

The bursts here reach the app as a terminal delivers a fast typist's keys, or a
second of typing over a slow SSH link: every key in the app's input queue
before any of them is handled (``Pilot.press`` waits after each key, and so
would hide the problem). ``scripts/tmux_typeahead.sh`` does the same through a
real terminal.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from datetime import timedelta
from types import SimpleNamespace

import pytest
from textual import events
from ticket_helpers import NOW
from tui_helpers import (
    SIZE,
    app_for,
    async_test,
    hold_reads,
    notices,
    press,
    screen_text,
    seed_desk,
    select_ticket,
    settle,
    text_of,
    type_text,
    wait_until,
)

import screens.form
from screens import keygate, scheme_choice
from screens.app import FieldKpiApp
from screens.discard import DiscardScreen
from screens.queue import QueueScreen
from screens.step_forms import CallbackForm, CancelForm, CompleteForm
from screens.ticket_form import NewTicketForm
from storage.errors import Busy
from storage.people import staff_by_login

NOON = timedelta(hours=3)
REASON = "客户已搬家 moved away, asked to cancel"


def burst(app, *keys: str) -> None:
    """Keys into the app's input queue all at once; one character or a Textual key name each."""
    for key in keys:
        character = " " if key == "space" else key if len(key) == 1 else None
        app.post_message(events.Key(key, character))


def keys_of(text: str) -> list[str]:
    return ["space" if ch == " " else ch for ch in text]


def cancellation(store, code: str) -> tuple:
    row = store.query("SELECT status, cancel_reason FROM tickets WHERE code = ?", (code,))
    return tuple(row[0])


# "moved awya", Backspace Backspace "ay", Home, "Customer ", End, "!": editing keys run in
# order with the letters around them, not after them
EDITED = [
    *keys_of("moved awya"),
    "backspace",
    "backspace",
    *keys_of("ay"),
    "home",
    *keys_of("Customer "),
    "end",
    "!",
]


@pytest.mark.parametrize(
    ("keys", "saved"),
    [(keys_of(REASON), REASON), (EDITED, "Customer moved away!")],
    ids=["text", "editing-keys"],
)
@async_test
async def test_keys_typed_just_before_ctrl_s_are_saved_as_typed(store, keys, saved):
    desk = seed_desk(store)
    app = app_for(store, "wangfang")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select_ticket(pilot, desk.received)
        await press(pilot, "x")
        assert isinstance(app.screen, CancelForm)
        burst(app, *keys, "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
    assert cancellation(store, desk.received) == ("cancelled", saved)


@pytest.mark.parametrize("opened", ["x", "enter"], ids=["from-the-queue", "through-the-ticket"])
@async_test
async def test_keys_typed_with_the_key_that_opens_a_form_go_into_the_form(store, opened):
    """``x`` and the reason in one burst: the letters were handed to the queue before ``x``
    opened the form (``m`` toggled "mine", ``d`` opened the dispatch picker); now they wait
    for the form and land in its field. Through the ticket screen: Enter, ``x``, the reason."""
    desk = seed_desk(store)
    app = app_for(store, "wangfang")
    keys = ["enter", "x"] if opened == "enter" else ["x"]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select_ticket(pilot, desk.received)
        mine = app.screen.query_one("#mine").value
        burst(app, *keys, *keys_of("moved, dm"), "ctrl+s")
        await settle(pilot)
        if opened == "enter":
            await press(pilot, "escape")  # from the ticket screen back to the queue
        assert isinstance(app.screen, QueueScreen)
        assert app.screen.query_one("#mine").value == mine  # "m" was not the queue's
    assert cancellation(store, desk.received) == ("cancelled", "moved, dm")


@async_test
async def test_keys_typed_behind_a_refused_key_are_not_run_as_the_queues_keys(store):
    """``x`` on a ticket open past 30 days is the lead's (test_trust_cancel): the reason typed
    behind it had been let in as the queue's keys, "m" toggling "mine", "d" opening the
    dispatch picker, "n" a new ticket with the rest as its customer. They are set aside."""
    desk = seed_desk(store)
    app = app_for(store, "wangfang")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select_ticket(pilot, desk.old_open)  # received 09-05: day 41 on the app's clock
        mine = app.screen.query_one("#mine").value
        burst(app, "x", *keys_of("moved, dm n"), "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        assert app.screen.query_one("#mine").value == mine
        assert notices(app)[-1] == (
            "Open more than 30 days: the lead cancels it. 12 keys typed after it were not used."
        )
        # The rest of the reason, typed on after the refusal was shown: set aside as well.
        # A command key (↑) is not typing: it goes on, and the typing after it is set aside.
        row = app.screen.table.cursor_row
        burst(app, *keys_of(" nd"), "up", "m", "enter")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        assert app.screen.query_one("#mine").value == mine
        assert app.screen.table.cursor_row == row - 1
        await wait_until(pilot, lambda: "more keys" in notices(app)[-1])
        assert notices(app)[-1] == "5 more keys typed after it were not used."
        # A key typed once the typing has stopped is the queue's again.
        await pilot.pause(keygate.SETTLE)
        await press(pilot, "m")
        assert app.screen.query_one("#mine").value != mine
    assert cancellation(store, desk.old_open) == ("dispatched", None)


@async_test
async def test_a_name_typed_with_n_goes_into_the_new_tickets_first_field_each_time(store):
    """The form is composed the first time and kept after: either way the name is kept."""
    seed_desk(store)
    app = app_for(store, "wangfang")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for name in ("Zhang", "黄蓉"):
            burst(app, "n", *keys_of(name))
            await settle(pilot)
            assert isinstance(app.screen, NewTicketForm)
            assert app.screen.query_one("#field-customer").value == name
            burst(app, "escape", "d")  # asked, and thrown away
            await settle(pilot)
            assert isinstance(app.screen, QueueScreen)


@async_test
async def test_two_fields_typed_ahead_with_tab_between_are_both_saved(store):
    desk = seed_desk(store)
    app = app_for(store, "chenjing")  # the ticket is 王芳's: 陈静 calls back
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.screen.query_one("#status-filter").value = "all"  # completed tickets too
        await settle(pilot)
        await select_ticket(pilot, desk.completed)
        await press(pilot, "b")
        assert isinstance(app.screen, CallbackForm)
        burst(app, "4", "tab", *keys_of("very polite"), "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
    row = store.query("SELECT rating, callback_note FROM tickets WHERE code = ?", (desk.completed,))
    assert tuple(row[0]) == (4, "very polite")


@async_test
async def test_esc_on_a_half_filled_new_ticket_asks_before_throwing_it_away(store):
    seed_desk(store)
    app = app_for(store, "wangfang")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "n")
        await press(pilot, "escape")  # nothing typed: it just closes
        assert isinstance(app.screen, QueueScreen)

        await press(pilot, "n")
        await type_text(pilot, "黄蓉")
        await press(pilot, "tab")
        await type_text(pilot, "13800138000")
        burst(app, "escape", "escape")  # twice, quickly: still not thrown away
        await settle(pilot)
        form = next(s for s in app.screen_stack if isinstance(s, NewTicketForm))
        assert form.query_one("#field-customer").value == "黄蓉"
        if isinstance(app.screen, DiscardScreen):  # the second Esc came while it was asked
            await press(pilot, "escape")  # Esc keeps editing
        assert app.screen is form

        await press(pilot, "escape")
        assert isinstance(app.screen, DiscardScreen)
        assert "Customer, Phone" in screen_text(app)
        await press(pilot, "d")
        assert isinstance(app.screen, QueueScreen)
    assert store.scalar("SELECT count(*) FROM tickets") == 5  # the desk's, nothing more


@async_test
async def test_a_pasted_text_of_several_lines_is_kept_whole(store):
    desk = seed_desk(store)
    app = app_for(store, "wangfang")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select_ticket(pilot, desk.received)
        await press(pilot, "x")
        await type_text(pilot, "客户已搬家\n新地址不在服务区\n")
        await press(pilot, "ctrl+s")
    reason = store.scalar("SELECT cancel_reason FROM tickets WHERE code = ?", (desk.received,))
    assert reason == "客户已搬家 新地址不在服务区"


@async_test
async def test_a_search_typed_right_after_the_slash_key_lands_in_the_search_box(store):
    """``/`` then the code at once: every key after the slash goes to the box, none to the list."""
    desk = seed_desk(store)
    app = app_for(store, "wangfang")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        burst(app, "slash", *keys_of(desk.visited), "enter")
        await settle(pilot)
        assert app.screen.query_one("#search").value == desk.visited
        assert [t.code for t in app.screen.table.tickets] == [desk.visited]
        assert app.focused is app.screen.table  # Enter hands the focus to the list


# Enter opens a drop-down's menu, Down moves, Enter chooses: the menu hands the choice to
# its field, which takes the focus back a message later. The Tab typed with them went to
# the closing menu and was lost, and the text after it to the field, where it was lost too.
CHOOSE_SECOND = ["enter", "down", "enter"]  # the second line of the menu


@async_test
async def test_a_fault_typed_right_after_choosing_the_kind_is_saved(store):
    seed_desk(store)
    app = app_for(store, "wangfang")
    fault = "不开机，指示灯闪"
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "n")
        burst(
            app,
            *keys_of("黄蓉"),
            "tab",
            *keys_of("13800000001"),
            "tab",
            *keys_of("天河路1号"),
            "tab",
            "tab",  # no product: to the kind
            *CHOOSE_SECOND,  # the menu's first line is "Choose…"; the second, onsite repair
            "tab",
            *keys_of(fault),
            "ctrl+s",
        )
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
    saved = store.query("SELECT kind, fault FROM tickets WHERE customer = '黄蓉'")
    assert [tuple(row) for row in saved] == [("onsite_repair", fault)]


@async_test
async def test_a_new_ticket_typed_with_enter_between_its_fields_keeps_its_kind_and_fault(store):
    """Enter moves on from every field, a drop-down too once it holds a choice: the Enter
    after choosing the kind reopened its list, and the fault typed on went nowhere."""
    seed_desk(store)
    app = app_for(store, "wangfang")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        burst(
            app,
            "n",
            *keys_of("测试"),
            "enter",
            *keys_of("13800001111"),
            "enter",
            *keys_of("地址"),
            "enter",
            "enter",  # no product: to the kind
            *CHOOSE_SECOND,  # onsite repair
            "enter",
            *keys_of("屏幕碎了"),
            "ctrl+s",
        )
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
    saved = store.query("SELECT kind, fault FROM tickets WHERE customer = '测试'")
    assert [tuple(row) for row in saved] == [("onsite_repair", "屏幕碎了")]


@async_test
async def test_a_note_typed_right_after_choosing_a_kind_and_a_person_is_saved(store):
    """The deduction form: the kind's choice also narrows the person's list (a message to the
    form) before the Tab and the person's menu come."""
    desk = seed_desk(store)
    app = app_for(store, "wangfang")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select_ticket(pilot, desk.dispatched)
        await press(pilot, "k")
        # the first kind (backfill), the first person it is about (陈静), no points, the note
        burst(app, *CHOOSE_SECOND, "tab", *CHOOSE_SECOND, "tab", "tab", *keys_of("late"), "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
    saved = store.query("SELECT kind, staff, note FROM deductions")
    assert [tuple(row) for row in saved] == [("backfill", "R2", "late")]


@async_test
async def test_a_search_typed_right_after_choosing_a_status_lands_in_the_search_box(store):
    """``/`` went to the closing menu: it put the focus in the box, and the status filter
    took it back as the menu closed, with the code typed after it."""
    desk = seed_desk(store)
    app = app_for(store, "wangfang")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "f")  # the status filter: open, received, …
        burst(app, *CHOOSE_SECOND, "slash", *keys_of(desk.received))
        await settle(pilot)
        assert app.screen.query_one("#status-filter").value == "received"
        assert app.focused is app.screen.query_one("#search")
        assert app.screen.query_one("#search").value == desk.received
        assert [t.code for t in app.screen.table.tickets] == [desk.received]


@async_test
async def test_a_save_typed_before_the_ticket_has_loaded_saves_once_it_has(store, monkeypatch):
    """Over a slow link the form opens, the reason and Ctrl+S arrive, then the ticket."""
    desk = seed_desk(store)
    app = app_for(store, "wangfang")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select_ticket(pilot, desk.received)
        arrived = hold_reads(monkeypatch, screens.form)
        await pilot.press("x")  # not press(): that waits for the loading
        assert isinstance(app.screen, CancelForm), app.screen
        burst(app, *keys_of(REASON), "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, CancelForm)  # still loading: nothing saved yet
        arrived.set()
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
    assert cancellation(store, desk.received) == ("cancelled", REASON)


@async_test
async def test_a_save_waiting_for_the_database_says_so_and_is_not_thrown_away(store):
    """An import holds the write lock while it writes: a save waits for it. The form says
    what it waits for, and Esc does not close it (the save would still land after the
    person was told it was thrown away); once the lock is free it saves and closes.

    Esc is answered at once, ahead of a key typed on while the save waits: that key is
    held for the save's answer, and goes on to the queue once it is saved."""
    desk = seed_desk(store)
    app = app_for(store, "wangfang")
    other = sqlite3.connect(store.path, isolation_level=None)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select_ticket(pilot, desk.received)
        mine = app.screen.query_one("#mine").value
        await press(pilot, "x")
        other.execute("BEGIN IMMEDIATE")  # someone else writing
        try:
            burst(app, *keys_of("moved"), "ctrl+s", "m")
            await pilot.pause(1.5)
            assert "waiting for the database" in screen_text(app)
            burst(app, "escape")
            await pilot.pause(0.3)
            assert isinstance(app.screen, CancelForm)
            assert "Still saving" in screen_text(app)
        finally:
            other.execute("ROLLBACK")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        assert app.screen.query_one("#mine").value != mine
    other.close()
    assert cancellation(store, desk.received) == ("cancelled", "moved")


def test_a_write_that_waits_too_long_says_so_in_words(store):
    other = sqlite3.connect(store.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    store.conn.execute("PRAGMA busy_timeout = 50")  # not the 30 s a session waits
    try:
        with (
            pytest.raises(Busy, match="someone else kept the database busy"),
            store.write() as db,
        ):
            db.execute("UPDATE tickets SET note = 'x'")
    finally:
        other.execute("ROLLBACK")
        other.close()


@async_test
async def test_esc_on_a_form_where_only_a_choice_was_made_asks_first(store):
    """A person picked in a list is input too: Esc asks before throwing it away; a form
    opened and closed untouched just closes (its own default choices are not input)."""
    desk = seed_desk(store)
    app = app_for(store, "wangfang")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select_ticket(pilot, desk.visited)
        await press(pilot, "e")  # the problem form opens with the table's first level chosen
        await press(pilot, "escape")
        assert isinstance(app.screen, QueueScreen)

        await press(pilot, "k")
        form = app.screen
        await press(pilot, "tab", "enter", "down", "enter")  # the first person of the list
        assert form.values()["staff"]
        await press(pilot, "escape")
        assert isinstance(app.screen, DiscardScreen) and "Person" in screen_text(app)
        await press(pilot, "escape")  # back to the form, the choice still made
        assert app.screen is form and form.values()["staff"]


def at_noon(store):
    """A rep's session at 12:30 the day the desk's tickets were dispatched (09:30)."""
    return FieldKpiApp(store, staff_by_login(store, "wangfang"), now=lambda: NOW + NOON)


async def complete_in_one_burst(store) -> tuple[type, tuple]:
    """``c``, 修好, Enter, ``10:00`` (today), Enter typed at once on the desk's dispatched
    ticket at noon: the screen shown after, and the ticket's (status, resolution,
    completed_at)."""
    desk = seed_desk(store)
    app = at_noon(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select_ticket(pilot, desk.dispatched)
        burst(app, "c", *keys_of("修好"), "enter", *keys_of("10:00"), "enter")
        await settle(pilot)
        shown = type(app.screen)
    row = store.query(
        "SELECT status, resolution, completed_at FROM tickets WHERE code = ?", (desk.dispatched,)
    )
    return shown, tuple(row[0])


@async_test
async def test_a_completion_and_its_time_typed_in_one_burst_is_saved_at_that_time(store):
    """Enter moves from the resolution to the time, as in every form, and saves from the
    last field: ``c``, the resolution, Enter, ``10:00`` (today), Enter."""
    shown, (status, _resolution, completed_at) = await complete_in_one_burst(store)
    assert issubclass(shown, QueueScreen)
    assert (status, completed_at) == ("completed", "2026-10-15 10:00:00")


@async_test
async def test_keys_typed_behind_a_refused_save_are_not_typed_into_its_field(store):
    """Typed on as if the save would go through (the next step's key and its text), they
    waited for the save's answer; refused, they are dropped and counted, and the field the
    refusal points at keeps what was typed into it."""
    desk = seed_desk(store)
    app = at_noon(store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select_ticket(pilot, desk.dispatched)
        burst(app, "c", *keys_of("修好"), "enter", *keys_of("13:00"), "enter", "p", "a", "b")
        await settle(pilot)
        assert isinstance(app.screen, CompleteForm)
        assert app.screen.query_one("#field-completed_at").value == "13:00"
        assert "The time cannot be in the future." in screen_text(app)
        assert notices(app)[-1] == "3 keys typed after it were not used."
        await press(pilot, *["backspace"] * 5)
        await type_text(pilot, "11:00")  # typed after the refusal: the person's answer to it
        await press(pilot, "enter")
        assert isinstance(app.screen, QueueScreen)
    row = store.query("SELECT completed_at FROM tickets WHERE code = ?", (desk.dispatched,))
    assert row[0][0] == "2026-10-15 11:00:00"


@async_test
async def test_a_save_typed_before_the_scheme_form_has_read_saves_once_it_has(store, monkeypatch):
    """The scheme form reads the branch's scheme, not a ticket: a Ctrl+S typed before that
    read is in is acted on once it is (here refused: the preset is the one in force), and
    the letter typed behind it is dropped and counted.

    The refusal stays shown. The form's own filling of the list from that read sent a
    ``Changed``, which climbed through the field's containers and on a busy machine reached
    the form after the refusal, and wiped it: once the toast had gone, the save looked as if
    it had never been typed. Here the form's box is as slow to get to its messages as it was
    then: it holds them until the refusal is shown.
    """
    seed_desk(store)
    arrived = threading.Event()
    read = scheme_choice.branch_scheme

    def slow(*args, **kwargs):
        arrived.wait(10)
        return read(*args, **kwargs)

    monkeypatch.setattr(scheme_choice, "branch_scheme", slow)
    refused = asyncio.Event()
    show_errors = scheme_choice.SchemeForm.show_errors

    def shown(form, errors):
        show_errors(form, errors)
        refused.set()

    monkeypatch.setattr(scheme_choice.SchemeForm, "show_errors", shown)
    app = app_for(store, "liuyang")  # the lead
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("s")
        assert isinstance(app.screen, scheme_choice.SchemeForm)
        burst(app, "ctrl+s", "x")
        await pilot.pause()
        app.screen.query_one("#form-box").call_later(refused.wait)  # busy until refused
        arrived.set()
        await asyncio.wait_for(refused.wait(), 10)  # no pilot here: it waits for the box
        await settle(pilot)
        assert "already runs skyworth" in screen_text(app)
        assert notices(app)[-1] == "1 key typed after it was not used."
        await press(pilot, "escape")
        assert not isinstance(app.screen, scheme_choice.SchemeForm)


# Ctrl+A Ctrl+K (to the start, clear to the end), a time, Enter: a time typed anew
RETYPED = ["ctrl+a", "ctrl+k"]
BAD_TIME = "Enter the time received as HH:MM (today) or YYYY-MM-DD HH:MM."


@async_test
async def test_a_burst_behind_a_refused_save_leaves_the_refused_time_and_its_error(store):
    """The tester's burst: a time refused, then a second one typed on behind it. Its editing
    keys (Ctrl+A Ctrl+K) had gone on to the field while its text was dropped: the field was
    left empty under the first time's error, and the next Enter saved "now". Every key
    behind the refused save is dropped and counted; the field shows what was refused."""
    seed_desk(store)
    app = app_for(store, "wangfang")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "n")
        form = app.screen
        for text in ("测试", "13800001111", "地址"):
            await type_text(pilot, text)
            await press(pilot, "enter")
        await press(pilot, "enter", *CHOOSE_SECOND, "enter")  # no product; the kind
        await type_text(pilot, "屏幕碎了")
        await press(pilot, "enter")  # on to the time received
        received = form.query_one("#field-received_at")
        assert app.focused is received
        again = [*RETYPED, *keys_of("08:00"), "enter"]
        burst(app, *RETYPED, *keys_of("25:00"), "enter", *again)
        await settle(pilot)
        assert app.screen is form and received.value == "25:00"
        assert text_of(app, "#error-received_at") == BAD_TIME
        assert notices(app)[-1] == "8 keys typed after it were not used."
        await press(pilot, "enter")  # what the field shows is what is saved: refused again
        assert app.screen is form and received.value == "25:00"
        assert text_of(app, "#error-received_at") == BAD_TIME
        assert store.scalar("SELECT count(*) FROM tickets WHERE customer = '测试'") == 0
        # Saved: the keys typed behind it, a command among them, go on to the queue.
        mine = app.screen_stack[-2].query_one("#mine").value
        burst(app, *again, "ctrl+a", "m")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        assert app.screen.query_one("#mine").value != mine
    row = store.query("SELECT received_at FROM tickets WHERE customer = '测试'")
    assert [r[0] for r in row] == ["2026-10-15 08:00:00"]


def test_a_save_lets_on_the_keys_close_and_quit_have_in_the_persons_keymap():
    """Esc, Ctrl+Q and F1 as the keymap moves them; editing keys, the screens' function keys
    and ``?`` (a character in a field) wait."""
    gate = keygate.KeyGate(SimpleNamespace(keymap={"app.quit": "ctrl+x"}), let_in=None)
    keys = ("escape", "ctrl+x", "ctrl+q", "f1", "f2", "ctrl+a", "up", "question_mark")
    let_on = [k for k in keys if gate.in_control(events.Key(k, "?" if k[0] == "q" else None))]
    assert let_on == ["escape", "ctrl+x", "f1"]
