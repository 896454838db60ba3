"""The facts behind each number of a person's month, row by row.

Every list is selected with the WHERE terms :mod:`storage.measures` counts
with (and the same :class:`~storage.measures.Window`), so what the drill-down
shows adds up to what the ranking counted. Each query reads one person's rows
through an index on (person, time); the points are the domain's
(:mod:`fieldkpi.kpi`, :mod:`fieldkpi.buckets`). Every function takes the person
asking and checks :mod:`fieldkpi.access` before reading.

A closed month is explained by the as-of and scheme it was frozen with: pass
the judgement and scheme of :func:`storage.closing.month_basis`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from fractions import Fraction

from fieldkpi import access, kpi
from fieldkpi.buckets import (
    BucketTotal,
    FixFirst,
    OpenTicket,
    by_bucket,
    counted_ticket,
    counts_of,
    fix_first,
)
from fieldkpi.figures import Person
from fieldkpi.i18n import _
from fieldkpi.measures import ADJUSTMENT_COUNT, ENTERED, MEASURES, Measured, entered_metric
from fieldkpi.period import Judgement, Period
from fieldkpi.scheme import Kpi, Scheme
from storage.appraisal import AppraisalEvent, undecided_about
from storage.db import Store
from storage.errors import NotFound
from storage.event_rows import UNDECIDED
from storage.measures import (
    COMPLETED_BY,
    COMPLETED_IN,
    COMPLETED_WINDOW,
    DAY,
    DEDUCTION_COUNTS,
    DEDUCTION_IN,
    NOT_CANCELLED,
    PROBLEM_IN,
    PROBLEM_STANDS,
    RATED_IN,
    REOPENINGS,
    RESOLVED_WITHIN,
    SECONDS_TO_COMPLETE,
    SERVED_BY,
    VISIT,
    VISITED_IN,
    Window,
    first_dispatches_sql,
    open_holder,
    open_tickets_sql,
    sql_points,
    ticket_settings,
    workload_months,
)
from storage.migrations import OPEN_TICKET
from storage.people import staff_by_code
from storage.scores import ScoreEntry, score_history


@dataclass(frozen=True)
class TimelinessFacts:
    """§1: the tickets of each bucket; ``points`` / ``orders`` = ``timeliness``."""

    person: Person
    judgement: Judgement
    buckets: tuple[BucketTotal, ...]  # d1 … d7, late, open30
    orders: int
    points: Fraction
    timeliness: Fraction


@dataclass(frozen=True)
class Callback:
    ticket: str
    callback_at: datetime
    rating: int
    note: str | None
    satisfied: bool


@dataclass(frozen=True)
class SatisfactionFacts:
    """§4: the rated callbacks of the period; ``satisfied`` / ``rated`` = ``satisfaction``.

    ``mean`` is their mean rating (``satisfaction_mean``), None without any. ``held``:
    the low ratings of the period held for the lead, which count once approved
    (:func:`undecided_about`).
    """

    person: Person
    callbacks: list[Callback]
    satisfied: int
    rated: int
    satisfaction: Fraction
    threshold: int
    mean: Fraction | None
    held: list[AppraisalEvent]


REPEATED_SHOWN = 10  # the lines of repeated actions a workload's facts list, the most first


@dataclass(frozen=True)
class RepeatedAction:
    """A ticket on which the person recorded one kind of action more than once in the period."""

    ticket: str
    action: str
    times: int
    first: datetime
    last: datetime


@dataclass(frozen=True)
class WorkloadFacts:
    """§3 for a rep: actions per kind and per date, days worked, and the branch's annual maximum.

    ``annual_max_month`` / ``annual_max_by`` / ``annual_max_name`` say which month set the
    maximum and whose it was; they are ``None`` unless the asker sees the branch's rankings,
    since they are another person's figure (the maximum itself is in the person's arithmetic).

    ``repeated``: the tickets on which the person recorded the same kind of
    action more than once, the most first (at most :data:`REPEATED_SHOWN` of
    ``repeated_lines``, on ``repeated_tickets`` tickets in all). Each
    re-dispatch and each completion after a reopen counts as an action (§3),
    so one ticket worked over and over raises the workload; the lead reviews
    these before closing the month. They are counted as before: this only shows them.
    """

    person: Person
    per_kind: dict[str, int]
    per_day: list[tuple[date, int]]
    workload: int
    attendance_days: int | None
    active_days: int
    running: bool  # the month still runs: days are the dates with actions, whatever attendance says
    days: int
    daily: Fraction
    annual_max: Fraction
    annual_max_month: str | None
    annual_max_by: str | None
    annual_max_name: str | None
    saturation: Fraction
    first_month: bool
    repeated: list[RepeatedAction]
    repeated_lines: int
    repeated_tickets: int


@dataclass(frozen=True)
class ProblemReport:
    at: datetime
    engineer: str
    engineer_name: str
    ticket: str | None
    points: Fraction
    note: str | None
    state: str  # "standing"; or one of UNDECIDED: it counts once the lead decides


@dataclass(frozen=True)
class Visit:
    ticket: str
    kind: str
    at: datetime  # visited_at, else completed_at


@dataclass(frozen=True)
class FeedbackFacts:
    """§2 for a rep: ``problem_points`` / ``len(visits)`` = ``rate``; ``undecided``: the
    reports of the period that do not count until the lead decides them."""

    person: Person
    problems: list[ProblemReport]
    visits: list[Visit]
    problem_points: Fraction
    rate: Fraction
    undecided: list[ProblemReport]


@dataclass(frozen=True)
class DeductionEvent:
    """One counted event: the points it takes off, or whether it zeroes the month."""

    id: int
    at: datetime
    kind: str
    points: Fraction
    zeroes: bool
    ticket: str | None
    note: str | None
    recorded_by: str | None
    recorded_by_name: str | None


@dataclass(frozen=True)
class DeductionFacts:
    """The events that count, and ``undecided``: those that do not until the lead decides."""

    person: Person
    events: list[DeductionEvent]
    points: Fraction
    zeroed: bool
    undecided: list[AppraisalEvent]


def _person(store: Store, actor: Person, staff: str, measure: str | None = None) -> Person:
    """The person whose figures are read, once ``actor`` may see them; given the ``measure``
    whose facts are read, once ``actor`` may see those (:func:`fieldkpi.access.check_see_facts`:
    some tell of other people)."""
    person = staff_by_code(store, staff)
    if person is None:
        raise NotFound(_("There is nobody with the code {code}.").format(code=staff))
    if measure is None:
        access.check_see_figures(actor, person)
    else:
        access.check_see_facts(actor, person, measure)
    return person


def _check_ranked(person: Person) -> None:
    if person.role not in COMPLETED_BY:
        raise NotFound(
            _("{name} is neither a rep nor an engineer: there are no figures.").format(
                name=person.name
            )
        )


def _window(person: Person, judgement: Judgement, scheme: Scheme) -> Window:
    return Window(judgement, scheme.settings, person.branch)


def _params(person: Person, judgement: Judgement, scheme: Scheme) -> dict[str, object]:
    """The window's parameters, its rows read whole (``lo`` … ``hi`` = the window)."""
    params = _window(person, judgement, scheme).params
    return params | {"staff": person.code, "lo": params["start"], "hi": params["end"]}


