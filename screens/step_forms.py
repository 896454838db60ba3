"""The small forms of a ticket's life: visit, parts, complete, cancel, reopen, callback,
engineer problem, deduction, and the bulk re-dispatch of an engineer's tickets.

Each names its fields (the same names storage uses for its ``FieldErrors``)
and makes one storage call; :mod:`screens.form` does the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fieldkpi import access
from fieldkpi.figures import Person
from fieldkpi.i18n import _
from fieldkpi.scheme import Adjustment, Scheme
from fieldkpi.tickets import StepRefused
from screens import numbers
from screens.form import Field, FormScreen
from screens.labels import N_
from storage import appraisal, tickets
from storage.people import branch_staff, dispatch_candidates
from storage.tickets import Ticket
from storage.typed import FieldErrors

NO_PROBLEM_TABLE = N_("This branch's scheme does not use engineer-problem reports.")
NO_ADJUSTMENTS = N_("This branch's scheme has no deduction, bonus or complaint you may record.")


def when_field(name: str) -> Field:
    """When a step happened, for one recorded after the fact: empty means now."""
    return Field(name, N_("When"), placeholder=N_("now, or when: YYYY-MM-DD HH:MM"))


def when(values: dict[str, Any], field: Field | None) -> dict[str, Any]:
    """The ``at`` a step function takes: the time typed, or nothing (now)."""
    return {"at": values[field.name] or None} if field else {}


class VisitForm(FormScreen):
    SAVE_LABEL = N_("Record visit")
    WHEN = when_field("visited_at")

    def heading(self) -> str:
        return _("Record the engineer's visit to the customer")

    def fields(self) -> list[Field]:
        return [self.WHEN]

    def perform(self, values: dict[str, Any], version: int | None) -> Any:
        app = self.app
        return tickets.record_visit(
            app.store, app.user, self.code, version, now=app.now(), **when(values, self.WHEN)
        )


class TextStepForm(FormScreen):
    """A step that takes one line of text: ``step(store, user, code, version, text, now=…)``.

    ``WHEN``, if set, is the time the step happened (``at=…``): it comes first,
    and the focus starts on the text, so Enter there still saves at once.
    """

    HEADING = ""
    FIELD: Field
    WHEN: Field | None = None

    @staticmethod
    def step(*args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError

    def heading(self) -> str:
        return _(self.HEADING)

    def fields(self) -> list[Field]:
        return [self.WHEN, self.FIELD] if self.WHEN else [self.FIELD]

    @property
    def focus_first(self) -> str:
        return self.FIELD.name

    def perform(self, values: dict[str, Any], version: int | None) -> Any:
        app = self.app
        text = values[self.FIELD.name]
        options = {**when(values, self.WHEN), **self.step_options()}
        return self.step(app.store, app.user, self.code, version, text, now=app.now(), **options)

    def step_options(self) -> dict[str, Any]:
        """What else the step takes besides the text and ``at``."""
        return {}


class AwaitPartsForm(TextStepForm):
    HEADING = N_("Waiting for parts")
    FIELD = Field("note", N_("Parts"), placeholder=N_("which part, ordered where (optional)"))
    step = staticmethod(tickets.await_parts)


class CompleteForm(TextStepForm):
    HEADING = N_("Complete the ticket")
    FIELD = Field("resolution", N_("Resolution"), placeholder=N_("how the fault was resolved"))
    WHEN = when_field("completed_at")
    step = staticmethod(tickets.complete)


class LifecycleForm(TextStepForm):
    """Cancel or reopen: the step asks the ticket's branch scheme whether it is the lead's."""

    def step_options(self) -> dict[str, Any]:
        return {"scheme_for": self.app.scheme_for}


class CancelForm(LifecycleForm):
    SAVE_LABEL = N_("Cancel ticket")
    HEADING = N_("Cancel the ticket")
    FIELD = Field("cancel_reason", N_("Reason"), placeholder=N_("why it is cancelled"))
    step = staticmethod(tickets.cancel)


class ReopenForm(LifecycleForm):
    SAVE_LABEL = N_("Reopen")
    HEADING = N_("Reopen the ticket")
    FIELD = Field("note", N_("Reason"), placeholder=N_("why it is reopened"))
    step = staticmethod(tickets.reopen)


class CallbackForm(FormScreen):
    WHEN = when_field("callback_at")
    focus_first = "rating"

    def heading(self) -> str:
        return _("Customer callback")

    def fields(self) -> list[Field]:
        return [
            self.WHEN,
            Field("rating", N_("Rating"), placeholder="1–5", restrict="[1-5]", max_length=1),
            Field(
                "callback_note", N_("Comment"), placeholder=N_("what the customer said (optional)")
            ),
        ]

    def perform(self, values: dict[str, Any], version: int | None) -> Any:
        app = self.app
        if not values["rating"]:
            raise FieldErrors({"rating": _("Give a rating from 1 to 5.")})
        rating = int(values["rating"])
        ticket = tickets.record_callback(
            app.store,
            app.user,
            self.code,
            version,
            rating,
            values["callback_note"],
            now=app.now(),
            **when(values, self.WHEN),
            scheme_for=app.scheme_for,
        )
        return ticket if ticket.status == "called_back" else HeldRating(ticket, rating)


@dataclass(frozen=True)
class HeldRating:
    """A callback saved for the lead's review (:func:`tickets.record_callback`)."""

    ticket: Ticket
    rating: int


def recordable(scheme: Scheme, user: Person) -> list[Adjustment]:
    """The adjustment kinds of the scheme that ``user`` may record (an admin: every one)."""
    return [a for a in scheme.adjustments.values() if access.may_record(user, a)]


