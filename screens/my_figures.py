"""A person's own month: timeliness as it stands, the buckets, what to fix first, their rank.

Engineers start here, reps reach it by key. Everything on it is the person's
own: their row of the ranking, how many are ranked, their tickets and
callbacks — never another person's name, score or rank, nor a distance to
the next rank up, which would tell that person's total (:mod:`fieldkpi.standing`).
Storage answers only for the person signed in (:func:`storage.standings.own_standing`
and :mod:`storage.drilldown` check it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from rich.console import Group, RenderableType
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Footer, Header, Static, TabbedContent, TabPane

from fieldkpi.buckets import FixFirst
from fieldkpi.i18n import _
from fieldkpi.period import Period, stamp
from fieldkpi.plain import plain
from fieldkpi.scheme import Scheme
from fieldkpi.standing import OwnStanding
from screens import actions
from screens.charts import bucket_label
from screens.drilldown import LATE_DATA, callbacks_view, facts_table, timeliness_view
from screens.loading import reader
from screens.messages import DataChanged, Loaded, LoadFailed
from screens.months import MonthScreen
from screens.numbers import moment, points, rate, signed, yuan
from storage.closing import MonthBasis, changed_since_closing, month_basis
from storage.drilldown import (
    SatisfactionFacts,
    TimelinessFacts,
    fix_first_list,
    satisfaction_facts,
    timeliness_facts,
)
from storage.standings import own_standing


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


def read_own(app: Any, period: Period) -> OwnFigures:
    """Everything this screen shows, for the person signed in (runs in a worker thread)."""
    store, user, now = app.store, app.user, app.now()
    basis = month_basis(store, user.branch, period, app.scheme_for, now)
    args = (store, user, user.code, basis.judgement, basis.scheme)
    running = period == Period.of(now)
    closed = basis.closed is not None
    return OwnFigures(
        period=period,
        basis=basis,
        standing=own_standing(store, user, period, app.scheme_for, now),
        timeliness=timeliness_facts(*args),
        satisfaction=satisfaction_facts(*args),
        fix_first=fix_first_list(store, user, user.code, now, app.scheme_for(user.branch))
        if running
        else None,
        changed=closed and user.code in changed_since_closing(store, user.branch, period),
    )


def status_line(figures: OwnFigures) -> str:
    """Whether the month can still change; a closed month names no closer (nobody is named here)."""
    as_of = stamp(figures.basis.judgement.as_of)
    if figures.basis.closed is not None:
        text = _("Closed: these figures are final (as of {as_of})").format(as_of=as_of)
        return text + "\n" + _(LATE_DATA) if figures.changed else text
    if figures.basis.judgement.provisional:
        return _("PROVISIONAL — as of {as_of}; figures can still change").format(as_of=as_of)
    return _("As of {as_of} · not closed yet").format(as_of=as_of)


def standing_lines(figures: OwnFigures) -> list[str]:
    standing = figures.standing
    if standing is None:
        return [_("You are not ranked in {month}.").format(month=figures.period)]
    row = standing.row
    place = _("Rank {rank} of {ranked} · total {total} · reward {reward}").format(
        rank=row.rank, ranked=standing.ranked, total=row.total, reward=yuan(row.reward)
    )
    kpis = _("Timeliness {value} → {points} points · Satisfaction {rate} → {sat} points").format(
        value=points(row.timeliness),
        points=points(row.timeliness_points),
        rate=rate(row.satisfaction),
        sat=points(row.satisfaction_points),
    )
    if row.deductions:
        kpis += " · " + _("Deductions −{points}").format(points=points(row.deductions))
    lines = [place, kpis]
    if row.role == "rep":
        lines.append(
            _(
                "Feedback {rate} → {points} points · Workload {workload} actions, "
                "saturation {saturation} → {wpoints} points"
            ).format(
                rate=rate(row.feedback_rate),
                points=points(row.feedback_points),
                workload=row.workload,
                saturation=rate(row.saturation),
                wpoints=points(row.workload_points),
            )
        )
    if row.zeroed:
        lines.append(_("A media complaint zeroes this month's total."))
    return lines


def fix_first_view(entries: list[FixFirst] | None, scheme: Scheme) -> RenderableType:
    """Open tickets, most urgent first: when each drops a bucket and the points that costs."""
    if entries is None:
        return Text(_("Fix first is about the running month: press ] to come back to it."))
    if not entries:
        return Text(_("No open tickets: nothing is losing points."))
    table = facts_table(
        _("Ticket"), _("At stake"), _("Now"), _("Drops on"), _("To"), _("Received"), right=(1,)
    )
    for entry in entries:
        table.add_row(
            entry.ticket.code,
            signed(entry.at_stake),
            f"{bucket_label(entry.bucket)} ({signed(entry.points)})",
            entry.drops_at.date().isoformat() if entry.drops_at else "—",
            bucket_label(entry.next_bucket) if entry.next_bucket else _("completed: past 7 days"),
            moment(entry.ticket.received_at),
        )
    note = _(
        "Each midnight an open ticket waits, it drops to the next bucket; one open past "
        "{days} days at the month's end counts {points}."
    ).format(days=scheme.open_days, points=signed(scheme.open_points))
    return Group(Text(note), Text(""), table)


class MyFiguresScreen(MonthScreen):
    ACTION_SCOPE = actions.FIGURES
    CSS_PATH: ClassVar[list[str]] = ["months.tcss", "my_figures.tcss"]

    def __init__(self) -> None:
        super().__init__()

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="month-bar"):
            yield from self.compose_month()
        yield Static("", id="standing")
        with TabbedContent(initial="timeliness"):
            for tab, title in (
                ("timeliness", _("Timeliness")),
                ("fix-first", _("Fix first")),
                ("callbacks", _("Callbacks")),
            ):
                with TabPane(title, id=tab), VerticalScroll(classes="facts-box"):
                    yield Static(_("Loading…"), id=f"{tab}-facts")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.title = _("My figures")
        super().on_mount()
        self.rest_focus()

    def clear(self) -> None:
        for box in self.query("#standing, .facts-box Static").results(Static):
            box.update(_("Loading…"))

    def load(self) -> None:
        self._load(self.request, self.period)

    @reader("my-figures")
    def _load(self, request: int, period: Period) -> None:
        self.post_message(Loaded(request, read_own(self.app, period)))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        if message.request != self.request:
            return
        figures: OwnFigures = message.data
        head = Text(status_line(figures), style="bold")
        head.append("\n" + "\n".join(standing_lines(figures)), style="")
        self.query_one("#standing", Static).update(head)
        scheme = figures.basis.scheme
        views = {
            "timeliness": timeliness_view(figures.timeliness),
            "fix-first": fix_first_view(figures.fix_first, scheme),
            "callbacks": callbacks_view(figures.satisfaction, scheme.satisfied_min_rating),
        }
        for tab, view in views.items():
            self.query_one(f"#{tab}-facts", Static).update(view)

    @on(LoadFailed)
    def _failed(self, message: LoadFailed) -> None:
        """What could not be read is said where the figures would be (Ctrl+R tries again)."""
        message.stop()
        for box in self.query("#standing, .facts-box Static").results(Static):
            box.update(plain(message.message))
        self.notify(message.message, severity="error")

    @on(DataChanged)
    def _someone_saved(self) -> None:
        self.reload()

    @on(TabbedContent.TabActivated)
    def rest_focus(self) -> None:
        tabs = self.query_one(TabbedContent)
        box = tabs.query_one(f"#{tabs.active or 'timeliness'} .facts-box")
        self.call_after_refresh(box.focus)
