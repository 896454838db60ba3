"""Values entered from outside for a period (schemes.md ``entered.*``): a lead types them, or
the ``scores`` CSV kind imports them.

Every entry is a new row of the append-only ``scores`` table (m011): the
latest row of a (period, staff, metric) is the value, the ones before it
its history, with who entered each and when.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal

from fieldkpi import access
from fieldkpi.figures import Person
from fieldkpi.i18n import _
from fieldkpi.measures import entered_metric
from fieldkpi.period import Judgement, Period, stamp
from fieldkpi.scheme import Scheme
from storage.csvrows import CellError, DecimalText, TooLarge
from storage.db import Store
from storage.errors import Changed, NotFound
from storage.measures import ranked_people
from storage.people import staff_by_code
from storage.typed import FieldErrors, free_text


@dataclass(frozen=True)
class ScoreEntry:
    """One entry of a value: the value, its note, who entered it and when."""

    period: str
    staff: str
    metric: str
    value: Decimal
    note: str | None
    at: str
    by: str | None  # None: kept from the person it counts for (see score_history)
    by_name: str | None
    id: int  # the entry's row: what a change is typed against (see ValueChanged)


class ValueChanged(Changed):
    """Someone entered the value after the entry the person typed theirs against.

    The form keeps what was typed and ``current`` becomes the entry it
    replaces, so saving again replaces it knowingly.
    """

    def __init__(self, current: ScoreEntry) -> None:
        self.current = current
        super().__init__(
            _("{name} entered {value} at {at} while you were typing.").format(
                name=current.by_name, value=current.value, at=current.at
            )
        )


def parse_value(text: str) -> Decimal:
    """A typed value, read as a scores file's cell is (:class:`storage.csvrows.DecimalText`:
    ``12.5``, ``93%`` a share, a Chinese input method's full-width ``９３％``), thousands
    separated by commas, and at most six decimals: more is a slip of the keyboard, not a
    value anyone enters. ``1e-400`` (which ``Decimal`` takes) is no number here either.
    """
    try:
        value = Decimal(DecimalText()(text.strip().replace(",", "")))
    except TooLarge as exc:
        raise ValueError(_("Enter a number between −1,000,000 and 1,000,000.")) from exc
    except CellError as exc:
        raise ValueError(_("Enter a number, like 85 or 0.93 or 93%.")) from exc
    if value.as_tuple().exponent < -6:
        raise ValueError(_("Enter a number, like 85 or 0.93 or 93%."))
    return value


def record_score(
    store: Store,
    actor: Person,
    scheme: Scheme,
    staff: str,
    period: Period,
    metric: str,
    value: str,
    note: str = "",
    now: datetime | None = None,
    *,
    replacing: ScoreEntry | None,
) -> ScoreEntry:
    """Enter (or change) a value of the person's scheme for a period; the lead's or an admin's.

    A value the scheme takes as a fraction is refused outside its range
    (:mod:`fieldkpi.entered`: 93 typed for 93 %).

    ``replacing`` is the entry the person saw as the value (``None``: none
    yet). If another has been entered since, nothing is saved
    (:class:`ValueChanged`): two leads typing the same value never silently
    overwrite each other.
    """
    person = staff_by_code(store, staff)
    if person is None:
        raise NotFound(_("There is nobody with the code {code}.").format(code=staff))
    access.check_enter_scores(actor, person.branch)
    errors = {}
    if metric not in scheme.entered_metrics(person.role):
        errors["metric"] = _("{name}'s scheme takes no value called {metric}.").format(
            name=person.name, metric=metric
        )
    try:
        number = parse_value(value)
    except ValueError as exc:
        errors["value"] = str(exc)
    else:
        fraction = scheme.entered_range(person.role, metric)
        if fraction is not None and not fraction.takes(number):
            errors["value"] = fraction.refusal(number)
    if errors:
        raise FieldErrors(errors)
    now = (now or datetime.now()).replace(microsecond=0)
    at = stamp(now)
    text = free_text(note, "note") or None
    with store.write_as(actor, now) as db:
        current = _latest(store, person.code, period, metric)
        if (current and current.id) != (replacing and replacing.id):
            raise ValueChanged(current)
        row = db.execute(
            "INSERT INTO scores (period, staff, metric, value, note, at, by)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (str(period), person.code, metric, str(number), text, at, actor.code),
        ).lastrowid
    return ScoreEntry(
        str(period), person.code, metric, number, text, at, actor.code, actor.name, row
    )


def score_history(
    store: Store, actor: Person, scheme: Scheme, staff: str, period: Period, metric: str
) -> list[ScoreEntry]:
    """Every entry of one value, oldest first.

    Who entered each is told to the person the value counts for only where ``scheme`` (the
    one the period is judged by) shows reporters (:func:`fieldkpi.access.sees_reporter`), as
    who recorded their events is; their lead and admins are always told.
    """
    person = staff_by_code(store, staff)
    if person is None:
        raise NotFound(_("There is nobody with the code {code}.").format(code=staff))
    access.check_see_figures(actor, person)
    entries = _entries(store, staff, period, metric)
    if access.sees_reporter(actor, person.code, scheme):
        return entries
    return [replace(entry, by=None, by_name=None) for entry in entries]


def _latest(store: Store, staff: str, period: Period, metric: str) -> ScoreEntry | None:
    """The value in force: the last entry (the same rows as the history, from its end)."""
    entries = _entries(store, staff, period, metric, latest=True)
    return entries[0] if entries else None


def _entries(
    store: Store, staff: str, period: Period, metric: str, *, latest: bool = False
) -> list[ScoreEntry]:
    newest_first = "DESC LIMIT 1" if latest else ""
    rows = store.query(
        f"""
        SELECT sc.*, coalesce(s.name, sc.by) AS by_name FROM scores sc
        LEFT JOIN staff s ON s.code = sc.by
        WHERE sc.period = ? AND sc.staff = ? AND sc.metric = ? ORDER BY sc.id {newest_first}
        """,
        (str(period), staff, metric),
    )
    return [_entry(row) for row in rows]


def latest_scores(
    store: Store, actor: Person, branch: str, period: Period
) -> dict[tuple[str, str], ScoreEntry]:
    """The current value of each (staff, metric) of a branch's period."""
    access.check_enter_scores(actor, branch)
    rows = store.query(
        """
        SELECT sc.*, coalesce(s.name, sc.by) AS by_name FROM scores sc
        JOIN staff p ON p.code = sc.staff AND p.branch = :branch
        LEFT JOIN staff s ON s.code = sc.by
        WHERE sc.period = :period AND sc.id = (
            SELECT max(l.id) FROM scores l
            WHERE l.period = sc.period AND l.staff = sc.staff AND l.metric = sc.metric)
        """,
        {"branch": branch, "period": str(period)},
    )
    return {(row["staff"], row["metric"]): _entry(row) for row in rows}


