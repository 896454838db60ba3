"""kpi-rules §6: open tickets still held by people who have left count against nobody.

A tester's steps: the admin set 谢建华's leaving day to 2026-12-02; his five open
tickets crossed the 30-day limit after that, and December still ranked him
−375.00 (−150 × 2.5) with −¥100, for tickets he could no longer touch. An O
ticket now counts against its holder when it crossed the limit (§1) only if
that person had not left before the day of as-of; the leaving day itself is a
working day. Someone who left is ranked in the month they left (for what they
did in it) and in no month after.

Branch GZ of month_helpers.STAFF, and E3, an engineer who leaves on 2026-10-10.
Every count worked by hand.
"""

from __future__ import annotations

from datetime import datetime

from month_helpers import DEFAULT, OCTOBER, STAFF, load, person
from test_time_principle import NOVEMBER, SEPTEMBER, step, timeliness

from fieldkpi.period import Judgement
from storage.drilldown import timeliness_facts

LEAVER = STAFF + "E3,谢工,engineer,GZ,2022-01-01,2026-10-10,\n"
# T1: received 09-01 with E3, crossed the limit on 10-02 (09-01 + 31 days) while E3 worked.
# T2: received and completed by E3 on 10-05: day 1, 20 points.
# T3: X1, a rep who left on 09-15, is T3's rep; received 08-01, crossed on 09-01.
TICKETS = """code,branch,kind,received_at,completed_at,engineer,rep
T1,GZ,onsite_repair,2026-09-01 10:00,,E3,R1
T2,GZ,onsite_repair,2026-10-05 09:00,2026-10-05 16:00,E3,R1
T3,GZ,onsite_repair,2026-08-01 10:00,,E1,X1
"""
EMPTY = {"day1": 0, "day2": 0, "day3": 0, "day4": 0, "day5": 0, "day6": 0, "day7": 0, "late": 0}


def test_a_leavers_open_ticket_counts_against_nobody_from_the_day_after_they_left(store):
    load(store, staff=LEAVER, tickets=TICKETS)
    # Judged on the leaving day, E3 still works there: T1 is theirs. (20 − 150) / 2 = −65.
    on_the_day = datetime(2026, 10, 10, 23, 59, 59)
    assert timeliness(store, OCTOBER, "E3", as_of=on_the_day) == (
        -65,
        EMPTY | {"day1": 1, "open": 1, "orders": 2},
    )
    # October judged at its end: E3 left on 10-10, so T1 counts for nobody, and E3 is still
    # ranked in October for T2 alone: 20 / 1 = 20 (it was (20 − 150) / 2 = −65).
    assert timeliness(store, OCTOBER, "E3") == (20, EMPTY | {"day1": 1, "open": 0, "orders": 1})
    # nor is anyone else charged with it: not E1, not E2
    assert timeliness(store, OCTOBER, "E1")[1]["open"] == 1  # T3, E1's own
    assert timeliness(store, OCTOBER, "E2")[0] is None
    # the drill-down lists what is counted: T2 alone
    lead = person(store, "L1")
    facts = timeliness_facts(store, lead, "E3", Judgement(OCTOBER, OCTOBER.end), DEFAULT)
    assert [t.code for b in facts.buckets for t in b.tickets] == ["T2"]
    # November: E3 left before it began and is not ranked at all
    assert timeliness(store, NOVEMBER, "E3") is None


def test_a_leavers_stale_ticket_handed_on_is_not_charged_to_the_new_holder(store):
    """The lead re-dispatches T1 to E2 after it went stale with E3: it crossed with E3, so it
    is not E2's −150 (kpi-rules §1), and E3 has left, so it is nobody's (§6)."""
    load(store, staff=LEAVER, tickets=TICKETS)
    step(store, "dispatch", "T1", "E2", at=datetime(2026, 11, 2, 9, 0))
    assert timeliness(store, NOVEMBER, "E2")[0] is None
    # E2 completes it on 11-20: day 81, late (−15) for E2, who held it at completion
    step(store, "complete", "T1", "换主板", at=datetime(2026, 11, 20, 15, 0))
    assert timeliness(store, NOVEMBER, "E2") == (-15, EMPTY | {"late": 1, "open": 0, "orders": 1})


def test_a_rep_who_left_is_not_charged_with_the_open_tickets_of_their_name(store):
    """X1 left on 09-15; T3 (their ticket) crossed on 09-01 and is still open at 09-30."""
    load(store, staff=LEAVER, tickets=TICKETS)
    assert timeliness(store, SEPTEMBER, "X1", role="rep", as_of=datetime(2026, 9, 15, 18, 0)) == (
        -150,
        EMPTY | {"open": 1, "orders": 1},
    )
    # at the month's end X1 has left: ranked in September, with no orders
    assert timeliness(store, SEPTEMBER, "X1", role="rep")[0] is None
    # the engineer who held T3 when it crossed, still working, is charged as before
    assert timeliness(store, SEPTEMBER, "E1")[1]["open"] == 1
