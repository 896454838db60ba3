"""m019: the customer index compares names whatever the case of their Latin letters.

Branch GZ, October 2026: T1's customer is recorded as ``Li Lei``, T2's as 李雷.
Before the upgrade the (branch, customer) index held names byte by byte, so a
search for ``li lei`` could not read its range and went through the branch's
whole index; after it, the same search reads only the names it finds.
"""

from __future__ import annotations

from datetime import datetime

from migration_helpers import schema_before
from month_helpers import STAFF, load, person

from storage.db import open_store
from storage.queue import QueueFilter, page_query, queue_page

M019 = "m019_customer_search_nocase"
NOW = datetime(2026, 10, 20, 9)
TICKETS = """code,branch,kind,received_at,rep,customer
T1,GZ,onsite_repair,2026-10-01 09:00,R1,Li Lei
T2,GZ,onsite_repair,2026-10-02 09:00,R1,李雷
"""
CUSTOMER_STEP = "INDEX tickets_branch_customer (branch=?"
TICKET_INDEXES = "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'tickets'"


def _customer_step(store, text: str) -> str:
    """How the search's matches are read from the customer index."""
    sql, params = page_query(store, person(store, "R1"), QueueFilter(text=text))
    steps = [row[3] for row in store.query("EXPLAIN QUERY PLAN " + sql, params)]
    return next(step[step.index(CUSTOMER_STEP) :] for step in steps if CUSTOMER_STEP in step)


def test_after_the_upgrade_a_name_in_any_case_is_found_from_its_range_of_one_index(tmp_path):
    path = tmp_path / "old.db"
    old = schema_before(path, M019)
    load(old, staff=STAFF, tickets=TICKETS)
    assert _customer_step(old, "li lei") == CUSTOMER_STEP + ")"  # the whole branch's names
    indexes = old.scalar(TICKET_INDEXES)
    old.close()

    store = open_store(path)
    try:
        rep = person(store, "R1")
        for text, found in [("li lei", ["T1"]), ("LI", ["T1"]), ("李", ["T2"])]:
            rows = queue_page(store, rep, QueueFilter(text=text), now=NOW)
            assert [row.code for row in rows] == found, text
        assert _customer_step(store, "li lei") == CUSTOMER_STEP + " AND customer>? AND customer<?)"
        assert (
            store.scalar(TICKET_INDEXES) == indexes
        )  # one index for the other: imports cost the same
    finally:
        store.close()
