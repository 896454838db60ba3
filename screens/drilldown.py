"""The facts behind one person's numbers in the rankings: every ticket, callback, action and event.

Opened from a cell of the rankings, on the tab of that cell's KPI. A closed
month is explained by the as-of and scheme it was frozen with
(:func:`storage.closing.month_basis`), so the facts add up to the frozen row.
Storage checks that the person asking may see them; this screen only shows.

The facts are read once, when the screen opens, so that they explain the very
row the person chose; the rankings underneath follow later changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Header, Static, TabbedContent, TabPane

from fieldkpi.explain import kpi_line, total_line
from fieldkpi.i18n import _, ngettext
from fieldkpi.kpi_columns import facts_tab
from fieldkpi.period import Period, stamp
from fieldkpi.plain import PlainTable, plain
from fieldkpi.ranking import RankRow
from fieldkpi.scheme import Scheme
from screens import actions, labels
from screens.charts import bucket_chart, bucket_label
from screens.footer import KeyFooter
from screens.labels import N_
from screens.loading import reader
from screens.messages import Loaded, LoadFailed
from screens.months import next_tab
from screens.numbers import DASH, moment, percent, points, signed, yuan
from screens.ticket_lists import Block, FactsPane, OpensTickets, TicketLines, facts_focus
from storage.closing import MonthBasis, month_basis
from storage.drilldown import (
    DeductionFacts,
    FeedbackFacts,
    SatisfactionFacts,
    TimelinessFacts,
    WorkloadFacts,
    deduction_facts,
    feedback_facts,
    satisfaction_facts,
    timeliness_facts,
    workload_facts,
)

LATE_DATA = N_(
    "Data has come in since the closing: these facts include it, the frozen figures do not."
)
# The tabs in order, and which of them a role has.
TABS = {
    "timeliness": N_("Timeliness"),
    "satisfaction": N_("Satisfaction"),
    "workload": N_("Workload"),
    "feedback": N_("Feedback"),
    "deductions": N_("Deductions"),
}
REP_ONLY = frozenset({"workload", "feedback"})
ACTION_KINDS = {
    "intake": N_("intake"),
    "dispatch": N_("dispatch"),
    "complete": N_("complete"),
    "callback": N_("callback"),
    "dealer_callback": N_("dealer callback"),
}


def tabs_for(row: RankRow) -> list[str]:
    """The tabs of the facts the row's KPIs counted, and the events (always)."""
    used = {facts_tab(row.spec(k.id)) for k in row.kpis} | {"deductions"}
    return [tab for tab in TABS if tab in used and (row.role == "rep" or tab not in REP_ONLY)]


@dataclass(frozen=True)
class PersonFacts:
    """Everything behind one person's row; the rep-only facts are ``None`` for an engineer."""

    basis: MonthBasis
    timeliness: TimelinessFacts
    satisfaction: SatisfactionFacts
    deductions: DeductionFacts
    workload: WorkloadFacts | None
    feedback: FeedbackFacts | None


def read_facts(app: Any, row: RankRow) -> PersonFacts:
    """Every fact of the row's person and month (runs in a worker thread)."""
    store, user = app.store, app.user
    basis = month_basis(store, row.branch, Period.parse(row.period), app.scheme_for, app.now())
    args = (store, user, row.staff_code, basis.judgement, basis.scheme)
    rep = row.role == "rep"
    return PersonFacts(
        basis=basis,
        timeliness=timeliness_facts(*args),
        satisfaction=satisfaction_facts(*args),
        deductions=deduction_facts(*args),
        workload=workload_facts(*args) if rep else None,
        feedback=feedback_facts(*args) if rep else None,
    )


def facts_table(*headings: str, right: tuple[int, ...] = ()) -> Table:
    """A small table of facts that name no ticket (actions per kind, per day)."""
    table = PlainTable(box=None, padding=(0, 1), show_edge=False, header_style="bold")
    for i, heading in enumerate(headings):
        table.add_column(
            heading, justify="right" if i in right else "left", no_wrap=i < len(headings) - 1
        )
    return table


def timeliness_view(facts: TimelinessFacts) -> list[Block]:
    """The chart, then every counted ticket under its bucket with its points."""
    summary = ngettext(
        "{orders} order, {points} points → timeliness {timeliness}",
        "{orders} orders, {points} points → timeliness {timeliness}",
        facts.orders,
    ).format(orders=facts.orders, points=points(facts.points), timeliness=points(facts.timeliness))
    if not facts.orders:
        return [Text(summary + "\n" + _("No tickets completed or overdue this month."))]
    # The numbers first; the day of completion is the bucket's, but for one past 7 days.
    tickets = TicketLines(
        (_("Bucket"), _("Ticket"), _("Points"), _("Received"), _("Completed")),
        [
            (
                ticket.code,
                (
                    bucket_label(bucket.bucket)
                    if bucket.bucket != "late"
                    else _("{bucket}: day {day}").format(
                        bucket=bucket_label(bucket.bucket), day=ticket.day
                    ),
                    ticket.code,
                    signed(ticket.points),
                    moment(ticket.received_at),
                    moment(ticket.completed_at) if ticket.completed_at else _("open"),
                ),
            )
            for bucket in facts.buckets
            for ticket in bucket.tickets
        ],
        right=(2,),
    )
    return [Group(Text(summary), Text(""), bucket_chart(facts.buckets), Text("")), tickets]


