"""A ticket's life through storage: each step's row, history rows and workload action, and refusals.

Every step runs at a fixed clock on a fresh database of one branch (GZ) with a
second branch (SZ) next door; the expected rows are written out by hand.
"""

from __future__ import annotations

import re
import threading
from datetime import datetime, timedelta

import pytest
from ticket_helpers import (
    NOW,
    TICKET_FIELDS,
    actions,
    history,
    insert_ticket,
    seed_staff,
)

from fieldkpi.sample import SAMPLE_NOW
from fieldkpi.scheme import default_for_every_branch
from fieldkpi.tickets import (
    STEPS,
    StepRefused,
    age_bucket,
    allowed_steps,
    next_status,
    normal_phone,
    phone_start,
    step_label,
    typed_rating,
)
from storage import tickets
from storage.db import open_store
from storage.errors import NotFound
from storage.people import staff_by_login
from storage.tickets import AccessDenied, Conflict
from storage.typed import FieldErrors

AT = "2026-10-15 09:30:00"
LATER = NOW + timedelta(hours=2)
LATER_AT = "2026-10-15 11:30:00"
SCHEMES = {"scheme_for": default_for_every_branch}


@pytest.fixture
def crew(store):
    return seed_staff(store)


def take(store, actor, **changes):
    return tickets.new_ticket(store, actor, TICKET_FIELDS | changes, now=NOW)


def dispatched(store, crew, engineer="E1"):
    ticket = take(store, crew.rep)
    return tickets.dispatch(store, crew.rep, ticket.code, ticket.version, engineer, now=NOW)


def completed(store, crew):
    ticket = dispatched(store, crew)
    return tickets.complete(store, crew.rep, ticket.code, ticket.version, "换电源板", now=NOW)


def counts(store) -> tuple[int, int, int]:
    """(tickets, history rows, actions): what a refused step must leave as it was."""
    return tuple(
        store.scalar(f"SELECT count(*) FROM {table}")
        for table in ("tickets", "ticket_history", "actions")
    )


# ------------------------------------------------------------ the state machine (pure)


def test_the_happy_path_through_the_state_machine():
    status = next_status("", "create")
    for step in ("dispatch", "visit", "await_parts", "visit", "complete", "callback"):
        status = next_status(status, step)
    assert status == "called_back"


def test_redispatch_keeps_a_worked_tickets_status():
    assert next_status("received", "dispatch") == "dispatched"
    assert next_status("visited", "dispatch") == "visited"
    assert next_status("awaiting_parts", "dispatch") == "awaiting_parts"


def test_reopen_goes_back_to_the_engineer_or_to_the_queue():
    assert next_status("completed", "reopen") == "dispatched"
    assert next_status("cancelled", "reopen", has_engineer=False) == "received"


def test_a_ticket_called_back_is_finished_even_if_cancelled_since():
    # Imported as called back, then cancelled: reopening would move its callback to the
    # engineer it is dispatched to next; a new visit is a new ticket.
    with pytest.raises(StepRefused, match="called back on this ticket"):
        next_status("cancelled", "reopen", called_back=True)


def test_allowed_steps_are_what_the_footer_offers():
    assert allowed_steps("received") == ("dispatch", "cancel")
    assert allowed_steps("visited") == ("dispatch", "await_parts", "complete", "cancel")
    assert allowed_steps("completed") == ("reopen", "callback")
    assert allowed_steps("called_back") == ()
    assert allowed_steps("cancelled") == ("reopen",)
    for status in ("received", "visited", "completed", "cancelled"):
        for step in set(STEPS) - set(allowed_steps(status)) - {"create"}:
            with pytest.raises(StepRefused):
                next_status(status, step)


def test_refusals_say_what_to_do_instead():
    with pytest.raises(StepRefused, match="Dispatch this ticket to an engineer first"):
        next_status("received", "complete")
    with pytest.raises(StepRefused, match="cancelled; reopen it first"):
        next_status("cancelled", "visit")
    with pytest.raises(StepRefused, match="only after the ticket is completed"):
        next_status("visited", "callback")
    with pytest.raises(StepRefused, match="needs an engineer"):
        next_status("dispatched", "complete", has_engineer=False)


@pytest.mark.parametrize(
    ("age", "still_open", "bucket"),
    [
        (1, True, "d1"),
        (7, True, "d7"),
        (8, True, "late"),
        (31, True, "late"),  # 30 days since received: not yet past the limit
        (32, True, "open30"),
        (32, False, "late"),  # completed: late, never open past the limit
        (0, True, "d1"),  # received later today than "now" (clock skew): still day 1
    ],
)
def test_age_bucket(age, still_open, bucket):
    assert age_bucket(age, 30, still_open=still_open) == bucket


# ------------------------------------------------------------ new ticket


