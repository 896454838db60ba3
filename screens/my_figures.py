"""A person's own month: timeliness as it stands, the buckets, what to fix first, their rank.

Engineers start here, reps reach it by key. Everything on it is the person's
own: their row of the ranking (each KPI's points with the arithmetic behind
them), how many are ranked, their tickets and callbacks — never another
person's name, score or rank, nor a distance to the next rank up, which would
tell that person's total (:mod:`fieldkpi.standing`).
Storage answers only for the person signed in (:func:`storage.standings.own_month`
and :mod:`storage.drilldown` check it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widget import Widget
from textual.widgets import Header, Static, TabbedContent, TabPane

from fieldkpi.buckets import FixFirst
from fieldkpi.explain import kpi_line, total_line
from fieldkpi.i18n import N_, _
from fieldkpi.period import Period, provisional_line, stamp
from fieldkpi.plain import plain
from fieldkpi.scheme import Scheme
from fieldkpi.standing import OwnStanding
from fieldkpi.trends import TrendMonth
from screens import actions
from screens.charts import bucket_label
from screens.drilldown import LATE_DATA, callbacks_view, timeliness_view
from screens.footer import KeyFooter
from screens.months import MonthScreen
from screens.numbers import DASH, moment, points, signed, yuan
from screens.ticket_lists import Block, FactsPane, OpensTickets, TicketLines, facts_focus
from screens.trend import TrendChart
from storage.closing import MonthBasis
from storage.drilldown import (
    SatisfactionFacts,
    TimelinessFacts,
    fix_first_list,
    satisfaction_facts,
    timeliness_facts,
)
from storage.standings import own_month


@dataclass(frozen=True)
class OwnFigures:
    """The signed-in person's month; ``fix_first`` only for the running month."""

    period: Period
    basis: MonthBasis
    standing: OwnStanding | None
    timeliness: TimelinessFacts
    satisfaction: SatisfactionFacts
    fix_first: list[FixFirst] | None
    changed: bool  # closed, and the person's live figures differ from the frozen ones
    trend: list[TrendMonth]  # the twelve months up to this one


def read_own(app: Any, period: Period, scheme_for: Callable[[str], Scheme]) -> OwnFigures:
    """Everything this screen shows, for the person signed in (runs in a worker thread).

    ``period`` is of the kind the branch's scheme has now, which ``scheme_for``
    has read for this load (:func:`screens.months.scheme_read_once`).
    """
    store, user, now = app.store, app.user, app.now()
    own = own_month(store, user, period, scheme_for, now)
    args = (store, user, user.code, own.basis.judgement, own.basis.scheme)
    running = period == Period.of(now, period.kind)
    return OwnFigures(
        period=period,
        basis=own.basis,
        standing=own.standing,
        timeliness=timeliness_facts(*args),
        satisfaction=satisfaction_facts(*args),
        fix_first=fix_first_list(store, user, user.code, now, scheme_for(user.branch))
        if running
        else None,
        changed=own.changed,
        trend=own.trend,
    )


def status_line(figures: OwnFigures) -> str:
    """Whether the month can still change; a closed month names no closer (nobody is named here)."""
    judgement = figures.basis.judgement
    as_of = stamp(judgement.as_of)
    if figures.basis.closed is not None:
        text = _("Closed: these figures are final (as of {as_of})").format(as_of=as_of)
        return text + "\n" + _(LATE_DATA) if figures.changed else text
    if judgement.provisional:
        return provisional_line(judgement.as_of)
    return _("As of {as_of} · not closed yet").format(as_of=as_of)


def standing_lines(figures: OwnFigures) -> list[str]:
    """Where the person stands, then one line per KPI: what was measured and the points it gave."""
    standing = figures.standing
    if standing is None:
        return [_("You are not ranked in {month}.").format(month=figures.period)]
    row = standing.row
    place = _("Rank {rank} of {ranked} · total {total} · reward {reward}").format(
        rank=row.rank, ranked=standing.ranked, total=points(row.total), reward=yuan(row.reward)
    )
    return [place, *(kpi_line(row, k.id) for k in row.kpis), total_line(row)]


