"""The TUI in Chinese at 80×24: the queue, a form's validation errors, the rankings, every screen.

The walks open each screen a person can reach — as a rep, a lead, an admin
and an engineer — and fail on any English word left on it, apart from key
names, file formats and what the seeded database itself holds (names, codes,
logins): together with ``test_i18n``'s catalog checks, an untranslated or
unmarked string shows up here by the screen it is on. The same walks in
English must show no Chinese but the seeded data.
"""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from month_helpers import DEFAULT, OCTOBER, person
from rankings_helpers import NOW, app_at, every_column, seed_month
from rich.cells import cell_len
from tui_helpers import (
    SIZE,
    app_for,
    async_test,
    notices,
    press,
    screen_text,
    seed_desk,
    select_ticket,
    settle,
    table_rows,
    text_of,
)

from fieldkpi import paths
from fieldkpi.linebreaks import CLOSING
from fieldkpi.scheme import preset_names
from screens import keygate
from screens.queue import QueueTable
from screens.ticket_lists import FactsPane
from storage import appraisal
from storage.closing import close_month

# English that may stay on a Chinese screen: keys, formats, the program's name (and data).
NOT_ENGLISH = {"Esc", "Tab", "Ctrl", "Home", "End", "fieldkpi", "SVG", "CSV", "TOML", "KPI", "YYYY"}
NOT_ENGLISH |= {"MM", "DD", "HH", "SS"}
WORD = re.compile(r"[A-Za-z]{2,}")
PATH = re.compile(r"\S*/\S+")  # a file path shown in a form
PRESET = re.compile("|".join(map(re.escape, preset_names())))  # a preset's name, as in its file
CHINESE = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]+")


def english_words(text: str) -> set[str]:
    return set(WORD.findall(PRESET.sub("", PATH.sub("", text)))) - NOT_ENGLISH


@pytest.fixture
def desk(store):
    return seed_desk(store)


def seeded_text(store) -> list[str]:
    """The free text the seeded database holds: names, logins, addresses, notes (not codes)."""
    rows = store.query(
        "SELECT name || ' ' || coalesce(login, '') FROM staff UNION ALL "
        "SELECT code || ' ' || coalesce(name, '') FROM branches UNION ALL "
        "SELECT coalesce(old, '') || ' ' || coalesce(new, '') FROM ticket_history UNION ALL "
        "SELECT coalesce(customer, '') || ' ' || coalesce(address, '') || ' ' || "
        "coalesce(product, '') || ' ' || coalesce(fault, '') FROM tickets UNION ALL "
        "SELECT coalesce(note, '') FROM deductions UNION ALL SELECT coalesce(note, '') FROM problems"
    )
    return [row[0] for row in rows]


def leftovers(text: str, lang: str, data: list[str]) -> set[str]:
    """Words of the other language on a screen: English in Chinese, Chinese (not data) in English."""
    found = english_words(text) if lang == "zh" else set(CHINESE.findall(text))
    return {words for words in found if not any(words in d for d in data)}


@async_test
async def test_queue_in_chinese(store, desk, zh):
    app = app_for(store, "wangfang")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        lines = screen_text(app).splitlines()
        assert "工单 — 王芳 · 客服代表 · GZ" in lines[0]
        table = app.screen.query_one(QueueTable)
        headings = [str(c.label) for c in table.columns.values()]
        assert headings == ["工单", "状态", "天数", "类别", "客户", "工程师", "客服", "地址"]
        assert table_rows(app, "#queue")[0][:6] == [
            desk.received,
            "已受理",
            "1",
            "上门维修",
            "张伟",
            "—",
        ]
        footer = lines[-1]
        for key in ("d 派工", "x 取消", "k 扣分", "n 新工单", "t 整体转派", "F1 帮助", "^p 命令"):
            assert key in footer
        assert "4 单未完成 · 显示 4 单" in text_of(app, "#queue-status")
        assert leftovers("\n".join(lines), "zh", seeded_text(store)) == set()
        # the search box's hint as far as it holds, by whole clauses (it was "/" alone)
        assert lines[1].startswith("/ 工单号、电话 ")


@async_test
async def test_form_shows_its_validation_errors_in_chinese_by_the_fields(store, desk, zh):
    app = app_for(store, "wangfang")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "n")
        await press(pilot, "ctrl+s")
        assert text_of(app, "#error-customer") == "请输入客户姓名。"
        assert text_of(app, "#error-phone") == "请输入客户电话。"
        assert text_of(app, "#error-address") == "请输入地址。"
        assert text_of(app, "#error-kind") == "请选择类别。"
        lines = screen_text(app).splitlines()
        customer = next(i for i, line in enumerate(lines) if "│ 客户" in line)
        assert "请输入客户姓名。" in lines[customer + 1]  # right under its field
        assert "F1 帮助 ^s 保存 Esc 关闭" in lines[-1]


