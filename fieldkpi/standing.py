"""A person's own place in their ranking, told without anyone else's name, score or rank."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from fieldkpi.ranking import RankRow


@dataclass(frozen=True)
class OwnStanding:
    """The person's own row, how many are ranked, and the points to the next rank up.

    ``gap_to_next`` is the smallest total above theirs less their own (both as
    rounded for ranking); ``None`` when nobody is above them.
    """

    row: RankRow
    ranked: int
    gap_to_next: Decimal | None


def standing_of(rows: Sequence[RankRow], staff_code: str) -> OwnStanding | None:
    """From the rows of one (branch, role, period); ``None`` when the person is not ranked."""
    own = next((row for row in rows if row.staff_code == staff_code), None)
    if own is None:
        return None
    above = [row.total for row in rows if row.total > own.total]
    return OwnStanding(own, len(rows), min(above) - own.total if above else None)