def _moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def timeliness_facts(
    store: Store, actor: Person, staff: str, judgement: Judgement, scheme: Scheme
) -> TimelinessFacts:
    """The tickets behind a person's timeliness, bucket by bucket, with each one's points.

    The tickets first completed in the period by the person (as the holder
    then), and those open past the limit at as-of that they held when each
    crossed it.
    """
    person = _person(store, actor, staff)
    _check_ranked(person)
    window = _window(person, judgement, scheme)
    completed_by = COMPLETED_BY[person.role]
    select = f"t.code, t.received_at, t.first_completed_at, {open_holder(person.role)} AS holder"
    rows = store.query(
        f"""
        SELECT t.code, t.received_at, t.first_completed_at AS completed,
               {DAY[scheme.settings["day_basis"]]} AS day
        FROM tickets t WHERE {completed_by} = :staff AND {COMPLETED_IN} AND {NOT_CANCELLED}
        UNION ALL
        SELECT code, received_at, first_completed_at, NULL
        FROM ({open_tickets_sql(window, select)}) WHERE holder = :staff
        """,
        _params(person, judgement, scheme),
    )
    tickets = [
        counted_ticket(
            row["code"],
            datetime.fromisoformat(row["received_at"]),
            _moment(row["completed"]),
            row["day"],
            scheme,
        )
        for row in rows
    ]
    counts = counts_of(tickets)
    return TimelinessFacts(
        person=person,
        judgement=judgement,
        buckets=by_bucket(tickets),
        orders=counts.orders,
        points=sum((t.points for t in tickets), Fraction(0)),
        timeliness=kpi.timeliness(counts, scheme.timeliness_weights),
    )


