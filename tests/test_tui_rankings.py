"""The lead's rankings at 80×24: months, tabs, the facts behind each number, export, closing.

The month is ``test_end_to_end``'s (every number worked out in its docstring);
the clock stands at 2026-11-05 09:00. September, worked the same way, for the
change of rank: R1 is alone with visits (T7), 0 problems → feedback 20 (a pool of
one), T7 late −15 → 5; X1 no data anywhere → 0; R2 T9 open past 30 on 09-01 with
her as its rep → −150 ⇒ R1 1, X1 2, R2 3; R3 was not hired yet. Engineers: E2 no
data → 0; E1 T7 late and T9 open → (−15 − 150)/2 × 2.5 = −206.25 ⇒ E2 1, E1 2.
So October shows R1 =, R3 new, R2 =, E1 ↑1, E2 ↓1.
"""

from __future__ import annotations

import csv
import io
import re
import tomllib
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from month_helpers import AFTER_OCTOBER, DEFAULT, OCTOBER, load, person
from rankings_helpers import NOW, app_at, ranking_lines, seed_month, ticket_lines
from test_end_to_end import EXPECTED
from textual.widgets import Input
from tui_helpers import (
    SIZE,
    async_test,
    notices,
    press,
    screen_text,
    settle,
    table_rows,
    text_of,
    type_text,
)

from fieldkpi import export
from fieldkpi.explain import kpi_line
from fieldkpi.export_files import ExportRefused, checked_name
from fieldkpi.numbers import DASH
from fieldkpi.period import judge
from fieldkpi.scheme import default_for_every_branch, default_scheme, load_preset
from screens.app import FieldKpiApp
from screens.drilldown import DrilldownScreen
from screens.live_figures import LiveFiguresScreen
from screens.rank_forms import ExportForm, ReopenMonthForm
from screens.rankings import RankingsScreen, RankTable, rank_change
from screens.ticket_detail import TicketDetailScreen
from storage.appraisal import record_deduction
from storage.closing import close_month, month_log, month_state, rankings_for
from storage.db import open_store
from storage.people import staff_by_login


@pytest.fixture
def month(store):
    seed_month(store)
    return store


def as_exported(key: str, text: str) -> str:
    """A cell as the export spells it: rates as fractions, deductions as positive points (a
    dash for none, as ``fieldkpi rank`` has it: the export's 0.00), nothing measured as
    nothing."""
    text = text.split(" ")[0]
    if text == DASH:
        return "0.00" if key == "deductions" else ""
    if text.endswith("%"):
        return str((Decimal(text[:-1]) / 100).quantize(Decimal("0.0001")))
    if key == "deductions":
        return text.lstrip("-")
    return text


def export_form(role: str, cells: dict[str, str]) -> tuple:
    """A line of a table (:func:`rankings_helpers.ranking_lines`) in ``EXPECTED``'s order and
    spelling (the export's)."""
    total, _space, mark = cells["total"].partition(" ")
    reward = cells["reward"].replace("¥", "").lstrip("+")
    return (
        "GZ",
        role,
        cells["rank"],
        cells["staff_code"],
        *(
            as_exported(c, cells.get(c, ""))
            for c in (
                "feedback_rate feedback_points workload days saturation workload_points "
                "satisfaction satisfaction_points timeliness timeliness_points deductions"
            ).split()
        ),
        "1" if mark == "ⓩ" else "0",
        total,
        "0" if reward == "—" else reward,
    )


def chart(text: str) -> dict[str, str]:
    """The bucket chart's lines: bucket -> bar, count and points, spaces squeezed."""
    labels = [f"day {n}" for n in range(1, 8)] + ["past 7 days", "open past 30"]
    return {
        label: " ".join(line[len(label) :].split())
        for line in text.splitlines()
        for label in labels
        if line.startswith(label + " ") and not re.search(r"\bT\d+\b", line)  # not a ticket's
    }


def month_shown(app) -> str:
    return app.screen.query_one("#month").value


async def october(pilot) -> None:
    await press(pilot, "left_square_bracket")
    assert month_shown(pilot.app) == "2026-10"


async def open_facts(pilot, table_id: str, code: str, column: str) -> DrilldownScreen:
    """Enter on ``column`` of ``code``'s line."""
    table = pilot.app.screen.query_one(f"#{table_id}", RankTable)
    row = [r.staff_code for r in table.ranked].index(code)
    table.move_cursor(row=row, column=[c.key for c in table.columns_shown].index(column))
    await press(pilot, "enter")
    assert isinstance(pilot.app.screen, DrilldownScreen)
    return pilot.app.screen


