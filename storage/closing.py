"""Closing a month: the ranking frozen with its scheme and as-of, and what a month shows after.

A closed month is paid from its frozen rows. Late data changes the live
figures, never the frozen ones, until an admin reopens the month; both the
closing and the reopening are rows of an append-only log (``month_closings``),
so who did what and when stays on record.

:func:`month_state`, :func:`frozen_rankings`, :func:`rankings_for` and
:func:`changed_people` check nobody: they serve ``fieldkpi rank`` (run by
whoever holds the database file) and the checked functions of
:mod:`storage.standings`, which screens call.
"""

from __future__ import annotations

import functools
import json
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import tomli_w

from fieldkpi import access
from fieldkpi.export import export_values
from fieldkpi.figures import RANKED_ROLES, Person
from fieldkpi.i18n import _, ngettext
from fieldkpi.live_figures import LiveChange
from fieldkpi.period import Judgement, Period, judge, periods_within, stamp
from fieldkpi.ranking import RankRow, export_order
from fieldkpi.scheme import Scheme, scheme_from_dict
from storage.db import Store
from storage.errors import NotFound, StorageError
from storage.event_rows import undecided
from storage.frozen import decode_row, encode_row, legacy_row
from storage.rankings import compute_rankings
from storage.typed import free_text


class ClosingRefused(StorageError):
    """The month cannot be closed or reopened now; the message says why."""


@dataclass(frozen=True)
class ClosedMonth:
    """A closed (branch, month): who closed it, when, and what its rows were judged by."""

    closing: int  # the log row; frozen rows hang off it
    branch: str
    period: Period
    closed_at: datetime
    closed_by: str
    closed_by_name: str
    as_of: datetime
    scheme: Scheme
    note: str | None


@dataclass(frozen=True)
class ClosingEvent:
    """One line of a month's log: a closing or a reopening."""

    id: int
    branch: str
    period: Period
    action: str  # "close" | "reopen"
    at: datetime
    by: str
    by_name: str
    as_of: datetime | None
    note: str | None


@dataclass(frozen=True)
class MonthBasis:
    """What a branch's month is judged by: the frozen as-of and scheme once closed."""

    judgement: Judgement
    scheme: Scheme
    closed: ClosedMonth | None

    @property
    def closings(self) -> dict[str, ClosedMonth]:
        """The closing in force as :func:`rankings_for` takes it, read already: none while open."""
        return {} if self.closed is None else {self.closed.branch: self.closed}


def still_running(period: Period) -> str:
    """Why a period that has not ended is not closed (the rankings' ``c`` says it at once)."""
    return _("{period} is still running: it can be closed once it has ended.").format(period=period)


def close_month(
    store: Store,
    actor: Person,
    branch: str,
    period: Period,
    scheme: Scheme,
    now: datetime,
    note: str = "",
) -> int:
    """Freeze the branch's ranking of a finished month; returns the closing's log id.

    The rows are computed and written in one write transaction, so they are
    exactly the ranking of the database as it stood when the month closed.
    Refused while an event of the period waits for the lead's decision: a
    pending or contested event never counts, so closing would settle it unheard.
    """
    access.check_close_month(actor, branch)
    note = free_text(note, "note")
    judgement = judge(period, now)
    if judgement.provisional:
        raise ClosingRefused(still_running(period))
    with store.write_as(actor, now) as db:
        _check_branch(store, branch)
        closed = month_state(store, branch, period)
        if closed is not None:
            raise ClosingRefused(
                _("{period} of branch {branch} was already closed by {name} at {at}.").format(
                    period=period,
                    branch=branch,
                    name=closed.closed_by_name,
                    at=stamp(closed.closed_at),
                )
            )
        waiting = undecided(store, branch, period)
        if waiting:  # they would never count: a contest made on the last day would win by it
            raise ClosingRefused(
                ngettext(
                    "{n} event of {period} still waits for your decision (recorded by a rep, "
                    "or contested): decide it first, then close.",
                    "{n} events of {period} still wait for your decision (recorded by a rep, "
                    "or contested): decide them first, then close.",
                    waiting,
                ).format(n=waiting, period=period)
            )
        rows = compute_rankings(store, judgement, lambda _branch: scheme, branch=branch)
        closing = db.execute(
            """
            INSERT INTO month_closings (branch, period, action, at, by, as_of, scheme, note)
            VALUES (?, ?, 'close', ?, ?, ?, ?, ?)
            """,
            (
                branch,
                str(period),
                stamp(now),
                actor.code,
                stamp(judgement.as_of),
                tomli_w.dumps(scheme.to_toml_dict()),
                note or None,
            ),
        ).lastrowid
        db.conn.executemany(
            "INSERT INTO frozen_rows (closing, position, branch, role, rank, staff_code, name,"
            " total, reward, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(closing, position, *encode_row(row)) for position, row in enumerate(rows)],
        )
    return closing


