"""The facts behind each number, checked by hand against the ranking they explain.

Branch GZ, October 2026, judged at 2026-10-31 23:59:59, default scheme (open limit 30 days).

Timeliness of E1 (day = completed − received + 1):
  T1 10-03 → 10-03 d1 (20); T2 10-05 → 10-06 d2 (17); T9 10-25 → 10-31 d7 (2);
  T3 10-01 → 10-10 day 10, late (−15);
  open past 30 days at 10-31: T4 (received 09-20, still open: 41 days) and
  T5 (received 09-25, completed only 11-02: 36 days) → −150 each.
  Not counted: T6 (cancelled), T7 (open 16 days), T8 (completed in September).
  N = 6, points 20 + 17 + 2 − 15 − 300 = −276, timeliness −46.
Satisfaction of E1: callbacks in October T1 5, T2 3, T8 4 (T3's is in November) → 2/3.
Workload of R1: 10-01 5 actions, 10-02 4, 10-05 3 → intake 6, dispatch 4, callback 2 = 12
  over 3 distinct dates (no attendance) → 4 a day. The branch's annual maximum is X1's
  June, 60 / 10 attendance days = 6 (R1's March 100 / 20 = 5; SZ's S1 50 a day does not
  count: another branch) → saturation 4/6 = 2/3.
Feedback of R1: reports of 10-04 (1 point) and 10-12 (2 points); the one of 09-30 is
  September. Visits: T1 (visited 10-03), T2 and T3 (completed); T10 is in-shop → 3/3 = 1.
Deductions of E1: branch_rule 1.5 (10-20), violation 1 (10-22) = 2.5; the backfill of
  09-30 is September; the major complaint of 10-25 is voided by its correction of 10-26.

Fix first for E2 at 2026-10-20 10:00 (each open ticket's bucket if completed today):
  FD received 09-10 and FE 09-19: open more than 30 days already → first, oldest first;
     completing them wins back −15 − (−150) = 135.
  At midnight 10-21: FF (09-20, late) drops into the open zone: 135;
     FB (10-14, d7) drops to late: 2 − (−15) = 17; FG (10-18, d3) and FA (10-20, d1)
     lose 3 each (older first).
  FC (10-01, late) drops into the open zone at 11-01 00:00: 135.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from fractions import Fraction

import pytest
from month_helpers import AFTER_OCTOBER, DEFAULT, OCTOBER, STAFF, load, person

from fieldkpi.access import AccessDenied
from fieldkpi.buckets import BUCKETS
from fieldkpi.period import judge
from fieldkpi.scheme import default_for_every_branch
from screens.drilldown import workload_view
from storage.drilldown import (
    deduction_facts,
    feedback_facts,
    fix_first_list,
    kpi_facts,
    satisfaction_facts,
    timeliness_facts,
    workload_facts,
)
from storage.rankings import compute_rankings

TICKETS = """code,branch,kind,received_at,visited_at,completed_at,cancelled,engineer,rep,callback_at,rating
T1,GZ,onsite_repair,2026-10-03 09:00,2026-10-03 14:00,2026-10-03 15:00,0,E1,R1,2026-10-04 10:00,5
T2,GZ,onsite_repair,2026-10-05 09:00,,2026-10-06 11:00,0,E1,R1,2026-10-07 10:00,3
T3,GZ,installation,2026-10-01 08:30,,2026-10-10 17:00,0,E1,R1,2026-11-01 10:00,5
T4,GZ,onsite_repair,2026-09-20 10:00,,,0,E1,R2,,
T5,GZ,commissioning,2026-09-25 10:00,,2026-11-02 10:00,0,E1,R2,,
T6,GZ,onsite_repair,2026-10-11 10:00,,2026-10-11 12:00,1,E1,R2,,
T7,GZ,onsite_repair,2026-10-15 10:00,,,0,E1,R2,,
T8,GZ,onsite_repair,2026-09-01 10:00,,2026-09-30 10:00,0,E1,R2,2026-10-01 10:00,4
T9,GZ,onsite_repair,2026-10-25 10:00,,2026-10-31 18:00,0,E1,R2,,
T10,GZ,inshop_repair,2026-10-11 10:00,,2026-10-12 10:00,0,E2,R1,,
FA,GZ,onsite_repair,2026-10-20 08:00,,,0,E2,R2,,
FB,GZ,onsite_repair,2026-10-14 09:00,,,0,E2,R2,,
FC,GZ,onsite_repair,2026-10-01 09:00,,,0,E2,R2,,
FD,GZ,onsite_repair,2026-09-10 09:00,,,0,E2,R2,,
FE,GZ,onsite_repair,2026-09-19 09:00,,,0,E2,R2,,
FF,GZ,onsite_repair,2026-09-20 09:00,,,0,E2,R2,,
FG,GZ,onsite_repair,2026-10-18 09:00,,,0,E2,R2,,
FX,GZ,onsite_repair,2026-09-01 09:00,,,1,E2,R2,,
"""

ATTENDANCE = """staff,month,days
R1,2026-03,20
X1,2026-06,10
"""

PROBLEMS = """rep,engineer,at,points,ticket,note
R1,E1,2026-10-04 12:00,1,T1,迟到
R1,E2,2026-10-12 12:00,2,T10,未带配件
R1,E1,2026-09-30 12:00,5,,
"""


def _actions() -> str:
    rows = ["staff,at,action,ticket"]
    day = "R1,2026-10-{d} 09:{m:02d},{kind},"
    for m, kind in enumerate(["intake"] * 3 + ["dispatch"] * 2):
        rows.append(day.format(d="01", m=m, kind=kind))
    for m, kind in enumerate(["intake"] * 2 + ["dispatch"] * 2):
        rows.append(day.format(d="02", m=m, kind=kind))
    for m, kind in enumerate(["callback"] * 2 + ["intake"]):
        rows.append(day.format(d="05", m=m, kind=kind))
    rows.append("R1,2026-09-30 23:59,intake,")  # September
    rows.append("R1,2026-11-01 00:00,intake,")  # November
    rows += [f"R1,2026-03-{1 + i // 5:02d} 09:{i % 60:02d},intake," for i in range(100)]
    rows += [f"X1,2026-06-{1 + i // 6:02d} 09:{i:02d},complete," for i in range(60)]
    rows += [f"S1,2026-08-03 09:{i:02d},intake," for i in range(50)]
    return "\n".join(rows) + "\n"


# (id, staff, at, kind, points, ticket, note, recorded_by)
DEDUCTIONS = [
    (1, "E1", "2026-10-22 10:00:00", "violation", None, "T2", "迟到", "L1"),
    (2, "E1", "2026-10-20 10:00:00", "branch_rule", 1.5, None, "例会缺席", "L1"),
    (3, "E1", "2026-09-30 10:00:00", "backfill", None, None, None, "L1"),
    (4, "E1", "2026-10-25 10:00:00", "complaint_major", None, None, "误判", "L1"),
    (6, "R1", "2026-10-15 10:00:00", "complaint_media", None, None, None, "import"),
]


@pytest.fixture
def month(store):
    load(store, staff=STAFF, tickets=TICKETS, actions=_actions(), attendance=ATTENDANCE,
         problems=PROBLEMS)  # fmt: skip
    with store.write() as db:
        db.conn.executemany(
            "INSERT INTO deductions (id, staff, at, kind, points, ticket, note, recorded_by)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            DEDUCTIONS,
        )
        db.execute(  # 4 was a mistake: withdrawn, it counts nowhere
            "INSERT INTO appraisal_reviews (subject, subject_id, action, at, by, reason)"
            " VALUES ('deduction', 4, 'withdraw', '2026-10-26 10:00:00', 'L1', '撤销')"
        )
    return store


JUDGED = judge(OCTOBER, AFTER_OCTOBER)


def _row(store, code):
    rows = compute_rankings(store, JUDGED, default_for_every_branch, branch="GZ")
    return next(r for r in rows if r.staff_code == code)


def test_timeliness_tickets_by_bucket_with_their_points(month):
    lead = person(month, "L1")
    facts = timeliness_facts(month, lead, "E1", JUDGED, DEFAULT)
    shown = {
        b.bucket: ([t.code for t in b.tickets], b.count, b.points) for b in facts.buckets if b.count
    }
    assert shown == {
        "d1": (["T1"], 1, 20),
        "d2": (["T2"], 1, 17),
        "d7": (["T9"], 1, 2),
        "late": (["T3"], 1, -15),
        "open30": (["T4", "T5"], 2, -300),
    }
    assert [b.bucket for b in facts.buckets] == list(BUCKETS)  # empty bars too, in chart order
    late = facts.buckets[BUCKETS.index("late")].tickets[0]
    assert (late.day, late.points, late.completed_at) == (10, -15, datetime(2026, 10, 10, 17, 0))
    t5 = facts.buckets[BUCKETS.index("open30")].tickets[1]
    assert (t5.day, t5.completed_at) == (None, datetime(2026, 11, 2, 10, 0))
    assert (facts.orders, facts.points, facts.timeliness) == (6, -276, -46)
    assert facts.timeliness == _row(month, "E1").kpi("timeliness").value


def test_satisfaction_lists_the_rated_callbacks_of_the_month(month):
    facts = satisfaction_facts(month, person(month, "E1"), "E1", JUDGED, DEFAULT)
    assert [(c.ticket, c.rating, c.satisfied) for c in facts.callbacks] == [
        ("T8", 4, True),
        ("T1", 5, True),
        ("T2", 3, False),
    ]
    assert (facts.satisfied, facts.rated, facts.satisfaction) == (2, 3, Fraction(2, 3))
    assert facts.satisfaction == _row(month, "E1").kpi("satisfaction").value


def test_workload_per_kind_per_day_and_the_annual_maximum_and_whose(month):
    facts = workload_facts(month, person(month, "L1"), "R1", JUDGED, DEFAULT)
    assert facts.per_kind == {"callback": 2, "dispatch": 4, "intake": 6}
    assert facts.per_day == [(date(2026, 10, 1), 5), (date(2026, 10, 2), 4), (date(2026, 10, 5), 3)]
    assert (facts.workload, facts.attendance_days, facts.active_days, facts.days) == (
        12,
        None,
        3,
        3,
    )
    assert facts.daily == 4
    assert facts.annual_max == 6
    assert (facts.annual_max_month, facts.annual_max_by, facts.annual_max_name) == (
        "2026-06",
        "X1",
        "赵敏",
    )
    assert facts.saturation == Fraction(2, 3)
    assert not facts.first_month
    row = _row(month, "R1")
    workload = row.kpi("workload")
    assert (workload.parts["workload"], workload.parts["days"], workload.value) == (
        12,
        3,
        Fraction(2, 3),
    )


def test_while_the_month_runs_its_days_are_the_dates_with_actions_and_say_so(month):
    with month.write() as db:
        db["attendance"].insert({"staff": "R1", "month": "2026-10", "days": 20})
    running = judge(OCTOBER, datetime(2026, 10, 6, 12))
    facts = workload_facts(month, person(month, "L1"), "R1", running, DEFAULT)
    assert (facts.attendance_days, facts.days, facts.running) == (20, 3, True)
    shown = str(workload_view(facts, None)[0].renderables[0])
    assert "12 actions over 3 days (days with actions: the month is still running)" in shown
    finished = workload_facts(month, person(month, "L1"), "R1", JUDGED, DEFAULT)
    assert (finished.days, finished.running) == (20, False)  # by the attendance record


def test_a_rep_reads_their_workload_but_not_which_month_nor_whose_the_annual_maximum_is(month):
    """R1's own actions, and the maximum their saturation is worked out from (their row
    says it too); that it was 赵敏's June is a colleague's figure, told to the lead."""
    own = workload_facts(month, person(month, "R1"), "R1", JUDGED, DEFAULT, "workload")
    assert (own.workload, own.per_kind) == (12, {"callback": 2, "dispatch": 4, "intake": 6})
    assert own.annual_max == 6 and own.saturation == Fraction(2, 3)
    assert (own.annual_max_month, own.annual_max_by, own.annual_max_name) == (None, None, None)
    lead = workload_facts(month, person(month, "L1"), "R1", JUDGED, DEFAULT, "workload")
    assert (lead.annual_max_month, lead.annual_max_name) == ("2026-06", "赵敏")


def test_the_facts_that_tell_of_colleagues_are_refused_to_the_rep_and_read_by_the_lead(month):
    """R1's problem reports name 陈工 and 刘洋 and what each was reported for, and the annual
    maximum of their saturation is 赵敏's June: R1 is refused both, by ``kpi_facts`` as by
    each read; their lead and an admin read them. R1's other facts are theirs."""
    rep = person(month, "R1")
    feedback, saturation = DEFAULT.kpi("rep", "feedback"), DEFAULT.kpi("rep", "workload")
    for refused in (
        lambda: kpi_facts(month, rep, "R1", JUDGED, DEFAULT, feedback),
        lambda: kpi_facts(month, rep, "R1", JUDGED, DEFAULT, saturation),
        lambda: feedback_facts(month, rep, "R1", JUDGED, DEFAULT),
        lambda: workload_facts(month, rep, "R1", JUDGED, DEFAULT),
    ):
        with pytest.raises(AccessDenied, match="your lead sees them"):
            refused()
    for who in ("L1", "A1"):
        reports = kpi_facts(month, person(month, who), "R1", JUDGED, DEFAULT, feedback)
        assert [p.engineer_name for p in reports.problems] == ["陈工", "刘洋"]
        highest = kpi_facts(month, person(month, who), "R1", JUDGED, DEFAULT, saturation)
        assert (highest.annual_max_month, highest.annual_max_name) == ("2026-06", "赵敏")
    for kpi_id in ("satisfaction", "timeliness"):
        spec = DEFAULT.kpi("rep", kpi_id)
        assert kpi_facts(month, rep, "R1", JUDGED, DEFAULT, spec).person.code == "R1"