def test_new_ticket_saves_the_row_its_history_and_an_intake(store, crew):
    ticket = take(store, crew.rep, received_at="2026/10/15 08:05")

    assert ticket.code == "GZ261015001"
    assert (ticket.branch, ticket.status, ticket.rep, ticket.rep_name) == (
        "GZ",
        "received",
        "R1",
        "王芳",
    )
    assert (ticket.received_at, ticket.updated_at, ticket.updated_by, ticket.version) == (
        "2026-10-15 08:05:00",
        AT,
        "R1",
        1,
    )
    assert history(store, ticket.code) == [
        ("create", "customer", None, "张伟", "R1", 1),
        ("create", "phone", None, "13800138000", "R1", 1),
        ("create", "address", None, "天河路 1 号", "R1", 1),
        ("create", "product", None, "55G7 电视", "R1", 1),
        ("create", "kind", None, "onsite_repair", "R1", 1),
        ("create", "fault", None, "无法开机", "R1", 1),
        ("create", "received_at", None, "2026-10-15 08:05:00", "R1", 1),
        ("create", "status", None, "received", "R1", 1),
        ("create", "rep", None, "R1", "R1", 1),
    ]
    assert actions(store) == [("R1", "intake", ticket.code, AT)]


def test_received_time_defaults_to_now_and_codes_count_up_per_branch_and_day(store, crew):
    first = take(store, crew.rep, received_at="")
    second = take(store, crew.lead, phone="020 8888 1234")
    other = take(store, crew.other_rep)

    assert first.received_at == AT
    assert (second.code, second.rep, second.phone) == ("GZ261015002", None, "02088881234")
    assert other.code == "SZ261015001"


def test_codes_go_on_from_the_days_highest_and_take_a_fourth_digit_past_999(store, crew):
    """Branch, YYMMDD, the day's number in three digits: the shape imported codes have.

    After an imported GZ261015998 come 999, then 1000: a number is never taken twice,
    nor cut to three digits. An older code shape, or letters after the day, is no
    number of the day and is passed over."""
    for code in ("GZ261015998", "GZ-20261015-0005", "GZ261015X01", "GZ261014999"):
        insert_ticket(store, code)
    assert [take(store, crew.rep).code for _ in range(3)] == [
        "GZ261015999",
        "GZ2610151000",
        "GZ2610151001",
    ]


def test_a_ticket_taken_in_on_the_samples_day_follows_its_codes(demo):
    rep = staff_by_login(demo, "liujiayi")
    ticket = tickets.new_ticket(demo, rep, TICKET_FIELDS, now=SAMPLE_NOW)
    assert ticket.code == "GZ261120006"  # the sample's own tickets of that day are 001 … 005


def test_new_ticket_lists_every_bad_field_and_saves_nothing(store, crew):
    with pytest.raises(FieldErrors) as refused:
        tickets.new_ticket(
            store,
            crew.rep,
            {"customer": " ", "phone": "12ab", "address": "", "kind": "repair"},
            now=NOW,
        )
    assert set(refused.value.errors) == {"customer", "phone", "address", "kind"}
    assert (
        refused.value.errors["phone"]
        == "5 to 20 characters: digits, “+” or “-”, at least 5 digits."
    )
    assert counts(store) == (0, 0, 0)


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("１３８００００１１１１", "13800001111"),  # the digits of a Chinese input method
        ("138 0000 1111", "13800001111"),
        ("159-8888-1234", "15988881234"),  # in dashes, as the form's hint invites
        ("020-8888 6666", "02088886666"),
        ("＋86 138-0000-1111", "13800001111"),  # China's code before a mobile: the same number
        ("0086 138 0000 1111", "13800001111"),
        ("+86 20 8888 6666", "+862088886666"),  # before a landline: kept, "+" and all
        ("+852 9123-4567", "+85291234567"),
    ],
)
def test_a_phone_is_kept_as_its_digits(store, crew, typed, kept):
    """As typed with a Chinese input method (full-width digits), in groups or dashes: saved as
    the digits the queue's search and the caller lookup find."""
    assert take(store, crew.rep, phone=typed).phone == kept


@pytest.mark.parametrize(
    ("typed", "start"),
    [
        ("+86 159 3539", "1593539"),  # part of a mobile number: as it is kept, without +86
        ("0086159", "159"),
        ("＋８６－１３", "13"),
        ("+86 159 3539 2109 0", "+86159353921090"),  # longer than one: no mobile number
        ("+86 10 8888", "+86108888"),  # Beijing's area code, as normal_phone keeps +86 10…
        ("+861", "+861"),  # not yet a mobile network's digits
        ("+86", "+86"),
        ("86159", "86159"),  # no country code without + or 00
        ("+852 9123", "+8529123"),
        ("159 3539", "1593539"),
    ],
)
def test_a_phone_typed_into_a_search_is_read_as_the_phones_it_starts_are_kept(typed, start):
    assert phone_start(typed) == start


