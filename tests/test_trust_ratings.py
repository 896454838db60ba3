"""A low rating a rep records on someone else's ticket waits for the lead (主管监督).

A callback's rating counts for the ticket's rep (kpi-rules §4, ranked
against the other reps) and its engineer. A rep could lower a rival's
satisfaction by recording a low rating on the rival's ticket, so a rating
below the scheme's satisfied mark, recorded by a rep, is held: the ticket
stays completed until the lead approves it (then it counts, at the time the
rep gave) or rejects it (then it counts nowhere and the ticket waits for a
callback again). A satisfied rating, or one the lead records, counts at once.

The crew of ticket_helpers on 2026-10-15: 王芳 (R1) takes tickets in, 李强 (E1)
serves them, 陈静 (R2) calls the customers back, 刘洋 (L1) leads.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from fractions import Fraction as F
from types import SimpleNamespace

import pytest
from ticket_helpers import NOW, TICKET_FIELDS, actions, history, seed_staff

from fieldkpi import access, visibility
from fieldkpi.figures import Person
from fieldkpi.period import Period, judge
from fieldkpi.scheme import default_for_every_branch, default_scheme, load_scheme
from fieldkpi.tickets import StepRefused
from storage import appraisal, tickets
from storage.appraisal import ReviewRefused
from storage.closing import ClosingRefused, close_month
from storage.errors import Changed
from storage.queue import QueueFilter, queue_page
from storage.rankings import compute_rankings

OCTOBER = Period(2026, 10)
CALLED = NOW + timedelta(hours=3)  # 12:30, when 陈静 reaches the customer
CALLED_AT = "2026-10-15 12:30:00"
LATER = NOW + timedelta(days=1)
SCHEMES = {"scheme_for": default_for_every_branch}
HIDDEN = replace(default_scheme(), show_reporter=False)  # [review] show_reporter = false


def told(scheme) -> dict:
    """A step's ``scheme_for`` whose every branch runs ``scheme``."""
    return {"scheme_for": lambda _branch: scheme}


@pytest.fixture
def crew(store):
    return seed_staff(store)


def completed(store, crew, at=NOW):
    ticket = tickets.new_ticket(store, crew.rep, TICKET_FIELDS, now=at)
    ticket = tickets.dispatch(store, crew.rep, ticket.code, ticket.version, "E1", now=at)
    return tickets.complete(store, crew.eng, ticket.code, ticket.version, "换主板", now=at)


def callback(store, actor, ticket, rating, at=CALLED):
    return tickets.record_callback(
        store, actor, ticket.code, ticket.version, rating, "不满意", now=at, **SCHEMES
    ).ticket


def satisfaction(store, role: str, code: str) -> F | None:
    rows = compute_rankings(
        store, judge(OCTOBER, datetime(2026, 11, 5)), default_for_every_branch, branch="GZ"
    )
    row = next(r for r in rows if r.staff_code == code and r.role == role)
    return row.kpi("satisfaction").value


def held_id(store, code: str) -> int:
    return store.scalar("SELECT id FROM held_ratings WHERE ticket = ?", (code,))


@pytest.fixture
def rated_once(store, crew):
    """One ticket of 王芳's and 李强's called back by the lead at 5: both at 1/1 satisfied."""
    first = completed(store, crew)
    tickets.record_callback(store, crew.lead, first.code, first.version, 5, now=CALLED, **SCHEMES)
    assert satisfaction(store, "rep", "R1") == satisfaction(store, "engineer", "E1") == 1
    return completed(store, crew)


