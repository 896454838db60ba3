"""Cancel and reopen cannot dodge the −150 without the lead (stop note, design question b).

A ticket open more than 30 days counts −150 at each month's end for its
engineer and its rep (kpi-rules §1, O), and a cancel takes effect at its time.
Cancelled on the last evening and reopened the next morning, it counted
nowhere that month. A rep now cancels a ticket only within its open limit,
and reopens a cancelled one only within the period it was cancelled in;
beyond either, the lead does it.

A cancelled ticket counts nowhere, its first completion included: a late
completion reopened and cancelled by a rep left the timeliness of the rep
and the engineer unreviewed. A ticket once completed is the lead's to cancel.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from ticket_helpers import TICKET_FIELDS, history, seed_staff
from tui_helpers import (
    SIZE,
    app_for,
    async_test,
    notices,
    press,
    screen_text,
    select_ticket,
    settle,
    type_text,
)

from fieldkpi.access import AccessDenied
from fieldkpi.period import Period, judge
from fieldkpi.scheme import default_for_every_branch, default_scheme, load_preset
from fieldkpi.tickets import StepRefused
from screens.queue import QueueScreen
from screens.ticket_detail import TicketDetailScreen
from storage import appraisal, tickets
from storage.drilldown import timeliness_facts

OCT_31_EVENING = datetime(2026, 10, 31, 18, 0)
NOV_01_MORNING = datetime(2026, 11, 1, 9, 0)
STALE = "Open more than 30 days: the lead cancels it."
EARLIER = "Cancelled before this period: the lead reopens it."
COMPLETED = "Completed before: the lead cancels a ticket once it is completed."


@pytest.fixture
def crew(store):
    return seed_staff(store)


def taken(store, crew, received: datetime) -> tickets.Ticket:
    """A ticket 王芳 (R1) took in at ``received`` and dispatched to 李强 (E1) then."""
    ticket = tickets.new_ticket(store, crew.rep, TICKET_FIELDS, now=received)
    return tickets.dispatch(store, crew.rep, ticket.code, ticket.version, "E1", now=received)


def completed_by_the_rep(store, crew) -> tickets.Ticket:
    """Taken in Oct 10 and completed by 王芳 herself Oct 14, the day before the app's clock."""
    ticket = taken(store, crew, datetime(2026, 10, 10, 9))
    return tickets.complete(
        store, crew.rep, ticket.code, ticket.version, "换电源板", now=datetime(2026, 10, 14, 9)
    )


async def on_the_list_of_all(pilot, code: str) -> None:
    """The session started, its queue showing every status, the cursor on ``code``."""
    await settle(pilot)
    pilot.app.screen.query_one("#status-filter").value = "all"
    await settle(pilot)
    await select_ticket(pilot, code)


def cancel(store, who, ticket, now):
    return tickets.cancel(
        store,
        who,
        ticket.code,
        ticket.version,
        "客户不修了",
        now,
        scheme_for=default_for_every_branch,
    )


def reopen(store, who, ticket, now, scheme_for=default_for_every_branch):
    return tickets.reopen(
        store, who, ticket.code, ticket.version, "客户又来电", now, scheme_for=scheme_for
    )


def october_timeliness(store, crew, staff="R1"):
    october = judge(Period.parse("2026-10"), NOV_01_MORNING)
    facts = timeliness_facts(store, crew.lead, staff, october, default_scheme())
    return facts.orders, facts.timeliness


def completed_late_and_reopened(store, crew) -> tickets.Ticket:
    """Received Oct 2, completed on day 20 (−15 for 王芳 and 李强), reopened Oct 25."""
    ticket = taken(store, crew, datetime(2026, 10, 2, 9))
    ticket = tickets.complete(
        store, crew.rep, ticket.code, ticket.version, "换电源板", now=datetime(2026, 10, 21, 9)
    )
    return reopen(store, crew.rep, ticket, datetime(2026, 10, 25, 9))