@async_test
async def test_ticket_steps_and_refusals_in_chinese(store, desk, zh):
    app = app_for(store, "wangfang")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select_ticket(pilot, desk.received)
        await press(pilot, "c")  # a received ticket cannot be completed yet
        assert notices(app) == ["请先把该工单派给工程师。"]
        await pilot.pause(keygate.SETTLE)  # read: what is typed at once is set aside (keygate)
        await press(pilot, "d")
        text = screen_text(app)
        assert "派工给工程师" in text and "本月完单及时率" in text
        await press(pilot, "enter", "enter")
        assert table_rows(app, "#queue")[0][1] == "已派工"
        assert notices(app)[-1].startswith(f"{desk.received} 已派工")


@async_test
async def test_textual_palette_commands_are_translated(store, desk, zh):
    app = app_for(store, "wangfang")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        commands = list(app.get_system_commands(app.screen))
        assert commands
        assert english_words(" ".join(c.title + " " + c.help for c in commands)) == set()
        # Textual's keys panel lists its widgets' keys in English only: not offered (F1 is)
        assert "按键" not in [c.title for c in commands]
        assert not [c for c in commands if c.callback == app.action_show_help_panel]
        await press(pilot, "ctrl+p")
        assert "搜索命令……" in screen_text(app)


async def _walk_ticket_screens(pilot, desk) -> list[str]:
    """Every screen a rep reaches from the queue, as text: forms, picker, detail, help."""
    app = pilot.app
    shown = [screen_text(app)]

    async def visit(*keys: str) -> None:
        await press(pilot, *keys)
        shown.append(screen_text(app))
        await press(pilot, "escape")

    await press(pilot, "n")
    await visit("ctrl+s")  # the new-ticket form with an error under each field
    await visit("f1")
    await visit("t")
    await visit("k")
    await select_ticket(pilot, desk.received)
    await visit("d")
    await visit("x")
    await select_ticket(pilot, desk.visited)
    for key in "pce":
        await visit(key)
    await press(pilot, "enter")
    shown.append(screen_text(app))
    return shown


@async_test
async def test_every_ticket_screen_speaks_one_language(store, desk, lang):
    app = app_for(store, "wangfang")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        shown = await _walk_ticket_screens(pilot, desk)
        data = seeded_text(store)
        assert len(shown) == 11
        for text in shown:
            assert leftovers(text, lang, data) == set(), text


async def october(pilot) -> None:
    await press(pilot, "left_square_bracket")
    assert pilot.app.screen.query_one("#month").value == "2026-10"


@async_test
async def test_rankings_in_chinese(store, zh):
    seed_month(store)
    app = app_at(store, "zhoujl")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await october(pilot)
        lines = screen_text(app).splitlines()
        assert "排名 — 周经理 · 主管 · GZ" in lines[0]
        assert text_of(app, "#banner") == "截至 2026-10-31 23:59:59 · 尚未结算"
        assert "考核方案：创维售后岗位绩效考核 · 预置方案 skyworth" in lines[4]
        assert "客服代表  上门服务工程师" in lines[5]  # the tabs
        # Who and what they get stay put; each KPI's columns are headed by its name (every
        # column read off the screen, → by →, as it comes into view).
        columns = await every_column(pilot, "rep-table")
        assert [" ".join(heading).strip() for heading, _cells in columns] == [
            "排名", "姓名", "总分", "奖励/罚款", "近12个月", "名次变化", "工号",
            "工程师问题反馈率 反馈率", "工程师问题反馈率 得分",
            "工作饱和度 项数", "工作饱和度 出勤天数", "工作饱和度 饱和度", "工作饱和度 得分",
            "满意度 满意率", "满意度 得分", "完单及时率 及时率", "完单及时率 得分", "加扣分 分值",
        ]  # fmt: skip
        rows = [list(line) for line in zip(*(cells for _heading, cells in columns), strict=True)]
        assert [(r[0], r[5], r[1], r[-1], r[3]) for r in rows] == [
            ("1", "=", "张伟", "-2.50", "+¥200"),  # first in September too (v2 rules)
            ("2", "新", "李娜", "—", "—"),  # of three, one rank is paid at each end; no adjustments
            ("3", "=", "王芳", "-2.00", "-¥100"),
        ]
        assert "3 人参加排名 · * 首月：固定分值 · ○ 无数据：0 分，不参与排名" in text_of(
            app, "#rank-status"
        )
        assert "F1 帮助 f6 考核事件 t 页签 r 趋势 x 导出 c 结算 s 考核方案" in lines[-1]
        await press(pilot, "t")
        assert "2 人参加排名 · ⓩ 媒体曝光投诉：本月考核作废" in text_of(app, "#rank-status")


