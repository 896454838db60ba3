"""Output that fits a Chinese office: Chinese CSV headings on request, an .xlsx workbook, the table.

Three hand-made ranking rows (two reps of GZ, one engineer), so every number
below can be checked by eye: rates to 4 places, points to 2, the reward in yuan.
"""

from __future__ import annotations

import csv
import gettext
import io
import zipfile
from dataclasses import replace
from datetime import date
from fractions import Fraction as F
from xml.etree import ElementTree

import openpyxl
import pytest
from appraisal_helpers import MONTH_END, days, person, rank
from rich.cells import cell_len
from tui_helpers import seed_desk

from fieldkpi import cli
from fieldkpi.export import FLAG, HEAD, TEXT, TIME, columns_for, heading, to_csv
from fieldkpi.figures import TicketCounts
from fieldkpi.i18n import set_language
from fieldkpi.numbers import points
from fieldkpi.period import Judgement, Period
from fieldkpi.scheme import load_scheme
from fieldkpi.table import render_table
from fieldkpi.xlsx import write_xlsx

AS_OF = MONTH_END.as_of
# Two reps of GZ (one with a name a spreadsheet must not run) and an engineer, ranked by the
# default scheme: every number below is the engine's, checked by eye.
REPS = rank(
    "rep",
    person(  # feedback 1/3, workload 30/20 (annual max 6 → 25 %), satisfied 1/2, 22/3
        "R1",
        tickets=TicketCounts(by_day=days(1, 1), late=1),
        ratings=(0, 0, 1, 0, 1),
        problem_points=F(1),
        visits=3,
        workload=30,
        attendance_days=20,
        deductions={"backfill": 5},
    ),
    person(  # feedback 0, workload 120/20 = 6, satisfied 1, (11 − 15 − 450)/5
        "R2",
        tickets=TicketCounts(by_day=days(0, 0, 0, 1), late=1, open_over=3),
        ratings=(0, 0, 0, 0, 1),
        problem_points=F(0),
        visits=2,
        workload=120,
        attendance_days=20,
        deductions={"violation": 2},
    ),
)
REPS = [r if r.staff_code == "R1" else replace(r, name="=1+1") for r in REPS]
ENGINEERS = rank(
    "engineer",
    person("E1", "engineer", tickets=TicketCounts(by_day=days(1)), ratings=(1, 0, 0, 0, 1)),
)
REPS_SORTED = sorted(REPS, key=lambda r: r.staff_code)
ROWS = [*REPS_SORTED, *ENGINEERS]
NAMES = [c.name for c in columns_for(ROWS)]


def test_csv_headings_stay_the_documented_names_unless_chinese_is_asked_for():
    default = list(csv.reader(io.StringIO(to_csv(ROWS).lstrip("\ufeff"))))
    chinese = list(
        csv.reader(io.StringIO(to_csv(ROWS, lambda c: heading(c, "zh")).lstrip("\ufeff")))
    )
    assert default[0] == NAMES
    assert default[0][:8] == [c.name for c in HEAD]
    assert chinese[0][:8] == [
        "考核月份",
        "数据截至",
        "临时结果",
        "分公司",
        "岗位",
        "排名",
        "工号",
        "姓名",
    ]
    assert chinese[0][NAMES.index("timeliness")] == "完单及时率"
    assert chinese[0][NAMES.index("saturation")] == "工作饱和度"
    assert chinese[0][NAMES.index("reward")] == "奖励/罚款（元）"
    assert chinese[1:] == default[1:]  # the same rows under either heading


def _workbook(**kwargs) -> openpyxl.Workbook:
    out = io.BytesIO()
    write_xlsx(ROWS, out, **kwargs)
    out.seek(0)
    return openpyxl.load_workbook(out)


def _sheet_rows(sheet) -> list[dict]:
    header = [c.value for c in sheet[1]]
    return [dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2)]


def test_workbook_has_a_sheet_per_role_with_numbers_and_formats():
    book = _workbook()
    assert book.sheetnames == ["Reps", "Engineers", "KPI breakdown"]
    reps, engineers = book["Reps"], book["Engineers"]
    assert reps.freeze_panes == engineers.freeze_panes == "A2"
    assert [c.value for c in reps[1]] == [c.name for c in columns_for(REPS)]
    assert "feedback_rate" not in [c.value for c in engineers[1]]
    first, second = _sheet_rows(reps)
    assert first["as_of"].value == AS_OF
    assert first["as_of"].number_format == "yyyy-mm-dd hh:mm:ss"
    assert (first["feedback_rate"].value, first["feedback_rate"].number_format) == (0.3333, "0.00%")
    assert (first["saturation"].value, first["saturation"].number_format) == (0.25, "0.00%")
    assert (first["timeliness"].value, first["timeliness"].number_format) == (7.33, "0.00")
    assert (first["workload"].value, first["workload"].number_format) == (30, "0")
    assert first["total"].number_format == "0.00"
    assert first["reward"].number_format.startswith('"¥"#,##0.00')
    assert (first["total"].value, first["reward"].value, second["reward"].value) == (
        24.83,
        200,
        -100,
    )
    assert (second["name"].value, second["name"].data_type) == ("=1+1", "s")
    (engineer,) = _sheet_rows(engineers)
    assert (engineer["name"].value, engineer["timeliness_points"].value) == ("Name E1", 50)


