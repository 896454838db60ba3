"""What each role sees (issue 11, item 3): an engineer sees no other person's name or figure.

The desk of ``tui_helpers`` (李强 E1 and 赵磊 E2, tickets taken in by 王芳 R1),
then, on tickets that end up with 赵磊:

- A: 李强's, visited, waiting for parts (note by 李强); a problem report about
  李强 and deductions against 李强 and against 陈静 (R2); re-dispatched to
  赵磊 by 陈静, one by one.
- B: 李强's, completed by him, reopened by the lead 刘洋 ("李强 did not fix it");
  then every open ticket of 李强's moved to 赵磊 by 王芳 ("move all").

赵磊 then walks every screen, tab, list, history, form and the palette: the
only people named are himself and the tickets' contacts (王芳, who took them
in and moved them; 陈静, who dispatched A), nothing of the appraisal events,
and no figure of anyone else.
"""

from __future__ import annotations

import io

import pytest
from appraisal_helpers import SCHEME
from rich.console import Console
from rich.text import Text
from textual.command import CommandPalette
from textual.widgets import DataTable, Static
from ticket_helpers import NOW
from tui_helpers import (
    SIZE,
    app_for,
    async_test,
    press,
    queue_codes,
    screen_text,
    seed_desk,
    select_ticket,
    settle,
)

from fieldkpi.scheme import default_for_every_branch
from fieldkpi.visibility import SOMEONE_ELSE
from screens import keygate
from screens.help import HelpScreen
from screens.my_figures import MyFiguresScreen
from screens.queue import QueueScreen
from screens.ticket_detail import TicketDetailScreen
from storage import appraisal, tickets

NOT_HIS = ("李强", "刘洋", "孙涛", "管理员", "吴刚", "周敏")  # other engineers, lead, admin, SZ
NOTES = (
    "迟到",
    "违规",
    "陈静的投诉",
    "订了零件",
    "没修好",
    "换主板",
)  # words of the appraisal events and notes, and 李强's resolution of B


@pytest.fixture
def handed_over(store):
    """The desk after problem reports, deductions, a reopen and two kinds of re-dispatch."""
    desk = seed_desk(store)
    crew = desk.crew
    a = tickets.get_ticket(store, crew.rep, desk.visited)  # 李强's, visited
    a = tickets.await_parts(store, crew.eng, a.code, a.version, "李强订了零件", now=NOW)
    appraisal.report_problem(store, crew.rep, a.code, SCHEME, None, "李强迟到两小时", now=NOW)
    appraisal.record_deduction(
        store, crew.lead, "E1", "violation", None, "李强违规", SCHEME, a.code, NOW
    )
    appraisal.record_deduction(
        store, crew.rep, "R2", "violation", None, "陈静的投诉", SCHEME, a.code, NOW
    )
    a = tickets.dispatch(store, crew.rep2, a.code, a.version, "E2", now=NOW)

    b = tickets.get_ticket(store, crew.rep, desk.dispatched)  # 李强's, dispatched
    b = tickets.complete(store, crew.eng, b.code, b.version, "换主板", now=NOW)
    b = tickets.reopen(
        store,
        crew.lead,
        b.code,
        b.version,
        "客户说李强没修好",
        now=NOW,
        scheme_for=default_for_every_branch,
    )
    assert tickets.bulk_redispatch(store, crew.rep, "E1", ["E2"], now=NOW) == {b.code: "E2"}
    return desk


def everything_shown(app) -> str:
    """The screen, and all of every text box and table on it, scrolled out of view or not."""
    parts = [screen_text(app)]
    for static in app.screen.query(Static):
        content = static.content
        if isinstance(content, str | Text):
            parts.append(str(content))
        else:
            console = Console(width=200, file=io.StringIO(), record=True)
            console.print(content)
            parts.append(console.export_text())
    for table in app.screen.query(DataTable):
        parts += [str(column.label) for column in table.columns.values()]
        parts += [str(cell) for i in range(table.row_count) for cell in table.get_row_at(i)]
    if isinstance(app.screen, HelpScreen):
        parts.append(app.screen.text)
    return "\n".join(parts)


def assert_nobody_else(app, seen: list[str]) -> None:
    shown = everything_shown(app)
    seen.append(shown)
    for word in (*NOT_HIS, *NOTES, "E1", "E3", "L1", "points to the next rank"):
        assert word not in shown, (word, type(app.screen).__name__, shown)
    for table in app.screen.query("#history").results(DataTable):  # no appraisal step at all
        steps = {str(table.get_row_at(i)[2]) for i in range(table.row_count)}
        assert steps <= {"new ticket", "dispatch"}, steps


async def help_and_palette(pilot, seen: list[str]) -> None:
    app = pilot.app
    await press(pilot, "f1")
    assert isinstance(app.screen, HelpScreen)
    assert_nobody_else(app, seen)
    await press(pilot, "escape")
    await press(pilot, "ctrl+p")
    assert isinstance(app.screen, CommandPalette)
    assert_nobody_else(app, seen)
    await press(pilot, "escape")


