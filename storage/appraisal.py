"""Appraisal events recorded against people — problem reports, deductions, bonuses — and their
review (主管监督) and appeal (申诉).

People are paid and fined by these events, so nobody can raise their own
score or lower a rival's without a lead's review:

* a report or an adjustment recorded by a rep is *pending* until the branch's
  lead approves it (or rejects it); one recorded by a lead, or imported, stands
  at once (kpi-rules §5);
* the person an event is about sees it and may contest it, with a reason,
  until its period is closed; while contested it does not count, and the
  lead upholds or withdraws it;
* problem points come from the scheme's table, never a typed number, and a
  rep reports a ticket's engineer once;
* every event and every decision is an append-only row (m011): nothing is
  edited, everything stays on record. The rankings count only the events
  that stand (``storage.measures.STANDING``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from sqlite_utils import Database

from fieldkpi import access
from fieldkpi.figures import Person
from fieldkpi.i18n import N_, _, join_list
from fieldkpi.limits import MAX_POINTS
from fieldkpi.period import Judgement, Period, stamp
from fieldkpi.scheme import Scheme
from fieldkpi.tickets import StepRefused
from storage.closing import closed_over
from storage.db import Store
from storage.errors import NotFound, StorageError
from storage.event_rows import EVENTS, UNDECIDED, events_of, ratings_of
from storage.measures import person_from_row, sql_points
from storage.tickets import approve_held_rating, read_ticket, write_history
from storage.typed import FieldErrors, free_text

SUBJECTS = ("problem", "deduction", "rating")  # ratings: held by storage.tickets.record_callback


@dataclass(frozen=True)
class Entered:
    """An event just recorded: its id, and whether it waits for the lead's review before it
    counts (``needs_review``, decided by :func:`access.needs_review` as it was written, the
    one asking: the person who recorded it is told what was written)."""

    id: int
    pending: bool


class ReviewRefused(StorageError):
    """The event is not in a state that allows this decision; the message says why."""


@dataclass(frozen=True)
class Review:
    """One line of an event's review history: who did what, when, and why."""

    at: str
    by: str | None  # None: the reader may not know who (the event's recorder, hidden)
    by_name: str | None
    action: str
    reason: str | None


@dataclass(frozen=True)
class Counted:
    """A person an event counts for, with their role: a held rating about a rep counts for
    its engineer too, and whoever decides on it is told which figures of whom it moves."""

    code: str
    name: str
    role: str


@dataclass(frozen=True)
class AppraisalEvent:
    """A problem report or an adjustment, as the person it is about or the lead sees it.

    ``concerns`` is the person it is about (the reported engineer, or the
    person adjusted); ``recorded_by`` is ``None`` where the branch keeps the
    reporter from the person concerned (``[review] show_reporter``).
    ``points`` are those recorded with it (a problem report's, or a deduction's
    entered ones); ``change`` is what it adds to the total of the person it is
    about once it stands (< 0 takes off), by the branch's scheme: ``None`` for a
    problem report or a held rating, which count in a rate, not as points of
    that total, and for a kind that forfeits the month (``forfeits``).
    ``counts_for`` is everyone it counts for as far as the reader may know, the person it
    is about first: a low rating held about a ticket's rep counts for its engineer too
    (:data:`storage.event_rows.EVENTS`), which its lead, and the rep who recorded it, are
    told; the person it is about is told of themselves only (:func:`_about`).
    """

    subject: str
    id: int
    at: str
    concerns: str
    concerns_name: str
    kind: str
    points: Fraction | None
    ticket: str | None
    note: str | None
    recorded_by: str | None
    recorded_by_name: str | None
    state: str
    reviews: tuple[Review, ...] = ()
    change: Fraction | None = None
    forfeits: bool = False
    closed: Period | None = None  # the closed period it falls in: no longer contested
    counts_for: tuple[Counted, ...] = ()


def no_contest(period: Period) -> str:
    """Why an event of a closed period is not contested: its figures were paid on."""
    return _("{period} is closed: its events can no longer be contested.").format(period=period)


def _now(now: datetime | None) -> datetime:
    return (now or datetime.now()).replace(microsecond=0)


