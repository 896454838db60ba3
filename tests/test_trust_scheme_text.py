"""A scheme file's labels are data, like every other string from a file (issue 11, item 1).

A branch's scheme names its KPIs, its kinds of deduction, its problem levels
and itself in its own words; ``scheme check`` takes any text there. Each of
them is drawn letter for letter wherever a screen shows it: a label with
``[/]`` closed the tab that named it as markup and ended the session (the lead's
drill-down; an engineer could not sign in at all), and ``[bold]`` was drawn
bold.
"""

from __future__ import annotations

import pytest
from rankings_helpers import NOW, seed_month
from test_tui_my_figures_schemes import tabs_shown
from tui_helpers import SIZE, async_test, press, screen_text, settle

from fieldkpi.scheme import load_scheme
from screens.app import FieldKpiApp
from screens.drilldown import DrilldownScreen
from storage import appraisal
from storage.people import staff_by_code, staff_by_login

MARKUP = """
[scheme]
label = { zh = "[/]本分公司[bold]方案", en = "[/]our [bold]scheme" }

[[kpi]]
id = "typing"
role = "engineer"
label = { zh = "[/]打字[bold]速度", en = "[/]typing [bold]speed" }
measure = "entered.typing"
score = { method = "direct", max = 10 }

[[adjustment]]
kind = "violation"
label = { zh = "[/]违规[bold]异常", en = "[/]rule [bold]broken" }
points = -1
recorded_by = ["rep", "lead"]
"""
KPI = "[/]typing [bold]speed"
KIND = "[/]rule [bold]broken"


def seeded(store, tmp_path, text: str):
    """GZ's November on the scheme ``text`` lays over skyworth, with 陈工's (E1) typing speed
    entered; the scheme."""
    seed_month(store)
    path = tmp_path / "scheme-GZ.toml"
    path.write_text(text, encoding="utf-8")
    with store.write() as db:
        db.execute(
            "INSERT INTO scores (period, staff, metric, value, note, at, by)"
            " VALUES ('2026-11', 'E1', 'typing', '8.5', '复测', '2026-11-01 10:00', 'L1')"
        )
    return load_scheme(path, preset="skyworth")


@pytest.fixture
def branch(store, tmp_path):
    """The scheme whose labels read as markup, and a deduction of its own kind recorded
    against 陈工 by a rep (it waits for the lead)."""
    scheme = seeded(store, tmp_path, MARKUP)
    rep = staff_by_code(store, "R1")
    appraisal.record_deduction(store, rep, "E1", "violation", None, "迟到", scheme, now=NOW)
    return store, scheme


def app_as(store, scheme, login: str) -> FieldKpiApp:
    person = staff_by_login(store, login)
    return FieldKpiApp(store, person, now=lambda: NOW, scheme_for=lambda _b: scheme)


@async_test
async def test_a_leads_screens_draw_the_schemes_labels_as_written(branch):
    store, scheme = branch
    app = app_as(store, scheme, "zhoujl")
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "t")  # the engineers
        table = app.screen.query_one("#engineer-table")
        keys = [c.key for c in table.columns_shown]
        row = [r.staff_code for r in table.ranked].index("E1")
        table.move_cursor(row=row, column=keys.index("typing_points"))
        await press(pilot, "enter")
        await settle(pilot)
        assert isinstance(app.screen, DrilldownScreen)
        assert ("typing", KPI) in tabs_shown(app)
        await press(pilot, "escape", "s")  # the scheme the branch runs
        await settle(pilot)
        assert "[/]our [bold]scheme" in screen_text(app)
        await press(pilot, "escape", "f6")  # the events waiting, and all of them
        await settle(pilot)
        assert KIND in screen_text(app)


@async_test
async def test_an_engineer_signs_in_to_his_figures_under_the_schemes_labels(branch):
    store, scheme = branch
    app = app_as(store, scheme, "chengong")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert ("typing", KPI) in tabs_shown(app)
        await press(pilot, "f6")
        await settle(pilot)
        assert KIND in screen_text(app)


LONG = "Typing speed as measured by the branch's own quarterly typing test"


@async_test
async def test_a_long_kpi_name_is_cut_and_its_numbers_stay_in_view(store, tmp_path):
    """A KPI named at length made its ranking column as wide as the name: at 80 columns its
    numbers were never in view, and the trend chart cut every KPI's numbers for it."""
    scheme = seeded(store, tmp_path, MARKUP.replace("[/]typing [bold]speed", LONG))
    app = app_as(store, scheme, "zhoujl")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "t")
        table = app.screen.query_one("#engineer-table")
        keys = [c.key for c in table.columns_shown]
        row = [r.staff_code for r in table.ranked].index("E1")
        table.move_cursor(row=row, column=keys.index("typing"))
        await settle(pilot)
        shown = screen_text(app)
        assert "8.50" in shown and LONG[:20] in shown and LONG not in shown  # cut, with "…"
        await press(pilot, "r")  # his last twelve months
        await settle(pilot)
        line = next(line for line in screen_text(app).splitlines() if LONG[:20] in line)
        # The month's points, and the engineers' average: 刘洋 (E2) has no value entered (0).
        assert line.split()[-2:] == ["8.50", "4.25"]
