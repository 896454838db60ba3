"""A person's own figures at 80×24: their numbers, the buckets, what to fix first — nobody else's.

The month is ``test_end_to_end``'s; the clock stands at 2026-11-05 09:00.
November so far for the engineers (as of 11-05 09:00):
  E1: nothing completed; T9 (received 08-01, his when it crossed 30 days on 09-01) open past
      30 days → −150/1 = −150 × 2.5 = −375; no rated callbacks in November: no data, 0 points
      (kpi-rules §4, revised)  ⇒  E1 −375.00
  E2: T8 completed 11-02 on day 39 (late, −15), T4 open since 09-20 (−150) → −82.5 × 2.5
      = −206.25, no callbacks either  ⇒  E1 is 2nd of 2: of two, one rank is paid at each
      end, so −¥100.
  Fix first for E1: only T9, already open past 30: completing it this month turns −150
  into −15, +135.
October for E1 as worked in ``test_end_to_end``: −64.75, 1st of 2 (E2's media complaint
leaves him at −156.25), +¥200.
"""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from month_helpers import AFTER_OCTOBER, DEFAULT, OCTOBER, load, person
from rankings_helpers import GZ_NAMES, app_at, seed_month, ticket_lines
from tui_helpers import SIZE, async_test, press, screen_text, settle, text_of

from screens.my_figures import MyFiguresScreen
from screens.queue import QueueScreen
from screens.rankings import RankingsScreen
from storage.appraisal import review
from storage.closing import close_month


@pytest.fixture
def month(store):
    seed_month(store)
    return store


def everything_shown(app) -> str:
    """The screen, and the whole of every tab (also the parts scrolled out of view)."""
    tabs = [
        text_of(app, f"#{tab}-facts") for tab in ("timeliness", "fix-first", "callbacks", "trend")
    ]
    return "\n".join([screen_text(app), text_of(app, "#standing"), *tabs])


def assert_names_nobody_else(app, own: str) -> None:
    shown = everything_shown(app)
    assert own in shown
    assert [name for name in GZ_NAMES if name != own and name in shown] == []


@async_test
async def test_an_engineer_starts_on_his_running_month_with_what_to_fix_first(month):
    app = app_at(month, "chengong")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, MyFiguresScreen)
        standing = text_of(app, "#standing")
        assert standing.splitlines() == [
            "PROVISIONAL — as of 2026-11-05 09:00:00; figures can still change",
            "Rank 2 of 2 · total -375.00 · reward -¥100",
            "Service satisfaction: no rated callbacks → 0 points, not ranked",
            "Completion timeliness -150.00 (1 order) × 2.5 = -375.00 points",
            "total = Satisfaction 0.00 + Timeliness -375.00 = -375.00",
        ]
        assert "1 order, -150.00 points → timeliness -150.00" in text_of(app, "#timeliness-facts")
        fix = text_of(app, "#fix-first-facts")
        assert ticket_lines(fix) == [
            ["T9", "+135", "open past 30 (-150)", "—", "completed: past 7 days", "2026-08-01 10:00"]
        ]
        assert "one open past 30 days at the month's end counts -150" in fix
        assert_names_nobody_else(app, "陈工")
        await press(pilot, "t")
        assert app.screen.query_one("TabbedContent").active == "fix-first"
        assert "T9" in screen_text(app)
        assert re.search(r"Ticket +Points change +Now ", screen_text(app))  # T9's +135: a gain

        footer = screen_text(app).splitlines()[-1]
        assert "Tickets" in footer and "Rankings" not in footer and "Staff" not in footer
        await press(pilot, "f4", "f5")  # not his: nothing happens
        assert isinstance(app.screen, MyFiguresScreen)
        await press(pilot, "f2")
        assert isinstance(app.screen, QueueScreen)
        await press(pilot, "f3")
        assert isinstance(app.screen, MyFiguresScreen)
        assert len(app.screen_stack) == 2  # back down the stack, not a second copy


NO_CALLBACKS = {
    "en": ("no rated callbacks → 0 points, not ranked", "No rated callbacks this period: no data"),
    "zh": ("无评分回访 → 0 分，不参与排名", "本期无评分回访：没有数据"),
}


@async_test
async def test_no_rated_callback_is_no_data_on_the_tab_as_in_the_summary(month, lang):
    """E1 has no rated callback in November: the tab said 0 of 0 satisfied → 0.00 %."""
    summary, tab = NO_CALLBACKS[lang]
    app = app_at(month, "chengong")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert summary in text_of(app, "#standing")
        callbacks = text_of(app, "#callbacks-facts")
        assert callbacks.startswith(tab)
        assert "0.00%" not in callbacks and "0 of 0" not in callbacks and "0 次" not in callbacks


@async_test
async def test_an_engineers_past_month_closed_names_nobody(month):
    close_month(month, person(month, "L1"), "GZ", OCTOBER, DEFAULT, AFTER_OCTOBER)
    app = app_at(month, "chengong")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "left_square_bracket")
        assert text_of(app, "#standing").splitlines() == [
            "Closed: these figures are final (as of 2026-10-31 23:59:59)",
            "Rank 1 of 2 · total -64.75 · reward +¥200",
            "Service satisfaction 50.00% (2 of 4 rated ≥ 4): rank 2 of 2"
            " → 50.00 × (2 - 2) / (2 - 1) = 0.00 points",
            "Completion timeliness -25.50 (4 orders) × 2.5 = -63.75 points",
            "total = Satisfaction 0.00 + Timeliness -63.75 - Deductions 1.00 = -64.75",
        ]
        assert [c[1] for c in ticket_lines(text_of(app, "#timeliness-facts"))] == [
            "T1",
            "T2",
            "T5",
            "T9",
        ]
        callbacks = text_of(app, "#callbacks-facts")
        assert "2 of 4 callbacks satisfied (rated 4 or more) → satisfaction 50.00%" in callbacks
        assert [(c[1], c[2]) for c in ticket_lines(callbacks)] == [
            ("T7", "★ 1"),
            ("T1", "★★★★★ 5"),
            ("T2", "★★★ 3"),
            ("T5", "★★★★★ 5"),
        ]
        assert "Fix first is about the running month" in text_of(app, "#fix-first-facts")
        assert_names_nobody_else(app, "陈工")  # not even the lead who closed the month