def test_rank_change_against_last_month():
    assert [rank_change(1, 3), rank_change(4, 3), rank_change(2, 2), rank_change(1, None)] == [
        "↑2",
        "↓1",
        "=",
        "new",
    ]


@async_test
async def test_a_lead_starts_on_the_running_month_and_steps_through_months(month):
    app = app_at(month, "zhoujl")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, RankingsScreen)
        assert month_shown(app) == "2026-11"
        assert "PROVISIONAL — as of 2026-11-05 09:00:00" in text_of(app, "#banner")
        await october(pilot)
        assert text_of(app, "#banner") == "As of 2026-10-31 23:59:59 · not closed yet"
        await press(pilot, "right_square_bracket", "right_square_bracket")
        assert month_shown(app) == "2026-11"
        assert text_of(app, "#month-note") == "2026-12 has not begun yet."

        await press(pilot, "g")
        # The keys are in the box now, and the hint says so: [ and t would go nowhere.
        assert text_of(app, "#month-note") == "type a month, ⏎ · Esc back"
        await press(pilot, "escape")
        assert text_of(app, "#month-note") == "[ ] earlier / later · g month"
        assert isinstance(app.focused, RankTable)
        await press(pilot, "g")
        await type_text(pilot, "2026-07")
        await press(pilot, "enter")
        assert month_shown(app) == "2026-07"
        assert text_of(app, "#month-note") == "[ ] earlier / later · g month"
        assert isinstance(app.focused, RankTable)
        # July: nothing recorded for anyone, X1 still employed, R3 not yet hired: no data
        # for any KPI, all tied at 0.
        rows = table_rows(app, "#rep-table")
        assert [(r[0], r[1], r[2]) for r in rows] == [
            ("1", "张伟", "0.00"),
            ("1", "王芳", "0.00"),
            ("1", "赵敏", "0.00"),
        ]
        await press(pilot, "g")
        await type_text(pilot, "2026-13")
        await press(pilot, "enter")
        assert text_of(app, "#month-note") == "2026-13 is not a month like 2026-10."
        assert month_shown(app) == "2026-07"  # the month still on screen
        assert isinstance(app.focused, RankTable)  # the next key is not typed into the box


@async_test
async def test_every_number_of_the_export_is_on_screen_with_the_change_of_rank(month):
    app = app_at(month, "zhoujl")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await october(pilot)
        reps = await ranking_lines(pilot, "rep-table")  # every column, → by → as read
        assert [export_form("rep", cells) for cells in reps] == EXPECTED[:3]
        assert [(r["change"], r["name"]) for r in reps] == [
            ("=", "张伟"),
            ("new", "李娜"),
            ("=", "王芳"),
        ]
        assert reps[1]["workload_points"] == "20.00 *"
        assert "* first month: fixed points" in text_of(app, "#rank-status")
        # top and bottom stand out
        table = app.screen.query_one("#rep-table", RankTable)
        styles = [str(table.get_row_at(i)[1].style) for i in range(3)]
        assert styles == ["bold green", "", "bold red"]

        await press(pilot, "t")
        assert app.screen.query_one("TabbedContent").active == "engineers"
        engineers = await ranking_lines(pilot, "engineer-table")
        assert [export_form("engineer", cells) for cells in engineers] == EXPECTED[3:5]
        assert [r["change"] for r in engineers] == ["↑1", "↓1"]
        assert [r["total"] for r in engineers] == ["-64.75", "-156.25 ⓩ"]
        text = screen_text(app)
        assert "刘洋" in text and "陈工" in text and "Rank" in text
        await press(pilot, "t")
        assert app.screen.query_one("TabbedContent").active == "reps"


