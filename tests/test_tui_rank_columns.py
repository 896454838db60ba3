"""The rankings moved sideways show each column whole or not at all, beside whose line it is.

A tester (the lead, 80×24, Chinese): the engineers' November, → twenty times, read
吴文静 ``0%`` and 魏辉 ``7%`` where the column held 100.00% and 91.67% (its left part
scrolled off); October's 188 actions read ``88``, and a column headed 饱和度 held the
points of 工作饱和度 得分. The table held every column and scrolled by the cell. Now it
holds only the columns that fit whole beside rank and name, ← → move it a column at
a time, and a line says how many more lie either side. Read off the terminal here, at
80 columns and on a phone, in both languages.
"""

from __future__ import annotations

import pytest
from month_helpers import person
from rankings_helpers import NOW, drawn, seed_month
from test_tui_schemes import NEW_YEAR, Q4, app_for
from tui_helpers import SIZE, async_test, demo_app, press, screen_text, settle, text_of

from screens.drilldown import DrilldownScreen
from screens.rankings import RankTable, cell, heading
from screens.sideways import LEAST_ROOM, more_columns, window
from storage.schemes import choose_preset
from storage.scores import record_score

PHONE = (46, 30)


@pytest.fixture
def month(store):
    seed_month(store)
    return store


def squeezed(text: str) -> str:
    return "".join(text.split())


def check_in_view(app, table: RankTable) -> dict[int, list[str]]:
    """Every column in view is drawn whole: each cell the full text of its person's value,
    its heading every word of the column's; rank and name at the left; nothing beyond the
    table's edge. The cells of each column in view, as read (one read of the screen)."""
    assert table.in_view[:2] == [0, 1]  # whose line it is
    assert table.virtual_size.width <= table.size.width  # no column goes on past the edge
    shown = drawn(app, table)
    for index, (lines, cells) in shown.items():
        column = table.columns_shown[index]
        whole = [cell(column, row, "").plain for row in table.ranked]
        assert cells == whole, (column.key, cells, whole)
        assert squeezed("".join(lines)) == squeezed(heading(column).plain), (column.key, lines)
    return {index: cells for index, (_lines, cells) in shown.items()}


async def sweep(pilot, table: RankTable, key: str) -> dict[int, list[str]]:
    """Presses of ``key`` until the cursor stops, every column in view checked after each;
    the cells of each column seen."""
    app = pilot.app
    seen = check_in_view(app, table)
    for _press in range(2 * len(table.columns_shown)):
        was = (table.cursor_at, table.in_view)
        await press(pilot, key)
        seen |= check_in_view(app, table)
        assert text_of(app, "#rank-more") == more_columns(*table.hidden)
        if (table.cursor_at, table.in_view) == was:
            return seen
    raise AssertionError("the cursor never stopped")


async def engineers_sideways(pilot, lang: str, back: bool = True) -> None:
    """November's engineers, → to the last column (and ← back to the first)."""
    app = pilot.app
    table = app.screen.query_one("#engineer-table", RankTable)
    count = len(table.columns_shown)
    await press(pilot, "home")
    assert 0 < table.hidden[1] < count  # not all of them fit
    assert text_of(app, "#rank-more") == more_columns(0, table.hidden[1])
    assert sorted(await sweep(pilot, table, "right")) == list(range(count))
    left, right = table.hidden
    assert left > 0 and right == 0 and table.cursor_at[1] == count - 1
    hint = {"zh": f"← 左边还有 {left} 列", "en": f"← {left} more columns"}[lang]
    assert text_of(app, "#rank-more") == hint
    if not back:
        return
    seen = await sweep(pilot, table, "left")
    assert sorted(seen) == list(range(count))
    assert table.hidden[0] == 0 and table.cursor_at[1] == 0
    names = [row.name for row in table.ranked]
    satisfied = seen[[c.key for c in table.columns_shown].index("satisfaction")]
    rate = dict(zip(names, satisfied, strict=True))
    assert (rate["吴文静"], rate["魏辉"]) == ("100.00%", "91.67%")


@async_test
async def test_moved_sideways_every_cell_in_view_is_its_whole_value(demo, lang):
    """The tester's way at 80×24: November's engineers, →, and back; October's reps to
    their 188 actions. The same on a phone (46 columns), the table laid out again for it.
    Each column comes into view whole, rank and name stay, and the hint counts what is out
    of view on each side."""
    app = demo_app(demo, "qiuping")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.clear_notifications()
        await press(pilot, "t")
        await engineers_sideways(pilot, lang)
        await pilot.resize_terminal(*PHONE)
        await settle(pilot)
        check_in_view(app, app.screen.query_one("#engineer-table", RankTable))
        await engineers_sideways(pilot, lang, back=False)

        await press(pilot, "left_square_bracket", "t")  # October's reps
        table = app.screen.query_one("#rep-table", RankTable)
        actions = [c.key for c in table.columns_shown].index("workload")
        while actions not in table.in_view:
            await press(pilot, "right")
            check_in_view(app, table)
        assert "188" in drawn(app, table)[actions][1]


