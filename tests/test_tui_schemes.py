"""A lead runs the branch's scheme from the TUI: values entered by hand, the preset, quarters.

The month is ``test_end_to_end``'s (branch GZ, October 2026; the clock at
2026-11-05 09:00). With ``rep_satisfaction = "entered"`` the reps' satisfaction
is head office's score, entered by the lead; nobody has one yet, so it counts
as no data (0 points) for all three: 张伟 24.83, 李娜 20.00, 王芳 −52.80.
李娜 entered at 95, the only rep with a value, takes the pool's 20 points:
40.00, and rank 1 before 张伟.

generic-bands grades every total (优秀 ≥ 80, 良好 ≥ 50, 待改进 below) and
takes nothing from outside. quarterly-bands ranks reps by quarter; every one
of its KPIs but satisfaction is entered.
"""

from __future__ import annotations

import threading
from datetime import datetime

import pytest
from month_helpers import load, person
from rankings_helpers import NOW, seed_month
from test_tui_zh import leftovers, seeded_text
from tui_helpers import (
    SIZE,
    async_test,
    notices,
    press,
    screen_text,
    settle,
    text_of,
    type_text,
    wait_until,
)

from fieldkpi.i18n import _
from fieldkpi.kpi_columns import kpi_columns
from fieldkpi.period import Period
from fieldkpi.scheme import default_scheme
from screens.app import FieldKpiApp, may_open
from screens.my_figures import MyFiguresScreen
from screens.queue import QueueTable
from screens.rankings import RankingsScreen, RankTable
from screens.scheme_choice import SchemeForm
from screens.scores import ScoreForm, ScoresScreen
from screens.step_forms import DeductionForm, ProblemForm
from storage.closing import frozen_rankings, month_state
from storage.db import open_store
from storage.people import staff_by_login
from storage.schemes import branch_preset, choose_preset, scheme_loader
from storage.scores import record_score, score_history

OCTOBER = Period(2026, 10)
Q4 = Period.quarter(2026, 4)
NEW_YEAR = datetime(2027, 1, 5, 9, 0)  # the fourth quarter has ended: it can be closed


@pytest.fixture
def month(store):
    seed_month(store)
    return store


@pytest.fixture
def entered(tmp_path):
    """GZ's own file: the reps' satisfaction is entered (head office's score)."""
    path = tmp_path / "scheme-GZ.toml"
    path.write_text('[settings]\nrep_satisfaction = "entered"\n', encoding="utf-8")
    return path


def app_for(store, login: str, *files, now: datetime = NOW) -> FieldKpiApp:
    """The app as ``fieldkpi --as LOGIN`` builds it: each branch's preset, then ``files``."""
    user = staff_by_login(store, login)
    scheme_for = scheme_loader(store, lambda branch: [f for f in files if branch in f.name])
    return FieldKpiApp(store, user, now=lambda: now, scheme_for=scheme_for)


def reps(app) -> list[tuple[str, str, str]]:
    """The reps' tab as (rank, name, total)."""
    table = app.screen.query_one("#rep-table", RankTable)
    return [(str(r.rank), r.name, str(r.total)) for r in table.ranked]


def sheet(app) -> list[tuple[str, str, str]]:
    """The entered-values screen as (name, KPI, value) lines, as the table shows them."""
    table = app.screen.query_one("#scores")
    rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
    return [(r[0], r[1], r[2]) for r in rows]


async def on_line(pilot, code: str, metric: str) -> None:
    """Put the cursor on ``code``'s ``metric`` and press Enter: the form opens."""
    lines = pilot.app.screen.sheet.lines
    row = next(i for i, s in enumerate(lines) if (s.person.code, s.metric) == (code, metric))
    pilot.app.screen.query_one("#scores").move_cursor(row=row)
    await press(pilot, "enter")
    assert isinstance(pilot.app.screen, ScoreForm)