@async_test
async def test_timeliness_facts_add_up_to_the_ranking(month):
    app = app_at(month, "zhoujl")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await october(pilot)
        await press(pilot, "t")
        facts = await open_facts(pilot, "engineer-table", "E1", "timeliness_points")
        await settle(pilot)
        text = text_of(app, "#timeliness-facts")
        # E1: T1 day 1, T2 day 2, T5 day 4, T9 open past 30 days
        assert "Completion timeliness -25.50 (4 orders) × 2.5 = -63.75 points" in text
        assert "4 orders, -102.00 points → timeliness -25.50" in text
        assert chart(text) == {
            "day 1": "█" * 24 + " 1 +20",
            "day 2": "█" * 24 + " 1 +17",
            "day 3": "0",
            "day 4": "█" * 24 + " 1 +11",
            "day 5": "0",
            "day 6": "0",
            "day 7": "0",
            "past 7 days": "0",
            "open past 30": "█" * 24 + " 1 -150",
        }
        assert ticket_lines(text) == [
            ["day 1", "T1", "+20", "2026-10-03 09:00", "2026-10-03 15:00"],
            ["day 2", "T2", "+17", "2026-10-05 09:00", "2026-10-06 11:00"],
            ["day 4", "T5", "+11", "2026-10-20 10:00", "2026-10-23 16:00"],
            ["open past 30", "T9", "-150", "2026-08-01 10:00", "open"],
        ]
        assert facts.tabs == ["timeliness", "satisfaction", "deductions"]  # no rep-only tabs
        # Enter on a ticket of the list opens it; Esc comes back to the facts.
        await press(pilot, "down", "down", "down", "enter")
        assert isinstance(app.screen, TicketDetailScreen) and app.screen.code == "T9"
        assert "2026-08-01 10:00" in screen_text(app)
        await press(pilot, "escape")
        assert app.screen is facts
        await press(pilot, "escape")
        assert isinstance(app.screen, RankingsScreen)


@async_test
async def test_a_reps_facts_tab_by_tab(month):
    app = app_at(month, "zhoujl")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await october(pilot)
        await open_facts(pilot, "rep-table", "R1", "satisfaction")
        assert app.screen.query_one("TabbedContent").active == "satisfaction"
        assert (
            "张伟 (R1) · rep · GZ · 2026-10 · rank 1 · total 24.83 · reward +¥200"
            in screen_text(app)
        )

        text = text_of(app, "#timeliness-facts")  # T1 day 1, T2 day 2, T3 day 10
        assert "3 orders, 22.00 points → timeliness 7.33" in text

        text = text_of(app, "#satisfaction-facts")  # T7's callback of 10-01 counts in October
        assert "2 of 4 callbacks satisfied (rated 4 or more) → satisfaction 50.00%" in text
        ratings = [line.split()[2] for line in text.splitlines() if "★" in line]
        assert ratings == ["T7", "T1", "T2", "T3"]

        text = text_of(app, "#workload-facts")
        assert "30 actions over 20 days (attendance record) → 1.50 a day" in text
        assert "highest this year: 6.00 a day (2026-06, 赵敏) → saturation 25.00%" in text
        assert "intake" in text and "2026-10-15" in text

        text = text_of(app, "#feedback-facts")
        assert "3.00 problem points over 3 on-site visits → rate 100.00%" in text
        assert "陈工" in text and "迟到" in text and "刘洋" in text and "未带配件" in text

        text = text_of(app, "#deductions-facts")
        assert "3 events, 2.50 points off" in text
        assert text.count("Ticket opened after the visit") == 2 and "例会缺席" in text
        assert "-1.50" in text and text.count("-0.50") == 2 and "import" in text

        await press(pilot, "t")
        assert app.screen.query_one("TabbedContent").active == "workload"


@async_test
async def test_the_lead_sees_a_ticket_a_rep_dispatched_again_and_again_and_opens_it(month):
    """R1 dispatched T2 three times in 13 seconds: each counts (30 + 3 actions), and the
    Workload tab says so at the top and lists it under the days; Enter opens T2."""
    load(
        month,
        now=NOW,
        actions="staff,at,action,ticket\n"
        + "".join(f"R1,2026-10-06 11:00:{s:02d},dispatch,T2\n" for s in (0, 6, 13)),
    )
    app = app_at(month, "zhoujl")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await october(pilot)
        facts = await open_facts(pilot, "rep-table", "R1", "workload")
        await settle(pilot)
        assert app.screen.query_one("TabbedContent").active == "workload"
        shown = screen_text(app)
        assert "33 actions over 20 days (attendance record)" in shown
        assert "The same action more than once on 1 ticket: listed below" in shown
        line = ["T2", "dispatch", "×3", "2026-10-06 11:00", "2026-10-06 11:00"]
        assert line not in [cells[:5] for cells in ticket_lines(shown)]  # under 15 days of actions
        await press(pilot, "down")  # the keys are the list's: its line comes into view
        shown = screen_text(app)
        assert "Tickets with the same action more than once" in shown
        assert line in [cells[:5] for cells in ticket_lines(shown)]  # (a scrollbar may follow)
        await press(pilot, "enter")
        assert isinstance(app.screen, TicketDetailScreen) and app.screen.code == "T2"
        await press(pilot, "escape")
        assert app.screen is facts


