"""m018 and m020: phones kept as typed are found by their digits once upgraded.

m018, branch GZ, October 2026: T1's file wrote the phone with a Chinese input
method (``１３８００１３８０００``), T2's in groups (``139 0000 1111``), T3's as
the form keeps it; T4's customer left no number but words, which no form would
take. Before the upgrade a rep searching ``13800138000`` or its tail ``8000``
finds nothing of T1, and a caller from ``13900001111`` is not known by T2.

m020: the form and the import kept a phone's dashes (``159-8888-1234``) and
China's code before it (``+8615935392109``), so the same caller typed without
them was nobody known, and a second ticket was taken for them.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from migration_helpers import schema_before
from month_helpers import STAFF, load, person

import storage.migrations
from storage.db import open_store
from storage.queue import QueueFilter, caller_tickets, queue_page

M018 = "m018_normal_phones"
M020 = "m020_phone_digits"
NOW = datetime(2026, 10, 20, 9)
TICKETS = """code,branch,kind,received_at,rep
T1,GZ,onsite_repair,2026-10-01 09:00,R1
T2,GZ,onsite_repair,2026-10-02 09:00,R1
T3,GZ,onsite_repair,2026-10-03 09:00,R1
T4,GZ,onsite_repair,2026-10-04 09:00,R1
"""
AS_IMPORTED = {  # what the import kept before it read phones as the form does
    "T1": "１３８００１３８０００",
    "T2": "139 0000 1111",
    "T3": "13700002222",
    "T4": "晚上打 138",
}


def _old_database(path, phones: dict[str, str], before: str = M018):
    old = schema_before(path, before)
    load(old, staff=STAFF, tickets=TICKETS)
    with old.write() as db:
        for code, phone in phones.items():
            db.execute("UPDATE tickets SET phone = ? WHERE code = ?", (phone, code))
    return old


def _found(store, text: str) -> list[str]:
    rows = queue_page(store, person(store, "R1"), QueueFilter(text=text), now=NOW)
    return [row.code for row in rows]


def _tickets(store) -> dict[str, tuple]:
    rows = store.query("SELECT code, phone, updated_at, version FROM tickets ORDER BY code")
    return {row[0]: tuple(row[1:]) for row in rows}


def test_an_imported_phone_is_found_by_its_digits_and_its_tail_after_the_upgrade(tmp_path):
    path = tmp_path / "old.db"
    old = _old_database(path, AS_IMPORTED)
    rep = person(old, "R1")
    assert _found(old, "13800138000") == [] and _found(old, "8000") == []  # the trouble
    assert caller_tickets(old, rep, "13900001111", NOW) == []
    before = _tickets(old)
    old.close()

    store = open_store(path)
    try:
        assert _found(store, "13800138000") == ["T1"]
        assert _found(store, "8000") == ["T1"]  # 手机尾号, through m014's index
        assert _found(store, "138 0013") == ["T1"]  # a phone's start, as people say it
        assert _found(store, "13900001111") == ["T2"]
        assert [row.code for row in caller_tickets(store, rep, "13900001111", NOW)] == ["T2"]
        after = _tickets(store)
        assert {code: row[0] for code, row in after.items()} == {
            "T1": "13800138000",
            "T2": "13900001111",
            "T3": "13700002222",
            "T4": "晚上打 138",  # no number to make of it: kept as the customer gave it
        }
        # the number is the one it was: the queue's order, the versions and history stay
        assert {code: row[1:] for code, row in after.items()} == {
            code: row[1:] for code, row in before.items()
        }
        assert store.scalar("SELECT count(*) FROM ticket_history WHERE field = 'phone'") == 0
    finally:
        store.close()


def test_every_odd_phone_is_normalised_whatever_the_batches(tmp_path, monkeypatch):
    """Batches of two, with phones that cannot be normalised before, between and after the
    others in the (branch, phone) index: none is skipped and the upgrade ends."""
    monkeypatch.setattr(storage.migrations, "PHONE_BATCH", 2)
    phones = {
        "T1": "１３８ 0013 8000",  # full-width digits sort after every phone kept as ASCII
        "T2": "abc",  # before the others
        "T3": "139 0000 1111",
        "T4": "９",  # after them, and too short once normalised
    }
    _old_database(tmp_path / "old.db", phones).close()

    store = open_store(tmp_path / "old.db")
    try:
        assert [tuple(r) for r in store.query("SELECT code, phone FROM tickets ORDER BY code")] == [
            ("T1", "13800138000"),
            ("T2", "abc"),
            ("T3", "13900001111"),
            ("T4", "９"),
        ]
    finally:
        store.close()


@pytest.mark.parametrize(
    ("phone", "kept"),
    [("+86 138-0013-8000", "13800138000"), ("０２０－１２３４５６７８", "02012345678")],
)
def test_signs_go_as_the_form_drops_them(tmp_path, phone, kept):
    """From before m018, m018 and m020 in turn: the phone ends as the form keeps it now."""
    _old_database(tmp_path / "old.db", {"T1": phone}).close()

    store = open_store(tmp_path / "old.db")
    try:
        assert store.scalar("SELECT phone FROM tickets WHERE code = 'T1'") == kept
    finally:
        store.close()


AS_THE_FORM_KEPT = {  # what the form and the import kept before m020
    "T1": "159-8888-1234",
    "T2": "020-88886666",
    "T3": "+8615935392109",
    "T4": "+852-9123-4567",
}


def test_a_phone_kept_with_dashes_or_chinas_code_is_found_by_its_digits_after_the_upgrade(
    tmp_path,
):
    path = tmp_path / "old.db"
    old = _old_database(path, AS_THE_FORM_KEPT, before=M020)
    rep = person(old, "R1")
    assert _found(old, "15988881234") == [] and _found(old, "02088886666") == []  # the trouble
    assert caller_tickets(old, rep, "15935392109", NOW) == []
    before = _tickets(old)
    old.close()

    store = open_store(path)
    try:
        after = _tickets(store)
        assert {code: row[0] for code, row in after.items()} == {
            "T1": "15988881234",
            "T2": "02088886666",
            "T3": "15935392109",
            "T4": "+85291234567",  # Hong Kong's code stays: another number without it
        }
        for typed, code in [
            ("15988881234", "T1"),
            ("159-8888-1234", "T1"),
            ("020-8888 6666", "T2"),
            ("02088886666", "T2"),
            ("159-3539", "T3"),
            ("+852 9123", "T4"),
            ("4567", "T4"),  # 手机尾号, through m014's index
        ]:
            assert _found(store, typed) == [code], typed
        assert [row.code for row in caller_tickets(store, rep, "15935392109", NOW)] == ["T3"]
        assert [row.code for row in caller_tickets(store, rep, "159-8888-1234", NOW)] == ["T1"]
        assert {code: row[1:] for code, row in after.items()} == {
            code: row[1:] for code, row in before.items()
        }
        assert store.scalar("SELECT count(*) FROM ticket_history WHERE field = 'phone'") == 0
    finally:
        store.close()


def test_phones_kept_with_signs_are_all_rewritten_whatever_the_batches(tmp_path, monkeypatch):
    """Batches of two: a rewritten phone that still has a sign (``+852…``) comes up again
    further on in the index and is left; words stay; none is skipped and the upgrade ends."""
    monkeypatch.setattr(storage.migrations, "PHONE_BATCH", 2)
    phones = {
        "T1": "+852-9123-4567",
        "T2": "晚上打 138",
        "T3": "008613800138000",
        "T4": "+1-212-555-0100",
    }
    _old_database(tmp_path / "old.db", phones, before=M020).close()

    store = open_store(tmp_path / "old.db")
    try:
        assert [tuple(r) for r in store.query("SELECT code, phone FROM tickets ORDER BY code")] == [
            ("T1", "+85291234567"),
            ("T2", "晚上打 138"),
            ("T3", "13800138000"),
            ("T4", "+12125550100"),
        ]
    finally:
        store.close()
