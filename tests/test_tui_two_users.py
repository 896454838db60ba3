"""Two dispatchers, two app instances, one database file, each with its own connection."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from textual.pilot import Pilot
from textual.widgets import Input
from ticket_helpers import NOW
from tui_helpers import (
    SIZE,
    app_for,
    async_test,
    notices,
    press,
    seed_desk,
    select_ticket,
    settle,
    table_rows,
    text_of,
    type_text,
    wait_until,
)

from fieldkpi.scheme import default_scheme
from screens.discard import DiscardScreen
from screens.events import DecisionForm
from screens.queue import QueueScreen
from screens.step_forms import CompleteForm
from screens.ticket_detail import TicketDetailScreen
from storage import appraisal
from storage.db import open_store

STAMP = "2026-10-15 09:30:00"


@pytest.fixture
def desk(store):
    return seed_desk(store)


@pytest.fixture
def other_store(store):
    """A second connection to the same file, as a second person's process has."""
    opened = open_store(store.path)
    yield opened
    opened.close()


@async_test
async def test_stale_save_is_refused_with_who_changed_what_and_the_input_kept(
    store, other_store, desk
):
    code = desk.dispatched
    wang = app_for(store, "wangfang")
    chen = app_for(other_store, "chenjing")
    async with wang.run_test(size=SIZE) as a, chen.run_test(size=SIZE) as b:
        await settle(a)
        await settle(b)
        await select_ticket(a, code)
        await press(a, "c")
        await type_text(a, "更换主板")

        # meanwhile 陈静 re-dispatches the same ticket from 李强 to 赵磊
        await select_ticket(b, code)
        await press(b, "d", "enter", "enter")

        await press(a, "ctrl+s")
        assert isinstance(wang.screen, CompleteForm)
        assert text_of(wang, "#form-message") == (
            f"Ticket {code} was changed by 陈静 at 09:30:00: engineer 李强 (E1) → 赵磊 (E2)."
            " Your change was not saved.\n"
            "Your input is kept: check it and save again to apply it."
        )
        assert wang.screen.query_one("#field-resolution", Input).value == "更换主板"
        assert store.query("SELECT status FROM tickets WHERE code = ?", (code,))[0][0] == (
            "dispatched"
        )

        await press(a, "ctrl+s")  # re-apply to the ticket as it is now
        assert isinstance(wang.screen, QueueScreen)

    row = store.query("SELECT status, engineer, resolution FROM tickets WHERE code = ?", (code,))
    assert tuple(row[0]) == ("completed", "E2", "更换主板")
    steps = store.query(
        "SELECT step, field, by FROM ticket_history WHERE ticket = ? AND step != 'create'"
        " ORDER BY id",
        (code,),
    )
    assert [tuple(r) for r in steps][-4:] == [
        ("dispatch", "engineer", "R2"),
        ("complete", "status", "R1"),
        ("complete", "completed_at", "R1"),
        ("complete", "resolution", "R1"),
    ]


@async_test
async def test_queue_and_ticket_screen_refresh_by_themselves_when_the_other_saves(
    store, other_store, desk
):
    wang = app_for(store, "wangfang")
    wang.REFRESH_SECONDS = 0.2  # the real poll, only quicker than the 1.5 s people get
    chen = app_for(other_store, "chenjing")
    async with wang.run_test(size=SIZE) as a, chen.run_test(size=SIZE) as b:
        await settle(a)
        await settle(b)
        assert table_rows(wang, "#queue")[0][:2] == [desk.received, "received"]
        await select_ticket(a, desk.visited)
        await press(a, "enter")
        assert isinstance(wang.screen, TicketDetailScreen)
        history_before = len(table_rows(wang, "#history"))

        await select_ticket(b, desk.received)
        await press(b, "d", "down", "enter", "enter")  # to 赵磊
        await select_ticket(b, desk.visited)
        await press(b, "p")
        await type_text(b, "主板缺货")
        await press(b, "enter")

        await wait_until(a, lambda: len(table_rows(wang, "#history")) > history_before)
        assert table_rows(wang, "#history")[-2:] == [
            [STAMP, "陈静", "awaiting parts", "status", "visited", "awaiting parts"],
            [STAMP, "陈静", "awaiting parts", "note", "—", "主板缺货"],
        ]
        queue = wang.screen_stack[-2]
        await wait_until(a, lambda: "dispatched" in str(queue.table.get_row_at(0)[1]))
        assert [str(c) for c in queue.table.get_row_at(0)[:2]] == [desk.received, "dispatched"]
        assert str(queue.table.get_row_at(0)[5]) == "赵磊"


@async_test
async def test_a_leads_key_whose_decision_changed_meanwhile_says_what_changed(
    store, other_store, desk
):
    """王芳's deduction waits on 刘洋's list; 李强 contests it meanwhile. The list reads it
    again, and ``a`` now upholds: the dialog says the event changed since the list showed it
    waiting, and the contest's reason, before anything is saved."""
    event = appraisal.record_deduction(
        store, desk.crew.rep, "E1", "violation", None, "未穿工服", default_scheme(), now=NOW
    ).id
    lead = app_for(store, "liuyang")
    lead.REFRESH_SECONDS = 0.2  # the real poll, only quicker than the 1.5 s people get
    engineer = app_for(other_store, "liqiang")
    async with lead.run_test(size=SIZE) as a, engineer.run_test(size=SIZE) as b:
        await settle(a)
        await settle(b)
        await press(a, "f6")
        assert table_rows(lead, "#events")[0][3] == "waiting"

        await press(b, "f6", "c")
        await type_text(b, "不是我的问题")
        await press(b, "ctrl+s")

        await wait_until(a, lambda: table_rows(lead, "#events")[0][3] == "contested")
        await press(a, "a")
        assert isinstance(lead.screen, DecisionForm)
        assert text_of(lead, "#form-title").startswith("Uphold: ")
        assert text_of(lead, "#decision-changed") == (
            "Changed since this list showed it waiting:\n"
            "2026-10-15 09:30 contested by 李强: 不是我的问题"
        )
        assert not lead.screen.query("#decision-contest")  # said once, in the change
        await press(a, "escape")
        assert (
            store.scalar(
                "SELECT group_concat(action) FROM appraisal_reviews WHERE subject_id = ?", (event,)
            )
            == "contest"
        )


