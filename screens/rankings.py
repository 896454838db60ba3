"""The month's rankings of a branch, as its lead (or an admin) reads, argues over and pays them.

Reps and engineers on two tabs, one line per person with every number the
export holds. Rank, name, total and reward stay in view at 80 columns; beside
them, each person's last twelve months as a sparkline (rising, falling), the
change of rank and every KPI's columns, which ← → move a whole column at a time
(:mod:`screens.sideways`: a number is shown whole or not at all). Enter on a
number opens the facts behind it, on the sparkline the trend chart. The
banner says whether the month is still running, or closed (by whom, when)
and whether late data has changed the live figures since: who, and by how
much (``l`` lists everyone, live against frozen).

Storage decides who may see which branch (:func:`storage.standings.branch_ranking`);
this screen only offers the admin a choice of branch.
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
from textual.widgets import DataTable, Header, Static, TabbedContent, TabPane

from fieldkpi import access
from fieldkpi.i18n import N_, _, join_list, ngettext
from fieldkpi.kpi_columns import FIRST_MONTH, NO_DATA, KpiColumn, kpi_columns
from fieldkpi.live_figures import LiveChange, change_line
from fieldkpi.period import Period, provisional_line, stamp
from fieldkpi.plain import CELL_WIDTH, plain
from fieldkpi.ranking import RankRow
from fieldkpi.scheme import Scheme
from fieldkpi.trends import FALLING, RISING, STEADY, direction, sparkline, totals_by_person
from screens import actions
from screens.drilldown import DrilldownScreen
from screens.footer import KeyFooter
from screens.linebreaks import Prose
from screens.live_figures import LiveFiguresScreen
from screens.months import MonthScreen
from screens.numbers import DASH, points, shown, yuan
from screens.rank_forms import CloseMonthForm, ExportForm, ReopenMonthForm
from screens.scheme_choice import SchemeForm, scheme_summary
from screens.sideways import SidewaysTable, more_columns
from screens.trend import TrendScreen
from storage.closing import still_running
from storage.leavers import LeftHolder, left_ticket_count
from storage.standings import BranchRanking, branch_ranking

TOP_STYLE, BOTTOM_STYLE = "bold green", "bold red"
ZEROED = "ⓩ"
TREND_STYLES = {RISING: "green", FALLING: "red", STEADY: ""}
TREND_ARROWS = {RISING: "↗", FALLING: "↘", STEADY: "→"}
TREND = "trend"  # the sparkline column: Enter on it opens the chart


@dataclass(frozen=True)
class Column:
    """One column of a ranking table: its key, its two-line heading and how a row fills it.

    ``kpi`` is the KPI whose facts Enter opens (``ADJUSTMENTS``: the events); ``None`` for
    the person's columns.
    ``cell`` gives the text shown (the trend column: the months' totals to draw).
    """

    key: str
    heading: str
    cell: Callable[[RankRow], Any]
    left: bool = False
    kpi: str | None = None

    @property
    def is_trend(self) -> bool:
        """The sparkline column, not a KPI's of the same key (a scheme's KPI ``trend``)."""
        return self.kpi is None and self.key == TREND


def rank_change(rank: int, before: int | None) -> str:
    """Against last month: ``↑2`` (up two places), ``↓1``, ``=``, or ``new``."""
    if before is None:
        return _("new")
    if before == rank:
        return "="
    return f"↑{before - rank}" if before > rank else f"↓{rank - before}"


def row_style(row: RankRow, rows: list[RankRow]) -> str:
    """The top of the ranking in green, the bottom in red (when there is a bottom at all)."""
    last = max(r.rank for r in rows)
    if row.rank == 1:
        return TOP_STYLE
    return BOTTOM_STYLE if row.rank == last else ""


def total_text(row: RankRow) -> str:
    return f"{points(row.total)} {ZEROED}" if row.zeroed else points(row.total)


def trend_text(totals: list | None) -> Text:
    """The last months' totals as a sparkline, and an arrow for where they are heading."""
    if totals is None:
        return Text("")
    way = direction(totals)
    return Text(f"{sparkline(totals)} {TREND_ARROWS[way]}", style=TREND_STYLES[way])


