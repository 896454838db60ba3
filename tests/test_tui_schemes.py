"""A lead runs the branch's scheme from the TUI: the preset, quarters.

The month is ``test_end_to_end``'s (branch GZ, October 2026; the clock at
2026-11-05 09:00). generic-bands grades every total (优秀 ≥ 80, 良好 ≥ 50,
待改进 below) and takes nothing from outside. quarterly-bands ranks reps by
quarter; every one of its KPIs but satisfaction is entered.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from month_helpers import person
from rankings_helpers import NOW, seed_month
from tui_helpers import (
    SIZE,
    async_test,
    notices,
    press,
    screen_text,
    settle,
    text_of,
    type_text,
)

from fieldkpi.period import Period
from screens.app import FieldKpiApp
from screens.rankings import RankingsScreen, RankTable
from screens.scheme_choice import SchemeForm
from storage.closing import frozen_rankings, month_state
from storage.people import staff_by_login
from storage.schemes import branch_preset, choose_preset, scheme_loader

OCTOBER = Period(2026, 10)
Q4 = Period.quarter(2026, 4)
NEW_YEAR = datetime(2027, 1, 5, 9, 0)  # the fourth quarter has ended: it can be closed


@pytest.fixture
def month(store):
    seed_month(store)
    return store


def app_for(store, login: str, *files, now: datetime = NOW) -> FieldKpiApp:
    """The app as ``fieldkpi --as LOGIN`` builds it: each branch's preset, then ``files``."""
    user = staff_by_login(store, login)
    scheme_for = scheme_loader(store, lambda branch: [f for f in files if branch in f.name])
    return FieldKpiApp(store, user, now=lambda: now, scheme_for=scheme_for)


def reps(app) -> list[tuple[str, str, str]]:
    """The reps' tab as (rank, name, total)."""
    table = app.screen.query_one("#rep-table", RankTable)
    return [(str(r.rank), r.name, str(r.total)) for r in table.ranked]


@async_test
async def test_a_lead_switches_to_generic_bands_enters_nothing_and_sees_grades(month):
    app = app_for(month, "zhoujl")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "left_square_bracket")
        assert "preset skyworth" in text_of(app, "#rank-scheme")
        assert "Grade" not in screen_text(app)

        await press(pilot, "s")
        form = app.screen
        assert isinstance(form, SchemeForm)
        assert "Nobody has chosen a preset" in text_of(app, "#scheme-history")
        form.query_one("#field-preset").value = "generic-bands"
        await press(pilot, "ctrl+s")

        assert isinstance(app.screen, RankingsScreen)
        assert "Branch GZ now runs the preset generic-bands." in notices(app)
        assert "preset generic-bands" in text_of(app, "#rank-scheme")
        table = app.screen.query_one("#rep-table", RankTable)
        assert [c.key for c in table.columns_shown][:5] == [
            "rank",
            "name",
            "total",
            "grade",
            "reward",
        ]
        grades = {r.name: str(r.grade) for r in table.ranked}
        assert set(grades) == {"张伟", "王芳", "李娜"} and all(grades.values())
        assert " Grade " in screen_text(app)
        for name, grade in grades.items():
            assert any(name in line and grade in line for line in screen_text(app).splitlines())

    assert branch_preset(month, "GZ") == "generic-bands"


@async_test
async def test_a_file_naming_a_preset_wins_over_the_choice_and_the_form_says_so(month, tmp_path):
    path = tmp_path / "scheme-GZ.toml"
    path.write_text('preset = "dealer-4s"\n', encoding="utf-8")
    choose_preset(month, person(month, "L1"), "GZ", "generic-bands", NOW)
    app = app_for(month, "zhoujl", path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "preset dealer-4s · scheme-GZ.toml" in text_of(app, "#rank-scheme")
        await press(pilot, "s")
        override = text_of(app, "#scheme-override")
        assert override.startswith("scheme-GZ.toml sets the branch's scheme itself (dealer-4s)")
        assert app.screen.query_one("#field-preset").value == "generic-bands"  # the lead's
        assert "generic-bands" in text_of(app, "#scheme-history")
        assert "周经理" in text_of(app, "#scheme-history")

        await press(pilot, "ctrl+s")  # the same preset again: refused beside the field
        assert isinstance(app.screen, SchemeForm)
        assert text_of(app, "#error-preset") == "Branch GZ already runs generic-bands."


@async_test
async def test_a_lead_of_a_quarterly_branch_opens_a_quarter_and_closes_it(month):
    choose_preset(month, person(month, "L1"), "GZ", "quarterly-bands", NOW)
    app = app_for(month, "zhoujl", now=NEW_YEAR)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.screen.query_one("#month").value == "2027-Q1"
        assert "g quarter" in text_of(app, "#month-note")
        await press(pilot, "left_square_bracket")
        assert app.screen.query_one("#month").value == "2026-Q4"
        assert [name for _rank, name, _total in reps(app)] != []
        assert "PROVISIONAL" not in text_of(app, "#banner")

        await press(pilot, "c")
        assert "Close 2026-Q4 of branch GZ" in screen_text(app)
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, RankingsScreen)
        assert text_of(app, "#banner").startswith("Closed by 周经理")

    closed = month_state(month, "GZ", Q4)
    assert closed is not None and closed.scheme.name == "quarterly-bands"
    frozen = frozen_rankings(month, "GZ", Q4, "rep")
    assert {row.period for row in frozen} == {"2026-Q4"}
    assert month_state(month, "GZ", OCTOBER) is None  # a quarter, not its months


@async_test
async def test_a_month_typed_on_a_quarterly_branch_shows_its_quarter(month):
    choose_preset(month, person(month, "L1"), "GZ", "quarterly-bands", NOW)
    app = app_for(month, "zhoujl", now=NEW_YEAR)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "g")
        await type_text(pilot, "2026-08")
        await press(pilot, "enter")
        assert app.screen.query_one("#month").value == "2026-Q3"
        await press(pilot, "g")
        await type_text(pilot, "2026-Q9")
        await press(pilot, "enter")
        assert text_of(app, "#month-note") == "2026-Q9 is not a quarter like 2026-Q4."
        assert app.screen.query_one("#month").value == "2026-Q3"
