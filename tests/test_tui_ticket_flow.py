"""A ticket's life driven by keys at 80×24, checked in the database afterwards.

Seeded desk (taken in by 王芳/R1 as the calls came, worked at 2026-10-15 09:30:00):
GZ260905001 陈杰, with 赵磊 (E2), received 2026-09-05: open past 30 days
GZ261010001 刘敏, completed by 李强 (E1)
GZ261005001 王磊, with 李强, visited
GZ261013001 李娜, with 李强, dispatched
GZ261015001 张伟, received, no engineer
"""

from __future__ import annotations

import re

import pytest
from textual.widgets import Input, Select
from ticket_helpers import NOW, TICKET_FIELDS
from tui_helpers import (
    SIZE,
    app_for,
    async_test,
    hold_reads,
    notices,
    press,
    queue_codes,
    screen_text,
    seed_desk,
    select_ticket,
    settle,
    table_rows,
    text_of,
    type_text,
)

import screens.form
import screens.ticket_detail
import screens.ticket_reads
from fieldkpi.scheme import load_preset, load_scheme
from screens import keygate, labels
from screens.app import FieldKpiApp
from screens.dispatch import DispatchScreen
from screens.messages import LoadFailed
from screens.queue import QueueScreen
from screens.step_forms import CompleteForm
from screens.ticket_detail import TicketDetailScreen
from storage import tickets
from storage.people import dispatch_candidates, staff_by_login

STAMP = "2026-10-15 09:30:00"


@pytest.fixture
def desk(store):
    return seed_desk(store)


def ticket(store, code: str) -> dict:
    return dict(store.query("SELECT * FROM tickets WHERE code = ?", (code,))[0])


def history_since(store, code: str, after_id: int) -> list[tuple]:
    """(step, field, old, new, by) recorded for ``code`` after history row ``after_id``."""
    return [
        tuple(r)
        for r in store.query(
            "SELECT step, field, old, new, by FROM ticket_history WHERE ticket = ? AND id > ?"
            " ORDER BY id",
            (code, after_id),
        )
    ]


def last_history_id(store) -> int:
    return store.scalar("SELECT coalesce(max(id), 0) FROM ticket_history")


def actions_since(store, after_id: int) -> list[tuple]:
    return [
        tuple(r)
        for r in store.query(
            "SELECT staff, action, ticket, at FROM actions WHERE id > ? ORDER BY id", (after_id,)
        )
    ]


def last_action_id(store) -> int:
    return store.scalar("SELECT coalesce(max(id), 0) FROM actions")


@async_test
async def test_new_ticket_shows_errors_next_to_fields_and_saves_only_when_valid(store, desk):
    app = app_for(store, "wangfang")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "n")
        await type_text(pilot, "黄蓉")
        await press(pilot, "tab")
        await type_text(pilot, "12ab")
        await press(pilot, "ctrl+s")

        assert text_of(app, "#error-phone") == (
            "5 to 20 characters: digits, “+” or “-”, at least 5 digits."
        )
        assert text_of(app, "#error-address") == "Enter the address."
        assert text_of(app, "#error-kind") == "Choose the kind."
        assert text_of(app, "#error-customer") == ""
        assert app.screen.query_one("#field-customer", Input).value == "黄蓉"
        assert store.scalar("SELECT count(*) FROM tickets") == 5  # nothing saved

        assert app.focused.id == "field-phone"  # the first field with a problem
        app.focused.value = ""
        await type_text(pilot, "020-8888 6666")
        await press(pilot, "tab")
        await type_text(pilot, "中山路 8 号")
        await press(pilot, "tab", "tab", "enter", "down", "down", "down", "enter")
        await press(pilot, "ctrl+s")

        assert isinstance(app.screen, QueueScreen)
        assert queue_codes(app)[0] == "GZ261015002"
        assert app.screen.table.selected.code == "GZ261015002"
        assert "Ticket GZ261015002 saved" in notices(app)

    row = ticket(store, "GZ261015002")
    assert (row["customer"], row["phone"], row["address"], row["kind"]) == (
        "黄蓉",
        "02088886666",  # kept as its digits
        "中山路 8 号",
        "installation",
    )
    assert (row["status"], row["rep"], row["received_at"]) == ("received", "R1", STAMP)
    assert history_since(store, "GZ261015002", 0) == [
        ("create", "customer", None, "黄蓉", "R1"),
        ("create", "phone", None, "02088886666", "R1"),
        ("create", "address", None, "中山路 8 号", "R1"),
        ("create", "kind", None, "installation", "R1"),
        ("create", "received_at", None, STAMP, "R1"),
        ("create", "status", None, "received", "R1"),
        ("create", "rep", None, "R1", "R1"),
    ]
    assert actions_since(store, 0)[-1] == ("R1", "intake", "GZ261015002", STAMP)


