"""The facts behind a ranking of a branch on another scheme: a tab per KPI of its own, at 80×24.

The month is ``test_end_to_end``'s, ranked by the ``generic-bands`` preset (the
clock at 2026-11-05 09:00, October ended). Engineers' first completions in October:
  E1: T1 10-03 09:00 → 15:00 (6 h), T2 10-05 09:00 → 10-06 11:00 (26 h),
      T5 10-20 10:00 → 10-23 16:00 (78 h): 110 h / 3 = 36.67 h → band ≤ 72 h, 15 points;
      within 72 h: T1, T2 → 2/3 = 66.67%, below 80%: no band, 0 points.
  E2: T3 10-01 08:30 → 10-10 17:00 (224.5 h), T10 10-15 10:00 → 10-25 10:00 (240 h):
      464.5 h / 2 = 232.25 h, slower than 72 h: no band, 0 points.
  (T6 was cancelled, T8 first completed in November: neither counts.)
No ticket was reopened: every one is a first-time fix. generic-bands has no adjustments.
"""

from __future__ import annotations

import pytest
from month_helpers import OCTOBER
from rankings_helpers import NOW, seed_month, ticket_lines
from test_tui_rankings import october, open_facts
from tui_helpers import SIZE, async_test, press, screen_text, settle, text_of

from fieldkpi.period import judge
from fieldkpi.scheme import load_preset, load_scheme
from screens.app import FieldKpiApp
from screens.drilldown import DrilldownScreen, tabs_for
from screens.rankings import RankTable
from screens.ticket_detail import TicketDetailScreen
from storage.people import staff_by_login
from storage.rankings import compute_rankings

GENERIC = load_preset("generic-bands")


@pytest.fixture
def month(store):
    seed_month(store)
    return store


def lead_app(store, scheme) -> FieldKpiApp:
    return FieldKpiApp(
        store, staff_by_login(store, "zhoujl"), now=lambda: NOW, scheme_for=lambda _b: scheme
    )


def tab_labels(screen: DrilldownScreen) -> list[str]:
    return [tab.label_text for tab in screen.query("Tab")]


@async_test
async def test_the_facts_have_a_tab_per_kpi_of_the_branchs_scheme_and_no_other(month):
    app = lead_app(month, GENERIC)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await october(pilot)
        await press(pilot, "t")
        facts = await open_facts(pilot, "engineer-table", "E1", "speed")
        await settle(pilot)
        # the scheme's KPIs in its order and words; no timeliness, no deductions: it has none
        assert facts.tabs == ["satisfaction", "speed", "resolution", "repeat"]
        assert tab_labels(facts) == [
            "Satisfaction",
            "Problem handling speed",
            "Resolution rate",
            "Repeat problems",
        ]
        assert app.screen.query_one("TabbedContent").active == "speed"
        assert "Timeliness" not in screen_text(app) and "Deductions" not in screen_text(app)

        text = text_of(app, "#speed-facts")
        assert "Problem handling speed 36.67 hours: band ≤ 72.00 hours → 15.00 points" in text
        assert "3 tickets completed, 110.00 hours in all → 36.67 hours on average" in text
        assert ticket_lines(text) == [
            ["T1", "2026-10-03 09:00", "2026-10-03 15:00", "6.00"],
            ["T2", "2026-10-05 09:00", "2026-10-06 11:00", "26.00"],
            ["T5", "2026-10-20 10:00", "2026-10-23 16:00", "78.00"],
        ]

        text = text_of(app, "#resolution-facts")
        assert "Resolution rate 66.67%: reaches no band → 0.00 points" in text
        assert "2 of 3 tickets completed within 72 hours of receipt → 66.67%" in text
        assert [line[-1] for line in ticket_lines(text)] == ["✓", "✓", "—"]

        text = text_of(app, "#repeat-facts")
        assert "3 of 3 completed tickets not reopened within 30 days → 100.00%" in text
        assert [line[-1] for line in ticket_lines(text)] == ["—", "—", "—"]  # none reopened

        text = text_of(app, "#satisfaction-facts")  # T7's callback of 10-01 counts in October
        assert "2 of 4 callbacks satisfied (rated 4 or more) → satisfaction 50.00%" in text

        # Enter on a ticket of a list opens it, as on the default scheme's tabs.
        await press(pilot, "down", "enter")
        assert isinstance(app.screen, TicketDetailScreen) and app.screen.code == "T2"
        await press(pilot, "escape", "escape")
        facts = await open_facts(pilot, "engineer-table", "E2", "speed_points")
        await settle(pilot)
        text = text_of(app, "#speed-facts")
        assert "Problem handling speed 232.25 hours: reaches no band → 0.00 points" in text
        assert [line[0] for line in ticket_lines(text)] == ["T3", "T10"]