@async_test
async def test_an_engineer_walks_every_screen_and_sees_nobody_else(store, handed_over):
    desk, seen = handed_over, []
    app = app_for(store, "zhaolei")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, MyFiguresScreen)
        for _tab in range(3):
            assert_nobody_else(app, seen)
            await press(pilot, "t")
        await press(pilot, "left_square_bracket")
        assert_nobody_else(app, seen)
        await press(pilot, "right_square_bracket")
        await help_and_palette(pilot, seen)

        await press(pilot, "f2")
        assert isinstance(app.screen, QueueScreen)
        app.screen.query_one("#status-filter").value = "all"
        await settle(pilot)
        mine = queue_codes(app)
        assert set(mine) == {desk.old_open, desk.visited, desk.dispatched}
        assert_nobody_else(app, seen)
        await help_and_palette(pilot, seen)
        for code in mine:
            await select_ticket(pilot, code)
            await press(pilot, "enter")
            assert isinstance(app.screen, TicketDetailScreen)
            assert_nobody_else(app, seen)
            await help_and_palette(pilot, seen)
            for key in ("v", "p", "c"):  # the engineer's steps, where the ticket allows them
                await press(pilot, key)
                if app.screen is not None and not isinstance(app.screen, TicketDetailScreen):
                    assert_nobody_else(app, seen)
                    await press(pilot, "escape")
                else:  # refused: what is typed straight after is set aside (screens.keygate)
                    await pilot.pause(keygate.SETTLE)
            await press(pilot, "escape")

        await press(pilot, "slash", "李")  # a search finds only his own tickets, by customer
        await settle(pilot)
        assert set(queue_codes(app)) <= set(mine)
        assert_nobody_else(app, seen)

    shown = "\n".join(seen)
    assert "赵磊" in shown and "王芳" in shown and "陈静" in shown  # himself and the contacts
    assert "someone else" in shown  # the hand-overs from 李强, without his name


def test_a_conflict_tells_an_engineer_no_other_engineers_name(store, handed_over):
    desk = handed_over
    crew = desk.crew
    a = tickets.get_ticket(store, crew.eng2, desk.visited)  # 赵磊 opens his visit form
    there = tickets.dispatch(store, crew.rep2, a.code, a.version, "E1", now=NOW)
    tickets.dispatch(store, crew.rep2, a.code, there.version, "E2", now=NOW)  # and back
    with pytest.raises(tickets.Conflict) as conflict:
        tickets.record_visit(store, crew.eng2, a.code, a.version, now=NOW)
    message = str(conflict.value)
    assert "陈静" in message and "someone else" in message
    assert "李强" not in message and "E1" not in message
    handovers = [row for row in conflict.value.changes if row.field == "engineer"]
    assert [(row.old, row.new) for row in handovers] == [("E2", SOMEONE_ELSE), (SOMEONE_ELSE, "E2")]


def test_an_engineer_reads_only_the_life_of_his_own_time_with_a_ticket(store, handed_over):
    desk = handed_over
    crew = desk.crew
    rows = tickets.ticket_history(store, crew.eng2, desk.visited)
    assert {row.step for row in rows} == {"create", "dispatch"}
    handover = [(r.by, r.old, r.new) for r in rows if r.field == "engineer"][-1]
    assert handover == ("R2", SOMEONE_ELSE, "E2")
    ticket = tickets.get_ticket(store, crew.eng2, desk.visited)
    assert (ticket.engineer, ticket.rep, ticket.updated_by) == ("E2", "R1", "R2")
    b = tickets.get_ticket(store, crew.eng2, desk.dispatched)
    assert b.updated_by == "R1"  # 王芳 moved it: a contact
    assert all(row.by in ("R1", "R2") for row in tickets.ticket_history(store, crew.eng2, b.code))
    # Nothing of 李强's time with them: his visit of A, his resolution of B.
    assert (ticket.visited_at, b.resolution) == (None, None)
    assert tickets.get_ticket(store, crew.lead, desk.dispatched).resolution == "换主板"
    b = tickets.complete(store, crew.eng2, b.code, b.version, "重装系统", now=NOW)
    assert (b.resolution, b.completed_at) == (
        "重装系统",
        tickets.get_ticket(store, crew.lead, b.code).completed_at,
    )

    # The lead reads it all; a rep reads the ticket's life and what she recorded herself.
    everything = tickets.ticket_history(store, crew.lead, desk.visited)
    assert {"report_problem", "deduction", "await_parts"} <= {row.step for row in everything}
    theirs = tickets.ticket_history(store, crew.rep, desk.visited)
    assert [r.new for r in theirs if r.step == "deduction" and r.field == "note"] == ["陈静的投诉"]
    assert [r.new for r in theirs if r.step == "report_problem" and r.field == "note"] == [
        "李强迟到两小时"
    ]
    others = tickets.ticket_history(store, crew.rep2, desk.visited)
    assert not {"report_problem", "deduction"} & {row.step for row in others}
