"""The small forms of a ticket's life: visit, parts, complete, cancel, reopen, callback,
engineer problem, deduction, and the bulk re-dispatch of an engineer's tickets.

Each names its fields (the same names storage uses for its ``FieldErrors``)
and makes one storage call; :mod:`screens.form` does the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from textual import on
from textual.widgets import Select, Static

from fieldkpi import access
from fieldkpi.figures import Person
from fieldkpi.i18n import _
from fieldkpi.period import Period
from fieldkpi.plain import plain
from fieldkpi.scheme import Adjustment, Scheme
from fieldkpi.tickets import StepRefused
from screens import labels, numbers
from screens.form import Field, FormScreen
from screens.labels import N_
from storage import appraisal, tickets
from storage.people import branch_staff, dispatch_candidates
from storage.tickets import Ticket

NO_PROBLEM_TABLE = N_("This branch's scheme does not use engineer-problem reports.")
NO_ADJUSTMENTS = N_("This branch's scheme has no deduction, bonus or complaint you may record.")


def when_field(name: str) -> Field:
    """When a step happened, for one recorded after the fact: empty means now."""
    return Field(name, N_("When"), placeholder=N_("now, or HH:MM today, or YYYY-MM-DD HH:MM"))


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
            app.store,
            app.user,
            self.code,
            version,
            now=app.now(),
            **when(values, self.WHEN),
            scheme_for=app.scheme_for,
        )


class TextStepForm(FormScreen):
    """A step that takes one line of text: ``step(store, user, code, version, text, now=…,
    scheme_for=…)``.

    ``WHEN``, if set, is the time the step happened (``at=…``). It comes after
    the text, where the focus starts, so the fields are filled in the order
    they are read, Enter moving from one to the next as in every form: "text,
    Enter, time, Enter" saves at that time, and "text, Enter, Enter" now. With
    the time first and the focus on the text, a time typed first was saved as
    the text, the step dated now (a tester's late completion went into the
    wrong month so); a text typed into the time is refused beside it.
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
        return [self.FIELD, self.WHEN] if self.WHEN else [self.FIELD]

    def perform(self, values: dict[str, Any], version: int | None) -> Any:
        app = self.app
        text = values[self.FIELD.name]
        # The branches' schemes tell a save that came too late (a cancel or a reopen also
        # asks them whether it is the lead's: access.check_lifecycle).
        options = {**when(values, self.WHEN), "scheme_for": app.scheme_for}
        return self.step(app.store, app.user, self.code, version, text, now=app.now(), **options)


class AwaitPartsForm(TextStepForm):
    HEADING = N_("Waiting for parts")
    FIELD = Field("note", N_("Parts"), placeholder=N_("which part, ordered where (optional)"))
    step = staticmethod(tickets.await_parts)


class CompleteForm(TextStepForm):
    HEADING = N_("Complete the ticket")
    FIELD = Field("resolution", N_("Resolution"), placeholder=N_("how the fault was resolved"))
    WHEN = when_field("completed_at")
    step = staticmethod(tickets.complete)


class CancelForm(TextStepForm):
    SAVE_LABEL = N_("Cancel ticket")
    HEADING = N_("Cancel the ticket")
    FIELD = Field("cancel_reason", N_("Reason"), placeholder=N_("why it is cancelled"))
    step = staticmethod(tickets.cancel)


class ReopenForm(TextStepForm):
    SAVE_LABEL = N_("Reopen")
    HEADING = N_("Reopen the ticket")
    FIELD = Field("note", N_("Reason"), placeholder=N_("why it is reopened"))
    step = staticmethod(tickets.reopen)


