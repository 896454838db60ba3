"""Staff lookups, and the dispatch picker's engineers with their load and timeliness."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest
from ticket_helpers import NOW, insert_ticket, seed_staff

from fieldkpi.access import AccessDenied
from storage.people import (
    branch_staff,
    dispatch_candidates,
    engineers_holding_work,
    staff_by_code,
    staff_by_login,
)


@pytest.fixture
def crew(store):
    return seed_staff(store)


def test_staff_by_login_and_code(store, crew):
    rep = staff_by_login(store, "wangfang")
    assert (rep.code, rep.name, rep.role, rep.branch, rep.hired_on) == (
        "R1",
        "王芳",
        "rep",
        "GZ",
        date(2024, 1, 1),
    )
    assert staff_by_code(store, "E3").left_on == date(2026, 9, 30)
    assert staff_by_login(store, "nobody") is None
    assert staff_by_code(store, "X1") is None


def test_branch_staff_are_those_employed_on_the_day(store, crew):
    with store.write() as db:  # 丁一 comes first by the code points of names: by code, last
        db["staff"].insert(
            {
                "code": "E5",
                "name": "丁一",
                "role": "engineer",
                "branch": "GZ",
                "hired_on": "2026-10-01",
            }
        )
    assert [p.code for p in branch_staff(store, "GZ", "engineer", on=date(2026, 10, 15))] == [
        "E1",  # 李强
        "E2",  # 赵磊
        "E5",
    ]  # 孙涛 left on 2026-09-30
    assert {p.code for p in branch_staff(store, "GZ", "engineer", on=date(2026, 9, 29))} == {
        "E1",
        "E2",
        "E3",
    }
    assert {p.code for p in branch_staff(store, "GZ", "engineer", on=date(2025, 1, 1))} == {
        "E1",
        "E3",
    }  # 赵磊 was hired in June 2025
    assert {p.code for p in branch_staff(store, "SZ", on=date(2026, 10, 15))} == {"R9", "E9"}


def test_the_queues_engineers_include_one_who_left_with_tickets_still_open(store, crew):
    """孙涛 (E3) left on 2026-09-30 with a ticket still open in his name: the lead filters the
    queue to it to hand it on. Once it is completed, he is no longer offered."""
    insert_ticket(store, "D1", engineer="E3", status="dispatched")
    on = date(2026, 10, 15)
    assert [p.code for p in engineers_holding_work(store, "GZ", on=on)] == ["E1", "E2", "E3"]
    with store.write() as db:
        db.execute("UPDATE tickets SET status = 'completed' WHERE code = 'D1'")
    assert [p.code for p in engineers_holding_work(store, "GZ", on=on)] == ["E1", "E2"]
    assert [p.code for p in engineers_holding_work(store, "SZ", on=on)] == ["E9"]


def test_dispatch_candidates_show_open_tickets_and_this_months_timeliness(store, crew):
    def ticket(code, engineer, received, completed=None, **more):
        status = "completed" if completed else "dispatched"
        insert_ticket(
            store,
            code,
            engineer=engineer,
            received_at=received,
            completed_at=completed,
            status=status,
            **more,
        )

    # 李强 (E1) this month: one completed on day 1, one on day 9 (late), and one
    # ticket open since 2026-09-10, 35 days: past the 30-day limit. N = 3.
    ticket("A1", "E1", "2026-10-01 09:00:00", "2026-10-01 17:00:00")
    ticket("A2", "E1", "2026-10-02 09:00:00", "2026-10-10 12:00:00")
    ticket("A3", "E1", "2026-09-10 09:00:00")
    ticket("A4", "E1", "2026-10-14 09:00:00")  # open, young: not counted in N
    ticket("A5", "E1", "2026-09-01 09:00:00", "2026-09-02 09:00:00")  # last month
    ticket("A6", "E1", "2026-10-03 09:00:00", "2026-10-03 10:00:00", cancelled=1)
    # 赵磊 (E2): one young open ticket, nothing completed: no orders yet
    ticket("B1", "E2", "2026-10-13 09:00:00")
    ticket("C1", "E9", "2026-10-01 09:00:00", branch="SZ")  # another branch

    loads = dispatch_candidates(store, crew.rep, NOW)

    assert [(load.person.code, load.open_tickets, load.timeliness) for load in loads] == [
        ("E1", 2, Fraction(20 - 15 - 150, 3)),
        ("E2", 1, None),
    ]


def test_only_dispatchers_get_the_picker(store, crew):
    with pytest.raises(AccessDenied):
        dispatch_candidates(store, crew.eng, NOW)
    assert [load.person.code for load in dispatch_candidates(store, crew.other_rep, NOW)] == ["E9"]