def test_a_rep_cannot_cancel_a_stale_ticket_on_the_last_evening(store, crew):
    ticket = taken(store, crew, datetime(2026, 9, 20, 9))  # day 42 on Oct 31: open past 30 days
    before = history(store, ticket.code)
    with pytest.raises(AccessDenied, match=STALE):
        cancel(store, crew.rep, ticket, OCT_31_EVENING)
    assert history(store, ticket.code) == before
    # October judged at its end: N = 1, O = 1 → (−150·1) / 1 = −150 for 王芳.
    assert october_timeliness(store, crew) == (1, -150)
    # The lead cancels it (the customer did withdraw): it counts nowhere in October.
    cancel(store, crew.lead, ticket, OCT_31_EVENING)
    assert october_timeliness(store, crew) == (0, 0)


@pytest.mark.parametrize(
    ("received", "allowed"), [(datetime(2026, 10, 1, 9), True), (datetime(2026, 9, 30, 23), False)]
)
def test_the_open_limit_is_counted_in_days_as_o_counts_them(store, crew, received, allowed):
    """On Oct 31: received Oct 1 is 30 days (not past the limit), Sep 30 is 31 days."""
    ticket = taken(store, crew, received)
    if allowed:
        assert cancel(store, crew.rep, ticket, OCT_31_EVENING).status == "cancelled"
    else:
        with pytest.raises(AccessDenied, match=STALE):
            cancel(store, crew.rep, ticket, OCT_31_EVENING)


def test_a_ticket_cancelled_last_month_is_the_leads_to_reopen(store, crew):
    ticket = taken(store, crew, datetime(2026, 10, 2, 9))
    ticket = cancel(store, crew.rep, ticket, datetime(2026, 10, 29, 9))  # day 28: within
    with pytest.raises(AccessDenied, match=EARLIER):
        reopen(store, crew.rep, ticket, NOV_01_MORNING)
    assert tickets.get_ticket(store, crew.rep, ticket.code).status == "cancelled"
    assert reopen(store, crew.lead, ticket, NOV_01_MORNING).status == "dispatched"
    # Cancelled and reopened within November: the rep's to do.
    ticket = cancel(
        store, crew.rep, tickets.get_ticket(store, crew.rep, ticket.code), NOV_01_MORNING
    )
    later = datetime(2026, 11, 1, 10)
    assert reopen(store, crew.rep2, ticket, later).status == "dispatched"


def test_a_quarterly_branch_lets_a_rep_reopen_within_the_quarter(store, crew):
    quarterly = load_preset("quarterly-bands")
    ticket = taken(store, crew, datetime(2026, 10, 2, 9))
    ticket = cancel(store, crew.rep, ticket, datetime(2026, 10, 29, 9))
    assert (
        reopen(store, crew.rep, ticket, NOV_01_MORNING, lambda _b: quarterly).status == "dispatched"
    )


def test_a_rep_cannot_cancel_a_late_completion_away(store, crew):
    ticket = completed_late_and_reopened(store, crew)
    before = history(store, ticket.code)
    late = {"R1": (1, -15), "E1": (1, -15)}
    assert {who: october_timeliness(store, crew, who) for who in late} == late
    with pytest.raises(AccessDenied, match=COMPLETED):
        cancel(store, crew.rep, ticket, datetime(2026, 10, 25, 10))
    assert history(store, ticket.code) == before
    assert tickets.get_ticket(store, crew.rep, ticket.code).status == "dispatched"
    assert {who: october_timeliness(store, crew, who) for who in late} == late
    # The lead cancels it (the customer did withdraw): as any cancel, it counts nowhere.
    cancelled = cancel(store, crew.lead, ticket, datetime(2026, 10, 25, 10))
    assert cancelled.status == "cancelled"
    assert {who: october_timeliness(store, crew, who) for who in late} == {
        "R1": (0, 0),
        "E1": (0, 0),
    }