@async_test
async def test_a_lower_is_better_kpi_past_every_band_reads_so_in_chinese(month, zh):
    app = lead_app(month, GENERIC)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await october(pilot)
        await press(pilot, "t")
        facts = await open_facts(pilot, "engineer-table", "E2", "speed")
        await settle(pilot)
        assert tab_labels(facts)[:2] == ["满意度", "问题处理速度"]
        text = text_of(app, "#speed-facts")
        assert "问题处理速度 232.25 小时：未达任何档位 → 0.00 分" in text
        assert "完单 2 单，共 464.50 小时 → 平均 232.25 小时" in text
        assert "完单及时率" not in screen_text(app) and "扣分" not in screen_text(app)


@async_test
async def test_a_scheme_of_grades_and_no_money_shows_each_grade_and_no_reward(month):
    """generic-bands grades and pays nothing: a column of "—" rewards (and "· —" on the facts)
    told the lead nothing, where the grade a person got was left out of the facts."""
    app = lead_app(month, GENERIC)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await october(pilot)
        await press(pilot, "t")
        table = app.screen.query_one("#engineer-table", RankTable)
        keys = [column.key for column in table.columns_shown]
        assert keys[:5] == ["rank", "name", "total", "grade", "trend"] and "reward" not in keys
        assert table.fixed_columns == 4  # who and their grade stay in view
        assert "Reward" not in screen_text(app)
        await open_facts(pilot, "engineer-table", "E1", "speed")
        await settle(pilot)
        assert text_of(app, "#facts-head") == (
            "陈工 (E1) · engineer · GZ · 2026-10 · rank 2 · total 40.00 · grade Needs improvement"
        )


SCHEME_OWN = """
[[kpi]]
id = "24h"
role = "engineer"
label = { zh = "打字速度", en = "Typing speed" }
measure = "entered.typing"
score = { method = "direct", max = 10 }

[[adjustment]]
kind = "praise"
label = { zh = "表扬", en = "Praise" }
points = 5
"""


@async_test
async def test_a_kpi_whose_id_is_no_widget_id_has_its_tab_and_the_events_have_theirs(
    month, tmp_path
):
    path = tmp_path / "scheme-GZ.toml"
    path.write_text(SCHEME_OWN, encoding="utf-8")
    scheme = load_scheme(path, preset="generic-bands")
    with month.write() as db:
        db.execute(
            "INSERT INTO scores (period, staff, metric, value, note, at, by)"
            " VALUES ('2026-10', 'E1', 'typing', '8.5', '复测', '2026-11-01 10:00', 'L1')"
        )
    rows = compute_rankings(month, judge(OCTOBER, NOW), lambda _b: scheme, branch="GZ")
    tabs = tabs_for(next(r for r in rows if r.staff_code == "E1"))
    assert list(tabs) == ["satisfaction", "speed", "resolution", "repeat", "kpi-4", "deductions"]
    app = lead_app(month, scheme)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await october(pilot)
        await press(pilot, "t")
        facts = await open_facts(pilot, "engineer-table", "E1", "24h_points")
        await settle(pilot)
        assert tab_labels(facts)[-2:] == ["Typing speed", "Deductions"]
        assert app.screen.query_one("TabbedContent").active == "kpi-4"
        text = text_of(app, "#kpi-4-facts")
        assert "Typing speed 8.50 → 8.50 points (at most 10.00)" in text
        assert "Entered: 8.5, by 周经理 at 2026-11-01 10:00" in text and "复测" in text
        # E1's violation of 10-22 is no kind of this scheme: listed, counting 0
        assert "1 event, 0.00 points off" in text_of(app, "#deductions-facts")