class CallbackForm(FormScreen):
    """The rating first, where the focus starts, and the time it was given last (as
    :class:`TextStepForm`'s)."""

    WHEN = when_field("callback_at")

    def heading(self) -> str:
        return _("Customer callback")

    def fields(self) -> list[Field]:
        return [
            Field("rating", N_("Rating"), placeholder="1–5"),
            Field(
                "callback_note", N_("Comment"), placeholder=N_("what the customer said (optional)")
            ),
            self.WHEN,
        ]

    def perform(self, values: dict[str, Any], version: int | None) -> Any:
        """The rating as typed (the field takes any text: a key it refused would leave ``2.5``
        as 2 or ``45`` as 4, unseen): storage says what is wrong with it together with the
        time's and the comment's problems, each under its field. Saved, it says the rating as
        storage read it (:class:`tickets.Callback`): counted, or held for the lead."""
        app = self.app
        return tickets.record_callback(
            app.store,
            app.user,
            self.code,
            version,
            values["rating"],
            values["callback_note"],
            now=app.now(),
            **when(values, self.WHEN),
            scheme_for=app.scheme_for,
        )


def recordable(scheme: Scheme, user: Person) -> list[Adjustment]:
    """The adjustment kinds of the scheme that ``user`` may record (an admin: every one)."""
    return [a for a in scheme.adjustments.values() if access.may_record(user, a)]


@dataclass(frozen=True)
class Recorded:
    """An appraisal event saved, and what the person who recorded it is told: whether it
    waits for the lead's review before it counts (:attr:`appraisal.Entered.pending`, as
    storage decided and wrote it) or counts at once."""

    notice: str


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
        return [
            (
                f"{scheme.event_label('level', p.level)} ({numbers.points(p.points)})",
                p.level,
            )
            for p in scheme.problems
        ]

    def fill_choices(self, choices: list[tuple[str, str]]) -> None:
        self.set_select_options("level", choices, choices[0][1])

    def perform(self, values: dict[str, Any], version: int | None) -> Any:
        """Against the engineer the form showed: a report saved as the ticket was handed to
        another engineer is refused, never put on them."""
        app = self.app
        entered = appraisal.report_problem(
            app.store,
            app.user,
            self.code,
            app.scheme_for(app.user.branch),
            values["level"] or None,
            values["note"],
            now=app.now(),
            engineer=self.ticket.engineer if self.ticket else None,
        )
        if entered.pending:
            notice = _(
                "{code}: problem report recorded; it waits for the lead's review and counts"
                " once approved."
            )
        else:
            notice = _("{code}: problem report recorded; it counts at once.")
        return Recorded(notice.format(code=self.code))


# What the deduction form records, by whether the kinds offered add points or take them.
_RECORDS = {
    (False,): N_("Deduction"),
    (True,): N_("Bonus"),
    (False, True): N_("Deduction or bonus"),
}


