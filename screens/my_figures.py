"""A person's own month: their rank, each KPI of their scheme with its facts, what to fix first.

Engineers start here, reps reach it by key. Everything on it is the person's
own: their row of the ranking (each KPI's points with the arithmetic behind
them), how many are ranked, and a tab per KPI their branch's scheme appraises
them by, with the facts behind it as the lead's drill-down shows them (the
same reads and views, :mod:`screens.drilldown`) — never another person's
score or rank, nor a distance to the next rank up, which would tell that
person's total (:mod:`fieldkpi.standing`). The events that adjust the total
are not a tab here: F6 lists them, where they can be contested.
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
from textual.widgets import Header, Input, Static, TabbedContent, TabPane

from fieldkpi import access
from fieldkpi.buckets import FixFirst
from fieldkpi.explain import kpi_line, outcome, total_line
from fieldkpi.figures import Person
from fieldkpi.i18n import N_, _, join_clauses
from fieldkpi.linebreaks import whole
from fieldkpi.live_figures import LiveChange, own_change_line
from fieldkpi.period import Period, provisional_line, stamp
from fieldkpi.plain import plain
from fieldkpi.scheme import Kpi, Scheme
from fieldkpi.standing import OwnStanding
from fieldkpi.trends import TrendMonth
from screens import actions, labels
from screens.charts import bucket_label
from screens.drilldown import (
    facts_now,
    kpi_tabs,
    kpi_view,
    tab_label,
    undecided_state,
    waiting_points,
)
from screens.footer import KeyFooter
from screens.linebreaks import Prose
from screens.months import MonthScreen
from screens.numbers import DASH, moment, points, signed
from screens.ticket_lists import Block, FactsPane, OpensTickets, TicketLines, facts_focus
from screens.trend import TrendChart
from storage.appraisal import AppraisalEvent, undecided_about
from storage.closing import MonthBasis
from storage.drilldown import KpiFacts, fix_first_list, kpi_facts
from storage.standings import own_month

CALLBACKS, FIX_FIRST, TREND = "callbacks", "fix-first", "trend"
# The tabs that are this screen's own (the callbacks are the satisfaction KPI's, under the
# name their tab has always had here), and the ids of its other widgets: a KPI with one of
# these ids has its tab by its place instead (screens.drilldown.tab_id).
OWN_TABS = {CALLBACKS: N_("Callbacks"), FIX_FIRST: N_("Fix first"), TREND: N_("Trend")}
TAKEN = (*OWN_TABS, "standing", "month")
RATINGS = ("satisfaction_rate", "satisfaction_mean")  # the measures whose facts are callbacks
# Under the person's own live line: which of what they see is frozen, which is not (the lines
# of arithmetic below are their frozen row; the tabs read the data as it is now).
FROZEN_BELOW = N_("The frozen figures below leave it out; the tabs' facts include it.")


def own_tabs(scheme: Scheme, user: Person) -> dict[str, Kpi | None]:
    """Each tab and the KPI it explains (``None``: fix first, the trend), for the person's period.

    A tab per KPI the scheme appraises their role by whose facts they may read
    (:func:`fieldkpi.access.can_see_facts`, which storage applies: those that tell of
    someone else are their lead's), in the drill-down's order; the others keep their
    line of arithmetic above the tabs. Fix first follows timeliness, and only
    where the scheme scores it: its points at stake are the day buckets'
    (kpi-rules §1), and no other measure gives a ticket points of its own to
    lose — one more day open moves a mean of hours or a rate only with every
    other ticket of the period. The trend is last.
    """
    tabs: dict[str, Kpi | None] = {}
    for tab, kpi in kpi_tabs(scheme.kpis_of(user.role), TAKEN).items():
        if not access.can_see_facts(user, user, kpi.measure):
            continue
        tabs[CALLBACKS if tab == "satisfaction" and kpi.measure in RATINGS else tab] = kpi
        if kpi.measure == "timeliness":
            tabs[FIX_FIRST] = None
    tabs[TREND] = None
    return tabs


def own_label(tab: str, kpi: Kpi | None) -> str:
    return _(OWN_TABS[tab]) if tab in OWN_TABS else tab_label(kpi)


@dataclass(frozen=True)
class OwnFigures:
    """The signed-in person's period, by the scheme it is judged by (a closed one's: frozen).

    ``fix_first`` only for the running period, where the scheme scores timeliness.
    """

    period: Period
    basis: MonthBasis
    standing: OwnStanding | None
    tabs: dict[str, Kpi | None]  # own_tabs of the period's scheme
    facts: dict[str, KpiFacts]  # each KPI's, by its tab
    fix_first: list[FixFirst] | None
    change: LiveChange | None  # closed, and the person's live figures differ from the frozen
    trend: list[TrendMonth]  # the twelve months up to this one
    undecided: list[AppraisalEvent]  # adjustments of theirs waiting for the lead (not counted)


def read_own(app: Any, period: Period, scheme_for: Callable[[str], Scheme]) -> OwnFigures:
    """Everything this screen shows, for the person signed in (runs in a worker thread).

    ``period`` is of the kind the branch's scheme has now, which ``scheme_for``
    has read for this load (:func:`screens.months.scheme_read_once`).
    """
    store, user, now = app.store, app.user, app.now()
    own = own_month(store, user, period, scheme_for, now)
    scheme = own.basis.scheme
    tabs = own_tabs(scheme, user)
    args = (store, user, user.code, own.basis.judgement, scheme)
    running = period == Period.of(now, period.kind)
    return OwnFigures(
        period=period,
        basis=own.basis,
        standing=own.standing,
        tabs=tabs,
        facts={tab: kpi_facts(*args, kpi) for tab, kpi in tabs.items() if kpi is not None},
        fix_first=fix_first_list(store, user, user.code, now, scheme)
        if running and FIX_FIRST in tabs
        else None,
        change=own.change,
        trend=own.trend,
        undecided=undecided_about(store, user, user, own.basis.judgement, scheme, "deduction")
        if scheme.adjustments_for(user.role)
        else [],
    )


def status_line(figures: OwnFigures) -> str:
    """Whether the month can still change; a closed month names no closer (nobody is named here).

    After late data, the person's own frozen → live line (as their lead's banner gives it,
    :func:`fieldkpi.live_figures.own_change_line`), then which part of the screen is frozen.
    """
    judgement = figures.basis.judgement
    as_of = stamp(judgement.as_of)
    if figures.basis.closed is not None:
        text = _("Closed: these figures are final (as of {as_of})").format(as_of=as_of)
        if figures.change is None:
            return text
        return "\n".join([text, own_change_line(figures.change), _(FROZEN_BELOW)])
    if judgement.provisional:
        return provisional_line(judgement.as_of)
    return _("As of {as_of} · not closed yet").format(as_of=as_of)


def standing_lines(figures: OwnFigures) -> list[str]:
    """Where the person stands, then one line per KPI: what was measured and the points it gave."""
    standing = figures.standing
    if standing is None:
        return [_("You are not ranked in {month}.").format(month=figures.period)]
    row = standing.row
    place = _("Rank {rank} of {ranked} · total {total}").format(
        rank=row.rank, ranked=standing.ranked, total=points(row.total)
    )
    place = " · ".join([place, *outcome(row)])
    lines = [place, *(kpi_line(row, k.id) for k in row.kpis), total_line(row, tab_label)]
    return lines + waiting_lines(figures)


def waiting_lines(figures: OwnFigures) -> list[str]:
    """Under the total, the person's adjustments that do not count until the lead decides them
    (pending, contested): the total is right without them, but they may still count. Their
    F6 lists them whole; here no tab of events (:mod:`screens.my_figures`)."""
    if not figures.undecided:
        return []
    scheme = figures.basis.scheme
    events = join_clauses(
        _("{kind} {points}, {state}").format(
            kind=scheme.event_label("kind", event.kind),
            points=waiting_points(event),
            state=undecided_state(event.state),
        )
        for event in figures.undecided
    )
    return [_("Not counted until the lead decides (F6 lists them): {events}").format(events=events)]


def fix_first_view(entries: list[FixFirst] | None, scheme: Scheme) -> list[Block]:
    """Open tickets, most urgent first: when each drops a bucket and the points that costs."""
    if entries is None:
        return [Text(_("Fix first is about the running month: press ] to come back to it."))]
    if not entries:
        return [Text(_("No open tickets: nothing is losing points."))]
    tickets = TicketLines(
        (_("Ticket"), _("Points change"), _("Now"), _("Drops on"), _("To"), _("Received")),
        [
            (
                entry.ticket.code,
                (
                    entry.ticket.code,
                    signed(entry.change),
                    f"{whole(bucket_label(entry.bucket))} ({signed(entry.points)})",
                    entry.drops_at.date().isoformat() if entry.drops_at else DASH,
                    whole(bucket_label(entry.next_bucket))
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


def own_view(figures: OwnFigures, tab: str, role: str) -> list[Block]:
    """What a tab shows: a KPI's facts as the drill-down shows them, fix first, the trend."""
    kpi, scheme = figures.tabs[tab], figures.basis.scheme
    if kpi is not None:
        return facts_now(kpi_view(figures.facts[tab], kpi, scheme), figures.change is not None)
    if tab == FIX_FIRST:
        return fix_first_view(figures.fix_first, scheme)
    return [TrendChart(figures.trend, role)] if figures.trend else []