def callbacks_view(facts: SatisfactionFacts, min_rating: int) -> list[Block]:
    summary = ngettext(
        "{satisfied} of {rated} callback satisfied (rated {min} or more) → satisfaction {rate}",
        "{satisfied} of {rated} callbacks satisfied (rated {min} or more) → satisfaction {rate}",
        facts.rated,
    ).format(
        satisfied=facts.satisfied,
        rated=facts.rated,
        min=min_rating,
        rate=percent(facts.satisfaction),
    )
    if not facts.callbacks:
        return [Text(summary + "\n" + _("No callbacks this month."))]
    callbacks = TicketLines(
        (_("Callback"), _("Ticket"), _("Rating"), _("Satisfied"), _("Comment")),
        [
            (
                callback.ticket,
                (
                    moment(callback.callback_at),
                    callback.ticket,
                    "★" * callback.rating + f" {callback.rating}",
                    "✓" if callback.satisfied else DASH,
                    plain(callback.note),
                ),
            )
            for callback in facts.callbacks
        ],
    )
    return [Text(summary), callbacks]


def workload_view(facts: WorkloadFacts, first_month_points: Any) -> list[Block]:
    if facts.running:  # kpi-rules §3: a whole month's attendance would divide half its work
        days_from = _("days with actions: the month is still running")
    elif facts.attendance_days is not None:
        days_from = _("attendance record")
    else:
        days_from = _("days with actions: no attendance record")
    lines = [
        ngettext(
            "{workload} actions over {days} day ({days_from}) → {daily} a day",
            "{workload} actions over {days} days ({days_from}) → {daily} a day",
            facts.days,
        ).format(
            workload=facts.workload, days=facts.days, days_from=days_from, daily=points(facts.daily)
        ),
        _("The branch's highest this year: {max} a day{whose} → saturation {saturation}").format(
            max=points(facts.annual_max),
            whose=_whose(facts),
            saturation=percent(facts.saturation),
        ),
    ]
    if facts.first_month:
        lines.append(
            _("First month: workload points are fixed at {points}.").format(
                points=points(first_month_points)
            )
        )
    kinds = facts_table(_("Action"), _("Count"), right=(1,))
    for kind, count in facts.per_kind.items():
        kinds.add_row(labels.label(ACTION_KINDS, kind), str(count))
    days = facts_table(_("Date"), _("Actions"), right=(1,))
    for day, count in facts.per_day:
        days.add_row(day.isoformat(), str(count))
    return [Group(plain("\n".join(lines)), Text(""), kinds, Text(""), days)]


def _whose(facts: WorkloadFacts) -> str:
    if facts.annual_max_month is None:
        return ""
    if facts.annual_max_name is None:
        return f" ({facts.annual_max_month})"
    return f" ({facts.annual_max_month}, {facts.annual_max_name})"


def feedback_view(facts: FeedbackFacts) -> list[Block]:
    summary = ngettext(
        "{points} problem points over {visits} on-site visit → rate {rate}",
        "{points} problem points over {visits} on-site visits → rate {rate}",
        len(facts.visits),
    ).format(
        points=points(facts.problem_points), visits=len(facts.visits), rate=percent(facts.rate)
    )
    blocks: list[Block] = [Text(summary)]
    if facts.problems:
        problems = TicketLines(
            (_("Reported"), _("Engineer"), _("Ticket"), _("Points"), _("Note")),
            [
                (
                    report.ticket,
                    (
                        moment(report.at),
                        plain(report.engineer_name),
                        report.ticket or DASH,
                        points(report.points),
                        plain(report.note),
                    ),
                )
                for report in facts.problems
            ],
            right=(3,),
        )
        blocks += [Text("\n" + _("Problem reports"), style="bold"), problems]
    if facts.visits:
        visits = TicketLines(
            (_("Visit"), _("Ticket"), _("Kind")),
            [
                (
                    visit.ticket,
                    (moment(visit.at), visit.ticket, labels.label(labels.KIND, visit.kind)),
                )
                for visit in facts.visits
            ],
        )
        blocks += [Text("\n" + _("On-site visits"), style="bold"), visits]
    return blocks


def first_month(scheme: Scheme) -> Any:
    """The fixed workload points of a rep's first month (首月计20分), if the scheme has them."""
    workload = scheme.kpi("rep", "workload")
    return workload.first_month if workload else None