def reopen_month(
    store: Store, actor: Person, branch: str, period: Period, reason: str, now: datetime
) -> None:
    """Reopen a closed month (an admin, with a reason): live figures count again."""
    access.check_reopen_month(actor)
    reason = free_text(reason, "reason")
    if not reason:
        raise ClosingRefused(_("Say why the month is reopened: the reason is recorded."))
    with store.write_as(actor, now) as db:
        _check_branch(store, branch)
        if month_state(store, branch, period) is None:
            raise ClosingRefused(
                _("{period} of branch {branch} is not closed.").format(period=period, branch=branch)
            )
        db.execute(
            "INSERT INTO month_closings (branch, period, action, at, by, note) "
            "VALUES (?, ?, 'reopen', ?, ?, ?)",
            (branch, str(period), stamp(now), actor.code, reason),
        )


def _check_branch(store: Store, branch: str) -> None:
    if not store.scalar("SELECT 1 FROM branches WHERE code = ?", (branch,)):
        raise NotFound(_("There is no branch {code}.").format(code=branch))


_LOG_COLUMNS = """
    c.id, c.branch, c.period, c.action, c.at, c.by, coalesce(s.name, c.by) AS by_name,
    c.as_of, c.scheme, c.note
"""


_IN_FORCE = """c.id = (SELECT max(l.id) FROM month_closings l
                      WHERE l.period = c.period AND l.branch = c.branch)
          AND c.action = 'close'"""  # the latest log row of its (branch, period) is a closing


def closed_months(
    store: Store, period: Period, branch: str | None = None
) -> dict[str, ClosedMonth]:
    """The branches (or the one) whose month is closed now: its latest log row is a closing."""
    rows = store.query(
        f"""
        SELECT {_LOG_COLUMNS}
        FROM month_closings c LEFT JOIN staff s ON s.code = c.by
        WHERE c.period = :period AND (:branch IS NULL OR c.branch = :branch)
          AND {_IN_FORCE}
        """,
        {"period": str(period), "branch": branch},
    )
    return {row["branch"]: _closed(row, period) for row in rows}


def closed_within(store: Store, branch: str, first: date, last: date) -> list[ClosedMonth]:
    """The branch's periods of either kind closed now that lie within ``first``–``last``,
    oldest first: a trend's months and the closed periods of the other kind among them
    (:func:`storage.trends.judged_months`) are read at once."""
    rows = store.query(
        f"""
        SELECT {_LOG_COLUMNS}
        FROM month_closings c LEFT JOIN staff s ON s.code = c.by
        WHERE c.branch = :branch AND c.period IN (SELECT value FROM json_each(:periods))
          AND {_IN_FORCE}
        """,
        {"branch": branch, "periods": json.dumps([str(p) for p in periods_within(first, last)])},
    )
    closed = [_closed(row, Period.parse(row["period"])) for row in rows]
    return sorted(closed, key=lambda c: c.period)


def of_other_kind(closed: Iterable[ClosedMonth], kind: str) -> list[ClosedMonth]:
    """The closed periods not of ``kind``: months a branch closed before its scheme went
    quarterly (or quarters, before it went monthly), which keep their frozen figures
    whatever the scheme is now."""
    return [c for c in closed if c.period.kind != kind]


def closed_of_other_kind(
    store: Store, branch: str, kind: str, first: date, last: date
) -> list[ClosedMonth]:
    """The branch's closed periods not of ``kind`` that lie within ``first``–``last``, oldest
    first (:func:`of_other_kind`)."""
    return of_other_kind(closed_within(store, branch, first, last), kind)