@async_test
async def test_enter_after_moving_opens_the_facts_of_the_cell_under_the_cursor(demo):
    """魏辉's timeliness points, reached by → once the window has moved: Enter opens his
    timeliness facts; back, the cursor and the columns are where they were, and another
    month keeps them."""
    app = demo_app(demo, "qiuping")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.clear_notifications()
        await press(pilot, "t")
        table = app.screen.query_one("#engineer-table", RankTable)
        row = [r.name for r in table.ranked].index("魏辉")
        await press(pilot, *["down"] * row)
        while table.selected[1].key != "timeliness_points":
            await press(pilot, "right")
        assert table.hidden[0] > 0 and table.cursor_row == row  # the window has moved
        person, column = table.selected
        where = table.cursor_coordinate
        assert drawn(app, table)[table.cursor_at[1]][1][row] == str(column.cell(person))
        await press(pilot, "enter")
        facts = app.screen
        assert isinstance(facts, DrilldownScreen) and facts.row.name == "魏辉"
        assert facts.query_one("TabbedContent").active == "timeliness"
        await press(pilot, "escape")
        assert table.cursor_coordinate == where and table.selected[0].name == "魏辉"
        await press(pilot, "left_square_bracket")  # October: the same column, the same line
        assert table.selected[1].key == "timeliness_points" and table.cursor_row == row
        check_in_view(app, table)


@async_test
async def test_home_and_end_go_to_the_first_and_last_column(demo):
    app = demo_app(demo, "qiuping")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.clear_notifications()
        table = app.screen.query_one("#rep-table", RankTable)
        await press(pilot, "end")
        assert table.selected[1] is table.columns_shown[-1] and table.hidden[1] == 0
        check_in_view(app, table)
        await press(pilot, "home")
        assert table.selected[1] is table.columns_shown[0] and table.hidden[0] == 0
        check_in_view(app, table)


def test_the_window_moves_a_whole_column_and_fills_the_room():
    """Columns 12 wide drawn 14 (padding), beside two fixed of 6 and 8, in 62 cells: 3 fit."""
    natural, pad = [4, 6, 12, 12, 12, 12, 12], 2
    first = window(natural, 62, pad, (2, 2), 0, 0)
    assert (first.fixed, first.in_view) == (2, [0, 1, 2, 3, 4])
    on = window(natural, 62, pad, (2, 2), first.first, 5)  # → past the edge: one column on
    assert on.in_view == [0, 1, 3, 4, 5]
    end = window(natural, 62, pad, (2, 2), on.first, 6)
    assert end.in_view == [0, 1, 4, 5, 6]
    back = window(natural, 62, pad, (2, 2), end.first, 3)  # ← past the edge: one back
    assert back.in_view == [0, 1, 3, 4, 5]
    # End from the start: a full window, not the last column alone.
    assert window(natural, 62, pad, (2, 2), 6, 6).in_view == [0, 1, 4, 5, 6]


def test_a_narrow_screen_keeps_rank_and_name_and_narrows_nothing_it_need_not():
    """Four fixed columns leave no room for the widest other one: two stay (rank, name).
    Narrower still, the widest fixed one gives up cells to leave :data:`LEAST_ROOM`, and a
    column wider than what is left is narrowed to it (its cells then cut with "…")."""
    natural, pad = [4, 6, 7, 6, 20, 8], 2
    assert window(natural, 60, pad, (4, 2), 0, 0).fixed == 4
    narrow = window(natural, 44, pad, (4, 2), 0, 0)
    assert narrow.fixed == 2 and narrow.widths == natural
    tiny = window([4, 30, 20], 40, pad, (2, 2), 0, 0)
    assert 40 - (tiny.widths[0] + tiny.widths[1] + 2 * pad) == LEAST_ROOM
    assert tiny.widths[2] == LEAST_ROOM - pad and tiny.in_view == [0, 1, 2]


@async_test
async def test_on_a_phone_each_entered_value_is_beside_its_persons_name(month):
    """The lead's entered values at 46 columns: a table of name, KPI, value, who and when
    scrolled sideways, the name went off the screen and the headings were cut ("Entere").
    Each line is a card now, with every pair of it whole and nothing to scroll to."""
    lead = person(month, "L1")
    choose_preset(month, lead, "GZ", "quarterly-bands", NOW)
    app = app_for(month, "zhoujl", now=NEW_YEAR)
    scheme = app.scheme_for("GZ")
    record_score(
        month, lead, scheme, "R1", Q4, "payment_collection", "0.93", now=NEW_YEAR, replacing=None
    )
    async with app.run_test(size=PHONE) as pilot:
        await settle(pilot)
        await press(pilot, "left_square_bracket", "f7")
        table = app.screen.query_one("#scores")
        assert table.virtual_size.width <= table.size.width
        assert len(app.screen.sheet.lines) == table.row_count == 9
        words = " ".join(screen_text(app).split())
        card = "Name 张伟 KPI Service payments collected … Value 0.93 Entered by 周经理 When 2027-01-05"
        assert card in words
        assert "Name 王芳 KPI Work plan completion Value missing" in words
