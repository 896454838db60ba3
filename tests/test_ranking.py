"""fieldkpi.ranking on hand-built BranchFigures: points, totals, ranks and money (kpi-rules §1–§6).

Every expected number is worked by hand in the comment beside it. Period
2026-10, judged at its last second (2026-10-31 23:59:59) unless a test says so.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction as F

import pytest

from fieldkpi.figures import BranchFigures, Person, PersonFigures, TicketCounts, WorkloadMonth
from fieldkpi.period import Period, judge
from fieldkpi.ranking import rank_branch, rewards
from fieldkpi.scheme import default_scheme

SCHEME = default_scheme()
OCTOBER = Period.parse("2026-10")
MONTH_END = judge(OCTOBER, now=datetime(2026, 11, 3, 9, 0))
LONG_AGO = date(2020, 3, 1)
NO_CALLBACKS = (0, 0, 0, 0, 0)


def person(
    code: str, role: str = "rep", hired_on: date | None = LONG_AGO, **figures
) -> PersonFigures:
    return PersonFigures(
        person=Person(code, f"Name {code}", "GZ", role, hired_on=hired_on), **figures
    )


def rank(role: str, *people: PersonFigures, history=(), judgement=MONTH_END) -> list:
    figures = BranchFigures("GZ", role, judgement, list(people), list(history))
    return rank_branch(figures, SCHEME)


def by_code(rows) -> dict:
    return {row.staff_code: row for row in rows}


def days(*counts: int) -> tuple[int, ...]:
    """by_day for TicketCounts: tickets completed on day 1, 2, … (missing days are 0)."""
    return (*counts, *(0,) * (7 - len(counts)))


def month(staff: str, period: str, workload: int, attendance: int | None, active: int):
    return WorkloadMonth(staff, period, workload, attendance, active)


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
        entered_deduction_points=F(3, 2),
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

    # total = feedback + workload + satisfaction + timeliness − deductions
    # R1: 40/3 + 40 + 40/3 + 77/4 − 0 = (160 + 480 + 160 + 231)/12 = 1031/12 = 85.91… → 85.92
    # R2: 40/3 + 20 + 20 + 5/2 − 1 = (80 + 120 + 120 + 15 − 6)/6 = 329/6 = 54.83…  → 54.83
    # R4: 20 + 20 + 20/3 + 0 − 0 = 140/3 = 46.66…                                 → 46.67
    # R3: 0 + 0 + 20/3 + 14 − 7/2 = (40 + 84 − 21)/6 = 103/6 = 17.16…             → 17.17
    # ranks 1, 2, 3, 4; money +200, +100, −50 (second last), −100 (last)
    assert [(r.staff_code, r.rank, r.total, r.reward) for r in rows] == [
        ("R1", 1, Decimal("85.92"), 200),
        ("R2", 2, Decimal("54.83"), 100),
        ("R4", 3, Decimal("46.67"), -50),
        ("R3", 4, Decimal("17.17"), -100),
    ]
    row = by_code(rows)

    # §2 feedback: R1 3/10 = 0.3, R2 (3/2)/5 = 0.3, R3 0 visits → 0, R4 1/2 = 0.5
    # ranks R4 1, R1 2, R2 2, R3 4 of n = 4: 20, 20·2/3 = 40/3 (twice), 0
    assert {c: (r.feedback_rate, r.feedback_points) for c, r in row.items()} == {
        "R1": (F(3, 10), F(40, 3)),
        "R2": (F(3, 10), F(40, 3)),
        "R3": (F(0), F(0)),
        "R4": (F(1, 2), F(20)),
    }
    # §3 workload: days R1 20 (attendance), R2 20 (action dates), R3 18, R4 10
    # daily 300/20 = 15, 260/20 = 13, 180/18 = 10, 80/10 = 8; annual max 17 (R2, March)
    # pool without R4 (first month), n = 3: R1 40, R2 40·1/2 = 20, R3 0; R4 gets 20
    assert {
        c: (r.workload, r.days, r.saturation, r.workload_points, r.first_month)
        for c, r in row.items()
    } == {
        "R1": (300, 20, F(15, 17), F(40), False),
        "R2": (260, 20, F(13, 17), F(20), False),
        "R3": (180, 18, F(10, 17), F(0), False),
        "R4": (80, 10, F(8, 17), F(20), True),
    }
    # §4 satisfaction: R1 4/5, R2 2/2 = 1, R3 0/2 = 0, R4 none → 0 (flagged)
    # ranks R2 1, R1 2, R3 3, R4 3 of n = 4: 20, 40/3, 20/3, 20/3
    assert {c: (r.satisfaction, r.satisfaction_points, r.no_callbacks) for c, r in row.items()} == {
        "R1": (F(4, 5), F(40, 3), False),
        "R2": (F(1), F(20), False),
        "R3": (F(0), F(20, 3), False),
        "R4": (F(0), F(20, 3), True),
    }
    # §1 timeliness (reps: the points are the value itself)
    # R1 (20·3 + 17)/4 = 77/4; R2 (20 − 15)/2 = 5/2; R3 14/1; R4 no orders → 0 (flagged)
    assert {c: (r.timeliness, r.timeliness_points, r.no_orders) for c, r in row.items()} == {
        "R1": (F(77, 4), F(77, 4), False),
        "R2": (F(5, 2), F(5, 2), False),
        "R3": (F(14), F(14), False),
        "R4": (F(0), F(0), True),
    }
    # §5 deductions: R2 2 × 0.5 = 1; R3 2 + 1.5 entered = 3.5
    assert {c: (r.deductions, r.zeroed) for c, r in row.items()} == {
        "R1": (F(0), False),
        "R2": (F(1), False),
        "R3": (F(7, 2), False),
        "R4": (F(0), False),
    }
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

    # timeliness: E1 −108/5 = −21.6; E2 20; E3 day 7 → 2; E4 no orders → 0
    # points ×2.5: −54, 50, 5, 0
    assert {c: (r.timeliness, r.timeliness_points, r.no_orders) for c, r in row.items()} == {
        "E1": (F(-108, 5), F(-54), False),
        "E2": (F(20), F(50), False),
        "E3": (F(2), F(5), False),
        "E4": (F(0), F(0), True),
    }
    # satisfaction: E1 2/2 = 1, E2 1/2, E3 3/3 = 1, E4 none → 0 (flagged)
    # ranks E1 1, E3 1, E2 3, E4 4 of n = 4, pool 50: 50, 50, 50·1/3 = 50/3, 0
    assert {c: (r.satisfaction, r.satisfaction_points, r.no_callbacks) for c, r in row.items()} == {
        "E1": (F(1), F(50), False),
        "E2": (F(1, 2), F(50, 3), False),
        "E3": (F(1), F(50), False),
        "E4": (F(0), F(0), True),
    }
    # deductions: E2 violation 1; E3 general 5 and a media complaint → zeroed
    assert {c: (r.deductions, r.zeroed) for c, r in row.items()} == {
        "E1": (F(0), False),
        "E2": (F(1), False),
        "E3": (F(5), True),
        "E4": (F(0), False),
    }
    # totals = satisfaction + timeliness × 2.5 − deductions
    # E2: 50/3 + 50 − 1 = 197/3 = 65.66… → 65.67
    # E3: 50 + 5 − 5 = 50, zeroed → 0.00;  E4: 0 + 0 = 0.00;  E1: 50 − 54 = −4.00
    # ranks 1, 2, 2, 4 (E3 and E4 tie, shown by code); money 200, 100, 100, −100
    assert [(r.staff_code, r.rank, r.total, r.reward) for r in rows] == [
        ("E2", 1, Decimal("65.67"), 200),
        ("E3", 2, Decimal("0.00"), 100),
        ("E4", 2, Decimal("0.00"), 100),
        ("E1", 4, Decimal("-4.00"), -100),
    ]
    # rep-only columns do not apply to engineers
    assert {
        (
            r.feedback_rate,
            r.feedback_points,
            r.workload,
            r.days,
            r.saturation,
            r.workload_points,
            r.first_month,
        )
        for r in rows
    } == {(None, None, None, None, None, None, False)}


# §1 Completion timeliness ---------------------------------------------------------------


def test_worked_example_engineer_alone():
    e1 = person("E1", "engineer", tickets=TicketCounts(by_day=days(2, 1), late=1, open_over=1))
    (row,) = rank("engineer", e1)
    # timeliness −21.6, engineer points −21.6 × 2.5 = −54.0
    assert row.timeliness == F(-108, 5)
    assert row.timeliness_points == F(-54)
    # alone in the pool (n = 1) → satisfaction points = max 50, although no callbacks
    assert (row.satisfaction, row.no_callbacks, row.satisfaction_points) == (F(0), True, F(50))
    # 50 − 54 = −4.00; one-person branch: rank 1, +200
    assert (row.total, row.rank, row.reward) == (Decimal("-4.00"), 1, 200)


def test_rep_timeliness_is_not_scaled():
    r1 = person("R1", tickets=TicketCounts(by_day=days(2, 1), late=1, open_over=1))
    (row,) = rank("rep", r1)
    # reps take the value itself: −21.6
    assert row.timeliness_points == F(-108, 5)
    # alone: feedback 20 + workload 40 + satisfaction 20 − 21.6 = 58.40
    assert row.total == Decimal("58.40")


def test_no_orders_is_flagged_and_scores_zero():
    rows = rank(
        "engineer",
        person("E1", "engineer"),
        person("E2", "engineer", tickets=TicketCounts(open_over=1)),
    )
    row = by_code(rows)
    assert (row["E1"].timeliness, row["E1"].no_orders) == (F(0), True)
    # an open-over-30 ticket is an order: −150, not flagged; ×2.5 = −375
    assert (row["E2"].timeliness_points, row["E2"].no_orders) == (F(-375), False)


# §2 Feedback rate ----------------------------------------------------------------------


def test_feedback_points_rank_fractional_rates():
    rows = rank(
        "rep",
        person("R1", problem_points=F(3, 2), visits=4),  # 1.5 / 4 = 3/8 = 0.375
        person("R2", problem_points=F(1), visits=3),  # 1 / 3 = 0.333…
        person("R3", problem_points=F(2), visits=0),  # no visits → 0
    )
    row = by_code(rows)
    # ranks 1, 2, 3 of n = 3, pool 20: 20, 20·1/2 = 10, 0
    assert [(c, row[c].feedback_rate, row[c].feedback_points) for c in ("R1", "R2", "R3")] == [
        ("R1", F(3, 8), F(20)),
        ("R2", F(1, 3), F(10)),
        ("R3", F(0), F(0)),
    ]


# §3 Workload saturation -----------------------------------------------------------------


def test_saturation_attendance_action_dates_and_zero_days():
    rows = rank(
        "rep",
        person("R1", workload=300, attendance_days=20, active_days=25),  # 300/20 = 15
        person("R2", workload=300, active_days=25),  # no attendance: 300/25 = 12
        person("R3", workload=50, attendance_days=0, active_days=5),  # 0 days → 0
        history=[
            month("R2", "2026-03", 340, 20, 20),  # 17 a day: the annual max
            month("R1", "2026-10", 300, 20, 25),
            month("R2", "2026-10", 300, None, 25),
            month("R3", "2026-10", 50, 0, 5),
        ],
    )
    row = by_code(rows)
    # saturation 15/17 ≈ 88.24 %, 12/17 ≈ 70.59 %, 0; ranks 1, 2, 3 of 3: 40, 20, 0
    assert [
        (c, row[c].days, row[c].saturation, row[c].workload_points) for c in ("R1", "R2", "R3")
    ] == [
        ("R1", 20, F(15, 17), F(40)),
        ("R2", 25, F(12, 17), F(20)),
        ("R3", 0, F(0), F(0)),
    ]


def test_annual_max_can_come_from_another_rep_earlier_in_the_year():
    rows = rank(
        "rep",
        person("R1", workload=200, attendance_days=20, active_days=20),  # 10 a day
        history=[
            month("R9", "2026-02", 500, 20, 20),  # 25 a day, another rep, February
            month("R1", "2026-10", 200, 20, 20),
        ],
    )
    # 10 / 25 = 2/5 = 40 %
    assert rows[0].saturation == F(2, 5)


def test_without_any_workload_saturation_is_zero_for_all():
    rows = rank("rep", person("R1"), person("R2"))
    # annual max 0 → saturation 0 for both; tied at rank 1 of 2 → 40·1/1 = 40 each
    assert {(r.saturation, r.workload_points) for r in rows} == {(F(0), F(40))}


def _first_month_branch(r3_hired: date) -> dict:
    return by_code(
        rank(
            "rep",
            person("R1", workload=200, attendance_days=20),  # 10 a day
            person("R2", workload=100, attendance_days=20),  # 5 a day
            person("R3", hired_on=r3_hired, workload=120, attendance_days=10),  # 12 a day
            history=[
                month("R1", "2026-10", 200, 20, 20),
                month("R2", "2026-10", 100, 20, 20),
                month("R3", "2026-10", 120, 10, 10),  # the annual max, 12
            ],
        )
    )


def test_first_month_rep_gets_twenty_and_leaves_the_pool():
    row = _first_month_branch(date(2026, 10, 12))
    # R3 hired in October: exactly 20, although the best saturation (12/12 = 1)
    assert (row["R3"].first_month, row["R3"].saturation, row["R3"].workload_points) == (
        True,
        F(1),
        F(20),
    )
    # the others are ranked among n = 2: R1 (10/12) 40·1/1 = 40, R2 (5/12) 0
    assert (row["R1"].saturation, row["R1"].workload_points) == (F(5, 6), F(40))
    assert (row["R2"].saturation, row["R2"].workload_points) == (F(5, 12), F(0))


def test_same_branch_without_a_first_month_rep_ranks_all_three():
    row = _first_month_branch(date(2026, 9, 30))  # hired the day before the period
    # n = 3: R3 rank 1 → 40, R1 rank 2 → 40·1/2 = 20, R2 rank 3 → 0
    assert {c: (r.first_month, r.workload_points) for c, r in row.items()} == {
        "R1": (False, F(20)),
        "R2": (False, F(0)),
        "R3": (False, F(40)),
    }


def test_hired_on_the_last_day_of_the_period_is_a_first_month():
    row = _first_month_branch(date(2026, 10, 31))
    assert (row["R3"].first_month, row["R3"].workload_points) == (True, F(20))


def test_first_month_rep_still_counts_in_the_other_pools():
    rows = rank(
        "rep",
        person("R1", problem_points=F(1), visits=2, ratings=(0, 0, 0, 0, 1)),
        person("R2", hired_on=date(2026, 10, 1), ratings=(1, 0, 0, 0, 0)),
    )
    row = by_code(rows)
    # feedback n = 2: R1 (1/2) 20, R2 (0) 0; satisfaction n = 2: R1 (1) 20, R2 (0) 0
    assert (row["R2"].feedback_points, row["R2"].satisfaction_points) == (F(0), F(0))
    # workload: R1 alone in its pool (n = 1) → 40; R2 first month → 20
    assert (row["R1"].workload_points, row["R2"].workload_points) == (F(40), F(20))


def test_engineers_have_no_first_month_rule():
    (row,) = rank("engineer", person("E1", "engineer", hired_on=date(2026, 10, 5)))
    assert (row.first_month, row.workload_points) == (False, None)


# §4 Satisfaction ----------------------------------------------------------------------


@pytest.mark.parametrize(("role", "pool"), [("rep", 20), ("engineer", 50)])
def test_satisfaction_pool_per_role(role, pool):
    rows = rank(
        role,
        person("P1", role, ratings=(0, 0, 0, 2, 2)),  # 4/4 = 1
        person("P2", role, ratings=(1, 0, 1, 1, 1)),  # 2/4 = 1/2
        person("P3", role),  # no callbacks → 0, flagged
    )
    row = by_code(rows)
    # ranks 1, 2, 3 of 3: pool, pool·1/2, 0
    assert [
        (c, row[c].satisfaction, row[c].satisfaction_points, row[c].no_callbacks)
        for c in ("P1", "P2", "P3")
    ] == [
        ("P1", F(1), F(pool), False),
        ("P2", F(1, 2), F(pool, 2), False),
        ("P3", F(0), F(0), True),
    ]


# §5 Totals and deductions --------------------------------------------------------------

# Alone in the branch every pool has n = 1, so a rep with no figures has
# 20 + 40 + 20 + 0 = 80 points, and an engineer 50 + 0 × 2.5 = 50.
ALONE = {"rep": 80, "engineer": 50}


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
    (row,) = rank(role, person("P1", role, deductions={kind: count}))
    # total = alone − count × points, e.g. rep backfill ×3: 80 − 1.5 = 78.50
    assert row.deductions == points
    assert F(row.total) == ALONE[role] - points
    assert not row.zeroed


@pytest.mark.parametrize("role", ["rep", "engineer"])
def test_branch_rule_points_are_the_entered_amount(role):
    (row,) = rank(
        role,
        person("P1", role, deductions={"branch_rule": 2}, entered_deduction_points=F(13, 4)),
    )
    # two events entered with 3.25 in all: rep 80 − 3.25 = 76.75, engineer 50 − 3.25 = 46.75
    assert row.deductions == F(13, 4)
    assert row.total == {"rep": Decimal("76.75"), "engineer": Decimal("46.75")}[role]


def test_engineer_total_is_satisfaction_plus_scaled_timeliness_less_deductions():
    (row,) = rank(
        "engineer",
        person(
            "E1", "engineer", tickets=TicketCounts(by_day=days(1, 1)), deductions={"backfill": 1}
        ),
    )
    # timeliness (20 + 17)/2 = 37/2, ×2.5 = 185/4 = 46.25; 50 + 46.25 − 0.5 = 95.75
    assert row.timeliness_points == F(185, 4)
    assert row.total == Decimal("95.75")


@pytest.mark.parametrize("role", ["rep", "engineer"])
def test_media_complaint_zeroes_a_positive_total(role):
    (row,) = rank(
        role,
        person(
            "P1",
            role,
            tickets=TicketCounts(by_day=days(1)),
            deductions={"complaint_media": 1, "complaint_major": 1},
        ),
    )
    # rep 80 + 20 − 10 = 90, engineer 50 + 50 − 10 = 90 → zeroed: 0.00, not −10 or 90
    assert (row.zeroed, row.deductions, row.total) == (True, F(10), Decimal("0.00"))


def test_media_complaint_zeroes_a_negative_total_too():
    (row,) = rank(
        "rep",
        person("R1", tickets=TicketCounts(open_over=1), deductions={"complaint_media": 1}),
    )
    # 80 − 150 = −70 → the total becomes 0 (spec: "the total becomes 0 … after everything else")
    assert (row.zeroed, row.total) == (True, Decimal("0.00"))


def test_zeroed_total_ranks_as_zero():
    rows = rank(
        "engineer",
        person("E1", "engineer", tickets=TicketCounts(by_day=days(1))),
        person(
            "E2",
            "engineer",
            tickets=TicketCounts(by_day=days(1)),
            deductions={"complaint_media": 1},
        ),
        person("E3", "engineer", tickets=TicketCounts(by_day=days(0, 0, 0, 0, 0, 0, 1))),
    )
    # all satisfaction 0, tied → 50 each; E1 50 + 50 = 100; E2 zeroed 0; E3 50 + 5 = 55
    assert [(r.staff_code, r.rank, r.total, r.reward) for r in rows] == [
        ("E1", 1, Decimal("100.00"), 200),
        ("E3", 2, Decimal("55.00"), 100),
        ("E2", 3, Decimal("0.00"), -100),
    ]


# §6 Ranking ------------------------------------------------------------------------------


def _engineers_with_totals(*entered: F) -> list:
    """Engineers alone-equivalent at 50 points (all tied on satisfaction, no tickets),
    each less a branch_rule deduction, so their totals are 50 − entered."""
    return [
        person(f"E{i}", "engineer", deductions={"branch_rule": 1}, entered_deduction_points=e)
        for i, e in enumerate(entered, start=1)
    ]


def test_totals_are_compared_after_rounding():
    rows = rank("engineer", *reversed(_engineers_with_totals(F("39.996"), F("39.999"))))
    # 50 − 39.996 = 10.004 → 10.00 and 50 − 39.999 = 10.001 → 10.00: equal, both rank 1
    # both get the rank-1 amount (+200); shown by staff code
    assert [(r.staff_code, r.rank, r.total, r.reward) for r in rows] == [
        ("E1", 1, Decimal("10.00"), 200),
        ("E2", 1, Decimal("10.00"), 200),
    ]


def test_a_half_cent_rounds_up_and_separates():
    rows = rank("engineer", *_engineers_with_totals(F("39.996"), F("39.995")))
    # 10.004 → 10.00 and 10.005 → 10.01: E2 ahead
    assert [(r.staff_code, r.rank, r.total, r.reward) for r in rows] == [
        ("E2", 1, Decimal("10.01"), 200),
        ("E1", 2, Decimal("10.00"), 100),
    ]


def test_competition_ranks_and_display_order():
    rows = rank(
        "engineer",
        *reversed(_engineers_with_totals(F(40), F(42), F(42), F(45), F(48))),
    )
    # totals 10, 8, 8, 5, 2 → ranks 1, 2, 2, 4, 5; the tie shown E2 before E3
    # money: 200, 100, 100 (tied at 2), −50 (second last), −100 (last)
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


# §6 Rewards and penalties --------------------------------------------------------------


@pytest.mark.parametrize(
    ("totals", "money"),
    [
        # one person: rank 1 and last at once → the top amount only
        ([10], [200]),
        # two: the second is also last → top amount (+100) wins over −100
        ([10, 5], [200, 100]),
        # three: the middle one is rank 2 and second last → +100
        ([30, 20, 10], [200, 100, -100]),
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
        # three, last two tied: they share rank 2 from the top → +100 each (top wins)
        ([30, 10, 10], [200, 100, 100]),
        # two tied: both rank 1 → +200
        ([7, 7], [200, 200]),
        # all tied: everyone rank 1 from the top → +200 each (top wins over last)
        ([7, 7, 7, 7], [200, 200, 200, 200]),
    ],
)
def test_rewards(totals, money):
    codes = [f"S{i}" for i in range(len(totals))]
    result = rewards({c: F(t) for c, t in zip(codes, totals, strict=True)}, SCHEME)
    assert [result[c] for c in codes] == money


def test_branch_of_three_through_rank_branch():
    rows = rank("engineer", *_engineers_with_totals(F(20), F(30), F(40)))
    # totals 30, 20, 10 → +200, +100 (rank 2 and second last: top wins), −100
    assert [(r.staff_code, r.reward) for r in rows] == [("E1", 200), ("E2", 100), ("E3", -100)]