def test_a_rep_still_cancels_a_ticket_never_completed(store, crew):
    ticket = taken(store, crew, datetime(2026, 10, 20, 9))
    ticket = tickets.record_visit(
        store, crew.eng, ticket.code, ticket.version, now=datetime(2026, 10, 21, 9)
    )
    assert cancel(store, crew.rep, ticket, datetime(2026, 10, 22, 9)).status == "cancelled"


@async_test
async def test_the_cancel_key_of_a_reopened_completion_says_it_is_the_leads(store, crew):
    """The tester's steps: on the ticket screen, reopen a completed ticket, then cancel it."""
    ticket = completed_by_the_rep(store, crew)
    app = app_for(store, "wangfang")  # the app's clock: Oct 15
    async with app.run_test(size=SIZE) as pilot:
        await on_the_list_of_all(pilot, ticket.code)
        await press(pilot, "enter")
        assert isinstance(app.screen, TicketDetailScreen)
        await press(pilot, "r")
        await type_text(pilot, "客户又来电")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, TicketDetailScreen)
        assert "x Cancel" not in screen_text(app).splitlines()[-1]
        await press(pilot, "x")
        assert isinstance(app.screen, TicketDetailScreen)  # no form to type a reason into
        assert notices(app)[-1] == COMPLETED
        await press(pilot, "escape")
        await select_ticket(pilot, ticket.code)
        assert isinstance(app.screen, QueueScreen)
        assert "x Cancel" not in screen_text(app).splitlines()[-1]
    row = tickets.get_ticket(store, crew.lead, ticket.code)
    assert (row.status, row.cancelled, row.completed_at) == ("dispatched", 0, None)


@async_test
async def test_the_cancel_key_of_a_stale_ticket_says_it_is_the_leads(store, crew):
    stale = taken(store, crew, datetime(2026, 9, 5, 10))  # the app's clock: Oct 15, day 41
    fresh = taken(store, crew, datetime(2026, 10, 14, 10))
    app = app_for(store, "wangfang")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select_ticket(pilot, fresh.code)
        assert "x Cancel" in screen_text(app).splitlines()[-1]
        await select_ticket(pilot, stale.code)
        assert "x Cancel" not in screen_text(app).splitlines()[-1]
        await press(pilot, "x")
        assert isinstance(app.screen, QueueScreen)  # no form to type a reason into in vain
        assert notices(app)[-1] == STALE
    assert tickets.get_ticket(store, crew.rep, stale.code).status == "dispatched"


@async_test
async def test_the_reopen_key_of_a_ticket_cancelled_last_month_says_it_is_the_leads(store, crew):
    last_month = cancel(
        store, crew.rep, taken(store, crew, datetime(2026, 9, 28, 9)), datetime(2026, 9, 30, 9)
    )
    this_month = cancel(
        store, crew.rep, taken(store, crew, datetime(2026, 10, 9, 9)), datetime(2026, 10, 10, 9)
    )
    app = app_for(store, "wangfang")  # the app's clock: Oct 15
    async with app.run_test(size=SIZE) as pilot:
        await on_the_list_of_all(pilot, this_month.code)
        assert "r Reopen" in screen_text(app).splitlines()[-1]
        await select_ticket(pilot, last_month.code)
        assert "r Reopen" not in screen_text(app).splitlines()[-1]
        await press(pilot, "r")
        assert isinstance(app.screen, QueueScreen)
        assert notices(app)[-1] == EARLIER
    assert tickets.get_ticket(store, crew.rep, last_month.code).status == "cancelled"


# A low rating a rep records waits for the lead (test_trust_ratings); reopened meanwhile, the
# ticket's rating can no longer be approved (the work rated is being redone), only rejected.
HELD = (
    "A low rating of this ticket waits for the lead's review:"
    " the lead decides it first, or reopens the ticket."
)


