"""Trends: the last 12 months are the months' rankings, as the rankings screen shows each.

The month is ``test_end_to_end``'s (GZ: reps R1, R2, R3, X1 until September;
engineers E1, E2), the clock 2026-11-05 09:00. October is closed, then a late
ticket of E1's changes its live figures: the trend must keep October's frozen
rows, as the rankings do.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from fractions import Fraction

import pytest
from month_helpers import AFTER_OCTOBER, DEFAULT, OCTOBER, load, person
from rankings_helpers import NOW, app_at, seed_month
from rich.console import Console
from tui_helpers import SIZE, async_test, press, screen_text, settle

from fieldkpi.access import AccessDenied
from fieldkpi.kpi_columns import kpi_columns, points_columns
from fieldkpi.numbers import points
from fieldkpi.period import Period
from fieldkpi.scheme import default_for_every_branch, load_preset
from fieldkpi.trends import (
    AVERAGE_MIN_RANKED,
    FALLING,
    RISING,
    STEADY,
    TOTAL,
    BranchMonth,
    direction,
    person_trend,
    said,
    sparkline,
    totals_by_person,
    trend_of,
)
from screens.rankings import RankTable
from screens.trend import TrendChart, TrendScreen
from storage.closing import close_month
from storage.standings import branch_ranking, own_month

NOVEMBER = Period(2026, 11)
SEPTEMBER = Period(2026, 9)


@pytest.fixture
def month(store):
    seed_month(store)
    close_month(store, person(store, "L1"), "GZ", OCTOBER, DEFAULT, AFTER_OCTOBER)
    load(store, now=NOW,  # late: E1's October changes live, not in the frozen rows
         tickets="code,branch,kind,received_at,completed_at,engineer,rep\n"
                 "T11,GZ,onsite_repair,2026-10-20 10:00,2026-10-20 15:00,E1,R2\n")  # fmt: skip
    return store


def test_sparkline_scales_each_persons_months_from_lowest_to_highest():
    values = [Decimal(v) for v in ("-70", "0", "35", "70")]
    assert sparkline([*values, None]) == "▁▅▆█·"
    assert sparkline([Decimal(5)] * 3) == "▄▄▄"
    assert sparkline([None, None]) == "··"


def test_direction_is_the_last_month_against_the_three_before():
    d = Decimal
    assert direction([d(10), d(20), d(30), d(40)]) == RISING  # 40 against 20
    assert direction([d(90), d(10), d(20), d(30), d(5)]) == FALLING  # 5 against 20
    assert direction([d(20), d(20), d("20.5")]) == STEADY  # less than a point
    assert direction([None, d(50)]) == STEADY  # one month says nothing


def test_every_month_of_the_trend_is_that_months_ranking(month):
    lead = person(month, "L1")
    november = branch_ranking(month, lead, "GZ", NOVEMBER, default_for_every_branch, NOW)
    months = november.months
    assert [m.period for m in months] == [NOVEMBER.shift(n) for n in range(-11, 1)]
    assert months[-1].rows == november.rows
    assert november.previous_ranks == {r.staff_code: r.rank for r in months[-2].rows}
    for m in months:
        shown = branch_ranking(month, lead, "GZ", m.period, default_for_every_branch, NOW)
        assert m.rows == shown.rows, m.period
    october = next(m for m in months if m.period == OCTOBER)
    e1 = next(r for r in october.rows if r.staff_code == "E1")
    assert e1.total == Decimal("-64.75")  # frozen, not the live -42.00 after T11
    # worked in rankings_helpers: September E1 (−15 − 150)/2 × 2.5, R2 −150 for T9
    totals = {(m.period, r.staff_code): str(r.total) for m in months for r in m.rows}
    assert (totals[SEPTEMBER, "E1"], totals[SEPTEMBER, "R2"]) == ("-206.25", "-150.00")
    july = months[-5]
    assert (july.period, [str(r.total) for r in july.rows]) == (Period(2026, 7), ["0.00"] * 5)


def test_a_month_nobody_had_data_in_is_drawn_as_not_ranked(month):
    # July: nothing recorded for GZ, so its ranking is everyone at 0.00 sharing rank 1
    # (kpi-rules §6); a trend shows it as a month nobody could be judged on, not as zero
    lead = person(month, "L1")
    months = branch_ranking(month, lead, "GZ", NOVEMBER, default_for_every_branch, NOW).months
    july = months.index(next(m for m in months if m.period == Period(2026, 7)))
    assert {str(r.total) for r in months[july].rows} == {"0.00"}
    sparks = totals_by_person(months, "rep")
    assert sparks["R1"][july] is None and sparks["R1"][-2] is not None  # October counts
    august = branch_ranking(month, lead, "GZ", Period(2026, 8), default_for_every_branch, NOW)
    assert august.previous_ranks == {}  # nobody fell from a shared rank 1 in July
    r1 = own_month(month, person(month, "R1"), NOVEMBER, default_for_every_branch, NOW).trend
    assert (r1[july].row, r1[july].ranked) == (None, 0)
    assert r1[-2].row is not None
    # a rep hired that month with her fixed first-month points (kpi-rules §3) is data
    rows = [r for r in months[july].rows if r.role == "rep"]
    hired = replace(rows[0], kpis=(replace(rows[0].kpis[0], first_month=True), *rows[0].kpis[1:]))
    assert said([hired, *rows[1:]]) == [hired, *rows[1:]]


def test_a_reps_own_trend_holds_her_rows_and_no_average_of_three(month):
    r1 = person(month, "R1")
    trend = own_month(month, r1, NOVEMBER, default_for_every_branch, NOW).trend
    lead = person(month, "L1")
    for m in trend:
        rows = branch_ranking(month, lead, "GZ", m.period, default_for_every_branch, NOW).rows
        reps = said([r for r in rows if r.role == "rep"])  # none in a month without data
        assert m.row == next((r for r in reps if r.staff_code == "R1"), None)
        assert m.ranked == len(reps)
        # three reps: her total and the average would give the sum of the other two, and
        # with the gap to the next rank up, each of them
        assert m.averages is None
    assert points(trend[-2].row.total) == "24.83"  # October


def test_the_average_is_shown_from_four_ranked_and_always_to_a_lead(month):
    lead = person(month, "L1")
    months = branch_ranking(month, lead, "GZ", NOVEMBER, default_for_every_branch, NOW).months
    reps = kpi_columns("rep")
    for_rep = person_trend(months, "R1", "rep", reps, sees_everyone=False)
    for_lead = person_trend(months, "R1", "rep", reps, sees_everyone=True)
    october = next(m for m in for_lead if m.period == OCTOBER)
    # R1 24.83, R3 20.00, R2 -32.80: (24.83 + 20 - 32.80) / 3 = 4.01
    assert october.averages[TOTAL] == Decimal("4.01")
    assert october.averages["feedback_points"] == Decimal("6.67")  # (20 + 0 + 0) / 3
    assert october.averages["deductions"] == Decimal("-1.50")  # -(2.50 + 0 + 2.00) / 3
    assert all(m.averages is None for m in for_rep)
    # Made-up months of four ranked reps: shown to a rep too.
    october_rows = next(m.rows for m in months if m.period == OCTOBER)
    r2 = next(r for r in october_rows if r.staff_code == "R2")
    four = [*october_rows, replace(r2, staff_code="R9")]
    assert AVERAGE_MIN_RANKED == 4
    (shown,) = person_trend([BranchMonth(OCTOBER, four)], "R1", "rep", reps, sees_everyone=False)
    assert shown.averages is not None
    # The fourth away all month (no figures, 0.00): R1's total and the average would give
    # R3's and R2's sum, and R3's alone to whoever knew R2's; so a rep sees no average.
    away = replace(
        r2,
        staff_code="R9",
        kpis=tuple(replace(k, value=None, points=Fraction(0), parts={}) for k in r2.kpis),
        deductions=Fraction(0),
        bonuses=Fraction(0),
        total=Decimal("0.00"),
    )
    three_and_away = [*october_rows, away]
    (rep_sees,) = person_trend(
        [BranchMonth(OCTOBER, three_and_away)], "R1", "rep", reps, sees_everyone=False
    )
    (lead_sees,) = person_trend(
        [BranchMonth(OCTOBER, three_and_away)], "R1", "rep", reps, sees_everyone=True
    )
    assert (rep_sees.ranked, rep_sees.averages) == (4, None)
    assert lead_sees.averages[TOTAL] == Decimal("3.01")  # (24.83 + 20 - 32.80 + 0) / 4


def test_a_trend_takes_the_kpis_of_the_scheme_given_when_its_last_month_ranks_nobody(month):
    # Nobody of the role ranked in the last month (a new scheme without the role, say):
    # the averages are of the KPIs of what that month is judged by, given, not read again.
    lead = person(month, "L1")
    months = branch_ranking(month, lead, "GZ", NOVEMBER, default_for_every_branch, NOW).months
    last = months[-1]
    months = [*months[:-1], BranchMonth(last.period, [r for r in last.rows if r.role != "rep"])]
    skyworth = trend_of(months, "R1", "rep", DEFAULT, sees_everyone=True)
    bands = trend_of(months, "R1", "rep", load_preset("generic-bands"), sees_everyone=True)
    assert skyworth[-2].averages["feedback_points"] == Decimal("6.67")  # October, worked above
    assert "feedback_points" not in bands[-2].averages  # not a KPI of generic-bands
    assert bands[-2].averages[TOTAL] == skyworth[-2].averages[TOTAL] == Decimal("4.01")
    assert skyworth[-1].averages is None  # nobody ranked: no average to draw


def own_trend(month, code: str):
    return own_month(month, person(month, code), NOVEMBER, default_for_every_branch, NOW).trend


@pytest.mark.parametrize("who, whose", [("R1", "R2"), ("E1", "R1"), ("E2", "E1"), ("L2", "R1")])
def test_a_persons_trend_is_theirs_and_their_branch_leads_only(month, who, whose):
    # Anyone's trend is drawn from the branch's ranking, which only its lead (or an admin)
    # reads; everyone else's trend is their own (own_month, who they are signed in as).
    with pytest.raises(AccessDenied):
        branch = person(month, whose).branch
        branch_ranking(month, person(month, who), branch, NOVEMBER, default_for_every_branch, NOW)
    assert {m.row.staff_code for m in own_trend(month, who) if m.row} <= {who}


def test_the_lead_and_an_admin_see_a_reps_trend_with_the_average_she_does_not_see(month):
    own = own_trend(month, "R1")
    assert all(m.averages is None for m in own)  # three reps: it would give the others away
    for who in ("L1", "A1"):
        ranking = branch_ranking(
            month, person(month, who), "GZ", NOVEMBER, default_for_every_branch, NOW
        )
        seen = ranking.trend(next(r for r in ranking.rows if r.staff_code == "R1"))
        assert [m.row for m in seen] == [m.row for m in own]
        october = next(m for m in seen if m.period == OCTOBER)
        assert october.averages[TOTAL] == Decimal("4.01")  # worked in the test above


def test_nobody_ranked_has_a_trend(month):
    assert own_trend(month, "L1") == []


@async_test
async def test_the_leads_chart_is_drawn_from_the_ranking_on_screen_without_a_read(month):
    # The ranking on screen holds the twelve months: opening a chart ranks none of them again
    # (a dozen months judged anew was ~200 queries on the sample), and the lead still sees
    # the averages a rep of three does not.
    app = app_at(month, "zhoujl")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "left_square_bracket")  # October
        first = app.screen.query_one("#rep-table", RankTable).ranked[0].staff_code
        read: list[str] = []
        month.conn.set_trace_callback(  # the app's own check for others' saves is no read
            lambda sql: None if "data_version" in sql else read.append(sql)
        )
        try:
            await press(pilot, "r")  # October's first rep
        finally:
            month.conn.set_trace_callback(None)
        assert isinstance(app.screen, TrendScreen)
        assert read == []
        ranking = branch_ranking(
            month, person(month, "L1"), "GZ", OCTOBER, default_for_every_branch, NOW
        )
        assert app.screen.trend == ranking.trend(
            next(r for r in ranking.rows if r.staff_code == first)
        )
        october = app.screen.trend[-1]
        assert october.period == OCTOBER
        assert october.averages[TOTAL] == Decimal("4.01")  # the three reps' average
        assert f"({first})" in app.screen.heading


@async_test
async def test_the_chart_a_lead_opens_shows_each_months_ranking(month):
    app = app_at(month, "zhoujl")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#rep-table", RankTable)
        assert [len(table.trends[r.staff_code]) for r in table.ranked] == [12] * 3
        await press(pilot, "r")  # on the first rep of November
        assert isinstance(app.screen, TrendScreen)
        code = app.screen.heading.split("(")[1].split(")")[0]
        lines = screen_text(app).splitlines()
        lead = person(month, "L1")
        for offset in range(-11, 1):  # every month is on screen at 80×24
            period = NOVEMBER.shift(offset)
            rows = branch_ranking(month, lead, "GZ", period, default_for_every_branch, NOW).rows
            reps = said([r for r in rows if r.role == "rep"])  # none in a month without data
            own = next((r for r in reps if r.staff_code == code), None)
            (line,) = [line for line in lines if line.strip().startswith(str(period))]
            cells = line.split()
            if own is None:
                assert cells[1:3] == ["—", "—"]
            else:
                assert cells[1:3] == [points(own.total), f"{own.rank}/{len(reps)}"], period
        await press(pilot, "escape")
        assert not isinstance(app.screen, TrendScreen)


def test_the_chart_draws_a_schemes_kpi_label_as_text(month, monkeypatch):
    # A scheme file names its KPIs: "[/]" or "Response time [h]" is a name, not markup.
    r1 = person(month, "R1")
    trend = own_month(month, r1, NOVEMBER, default_for_every_branch, NOW).trend
    labelled = [
        replace(c, kpi_label=label)
        for c, label in zip(
            points_columns(kpi_columns("rep")),
            ["[/]", "Response time [h]", "[bold]x"],
            strict=False,
        )
    ]
    monkeypatch.setattr("screens.trend.points_columns", lambda _columns: labelled)
    console = Console(width=80, record=True)
    console.print(TrendChart(trend, "rep"))
    text = console.export_text()
    assert "[/]" in text and "Response time [h]" in text and "[bold]x" in text