@pytest.mark.parametrize(
    "whole",
    ["+86 159 3539 2109", "0086 138 0013 8000", "+86 20 8888 6666", "+8610123456789"],
)
def test_a_whole_phone_typed_into_a_search_is_read_as_it_is_kept(whole):
    """A whole number is looked up as it is kept (:func:`normal_phone`), as before."""
    assert phone_start(whole) == normal_phone(whole)


@pytest.mark.parametrize("phone", ["-----", "+-+-1234", "1234", "138.0000.1111"])
def test_a_phone_has_at_least_5_digits_as_its_rule_says(store, crew, phone):
    with pytest.raises(FieldErrors) as refused:
        take(store, crew.rep, phone=phone)
    assert refused.value.errors == {
        "phone": "5 to 20 characters: digits, “+” or “-”, at least 5 digits."
    }
    assert counts(store) == (0, 0, 0)


@pytest.mark.parametrize(
    ("received_at", "message"),
    [
        ("2026-10-15 09:31", "The time received cannot be in the future."),
        ("15/10/2026", "Enter the time received as HH:MM (today) or YYYY-MM-DD HH:MM."),
        ("2026-02-30 10:00", "Enter the time received as HH:MM (today) or YYYY-MM-DD HH:MM."),
    ],
)
def test_received_time_must_be_a_real_moment_not_in_the_future(store, crew, received_at, message):
    with pytest.raises(FieldErrors) as refused:
        take(store, crew.rep, received_at=received_at)
    assert refused.value.errors == {"received_at": message}
    assert counts(store) == (0, 0, 0)


def test_an_engineer_cannot_take_in_tickets(store, crew):
    with pytest.raises(AccessDenied):
        take(store, crew.eng)
    assert counts(store) == (0, 0, 0)


# ------------------------------------------------------------ dispatch


def test_dispatch_sets_the_engineer_and_records_a_dispatch(store, crew):
    ticket = take(store, crew.rep)
    ticket = tickets.dispatch(store, crew.rep2, ticket.code, 1, "E1", now=LATER)

    assert (ticket.status, ticket.engineer, ticket.engineer_name) == ("dispatched", "E1", "李强")
    assert (ticket.dispatched_at, ticket.updated_by, ticket.version) == (LATER_AT, "R2", 2)
    assert history(store, ticket.code)[-3:] == [
        ("dispatch", "status", "received", "dispatched", "R2", 2),
        ("dispatch", "engineer", None, "E1", "R2", 2),
        ("dispatch", "dispatched_at", None, LATER_AT, "R2", 2),
    ]
    assert actions(store)[-1] == ("R2", "dispatch", ticket.code, LATER_AT)


def test_redispatch_of_a_visited_ticket_keeps_its_status(store, crew):
    ticket = dispatched(store, crew)
    ticket = tickets.record_visit(store, crew.eng, ticket.code, ticket.version, now=NOW)
    ticket = tickets.dispatch(store, crew.rep, ticket.code, ticket.version, "E2", now=LATER)

    assert (ticket.status, ticket.engineer, ticket.version) == ("visited", "E2", 4)
    assert history(store, ticket.code)[-2:] == [
        ("dispatch", "engineer", "E1", "E2", "R1", 4),
        ("dispatch", "dispatched_at", AT, LATER_AT, "R1", 4),
    ]
    assert [a[1] for a in actions(store)] == ["intake", "dispatch", "dispatch"]


@pytest.mark.parametrize(
    ("engineer", "message"),
    [
        ("E9", "Pick an engineer of this branch."),  # SZ's engineer
        ("R2", "陈静 is not an engineer."),
        ("E3", "孙涛 does not work here now."),  # left on 2026-09-30
        ("E1", "This ticket is already with 李强."),
        ("NOBODY", "Pick an engineer of this branch."),
    ],
)
def test_dispatch_refuses_an_engineer_who_cannot_take_it(store, crew, engineer, message):
    ticket = dispatched(store, crew)
    before = counts(store)
    with pytest.raises(FieldErrors) as refused:
        tickets.dispatch(store, crew.rep, ticket.code, ticket.version, engineer, now=NOW)
    assert refused.value.errors == {"engineer": message}
    assert counts(store) == before


# ------------------------------------------------------------ visit, parts, completion