def kpi_cell(column: KpiColumn) -> Callable[[RankRow], str]:
    def cell(row: RankRow) -> str:
        text = shown(column.format, column.read(row))
        mark = column.mark(row) if column.mark else ""
        return f"{text} {mark}" if mark else text

    return cell


LAST_12 = {"month": N_("Last 12 months"), "quarter": N_("Last 12 quarters")}
NOT_APPRAISED = {  # a role's tab, where the branch's scheme leaves the role out
    "rep": N_("The branch's scheme does not appraise reps"),
    "engineer": N_("The branch's scheme does not appraise engineers"),
}


def table_columns(
    role: str,
    scheme: Scheme | None,
    rows: list[RankRow],
    previous: dict[str, int],
    trends: dict[str, list],
) -> list[Column]:
    """Left to right: who and what they get (these stay put), then the trend and every KPI.

    Rank, name, total, grade (when the scheme grades anyone) and reward (when it
    pays the role: a column of dashes told nothing) fit 80 columns in either
    language; the rest scrolls sideways beside them. The KPIs are ``scheme``'s, the
    one the rows are judged by; none at all where it appraises nobody of the role (or
    before the first read): another scheme's headings over nothing read as its figures.
    """
    if scheme is None or role not in scheme.roles:
        return []
    grades = {row.staff_code: row.grade for row in rows}
    person = [
        Column("rank", _("Rank"), lambda row: str(row.rank)),
        Column("name", _("Name"), lambda row: row.name, left=True),
        Column("total", _("Total"), total_text),
    ]
    if any(grades.values()):
        person.append(Column("grade", _("Grade"), lambda row: str(grades[row.staff_code] or DASH)))
    if rows and scheme.money.pays(role):
        person.append(Column("reward", _("Reward"), lambda row: yuan(row.reward)))
    return [
        *person,
        Column(TREND, _(LAST_12[scheme.period]), lambda row: trends.get(row.staff_code), left=True),
        Column(
            "change", _("Change"), lambda row: rank_change(row.rank, previous.get(row.staff_code))
        ),
        Column("staff_code", _("Code"), lambda row: row.staff_code, left=True),
        *(
            Column(c.field, c.heading, kpi_cell(c), kpi=c.kpi)
            for c in kpi_columns(role, rows, scheme)
        ),
    ]


def fixed_count(columns: list[Column]) -> int:
    """The columns that stay at the left while the others move sideways: up to the trend
    (rank and name alone where these would leave the others no room: a phone)."""
    keys = [c.key for c in columns]
    return keys.index(TREND) if TREND in keys else 0


def heading(column: Column) -> Text:
    """Two lines: a KPI's name over what the column holds; a single heading on the lower line.

    Each line is cut to a cell's width: a scheme may name a KPI at any length, and a
    column as wide as its name left its numbers nowhere in view at 80 columns.
    """
    text = column.heading if "\n" in column.heading else f"\n{column.heading}"
    lines = (plain(line, CELL_WIDTH).plain for line in text.split("\n"))
    return Text("\n".join(lines), justify="left" if column.left else "right")


def cell(column: Column, row: RankRow, style: str) -> Text:
    """One cell as plain text (names and codes come from files too), cut to a cell's width."""
    value = column.cell(row)
    if column.is_trend:
        return trend_text(value)
    return plain(value, CELL_WIDTH, style=style, justify="left" if column.left else "right")