async def save_value(pilot, code: str, metric: str, value: str) -> None:
    """``value`` typed into ``code``'s ``metric`` (:func:`on_line`) and Ctrl+S pressed."""
    await on_line(pilot, code, metric)
    await type_text(pilot, value)
    await press(pilot, "ctrl+s")


@async_test
async def test_a_lead_types_an_entered_score_and_sees_the_ranking_change(month, entered):
    app = app_for(month, "zhoujl", entered)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "left_square_bracket")
        assert reps(app) == [
            ("1", "张伟", "24.83"),
            ("2", "李娜", "20.00"),
            ("3", "王芳", "-52.80"),
        ]

        await press(pilot, "f7")  # the period and branch the rankings show
        assert isinstance(app.screen, ScoresScreen)
        assert app.screen.query_one("#month").value == "2026-10"
        assert sheet(app) == [
            ("张伟", "Satisfaction", "missing"),
            ("王芳", "Satisfaction", "missing"),
            ("李娜", "Satisfaction", "missing"),
        ]
        assert text_of(app, "#scores-status").startswith("3 of 3 values missing")

        await on_line(pilot, "R3", "satisfaction")
        assert "Nothing entered yet." in text_of(app, "#score-history")
        await type_text(pilot, "95")
        await press(pilot, "tab")
        await type_text(pilot, "head office survey")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ScoresScreen)
        assert sheet(app)[2] == ("李娜", "Satisfaction", "95")
        assert "周经理" in str(app.screen.query_one("#scores").get_row_at(2))
        assert text_of(app, "#scores-status").startswith("2 of 3 values missing")

        await press(pilot, "f4")
        assert isinstance(app.screen, RankingsScreen)
        assert reps(app) == [
            ("1", "李娜", "40.00"),
            ("2", "张伟", "24.83"),
            ("3", "王芳", "-52.80"),
        ]

    lead, scheme = person(month, "L1"), app.scheme_for("GZ")
    (entry,) = score_history(month, lead, scheme, "R3", OCTOBER, "satisfaction")
    assert (str(entry.value), entry.note, entry.by) == ("95", "head office survey", "L1")


@async_test
async def test_a_value_typed_wrong_is_said_beside_it_and_a_change_keeps_the_one_before(
    month, entered
):
    app = app_for(month, "zhoujl", entered)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "f7", "left_square_bracket")
        await save_value(pilot, "R1", "satisfaction", "ninety")
        form = app.screen
        assert isinstance(form, ScoreForm)  # nothing saved, nothing typed lost
        assert form.query_one("#field-value").value == "ninety"
        assert text_of(app, "#error-value") == "Enter a number, like 85 or 0.93 or 93%."

        form.query_one("#field-value").value = ""
        await type_text(pilot, "88")
        await press(pilot, "ctrl+s")
        await save_value(pilot, "R1", "satisfaction", "91")
        await on_line(pilot, "R1", "satisfaction")
        history = text_of(app, "#score-history")
        assert history.index("· 周经理 · 91") < history.index("· 周经理 · 88")  # latest first
        await press(pilot, "escape")
        assert sheet(app)[0] == ("张伟", "Satisfaction", "91")

    lead, scheme = person(month, "L1"), app.scheme_for("GZ")
    history = score_history(month, lead, scheme, "R1", OCTOBER, "satisfaction")
    values = [str(e.value) for e in history]
    assert values == ["88", "91"]


@async_test
async def test_a_value_entered_by_another_while_the_lead_types_is_not_overwritten(month, entered):
    app = app_for(month, "zhoujl", entered)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "f7", "left_square_bracket")
        await on_line(pilot, "R1", "satisfaction")
        await type_text(pilot, "90")
        admin, scheme = person(month, "A1"), app.scheme_for("GZ")
        record_score(
            month, admin, scheme, "R1", OCTOBER, "satisfaction", "80", now=NOW, replacing=None
        )
        await press(pilot, "ctrl+s")
        form = app.screen
        assert isinstance(form, ScoreForm)  # not saved, and the 90 typed is still there
        assert form.query_one("#field-value").value == "90"
        message = text_of(app, "#form-message")
        assert "管理员 entered 80 at 2026-11-05 09:00:00 while you were typing." in message
        assert "Your input is kept" in message
        assert "管理员 · 80" in text_of(app, "#score-history")

        await press(pilot, "ctrl+s")  # now knowingly replacing the 80
        assert isinstance(app.screen, ScoresScreen)
        assert sheet(app)[0] == ("张伟", "Satisfaction", "90")

    lead, scheme = person(month, "L1"), app.scheme_for("GZ")
    history = score_history(month, lead, scheme, "R1", OCTOBER, "satisfaction")
    values = [str(e.value) for e in history]
    assert values == ["80", "90"]


