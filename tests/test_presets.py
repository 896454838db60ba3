"""The shipped presets (schemes.md "Presets shipped") ranking a small branch by hand.

Each test states a branch's measured and entered values the way storage
hands them over, and checks every KPI's value and points, the total, the
grade and the money; every expected number is worked by hand in the comment
beside it. Months are 2026-10 judged at its last second; quarterly-bands
is judged at the last second of 2026-Q4.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from fractions import Fraction as F

import pytest
from appraisal_helpers import by_code, kpi, month, person, rank, scores

from fieldkpi.period import Period, judge
from fieldkpi.scheme import load_preset, load_scheme, preset_names

Q4 = judge(Period.quarter(2026, 4), now=datetime(2027, 1, 5, 9, 0))


def results(rows) -> list[tuple]:
    """(staff, rank, total, grade in Chinese, money) of each row, in ranking order."""
    return [
        (r.staff_code, r.rank, r.total, r.grade.zh if r.grade else None, r.reward) for r in rows
    ]


def points(rows, kpi_id: str) -> dict[str, tuple]:
    return {c: kpi(r, kpi_id) for c, r in by_code(rows).items()}


def scheme_file(tmp_path, text: str):
    path = tmp_path / "gz.toml"
    path.write_text(text, encoding="utf-8")
    return path


def staff(scheme, role: str = "rep"):
    """``make(code, ratings, counts, **entered)``: a person of ``role`` judged by ``scheme``,
    with the ratings of their callbacks, the counts of other measures, and entered values."""

    def make(code, ratings=None, counts=None, **entered):
        counts = {**(counts or {}), **scores(**entered)}
        return person(code, role, scheme=scheme, ratings=ratings, counts=counts)

    return make


# quarterly-bands: 售后服务KPI指标表(季度指标), a whole quarter ---------------------------------


def test_quarterly_bands_over_a_quarter_with_entered_scores():
    scheme = load_preset("quarterly-bands")

    rep = staff(scheme)

    # Storage counts a quarter's callbacks over its three months. R2's: October (0,0,0,1,9)
    # 10 of 10 satisfied, November (1,0,1,2,1) 3 of 5, December (0,0,0,0,10) 10 of 10 →
    # the quarter's (1,0,1,3,20): 23 of 25 = 92 % (not the mean of the months' rates,
    # (1 + 0.6 + 1)/3 = 86.7 %, which would score 17).
    rows = rank(
        "rep",
        rep(
            "R1",
            (0, 0, 1, 3, 16),
            plan_completion="0.95",
            complaint_handling=1,
            payment_collection="0.85",
        ),
        rep(
            "R2",
            (1, 0, 1, 3, 20),
            plan_completion="0.90",
            complaint_handling="0.95",
            payment_collection="0.70",
        ),
        rep(
            "R3",
            (0, 1, 1, 2, 6),
            plan_completion="0.60",
            complaint_handling="0.85",
            payment_collection="0.80",
        ),
        rep("R4", (2, 1, 1, 1, 0), plan_completion="0.65", payment_collection="0.59"),
        judgement=Q4,
        scheme=scheme,
    )
    # 工作计划完成率: ≥ 90 % → 30, 85–90 → 23, 70–85 → 17, 60–70 → 10, below → 0.
    # R1 95 % → 30; R2 exactly 90 % → 30; R3 exactly 60 % → 10; R4 65 % → 10.
    assert points(rows, "plan_completion") == {
        "R1": (F(95, 100), F(30), None),
        "R2": (F(90, 100), F(30), None),
        "R3": (F(60, 100), F(10), None),
        "R4": (F(65, 100), F(10), None),
    }
    # 用户服务满意率 (callbacks rated ≥ 4): ≥ 95 % → 30, 90–95 → 23, 80–90 → 17, 60–80 → 5.
    # R1 19/20 = 95 % → 30; R2 23/25 = 92 % → 23; R3 8/10 = 80 % → 17; R4 1/5 = 20 % → 0.
    assert points(rows, "satisfaction") == {
        "R1": (F(19, 20), F(30), None),
        "R2": (F(23, 25), F(23), None),
        "R3": (F(4, 5), F(17), None),
        "R4": (F(1, 5), F(0), None),
    }
    # 用户投诉有效处理率: 100 % → 20, 90–100 → 17 (the preset's), 80–90 → 14, 60–80 → 5.
    # R1 100 % → 20; R2 95 % → 17; R3 85 % → 14; R4 entered nothing → no data, 0.
    assert points(rows, "complaint_handling") == {
        "R1": (F(1), F(20), None),
        "R2": (F(95, 100), F(17), None),
        "R3": (F(85, 100), F(14), None),
        "R4": (None, F(0), "no_entry"),
    }
    # 服务款项按时回收率: ≥ 80 % → 20, 70–80 → 14, 60–70 → 5, below 60 % 不得分.
    # R1 85 % → 20; R2 exactly 70 % → 14; R3 exactly 80 % → 20; R4 59 % → 0.
    assert points(rows, "payment_collection") == {
        "R1": (F(85, 100), F(20), None),
        "R2": (F(70, 100), F(14), None),
        "R3": (F(80, 100), F(20), None),
        "R4": (F(59, 100), F(0), None),
    }
    # R1 30 + 30 + 20 + 20 = 100 → 优秀 (≥ 90);  R2 30 + 23 + 17 + 14 = 84 → 良好 (≥ 80)
    # R3 10 + 17 + 14 + 20 = 61 → 合格 (≥ 60);   R4 10 + 0 + 0 + 0 = 10 → 不合格
    # The table pays no money.
    assert results(rows) == [
        ("R1", 1, Decimal("100.00"), "优秀", 0),
        ("R2", 2, Decimal("84.00"), "良好", 0),
        ("R3", 3, Decimal("61.00"), "合格", 0),
        ("R4", 4, Decimal("10.00"), "不合格", 0),
    ]
    assert {(r.period, r.as_of, r.provisional) for r in rows} == {
        ("2026-Q4", datetime(2026, 12, 31, 23, 59, 59), False)
    }


def test_quarterly_bands_can_take_the_managers_survey_instead_of_callbacks(tmp_path):
    path = scheme_file(
        tmp_path, 'preset = "quarterly-bands"\n[settings]\nrep_satisfaction = "entered"\n'
    )
    scheme = load_scheme(path)
    assert scheme.kpi("rep", "satisfaction").measure == "entered.satisfaction"
    r1 = person(
        "R1",
        scheme=scheme,
        ratings=(0, 0, 0, 0, 10),  # callbacks no longer count
        counts=scores(
            plan_completion="0.9",
            satisfaction="0.91",
            complaint_handling=1,
            payment_collection="0.8",
        ),
    )
    (row,) = rank("rep", r1, judgement=Q4, scheme=scheme)
    # survey 91 % → 23 (90–95 %); total 30 + 23 + 20 + 20 = 93 → 优秀
    assert kpi(row, "satisfaction") == (F(91, 100), F(23), None)
    assert (row.total, row.grade.zh) == (Decimal("93.00"), "优秀")


# service-post: 售后服务岗绩效考核指标, targets with points per percentage point ----------------


def test_service_post_adds_and_takes_off_points_around_each_target():
    scheme = load_preset("service-post")

    rep = staff(scheme)

    rows = rank(
        "rep",
        rep(
            "R1",
            (0, 1, 4, 5, 10),
            complaint_handling=1,
            cost_rate="0.04",
            quality_issue_delay_days=0,
            conduct_rate="0.96",
        ),
        rep(
            "R2",
            (1, 1, 2, 3, 3),
            complaint_handling="0.97",
            cost_rate="0.065",
            quality_issue_delay_days=2,
            conduct_rate="0.90",
        ),
        rep(
            "R3",
            (1, 0, 1, 1, 1),
            complaint_handling="0.80",
            cost_rate="0.05",
            quality_issue_delay_days=0,
            conduct_rate="0.85",
        ),
        rep("R4", complaint_handling=1, cost_rate="0.03", quality_issue_delay_days=1),
        scheme=scheme,
    )
    # 客户满意度 (callbacks rated ≥ 4, read as 分): 0 up to 60, +2.5 a point above.
    # R1 15/20 = 75 % → (75 − 60) × 2.5 = 37.5; R2 6/10 = 60 % → 0 (60分及以下得分为0);
    # R3 2/4 = 50 % → −25, not below 0 → 0; R4 no rated callback → no data, 0.
    assert points(rows, "satisfaction") == {
        "R1": (F(3, 4), F(75, 2), None),
        "R2": (F(3, 5), F(0), None),
        "R3": (F(1, 2), F(0), None),
        "R4": (None, F(0), "no_callbacks"),
    }
    # 投诉有效处理率: target 100 %, −2.5 a point below (the preset's amount).
    # R1, R4 100 % → 0; R2 97 % → −3 × 2.5 = −7.5; R3 80 % → −20 × 2.5 = −50.
    assert points(rows, "complaint_handling") == {
        "R1": (F(1), F(0), None),
        "R2": (F(97, 100), F(-15, 2), None),
        "R3": (F(80, 100), F(-50), None),
        "R4": (F(1), F(0), None),
    }
    # 费用率: target 5 %, +2.5 a point below it, −2.5 a point above (the preset's).
    # R1 4 % → +2.5; R2 6.5 % → −1.5 × 2.5 = −3.75; R3 5 % → 0; R4 3 % → +5.
    assert points(rows, "cost_rate") == {
        "R1": (F(4, 100), F(5, 2), None),
        "R2": (F(65, 1000), F(-15, 4), None),
        "R3": (F(5, 100), F(0), None),
        "R4": (F(3, 100), F(5), None),
    }
    # 重要质量问题传递: −2.5 a day of delay (the preset's). R2 2 days → −5; R4 1 day → −2.5.
    assert points(rows, "quality_issue_delay") == {
        "R1": (F(0), F(0), None),
        "R2": (F(2), F(-5), None),
        "R3": (F(0), F(0), None),
        "R4": (F(1), F(-5, 2), None),
    }
    # 统一行为模式执行率: target 90 %, ±2.5 a point (the preset's).
    # R1 96 % → +15; R2 90 % → 0; R3 85 % → −12.5; R4 entered nothing → no data, 0.
    assert points(rows, "conduct_rate") == {
        "R1": (F(96, 100), F(15), None),
        "R2": (F(90, 100), F(0), None),
        "R3": (F(85, 100), F(-25, 2), None),
        "R4": (None, F(0), "no_entry"),
    }
    # R1 37.5 + 0 + 2.5 + 0 + 15 = 55;  R4 0 + 0 + 5 − 2.5 + 0 = 2.5
    # R2 0 − 7.5 − 3.75 − 5 + 0 = −16.25;  R3 0 − 50 + 0 + 0 − 12.5 = −62.5
    # No grades and no money in the source.
    assert results(rows) == [
        ("R1", 1, Decimal("55.00"), None, 0),
        ("R4", 2, Decimal("2.50"), None, 0),
        ("R2", 3, Decimal("-16.25"), None, 0),
        ("R3", 4, Decimal("-62.50"), None, 0),
    ]


# cs-levels: 售后部门KPI绩效考核 (底级 … 特级), a month with entered scores -----------------------


def absent(days: int) -> dict[str, dict]:
    return {"attendance.absent": {"absent": days}}


def cs_branch(scheme):
    def rep(code, attendance=None, events=None, entered_points=None, **entered):
        counts = scores(**entered) | (absent(attendance) if attendance is not None else {})
        return person(code, scheme=scheme, counts=counts, deductions=events, entered=entered_points)

    return (
        rep(
            "R1",
            0,
            {"praise_call": 2, "named_in_review": 3, "supervisor_bonus": 1},
            service_quality=18,
            execution=19,
            complaints=20,
            typing_speed=85,
        ),
        rep(
            "R2",
            1,
            {"customer_complaint": 1, "praise_call": 1, "review_uplift": 1},
            service_quality=16,
            execution=15,
            complaints=15,
            typing_speed=70,
        ),
        rep(
            "R3",
            3,
            {"aftersales_complaint": 1, "off_task_browsing": 1, "ads_not_topped_up": 1},
            {"aftersales_complaint": F(12)},
            service_quality="12.5",
            execution=10,
            complaints=5,
            typing_speed=55,
        ),
        rep("R4", None, {"named_in_review": 7}, service_quality=25, execution=18, typing_speed=60),
    )


def test_cs_levels_scores_levels_and_pays_each_levels_bonus():
    scheme = load_preset("cs-levels")
    rows = rank("rep", *cs_branch(scheme), scheme=scheme)
    # 1 服务质量, 2 执行力, 3 投诉 are the supervisor's points, 0–20: R4's 25 is cut to 20,
    # and R4's 投诉 was not entered → no data, 0.
    assert points(rows, "service_quality") == {
        "R1": (F(18), F(18), None),
        "R2": (F(16), F(16), None),
        "R3": (F(25, 2), F(25, 2), None),
        "R4": (F(25), F(20), None),
    }
    assert points(rows, "execution") == {
        "R1": (F(19), F(19), None),
        "R2": (F(15), F(15), None),
        "R3": (F(10), F(10), None),
        "R4": (F(18), F(18), None),
    }
    assert points(rows, "complaints") == {
        "R1": (F(20), F(20), None),
        "R2": (F(15), F(15), None),
        "R3": (F(5), F(5), None),
        "R4": (None, F(0), "no_entry"),
    }
    # 4 考勤: 20 − 10 a day absent, not below 0. R1 0 → 20; R2 1 → 10; R3 3 → −10 → 0;
    # R4 has no attendance row saying → no data, 0.
    assert points(rows, "attendance") == {
        "R1": (F(0), F(20), None),
        "R2": (F(1), F(10), None),
        "R3": (F(3), F(0), None),
        "R4": (None, F(0), "no_attendance"),
    }
    # 5 打字速度: ≥ 80 a minute → 20, ≥ 60 → 15, slower → 0.
    # R1 85 → 20; R2 70 → 15; R3 55 → 0; R4 exactly 60 → 15.
    assert points(rows, "typing_speed") == {
        "R1": (F(85), F(20), None),
        "R2": (F(70), F(15), None),
        "R3": (F(55), F(0), None),
        "R4": (F(60), F(15), None),
    }
    # 加分/扣分:
    # R1 表扬 2 × 5 + 好评点名 3 × 1 + 主管加分 10 = +23
    # R2 客户投诉 −5; 表扬 +5, 中差评提升 +20 = +25
    # R3 由售后产生投诉 −12 (entered), 浏览网页 −20, 钻展直通车 −5 = −37
    # R4 好评点名 7 × 1 = +7
    assert {c: (r.deductions, r.bonuses, r.zeroed) for c, r in by_code(rows).items()} == {
        "R1": (F(0), F(23), False),
        "R2": (F(5), F(25), False),
        "R3": (F(37), F(0), False),
        "R4": (F(0), F(7), False),
    }
    # R1 18 + 19 + 20 + 20 + 20 = 97, + 23 = 120 → 特级 (≥ 120) → 1000 yuan
    # R2 16 + 15 + 15 + 10 + 15 = 71, − 5 + 25 = 91 → 中级 (80–100) → 500
    # R4 20 + 18 + 0 + 0 + 15 = 53, + 7 = 60 → 初级 (60–80) → 400
    # R3 12.5 + 10 + 5 + 0 + 0 = 27.5, − 37 = −9.5 → below 40: still 底级 → 300
    assert results(rows) == [
        ("R1", 1, Decimal("120.00"), "特级", 1000),
        ("R2", 2, Decimal("91.00"), "中级", 500),
        ("R4", 3, Decimal("60.00"), "初级", 400),
        ("R3", 4, Decimal("-9.50"), "底级", 300),
    ]


def test_cs_levels_by_the_rank_ladder_instead(tmp_path):
    """The preset's commented alternative: 排序工资法 1000, 800, 600 … with the 300 floor."""
    path = scheme_file(
        tmp_path,
        'preset = "cs-levels"\n[money]\ngrade_bonus = false\n'
        "ladder = [1000, 800, 600, 400, 300]\nfloor = { below = 0.5, amount = 300 }\n",
    )
    scheme = load_scheme(path)
    rows = rank("rep", *cs_branch(scheme), scheme=scheme)
    # Totals as above: 120, 91, 60, −9.5. Half the best total = 60 (低于总分50%).
    # R1 rank 1 → 1000; R2 rank 2 → 800; R4 60 is not below 60 → rank 3 → 600;
    # R3 −9.5 < 60 → the floor's 300. The levels still show; they pay nothing now.
    assert results(rows) == [
        ("R1", 1, Decimal("120.00"), "特级", 1000),
        ("R2", 2, Decimal("91.00"), "中级", 800),
        ("R4", 3, Decimal("60.00"), "初级", 600),
        ("R3", 4, Decimal("-9.50"), "底级", 300),
    ]


