"""Timeliness ticket by ticket: the bucket each falls in, its points, and what to fix first.

kpi-rules §1 counts tickets per bucket. A count is argued over ticket by
ticket, so the drill-down lists every ticket with its bucket and points, and
the engineer's "fix first" list says which open ticket costs the most by
waiting: every midnight an open ticket moves to a worse bucket, and a ticket
still open past the limit at the month's end costs the open points (−150).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from fractions import Fraction

from fieldkpi.figures import TicketCounts
from fieldkpi.scheme import Scheme
from fieldkpi.tickets import age_bucket, age_days

DAY_BUCKETS = tuple(f"d{day}" for day in range(1, 8))
BUCKETS = (*DAY_BUCKETS, "late", "open30")


def bucket_points(bucket: str, scheme: Scheme) -> Fraction:
    """The points one ticket in this bucket adds to the timeliness sum."""
    if bucket == "late":
        return scheme.settings["late_points"]
    if bucket == "open30":
        return scheme.settings["open_points"]
    return scheme.settings["bucket_points"][DAY_BUCKETS.index(bucket)]


@dataclass(frozen=True)
class CountedTicket:
    """A ticket in a person's timeliness: completed in the period, or open past the limit."""

    code: str
    received_at: datetime
    completed_at: datetime | None  # for one open past the limit: None, or after as-of
    day: int | None  # §1's day of completion; None for one open past the limit
    bucket: str
    points: Fraction


def counted_ticket(
    code: str,
    received_at: datetime,
    completed_at: datetime | None,
    day: int | None,
    scheme: Scheme,
) -> CountedTicket:
    """Place a ticket storage found in the period: ``day`` None means open past the limit."""
    bucket = "open30" if day is None else age_bucket(day, still_open=False)
    return CountedTicket(
        code, received_at, completed_at, day, bucket, bucket_points(bucket, scheme)
    )


@dataclass(frozen=True)
class BucketTotal:
    """One bar of the bucket chart: its tickets and the points they add together."""

    bucket: str
    tickets: tuple[CountedTicket, ...]

    @property
    def count(self) -> int:
        return len(self.tickets)

    @property
    def points(self) -> Fraction:
        return sum((t.points for t in self.tickets), Fraction(0))


def by_bucket(tickets: Iterable[CountedTicket]) -> tuple[BucketTotal, ...]:
    """Every bucket in chart order (empty ones too), tickets oldest received first."""
    ordered = sorted(tickets, key=lambda t: (t.received_at, t.code))
    return tuple(
        BucketTotal(bucket, tuple(t for t in ordered if t.bucket == bucket)) for bucket in BUCKETS
    )


def counts_of(tickets: Iterable[CountedTicket]) -> TicketCounts:
    """The counts :func:`fieldkpi.kpi.timeliness` takes, from the tickets listed."""
    per_bucket = {bucket: 0 for bucket in BUCKETS}
    for ticket in tickets:
        per_bucket[ticket.bucket] += 1
    return TicketCounts(
        by_day=tuple(per_bucket[b] for b in DAY_BUCKETS),
        late=per_bucket["late"],
        open_over=per_bucket["open30"],
    )


@dataclass(frozen=True)
class OpenTicket:
    """A ticket not yet completed, as the fix-first list shows it."""

    code: str
    kind: str
    status: str
    received_at: datetime
    customer: str | None = None


@dataclass(frozen=True)
class FixFirst:
    """One open ticket: what completing it today earns, and what waiting costs.

    ``drops_at`` is the midnight at which it lands in ``next_bucket`` and loses
    ``at_stake`` points. A ticket already open past the limit has no next drop
    (``drops_at`` None); its ``at_stake`` is what completing it this month wins
    back: it then counts as late instead of open past the limit.
    """

    ticket: OpenTicket
    bucket: str
    points: Fraction
    drops_at: datetime | None
    next_bucket: str | None
    at_stake: Fraction

    @property
    def change(self) -> Fraction:
        """What the step a person is shown does to the points: the drop to ``next_bucket``
        loses ``at_stake`` (negative); past the limit, completing wins it back (positive)."""
        return self.at_stake if self.drops_at is None else -self.at_stake


def fix_first(tickets: Iterable[OpenTicket], now: datetime, scheme: Scheme) -> list[FixFirst]:
    """Open tickets, most urgent first.

    Those already past the limit come first (oldest first): each costs the
    open points until completed. The rest by how soon they drop, then by the
    points that drop costs, then oldest first.
    """
    entries = [_entry(ticket, now.date(), scheme) for ticket in tickets]
    return sorted(
        entries,
        key=lambda e: (
            e.drops_at is not None,
            e.drops_at or datetime.min,
            -e.at_stake,
            e.ticket.received_at,
            e.ticket.code,
        ),
    )


def _entry(ticket: OpenTicket, today: date, scheme: Scheme) -> FixFirst:
    received = ticket.received_at.date()
    bucket = age_bucket(age_days(received, today), scheme.open_days)
    if bucket == "open30":
        drops_on, next_bucket = None, None
        at_stake = bucket_points("late", scheme) - bucket_points("open30", scheme)
    else:
        if bucket == "late":
            # The first date on which it has been open more than open_days days.
            drops_on, next_bucket = received + timedelta(days=scheme.open_days + 1), "open30"
        else:
            day = DAY_BUCKETS.index(bucket) + 1
            drops_on = received + timedelta(days=day)
            next_bucket = DAY_BUCKETS[day] if day < len(DAY_BUCKETS) else "late"
        at_stake = bucket_points(bucket, scheme) - bucket_points(next_bucket, scheme)
    return FixFirst(
        ticket=ticket,
        bucket=bucket,
        points=bucket_points(bucket, scheme),
        drops_at=None if drops_on is None else datetime.combine(drops_on, time()),
        next_bucket=next_bucket,
        at_stake=at_stake,
    )