@async_test
async def test_a_percentage_typed_into_a_fraction_is_refused_beside_it(month):
    """quarterly-bands takes payments collected as a fraction: 93 typed for 93 % would have
    been stored as 93 (93 times everything due) and scored the top band without a word."""
    choose_preset(month, person(month, "L1"), "GZ", "quarterly-bands", NOW)
    app = app_for(month, "zhoujl", now=NEW_YEAR)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "left_square_bracket", "f7")
        await save_value(pilot, "R1", "payment_collection", "93")
        form = app.screen
        assert isinstance(form, ScoreForm)  # nothing saved, nothing typed lost
        assert form.query_one("#field-value").value == "93"
        assert text_of(app, "#error-value") == "Enter a fraction from 0 to 1 (93% is 0.93)."
        lead, scheme = person(month, "L1"), app.scheme_for("GZ")
        assert score_history(month, lead, scheme, "R1", Q4, "payment_collection") == []

        form.query_one("#field-value").value = ""
        await type_text(pilot, "0.93")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ScoresScreen)
        assert ("张伟", "Service payments collected …", "0.93") in sheet(app)

    (entry,) = score_history(month, lead, scheme, "R1", Q4, "payment_collection")
    assert str(entry.value) == "0.93"


@async_test
async def test_only_the_lead_or_an_admin_reaches_the_entered_values(month, entered):
    for login in ("chengong", "zhangwei"):  # an engineer, a rep
        app = app_for(month, login, entered)
        assert not may_open(app.user, "scores")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            first = type(app.screen)
            await press(pilot, "f7")
            assert type(app.screen) is first
            assert "Entered" not in screen_text(app)
    admin = app_for(month, "admin", entered)
    async with admin.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "f7")
        assert isinstance(admin.screen, ScoresScreen)


@async_test
async def test_a_lead_switches_to_generic_bands_enters_nothing_and_sees_grades(month):
    app = app_for(month, "zhoujl")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "left_square_bracket")
        assert "preset skyworth" in text_of(app, "#rank-scheme")
        assert "Grade" not in screen_text(app)

        await press(pilot, "s")
        form = app.screen
        assert isinstance(form, SchemeForm)
        assert "Nobody has chosen a preset" in text_of(app, "#scheme-history")
        form.query_one("#field-preset").value = "generic-bands"
        await press(pilot, "ctrl+s")

        assert isinstance(app.screen, RankingsScreen)
        assert "Branch GZ now runs the preset generic-bands." in notices(app)
        assert "preset generic-bands" in text_of(app, "#rank-scheme")
        table = app.screen.query_one("#rep-table", RankTable)
        assert [c.key for c in table.columns_shown][:5] == [
            "rank",
            "name",
            "total",
            "grade",
            "trend",  # no reward: the scheme pays none
        ]
        grades = {r.name: str(r.grade) for r in table.ranked}
        assert set(grades) == {"张伟", "王芳", "李娜"} and all(grades.values())
        assert " Grade " in screen_text(app)
        for name, grade in grades.items():
            assert any(name in line and grade in line for line in screen_text(app).splitlines())

        await press(pilot, "f7")
        assert "takes no value from outside" in text_of(app, "#scores-status")

    assert branch_preset(month, "GZ") == "generic-bands"