class ProblemForm(FormScreen):
    """An engineer-problem report: a level of the branch's scoring table, and what went wrong.

    The levels come from the branch's scheme, read with the form's choices
    (in a worker); saved before they are in, the report takes the table's first.
    """

    SAVE_LABEL = N_("Report")

    def heading(self) -> str:
        return _("Report a problem with the engineer")

    def fields(self) -> list[Field]:
        return [
            Field("level", N_("Level"), kind="select"),
            Field("note", N_("Problem"), placeholder=N_("what went wrong")),
        ]

    def load_choices(self) -> list[tuple[str, str]]:
        """The levels of the table, each with its points; a scheme without one says so."""
        scheme = self.app.scheme_for(self.app.user.branch)
        if not scheme.problems:
            raise StepRefused(_(NO_PROBLEM_TABLE))
        return [(f"{p.label} ({numbers.points(p.points)})", p.level) for p in scheme.problems]

    def fill_choices(self, choices: list[tuple[str, str]]) -> None:
        self.set_select_options("level", choices, choices[0][1])

    def perform(self, values: dict[str, Any], version: int | None) -> Any:
        """Against the engineer the form showed: a report saved as the ticket was handed to
        another engineer is refused, never put on them."""
        app = self.app
        return appraisal.report_problem(
            app.store,
            app.user,
            self.code,
            app.scheme_for(app.user.branch),
            values["level"] or None,
            values["note"],
            now=app.now(),
            engineer=self.ticket.engineer if self.ticket else None,
        )


class DeductionForm(FormScreen):
    """An appraisal event against a person (a deduction, bonus or complaint of the scheme),
    tied to the selected ticket if there is one. What a rep records waits for the lead."""

    def heading(self) -> str:
        if self.code:
            return _("Deduction, bonus or complaint (ticket {code})").format(code=self.code)
        return _("Deduction, bonus or complaint")

    def fields(self) -> list[Field]:
        return [
            Field("staff", N_("Person"), kind="select", placeholder=N_("whom it is about")),
            Field("kind", N_("Kind"), kind="select"),
            Field("points", N_("Points"), placeholder=N_("only for kinds with entered points")),
            Field("note", N_("Note"), placeholder=N_("what happened")),
        ]

    def ready(self) -> bool:
        return True

    def load_choices(self) -> tuple[list[Person], list[tuple[str, str]]]:
        """The branch's people, and the kinds of its scheme this person may record."""
        app, user = self.app, self.app.user
        kinds = [
            (f"{a.label} ({adjustment_amount(a)})", a.kind)
            for a in recordable(app.scheme_for(user.branch), user)
        ]
        if not kinds:
            raise StepRefused(_(NO_ADJUSTMENTS))
        return branch_staff(app.store, user.branch, on=app.now().date()), kinds

    def fill_choices(self, choices: tuple[list[Person], list[tuple[str, str]]]) -> None:
        people, kinds = choices
        others = [p for p in people if p.code != self.app.user.code]
        self.set_select_options("staff", [(p.name, p.code) for p in others])
        self.set_select_options("kind", kinds)

    def perform(self, values: dict[str, Any], version: int | None) -> Any:
        app = self.app
        if not values["staff"] or not values["kind"]:
            errors = {"staff": _("Choose the person.")} if not values["staff"] else {}
            errors |= {"kind": _("Choose the kind.")} if not values["kind"] else {}
            raise FieldErrors(errors)
        return appraisal.record_deduction(
            app.store,
            app.user,
            values["staff"],
            values["kind"],
            values["points"] or None,
            values["note"],
            app.scheme_for(app.user.branch),
            ticket=self.code,
            now=app.now(),
        )


def adjustment_amount(adjustment: Adjustment) -> str:
    """What an event of the kind does to a total, as the kind's list shows it."""
    if adjustment.forfeit:
        return _("month forfeited")
    if adjustment.entered == "bonus":
        return _("+ points entered")
    if adjustment.entered:
        return _("− points entered")
    return numbers.signed(adjustment.points)


class BulkRedispatchForm(FormScreen):
    """Move every open ticket of one engineer (off sick, on leave) to the others ticked."""

    SAVE_LABEL = N_("Move tickets")

    def __init__(self, from_engineer: str | None = None) -> None:
        super().__init__(None)
        self.from_engineer = from_engineer

    def heading(self) -> str:
        return _("Move all open tickets of an engineer")

    def fields(self) -> list[Field]:
        return [
            Field("from_engineer", N_("From"), kind="select", placeholder=N_("whose tickets")),
            Field("to_engineers", N_("To"), kind="multi"),
        ]

    def load_choices(self) -> list[Any]:
        app = self.app
        return dispatch_candidates(app.store, app.user, app.now())

    def fill_choices(self, choices: list[Any]) -> None:
        self.set_select_options(
            "from_engineer",
            [(f"{c.person.name} ({c.open_tickets})", c.person.code) for c in choices],
            self.from_engineer,
        )
        self.set_selection_options(
            "to_engineers",
            [
                (_("{name} — {n} open").format(name=c.person.name, n=c.open_tickets), c.person.code)
                for c in choices
            ],
        )

    def perform(self, values: dict[str, Any], version: int | None) -> Any:
        app = self.app
        if not values["from_engineer"]:
            raise FieldErrors({"from_engineer": _("Choose whose tickets to move.")})
        return tickets.bulk_redispatch(
            app.store, app.user, values["from_engineer"], values["to_engineers"], now=app.now()
        )
