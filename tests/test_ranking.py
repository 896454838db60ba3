"""fieldkpi.ranking on hand-built figures: points, totals, ranks and money (kpi-rules §1–§6).

Every expected number is worked by hand in the comment beside it. Period
2026-10, judged at its last second (2026-10-31 23:59:59) unless a test says
so. The default scheme (kpi-rules.md, revised) throughout, through the one
engine every scheme goes through.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction as F

import pytest
from appraisal_helpers import (
    OCTOBER,
    SCHEME,
    by_code,
    days,
    kpi,
    month,
    person,
    rank,
)

from fieldkpi.figures import TicketCounts
from fieldkpi.period import judge
from fieldkpi.ranking import rewards
from fieldkpi.scheme import load_scheme

# A whole branch, every column by hand ------------------------------------------------


def test_rep_branch_end_to_end():
    r1 = person(
        "R1",
        tickets=TicketCounts(by_day=days(3, 1)),
        ratings=(0, 0, 1, 1, 3),
        problem_points=F(3),
        visits=10,
        workload=300,
        attendance_days=20,
        active_days=22,
    )
    r2 = person(
        "R2",
        tickets=TicketCounts(by_day=days(1), late=1),
        ratings=(0, 0, 0, 0, 2),
        problem_points=F(3, 2),
        visits=5,
        workload=260,
        active_days=20,
        deductions={"backfill": 2},
    )
    r3 = person(
        "R3",
        tickets=TicketCounts(by_day=days(0, 0, 1)),
        ratings=(1, 1, 0, 0, 0),
        workload=180,
        attendance_days=18,
        active_days=18,
        deductions={"complaint_internal": 1, "branch_rule": 1},
        entered={"branch_rule": F(3, 2)},
    )
    r4 = person(  # hired this month: 首月计20分
        "R4",
        hired_on=date(2026, 10, 12),
        problem_points=F(1),
        visits=2,
        workload=80,
        attendance_days=10,
        active_days=10,
    )
    history = [
        month("R1", "2026-01", 320, 20, 20),  # 16 a day
        month("R2", "2026-03", 340, 20, 20),  # 17 a day ← the branch's annual max
        month("R1", "2026-10", 300, 20, 22),  # 15
        month("R2", "2026-10", 260, None, 20),  # 13
        month("R3", "2026-10", 180, 18, 18),  # 10
        month("R4", "2026-10", 80, 10, 10),  # 8
    ]
    rows = rank("rep", r4, r3, r2, r1, history=history)
    row = by_code(rows)

    # §2 feedback: R1 3/10, R2 (3/2)/5 = 3/10, R4 1/2; R3 has no visits → no data, out
    # of the pool. Pool n = 3: R4 rank 1 → 20; R1, R2 rank 2 → 20·(3 − 2)/2 = 10 each.
    assert {c: kpi(r, "feedback") for c, r in row.items()} == {
        "R1": (F(3, 10), F(10), None),
        "R2": (F(3, 10), F(10), None),
        "R3": (None, F(0), "no_visits"),
        "R4": (F(1, 2), F(20), None),
    }
    # §3 workload: days R1 20 (attendance), R2 20 (action dates), R3 18, R4 10; daily 15,
    # 13, 10, 8; annual max 17 (R2, March). Pool without R4 (first month), n = 3:
    # R1 40, R2 40·1/2 = 20, R3 0; R4 gets 20.
    assert {c: kpi(r, "workload") for c, r in row.items()} == {
        "R1": (F(15, 17), F(40), None),
        "R2": (F(13, 17), F(20), None),
        "R3": (F(10, 17), F(0), None),
        "R4": (F(8, 17), F(20), None),
    }
    assert {c: r.kpi("workload").first_month for c, r in row.items()} == {
        "R1": False,
        "R2": False,
        "R3": False,
        "R4": True,
    }
    assert [
        (r.kpi("workload").parts["workload"], r.kpi("workload").parts["days"]) for r in rows
    ] == [
        (300, 20),
        (260, 20),
        (80, 10),
        (180, 18),
    ]
    # §4 satisfaction: R1 4/5, R2 2/2 = 1, R3 0/2 = 0; R4 has no rated callback → no data.
    # Pool n = 3: R2 20, R1 20·1/2 = 10, R3 0.
    assert {c: kpi(r, "satisfaction") for c, r in row.items()} == {
        "R1": (F(4, 5), F(10), None),
        "R2": (F(1), F(20), None),
        "R3": (F(0), F(0), None),
        "R4": (None, F(0), "no_callbacks"),
    }
    # §1 timeliness (reps: the points are the value itself): R1 (20·3 + 17)/4 = 77/4;
    # R2 (20 − 15)/2 = 5/2; R3 14/1; R4 no orders → 0, flagged.
    assert {c: kpi(r, "timeliness") for c, r in row.items()} == {
        "R1": (F(77, 4), F(77, 4), None),
        "R2": (F(5, 2), F(5, 2), None),
        "R3": (F(14), F(14), None),
        "R4": (None, F(0), "no_orders"),
    }
    # §5 deductions: R2 2 × 0.5 = 1; R3 2 + 1.5 entered = 3.5
    assert {c: (r.deductions, r.zeroed) for c, r in row.items()} == {
        "R1": (F(0), False),
        "R2": (F(1), False),
        "R3": (F(7, 2), False),
        "R4": (F(0), False),
    }
    # total = feedback + workload + satisfaction + timeliness − deductions
    # R1: 10 + 40 + 10 + 19.25 = 79.25;  R2: 10 + 20 + 20 + 2.5 − 1 = 51.50
    # R4: 20 + 20 + 0 + 0 = 40.00;       R3: 0 + 0 + 0 + 14 − 3.5 = 10.50
    # n = 4: two ranks paid at each end: +200, +100, −50 (second last), −100 (last)
    assert [(r.staff_code, r.rank, r.total, r.reward) for r in rows] == [
        ("R1", 1, Decimal("79.25"), 200),
        ("R2", 2, Decimal("51.50"), 100),
        ("R4", 3, Decimal("40.00"), -50),
        ("R3", 4, Decimal("10.50"), -100),
    ]
    assert {(r.period, r.as_of, r.provisional, r.branch, r.role) for r in rows} == {
        ("2026-10", datetime(2026, 10, 31, 23, 59, 59), False, "GZ", "rep")
    }
    assert row["R1"].name == "Name R1"


def test_engineer_branch_end_to_end():
    e1 = person(  # the spec's worked example: days 1, 1, 2, 9 and one open 41 days
        "E1",
        "engineer",
        tickets=TicketCounts(by_day=days(2, 1), late=1, open_over=1),
        ratings=(0, 0, 0, 1, 1),
    )
    e2 = person(
        "E2",
        "engineer",
        tickets=TicketCounts(by_day=days(1)),
        ratings=(0, 1, 0, 1, 0),
        deductions={"violation": 1},
    )
    e3 = person(
        "E3",
        "engineer",
        tickets=TicketCounts(by_day=days(0, 0, 0, 0, 0, 0, 1)),
        ratings=(0, 0, 0, 0, 3),
        deductions={"complaint_media": 1, "complaint_general": 1},
    )
    e4 = person("E4", "engineer")
    rows = rank("engineer", e4, e3, e2, e1)
    row = by_code(rows)

    # timeliness: E1 −108/5 = −21.6; E2 20; E3 day 7 → 2; E4 no orders; points ×2.5
    assert {c: kpi(r, "timeliness") for c, r in row.items()} == {
        "E1": (F(-108, 5), F(-54), None),
        "E2": (F(20), F(50), None),
        "E3": (F(2), F(5), None),
        "E4": (None, F(0), "no_orders"),
    }
    # satisfaction: E1 2/2 = 1, E2 1/2, E3 3/3 = 1; E4 no rated callback → out of the pool.
    # n = 3: E1, E3 rank 1 → 50; E2 rank 3 → 0.
    assert {c: kpi(r, "satisfaction") for c, r in row.items()} == {
        "E1": (F(1), F(50), None),
        "E2": (F(1, 2), F(0), None),
        "E3": (F(1), F(50), None),
        "E4": (None, F(0), "no_callbacks"),
    }
    # deductions: E2 violation 1; E3 general 5 and a media complaint → the month forfeited
    assert {c: (r.deductions, r.zeroed) for c, r in row.items()} == {
        "E1": (F(0), False),
        "E2": (F(1), False),
        "E3": (F(5), True),
        "E4": (F(0), False),
    }
    # totals = satisfaction + timeliness × 2.5 − deductions
    # E2: 0 + 50 − 1 = 49.00;  E3: 50 + 5 − 5 = 50, forfeited → min(50, 0) = 0.00
    # E4: 0.00;  E1: 50 − 54 = −4.00.  Ranks 1, 2, 2, 4 (E3 and E4 tie, shown by code).
    # Money, n = 4, two ranks at each end: E2 +200; E3 and E4 share rank 2 from the top
    # and rank 2 from the bottom: a tie that reaches both ends gets neither; E1 last −100.
    assert [(r.staff_code, r.rank, r.total, r.reward) for r in rows] == [
        ("E2", 1, Decimal("49.00"), 200),
        ("E3", 2, Decimal("0.00"), 0),
        ("E4", 2, Decimal("0.00"), 0),
        ("E1", 4, Decimal("-4.00"), -100),
    ]
    # engineers have no rep KPIs
    assert {tuple(k.id for k in r.kpis) for r in rows} == {("satisfaction", "timeliness")}


# §1 Completion timeliness ---------------------------------------------------------------


def test_worked_example_engineer_alone():
    e1 = person("E1", "engineer", tickets=TicketCounts(by_day=days(2, 1), late=1, open_over=1))
    (row,) = rank("engineer", e1)
    # timeliness −21.6, engineer points −21.6 × 2.5 = −54.0
    assert kpi(row, "timeliness") == (F(-108, 5), F(-54), None)
    # no rated callback → no data: 0 points, not the pool's maximum
    assert kpi(row, "satisfaction") == (None, F(0), "no_callbacks")
    # 0 − 54 = −54.00; a one-person branch is paid nothing (⌊1/2⌋ = 0 ranks at each end)
    assert (row.total, row.rank, row.reward) == (Decimal("-54.00"), 1, 0)


def test_rep_timeliness_is_not_scaled():
    (row,) = rank("rep", person("R1", tickets=TicketCounts(by_day=days(2, 1), late=1, open_over=1)))
    # reps take the value itself: −21.6; every other KPI has no data → 0
    assert kpi(row, "timeliness") == (F(-108, 5), F(-108, 5), None)
    assert row.total == Decimal("-21.60")


def test_no_orders_is_flagged_and_scores_zero():
    rows = rank(
        "engineer",
        person("E1", "engineer"),
        person("E2", "engineer", tickets=TicketCounts(open_over=1)),
    )
    row = by_code(rows)
    assert kpi(row["E1"], "timeliness") == (None, F(0), "no_orders")
    # an open-over-30 ticket is an order: −150, not flagged; ×2.5 = −375
    assert kpi(row["E2"], "timeliness") == (F(-150), F(-375), None)


# §2 Feedback rate ----------------------------------------------------------------------


def test_feedback_points_rank_fractional_rates():
    rows = rank(
        "rep",
        person("R1", problem_points=F(3, 2), visits=4),  # 1.5 / 4 = 3/8 = 0.375
        person("R2", problem_points=F(1), visits=3),  # 1 / 3 = 0.333…
        person("R3", problem_points=F(2), visits=0),  # no visits → no data
    )
    row = by_code(rows)
    # pool of the two with visits, n = 2: 20, 0
    assert [kpi(row[c], "feedback") for c in ("R1", "R2", "R3")] == [
        (F(3, 8), F(20), None),
        (F(1, 3), F(0), None),
        (None, F(0), "no_visits"),
    ]


# §3 Workload saturation -----------------------------------------------------------------


def test_saturation_attendance_action_dates_and_zero_days():
    rows = rank(
        "rep",
        person("R1", workload=300, attendance_days=20, active_days=25),  # 300/20 = 15
        person("R2", workload=300, active_days=25),  # no attendance: 300/25 = 12
        person("R3", workload=50, attendance_days=0, active_days=5),  # 0 days → no data
        history=[
            month("R2", "2026-03", 340, 20, 20),  # 17 a day: the annual max
            month("R1", "2026-10", 300, 20, 25),
            month("R2", "2026-10", 300, None, 25),
            month("R3", "2026-10", 50, 0, 5),
        ],
    )
    row = by_code(rows)
    # saturation 15/17 ≈ 88.24 %, 12/17 ≈ 70.59 %; pool n = 2: 40, 0
    assert [kpi(row[c], "workload") for c in ("R1", "R2", "R3")] == [
        (F(15, 17), F(40), None),
        (F(12, 17), F(0), None),
        (None, F(0), "no_workload"),
    ]
    assert [row[c].kpi("workload").parts["days"] for c in ("R1", "R2", "R3")] == [20, 25, 0]


def test_annual_max_can_come_from_another_rep_earlier_in_the_year():
    rows = rank(
        "rep",
        person("R1", workload=200, attendance_days=20, active_days=20),  # 10 a day
        history=[
            month("R9", "2026-02", 500, 20, 20),  # 25 a day, another rep, February
            month("R1", "2026-10", 200, 20, 20),
        ],
    )
    # 10 / 25 = 2/5 = 40 %; alone in the pool (n = 1) → 40
    assert kpi(rows[0], "workload") == (F(2, 5), F(40), None)


def test_a_branch_where_nobody_worked_gives_nobody_points_or_money():
    rows = rank("rep", person("R1"), person("R2"), person("R3"))
    # no visits, no workload days, no rated callback, no orders: every KPI has no data,
    # so nobody is in any pool and nobody gets points; all tie at 0 → no money
    assert {(r.total, r.reward) for r in rows} == {(Decimal("0.00"), 0)}
    assert {k.flag for r in rows for k in r.kpis} == {
        "no_visits",
        "no_workload",
        "no_callbacks",
        "no_orders",
    }


def _first_month_branch(r3_hired: date) -> dict:
    return by_code(
        rank(
            "rep",
            person("R1", workload=200, attendance_days=20),  # 10 a day
            person("R2", workload=100, attendance_days=20),  # 5 a day
            person("R3", hired_on=r3_hired, workload=120, attendance_days=10),  # 12 a day
        )
    )


def test_first_month_rep_gets_twenty_and_leaves_the_pool():
    row = _first_month_branch(date(2026, 10, 12))
    # R3 hired in October: exactly 20, although the best saturation (12/12 = 1)
    assert kpi(row["R3"], "workload") == (F(1), F(20), None)
    assert row["R3"].kpi("workload").first_month
    # the others are ranked among n = 2: R1 (10/12) 40, R2 (5/12) 0
    assert kpi(row["R1"], "workload") == (F(5, 6), F(40), None)
    assert kpi(row["R2"], "workload") == (F(5, 12), F(0), None)


def test_same_branch_without_a_first_month_rep_ranks_all_three():
    row = _first_month_branch(date(2026, 9, 30))  # hired the day before the period
    # n = 3: R3 rank 1 → 40, R1 rank 2 → 40·1/2 = 20, R2 rank 3 → 0
    assert {
        c: (r.kpi("workload").first_month, r.kpi("workload").points) for c, r in row.items()
    } == {
        "R1": (False, F(20)),
        "R2": (False, F(0)),
        "R3": (False, F(40)),
    }


def test_hired_on_the_last_day_of_the_period_is_a_first_month():
    row = _first_month_branch(date(2026, 10, 31))
    assert (row["R3"].kpi("workload").first_month, row["R3"].kpi("workload").points) == (
        True,
        F(20),
    )


def test_first_month_rep_without_workload_still_gets_twenty():
    (row,) = rank("rep", person("R1", hired_on=date(2026, 10, 29)))
    # 首月计20分: the fixed score does not depend on having workload days yet
    assert row.kpi("workload").points == F(20)


def test_first_month_rep_still_counts_in_the_other_pools():
    rows = rank(
        "rep",
        person(
            "R1",
            problem_points=F(1),
            visits=2,
            ratings=(0, 0, 0, 0, 1),
            workload=100,
            attendance_days=20,
        ),
        person("R2", hired_on=date(2026, 10, 1), ratings=(1, 0, 0, 0, 0)),
    )
    row = by_code(rows)
    # satisfaction n = 2: R1 (1) 20, R2 (0) 0; feedback: R2 has no visits → no data,
    # R1 alone in the pool → 20
    assert (row["R2"].kpi("satisfaction").points, row["R1"].kpi("satisfaction").points) == (
        F(0),
        F(20),
    )
    assert (kpi(row["R1"], "feedback"), kpi(row["R2"], "feedback")) == (
        (F(1, 2), F(20), None),
        (None, F(0), "no_visits"),
    )
    # workload: R1 alone in its pool (n = 1) → 40; R2 first month → 20
    assert (row["R1"].kpi("workload").points, row["R2"].kpi("workload").points) == (F(40), F(20))


def test_engineers_have_no_first_month_rule():
    (row,) = rank("engineer", person("E1", "engineer", hired_on=date(2026, 10, 5)))
    assert row.kpi("workload") is None
    assert not any(k.first_month for k in row.kpis)


# §4 Satisfaction ----------------------------------------------------------------------


@pytest.mark.parametrize(("role", "pool"), [("rep", 20), ("engineer", 50)])
def test_satisfaction_pool_per_role(role, pool):
    rows = rank(
        role,
        person("P1", role, ratings=(0, 0, 0, 2, 2)),  # 4/4 = 1
        person("P2", role, ratings=(1, 0, 1, 1, 1)),  # 2/4 = 1/2
        person("P3", role, ratings=(0, 0, 2, 2, 0)),  # 2/4 = 1/2
        person("P4", role),  # no callbacks → no data, out of the pool
    )
    row = by_code(rows)
    # ranks 1, 2, 2 of n = 3: pool, pool·1/2 (twice); P4 0
    assert [kpi(row[c], "satisfaction") for c in ("P1", "P2", "P3", "P4")] == [
        (F(1), F(pool), None),
        (F(1, 2), F(pool, 2), None),
        (F(1, 2), F(pool, 2), None),
        (None, F(0), "no_callbacks"),
    ]


# §5 Totals and adjustments -------------------------------------------------------------

# One ticket completed on day 1: timeliness 20 points for a rep, 20 × 2.5 = 50 for an
# engineer; every other KPI has no data. So a total is that base less the deduction.
BASE = {"rep": F(20), "engineer": F(50)}


def alone(role: str, **figures):
    (row,) = rank(role, person("P1", role, tickets=TicketCounts(by_day=days(1)), **figures))
    return row


@pytest.mark.parametrize("role", ["rep", "engineer"])
@pytest.mark.parametrize(
    ("kind", "count", "points"),
    [
        ("backfill", 1, F(1, 2)),
        ("backfill", 3, F(3, 2)),
        ("violation", 1, F(1)),
        ("fake_completion", 2, F(2)),
        ("complaint_general", 1, F(5)),
        ("complaint_major", 1, F(10)),
        ("complaint_internal", 2, F(4)),
    ],
)
def test_each_deduction_kind_comes_off_the_total(role, kind, count, points):
    row = alone(role, deductions={kind: count})
    # total = base − count × points, e.g. rep backfill ×3: 20 − 1.5 = 18.50
    assert row.deductions == points
    assert F(row.total) == BASE[role] - points
    assert not row.zeroed


@pytest.mark.parametrize("role", ["rep", "engineer"])
def test_branch_rule_points_are_the_entered_amount(role):
    row = alone(role, deductions={"branch_rule": 2}, entered={"branch_rule": F(13, 4)})
    # two events entered with 3.25 in all: rep 20 − 3.25 = 16.75, engineer 50 − 3.25 = 46.75
    assert row.deductions == F(13, 4)
    assert row.total == {"rep": Decimal("16.75"), "engineer": Decimal("46.75")}[role]


def test_engineer_total_is_satisfaction_plus_scaled_timeliness_less_deductions():
    (row,) = rank(
        "engineer",
        person(
            "E1",
            "engineer",
            tickets=TicketCounts(by_day=days(1, 1)),
            ratings=(0, 0, 0, 0, 1),
            deductions={"backfill": 1},
        ),
    )
    # satisfaction alone in its pool → 50; timeliness (20 + 17)/2 = 37/2, ×2.5 = 46.25
    # 50 + 46.25 − 0.5 = 95.75
    assert kpi(row, "timeliness") == (F(37, 2), F(185, 4), None)
    assert row.total == Decimal("95.75")


@pytest.mark.parametrize("role", ["rep", "engineer"])
def test_media_complaint_forfeits_a_positive_total(role):
    row = alone(role, deductions={"complaint_media": 1, "complaint_major": 1})
    # rep 20 − 10 = 10, engineer 50 − 10 = 40 → min(total, 0) = 0.00
    assert (row.zeroed, row.deductions, row.total) == (True, F(10), Decimal("0.00"))


def test_media_complaint_never_raises_a_negative_total():
    (row,) = rank(
        "rep", person("R1", tickets=TicketCounts(open_over=1), deductions={"complaint_media": 1})
    )
    # −150 → min(−150, 0) = −150.00: the complaint does not improve a bad month
    assert (row.zeroed, row.total) == (True, Decimal("-150.00"))


def test_media_complaint_on_the_top_person_pays_nobody_the_top_amount():
    rows = rank(
        "engineer",
        person(  # 50, but a media complaint: min(50, 0) = 0, still the best total
            "E1",
            "engineer",
            tickets=TicketCounts(by_day=days(1)),
            deductions={"complaint_media": 1},
        ),
        person("E2", "engineer", tickets=TicketCounts(late=1)),  # −15 × 2.5 = −37.50
        person("E3", "engineer", tickets=TicketCounts(open_over=1)),  # −150 × 2.5 = −375.00
        person("E4", "engineer", tickets=TicketCounts(late=1, open_over=1)),  # −82.5 × 2.5
    )
    # totals 0, −37.50, −206.25, −375: E1 rank 1 but forfeited: no +200, and E2 (rank 2)
    # gets its own +100, not E1's amount; the bottom two −50 and −100 as usual
    assert [(r.staff_code, r.rank, r.total, r.reward) for r in rows] == [
        ("E1", 1, Decimal("0.00"), 0),
        ("E2", 2, Decimal("-37.50"), 100),
        ("E4", 3, Decimal("-206.25"), -50),
        ("E3", 4, Decimal("-375.00"), -100),
    ]


def test_a_forfeited_month_at_the_bottom_is_penalised():
    rows = rank(
        "engineer",
        person("E1", "engineer", tickets=TicketCounts(by_day=days(1))),  # 50
        person(  # 50 → forfeited: 0
            "E2",
            "engineer",
            tickets=TicketCounts(by_day=days(1)),
            deductions={"complaint_media": 1},
        ),
        person("E3", "engineer", tickets=TicketCounts(by_day=days(0, 0, 0, 0, 0, 0, 1))),  # 5
    )
    # n = 3: one rank at each end; E2 last → −100 like anyone; E3 in the middle → 0
    assert [(r.staff_code, r.rank, r.total, r.reward) for r in rows] == [
        ("E1", 1, Decimal("50.00"), 200),
        ("E3", 2, Decimal("5.00"), 0),
        ("E2", 3, Decimal("0.00"), -100),
    ]


# §6 Ranking ------------------------------------------------------------------------------


def _engineers_with_totals(*entered: F) -> list:
    """Engineers with one ticket on day 1 (50 points), each less a branch_rule deduction, so
    their totals are 50 − entered."""
    return [
        person(
            f"E{i}",
            "engineer",
            tickets=TicketCounts(by_day=days(1)),
            deductions={"branch_rule": 1},
            entered={"branch_rule": e},
        )
        for i, e in enumerate(entered, start=1)
    ]


def test_totals_are_compared_after_rounding():
    rows = rank("engineer", *reversed(_engineers_with_totals(F("39.996"), F("39.999"))))
    # 50 − 39.996 = 10.004 → 10.00 and 50 − 39.999 = 10.001 → 10.00: equal, both rank 1;
    # a tie at both ends: nobody ranked below or above → no money
    assert [(r.staff_code, r.rank, r.total, r.reward) for r in rows] == [
        ("E1", 1, Decimal("10.00"), 0),
        ("E2", 1, Decimal("10.00"), 0),
    ]


def test_a_half_cent_rounds_up_and_separates():
    rows = rank("engineer", *_engineers_with_totals(F("39.996"), F("39.995")))
    # 10.004 → 10.00 and 10.005 → 10.01: E2 ahead; n = 2 → +200 and −100
    assert [(r.staff_code, r.rank, r.total, r.reward) for r in rows] == [
        ("E2", 1, Decimal("10.01"), 200),
        ("E1", 2, Decimal("10.00"), -100),
    ]


def test_negative_totals_round_half_away_from_zero():
    (row,) = rank("engineer", *_engineers_with_totals(F("52.675")))
    # 50 − 52.675 = −2.675 → −2.68 (四舍五入 on the magnitude)
    assert row.total == Decimal("-2.68")


def test_competition_ranks_and_display_order():
    rows = rank(
        "engineer",
        *reversed(_engineers_with_totals(F(40), F(42), F(42), F(45), F(48))),
    )
    # totals 10, 8, 8, 5, 2 → ranks 1, 2, 2, 4, 5; the tie shown E2 before E3
    # money, n = 5, two ranks at each end: 200, 100, 100 (tied at 2), −50, −100
    assert [(r.staff_code, r.rank, r.total, r.reward) for r in rows] == [
        ("E1", 1, Decimal("10.00"), 200),
        ("E2", 2, Decimal("8.00"), 100),
        ("E3", 2, Decimal("8.00"), 100),
        ("E4", 4, Decimal("5.00"), -50),
        ("E5", 5, Decimal("2.00"), -100),
    ]


def test_nobody_to_rank():
    assert rank("rep") == []


def test_provisional_while_the_month_runs():
    running = judge(OCTOBER, now=datetime(2026, 10, 15, 14, 30, 5))
    (row,) = rank("rep", person("R1"), judgement=running)
    assert (row.provisional, row.as_of) == (True, datetime(2026, 10, 15, 14, 30, 5))


def test_a_running_month_divides_by_active_dates_even_with_attendance():
    running = judge(OCTOBER, now=datetime(2026, 10, 15, 18, 0))
    rows = rank(
        "rep",
        # attendance for the whole month is 22 days, but by the 15th R1 worked on 10 dates
        person("R1", workload=150, attendance_days=22, active_days=10),
        person("R2", workload=120, attendance_days=22, active_days=12),
        judgement=running,
    )
    row = by_code(rows)
    # daily 150/10 = 15 and 120/12 = 10, not 150/22 and 120/22; annual max 15
    assert [row[c].kpi("workload").parts["days"] for c in ("R1", "R2")] == [10, 12]
    assert [row[c].kpi("workload").value for c in ("R1", "R2")] == [F(1), F(2, 3)]


# §6 Rewards and penalties --------------------------------------------------------------


@pytest.mark.parametrize(
    ("totals", "money"),
    [
        # one person: ⌊1/2⌋ = 0 ranks paid at each end
        ([10], [0]),
        # two: +200 and −100, never +100 for the last of two
        ([10, 5], [200, -100]),
        # three: one rank at each end
        ([30, 20, 10], [200, 0, -100]),
        ([40, 30, 20, 10], [200, 100, -50, -100]),
        ([50, 40, 30, 20, 10], [200, 100, 0, -50, -100]),
        # tied at rank 2: both +100
        ([50, 40, 40, 20, 10], [200, 100, 100, -50, -100]),
        # tied at rank 1: both +200; the next is rank 3 → nothing from the top
        ([50, 50, 30, 20, 10], [200, 200, 0, -50, -100]),
        # tied last: both −100; the next up is third from the bottom → 0
        ([50, 40, 30, 10, 10], [200, 100, 0, -100, -100]),
        # tied second last: both −50
        ([60, 50, 40, 20, 20, 10], [200, 100, 0, -50, -50, -100]),
        # three, last two tied: rank 2 from the top is beyond ⌊3/2⌋ = 1; both last → −100
        ([30, 10, 10], [200, -100, -100]),
        # the spec's examples: everyone equal → no money
        ([7, 7], [0, 0]),
        ([7, 7, 7, 7], [0, 0, 0, 0]),
        # 50, 50, 50, 0 → +200 three times and −100
        ([50, 50, 50, 0], [200, 200, 200, -100]),
        # 50, 40, 40, 40 → +200 and −100 three times
        ([50, 40, 40, 40], [200, -100, -100, -100]),
        # 100, 83.33, 83.33, 50 → the tie reaches both ends: +200, 0, 0, −100
        ([100, F("83.33"), F("83.33"), 50], [200, 0, 0, -100]),
    ],
)
def test_rewards(totals, money):
    codes = [f"S{i}" for i in range(len(totals))]
    result = rewards({c: F(t) for c, t in zip(codes, totals, strict=True)}, SCHEME.money)
    assert [result[c] for c in codes] == money


def test_a_forfeited_person_is_not_paid_and_nobody_inherits():
    totals = {"S0": F(50), "S1": F(40), "S2": F(30), "S3": F(20)}
    result = rewards(totals, SCHEME.money, forfeits={"S0"})
    assert [result[c] for c in totals] == [0, 100, -50, -100]


@pytest.mark.parametrize(
    ("n", "money"),
    [(1, [0]), (2, [200, -100]), (3, [200, 0, -100]), (4, [200, 100, -50, -100])],
)
def test_branches_of_one_to_four_through_the_ranking(n, money):
    entered = [F(10 * i) for i in range(n)]  # totals 50, 40, 30, 20
    rows = rank("engineer", *_engineers_with_totals(*entered))
    assert [r.reward for r in rows] == money


# Scheme settings of kpi-rules.md --------------------------------------------------------


def _scheme(tmp_path, text: str):
    path = tmp_path / "scheme.toml"
    path.write_text(text, encoding="utf-8")
    return load_scheme(path)


def test_deduction_roles_can_spare_engineers(tmp_path):
    scheme = _scheme(tmp_path, '[deductions]\nroles = ["rep"]\n')
    (row,) = rank(
        "engineer",
        person(
            "E1",
            "engineer",
            scheme=scheme,
            tickets=TicketCounts(by_day=days(1)),
            deductions={"violation": 2},
        ),
        scheme=scheme,
    )
    # the table applies to reps only: the engineer keeps 50
    assert (row.deductions, row.total) == (F(0), Decimal("50.00"))


def test_reward_roles_can_leave_engineers_unpaid(tmp_path):
    scheme = _scheme(tmp_path, '[rewards]\nroles = ["rep"]\n')
    rows = rank(
        "engineer",
        *(
            person(c, "engineer", scheme=scheme, tickets=TicketCounts(by_day=days(d)))
            for c, d in (("E1", 1), ("E2", 2))
        ),
        scheme=scheme,
    )
    assert [r.reward for r in rows] == [0, 0]


def test_rep_satisfaction_can_be_entered(tmp_path):
    scheme = _scheme(tmp_path, '[settings]\nrep_satisfaction = "entered"\n')
    kpi_spec = scheme.kpi("rep", "satisfaction")
    assert kpi_spec.measure == "entered.satisfaction"
    rows = rank(
        "rep",
        person("R1", scheme=scheme, counts={"entered.satisfaction": {"value": F("0.92")}}),
        person("R2", scheme=scheme, counts={"entered.satisfaction": {"value": F("0.85")}}),
        person("R3", scheme=scheme),  # nothing entered → no data, listed by `fieldkpi rank`
        scheme=scheme,
    )
    row = by_code(rows)
    assert [kpi(row[c], "satisfaction") for c in ("R1", "R2", "R3")] == [
        (F("0.92"), F(20), None),
        (F("0.85"), F(0), None),
        (None, F(0), "no_entry"),
    ]


def test_the_ladder_pays_by_rank_and_the_floor_below_half_the_best(tmp_path):
    from fieldkpi.scheme import Money

    money = Money(ladder=(F(1000), F(800)), floor_below=F(1, 2), floor_amount=F(300))
    totals = {"A": F(100), "B": F(90), "C": F(60), "D": F(49)}
    # A rank 1 → 1000; B rank 2 → 800; C rank 3, past the ladder's end → the floor's 300;
    # D 49 < 100 / 2 → 300
    assert rewards(totals, money) == {"A": 1000, "B": 800, "C": 300, "D": 300}
