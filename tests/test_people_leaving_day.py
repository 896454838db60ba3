"""The leaving day itself is a day worked; someone has left from the day after (kpi-rules §6).

A tester's steps: the admin recorded 赵磊's leaving day as today. He could still
sign in and save, and the KPIs counted the day as his, but the dispatch picker
no longer offered him and a dispatch to him was refused ("does not work here
now"). Every place now asks :mod:`fieldkpi.employment` (or its SQL,
:mod:`storage.employment`), and they agree on both days.

The crew of ticket_helpers on 2026-10-15 (``NOW``).
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from ticket_helpers import NOW, TICKET_FIELDS, seed_staff

from storage import staff, tickets
from storage.leavers import left_holders
from storage.people import branch_staff, dispatch_candidates, engineers_holding_work
from storage.queue import QueueFilter, queue_page
from storage.typed import FieldErrors

ROOT = Path(__file__).parent.parent
TOMORROW = NOW + timedelta(days=1)


@pytest.fixture
def crew(store):
    crew = seed_staff(store)
    staff.set_left_on(store, crew.admin, "E2", NOW.date().isoformat(), was=None, now=NOW)
    return crew


def engineers(store, crew, now) -> dict[str, list[str]]:
    """Who each list of engineers offers on ``now``'s day."""
    day = now.date()
    return {
        "picker": [load.person.code for load in dispatch_candidates(store, crew.rep, now)],
        "staff": [p.code for p in branch_staff(store, "GZ", "engineer", on=day)],
        "queue filter": [p.code for p in engineers_holding_work(store, "GZ", on=day)],
    }


def test_on_the_leaving_day_an_engineer_is_offered_and_dispatched_to(store, crew):
    assert engineers(store, crew, NOW) == {
        "picker": ["E1", "E2"],
        "staff": ["E1", "E2"],
        "queue filter": ["E1", "E2"],
    }
    ticket = tickets.new_ticket(store, crew.rep, TICKET_FIELDS, now=NOW)
    ticket = tickets.dispatch(store, crew.rep, ticket.code, ticket.version, "E2", now=NOW)
    assert ticket.engineer == "E2"
    # not yet a ticket to hand on: unmarked in the queue, listed to nobody
    [row] = queue_page(store, crew.lead, QueueFilter(), now=NOW)
    assert not row.engineer_left
    assert left_holders(store, crew.lead, "GZ", NOW.date()) == []


def test_the_day_after_the_leaving_day_they_have_left_everywhere(store, crew):
    ticket = tickets.new_ticket(store, crew.rep, TICKET_FIELDS, now=NOW)
    ticket = tickets.dispatch(store, crew.rep, ticket.code, ticket.version, "E2", now=NOW)
    assert engineers(store, crew, TOMORROW) == {
        "picker": ["E1"],
        "staff": ["E1"],
        "queue filter": ["E1", "E2"],  # his ticket is still open: the lead hands it on
    }
    [row] = queue_page(store, crew.lead, QueueFilter(), now=TOMORROW)
    assert row.engineer_left
    assert left_holders(store, crew.lead, "GZ", TOMORROW.date())[0].tickets == (ticket.code,)
    other = tickets.new_ticket(store, crew.rep, TICKET_FIELDS, now=TOMORROW)
    with pytest.raises(FieldErrors) as refused:
        tickets.dispatch(store, crew.rep, other.code, other.version, "E2", now=TOMORROW)
    assert refused.value.errors == {"engineer": "赵磊 does not work here now."}


def test_who_has_left_is_decided_in_one_place():
    """No comparison with a leaving day outside fieldkpi.employment and its SQL: three
    hand-written copies once disagreed about the leaving day itself."""
    compared = re.compile(r"left_on\w*\)?\s*[<>]|[<>]=?\s*[\w.]*left_on")
    own = {ROOT / "fieldkpi" / "employment.py", ROOT / "storage" / "employment.py"}
    found = [
        f"{path.relative_to(ROOT)}:{n}: {line.strip()}"
        for package in ("fieldkpi", "storage", "screens")
        for path in sorted((ROOT / package).rglob("*.py"))
        if path not in own
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if compared.search(line)
    ]
    assert found == []