def satisfaction_facts(
    store: Store,
    actor: Person,
    staff: str,
    judgement: Judgement,
    scheme: Scheme,
    threshold: int | None = None,
) -> SatisfactionFacts:
    """The rated callbacks of the period on the person's tickets, oldest first.

    A callback is satisfied when rated ``threshold`` or more: a KPI's own, else the
    scheme's ``satisfied_min_rating``.
    """
    person = _person(store, actor, staff)
    _check_ranked(person)
    if threshold is None:
        threshold = scheme.settings["satisfied_min_rating"]
    rows = store.query(
        f"""
        SELECT t.code, t.callback_at, t.rating, t.callback_note FROM tickets t
        WHERE {SERVED_BY[person.role]} = :staff AND {RATED_IN} AND {NOT_CANCELLED}
        ORDER BY t.callback_at, t.code
        """,
        _params(person, judgement, scheme),
    )
    callbacks = [
        Callback(
            ticket=row["code"],
            callback_at=datetime.fromisoformat(row["callback_at"]),
            rating=row["rating"],
            note=row["callback_note"],
            satisfied=row["rating"] >= threshold,
        )
        for row in rows
    ]
    satisfied = sum(c.satisfied for c in callbacks)
    ratings = tuple(sum(c.rating == stars for c in callbacks) for stars in range(1, 6))
    return SatisfactionFacts(
        person=person,
        callbacks=callbacks,
        satisfied=satisfied,
        rated=len(callbacks),
        satisfaction=kpi.ratio(satisfied, len(callbacks)),
        threshold=threshold,
        mean=MEASURES["satisfaction_mean"].value({"ratings": ratings}, {}).value,
        held=undecided_about(store, actor, person, judgement, scheme, "rating"),
    )


