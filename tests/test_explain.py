"""The one-line arithmetic of each KPI and of the total, as a person checks their points."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction as F

import pytest
from appraisal_helpers import days, person, rank

from fieldkpi.explain import kpi_line, total_line
from fieldkpi.figures import TicketCounts
from fieldkpi.i18n import set_language


def own_label(kpi) -> str:
    return str(kpi.label)


@pytest.fixture(autouse=True)
def english():
    set_language("en")
    yield
    set_language("en")


def test_the_spec_example_of_an_engineer():
    (row,) = rank(
        "engineer",
        person("E1", "engineer", tickets=TicketCounts(by_day=days(2, 1), late=1, open_over=1)),
    )
    assert [kpi_line(row, k.id) for k in row.kpis] == [
        "Service satisfaction: no rated callbacks → 0 points, not ranked",
        "Completion timeliness -21.60 (5 orders) × 2.5 = -54.00 points",
    ]
    assert total_line(row, own_label) == (
        "total = Service satisfaction 0.00 + Completion timeliness -54.00 = -54.00"
    )


def test_rank_points_first_month_and_forfeits():
    rows = rank(
        "rep",
        person("R1", problem_points=F(3), visits=10, ratings=(0, 0, 1, 1, 3)),
        person(
            "R2",
            problem_points=F(1),
            visits=5,
            ratings=(0, 0, 0, 0, 2),
            deductions={"complaint_media": 1, "backfill": 1},
        ),
        person("R3", hired_on=date(2026, 10, 5)),
    )
    r1, r2, r3 = sorted(rows, key=lambda r: r.staff_code)
    # feedback 3/10 = 30 % beats 1/5 = 20 %: rank 1 of 2 → 20 × (2 − 1)/(2 − 1) = 20
    assert kpi_line(r1, "feedback") == (
        "Engineer-problem feedback rate 30.00% (3.00 points / 10 visits): "
        "rank 1 of 2 → 20.00 × (2 - 1) / (2 - 1) = 20.00 points"
    )
    assert kpi_line(r1, "satisfaction") == (
        "Satisfaction 80.00% (4 of 5 rated ≥ 4): rank 2 of 2 → 20.00 × (2 - 2) / (2 - 1)"
        " = 0.00 points"
    )
    assert (
        kpi_line(r3, "workload")
        == "Workload saturation: first month → 20.00 points, fixed, not ranked"
    )
    # R2: 0 + 0 + 20 + 0 − 0.5 = 19.5, forfeited → min(19.5, 0) = 0
    assert total_line(r2, lambda kpi: kpi.id) == (
        "total = min(feedback 0.00 + workload 0.00 + satisfaction 20.00 + timeliness 0.00"
        " - Deductions 0.50, 0) = 0.00: the month is forfeited (media complaint)"
    )


def test_lines_are_in_chinese_for_a_chinese_session():
    set_language("zh")
    (row,) = rank("engineer", person("E1", "engineer", tickets=TicketCounts(by_day=days(1))))
    assert kpi_line(row, "timeliness").startswith("完单及时率 20.00")
    assert "满意度" in kpi_line(row, "satisfaction")
    assert total_line(row, own_label).startswith("总分 = 服务满意度 ")
    (rep,) = rank("rep", person("R1", deductions={"backfill": 1}))
    assert " - 扣分 0.50 = " in total_line(rep, own_label)


def test_a_workload_of_one_action_on_one_day_is_said_in_the_singular():
    rows = rank(
        "rep",
        person("R1", workload=1, attendance_days=1),
        person("R2", workload=6, attendance_days=3),
    )
    r1, r2 = sorted(rows, key=lambda r: r.staff_code)
    assert "(1 action / 1 day = 1.00 a day; annual maximum 2.00)" in kpi_line(r1, "workload")
    assert "(6 actions / 3 days = 2.00 a day; annual maximum 2.00)" in kpi_line(r2, "workload")


def four_engineers(**e1):
    """E1 2nd of 4 on satisfaction (75 %) → 50 × (4 − 2) / (4 − 1) = 33.333… points, and
    timeliness (8×2 + 5×3 + 2×3) / 8 orders = 4.625 × 2.5 = 11.5625 → 11.56."""
    tickets = TicketCounts(by_day=days(0, 0, 0, 0, 2, 3, 3))
    rows = rank(
        "engineer",
        person("E1", "engineer", tickets=tickets, ratings=(0, 0, 1, 0, 3), **e1),
        person("E2", "engineer", ratings=(0, 0, 0, 0, 4)),
        person("E3", "engineer", ratings=(0, 0, 4, 0, 0)),
        person("E4", "engineer", ratings=(0, 0, 3, 0, 1)),
    )
    return next(row for row in rows if row.staff_code == "E1")


def test_a_total_its_rounded_parts_miss_says_so_with_the_exact_sum(lang):
    """吴文静's June read "33.33 + 36.41 = 69.75", which a person adds up to 69.74: the parts
    are summed exactly and the total rounded once (kpi-rules §6). Here 33.333… + 11.5625
    = 44.8958… → 44.90, while the parts shown make 44.89."""
    row = four_engineers()
    assert row.total == Decimal("44.90")
    expected = {
        "en": "total = Satisfaction 33.33 + Timeliness 11.56 = 44.90"
        " (parts rounded; exact sum 44.895…)",
        "zh": "总分 = Satisfaction 33.33 + Timeliness 11.56 = 44.90"
        " （各项已四舍五入；精确和 44.895…）",
    }
    names = {"satisfaction": "Satisfaction", "timeliness": "Timeliness"}
    assert total_line(row, lambda kpi: names[kpi.id]) == expected[lang]


def test_a_forfeited_total_its_parts_miss_says_so_too():
    """44.8958… − 5 × 10 = −5.104… → −5.10, not above 0 so the forfeit keeps it; the parts
    shown make 33.33 + 11.56 − 50.00 = −5.11."""
    row = four_engineers(deductions={"complaint_major": 5, "complaint_media": 1})
    assert total_line(row, lambda kpi: kpi.id) == (
        "total = min(satisfaction 33.33 + timeliness 11.56 - Deductions 50.00, 0) = -5.10"
        " (parts rounded; exact sum -5.104…): the month is forfeited (media complaint)"
    )