class DeductionForm(FormScreen):
    """An appraisal event against a person (a deduction or bonus of the scheme), tied to the
    selected ticket if there is one. What a rep records waits for the lead.

    The kind comes first: the people offered are those it may be about (the
    scheme's roles for it), by role and then staff code, never the person
    recording it.
    """

    def __init__(self, ticket: Ticket | str | None = None) -> None:
        super().__init__(ticket)
        self._kinds: dict[str, Adjustment] = {}  # the kinds offered
        self._people: list[Person] = []  # whom any of them may be about, in the list's order

    def heading(self) -> str:
        """Named by what this person may record (a rep is not offered a bonus): from the
        scheme the app has read, until the form's own read of it is in."""
        scheme = self.app.own_scheme
        return self._title(recordable(scheme, self.app.user) if scheme else [])

    def _title(self, kinds: list[Adjustment]) -> str:
        bonuses = {a.points_of(Fraction(1)) > 0 for a in kinds}  # does each kind add points?
        records = _RECORDS.get(tuple(sorted(bonuses)))
        what = _(records) if records else _("Deduction, bonus or complaint")
        if self.code:
            return _("{what} (ticket {code})").format(what=what, code=self.code)
        return what

    def fields(self) -> list[Field]:
        return [
            Field("kind", N_("Kind"), kind="select", unchosen=N_("Choose the kind.")),
            Field(
                "staff",
                N_("Person"),
                kind="select",
                placeholder=N_("whom it is about"),
                unchosen=N_("Choose the person."),
            ),
            Field("points", N_("Points"), placeholder=N_("only for kinds with entered points")),
            Field("note", N_("Note"), placeholder=N_("what happened")),
        ]

    def ready(self) -> bool:
        return True

    def load_choices(self) -> tuple[list[Adjustment], list[Person], Scheme]:
        """The kinds of the branch's scheme this person may record, and the branch's people
        any of them may be about, by role and then code."""
        app, user = self.app, self.app.user
        scheme = app.scheme_for(user.branch)
        kinds = recordable(scheme, user)
        if not kinds:
            raise StepRefused(_(NO_ADJUSTMENTS))
        roles = {role for a in kinds for role in a.roles}
        today = app.now().date()
        since = Period.of(today, scheme.period).first_day  # who left since is ranked in it still
        people = [
            p
            for p in branch_staff(app.store, user.branch, on=today, since=since)
            if p.role in roles and p.code != user.code
        ]
        order = list(labels.ROLE)
        people.sort(key=lambda p: (order.index(p.role) if p.role in order else len(order), p.code))
        return kinds, people, scheme

    def fill_choices(self, choices: tuple[list[Adjustment], list[Person], Scheme]) -> None:
        kinds, self._people, scheme = choices
        self._kinds = {a.kind: a for a in kinds}
        self.query_one("#form-title", Static).update(plain(self._title(kinds)))
        options = [
            (f"{scheme.event_label('kind', a.kind)} ({adjustment_amount(a)})", a.kind)
            for a in kinds
        ]
        self.set_select_options("kind", options)
        self.set_select_options("staff", self._people_of(None))

    def _people_of(self, kind: Adjustment | None) -> list[tuple[str, str]]:
        """The people ``kind`` may be about (no kind chosen: any kind offered), as options."""
        return [
            (f"{p.name} · {labels.label(labels.ROLE, p.role)}", p.code)
            for p in self._people
            if kind is None or p.role in kind.roles
        ]

    @on(Select.Changed, "#field-kind")
    def _kind_chosen(self) -> None:
        """Only the people the kind may be about; one chosen before whom it may not be about
        is taken off the list, and the line under the field says so."""
        kind = self._kinds.get(self._value_of("kind"))
        chosen = self._value_of("staff")
        with self.prevent(Select.Changed):  # not the person's change: the line below stays
            self.offer("staff", self._people_of(kind), chosen)
        if chosen and self._value_of("staff") != chosen and kind is not None:
            person = next(p for p in self._people if p.code == chosen)
            self.say_under("staff", access.not_about(kind, person))

    def perform(self, values: dict[str, Any], version: int | None) -> Any:
        """Saved by storage, which refuses all that is missing at once: a kind or a person
        not chosen is said as such (:meth:`FormScreen.said_errors`)."""
        app = self.app
        scheme = app.scheme_for(app.user.branch)
        entered = appraisal.record_deduction(
            app.store,
            app.user,
            values["staff"],
            values["kind"],
            values["points"] or None,
            values["note"],
            scheme,
            ticket=self.code,
            now=app.now(),
        )
        if entered.pending:
            notice = _(
                "{kind} for {name} recorded; it waits for the lead's review and counts once"
                " approved."
            )
        else:
            notice = _("{kind} for {name} recorded; it counts at once.")
        name = next((p.name for p in self._people if p.code == values["staff"]), values["staff"])
        kind = scheme.event_label("kind", values["kind"])
        return Recorded(notice.format(kind=kind, name=name))


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
            Field(
                "from_engineer",
                N_("From"),
                kind="select",
                placeholder=N_("whose tickets"),
                unchosen=N_("Choose whose tickets to move."),
            ),
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
        """Refused by storage with every field's problem: nobody to move from and nobody
        ticked to take the tickets are said at once."""
        app = self.app
        return tickets.bulk_redispatch(
            app.store, app.user, values["from_engineer"], values["to_engineers"], now=app.now()
        )