def _person(db: Database, code: str) -> Person | None:
    row = db.execute(
        "SELECT code, name, branch, role, hired_on, left_on FROM staff WHERE code = ?", (code,)
    ).fetchone()
    return None if row is None else person_from_row(row)


# ---------------------------------------------------------------- recording


def report_problem(
    store: Store,
    actor: Person,
    code: str,
    scheme: Scheme,
    level: str | None = None,
    note: str = "",
    now: datetime | None = None,
    engineer: str | None = None,
) -> Entered:
    """An engineer-problem report (kpi-rules §2) against the ticket's engineer: its id, and
    whether it waits for the lead.

    The points are the scheme's for ``level`` (its first level when none is
    named). A rep reports a ticket's engineer once: a second report would
    count the same problem twice toward the rep's own feedback rate. ``note``
    says what went wrong, and is required (:func:`_reason`). The ticket's
    history notes the report. ``engineer``: the one the reporter saw
    on the ticket; if it has been handed to another since, the report is
    refused rather than put on someone it was not written about.
    """
    now = _now(now)
    at = stamp(now)
    if not scheme.problems:
        raise StepRefused(_("This branch's scheme does not use engineer-problem reports."))
    errors: dict[str, str] = {}
    chosen = scheme.problem_level(level)
    if chosen is None:
        levels = join_list(p.level for p in scheme.problems)
        errors["level"] = _("Choose one of: {levels}.").format(levels=levels)
    text = _reason(note, errors, _("Say what the engineer did wrong: it is kept with the report."))
    if errors:
        raise FieldErrors(errors)
    with store.write_as(actor, now) as db:
        ticket = read_ticket(db, code)
        access.check_step(actor, "report_problem", ticket)
        if not ticket.engineer:
            raise StepRefused(_("This ticket has no engineer to report."))
        if engineer is not None and ticket.engineer != engineer:
            raise StepRefused(
                _(
                    "This ticket was handed to another engineer since you opened it: "
                    "nothing was reported. Close this form and look at the ticket again."
                )
            )
        earlier = db.execute(
            """
            SELECT p.at FROM problems p WHERE p.ticket = ? AND p.rep = ? AND p.engineer = ?
              AND NOT EXISTS (SELECT 1 FROM appraisal_states x WHERE x.subject = 'problem'
                              AND x.subject_id = p.id AND x.state IN ('rejected', 'withdrawn'))
            """,
            (code, actor.code, ticket.engineer),
        ).fetchone()
        if earlier is not None:
            raise FieldErrors(
                {
                    "level": _("You already reported this ticket's engineer at {at}.").format(
                        at=earlier["at"]
                    )
                }
            )
        pending = access.needs_review(actor)
        cursor = db.execute(
            "INSERT INTO problems (rep, engineer, at, points, level, ticket, note, recorded_by,"
            " needs_review) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                actor.code,
                ticket.engineer,
                at,
                float(chosen.points),
                chosen.level,
                code,
                text,
                actor.code,
                int(pending),
            ),
        )
        history = [
            ("engineer", None, ticket.engineer),
            ("level", None, chosen.level),
            ("note", None, text),
        ]
        write_history(db, code, at, actor.code, "report_problem", history, None)
        return Entered(cursor.lastrowid, pending)


def _reason(note: str | None, errors: dict[str, str], missing: str) -> str:
    """The note an event is recorded with, which says why: the person it is about and the
    lead decide on it by that, so an event with none is refused (``missing`` under the note).
    A note too long is refused at once (:func:`free_text`)."""
    text = free_text(note, "note")
    if not text:
        errors["note"] = missing
    return text


def entered_points(text: str | None) -> Decimal:
    """Points typed with an event of a kind that takes them: more than 0, at most 100."""
    try:
        value = Decimal((text or "").strip())
    except InvalidOperation as exc:
        raise ValueError(_("Enter a number, like 2 or 0.5.")) from exc
    if not value.is_finite() or value <= 0 or value > MAX_POINTS:
        most = MAX_POINTS
        raise ValueError(_("Points must be more than 0 and at most {most}.").format(most=most))
    return value


