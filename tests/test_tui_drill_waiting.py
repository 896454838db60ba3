"""The drill-downs on the sample, as a tester read them: what waits for the lead, what is frozen,
points written one way, a total its rounded parts miss.

The sample's November (as of 2026-11-20 18:00), branch GZ, read by hand from its events:
  胡洋 (GZ-E07): his −5 general complaint of 11-16 is contested (申诉中): nothing counts.
  谭思琪 (GZ-E03): a backfill (−0.50) recorded by 刘佳怡 waits for the lead.
  麦斌 (GZ-R02): his problem report of 11-19 on GZ261117008 (1 point, against 胡洋) waits;
      his three standing reports make 5.00 points over 17 visits (29.41%). A 2-star
      callback of GZ261113004 that 刘佳怡 recorded is held for the lead: it lowers his
      satisfaction (22 of 25 now) once approved.
  吴文静 (GZ-E04): no deductions; 谢建华 (GZ-E09): a general complaint, −5.00.
October: 卢晓明 (GZ-E02) has an internal complaint (−2) and a backfill (−0.50). 曾嘉欣 (GZ-R04)
  has no problem reports over 29 visits (0.00%); the month is closed, then a report of
  2 points on her ticket GZ261001004 comes in by import: 2 / 29 = 6.90% now, 0.00% frozen;
  so does a ticket 胡洋 completed on 10-30.
June: 吴文静 is 4th of 10 on satisfaction, 50 × 6/9 = 33.333…, and her timeliness 335/23 =
  14.565… × 2.5 = 36.413…: 69.746… → 69.75, while 33.33 + 36.41 = 69.74.
August: 胡洋: 33.333… + 14.134… − 2 = 45.467… → 45.47; his parts shown make 33.33 + 14.13
  − 2.00 = 45.46 (kpi-rules §6).
"""

from __future__ import annotations

from datetime import datetime

from month_helpers import OCTOBER, load, person
from test_tui_rankings import open_facts
from tui_helpers import SIZE, async_test, demo_app, press, settle, text_of, type_text

from fieldkpi.scheme import default_scheme
from screens.my_figures import MyFiguresScreen
from screens.rankings import RankTable
from storage.closing import close_month

SAMPLE_NOW = datetime(2026, 11, 20, 18, 0)  # the sample's clock, on which the demo runs


def close_october_then_late_data(store) -> None:
    """GZ's October closed by its lead, then a problem report and a ticket dated in it imported."""
    close_month(store, person(store, "GZ-L01"), "GZ", OCTOBER, default_scheme(), SAMPLE_NOW)
    load(
        store,
        now=SAMPLE_NOW,
        problems="rep,engineer,at,points,ticket,note\n"
        "GZ-R04,GZ-E01,2026-10-05 09:00,2,GZ261001004,未带配件\n",
        tickets="code,branch,kind,received_at,completed_at,engineer\n"
        "GZ261031901,GZ,onsite_repair,2026-10-30 10:00,2026-10-30 15:00,GZ-E07\n",
    )


def cell(app, table_id: str, code: str, key: str) -> str:
    table = app.screen.query_one(f"#{table_id}", RankTable)
    row = table.get_row_at([r.staff_code for r in table.ranked].index(code))
    return str(row[[c.key for c in table.columns_shown].index(key)])


async def go_to(pilot, month: str) -> None:
    """The month typed (``g``), as a person skips to one several months back."""
    await press(pilot, "g")
    await type_text(pilot, month)
    await press(pilot, "enter")
    await settle(pilot)
    assert pilot.app.screen.query_one("#month").value == month


async def facts_of(pilot, table_id: str, code: str, column: str, tab: str) -> str:
    """Enter on ``column`` of ``code``'s line of the rankings: the text of its tab ``tab``."""
    pilot.app.screen.query_one("TabbedContent").active = table_id.replace("-table", "s")
    await settle(pilot)
    await open_facts(pilot, table_id, code, column)
    await settle(pilot)
    return text_of(pilot.app, f"#{tab}-facts")


