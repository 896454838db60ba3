"""The facts behind each number of a person's month, row by row.

Every list is selected with the WHERE terms :mod:`storage.figures` counts
with (and the same :class:`~storage.figures.Window`), so what the drill-down
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
from fieldkpi.figures import Person, PersonFigures
from fieldkpi.i18n import _
from fieldkpi.period import Judgement
from fieldkpi.scheme import ENTERED_KINDS, Scheme
from storage.db import Store
from storage.errors import NotFound
from storage.figures import (
    ACTIONS_SINCE,
    COMPLETED_IN_WINDOW,
    COUNTED_DEDUCTION,
    OPEN_OVER_LIMIT,
    OWNER_COLUMN,
    PROBLEM_IN_WINDOW,
    RATED_IN_WINDOW,
    TICKET_DAY,
    VISIT_IN_WINDOW,
    Window,
    sql_points,
    workload_months,
)
from storage.migrations import OPEN_TICKET
from storage.people import staff_by_code


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
    """§4: the rated callbacks of the period; ``satisfied`` / ``rated`` = ``satisfaction``."""

    person: Person
    callbacks: list[Callback]
    satisfied: int
    rated: int
    satisfaction: Fraction


@dataclass(frozen=True)
class WorkloadFacts:
    """§3 for a rep: actions per kind and per date, days worked, and the branch's annual maximum.

    ``annual_max_by`` / ``annual_max_name`` say whose month set the maximum
    (``annual_max_month``); they are ``None`` unless the asker sees the
    branch's rankings, since they are another person's figure.
    """

    person: Person
    per_kind: dict[str, int]
    per_day: list[tuple[date, int]]
    workload: int
    attendance_days: int | None
    active_days: int
    days: int
    daily: Fraction
    annual_max: Fraction
    annual_max_month: str | None
    annual_max_by: str | None
    annual_max_name: str | None
    saturation: Fraction
    first_month: bool


@dataclass(frozen=True)
class ProblemReport:
    at: datetime
    engineer: str
    engineer_name: str
    ticket: str | None
    points: Fraction
    note: str | None


@dataclass(frozen=True)
class Visit:
    ticket: str
    kind: str
    at: datetime  # visited_at, else completed_at


@dataclass(frozen=True)
class FeedbackFacts:
    """§2 for a rep: ``problem_points`` / ``len(visits)`` = ``rate``."""

    person: Person
    problems: list[ProblemReport]
    visits: list[Visit]
    problem_points: Fraction
    rate: Fraction


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
    person: Person
    events: list[DeductionEvent]
    points: Fraction
    zeroed: bool


def _person(store: Store, actor: Person, staff: str) -> Person:
    person = staff_by_code(store, staff)
    if person is None:
        raise NotFound(_("There is nobody with the code {code}.").format(code=staff))
    access.check_see_figures(actor, person)
    return person


def _owner(person: Person) -> str:
    """The ticket column that makes a ticket the person's (kpi-rules §1, §4)."""
    if person.role not in OWNER_COLUMN:
        raise NotFound(
            _("{name} is neither a rep nor an engineer: there are no figures.").format(
                name=person.name
            )
        )
    return f"t.{OWNER_COLUMN[person.role]}"


def _params(person: Person, judgement: Judgement, scheme: Scheme) -> dict[str, object]:
    window = Window(judgement, scheme.open_days, None)
    return window.params | {"staff": person.code, "since": window.params["start"]}