def test_a_reps_low_rating_waits_for_the_lead_and_counts_from_the_approval(store, crew, rated_once):
    ticket = callback(store, crew.rep2, rated_once, 2)

    assert (ticket.status, ticket.rating, ticket.callback_at) == ("completed", None, None)
    assert ticket.version == rated_once.version + 1  # a callback saved meanwhile conflicts
    assert history(store, ticket.code)[-3:] == [
        ("hold_rating", "callback_at", None, CALLED_AT, "R2", ticket.version),
        ("hold_rating", "rating", None, "2", "R2", ticket.version),
        ("hold_rating", "callback_note", None, "不满意", "R2", ticket.version),
    ]
    assert ("R2", "callback", ticket.code, CALLED_AT) not in actions(store)
    # held: 王芳 and 李强 still have 1 satisfied of 1 rated
    assert satisfaction(store, "rep", "R1") == satisfaction(store, "engineer", "E1") == 1
    [waiting] = appraisal.awaiting_review(store, crew.lead, "GZ", default_scheme())
    assert (waiting.subject, waiting.kind, waiting.concerns, waiting.ticket) == (
        "rating",
        "2",
        "R1",
        ticket.code,
    )
    assert (waiting.at, waiting.recorded_by, waiting.state) == (CALLED_AT, "R2", "pending")

    appraisal.review(store, crew.lead, "rating", waiting.id, "approve", now=LATER)

    approved = tickets.get_ticket(store, crew.lead, ticket.code)
    assert (approved.status, approved.rating, approved.callback_at) == (
        "called_back",
        2,
        CALLED_AT,
    )
    assert approved.callback_note == "不满意"
    assert actions(store)[-1] == ("R2", "callback", ticket.code, CALLED_AT)  # 陈静's call
    # counted: 1 satisfied (the 5) of 2 rated, for the rep and for the engineer
    assert satisfaction(store, "rep", "R1") == satisfaction(store, "engineer", "E1") == F(1, 2)
    assert appraisal.awaiting_review(store, crew.lead, "GZ", default_scheme()) == []


def test_an_approved_rating_is_in_the_history_as_the_reps_call_and_the_leads_approval(
    store, crew, rated_once
):
    """The history keeps who entered the callback and when: 陈静 at 12:30, not the lead at
    the approval a day later, which is a line of its own."""
    ticket = callback(store, crew.rep2, rated_once, 2)
    appraisal.review(store, crew.lead, "rating", held_id(store, ticket.code), "approve", now=LATER)

    rows = tickets.ticket_history(store, crew.lead, ticket.code)
    approved = "2026-10-16 09:30:00"
    assert [(r.at, r.by_name, r.step, r.field, r.new) for r in rows[-6:]] == [
        (CALLED_AT, "陈静", "hold_rating", "callback_note", "不满意"),
        (CALLED_AT, "陈静", "callback", "status", "called_back"),
        (CALLED_AT, "陈静", "callback", "callback_at", CALLED_AT),
        (CALLED_AT, "陈静", "callback", "rating", "2"),
        (CALLED_AT, "陈静", "callback", "callback_note", "不满意"),
        (approved, "刘洋", "approve_rating", None, None),
    ]
    assert rows[-1].version == rows[-2].version == ticket.version + 1
    steps = {r.step for r in tickets.ticket_history(store, crew.rep, ticket.code)}
    assert "callback" in steps and "approve_rating" not in steps  # the lead's review
    assert actions(store)[-1] == ("R2", "callback", ticket.code, CALLED_AT)  # her call, still


def test_an_approved_ratings_reporter_is_hidden_where_the_scheme_hides_reporters(
    store, crew, rated_once
):
    """Under ``show_reporter = false`` neither the rep the rating counts against nor the
    engineer learns from the ticket's history who recorded it; other reps, and anyone under
    a scheme that names reporters, read 陈静 (the engineer: 王芳's ticket, dispatched by her)."""
    ticket = callback(store, crew.rep2, rated_once, 2)
    appraisal.review(store, crew.lead, "rating", held_id(store, ticket.code), "approve", now=LATER)
    hidden = replace(default_scheme(), show_reporter=False)

    def callers(person, scheme) -> set[str]:
        rows = tickets.ticket_history(store, person, ticket.code, scheme)
        return {r.by_name for r in rows if r.step == "callback"}

    assert callers(crew.rep, hidden) == callers(crew.eng, hidden) == {"someone else"}
    assert callers(crew.rep, None) == {"someone else"}  # a scheme not read: not told
    assert callers(crew.rep2, hidden) == callers(crew.lead, hidden) == {"陈静"}
    assert callers(crew.rep, default_scheme()) == {"陈静"}