# response-targets: 针对售后人员的KPI考核要点, points for each target met -------------------------


def completed(n: int, *, fixed: int | None = None, within: int | None = None, hours=None):
    """Counts of the completed-ticket measures: ``n`` tickets completed in the period, of
    which ``fixed`` not reopened and ``within`` completed inside the hours set, and
    ``hours`` from receipt to completion summed over all ``n``."""
    found: dict[str, dict] = {}
    if fixed is not None:
        found["first_time_fix"] = {"completed": n, "fixed": fixed}
    if within is not None:
        found["resolved_within"] = {"completed": n, "within": within}
    if hours is not None:
        found["cycle_hours"] = {"completed": n, "seconds": hours * 3600}
    return found


def dispatched(n: int, minutes: int) -> dict[str, dict]:
    """``n`` tickets first dispatched, ``minutes`` from receipt summed over all of them."""
    return {"dispatch_minutes": {"dispatched": n, "seconds": minutes * 60}}


def test_response_targets_for_reps():
    scheme = load_preset("response-targets")

    rep = staff(scheme)

    rows = rank(
        "rep",
        rep("R1", (0, 0, 0, 5, 5), dispatched(10, 450) | completed(10, fixed=8, within=10)),
        rep("R2", (0, 0, 1, 1, 8), dispatched(4, 244) | completed(20, fixed=19, within=19)),
        rep("R3", (0, 1, 0, 1, 2), dispatched(2, 120) | completed(5, fixed=3, within=4)),
        rep("R4", (0, 0, 0, 0, 1)),
        scheme=scheme,
    )
    # 响应速度: mean minutes to first dispatch ≤ 60 → 25. R1 450/10 = 45 → 25;
    # R2 244/4 = 61 → 0; R3 120/2 = 60 → 25 (within the hour); R4 dispatched nothing → no data, 0.
    assert points(rows, "response") == {
        "R1": (F(45), F(25), None),
        "R2": (F(61), F(0), None),
        "R3": (F(60), F(25), None),
        "R4": (None, F(0), "no_dispatches"),
    }
    # 首次解决率 ≥ 80 % → 25 (以上 includes 80 %): R1 8/10 → 25; R2 19/20 → 25; R3 3/5 → 0.
    assert points(rows, "first_time_fix") == {
        "R1": (F(4, 5), F(25), None),
        "R2": (F(19, 20), F(25), None),
        "R3": (F(3, 5), F(0), None),
        "R4": (None, F(0), "no_completed"),
    }
    # 24小时内解决率 ≥ 95 % → 25: R1 10/10 → 25; R2 19/20 = 95 % → 25; R3 4/5 → 0.
    assert points(rows, "resolved_24h") == {
        "R1": (F(1), F(25), None),
        "R2": (F(19, 20), F(25), None),
        "R3": (F(4, 5), F(0), None),
        "R4": (None, F(0), "no_completed"),
    }
    # 满意度评分 (mean rating) ≥ 4.5 → 25: R1 (4·5 + 5·5)/10 = 4.5 → 25;
    # R2 (3 + 4 + 5·8)/10 = 4.7 → 25; R3 (2 + 4 + 10)/4 = 4 → 0; R4 5 → 25.
    assert points(rows, "satisfaction") == {
        "R1": (F(9, 2), F(25), None),
        "R2": (F(47, 10), F(25), None),
        "R3": (F(4), F(0), None),
        "R4": (F(5), F(25), None),
    }
    # R1 25 × 4 = 100 → 优秀; R2 75 (one missed) → 合格; R3 25 + 0 + 0 + 0 = 25 and
    # R4 0 + 0 + 0 + 25 = 25 → 不合格, tied at rank 3. No money named.
    assert results(rows) == [
        ("R1", 1, Decimal("100.00"), "优秀", 0),
        ("R2", 2, Decimal("75.00"), "合格", 0),
        ("R3", 3, Decimal("25.00"), "不合格", 0),
        ("R4", 3, Decimal("25.00"), "不合格", 0),
    ]