async def export_as(pilot, name: str, fmt: str = "csv") -> None:
    """``x``, a file name and a format, and Ctrl+S."""
    await press(pilot, "x")
    assert isinstance(pilot.app.screen, ExportForm)
    pilot.app.screen.query_one("#field-format").value = fmt
    pilot.app.screen.query_one("#field-name").focus()
    await type_text(pilot, name)
    await press(pilot, "ctrl+s")


@async_test
async def test_export_writes_the_rows_of_fieldkpi_rank_into_the_export_folder(
    month, tmp_path, monkeypatch
):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    folder = tmp_path / "data/fieldkpi/exports"
    rows = rankings_for(month, judge(OCTOBER, NOW), default_for_every_branch, branch="GZ")
    app = app_at(month, "zhoujl")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await october(pilot)
        await press(pilot, "x", "ctrl+s")  # no name: the branch and the month
        path = folder / "fieldkpi-GZ-2026-10.csv"
        assert notices(app)[-1] == f"Exported 5 rows to {path}"
        raw = path.read_bytes().decode("utf-8")
        # The rows of `fieldkpi rank`, under headings a person reads (English here).
        assert raw == export.to_csv(rows, lambda column: export.heading(column, "en"))
        assert raw.splitlines()[1:] == export.to_csv(rows).splitlines()[1:]
        parsed = list(csv.DictReader(io.StringIO(raw.lstrip("\ufeff"))))
        assert [(r["Code"], r["Total"], r["Reward / penalty (¥)"]) for r in parsed] == [
            ("R1", "24.83", "200"),
            ("R3", "20.00", "0"),
            ("R2", "-32.80", "-100"),
            ("E1", "-64.75", "200"),
            ("E2", "-156.25", "-100"),
        ]

        # The same again: the first file is kept, the new one gets the next free name.
        await press(pilot, "x", "ctrl+s")
        again = folder / "fieldkpi-GZ-2026-10-2.csv"
        assert notices(app)[-1] == (
            f"Exported 5 rows to {again}\nfieldkpi-GZ-2026-10.csv was there already: it is kept."
        )
        assert path.read_bytes().decode("utf-8") == raw

        await export_as(pilot, "october", "toml")
        written = tomllib.loads((folder / "october.toml").read_text(encoding="utf-8"))
        assert written == tomllib.loads(export.to_toml(rows))
        assert written["rows"][0]["total"] == pytest.approx(24.83)

        await press(pilot, "x")  # the name an empty field stands for follows the format
        name = app.screen.query_one("#field-name", Input)
        assert name.placeholder == "fieldkpi-GZ-2026-10.csv"
        app.screen.query_one("#field-format").value = "xlsx"
        await settle(pilot)
        assert name.placeholder == "fieldkpi-GZ-2026-10.xlsx"
        await press(pilot, "ctrl+s")
        book = openpyxl.load_workbook(folder / "fieldkpi-GZ-2026-10.xlsx")
        assert book.sheetnames == ["Reps", "Engineers", "KPI breakdown"]
        assert [c.value for c in book["Reps"][1]][5:8] == ["Rank", "Code", "Name"]


@async_test
async def test_a_measured_value_reads_the_same_in_the_table_the_facts_and_the_workbook(
    month, tmp_path, monkeypatch
):
    # October: R3 had no rated callback, no order, no visit (nothing measured: a dash in
    # every one of them, not an empty cell in one and a dash in the other).
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    app = app_at(month, "zhoujl")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await october(pilot)
        table = app.screen.query_one("#rep-table", RankTable)
        lines = await ranking_lines(pilot, "rep-table")  # every column, → by → as read
        on_screen = {
            (row.staff_code, str(kpi.label)): (row, kpi, line[kpi.column])
            for row, line in zip(table.ranked, lines, strict=True)
            for kpi in row.scheme.kpis_of("rep")
        }
        await export_as(pilot, "october", "xlsx")
    book = openpyxl.load_workbook(tmp_path / "data/fieldkpi/exports/october.xlsx")
    on_paper = {
        (code, kpi): measured
        for _branch, role, _rank, code, _name, kpi, measured, _points in book[
            "KPI breakdown"
        ].iter_rows(min_row=2, values_only=True)
        if role == "Reps" and measured is not None
    }
    assert {key: cell for key, (_row, _kpi, cell) in on_screen.items()} == on_paper
    cells = {(code, kpi.id): cell for (code, _label), (_row, kpi, cell) in on_screen.items()}
    assert (cells["R1", "feedback"], cells["R1", "workload"]) == ("100.00%", "25.00%")
    assert (cells["R1", "timeliness"], cells["R3", "satisfaction"]) == ("7.33", DASH)
    for row, kpi, cell in on_screen.values():  # the facts screen's line of the KPI
        if cell != DASH and not row.kpi(kpi.id).first_month:  # those lines say no value
            assert f" {cell} " in kpi_line(row, kpi.id), (row.staff_code, kpi.id)