def workload_facts(
    store: Store,
    actor: Person,
    staff: str,
    judgement: Judgement,
    scheme: Scheme,
    measure: str = "saturation",
) -> WorkloadFacts:
    """A rep's actions of the period, the days they count over, and the annual maximum.

    ``measure``: the KPI they are read for. Saturation's facts are a colleague's month
    beside the person's own (:data:`fieldkpi.access.OTHERS_FACTS`), so they are refused
    to the person themself, as the branch's ranking is; their saturation's arithmetic is
    their ranking row's. The count of actions (``workload``) is theirs to read.
    """
    person = _person(store, actor, staff, measure)
    params = _params(person, judgement, scheme)
    actions = "a.staff = :staff AND a.at >= :start AND a.at <= :end"
    with store.read():
        per_kind = {
            row[0]: row[1]
            for row in store.query(
                f"SELECT a.action, count(*) FROM actions a WHERE {actions}"
                " GROUP BY a.action ORDER BY a.action",
                params,
            )
        }
        per_day = [
            (date.fromisoformat(row[0]), row[1])
            for row in store.query(
                f"SELECT substr(a.at, 1, 10) AS day, count(*) FROM actions a WHERE {actions}"
                " GROUP BY day ORDER BY day",
                params,
            )
        ]
        repeated_rows = store.query(
            f"""
            WITH repeated AS MATERIALIZED (
                SELECT a.ticket, a.action, count(*) AS times,
                       min(a.at) AS first, max(a.at) AS last
                FROM actions a WHERE {actions} AND a.ticket IS NOT NULL
                GROUP BY a.ticket, a.action HAVING count(*) > 1
            )
            SELECT r.*, (SELECT count(*) FROM repeated) AS lines,
                   (SELECT count(DISTINCT ticket) FROM repeated) AS tickets
            FROM repeated r ORDER BY r.times DESC, r.ticket, r.action LIMIT :shown
            """,
            params | {"shown": REPEATED_SHOWN},
        )
        attendance = store.scalar(
            "SELECT sum(days) FROM attendance"
            " WHERE staff = :staff AND month >= :first_month AND month <= :last_month",
            params,
        )
        window = _window(person, judgement, scheme)
        since = window.params["year_start"]
        history = [m for _b, m in workload_months(store, window, since, person.role)]
    period = judgement.period
    running = str(Period.of(judgement.as_of.date())) if judgement.provisional else None
    annual_max, whose = kpi.annual_max_daily(history, running, period.span)
    inside = {str(m) for m in period.months()}
    mine = [m for m in history if m.staff == person.code and m.period in inside]
    measured = MEASURES["saturation"].value(
        {"months": mine, "annual_max": annual_max}, {"running": running}
    )
    shown = whose is not None and access.can_see_rankings(actor, person.branch)
    holder = staff_by_code(store, whose[0]) if shown else None
    return WorkloadFacts(
        person=person,
        per_kind=per_kind,
        per_day=per_day,
        workload=measured.parts["workload"],
        attendance_days=attendance,
        active_days=len(per_day),
        running=running is not None,
        days=measured.parts["days"],
        daily=measured.parts["daily"],
        annual_max=annual_max,
        annual_max_month=whose[1] if shown else None,
        annual_max_by=whose[0] if shown else None,
        annual_max_name=holder.name if holder else None,
        saturation=measured.value or Fraction(0),
        first_month=person.hired_on is not None and period.contains(person.hired_on),
        repeated=[
            RepeatedAction(
                ticket=row["ticket"],
                action=row["action"],
                times=row["times"],
                first=datetime.fromisoformat(row["first"]),
                last=datetime.fromisoformat(row["last"]),
            )
            for row in repeated_rows
        ],
        repeated_lines=repeated_rows[0]["lines"] if repeated_rows else 0,
        repeated_tickets=repeated_rows[0]["tickets"] if repeated_rows else 0,
    )


def feedback_facts(
    store: Store, actor: Person, staff: str, judgement: Judgement, scheme: Scheme
) -> FeedbackFacts:
    """A rep's engineer-problem reports of the period, and the on-site visits they are per.

    The reports are appraisal events about the engineers they name
    (:data:`fieldkpi.access.OTHERS_FACTS`), so they are the lead's and admins' to read: the
    rep themself is refused, as for another person's figures, rather than handed the
    visits without them, which would read as a rate with no reports behind it. Their
    rate's arithmetic (points over visits) is their ranking row's.
    """
    person = _person(store, actor, staff, "feedback_rate")
    params = _params(person, judgement, scheme)
    undecided = ", ".join(f"'{state}'" for state in UNDECIDED)

    def reports(state: str, which: str, join: str = "") -> str:
        """The rep's reports of the period in ``state`` (SQL) that ``which`` keeps."""
        return f"""
            SELECT p.at, p.engineer, coalesce(s.name, p.engineer) AS engineer_name,
                   p.ticket, p.points, p.note, {state} AS state
            FROM problems p LEFT JOIN staff s ON s.code = p.engineer {join}
            WHERE p.rep = :staff AND {PROBLEM_IN} AND {which} ORDER BY p.at, p.id
        """

    with store.read():
        problem_rows = store.query(reports("'standing'", PROBLEM_STANDS), params)
        waiting_rows = store.query(
            reports(
                "x.state",
                f"x.state IN ({undecided})",
                "JOIN appraisal_states x ON x.subject = 'problem' AND x.subject_id = p.id",
            ),
            params,
        )
        visit_rows = store.query(
            f"""
            SELECT t.code, t.kind, {VISIT} AS visit FROM tickets t
            WHERE t.rep = :staff AND {VISITED_IN} AND {NOT_CANCELLED} ORDER BY visit, t.code
            """,
            params,
        )
    first_level = scheme.problem_level(None)
    unscored = first_level.points if first_level else Fraction(1)  # as storage.measures counts

    def report(row) -> ProblemReport:
        return ProblemReport(
            at=datetime.fromisoformat(row["at"]),
            engineer=row["engineer"],
            engineer_name=row["engineer_name"],
            ticket=row["ticket"],
            points=sql_points(row["points"]) if row["points"] is not None else unscored,
            note=row["note"],
            state=row["state"],
        )

    problems = [report(row) for row in problem_rows]
    visits = [
        Visit(row["code"], row["kind"], datetime.fromisoformat(row["visit"])) for row in visit_rows
    ]
    points = sum((p.points for p in problems), Fraction(0))
    return FeedbackFacts(
        person=person,
        problems=problems,
        visits=visits,
        problem_points=points,
        rate=kpi.ratio(points, len(visits)),
        undecided=[report(row) for row in waiting_rows],
    )