def record_deduction(
    store: Store,
    actor: Person,
    staff: str,
    kind: str,
    points: str | None,
    note: str,
    scheme: Scheme,
    ticket: str | None = None,
    now: datetime | None = None,
) -> Entered:
    """An adjustment (kpi-rules §5; schemes.md): a deduction, bonus or forfeit: its id, and
    whether it waits for the lead.

    The kinds are the scheme's; only a kind that takes entered points takes
    typed points. ``note`` says what happened, and is required (:func:`_reason`).
    Events are append-only evidence: one recorded by mistake is withdrawn by
    the lead, a disputed one contested (:func:`review`, :func:`contest`).
    """
    now = _now(now)
    at = stamp(now)
    access.check_may_record_deductions(actor)
    errors: dict[str, str] = {}
    adjustment = scheme.adjustments.get(kind)
    text = (points or "").strip()
    value = None
    if adjustment is None:
        kinds = join_list(scheme.adjustments)
        errors["kind"] = _("Choose one of: {kinds}.").format(kinds=kinds)
    elif adjustment.entered is None:
        if text:
            errors["points"] = _("This kind has fixed points; leave it empty.")
    elif not text:
        errors["points"] = _("Enter the points this event carries.")
    else:
        try:
            value = float(entered_points(text))
        except ValueError as exc:
            errors["points"] = str(exc)
    reason = _reason(note, errors, _("Say what happened: it is kept with the event."))
    with store.write_as(actor, now) as db:
        target = _person(db, staff)
        if target is None:
            errors["staff"] = _("There is nobody with the code {code}.").format(code=staff)
        elif adjustment is not None and (refused := access.not_about(adjustment, target)):
            errors["kind"] = refused
        if ticket:
            try:
                access.check_see_ticket(actor, read_ticket(db, ticket))
            except NotFound as exc:
                errors["ticket"] = str(exc)
        if errors:
            raise FieldErrors(errors)
        access.check_adjustment(actor, adjustment, target)
        pending = access.needs_review(actor, adjustment)
        cursor = db.execute(
            "INSERT INTO deductions (staff, at, kind, points, ticket, note, recorded_by,"
            " needs_review) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                target.code,
                at,
                kind,
                value,
                ticket or None,
                reason,
                actor.code,
                int(pending),
            ),
        )
        if ticket:
            history = [("staff", None, target.code), ("kind", None, kind)]
            history += [("points", None, value)] if value is not None else []
            history.append(("note", None, reason))
            write_history(db, ticket, at, actor.code, "deduction", history, None)
        return Entered(cursor.lastrowid, pending)


# ---------------------------------------------------------------- reading


def _counted(row, scheme: Scheme) -> dict:
    """An event's ``change`` and ``forfeits`` (:class:`AppraisalEvent`), by the scheme's kinds."""
    if row["subject"] != "deduction":
        return {"change": None, "forfeits": False}
    kind = scheme.adjustments_for(row["concerns_role"]).get(row["kind"])
    if kind is None:  # a kind the scheme does not apply to them counts for nothing
        return {"change": Fraction(0), "forfeits": False}
    if kind.forfeit:
        return {"change": None, "forfeits": True}
    return {"change": kind.points_of(sql_points(row["points"] or 0)), "forfeits": False}