def _moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def timeliness_facts(
    store: Store, actor: Person, staff: str, judgement: Judgement, scheme: Scheme
) -> TimelinessFacts:
    """The tickets behind a person's timeliness, bucket by bucket, with each one's points."""
    person = _person(store, actor, staff)
    owner = _owner(person)
    rows = store.query(
        f"""
        SELECT t.code, t.received_at, t.completed_at, {TICKET_DAY} AS day FROM tickets t
        WHERE {owner} = :staff AND {COMPLETED_IN_WINDOW}
        UNION ALL
        SELECT t.code, t.received_at, t.completed_at, NULL FROM tickets t
        WHERE {owner} = :staff AND {OPEN_OVER_LIMIT[0]}
        UNION ALL
        SELECT t.code, t.received_at, t.completed_at, NULL FROM tickets t
        WHERE {owner} = :staff AND {OPEN_OVER_LIMIT[1]}
        """,
        _params(person, judgement, scheme),
    )
    tickets = [
        counted_ticket(
            row["code"],
            datetime.fromisoformat(row["received_at"]),
            _moment(row["completed_at"]),
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
        timeliness=kpi.timeliness(counts, scheme),
    )


def satisfaction_facts(
    store: Store, actor: Person, staff: str, judgement: Judgement, scheme: Scheme
) -> SatisfactionFacts:
    """The rated callbacks of the period on the person's tickets, oldest first."""
    person = _person(store, actor, staff)
    owner = _owner(person)
    rows = store.query(
        f"""
        SELECT t.code, t.callback_at, t.rating, t.callback_note FROM tickets t
        WHERE {owner} = :staff AND {RATED_IN_WINDOW}
        ORDER BY t.callback_at, t.code
        """,
        _params(person, judgement, scheme),
    )
    ratings = [0] * 5
    for row in rows:
        ratings[row["rating"] - 1] += 1
    callbacks = [
        Callback(
            ticket=row["code"],
            callback_at=datetime.fromisoformat(row["callback_at"]),
            rating=row["rating"],
            note=row["callback_note"],
            satisfied=row["rating"] >= scheme.satisfied_min_rating,
        )
        for row in rows
    ]
    return SatisfactionFacts(
        person=person,
        callbacks=callbacks,
        satisfied=sum(c.satisfied for c in callbacks),
        rated=len(callbacks),
        satisfaction=kpi.satisfaction(ratings, scheme),
    )


def workload_facts(
    store: Store, actor: Person, staff: str, judgement: Judgement, scheme: Scheme
) -> WorkloadFacts:
    """A rep's actions of the period, the days they count over, and the annual maximum."""
    person = _person(store, actor, staff)
    params = _params(person, judgement, scheme)
    with store.read():
        per_kind = {
            row[0]: row[1]
            for row in store.query(
                f"""
                SELECT a.action, count(*) FROM actions a
                WHERE a.staff = :staff AND {ACTIONS_SINCE} GROUP BY a.action ORDER BY a.action
                """,
                params,
            )
        }
        per_day = [
            (date.fromisoformat(row[0]), row[1])
            for row in store.query(
                f"""
                SELECT substr(a.at, 1, 10) AS day, count(*) FROM actions a
                WHERE a.staff = :staff AND {ACTIONS_SINCE} GROUP BY day ORDER BY day
                """,
                params,
            )
        ]
        attendance = store.scalar(
            "SELECT days FROM attendance WHERE staff = :staff AND month = :month", params
        )
        branch_window = Window(judgement, scheme.open_days, person.branch)
        history = workload_months(store, branch_window, since=branch_window.params["year_start"])
    annual_max, whose = kpi.annual_max_daily(month for _branch, month in history)
    mine = PersonFigures(
        person,
        workload=sum(per_kind.values()),
        attendance_days=attendance,
        active_days=len(per_day),
    )
    shown = whose is not None and access.can_see_rankings(actor, person.branch)
    holder = staff_by_code(store, whose.staff) if shown else None
    return WorkloadFacts(
        person=person,
        per_kind=per_kind,
        per_day=per_day,
        workload=mine.workload,
        attendance_days=attendance,
        active_days=mine.active_days,
        days=kpi.days_worked(attendance, mine.active_days),
        daily=kpi.daily_workload(mine.workload, attendance, mine.active_days),
        annual_max=annual_max,
        annual_max_month=whose.period if whose else None,
        annual_max_by=whose.staff if shown else None,
        annual_max_name=holder.name if holder else None,
        saturation=kpi.saturation(mine, annual_max),
        first_month=person.hired_on is not None and judgement.period.contains(person.hired_on),
    )


def feedback_facts(
    store: Store, actor: Person, staff: str, judgement: Judgement, scheme: Scheme
) -> FeedbackFacts:
    """A rep's engineer-problem reports of the period, and the on-site visits they are per."""
    person = _person(store, actor, staff)
    params = _params(person, judgement, scheme)
    with store.read():
        problem_rows = store.query(
            f"""
            SELECT p.at, p.engineer, coalesce(s.name, p.engineer) AS engineer_name,
                   p.ticket, p.points, p.note
            FROM problems p LEFT JOIN staff s ON s.code = p.engineer
            WHERE p.rep = :staff AND {PROBLEM_IN_WINDOW} ORDER BY p.at, p.id
            """,
            params,
        )
        visit_rows = store.query(
            f"""
            SELECT t.code, t.kind, coalesce(t.visited_at, t.completed_at) AS visit FROM tickets t
            WHERE t.rep = :staff AND {VISIT_IN_WINDOW} ORDER BY visit, t.code
            """,
            params,
        )
    problems = [
        ProblemReport(
            at=datetime.fromisoformat(row["at"]),
            engineer=row["engineer"],
            engineer_name=row["engineer_name"],
            ticket=row["ticket"],
            points=(
                scheme.problem_default_points
                if row["points"] is None
                else sql_points(row["points"])
            ),
            note=row["note"],
        )
        for row in problem_rows
    ]
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
    )