def test_feedback_lists_problem_reports_and_visits(month):
    facts = feedback_facts(month, person(month, "L1"), "R1", JUDGED, DEFAULT)
    assert [(p.at.date(), p.engineer_name, p.ticket, p.points, p.note) for p in facts.problems] == [
        (date(2026, 10, 4), "陈工", "T1", 1, "迟到"),
        (date(2026, 10, 12), "刘洋", "T10", 2, "未带配件"),
    ]
    assert [(v.ticket, v.at) for v in facts.visits] == [
        ("T1", datetime(2026, 10, 3, 14, 0)),
        ("T2", datetime(2026, 10, 6, 11, 0)),
        ("T3", datetime(2026, 10, 10, 17, 0)),
    ]
    assert (facts.problem_points, facts.rate) == (3, 1)
    assert facts.rate == _row(month, "R1").kpi("feedback").value


def test_deductions_each_event_with_who_recorded_it(month):
    facts = deduction_facts(month, person(month, "L1"), "E1", JUDGED, DEFAULT)
    shown = [(e.id, e.kind, e.points, e.zeroes, e.recorded_by_name) for e in facts.events]
    assert shown == [
        (2, "branch_rule", Fraction(3, 2), False, "周经理"),
        (1, "violation", 1, False, "周经理"),
    ]
    assert (facts.points, facts.zeroed) == (Fraction(5, 2), False)
    assert facts.points == _row(month, "E1").deductions
    media = deduction_facts(month, person(month, "L1"), "R1", JUDGED, DEFAULT)
    assert [(e.kind, e.points, e.zeroes, e.recorded_by_name) for e in media.events] == [
        ("complaint_media", 0, True, "import")
    ]
    assert media.zeroed and _row(month, "R1").zeroed


