"""Two dispatchers, two app instances, one database file, each with its own connection."""

from __future__ import annotations

import pytest
from textual.widgets import Input
from tui_helpers import (
    SIZE,
    app_for,
    async_test,
    press,
    seed_desk,
    select_ticket,
    settle,
    table_rows,
    text_of,
    type_text,
    wait_until,
)

from screens.queue import QueueScreen
from screens.step_forms import CompleteForm
from screens.ticket_detail import TicketDetailScreen
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
        await press(b, "d", "enter")

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
        await press(b, "d", "down", "enter")  # to 赵磊
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