def test_a_rejected_rating_counts_nowhere_and_the_ticket_waits_for_a_callback_again(
    store, crew, rated_once
):
    ticket = callback(store, crew.rep2, rated_once, 1)
    appraisal.review(
        store, crew.lead, "rating", held_id(store, ticket.code), "reject", "客户说没接到电话"
    )

    assert tickets.get_ticket(store, crew.lead, ticket.code).status == "completed"
    assert satisfaction(store, "rep", "R1") == satisfaction(store, "engineer", "E1") == 1
    assert ("R2", "callback", ticket.code, CALLED_AT) not in actions(store)
    again = tickets.get_ticket(store, crew.lead, ticket.code)
    rated = callback(store, crew.lead, again, 4, at=LATER)
    assert (rated.status, rated.rating) == ("called_back", 4)
    assert satisfaction(store, "rep", "R1") == 1  # 2 satisfied of 2


def test_while_a_rating_waits_nobody_records_another_callback(store, crew, rated_once):
    seen = rated_once  # the version the lead's screen shows
    ticket = callback(store, crew.rep2, rated_once, 3)

    with pytest.raises(Changed):  # saved from the version before the hold
        callback(store, crew.lead, seen, 5)
    with pytest.raises(StepRefused) as refused:
        callback(store, crew.lead, ticket, 5)
    assert (
        str(refused.value) == "This ticket's callback was recorded and waits for the lead's review."
    )
    assert tickets.get_ticket(store, crew.lead, ticket.code).status == "completed"


@pytest.mark.parametrize(
    ("who", "rating", "held"),
    [("rep2", 3, True), ("rep2", 4, False), ("rep2", 5, False), ("lead", 1, False)],
)
def test_a_satisfied_rating_and_the_leads_count_at_once(store, crew, who, rating, held):
    ticket = callback(store, getattr(crew, who), completed(store, crew), rating)
    assert (ticket.status == "completed") is held
    assert (held_id(store, ticket.code) is not None) is held


def test_a_callback_gives_its_rating_as_read_counted_or_held(store, crew, rated_once):
    """What the callback form tells (held for the lead, or counted) comes from storage's own
    reading of the rating as typed, a full-width digit with spaces about it too: the form
    no longer reads the text again."""
    held = tickets.record_callback(
        store, crew.rep2, rated_once.code, rated_once.version, " ２ ", now=CALLED, **SCHEMES
    )
    assert (held.rating, held.held) == (2, True)
    assert (held.ticket.status, held.ticket.rating) == ("completed", None)  # not on it yet
    other = completed(store, crew)
    counted = tickets.record_callback(
        store, crew.rep2, other.code, other.version, "５", now=CALLED, **SCHEMES
    )
    assert (counted.rating, counted.held) == (5, False)
    assert (counted.ticket.status, counted.ticket.rating) == ("called_back", 5)


def test_the_satisfied_mark_is_the_schemes():
    rep = person("rep")
    strict = load_scheme(preset="response-targets")  # averages ratings: anything below 5 lowers
    assert (strict.satisfied_rating, access.rating_needs_review(rep, 4, strict)) == (5, True)
    assert not access.rating_needs_review(rep, 5, strict)
    assert default_scheme().satisfied_rating == 4
    assert not access.rating_needs_review(person("lead"), 1, strict)


def person(role: str) -> Person:
    return Person("X1", "某人", "GZ", role, None, None)


def test_a_month_is_not_closed_while_one_of_its_ratings_waits(store, crew, rated_once):
    ticket = callback(store, crew.rep2, rated_once, 2)
    after = datetime(2026, 11, 2, 9)
    with pytest.raises(ClosingRefused, match="1"):
        close_month(store, crew.lead, "GZ", OCTOBER, default_scheme(), after)
    appraisal.review(store, crew.lead, "rating", held_id(store, ticket.code), "approve", now=after)
    close_month(store, crew.lead, "GZ", OCTOBER, default_scheme(), after)