@async_test
async def test_the_new_ticket_form_opens_empty_after_one_closed_or_saved(store, desk):
    """The queue keeps its new-ticket form: each time it opens, nothing typed, found or
    refused the last time is in it, and only what is typed now is saved."""
    app = app_for(store, "wangfang")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "n")
        form = app.screen
        await type_text(pilot, "黄蓉")
        form.set_focus(form.query_one("#field-phone"))
        await type_text(pilot, "13900000003")  # a known caller: the note, the address filled
        await press(pilot, "tab")
        form.query_one("#field-address").value = ""
        await press(pilot, "ctrl+s")  # refused: no address, no kind
        assert text_of(app, "#error-address") == "Enter the address."
        assert "This caller has 1 open ticket:" in screen_text(app)
        form.set_focus(form.query_one("#field-fault"))
        await pilot.press("pagedown")
        await press(pilot, "escape")  # something typed: asks first
        await press(pilot, "y")
        assert isinstance(app.screen, QueueScreen)

        await press(pilot, "n")
        assert app.screen is form  # the same form, emptied
        assert all(
            form.query_one(f"#field-{name}", Input).value == ""
            for name in ("customer", "phone", "address", "product", "fault")
        )
        assert form.query_one("#field-received_at", Input).value == STAMP
        assert form.query_one("#field-kind", Select).value is Select.NULL
        assert text_of(app, "#error-address") == "" and text_of(app, "#caller") == ""
        shown = screen_text(app)
        assert "黄蓉" not in shown and "Enter the address." not in shown and "caller" not in shown
        assert app.focused is form.query_one("#field-customer")
        await press(pilot, "escape")  # nothing typed: closes at once
        assert isinstance(app.screen, QueueScreen)

        await press(pilot, "n")
        await type_text(pilot, "郭靖")
        await press(pilot, "tab")
        await type_text(pilot, "13811112222")
        await press(pilot, "tab")
        await type_text(pilot, "中山路 9 号")
        form.query_one("#field-kind").value = "onsite_repair"
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, QueueScreen)
        assert "Ticket GZ261015002 saved" in notices(app)

        await press(pilot, "n")  # after a save, empty again
        assert app.screen is form and form.query_one("#field-customer", Input).value == ""
        assert form.typed() == []
    row = ticket(store, "GZ261015002")
    assert (row["customer"], row["phone"], row["address"], row["fault"]) == (
        "郭靖",
        "13811112222",
        "中山路 9 号",
        None,
    )


@async_test
async def test_dispatch_from_the_engineer_picker(store, desk):
    code = desk.received
    history_mark, action_mark = last_history_id(store), last_action_id(store)
    app = app_for(store, "wangfang")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select_ticket(pilot, code)
        await press(pilot, "d")
        assert isinstance(app.screen, DispatchScreen)
        # engineers by name, with open tickets now and timeliness this month:
        # 李强 has 0003 and 0004 open and completed 0002 on day 6 (5 points);
        # 赵磊 has only 0001, open 41 days, but it was dispatched to him only today, after
        # it crossed 30 days with nobody: its −150 is nobody's (kpi-rules §1), so no orders.
        assert table_rows(app, "#engineers") == [
            ["李强", "2", "5.00"],
            ["赵磊", "1", "—"],
        ]
        await press(pilot, "down", "enter", "enter")  # 赵磊; When left empty: now
        assert isinstance(app.screen, QueueScreen)

    row = ticket(store, code)
    assert (row["status"], row["engineer"], row["dispatched_at"]) == ("dispatched", "E2", STAMP)
    assert history_since(store, code, history_mark) == [
        ("dispatch", "status", "received", "dispatched", "R1"),
        ("dispatch", "engineer", None, "E2", "R1"),
        ("dispatch", "dispatched_at", None, STAMP, "R1"),
    ]
    assert actions_since(store, action_mark) == [("R1", "dispatch", code, STAMP)]