def test_workbook_prints_one_landscape_page_wide_with_headings_on_every_page():
    book = _workbook()
    for sheet in book.worksheets:
        setup = sheet.page_setup
        assert (setup.orientation, setup.fitToWidth, setup.fitToHeight) == ("landscape", 1, 0)
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.print_title_rows == "$1:$1"
    assert book["Reps"].oddHeader.center.text == "GZ · Reps · 2026-10 · as of 2026-10-31 23:59:59"


def test_breakdown_sheet_adds_up_each_persons_total_kpi_by_kpi():
    lines = [[c.value for c in row] for row in _workbook()["KPI breakdown"].iter_rows()]
    assert lines[0] == ["Branch", "Role", "Rank", "Code", "Name", "KPI", "Measured", "Points"]
    r1 = [line[5:] for line in lines if line[3] == "R1"]
    assert [kpi for kpi, _m, _p in r1] == [
        "Engineer-problem feedback rate",
        "Workload saturation",
        "Satisfaction",
        "Completion timeliness",
        "Deductions and bonuses",
        "Total",
    ]
    assert r1[0][1] == "33.33%" and r1[4][2] == -2.5
    assert sum(points for _kpi, _measured, points in r1[:-1]) == pytest.approx(r1[-1][2])
    e1 = [line[5:] for line in lines if line[3] == "E1"]
    assert [kpi for kpi, _m, _p in e1] == ["Service satisfaction", "Completion timeliness", "Total"]


def test_workbook_in_chinese_names_its_sheets_and_headings_in_chinese(zh):
    book = _workbook(language="zh", roles=("rep",))
    # a row's role always has its sheet
    assert book.sheetnames == ["客服代表", "上门服务工程师", "指标明细"]
    assert [c.value for c in book["客服代表"][1]][5:9] == [
        "排名",
        "工号",
        "姓名",
        "工程师问题反馈率",
    ]
    roles = {r["岗位"].value for r in _sheet_rows(book["客服代表"])}
    assert roles == {"客服代表"}  # in words, as the breakdown sheet says it; codes in the CSV
    only_reps = io.BytesIO()
    write_xlsx(REPS, only_reps, roles=("rep",))
    assert openpyxl.load_workbook(only_reps).sheetnames == ["客服代表", "指标明细"]


def test_chinese_table_lines_up_and_shows_yuan(zh):
    text = render_table(ROWS, {"GZ": "广州"}, Judgement(Period(2026, 10), AS_OF), width=120)
    lines = text.splitlines()
    assert lines[0].startswith("GZ 广州 · 客服代表 · 2026-10")
    assert "完单及时率" in text and "截至 2026-10-31 23:59:59" in text
    assert "+¥200" in text and "-¥100" in text
    rep_rows = [line for line in lines if " R1 " in line or " R2 " in line]
    assert len({cell_len(line.rstrip()) for line in rep_rows}) == 1  # Chinese names line up
    assert len({cell_len(line[: line.index(".") - 2]) for line in rep_rows}) == 1


@pytest.mark.parametrize("names", [{}, {"GZ": "GZ"}])
def test_a_branch_without_a_name_of_its_own_is_titled_by_its_code_once(names):
    """A branch made by a staff import has no name: the table was titled "GZ GZ · …"."""
    text = render_table(ROWS, names, Judgement(Period(2026, 10), AS_OF), width=120)
    assert text.splitlines()[0].startswith("GZ · Customer-service reps · 2026-10")


@pytest.mark.parametrize("language", ["zh", "en"])
def test_at_80_columns_who_and_the_total_are_whole_and_the_title_has_its_line(language):
    set_language(language)
    try:
        text = render_table(ROWS, {"GZ": "广州"}, Judgement(Period(2026, 10), AS_OF), width=80)
        title_end = str(REPS[0].scheme.label)
    finally:
        set_language("en")
    lines = text.splitlines()
    assert all(cell_len(line) <= 80 for line in lines)
    assert lines[0].rstrip().endswith(title_end)  # the table starts on a line of its own
    for row in ROWS:
        line = next(line for line in lines if f" {row.staff_code} " in line)
        assert row.name in line and f" {points(row.total)} " in line