class RankTable(SidewaysTable):
    """One role's ranking: ``ranked[i]`` is line ``i``; the cursor picks the number to explain.

    ``columns_shown`` are all its columns, left to right; it holds those in view
    (:class:`screens.sideways.SidewaysTable`): who and what they get at the left, down to rank
    and name on a narrow screen, and beside them as many others as fit whole.
    """

    def __init__(self, role: str, *, id: str) -> None:
        super().__init__(id=id, cursor_type="cell", zebra_stripes=True, header_height=2)
        self.role = role
        self.ranked: list[RankRow] = []
        self.previous: dict[str, int] = {}
        self.trends: dict[str, list] = {}
        self.columns_shown: list[Column] = []
        self.scheme: Scheme | None = None  # the rows' scheme, once read: its KPIs are the columns
        self._kept: tuple[int, tuple[str, str | None] | None] = (0, None)  # line, column

    def on_mount(self) -> None:
        self.show([], {}, {})

    def show(
        self,
        rows: list[RankRow],
        previous: dict[str, int],
        trends: dict[str, list],
        scheme: Scheme | None = None,
    ) -> None:
        """Replace the lines, keeping the cursor where it was (another month, a reload).

        ``trends``: each person's totals of the last months (``None`` where not
        ranked), the sparklines. ``scheme``: what the rows are judged by; while
        another month loads (none given) the headings stay those of the last read.
        """
        chosen = self.selected
        if chosen is not None:  # kept across the empty table of a load
            self._kept = (self.cursor_row, (chosen[1].key, chosen[1].kpi))
        self.ranked, self.previous, self.trends = rows, previous, trends
        self.scheme = scheme or self.scheme
        self._fill()

    def _fill(self) -> None:
        """The cursor on the line it was on, and on its column by what the column is (another
        month may have a column more or less)."""
        rows = self.ranked
        columns = table_columns(self.role, self.scheme, rows, self.previous, self.trends)
        self.columns_shown = columns
        fixed = fixed_count(columns)
        cells = [[cell(c, r, row_style(r, rows)) for c in columns] for r in rows]
        row, key = self._kept
        keys = [(c.key, c.kpi) for c in columns]
        at = (row, keys.index(key) if key in keys else 0)
        self.lay([heading(c) for c in columns], cells, (fixed, min(fixed, 2)), cursor=at)

    @property
    def selected(self) -> tuple[RankRow, Column] | None:
        """The person and the column under the cursor."""
        row, index = self.cursor_coordinate
        column = self.column_at(index)
        if not 0 <= row < len(self.ranked) or column is None:
            return None
        if column >= len(self.columns_shown):
            return None
        return self.ranked[row], self.columns_shown[column]


BANNER_PEOPLE = 3  # people the banner tells of by how much; all of them are behind ``l``


def changed_lines(changes: list[LiveChange]) -> str:
    """Who differs, and by how much, a line each (:func:`fieldkpi.live_figures.change_line`):
    up to :data:`BANNER_PEOPLE`, more are counted and left to the live view (``l``), so the
    tables keep their room at 80×24."""
    shown = changes if len(changes) <= BANNER_PEOPLE else changes[: BANNER_PEOPLE - 1]
    lines = [
        ngettext(
            "Live figures now differ for {n} person: these frozen figures stay until an admin "
            "reopens the month (l: live vs frozen).",
            "Live figures now differ for {n} people: these frozen figures stay until an admin "
            "reopens the month (l: live vs frozen).",
            len(changes),
        ).format(n=len(changes)),
        *(f"  {change_line(change)}" for change in shown),
    ]
    more = len(changes) - len(shown)
    if more:
        lines.append("  " + _("… and {n} more: l shows every one").format(n=more))
    return "\n".join(lines)


def banner(ranking: BranchRanking) -> tuple[str, str]:
    """The lines above the tables and their CSS class: the month's, and the open tickets
    still in the name of engineers and of reps who have left, which no figure shows
    (kpi-rules §6)."""
    text, kind = month_banner(ranking)
    lines = [text]
    if ranking.left_holders:
        n, people = left_summary(ranking.left_holders)
        line = ngettext(
            "{n} open ticket is held by someone who has left ({people}): it counts against "
            "nobody; re-dispatch it from the queue (F2).",
            "{n} open tickets are held by people who have left ({people}): they count against "
            "nobody; re-dispatch them from the queue (F2).",
            n,
        )
        lines.append(line.format(n=n, people=people))
    if ranking.left_reps:
        n, people = left_summary(ranking.left_reps)
        line = ngettext(
            "{n} open ticket has a rep who has left ({people}): it counts against no rep; "
            "see that another rep follows it up (marked in the queue, F2).",
            "{n} open tickets have a rep who has left ({people}): they count against no rep; "
            "see that another rep follows them up (marked in the queue, F2).",
            n,
        )
        lines.append(line.format(n=n, people=people))
    return "\n".join(lines), kind


def left_summary(left: list[LeftHolder]) -> tuple[int, str]:
    """How many open tickets are in the name of people who have left, and whose (谢建华 5)."""
    return left_ticket_count(left), join_list(f"{h.person.name} {len(h.tickets)}" for h in left)


