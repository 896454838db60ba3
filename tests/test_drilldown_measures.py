"""The facts behind the KPIs of schemes other than the default: each list adds up to the ranking.

Branch GZ, October 2026 judged at its end, engineers, a scheme with a KPI of each
measure the default scheme does not have (the month of ``test_measures``):

  E1's first completions: T1 10-01 09:00 → 12:00 (3 h), T2 10-02 09:00 → 10-03 10:00
  (25 h), T3 10-05 09:00 → 10-08 09:00 (72 h): 3 completed, 100 h in all → 100/3 h.
  Within 24 h: T1 → 1/3. T2 reopened 10-04 09:00, within 2 days of its completion →
  fixed the first time: T1, T3 → 2/3.
  First dispatches: T1 30, T2 60, T3 120 minutes after receipt → 210 / 3 = 70 minutes.
  Callbacks on E1's tickets: T1 rated 5, T3 rated 2 → mean 7/2.
  Two violation events (10-05, 10-06) → 2; typing entered 72, then 85 → 85.
  Attendance: 2026-10, 20 days at work, 2 absent → 2.
  E2: T4 in 1 h, dispatched after 10 minutes; no rating, nothing entered, no absence said.
"""

from __future__ import annotations

import io
from datetime import datetime
from fractions import Fraction as F

import pytest
from month_helpers import OCTOBER, STAFF, load, person
from rich.console import Console

from fieldkpi.access import AccessDenied
from fieldkpi.period import Judgement
from fieldkpi.scheme import default_for_every_branch, load_scheme
from screens.drilldown import kpi_view
from screens.ticket_lists import TicketLines
from storage import tickets
from storage.drilldown import (
    AbsenceFacts,
    CompletedFacts,
    DispatchFacts,
    EnteredFacts,
    KindFacts,
    SatisfactionFacts,
    kpi_facts,
)
from storage.rankings import compute_rankings

KPIS = {
    "within24": ('"resolved_within"', "hours = 24"),
    "fix2": ('"first_time_fix"', "days = 2"),
    "cycle": ('"cycle_hours"', ""),
    "response": ('"dispatch_minutes"', ""),
    "done": ('"completed"', ""),
    "mean": ('"satisfaction_mean"', ""),
    "violations": ('"adjustments.violation"', ""),
    "typing": ('"entered.typing"', ""),
    "absent": ('"attendance.absent"', ""),
}

TICKETS = """code,branch,kind,received_at,dispatched_at,completed_at,engineer,rep,callback_at,rating
T1,GZ,onsite_repair,2026-10-01 09:00,2026-10-01 09:30,2026-10-01 12:00,E1,R1,2026-10-02 10:00,5
T2,GZ,onsite_repair,2026-10-02 09:00,2026-10-02 10:00,2026-10-03 10:00,E1,R1,,
T3,GZ,onsite_repair,2026-10-05 09:00,2026-10-05 11:00,2026-10-08 09:00,E1,R2,2026-10-09 10:00,2
T4,GZ,onsite_repair,2026-10-06 09:00,2026-10-06 09:10,2026-10-06 10:00,E2,R2,,
"""
JUDGED = Judgement(OCTOBER, OCTOBER.end)


@pytest.fixture
def scheme(tmp_path):
    text = "\n".join(
        f'[[kpi]]\nid = "{kpi}"\nrole = "engineer"\nmeasure = {measure}\n{setting}\n'
        f'score = {{ method = "rank", max = 10 }}\n'
        for kpi, (measure, setting) in KPIS.items()
    )
    path = tmp_path / "scheme.toml"
    path.write_text(text, encoding="utf-8")
    return load_scheme(path)