def test_response_targets_for_engineers():
    scheme = load_preset("response-targets")

    engineer = staff(scheme, "engineer")

    rows = rank(
        "engineer",
        engineer("E1", (0, 0, 0, 2, 3), completed(25, fixed=23, within=24)),
        engineer("E2", (0, 0, 0, 1, 1), completed(4, fixed=3, within=4)),
        engineer("E3", (0, 0, 1, 4, 5), completed(10, fixed=10, within=9)),
        scheme=scheme,
    )
    # 首次解决率 ≥ 80 % → 40: E1 23/25 = 92 % → 40; E2 3/4 = 75 % → 0; E3 100 % → 40.
    assert points(rows, "first_time_fix") == {
        "E1": (F(23, 25), F(40), None),
        "E2": (F(3, 4), F(0), None),
        "E3": (F(1), F(40), None),
    }
    # 24小时内解决率 ≥ 95 % → 30: E1 24/25 = 96 % → 30; E2 100 % → 30; E3 90 % → 0.
    assert points(rows, "resolved_24h") == {
        "E1": (F(24, 25), F(30), None),
        "E2": (F(1), F(30), None),
        "E3": (F(9, 10), F(0), None),
    }
    # 满意度评分 ≥ 4.5 → 30: E1 (8 + 15)/5 = 4.6 → 30; E2 (4 + 5)/2 = 4.5 → 30;
    # E3 (3 + 16 + 25)/10 = 4.4 → 0.
    assert points(rows, "satisfaction") == {
        "E1": (F(23, 5), F(30), None),
        "E2": (F(9, 2), F(30), None),
        "E3": (F(22, 5), F(0), None),
    }
    # E1 40 + 30 + 30 = 100 → 优秀; E2 0 + 30 + 30 = 60 → 合格; E3 40 + 0 + 0 = 40 → 不合格
    assert results(rows) == [
        ("E1", 1, Decimal("100.00"), "优秀", 0),
        ("E2", 2, Decimal("60.00"), "合格", 0),
        ("E3", 3, Decimal("40.00"), "不合格", 0),
    ]