def _events(
    store: Store,
    where: str,
    params: dict,
    show_reporter: bool,
    scheme: Scheme,
    rows_of: str = EVENTS,
) -> list[AppraisalEvent]:
    """The events of ``rows_of`` (:data:`~storage.event_rows.EVENTS`, or fewer of them found
    by index) that ``where`` (on ``e``) keeps."""
    rows = store.query(
        f"""
        SELECT e.*, c.name AS concerns_name, c.role AS concerns_role,
               coalesce(r.name, e.recorded_by) AS by_name, a.name AS also_name,
               a.role AS also_role
        FROM ({rows_of}) e JOIN staff c ON c.code = e.concerns
        LEFT JOIN staff r ON r.code = e.recorded_by
        LEFT JOIN staff a ON a.code = e.also
        WHERE {where} ORDER BY e.at, e.subject, e.id
        """,
        params,
    )
    reviews = _reviews(store, [(row["subject"], row["id"]) for row in rows])
    closed = _closed_periods(store, rows)
    if not show_reporter:  # nor named as one who decided on it: m016 withdrew in their name
        recorders = {(row["subject"], row["id"]): row["recorded_by"] for row in rows}
        reviews = {
            key: tuple(_unnamed(v) if v.by == recorders[key] else v for v in found)
            for key, found in reviews.items()
        }
    return [
        AppraisalEvent(
            subject=row["subject"],
            id=row["id"],
            at=row["at"],
            concerns=row["concerns"],
            concerns_name=row["concerns_name"],
            kind=row["kind"] or "",
            points=None if row["points"] is None else sql_points(row["points"]),
            ticket=row["ticket"],
            note=row["note"],
            recorded_by=row["recorded_by"] if show_reporter else None,
            recorded_by_name=row["by_name"] if show_reporter else None,
            state=row["state"],
            reviews=reviews.get((row["subject"], row["id"]), ()),
            **_counted(row, scheme),
            closed=closed[row["branch"], row["at"][:7]],
            counts_for=_counts_for(row),
        )
        for row in rows
    ]


def _counts_for(row) -> tuple[Counted, ...]:
    """Whom an event counts for: the person it is about, and the ``also`` of a held rating."""
    about = Counted(row["concerns"], row["concerns_name"], row["concerns_role"])
    if row["also"] is None:
        return (about,)
    return about, Counted(row["also"], row["also_name"], row["also_role"])


def _closed_periods(store: Store, rows) -> dict[tuple[str, str], Period | None]:
    """The closed period over each (branch, month) of ``rows``' events, asked once each."""
    found: dict[tuple[str, str], Period | None] = {}
    for branch, month in {(row["branch"], row["at"][:7]) for row in rows}:
        closing = closed_over(store, branch, Period.parse(month).first_day)
        found[branch, month] = closing.period if closing else None
    return found


def _unnamed(review: Review) -> Review:
    return replace(review, by=None, by_name=None)


def _reviews(store: Store, keys: list[tuple[str, int]]) -> dict[tuple[str, int], tuple]:
    found: dict[tuple[str, int], list[Review]] = {}
    for subject in SUBJECTS:
        ids = [i for s, i in keys if s == subject]
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            for row in store.query(
                f"""
                SELECT v.subject_id, v.at, v.by, coalesce(s.name, v.by) AS by_name, v.action,
                       v.reason
                FROM appraisal_reviews v LEFT JOIN staff s ON s.code = v.by
                WHERE v.subject = ? AND v.subject_id IN ({", ".join("?" * len(chunk))})
                ORDER BY v.id
                """,
                (subject, *chunk),
            ):
                found.setdefault((subject, row["subject_id"]), []).append(
                    Review(row["at"], row["by"], row["by_name"], row["action"], row["reason"])
                )
    return {key: tuple(reviews) for key, reviews in found.items()}


def events_about(
    store: Store, actor: Person, person: Person, period: Period, scheme: Scheme
) -> list[AppraisalEvent]:
    """Every event recorded against a person in a period, whatever its state, oldest first.

    The person sees their own (with the reporter only if the branch shows
    them); their lead and admins see anyone's of the branch, reporter included.
    """
    return _about_between(store, actor, person, period.start, period.end, scheme)


def recent_events_about(
    store: Store, actor: Person, person: Person, now: datetime, scheme: Scheme
) -> list[AppraisalEvent]:
    """The events about a person in this month and the two before, newest first."""
    return _newest_first(_about_between(store, actor, person, *_three_months(now), scheme))


def _three_months(now: datetime) -> tuple[datetime, datetime]:
    """This month and the two before: the span the events lists show."""
    this = Period.of(now.date())
    return this.shift(-2).start, this.end


def _newest_first(events: list[AppraisalEvent]) -> list[AppraisalEvent]:
    return sorted(events, key=lambda e: (e.at, e.id), reverse=True)


