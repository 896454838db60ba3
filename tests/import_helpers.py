"""Helpers for the importer tests: CSV files written the way people save them, and a
dump of the whole database to prove that a rejected import left it as it was."""

from __future__ import annotations

import codecs
from datetime import datetime
from pathlib import Path

import pytest

from storage.importer import ImportRejected, import_files

NOW = datetime(2026, 11, 5, 8, 30)
NOW_TEXT = "2026-11-05 08:30:00"

TABLES = (
    "branches",
    "staff",
    "tickets",
    "ticket_history",
    "actions",
    "attendance",
    "problems",
    "deductions",
    "scores",
)

# Two branches; one lead, so that a wrong role has someone to name.
STAFF = """\
code,name,role,branch,login
R1,王芳,rep,GZ,wangfang
R2,李娜,rep,GZ,
E1,张伟,engineer,GZ,zhangwei
E2,刘强,engineer,SZ,
L1,陈静,lead,GZ,
"""


def write(
    folder: Path, name: str, text: str, *, encoding: str = "utf-8", bom: bool = False
) -> Path:
    """A CSV file as an editor saves it (``text`` is written byte for byte, newlines included)."""
    path = folder / name
    path.write_bytes((codecs.BOM_UTF8 if bom else b"") + text.encode(encoding))
    return path


def load(store, folder: Path, **files: str):
    """Import ``name=text`` files (``staff="…"`` becomes staff.csv) in the order given."""
    paths = [write(folder, f"{name}.csv", text) for name, text in files.items()]
    return import_files(store, paths, now=NOW)


def with_staff(store, folder: Path) -> None:
    load(store, folder, staff=STAFF)


def dump(store) -> dict[str, list[tuple]]:
    return {
        table: [tuple(row) for row in store.query(f"SELECT * FROM {table}")] for table in TABLES
    }


def rejected(store, paths: list[Path], **options) -> list[str]:
    """Import ``paths``, expect a refusal, check nothing changed; the report's lines."""
    before = dump(store), rows(store, "SELECT * FROM imported_files")
    with pytest.raises(ImportRejected) as refusal:
        import_files(store, paths, now=NOW, **options)
    assert (dump(store), rows(store, "SELECT * FROM imported_files")) == before
    lines = str(refusal.value).splitlines()
    listed = len(refusal.value.bad_rows)
    assert lines[:listed] == [str(bad) for bad in refusal.value.bad_rows]
    assert len(lines) == listed + (refusal.value.more > 0)  # and "… and N more"
    return lines


def rows(store, sql: str, params: tuple = ()) -> list[tuple]:
    return [tuple(row) for row in store.query(sql, params)]
