"""Open tickets held by engineers who have left, listed to who hands tickets on (kpi-rules §6),
and those whose rep has left, told to who sees the branch's rankings.

The queue's crew (test_queue) on 2026-10-15, and two open tickets and one
completed ticket of E3 孙涛, who left on 2026-09-30. The lead must see them to
re-dispatch them: they count against nobody, so no ranking shows them going stale.
"""

from __future__ import annotations

from datetime import date

import pytest
from test_queue import OLD, SENT, codes, crew  # noqa: F401 (crew: the fixture)
from ticket_helpers import NOW, insert_ticket

from storage import staff, tickets
from storage.leavers import LeftHolder, left_holders, left_reps
from storage.people import staff_by_code
from storage.queue import QueueFilter, page_query, queue_page

GONE_OLD, GONE_NEW, GONE_DONE = "GZ-20260920-0001", "GZ-20260925-0001", "GZ-20260910-0001"


@pytest.fixture
def gone(store, crew):  # noqa: F811 (the fixture imported above)
    for code, status, received in (
        (GONE_OLD, "dispatched", "2026-09-20 10:00:00"),
        (GONE_NEW, "visited", "2026-09-25 10:00:00"),
        (GONE_DONE, "completed", "2026-09-10 10:00:00"),
    ):
        insert_ticket(
            store,
            code,
            received_at=received,
            updated_at=received,
            status=status,
            engineer="E3",
            rep="R1",
            completed_at="2026-09-12 10:00:00" if status == "completed" else None,
        )
    return crew


def test_the_branch_sees_the_open_tickets_of_who_has_left_an_engineer_none(store, gone):
    today = NOW.date()
    expected = [LeftHolder(gone.gone, (GONE_OLD, GONE_NEW))]  # oldest first; not the completed
    assert left_holders(store, gone.lead, "GZ", today) == expected
    assert left_holders(store, gone.rep, "GZ", today) == expected  # a rep dispatches too
    assert left_holders(store, gone.admin, "GZ", today) == expected
    assert left_holders(store, gone.eng, "GZ", today) == []  # an engineer: never others' tickets
    assert left_holders(store, gone.other_rep, "GZ", today) == []  # another branch's rep
    # on the leaving day itself E3 still works: nothing to hand on yet
    assert left_holders(store, gone.lead, "GZ", gone.gone.left_on) == []


def test_the_queue_marks_and_filters_the_tickets_of_who_has_left(store, gone):
    rows = queue_page(store, gone.lead, QueueFilter(), now=NOW)
    marked = {row.code for row in rows if row.engineer_left}
    assert marked == {GONE_OLD, GONE_NEW}
    assert codes(store, gone.lead, left_holders=True) == [GONE_NEW, GONE_OLD]  # newest activity
    assert codes(store, gone.lead, left_holders=True, include_closed=True) == [
        GONE_NEW,
        GONE_OLD,
        GONE_DONE,
    ]
    # an engineer's queue is their own tickets, whatever the filter says
    assert codes(store, gone.eng, left_holders=True) == codes(store, gone.eng)
    # re-dispatched, a ticket leaves the list
    ticket = tickets.get_ticket(store, gone.lead, GONE_OLD)
    tickets.dispatch(store, gone.lead, GONE_OLD, ticket.version, "E1", now=NOW)
    assert codes(store, gone.lead, left_holders=True) == [GONE_NEW]
    assert left_holders(store, gone.lead, "GZ", NOW.date())[0].tickets == (GONE_NEW,)


def test_the_lead_is_told_of_the_open_tickets_of_a_rep_who_has_left(store, gone):
    """陈静 (R2) left on 10-14 and is still the rep of two open tickets. A ticket's rep is never
    re-dispatched and no rep is charged when it goes stale (§6): who sees the rankings is
    told, so that another rep follows them up; the queue marks her as their rep."""
    staff.set_left_on(store, gone.admin, "R2", "2026-10-14", was=None, now=NOW)
    today = NOW.date()
    expected = [LeftHolder(staff_by_code(store, "R2"), (OLD, SENT))]  # oldest received first
    assert left_reps(store, gone.lead, "GZ", today) == expected
    assert left_reps(store, gone.admin, "GZ", today) == expected
    assert left_reps(store, None, "GZ", today) == expected  # the database's owner
    assert left_reps(store, gone.rep, "GZ", today) == []  # the lead's to see, not a rep's
    assert left_reps(store, gone.eng, "GZ", today) == []
    assert left_reps(store, gone.lead, "GZ", date(2026, 10, 14)) == []  # her leaving day: here
    rows = queue_page(store, gone.lead, QueueFilter(), now=NOW)
    assert {row.code for row in rows if row.rep_left} == {OLD, SENT}
    assert {row.code for row in rows if row.engineer_left} == {GONE_OLD, GONE_NEW}


@pytest.mark.parametrize("filters", [{}, {"include_closed": True}, {"status": "dispatched"}])
@pytest.mark.parametrize("after", [None, ("2026-10-14 10:00:00", 2)])
def test_the_tickets_of_who_has_left_are_read_through_the_engineer_index(
    store, gone, filters, after
):
    """The queue is benchmarked at a million tickets: the list, the count and the queue's
    filter read each leaver's tickets by index, never the branch's every ticket."""
    sql, params = page_query(store, gone.lead, QueueFilter(left_holders=True, **filters), after)
    steps = [row[3] for row in store.query("EXPLAIN QUERY PLAN " + sql, params)]
    assert not [s for s in steps if s.startswith(("SCAN t", "SCAN tickets"))], steps
    assert any("INDEX tickets_engineer" in s and "(engineer=?" in s for s in steps), steps


def test_the_list_of_who_has_left_reads_by_index(store, gone, monkeypatch):
    seen: list[str] = []
    real = store.query

    def explained(sql, params=()):
        seen.extend(row[3] for row in real("EXPLAIN QUERY PLAN " + sql, params))
        return real(sql, params)

    monkeypatch.setattr(store, "query", explained)
    left_holders(store, gone.lead, "GZ", NOW.date())
    left_reps(store, gone.lead, "GZ", NOW.date())
    assert not [s for s in seen if s.startswith("SCAN")], seen
    assert any("tickets_engineer_open_activity (engineer=?)" in s for s in seen), seen
    assert any("tickets_rep_open_activity (rep=?)" in s for s in seen), seen