class MyFiguresScreen(OpensTickets, MonthScreen):
    """The person's month; Enter on a ticket of a list opens it, ``t`` goes through the tabs.

    The tabs are those of the scheme the period shown is judged by, so they are
    known once it is read: until then the trend's alone, and another scheme's
    period (a branch that changed its preset) brings its own.
    """

    ACTION_SCOPE = actions.FIGURES
    HEADING = N_("My figures")
    CSS_PATH: ClassVar[list[str]] = ["months.tcss", "my_figures.tcss"]

    def __init__(self) -> None:
        super().__init__()
        self.figures: OwnFigures | None = None  # the month shown, once loaded
        self.tabs: list[tuple[str, str]] = []  # the tabs of the period shown, with their labels

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="month-bar"):
            yield from self.compose_month()
        yield Prose("", id="standing")  # in Chinese it wraps where the line is full
        with TabbedContent(initial=TREND):
            yield self._pane(TREND, None)
        yield KeyFooter()

    @staticmethod
    def _pane(tab: str, kpi: Kpi | None) -> TabPane:
        facts = FactsPane(Static(_("Loading…")), id=f"{tab}-facts")
        return TabPane(labels.tab_title(own_label(tab, kpi)), facts, id=tab)

    def clear(self) -> None:
        self.query_one("#standing", Prose).update(_("Loading…"))
        for pane in self.query(FactsPane):
            pane.show_loading()

    def read(self, branch: str, period: Period, scheme_for: Callable[[str], Scheme]) -> OwnFigures:
        """The signed-in person's own: ``branch`` is theirs (they choose no other)."""
        return read_own(self.app, period, scheme_for)

    async def show_read(self, figures: OwnFigures) -> None:
        self.figures = figures
        head = plain(status_line(figures), style="bold")
        head.append("\n" + "\n".join(standing_lines(figures)), style="")
        self.query_one("#standing", Prose).update(head)
        typing = self.focused is self.query_one("#month", Input)
        changed = await self._put_tabs(figures.tabs)
        for tab in figures.tabs:
            view = own_view(figures, tab, self.app.user.role)
            await self.query_one(f"#{tab}-facts", FactsPane).show(view)
        if (changed and not typing) or self.focused is None or isinstance(self.focused, FactsPane):
            self.rest_focus()

    async def _put_tabs(self, tabs: dict[str, Kpi | None]) -> bool:
        """The tabs of the period read, put in place of those shown if they are others.

        Only another scheme (or another wording of its KPIs) changes them, so a
        reload keeps the tab shown and each list's cursor. The tab shown stays
        when the new period has it; otherwise, and at first, the first is shown.
        """
        wanted = [(tab, own_label(tab, kpi)) for tab, kpi in tabs.items()]
        if wanted == self.tabs:
            return False
        content = self.query_one(TabbedContent)
        active = content.active if self.tabs else None
        await content.clear_panes()
        for tab, kpi in tabs.items():
            await content.add_pane(self._pane(tab, kpi))
        self.tabs = wanted
        content.active = active if active in tabs else next(iter(tabs))
        return True

    async def show_failure(self, text: str) -> None:
        """Above the tabs, which are left empty."""
        self.query_one("#standing", Prose).update(plain(text))
        for pane in self.query(FactsPane):
            await pane.show([])

    def rest_widget(self) -> Widget:
        tabs = self.query_one(TabbedContent)
        return facts_focus(tabs.query_one(f"#{tabs.active or TREND}-facts", FactsPane))

    @on(TabbedContent.TabActivated)
    def _tab_shown(self) -> None:
        self.rest_focus()