def test_a_rating_is_only_approved_or_rejected(store, crew, rated_once):
    ticket = callback(store, crew.rep2, rated_once, 2)
    event = held_id(store, ticket.code)
    with pytest.raises(ReviewRefused, match="approved or rejected"):
        appraisal.contest(
            store, crew.rep, "rating", event, "我的客户很满意", now=LATER, scheme=default_scheme()
        )
    appraisal.review(store, crew.lead, "rating", event, "approve", now=LATER)
    with pytest.raises(ReviewRefused, match="approved or rejected"):
        appraisal.review(store, crew.lead, "rating", event, "withdraw", "弄错了", now=LATER)
    assert tickets.get_ticket(store, crew.lead, ticket.code).rating == 2


def test_a_rating_of_a_ticket_reopened_since_is_not_approved(store, crew, rated_once):
    ticket = callback(store, crew.rep2, rated_once, 2)
    tickets.reopen(store, crew.lead, ticket.code, ticket.version, "没修好", now=LATER, **SCHEMES)
    with pytest.raises(StepRefused, match="reject the rating instead"):
        appraisal.review(
            store, crew.lead, "rating", held_id(store, ticket.code), "approve", now=LATER
        )
    appraisal.review(
        store, crew.lead, "rating", held_id(store, ticket.code), "reject", "已返修", now=LATER
    )


def test_a_rating_of_work_redone_since_is_not_approved(store, crew, rated_once):
    """Reopened and completed again, the ticket is completed, but not by the work rated."""
    ticket = callback(store, crew.rep2, rated_once, 2)
    ticket = tickets.reopen(
        store, crew.lead, ticket.code, ticket.version, "没修好", now=LATER, **SCHEMES
    )
    tickets.complete(store, crew.eng, ticket.code, ticket.version, "换电源", now=LATER)
    event = held_id(store, ticket.code)
    with pytest.raises(StepRefused, match="reopened after the rating was recorded"):
        appraisal.review(store, crew.lead, "rating", event, "approve", now=LATER)
    assert tickets.get_ticket(store, crew.lead, ticket.code).rating is None
    assert satisfaction(store, "rep", "R1") == 1  # still 1 of 1: the 2 counts nowhere


def test_who_sees_a_held_rating(store, crew, rated_once):
    """The lead, the rep who recorded it, and the rep it is about (as an event); the
    engineer too, among the events about him (approved, it lowers his satisfaction as
    well), and his ticket's screen tells it as that event, but the ticket itself (its
    fields, his queue) says completed: the rating is not on it until then."""
    ticket = callback(store, crew.rep2, rated_once, 2)

    def steps(person):
        return {row.step for row in tickets.ticket_history(store, person, ticket.code)}

    assert "hold_rating" in steps(crew.lead) and "hold_rating" in steps(crew.rep2)
    assert "hold_rating" not in steps(crew.eng) | steps(crew.rep)
    about = appraisal.recent_events_about(store, crew.rep, crew.rep, LATER, default_scheme())
    assert [(e.subject, e.kind, e.state) for e in about] == [("rating", "2", "pending")]
    assert (
        about[0].recorded_by_name == "陈静"
    )  # the default scheme names who ([review] show_reporter)
    [his] = appraisal.recent_events_about(store, crew.eng, crew.eng, LATER, default_scheme())
    assert (his.subject, his.kind, his.state, his.ticket) == ("rating", "2", "pending", ticket.code)
    assert (his.concerns, his.concerns_name, his.recorded_by_name) == ("E1", "李强", "陈静")

    # Whom it counts for: both, to the lead deciding and to 陈静 who recorded it; to each of
    # the two, themselves alone (the other's is an event about someone else).
    def counts_for(events):
        return [[(p.name, p.role) for p in e.counts_for] for e in events if e.subject == "rating"]

    both = [[("王芳", "rep"), ("李强", "engineer")]]
    assert counts_for(appraisal.awaiting_review(store, crew.lead, "GZ", default_scheme())) == both
    recorded = appraisal.recent_events_recorded(store, crew.rep2, LATER, default_scheme())
    assert counts_for(recorded) == both
    assert counts_for(about) == [[("王芳", "rep")]] and counts_for([his]) == [
        [("李强", "engineer")]
    ]

    def held_on_screen(person):  # what the ticket's screen tells them
        return appraisal.held_ratings_about(store, person, ticket.code, default_scheme())

    assert held_on_screen(crew.eng) == [his] and held_on_screen(crew.rep) == about
    assert held_on_screen(crew.lead) == held_on_screen(crew.rep2) == []  # its history says it

    def held_in_queue(person) -> bool:
        filt = QueueFilter(include_closed=True)
        rows = queue_page(store, person, filt, now=LATER)
        return next(r for r in rows if r.code == ticket.code).rating_held

    assert held_in_queue(crew.rep) and held_in_queue(crew.lead)
    assert not held_in_queue(crew.eng)  # their queue says completed, as the ticket's fields do
    assert not tickets.get_ticket(store, crew.eng, ticket.code).rating_held


