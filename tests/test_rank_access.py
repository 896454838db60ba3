"""Who sees which figures, enforced in the storage layer the screens call.

GZ engineers in October 2026, default scheme:
  E1: one ticket on day 2 → 17 × 2.5 = 42.50; rated 5 → satisfaction 1
  E2: one ticket on day 1 → 20 × 2.5 = 50.00; rated 5 → satisfaction 1
  both satisfied alike → 50 points each  ⇒  E2 100.00 (rank 1), E1 92.50 (rank 2, 7.50 behind)
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
from month_helpers import AFTER_OCTOBER, DEFAULT, OCTOBER, STAFF, load, person

from fieldkpi.access import AccessDenied
from fieldkpi.live_figures import change_line
from fieldkpi.period import judge
from fieldkpi.scheme import default_for_every_branch
from storage.closing import close_month, reopen_month
from storage.drilldown import (
    deduction_facts,
    feedback_facts,
    fix_first_list,
    satisfaction_facts,
    timeliness_facts,
    workload_facts,
)
from storage.standings import branch_ranking, own_month

TICKETS = """code,branch,kind,received_at,completed_at,engineer,rep,callback_at,rating
T1,GZ,onsite_repair,2026-10-03 09:00,2026-10-04 15:00,E1,R1,2026-10-05 10:00,5
T2,GZ,onsite_repair,2026-10-05 09:00,2026-10-05 11:00,E2,R2,2026-10-06 10:00,5
T3,GZ,onsite_repair,2026-10-28 09:00,,E1,R1,,
"""

JUDGED = judge(OCTOBER, AFTER_OCTOBER)
NOW = AFTER_OCTOBER


@pytest.fixture
def seeded(store):
    load(store, staff=STAFF, tickets=TICKETS)
    return store


OUTSIDERS = {
    "an engineer": "E1",
    "a rep of the branch": "R1",
    "a rep of another branch": "S1",
    "a lead of another branch": "L2",
}


@pytest.mark.parametrize("who", OUTSIDERS.values(), ids=OUTSIDERS.keys())
def test_the_branch_ranking_is_refused_to_all_but_its_lead_and_admins(seeded, who):
    with pytest.raises(AccessDenied):
        branch_ranking(seeded, person(seeded, who), "GZ", OCTOBER, default_for_every_branch, NOW)


def test_lead_and_admin_see_the_whole_branch_ranking(seeded):
    for who in ("L1", "A1"):
        ranking = branch_ranking(
            seeded, person(seeded, who), "GZ", OCTOBER, default_for_every_branch, NOW
        )
        engineers = [(r.staff_code, r.rank, r.total) for r in ranking.rows if r.role == "engineer"]
        assert engineers == [("E2", 1, Decimal("100.00")), ("E1", 2, Decimal("92.50"))]
        assert not ranking.provisional and ranking.closed is None
        # September: nobody had tickets (all tied at 0.00): nobody to compare with, so "new"
        assert ranking.previous_ranks == {}


OWN_FACTS = [timeliness_facts, satisfaction_facts, deduction_facts]
OTHERS_FACTS = [workload_facts, feedback_facts]  # saturation's and feedback's tell of colleagues
DRILLDOWNS = OWN_FACTS + OTHERS_FACTS


@pytest.mark.parametrize(
    ("who", "whose"),
    [("E1", "E2"), ("S1", "R1"), ("L2", "E1"), ("R1", "R2"), ("R1", "E1"), ("SE", "E1")],
)
@pytest.mark.parametrize("facts", DRILLDOWNS, ids=lambda f: f.__name__)
def test_another_persons_figures_are_refused(seeded, facts, who, whose):
    with pytest.raises(AccessDenied):
        facts(seeded, person(seeded, who), whose, JUDGED, DEFAULT)


@pytest.mark.parametrize(("who", "whose"), [("E1", "E2"), ("L2", "E1"), ("R1", "E1")])
def test_another_persons_fix_first_list_is_refused(seeded, who, whose):
    with pytest.raises(AccessDenied):
        fix_first_list(seeded, person(seeded, who), whose, NOW, DEFAULT)


@pytest.mark.parametrize("facts", OWN_FACTS, ids=lambda f: f.__name__)
def test_everyone_sees_their_own_figures_and_the_lead_those_of_the_branch(seeded, facts):
    for who, whose in (("E1", "E1"), ("R1", "R1"), ("L1", "E1"), ("L1", "R1"), ("A1", "E1")):
        assert facts(seeded, person(seeded, who), whose, JUDGED, DEFAULT).person.code == whose


@pytest.mark.parametrize("facts", OTHERS_FACTS, ids=lambda f: f.__name__)
def test_facts_that_tell_of_colleagues_are_the_leads_not_the_persons_own(seeded, facts):
    for who in ("R1", "E1"):
        with pytest.raises(AccessDenied):
            facts(seeded, person(seeded, who), who, JUDGED, DEFAULT)
    for who in ("L1", "A1"):
        assert facts(seeded, person(seeded, who), "R1", JUDGED, DEFAULT).person.code == "R1"


def test_an_engineer_gets_only_their_own_row_and_how_many_are_ranked(seeded):
    own = own_month(seeded, person(seeded, "E1"), OCTOBER, default_for_every_branch, NOW)
    mine = own.standing
    assert (mine.row.staff_code, mine.row.rank, mine.row.total) == ("E1", 2, Decimal("92.50"))
    assert mine.ranked == 2
    # Nothing in it names or scores anyone else: no gap to the next rank (E2's 100.00 − 92.50),
    # and no month of the trend beside it.
    shown = repr(own)
    assert "E2" not in shown and "刘洋" not in shown and "100.00" not in shown
    assert "7.50" not in shown
    top = own_month(seeded, person(seeded, "E2"), OCTOBER, default_for_every_branch, NOW).standing
    assert (top.row.rank, top.ranked) == (1, 2)


def test_a_lead_has_no_standing_of_their_own(seeded):
    own = own_month(seeded, person(seeded, "L1"), OCTOBER, default_for_every_branch, NOW)
    assert (own.standing, own.trend) == (None, [])
    assert own.basis.judgement.period == OCTOBER


def test_own_standing_of_a_closed_month_is_the_frozen_one(seeded):
    close_month(seeded, person(seeded, "L1"), "GZ", OCTOBER, DEFAULT, NOW)
    load(seeded, now=datetime(2026, 11, 10),
         tickets="code,branch,kind,received_at,completed_at,engineer\n"
                 "T9,GZ,onsite_repair,2026-10-30 09:00,2026-10-30 10:00,E1\n")  # fmt: skip
    own = own_month(seeded, person(seeded, "E1"), OCTOBER, default_for_every_branch, NOW)
    assert (own.standing.row.total, own.standing.ranked) == (Decimal("92.50"), 2)
    assert own.basis.closed is not None and own.trend[-1].row == own.standing.row
    ranking = branch_ranking(
        seeded, person(seeded, "L1"), "GZ", OCTOBER, default_for_every_branch, NOW
    )
    assert ranking.closed is not None and list(ranking.changed) == ["E1"]


def test_the_lead_reads_by_how_much_late_data_moved_someone_the_person_only_that_it_did(seeded):
    """T9, E1's on day 1 (not rated), imported after the closing: E1 (17 + 20)/2 × 2.5 =
    46.25 + 50 = 96.25, still 3.75 behind E2's 100.00, so the rank and money stand. The
    lead (and an admin) reads both totals; E1 is told only that their figures differ (a live
    rank would tell of the others' figures too), and nobody else of GZ is told anything."""
    close_month(seeded, person(seeded, "L1"), "GZ", OCTOBER, DEFAULT, NOW)
    load(seeded, now=datetime(2026, 11, 10),
         tickets="code,branch,kind,received_at,completed_at,engineer\n"
                 "T9,GZ,onsite_repair,2026-10-30 09:00,2026-10-30 10:00,E1\n")  # fmt: skip
    for who in ("L1", "A1"):
        ranking = branch_ranking(
            seeded, person(seeded, who), "GZ", OCTOBER, default_for_every_branch, NOW
        )
        assert [change_line(c) for c in ranking.changed.values()] == [
            "陈工 (E1): total 92.50 → 96.25 (+3.75)"
        ], who
    own = own_month(seeded, person(seeded, "E1"), OCTOBER, default_for_every_branch, NOW)
    assert own.change is not None and own.standing.row.total == Decimal("92.50")
    for who in OUTSIDERS.values():
        with pytest.raises(AccessDenied):
            branch_ranking(
                seeded, person(seeded, who), "GZ", OCTOBER, default_for_every_branch, NOW
            )


@pytest.mark.parametrize("who", ["E1", "R1", "L2", "S1"])
def test_closing_is_refused_to_all_but_the_lead_and_admins(seeded, who):
    with pytest.raises(AccessDenied):
        close_month(seeded, person(seeded, who), "GZ", OCTOBER, DEFAULT, NOW)


@pytest.mark.parametrize("who", ["E1", "R1", "L1", "L2"])
def test_reopening_is_refused_to_all_but_admins(seeded, who):
    close_month(seeded, person(seeded, "L1"), "GZ", OCTOBER, DEFAULT, NOW)
    with pytest.raises(AccessDenied):
        reopen_month(seeded, person(seeded, who), "GZ", OCTOBER, "late data", NOW)
