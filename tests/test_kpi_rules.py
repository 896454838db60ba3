"""The formulas of kpi-rules.md, one rule at a time, with every number worked by hand.

The formulas take plain counts (``fieldkpi.kpi``) and each measure turns a
person's counts into its value (``fieldkpi.measures``); which bucket a ticket
falls in (day(t), the 30-day limit) is decided in SQL by storage.measures and
is tested in tests/test_time_principle.py.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction as F

import pytest
from appraisal_helpers import person

from fieldkpi import kpi
from fieldkpi.figures import TicketCounts, WorkloadMonth
from fieldkpi.measures import MEASURES
from fieldkpi.ranking import adjustment_points
from fieldkpi.scheme import default_scheme, load_scheme

SCHEME = default_scheme()
WEIGHTS = SCHEME.timeliness_weights


def tickets(*days: int, open_over: int = 0) -> TicketCounts:
    """Counts for tickets completed on the given days (1 = day received), plus open ones."""
    return TicketCounts(
        by_day=tuple(sum(1 for d in days if d == k) for k in range(1, 8)),
        late=sum(1 for d in days if d >= 8),
        open_over=open_over,
    )


def value(measure: str, scheme=SCHEME, **counts):
    settings = {"threshold": scheme.settings["satisfied_min_rating"], "running": None}
    settings["default_problem_points"] = scheme.problem_level(None).points
    return MEASURES[measure].value(counts, settings).value


# §1 Completion timeliness ------------------------------------------------------------


def test_worked_example_of_the_spec():
    # E1: days 1, 1, 2, 9 and one ticket open 41 days; N = 4 + 1 = 5.
    # (20·2 + 17·1 − 15·1 − 150·1) / 5 = (40 + 17 − 15 − 150) / 5 = −108/5 = −21.6
    counts = tickets(1, 1, 2, 9, open_over=1)
    assert counts.orders == 5
    result = kpi.timeliness(counts, WEIGHTS)
    assert result == F(-108, 5)
    # engineer points: −21.6 × 2.5 = −54.0
    assert result * SCHEME.kpi("engineer", "timeliness").score["scale"] == F(-54)


@pytest.mark.parametrize(
    ("day", "points"),
    [
        (1, 20),  # completed the day it was received
        (2, 17),
        (3, 14),
        (4, 11),
        (5, 8),
        (6, 5),
        (7, 2),
        (8, -15),  # 超7天完单 starts at day 8
        (9, -15),
        (31, -15),  # completed late, however late, is −15, never −150
    ],
)
def test_one_ticket_scores_its_day_bucket(day, points):
    # one ticket: (points·1) / 1 = points
    assert kpi.timeliness(tickets(day), WEIGHTS) == points


def test_open_over_the_limit_only():
    # (−150·1) / 1 = −150, the bottom of the range
    assert kpi.timeliness(tickets(open_over=1), WEIGHTS) == -150
    # (−150·3) / 3 = −150
    assert kpi.timeliness(tickets(open_over=3), WEIGHTS) == -150


def test_every_bucket_at_once():
    # days 1..7 once, one late (day 12), one open: N = 9
    # (20 + 17 + 14 + 11 + 8 + 5 + 2 − 15 − 150) / 9 = (77 − 165) / 9 = −88/9
    assert kpi.timeliness(tickets(1, 2, 3, 4, 5, 6, 7, 12, open_over=1), WEIGHTS) == F(-88, 9)


def test_counts_weigh_each_bucket_by_its_number_of_tickets():
    # n1 = 3, n3 = 2, n_late = 1: N = 6
    # (20·3 + 14·2 − 15·1) / 6 = (60 + 28 − 15) / 6 = 73/6
    assert kpi.timeliness(tickets(1, 1, 1, 3, 3, 15), WEIGHTS) == F(73, 6)


def test_all_on_day_one_is_the_top_of_the_range():
    # (20·4) / 4 = 20
    assert kpi.timeliness(tickets(1, 1, 1, 1), WEIGHTS) == 20


def test_no_orders_is_no_data():
    # N = 0 → the formula gives 0, and the measure says "no data" (flagged "no orders")
    assert tickets().orders == 0
    assert kpi.timeliness(tickets(), WEIGHTS) == 0
    assert value("timeliness", tickets=tickets()) is None


# §2 Engineer-problem feedback rate -----------------------------------------------------


def test_feedback_rate_with_fractional_points():
    # reports worth 1 and 0.5 → 3/2 points over 4 visits: (3/2) / 4 = 3/8 = 0.375
    assert value("feedback_rate", problem_points=F(3, 2), visits=4) == F(3, 8)


def test_feedback_rate_is_exact():
    # 1 point over 3 visits = 1/3 exactly, not 0.333…
    assert value("feedback_rate", problem_points=F(1), visits=3) == F(1, 3)


def test_feedback_rate_without_visits_is_no_data():
    # visits = 0 → no data (0 points, flagged "no visits"), even with points filed
    assert value("feedback_rate", problem_points=F(2), visits=0) is None


def test_a_report_without_points_counts_the_tables_first_level(tmp_path):
    # 2 reports with 1.5 points each + 2 without points; 5 visits.
    # default table (1 point): (3 + 2·1)/5 = 1; a branch whose table starts at 0.25: 3.5/5
    assert value("feedback_rate", problem_points=F(3), visits=5, unscored=2) == 1
    branch_file = tmp_path / "scheme-GZ.toml"
    branch_file.write_text("[problems]\ndefault_points = 0.25\n", encoding="utf-8")
    scheme = load_scheme(branch_file)
    assert value("feedback_rate", scheme, problem_points=F(3), visits=5, unscored=2) == F(7, 10)


# §3 Workload saturation -----------------------------------------------------------------


def test_days_come_from_attendance_when_recorded():
    # attendance 20 days wins over 25 distinct action dates
    assert kpi.days_worked(20, 25, provisional=False) == 20


def test_days_fall_back_to_distinct_action_dates():
    # no attendance record → 25 distinct dates with an action
    assert kpi.days_worked(None, 25, provisional=False) == 25


def test_attendance_of_zero_days_is_a_record_not_a_missing_one():
    # a recorded 0 is used as is (not replaced by the 25 action dates)
    assert kpi.days_worked(0, 25, provisional=False) == 0


def test_a_running_month_counts_its_active_dates_whatever_the_attendance():
    # by the 15th, 10 dates with actions; the month's attendance says 22
    assert kpi.days_worked(22, 10, provisional=True) == 10


def _months(workload, attendance, active):
    return [WorkloadMonth("R1", "2026-10", workload, attendance, active)]


def test_saturation_is_own_daily_over_annual_max():
    # R1: 300 / 25 action dates = 12 a day; annual max 17 → 12/17 ≈ 70.59 %
    assert value("saturation", months=_months(300, None, 25), annual_max=F(17)) == F(12, 17)
    # with attendance 20: 300 / 20 = 15 → 15/17
    assert value("saturation", months=_months(300, 20, 25), annual_max=F(17)) == F(15, 17)
    # 100 / 30 = 10/3 a day, exactly
    assert value("saturation", months=_months(100, 30, 0), annual_max=F(10, 3)) == 1


def test_no_days_worked_is_no_data():
    # days = 0 → no data (0 points, flagged "no workload")
    assert value("saturation", months=_months(300, 0, 25), annual_max=F(17)) is None
    assert value("saturation", months=[], annual_max=F(0)) is None


def test_annual_max_is_the_branch_best_month_of_any_rep():
    history = [
        WorkloadMonth("R1", "2026-01", 320, 20, 22),  # 320 / 20 = 16
        WorkloadMonth("R2", "2026-03", 340, 20, 21),  # 340 / 20 = 17 ← best
        WorkloadMonth("R2", "2026-10", 260, None, 20),  # 260 / 20 = 13
        WorkloadMonth("R1", "2026-10", 300, None, 25),  # 300 / 25 = 12
    ]
    assert kpi.annual_max_daily(history) == (17, ("R2", "2026-03"))


def test_annual_max_of_a_running_month_divides_by_active_dates():
    # October runs: 300 actions on 10 dates = 30 a day, not 300/22 from its attendance
    history = [WorkloadMonth("R1", "2026-10", 300, 22, 10)]
    assert kpi.annual_max_daily(history, running="2026-10") == (30, ("R1", "2026-10"))


def test_annual_max_without_history_is_zero():
    assert kpi.annual_max_daily([]) == (0, None)


# §4 Satisfaction ------------------------------------------------------------------------


def test_satisfaction_is_the_share_rated_four_or_more():
    # ratings 1×1, 2×0, 3×2, 4×3, 5×4: rated 10, satisfied 3 + 4 = 7 → 7/10
    assert value("satisfaction_rate", ratings=(1, 0, 2, 3, 4)) == F(7, 10)


@pytest.mark.parametrize(
    ("ratings", "expected"),
    [
        ((0, 0, 1, 0, 0), F(0)),  # a 3 is not satisfied
        ((0, 0, 0, 1, 0), F(1)),  # a 4 is satisfied
        ((0, 0, 0, 0, 1), F(1)),  # a 5 is satisfied
        ((0, 0, 2, 1, 0), F(1, 3)),  # 1 of 3
    ],
)
def test_satisfaction_threshold_is_four(ratings, expected):
    assert value("satisfaction_rate", ratings=ratings) == expected


def test_no_rated_callback_is_no_data():
    assert value("satisfaction_rate", ratings=(0, 0, 0, 0, 0)) is None


def test_satisfaction_threshold_follows_the_scheme(tmp_path):
    path = tmp_path / "gz.toml"
    path.write_text("[satisfaction]\nsatisfied_min_rating = 3\n", encoding="utf-8")
    # threshold 3: ratings 2×1, 3×1, 4×1 → 2 of 3
    assert value("satisfaction_rate", load_scheme(path), ratings=(0, 1, 1, 1, 0)) == F(2, 3)


# §5 Deductions --------------------------------------------------------------------------


def deduction(scheme=SCHEME, role="rep", **events):
    """(points taken off, points added, forfeited) for events per kind."""
    return adjustment_points(person("P1", role, scheme=scheme, **events), scheme, role)


@pytest.mark.parametrize(
    ("kind", "points"),
    [
        ("backfill", F(1, 2)),
        ("violation", F(1)),
        ("fake_completion", F(1)),
        ("complaint_general", F(5)),
        ("complaint_major", F(10)),
        ("complaint_internal", F(2)),
    ],
)
def test_each_deduction_kind_takes_its_points(kind, points):
    assert deduction(deductions={kind: 1}) == (points, 0, False)
    # three events of the kind: 3 × points
    assert deduction(deductions={kind: 3}) == (3 * points, 0, False)


def test_branch_rule_takes_the_points_entered_with_it():
    # two branch_rule events entered as 1.5 and 2 → 3.5, not 2 × anything
    assert deduction(deductions={"branch_rule": 2}, entered={"branch_rule": F(7, 2)}) == (
        F(7, 2),
        0,
        False,
    )


def test_deductions_add_up():
    events = {
        "backfill": 3,  # 3 × 0.5 = 1.5
        "violation": 1,  # 1
        "fake_completion": 2,  # 2
        "complaint_general": 1,  # 5
        "complaint_major": 1,  # 10
        "complaint_internal": 2,  # 4
        "branch_rule": 1,  # entered 2.5
    }
    # 1.5 + 1 + 2 + 5 + 10 + 4 + 2.5 = 26
    assert deduction(deductions=events, entered={"branch_rule": F(5, 2)}) == (F(26), 0, False)


def test_media_complaint_forfeits_rather_than_deducts():
    # the other kinds still count (shown as deductions); the ranking caps the total at 0
    assert deduction(deductions={"complaint_media": 1, "complaint_general": 1}) == (
        F(5),
        0,
        True,
    )


def test_zero_media_complaints_do_not_forfeit():
    assert deduction(deductions={"complaint_media": 0}) == (F(0), 0, False)


def test_deduction_table_follows_the_scheme(tmp_path):
    path = tmp_path / "gz.toml"
    path.write_text("[deductions]\nbackfill = 0.1\n", encoding="utf-8")
    # 3 × 0.1 = 0.3 exactly (3/10), not 0.30000000000000004
    assert deduction(load_scheme(path), deductions={"backfill": 3}) == (F(3, 10), 0, False)


# §6 rank_points and competition ranks ------------------------------------------------


def test_rank_points_spec_example():
    # values 10, 8, 8, 5 → ranks 1, 2, 2, 4; n = 4
    # 20·(4−1)/3 = 20; 20·(4−2)/3 = 40/3 ≈ 13.33 (twice); 20·(4−4)/3 = 0
    points = kpi.rank_points({"a": F(10), "b": F(8), "c": F(8), "d": F(5)}, F(20))
    assert points == {"a": F(20), "b": F(40, 3), "c": F(40, 3), "d": F(0)}
    assert kpi.round_half_up(points["b"]) == Decimal("13.33")


def test_rank_points_of_one_person_is_the_maximum():
    # n = 1 → max, whatever the value (even 0)
    assert kpi.rank_points({"a": F(0)}, F(40)) == {"a": F(40)}


def test_rank_points_of_two():
    # n = 2: 20·(2−1)/1 = 20, 20·(2−2)/1 = 0
    assert kpi.rank_points({"a": F(1, 3), "b": F(1, 4)}, F(20)) == {"a": F(20), "b": F(0)}


def test_rank_points_all_tied_all_get_the_maximum():
    # everyone rank 1 among 3: 50·(3−1)/2 = 50
    assert kpi.rank_points(dict.fromkeys("abc", F(0)), F(50)) == dict.fromkeys("abc", F(50))


def test_rank_points_of_nobody():
    assert kpi.rank_points({}, F(20)) == {}


def test_rank_points_compare_values_exactly():
    # 1/3 beats 3333/10000 (no rounding of the values themselves): ranks 1, 2 of 3
    # 40·2/2 = 40, 40·1/2 = 20, 40·0/2 = 0
    points = kpi.rank_points({"a": F(3333, 10000), "b": F(1, 3), "c": F(0)}, F(40))
    assert points == {"b": F(40), "a": F(20), "c": F(0)}


def test_competition_ranks():
    values = {"a": F(10), "b": F(8), "c": F(8), "d": F(5)}
    assert kpi.competition_ranks(values) == {"a": 1, "b": 2, "c": 2, "d": 4}
    # counted from the bottom: 5 is last (1), the 8s share 2, 10 is 4
    assert kpi.competition_ranks(values, best_first=False) == {"d": 1, "b": 2, "c": 2, "a": 4}


def test_competition_ranks_part_values_a_float_cannot_tell_apart():
    # 1/3 and (10²⁰+1)/(3·10²⁰) are the same float, 0.3333333333333333, but not equal:
    # the larger ranks first, and only the true tie of the two 1/3s shares a rank
    hair = F(10**20 + 1, 3 * 10**20)
    assert float(hair) == float(F(1, 3))
    values = {"a": F(1, 3), "b": hair, "c": F(1, 3), "d": F(1, 2)}
    assert kpi.competition_ranks(values) == {"d": 1, "b": 2, "a": 3, "c": 3}
    assert kpi.competition_ranks(values, best_first=False) == {"a": 1, "c": 1, "b": 3, "d": 4}


@pytest.mark.parametrize(
    ("value", "rounded"),
    [
        (F(2675, 1000), "2.68"),  # the float 2.675 would round to 2.67
        (F(10004, 1000), "10.00"),
        (F(10005, 1000), "10.01"),  # half goes up
        (F(100049999, 10**7), "10.00"),  # just under half goes down
        (F(1, 3), "0.33"),
        (F(2, 3), "0.67"),
        (F(1031, 12), "85.92"),  # 85.91666…
        (F(-108, 5), "-21.60"),
        (F(-1, 1000), "0.00"),  # no "-0.00"
        # negative halves go away from zero (Decimal's ROUND_HALF_UP), see the report
        (F(-2675, 1000), "-2.68"),
    ],
)
def test_round_half_up_on_exact_values(value, rounded):
    assert str(kpi.round_half_up(value)) == rounded