@async_test
async def test_a_redispatch_says_who_has_the_ticket_now_whatever_its_status(store, desk):
    """Re-dispatching a visited ticket keeps its status: the notice named 赵磊 only for a
    ticket that was dispatched, and for the visited one said just that it is visited."""
    app = app_for(store, "wangfang")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for code, status in ((desk.dispatched, "dispatched"), (desk.visited, "visited")):
            await select_ticket(pilot, code)
            await press(pilot, "d", "down", "enter", "enter")  # 赵磊, the second; now
            assert notices(app)[-1] == f"{code} is {status} · 赵磊"
    assert ticket(store, desk.visited)["engineer"] == "E2"


@async_test
async def test_engineer_records_visit_and_completion_but_not_his_own_callback(store, desk):
    code = desk.dispatched
    history_mark, action_mark = last_history_id(store), last_action_id(store)
    app = app_for(store, "liqiang")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "f2")  # from his own figures to his tickets
        assert "李强 · engineer · GZ" in screen_text(app)
        # an engineer's queue holds only his own open tickets
        assert queue_codes(app) == [desk.dispatched, desk.visited]
        await select_ticket(pilot, code)
        footer = screen_text(app).splitlines()[-1]
        assert "v Visit" in footer and "c Complete" in footer and "Dispatch" not in footer

        await press(pilot, "v")
        await press(pilot, "ctrl+s")
        await select_ticket(pilot, code)
        await press(pilot, "c")
        await type_text(pilot, "更换电源板")
        await press(pilot, "enter", "enter")  # the resolution, then the time: empty, now
        assert f"{code} is completed" in notices(app)

        # his own completed ticket: the callback key says why it is off
        await press(pilot, "slash")
        await type_text(pilot, "刘敏")
        await press(pilot, "enter")
        assert queue_codes(app) == [desk.completed]
        await press(pilot, "b")
        assert isinstance(app.screen, QueueScreen)
        assert notices(app)[-1] == "You cannot record the callback of a ticket you served yourself."

    row = ticket(store, code)
    assert (row["status"], row["visited_at"], row["completed_at"]) == ("completed", STAMP, STAMP)
    assert row["resolution"] == "更换电源板"
    assert history_since(store, code, history_mark) == [
        ("visit", "status", "dispatched", "visited", "E1"),
        ("visit", "visited_at", None, STAMP, "E1"),
        ("complete", "status", "visited", "completed", "E1"),
        ("complete", "completed_at", None, STAMP, "E1"),
        ("complete", "resolution", None, "更换电源板", "E1"),
    ]
    assert actions_since(store, action_mark) == [("E1", "complete", code, STAMP)]
    assert ticket(store, desk.completed)["rating"] is None


@async_test
async def test_rep_records_the_callback_found_by_phone(store, desk):
    code = desk.completed  # taken in by 王芳: 陈静 calls the customer back
    history_mark, action_mark = last_history_id(store), last_action_id(store)
    app = app_for(store, "chenjing")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "slash")
        await type_text(pilot, "139000000")  # the phone prefix: four tickets, closed ones too
        await press(pilot, "enter")
        assert sorted(queue_codes(app)) == sorted(
            [desk.old_open, desk.completed, desk.visited, desk.dispatched]
        )
        await select_ticket(pilot, code)
        await press(pilot, "b")
        await type_text(pilot, "4")
        await press(pilot, "tab")
        await type_text(pilot, "师傅很准时")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, QueueScreen)

    row = ticket(store, code)
    assert (row["status"], row["rating"], row["callback_note"]) == ("called_back", 4, "师傅很准时")
    assert history_since(store, code, history_mark) == [
        ("callback", "status", "completed", "called_back", "R2"),
        ("callback", "callback_at", None, STAMP, "R2"),
        ("callback", "rating", None, "4", "R2"),
        ("callback", "callback_note", None, "师傅很准时", "R2"),
    ]
    assert actions_since(store, action_mark) == [("R2", "callback", code, STAMP)]


