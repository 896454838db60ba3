"""The facts behind one person's numbers in the rankings: every ticket, callback, action and event.

Opened from a cell of the rankings, on the tab of that cell's KPI. A closed
month is explained by the as-of and scheme it was frozen with
(:func:`storage.closing.month_basis`), so the facts add up to the frozen row.
Storage checks that the person asking may see them; this screen only shows.

The person's row is read again with the facts, when the screen opens and
whenever someone saves (as the rankings underneath are), so that the facts
always explain the total and rank in the heading; a reload keeps the tab shown
and each list's cursor.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.widgets import Header, Static, TabbedContent, TabPane

from fieldkpi.explain import kpi_line, outcome, total_line
from fieldkpi.i18n import _, ngettext
from fieldkpi.kpi_columns import ADJUSTMENTS
from fieldkpi.numbers import count
from fieldkpi.period import stamp
from fieldkpi.plain import PlainTable, plain
from fieldkpi.ranking import RankRow
from fieldkpi.scheme import Kpi, Scheme
from screens import actions, labels
from screens.charts import bucket_chart, ticket_bucket
from screens.closing import ClosesItself
from screens.footer import KeyFooter
from screens.labels import N_
from screens.loading import reader
from screens.messages import DataChanged, Loaded, LoadFailed
from screens.months import next_tab
from screens.numbers import DASH, moment, percent, points, shown, signed, signed_points
from screens.ticket_lists import Block, FactsPane, OpensTickets, TicketLines, facts_focus
from storage.appraisal import AppraisalEvent
from storage.closing import MonthBasis
from storage.drilldown import (
    AbsenceFacts,
    CompletedFacts,
    DeductionFacts,
    DispatchFacts,
    EnteredFacts,
    FeedbackFacts,
    KindFacts,
    KpiFacts,
    ProblemReport,
    SatisfactionFacts,
    TimelinessFacts,
    WorkloadFacts,
    deduction_facts,
    kpi_facts,
)
from storage.standings import person_row

LATE_DATA = N_(
    "Data has come in since the closing: these facts include it, the frozen figures do not."
)
# A closed period's two readings of a KPI, each labelled where drawn: its frozen row's line of
# arithmetic, and the facts as the data stands now (after late data they differ).
FROZEN_LINE = N_("Frozen at the closing: {line}")
FACTS_NOW = N_("Facts now, with the data that came in since the closing:")
# Events that do not count until the lead decides them (kpi-rules §5), listed under those that do.
NOT_COUNTED = N_("Not counted until the lead decides")
UNDECIDED_STATES = {"pending": N_("waiting for the lead"), "contested": N_("contested")}
# A tab for each KPI of the scheme the row was judged by. The default scheme's KPIs keep the
# order and the short names their tabs have always had; any other KPI's tab follows them in
# the scheme's order, under the KPI's own label.
KNOWN_TABS = {
    "timeliness": N_("Timeliness"),
    "satisfaction": N_("Satisfaction"),
    "workload": N_("Workload"),
    "feedback": N_("Feedback"),
}
EVENTS = "deductions"  # the tab of the events that adjust the total, where the scheme has any
EVENTS_LABEL = N_("Deductions")
# What Textual takes as a widget id; a KPI id may be 满意度 or 24h.
WIDGET_ID = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
ACTION_KINDS = {
    "intake": N_("intake"),
    "dispatch": N_("dispatch"),
    "complete": N_("complete"),
    "callback": N_("callback"),
    "dealer_callback": N_("dealer callback"),
}


def tab_id(kpi: Kpi, place: int, taken: Collection[str] = (EVENTS,)) -> str:
    """A KPI's tab: its id where that makes a widget id and is not one of the screen's own
    (``taken``: the events'); else its place."""
    return kpi.id if WIDGET_ID.fullmatch(kpi.id) and kpi.id not in taken else f"kpi-{place}"


def kpi_tabs(kpis: Sequence[Kpi], taken: Collection[str] = (EVENTS,)) -> dict[str, Kpi]:
    """Each KPI by its tab, in the order of the tabs: the drill-down's, and one's own figures'."""
    known = list(KNOWN_TABS)
    placed = sorted(
        enumerate(kpis),
        key=lambda placed: known.index(placed[1].id) if placed[1].id in KNOWN_TABS else len(known),
    )  # a stable sort: the others keep the scheme's order
    return {tab_id(kpi, place, taken): kpi for place, kpi in placed}


def tabs_for(row: RankRow) -> dict[str, Kpi | None]:
    """Each tab and the KPI it explains; ``None``: the events, when the role has adjustments."""
    tabs: dict[str, Kpi | None] = dict(kpi_tabs([row.spec(k.id) for k in row.kpis]))
    if row.scheme.adjustments_for(row.role):
        tabs[EVENTS] = None
    return tabs


def tab_label(kpi: Kpi | None) -> str:
    """A KPI's tab by its short name, or the scheme's label for it (text from a file: a tab
    takes it through :func:`~fieldkpi.plain.plain`, never as markup)."""
    if kpi is None:
        return _(EVENTS_LABEL)
    return _(KNOWN_TABS[kpi.id]) if kpi.id in KNOWN_TABS else str(kpi.label)


@dataclass(frozen=True)
class PersonFacts:
    """One person's row as it stands, its tabs, each KPI's facts by tab and the events (if a
    tab); ``changed``: the period is closed and their live figures differ since."""

    basis: MonthBasis
    row: RankRow
    changed: bool
    tabs: dict[str, Kpi | None]  # tabs_for(row)
    kpis: dict[str, KpiFacts]
    deductions: DeductionFacts | None


def read_facts(app: Any, row: RankRow) -> PersonFacts:
    """The row's person read again, and the facts of each of their tabs (in a worker thread).

    ``row`` as the rankings showed it stands for itself should its person no
    longer be ranked.
    """
    store, user = app.store, app.user
    now = person_row(store, user, row, app.scheme_for, app.now())
    basis, row = now.basis, now.row or row
    tabs = tabs_for(row)
    args = (store, user, row.staff_code, basis.judgement, basis.scheme)
    return PersonFacts(
        basis=basis,
        row=row,
        changed=now.changed,
        tabs=tabs,
        kpis={tab: kpi_facts(*args, kpi) for tab, kpi in tabs.items() if kpi is not None},
        deductions=deduction_facts(*args) if EVENTS in tabs else None,
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
                    ticket_bucket(bucket.bucket, ticket.day),
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
    return callback_lines(facts, summary)


def mean_rating_view(facts: SatisfactionFacts) -> list[Block]:
    """The callbacks of a mean rating (``satisfaction_mean``): every rating counts."""
    summary = ngettext(
        "{rated} rated callback → mean rating {mean}",
        "{rated} rated callbacks → mean rating {mean}",
        facts.rated,
    ).format(rated=facts.rated, mean=shown("points", facts.mean))
    return callback_lines(facts, summary)


def callback_lines(facts: SatisfactionFacts, summary: str) -> list[Block]:
    """The summary, then each rated callback of the period, then the low ratings held for
    the lead (:func:`not_counted`).

    Without any callback, no summary: a rate or a mean of nothing is no data (kpi-rules
    §4: 0 points, not ranked), not 0 % — as the line of arithmetic above says.
    """
    held = [
        (
            rating.ticket,
            (
                moment(datetime.fromisoformat(rating.at)),
                rating.ticket or DASH,
                stars(int(rating.kind)),
                undecided_state(rating.state),
                plain(rating.note),
            ),
        )
        for rating in facts.held
    ]
    waiting = waiting_line(len(held))
    headings = (_("Callback"), _("Ticket"), _("Rating"))
    held_lines = not_counted((*headings, _("State"), _("Comment")), held)
    if not facts.callbacks:
        empty = _("No rated callbacks this period: no data, so no satisfaction (not 0%).")
        return [Text(empty + waiting), *held_lines]
    callbacks = TicketLines(
        (*headings, _("Satisfied"), _("Comment")),
        [
            (
                callback.ticket,
                (
                    moment(callback.callback_at),
                    callback.ticket,
                    stars(callback.rating),
                    "✓" if callback.satisfied else DASH,
                    plain(callback.note),
                ),
            )
            for callback in facts.callbacks
        ],
    )
    return [Text(summary + waiting), callbacks, *held_lines]


def stars(rating: int) -> str:
    return "★" * rating + f" {rating}"


def workload_view(
    facts: WorkloadFacts, first_month_points: Any, saturation: bool = True
) -> list[Block]:
    """Actions per kind and per day over the days they count; for ``saturation`` (not the
    count of actions, ``workload``) the branch's highest daily workload of the year too.

    Then the tickets with the same action more than once, each of which counted: told at
    the top, where the lead reviewing the month sees it, and listed last to open each.
    """
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
    ]
    if saturation:
        lines.append(
            _(
                "The branch's highest this year: {max} a day{whose} → saturation {saturation}"
            ).format(
                max=points(facts.annual_max),
                whose=_whose(facts),
                saturation=percent(facts.saturation),
            )
        )
    if facts.first_month:
        lines.append(
            _("First month: workload points are fixed at {points}.").format(
                points=points(first_month_points)
            )
        )
    if facts.repeated_tickets:
        lines.append(
            ngettext(
                "The same action more than once on {n} ticket: listed below",
                "The same action more than once on {n} tickets: listed below",
                facts.repeated_tickets,
            ).format(n=facts.repeated_tickets)
        )
    kinds = facts_table(_("Action"), _("Count"), right=(1,))
    for kind, n in facts.per_kind.items():
        kinds.add_row(labels.label(ACTION_KINDS, kind), str(n))
    days = facts_table(_("Date"), _("Actions"), right=(1,))
    for day, n in facts.per_day:
        days.add_row(day.isoformat(), str(n))
    blocks: list[Block] = [Group(plain("\n".join(lines)), Text(""), kinds, Text(""), days)]
    if facts.repeated:
        blocks += repeats_view(facts)
    return blocks


def repeats_view(facts: WorkloadFacts) -> list[Block]:
    """The tickets with the same action more than once, the most first; whether the list is cut."""
    heading = _("Tickets with the same action more than once")
    if facts.repeated_lines > len(facts.repeated):
        heading += " · " + _("{shown} of {all}, the most first").format(
            shown=len(facts.repeated), all=facts.repeated_lines
        )
    repeats = TicketLines(
        (_("Ticket"), _("Action"), _("Times"), _("First"), _("Last")),
        [
            (
                repeat.ticket,
                (
                    repeat.ticket,
                    labels.label(ACTION_KINDS, repeat.action),
                    f"×{repeat.times}",
                    moment(repeat.first),
                    moment(repeat.last),
                ),
            )
            for repeat in facts.repeated
        ],
        right=(2,),
    )
    return [Text("\n" + heading, style="bold"), repeats]


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
    blocks: list[Block] = [Text(summary + waiting_line(len(facts.undecided)))]
    headings = [_("Reported"), _("Engineer"), _("Ticket"), _("Points"), _("Note")]
    if facts.problems:
        problems = TicketLines(headings, [report_cells(r) for r in facts.problems], right=(3,))
        blocks += [Text("\n" + _("Problem reports"), style="bold"), problems]
    waiting = [report_cells(report, undecided_state(report.state)) for report in facts.undecided]
    blocks += not_counted([*headings[:4], _("State"), headings[4]], waiting, right=(3,))
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


def report_cells(report: ProblemReport, *state: str) -> tuple[str | None, list[str | Text]]:
    """A problem report's line, its ticket first; with its ``state`` where it does not count."""
    return report.ticket, [
        moment(report.at),
        plain(report.engineer_name),
        report.ticket or DASH,
        points(report.points),
        *state,
        plain(report.note),
    ]


def undecided_state(state: str) -> str:
    return _(UNDECIDED_STATES[state])


def waiting_points(event: AppraisalEvent) -> str:
    """What an adjustment waiting for the lead does to the total once it stands."""
    return _("forfeit") if event.forfeits else signed_points(event.change or 0)


def waiting_line(n: int) -> str:
    """The end of a tab's summary where ``n`` items wait for the lead: its count says only
    what counts, and "0 events" read as nothing recorded."""
    if not n:
        return ""
    return "\n" + ngettext(
        "{n} more not counted until the lead decides: listed below",
        "{n} more not counted until the lead decides: listed below",
        n,
    ).format(n=n)


def not_counted(
    headings: Sequence[str], lines: list[tuple[str | None, Sequence[str | Text]]], **kwargs: Any
) -> list[Block]:
    """The items that do not count until the lead decides them, under a heading that says
    so, below those that count; nothing where there are none."""
    if not lines:
        return []
    return [Text("\n" + _(NOT_COUNTED), style="bold"), TicketLines(headings, lines, **kwargs)]


def deductions_view(facts: DeductionFacts, scheme: Scheme) -> list[Block]:
    summary = ngettext(
        "{n} event, {points} points off", "{n} events, {points} points off", len(facts.events)
    ).format(n=len(facts.events), points=points(facts.points))
    if facts.zeroed:
        summary += " · " + _("a media complaint zeroes the month's total")
    return event_lines(facts, scheme, summary)


def kind_view(facts: KindFacts, scheme: Scheme) -> list[Block]:
    """The events of the kind an ``adjustments.KIND`` KPI counts."""
    n = len(facts.events.events)
    summary = ngettext("{n} event of the kind {kind}", "{n} events of the kind {kind}", n).format(
        n=n, kind=scheme.event_label("kind", facts.kind)
    )
    return event_lines(facts.events, scheme, summary)


def _recorder(code: str | None, name: str | None) -> str:
    """Who recorded an event, as the ticket history names them; a dash where not told."""
    by = labels.label(labels.RECORDER, name) or DASH
    return f"{name} ({code})" if code and name != code else by


def event_lines(facts: DeductionFacts, scheme: Scheme, summary: str) -> list[Block]:
    """The summary, each event that counts with its points and who recorded it (where shown),
    then those that do not count until the lead decides (:func:`not_counted`)."""
    blocks: list[Block] = [Text(summary + waiting_line(len(facts.undecided)))]
    if facts.events:
        lines = [
            (
                event.ticket,
                (
                    moment(event.at),
                    scheme.event_label("kind", event.kind),
                    _("forfeit") if event.zeroes else signed_points(-event.points),
                    event.ticket or DASH,
                    plain(event.note),
                    plain(_recorder(event.recorded_by, event.recorded_by_name)),
                ),
            )
            for event in facts.events
        ]
        headings = (_("When"), _("Kind"), _("Points"), _("Ticket"), _("Note"), _("Recorded by"))
        blocks.append(TicketLines(headings, lines, right=(2,)))
    waiting = [
        (
            event.ticket,
            (
                moment(datetime.fromisoformat(event.at)),
                scheme.event_label("kind", event.kind),
                waiting_points(event),
                undecided_state(event.state),
                event.ticket or DASH,
                plain(event.note),
                plain(_recorder(event.recorded_by, event.recorded_by_name)),
            ),
        )
        for event in facts.undecided
    ]
    headings = (
        _("When"), _("Kind"), _("Points"), _("State"), _("Ticket"), _("Note"), _("Recorded by")
    )  # fmt: skip
    return blocks + not_counted(headings, waiting, right=(2,))


def completed_view(facts: CompletedFacts) -> list[Block]:
    """The tickets a completed-ticket KPI counted, each with what makes it count."""
    kpi, measured, n = facts.kpi, facts.measured, len(facts.tickets)
    parts = measured.parts
    if kpi.measure == "cycle_hours":
        summary = ngettext(
            "{n} ticket completed, {hours} hours in all → {mean} hours on average",
            "{n} tickets completed, {hours} hours in all → {mean} hours on average",
            n,
        ).format(
            n=n,
            hours=points(facts.hours),
            mean=shown("points", measured.value),
        )
    elif kpi.measure == "resolved_within":
        summary = ngettext(
            "{within} of {n} ticket completed within {hours} hours of receipt → {rate}",
            "{within} of {n} tickets completed within {hours} hours of receipt → {rate}",
            n,
        ).format(
            within=parts["within"],
            n=n,
            hours=count(kpi.settings["hours"]),
            rate=shown("rate", measured.value),
        )
    elif kpi.measure == "first_time_fix":
        summary = ngettext(
            "{fixed} of {n} completed ticket not reopened within {days} days → {rate}",
            "{fixed} of {n} completed tickets not reopened within {days} days → {rate}",
            n,
        ).format(
            fixed=parts["fixed"],
            n=n,
            days=count(kpi.settings["days"]),
            rate=shown("rate", measured.value),
        )
    else:
        summary = ngettext("{n} ticket completed", "{n} tickets completed", n).format(n=n)
    if not facts.tickets:
        return [Text(summary + "\n" + _("No tickets completed in the period."))]
    headings = [_("Ticket"), _("Received"), _("Completed"), _("Hours")]
    if kpi.measure == "resolved_within":
        headings.append(_("Within {hours} h").format(hours=count(kpi.settings["hours"])))
    if kpi.measure == "first_time_fix":
        headings.append(_("Reopened"))
    lines = []
    for ticket in facts.tickets:
        cells = [
            ticket.code,
            moment(ticket.received_at),
            moment(ticket.completed_at),
            points(ticket.hours),
        ]
        if kpi.measure == "resolved_within":
            cells.append("✓" if ticket.within else DASH)
        if kpi.measure == "first_time_fix":
            cells.append(moment(ticket.reopened_at))
        lines.append((ticket.code, cells))
    return [Text(summary), TicketLines(headings, lines, right=(3,))]


def dispatch_view(facts: DispatchFacts) -> list[Block]:
    """Each ticket first dispatched in the period, and the minutes it waited."""
    n = len(facts.dispatches)
    summary = ngettext(
        "{n} ticket dispatched, {minutes} minutes in all → {mean} minutes on average",
        "{n} tickets dispatched, {minutes} minutes in all → {mean} minutes on average",
        n,
    ).format(
        n=n,
        minutes=points(facts.minutes),
        mean=shown("points", facts.measured.value),
    )
    if not facts.dispatches:
        return [Text(summary + "\n" + _("No tickets dispatched in the period."))]
    lines = [
        (
            d.ticket,
            (d.ticket, moment(d.received_at), moment(d.dispatched_at), points(d.minutes)),
        )
        for d in facts.dispatches
    ]
    headings = (_("Ticket"), _("Received"), _("Dispatched"), _("Minutes"))
    return [Text(summary), TicketLines(headings, lines, right=(3,))]


def entered_view(facts: EnteredFacts) -> list[Block]:
    """The value entered for the period, who entered it (where shown) and when, and the
    entries before it."""
    if not facts.entries:
        return [Text(_("Nothing entered for this period yet: it counts 0 until it is."))]
    latest = facts.entries[-1]
    by = labels.label(labels.RECORDER, latest.by_name)
    summary = (
        _("Entered: {value}, by {name} at {at}") if by else _("Entered: {value} at {at}")
    ).format(value=latest.value, name=by, at=latest.at)
    table = facts_table(_("Entered at"), _("Value"), _("By"), _("Note"), right=(1,))
    for entry in reversed(facts.entries):
        by = labels.label(labels.RECORDER, entry.by_name) or DASH
        table.add_row(entry.at, str(entry.value), plain(by), plain(entry.note))
    return [Group(plain(summary), Text(""), table)]


def absence_view(facts: AbsenceFacts) -> list[Block]:
    """The attendance record of each month of the period, and the days absent it gives."""
    if facts.measured.value is None:
        summary = _("No attendance record says days absent in this period.")
    else:
        summary = _("Days absent: {days}").format(days=count(facts.measured.value))
    table = facts_table(_("Month"), _("Days at work"), _("Days absent"), right=(1, 2))
    for month in facts.months:
        table.add_row(
            month.month,
            DASH if month.days is None else str(month.days),
            DASH if month.absent is None else str(month.absent),
        )
    return [Group(Text(summary), Text(""), table)] if facts.months else [Text(summary)]


def kpi_view(facts: KpiFacts, kpi: Kpi, scheme: Scheme) -> list[Block]:
    """The facts behind one KPI, as its measure counted them."""
    match facts:
        case TimelinessFacts():
            return timeliness_view(facts)
        case SatisfactionFacts() if kpi.measure == "satisfaction_mean":
            return mean_rating_view(facts)
        case SatisfactionFacts():
            return callbacks_view(facts, facts.threshold)
        case WorkloadFacts():
            return workload_view(facts, kpi.first_month, kpi.measure == "saturation")
        case FeedbackFacts():
            return feedback_view(facts)
        case CompletedFacts():
            return completed_view(facts)
        case DispatchFacts():
            return dispatch_view(facts)
        case EnteredFacts():
            return entered_view(facts)
        case AbsenceFacts():
            return absence_view(facts)
        case KindFacts():
            return kind_view(facts, scheme)
    raise AssertionError(facts)


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


def as_frozen(line: str, basis: MonthBasis) -> str:
    """A line of the row's arithmetic, labelled as frozen where the period is closed: its facts
    below are read from the data as it is now, and after late data say otherwise."""
    return _(FROZEN_LINE).format(line=line) if basis.closed is not None else line


def facts_now(view: list[Block], changed: bool) -> list[Block]:
    """A tab's facts, labelled as today's where they no longer match the frozen figures:
    ``0.00%`` frozen over ``6.90%`` read as one KPI with two values."""
    return [Text(_(FACTS_NOW), style="bold"), *view] if changed else view


def ranking_line(kpi: Kpi | None, row: RankRow) -> str:
    """The row's own arithmetic for the KPI of a tab, to check its facts against; on the
    events tab, the total, the sum of every point."""
    return kpi_line(row, kpi.id) if kpi is not None else total_line(row, tab_label)


class DrilldownScreen(OpensTickets, actions.ScopedKeys, ClosesItself):
    """One person's month, a tab per KPI; Enter on a ticket opens it, Esc goes back."""

    ACTION_SCOPE = actions.FACTS
    CSS_PATH: ClassVar[list[str]] = ["months.tcss", "drilldown.tcss"]

    def __init__(self, row: RankRow, kpi: str | None = None) -> None:
        """``kpi``: the id of the KPI to open on (``ADJUSTMENTS``: the events), else the first."""
        super().__init__()
        self.row = row
        self.kpis = tabs_for(row)
        self.tabs = list(self.kpis)
        self.first_tab = next(
            (tab for tab, spec in self.kpis.items() if (spec.id if spec else ADJUSTMENTS) == kpi),
            self.tabs[0],
        )
        self.request = 0  # answers to older reads are dropped
        self.loaded = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(self._heading(), id="facts-head")
        with TabbedContent(initial=self.first_tab):
            for tab, kpi in self.kpis.items():
                yield self._pane(tab, kpi)
        yield KeyFooter()

    @staticmethod
    def _pane(tab: str, kpi: Kpi | None) -> TabPane:
        facts = FactsPane(Static(_("Loading…")), id=f"{tab}-facts")
        return TabPane(labels.tab_title(tab_label(kpi)), facts, id=tab)

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
                    *outcome(row),
                )
            )
        )

    def on_mount(self) -> None:
        self.title = _("Facts")
        self._focus_tab()
        self.reload()

    @on(TabbedContent.TabActivated)
    def _focus_tab(self) -> None:
        """The visible tab's first ticket list takes the keys (or its facts, to scroll); the
        first time, the pane opens with the list's first lines shown."""
        tabs = self.query_one(TabbedContent)
        pane = tabs.query_one(f"#{tabs.active}-facts", FactsPane)
        self.set_focus(facts_focus(pane), scroll_visible=False)
        pane.open_on_lines()

    def reload(self) -> None:
        self.request += 1
        self._load(self.request, self.row)

    @reader("facts")
    def _load(self, request: int, row: RankRow) -> None:
        self.post_message(Loaded(request, read_facts(self.app, row)))

    @on(DataChanged)
    def _someone_saved(self) -> None:
        """Someone saved: the row and its facts are read again, as the rankings beneath are;
        the facts kept the total they were opened with until Esc."""
        self.reload()

    @on(Loaded)
    async def _loaded(self, message: Loaded) -> None:
        """The heading and every tab anew; the tab shown and each list's cursor stay (a list
        that went or came with the facts gives the keys to the first list of the tab)."""
        if message.request != self.request:
            return
        facts: PersonFacts = message.data
        self.row, scheme = facts.row, facts.basis.scheme
        self.query_one("#facts-head", Static).update(self._heading())
        rebuilt = await self._put_tabs(facts.tabs)
        basis_line = basis_text(facts.basis, facts.changed)
        for tab, kpi in self.kpis.items():
            line = as_frozen(ranking_line(kpi, self.row), facts.basis)
            head = plain(f"{line}\n{basis_line}\n", style="bold")
            if kpi is None:
                assert facts.deductions is not None  # read whenever the tab is there
                view = deductions_view(facts.deductions, scheme)
            else:
                view = kpi_view(facts.kpis[tab], kpi, scheme)
            await self.query_one(f"#{tab}-facts", FactsPane).show(
                [head, *facts_now(view, facts.changed)]
            )
        if not self.loaded or rebuilt or self.focused is None:
            self._focus_tab()
        self.loaded = True
        self.stay_open()  # read after all (someone saved meanwhile): what failed first is moot

    async def _put_tabs(self, tabs: dict[str, Kpi | None]) -> bool:
        """The tabs of the row read, in place of those shown if they are others (the branch's
        scheme was changed meanwhile); the tab shown stays if the new ones have it."""
        if tabs == self.kpis:
            return False
        content = self.query_one(TabbedContent)
        active = content.active
        await content.clear_panes()
        for tab, kpi in tabs.items():
            await content.add_pane(self._pane(tab, kpi))
        self.kpis, self.tabs = tabs, list(tabs)
        content.active = active if active in tabs else self.tabs[0]
        return True

    @on(LoadFailed)
    def _failed(self, message: LoadFailed) -> None:
        """Said; the facts first asked for go back to the rankings (once the screen is on top
        again, should F1's help have been opened while they load), those shown stay."""
        message.stop()
        if self.loaded:
            self.notify(message.message, severity="error")
        else:
            self.close_self(saying=message.message)

    def action_next_tab(self) -> None:
        next_tab(self.query_one(TabbedContent))

    def action_back(self) -> None:
        self.close_self()