HANDED_AWAY = (
    "Ticket {code} was changed by 陈静 at 09:30:00: engineer 李强 (E1) → someone else."
    " It is no longer assigned to you.\n"
    "What you typed stays here until you close the form; it can no longer be saved."
)


@pytest.mark.parametrize("size", [SIZE, (46, 30)])
@async_test
async def test_an_engineers_form_stays_with_its_text_when_the_ticket_is_handed_away(
    store, other_store, desk, size
):
    """李强 is typing the completion of his ticket when 陈静 hands it to 赵磊. The form stays,
    with his text and who took the ticket; closing it asks first; the ticket screen beneath
    it closes after it, once, and nothing crashes (it was dismissed twice: an InvalidStateError)."""
    code = desk.dispatched
    li = app_for(store, "liqiang")
    li.REFRESH_SECONDS = 0.2
    chen = app_for(other_store, "chenjing")
    async with li.run_test(size=size) as a, chen.run_test(size=SIZE) as b:
        await settle(a)
        await settle(b)
        await press(a, "f2")
        await select_ticket(a, code)
        await press(a, "enter")
        assert isinstance(li.screen, TicketDetailScreen)
        await press(a, "c")
        await type_text(a, "Replaced T-con board")
        form = li.screen
        assert isinstance(form, CompleteForm)

        await select_ticket(b, code)
        await press(b, "d", "enter", "enter")  # to 赵磊

        expected = HANDED_AWAY.format(code=code)
        await wait_until(a, lambda: li.screen is form and text_of(li, "#form-message") == expected)
        await settle(a)
        assert li.screen is form
        assert form.query_one("#field-resolution", Input).value == "Replaced T-con board"

        await press(a, "ctrl+s")  # saved anyway: refused with the same words, the text kept
        assert li.screen is form and text_of(li, "#form-message") == expected
        assert form.query_one("#field-resolution", Input).value == "Replaced T-con board"

        await press(a, "escape")
        assert isinstance(li.screen, DiscardScreen)
        await press(a, "d")
        assert isinstance(li.screen, QueueScreen)
        assert not any(isinstance(s, TicketDetailScreen) for s in li.screen_stack)
        assert any(f"Ticket {code} was changed by 陈静" in n for n in notices(li))
        await press(a, "escape")  # on the queue: nothing left to dismiss a second time
        assert isinstance(li.screen, QueueScreen)

    row = store.query("SELECT status, engineer, resolution FROM tickets WHERE code = ?", (code,))
    assert tuple(row[0]) == ("dispatched", "E2", None)


@asynccontextmanager
async def both_on_the_new_ticket(store, other_store, desk) -> AsyncIterator[tuple[Pilot, Pilot]]:
    """王芳's session and 陈静's, each on its own connection, the cursor on the new ticket."""
    wang = app_for(store, "wangfang")
    chen = app_for(other_store, "chenjing")
    async with wang.run_test(size=SIZE) as a, chen.run_test(size=SIZE) as b:
        await settle(a)
        await settle(b)
        await select_ticket(a, desk.received)
        await select_ticket(b, desk.received)
        yield a, b


@async_test
async def test_the_dispatch_picker_reads_the_open_counts_again_after_a_clash(
    store, other_store, desk
):
    """王芳 and 陈静 both open the picker on the new ticket; 王芳 gives it to 李强 first. 陈静's
    picker, refused, marks 李强 as its engineer and counts his tickets as they are now."""
    async with both_on_the_new_ticket(store, other_store, desk) as (a, b):
        chen = b.app
        await press(a, "d")
        await press(b, "d")
        counts = {r[0]: r[1] for r in table_rows(chen, "#engineers")}
        assert counts == {"李强": "2", "赵磊": "1"}

        await press(a, "enter", "enter")  # 李强
        await press(b, "down", "enter", "enter")  # 赵磊: refused

        assert "was changed by 王芳" in text_of(chen, "#form-message")
        counts = {r[0]: r[1] for r in table_rows(chen, "#engineers")}
        assert counts == {"李强 ←": "3", "赵磊": "1"}
        assert chen.screen.query_one("#engineers").cursor_row == 1  # 赵磊, as chosen


@async_test
async def test_a_ticket_cancelled_under_the_picker_is_told_in_words(store, other_store, desk, zh):
    """陈静 dispatches the new ticket 王芳 has just cancelled: the clash said
    "已取消 0 → 1；取消原因 — → 客户不修了", the flag's digits and a dash for nothing."""
    async with both_on_the_new_ticket(store, other_store, desk) as (a, b):
        chen = b.app
        await press(b, "d")
        await press(a, "x")
        await type_text(a, "客户不修了")
        await press(a, "ctrl+s")
        await press(b, "enter", "enter")  # 李强: refused
        assert text_of(chen, "#form-message").startswith(
            f"工单 {desk.received} 已被 王芳 于 09:30:00 修改：状态 已受理 → 已取消；"
            "取消原因：客户不修了。你的修改没有保存。"
        )