@async_test
async def test_the_rep_who_took_a_ticket_in_does_not_record_its_callback(store, desk):
    app = app_for(store, "wangfang")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "slash")
        await type_text(pilot, "刘敏")
        await press(pilot, "enter")
        assert queue_codes(app) == [desk.completed]
        await press(pilot, "b")
        assert isinstance(app.screen, QueueScreen)  # no form opens
        assert notices(app)[-1] == (
            "You cannot record the callback of a ticket you took in yourself:"
            " another rep or the lead records it."
        )
    assert ticket(store, desk.completed)["rating"] is None


@async_test
async def test_the_footer_follows_whose_ticket_it_is_between_two_of_one_status(store, desk):
    """Two completed tickets with an engineer, one taken in by 王芳 and one by 陈静: for 王芳
    the callback key is on for the second only. The footer had been redrawn only when the
    status or the engineer changed, so it kept the first row's keys on the second."""
    crew = desk.crew
    theirs = tickets.new_ticket(store, crew.rep2, TICKET_FIELDS, now=NOW)
    theirs = tickets.dispatch(store, crew.rep2, theirs.code, theirs.version, "E1", now=NOW)
    theirs = tickets.complete(store, crew.rep2, theirs.code, theirs.version, "修好", now=NOW)
    app = app_for(store, "wangfang")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.screen.query_one("#status-filter").value = "completed"
        await settle(pilot)
        assert set(queue_codes(app)) == {desk.completed, theirs.code}
        await select_ticket(pilot, desk.completed)
        assert "b Callback" not in screen_text(app).splitlines()[-1]
        await select_ticket(pilot, theirs.code)
        assert "b Callback" in screen_text(app).splitlines()[-1]
        await select_ticket(pilot, desk.completed)
        assert "b Callback" not in screen_text(app).splitlines()[-1]


@async_test
async def test_cancel_and_reopen_from_the_ticket_screen(store, desk):
    code = desk.dispatched
    history_mark = last_history_id(store)
    app = app_for(store, "wangfang")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select_ticket(pilot, code)
        await press(pilot, "enter")
        assert isinstance(app.screen, TicketDetailScreen)
        await press(pilot, "x")
        await press(pilot, "enter")  # no reason given
        assert text_of(app, "#error-cancel_reason") == "Say why the ticket is cancelled."
        assert ticket(store, code)["status"] == "dispatched"
        await type_text(pilot, "客户已自行修好")
        await press(pilot, "enter")
        assert isinstance(app.screen, TicketDetailScreen)
        assert re.search(r"status +cancelled", text_of(app, "#fields"))
        await press(pilot, "r")
        await type_text(pilot, "客户又来电")
        await press(pilot, "enter")
        history = table_rows(app, "#history")
        assert history[-1][2:] == ["reopen", "note", "—", "客户又来电"]

    row = ticket(store, code)
    assert (row["status"], row["cancelled"], row["cancel_reason"]) == ("dispatched", 0, None)
    assert history_since(store, code, history_mark) == [
        ("cancel", "status", "dispatched", "cancelled", "R1"),
        ("cancel", "cancelled", "0", "1", "R1"),
        ("cancel", "cancel_reason", None, "客户已自行修好", "R1"),
        ("reopen", "status", "cancelled", "dispatched", "R1"),
        ("reopen", "cancelled", "1", "0", "R1"),
        ("reopen", "cancel_reason", "客户已自行修好", None, "R1"),
        ("reopen", "note", None, "客户又来电", "R1"),
    ]


@async_test
async def test_impossible_step_is_refused_with_the_reason(store, desk):
    app = app_for(store, "wangfang")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select_ticket(pilot, desk.received)
        footer = screen_text(app).splitlines()[-1]
        assert "d Dispatch" in footer and "Complete" not in footer
        await press(pilot, "c")
        assert isinstance(app.screen, QueueScreen)
        assert notices(app)[-1] == "Dispatch this ticket to an engineer first."
        await pilot.pause(keygate.SETTLE)  # read: what is typed at once is set aside (keygate)
        # a form left empty is refused next to its field, and nothing changes
        await select_ticket(pilot, desk.visited)
        await press(pilot, "c")
        assert isinstance(app.screen, CompleteForm)
        await press(pilot, "ctrl+s")
        assert text_of(app, "#error-resolution") == "Describe how the fault was resolved."
    row = ticket(store, desk.visited)
    assert (row["status"], row["version"]) == ("visited", 3)
    assert ticket(store, desk.received)["status"] == "received"