# generic-bands: 售后服务人员KPI考核(范本模板), 优秀 / 良好 / 待改进 from measures alone --------------


def test_generic_bands_for_reps_needs_nothing_entered():
    scheme = load_preset("generic-bands")
    assert scheme.entered_metrics() == set()

    rep = staff(scheme)

    rows = rank(
        "rep",
        # R1: 9 tickets of 10 h and one of 110 h: 200 h; 9 within 72 h; 9 not reopened
        rep("R1", (0, 0, 0, 2, 8), completed(10, fixed=9, within=9, hours=200)),
        # R2: 17 tickets of 12 h and 3 of 92 h: 480 h; 17 within 72 h; 18 not reopened
        rep("R2", (0, 0, 1, 1, 3), completed(20, fixed=18, within=17, hours=480)),
        # R3: 4 tickets of 40 h and one of 90 h: 250 h; 4 within 72 h; 4 not reopened
        rep("R3", (1, 1, 1, 3, 4), completed(5, fixed=4, within=4, hours=250)),
        # R4: tickets of 70 h and 90 h: 160 h; 1 within 72 h; 1 not reopened; no callback
        rep("R4", None, completed(2, fixed=1, within=1, hours=160)),
        scheme=scheme,
    )
    # 客户满意度 (share rated ≥ 4): ≥ 80 % 优秀 25, ≥ 60 % 良好 15, below 待改进 0.
    # R1 10/10 → 25; R2 4/5 = 80 % → 25; R3 7/10 → 15; R4 no callback → no data, 0.
    assert points(rows, "satisfaction") == {
        "R1": (F(1), F(25), None),
        "R2": (F(4, 5), F(25), None),
        "R3": (F(7, 10), F(15), None),
        "R4": (None, F(0), "no_callbacks"),
    }
    # 问题处理速度 (mean hours to completion): ≤ 24 h → 25, ≤ 72 h → 15, slower → 0.
    # R1 200/10 = 20 → 25; R2 480/20 = 24 → 25; R3 250/5 = 50 → 15; R4 160/2 = 80 → 0.
    assert points(rows, "speed") == {
        "R1": (F(20), F(25), None),
        "R2": (F(24), F(25), None),
        "R3": (F(50), F(15), None),
        "R4": (F(80), F(0), None),
    }
    # 问题解决率 (completed within 72 h): ≥ 90 % → 25, ≥ 80 % → 15, below → 0.
    # R1 9/10 → 25; R2 17/20 = 85 % → 15; R3 4/5 → 15; R4 1/2 → 0.
    assert points(rows, "resolution") == {
        "R1": (F(9, 10), F(25), None),
        "R2": (F(17, 20), F(15), None),
        "R3": (F(4, 5), F(15), None),
        "R4": (F(1, 2), F(0), None),
    }
    # 问题重复率 ≤ 10 % (first-time fix ≥ 90 %) → 25, ≤ 20 % → 15, more → 0.
    # R1 repeat 1/10 → 25; R2 2/20 = 10 % → 25; R3 1/5 = 20 % → 15; R4 1/2 → 0.
    assert points(rows, "repeat") == {
        "R1": (F(9, 10), F(25), None),
        "R2": (F(9, 10), F(25), None),
        "R3": (F(4, 5), F(15), None),
        "R4": (F(1, 2), F(0), None),
    }
    # R1 100 → 优秀; R2 25 + 25 + 15 + 25 = 90 → 优秀 (≥ 90); R3 15 × 4 = 60 → 良好 (≥ 60);
    # R4 0 → 待改进. No money named.
    assert results(rows) == [
        ("R1", 1, Decimal("100.00"), "优秀", 0),
        ("R2", 2, Decimal("90.00"), "优秀", 0),
        ("R3", 3, Decimal("60.00"), "良好", 0),
        ("R4", 4, Decimal("0.00"), "待改进", 0),
    ]


