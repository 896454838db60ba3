"""Someone who has left saves nothing more, whatever session they still have open.

A tester's steps: the admin set 麦斌's leaving day (F5, ``x``) to the day before;
麦斌, still signed in since the morning, completed a ticket and it was saved.
A new sign-in was refused (left before today), but the open session went on
writing in the name of someone who no longer works there. Every write of a
person now reads their leaving day in its own transaction and refuses it once
that day is past (:meth:`storage.db.Store.write_as`), as signing in does.

The crew of ticket_helpers on 2026-10-15 (``NOW``).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from ticket_helpers import NOW, TICKET_FIELDS, history, seed_staff
from tui_helpers import SIZE, app_for, async_test, press, select_ticket, settle, text_of, type_text

from fieldkpi.access import AccessDenied
from fieldkpi.period import Period
from fieldkpi.scheme import default_scheme
from screens.step_forms import CompleteForm
from storage import appraisal, staff, tickets
from storage.closing import close_month

LEFT = "You left on 2026-10-14: nothing more is saved in your name."
SCHEME = default_scheme()


@pytest.fixture
def crew(store):
    return seed_staff(store)


def dispatched(store, crew) -> tickets.Ticket:
    ticket = tickets.new_ticket(store, crew.rep, TICKET_FIELDS, now=NOW)
    return tickets.dispatch(store, crew.rep, ticket.code, ticket.version, "E1", now=NOW)


def leaves(store, crew, who, day: str) -> None:
    """The admin records ``who``'s leaving day, as F5's ``x`` does."""
    staff.set_left_on(store, crew.admin, who.code, day, was=None, now=NOW)


def test_a_rep_who_left_yesterday_saves_nothing_in_the_session_still_open(store, crew):
    ticket = dispatched(store, crew)
    before = history(store, ticket.code)
    leaves(store, crew, crew.rep, "2026-10-14")
    # crew.rep is the Person read at sign-in, without the leaving day: storage reads it anew.
    assert crew.rep.left_on is None
    with pytest.raises(AccessDenied, match=re.escape(LEFT)):
        tickets.complete(store, crew.rep, ticket.code, ticket.version, "换电源板", now=NOW)
    with pytest.raises(AccessDenied, match=re.escape(LEFT)):
        tickets.new_ticket(store, crew.rep, TICKET_FIELDS, now=NOW)
    with pytest.raises(AccessDenied, match=re.escape(LEFT)):
        appraisal.record_deduction(
            store, crew.rep, "E1", "violation", None, "违规", SCHEME, now=NOW
        )
    assert history(store, ticket.code) == before
    assert store.scalar("SELECT count(*) FROM tickets") == 1
    assert store.scalar("SELECT count(*) FROM deductions") == 0


def test_on_the_leaving_day_itself_a_person_still_works(store, crew):
    """Signing in is refused from the day after the leaving day; saving too."""
    ticket = dispatched(store, crew)
    leaves(store, crew, crew.rep, "2026-10-15")
    done = tickets.complete(store, crew.rep, ticket.code, ticket.version, "换电源板", now=NOW)
    assert done.status == "completed"


def test_a_lead_who_left_neither_decides_nor_closes(store, crew):
    event = appraisal.record_deduction(
        store, crew.rep, "E1", "violation", None, "违规", SCHEME, now=NOW
    ).id
    leaves(store, crew, crew.lead, "2026-10-14")
    with pytest.raises(AccessDenied, match=re.escape(LEFT)):
        appraisal.review(store, crew.lead, "deduction", event, "approve", now=NOW)
    with pytest.raises(AccessDenied, match=re.escape(LEFT)):
        close_month(store, crew.lead, "GZ", Period(2026, 9), SCHEME, NOW)
    assert store.scalar("SELECT count(*) FROM appraisal_reviews") == 0


def test_every_write_of_a_person_goes_through_the_one_check():
    """A write opened with the bare ``store.write()`` checks nobody: it is for what no
    person does (migrations, the import, the sample). Every other storage module writes
    for a person, through ``write_as``."""
    unchecked = {"db.py", "importer.py", "sample_db.py"}
    storage = Path(__file__).parent.parent / "storage"
    bare = sorted(
        path.name
        for path in storage.glob("*.py")
        if path.name not in unchecked and ".write()" in path.read_text(encoding="utf-8")
    )
    assert bare == []


@async_test
async def test_the_completion_form_says_the_rep_has_left(store, crew):
    """The tester's steps: signed in before the admin set the leaving day, then completing."""
    ticket = dispatched(store, crew)
    app = app_for(store, "wangfang")  # the app's clock: 2026-10-15 09:30
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        leaves(store, crew, crew.rep, "2026-10-14")
        await select_ticket(pilot, ticket.code)
        await press(pilot, "c")
        assert isinstance(app.screen, CompleteForm)
        await type_text(pilot, "换电源板")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, CompleteForm)  # not saved: the form stays, and says why
        assert text_of(app, "#form-message") == LEFT
    assert store.scalar("SELECT status FROM tickets WHERE code = ?", (ticket.code,)) == "dispatched"