@pytest.mark.parametrize(
    ("name", "fmt", "why"),
    [
        ("../october.csv", "csv", "Give a file name only, without a folder"),
        ("/tmp/october.csv", "csv", "Give a file name only, without a folder"),
        ("..", "csv", "A file name may not start with a dot."),
        ("october.toml", "csv", "The name october.toml says TOML, but the format is CSV."),
        ("october.xlsx", "csv", "The name october.xlsx says XLSX, but the format is CSV."),
    ],
)
@async_test
async def test_export_takes_a_file_name_never_a_path(month, tmp_path, monkeypatch, name, fmt, why):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    app = app_at(month, "zhoujl")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await export_as(pilot, name, fmt)
        assert isinstance(app.screen, ExportForm)
        assert text_of(app, "#error-name").startswith(why)
    assert not (tmp_path / "october.csv").exists() and not list(tmp_path.glob("data/**/*.*"))


def test_a_file_name_that_reads_backwards_is_refused():
    """A right-to-left mark makes "oct<RLO>vsc.exe" read "octexe.csv". Pasted into the box
    the mark is dropped (screens.text_input); a name reaching the export otherwise is refused."""
    with pytest.raises(ExportRefused, match="Give a file name only, without a folder"):
        checked_name("oct\u202evsc.exe", "csv", "fieldkpi-GZ-2026-10.csv")


@async_test
async def test_export_with_no_format_chosen_takes_the_names_or_asks_for_one(
    month, tmp_path, monkeypatch
):
    """The format's blank choice ("Choose…"): a name ending in .xlsx says which format is
    wanted and is written so; a name that says none is not guessed to be CSV, the person is
    asked beside the format (it was "qa10-nov.xlsx is a XLSX name, but the format is CSV")."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    folder = tmp_path / "data/fieldkpi/exports"
    app = app_at(month, "zhoujl")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for name in ("qa10-nov.xlsx", "qa10-nov"):
            await press(pilot, "x")
            app.screen.query_one("#field-format").clear()
            app.screen.query_one("#field-name").focus()
            await type_text(pilot, name)
            await press(pilot, "ctrl+s")
            if name.endswith(".xlsx"):
                assert notices(app)[-1] == f"Exported 5 rows to {folder / name}"
        assert isinstance(app.screen, ExportForm)
        assert text_of(app, "#error-format") == "Choose a format: CSV, TOML or Excel (XLSX)."
        assert text_of(app, "#error-name") == ""
    assert sorted(p.name for p in folder.iterdir()) == ["qa10-nov.xlsx"]
    assert openpyxl.load_workbook(folder / "qa10-nov.xlsx").sheetnames[0] == "Reps"


@async_test
async def test_enter_on_the_chosen_format_exports(month, tmp_path, monkeypatch):
    """The format is the export's last field: Enter on it, a format chosen, exports, as Enter
    in every form's last field saves (it moved the focus on to the Export button, and nothing
    was written). With no format chosen, Enter opens its list; the next Enter chooses in
    it, and the one after exports."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    folder = tmp_path / "data/fieldkpi/exports"
    app = app_at(month, "zhoujl")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await october(pilot)
        await press(pilot, "x", "tab", "enter")  # on the format, CSV as the form opens
        assert not isinstance(app.screen, ExportForm)
        assert notices(app)[-1] == f"Exported 5 rows to {folder / 'fieldkpi-GZ-2026-10.csv'}"

        await press(pilot, "x")
        app.screen.query_one("#field-format").clear()
        await press(pilot, "tab", "enter")
        assert isinstance(app.screen, ExportForm)
        assert app.screen.query_one("#field-format").expanded  # not chosen: its list opens
        await press(pilot, "down", "down", "enter", "enter")  # Choose…, CSV, TOML; export
        assert not isinstance(app.screen, ExportForm)
    assert sorted(p.name for p in folder.iterdir()) == [
        "fieldkpi-GZ-2026-10.csv",
        "fieldkpi-GZ-2026-10.toml",
    ]


