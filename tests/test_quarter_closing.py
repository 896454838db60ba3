"""Closing a quarter freezes it as closing a month does (schemes.md "Periods").

Branch GZ runs quarterly-bands; its fourth quarter of 2026, judged at its
last second (2026-12-31 23:59:59), with the values its lead entered:
  R1 plan 0.95 → 30, callbacks 1/1 satisfied → 30, complaints 1 → 20,
     payment 0.9 → 20  ⇒  100.00, 优秀
  R2 plan 0.80 → 17, callbacks 0/1 → 0, complaints 0.9 → 17,
     payment 0.7 → 14  ⇒  48.00, 不合格
R2's plan completion entered again after the closing at 0.99 → 30: live 61.00
(合格), frozen 48.00 until an admin reopens the quarter.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
from month_helpers import STAFF, load, person
from ticket_helpers import TICKET_FIELDS

from fieldkpi.period import Judgement, Period, judge
from fieldkpi.scheme import load_preset
from storage import tickets
from storage.closing import (
    ClosingRefused,
    changed_people,
    close_month,
    frozen_rankings,
    month_basis,
    month_log,
    month_state,
    rankings_for,
    reopen_month,
)
from storage.import_closed import ClosedRows
from storage.importer import import_files
from storage.rankings import compute_rankings
from storage.scores import latest_scores, record_score
from storage.typed import FieldErrors

Q4 = Period.quarter(2026, 4)
NEW_YEAR = datetime(2027, 1, 5, 9, 0)
SCHEME = load_preset("quarterly-bands")
TICKETS = """code,branch,kind,received_at,completed_at,engineer,rep,callback_at,rating
T1,GZ,onsite_repair,2026-10-03 09:00,2026-10-03 15:00,E1,R1,2026-10-04 10:00,5
T2,GZ,onsite_repair,2026-12-05 09:00,2026-12-05 15:00,E1,R2,2026-12-06 10:00,2
"""
ENTERED = {
    "R1": {"plan_completion": "0.95", "complaint_handling": "1", "payment_collection": "90%"},
    "R2": {"plan_completion": "0.8", "complaint_handling": "0.9", "payment_collection": "0.7"},
}


def scheme_for(_branch: str):
    return SCHEME


@pytest.fixture
def quarter(store):
    load(store, now=NEW_YEAR, staff=STAFF, tickets=TICKETS)
    lead = person(store, "L1")
    for code, values in ENTERED.items():
        for metric, value in values.items():
            record_score(store, lead, SCHEME, code, Q4, metric, value, now=NEW_YEAR, replacing=None)
    return store


def totals(rows) -> list[tuple[str, int, Decimal, str]]:
    return [(r.staff_code, r.rank, r.total, r.grade.zh) for r in rows]


def test_a_closed_quarter_keeps_its_frozen_rows_until_an_admin_reopens_it(quarter):
    store, lead = quarter, person(quarter, "L1")
    close_month(store, lead, "GZ", Q4, SCHEME, NEW_YEAR, "Q4 paid")

    closed = month_state(store, "GZ", Q4)
    assert (closed.period, closed.as_of, closed.note) == (Q4, Q4.end, "Q4 paid")
    assert closed.scheme.name == "quarterly-bands"
    frozen = frozen_rankings(store, "GZ", Q4)
    assert totals(frozen) == [
        ("R1", 1, Decimal("100.00"), "优秀"),
        ("R2", 2, Decimal("48.00"), "不合格"),
    ]
    assert {row.period for row in frozen} == {"2026-Q4"}
    assert month_basis(store, "GZ", Q4, scheme_for, NEW_YEAR).closed == closed
    # the quarter's months are not closed by it
    assert [month_state(store, "GZ", m) for m in Q4.months()] == [None, None, None]

    was = latest_scores(store, lead, "GZ", Q4)["R2", "plan_completion"]
    record_score(
        store, lead, SCHEME, "R2", Q4, "plan_completion", "0.99", now=NEW_YEAR, replacing=was
    )
    live = compute_rankings(store, Judgement(Q4, Q4.end), scheme_for, branch="GZ")
    assert totals(live)[1] == ("R2", 2, Decimal("61.00"), "合格")
    shown = rankings_for(store, judge(Q4, NEW_YEAR), scheme_for, branch="GZ")
    assert totals(shown) == totals(frozen)
    assert list(changed_people(store, "GZ", Q4)) == ["R2"]

    reopen_month(store, person(store, "A1"), "GZ", Q4, "R2's plan came in late", NEW_YEAR)
    assert month_state(store, "GZ", Q4) is None
    reopened = rankings_for(store, judge(Q4, NEW_YEAR), scheme_for, branch="GZ")
    assert totals(reopened) == totals(live)
    assert [(e.action, str(e.period)) for e in month_log(store, "GZ", Q4)] == [
        ("close", "2026-Q4"),
        ("reopen", "2026-Q4"),
    ]


def test_a_running_quarter_cannot_be_closed_nor_closed_twice(quarter):
    store, lead = quarter, person(quarter, "L1")
    with pytest.raises(ClosingRefused, match="2027-Q1 is still running"):
        close_month(store, lead, "GZ", Period.quarter(2027, 1), SCHEME, NEW_YEAR)
    close_month(store, lead, "GZ", Q4, SCHEME, NEW_YEAR)
    with pytest.raises(ClosingRefused, match="2026-Q4 of branch GZ was already closed by 周经理"):
        close_month(store, lead, "GZ", Q4, SCHEME, NEW_YEAR)


def test_a_time_entered_into_a_closed_quarter_is_refused(quarter):
    """A quarterly branch closes quarters, not months: a completion typed after the fact
    into the closed fourth quarter (its December not closed as a month) is refused too."""
    store, lead, rep = quarter, person(quarter, "L1"), person(quarter, "R1")
    taken = datetime(2026, 12, 21, 9, 0)
    ticket = tickets.new_ticket(store, rep, TICKET_FIELDS, now=taken)
    ticket = tickets.dispatch(store, rep, ticket.code, ticket.version, "E1", now=taken)
    close_month(store, lead, "GZ", Q4, SCHEME, NEW_YEAR)
    with pytest.raises(FieldErrors) as refused:  # the lead: a rep may not type it so far back
        tickets.complete(
            store, lead, ticket.code, ticket.version, "换板", now=NEW_YEAR, at="2026-12-31 18:00"
        )
    assert refused.value.errors["completed_at"].startswith("2026-Q4 is closed")
    done = tickets.complete(
        store, rep, ticket.code, ticket.version, "换板", now=NEW_YEAR, at="2027-01-04 18:00"
    )
    assert done.status == "completed"


def test_an_import_into_a_closed_quarter_is_taken_and_told(quarter, tmp_path):
    """Its December is not closed as a month: the rows are told by the quarter's closing."""
    close_month(quarter, person(quarter, "L1"), "GZ", Q4, SCHEME, NEW_YEAR)
    actions = tmp_path / "a.csv"
    actions.write_text(
        "staff,at,action\nR1,2026-12-21 09:00,intake\nR1,2027-01-04 09:00,intake\n"
        "S1,2026-12-21 09:00,intake\n"  # SZ's fourth quarter is open
    )
    report = import_files(quarter, [actions], now=NEW_YEAR)
    assert report.counts["actions"]["added"] == 3
    assert report.closed == ClosedRows(count=1, periods=[("GZ", "2026-Q4")], first=[f"{actions}:2"])