@pytest.fixture
def month(store):
    load(
        store,
        staff=STAFF,
        tickets=TICKETS,
        deductions="staff,at,kind,points,ticket,note\nE1,2026-10-05 10:00,violation,,T1,迟到\n"
        "E1,2026-10-06 10:00,violation,,,\n",
        attendance="staff,month,days,absent\nE1,2026-10,20,2\nE2,2026-10,22,\n",
    )
    lead = person(store, "L1")
    t2 = tickets.get_ticket(store, lead, "T2")
    t2 = tickets.reopen(
        store,
        lead,
        "T2",
        t2.version,
        "又坏了",
        now=datetime(2026, 10, 4, 9, 0),
        scheme_for=default_for_every_branch,
    )
    tickets.complete(store, lead, "T2", t2.version, "再修", now=datetime(2026, 10, 4, 15, 0))
    with store.write() as db:
        db.execute(
            "INSERT INTO scores (period, staff, metric, value, note, at, by)"
            " VALUES ('2026-10', 'E1', 'typing', '72', NULL, '2026-10-31 10:00', 'L1'),"
            " ('2026-10', 'E1', 'typing', '85', '复测', '2026-11-01 10:00', 'L1')"
        )
    return store


def facts_and_row(store, scheme, code: str, kpi: str, who: str = "L1"):
    """The facts behind ``kpi`` of ``code``'s row, as ``who`` reads them, and that row."""
    rows = compute_rankings(store, JUDGED, lambda _b: scheme, branch="GZ", roles=["engineer"])
    row = next(r for r in rows if r.staff_code == code)
    facts = kpi_facts(store, person(store, who), code, JUDGED, scheme, row.spec(kpi))
    return facts, row.kpi(kpi).value


def test_completed_tickets_with_their_hours_add_up_to_the_cycle_time(month, scheme):
    facts, value = facts_and_row(month, scheme, "E1", "cycle")
    assert isinstance(facts, CompletedFacts)
    assert [(t.code, t.hours) for t in facts.tickets] == [("T1", 3), ("T2", 25), ("T3", 72)]
    assert (facts.hours, facts.measured.value) == (100, F(100, 3))
    assert facts.measured.value == value


def test_each_ticket_says_whether_it_was_resolved_within_the_hours(month, scheme):
    facts, value = facts_and_row(month, scheme, "E1", "within24")
    assert [(t.code, t.within) for t in facts.tickets] == [
        ("T1", True),
        ("T2", False),
        ("T3", False),
    ]
    assert facts.measured.value == value == F(1, 3)


def test_a_ticket_reopened_within_the_days_is_no_first_time_fix_and_says_when(month, scheme):
    facts, value = facts_and_row(month, scheme, "E1", "fix2")
    assert [(t.code, t.reopened_at) for t in facts.tickets] == [
        ("T1", None),
        ("T2", datetime(2026, 10, 4, 9, 0)),
        ("T3", None),
    ]
    assert facts.measured.value == value == F(2, 3)


def test_completed_counts_the_tickets_listed(month, scheme):
    facts, value = facts_and_row(month, scheme, "E1", "done")
    assert [t.code for t in facts.tickets] == ["T1", "T2", "T3"]
    assert facts.measured.value == value == 3
    other, value = facts_and_row(month, scheme, "E2", "done")
    assert [t.code for t in other.tickets] == ["T4"] and other.measured.value == value == 1


def test_first_dispatches_with_their_minutes_add_up_to_the_response_time(month, scheme):
    facts, value = facts_and_row(month, scheme, "E1", "response")
    assert isinstance(facts, DispatchFacts)
    assert [(d.ticket, d.minutes) for d in facts.dispatches] == [
        ("T1", 30),
        ("T2", 60),
        ("T3", 120),
    ]
    assert (facts.minutes, facts.measured.value) == (210, 70)
    assert facts.measured.value == value


def test_a_mean_rating_lists_every_rated_callback(month, scheme):
    facts, value = facts_and_row(month, scheme, "E1", "mean")
    assert isinstance(facts, SatisfactionFacts)
    assert [(c.ticket, c.rating) for c in facts.callbacks] == [("T1", 5), ("T3", 2)]
    assert facts.mean == value == F(7, 2)


def test_events_of_the_kind_a_kpi_counts(month, scheme):
    facts, value = facts_and_row(month, scheme, "E1", "violations")
    assert isinstance(facts, KindFacts)
    assert [(e.at.day, e.ticket, e.note) for e in facts.events.events] == [
        (5, "T1", "迟到"),
        (6, None, None),
    ]
    assert facts.measured.value == value == 2