def month_banner(ranking: BranchRanking) -> tuple[str, str]:
    """The month's line and its CSS class: running, closed (and changed since), or not."""
    closed = ranking.closed
    as_of = ranking.rows[0].as_of if ranking.rows else None
    if closed is not None:
        text = _("Closed by {name} at {at} · frozen as of {as_of}").format(
            name=closed.closed_by_name, at=stamp(closed.closed_at), as_of=stamp(closed.as_of)
        )
        if closed.note:
            text += f" · {closed.note}"
        if ranking.changed:
            return text + "\n" + changed_lines(list(ranking.changed.values())), "-changed"
        return text, "-closed"
    if ranking.provisional:
        return provisional_line(as_of), "-provisional"
    when = stamp(as_of) if as_of else str(ranking.period)
    return _("As of {as_of} · not closed yet").format(as_of=when), "-open"


class RankingsScreen(MonthScreen):
    ACTION_SCOPE = actions.RANKINGS
    HEADING = N_("Rankings")
    CSS_PATH: ClassVar[list[str]] = ["months.tcss", "rankings.tcss"]
    BANNER_CLASSES = ("-changed", "-closed", "-provisional", "-open")

    def __init__(self) -> None:
        super().__init__()
        self.ranking: BranchRanking | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="rank-bar"):
            yield from self.compose_branch()
            yield from self.compose_month()
        yield Prose("", id="banner")  # a note in Chinese wraps where the line is full
        yield Static("", id="rank-scheme")
        with TabbedContent(initial="reps"):
            with TabPane(_("Reps"), id="reps"):
                yield RankTable("rep", id="rep-table")
            with TabPane(_("Engineers"), id="engineers"):
                yield RankTable("engineer", id="engineer-table")
        with Horizontal(id="rank-foot"):
            yield Static("", id="rank-status")
            yield Static("", id="rank-more")  # columns out of view, on either side
        yield KeyFooter()

    # --- loading ------------------------------------------------------------------------

    def clear(self) -> None:
        self.ranking = None
        for table in self.query(RankTable):
            table.show([], {}, {})
        self._show_banner(_("Loading…"), "-open")
        self.query_one("#rank-scheme", Static).update("")
        self._show_status()

    def read(
        self, branch: str, period: Period, scheme_for: Callable[[str], Scheme]
    ) -> BranchRanking:
        """The month, its last twelve and last month's ranks: each month ranked once."""
        app = self.app
        return branch_ranking(app.store, app.user, branch, period, scheme_for, app.now())

    async def show_read(self, ranking: BranchRanking) -> None:
        self.ranking = ranking
        for table in self.query(RankTable):
            rows = [row for row in ranking.rows if row.role == table.role]
            trends = totals_by_person(ranking.months, table.role)
            table.show(rows, ranking.previous_ranks, trends, ranking.scheme)
        self._show_banner(*banner(ranking))
        scheme = _("Scheme: {scheme}").format(scheme=scheme_summary(ranking.scheme))
        self.query_one("#rank-scheme", Static).update(plain(scheme))
        self._show_status()

    def _show_banner(self, text: str, kind: str) -> None:
        box = self.query_one("#banner", Static)
        box.update(plain(text))
        box.remove_class(*self.BANNER_CLASSES)
        box.add_class(kind)

    async def show_failure(self, text: str) -> None:
        """In the banner instead of "Loading…"."""
        self._show_banner(text, "-changed")

    @on(TabbedContent.TabActivated)
    def _tab_shown(self) -> None:
        self._show_status()
        self.rest_focus()
        self.refresh_bindings()

    @on(SidewaysTable.Moved)
    def _columns_moved(self, event: SidewaysTable.Moved) -> None:
        if event.table is self.table:
            self._show_more()

    def _show_more(self) -> None:
        """Beside the status line: how many columns lie out of view, on each side."""
        self.query_one("#rank-more", Static).update(plain(more_columns(*self.table.hidden)))

    def _show_status(self) -> None:
        table = self.table
        self._show_more()
        if self.ranking is None:
            self.query_one("#rank-status", Static).update("")
            return
        parts = [
            _("{n} ranked").format(n=len(table.ranked)) if table.ranked else _("Nobody to rank")
        ]
        if table.role not in self.ranking.scheme.roles:  # a scheme of reps only, say
            parts = [_(NOT_APPRAISED[table.role])]
        if any(row.zeroed for row in table.ranked):
            parts.append(_("ⓩ media complaint: month forfeited"))
        if any(k.first_month for row in table.ranked for k in row.kpis):
            parts.append(_("{mark} first month: fixed points").format(mark=FIRST_MONTH))
        if any(k.flag for row in table.ranked for k in row.kpis):
            parts.append(_("{mark} no data: 0 points, not ranked").format(mark=NO_DATA))
        if table.ranked:
            parts.append(_("⏎ the facts behind a number"))
        self.query_one("#rank-status", Static).update(plain(" · ".join(parts)))

    @property
    def table(self) -> RankTable:
        tabs = self.query_one(TabbedContent)
        return tabs.query_one(f"#{tabs.active or 'reps'} RankTable", RankTable)

    def rest_widget(self) -> Widget:
        return self.table

    # --- actions ------------------------------------------------------------------------

    def allows_now(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        ranking = self.ranking
        if action == "drill":
            return self.table.selected is not None
        if action == "trend":
            return self.table.selected is not None
        if action == "export":
            return ranking is not None
        if action == "close_month":
            return ranking is not None and ranking.closed is None
        if action == "reopen_month":
            return ranking is not None and ranking.closed is not None
        if action == "live_figures":
            return ranking is not None and bool(ranking.changed)
        return super().allows_now(action, parameters)

    def offers(self, action: str) -> bool:
        """Reopening a closed month is an admin's alone (besides what every month screen
        keeps to some: :meth:`MonthScreen.offers`)."""
        if action == "reopen_month":
            return access.may_reopen_month(self.app.user)
        return super().offers(action)

    @on(DataTable.CellSelected)
    def _cell_chosen(self, event: DataTable.CellSelected) -> None:
        event.stop()
        self.action_drill()

    def action_drill(self) -> None:
        chosen = self.table.selected
        if chosen is None:
            return
        row, column = chosen
        if column.is_trend:
            self.action_trend()
            return
        self.app.push_screen(DrilldownScreen(row, column.kpi))

    def action_trend(self) -> None:
        """The chart of the last twelve months of the person under the cursor, and the branch's,
        drawn from the months the ranking already holds (:meth:`BranchRanking.trend`)."""
        chosen = self.table.selected
        if chosen is not None and self.ranking is not None:
            row, _column = chosen
            trend = self.ranking.trend(row)
            self.app.push_screen(TrendScreen(row.name, row.staff_code, row.role, row.branch, trend))

    def action_live_figures(self) -> None:
        """A closed month's live figures against the frozen ones, everyone who differs."""
        if self.ranking is not None and self.ranking.changed:
            self.app.push_screen(LiveFiguresScreen(self.ranking))

    def action_export(self) -> None:
        if self.ranking is not None:
            form = ExportForm(self.ranking.branch, self.ranking.period, self.ranking.rows)
            self.app.push_screen(form, callback=self._exported)

    def _exported(self, result) -> None:
        if result is None:
            return
        path, count, asked = result
        text = ngettext("Exported {n} row to {path}", "Exported {n} rows to {path}", count)
        text = text.format(n=count, path=path)
        if path.name != asked:
            text += "\n" + _("{name} was there already: it is kept.").format(name=asked)
        self.notify(text, markup=False)

    def action_close_month(self) -> None:
        if self.ranking is not None and self.ranking.provisional:  # said now, not after a form
            self.notify(still_running(self.ranking.period), severity="warning", markup=False)
        elif self.ranking is not None:
            form = CloseMonthForm(self.ranking.branch, self.ranking.period)
            self.app.push_screen(form, callback=self._month_changed)

    def action_reopen_month(self) -> None:
        if self.ranking is not None:
            form = ReopenMonthForm(self.ranking.branch, self.ranking.period)
            self.app.push_screen(form, callback=self._month_changed)

    def _month_changed(self, result) -> None:
        if result is not None:
            self.notify(result)
            self.reload()

    def action_choose_scheme(self) -> None:
        self.app.push_screen(SchemeForm(self.branch), callback=self._month_changed)
