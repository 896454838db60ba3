"""``fieldkpi demo``: alive whatever the date, and each role's screens one option away.

The app is built as ``run_demo`` builds it (``cli.demo_app``) on a copy of the
committed sample.db, with the real clock standing a year after the sample was
made: the demo runs on the sample's own clock, so it still opens on a running
month with work in progress.
"""

from __future__ import annotations

import re

import pytest
from tui_helpers import async_test, demo_app, notices, settle, text_of

from fieldkpi import cli
from fieldkpi.sample import SAMPLE_NOW
from screens.my_figures import MyFiguresScreen
from screens.queue import QueueScreen, QueueTable
from screens.rankings import RankingsScreen, RankTable


@async_test
async def test_a_year_later_the_demo_still_opens_on_a_month_with_work_in_progress(demo):
    app = demo_app(demo, None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, RankingsScreen)
        assert (app.user.role, app.user.branch) == ("lead", "GZ")
        assert app.now() == SAMPLE_NOW
        assert app.screen.query_one("#month").value == "2026-11"
        assert text_of(app, "#banner").startswith("PROVISIONAL — as of 2026-11-20 18:00:00")
        reps = app.screen.query_one("#rep-table", RankTable).ranked
        assert len(reps) >= 4
        assert all(row.kpi("workload").parts["workload"] > 0 for row in reps)
        assert "the clock runs from 2026-11-20 18:00" in notices(app)[0]
        assert "fieldkpi demo --as rep" in notices(app)[0]


@pytest.mark.parametrize(
    ("role", "first_screen"),
    [
        ("rep", QueueScreen),
        ("engineer", MyFiguresScreen),
        ("lead", RankingsScreen),
        ("admin", RankingsScreen),
    ],
)
@async_test
async def test_demo_as_a_role_opens_that_persons_screens(demo, role, first_screen):
    app = demo_app(demo, role)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.user.role == role and app.user.code.startswith("GZ-")
        assert isinstance(app.screen, first_screen)
        if role == "rep":
            open_tickets = app.screen.query_one(QueueTable).tickets
            assert open_tickets and min(t.age_days for t in open_tickets) <= 2
        if role == "engineer":
            assert "PROVISIONAL" in text_of(app, "#standing")
            assert re.search(r"^GZ\d{9} ", text_of(app, "#fix-first-facts"), re.M)  # to fix


def test_demo_as_someone_unknown_is_bad_input(demo, capsys):
    assert cli.main(["demo", "--as", "nobody"]) == cli.EXIT_BAD_INPUT
    assert "no staff member has the login 'nobody'" in capsys.readouterr().err
