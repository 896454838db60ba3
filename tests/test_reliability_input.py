"""Hostile input: generated CSV thrown at the importer, formula cells in exports, any Unicode typed.

The importer either imports or refuses with ``ImportRejected`` — never another
exception — and a refusal leaves the database exactly as it was, naming every
problem as ``FILE:LINE: column: reason`` on one line each. Free text keeps any
script or emoji, and loses the control characters a terminal would obey
(storage cleans them on the way in: :mod:`fieldkpi.cleantext`).
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import tempfile
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from import_helpers import STAFF, TABLES, dump
from month_helpers import OCTOBER
from ticket_helpers import TICKET_FIELDS, seed_staff

from fieldkpi import cli
from fieldkpi.cleantext import clean_text
from fieldkpi.period import judge
from fieldkpi.scheme import default_for_every_branch
from storage import tickets
from storage.csvrows import KINDS
from storage.db import open_store
from storage.importer import ImportRejected, import_files
from storage.migrations import ACTION_KINDS, DEDUCTION_KINDS, ROLES, TICKET_KINDS
from storage.rankings import compute_rankings
from storage.typed import FieldErrors

CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
LINE_BREAK = re.compile(rb"\r\n|\r|\n")  # as editors count lines, and so the importer
HOSTILE = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
NOW = datetime(2026, 11, 5, 8, 30)

# ------------------------------------------------------------ generated CSV files

FORMULAS = [
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://evil.example","点我")',
    "+1+1",
    "-2+3",
    "@SUM(A1)",
]
DATES = [
    "2026-02-30",
    "2026-10-01 09:00",
    "2026/10/01",
    "2026-13-01",
    "1/10/2026",
    "2026-10-01T25:00",
]
NUMBERS = ["-1", "0", "1", "1.5", "1e3", "nan", "inf", "１", " 2 ", "1,5", "abc", "9" * 400]
CODES = ["R1", "R2", "E1", "E2", "L1", "T0", "T1", "T2", "GZ", "SZ", "XX", "2026-10"]
cells = st.one_of(
    st.just(""),
    st.sampled_from(CODES),
    st.sampled_from(ROLES + TICKET_KINDS + ACTION_KINDS + DEDUCTION_KINDS),
    st.sampled_from(DATES),
    st.sampled_from(NUMBERS),
    st.sampled_from(FORMULAS),
    st.text(max_size=12),  # any Unicode: Chinese, emoji, quotes, line breaks, control characters
    st.sampled_from([10_000, 10_001, 50_000]).map(lambda n: "长" * n),
)


def sound_cells(kind: str) -> dict[str, st.SearchStrategy[str]]:
    """A good value for each column of ``kind`` (free text is any Unicode; codes repeat)."""
    free = st.text(max_size=12)
    return {
        "code": st.integers(1, 4).map(lambda n: f"{'N' if kind == 'staff' else 'T'}{n}"),
        "name": free,
        "role": st.just("rep"),
        "branch": st.just("GZ"),
        "hired_on": st.just("2025-01-01"),
        "kind": st.just("violation" if kind == "deductions" else "onsite_repair"),
        "received_at": st.just("2026-10-01 09:00"),
        "completed_at": st.sampled_from(["", "2026-10-02 17:00"]),
        "cancelled": st.just("0"),
        "engineer": st.just("E1"),
        "rep": st.just("R1"),
        "rating": st.sampled_from(["", "5"]),
        "staff": st.sampled_from(["R1", "E1"]),
        "at": st.just("2026-10-03 08:00"),
        "action": st.just("intake"),
        "ticket": st.sampled_from(["", "T0"]),
        "month": st.sampled_from(["2026-10", "2026-11"]),
        "days": st.just("20"),
    } | dict.fromkeys(("customer", "phone", "address", "product", "fault", "note", "login"), free)


@st.composite
def rows_of(draw, kind: str, header: list[str]) -> list[str]:
    """A sound row with up to three cells made hostile, now and then a cell short or over."""
    sound = sound_cells(kind)
    row = [draw(sound.get(name.strip().lower(), st.just(""))) for name in header]
    for index in draw(st.lists(st.integers(0, len(row) - 1), max_size=3)):
        row[index] = draw(cells)
    if draw(st.integers(0, 9)) == 0:
        row = row[:-1] if draw(st.booleans()) else [*row, draw(cells)]
    return row


@st.composite
def csv_files(draw) -> bytes:
    if draw(st.integers(0, 9)) == 0:
        return draw(st.sampled_from([b"", b"\xef\xbb\xbf", b"\r\n\r\n", b'"', b"\x00\x01"]))
    kind = KINDS[draw(st.sampled_from(list(KINDS)))]
    chosen = draw(st.lists(st.sampled_from(kind.names), unique=True))
    header = draw(st.permutations(list(dict.fromkeys([*kind.required, *chosen]))))
    if draw(st.integers(0, 5)) == 0:  # a header spelt or padded oddly
        odd = draw(st.sampled_from(["", " Code ", "\ufeffcode", "colour", "DAYS", "note"]))
        header = [*header[1:], odd]
    rows = draw(st.lists(rows_of(kind.name, header), max_size=6))
    if draw(st.booleans()):
        out = io.StringIO()
        newline = draw(st.sampled_from(["\r\n", "\n"]))
        csv.writer(out, lineterminator=newline).writerows([header, *rows])
        text = out.getvalue()
    else:  # written by hand: quotes and commas inside cells go unescaped
        text = "".join(",".join(row) + "\n" for row in [header, *rows])
    if draw(st.integers(0, 3)) == 0:
        at = draw(st.integers(0, len(text)))
        text = text[:at] + "\ufeff" + text[at:]  # a stray BOM
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "gbk", "utf-16"]))
    return text.encode(encoding, errors="replace")


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """A database with the staff of ``import_helpers.STAFF`` and one ticket T0, copied per example."""
    folder = tmp_path_factory.mktemp("template")
    (folder / "staff.csv").write_text(STAFF, encoding="utf-8")
    (folder / "tickets.csv").write_text(
        "code,branch,kind,received_at\nT0,GZ,onsite_repair,2026-09-01 09:00\n", encoding="utf-8"
    )
    store = open_store(folder / "template.db")
    import_files(store, [folder / "staff.csv", folder / "tickets.csv"], now=NOW)
    store.close()
    return folder / "template.db"


def counts(store) -> dict[str, int]:
    return {table: store.scalar(f"SELECT count(*) FROM {table}") for table in TABLES}


def control_characters_stored(store) -> list[tuple]:
    found = []
    for table in TABLES:
        for row in store.query(f"SELECT * FROM {table}"):
            found += [
                (table, value) for value in row if isinstance(value, str) and CONTROL.search(value)
            ]
    return found


@HOSTILE
@given(files=st.lists(csv_files(), min_size=1, max_size=3))
def test_generated_csv_is_imported_whole_or_refused_line_by_line(template, files):
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "branch.db"
        shutil.copyfile(template, db)
        paths = []
        for n, data in enumerate(files):
            paths.append(Path(folder) / f"f{n}.csv")
            paths[-1].write_bytes(data)
        store = open_store(db)
        try:
            before, sizes = dump(store), counts(store)
            try:
                report = import_files(store, paths, now=NOW)
            except ImportRejected as refusal:
                assert dump(store) == before  # not a single row written
                check_report(refusal, paths, files)
            else:
                assert not any(_not_utf8(data) for data in files)
                after = counts(store)
                for kind, done in report.counts.items():
                    assert after[kind] - sizes[kind] == done["added"], kind
                assert control_characters_stored(store) == []
                compute_rankings(
                    store, judge(OCTOBER, NOW), default_for_every_branch
                )  # and it ranks
        finally:
            store.close()


def _not_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def check_report(refusal: ImportRejected, paths: list[Path], files: list[bytes]) -> None:
    """Every line is FILE:LINE: column: reason (FILE:LINE: reason for a whole row or file), of a
    file given, about a line that file has."""
    lines = str(refusal).split("\n")
    assert lines == [str(bad) for bad in refusal.bad_rows]
    assert lines
    names = {str(path): data for path, data in zip(paths, files, strict=True)}
    for line, bad in zip(lines, refusal.bad_rows, strict=True):
        assert not CONTROL.search(line), line
        match = re.fullmatch(r"(.+?):(\d+): (.+)", line)
        assert match and match.group(1) in names, line
        data = names[bad.file]
        assert 1 <= bad.line <= len(LINE_BREAK.findall(data)) + 1, line
        if bad.column:
            assert match.group(3).startswith(f"{bad.column}: "), line
            assert any(bad.column in kind.names for kind in KINDS.values()), line
    for path, data in names.items():
        if _not_utf8(data):
            assert any(bad.file == path for bad in refusal.bad_rows), path


def test_a_number_of_400_digits_is_refused_not_read_as_infinity(template, tmp_path):
    db = tmp_path / "b.db"
    shutil.copyfile(template, db)
    path = tmp_path / "d.csv"
    path.write_text(
        f"rep,engineer,at,points\nR1,E1,2026-10-02 09:00,{'9' * 400}\n", encoding="utf-8"
    )
    store = open_store(db)
    try:
        with pytest.raises(ImportRejected) as refusal:
            import_files(store, [path])
    finally:
        store.close()
    assert str(refusal.value) == f"{path}:2: points: “{'9' * 40}…” is too large (at most 100)"


def test_a_gbk_file_is_told_to_be_saved_as_utf8_by_the_command(tmp_path, capsys):
    path = tmp_path / "staff.csv"
    path.write_bytes("code,name,role,branch\nR3,赵敏,rep,GZ\n".encode("gbk"))
    assert cli.main(["import", "--lang", "en", "--db", str(tmp_path / "b.db"), str(path)]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"{path}:2: the file is not UTF-8: it looks like GBK/GB18030 (the first bad byte is on "
        "this line); save it as UTF-8 (in Excel: Save As “CSV UTF-8”) and import it again",
        "1 bad row: nothing was imported",
    ]


def test_control_characters_are_dropped_on_import_and_written_out_in_messages(template, tmp_path):
    db = tmp_path / "b.db"
    shutil.copyfile(template, db)
    store = open_store(db)
    good = tmp_path / "good.csv"
    good.write_text(
        'code,name,role,branch\nR5,"王\x1b[2J芳\x07👩🔧\r\n二号",rep,GZ\n', encoding="utf-8"
    )
    bad = tmp_path / "bad.csv"
    bad.write_text("staff,month,days\nR1,\x1b[31m2026-10,20\n", encoding="utf-8")
    try:
        import_files(store, [good])
        assert store.scalar("SELECT name FROM staff WHERE code = 'R5'") == "王[2J芳👩🔧 二号"
        with pytest.raises(ImportRejected) as refusal:
            import_files(store, [bad])
    finally:
        store.close()
    assert str(refusal.value) == (f"{bad}:2: month: “\\x1b[31m2026-10” is not a month (YYYY-MM)")


# ------------------------------------------------------------ exports


def test_formula_names_come_out_of_the_csv_export_as_plain_text(tmp_path, capsys):
    staff = tmp_path / "staff.csv"
    staff.write_text(
        "code,name,role,branch,hired_on\n"
        'R1,"=HYPERLINK(""http://evil.example"",""点我"")",rep,GZ,2024-01-01\n'
        "-E1,=cmd|' /C calc'!A0,engineer,GZ,2024-01-01\n"
        "E2,+1+1,engineer,GZ,2024-01-01\n",
        encoding="utf-8",
    )
    db = str(tmp_path / "b.db")
    assert cli.main(["import", "--db", db, str(staff)]) == 0
    capsys.readouterr()
    assert cli.main(["rank", "--db", db, "--month", "2026-10", "--format", "csv"]) == 0
    table = list(csv.DictReader(io.StringIO(capsys.readouterr().out.lstrip("\ufeff"))))
    assert sorted((row["staff_code"], row["name"]) for row in table) == [
        ("'-E1", "'=cmd|' /C calc'!A0"),
        ("E2", "'+1+1"),
        ("R1", '\'=HYPERLINK("http://evil.example","点我")'),
    ]


# ------------------------------------------------------------ typed free text


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    """One store and its crew for every example (tickets pile up; each is checked on its own)."""
    store = open_store(tmp_path_factory.mktemp("desk") / "desk.db")
    yield store, seed_staff(store)
    store.close()


TYPED = ("customer", "address", "product", "fault")


@HOSTILE
@given(typed=st.fixed_dictionaries({name: st.text(max_size=30) for name in TYPED}))
def test_any_unicode_typed_round_trips_without_its_control_characters(desk, typed):
    store, crew = desk
    kept = {name: clean_text(value).strip() or None for name, value in typed.items()}
    try:
        ticket = tickets.new_ticket(store, crew.rep, TICKET_FIELDS | typed, now=NOW)
    except FieldErrors as refusal:
        assert set(refusal.errors) == {n for n in ("customer", "address") if kept[n] is None}
        return
    for name, value in typed.items():
        assert getattr(ticket, name) == kept[name]
        if not CONTROL.search(value):
            assert getattr(ticket, name) == (value.strip() or None)  # Chinese, emoji: as typed
    created = {row.field: row.new for row in tickets.ticket_history(store, crew.rep, ticket.code)}
    assert {name: created.get(name) for name in TYPED} == kept


def test_a_terminal_escape_typed_into_a_form_is_not_kept(desk):
    store, crew = desk
    fields = TICKET_FIELDS | {
        "customer": "王芳👩\u200d🔧\x1b]0;pwned\x07\x1b[2J",
        "fault": "无法\n开机\t👩\u200d🔧",
    }
    ticket = tickets.new_ticket(store, crew.rep, fields, now=NOW)
    # A name loses even the emoji joiner (names that look alike are alike); free text keeps it.
    assert (ticket.customer, ticket.fault) == ("王芳👩🔧]0;pwned[2J", "无法 开机 👩\u200d🔧")
    done = tickets.dispatch(store, crew.rep, ticket.code, 1, "E1", now=NOW)
    done = tickets.complete(store, crew.rep, ticket.code, done.version, "换\x1b[5m电源", now=NOW)
    assert done.resolution == "换[5m电源"