def test_a_held_rating_is_shown_to_its_engineer_alone_and_its_reporter_as_the_scheme_says(
    store, crew, rated_once
):
    """Another engineer never sees it, not even the one the ticket went to after the lead
    reopened it: it rated the work of whoever held it then. Under ``show_reporter = false``
    the engineer is not told who recorded it, nor can he (or the rep) contest it: the lead
    decides on it anyway."""
    ticket = callback(store, crew.rep2, rated_once, 1)
    hidden = replace(default_scheme(), show_reporter=False)
    [his] = appraisal.recent_events_about(store, crew.eng, crew.eng, LATER, hidden)
    assert (his.kind, his.recorded_by, his.recorded_by_name) == ("1", None, None)
    ticket = tickets.reopen(store, crew.lead, ticket.code, ticket.version, "返修", LATER, **SCHEMES)
    tickets.dispatch(store, crew.lead, ticket.code, ticket.version, "E2", now=LATER)
    assert appraisal.recent_events_about(store, crew.eng2, crew.eng2, LATER, hidden) == []
    assert appraisal.held_ratings_about(store, crew.eng2, ticket.code, hidden) == []
    assert appraisal.held_ratings_about(store, crew.eng, ticket.code, hidden)[0].recorded_by is None
    assert len(appraisal.recent_events_about(store, crew.eng, crew.eng, LATER, hidden)) == 1
    for person in (crew.eng, crew.rep):
        with pytest.raises((ReviewRefused, access.AccessDenied)):
            appraisal.contest(store, person, "rating", his.id, "不是我的问题", LATER, scheme=hidden)
    assert store.scalar("SELECT count(*) FROM appraisal_reviews WHERE action = 'contest'") == 0


# ------------------------------------------------------------ who is told who recorded it


def test_one_function_says_whose_callback_a_reader_of_the_history_is_told():
    """:func:`fieldkpi.visibility.history_for` alone decides: 陈静's low rating of 王芳's ticket,
    approved, is a callback by someone else to 王芳 and 李强 (it counts against both) where the
    scheme hides reporters, named where it does not; 陈静's dispatch is named to everyone (a
    colleague's work on a ticket reports nobody), and so is her callback to a colleague it does
    not count against."""
    ticket = SimpleNamespace(code="GZ-1", rep="R1", engineer="E1", updated_at="", updated_by="R2")
    rows = [
        tickets.HistoryRow("2026-10-15 09:30:00", "R2", "陈静", "dispatch", "engineer", None, "E1"),
        tickets.HistoryRow(CALLED_AT, "R2", "陈静", "callback", "rating", None, "2"),
    ]
    held = [tickets.HeldRating("R2", CALLED_AT, "R1", "E1")]

    def names(code: str, role: str, scheme) -> list[str]:
        reader = Person(code, "", "GZ", role, None, None)
        return [r.by_name for r in visibility.history_for(reader, ticket, rows, held, scheme)]

    for code, role in [("R1", "rep"), ("E1", "engineer")]:
        assert names(code, role, HIDDEN) == names(code, role, None) == ["陈静", "someone else"]
        assert names(code, role, default_scheme()) == ["陈静", "陈静"]
    assert names("R3", "rep", HIDDEN) == ["陈静", "陈静"]  # a colleague it does not count against


