"""`fieldkpi rank` tells the lead of open tickets still held by engineers who have left,
and of those whose rep has left.

The tester's steps: 谢建华 left, five open tickets still in his name; the
rankings said nothing of them (they count against nobody, kpi-rules §6). Standard
error now names them, per branch, to whoever sees that branch's whole ranking.
赵敏 (X1), a rep, left in September as T5's rep: no rep is charged when it goes stale
and nobody re-dispatches a rep, so it is named too, for another rep to follow up.
Standard error says nothing else here: its every line is checked.
"""

from __future__ import annotations

import pytest
from month_helpers import STAFF, load

from fieldkpi import cli
from storage.db import open_store

LEAVER = STAFF + "E3,谢建华,engineer,GZ,2022-01-01,2026-10-10,xiejianhua\n"
TICKETS = """code,branch,kind,received_at,completed_at,engineer,rep
T1,GZ,onsite_repair,2026-09-20 10:00,,E3,R1
T2,GZ,onsite_repair,2026-09-01 10:00,,E3,R2
T3,GZ,onsite_repair,2026-10-05 09:00,2026-10-05 16:00,E3,R1
T4,GZ,onsite_repair,2026-10-06 09:00,,E1,R1
T5,GZ,onsite_repair,2026-09-10 09:00,,E1,X1
"""
TOLD = {
    "en": [
        "GZ: 2 open tickets are held by people who have left; they count against nobody: "
        "re-dispatch them.",
        "  谢建华 (E3, left 2026-10-10): T2, T1",
        "GZ: 1 open ticket has a rep who has left; it counts against no rep: see that another "
        "rep follows it up.",
        "  赵敏 (X1, left 2026-09-15): T5",
    ],
    "zh": [
        "GZ：2 张未完工单仍在已离职人员名下，不计入任何人：请重新派工。",
        "  谢建华（E3，2026-10-10 离职）：T2, T1",
        "GZ：1 张未完工单的客服代表已离职，不计入任何客服代表：请安排其他客服代表跟进。",
        "  赵敏（X1，2026-09-15 离职）：T5",
    ],
}


@pytest.fixture
def db(tmp_path, monkeypatch):
    monkeypatch.setenv("FIELDKPI_CONFIG", "/nonexistent-config")
    path = tmp_path / "branch.db"
    store = open_store(path)
    try:
        load(store, staff=LEAVER, tickets=TICKETS)
        with store.write() as write:
            for code, login in (("L1", "zhoujl"), ("E1", "chengong"), ("L2", "zhengjl")):
                write.execute("UPDATE staff SET login = ? WHERE code = ?", [login, code])
    finally:
        store.close()
    return path


def told(capsys, db, lang, *more: str) -> list[str]:
    rank = ["rank", "--lang", lang, "--db", str(db), "--month", "2026-10", "--format", "csv"]
    assert cli.main([*rank, *more]) == 0
    return capsys.readouterr().err.splitlines()


def test_the_lead_is_told_which_open_tickets_are_held_by_who_has_left(db, capsys, lang):
    assert told(capsys, db, lang, "--branch", "GZ") == TOLD[lang]  # the database's owner
    assert told(capsys, db, lang, "--as", "zhoujl") == TOLD[lang]  # GZ's lead
    assert told(capsys, db, lang, "--as", "chengong") == []  # an engineer: nobody else's
    assert told(capsys, db, lang, "--as", "zhengjl") == []  # SZ's lead sees SZ alone
