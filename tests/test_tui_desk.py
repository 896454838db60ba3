"""The lead's desk and the engineer's phone, in both languages (issue 12's "done when").

At 80×24: every person's name, total and reward on the rankings without
scrolling; the month box refuses 2026-13 and a month not begun and keeps
naming the month shown; Enter on a ticket of the facts opens it; F1 Help in
every footer with nothing left in its last cell. At 46×30 (a phone held
upright): the engineer's rank, total, reward, each KPI's points and the
tickets to fix first.

The month is ``test_end_to_end``'s, the clock 2026-11-05 09:00 (see
``test_tui_my_figures`` for the engineer 陈工's November).
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from rankings_helpers import app_at, every_column, seed_month
from test_export_zh import ROWS
from textual.widgets import Tabs
from tui_helpers import (
    SIZE,
    async_test,
    demo_app,
    notices,
    press,
    screen_text,
    settle,
    text_of,
    type_text,
)

from fieldkpi.i18n import _
from fieldkpi.kpi_columns import ADJUSTMENTS, kpi_columns, points_columns
from fieldkpi.numbers import points, yuan
from fieldkpi.scheme import Label
from screens import actions
from screens.drilldown import DrilldownScreen
from screens.my_figures import MyFiguresScreen, standing_lines
from screens.rank_forms import ExportForm
from screens.rankings import RankTable, fixed_count, table_columns
from screens.ticket_detail import TicketDetailScreen
from screens.ticket_lists import TicketList

PHONE = (46, 30)


@pytest.fixture
def month(store):
    seed_month(store)
    return store


def squeezed(text: str) -> str:
    """Text without any white space: a line wrapped on a narrow screen reads the same."""
    return "".join(text.split())


@async_test
async def test_every_name_total_and_reward_is_on_the_rankings_without_scrolling(month, lang):
    app = app_at(month, "zhoujl")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "left_square_bracket")
        for tab in ("rep-table", "engineer-table"):
            lines = screen_text(app).splitlines()
            table = app.screen.query_one(f"#{tab}", RankTable)
            assert table.ranked
            for row in table.ranked:
                total = points(row.total)
                shown = [ln for ln in lines if row.name in ln and total in ln]
                assert len(shown) == 1, (row.name, total)
                assert yuan(row.reward) in shown[0]
            # Each KPI's columns are headed by its name, not four alike "points" (every
            # column read off the screen, → by →).
            headings = ["\n".join(h) for h, _cells in await every_column(pilot, tab)]
            for column in kpi_columns(table.role):
                assert f"{column.kpi_label}\n{column.part}" in headings
            await press(pilot, "t")


@async_test
async def test_the_month_box_refuses_and_keeps_naming_the_month_shown(month, lang):
    app = app_at(month, "zhoujl")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        banner = text_of(app, "#banner")
        for typed, why in (
            ("2026-13", _("{text} is not a month like 2026-10.").format(text="2026-13")),
            ("2027-05", _("{month} has not begun yet.").format(month="2027-05")),
        ):
            await press(pilot, "g")
            await type_text(pilot, typed)
            await press(pilot, "enter")
            assert app.screen.query_one("#month").value == "2026-11"
            assert text_of(app, "#month-note") == why
            assert why in screen_text(app).splitlines()[1]  # beside the box
            assert text_of(app, "#banner") == banner  # the screen as it was
            assert isinstance(app.focused, RankTable)
        await press(pilot, "x")  # the next key is not typed into the box
        assert isinstance(app.screen, ExportForm)
        assert app.screen.period.month == 11


@async_test
async def test_enter_on_a_ticket_of_the_facts_opens_it(month, lang):
    app = app_at(month, "zhoujl")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "left_square_bracket", "t", "enter")  # E1's October, the first
        facts = app.screen
        assert isinstance(facts, DrilldownScreen) and facts.row.staff_code == "E1"
        tickets = app.focused
        assert isinstance(tickets, TicketList)
        assert tickets.codes == ["T1", "T2", "T5", "T9"]
        await press(pilot, "down", "enter")
        assert isinstance(app.screen, TicketDetailScreen) and app.screen.code == "T2"
        await press(pilot, "escape")
        assert app.screen is facts


def footer_keys(app) -> list[str]:
    """The footer labels of every key the screen (or the app) has."""
    return [_(a.label) for a in actions.ACTIONS]


@pytest.mark.parametrize(
    ("login", "keys"),
    [
        ("wangfang", ()),  # a rep's queue: the most keys of any screen
        ("zhoujl", ()),  # a lead's rankings
        ("zhoujl", ("enter",)),  # the facts
        ("zhoujl", ("r",)),  # a trend
        ("chengong", ()),  # an engineer's own figures
        ("chengong", ("f2",)),  # an engineer's tickets
    ],
)
@async_test
async def test_f1_help_is_in_every_footer_and_no_key_is_cut(month, lang, login, keys):
    app = app_at(month, login)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, *keys)
        footer = screen_text(app).splitlines()[-1]
        assert footer.startswith(f"F1 {_('Help')} ")
        assert footer.endswith(" ")  # the last cell: nothing left of a cut-off key
        keys_part = footer.split("▏")[0].rstrip()
        assert any(keys_part.endswith(label) for label in footer_keys(app)), footer


@async_test
async def test_an_engineer_on_a_phone_sees_his_place_his_points_and_what_to_fix(month, lang):
    app = app_at(month, "chengong")
    async with app.run_test(size=PHONE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, MyFiguresScreen)
        figures = app.screen.figures
        row = figures.standing.row
        screen = squeezed(screen_text(app))
        place = " · ".join(
            (
                _("Rank {rank} of {ranked} · total {total}").format(
                    rank=row.rank, ranked=figures.standing.ranked, total=points(row.total)
                ),
                _("reward {reward}").format(reward=yuan(row.reward)),
            )
        )
        assert squeezed(place) in screen
        for line in standing_lines(figures):  # one per KPI, wrapped, never cut
            assert squeezed(line) in screen
        for column in points_columns(kpi_columns(row.role, [row])):
            assert points(column.read(row)) in screen
            if column.kpi != ADJUSTMENTS:  # a total line names adjustments only when made
                assert squeezed(column.kpi_label) in screen

        await press(pilot, "t")  # fix first
        assert app.screen.query_one("TabbedContent").active == "fix-first"
        lines = screen_text(app).splitlines()
        assert max(len(line.rstrip()) for line in lines) <= PHONE[0]
        (card,) = [i for i, line in enumerate(lines) if f"{_('Ticket')} T9" in line]
        # The card of T9: nothing of it cut, its lines stacked instead.
        shown = squeezed("".join(lines[card : card + 4]))
        assert squeezed(f"{_('Points change')} +135") in shown
        assert squeezed(_("completed: past 7 days")) in shown
        assert "2026-08-0110:00" in shown
        await press(pilot, "enter")
        assert isinstance(app.screen, TicketDetailScreen) and app.screen.code == "T9"


@async_test
async def test_a_ticket_an_engineer_may_not_see_is_refused_not_shown(month):
    """Enter on a list opens the ticket with the person's rights: E2's T8 is not 陈工's."""
    app = app_at(month, "chengong")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        listed = app.focused
        assert isinstance(listed, TicketList) and listed.codes == ["T9"]
        listed.post_message(TicketList.Open("T8"))
        await settle(pilot)
        assert isinstance(app.screen, MyFiguresScreen)  # nothing of T8 shown
        assert "T8" in notices(app)[-1]
        await press(pilot, "enter")  # his own T9 opens
        assert isinstance(app.screen, TicketDetailScreen) and app.screen.code == "T9"