def deduction_facts(
    store: Store,
    actor: Person,
    staff: str,
    judgement: Judgement,
    scheme: Scheme,
    kind: str | None = None,
) -> DeductionFacts:
    """The events that stand in the period, each with its points and who recorded it.

    ``points`` > 0 takes points off, < 0 adds them (a bonus), as the scheme
    prices each kind; a kind the scheme does not apply to the person counts 0.
    Who recorded an event is told to the person it is about only where the
    scheme shows reporters (``review.show_reporter``), as their events list does.
    ``kind``: only the events of that kind (what ``adjustments.KIND`` counts).
    """
    person = _person(store, actor, staff)
    shows_reporter = access.sees_reporter(actor, person.code, scheme)
    of_kind = "" if kind is None else " AND d.kind = :kind"
    rows = store.query(
        f"""
        SELECT d.id, d.at, d.kind, d.points, d.ticket, d.note, d.recorded_by,
               coalesce(s.name, d.recorded_by) AS recorded_by_name
        FROM deductions d LEFT JOIN staff s ON s.code = d.recorded_by
        WHERE d.staff = :staff AND {DEDUCTION_IN} AND {DEDUCTION_COUNTS}{of_kind}
        ORDER BY d.at, d.id
        """,
        _params(person, judgement, scheme) | {"kind": kind},
    )
    kinds = scheme.adjustments_for(person.role)
    events = []
    for row in rows:
        priced = kinds.get(row["kind"])
        points = -priced.points_of(sql_points(row["points"] or 0)) if priced else Fraction(0)
        events.append(
            DeductionEvent(
                id=row["id"],
                at=datetime.fromisoformat(row["at"]),
                kind=row["kind"],
                points=points,
                zeroes=priced is not None and priced.forfeit,
                ticket=row["ticket"],
                note=row["note"],
                recorded_by=row["recorded_by"] if shows_reporter else None,
                recorded_by_name=row["recorded_by_name"] if shows_reporter else None,
            )
        )
    return DeductionFacts(
        person=person,
        events=events,
        points=sum((e.points for e in events), Fraction(0)),
        zeroed=any(e.zeroes for e in events),
        undecided=undecided_about(store, actor, person, judgement, scheme, "deduction", kind),
    )


@dataclass(frozen=True)
class CompletedTicket:
    """A ticket the person first completed in the period, as the completed-ticket measures read it.

    ``within``: completed within the KPI's hours (``resolved_within``, else None);
    ``reopened_at``: the first reopening within the KPI's days, which makes it no
    first-time fix (``first_time_fix``; None when it was not reopened so).
    """

    code: str
    received_at: datetime
    completed_at: datetime
    hours: Fraction
    within: bool | None
    reopened_at: datetime | None


@dataclass(frozen=True)
class CompletedFacts:
    """The tickets behind ``cycle_hours``, ``resolved_within``, ``first_time_fix`` or ``completed``:
    ``measured`` is the KPI's value worked out from them, as the ranking works it out."""

    person: Person
    kpi: Kpi
    tickets: list[CompletedTicket]
    hours: Fraction  # from receipt to completion, all the tickets' together
    measured: Measured