def test_a_person_reads_who_recorded_their_deductions_only_where_the_scheme_shows_it(month):
    hidden = replace(DEFAULT, show_reporter=False)
    own = deduction_facts(month, person(month, "E1"), "E1", JUDGED, hidden)
    assert [(e.kind, e.recorded_by, e.recorded_by_name) for e in own.events] == [
        ("branch_rule", None, None),
        ("violation", None, None),
    ]
    assert own.points == Fraction(5, 2)  # the same events, without the name
    lead = deduction_facts(month, person(month, "L1"), "E1", JUDGED, hidden)
    assert {e.recorded_by_name for e in lead.events} == {"周经理"}
    shown = deduction_facts(month, person(month, "E1"), "E1", JUDGED, DEFAULT)
    assert {e.recorded_by_name for e in shown.events} == {"周经理"}


def test_fix_first_orders_open_tickets_by_the_next_drop_with_points_at_stake(month):
    now = datetime(2026, 10, 20, 10, 0)
    entries = fix_first_list(month, person(month, "E2"), "E2", now, DEFAULT)
    shown = [
        (e.ticket.code, e.bucket, e.points, e.drops_at, e.next_bucket, e.at_stake) for e in entries
    ]
    midnight = datetime(2026, 10, 21)
    assert shown == [
        ("FD", "open30", -150, None, None, 135),
        ("FE", "open30", -150, None, None, 135),
        ("FF", "late", -15, midnight, "open30", 135),
        ("FB", "d7", 2, midnight, "late", 17),
        ("FG", "d3", 14, midnight, "d4", 3),
        ("FA", "d1", 20, midnight, "d2", 3),
        ("FC", "late", -15, datetime(2026, 11, 1), "open30", 135),
    ]