def _closed(row: Any, period: Period) -> ClosedMonth:
    return ClosedMonth(
        closing=row["id"],
        branch=row["branch"],
        period=period,
        closed_at=datetime.fromisoformat(row["at"]),
        closed_by=row["by"],
        closed_by_name=row["by_name"],
        as_of=datetime.fromisoformat(row["as_of"]),
        scheme=frozen_scheme(
            row["scheme"], _("scheme frozen when {period} was closed").format(period=period)
        ),
        note=row["note"],
    )


@functools.lru_cache(maxsize=64)
def frozen_scheme(text: str, name: str) -> Scheme:
    """The scheme a closing froze, from its TOML text, parsed once a process.

    What a closing froze never changes, and the branches that close a period
    on the same scheme froze the same text: the whole country's closed month
    is one parse, not one per branch (~2 ms each), and a lead's twelve months
    are parsed once a session, not on every load. A scheme is never changed
    once built, so one may serve every reader.
    """
    return scheme_from_dict(tomllib.loads(text), name)


def month_state(store: Store, branch: str, period: Period) -> ClosedMonth | None:
    """The closing in force for the branch's month, or ``None`` while it is open."""
    return closed_months(store, period, branch).get(branch)


def closed_over(store: Store, branch: str, day: date) -> ClosedMonth | None:
    """The closing in force over ``day``: of its month, or of its quarter (a branch that
    appraises by quarters closes those); ``None`` while neither is closed."""
    for period in (Period.of(day), Period.of(day, "quarter")):
        closed = month_state(store, branch, period)
        if closed is not None:
            return closed
    return None


def period_in_force(
    store: Store, actor: Person, branch: str, period: Period, kind: str, today: date
) -> Period:
    """The period a screen reads when ``period`` is asked of a branch whose scheme has ``kind``:
    itself when of that kind or closed (a closed period keeps its frozen figures whatever the
    scheme is now), else the period of ``kind`` it falls in (:meth:`Period.as_kind`).

    Whether a period is closed is for the branch's own people and who sees its rankings
    (:func:`fieldkpi.access.check_see_periods`).
    """
    access.check_see_periods(actor, branch)
    if period.kind == kind or month_state(store, branch, period) is not None:
        return period
    return period.as_kind(kind, today)


def month_log(store: Store, branch: str, period: Period) -> list[ClosingEvent]:
    """Every closing and reopening of the branch's month, oldest first."""
    rows = store.query(
        f"""
        SELECT {_LOG_COLUMNS}
        FROM month_closings c LEFT JOIN staff s ON s.code = c.by
        WHERE c.period = ? AND c.branch = ? ORDER BY c.id
        """,
        (str(period), branch),
    )
    return [
        ClosingEvent(
            id=row["id"],
            branch=row["branch"],
            period=period,
            action=row["action"],
            at=datetime.fromisoformat(row["at"]),
            by=row["by"],
            by_name=row["by_name"],
            as_of=datetime.fromisoformat(row["as_of"]) if row["as_of"] else None,
            note=row["note"],
        )
        for row in rows
    ]


def frozen_rankings(
    store: Store, branch: str, period: Period, role: str | None = None
) -> list[RankRow] | None:
    """The rows frozen when the period was closed (in export order); ``None`` if it is open."""
    closed = month_state(store, branch, period)
    return None if closed is None else _frozen_rows(store, closed, (role,) if role else None)


def _frozen_rows(store: Store, closed: ClosedMonth, roles: Iterable[str] | None) -> list[RankRow]:
    wanted = None if roles is None else set(roles)
    rows = store.query(
        "SELECT * FROM frozen_rows WHERE closing = ? ORDER BY position", (closed.closing,)
    )
    if rows:
        return [decode_row(r, closed.scheme) for r in rows if wanted is None or r["role"] in wanted]
    rows = store.query(  # closed before m012
        "SELECT * FROM frozen_rankings WHERE closing = ? ORDER BY position", (closed.closing,)
    )
    return [legacy_row(r, closed.scheme) for r in rows if wanted is None or r["role"] in wanted]