def test_back_with_the_parts_is_a_return_visit_kept_beside_the_first(store, crew):
    """The visit counted is the first (kpi-rules §2); the return with the parts is kept with
    its time: the history and the ticket say when, where nothing did."""
    ticket = dispatched(store, crew)
    ticket = tickets.record_visit(store, crew.eng, ticket.code, 2, now=NOW)
    ticket = tickets.await_parts(store, crew.eng, ticket.code, 3, "主板, 已向总部订货", now=NOW)
    ticket = tickets.record_visit(store, crew.eng, ticket.code, 4, now=LATER)

    assert (ticket.status, ticket.visited_at, ticket.revisited_at) == ("visited", AT, LATER_AT)
    assert ticket.version == 5
    assert history(store, ticket.code)[-5:] == [
        ("visit", "visited_at", None, AT, "E1", 3),
        ("await_parts", "status", "visited", "awaiting_parts", "E1", 4),
        ("await_parts", "note", None, "主板, 已向总部订货", "E1", 4),
        ("visit", "status", "awaiting_parts", "visited", "E1", 5),
        ("visit", "revisited_at", None, LATER_AT, "E1", 5),
    ]
    assert [a[1] for a in actions(store)] == ["intake", "dispatch"]  # visits are no workload
    assert store.scalar("SELECT visited_at FROM tickets WHERE code = ?", (ticket.code,)) == AT


def test_the_engineer_a_visited_ticket_went_to_keeps_his_own_visit(store, crew):
    """邓艳 visited, the ticket went to 谢建华, he waited for a part and went: his visit was
    said saved and kept nowhere, and his screen showed no visit of his."""
    code = dispatched(store, crew).code
    tickets.record_visit(store, crew.eng, code, 2, now=NOW)  # 李强's, the first
    tickets.dispatch(store, crew.rep, code, 3, "E2", now=NOW + timedelta(minutes=30))
    tickets.await_parts(store, crew.eng2, code, 4, "主板", now=NOW + timedelta(hours=1))
    before = counts(store)
    with pytest.raises(FieldErrors) as refused:  # before he had it: not his visit
        tickets.record_visit(store, crew.eng2, code, 5, now=LATER, at="09:45")
    assert refused.value.errors == {
        "visited_at": "Not before 2026-10-15 10:00:00, when it was dispatched."
    }
    assert counts(store) == before

    mine = tickets.record_visit(store, crew.eng2, code, 5, now=LATER, at="11:00")
    assert (mine.status, mine.visited_at, mine.revisited_at) == (
        "visited",
        None,  # 李强's visit is not his to read
        "2026-10-15 11:00:00",
    )
    seen = [(r.step, r.field, r.new) for r in tickets.ticket_history(store, crew.eng2, code)]
    assert seen[-2:] == [
        ("visit", "status", "visited"),
        ("visit", "revisited_at", "2026-10-15 11:00:00"),
    ]
    assert ("visit", "visited_at", AT) not in seen
    lead = tickets.get_ticket(store, crew.lead, code)
    assert (lead.visited_at, lead.revisited_at) == (AT, "2026-10-15 11:00:00")  # AT counts
    with pytest.raises(FieldErrors) as refused:  # a completion comes after the visit
        tickets.complete(store, crew.eng2, code, 6, "换主板", now=LATER, at="10:45")
    assert refused.value.errors == {
        "completed_at": "Not before 2026-10-15 11:00:00, when the engineer visited again."
    }


def test_completion_needs_a_resolution_and_records_a_complete(store, crew):
    ticket = dispatched(store, crew)
    with pytest.raises(FieldErrors) as refused:
        tickets.complete(store, crew.rep, ticket.code, 2, "  ", now=LATER)
    assert refused.value.errors == {"resolution": "Describe how the fault was resolved."}

    ticket = tickets.complete(store, crew.rep, ticket.code, 2, "换电源板", now=LATER)
    assert (ticket.status, ticket.completed_at, ticket.resolution) == (
        "completed",
        LATER_AT,
        "换电源板",
    )
    assert history(store, ticket.code)[-3:] == [
        ("complete", "status", "dispatched", "completed", "R1", 3),
        ("complete", "completed_at", None, LATER_AT, "R1", 3),
        ("complete", "resolution", None, "换电源板", "R1", 3),
    ]
    assert actions(store)[-1] == ("R1", "complete", ticket.code, LATER_AT)


def test_a_completion_refused_says_every_fields_problem_at_once(store, crew):
    """No resolution and a time in the future: both said, each under its field, not the
    time only once the resolution is put right."""
    ticket = dispatched(store, crew)
    before = counts(store)
    with pytest.raises(FieldErrors) as refused:
        tickets.complete(store, crew.rep, ticket.code, 2, " ", now=LATER, at="12:00")
    assert refused.value.errors == {
        "resolution": "Describe how the fault was resolved.",
        "completed_at": "The time cannot be in the future.",
    }
    assert counts(store) == before


def test_an_engineer_completes_his_own_ticket_but_not_anothers(store, crew):
    mine = dispatched(store, crew, "E1")
    theirs = dispatched(store, crew, "E2")

    done = tickets.complete(store, crew.eng, mine.code, mine.version, "更换电容", now=NOW)
    assert (done.status, actions(store)[-1]) == ("completed", ("E1", "complete", mine.code, AT))
    with pytest.raises(AccessDenied, match="is not assigned to you"):
        tickets.complete(store, crew.eng, theirs.code, theirs.version, "x", now=NOW)