def deductions_view(facts: DeductionFacts, scheme: Scheme) -> list[Block]:
    summary = ngettext(
        "{n} event, {points} points off", "{n} events, {points} points off", len(facts.events)
    ).format(n=len(facts.events), points=points(facts.points))
    if facts.zeroed:
        summary += " · " + _("a media complaint zeroes the month's total")
    if not facts.events:
        return [Text(summary)]
    lines = []
    for event in facts.events:
        by = labels.label(labels.RECORDER, event.recorded_by_name) or DASH
        if event.recorded_by and event.recorded_by_name != event.recorded_by:
            by = f"{event.recorded_by_name} ({event.recorded_by})"
        cells = (
            moment(event.at),
            scheme.adjustment_label(event.kind),
            _("zeroes total") if event.zeroes else signed(-event.points),
            event.ticket or DASH,
            plain(event.note),
            plain(by),
        )
        lines.append((event.ticket, cells))
    headings = (_("When"), _("Kind"), _("Points"), _("Ticket"), _("Note"), _("Recorded by"))
    return [Text(summary), TicketLines(headings, lines, right=(2,))]


def basis_text(basis: MonthBasis, changed: bool) -> str:
    """When the facts were judged; for a closed month whether they still match its frozen row.

    The facts are read from the data as it is now: after late data they hold more
    than the frozen figures counted, and the person must be told.
    """
    text = _("As of {as_of}").format(as_of=stamp(basis.judgement.as_of))
    if basis.closed is None:
        return text
    text += " · " + _("as the month was closed")
    return text + "\n" + _(LATE_DATA) if changed else text


def ranking_lines(tab: str, row: RankRow) -> str:
    """The row's own arithmetic for the KPIs this tab shows the facts of, to check them against.

    The adjustments tab ends with the total, the sum of every point.
    """
    lines = [kpi_line(row, k.id) for k in row.kpis if facts_tab(row.spec(k.id)) == tab]
    if tab == "deductions":
        lines.append(total_line(row))
    return "\n".join(lines)


class DrilldownScreen(OpensTickets, actions.ScopedKeys, Screen):
    """One person's month, a tab per KPI; Enter on a ticket opens it, Esc goes back."""

    ACTION_SCOPE = actions.FACTS
    CSS_PATH: ClassVar[list[str]] = ["months.tcss", "drilldown.tcss"]

    def __init__(self, row: RankRow, tab: str = "timeliness", *, changed: bool = False) -> None:
        """``changed``: the month is closed and this person's live figures differ since."""
        super().__init__()
        self.row = row
        self.changed = changed
        self.tabs = tabs_for(row)
        self.first_tab = tab if tab in self.tabs else self.tabs[0]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(self._heading(), id="facts-head")
        with TabbedContent(initial=self.first_tab):
            for tab in self.tabs:
                with TabPane(_(TABS[tab]), id=tab), FactsPane(id=f"{tab}-facts"):
                    yield Static(_("Loading…"))
        yield KeyFooter()

    def _heading(self) -> Text:
        row = self.row
        return plain(
            " · ".join(
                (
                    f"{row.name} ({row.staff_code})",
                    labels.label(labels.ROLE, row.role),
                    row.branch,
                    row.period,
                    _("rank {rank}").format(rank=row.rank),
                    _("total {total}").format(total=points(row.total)),
                    yuan(row.reward),
                )
            )
        )

    def on_mount(self) -> None:
        self.title = _("Facts")
        self._focus_tab()
        self._load()

    @on(TabbedContent.TabActivated)
    def _focus_tab(self) -> None:
        """The visible tab's first ticket list takes the keys (or its facts, to scroll)."""
        tabs = self.query_one(TabbedContent)
        pane = tabs.query_one(f"#{tabs.active}-facts", FactsPane)
        self.set_focus(facts_focus(pane), scroll_visible=False)  # the pane opens at its top

    @reader("facts")
    def _load(self) -> None:
        self.post_message(Loaded(0, read_facts(self.app, self.row)))

    @on(Loaded)
    async def _loaded(self, message: Loaded) -> None:
        facts: PersonFacts = message.data
        row, scheme = self.row, facts.basis.scheme
        views = {
            "timeliness": lambda: timeliness_view(facts.timeliness),
            "satisfaction": lambda: callbacks_view(
                facts.satisfaction, scheme.settings["satisfied_min_rating"]
            ),
            "workload": lambda: workload_view(facts.workload, first_month(scheme)),
            "feedback": lambda: feedback_view(facts.feedback),
            "deductions": lambda: deductions_view(facts.deductions, scheme),
        }
        basis_line = basis_text(facts.basis, self.changed)
        for tab in self.tabs:
            head = plain(f"{ranking_lines(tab, row)}\n{basis_line}\n", style="bold")
            await self.query_one(f"#{tab}-facts", FactsPane).show([head, *views[tab]()])
        self._focus_tab()

    @on(LoadFailed)
    def _failed(self, message: LoadFailed) -> None:
        message.stop()
        self.notify(message.message, severity="error")
        self.dismiss()

    def action_next_tab(self) -> None:
        next_tab(self.query_one(TabbedContent))

    def action_back(self) -> None:
        self.dismiss()