def rankings_for(
    store: Store,
    judgement: Judgement,
    scheme_for: Callable[[str], Scheme],
    *,
    branch: str | None = None,
    roles: Iterable[str] = RANKED_ROLES,
    closings: Mapping[str, ClosedMonth] | None = None,
) -> list[RankRow]:
    """Like :func:`compute_rankings`, but a closed month gives its frozen rows.

    Frozen rows stand for the month judged as it was closed (at its end); a
    judgement at another moment (``--as-of``) is computed live. ``closings``
    are the period's (:func:`closed_months` of ``branch``, or of every branch)
    when the caller has read them already (:attr:`MonthBasis.closings`): a load
    reads each closing, and parses its frozen scheme, once.
    """
    roles = tuple(roles)
    if closings is None:
        closings = closed_months(store, judgement.period, branch)
    frozen = {code: closed for code, closed in closings.items() if closed.as_of == judgement.as_of}
    if branch is not None and branch in frozen:
        return _frozen_rows(store, frozen[branch], roles)
    rows = compute_rankings(store, judgement, scheme_for, branch=branch, roles=roles)
    if not frozen:
        return rows
    rows = [row for row in rows if row.branch not in frozen]
    for closed in frozen.values():
        rows.extend(_frozen_rows(store, closed, roles))
    rows.sort(key=export_order)
    return rows


def changed_people(
    store: Store,
    branch: str,
    period: Period,
    *,
    closed: ClosedMonth | None = None,
    frozen: Sequence[RankRow] | None = None,
    roles: Iterable[str] = RANKED_ROLES,
) -> dict[str, LiveChange]:
    """The people of ``roles`` whose live row (same as-of, scheme) now differs from the frozen
    one, by code: each with both rows, so a lead reads by how much
    (:func:`fieldkpi.live_figures.change_line`).

    Compared as exported (rounded), so it names exactly the people whose export
    would change if the month were reopened. Empty for an open month. A caller
    that has read the closing (``closed``: :attr:`MonthBasis.closed`) and its
    rows of ``roles`` (``frozen``) gives them: a load reads a closing once.

    The name is the live row's, else the frozen one's: someone added after the
    closing has no frozen row, and is named all the same (a banner of bare codes
    among names reads as a fault).
    """
    closed = closed or month_state(store, branch, period)
    if closed is None:
        return {}
    roles = tuple(roles)
    if frozen is None:
        frozen = _frozen_rows(store, closed, roles)
    live = compute_rankings(
        store,
        Judgement(period, closed.as_of),
        lambda _branch: closed.scheme,
        branch=branch,
        roles=roles,
    )
    before = {row.staff_code: row for row in frozen}
    after = {row.staff_code: row for row in live}
    return {
        code: LiveChange(
            code, (after.get(code) or before[code]).name, before.get(code), after.get(code)
        )
        for code in sorted(before.keys() | after.keys())
        if _exported(before.get(code)) != _exported(after.get(code))
    }


def _exported(row: RankRow | None) -> dict[str, Any] | None:
    return None if row is None else export_values(row)


def month_basis(
    store: Store,
    branch: str,
    period: Period,
    scheme_for: Callable[[str], Scheme],
    now: datetime,
) -> MonthBasis:
    """The judgement and scheme for a branch's month: frozen ones once it is closed."""
    return basis_of(branch, period, month_state(store, branch, period), scheme_for, now)


def basis_of(
    branch: str,
    period: Period,
    closed: ClosedMonth | None,
    scheme_for: Callable[[str], Scheme],
    now: datetime,
) -> MonthBasis:
    """:func:`month_basis` of a period whose closing in force (``closed``) was read already."""
    if closed is None:
        return MonthBasis(judge(period, now), scheme_for(branch), None)
    return MonthBasis(Judgement(period, closed.as_of), closed.scheme, closed)


def schemes_in_force(
    scheme_for: Callable[[str], Scheme], closings: Mapping[str, ClosedMonth]
) -> Callable[[str], Scheme]:
    """``scheme_for``, but a branch whose closed period is of another kind than its scheme's now
    gets the scheme that period was closed with: GZ closed October, then went quarterly, and
    October is still a month of GZ's, ranked (and paid) by its frozen rows."""

    def scheme(branch: str) -> Scheme:
        now = scheme_for(branch)
        closed = closings.get(branch)
        return closed.scheme if closed and closed.period.kind != now.period else now

    return scheme