def deduction_facts(
    store: Store, actor: Person, staff: str, judgement: Judgement, scheme: Scheme
) -> DeductionFacts:
    """The deduction events counted in the period, each with who recorded it."""
    person = _person(store, actor, staff)
    rows = store.query(
        f"""
        SELECT d.id, d.at, d.kind, d.points, d.ticket, d.note, d.recorded_by,
               coalesce(s.name, d.recorded_by) AS recorded_by_name
        FROM deductions d LEFT JOIN staff s ON s.code = d.recorded_by
        WHERE d.staff = :staff AND {COUNTED_DEDUCTION} ORDER BY d.at, d.id
        """,
        _params(person, judgement, scheme),
    )
    events = []
    for row in rows:
        points, zeroes = kpi.deduction(_one_event(person, row["kind"], row["points"]), scheme)
        events.append(
            DeductionEvent(
                id=row["id"],
                at=datetime.fromisoformat(row["at"]),
                kind=row["kind"],
                points=points,
                zeroes=zeroes,
                ticket=row["ticket"],
                note=row["note"],
                recorded_by=row["recorded_by"],
                recorded_by_name=row["recorded_by_name"],
            )
        )
    return DeductionFacts(
        person=person,
        events=events,
        points=sum((e.points for e in events), Fraction(0)),
        zeroed=any(e.zeroes for e in events),
    )


def _one_event(person: Person, kind: str, entered: float | None) -> PersonFigures:
    """A single event as figures, so that :func:`kpi.deduction` prices it by the rule itself."""
    points = sql_points(entered) if kind in ENTERED_KINDS and entered is not None else Fraction(0)
    return PersonFigures(person, deductions={kind: 1}, entered_deduction_points=points)


def fix_first_list(
    store: Store, actor: Person, staff: str, now: datetime, scheme: Scheme
) -> list[FixFirst]:
    """The person's open tickets, most urgent first (see :func:`fieldkpi.buckets.fix_first`)."""
    person = _person(store, actor, staff)
    owner = _owner(person)
    rows = store.query(
        f"""
        SELECT t.code, t.kind, t.status, t.received_at, t.customer FROM tickets t
        WHERE {owner} = ? AND t.{OPEN_TICKET}
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
