"""The lead is shown the open tickets still held by engineers who have left (kpi-rules §6).

The tester's steps on the demo: the admin set 谢建华's (GZ-E09) leaving day; he
still held five open tickets, and nothing told the lead: the queue showed them
unmarked, the rankings said nothing. Now the queue marks them, offers them as an
engineer filter choice and says how many there are on opening; the rankings'
banner says so; an engineer is told nothing of anyone else's.

On his leaving day itself he still works (kpi-rules §6): the picker offers him. A
rep who has left keeps their open tickets (nobody re-dispatches a rep): the banner
says how many, the queue marks the rep.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from textual.widgets import DataTable
from tui_helpers import (
    SIZE,
    async_test,
    demo_app,
    press,
    queue_codes,
    select_ticket,
    settle,
    table_rows,
    text_of,
)

from screens.dispatch import DispatchScreen
from screens.queue import LEFT_HOLDERS, QueueScreen
from storage import staff
from storage.people import staff_by_login

LEAVER = "GZ-E09"  # 谢建华
REP = "GZ-R02"  # 麦斌, the rep of four open tickets
HIS = {"GZ261120005", "GZ261119004", "GZ260825005", "GZ260602003", "GZ260523001"}


@pytest.fixture
def left(demo):
    """谢建华 left the day before the demo's clock (2026-11-20), his five tickets still open."""
    admin = staff_by_login(demo, "zhouxiuying")
    staff.set_left_on(demo, admin, LEAVER, "2026-11-19", was=None, now=datetime(2026, 11, 20, 9))
    return demo


@pytest.fixture
def leaving_today(demo):
    """谢建华's leaving day is the demo's own day (2026-11-20); 麦斌, a rep, left the day before."""
    admin = staff_by_login(demo, "zhouxiuying")
    at = datetime(2026, 11, 20, 9)
    staff.set_left_on(demo, admin, LEAVER, "2026-11-20", was=None, now=at)
    staff.set_left_on(demo, admin, REP, "2026-11-19", was=None, now=at)
    return demo


def told(app) -> list[str]:
    """Every notice the app gives from now on, kept: a toast goes once its time is up, which
    a slow machine reaches before the test reads it."""
    said: list[str] = []
    notify = app.notify

    def keep(message, *args, **kwargs):
        said.append(str(message))
        return notify(message, *args, **kwargs)

    app.notify = keep
    return said


def cell_of(app, code: str, column: int = 5) -> str:
    """The engineer cell (or another ``column``: 6, the rep) of ``code``'s line in the queue."""
    return next(row[column] for row in table_rows(app, "#queue") if row[0] == code)


@async_test
async def test_the_lead_lists_the_tickets_of_who_has_left_and_hands_one_on(left):
    app = demo_app(left, "qiuping")
    said = told(app)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)  # a lead starts on the rankings
        assert "5 open tickets are held by people who have left (谢建华 5)" in text_of(
            app, "#banner"
        )
        await press(pilot, "f2")
        queue = app.screen
        assert isinstance(queue, QueueScreen)
        notice = "5 open tickets are held by people who have left: re-dispatch them"
        assert any(notice in n for n in said)
        assert "5 held by people who have left" in text_of(app, "#queue-status")
        assert cell_of(app, "GZ261120005") == "谢建华 (left)"

        queue.query_one("#engineer-filter").value = LEFT_HOLDERS
        await settle(pilot)
        assert set(queue_codes(app)) == HIS and len(queue_codes(app)) == 5

        await select_ticket(pilot, "GZ261120005")
        await press(pilot, "d")
        assert isinstance(app.screen, DispatchScreen)
        assert "谢建华" not in text_of(app, "#engineers")  # not offered: he has left
        await press(pilot, "enter", "enter")  # the first engineer offered, now
        assert app.screen is queue
        assert set(queue_codes(app)) == HIS - {"GZ261120005"}
        assert "4 held by people who have left" in text_of(app, "#queue-status")
        engineer = left.scalar("SELECT engineer FROM tickets WHERE code = 'GZ261120005'")
        assert engineer != LEAVER

        await press(pilot, "f4")
        banner = text_of(app, "#banner")
        assert (
            "4 open tickets are held by people who have left (谢建华 4): they count against "
            "nobody; re-dispatch them from the queue (F2)." in banner
        )


@async_test
async def test_in_chinese_and_never_to_an_engineer(left, zh):
    app = demo_app(left, "qiuping")
    said = told(app)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "5 张未完工单仍在已离职人员名下（谢建华 5）：不计入任何人" in text_of(app, "#banner")
        await press(pilot, "f2")
        assert any("5 张未完工单仍在已离职人员名下：请重新派工" in n for n in said)
        assert cell_of(app, "GZ261120005") == "谢建华（已离职）"
    app = demo_app(left, "dengyan")  # an engineer of GZ: their own tickets only
    said = told(app)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "f2")
        assert isinstance(app.screen, QueueScreen)
        assert not any("离职" in n for n in said)
        assert "离职" not in text_of(app, "#queue-status")


@async_test
async def test_on_his_leaving_day_he_is_dispatched_to_and_a_rep_who_left_is_told(leaving_today):
    app = demo_app(leaving_today, "qiuping")
    said = told(app)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        banner = text_of(app, "#banner")
        assert (
            "4 open tickets have a rep who has left (麦斌 4): they count against no rep; see "
            "that another rep follows them up (marked in the queue, F2)." in banner
        )
        assert "held by people who have left" not in banner  # 谢建华 works today
        await press(pilot, "f2")
        assert cell_of(app, "GZ261120005") == "谢建华"
        assert cell_of(app, "GZ261109003", column=6) == "麦斌 (left)"
        assert not any("who has left" in n for n in said)
        await select_ticket(pilot, "GZ261109003")  # 麦斌's, with 陈春燕 (GZ-E08)
        await press(pilot, "d")
        assert isinstance(app.screen, DispatchScreen)
        codes = [load.person.code for load in app.screen.candidates]
        assert LEAVER in codes
        app.screen.query_one("#engineers", DataTable).move_cursor(row=codes.index(LEAVER))
        await press(pilot, "enter", "enter")
        assert isinstance(app.screen, QueueScreen)
    engineer = leaving_today.scalar("SELECT engineer FROM tickets WHERE code = 'GZ261109003'")
    assert engineer == LEAVER