def test_generic_bands_for_engineers():
    scheme = load_preset("generic-bands")

    engineer = staff(scheme, "engineer")

    rows = rank(
        "engineer",
        engineer("E1", (0, 0, 0, 0, 4), completed(3, fixed=2, within=3, hours=100)),
        engineer("E2", (0, 1, 1, 0, 0), completed(1, fixed=1, within=1, hours=10)),
        engineer("E3"),
        scheme=scheme,
    )
    # E1: 4/4 satisfied → 25; 100/3 = 33.3 h → 15; 3/3 within 72 h → 25; 2/3 = 66.7 % → 0
    # E2: 0/2 satisfied → 0; 10 h → 25; 1/1 → 25; 1/1 → 25
    # E3: no callback, no completed ticket → no data for all four, 0 each
    assert {c: tuple(k.points for k in r.kpis) for c, r in by_code(rows).items()} == {
        "E1": (F(25), F(15), F(25), F(0)),
        "E2": (F(0), F(25), F(25), F(25)),
        "E3": (F(0), F(0), F(0), F(0)),
    }
    assert [k.flag for k in by_code(rows)["E3"].kpis] == [
        "no_callbacks",
        "no_completed",
        "no_completed",
        "no_completed",
    ]
    # E2 75 → 良好; E1 65 → 良好; E3 0 → 待改进
    assert results(rows) == [
        ("E2", 1, Decimal("75.00"), "良好", 0),
        ("E1", 2, Decimal("65.00"), "良好", 0),
        ("E3", 3, Decimal("0.00"), "待改进", 0),
    ]