def test_an_entered_value_with_who_entered_it_and_the_entries_before(month, scheme):
    facts, value = facts_and_row(month, scheme, "E1", "typing")
    assert isinstance(facts, EnteredFacts)
    assert [(str(e.value), e.by_name, e.at, e.note) for e in facts.entries] == [
        ("72", "周经理", "2026-10-31 10:00", None),
        ("85", "周经理", "2026-11-01 10:00", "复测"),
    ]
    assert facts.measured.value == value == 85
    nothing, value = facts_and_row(month, scheme, "E2", "typing")
    assert nothing.entries == [] and nothing.measured.value is value is None


def test_days_absent_from_the_attendance_record(month, scheme):
    facts, value = facts_and_row(month, scheme, "E1", "absent")
    assert isinstance(facts, AbsenceFacts)
    assert [(m.month, m.days, m.absent) for m in facts.months] == [("2026-10", 20, 2)]
    assert facts.measured.value == value == 2
    unsaid, value = facts_and_row(month, scheme, "E2", "absent")
    assert [(m.days, m.absent) for m in unsaid.months] == [(22, None)]
    assert unsaid.measured.value is value is None  # the record does not say: no data


@pytest.mark.parametrize("kpi", list(KPIS))
@pytest.mark.parametrize(("who", "whose"), [("E2", "E1"), ("L2", "E1"), ("R1", "E1")])
def test_every_kind_of_facts_is_refused_to_who_may_not_see_the_figures(
    month, scheme, kpi, who, whose
):
    with pytest.raises(AccessDenied):
        facts_and_row(month, scheme, whose, kpi, who=who)


@pytest.mark.parametrize("kpi", list(KPIS))
def test_an_engineer_reads_the_facts_of_each_of_their_own_kpis(month, scheme, kpi):
    facts, _value = facts_and_row(month, scheme, "E1", kpi, who="E1")
    assert (facts.events if isinstance(facts, KindFacts) else facts).person.code == "E1"


def shown(blocks) -> str:
    """The text of a tab's blocks: each list's lines with their cells two spaces apart."""
    console = Console(width=120, file=io.StringIO(), record=True)
    for block in blocks:
        if isinstance(block, TicketLines):
            console.print("  ".join(block.headings))
            for _ticket, cells in block.lines:
                console.print("  ".join(str(c) for c in cells))
        else:
            console.print(block)
    return console.export_text()


@pytest.mark.parametrize(
    ("kpi", "expected"),
    [
        ("cycle", ["3 tickets completed, 100.00 hours in all → 33.33 hours on average"]),
        (
            "within24",
            [
                "1 of 3 tickets completed within 24 hours of receipt → 33.33%",
                "T1  2026-10-01 09:00  2026-10-01 12:00  3.00  ✓",
                "T2  2026-10-02 09:00  2026-10-03 10:00  25.00  —",
            ],
        ),
        (
            "fix2",
            [
                "2 of 3 completed tickets not reopened within 2 days → 66.67%",
                "T2  2026-10-02 09:00  2026-10-03 10:00  25.00  2026-10-04 09:00",
            ],
        ),
        ("done", ["3 tickets completed"]),
        (
            "response",
            [
                "3 tickets dispatched, 210.00 minutes in all → 70.00 minutes on average",
                "T3  2026-10-05 09:00  2026-10-05 11:00  120.00",
            ],
        ),
        ("mean", ["2 rated callbacks → mean rating 3.50", "★★ 2"]),
        ("violations", ["2 events of the kind Violation", "迟到"]),
        ("typing", ["Entered: 85, by 周经理 at 2026-11-01 10:00", "72", "复测"]),
        ("absent", ["Days absent: 2", "2026-10"]),
    ],
)
def test_each_tab_says_what_it_counted_and_lists_it(month, scheme, kpi, expected):
    facts, _value = facts_and_row(month, scheme, "E1", kpi)
    spec = scheme.kpi("engineer", kpi)
    text = shown(kpi_view(facts, spec, scheme))
    for line in expected:
        assert line in text, (line, text)