@async_test
async def test_a_file_naming_a_preset_wins_over_the_choice_and_the_form_says_so(month, tmp_path):
    path = tmp_path / "scheme-GZ.toml"
    path.write_text('preset = "dealer-4s"\n', encoding="utf-8")
    choose_preset(month, person(month, "L1"), "GZ", "generic-bands", NOW)
    app = app_for(month, "zhoujl", path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "preset dealer-4s · scheme-GZ.toml" in text_of(app, "#rank-scheme")
        await press(pilot, "s")
        override = text_of(app, "#scheme-override")
        assert override.startswith("scheme-GZ.toml sets the branch's scheme itself (dealer-4s)")
        assert app.screen.query_one("#field-preset").value == "generic-bands"  # the lead's
        assert "generic-bands" in text_of(app, "#scheme-history")
        assert "周经理" in text_of(app, "#scheme-history")

        await press(pilot, "ctrl+s")  # the same preset again: refused beside the field
        assert isinstance(app.screen, SchemeForm)
        assert text_of(app, "#error-preset") == "Branch GZ already runs generic-bands."
        app.screen.query_one("#field-preset").clear()  # no preset chosen: asked for by name
        await press(pilot, "ctrl+s")
        assert text_of(app, "#error-preset") == "Choose the preset."


@async_test
async def test_a_lead_of_a_quarterly_branch_opens_a_quarter_and_closes_it(month):
    choose_preset(month, person(month, "L1"), "GZ", "quarterly-bands", NOW)
    app = app_for(month, "zhoujl", now=NEW_YEAR)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.screen.query_one("#month").value == "2027-Q1"
        assert "g quarter" in text_of(app, "#month-note")
        await press(pilot, "left_square_bracket")
        assert app.screen.query_one("#month").value == "2026-Q4"
        assert [name for _rank, name, _total in reps(app)] != []
        assert "PROVISIONAL" not in text_of(app, "#banner")
        assert "Last 12 quarters" in screen_text(app)  # the sparkline's heading

        await press(pilot, "f7")  # the quarter's values are entered by quarter too
        assert app.screen.query_one("#month").value == "2026-Q4"
        assert len(sheet(app)) == 3 * 3  # three reps, three entered KPIs each
        await press(pilot, "f4")

        await press(pilot, "c")
        assert "Close 2026-Q4 of branch GZ" in screen_text(app)
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, RankingsScreen)
        assert text_of(app, "#banner").startswith("Closed by 周经理")

    closed = month_state(month, "GZ", Q4)
    assert closed is not None and closed.scheme.name == "quarterly-bands"
    frozen = frozen_rankings(month, "GZ", Q4, "rep")
    assert {row.period for row in frozen} == {"2026-Q4"}
    assert month_state(month, "GZ", OCTOBER) is None  # a quarter, not its months


@async_test
async def test_a_rep_of_a_quarterly_branch_reads_her_quarter_and_its_trend(month):
    # a fourth rep, so that the reps' average is shown to a rep (it is worked per quarter)
    load(month, now=NOW, staff="code,name,role,branch,hired_on,login\nR4,陈静,rep,GZ,2024-01-01,\n")
    choose_preset(month, person(month, "L1"), "GZ", "quarterly-bands", NOW)
    app = app_for(month, "zhangwei")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "f3")
        assert app.screen.query_one("#month").value == "2026-Q4"
        standing = text_of(app, "#standing")
        assert "of 4" in standing and "Work plan completion" in standing
        trend = text_of(app, "#trend-facts")
        assert "2026-Q4" in trend and "Work plan completion" in trend
        assert "Quarter" in trend.split("2026-Q4")[0]  # the chart's first column
        assert "Completion timeliness" not in trend  # the skyworth KPIs are not this scheme's


@async_test
async def test_a_month_typed_on_a_quarterly_branch_shows_its_quarter(month):
    choose_preset(month, person(month, "L1"), "GZ", "quarterly-bands", NOW)
    app = app_for(month, "zhoujl", now=NEW_YEAR)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "g")
        await type_text(pilot, "2026-08")
        await press(pilot, "enter")
        assert app.screen.query_one("#month").value == "2026-Q3"
        await press(pilot, "g")
        await type_text(pilot, "2026-Q9")
        await press(pilot, "enter")
        assert text_of(app, "#month-note") == "2026-Q9 is not a quarter like 2026-Q4."
        assert app.screen.query_one("#month").value == "2026-Q3"


