"""A list inside a Chinese message is parted as Chinese lists (、), never with an ASCII comma.

Each case is a message a person reads from ``fieldkpi`` in Chinese: the
refusals of the command line, of an import's rows and of a scheme file, and
the line ``fieldkpi check`` prints when all is well. Lists of a CSV file's
columns keep their commas: they are the header the file is to hold.
"""

from __future__ import annotations

import pytest
from month_helpers import STAFF, load, person

from fieldkpi import cli
from storage import staff
from storage.db import open_store
from storage.typed import FieldErrors

CASES = {
    "files not found": (
        ("import", "{dir}/a.csv", "{dir}/b.csv"),
        "没有此文件：{dir}/a.csv、{dir}/b.csv",
    ),
    "a choice of a row": (
        ("import", "{dir}/s.csv"),
        "role: “boss” 不是以下之一：rep、engineer、lead、admin",
    ),
    "the kinds of file": (
        ("import", "{dir}/k.csv"),  # an action's columns, or a deduction's: which?
        "（staff、tickets、actions、attendance、problems、scores、deductions）",
    ),
    "branches of another period": (
        ("rank", "--quarter", "2026-Q4"),
        "GZ、HQ、SZ 按月份考核：请改用 --month",
    ),
    "options --merge takes none of": (
        ("rank", "--merge", "{dir}/s.csv", "--branch", "GZ", "--role", "rep"),
        "请去掉 --branch、--role",
    ),
    "a scheme's choices": (
        ("scheme", "check", "{dir}/scheme.toml"),
        "settings.day_basis 必须是 calendar、24h 之一",
    ),
    "the presets": (("scheme", "show", "nope"), "预设方案有：cs-levels、dealer-4s、"),
    "what check checked": (("check",), "正常（完整性、外键、只追加保护）"),
}
NEEDS_NO_DB = ("scheme",)


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "branch.db"
    store = open_store(path)
    try:
        load(store, staff=STAFF)
    finally:
        store.close()
    (tmp_path / "s.csv").write_text("code,name,role,branch\nB1,老板,boss,GZ\n", encoding="utf-8")
    (tmp_path / "k.csv").write_text("staff,at\nR1,2026-10-01 09:00\n", encoding="utf-8")
    (tmp_path / "scheme.toml").write_text('[settings]\nday_basis = "hours"\n', encoding="utf-8")
    return path


@pytest.mark.parametrize("case", CASES)
def test_a_list_in_a_chinese_message_is_parted_with_the_chinese_comma(
    db, monkeypatch, capsys, case, zh
):
    monkeypatch.setenv("FIELDKPI_CONFIG", "/nonexistent-config")
    args, said = CASES[case]
    args = [a.format(dir=db.parent) for a in args]
    where = [] if args[0] in NEEDS_NO_DB else ["--db", str(db)]
    cli.main([*args, *where, "--lang", "zh"])
    told = capsys.readouterr()
    assert said.format(dir=db.parent) in told.out + told.err


def test_a_form_refusing_a_choice_lists_the_choices_in_chinese(db, zh):
    store = open_store(db)
    try:
        with pytest.raises(FieldErrors) as refused:
            staff.add_staff(
                store, person(store, "A1"), code="B1", name="老板", role="boss", branch="GZ"
            )
    finally:
        store.close()
    assert refused.value.errors["role"] == "请从以下选择：rep、engineer、lead、admin。"