def completed_facts(
    store: Store, actor: Person, staff: str, judgement: Judgement, scheme: Scheme, spec: Kpi
) -> CompletedFacts:
    """The tickets the person first completed in the period (as the holder then), oldest first."""
    person = _person(store, actor, staff)
    _check_ranked(person)
    within = RESOLVED_WITHIN if spec.measure == "resolved_within" else "NULL"
    reopened = f"(SELECT min(h.at) {REOPENINGS})" if spec.measure == "first_time_fix" else "NULL"
    rows = store.query(
        f"""
        SELECT t.code, t.received_at, t.first_completed_at,
               {SECONDS_TO_COMPLETE} AS seconds, {within} AS within, {reopened} AS reopened
        FROM tickets t WHERE {COMPLETED_BY[person.role]} = :staff AND {COMPLETED_WINDOW}
        ORDER BY t.first_completed_at, t.code
        """,
        _params(person, judgement, scheme) | ticket_settings(spec),
    )
    tickets = [
        CompletedTicket(
            code=row["code"],
            received_at=datetime.fromisoformat(row["received_at"]),
            completed_at=datetime.fromisoformat(row["first_completed_at"]),
            hours=Fraction(row["seconds"], 3600),
            within=None if row["within"] is None else bool(row["within"]),
            reopened_at=_moment(row["reopened"]),
        )
        for row in rows
    ]
    counts = {
        "completed": len(tickets),
        "within": sum(bool(t.within) for t in tickets),
        "fixed": sum(t.reopened_at is None for t in tickets),
        "seconds": sum(row["seconds"] for row in rows),
    }
    hours = Fraction(counts["seconds"], 3600)
    return CompletedFacts(person, spec, tickets, hours, spec.spec.value(counts, spec.settings))


@dataclass(frozen=True)
class Dispatch:
    ticket: str
    received_at: datetime
    dispatched_at: datetime  # the first dispatch
    minutes: Fraction


@dataclass(frozen=True)
class DispatchFacts:
    """The tickets first dispatched in the period (``dispatch_minutes``), and their mean."""

    person: Person
    dispatches: list[Dispatch]
    minutes: Fraction  # from receipt to the first dispatch, all the tickets' together
    measured: Measured


def dispatch_facts(
    store: Store, actor: Person, staff: str, judgement: Judgement, scheme: Scheme
) -> DispatchFacts:
    """The person's tickets first dispatched in the period: an engineer's as the first one
    dispatched, a rep's as the ticket's rep; oldest first."""
    person = _person(store, actor, staff)
    _check_ranked(person)
    window = _window(person, judgement, scheme)
    rows = store.query(
        f"SELECT code, received_at, first, seconds"
        f" FROM ({first_dispatches_sql(window, person.role)})"
        " WHERE person = :staff ORDER BY first, code",
        _params(person, judgement, scheme),
    )
    dispatches = [
        Dispatch(
            ticket=row["code"],
            received_at=datetime.fromisoformat(row["received_at"]),
            dispatched_at=datetime.fromisoformat(row["first"]),
            minutes=Fraction(row["seconds"], 60),
        )
        for row in rows
    ]
    counts = {"dispatched": len(rows), "seconds": sum(row["seconds"] for row in rows)}
    minutes = Fraction(counts["seconds"], 60)
    return DispatchFacts(
        person, dispatches, minutes, MEASURES["dispatch_minutes"].value(counts, {})
    )


@dataclass(frozen=True)
class EnteredFacts:
    """A value entered from outside (``entered.NAME``): every entry of the period, oldest first;
    the last is the value that counts."""

    person: Person
    metric: str
    entries: list[ScoreEntry]
    measured: Measured


def entered_facts(
    store: Store, actor: Person, staff: str, judgement: Judgement, scheme: Scheme, metric: str
) -> EnteredFacts:
    """Who entered each value is told to the person it counts for only where the scheme
    shows reporters (:func:`storage.scores.score_history` keeps it from them)."""
    person = _person(store, actor, staff)
    entries = score_history(store, actor, scheme, staff, judgement.period, metric)
    given = {"value": entries[-1].value} if entries else {}
    return EnteredFacts(person, metric, entries, ENTERED.value(given, {}))