def fix_first_view(entries: list[FixFirst] | None, scheme: Scheme) -> list[Block]:
    """Open tickets, most urgent first: when each drops a bucket and the points that costs."""
    if entries is None:
        return [Text(_("Fix first is about the running month: press ] to come back to it."))]
    if not entries:
        return [Text(_("No open tickets: nothing is losing points."))]
    tickets = TicketLines(
        (_("Ticket"), _("At stake"), _("Now"), _("Drops on"), _("To"), _("Received")),
        [
            (
                entry.ticket.code,
                (
                    entry.ticket.code,
                    signed(entry.at_stake),
                    f"{bucket_label(entry.bucket)} ({signed(entry.points)})",
                    entry.drops_at.date().isoformat() if entry.drops_at else DASH,
                    bucket_label(entry.next_bucket)
                    if entry.next_bucket
                    else _("completed: past 7 days"),
                    moment(entry.ticket.received_at),
                ),
            )
            for entry in entries
        ],
        right=(1,),
    )
    note = _(
        "Each midnight an open ticket waits, it drops to the next bucket; one open past "
        "{days} days at the month's end counts {points}."
    ).format(days=scheme.open_days, points=signed(scheme.settings["open_points"]))
    return [Text(note + "\n"), tickets]


class MyFiguresScreen(OpensTickets, MonthScreen):
    """The person's month; Enter on a ticket of a list opens it, ``t`` goes through the tabs."""

    ACTION_SCOPE = actions.FIGURES
    HEADING = N_("My figures")
    CSS_PATH: ClassVar[list[str]] = ["months.tcss", "my_figures.tcss"]
    TABS = (
        ("timeliness", N_("Timeliness")),
        ("fix-first", N_("Fix first")),
        ("callbacks", N_("Callbacks")),
        ("trend", N_("Trend")),
    )

    def __init__(self) -> None:
        super().__init__()
        self.figures: OwnFigures | None = None  # the month shown, once loaded

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="month-bar"):
            yield from self.compose_month()
        yield Static("", id="standing")
        with TabbedContent(initial="timeliness"):
            for tab, title in self.TABS:
                with TabPane(_(title), id=tab), FactsPane(id=f"{tab}-facts"):
                    yield Static(_("Loading…"))
        yield KeyFooter()

    def clear(self) -> None:
        self.query_one("#standing", Static).update(_("Loading…"))
        for pane in self.query(FactsPane):
            pane.show_loading()

    def read(self, branch: str, period: Period, scheme_for: Callable[[str], Scheme]) -> OwnFigures:
        """The signed-in person's own: ``branch`` is theirs (they choose no other)."""
        return read_own(self.app, period, scheme_for)

    async def show_read(self, figures: OwnFigures) -> None:
        self.figures = figures
        head = plain(status_line(figures), style="bold")
        head.append("\n" + "\n".join(standing_lines(figures)), style="")
        self.query_one("#standing", Static).update(head)
        scheme = figures.basis.scheme
        views = {
            "timeliness": timeliness_view(figures.timeliness),
            "fix-first": fix_first_view(figures.fix_first, scheme),
            "callbacks": callbacks_view(
                figures.satisfaction, scheme.settings["satisfied_min_rating"]
            ),
            "trend": [TrendChart(figures.trend, self.app.user.role)] if figures.trend else [],
        }
        for tab, view in views.items():
            await self.query_one(f"#{tab}-facts", FactsPane).show(view)
        if self.focused is None or isinstance(self.focused, FactsPane):
            self.rest_focus()

    async def show_failure(self, text: str) -> None:
        """Above the tabs, which are left empty."""
        self.query_one("#standing", Static).update(plain(text))
        for pane in self.query(FactsPane):
            await pane.show([])

    def rest_widget(self) -> Widget:
        tabs = self.query_one(TabbedContent)
        return facts_focus(tabs.query_one(f"#{tabs.active or 'timeliness'}-facts", FactsPane))

    @on(TabbedContent.TabActivated)
    def _tab_shown(self) -> None:
        self.rest_focus()
