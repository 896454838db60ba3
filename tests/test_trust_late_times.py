"""Times after the fact (issue 11, item 7): a visit, completion or callback recorded late.

An engineer phones in a completion the next morning: the completion time is
the evening before, so the ticket stays in its day bucket. The time is typed
in the step's form (empty: now); it may not be in the future, before the step
before, or in a closed month; the history says who entered it and when. A rep
or engineer types today's or yesterday's, and a rep a new ticket's time
received so too; a time further back moves a ticket by more than a day, in
its bucket or its month, and is the lead's to type.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from textual.widgets import Input
from ticket_helpers import TICKET_FIELDS, history, seed_staff
from tui_helpers import (
    SIZE,
    app_for,
    async_test,
    press,
    select_ticket,
    settle,
    table_rows,
    text_of,
    type_text,
)

from fieldkpi.period import Period, judge
from fieldkpi.scheme import default_for_every_branch, default_scheme
from screens.dispatch import DispatchScreen
from screens.queue import QueueScreen
from screens.step_forms import CompleteForm, VisitForm
from screens.ticket_detail import TicketDetailScreen
from screens.ticket_form import NewTicketForm
from storage import tickets
from storage.closing import close_month
from storage.drilldown import timeliness_facts
from storage.typed import FieldErrors

MON_09 = datetime(2026, 10, 12, 9, 0)  # the call
MON_10 = datetime(2026, 10, 12, 10, 0)  # the dispatch
TUE_08 = datetime(2026, 10, 13, 8, 0)  # the engineer phones in what he did yesterday


@pytest.fixture
def crew(store):
    return seed_staff(store)


def dispatched(store, crew, received=MON_09, at=MON_10) -> tickets.Ticket:
    fields = TICKET_FIELDS | {"received_at": f"{received:%Y-%m-%d %H:%M}"}
    ticket = tickets.new_ticket(store, crew.rep, fields, now=received)
    return tickets.dispatch(store, crew.rep, ticket.code, ticket.version, "E1", now=at)


def test_a_visit_and_a_completion_phoned_in_next_morning_keep_their_day(store, crew):
    ticket = dispatched(store, crew)
    ticket = tickets.record_visit(
        store, crew.eng, ticket.code, ticket.version, now=TUE_08, at="2026-10-12 15:00"
    )
    ticket = tickets.complete(
        store, crew.rep, ticket.code, ticket.version, "换电源板", now=TUE_08, at="2026-10-12 17:30"
    )
    assert (ticket.visited_at, ticket.completed_at) == (
        "2026-10-12 15:00:00",
        "2026-10-12 17:30:00",
    )
    # Day 1 (the day it was received), not day 2: no bucket lost to the phone call.
    october = judge(Period.parse("2026-10"), TUE_08)
    facts = timeliness_facts(store, crew.eng, "E1", october, default_scheme())
    assert [(t.code, t.day) for b in facts.buckets for t in b.tickets] == [(ticket.code, 1)]
    # The history: entered by whom (E1, R1) and when (the next morning), with the time entered.
    rows = [
        (step, field, new, by) for step, field, _old, new, by, _v in history(store, ticket.code)
    ]
    assert ("visit", "visited_at", "2026-10-12 15:00:00", "E1") in rows
    assert ("complete", "completed_at", "2026-10-12 17:30:00", "R1") in rows
    recorded = store.query(
        "SELECT DISTINCT at FROM ticket_history WHERE ticket = ? AND step IN ('visit', 'complete')",
        (ticket.code,),
    )
    assert [row[0] for row in recorded] == ["2026-10-13 08:00:00"]
    ticket = tickets.record_callback(
        store,
        crew.rep2,
        ticket.code,
        ticket.version,
        5,
        "满意",
        now=TUE_08,
        at="2026-10-12 19:00",
        scheme_for=default_for_every_branch,
    ).ticket
    assert ticket.callback_at == "2026-10-12 19:00:00"


@pytest.mark.parametrize(
    ("entered", "said"),
    [
        ("2026-10-13 08:01", "The time cannot be in the future."),
        ("2026-10-12 09:59", "Not before 2026-10-12 10:00:00, when it was dispatched."),
        ("yesterday", "Enter the time as HH:MM (today) or YYYY-MM-DD HH:MM."),
        ("2026-10-12", "Enter the time as HH:MM (today) or YYYY-MM-DD HH:MM."),  # not midnight
    ],
)
def test_a_time_in_the_future_before_the_step_before_or_unreadable_is_refused(
    store, crew, entered, said
):
    ticket = dispatched(store, crew)
    with pytest.raises(FieldErrors) as refused:
        tickets.complete(
            store, crew.rep, ticket.code, ticket.version, "修好", now=TUE_08, at=entered
        )
    assert refused.value.errors == {"completed_at": said}
    assert store.scalar("SELECT status FROM tickets WHERE code = ?", (ticket.code,)) == "dispatched"


@pytest.mark.parametrize("entered", ["7:30", "07:30", "７：３０"])
def test_a_time_of_day_alone_is_today(store, crew, entered):
    """A call phoned in earlier today is typed as its time alone, as an input method types it."""
    ticket = dispatched(store, crew)
    done = tickets.complete(
        store, crew.rep, ticket.code, ticket.version, "修好", now=TUE_08, at=entered
    )
    assert done.completed_at == TUE_08.strftime("%Y-%m-%d") + " 07:30:00"


def test_a_time_of_day_that_is_none_is_refused(store, crew):
    ticket = dispatched(store, crew)
    with pytest.raises(FieldErrors) as refused:
        tickets.complete(store, crew.rep, ticket.code, ticket.version, "修好", TUE_08, "25:00")
    assert refused.value.errors == {
        "completed_at": "Enter the time as HH:MM (today) or YYYY-MM-DD HH:MM."
    }


def test_a_completion_before_the_visit_or_a_callback_before_it_is_refused(store, crew):
    ticket = dispatched(store, crew)
    ticket = tickets.record_visit(store, crew.eng, ticket.code, ticket.version, now=TUE_08)
    with pytest.raises(FieldErrors, match="when the engineer visited"):
        tickets.complete(
            store, crew.rep, ticket.code, ticket.version, "修好", TUE_08, "2026-10-12 18:00"
        )
    ticket = tickets.complete(store, crew.rep, ticket.code, ticket.version, "修好", now=TUE_08)
    with pytest.raises(FieldErrors) as refused:
        tickets.record_callback(
            store,
            crew.rep2,
            ticket.code,
            ticket.version,
            4,
            at="2026-10-12 20:00",
            now=TUE_08,
            scheme_for=default_for_every_branch,
        )
    assert refused.value.errors == {
        "callback_at": "Not before 2026-10-13 08:00:00, when it was completed."
    }


FAR_BACK = "Before yesterday: a time this far back is typed by the lead."
CLOSED = "2026-09 is closed: its figures were paid on. Ask an admin to reopen it."
CLOSED_FOR_ADMIN = (
    "2026-09 is closed: its figures were paid on. Reopen it first: Reopen month (o) on the"
    " rankings."
)


@pytest.mark.parametrize(
    ("who", "now", "refusal"),
    [
        ("lead", datetime(2026, 10, 2, 8, 0), CLOSED),
        ("admin", datetime(2026, 10, 2, 8, 0), CLOSED_FOR_ADMIN),  # who reopens it
        ("rep", datetime(2026, 10, 1, 8, 0), CLOSED),  # yesterday: a rep's to type
        # Two days back, a rep may not type it closed or not: told that, not to ask an admin.
        ("rep", datetime(2026, 10, 2, 8, 0), FAR_BACK),
    ],
)
def test_a_time_in_a_closed_month_is_refused(store, crew, who, now, refusal):
    ticket = dispatched(store, crew, datetime(2026, 9, 28, 9), datetime(2026, 9, 28, 10))
    close_month(store, crew.lead, "GZ", Period.parse("2026-09"), default_scheme(), now)
    actor = getattr(crew, who)
    with pytest.raises(FieldErrors) as refused:
        tickets.complete(
            store, actor, ticket.code, ticket.version, "修好", now=now, at="2026-09-30 17:00"
        )
    assert refused.value.errors == {"completed_at": refusal}
    done = tickets.complete(
        store, actor, ticket.code, ticket.version, "修好", now=now, at="2026-10-01 08:00"
    )
    assert done.completed_at == "2026-10-01 08:00:00"


SUN_2359 = "2026-10-11 23:59"  # two days before TUE_08: further back than yesterday
MON_0000 = "2026-10-12 00:00"  # yesterday's first minute


@pytest.mark.parametrize("who", ["rep", "eng"])
def test_a_rep_or_engineer_types_yesterday_at_the_earliest(store, crew, who):
    """Sunday's ticket, visited and completed on Sunday by what they type on Tuesday: a
    day-1 ticket that was in truth a day 3 one. Monday is as far back as they go."""
    actor = getattr(crew, who)
    ticket = dispatched(store, crew, datetime(2026, 10, 11, 9), datetime(2026, 10, 11, 10))
    before = history(store, ticket.code)
    with pytest.raises(FieldErrors) as refused:
        tickets.record_visit(store, actor, ticket.code, ticket.version, now=TUE_08, at=SUN_2359)
    assert refused.value.errors == {"visited_at": FAR_BACK}
    with pytest.raises(FieldErrors) as refused:
        tickets.complete(store, actor, ticket.code, ticket.version, "修好", TUE_08, SUN_2359)
    assert refused.value.errors == {"completed_at": FAR_BACK}
    assert history(store, ticket.code) == before  # nothing written
    ticket = tickets.record_visit(
        store, actor, ticket.code, ticket.version, now=TUE_08, at=MON_0000
    )
    ticket = tickets.complete(store, actor, ticket.code, ticket.version, "修好", TUE_08, MON_0000)
    assert (ticket.visited_at, ticket.completed_at) == (f"{MON_0000}:00", f"{MON_0000}:00")


def test_a_callback_before_yesterday_is_the_leads(store, crew):
    ticket = dispatched(store, crew, datetime(2026, 10, 11, 9), datetime(2026, 10, 11, 10))
    ticket = tickets.complete(
        store, crew.lead, ticket.code, ticket.version, "修好", TUE_08, "2026-10-11 12:00"
    )
    assert ticket.completed_at == "2026-10-11 12:00:00"  # the lead types it

    def rate(actor):
        return tickets.record_callback(
            store, actor, ticket.code, ticket.version, 1, "", TUE_08, SUN_2359,
            scheme_for=default_for_every_branch,
        ).ticket  # fmt: skip

    with pytest.raises(FieldErrors) as refused:
        rate(crew.rep2)
    assert refused.value.errors == {"callback_at": FAR_BACK}
    assert store.scalar("SELECT rating FROM tickets WHERE code = ?", (ticket.code,)) is None
    rated = rate(crew.lead)
    assert (rated.callback_at, rated.rating) == ("2026-10-11 23:59:00", 1)


def test_a_time_received_before_yesterday_is_the_leads(store, crew):
    """Typed back, a ticket is older than it is: each day more costs its engineer a bucket."""
    fields = TICKET_FIELDS | {"received_at": SUN_2359}
    with pytest.raises(FieldErrors) as refused:
        tickets.new_ticket(store, crew.rep, fields, now=TUE_08)
    assert refused.value.errors == {"received_at": FAR_BACK}
    assert store.scalar("SELECT count(*) FROM tickets") == 0
    assert tickets.new_ticket(store, crew.lead, fields, now=TUE_08).received_at == f"{SUN_2359}:00"
    yesterday = TICKET_FIELDS | {"received_at": MON_0000}
    assert tickets.new_ticket(store, crew.rep, yesterday, now=TUE_08).received_at == (
        f"{MON_0000}:00"
    )


@pytest.mark.parametrize(
    ("who", "now", "refusal"),
    [
        ("lead", datetime(2026, 10, 2, 8, 0), CLOSED),
        ("admin", datetime(2026, 10, 2, 8, 0), CLOSED_FOR_ADMIN),
        ("rep", datetime(2026, 10, 1, 8, 0), CLOSED),  # yesterday: a rep's to type
    ],
)
def test_a_ticket_received_in_a_closed_month_is_refused(store, crew, who, now, refusal):
    """A new ticket is a step too: received in September once September is paid, it would
    count in the figures paid on (its rep's intake, its engineer's timeliness)."""
    close_month(store, crew.lead, "GZ", Period.parse("2026-09"), default_scheme(), now)
    actor = getattr(crew, who)
    late = TICKET_FIELDS | {"received_at": "2026-09-30 17:00"}
    with pytest.raises(FieldErrors) as refused:
        tickets.new_ticket(store, actor, late, now=now)
    assert refused.value.errors == {"received_at": refusal}
    assert store.scalar("SELECT count(*) FROM tickets") == 0
    assert store.scalar("SELECT count(*) FROM actions") == 0
    october = TICKET_FIELDS | {"received_at": "2026-10-01 00:00"}
    assert tickets.new_ticket(store, actor, october, now=now).received_at == "2026-10-01 00:00:00"


@async_test
async def test_the_new_ticket_form_says_a_time_received_before_yesterday_is_the_leads(store, crew):
    app = app_for(store, "wangfang")  # the app's clock: 2026-10-15 09:30
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "n")
        await type_text(pilot, "黄蓉")
        await press(pilot, "tab")
        await type_text(pilot, "02088886666")
        await press(pilot, "tab")
        await type_text(pilot, "中山路 8 号")
        await press(pilot, "tab", "tab", "enter", "down", "enter", "tab", "tab")
        received = app.screen.query_one("#field-received_at", Input)
        assert app.focused is received
        received.value = ""
        await type_text(pilot, "2026-10-13 18:00")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, NewTicketForm)
        assert text_of(app, "#error-received_at") == FAR_BACK
        assert received.value == "2026-10-13 18:00"
    assert store.scalar("SELECT count(*) FROM tickets") == 0


@async_test
async def test_the_completion_form_takes_the_time_it_happened(store, crew):
    ticket = dispatched(store, crew)
    app = app_for(store, "wangfang")  # the app's clock: 2026-10-15 09:30
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select_ticket(pilot, ticket.code)
        await press(pilot, "c")
        assert isinstance(app.screen, CompleteForm)
        await type_text(pilot, "换电源板")  # the focus starts on the resolution, the time below
        await press(pilot, "tab")
        await type_text(pilot, "2026-10-16 08:00")
        await press(pilot, "ctrl+s")
        assert text_of(app, "#error-completed_at") == "The time cannot be in the future."
        app.focused.value = ""
        await type_text(pilot, "2026-10-12 17:30")  # three days back, typed by a rep
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, CompleteForm)
        assert text_of(app, "#error-completed_at") == FAR_BACK
        assert app.focused.value == "2026-10-12 17:30"  # what was typed stays
        assert store.scalar("SELECT status FROM tickets") == "dispatched"
        app.focused.value = ""
        await type_text(pilot, "2026-10-14 17:30")  # yesterday evening
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, QueueScreen)
        app.screen.query_one("#status-filter").value = "all"
        await settle(pilot)
        await select_ticket(pilot, ticket.code)
        await press(pilot, "enter")
        assert isinstance(app.screen, TicketDetailScreen)
        rows = table_rows(app, "#history")
        assert [
            "2026-10-15 09:30:00",
            "王芳",
            "complete",
            "completed at",
            "—",
            "2026-10-14 17:30:00",
        ] in rows
    assert store.scalar("SELECT completed_at FROM tickets") == "2026-10-14 17:30:00"


@async_test
async def test_a_completion_typed_time_first_is_refused_not_dated_now(store, crew):
    """The fields are filled in the order they are read: typed as "the time, Tab, the
    resolution", the time lands in the resolution and the resolution in the time, which
    refuses it beside itself; nothing is saved, and both stay as typed."""
    ticket = dispatched(store, crew)
    app = app_for(store, "wangfang")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select_ticket(pilot, ticket.code)
        await press(pilot, "c")
        await type_text(pilot, "2026-10-14 17:30")
        await press(pilot, "tab")
        await type_text(pilot, "换电源板")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, CompleteForm)
        assert text_of(app, "#error-completed_at")
        assert app.screen.query_one("#field-completed_at", Input).value == "换电源板"
        assert app.screen.query_one("#field-resolution", Input).value == "2026-10-14 17:30"
    assert store.scalar("SELECT status FROM tickets") == "dispatched"


LAST_NIGHT = datetime(2026, 10, 14, 22, 0)  # the call, the evening before the app's clock


def test_a_dispatch_phoned_in_next_morning_keeps_its_time_and_the_visit_follows_it(store, crew):
    """The tester's night call: dispatched at 22:05 but recorded at 08:00, the visit of 23:00
    comes after it and the ticket is a day-1 one. The engineer held it from 22:05 (the
    first dispatch the response time counts), and the rep's workload action is the
    morning's, when the dispatch was recorded, as a late completion's is."""
    fields = TICKET_FIELDS | {"received_at": f"{LAST_NIGHT:%Y-%m-%d %H:%M}"}
    ticket = tickets.new_ticket(store, crew.rep, fields, now=LAST_NIGHT)
    morning = datetime(2026, 10, 15, 8, 0)
    ticket = tickets.dispatch(
        store, crew.rep, ticket.code, ticket.version, "E1", now=morning, at="2026-10-14 22:05"
    )
    assert ticket.dispatched_at == "2026-10-14 22:05:00"
    ticket = tickets.record_visit(
        store, crew.eng, ticket.code, ticket.version, now=morning, at="2026-10-14 23:00"
    )
    ticket = tickets.complete(
        store, crew.eng, ticket.code, ticket.version, "修好", now=morning, at="2026-10-14 23:30"
    )
    october = judge(Period.parse("2026-10"), morning)
    facts = timeliness_facts(store, crew.eng, "E1", october, default_scheme())
    assert [(t.code, t.day) for b in facts.buckets for t in b.tickets] == [(ticket.code, 1)]
    timeline = store.query(
        "SELECT since, engineer FROM ticket_timeline WHERE ticket = ? ORDER BY id", (ticket.code,)
    )
    assert [tuple(row) for row in timeline] == [
        ("2026-10-14 22:00:00", None),
        ("2026-10-14 22:05:00", "E1"),
    ]
    assert store.scalar(
        "SELECT at FROM actions WHERE action = 'dispatch' AND ticket = ?", (ticket.code,)
    ) == ("2026-10-15 08:00:00")
    assert ("dispatch", "dispatched_at", "2026-10-14 22:05:00", "R1") in [
        (step, field, new, by) for step, field, _old, new, by, _v in history(store, ticket.code)
    ]


@pytest.mark.parametrize(
    ("entered", "said"),
    [
        ("2026-10-13 08:01", "The time cannot be in the future."),
        ("2026-10-12 08:59", "Not before 2026-10-12 09:00:00, when it was received."),
        ("2026-10-12 24:00", "Enter the time as HH:MM (today) or YYYY-MM-DD HH:MM."),
    ],
)
def test_a_dispatch_time_is_refused_as_a_visits_is(store, crew, entered, said):
    fields = TICKET_FIELDS | {"received_at": f"{MON_09:%Y-%m-%d %H:%M}"}
    ticket = tickets.new_ticket(store, crew.rep, fields, now=MON_09)
    with pytest.raises(FieldErrors) as refused:
        tickets.dispatch(store, crew.rep, ticket.code, ticket.version, "E1", TUE_08, entered)
    assert refused.value.errors == {"dispatched_at": said}
    assert store.scalar("SELECT status FROM tickets") == "received"


def test_a_redispatch_comes_after_the_last_step_and_says_every_problem_at_once(store, crew):
    ticket = dispatched(store, crew)  # to E1 at MON_10
    ticket = tickets.record_visit(
        store, crew.eng, ticket.code, ticket.version, now=TUE_08, at="2026-10-12 15:00"
    )
    with pytest.raises(FieldErrors) as refused:
        tickets.dispatch(
            store, crew.rep, ticket.code, ticket.version, "E3", TUE_08, "2026-10-12 14:00"
        )
    assert refused.value.errors == {
        "engineer": "孙涛 does not work here now.",
        "dispatched_at": "Not before 2026-10-12 15:00:00, when the engineer visited.",
    }
    moved = tickets.dispatch(
        store, crew.rep, ticket.code, ticket.version, "E2", TUE_08, "2026-10-12 16:00"
    )
    assert (moved.engineer, moved.dispatched_at) == ("E2", "2026-10-12 16:00:00")


@pytest.mark.parametrize(("who", "saved"), [("rep", False), ("lead", True)])
def test_a_dispatch_before_yesterday_is_the_leads(store, crew, who, saved):
    fields = TICKET_FIELDS | {"received_at": "2026-10-11 09:00"}
    ticket = tickets.new_ticket(store, crew.lead, fields, now=TUE_08)

    def send():
        return tickets.dispatch(
            store, getattr(crew, who), ticket.code, ticket.version, "E1", TUE_08, SUN_2359
        )

    if saved:
        assert send().dispatched_at == f"{SUN_2359}:00"
    else:
        with pytest.raises(FieldErrors) as refused:
            send()
        assert refused.value.errors == {"dispatched_at": FAR_BACK}


@async_test
async def test_the_night_call_is_dispatched_and_visited_at_its_time(store, crew):
    """The tester's scenario in the TUI: the picker takes the dispatch's time under its list
    (refused before the call, as a visit's is), and the engineer's visit of 23:00 last night
    then saves; the picker, opened again, starts on the list with its time empty."""
    fields = TICKET_FIELDS | {"received_at": f"{LAST_NIGHT:%Y-%m-%d %H:%M}"}
    code = tickets.new_ticket(store, crew.rep, fields, now=LAST_NIGHT).code
    app = app_for(store, "wangfang")  # the app's clock: 2026-10-15 09:30
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select_ticket(pilot, code)
        await press(pilot, "d")
        picker = app.screen
        assert isinstance(picker, DispatchScreen)
        assert table_rows(app, "#engineers")[0][0] == "李强"  # the cursor's row
        await press(pilot, "tab")
        when = picker.query_one("#field-dispatched_at", Input)
        assert app.focused is when
        await type_text(pilot, "2026-10-14 21:00")
        await press(pilot, "enter")
        assert app.screen is picker
        assert text_of(app, "#error-dispatched_at") == (
            "Not before 2026-10-14 22:00:00, when it was received."
        )
        when.value = ""
        await type_text(pilot, "2026-10-14 22:05")
        await press(pilot, "enter")
        assert isinstance(app.screen, QueueScreen)
        assert store.scalar("SELECT dispatched_at FROM tickets") == "2026-10-14 22:05:00"
        await select_ticket(pilot, code)
        await press(pilot, "d")  # a re-dispatch: the kept picker, as if new
        assert app.screen is picker and when.value == ""
        assert not text_of(app, "#error-dispatched_at")
        assert app.focused is picker.query_one("#engineers")
        await press(pilot, "escape")

    app = app_for(store, "liqiang")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "f2")  # from his own figures to his tickets
        await select_ticket(pilot, code)
        await press(pilot, "v")
        assert isinstance(app.screen, VisitForm)
        await type_text(pilot, "2026-10-14 23:00")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, QueueScreen)
    assert store.scalar("SELECT visited_at FROM tickets") == "2026-10-14 23:00:00"