@dataclass(frozen=True)
class AttendanceMonth:
    month: str
    days: int | None  # days at work
    absent: int | None  # days absent, where the record says


@dataclass(frozen=True)
class AbsenceFacts:
    """The attendance records of the period's months (``attendance.absent``)."""

    person: Person
    months: list[AttendanceMonth]
    measured: Measured


def absence_facts(
    store: Store, actor: Person, staff: str, judgement: Judgement, scheme: Scheme
) -> AbsenceFacts:
    person = _person(store, actor, staff)
    rows = store.query(
        "SELECT month, days, absent FROM attendance"
        " WHERE staff = :staff AND month >= :first_month AND month <= :last_month ORDER BY month",
        _params(person, judgement, scheme),
    )
    months = [AttendanceMonth(row["month"], row["days"], row["absent"]) for row in rows]
    said = [m.absent for m in months if m.absent is not None]
    counts = {"absent": sum(said)} if said else {}
    return AbsenceFacts(person, months, MEASURES["attendance.absent"].value(counts, {}))


@dataclass(frozen=True)
class KindFacts:
    """The events of one adjustment kind (``adjustments.KIND``): their number is the value."""

    events: DeductionFacts
    kind: str
    measured: Measured


KpiFacts = (
    TimelinessFacts
    | SatisfactionFacts
    | WorkloadFacts
    | FeedbackFacts
    | CompletedFacts
    | DispatchFacts
    | EnteredFacts
    | AbsenceFacts
    | KindFacts
)


def kpi_facts(
    store: Store, actor: Person, staff: str, judgement: Judgement, scheme: Scheme, spec: Kpi
) -> KpiFacts:
    """The facts behind one KPI of the person's row: what its measure counted.

    ``scheme`` gives the period's window (open limit, day basis); ``spec`` is
    the KPI as the row was judged by it (its settings: hours, days, threshold).
    The facts of a KPI that tell of other people are refused to the person themself
    (:func:`fieldkpi.access.can_see_facts` says which, for a screen to leave out).
    """
    args = (store, actor, staff, judgement, scheme)
    m = spec.measure
    if m == "timeliness":
        return timeliness_facts(*args)
    if m in ("satisfaction_rate", "satisfaction_mean"):
        return satisfaction_facts(*args, spec.settings.get("threshold"))
    if m in ("saturation", "workload"):
        return workload_facts(*args, m)
    if m == "feedback_rate":
        return feedback_facts(*args)
    if m in ("resolved_within", "first_time_fix", "cycle_hours", "completed"):
        return completed_facts(*args, spec)
    if m == "dispatch_minutes":
        return dispatch_facts(*args)
    if m == "attendance.absent":
        return absence_facts(*args)
    family, _dot, name = m.partition(".")
    if family == "adjustments":
        events = deduction_facts(*args, kind=name)
        return KindFacts(events, name, ADJUSTMENT_COUNT.value({"events": len(events.events)}, {}))
    metric = entered_metric(m)
    assert metric is not None  # every other measure is entered (checked when the scheme was read)
    return entered_facts(*args, metric)


def fix_first_list(
    store: Store, actor: Person, staff: str, now: datetime, scheme: Scheme
) -> list[FixFirst]:
    """The person's open tickets, most urgent first (see :func:`fieldkpi.buckets.fix_first`)."""
    person = _person(store, actor, staff)
    _check_ranked(person)
    rows = store.query(
        f"""
        SELECT t.code, t.kind, t.status, t.received_at, t.customer FROM tickets t
        WHERE {SERVED_BY[person.role]} = ? AND t.{OPEN_TICKET}
        """,
        (person.code,),
    )
    tickets = [
        OpenTicket(
            code=row["code"],
            kind=row["kind"],
            status=row["status"],
            received_at=datetime.fromisoformat(row["received_at"]),
            customer=row["customer"],
        )
        for row in rows
    ]
    return fix_first(tickets, now, scheme)
