"""A period closed under one kind of period stays reachable after the branch switches kind.

GZ closes October 2026 under skyworth (monthly), then its lead switches to
quarterly-bands (reps only, by quarter) on 2026-11-05: October was paid from its
frozen rows, so the lead still reaches them by typing the month (``g``), and
the engineer, whom the new scheme does not appraise, still finds October in
her trend. The data is ``test_end_to_end``'s month (see :mod:`rankings_helpers`).
"""

from __future__ import annotations

from datetime import datetime

import pytest
from month_helpers import person
from rankings_helpers import NOW, seed_month
from test_tui_schemes import app_for, reps
from tui_helpers import SIZE, async_test, press, settle, text_of, type_text

from fieldkpi.i18n import _
from fieldkpi.period import Period
from fieldkpi.scheme import default_scheme
from screens.numbers import points
from storage.closing import close_month, frozen_rankings
from storage.schemes import choose_preset

OCTOBER = Period(2026, 10)
COUNTED_AGAIN = {  # the preset form, GZ's lead choosing quarterly-bands in November
    "en": "2026-10 is already closed and lies inside 2026-Q4, which quarterly-bands ranks as "
    "one period: its work would count again there. 2026-10 keeps its frozen figures.",
    "zh": "2026-10 已结算，而 quarterly-bands 把它所在的 2026-Q4 整体作为一个考核期："
    "其中的工作会在那里再算一次。2026-10 保留冻结时的数据。",
}


@pytest.fixture
def switched(store):
    """October closed under skyworth, then GZ switched to quarterly-bands."""
    seed_month(store)
    close_month(store, person(store, "L1"), "GZ", OCTOBER, default_scheme(), datetime(2026, 11, 2))
    choose_preset(store, person(store, "L1"), "GZ", "quarterly-bands", NOW)
    return store


async def typed(pilot, text: str) -> None:
    await press(pilot, "g")
    await type_text(pilot, text)
    await press(pilot, "enter")


@async_test
async def test_g_reaches_a_month_closed_before_the_branch_went_quarterly(switched, lang):
    frozen = frozen_rankings(switched, "GZ", OCTOBER, "rep")
    app = app_for(switched, "zhoujl")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.screen.query_one("#month").value == "2026-Q4"

        await typed(pilot, "2026-10")
        assert app.screen.query_one("#month").value == "2026-10"
        assert text_of(app, "#month-label") == _("Month")
        assert reps(app) == [(str(r.rank), r.name, str(r.total)) for r in frozen]
        closed = _("Closed by {name} at {at} · frozen as of {as_of}").format(
            name="周经理", at="2026-11-02 00:00:00", as_of="2026-10-31 23:59:59"
        )
        assert text_of(app, "#banner").startswith(closed)

        await typed(pilot, "2026-09")  # never closed: GZ's quarter, and the box says why
        assert app.screen.query_one("#month").value == "2026-Q3"
        assert text_of(app, "#month-label") == _("Quarter")
        said = _("{asked} is not closed and {branch} is appraised by quarter: {shown} is shown.")
        assert text_of(app, "#month-note") == said.format(
            asked="2026-09", branch="GZ", shown="2026-Q3"
        )


@async_test
async def test_the_engineers_trend_keeps_the_month_closed_before_the_switch(switched, lang):
    """quarterly-bands appraises reps alone: every quarter is a dash for 陈工, but October
    was paid from its frozen row, and her trend shows it among the quarters."""
    october = next(
        r for r in frozen_rankings(switched, "GZ", OCTOBER, "engineer") if r.staff_code == "E1"
    )
    app = app_for(switched, "chengong")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.screen.query_one("#month").value == "2026-Q4"
        lines = [line.strip() for line in text_of(app, "#trend-facts").splitlines()]
        assert lines[0].split()[0] == _("Period")
        shown = [line.split()[:3] for line in lines if line.startswith("2026-")]
        assert shown[-3:] == [
            ["2026-Q3", "—", "—"],
            ["2026-10", points(october.total), f"{october.rank}/2"],
            ["2026-Q4", "—", "—"],
        ]


@async_test
async def test_the_preset_form_warns_that_a_closed_month_lies_inside_the_new_quarter(store, lang):
    seed_month(store)
    close_month(store, person(store, "L1"), "GZ", OCTOBER, default_scheme(), datetime(2026, 11, 2))
    app = app_for(store, "zhoujl")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "s")
        preset = app.screen.query_one("#field-preset")
        warning = app.screen.query_one("#scheme-kind")
        assert not warning.has_class("-shown")  # skyworth, the one it runs: nothing to say

        preset.value = "quarterly-bands"
        await pilot.pause()
        assert warning.has_class("-shown")
        assert text_of(app, "#scheme-kind") == COUNTED_AGAIN[lang]

        preset.value = "generic-bands"  # by month, as now: October is its own period
        await pilot.pause()
        assert not warning.has_class("-shown")