def held_ratings_about(
    store: Store, actor: Person, code: str, scheme: Scheme
) -> list[AppraisalEvent]:
    """The low ratings of ticket ``code`` held for the lead that count for ``actor`` once
    approved, as their F6 lists them (:func:`recent_events_about`, reporter and all): the
    ticket's screen tells its engineer of them too, though the ticket itself says only
    "completed" to them (:func:`fieldkpi.visibility.ticket_for`). Nobody else's: another
    engineer of the ticket, the lead (who reads its history whole) get none."""
    held = ratings_of(":ticket")
    return _about(store, actor, actor, held, {"ticket": code}, scheme, "e.state = 'pending'")


def undecided_about(
    store: Store,
    actor: Person,
    person: Person,
    judgement: Judgement,
    scheme: Scheme,
    subject: str,
    kind: str | None = None,
) -> list[AppraisalEvent]:
    """The person's events of ``subject`` (and ``kind``) in the judged window that do not
    count until the lead decides them: pending, or contested (kpi-rules §5).

    Read as the person's F6 reads them (:func:`events_about`): only by whoever may see
    the events about them, their reporter only where they may be told it. The figures
    are right without them, but a tab saying "0 events" while a complaint waits on
    appeal hides what may still count.
    """
    states = ", ".join(f"'{state}'" for state in UNDECIDED)
    which = f"e.subject = :subject AND e.state IN ({states}) AND (:kind IS NULL OR e.kind = :kind)"
    start, end = judgement.period.start, judgement.window_end
    return _about_between(
        store, actor, person, start, end, scheme, which, {"subject": subject, "kind": kind}
    )


def _about_between(
    store: Store,
    actor: Person,
    person: Person,
    start: datetime,
    end: datetime,
    scheme: Scheme,
    where: str = "1",
    params: dict | None = None,
) -> list[AppraisalEvent]:
    """:func:`_about` from ``start`` to ``end``, those ``where`` (with ``params``) keeps."""
    span = {"start": stamp(start), "end": stamp(end)} | (params or {})
    rows_of = events_of(":person", ":start", ":end")
    return _about(store, actor, person, rows_of, span, scheme, where)


def _about(
    store: Store,
    actor: Person,
    person: Person,
    rows_of: str,
    params: dict,
    scheme: Scheme,
    where: str = "1",
) -> list[AppraisalEvent]:
    """The events of ``rows_of`` about ``person`` that ``where`` (on ``e``) keeps: those
    recorded against them, and the low ratings held for the lead on a ticket they served
    (about its rep, but lowering their satisfaction too, :data:`storage.event_rows.EVENTS`),
    shown as about them.

    To the person themselves each counts for them alone: whom else a held rating counts
    for is an event about someone else (the rep's, or the engineer's), which they are not
    told of; their lead is told of everyone."""
    access.check_see_figures(actor, person)
    show = access.sees_reporter(actor, person.code, scheme)
    events = _events(
        store,
        f"(e.concerns = :person OR e.also = :person) AND {where}",
        {"person": person.code} | params,
        show,
        scheme,
        rows_of,
    )
    mine = {"concerns": person.code, "concerns_name": person.name}
    if actor.code == person.code:
        mine["counts_for"] = (Counted(person.code, person.name, person.role),)
    return [replace(e, **mine) for e in events]


def awaiting_review(
    store: Store, actor: Person, branch: str, scheme: Scheme
) -> list[AppraisalEvent]:
    """What waits for the lead of a branch: pending events and contested ones, oldest first."""
    access.check_review(actor, branch)
    return _events(
        store,
        "e.branch = :branch AND e.state IN ('pending', 'contested')",
        {"branch": branch},
        True,
        scheme,
    )


def branch_events(
    store: Store, actor: Person, branch: str, now: datetime, scheme: Scheme
) -> list[AppraisalEvent]:
    """Every event of a branch this month and the two before, in any state, newest first.

    What the lead looks through to withdraw a standing event recorded by
    mistake (their own included), with its reporter.
    """
    access.check_review(actor, branch)
    start, end = _three_months(now)
    events = _events(
        store,
        "e.branch = :branch AND e.at >= :start AND e.at <= :end",
        {"branch": branch, "start": stamp(start), "end": stamp(end)},
        True,
        scheme,
    )
    return _newest_first(events)