@async_test
async def test_the_scheme_screens_in_chinese_line_up_and_say_nothing_in_english(month, entered, zh):
    data = [*seeded_text(month), entered.name]  # names, and the file's name
    app = app_for(month, "zhoujl", entered)
    shown = []
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "f7", "left_square_bracket")
        lines = screen_text(app).splitlines()
        rows = [line for line in lines if any(n in line for n in ("张伟", "王芳", "李娜"))]
        assert len(rows) == 3
        assert len({line.index("满意度") for line in rows}) == 1  # each column starts alike
        assert all("未录入" in line for line in rows)
        shown.append(screen_text(app))
        for keys in (("enter",), ("escape", "f1"), ("escape", "f4", "s")):
            await press(pilot, *keys)
            shown.append(screen_text(app))
        await press(pilot, "escape")
    choose_preset(month, person(month, "L1"), "GZ", "quarterly-bands", NOW)
    async with app_for(month, "zhoujl", now=NEW_YEAR).run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "季度 2027-Q1" in screen_text(pilot.app)
        await press(pilot, "f7")
        shown.append(screen_text(pilot.app))
    for text in shown:
        assert leftovers(text, "zh", data) == set(), text


def reading_off_the_ui_thread(store, *files):
    """A scheme loader as the CLI's that notes every branch it was asked for on the UI thread."""
    load = scheme_loader(store, lambda branch: [f for f in files if branch in f.name])
    on_ui_thread: list[str] = []

    def scheme_for(branch: str):
        if threading.current_thread() is threading.main_thread():
            on_ui_thread.append(branch)
        return load(branch)

    return scheme_for, on_ui_thread


@async_test
async def test_no_screen_reads_a_scheme_on_the_ui_thread(month):
    scheme_for, on_ui_thread = reading_off_the_ui_thread(month)
    lead = FieldKpiApp(month, person(month, "L1"), now=lambda: NOW, scheme_for=scheme_for)
    async with lead.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "left_square_bracket", "r", "escape", "s", "escape", "f7", "f4")
        await press(pilot, "f2", "k")  # the queue, the deduction form with the scheme's kinds
        kinds = lead.screen.query_one("#field-kind")._options
        assert "backfill" in [kind for _label, kind in kinds]
    rep = FieldKpiApp(month, person(month, "R1"), now=lambda: NOW, scheme_for=scheme_for)
    async with rep.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for _row in range(4):  # every key asks whether a problem report is on
            await press(pilot, "down")
        await press(pilot, "f3", "right_square_bracket", "f2")
    assert on_ui_thread == []


@async_test
async def test_a_load_of_a_period_screen_reads_the_branchs_scheme_once(month):
    """The rankings, the entered values and one's own figures: each load reads the scheme once.

    Not once for the kind of period in force, then again for each month of the
    twelve it judges (twice for an open one), then for what to fix first.
    """
    load = scheme_loader(month, lambda _branch: [])
    asked: list[str] = []

    def scheme_for(branch: str):
        asked.append(branch)
        return load(branch)

    earlier, later = "left_square_bracket", "right_square_bracket"
    keys = {  # the lead starts on the rankings, the engineer on his own figures
        "L1": [(k, RankingsScreen) for k in ("ctrl+r", earlier)]
        + [(k, ScoresScreen) for k in ("f7", "ctrl+r", later)],
        "E1": [(k, MyFiguresScreen) for k in ("ctrl+r", earlier, later)],
    }
    for code, presses in keys.items():
        app = FieldKpiApp(month, person(month, code), now=lambda: NOW, scheme_for=scheme_for)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            for key, screen in presses:
                asked.clear()
                await press(pilot, key)
                assert (type(app.screen), asked) == (screen, ["GZ"]), (code, key)