@async_test
async def test_export_never_writes_through_a_link_onto_the_database(month, tmp_path, monkeypatch):
    """A link in the export folder named like the export, pointing at the shared database."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    folder = tmp_path / "data/fieldkpi/exports"
    folder.mkdir(parents=True)
    database = month.path
    (folder / "fieldkpi-GZ-2026-11.csv").symlink_to(database)
    before = Path(database).read_bytes()
    app = app_at(month, "zhoujl")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "x", "ctrl+s")
        assert notices(app)[-1].startswith(f"Exported 5 rows to {folder}/fieldkpi-GZ-2026-11-2.csv")
    assert Path(database).read_bytes() == before
    assert month.scalar("SELECT count(*) FROM staff") > 0


@async_test
async def test_the_lead_sees_by_how_much_late_data_moved_each_person_of_a_closed_month(month):
    """An engineer hired into October after it was closed, with a ticket on day 1 of it:
    E3 20 × 2.5 = 50.00 (no callbacks: satisfaction 0) tops E1 (-64.75) and E2 (-156.25,
    forfeited), who keep their totals but drop a place; three ranked, one paid at each end:
    E3 +¥200, E2 still -¥100, E1 nothing. R2 is T12's rep.

    The banner tells of the first two by how much and counts the rest; ``l`` lists every
    one, frozen against live, headed as not the judged figures. E3 has no frozen row to
    take a name from: named all the same, never a bare staff code.
    """
    close_month(month, person(month, "L1"), "GZ", OCTOBER, DEFAULT, AFTER_OCTOBER)
    load(
        month,
        now=NOW,
        staff="code,name,role,branch,hired_on\nE3,黄工,engineer,GZ,2026-10-01\n",
        tickets="code,branch,kind,received_at,completed_at,engineer,rep\n"
        "T12,GZ,onsite_repair,2026-10-21 10:00,2026-10-21 15:00,E3,R2\n",
    )
    lead = app_at(month, "zhoujl")
    async with lead.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await october(pilot)
        assert text_of(lead, "#banner").splitlines()[1:] == [
            "Live figures now differ for 4 people: these frozen figures stay until an admin "
            "reopens the month (l: live vs frozen).",
            "  陈工 (E1): total -64.75, unchanged; rank 1 → 2; reward +¥200 → —",
            "  刘洋 (E2): total -156.25, unchanged; rank 2 → 3",
            "  … and 2 more: l shows every one",
        ]
        frozen_r2 = table_rows(lead, "#rep-table")[2]
        assert frozen_r2[1:3] == ["王芳", "-32.80"]  # the judged figures stay on the tables

        await press(pilot, "l")
        assert isinstance(lead.screen, LiveFiguresScreen)
        assert text_of(lead, "#live-head") == (
            "GZ 2026-10: live figures against the frozen ones\n"
            "Not the judged figures: the month is paid from its frozen figures until an admin "
            "reopens it."
        )
        heads = [str(c.label) for c in lead.screen.query_one("#live-table").columns.values()]
        assert heads == [
            "Name", "Code", "Role", "Frozen total", "Live total", "Difference", "Rank", "Reward"
        ]  # fmt: skip
        rows = table_rows(lead, "#live-table")
        assert rows[:3] == [
            ["陈工", "E1", "engineer", "-64.75", "-64.75", "0.00", "1 → 2", "+¥200 → —"],
            ["刘洋", "E2", "engineer", "-156.25", "-156.25", "0.00", "2 → 3", "-¥100"],
            ["黄工", "E3", "engineer", "not ranked", "50.00", "—", "— → 1", "— → +¥200"],
        ]
        assert rows[3][:4] == ["王芳", "R2", "rep", "-32.80"]
        await press(pilot, "escape")
        assert isinstance(lead.screen, RankingsScreen)


@async_test
async def test_close_keeps_the_frozen_figures_after_a_late_import_until_an_admin_reopens(month):
    lead = app_at(month, "zhoujl")
    async with lead.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "c")  # November is still running: said at once, no form to fill
        assert isinstance(lead.screen, RankingsScreen)
        assert notices(lead)[-1] == (
            "2026-11 is still running: it can be closed once it has ended."
        )

        await october(pilot)
        await press(pilot, "c")
        await type_text(pilot, "十月工资")
        await press(pilot, "enter")
        assert notices(lead)[-1] == "2026-10 of branch GZ is closed."
        assert text_of(lead, "#banner") == (
            "Closed by 周经理 at 2026-11-05 09:00:00 · frozen as of 2026-10-31 23:59:59 · 十月工资"
        )
        footer = screen_text(lead).splitlines()[-1]
        assert "Close period" not in footer and "Reopen" not in footer  # reopening: admins
        await press(pilot, "o", "l")  # nothing differs yet: no live view either
        assert isinstance(lead.screen, RankingsScreen)

        # A ticket of E1's, completed on day 1 in October, imported after the closing.
        load(month, now=NOW, tickets="code,branch,kind,received_at,completed_at,engineer,rep\n"
             "T11,GZ,onsite_repair,2026-10-20 10:00,2026-10-20 15:00,E1,R2\n")  # fmt: skip
        await press(pilot, "ctrl+r")
        banner = text_of(lead, "#banner")
        assert "Live figures now differ for 2 people: these frozen figures stay" in banner
        # live now: E1 (20 + 20 + 17 + 11 − 150)/5 = −16.4 × 2.5 = −41, − 1 = −42.00
        assert "  陈工 (E1): total -64.75 → -42.00 (+22.75)" in banner.splitlines()
        assert "-changed" in lead.screen.query_one("#banner").classes
        engineers = table_rows(lead, "#engineer-table")
        assert [r[2] for r in engineers] == ["-64.75", "-156.25 ⓩ"]  # still the frozen figures
        await press(pilot, "t")
        await open_facts(pilot, "engineer-table", "E1", "timeliness")
        text = text_of(lead, "#timeliness-facts")
        assert "Completion timeliness -25.50 (4 orders) × 2.5 = -63.75 points" in text  # frozen
        assert "As of 2026-10-31 23:59:59 · as the month was closed" in text
        assert "Data has come in since the closing: these facts include it" in text
        assert "5 orders" in text and "T11" in text
        await press(pilot, "escape")
    assert month_state(month, "GZ", OCTOBER).note == "十月工资"

    admin = app_at(month, "admin")
    async with admin.run_test(size=SIZE) as pilot:
        await settle(pilot)
        admin.screen.query_one("BranchPicker Select").value = "GZ"
        await settle(pilot)
        await october(pilot)
        await press(pilot, "o", "ctrl+s")
        assert "Say why the month is reopened" in text_of(admin, "#form-message")
        await type_text(pilot, "漏录工单")
        await press(pilot, "ctrl+s")
        assert notices(admin)[-1] == "2026-10 of branch GZ is open again."
        assert text_of(admin, "#banner") == "As of 2026-10-31 23:59:59 · not closed yet"
        # live now: E1 (20 + 20 + 17 + 11 − 150)/5 = −16.4 × 2.5 = −41, − 1 = −42.00
        engineers = table_rows(admin, "#engineer-table")
        assert [r[2] for r in engineers] == ["-42.00", "-156.25 ⓩ"]
        assert not isinstance(admin.screen, ReopenMonthForm)
    log = month_log(month, "GZ", OCTOBER)
    assert [(e.action, e.by, e.note) for e in log] == [
        ("close", "L1", "十月工资"),
        ("reopen", "A1", "漏录工单"),
    ]


def rep_totals(app) -> dict[str, Decimal]:
    """Each rep's total as the rankings table shows it, by name."""
    return {r[1]: Decimal(r[2]) for r in table_rows(app, "#rep-table")}