def recent_events_recorded(
    store: Store, actor: Person, now: datetime, scheme: Scheme
) -> list[AppraisalEvent]:
    """The events the actor recorded themselves this month and the two before, in any state,
    newest first: how a rep follows whether the lead approved, rejected or withdrew their
    report, deduction or low rating.

    Only their own records, about whomever; an appeal against one shows as made,
    without its reason: that is the person's case to their lead, not an answer to
    the one who recorded the event.
    """
    access.check_may_record_deductions(actor)  # whoever records none has none to list
    start, end = _three_months(now)
    events = _events(
        store,
        "e.recorded_by = :actor AND e.at >= :start AND e.at <= :end",
        {"actor": actor.code, "start": stamp(start), "end": stamp(end)},
        True,
        scheme,
    )
    return _newest_first(
        [
            replace(e, reviews=tuple(_unsaid(r) if r.action == "contest" else r for r in e.reviews))
            for e in events
        ]
    )


def _unsaid(review: Review) -> Review:
    return replace(review, reason=None)


# ---------------------------------------------------------------- deciding

# What each decision needs the event to be now, and who takes it.
_FROM = {
    "approve": ("pending",),
    "reject": ("pending",),
    "uphold": ("contested",),
    "withdraw": ("contested", "standing"),  # a standing one: recorded by mistake
    "contest": ("pending", "standing"),
}
# Each decision as the event's story tells it: "withdrawn by 刘洋".
DECISIONS = {
    "approve": N_("approved"),
    "reject": N_("rejected"),
    "contest": N_("contested"),
    "uphold": N_("upheld"),
    "withdraw": N_("withdrawn"),
}
# A held rating is only approved (it goes on its ticket) or rejected; once on the ticket it
# is a callback like any other, not an event to contest or withdraw.
_FROM_BY_SUBJECT = {"rating": {"approve": ("pending",), "reject": ("pending",)}}


def may_decide(subject: str, state: str, action: str) -> bool:
    """Whether an event of ``subject`` in ``state`` takes the decision ``action`` now."""
    return state in _FROM_BY_SUBJECT.get(subject, _FROM).get(action, ())


def _event(db: Database, subject: str, event_id: int) -> dict:
    if subject not in SUBJECTS:
        raise ValueError(f"unknown subject {subject!r}")
    row = db.execute(
        "SELECT e.subject, e.id, e.at, e.concerns, e.recorded_by, e.branch, e.state"
        f" FROM ({EVENTS}) e"
        " WHERE e.subject = ? AND e.id = ?",
        (subject, event_id),
    ).fetchone()
    if row is None:
        raise NotFound(_("There is no such event ({id}).").format(id=event_id))
    return dict(row)


def _state_label(state: str) -> str:
    return {
        "standing": _("stands"),
        "pending": _("waits for review"),
        "rejected": _("was rejected"),
        "contested": _("is contested"),
        "withdrawn": _("was withdrawn"),
    }[state]


def _decide(
    store: Store,
    actor: Person,
    subject: str,
    event_id: int,
    action: str,
    reason: str,
    now: datetime | None,
    check,
    sees_reporter: bool,
) -> None:
    """One decision on an event, after ``check``; ``sees_reporter``: whether the actor is
    told who recorded it (:func:`access.sees_reporter`), and so who decided it if the same."""
    now = _now(now)
    at = stamp(now)
    text = free_text(reason, "reason")
    with store.write_as(actor, now) as db:
        event = _event(db, subject, event_id)
        check(event)
        if action not in _FROM_BY_SUBJECT.get(subject, _FROM):
            raise ReviewRefused(_("A rating held for review is approved or rejected, no more."))
        if not may_decide(subject, event["state"], action):
            raise ReviewRefused(_decided_before(db, event, action, now, sees_reporter))
        if action in ("reject", "contest", "withdraw") and not text:
            raise FieldErrors({"reason": _("Give the reason: it is kept with the event.")})
        db.execute(
            "INSERT INTO appraisal_reviews (subject, subject_id, action, at, by, reason)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (subject, event_id, action, at, actor.code, text or None),
        )
        if subject == "rating" and action == "approve":
            approve_held_rating(db, actor, event_id, now)