def tab_texts(app) -> list[str]:
    """Every tab of the screen's facts, whole (also the tabs not shown and the part scrolled off)."""
    return [text_of(app, f"#{pane.id}") for pane in app.screen.query(FactsPane)]


async def _walk_month_screens(pilot) -> list[str]:
    """The lead's rankings, their forms and help, one person's facts (every tab), the staff."""
    app = pilot.app
    shown: list[str] = []

    async def visit(*keys: str, back: bool = True) -> None:
        await press(pilot, *keys)
        shown.append(screen_text(app))
        if back:
            await press(pilot, "escape")

    await settle(pilot)
    await october(pilot)
    shown.append(screen_text(app))
    for key in ("c", "x", "f1", "r"):
        await visit(key)
    await visit("enter", back=False)  # the facts of the first rep
    shown.extend(tab_texts(app))
    await press(pilot, "escape")
    await visit("t", back=False)  # the engineers
    await visit("f5", back=False)  # the staff, read only for a lead
    return shown


@async_test
async def test_every_month_screen_speaks_one_language(store, lang):
    seed_month(store)
    # The export form names the folder and the file it would write: a path, not words.
    data = [*seeded_text(store), str(paths.export_dir()), "fieldkpi-GZ-2026-10.csv"]
    shown: list[str] = []
    async with app_at(store, "zhoujl").run_test(size=SIZE) as pilot:
        shown += await _walk_month_screens(pilot)
    async with app_at(store, "admin").run_test(size=SIZE) as pilot:
        await settle(pilot)
        for keys in (("b",), ("escape", "f5"), ("n",), ("escape", "l"), ("escape", "x")):
            await press(pilot, *keys)
            shown.append(screen_text(pilot.app))
    async with app_at(store, "chengong").run_test(size=SIZE) as pilot:
        await settle(pilot)
        shown += [screen_text(pilot.app), *tab_texts(pilot.app)]
    assert len(shown) == 23  # the engineer's tabs: timeliness, fix first, callbacks, trend
    for text in shown:
        assert leftovers(text, lang, data) == set(), text


def drawn_lines(app, selector: str) -> list[str]:
    """The lines a box shows on screen, as drawn at its width (padding cut away)."""
    region = app.screen.query_one(selector).content_region
    strips = app.screen._compositor.render_strips()[region.y : region.bottom]
    lines = [strip.crop(region.x, region.right).text.rstrip() for strip in strips]
    return [line for line in lines if line]


IN_OCTOBER = datetime(2026, 10, 20, 10, 0)


@async_test
async def test_chinese_refusals_and_banners_wrap_where_the_line_is_full(store, zh):
    """A Chinese sentence with one space in it broke there, as if the rest were one word: the
    refusal to close a month with an event pending put "2026-10" on a line of its own, and so
    would a closed month's banner the start of its note. They now break between characters
    where a line is full, a closing mark never first; and a refusal says 你 as the rest of
    the UI."""
    seed_month(store)
    lead = person(store, "L1")  # 周经理
    event = appraisal.record_deduction(
        store, person(store, "R2"), "E1", "violation", None, "违规", DEFAULT, now=IN_OCTOBER
    ).id
    app = app_at(store, "zhoujl")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await october(pilot)
        await press(pilot, "c", "ctrl+s")
        assert lines_fill(app, "#form-message")[0].startswith("2026-10 还有1条考核事件等待你处理")
    appraisal.review(store, lead, "deduction", event, "approve", now=NOW)
    close_month(store, lead, "GZ", OCTOBER, DEFAULT, NOW, note=CLOSING_NOTE)
    app = app_at(store, "zhoujl")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await october(pilot)
        assert "迟到的数据不计入本月" in "".join(lines_fill(app, "#banner"))


CLOSING_NOTE = "10月 迟到的数据不计入本月，仍以结算时冻结的数据为准；如有异议，请在下月考核时提出"


def lines_fill(app, selector: str) -> list[str]:
    """A box's lines, each but the last filled to its width (within a wide character) and
    none starting with a closing mark, nor saying 您."""
    lines = drawn_lines(app, selector)
    width = app.screen.query_one(selector).content_region.width
    assert all(cell_len(line) >= width - 2 for line in lines[:-1]), lines
    assert not [line for line in lines if line[0] in CLOSING]
    assert "您" not in "".join(lines)
    return lines
