"""By how much a closed period's live figures differ from its frozen ones, person by person.

A closed period is paid from the rows frozen when it was closed; late data
(an import of rows dated in it, a correction) changes only its live figures
(kpi-rules, time principle). Its lead is told who differs and by how much:
the frozen total against the live one, and the rank, reward or grade where
those would change. The rankings' banner, their live-vs-frozen view and
``fieldkpi rank`` say it through here, in the same words; so does a person's
own My figures, of them alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from fieldkpi import numbers
from fieldkpi.i18n import N_, _, join_clauses
from fieldkpi.numbers import DASH, points, yuan
from fieldkpi.ranking import RankRow


@dataclass(frozen=True)
class LiveChange:
    """One person whose live row differs from their frozen one, as exported.

    ``frozen`` is ``None`` for someone ranked only since the closing (hired into
    the month after it, say); ``live`` for someone the live ranking no longer has.
    """

    code: str
    name: str
    frozen: RankRow | None
    live: RankRow | None

    @property
    def role(self) -> str:
        return (self.live or self.frozen).role

    @property
    def difference(self) -> Decimal | None:
        """Live total less frozen total; ``None`` when either is not ranked."""
        if self.frozen is None or self.live is None:
            return None
        return self.live.total - self.frozen.total


def total_of(row: RankRow | None) -> str:
    return _("not ranked") if row is None else points(row.total)


def rank_of(row: RankRow | None) -> str:
    return DASH if row is None else str(row.rank)


def reward_of(row: RankRow | None) -> str:
    return DASH if row is None else yuan(row.reward)


def grade_of(row: RankRow | None) -> str:
    return DASH if row is None or row.grade is None else str(row.grade)


def signed_points(value: Decimal | None) -> str:
    """``+1.50``, ``-2.00``, ``0.00`` (:func:`fieldkpi.numbers.signed_points`); a dash where
    there is nothing to subtract."""
    return DASH if value is None else numbers.signed_points(value)


# What else a lead is told of, when it would change: (label, how a row shows it).
MOVES: tuple[tuple[str, Callable[[RankRow | None], str]], ...] = (
    (N_("rank"), rank_of),
    (N_("reward"), reward_of),
    (N_("grade"), grade_of),
)


def moved(change: LiveChange, shown: Callable[[RankRow | None], str]) -> tuple[str, str] | None:
    """(frozen, live) as ``shown`` prints them, or ``None`` when they read the same."""
    before, after = shown(change.frozen), shown(change.live)
    return None if before == after else (before, after)


def changes_of(change: LiveChange) -> str:
    """``total 85.50 → 87.00 (+1.50); rank 3 → 2; reward — → +¥100``: what moved, unnamed.

    The total always, and its difference where both are ranked; the rank,
    reward and grade only where they would change. A row whose total, rank and
    money all stand differs in a KPI's figures (a rate moved within a band):
    said so, not left as a line that shows no difference.
    """
    total = moved(change, total_of)
    if total is None:
        parts = [_("total {total}, unchanged").format(total=total_of(change.live))]
    else:
        parts = [_("total {before} → {after}").format(before=total[0], after=total[1])]
        if change.difference is not None:
            parts[0] += f" ({signed_points(change.difference)})"
    for label, shown in MOVES:
        pair = moved(change, shown)
        if pair is not None:
            parts.append(f"{_(label)} {pair[0]} → {pair[1]}")
    if len(parts) == 1 and total is None:
        parts.append(_("a KPI's figures differ"))
    return join_clauses(parts)


def change_line(change: LiveChange) -> str:
    """``谢建华 (GZ-E09): total 85.50 → 87.00 (+1.50); rank 3 → 2``: a lead's line of who
    differs (:func:`changes_of`)."""
    return _("{name} ({code}): {changes}").format(
        name=change.name, code=change.code, changes=changes_of(change)
    )


def own_change_line(change: LiveChange) -> str:
    """The person's own line on My figures: their lead's words for them, under no name (it is
    theirs), and marked as not what they are judged by."""
    return _(
        "Data has come in since the closing; your live figures, not those judged: {changes}"
    ).format(changes=changes_of(change))