@async_test
async def test_the_lead_sees_what_waits_and_what_is_frozen_and_one_way_of_writing_points(demo):
    close_october_then_late_data(demo)
    app = demo_app(demo, "qiuping")
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        # Nobody's adjustments: a dash, as in `fieldkpi rank`, not 0.00 among the -5.00.
        assert cell(app, "engineer-table", "GZ-E04", "deductions") == "—"
        assert cell(app, "engineer-table", "GZ-E09", "deductions") == "-5.00"

        huyang = await facts_of(pilot, "engineer-table", "GZ-E07", "deductions", "deductions")
        lines = huyang.splitlines()
        assert lines[2:4] == [
            "0 events, 0.00 points off",
            "1 more not counted until the lead decides: listed below",
        ]
        assert lines[5] == "Not counted until the lead decides"
        assert lines[6].split("  ") == [
            "2026-11-16 18:00",
            "General complaint (head office)",
            "-5.00",
            "contested",
            "—",
            "客户投诉服务态度",
            "邱平 (GZ-L01)",
        ]
        await press(pilot, "escape")
        tansiqi = await facts_of(pilot, "engineer-table", "GZ-E03", "deductions", "deductions")
        assert "1 more not counted until the lead decides" in tansiqi
        assert "-0.50  waiting for the lead  —  上门后才补单  刘佳怡 (GZ-R01)" in tansiqi
        await press(pilot, "escape")

        maibin = await facts_of(pilot, "rep-table", "GZ-R02", "feedback_rate", "feedback")
        counted, _heading, waiting = maibin.partition("Not counted until the lead decides")
        assert "5.00 problem points over 17 on-site visits → rate 29.41%" in counted
        assert "1 more not counted until the lead decides" in counted
        assert "GZ261117008" not in counted
        assert waiting.splitlines()[1].split("  ") == [
            "2026-11-19 20:00", "胡洋", "GZ261117008", "1.00", "waiting for the lead",
            "未按约定时间上门",
        ]  # fmt: skip
        callbacks = text_of(app, "#satisfaction-facts")
        counted, _heading, waiting = callbacks.partition("Not counted until the lead decides")
        assert "22 of 25 callbacks satisfied" in counted
        assert "GZ261113004  ★★ 2  waiting for the lead  师傅迟到一小时" in waiting
        await press(pilot, "escape", "left_square_bracket")
        await settle(pilot)

        luxiaoming = await facts_of(pilot, "engineer-table", "GZ-E02", "deductions", "deductions")
        points = [
            line.split("  ")[2] for line in luxiaoming.splitlines() if line.startswith("2026-10-")
        ]
        assert points == ["-2.00", "-0.50"]
        await press(pilot, "escape")

        zengjiaxin = await facts_of(pilot, "rep-table", "GZ-R04", "feedback_rate", "feedback")
        lines = zengjiaxin.splitlines()
        assert lines[0].startswith(
            "Frozen at the closing: Engineer-problem feedback rate 0.00% (0.00 points / 29 visits)"
        )
        assert lines[2:5] == [
            "Data has come in since the closing: these facts include it, the frozen figures do not.",
            "Facts now, with the data that came in since the closing:",
            "2.00 problem points over 29 on-site visits → rate 6.90%",
        ]
        await press(pilot, "escape")
        await go_to(pilot, "2026-06")

        wuwenjing = await facts_of(pilot, "engineer-table", "GZ-E04", "deductions", "deductions")
        assert wuwenjing.splitlines()[0] == (
            "total = Satisfaction 33.33 + Timeliness 36.41 = 69.75"
            " (parts rounded; exact sum 69.746…)"
        )


@async_test
async def test_an_engineer_sees_what_waits_and_his_total_rounded_once(demo, zh):
    close_october_then_late_data(demo)
    app = demo_app(demo, "huyang")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, MyFiguresScreen)
        standing = text_of(app, "#standing").splitlines()
        assert standing[-2].endswith("= 18.82")
        assert standing[-1] == "主管决定前不计分（F6 可查看）：总部判定一般投诉 -5.00，申诉中"

        await press(pilot, "left_square_bracket")  # October: closed, then a ticket of his came in
        await settle(pilot)
        assert text_of(app, "#timeliness-facts").startswith("当前明细（含结算之后进来的数据）：\n")
        assert "主管决定前不计分" not in text_of(app, "#standing")

        await go_to(pilot, "2026-08")
        assert text_of(app, "#standing").splitlines()[-1] == (
            "总分 = 满意度 33.33 + 完单及时率 14.13 - 扣分 2.00 = 45.47"
            " （各项已四舍五入；精确和 45.467…）"
        )