def another_session_deducts_two_from_wangfang(month) -> None:
    """The lead, in a second session on the same file, records a 2-point branch rule
    deduction of 王芳 (R2) on Oct 25."""
    other = open_store(month.path)
    try:
        record_deduction(
            other,
            staff_by_login(other, "zhoujl"),
            "R2",
            "branch_rule",
            "2",
            "例会缺席",
            default_scheme(),
            now=datetime(2026, 10, 25, 10, 0),
        )
    finally:
        other.close()


@async_test
async def test_a_save_in_another_session_moves_the_figures_on_screen(month):
    # A second session (another lead's SSH login, its own connection) records a fixed
    # 2-point branch-rule deduction against 王芳 in October: it stands at once (a lead's).
    lead = app_at(month, "zhoujl")
    async with lead.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await october(pilot)
        before = rep_totals(lead)
        another_session_deducts_two_from_wangfang(month)
        lead.check_for_changes()  # what the app's timer does every few seconds
        await settle(pilot)
        after = rep_totals(lead)
        assert month_shown(lead) == "2026-10"
        assert after["王芳"] == before["王芳"] - 2
        assert {k: v for k, v in after.items() if k != "王芳"} == {
            k: v for k, v in before.items() if k != "王芳"
        }


@async_test
async def test_the_facts_open_follow_a_save_in_another_session_on_their_tab_and_line(month):
    """The facts read again as the rankings beneath them do: a deduction recorded meanwhile
    is in the heading's total and on its tab; the tab shown and the list's cursor stay.
    They kept the total of when they were opened until Esc."""
    lead = app_at(month, "zhoujl")
    async with lead.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await october(pilot)
        facts = await open_facts(pilot, "rep-table", "R2", "timeliness")
        await press(pilot, "down")
        tickets_of, line = lead.focused, lead.focused.cursor_row
        assert line == 1
        head = text_of(lead, "#facts-head")
        total = Decimal(re.search(r"total (-?[\d.]+)", head)[1])
        another_session_deducts_two_from_wangfang(month)
        lead.check_for_changes()
        await settle(pilot)
        assert lead.screen is facts
        assert f"total {total - 2:.2f}" in text_of(lead, "#facts-head")
        assert "例会缺席" in text_of(lead, "#deductions-facts")
        assert lead.screen.query_one("TabbedContent").active == "timeliness"
        assert lead.focused is tickets_of and tickets_of.cursor_row == line


