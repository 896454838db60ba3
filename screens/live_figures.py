"""A closed month's live figures against its frozen ones, one line per person who differs.

What late data (rows imported dated in the month, a correction) would change
if an admin reopened the month: each person's frozen total, live total and
the difference, their rank and money frozen → live. Opened from the rankings
(``l``) of a month closed and since changed; the heading says these are not
the judged figures, which stay the frozen ones. Only who sees the branch's
whole ranking has them (:func:`storage.standings.branch_ranking` checks).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Header, Static

from fieldkpi.i18n import _
from fieldkpi.live_figures import (
    LiveChange,
    grade_of,
    moved,
    rank_of,
    reward_of,
    signed_points,
    total_of,
)
from fieldkpi.plain import CELL_WIDTH, plain
from fieldkpi.ranking import RankRow
from screens import actions, labels, tables
from screens.footer import KeyFooter
from storage.standings import BranchRanking


def heading(ranking: BranchRanking) -> str:
    return "\n".join(
        (
            _("{branch} {period}: live figures against the frozen ones").format(
                branch=ranking.branch, period=ranking.period
            ),
            _(
                "Not the judged figures: the month is paid from its frozen figures until an "
                "admin reopens it."
            ),
        )
    )


def pair(change: LiveChange, shown: Callable[[RankRow | None], str]) -> str:
    """``3 → 2`` where frozen and live differ; the one value where they agree."""
    moves = moved(change, shown)
    return shown(change.live) if moves is None else f"{moves[0]} → {moves[1]}"


def columns(changes: list[LiveChange]) -> list[tuple[str, Callable[[LiveChange], str]]]:
    """Who, both totals and the difference, the rank; money and grade where any would change
    (a scheme that pays nobody, or grades nobody, has no column of dashes)."""
    shown = [
        (_("Name"), lambda c: plain(c.name, CELL_WIDTH)),
        (_("Code"), lambda c: plain(c.code, CELL_WIDTH)),
        (_("Role"), lambda c: labels.label(labels.ROLE, c.role)),
        (_("Frozen total"), lambda c: total_of(c.frozen)),
        (_("Live total"), lambda c: total_of(c.live)),
        (_("Difference"), lambda c: signed_points(c.difference)),
        (_("Rank"), lambda c: pair(c, rank_of)),
    ]
    for title, of in ((_("Reward"), reward_of), (_("Grade"), grade_of)):
        if any(moved(c, of) for c in changes):
            shown.append((title, lambda c, of=of: pair(c, of)))
    return shown


class LiveTable(tables.CardsOrColumns):
    KEEP = 1  # the name whole


class LiveFiguresScreen(actions.ScopedKeys, Screen):
    """The people whose live figures differ from the frozen ones; Esc goes back."""

    ACTION_SCOPE = actions.LIVE
    DEFAULT_CSS: ClassVar[str] = """
    #live-head {
        height: auto;
        padding: 0 1;
        background: $error 20%;
        color: $text-error;
        text-style: bold;
    }
    LiveTable {
        height: 1fr;
    }
    """

    def __init__(self, ranking: BranchRanking) -> None:
        super().__init__()
        self.ranking = ranking
        self.changes = list(ranking.changed.values())

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(plain(heading(self.ranking)), id="live-head")
        yield LiveTable(id="live-table", cursor_type="row", zebra_stripes=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.title = _("Live vs frozen")
        shown = columns(self.changes)
        rows = [[cell(change) for _title, cell in shown] for change in self.changes]
        table = self.query_one(LiveTable)
        table.show([title for title, _cell in shown], rows)
        table.focus()

    def action_back(self) -> None:
        self.dismiss()
