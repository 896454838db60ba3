"""The demo data: deterministic, importable, up to date, and showing every rule at work."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from fieldkpi import cli, paths
from fieldkpi.sample import COLUMNS, SAMPLE_NOW, generate
from storage.csvrows import KINDS
from storage.migrations import ACTION_KINDS, DEDUCTION_KINDS, TICKET_KINDS
from storage.sample_db import build_sample

COMMITTED = Path(__file__).resolve().parent.parent / "sample.db"
REGENERATE = (
    'run `fieldkpi make-sample` (or `python -c "from storage.sample_db import build_sample; '
    "build_sample('sample.db')\"`) in the repository root to regenerate it"
)
NOW = SAMPLE_NOW.strftime("%Y-%m-%d %H:%M:%S")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("sample") / "sample.db"
    build_sample(path)
    return path


@pytest.fixture(scope="module")
def db(built):
    conn = sqlite3.connect(built)
    yield conn
    conn.close()


def one(db, sql, params=()):
    return db.execute(sql, params).fetchone()[0]


def column(db, sql, params=()):
    return [row[0] for row in db.execute(sql, params)]


# -- the generator --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tables():
    return generate()


def test_generator_is_deterministic(tables):
    assert generate() == tables


def test_rows_have_exactly_the_import_columns(tables):
    assert set(tables) == set(KINDS)
    for kind, rows in tables.items():
        assert COLUMNS[kind] == KINDS[kind].names
        assert rows, kind
        for row in rows:
            assert tuple(row) == KINDS[kind].names
            assert all(isinstance(value, str) for value in row.values())


def test_nothing_happens_after_the_sample_now(tables):
    stamps = [
        value
        for rows in tables.values()
        for row in rows
        for name, value in row.items()
        if name
        in {"at", "received_at", "dispatched_at", "visited_at", "completed_at", "callback_at"}
        and value
    ]
    assert max(stamps) <= NOW
    assert max(stamps)[:10] == NOW[:10]  # work was going on on the last day


def test_ticket_steps_happen_in_order(tables):
    for t in tables["tickets"]:
        steps = [
            t[k]
            for k in ("received_at", "dispatched_at", "visited_at", "completed_at", "callback_at")
        ]
        recorded = [s for s in steps if s]
        assert recorded == sorted(recorded), t["code"]
        assert bool(t["rating"]) == bool(t["callback_at"]), t["code"]
        if t["completed_at"] and t["kind"] != "inshop_repair":
            assert t["visited_at"], t["code"]


def test_another_seed_makes_other_valid_data_over_an_existing_file(tmp_path, tables):
    """Any seed makes data the import accepts, and the build replaces whatever was at the path."""
    path = tmp_path / "other.db"
    path.write_bytes(b"not a database at all")
    build_sample(path, seed=7)
    other = generate(seed=7)
    assert [row["name"] for row in other["staff"]] != [row["name"] for row in tables["staff"]]
    conn = sqlite3.connect(path)
    try:
        assert one(conn, "SELECT count(*) FROM tickets") == len(other["tickets"])
        assert one(conn, "SELECT count(*) FROM actions") == len(other["actions"])
    finally:
        conn.close()


# -- the built database --------------------------------------------------------------------


def test_every_generated_row_is_imported(db, tables):
    # imported events name the importer as their recorder; the events worked at the desk
    # after the import (storage.sample_db) are recorded by people
    imported = {
        "problems": "WHERE recorded_by = 'import'",
        "deductions": "WHERE recorded_by = 'import'",
    }
    for kind, rows in tables.items():
        assert one(db, f"SELECT count(*) FROM {kind} {imported.get(kind, '')}") == len(rows), kind
    # pending: a rep's deduction, problem report and low rating; one contested
    assert one(db, "SELECT count(*) FROM appraisal_states") == 4


def dump(path: Path) -> dict[str, object]:
    """Schema, schema version and every row of every table but the migration log (its times are real)."""
    conn = sqlite3.connect(path)
    try:
        schema = conn.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master "
            "WHERE name != '_sqlite_migrations' ORDER BY type, name"
        ).fetchall()
        out: dict[str, object] = {
            "user_version": one(conn, "PRAGMA user_version"),
            "schema": schema,
        }
        for (table,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite_%' AND name != '_sqlite_migrations' ORDER BY name"
        ):
            # Every column in the sort: the rows as a user sees them, whatever order they went in.
            width = len(conn.execute(f'PRAGMA table_info("{table}")').fetchall())
            order = ", ".join(str(n) for n in range(1, width + 1))
            out[table] = conn.execute(f'SELECT * FROM "{table}" ORDER BY {order}').fetchall()
        return out
    finally:
        conn.close()


def test_committed_sample_db_is_what_build_sample_makes_now(built, tmp_path):
    assert COMMITTED.exists(), f"{COMMITTED} is missing: {REGENERATE}"
    size = COMMITTED.stat().st_size
    assert size < 5 * 1024 * 1024, f"sample.db is {size} bytes, over 5 MB"
    copy = tmp_path / "committed.db"  # never open the tracked file itself
    shutil.copyfile(COMMITTED, copy)
    committed, fresh = dump(copy), dump(built)
    stale = [part for part in fresh if committed.get(part) != fresh[part]]
    stale += [part for part in committed if part not in fresh]
    assert not stale, f"sample.db is out of date ({', '.join(stale)} differ): {REGENERATE}"


# -- what a user of the demo sees ----------------------------------------------------------


def test_people(db):
    assert one(db, "SELECT count(*) FROM branches WHERE name IS NOT NULL") >= 3
    assert one(db, "SELECT count(*) FROM staff WHERE login IS NOT NULL") >= 40
    assert one(db, "SELECT count(DISTINCT name) FROM staff") == one(
        db, "SELECT count(*) FROM staff"
    )
    leads = column(
        db,
        "SELECT count(s.code) FROM branches b LEFT JOIN staff s ON s.branch = b.code AND s.role = 'lead' GROUP BY b.code",
    )
    assert leads and all(n == 1 for n in leads)
    assert one(db, "SELECT count(*) FROM staff WHERE role = 'admin'") == 1
    for role, low in (("rep", 4), ("engineer", 6)):
        per_branch = column(
            db, "SELECT count(*) FROM staff WHERE role = ? GROUP BY branch", (role,)
        )
        assert len(per_branch) >= 3 and min(per_branch) >= low, role


def test_a_rep_joined_mid_month_and_an_engineer_left(db):
    joined = column(
        db, "SELECT hired_on FROM staff WHERE role = 'rep' AND hired_on >= '2026-06-01'"
    )
    assert joined and all(day[8:] != "01" for day in joined)
    left = db.execute("SELECT role, left_on FROM staff WHERE left_on IS NOT NULL").fetchall()
    assert left == [("engineer", "2026-08-19")]
    # Nobody works on a ticket after leaving.
    assert not one(
        db,
        """
        SELECT count(*) FROM tickets t JOIN staff s ON s.code = t.engineer
        WHERE s.left_on IS NOT NULL AND (t.completed_at IS NULL OR date(t.completed_at) > s.left_on)
    """,
    )


def test_tickets_over_half_a_year_of_every_kind(db):
    assert one(db, "SELECT count(*) FROM tickets") >= 3000
    months = column(db, "SELECT DISTINCT substr(received_at, 1, 7) FROM tickets ORDER BY 1")
    assert {"2026-06", "2026-07", "2026-08", "2026-09", "2026-10", "2026-11"} <= set(months)
    kinds = dict(db.execute("SELECT kind, count(*) FROM tickets GROUP BY kind").fetchall())
    assert set(kinds) == set(TICKET_KINDS)
    assert 0.15 < kinds["inshop_repair"] / sum(kinds.values()) < 0.25
    assert one(db, "SELECT count(*) FROM tickets WHERE cancelled = 1") >= 10
    # Each ticket has a rep, and an engineer once dispatched, both of its own branch.
    assert not one(
        db,
        """
        SELECT count(*) FROM tickets t
        LEFT JOIN staff r ON r.code = t.rep LEFT JOIN staff e ON e.code = t.engineer
        WHERE r.branch IS NOT t.branch
           OR (t.dispatched_at IS NOT NULL AND e.branch IS NOT t.branch)
    """,
    )
    assert one(db, "SELECT count(*) FROM tickets WHERE engineer IS NULL AND cancelled = 0") >= 1


def test_every_timeliness_bucket_in_every_branch_in_october(db):
    rows = db.execute("""
        SELECT branch, min(julianday(date(completed_at)) - julianday(date(received_at)) + 1, 8)
        FROM tickets WHERE cancelled = 0 AND completed_at LIKE '2026-10-%'
        GROUP BY 1, 2
    """).fetchall()
    buckets: dict[str, set[int]] = {}
    for branch, day in rows:
        buckets.setdefault(branch, set()).add(int(day))
    assert len(buckets) >= 3
    assert all(days == set(range(1, 9)) for days in buckets.values()), buckets


@pytest.mark.parametrize(
    "month_end", ["2026-06-30", "2026-07-31", "2026-08-31", "2026-09-30", "2026-10-31"]
)
def test_tickets_open_past_30_days_at_every_month_end_in_every_branch(db, month_end):
    as_of = f"{month_end} 23:59:59"
    open_long = dict(
        db.execute(
            """
        SELECT branch, count(*) FROM tickets
        WHERE cancelled = 0 AND received_at <= :as_of
          AND (completed_at IS NULL OR completed_at > :as_of)
          AND julianday(:day) - julianday(date(received_at)) > 30
        GROUP BY branch
    """,
            {"as_of": as_of, "day": month_end},
        ).fetchall()
    )
    assert len(open_long) >= 3 and min(open_long.values()) >= 1, open_long


def test_callbacks_rated_mostly_satisfied(db):
    ratings = dict(
        db.execute(
            "SELECT rating, count(*) FROM tickets WHERE rating IS NOT NULL GROUP BY rating"
        ).fetchall()
    )
    assert set(ratings) == {1, 2, 3, 4, 5}
    assert (ratings[4] + ratings[5]) / sum(ratings.values()) > 0.8
    assert not one(db, "SELECT count(*) FROM tickets WHERE callback_at <= completed_at")


def test_workload_follows_the_tickets(db):
    kinds = set(column(db, "SELECT DISTINCT action FROM actions"))
    assert kinds == set(ACTION_KINDS)
    assert set(
        column(db, "SELECT DISTINCT s.role FROM actions a JOIN staff s ON s.code = a.staff")
    ) == {"rep"}
    # Each ticket was taken in (intake) when it was received, and each completion recorded.
    assert not one(
        db,
        """
        SELECT count(*) FROM tickets t WHERE NOT EXISTS (
            SELECT 1 FROM actions a WHERE a.ticket = t.code AND a.action = 'intake' AND a.at = t.received_at)
    """,
    )
    assert not one(
        db,
        """
        SELECT count(*) FROM tickets t WHERE t.completed_at IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM actions a WHERE a.ticket = t.code AND a.action = 'complete' AND a.at = t.completed_at)
    """,
    )


def test_attendance_for_all_rep_months_but_one(db):
    missing = db.execute("""
        SELECT DISTINCT a.staff, substr(a.at, 1, 7) FROM actions a
        WHERE a.at >= '2026-06' AND NOT EXISTS (
            SELECT 1 FROM attendance d WHERE d.staff = a.staff AND d.month = substr(a.at, 1, 7))
    """).fetchall()
    assert len(missing) == 1
    full_months = column(
        db,
        "SELECT days FROM attendance a JOIN staff s ON s.code = a.staff WHERE month < '2026-11' AND s.hired_on < month || '-01'",
    )
    assert min(full_months) >= 20 and max(full_months) <= 27


def test_problems_and_deductions(db):
    assert set(column(db, "SELECT DISTINCT points FROM problems")) == {1, 2}
    assert one(db, "SELECT count(DISTINCT substr(at, 1, 7)) FROM problems") >= 6
    kinds = dict(db.execute("SELECT kind, count(*) FROM deductions GROUP BY kind").fetchall())
    assert set(kinds) == set(DEDUCTION_KINDS)
    assert kinds["complaint_media"] == 1
    assert not one(
        db, "SELECT count(*) FROM deductions WHERE kind = 'branch_rule' AND NOT points > 0"
    )
    assert one(db, "SELECT count(DISTINCT substr(at, 1, 7)) FROM deductions") >= 6


# -- fieldkpi make-sample --------------------------------------------------------------------


@pytest.fixture
def tracked(tmp_path, monkeypatch) -> Path:
    """The project's sample.db, stood in for by a file of the test's own (never the real one)."""
    path = tmp_path / "project" / "sample.db"
    path.parent.mkdir()
    path.write_bytes(b"the committed sample")
    monkeypatch.setattr(paths, "sample_db", lambda: path)
    return path


def make_sample(capsys, *args: str) -> tuple[int, list[str], list[str]]:
    status = cli.main([*args, "--lang", "en"])
    out, err = capsys.readouterr()
    return status, out.splitlines(), err.splitlines()


@pytest.mark.parametrize("where", ["after", "before"])
def test_make_sample_writes_where_db_says_and_leaves_the_tracked_file(
    tracked, tmp_path, capsys, where
):
    target = tmp_path / "ms" / "x.db"
    target.parent.mkdir()
    args = ["make-sample", "--db", str(target)]
    if where == "before":  # the global option, as every other command takes it
        args = ["--db", str(target), "make-sample"]
    assert make_sample(capsys, *args) == (0, [f"wrote {target}"], [])
    assert tracked.read_bytes() == b"the committed sample"
    assert tickets_in(target) == len(generate()["tickets"])


def test_make_sample_alone_regenerates_sample_db_never_the_fieldkpi_db_one(
    tracked, tmp_path, capsys, monkeypatch
):
    branch = tmp_path / "branch.db"
    branch.write_bytes(b"a branch's work")
    monkeypatch.setenv("FIELDKPI_DB", str(branch))
    assert make_sample(capsys, "make-sample") == (0, [f"wrote {tracked}"], [])
    assert tickets_in(tracked) == len(generate()["tickets"])
    assert branch.read_bytes() == b"a branch's work"


def tickets_in(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return one(conn, "SELECT count(*) FROM tickets")
    finally:
        conn.close()


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("{nowhere}/x.db",), "{nowhere}/x.db: no such folder"),
        (("--db", "{nowhere}/x.db"), "{nowhere}/x.db: no such folder"),
        (
            ("{here}/a.db", "--db", "{here}/b.db"),
            "make-sample writes one file: give it as PATH or as --db, not both",
        ),
        (
            ("{here}/notes.txt",),
            "{here}/notes.txt exists: make-sample replaces no file but sample.db itself; "
            "remove it first, or name a new file",
        ),
    ],
)
def test_make_sample_refuses_a_missing_folder_two_files_or_an_existing_one(
    tracked, tmp_path, capsys, args, said
):
    notes = tmp_path / "notes.txt"
    notes.write_text("a person's notes", encoding="utf-8")
    names = {"nowhere": tmp_path / "nowhere", "here": tmp_path}
    status, out, err = make_sample(capsys, "make-sample", *(a.format(**names) for a in args))
    assert (status, out, err) == (2, [], [f"fieldkpi: {said.format(**names)}"])
    assert not names["nowhere"].exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt", "project"]
    assert notes.read_text(encoding="utf-8") == "a person's notes"
    assert tracked.read_bytes() == b"the committed sample"
