"""How a closed month's live figures are told against the frozen ones, line by line.

Rows made by hand: the line says the total always, and the rank, reward and
grade only where they would change; someone on one side only is "not ranked"
on the other; a row whose total and place stand says a KPI's figures differ.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from fractions import Fraction

from fieldkpi.live_figures import LiveChange, change_line
from fieldkpi.ranking import RankRow
from fieldkpi.scheme import Label, default_scheme

FROZEN = RankRow(
    period="2026-10",
    as_of=datetime(2026, 10, 31, 23, 59, 59),
    provisional=False,
    branch="GZ",
    role="engineer",
    rank=2,
    staff_code="E2",
    name="刘洋",
    kpis=(),
    deductions=Fraction(0),
    bonuses=Fraction(0),
    zeroed=False,
    total=Decimal("35.00"),
    grade=None,
    reward=Fraction(-100),
    scheme=default_scheme(),
)


def line(frozen: RankRow | None, live: RankRow | None) -> str:
    return change_line(LiveChange("E2", "刘洋", frozen, live))


def test_the_total_always_and_the_rank_and_money_only_where_they_move():
    assert line(FROZEN, replace(FROZEN, total=Decimal("42.50"))) == (
        "刘洋 (E2): total 35.00 → 42.50 (+7.50)"
    )
    assert line(FROZEN, replace(FROZEN, rank=1, reward=Fraction(200))) == (
        "刘洋 (E2): total 35.00, unchanged; rank 2 → 1; reward -¥100 → +¥200"
    )


def test_a_grade_that_moves_is_told_too():
    good, fair = Label(zh="良", en="good"), Label(zh="中", en="fair")
    graded = replace(FROZEN, grade=good, reward=Fraction(0))
    assert line(graded, replace(graded, total=Decimal("30.00"), grade=fair)) == (
        "刘洋 (E2): total 35.00 → 30.00 (-5.00); grade good → fair"
    )


def test_someone_on_one_side_only_is_not_ranked_on_the_other():
    assert line(None, FROZEN) == "刘洋 (E2): total not ranked → 35.00; rank — → 2; reward — → -¥100"
    assert line(FROZEN, None) == "刘洋 (E2): total 35.00 → not ranked; rank 2 → —; reward -¥100 → —"


def test_a_row_whose_total_and_place_stand_says_a_kpis_figures_differ():
    assert line(FROZEN, replace(FROZEN, deductions=Fraction(1), bonuses=Fraction(1))) == (
        "刘洋 (E2): total 35.00, unchanged; a KPI's figures differ"
    )


def test_the_line_is_in_chinese_for_a_chinese_lead(zh):
    assert line(FROZEN, replace(FROZEN, total=Decimal("42.50"), rank=1)) == (
        "刘洋 (E2)：总分 35.00 → 42.50 (+7.50)；名次 2 → 1"
    )
