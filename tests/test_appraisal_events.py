"""Problem reports and adjustments: recorded within the scheme's bounds, reviewed by the lead
(主管监督), contested by the person concerned (申诉) — and only what stands is counted.

A branch of two reps and two engineers (ticket_helpers) on a fixed clock in
October 2026; the counts are read through the same ranking the lead sees.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from fractions import Fraction as F

import pytest
from ticket_helpers import NOW, TICKET_FIELDS, history, seed_staff

from fieldkpi.access import AccessDenied
from fieldkpi.period import Period, judge
from fieldkpi.scheme import default_scheme, load_scheme
from fieldkpi.tickets import StepRefused
from screens.events import event_story
from storage import appraisal, tickets
from storage.appraisal import ReviewRefused
from storage.closing import ClosingRefused, close_month, frozen_rankings, month_state
from storage.rankings import compute_rankings
from storage.typed import FieldErrors

SCHEME = default_scheme()
LATER = NOW + timedelta(hours=2)
LATER_AT = "2026-10-15 11:30:00"
OCTOBER = Period(2026, 10)


@pytest.fixture
def crew(store):
    return seed_staff(store)


def dispatched(store, crew, engineer="E1"):
    ticket = tickets.new_ticket(store, crew.rep, TICKET_FIELDS, now=NOW)
    return tickets.dispatch(store, crew.rep, ticket.code, ticket.version, engineer, now=NOW)


def states(store) -> dict:
    return {(r[0], r[1]): r[2] for r in store.query("SELECT * FROM appraisal_states")}


def ranked(store, role: str, code: str):
    rows = compute_rankings(
        store, judge(OCTOBER, datetime(2026, 11, 5)), lambda _b: SCHEME, branch="GZ", roles=[role]
    )
    return next(r for r in rows if r.staff_code == code)


# ---------------------------------------------------------------- problem reports


def test_a_report_takes_its_points_from_the_table_and_notes_the_ticket(store, crew):
    ticket = dispatched(store, crew)
    report = appraisal.report_problem(
        store, crew.rep, ticket.code, SCHEME, note="迟到两小时", now=LATER
    )
    first = report.id
    rows = store.query(
        "SELECT id, rep, engineer, at, points, level, ticket, note, recorded_by, needs_review"
        " FROM problems"
    )
    assert [tuple(r) for r in rows] == [
        (first, "R1", "E1", LATER_AT, 1.0, "standard", ticket.code, "迟到两小时", "R1", 1),
    ]
    assert tickets.get_ticket(store, crew.rep, ticket.code).version == 2  # the ticket is as it was
    assert history(store, ticket.code)[-3:] == [
        ("report_problem", "engineer", None, "E1", "R1", None),
        ("report_problem", "level", None, "standard", "R1", None),
        ("report_problem", "note", None, "迟到两小时", "R1", None),
    ]
    # a rep's report waits for the lead, and storage says so (the form's notice tells the rep)
    assert states(store) == {("problem", first): "pending"} and report.pending


def test_a_rep_reports_a_tickets_engineer_once(store, crew):
    ticket = dispatched(store, crew)
    appraisal.report_problem(store, crew.rep, ticket.code, SCHEME, note="迟到", now=NOW)
    # 17 reports on one ticket would count 17 times toward the rep's own feedback rate
    with pytest.raises(FieldErrors, match="already reported this ticket's engineer"):
        appraisal.report_problem(store, crew.rep, ticket.code, SCHEME, note="迟到", now=LATER)
    # another rep may report it; and a rejected report can be filed again
    appraisal.report_problem(store, crew.rep2, ticket.code, SCHEME, note="迟到", now=LATER)
    assert store.scalar("SELECT count(*) FROM problems") == 2


def test_problem_levels_come_from_the_branch_table(store, crew, tmp_path):
    path = tmp_path / "gz.toml"
    path.write_text(
        '[[problem]]\nlevel = "serious"\nlabel = { zh = "严重问题", en = "Serious" }\npoints = 3\n',
        encoding="utf-8",
    )
    scheme = load_scheme(path)
    ticket = dispatched(store, crew)
    report = appraisal.report_problem(
        store, crew.lead, ticket.code, scheme, "serious", note="迟到", now=NOW
    )
    assert store.scalar("SELECT points FROM problems") == 3.0
    assert not report.pending  # the lead's report stands at once
    with pytest.raises(FieldErrors, match="Choose one of: standard, serious"):
        appraisal.report_problem(
            store, crew.rep, ticket.code, scheme, "1e308", note="迟到", now=NOW
        )


def test_each_event_says_what_it_does_to_its_persons_total_by_the_scheme(store, crew, tmp_path):
    # kpi-rules §5: fixed points, points entered off (or on, for a bonus), a forfeit;
    # a problem report counts in its reporter's rate, nothing off the engineer's total.
    path = tmp_path / "gz.toml"
    path.write_text(
        '[[adjustment]]\nkind = "praise"\nlabel = "Praise"\nentered_points = "bonus"\n',
        encoding="utf-8",
    )
    scheme = load_scheme(path)
    for kind, points in [
        ("complaint_general", None),
        ("branch_rule", "1.5"),
        ("praise", "2"),
        ("complaint_media", None),
    ]:
        appraisal.record_deduction(store, crew.lead, "E1", kind, points, "记录", scheme, now=NOW)
    appraisal.report_problem(
        store, crew.lead, dispatched(store, crew).code, scheme, note="迟到", now=NOW
    )
    events = appraisal.events_about(store, crew.lead, crew.eng, OCTOBER, scheme)
    assert [(e.kind, e.change, e.forfeits) for e in events] == [
        ("complaint_general", F(-5), False),
        ("branch_rule", F(-3, 2), False),
        ("praise", F(2), False),
        ("complaint_media", None, True),
        ("standard", None, False),
    ]
    # read by a scheme that no longer has the kind (or not for engineers): it counts nothing
    (praise,) = [
        e
        for e in appraisal.events_about(store, crew.lead, crew.eng, OCTOBER, SCHEME)
        if e.kind == "praise"
    ]
    assert (praise.change, praise.forfeits) == (0, False)


def test_report_problem_refusals(store, crew):
    waiting = tickets.new_ticket(store, crew.rep, TICKET_FIELDS, now=NOW)
    ticket = dispatched(store, crew)
    with pytest.raises(StepRefused, match="no engineer"):
        appraisal.report_problem(store, crew.rep, waiting.code, SCHEME, note="迟到", now=NOW)
    with pytest.raises(AccessDenied):
        appraisal.report_problem(store, crew.eng, ticket.code, SCHEME, note="迟到", now=NOW)
    with pytest.raises(AccessDenied):
        appraisal.report_problem(store, crew.other_rep, ticket.code, SCHEME, note="迟到", now=NOW)
    # written about E1, saved as the ticket went to E2: refused, not put on E2
    tickets.dispatch(store, crew.rep, ticket.code, ticket.version, "E2", now=NOW)
    with pytest.raises(StepRefused, match="handed to another engineer"):
        appraisal.report_problem(
            store, crew.rep, ticket.code, SCHEME, note="迟到", engineer="E1", now=NOW
        )
    assert store.scalar("SELECT count(*) FROM problems") == 0


# ---------------------------------------------------------------- adjustments


def test_a_rep_records_a_backfill_against_an_engineer_of_the_ticket(store, crew):
    ticket = dispatched(store, crew)
    entered = appraisal.record_deduction(
        store,
        crew.rep,
        "E1",
        "backfill",
        None,
        "上门后才补单",
        SCHEME,
        ticket=ticket.code,
        now=LATER,
    )
    assert entered.pending  # as written: the form tells the rep it waits by this
    saved = store.query("SELECT * FROM deductions WHERE id = ?", (entered.id,))[0]
    assert (saved["staff"], saved["kind"], saved["points"], saved["ticket"]) == (
        "E1",
        "backfill",
        None,
        ticket.code,
    )
    assert (saved["at"], saved["note"], saved["recorded_by"], saved["needs_review"]) == (
        LATER_AT,
        "上门后才补单",
        "R1",
        1,
    )
    assert history(store, ticket.code)[-3:] == [
        ("deduction", "staff", None, "E1", "R1", None),
        ("deduction", "kind", None, "backfill", "R1", None),
        ("deduction", "note", None, "上门后才补单", "R1", None),
    ]


def test_branch_rule_deductions_carry_their_points(store, crew):
    entered = appraisal.record_deduction(
        store, crew.lead, "R2", "branch_rule", "1.5", "迟交日报", SCHEME, now=NOW
    )
    assert store.scalar("SELECT points FROM deductions WHERE id = ?", (entered.id,)) == 1.5
    assert states(store) == {} and not entered.pending  # recorded by the lead: it stands


@pytest.mark.parametrize(
    ("who", "staff", "kind", "points", "refusal"),
    [
        ("rep", "E1", "complaint_general", None, "Only a lead may record this kind of event."),
        ("rep", "E9", "violation", None, "吴刚 works for branch SZ"),
        ("rep", "R1", "violation", None, "about themselves"),
        ("eng", "E2", "violation", None, "may not record appraisal events"),
        ("lead", "E1", "branch_rule", "", {"points": "Enter the points this event carries."}),
        (
            "lead",
            "E1",
            "branch_rule",
            "-2",
            {"points": "Points must be more than 0 and at most 100."},
        ),
        (
            "lead",
            "E1",
            "branch_rule",
            "1e308",
            {"points": "Points must be more than 0 and at most 100."},
        ),
        (
            "lead",
            "E1",
            "branch_rule",
            "nan",
            {"points": "Points must be more than 0 and at most 100."},
        ),
        ("lead", "E1", "violation", "3", {"points": "This kind has fixed points; leave it empty."}),
        ("lead", "X9", "bonus", None, {"staff", "kind"}),
    ],
)
def test_adjustment_refusals_save_nothing(store, crew, who, staff, kind, points, refusal):
    actor = {"rep": crew.rep, "eng": crew.eng, "lead": crew.lead}[who]
    if isinstance(refusal, str):
        with pytest.raises(AccessDenied, match=refusal):
            appraisal.record_deduction(store, actor, staff, kind, points, "违规", SCHEME, now=NOW)
    else:
        with pytest.raises(FieldErrors) as refused:
            appraisal.record_deduction(store, actor, staff, kind, points, "违规", SCHEME, now=NOW)
        errors = refused.value.errors
        assert errors == refusal if isinstance(refusal, dict) else set(errors) == refusal
    assert store.scalar("SELECT count(*) FROM deductions") == 0


def test_an_event_without_a_reason_is_refused_whoever_records_it(store, crew):
    """The engineer it is about and the lead decide on an event by what it says happened:
    a report or an adjustment with nothing in its note (or spaces) saves nothing, a lead's
    own included, and the message is next to the note."""
    ticket = dispatched(store, crew)
    for note in ("", "   "):
        with pytest.raises(FieldErrors) as refused:
            appraisal.report_problem(store, crew.rep, ticket.code, SCHEME, note=note, now=NOW)
        assert refused.value.errors == {
            "note": "Say what the engineer did wrong: it is kept with the report."
        }
        for actor in (crew.rep, crew.lead):
            with pytest.raises(FieldErrors) as refused:
                appraisal.record_deduction(
                    store, actor, "E1", "violation", None, note, SCHEME, ticket.code, NOW
                )
            assert refused.value.errors == {"note": "Say what happened: it is kept with the event."}
    assert store.scalar("SELECT count(*) FROM problems") == 0
    assert store.scalar("SELECT count(*) FROM deductions") == 0
    assert {row[0] for row in history(store, ticket.code)} == {"create", "dispatch"}


def test_a_kind_refused_for_a_person_is_named_as_the_scheme_names_it(store, crew):
    """Not its code: the lead is appraised by no kind of the default scheme."""
    with pytest.raises(FieldErrors) as refused:
        appraisal.record_deduction(
            store, crew.rep, "L1", "violation", None, "违规", SCHEME, now=NOW
        )
    assert refused.value.errors == {"kind": "Violation does not apply to 刘洋 in this scheme."}


# ---------------------------------------------------------------- review and appeal


def test_only_what_stands_counts(store, crew):
    # R1 records a violation against R2, who competes with R1 for the prize
    event = appraisal.record_deduction(
        store, crew.rep, "R2", "violation", None, "违规", SCHEME, now=NOW
    ).id
    assert ranked(store, "rep", "R2").deductions == 0  # pending: not counted
    # the lead rejects it: it never counts, and stays on record
    appraisal.review(store, crew.lead, "deduction", event, "reject", "不实", now=LATER)
    assert ranked(store, "rep", "R2").deductions == 0
    assert store.scalar("SELECT count(*) FROM deductions") == 1

    second = appraisal.record_deduction(
        store, crew.rep, "E1", "backfill", None, "违规", SCHEME, now=NOW
    ).id
    appraisal.review(store, crew.lead, "deduction", second, "approve", now=LATER)
    assert ranked(store, "engineer", "E1").deductions == F(1, 2)  # approved: counted
    # E1 contests it: not counted while the lead decides
    appraisal.contest(
        store, crew.eng, "deduction", second, "当天我不在岗", now=LATER, scheme=SCHEME
    )
    assert ranked(store, "engineer", "E1").deductions == 0
    appraisal.review(store, crew.lead, "deduction", second, "uphold", "有记录为证", now=LATER)
    assert ranked(store, "engineer", "E1").deductions == F(1, 2)
    # every step is on record, oldest first
    actions = store.query(
        "SELECT subject_id, action, by, reason FROM appraisal_reviews ORDER BY id"
    )
    assert [tuple(r) for r in actions] == [
        (event, "reject", "L1", "不实"),
        (second, "approve", "L1", None),
        (second, "contest", "E1", "当天我不在岗"),
        (second, "uphold", "L1", "有记录为证"),
    ]


def test_a_withdrawn_event_counts_for_nothing(store, crew):
    event = appraisal.record_deduction(
        store, crew.lead, "E1", "complaint_general", None, "违规", SCHEME, now=NOW
    ).id
    assert ranked(store, "engineer", "E1").deductions == 5
    appraisal.contest(
        store, crew.eng, "deduction", event, "客户投诉对象是别人", now=LATER, scheme=SCHEME
    )
    appraisal.review(store, crew.lead, "deduction", event, "withdraw", "核实属实", now=LATER)
    assert ranked(store, "engineer", "E1").deductions == 0
    assert states(store) == {("deduction", event): "withdrawn"}


def test_the_lead_withdraws_a_standing_event_recorded_by_mistake(store, crew):
    # The lead's own complaint against E1 (5 points) stands at once; typed against the wrong
    # engineer, the lead withdraws it with the reason: E1's 5 points go, and it stays on record.
    event = appraisal.record_deduction(
        store, crew.lead, "E1", "complaint_general", None, "违规", SCHEME, now=NOW
    ).id
    assert ranked(store, "engineer", "E1").deductions == 5
    with pytest.raises(FieldErrors, match="Give the reason"):
        appraisal.review(store, crew.lead, "deduction", event, "withdraw", "", now=LATER)
    appraisal.review(store, crew.lead, "deduction", event, "withdraw", "记错了人", now=LATER)
    assert ranked(store, "engineer", "E1").deductions == 0
    assert states(store) == {("deduction", event): "withdrawn"}
    assert store.scalar("SELECT count(*) FROM deductions") == 1
    # withdrawn is final: it is not withdrawn twice nor approved back
    with pytest.raises(
        ReviewRefused, match="was withdrawn by 刘洋 at 11:30: withdrawal is not possible now"
    ):
        appraisal.review(store, crew.lead, "deduction", event, "withdraw", "再撤", now=LATER)


def test_the_lead_lists_every_event_of_the_branch_these_three_months(store, crew):
    old = appraisal.record_deduction(  # July: before the three months of an October clock
        store, crew.lead, "E1", "violation", None, "违规", SCHEME, now=NOW - timedelta(days=90)
    ).id
    standing = appraisal.record_deduction(
        store, crew.lead, "E1", "violation", None, "违规", SCHEME, now=NOW
    ).id
    pending = appraisal.record_deduction(
        store, crew.rep, "R2", "violation", None, "违规", SCHEME, now=LATER
    ).id
    events = appraisal.branch_events(store, crew.lead, "GZ", LATER, SCHEME)
    # newest first, every state, who recorded each
    assert [(e.id, e.state, e.recorded_by) for e in events] == [
        (pending, "pending", "R1"),
        (standing, "standing", "L1"),
    ]
    assert old not in [e.id for e in events]
    for outsider in (crew.rep, crew.eng):
        with pytest.raises(AccessDenied):
            appraisal.branch_events(store, outsider, "GZ", LATER, SCHEME)


def test_a_problem_report_counts_for_the_rep_once_approved(store, crew):
    ticket = dispatched(store, crew)
    with store.write() as db:  # an on-site visit for R1, so the feedback rate has data
        db.execute(
            "UPDATE tickets SET visited_at = ? WHERE code = ?", ("2026-10-15 10:00:00", ticket.code)
        )
    report = appraisal.report_problem(
        store, crew.rep, ticket.code, SCHEME, note="迟到", now=LATER
    ).id
    assert ranked(store, "rep", "R1").kpi("feedback").parts["problem_points"] == 0
    appraisal.review(store, crew.lead, "problem", report, "approve", now=LATER)
    assert ranked(store, "rep", "R1").kpi("feedback").value == 1  # 1 point / 1 visit


@pytest.mark.parametrize(
    ("steps", "then", "refusal"),
    [
        ([], "uphold", "This event waits for review: upholding it is not possible now"),
        ([("approve", "L1")], "approve", "approved by 刘洋 at 09:30: approval is not possible"),
        ([("reject", "L1")], "contest", "rejected by 刘洋 at 09:30: a contest is not possible"),
        ([("approve", "L1"), ("contest", "E1"), ("uphold", "L1")], "contest", "contested before"),
    ],
)
def test_decisions_follow_the_events_state(store, crew, steps, then, refusal):
    event = appraisal.record_deduction(
        store, crew.rep, "E1", "violation", None, "违规", SCHEME, now=NOW
    ).id
    people = {"L1": crew.lead, "E1": crew.eng}
    for action, who in steps:
        if action == "contest":
            appraisal.contest(
                store, people[who], "deduction", event, "理由", now=NOW, scheme=SCHEME
            )
        else:
            appraisal.review(store, people[who], "deduction", event, action, "理由", now=NOW)
    with pytest.raises(ReviewRefused, match=refusal):
        if then == "contest":
            appraisal.contest(store, crew.eng, "deduction", event, "理由", now=NOW, scheme=SCHEME)
        else:
            appraisal.review(store, crew.lead, "deduction", event, then, "理由", now=NOW)


def test_a_second_decision_names_the_first_as_far_as_the_person_may_see_it(store, crew, tmp_path):
    """Two decisions on one event at once (the lead withdraws in the review list while the
    admin upholds in F6): the second is told who decided, and when, as a ticket's conflict
    says who saved it. The person contesting their own event is told no name the branch
    keeps from them: the lead who withdrew it is the one who recorded it."""
    event = appraisal.record_deduction(
        store, crew.lead, "E1", "violation", None, "违规", SCHEME, now=NOW
    ).id
    appraisal.review(store, crew.lead, "deduction", event, "withdraw", "记错了", now=LATER)
    with pytest.raises(ReviewRefused) as refused:
        appraisal.review(store, crew.admin, "deduction", event, "uphold", now=LATER)
    assert str(refused.value) == (
        "This event was withdrawn by 刘洋 at 11:30: upholding it is not possible now."
    )
    with pytest.raises(ReviewRefused) as refused:  # another day: the day too
        appraisal.contest(
            store, crew.eng, "deduction", event, "理由", now=LATER + timedelta(days=1),
            scheme=SCHEME,
        )  # fmt: skip
    assert str(refused.value) == (
        "This event was withdrawn by 刘洋 at 2026-10-15 11:30: a contest is not possible now."
    )
    path = tmp_path / "gz.toml"
    path.write_text("[review]\nshow_reporter = false\n", encoding="utf-8")
    with pytest.raises(ReviewRefused) as refused:
        appraisal.contest(
            store, crew.eng, "deduction", event, "理由", now=LATER, scheme=load_scheme(path)
        )
    assert str(refused.value) == "This event was withdrawn at 11:30: a contest is not possible now."


def test_who_may_decide_and_contest(store, crew):
    event = appraisal.record_deduction(
        store, crew.rep, "E1", "violation", None, "违规", SCHEME, now=NOW
    ).id
    with pytest.raises(AccessDenied):  # a rep does not approve, not even their own record
        appraisal.review(store, crew.rep, "deduction", event, "approve", now=NOW)
    with pytest.raises(AccessDenied):  # nor does someone else contest it for E1
        appraisal.contest(store, crew.eng2, "deduction", event, "理由", now=NOW, scheme=SCHEME)
    with pytest.raises(FieldErrors, match="Give the reason"):
        appraisal.contest(store, crew.eng, "deduction", event, "  ", now=NOW, scheme=SCHEME)
    assert store.scalar("SELECT count(*) FROM appraisal_reviews") == 0


def test_a_month_closes_only_once_every_event_of_it_is_decided(store, crew):
    """A pending or contested event never counts: closing would settle it unheard (a contest
    made on the month's last day would win by it). The lead decides first, then closes."""
    closing_day = datetime(2026, 11, 2)
    event = appraisal.record_deduction(
        store, crew.rep, "E1", "violation", None, "违规", SCHEME, now=NOW
    ).id
    with pytest.raises(ClosingRefused, match="1 event of 2026-10 still waits for your decision"):
        close_month(store, crew.lead, "GZ", OCTOBER, SCHEME, closing_day)
    appraisal.review(store, crew.lead, "deduction", event, "approve", now=LATER)
    appraisal.contest(store, crew.eng, "deduction", event, "不是我", now=LATER, scheme=SCHEME)
    with pytest.raises(ClosingRefused, match="1 event of 2026-10"):
        close_month(store, crew.lead, "GZ", OCTOBER, SCHEME, closing_day)
    assert month_state(store, "GZ", OCTOBER) is None
    appraisal.review(store, crew.lead, "deduction", event, "uphold", "有记录", now=LATER)
    close_month(store, crew.lead, "GZ", OCTOBER, SCHEME, closing_day)
    frozen = {r.staff_code: r for r in frozen_rankings(store, "GZ", OCTOBER)}
    assert frozen["E1"].deductions == 1  # the upheld violation is paid
    # October is paid from its frozen rows: its events can no longer be contested
    with pytest.raises(ReviewRefused, match="2026-10 is closed"):
        appraisal.contest(
            store, crew.eng, "deduction", event, "理由", now=datetime(2026, 11, 3), scheme=SCHEME
        )


def test_the_person_sees_what_was_recorded_against_them(store, crew, tmp_path):
    event = appraisal.record_deduction(
        store, crew.rep, "E1", "violation", None, "迟到", SCHEME, now=NOW
    ).id
    (seen,) = appraisal.events_about(store, crew.eng, crew.eng, OCTOBER, SCHEME)
    assert (seen.id, seen.kind, seen.state, seen.note, seen.recorded_by_name) == (
        event,
        "violation",
        "pending",
        "迟到",
        "王芳",
    )
    path = tmp_path / "gz.toml"
    path.write_text("[review]\nshow_reporter = false\n", encoding="utf-8")
    hidden = load_scheme(path)
    (seen,) = appraisal.events_about(store, crew.eng, crew.eng, OCTOBER, hidden)
    assert (seen.recorded_by, seen.recorded_by_name) == (None, None)
    # the lead sees who recorded it, whatever the branch shows the person
    (seen,) = appraisal.events_about(store, crew.lead, crew.eng, OCTOBER, hidden)
    assert seen.recorded_by == "R1"
    # nobody else's events: E2 may not look at E1's
    with pytest.raises(AccessDenied):
        appraisal.events_about(store, crew.eng2, crew.eng, OCTOBER, SCHEME)


def test_a_hidden_reporter_is_not_named_as_one_who_decided_either(store, crew, tmp_path):
    """m016 made an old correction a withdrawal in the name of the rep who recorded the
    event: where reporters are hidden, the person reads no name on that line either."""
    event = appraisal.record_deduction(
        store, crew.rep, "E1", "violation", None, "迟到", SCHEME, now=NOW
    ).id
    with store.write() as db:  # as m016 wrote it: withdrawn by the recorder herself
        db.execute(
            "INSERT INTO appraisal_reviews (subject, subject_id, action, at, by, reason)"
            " VALUES ('deduction', ?, 'withdraw', ?, 'R1', '记错了')",
            [event, "2026-10-15 10:00:00"],
        )
    path = tmp_path / "gz.toml"
    path.write_text("[review]\nshow_reporter = false\n", encoding="utf-8")
    hidden = load_scheme(path)
    (seen,) = appraisal.events_about(store, crew.eng, crew.eng, OCTOBER, hidden)
    assert [(r.action, r.by, r.by_name, r.reason) for r in seen.reviews] == [
        ("withdraw", None, None, "记错了")
    ]
    assert "王芳" not in str(event_story(seen, hidden))
    (seen,) = appraisal.events_about(store, crew.lead, crew.eng, OCTOBER, hidden)
    assert [(r.by, r.by_name) for r in seen.reviews] == [("R1", "王芳")]
    (seen,) = appraisal.events_about(store, crew.eng, crew.eng, OCTOBER, SCHEME)
    assert [r.by_name for r in seen.reviews] == ["王芳"]  # shown where reporters are


def test_the_lead_sees_what_waits(store, crew):
    ticket = dispatched(store, crew)
    report = appraisal.report_problem(store, crew.rep, ticket.code, SCHEME, note="迟到", now=NOW).id
    event = appraisal.record_deduction(
        store, crew.lead, "E2", "violation", None, "违规", SCHEME, now=NOW
    ).id
    appraisal.contest(store, crew.eng2, "deduction", event, "不是我", now=LATER, scheme=SCHEME)
    waiting = appraisal.awaiting_review(store, crew.lead, "GZ", SCHEME)
    # oldest first (both at 09:30: deductions before problem reports)
    assert [(e.subject, e.id, e.state) for e in waiting] == [
        ("deduction", event, "contested"),
        ("problem", report, "pending"),
    ]
    assert [r.action for r in waiting[0].reviews] == ["contest"]
    with pytest.raises(AccessDenied):
        appraisal.awaiting_review(store, crew.rep, "GZ", SCHEME)
