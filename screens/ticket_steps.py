"""The steps a screen offers for the ticket it has selected (the queue's row, the open ticket).

One place decides whether a step's key is on: the ticket's status must allow
it (``fieldkpi.tickets``) and the person must be allowed (``fieldkpi.access``).
``allows_now`` hides a key that is off, so the footer shows only what can be
done now; pressing a hidden key anyway tells the person why it is off.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual import events
from textual.actions import parse

from fieldkpi import access
from fieldkpi.access import AccessDenied
from fieldkpi.i18n import _, ngettext
from fieldkpi.tickets import OPEN_STATUSES, StepRefused, next_status, status_label
from screens import actions, keygate
from screens.dispatch import DispatchScreen
from screens.form import SavingModal
from screens.step_forms import (
    NO_ADJUSTMENTS,
    NO_PROBLEM_TABLE,
    AwaitPartsForm,
    CallbackForm,
    CancelForm,
    CompleteForm,
    DeductionForm,
    ProblemForm,
    Recorded,
    ReopenForm,
    VisitForm,
    recordable,
)
from storage.tickets import RATING_HELD, Callback, Ticket

STEP_FORMS = {
    "dispatch": DispatchScreen,
    "visit": VisitForm,
    "await_parts": AwaitPartsForm,
    "complete": CompleteForm,
    "cancel": CancelForm,
    "reopen": ReopenForm,
    "callback": CallbackForm,
}
TICKET_ACTIONS = ("step", "report_problem", "deduction")


@dataclass(frozen=True)
class Selected:
    """What a screen knows of its selected ticket: enough for ``fieldkpi.access`` and the forms.

    ``ticket`` is the loaded ticket when the screen has it (its version is the
    one the person saw); from a queue row the form loads it when it opens.
    """

    code: str
    branch: str
    engineer: str | None
    has_engineer: bool
    status: str
    rep: str | None
    received_at: str
    cancelled_at: str | None
    first_completed_at: str | None
    ticket: Ticket | None = None
    rating_held: bool = False  # a rep's low rating of it waits for the lead: no callback now


def selected_from_ticket(ticket: Ticket) -> Selected:
    return Selected(
        ticket.code,
        ticket.branch,
        ticket.engineer,
        bool(ticket.engineer),
        ticket.status,
        ticket.rep,
        ticket.received_at,
        ticket.cancelled_at,
        ticket.first_completed_at,
        ticket,
        bool(ticket.rating_held),
    )


class TicketSteps(actions.ScopedKeys):
    """The keys of screens with a selected ticket; they provide ``selected`` and
    ``refresh_data``."""

    def selected(self) -> Selected | None:
        raise NotImplementedError

    def refresh_data(self) -> None:
        raise NotImplementedError

    def offers(self, action: str, step: str | None = None) -> bool:
        """Whether the person's role ever takes ``action`` (``step``) on a ticket: what F1
        help lists (:func:`screens.actions.offered`). A rep cancels a ticket within its
        open limit and never completed, and the lead any: both are offered the key, on
        when :meth:`refusal` has nothing to say."""
        user = self.app.user
        if action == "step":
            return access.may(user, step)
        if action == "report_problem":
            return access.may(user, action)
        if action == "deduction":
            return access.may_record_deductions(user)
        return True

    def refusal(self, action: str, step: str | None = None) -> str | None:
        """Why ``action`` cannot be done now, or ``None`` when it can.

        What the branch's scheme decides (problem reports, the kinds of event, a
        ticket past its open limit) is asked of the scheme the app last read (in
        a worker), never of the loader, as this runs on every key; until it has
        one, the key is on and the step, which reads the scheme itself, says why
        when it is not.
        """
        user = self.app.user
        chosen = self.selected()
        scheme = self.app.own_scheme
        if chosen is None and action != "deduction":
            return _("Select a ticket first.")
        try:
            if action == "deduction":
                access.check_may_record_deductions(user)
                return None if scheme is None or recordable(scheme, user) else _(NO_ADJUSTMENTS)
            if step == "callback" and chosen.rating_held:
                return _(RATING_HELD)
            lifecycle = scheme is not None and chosen.branch == user.branch
            if step == "cancel" and lifecycle:  # before the status, as storage asks it
                access.check_lifecycle(user, step, chosen, self.app.now().date(), scheme)
            if action == "step":
                called_back = chosen.ticket is not None and chosen.ticket.callback_at is not None
                next_status(
                    chosen.status, step, has_engineer=chosen.has_engineer, called_back=called_back
                )
            access.check_step(user, step or action, chosen)
            if step == "reopen" and lifecycle:
                access.check_lifecycle(user, step, chosen, self.app.now().date(), scheme)
        except (StepRefused, AccessDenied) as exc:
            return str(exc)
        if action == "report_problem" and not chosen.has_engineer:
            return _("This ticket has no engineer to report.")
        if action == "report_problem" and scheme is not None and not scheme.problems:
            return _(NO_PROBLEM_TABLE)
        return None

    def keys_on(self) -> tuple[bool, ...]:
        """Which of the screen's ticket keys are on for the selected ticket: the footer's."""
        scope = actions.for_scope(self.ACTION_SCOPE)
        runs = [parse(a.run) for a in scope if a.scopes == actions.TICKET_SCREENS]
        return tuple(self.refusal(name, *params) is None for _ns, name, params in runs)

    def allows_now(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in TICKET_ACTIONS:
            return self.refusal(action, *parameters) is None
        return True

    def on_key(self, event: events.Key) -> None:
        """A key whose step is off says why instead of doing nothing; what was typed on
        behind it, meant for the form it would have opened, is not run as keys here."""
        bound = actions.step_for_key(self.ACTION_SCOPE, event.key, self.app.keymap)
        if bound is None:
            return
        _namespace, name, params = parse(bound.run)
        reason = self.refusal(name, *params)
        if reason:
            keygate.refuse_key(self, event, reason, _(bound.label))

    def action_step(self, step: str) -> None:
        chosen = self.selected()
        if chosen is not None:
            form = self.step_form(step, chosen.ticket or chosen.code)
            self.app.push_screen(form, callback=self._after_step)

    def step_form(self, step: str, ticket: Ticket | str) -> SavingModal:
        """The form of a step about ``ticket`` (a screen may keep some for reuse)."""
        return STEP_FORMS[step](ticket)

    def action_report_problem(self) -> None:
        chosen = self.selected()
        if chosen is not None:
            self.app.push_screen(ProblemForm(chosen.code), callback=self._after_step)

    def action_deduction(self) -> None:
        chosen = self.selected()
        form = DeductionForm(chosen.code if chosen else None)
        self.app.push_screen(form, callback=self._after_step)

    def _after_step(self, result: Any) -> None:
        if result is None:
            return
        self.notify(done_message(result))
        self.refresh_data()


def done_message(result: Any) -> str:
    """What a form's storage call did, in one line: of a ticket still being worked, who has it
    (a re-dispatch keeps a visited ticket visited, and named nobody)."""
    if isinstance(result, Callback):
        if result.held:
            return _(
                "{code}: rating {rating} waits for the lead's review; it counts once approved."
            ).format(code=result.ticket.code, rating=result.rating)
        result = result.ticket
    if isinstance(result, Ticket):
        text = _("{code} is {status}").format(code=result.code, status=status_label(result.status))
        if result.engineer_name and result.status in OPEN_STATUSES:
            text += " · " + result.engineer_name
        return text
    if isinstance(result, Recorded):
        return result.notice
    if isinstance(result, dict):
        return ngettext("{n} ticket moved", "{n} tickets moved", len(result)).format(n=len(result))
    return _("Recorded")
