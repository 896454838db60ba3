"""``fieldkpi check`` judges the append-only guards by what they do (issue 11, item 9).

A trigger with a guard's name that does nothing, or that guards one column
only, passed the old check (it looked at names); each is reported now by what
it lets through, tried on a copy of the schema in memory: the file is never
written.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from ticket_helpers import seed_staff

from fieldkpi import cli


def run(capsys, *args: str) -> tuple[int, list[str], list[str]]:
    status = cli.main([*args, "--lang", "en"])
    out, err = capsys.readouterr()
    return status, out.splitlines(), err.splitlines()


def sabotage(path: str, *statements: str) -> None:
    """Change the schema behind fieldkpi's back, as someone with the sqlite3 shell could."""
    conn = sqlite3.connect(path)
    for sql in statements:
        conn.execute(sql)
    conn.commit()
    conn.close()


def test_a_do_nothing_trigger_of_the_guards_name_is_reported(store, capsys):
    seed_staff(store)
    sabotage(
        store.path,
        "DROP TRIGGER ticket_history_no_update",
        "CREATE TRIGGER ticket_history_no_update BEFORE UPDATE ON ticket_history"
        " BEGIN SELECT 1; END",
        "DROP TRIGGER deductions_no_delete",
        "CREATE TRIGGER deductions_no_delete BEFORE DELETE ON deductions"
        " WHEN 0 BEGIN SELECT RAISE(ABORT, 'deductions is append-only'); END",
        "DROP TRIGGER month_closings_no_replace",
    )
    before = Path(store.path).read_bytes()
    status, out, err = run(capsys, "check", "--db", store.path)
    assert status == 1 and out == []
    assert err == [
        f"{store.path}: ticket_history: an UPDATE goes through: its rows can be rewritten",
        f"{store.path}: deductions: a DELETE goes through: its rows can be removed",
        f"{store.path}: month_closings: an INSERT OR REPLACE goes through: its rows can be"
        " replaced",
        f"{store.path}: 3 problems found",
    ]
    assert Path(store.path).read_bytes() == before  # checked in memory, never written


def test_a_guard_on_one_column_only_is_reported_with_the_columns_it_lets_change(store, capsys):
    seed_staff(store)
    sabotage(
        store.path,
        "DROP TRIGGER deductions_no_update",
        "CREATE TRIGGER deductions_no_update BEFORE UPDATE OF points ON deductions"
        " BEGIN SELECT RAISE(ABORT, 'deductions is append-only'); END",
    )
    status, _out, err = run(capsys, "check", "--db", store.path)
    assert status == 1
    assert err[0].startswith(f"{store.path}: deductions: an UPDATE of id, staff, at, kind, ")
    assert "points" not in err[0] and err[0].endswith(" goes through: its rows can be rewritten")


def test_a_renamed_guard_that_works_is_no_problem(store, capsys):
    """What matters is what it does: the guard may have any name."""
    seed_staff(store)
    sabotage(
        store.path,
        "DROP TRIGGER frozen_rankings_no_delete",
        "CREATE TRIGGER keep_frozen_rows BEFORE DELETE ON frozen_rankings"
        " BEGIN SELECT RAISE(ABORT, 'frozen_rankings is append-only'); END",
    )
    assert run(capsys, "check", "--db", store.path) == (
        0,
        [f"{store.path}: ok (integrity, foreign keys, append-only guards)"],
        [],
    )