# dealer-4s: 4S店售后KPI考核细则, weights as points -------------------------------------------


def test_dealer_4s_for_service_advisors():
    scheme = load_preset("dealer-4s")

    rep = staff(scheme)

    def worked(code, workload):  # workload actions over 20 days worked in October
        return {"saturation": {"months": [month(code, "2026-10", workload, 20, 20)]}}

    rows = rank(
        "rep",
        rep(
            "R1",
            (0, 0, 0, 1, 9),
            completed(10, fixed=9, hours=300) | worked("R1", 300),
            parts_supply="0.9",
            revenue_attainment="1.1",
        ),
        rep(
            "R2",
            (0, 0, 1, 1, 2),
            completed(8, fixed=8, hours=160) | worked("R2", 260),
            parts_supply=1,
            revenue_attainment="0.8",
        ),
        rep(
            "R3",
            (0, 1, 1, 1, 1),
            completed(5, fixed=4, hours=200) | worked("R3", 200),
            revenue_attainment="0.5",
        ),
        scheme=scheme,
    )
    # Ranked KPIs, n = 3: points = max · (3 − rank)/2 → max, max/2, 0.
    # 满意度 (max 20): R1 10/10 → rank 1 → 20; R2 3/4 → 10; R3 2/4 → 0.
    assert points(rows, "satisfaction") == {
        "R1": (F(1), F(20), None),
        "R2": (F(3, 4), F(10), None),
        "R3": (F(1, 2), F(0), None),
    }
    # 维修周期 (max 12.5, shorter first): R2 160/8 = 20 h → 12.5; R1 300/10 = 30 h → 6.25;
    # R3 200/5 = 40 h → 0.
    assert points(rows, "repair_cycle") == {
        "R1": (F(30), F(25, 4), None),
        "R2": (F(20), F(25, 2), None),
        "R3": (F(40), F(0), None),
    }
    # 返修率 as first-time fix (max 12.5): R2 8/8 → 12.5; R1 9/10 → 6.25; R3 4/5 → 0.
    assert points(rows, "repair_first_time") == {
        "R1": (F(9, 10), F(25, 4), None),
        "R2": (F(1), F(25, 2), None),
        "R3": (F(4, 5), F(0), None),
    }
    # 服务接待效率 = saturation (max 20): daily 300/20 = 15, 260/20 = 13, 200/20 = 10; the
    # annual max is R1's 15 → 1, 13/15, 10/15 → 20, 10, 0.
    assert points(rows, "reception_efficiency") == {
        "R1": (F(1), F(20), None),
        "R2": (F(13, 15), F(10), None),
        "R3": (F(2, 3), F(0), None),
    }
    # 配件供应: 15 × the share. R1 0.9 → 13.5; R2 1 → 15; R3 entered nothing → no data, 0.
    assert points(rows, "parts_supply") == {
        "R1": (F(9, 10), F(27, 2), None),
        "R2": (F(1), F(15), None),
        "R3": (None, F(0), "no_entry"),
    }
    # 收入: 20 × the attainment, at most 20. R1 1.1 → 22 → 20; R2 0.8 → 16; R3 0.5 → 10.
    assert points(rows, "revenue") == {
        "R1": (F(11, 10), F(20), None),
        "R2": (F(4, 5), F(16), None),
        "R3": (F(1, 2), F(10), None),
    }
    # R1 20 + 6.25 + 6.25 + 20 + 13.5 + 20 = 86; R2 10 + 12.5 + 12.5 + 10 + 15 + 16 = 76;
    # R3 0 + 0 + 0 + 0 + 0 + 10 = 10. No grades, no money named.
    assert results(rows) == [
        ("R1", 1, Decimal("86.00"), None, 0),
        ("R2", 2, Decimal("76.00"), None, 0),
        ("R3", 3, Decimal("10.00"), None, 0),
    ]