def test_an_engineer_may_not_dispatch_or_cancel(store, crew):
    ticket = dispatched(store, crew)
    before = counts(store)
    with pytest.raises(AccessDenied):
        tickets.dispatch(store, crew.eng, ticket.code, ticket.version, "E2", now=NOW)
    with pytest.raises(AccessDenied):
        tickets.cancel(
            store,
            crew.eng,
            ticket.code,
            ticket.version,
            "不修了",
            now=NOW,
            scheme_for=default_for_every_branch,
        )
    assert counts(store) == before


# ------------------------------------------------------------ callback


def test_callback_records_rating_comment_and_a_callback(store, crew):
    ticket = completed(store, crew)
    ticket = tickets.record_callback(
        store,
        crew.rep2,
        ticket.code,
        3,
        4,
        " 很满意 ",
        now=LATER,
        scheme_for=default_for_every_branch,
    ).ticket

    assert (ticket.status, ticket.rating, ticket.callback_note, ticket.callback_at) == (
        "called_back",
        4,
        "很满意",
        LATER_AT,
    )
    assert history(store, ticket.code)[-4:] == [
        ("callback", "status", "completed", "called_back", "R2", 4),
        ("callback", "callback_at", None, LATER_AT, "R2", 4),
        ("callback", "rating", None, "4", "R2", 4),
        ("callback", "callback_note", None, "很满意", "R2", 4),
    ]
    assert actions(store)[-1] == ("R2", "callback", ticket.code, LATER_AT)


