"""A small branch to work tickets in: staff inserted with plain SQL, and readers for the results."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from fieldkpi.figures import Person
from storage.db import Store
from storage.people import staff_by_code
from storage.timeline import completion_columns

NOW = datetime(2026, 10, 15, 9, 30, 0)

# code, name, role, branch, login, hired_on, left_on
STAFF = (
    ("R1", "王芳", "rep", "GZ", "wangfang", "2024-01-01", None),
    ("R2", "陈静", "rep", "GZ", "chenjing", "2024-01-01", None),
    ("E1", "李强", "engineer", "GZ", "liqiang", "2023-03-01", None),
    ("E2", "赵磊", "engineer", "GZ", "zhaolei", "2025-06-01", None),
    ("E3", "孙涛", "engineer", "GZ", "suntao", "2022-01-01", "2026-09-30"),
    ("L1", "刘洋", "lead", "GZ", "liuyang", "2020-01-01", None),
    ("A1", "管理员", "admin", "GZ", "admin", "2020-01-01", None),
    ("R9", "周敏", "rep", "SZ", "zhoumin", "2024-01-01", None),
    ("E9", "吴刚", "engineer", "SZ", "wugang", "2024-01-01", None),
)


@dataclass(frozen=True)
class Crew:
    rep: Person
    rep2: Person
    eng: Person
    eng2: Person
    gone: Person
    lead: Person
    admin: Person
    other_rep: Person
    other_eng: Person


def seed_staff(store: Store) -> Crew:
    with store.write() as db:
        db.execute("INSERT INTO branches (code, name) VALUES ('GZ', '广州'), ('SZ', '深圳')")
        db.conn.executemany(
            "INSERT INTO staff (code, name, role, branch, login, hired_on, left_on)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            STAFF,
        )
    return Crew(*(staff_by_code(store, row[0]) for row in STAFF))


TICKET_FIELDS = {
    "customer": "张伟",
    "phone": "13800138000",
    "address": "天河路 1 号",
    "product": "55G7 电视",
    "kind": "onsite_repair",
    "fault": "无法开机",
}


def history(store: Store, code: str) -> list[tuple]:
    """(step, field, old, new, by, version) of the ticket, oldest first."""
    return [
        tuple(row)
        for row in store.query(
            "SELECT step, field, old, new, by, version FROM ticket_history"
            " WHERE ticket = ? ORDER BY id",
            (code,),
        )
    ]


def actions(store: Store) -> list[tuple]:
    """(staff, action, ticket, at) of every workload action, in order."""
    return [
        tuple(row)
        for row in store.query("SELECT staff, action, ticket, at FROM actions ORDER BY id")
    ]


def insert_ticket(store: Store, code: str, **values) -> None:
    """A ticket as an import would leave it: straight into the table, no history or actions.

    Its first completion and cancellation follow from its columns as the importer sets them.
    """
    row = {
        "code": code,
        "branch": "GZ",
        "kind": "onsite_repair",
        "status": "received",
        "received_at": "2026-10-01 09:00:00",
        "updated_at": "2026-10-01 09:00:00",
    } | values
    cancelled_at = row.get("cancelled_at") or (row["received_at"] if row.get("cancelled") else None)
    seen = int(cancelled_at is not None)
    row |= {"cancelled": seen, "cancelled_at": cancelled_at, "cancel_seen": seen}
    row |= completion_columns(None, row)
    columns = ", ".join(row)
    marks = ", ".join("?" * len(row))
    with store.write() as db:
        db.execute(f"INSERT INTO tickets ({columns}) VALUES ({marks})", list(row.values()))