REPEATS = """staff,at,action,ticket
R1,2026-10-10 10:00:00,dispatch,T1
R1,2026-10-10 10:00:06,dispatch,T1
R1,2026-10-10 10:00:13,dispatch,T1
R1,2026-10-06 11:00:00,complete,T2
R1,2026-10-20 16:00:00,complete,T2
R1,2026-10-01 08:40:00,dispatch,T3
R1,2026-10-30 09:00:00,dispatch,T9
R1,2026-11-01 09:00:00,dispatch,T9
R2,2026-10-11 09:00:00,dispatch,T1
R2,2026-10-12 09:00:00,dispatch,T4
R2,2026-10-12 09:01:00,dispatch,T4
"""


def test_workload_lists_the_tickets_with_the_same_action_more_than_once(month):
    """R1 re-dispatched T1 three times in 13 seconds and completed T2 twice (after a reopen):
    both are listed, the most first. T3 (dispatched once) is not; T9's second dispatch is in
    November; R2's dispatches of T1 and T4 are hers, not R1's. Every one still counts."""
    load(month, actions=REPEATS)
    facts = workload_facts(month, person(month, "L1"), "R1", JUDGED, DEFAULT)
    assert [(r.ticket, r.action, r.times, r.first, r.last) for r in facts.repeated] == [
        ("T1", "dispatch", 3, datetime(2026, 10, 10, 10, 0), datetime(2026, 10, 10, 10, 0, 13)),
        ("T2", "complete", 2, datetime(2026, 10, 6, 11, 0), datetime(2026, 10, 20, 16, 0)),
    ]
    assert (facts.repeated_lines, facts.repeated_tickets) == (2, 2)
    # Shown, not discounted: 12 actions before, and the 7 of R1's in October above.
    assert facts.per_kind == {"callback": 2, "complete": 2, "dispatch": 9, "intake": 6}
    assert facts.workload == 19 == _row(month, "R1").kpi("workload").parts["workload"]
    r2 = workload_facts(month, person(month, "L1"), "R2", JUDGED, DEFAULT)
    assert [(r.ticket, r.times) for r in r2.repeated] == [("T4", 2)]