@pytest.fixture
def desk_db(store):
    seed_desk(store)
    return str(store.path)


def test_rank_headers_zh_and_xlsx_from_the_command_line(desk_db, tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("LANGUAGE", raising=False)
    args = ["rank", "--db", desk_db, "--month", "2026-10", "--as-of", "2026-10-15 09:30:00"]
    assert cli.main([*args, "--format", "csv", "--headers", "zh"]) == 0
    header = capsys.readouterr().out.lstrip("\ufeff").splitlines()[0]
    assert header.startswith("考核月份,数据截至,临时结果,分公司,岗位,排名,工号,姓名,")
    assert cli.main([*args, "--format", "csv"]) == 0
    assert capsys.readouterr().out.lstrip("\ufeff").startswith("period,as_of,provisional,")

    assert cli.main([*args, "--format", "xlsx"]) == 2
    assert "-o" in capsys.readouterr().err
    path = tmp_path / "2026-10.xlsx"
    try:
        assert cli.main([*args, "--lang", "zh", "--format", "xlsx", "-o", str(path)]) == 0
    finally:
        set_language("en")
        gettext.textdomain("messages")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["客服代表", "上门服务工程师", "指标明细"]
    reps = _sheet_rows(book["客服代表"])
    assert {r["工号"].value for r in reps} == {"R1", "R2", "R9"}
    assert {r["姓名"].value for r in reps} >= {"王芳", "陈静"}


def test_a_schemes_kpi_label_is_text_in_csv_and_workbook_headings(tmp_path, zh):
    # A branch's scheme file names the KPI; a spreadsheet must not run "=…" as a formula,
    # and a terminal escape typed into the file is not kept.
    path = tmp_path / "gz.toml"
    path.write_text(
        '[[kpi]]\nid = "feedback"\nrole = "rep"\nlabel = "=HYPERLINK(\\"x\\")\\u001b[2J"\n',
        encoding="utf-8",
    )
    scheme = load_scheme(path)
    assert str(scheme.kpi("rep", "feedback").label) == '=HYPERLINK("x")[2J'
    rows = [replace(r, scheme=scheme) for r in REPS]
    head = next(csv.reader(io.StringIO(to_csv(rows, lambda c: heading(c, "zh")).lstrip("\ufeff"))))
    assert '\'=HYPERLINK("x")[2J' in head
    book = io.BytesIO()
    write_xlsx(rows, book, language="zh", roles=("rep",))
    titles = openpyxl.load_workbook(book)["客服代表"][1]
    cell = next(c for c in titles if str(c.value).startswith("=HYPERLINK"))
    assert cell.data_type == "s"


def test_a_new_hires_fixed_points_are_marked_first_month_in_the_table_as_on_screen():
    # R3 joins on 10-10 and has done nothing: her workload KPI is both "first month" (20
    # points, fixed) and without data. The 20 points are not "no data: 0 points".
    rows = rank("rep", person("R1", visits=1), person("R3", hired_on=date(2026, 10, 10)))
    r3 = next(r for r in rows if r.staff_code == "R3")
    workload = r3.kpi("workload")
    assert (workload.first_month, workload.flag, workload.points) == (True, "no_workload", 20)
    text = render_table(rows, {}, Judgement(Period(2026, 10), AS_OF), width=160)
    line = next(line for line in text.splitlines() if "R3" in line)
    assert "20.00 *" in line and "20.00 ○" not in line
    assert "first month: fixed points" in text


def test_workbook_numbers_are_the_csvs_digits_not_a_floats():
    """A rate of 2/29 is 0.0690 in the CSV; openpyxl wrote the Decimal through a float's 16
    digits (0.06900000000000001), so that `=Q2=0.069` in Excel said FALSE."""
    out = io.BytesIO()
    write_xlsx(ROWS, out)
    with zipfile.ZipFile(out) as book:
        sheet = ElementTree.fromstring(book.read("xl/worksheets/sheet1.xml"))  # reps
    ns = {"x": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    written = [
        [cell.findtext("x:v", namespaces=ns) for cell in line.findall("x:c", ns)]
        for line in sheet.iterfind("x:sheetData/x:row", ns)
    ]
    csv_rows = list(csv.reader(io.StringIO(to_csv(REPS_SORTED).lstrip("\ufeff"))))
    numbers = [
        i for i, c in enumerate(columns_for(REPS_SORTED)) if c.kind not in (TEXT, TIME, FLAG)
    ]
    compared = 0
    for ours, theirs in zip(written[1:], csv_rows[1:], strict=True):
        for i in numbers:
            if theirs[i]:
                assert ours[i] == theirs[i], (columns_for(REPS_SORTED)[i].name, ours[i])
                compared += 1
    assert compared and any("." in row[i] for row in csv_rows[1:] for i in numbers)