def _decided_before(
    db: Database, event: dict, action: str, now: datetime, sees_reporter: bool
) -> str:
    """Why ``action`` is refused: the event's state, and the decision that put it there — who
    took it and when, as a ticket's conflict names who saved it — when it was decided.

    The decider is named as far as the person sees reviewers (:func:`_events`): one who
    also recorded the event is not named to someone not told its reporter.
    """
    last = db.execute(
        "SELECT v.action, v.at, v.by, coalesce(s.name, v.by) AS by_name"
        " FROM appraisal_reviews v LEFT JOIN staff s ON s.code = v.by"
        " WHERE v.subject = ? AND v.subject_id = ? ORDER BY v.id DESC LIMIT 1",
        (event["subject"], event["id"]),
    ).fetchone()
    refused = _action_label(action)
    if last is None:
        message = _("This event {state}: {action} is not possible now.")
        return message.format(state=_state_label(event["state"]), action=refused)
    when = last["at"][11:16] if last["at"][:10] == stamp(now)[:10] else last["at"][:16]
    decided = _(DECISIONS[last["action"]])
    if not sees_reporter and last["by"] == event["recorded_by"]:
        message = _("This event was {decided} at {when}: {action} is not possible now.")
        return message.format(decided=decided, when=when, action=refused)
    message = _("This event was {decided} by {name} at {when}: {action} is not possible now.")
    return message.format(decided=decided, name=last["by_name"], when=when, action=refused)


def _action_label(action: str) -> str:
    """The decision refused, as a noun: "approval" (each language says it in its own way)."""
    return {
        "approve": _("approval"),
        "reject": _("rejection"),
        "uphold": _("upholding it"),
        "withdraw": _("withdrawal"),
        "contest": _("a contest"),
    }[action]


def review(
    store: Store,
    actor: Person,
    subject: str,
    event_id: int,
    action: str,
    reason: str = "",
    now: datetime | None = None,
) -> None:
    """The lead's decision: approve or reject a pending event, uphold or withdraw a contested one.

    Withdrawing a standing event voids it (recorded by mistake, the lead's own
    included): it stops counting in the live figures; a closed period keeps
    its frozen ones. A held rating is approved (it goes on its ticket, and
    counts) or rejected (the ticket waits for a callback again).

    A lead does not decide on an event about themselves.
    """
    if action not in ("approve", "reject", "uphold", "withdraw"):
        raise ValueError(f"unknown decision {action!r}")

    def check(event: dict) -> None:
        access.check_review(actor, event["branch"])
        if event["concerns"] == actor.code:
            raise access.AccessDenied(_("Nobody decides on an event about themselves."))

    # The reviewer is never the person concerned: told every reporter (access.sees_reporter).
    _decide(store, actor, subject, event_id, action, reason, now, check, True)


def contest(
    store: Store,
    actor: Person,
    subject: str,
    event_id: int,
    reason: str,
    now: datetime | None = None,
    *,
    scheme: Scheme,
) -> None:
    """The person concerned contests an event (申诉) while its period is not closed; the
    branch's ``scheme`` says whether they are told who recorded it (and so who decided on it,
    if that was the recorder)."""

    def check(event: dict) -> None:
        access.check_contest(actor, event["concerns"])
        day = datetime.fromisoformat(event["at"]).date()
        closed = closed_over(store, event["branch"], day)
        if closed is not None:
            raise ReviewRefused(no_contest(closed.period))
        if store.scalar(
            "SELECT 1 FROM appraisal_reviews WHERE subject = ? AND subject_id = ?"
            " AND action = 'contest'",
            (subject, event_id),
        ):
            raise ReviewRefused(_("This event was contested before and the lead decided."))

    shown = access.sees_reporter(actor, actor.code, scheme)  # they are the one concerned
    _decide(store, actor, subject, event_id, "contest", reason, now, check, shown)