@async_test
async def test_ticket_screen_shows_every_field_and_the_whole_history(store, desk):
    app = app_for(store, "wangfang")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select_ticket(pilot, desk.visited)
        await press(pilot, "enter")
        fields = text_of(app, "#fields")
        for line in (
            "customer +王磊",
            "phone +13900000003",
            "engineer +李强 \\(E1\\)",
            f"visited at +{STAMP}",
            "resolution +—",
            "version +3",
        ):
            assert re.search(line, fields), line
        history = table_rows(app, "#history")
    # 7 rows at intake (customer … rep, product and fault given), 3 at dispatch, 2 at the visit
    assert len(history) == store.scalar(
        "SELECT count(*) FROM ticket_history WHERE ticket = ?", (desk.visited,)
    )
    assert len(history) == 9 + 3 + 2
    assert history[-1] == [STAMP, "李强", "record visit", "visited at", "—", STAMP]


@async_test
async def test_the_next_ticket_opened_shows_nothing_of_the_last_one(store, desk, monkeypatch):
    """The queue keeps its ticket screen: opened on another ticket, nothing of the one shown
    before is drawn, not even while the new one is being read, and its keys are the new one's."""
    app = app_for(store, "wangfang")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select_ticket(pilot, desk.visited)
        await press(pilot, "enter")
        first = app.screen
        await pilot.press("pagedown")  # the history scrolled: the next ticket starts at its top
        assert "王磊" in screen_text(app) and "c Complete" in screen_text(app)
        await press(pilot, "escape")

        release = hold_reads(monkeypatch, screens.ticket_detail)
        await select_ticket(pilot, desk.received)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is first  # the same screen, turned to the other ticket
        shown = screen_text(app)
        assert desk.received in shown and desk.visited not in shown
        assert "王磊" not in shown and "李强" not in shown and "Loading…" in shown
        assert table_rows(app, "#history") == []
        assert "d Dispatch" in shown and "Complete" not in shown  # the queue line's keys
        release.set()
        await settle(pilot)
        assert re.search("customer +张伟", text_of(app, "#fields"))
        history = table_rows(app, "#history")
        assert len(history) == store.scalar(
            "SELECT count(*) FROM ticket_history WHERE ticket = ?", (desk.received,)
        )
        assert all(row[1] == "王芳" for row in history) and "王磊" not in screen_text(app)


@async_test
async def test_a_late_failed_read_of_the_last_ticket_closes_nothing(store, desk, monkeypatch):
    """The kept ticket screen, closed while its read was on its way: that read's failure,
    coming while the queue is on top, closes nothing (dismiss() would have closed the queue),
    and the next ticket opens on it as usual."""
    release = hold_reads(monkeypatch, screens.ticket_detail)
    real = screens.ticket_detail.read_ticket

    def failing(app, code, **kwargs):
        if code == desk.visited:
            real(app, code, **kwargs)  # held back until released
            return LoadFailed(f"{code}: the link dropped")
        return read_now(app, code, **kwargs)

    read_now = screens.ticket_reads.read_ticket
    monkeypatch.setattr(screens.ticket_detail, "read_ticket", failing)
    app = app_for(store, "wangfang")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select_ticket(pilot, desk.visited)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("escape")  # closed (and kept) while its read is held back
        await pilot.pause()
        release.set()  # the read fails now, while the queue is on top
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        await select_ticket(pilot, desk.received)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TicketDetailScreen)
        assert isinstance(app.screen_stack[-2], QueueScreen)
        assert re.search("customer +张伟", text_of(app, "#fields"))