@pytest.mark.parametrize("rating", [0, 6, True])
def test_callback_rating_is_1_to_5(store, crew, rating):
    ticket = completed(store, crew)
    with pytest.raises(FieldErrors) as refused:
        tickets.record_callback(
            store, crew.rep2, ticket.code, 3, rating, now=NOW, scheme_for=default_for_every_branch
        )
    assert refused.value.errors == {"rating": "Give a rating from 1 to 5."}


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("2.5", "A rating is one digit from 1 to 5, not “2.5”."),
        ("45", "A rating is one digit from 1 to 5, not “45”."),
        ("0", "A rating is one digit from 1 to 5, not “0”."),
        ("五", "A rating is one digit from 1 to 5, not “五”."),
        (" ", "Give a rating from 1 to 5."),
    ],
)
def test_a_typed_rating_is_one_digit_never_cut_to_one(typed, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        typed_rating(typed)


def test_a_typed_rating_may_be_a_full_width_digit():
    assert [typed_rating(t) for t in ("1", " 5 ", "４")] == [1, 5, 4]


def test_a_callback_refused_says_every_fields_problem_at_once(store, crew):
    """A rating typed as ``6`` and a time before the completion (09:30): both said, not the
    time only once the rating is put right. The rating is taken as typed in a form too."""
    ticket = completed(store, crew)
    before = counts(store)
    with pytest.raises(FieldErrors) as refused:
        tickets.record_callback(
            store, crew.rep2, ticket.code, 3, "6", now=LATER, at="09:00", **SCHEMES
        )
    assert refused.value.errors == {
        "rating": "A rating is one digit from 1 to 5, not “6”.",
        "callback_at": "Not before 2026-10-15 09:30:00, when it was completed.",
    }
    assert counts(store) == before
    rated = tickets.record_callback(store, crew.rep2, ticket.code, 3, "４", now=LATER, **SCHEMES)
    assert (rated.rating, rated.held, rated.ticket.rating) == (4, False, 4)


def test_an_engineer_cannot_rate_his_own_ticket(store, crew):
    ticket = completed(store, crew)
    before = counts(store)
    with pytest.raises(AccessDenied) as refused:
        tickets.record_callback(
            store, crew.eng, ticket.code, 3, 5, "", now=NOW, scheme_for=default_for_every_branch
        )
    assert str(refused.value) == "You cannot record the callback of a ticket you served yourself."
    assert counts(store) == before
    assert tickets.get_ticket(store, crew.rep, ticket.code).status == "completed"


def test_a_rep_cannot_rate_a_ticket_they_took_in(store, crew):
    ticket = completed(store, crew)  # taken in by 王芳
    before = counts(store)
    with pytest.raises(AccessDenied) as refused:
        tickets.record_callback(
            store, crew.rep, ticket.code, 3, 5, "", now=NOW, scheme_for=default_for_every_branch
        )
    assert "a ticket you took in yourself" in str(refused.value)
    assert counts(store) == before
    rated = tickets.record_callback(
        store, crew.lead, ticket.code, 3, 5, "", now=NOW, scheme_for=default_for_every_branch
    ).ticket
    assert (rated.status, rated.rating) == ("called_back", 5)  # the lead records it


def test_callback_before_completion_is_refused(store, crew):
    ticket = dispatched(store, crew)
    with pytest.raises(StepRefused, match="only after the ticket is completed"):
        tickets.record_callback(
            store, crew.rep2, ticket.code, 2, 5, now=NOW, scheme_for=default_for_every_branch
        )


# ------------------------------------------------------------ cancel and reopen


def test_cancel_needs_a_reason_then_reopen_returns_to_the_queue(store, crew):
    ticket = take(store, crew.rep)
    with pytest.raises(FieldErrors) as refused:
        tickets.cancel(
            store, crew.rep, ticket.code, 1, "", now=NOW, scheme_for=default_for_every_branch
        )
    assert refused.value.errors == {"cancel_reason": "Say why the ticket is cancelled."}

    ticket = tickets.cancel(
        store,
        crew.rep,
        ticket.code,
        1,
        "客户自行修好",
        now=NOW,
        scheme_for=default_for_every_branch,
    )
    assert (ticket.status, ticket.cancelled, ticket.cancel_reason) == (
        "cancelled",
        1,
        "客户自行修好",
    )
    ticket = tickets.reopen(
        store,
        crew.rep2,
        ticket.code,
        2,
        "客户又来电",
        now=LATER,
        scheme_for=default_for_every_branch,
    )

    assert (ticket.status, ticket.cancelled, ticket.cancel_reason) == ("received", 0, None)
    assert history(store, ticket.code)[-7:] == [
        ("cancel", "status", "received", "cancelled", "R1", 2),
        ("cancel", "cancelled", "0", "1", "R1", 2),
        ("cancel", "cancel_reason", None, "客户自行修好", "R1", 2),
        ("reopen", "status", "cancelled", "received", "R2", 3),
        ("reopen", "cancelled", "1", "0", "R2", 3),
        ("reopen", "cancel_reason", "客户自行修好", None, "R2", 3),
        ("reopen", "note", None, "客户又来电", "R2", 3),
    ]
    assert [a[1] for a in actions(store)] == ["intake"]  # neither is workload


def test_reopening_a_completed_ticket_gives_it_back_to_its_engineer(store, crew):
    ticket = completed(store, crew)
    ticket = tickets.reopen(
        store, crew.rep, ticket.code, 3, "故障复发", now=LATER, scheme_for=default_for_every_branch
    )

    assert (ticket.status, ticket.engineer, ticket.completed_at) == ("dispatched", "E1", None)
    assert history(store, ticket.code)[-3:] == [
        ("reopen", "status", "completed", "dispatched", "R1", 4),
        ("reopen", "completed_at", AT, None, "R1", 4),
        ("reopen", "note", None, "故障复发", "R1", 4),
    ]


@pytest.mark.parametrize(
    ("prepare", "step", "message"),
    [
        ("received", "complete", "Dispatch this ticket to an engineer first."),
        # (a rep's cancel of it is the lead's: test_trust_cancel)
        ("completed", "await_parts", "This ticket is already completed; reopen it first."),
        ("dispatched", "reopen", "Only a completed or cancelled ticket can be reopened."),
        ("dispatched", "await_parts", "A ticket that is dispatched cannot go to “awaiting parts”."),
    ],
)
def test_an_impossible_step_is_refused_with_its_reason_and_nothing_saved(
    store, crew, prepare, step, message
):
    ticket = {
        "received": lambda: take(store, crew.rep),
        "dispatched": lambda: dispatched(store, crew),
        "completed": lambda: completed(store, crew),
    }[prepare]()
    before = counts(store)
    call = {
        "complete": lambda: tickets.complete(store, crew.rep, ticket.code, ticket.version, "x"),
        "cancel": lambda: tickets.cancel(
            store, crew.rep, ticket.code, ticket.version, "x", scheme_for=default_for_every_branch
        ),
        "reopen": lambda: tickets.reopen(
            store, crew.rep, ticket.code, ticket.version, "x", scheme_for=default_for_every_branch
        ),
        "await_parts": lambda: tickets.await_parts(store, crew.rep, ticket.code, ticket.version),
    }[step]
    with pytest.raises(StepRefused) as refused:
        call()
    assert str(refused.value) == message
    assert counts(store) == before
    assert tickets.get_ticket(store, crew.rep, ticket.code).version == ticket.version


# ------------------------------------------------------------ who may see what


def test_a_rep_of_another_branch_is_refused(store, crew):
    ticket = take(store, crew.rep)
    before = counts(store)
    expected = "Ticket GZ261015001 belongs to branch GZ; you work for branch SZ."
    with pytest.raises(AccessDenied) as refused:
        tickets.get_ticket(store, crew.other_rep, ticket.code)
    assert str(refused.value) == expected
    with pytest.raises(AccessDenied):
        tickets.dispatch(store, crew.other_rep, ticket.code, 1, "E9", now=NOW)
    with pytest.raises(AccessDenied):
        tickets.ticket_history(store, crew.other_rep, ticket.code)
    assert counts(store) == before


def test_an_admin_works_any_branch(store, crew):
    ticket = take(store, crew.other_rep)
    ticket = tickets.dispatch(store, crew.admin, ticket.code, 1, "E9", now=NOW)
    assert (ticket.engineer, actions(store)[-1][:2]) == ("E9", ("A1", "dispatch"))


def test_an_unknown_ticket_is_not_found(store, crew):
    with pytest.raises(NotFound, match="There is no ticket GZ-1"):
        tickets.get_ticket(store, crew.rep, "GZ-1")


def test_ticket_history_names_who_did_each_step(store, crew):
    ticket = dispatched(store, crew)
    tickets.record_visit(store, crew.eng, ticket.code, 2, now=LATER)

    rows = tickets.ticket_history(store, crew.rep, ticket.code)
    assert [(r.step, r.field, r.by_name, r.at) for r in rows[-2:]] == [
        ("visit", "status", "李强", LATER_AT),
        ("visit", "visited_at", "李强", LATER_AT),
    ]


def test_the_ticket_screen_names_everyone_the_ticket_and_its_history_name_in_one_read(store, crew):
    ticket = dispatched(store, crew)  # by the rep (R1) to 李强 (E1) …
    ticket = tickets.dispatch(store, crew.lead, ticket.code, ticket.version, "E2", now=LATER)
    rows = tickets.ticket_history(store, crew.lead, ticket.code)  # … then by the lead to 赵磊

    read: list[str] = []
    store.conn.set_trace_callback(read.append)
    try:
        with store.lock:  # this thread's reads then go through the traced connection
            names = tickets.people_names(store, ticket, rows)
    finally:
        store.conn.set_trace_callback(None)
    assert names == {"R1": "王芳", "E1": "李强", "E2": "赵磊", "L1": "刘洋"}
    assert len([sql for sql in read if "FROM staff" in sql]) == 1


# ------------------------------------------------------------ many dispatchers at once


def test_a_stale_save_in_chinese_parts_the_changes_with_full_width_marks(store, crew, zh):
    """Its clauses were parted with an ASCII ";" in the middle of a Chinese sentence."""
    ticket = dispatched(store, crew)
    other = open_store(store.path)
    try:
        tickets.record_visit(other, crew.eng, ticket.code, 2, now=datetime(2026, 10, 15, 10, 42, 5))
        with pytest.raises(Conflict) as refused:
            tickets.dispatch(store, crew.rep, ticket.code, 2, "E2", now=LATER)
    finally:
        other.close()
    said = str(refused.value)
    assert "已上门；" in said and ";" not in said


def test_a_stale_save_is_refused_naming_who_changed_what(store, crew, tmp_path):
    ticket = dispatched(store, crew)  # both dispatchers look at version 2
    other = open_store(store.path)
    try:
        tickets.record_visit(other, crew.eng, ticket.code, 2, now=datetime(2026, 10, 15, 10, 42, 5))
        before = counts(store)
        with pytest.raises(Conflict) as refused:
            tickets.dispatch(store, crew.rep, ticket.code, 2, "E2", now=LATER)
    finally:
        other.close()

    conflict = refused.value
    assert str(conflict) == (
        f"Ticket {ticket.code} was changed by 李强 at 10:42:05: status dispatched → visited;"
        " visited at: 2026-10-15 10:42:05. Your change was not saved."
    )
    assert (conflict.ticket, conflict.by_name, conflict.at) == (
        ticket.code,
        "李强",
        "2026-10-15 10:42:05",
    )
    assert [(c.field, c.old, c.new) for c in conflict.changes] == [
        ("status", "dispatched", "visited"),
        ("visited_at", None, "2026-10-15 10:42:05"),
    ]
    assert counts(store) == before
    assert tickets.get_ticket(store, crew.rep, ticket.code).engineer == "E1"


def test_a_conflict_from_another_day_gives_the_date(store, crew):
    ticket = dispatched(store, crew)
    tickets.record_visit(store, crew.eng, ticket.code, 2, now=NOW)
    with pytest.raises(Conflict, match=f"changed by 李强 at {AT}:"):
        tickets.complete(store, crew.rep, ticket.code, 2, "x", now=NOW + timedelta(days=1))


def test_a_change_without_history_is_still_a_conflict(store, crew):
    insert_ticket(store, "GZ-IMPORTED", updated_by="R2", version=3, updated_at=AT)
    with pytest.raises(Conflict) as refused:
        tickets.dispatch(store, crew.rep, "GZ-IMPORTED", 2, "E1", now=NOW)
    assert str(refused.value) == (
        "Ticket GZ-IMPORTED was changed by 陈静 at 09:30:00. Your change was not saved."
    )


def test_two_stores_writing_one_ticket_get_conflicts_never_locked(store, crew):
    """Two processes (one connection each) re-dispatch the same ticket as fast as they can."""
    ticket = dispatched(store, crew)
    stores = [open_store(store.path), open_store(store.path)]
    outcomes: list[list[str]] = [[], []]

    def work(n: int) -> None:
        mine, actor = stores[n], (crew.rep, crew.rep2)[n]
        for _ in range(25):
            current = tickets.get_ticket(mine, actor, ticket.code)
            to = "E2" if current.engineer == "E1" else "E1"
            try:
                tickets.dispatch(mine, actor, ticket.code, current.version, to, now=NOW)
                outcomes[n].append("saved")
            except Conflict:
                outcomes[n].append("conflict")
            except Exception as exc:  # anything else, "database is locked" above all, fails
                outcomes[n].append(repr(exc))

    threads = [threading.Thread(target=work, args=(n,)) for n in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    for opened in stores:
        opened.close()

    results = outcomes[0] + outcomes[1]
    assert set(results) <= {"saved", "conflict"}, results
    saved = results.count("saved")
    final = tickets.get_ticket(store, crew.rep, ticket.code)
    assert final.version == 2 + saved
    assert store.scalar("SELECT count(*) FROM actions WHERE action = 'dispatch'") == 1 + saved
    engineers = [row[3] for row in history(store, ticket.code) if row[1] == "engineer"]
    assert len(engineers) == 1 + saved  # every saved change in the history, none twice
    assert engineers[-1] == final.engineer


# ------------------------------------------------------------ bulk re-dispatch


def test_bulk_redispatch_spreads_open_tickets_to_the_least_loaded(store, crew):
    with store.write() as db:
        db.execute(
            "INSERT INTO staff (code, name, role, branch, login)"
            " VALUES ('E4', '钱进', 'engineer', 'GZ', 'qianjin')"
        )
    oldest = dispatched(store, crew)  # received 09:30; all three of E1's open tickets
    middle = take(store, crew.rep, received_at="2026-10-15 09:00")
    middle = tickets.dispatch(store, crew.rep, middle.code, 1, "E1", now=NOW)
    newest = dispatched(store, crew)
    first = take(store, crew.rep, received_at="2026-10-14 17:00")
    first = tickets.dispatch(store, crew.rep, first.code, 1, "E1", now=NOW)
    done = completed(store, crew)  # E1's, but closed: stays
    dispatched(store, crew, "E2")  # E2 already has one open ticket
    before = len(actions(store))

    moved = tickets.bulk_redispatch(store, crew.lead, "E1", ["E2", "E4"], now=LATER)

    # oldest received first, each to whoever has fewest open (ties: the order given)
    assert moved == {first.code: "E4", middle.code: "E2", oldest.code: "E4", newest.code: "E2"}
    assert tickets.get_ticket(store, crew.rep, done.code).engineer == "E1"
    assert history(store, first.code)[-2:] == [
        ("dispatch", "engineer", "E1", "E4", "L1", 3),
        ("dispatch", "dispatched_at", AT, LATER_AT, "L1", 3),
    ]
    assert actions(store)[before:] == [
        ("L1", "dispatch", code, LATER_AT)
        for code in (first.code, middle.code, oldest.code, newest.code)
    ]


@pytest.mark.parametrize(
    ("source", "targets", "errors"),
    [
        ("E1", [], {"to_engineers": "Pick at least one other engineer to take the tickets."}),
        (
            "E1",
            ["E1", "E2"],
            {"to_engineers": "Pick at least one other engineer to take the tickets."},
        ),
        ("E1", ["E3"], {"to_engineers": "孙涛 does not work here now."}),
        ("E9", ["E2"], {"from_engineer": "Pick an engineer of this branch."}),
    ],
)
def test_bulk_redispatch_refusals_move_nothing(store, crew, source, targets, errors):
    dispatched(store, crew)
    before = counts(store)
    with pytest.raises(FieldErrors) as refused:
        tickets.bulk_redispatch(store, crew.rep, source, targets, now=NOW)
    assert refused.value.errors == errors
    assert counts(store) == before


def test_an_engineer_cannot_bulk_redispatch(store, crew):
    with pytest.raises(AccessDenied):
        tickets.bulk_redispatch(store, crew.eng, "E1", ["E2"], now=NOW)


@pytest.mark.parametrize(
    ("step", "zh"),
    [("correct_deduction", "更正扣分"), ("report_problem", "反馈工程师问题"), ("import", None)],
)
def test_every_step_a_ticket_history_holds_reads_as_words(step, zh, lang):
    # correct_deduction: written before m016 turned corrections into withdrawals; the
    # history keeps such rows as they were, and they must not show as a code
    label = step_label(step)
    assert label != step and "_" not in label
    if zh is not None and lang == "zh":
        assert label == zh