def test_a_grade_column_joins_the_fixed_columns_only_when_someone_has_a_grade():
    """The scheme engine adds grades to ranking rows; without any, there is no column.
    Someone without a grade reads a dash, as someone without a reward does."""
    rows = [ROWS[0], ROWS[1]]
    plain = table_columns("rep", rows[0].scheme, rows, {}, {})
    assert [c.key for c in plain[: fixed_count(plain)]] == ["rank", "name", "total", "reward"]
    rows = [replace(ROWS[0], grade=Label("甲", "A")), ROWS[1]]
    columns = table_columns("rep", rows[0].scheme, rows, {}, {})
    fixed = columns[: fixed_count(columns)]
    assert [c.key for c in fixed] == ["rank", "name", "total", "grade", "reward"]
    assert [fixed[3].cell(row) for row in rows] == ["A", "—"]


@async_test
async def test_the_tickets_behind_a_number_keep_the_keys_and_the_room_at_80x24(demo):
    """The tester's way in: F4, [ to October, t, Down to 吴文静, ← to her timeliness points,
    Enter. Under the chart her list showed one line until Down, and each Down one more; End
    did nothing; Tab went to the scrolling pane, marked by nothing, and Enter opened no
    ticket. Now the facts open with the chart and four tickets under it (the lines above
    the summary scrolled up), Down gives the list the room under the tabs (Home brings the
    chart back), End and Home go to the last and first ticket, and Tab stops only on the
    tabs (marked) and the list."""
    app = demo_app(demo, "qiuping")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.clear_notifications()
        await press(pilot, "f4", "left_square_bracket", "t", "down", "left", "enter")
        assert isinstance(app.screen, DrilldownScreen) and app.screen.row.name == "吴文静"
        tickets = app.focused
        assert isinstance(tickets, TicketList) and len(tickets.codes) == 23

        def shown() -> tuple[bool, int]:
            """Whether the summary above the chart is on screen, and how many tickets."""
            text = screen_text(app)
            return "→ timeliness" in text, sum(code in text for code in tickets.codes)

        assert shown() == (True, 4)
        assert "open past 30" in screen_text(app)  # the chart's last bar
        assert "Completion timeliness" not in screen_text(app)  # the KPI's line, above
        await press(pilot, "home")  # on the first ticket already: the lines above come back
        assert tickets.cursor_row == 0 and "Completion timeliness" in screen_text(app)
        assert shown() == (True, 1)
        await press(pilot, "down")
        summary, lines = shown()
        assert not summary and lines >= 15
        await press(pilot, "end")
        assert tickets.cursor_row == 22 and tickets.codes[22] in screen_text(app)
        await press(pilot, "home")
        assert tickets.cursor_row == 0 and shown() == (True, 1)

        await press(pilot, "down", "tab")
        assert isinstance(app.focused, Tabs)  # its tab drawn in the cursor's colours
        await press(pilot, "tab")
        assert app.focused is tickets
        await press(pilot, "enter")
        assert isinstance(app.screen, TicketDetailScreen) and app.screen.code == tickets.codes[1]