def test_the_repeated_actions_listed_are_the_most_and_say_how_many_in_all(month):
    """13 tickets dispatched twice, FA four times, T1 also completed twice: 14 lines on 13
    tickets; the 10 most are listed, FA first, and the view tells the rest."""
    codes = [f"T{n}" for n in range(1, 11)] + ["FA", "FB", "FC"]
    rows = [f"R1,2026-10-{day:02d} 10:00:00,dispatch,{code}" for code in codes for day in (8, 9)]
    rows += ["R1,2026-10-10 10:00:00,dispatch,FA", "R1,2026-10-11 10:00:00,dispatch,FA"]
    rows += ["R1,2026-10-12 10:00:00,complete,T1", "R1,2026-10-13 10:00:00,complete,T1"]
    load(month, actions="staff,at,action,ticket\n" + "\n".join(rows) + "\n")
    facts = workload_facts(month, person(month, "L1"), "R1", JUDGED, DEFAULT)
    assert (facts.repeated_lines, facts.repeated_tickets) == (14, 13)
    assert [(r.ticket, r.action, r.times) for r in facts.repeated][:3] == [
        ("FA", "dispatch", 4),
        ("FB", "dispatch", 2),
        ("FC", "dispatch", 2),
    ]
    assert len(facts.repeated) == 10
    summary, heading, repeats = workload_view(facts, None)
    assert "The same action more than once on 13 tickets: listed below" in str(
        summary.renderables[0]
    )
    assert str(heading).strip() == (
        "Tickets with the same action more than once · 10 of 14, the most first"
    )
    assert repeats.lines[0][1] == ("FA", "dispatch", "×4", "2026-10-08 10:00", "2026-10-11 10:00")


def test_a_month_without_repeated_actions_lists_none(month):
    facts = workload_facts(month, person(month, "L1"), "R1", JUDGED, DEFAULT)
    assert (facts.repeated, facts.repeated_lines, facts.repeated_tickets) == ([], 0, 0)
    (summary,) = workload_view(facts, None)
    assert "more than once" not in str(summary.renderables[0])


def test_the_deductions_waiting_for_the_lead_are_of_the_kind_asked_and_in_the_window(month):
    """A contested event counts nowhere until decided, but the deductions tab lists it as
    waiting: only of the kind the tab is of, and only within the judged month."""
    with month.write() as db:
        db.conn.executemany(
            "INSERT INTO appraisal_reviews (subject, subject_id, action, at, by, reason)"
            " VALUES ('deduction', ?, 'contest', '2026-10-27 10:00:00', 'E1', '不服')",
            [(1,), (2,), (3,)],  # 3 is September's
        )
    lead = person(month, "L1")
    every = deduction_facts(month, lead, "E1", JUDGED, DEFAULT)
    assert [(e.id, e.kind, e.state) for e in every.undecided] == [
        (2, "branch_rule", "contested"),
        (1, "violation", "contested"),
    ]
    assert every.events == []  # contested, they count nowhere
    one_kind = deduction_facts(month, lead, "E1", JUDGED, DEFAULT, "violation")
    assert [e.id for e in one_kind.undecided] == [1]
    early = judge(OCTOBER, datetime(2026, 10, 21))  # as of the 21st: the violation is later
    assert [e.id for e in deduction_facts(month, lead, "E1", early, DEFAULT).undecided] == [2]