def test_dealer_4s_for_technicians():
    scheme = load_preset("dealer-4s")

    engineer = staff(scheme, "engineer")

    rows = rank(
        "engineer",
        engineer(
            "E1",
            (0, 0, 0, 0, 2),
            completed(4, fixed=4, hours=40),
            parts_supply=1,
            labour_utilisation="0.85",
            revenue_attainment=1,
        ),
        engineer(
            "E2",
            (0, 0, 0, 1, 1),
            completed(6, fixed=5, hours=60),
            parts_supply=1,
            labour_utilisation="0.7",
            revenue_attainment="0.95",
        ),
        engineer(
            "E3",
            None,
            completed(2, fixed=1, hours=60),
            parts_supply=1,
            labour_utilisation="0.9",
            revenue_attainment="1.2",
        ),
        scheme=scheme,
    )
    # 满意度: E1 2/2, E2 2/2 — E3 has no callback, out of the pool: n = 2, both rank 1 → 20.
    # 维修周期: E1 40/4 = 10 h, E2 60/6 = 10 h tie at rank 1 of 3 → 12.5 · 2/2 = 12.5;
    #   E3 60/2 = 30 h → 0.
    # 一次维修成功率: E1 4/4 → 12.5; E2 5/6 → 6.25; E3 1/2 → 0.
    # 配件 15 × 1 = 15 each; 工时利用率 20 × 0.85 = 17, 20 × 0.7 = 14, 20 × 0.9 = 18;
    # 收入 20 × 1 = 20, 20 × 0.95 = 19, 20 × 1.2 = 24 → 20.
    assert {c: tuple(k.points for k in r.kpis) for c, r in by_code(rows).items()} == {
        "E1": (F(20), F(25, 2), F(25, 2), F(15), F(17), F(20)),
        "E2": (F(20), F(25, 2), F(25, 4), F(15), F(14), F(19)),
        "E3": (F(0), F(0), F(0), F(15), F(18), F(20)),
    }
    assert kpi(by_code(rows)["E3"], "satisfaction") == (None, F(0), "no_callbacks")
    # E1 20 + 12.5 + 12.5 + 15 + 17 + 20 = 97; E2 20 + 12.5 + 6.25 + 15 + 14 + 19 = 86.75;
    # E3 0 + 0 + 0 + 15 + 18 + 20 = 53
    assert results(rows) == [
        ("E1", 1, Decimal("97.00"), None, 0),
        ("E2", 2, Decimal("86.75"), None, 0),
        ("E3", 3, Decimal("53.00"), None, 0),
    ]


# Every preset reads ---------------------------------------------------------------------

PRESETS = [
    "cs-levels",
    "dealer-4s",
    "generic-bands",
    "quarterly-bands",
    "response-targets",
    "service-post",
]


def test_the_six_presets_are_shipped_beside_the_default():
    assert preset_names() == sorted([*PRESETS, "skyworth"])


@pytest.mark.parametrize("name", PRESETS)
def test_each_preset_loads_as_itself(name):
    scheme = load_preset(name)
    assert (scheme.name, scheme.preset) == (name, name)
    assert scheme.label.zh and scheme.label.en != scheme.label.zh
    labelled = [*scheme.kpis, *scheme.adjustments.values(), *scheme.grades]
    assert all(x.label.zh != x.label.en for x in labelled)  # both languages given