@async_test
async def test_the_dispatch_picker_opened_again_is_about_the_new_ticket_only(
    store, desk, monkeypatch
):
    """The queue keeps its picker: opened on another ticket, nothing of the last one is shown,
    and Enter, Enter pressed before the new ticket is read dispatches the new ticket, once it
    is."""
    before = ticket(store, desk.dispatched)
    app = app_for(store, "wangfang")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select_ticket(pilot, desk.dispatched)
        await press(pilot, "d")
        picker = app.screen
        assert isinstance(picker, DispatchScreen) and "李娜" in screen_text(app)
        await press(pilot, "escape")

        release = hold_reads(monkeypatch, screens.form)
        await select_ticket(pilot, desk.received)
        await pilot.press("d")
        await pilot.pause()
        assert app.screen is picker  # the same picker, turned to the other ticket
        assert "李娜" not in screen_text(app) and picker.code == desk.received
        await pilot.press("enter", "enter")  # typed ahead of the ticket's read: waits for it
        assert ticket(store, desk.received)["status"] == "received"
        release.set()
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
    assert ticket(store, desk.received)["status"] == "dispatched"
    assert ticket(store, desk.dispatched) == before  # the ticket it showed last: untouched


@async_test
async def test_engineer_problem_and_deduction_from_a_ticket(store, desk):
    """Each recorded by the rep: the notice says it waits for the lead before it counts."""
    waits = "it waits for the lead's review and counts once approved."
    app = app_for(store, "wangfang")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select_ticket(pilot, desk.dispatched)
        await press(pilot, "e")
        await press(pilot, "tab")  # points left empty: the branch's default, 1
        await type_text(pilot, "未带配件")
        await press(pilot, "enter")
        assert notices(app)[-1] == f"{desk.dispatched}: problem report recorded; {waits}"

        await press(pilot, "k")
        # the kinds a rep may record: backfill, violation, …; then whom they may be about,
        # reps and then engineers: 陈静, 李强, 赵磊
        await press(pilot, "enter", "down", "down", "enter")
        await press(pilot, "tab", "enter", "down", "down", "enter")
        await press(pilot, "tab", "tab")
        await type_text(pilot, "未穿工服")
        await press(pilot, "enter")
        assert isinstance(app.screen, QueueScreen)
        assert notices(app)[-1] == f"Violation for 李强 recorded; {waits}"

    problems = store.query("SELECT rep, engineer, points, ticket, note FROM problems")
    assert [tuple(r) for r in problems] == [("R1", "E1", 1.0, desk.dispatched, "未带配件")]
    deductions = store.query(
        "SELECT staff, kind, points, ticket, note, recorded_by FROM deductions"
    )
    assert [tuple(r) for r in deductions] == [
        ("E1", "violation", None, desk.dispatched, "未穿工服", "R1")
    ]


@async_test
async def test_bulk_redispatch_moves_every_open_ticket_of_an_engineer(store, desk):
    action_mark = last_action_id(store)
    app = app_for(store, "wangfang")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "t")
        await press(pilot, "enter", "down", "enter")  # from 李强
        await press(pilot, "tab", "down", "down", "space")  # to 赵磊
        await press(pilot, "ctrl+s")
        assert notices(app)[-1] == "2 tickets moved"
        engineers = [row[5] for row in table_rows(app, "#queue")]
        assert engineers == ["—", "赵磊", "赵磊", "赵磊"]

    moved = {code: ticket(store, code)["engineer"] for code in (desk.dispatched, desk.visited)}
    assert moved == {desk.dispatched: "E2", desk.visited: "E2"}
    # oldest received first, each a re-dispatch with its workload action
    assert actions_since(store, action_mark) == [
        ("R1", "dispatch", desk.visited, STAMP),
        ("R1", "dispatch", desk.dispatched, STAMP),
    ]


@async_test
async def test_a_schemes_adjustment_label_is_offered_as_text(store, desk, tmp_path):
    # A branch's scheme file names its own kinds; "[/]" in a label would end markup that
    # was never opened (a crash), "[bold]" would style the rest: both are shown as typed.
    path = tmp_path / "gz.toml"
    path.write_text(
        '[[adjustment]]\nkind = "odd"\nlabel = "[/]迟到[bold]"\npoints = -1\n'
        'recorded_by = ["rep", "lead"]\n',
        encoding="utf-8",
    )
    scheme = load_scheme(path)
    app = FieldKpiApp(
        store, staff_by_login(store, "wangfang"), now=lambda: NOW, scheme_for=lambda _b: scheme
    )
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "k")
        kinds = app.screen.query_one("#field-kind", Select)
        assert "[/]迟到[bold] (-1)" in [str(label) for label, _value in kinds._options]
        await press(pilot, "enter")  # the kind list, open: drawn without a crash
        assert "[/]迟到[bold]" in screen_text(app)