def test_a_stale_save_names_who_recorded_an_approved_rating_as_the_history_does(
    store, crew, rated_once
):
    """王芳's screen shows her ticket with 陈静's low rating held; the lead approves it, and the
    callback 王芳 saves from what she saw is refused saying who changed the ticket: 陈静's
    callback, named to 王芳 (whom it counts against) where the scheme names reporters, as the
    history on her screen names it, and someone else where it keeps them from her."""
    seen = callback(store, crew.rep2, rated_once, 2)
    appraisal.review(store, crew.lead, "rating", held_id(store, seen.code), "approve", now=LATER)
    for scheme, named in [(default_scheme(), "陈静"), (HIDDEN, "someone else")]:
        with pytest.raises(tickets.Conflict) as stale:
            tickets.record_callback(
                store, crew.rep, seen.code, seen.version, 5, now=LATER, **told(scheme)
            )
        assert f"changed by {named} at {CALLED_AT}: status completed → called back" in str(
            stale.value
        )
        history = tickets.ticket_history(store, crew.rep, seen.code, scheme)
        assert {row.by_name for row in history if row.step == "callback"} == {named}


def test_the_hold_of_a_rating_is_someone_elses_to_whom_it_counts_against_where_hidden(
    store, crew, rated_once
):
    """陈静 holds a low rating of 王芳's ticket while 王芳 has it open. Her history does not show
    the hold, so a save from what she saw is told by who changed the ticket last, as the
    ticket's "changed by" says: 陈静 where the scheme names reporters; where it keeps them
    from her, someone else — not the name her F6 keeps from her. 陈静 and the lead read 陈静."""
    callback(store, crew.rep2, rated_once, 2)
    for scheme, named, code in [(default_scheme(), "陈静", "R2"), (HIDDEN, "someone else", None)]:
        with pytest.raises(tickets.Conflict) as stale:
            tickets.record_callback(
                store, crew.rep, rated_once.code, rated_once.version, 5, now=LATER, **told(scheme)
            )
        assert f"changed by {named} at {CALLED_AT}." in str(stale.value)
        shown = tickets.get_ticket(store, crew.rep, rated_once.code, **told(scheme)).updated_by
        assert shown == (code or visibility.SOMEONE_ELSE)
        for person in (crew.rep2, crew.lead):
            seen = tickets.get_ticket(store, person, rated_once.code, **told(scheme))
            assert seen.updated_by == "R2"


def planned(store, read) -> list[str]:
    """The query plan of every statement ``read()`` runs."""
    ran: list[str] = []
    store.conn.set_trace_callback(ran.append)
    try:
        with store.lock:  # this thread's reads then go through the traced connection
            read()
    finally:
        store.conn.set_trace_callback(None)
    queries = [sql for sql in ran if sql.lstrip().startswith("SELECT")]
    return [row[3] for sql in queries for row in store.query("EXPLAIN QUERY PLAN " + sql)]


def test_a_persons_events_and_a_tickets_held_ratings_are_read_by_index(store, crew, rated_once):
    """F6 lists a person's events of three months, and every ticket screen reads its held
    ratings: each reads problem reports, deductions and held ratings through an index (by
    whom they are about, by their time, by their ticket), never a whole table — nor works
    out who held the ticket for every held rating ever recorded. Only the few rows found
    are read again, whole (``SCAN e``), to name and sort them."""
    ticket = callback(store, crew.rep2, rated_once, 2)
    scheme = default_scheme()
    f6 = planned(
        store, lambda: appraisal.recent_events_about(store, crew.eng, crew.eng, LATER, scheme)
    )
    assert any("problems_engineer_at (engineer=? AND at>? AND at<?)" in s for s in f6), f6
    assert any("deductions_staff_at (staff=? AND at>? AND at<?)" in s for s in f6), f6
    ticket_screen = [
        *planned(store, lambda: tickets.get_ticket(store, crew.rep, ticket.code, **SCHEMES)),
        *planned(store, lambda: tickets.ticket_history(store, crew.rep, ticket.code, scheme)),
        *planned(store, lambda: appraisal.held_ratings_about(store, crew.eng, ticket.code, scheme)),
    ]
    for steps in (f6, ticket_screen):
        assert [s for s in steps if s.startswith("SCAN") and s != "SCAN e"] == [], steps