def rated_low(store, crew) -> tickets.Ticket:
    """Completed by 李强 for 王芳, called back by 陈静 (R2) at 2: held for the lead."""
    ticket = taken(store, crew, datetime(2026, 10, 10, 9))
    ticket = tickets.complete(
        store, crew.eng, ticket.code, ticket.version, "换电源板", now=datetime(2026, 10, 14, 9)
    )
    return tickets.record_callback(
        store, crew.rep2, ticket.code, ticket.version, 2, "不满意",
        now=datetime(2026, 10, 14, 12), scheme_for=default_for_every_branch,
    ).ticket  # fmt: skip


def held_state(store, code: str) -> str:
    return store.scalar(
        "SELECT x.state FROM held_ratings h JOIN appraisal_states x"
        " ON x.subject = 'rating' AND x.subject_id = h.id WHERE h.ticket = ?",
        (code,),
    )


def test_a_rep_cannot_reopen_away_a_low_rating_waiting_for_the_lead(store, crew):
    """The tester's steps: 王芳 reopens the ticket 陈静 rated 2, and the lead could then only
    reject the rating. The lead decides it first, or reopens the ticket themselves."""
    ticket = rated_low(store, crew)
    before = history(store, ticket.code)
    for rep in (crew.rep, crew.rep2):
        with pytest.raises(AccessDenied, match=HELD):
            reopen(store, rep, ticket, datetime(2026, 10, 15, 9))
    assert history(store, ticket.code) == before
    assert tickets.get_ticket(store, crew.lead, ticket.code).status == "completed"
    assert held_state(store, ticket.code) == "pending"
    # The lead may: they see the rating waiting, and reject it once the work is redone.
    assert reopen(store, crew.lead, ticket, datetime(2026, 10, 15, 9)).status == "dispatched"


def test_a_rep_reopens_once_the_lead_has_rejected_the_rating(store, crew):
    ticket = rated_low(store, crew)
    held = store.scalar("SELECT id FROM held_ratings WHERE ticket = ?", (ticket.code,))
    appraisal.review(
        store, crew.lead, "rating", held, "reject", "客户打错分", now=datetime(2026, 10, 15, 9)
    )
    ticket = tickets.get_ticket(store, crew.rep, ticket.code)
    assert reopen(store, crew.rep, ticket, datetime(2026, 10, 15, 10)).status == "dispatched"


@async_test
async def test_the_reopen_key_of_a_ticket_whose_rating_waits_says_why(store, crew):
    ticket = rated_low(store, crew)
    app = app_for(store, "wangfang")  # the app's clock: Oct 15
    async with app.run_test(size=SIZE) as pilot:
        await on_the_list_of_all(pilot, ticket.code)
        assert "r Reopen" not in screen_text(app).splitlines()[-1]
        await press(pilot, "r")
        assert isinstance(app.screen, QueueScreen)  # no form to type a reason into in vain
        assert notices(app)[-1] == HELD
    assert held_state(store, ticket.code) == "pending"


def test_a_rep_is_told_at_once_that_the_lead_cancels_a_completed_ticket(store, crew):
    """Before, `x` on a completed ticket said "reopen it first", and reopened, the rep was
    told it is the lead's to cancel: a reopen for nothing."""
    ticket = completed_by_the_rep(store, crew)
    with pytest.raises(AccessDenied, match=COMPLETED):
        cancel(store, crew.rep, ticket, datetime(2026, 10, 15, 9))
    # The lead reopens it first, as the ticket's status says, and then cancels it.
    with pytest.raises(StepRefused, match="reopen it first"):
        cancel(store, crew.lead, ticket, datetime(2026, 10, 15, 9))


@async_test
async def test_the_cancel_key_of_a_completed_ticket_says_it_is_the_leads(store, crew):
    ticket = completed_by_the_rep(store, crew)
    app = app_for(store, "wangfang")  # the app's clock: Oct 15
    async with app.run_test(size=SIZE) as pilot:
        await on_the_list_of_all(pilot, ticket.code)
        await press(pilot, "x")
        assert isinstance(app.screen, QueueScreen)
        assert notices(app)[-1] == COMPLETED