@dataclass(frozen=True)
class SheetLine:
    """One value a ranked person's scheme takes from outside, and its latest entry if any."""

    person: Person
    metric: str
    entry: ScoreEntry | None


def score_sheet(
    store: Store, actor: Person, branch: str, period: Period, scheme: Scheme
) -> list[SheetLine]:
    """Every value the branch's period needs, by role, person and metric: what a lead fills in."""
    access.check_enter_scores(actor, branch)  # the branch's people are listed below
    latest = latest_scores(store, actor, branch, period)
    return [
        SheetLine(person, metric, latest.get((person.code, metric)))
        for person, metric in _wanted(store, scheme, period, branch)
    ]


def missing_scores(
    store: Store, scheme: Scheme, period: Period, branch: str | None = None
) -> list[tuple[Person, str]]:
    """Each ranked person of the scheme's roles and a metric of theirs with no value entered."""
    entered = {
        (row[0], row[1])
        for row in store.query(
            "SELECT DISTINCT staff, metric FROM scores WHERE period = ?", (str(period),)
        )
    }
    return [
        (person, m)
        for person, m in _wanted(store, scheme, period, branch)
        if (person.code, m) not in entered
    ]


def _wanted(
    store: Store, scheme: Scheme, period: Period, branch: str | None
) -> list[tuple[Person, str]]:
    """Each ranked person of the scheme's roles with each metric their scheme enters, by KPI."""
    judgement = Judgement(period, period.end)
    wanted = []
    for role in scheme.roles:
        kpis = scheme.kpis_of(role)
        metrics = list(dict.fromkeys(m for k in kpis if (m := entered_metric(k.measure))))
        if metrics:
            for person in ranked_people(store, branch, role, judgement):
                wanted += [(person, m) for m in metrics]
    return wanted


def _entry(row) -> ScoreEntry:
    return ScoreEntry(
        row["period"],
        row["staff"],
        row["metric"],
        Decimal(row["value"]),
        row["note"],
        row["at"],
        row["by"],
        row["by_name"],
        row["id"],
    )