@async_test
async def test_the_dispatch_picker_weighs_timeliness_by_the_branchs_own_scheme(
    store, desk, tmp_path
):
    """A branch that pays other day buckets sees each engineer's timeliness as it pays it."""
    path = tmp_path / "gz.toml"
    path.write_text("[settings]\nbucket_points = [19, 16, 13, 10, 7, 4, 1]\n", encoding="utf-8")
    scheme = load_scheme(path)
    rep = staff_by_login(store, "wangfang")
    theirs = {c.person.name: c.timeliness for c in dispatch_candidates(store, rep, NOW, scheme)}
    default = {c.person.name: c.timeliness for c in dispatch_candidates(store, rep, NOW)}
    name = next(n for n, t in theirs.items() if t is not None and t != default[n])
    app = FieldKpiApp(store, rep, now=lambda: NOW, scheme_for=lambda _b: scheme)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select_ticket(pilot, desk.received)
        await press(pilot, "d")
        line = next(line for line in screen_text(app).splitlines() if name in line)
        assert labels.timeliness(theirs[name]) in line
        assert labels.timeliness(default[name]) not in line


@pytest.mark.parametrize("preset, shown", [("skyworth", True), ("generic-bands", False)])
@async_test
async def test_the_dispatch_picker_shows_timeliness_only_where_the_scheme_scores_it(
    store, desk, preset, shown
):
    """FS's generic-bands scores no completion timeliness: its picker has no such column."""
    scheme = load_preset(preset)
    rep = staff_by_login(store, "wangfang")
    app = FieldKpiApp(store, rep, now=lambda: NOW, scheme_for=lambda _b: scheme)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select_ticket(pilot, desk.received)
        await press(pilot, "d")
        assert isinstance(app.screen, DispatchScreen)
        assert ("Timeliness this month" in screen_text(app)) is shown
        assert [r[:2] for r in table_rows(app, "#engineers")] == [["李强", "2"], ["赵磊", "1"]]


@async_test
async def test_a_problem_report_is_never_put_on_an_engineer_it_was_not_written_about(store, desk):
    """The rep writes about 李强; meanwhile the ticket is handed to 赵磊. The save is refused,
    the text stays in the form, and nothing is recorded against either."""
    app = app_for(store, "wangfang")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select_ticket(pilot, desk.dispatched)
        await press(pilot, "e")
        form = app.screen
        await press(pilot, "tab")  # from the level to the note
        await type_text(pilot, "李强迟到")
        crew = desk.crew
        sent = tickets.get_ticket(store, crew.rep, desk.dispatched)
        tickets.dispatch(store, crew.rep, sent.code, sent.version, crew.eng2.code, now=NOW)
        await press(pilot, "ctrl+s")
        assert app.screen is form and "handed to another engineer" in screen_text(app)
        assert form.query_one("#field-note").value == "李强迟到"
    assert store.scalar("SELECT count(*) FROM problems") == 0


@async_test
async def test_at_80_columns_the_history_shows_whom_a_ticket_went_to_without_scrolling(store, desk):
    """Every column of the history is on screen at 80×24: a row too wide wraps (a person into
    name over code, a time into date over hour), nothing is left off to the right."""
    app = app_for(store, "wangfang")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select_ticket(pilot, desk.dispatched)
        await press(pilot, "enter")
        table = app.screen.query_one("#history")
        assert table.virtual_size.width <= table.size.width
        table.move_cursor(row=table.row_count - 1, animate=False)
        await settle(pilot)
        shown = screen_text(app)
        assert "To" in shown.split("History")[1].splitlines()[1]  # the last heading is in view
        lines = shown.split("History")[1].splitlines()
        engineer = next(i for i, line in enumerate(lines) if " engineer " in line)
        assert "李强" in lines[engineer] and "(E1)" in lines[engineer] + lines[engineer + 1]
        assert re.search(r"dispatched at .*2026-10-15", shown)