@async_test
async def test_a_rep_reaches_her_own_figures_from_the_queue(month):
    app = app_at(month, "zhangwei")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        await press(pilot, "f3", "left_square_bracket")
        assert text_of(app, "#standing").splitlines()[1:] == [
            "Rank 1 of 3 · total 24.83 · reward +¥200",
            "Engineer-problem feedback rate 100.00% (3.00 points / 3 visits): rank 1 of 2"
            " → 20.00 × (2 - 1) / (2 - 1) = 20.00 points",
            "Workload saturation 25.00% (30 actions / 20 days = 1.50 a day; annual maximum"
            " 6.00): rank 2 of 2 → 40.00 × (2 - 2) / (2 - 1) = 0.00 points",
            "Satisfaction 50.00% (2 of 4 rated ≥ 4): rank 2 of 2"
            " → 20.00 × (2 - 2) / (2 - 1) = 0.00 points",
            "Completion timeliness 7.33 (3 orders) = 7.33 points",
            "total = Feedback 20.00 + Workload 0.00 + Satisfaction 0.00 + Timeliness 7.33"
            " - Deductions 2.50 = 24.83",
        ]
        assert "3 orders, 22.00 points → timeliness 7.33" in text_of(app, "#timeliness-facts")
        assert_names_nobody_else(app, "张伟")


@async_test
async def test_a_lead_has_no_figures_of_his_own(month):
    app = app_at(month, "zhoujl")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "My figures" not in screen_text(app).splitlines()[-1]
        await press(pilot, "f3")
        assert isinstance(app.screen, RankingsScreen)


@async_test
async def test_late_data_after_the_closing_is_told_and_the_frozen_rank_stays(month):
    close_month(month, person(month, "L1"), "GZ", OCTOBER, DEFAULT, AFTER_OCTOBER)
    load(month, now=AFTER_OCTOBER,
         tickets="code,branch,kind,received_at,completed_at,engineer\n"
                 "T11,GZ,onsite_repair,2026-10-20 10:00,2026-10-20 15:00,E1\n")  # fmt: skip
    app = app_at(month, "chengong")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "left_square_bracket")
        # his own frozen → live line, as his lead's banner gives it (E1 worked there)
        assert text_of(app, "#standing").splitlines()[:4] == [
            "Closed: these figures are final (as of 2026-10-31 23:59:59)",
            "Data has come in since the closing; your live figures, not those judged: "
            "total -64.75 → -42.00 (+22.75)",
            "The frozen figures below leave it out; the tabs' facts include it.",
            "Rank 1 of 2 · total -64.75 · reward +¥200",
        ]
        assert "5 orders" in text_of(app, "#timeliness-facts")
        assert_names_nobody_else(app, "陈工")  # nor how 刘洋's figures moved
        assert "-156.25" not in everything_shown(app)


@async_test
async def test_a_rep_is_told_her_live_total_and_that_the_breakdown_is_the_frozen_one(month, zh):
    """A deduction withdrawn after the closing stays in the frozen breakdown (the month is
    paid from it): the line above it said 这些明细包含了它们 as if the breakdown were live."""
    lead = person(month, "L1")
    close_month(month, lead, "GZ", OCTOBER, DEFAULT, AFTER_OCTOBER)
    rule = month.scalar("SELECT id FROM deductions WHERE staff = 'R1' AND kind = 'branch_rule'")
    review(month, lead, "deduction", rule, "withdraw", "记错了人", now=AFTER_OCTOBER)
    app = app_at(month, "zhangwei")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "f3", "left_square_bracket")
        standing = text_of(app, "#standing").splitlines()
        assert standing[1:4] == [
            "结算之后又有数据进来；你的实时数据（不作考核）：总分 24.83 → 26.33 (+1.50)",
            "下面的得分是结算时冻结的，不含这些数据；各页签的明细已包含。",
            "3 人中第 1 名 · 总分 24.83 · 奖励/罚款 +¥200",
        ]
        assert standing[-1].endswith("- 扣分 2.50 = 24.83")  # frozen: 1.50 of it withdrawn
        assert "这些明细包含了它们" not in screen_text(app)
        assert_names_nobody_else(app, "张伟")


@async_test
async def test_fix_first_shows_the_drop_to_come_as_points_lost(month):
    """On 08-20 T9 (received 08-01) is past 7 days and drops into the open zone on 09-01:
    -15 becomes -150, a loss of 135, shown as one (it read "At stake +135", 可能失分 +135).
    Past the limit (the first test) the same column says what completing wins back: +135."""
    app = app_at(month, "chengong", datetime(2026, 8, 20, 10, 0))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert ticket_lines(text_of(app, "#fix-first-facts")) == [
            ["T9", "-135", "past 7 days (-15)", "2026-09-01", "open past 30", "2026-08-01 10:00"]
        ]