@async_test
async def test_a_lead_who_switches_to_a_quarterly_preset_sees_quarters(month):
    app = app_for(month, "zhoujl")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert text_of(app, "#month-label") == "Month"
        await press(pilot, "s")
        app.screen.query_one("#field-preset").value = "quarterly-bands"
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, RankingsScreen)
        assert app.screen.query_one("#month").value == "2026-Q4"  # November's quarter
        assert text_of(app, "#month-label") == "Quarter"
        assert "g quarter" in text_of(app, "#month-note")
        assert "preset quarterly-bands" in text_of(app, "#rank-scheme")
        assert [name for _rank, name, _total in reps(app)] != []


@async_test
async def test_after_a_switch_to_a_reps_only_preset_the_engineers_tab_has_no_headings(month, lang):
    """quarterly-bands appraises reps only: the engineers' tab kept the default scheme's
    headings (Service satisfaction, Service pts, Last 12 months) over "does not appraise"."""
    stale = [_("Last 12 months"), _("Last 12 quarters")] + [
        column.heading.split("\n")[0] for column in kpi_columns("engineer", scheme=default_scheme())
    ]  # the KPIs' names over their columns (their parts, "pts", are too short to look for)
    app = app_for(month, "zhoujl")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "t")
        assert _("Last 12 months") in screen_text(app)  # the default scheme's, before
        await press(pilot, "s")
        app.screen.query_one("#field-preset").value = "quarterly-bands"
        await press(pilot, "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, RankingsScreen)
        assert app.screen.query_one("TabbedContent").active == "engineers"
        shown = screen_text(app)
        assert _("The branch's scheme does not appraise engineers") in shown
        assert [heading for heading in stale if heading in shown] == []
        assert not app.screen.query_one("#engineer-table", RankTable).columns


@async_test
async def test_a_scheme_file_with_a_mistake_is_said_where_the_figures_would_be(month, tmp_path):
    path = tmp_path / "scheme-GZ.toml"
    path.write_text("[settings]\nno_such_setting = 1\n", encoding="utf-8")
    app = app_for(month, "zhoujl", path)  # the CLI refuses to start on it: written meanwhile
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        said = f"{path}:2: unknown key settings.no_such_setting"
        assert said in text_of(app, "#banner")
        assert "Loading…" not in screen_text(app)
        path.write_text('[settings]\nrep_satisfaction = "entered"\n', encoding="utf-8")
        await press(pilot, "ctrl+r")
        assert said not in text_of(app, "#banner")
        assert [name for _rank, name, _total in reps(app)] != []


@async_test
async def test_the_problem_key_follows_the_preset_another_session_switched_to(month):
    other = open_store(month.path)  # the lead, in a process of their own
    try:
        app = app_for(month, "zhangwei")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await press(pilot, "f2")
            table = app.screen.query_one(QueueTable)
            row = next(i for i, t in enumerate(table.tickets) if t.engineer_name)
            table.move_cursor(row=row)
            await settle(pilot)
            assert app.screen.check_action("report_problem", ())
            assert app.screen.check_action("deduction", ())
            choose_preset(other, person(other, "L1"), "GZ", "generic-bands", NOW)
            await wait_until(pilot, lambda: not app.screen.check_action("report_problem", ()))
            await press(pilot, "e")
            refused = "This branch's scheme does not use engineer-problem reports."
            assert notices(app)[-1] == refused
            # Opened before the app had read the scheme, the form reads it and says so.
            app.push_screen(ProblemForm(table.tickets[row].code))
            await settle(pilot)
            assert text_of(app, "#form-message") == refused
            await press(pilot, "escape")
            # generic-bands records no deductions either: the key and the form say so
            none = "This branch's scheme has no deduction, bonus or complaint you may record."
            assert not app.screen.check_action("deduction", ())
            app.push_screen(DeductionForm(table.tickets[row].code))
            await settle(pilot)
            assert text_of(app, "#form-message") == none
    finally:
        other.close()