@async_test
async def test_a_lead_sees_only_their_branch_and_an_admin_chooses(month):
    lead = app_at(month, "zhengjl")  # SZ's lead
    async with lead.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await october(pilot)
        assert not lead.screen.query("BranchPicker Select")
        assert [r.staff_code for r in lead.screen.query_one("#rep-table", RankTable).ranked] == [
            "S1"
        ]
        assert "张伟" not in screen_text(lead)
        await press(pilot, "b")
        assert isinstance(lead.focused, RankTable)

    admin = app_at(month, "admin")
    async with admin.run_test(size=SIZE) as pilot:
        await settle(pilot)
        select = admin.screen.query_one("BranchPicker Select")
        assert [value for _label, value in select._options] == ["GZ", "HQ", "SZ"]
        select.value = "SZ"
        await settle(pilot)
        await october(pilot)
        # SZ: one rep, nothing recorded: no data for any KPI, and one person is paid nothing
        assert [(r[1], r[2], r[3]) for r in table_rows(admin, "#rep-table")] == [
            ("孙丽", "0.00", "—")
        ]
        assert admin.screen.ranking.branch == "SZ"
        assert isinstance(admin.screen.ranking.rows[0].total, Decimal)


@async_test
async def test_a_withdrawal_on_the_events_screen_moves_the_rankings_beneath_it(month):
    # The lead's own session, one connection: no PRAGMA data_version tells the rankings;
    # the form that saved does. R2's internal complaint (2 points) is withdrawn.
    lead = app_at(month, "zhoujl")
    async with lead.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await october(pilot)
        before = rep_totals(lead)
        await press(pilot, "f6", "v")
        await settle(pilot)
        events = lead.screen.events
        row = next(i for i, e in enumerate(events) if e.kind == "complaint_internal")
        lead.screen.query_one("#events").move_cursor(row=row)
        await press(pilot, "r")
        await type_text(pilot, "核实不属实")
        await press(pilot, "ctrl+s")
        await press(pilot, "f4")
        await settle(pilot)
        assert isinstance(lead.screen, RankingsScreen) and month_shown(lead) == "2026-10"
        after = rep_totals(lead)
        assert after["王芳"] == before["王芳"] + 2


@async_test
async def test_a_role_the_branchs_scheme_leaves_out_is_said_to_be_so(month):
    """quarterly-bands appraises reps only: the engineers' tab said "Nobody to rank", over the
    default scheme's columns, as if the branch had no engineers with figures."""
    lead = staff_by_login(month, "zhoujl")
    scheme = load_preset("quarterly-bands")
    app = FieldKpiApp(month, lead, now=lambda: NOW, scheme_for=lambda _b: scheme)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert text_of(app, "#rank-status").startswith("3 ranked")
        await press(pilot, "t")
        assert text_of(app, "#rank-status") == "The branch's scheme does not appraise engineers"
