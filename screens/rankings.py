"""The month's rankings of a branch, as its lead (or an admin) reads, argues over and pays them.

Reps and engineers on two tabs, one line per person with every number the
export holds; the table scrolls sideways on a small terminal while rank,
change and name stay put. Enter on a number opens the facts behind it. The
banner says whether the month is still running, or closed (by whom, when)
and whether late data has changed the live figures since.

Storage decides who may see which branch (:func:`storage.standings.branch_ranking`);
this screen only offers the admin a choice of branch.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import DataTable, Footer, Header, Static, TabbedContent, TabPane

from fieldkpi import access
from fieldkpi.access import AccessDenied
from fieldkpi.export import export_values
from fieldkpi.i18n import _
from fieldkpi.period import Period, stamp
from fieldkpi.plain import CELL_WIDTH, plain
from fieldkpi.ranking import RankRow
from screens import actions, tables
from screens.branch_picker import BranchPicker
from screens.drilldown import DrilldownScreen
from screens.labels import N_
from screens.loading import reader
from screens.messages import DataChanged, Loaded, LoadFailed
from screens.months import MonthScreen
from screens.numbers import yuan
from screens.rank_forms import CloseMonthForm, ExportForm, ReopenMonthForm
from storage.standings import BranchRanking, branch_ranking

# (export column or "change", heading) of each table, left to right.
_HEAD = [
    ("rank", N_("Rank")),
    ("change", N_("Change")),
    ("name", N_("Name")),
    ("staff_code", N_("Code")),
]
_TAIL = [("deductions", N_("Deductions")), ("total", N_("Total")), ("reward", N_("Reward"))]
_ENGINEER_KPIS = [
    ("satisfaction", N_("Satisfied")),
    ("satisfaction_points", N_("pts")),
    ("timeliness", N_("Timeliness")),
    ("timeliness_points", N_("pts")),
]
COLUMNS = {
    "rep": [
        *_HEAD,
        ("feedback_rate", N_("Feedback")),
        ("feedback_points", N_("pts")),
        ("workload", N_("Actions")),
        ("days", N_("Days")),
        ("saturation", N_("Saturation")),
        ("workload_points", N_("pts")),
        *_ENGINEER_KPIS,
        *_TAIL,
    ],
    "engineer": [*_HEAD, *_ENGINEER_KPIS, *_TAIL],
}
FIXED_COLUMNS = 3  # rank, change and name stay in view while the table scrolls sideways
# The facts tab each column's number comes from; the others open on the first tab.
DRILL = {
    "feedback_rate": "feedback",
    "feedback_points": "feedback",
    "workload": "workload",
    "days": "workload",
    "saturation": "workload",
    "workload_points": "workload",
    "satisfaction": "satisfaction",
    "satisfaction_points": "satisfaction",
    "timeliness": "timeliness",
    "timeliness_points": "timeliness",
    "deductions": "deductions",
}
TOP_STYLE, BOTTOM_STYLE = "bold green", "bold red"
ZEROED, FIRST_MONTH = "ⓩ", "*"


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


def cell_text(column: str, row: RankRow, values: dict, previous: dict[str, int]) -> str:
    """One cell as shown: the export's value, with the marks the export keeps in other columns."""
    if column == "change":
        return rank_change(row.rank, previous.get(row.staff_code))
    value = values[column]
    if column == "reward":
        return yuan(value)
    if column == "deductions":
        return f"−{value}" if value else "—"
    if column == "total" and row.zeroed:
        return f"{value} {ZEROED}"
    if column == "workload_points" and row.first_month:
        return f"{value} {FIRST_MONTH}"
    return "" if value is None else str(value)


def rank_cells(row: RankRow, rows: list[RankRow], previous: dict[str, int]) -> list:
    """One line of the table: every cell plain text (names and codes come from files too)."""
    values = export_values(row)
    style = row_style(row, rows)
    return [
        plain(
            cell_text(column, row, values, previous),
            CELL_WIDTH,
            style=style,
            justify="left" if column in ("name", "staff_code") else "right",
        )
        for column, _heading in COLUMNS[row.role]
    ]


class RankTable(DataTable):
    """One role's ranking: ``ranked[i]`` is line ``i``; the cursor picks the number to explain."""

    def __init__(self, role: str, *, id: str) -> None:
        super().__init__(id=id, cursor_type="cell", zebra_stripes=True, fixed_columns=FIXED_COLUMNS)
        self.role = role
        self.ranked: list[RankRow] = []

    def on_mount(self) -> None:
        self.show([], {})

    @property
    def labels(self) -> list[str]:
        return [_(heading) for _column, heading in COLUMNS[self.role]]

    def show(self, rows: list[RankRow], previous: dict[str, int]) -> None:
        """Replace the lines, keeping the cursor where it was (another month, a reload)."""
        where = self.cursor_coordinate
        self.ranked = rows
        tables.fill(self, self.labels, [rank_cells(r, rows, previous) for r in rows])
        if rows:
            self.move_cursor(row=min(where.row, len(rows) - 1), column=where.column, animate=False)

    @property
    def selected(self) -> tuple[RankRow, str] | None:
        """The person and the column under the cursor."""
        row, column = self.cursor_coordinate
        if not 0 <= row < len(self.ranked):
            return None
        return self.ranked[row], COLUMNS[self.role][column][0]


def banner(ranking: BranchRanking) -> tuple[str, str]:
    """The line above the tables and its CSS class: running, closed (and changed since), or not."""
    closed = ranking.closed
    as_of = ranking.rows[0].as_of if ranking.rows else None
    if closed is not None:
        text = _("Closed by {name} at {at} · frozen as of {as_of}").format(
            name=closed.closed_by_name, at=stamp(closed.closed_at), as_of=stamp(closed.as_of)
        )
        if closed.note:
            text += f" · {closed.note}"
        if ranking.changed:
            names = {row.staff_code: row.name for row in ranking.rows}
            who = ", ".join(names.get(code, code) for code in ranking.changed)
            text += "\n" + _(
                "Live figures now differ for {who}: these frozen figures stay until an admin "
                "reopens the month."
            ).format(who=who)
            return text, "-changed"
        return text, "-closed"
    if ranking.provisional:
        text = _("PROVISIONAL — as of {as_of}; figures can still change")
        return text.format(as_of=stamp(as_of) if as_of else "—"), "-provisional"
    when = stamp(as_of) if as_of else str(ranking.period)
    return _("As of {as_of} · not closed yet").format(as_of=when), "-open"


class RankingsScreen(MonthScreen):
    ACTION_SCOPE = actions.RANKINGS
    CSS_PATH: ClassVar[list[str]] = ["months.tcss", "rankings.tcss"]
    BANNER_CLASSES = ("-changed", "-closed", "-provisional", "-open")

    def __init__(self) -> None:
        super().__init__()
        self.branch = self.app.user.branch
        self.ranking: BranchRanking | None = None

    @property
    def is_admin(self) -> bool:
        return self.app.user.role == "admin"

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="rank-bar"):
            yield BranchPicker(self.branch, can_choose=self.is_admin)
            yield from self.compose_month()
        yield Static("", id="banner")
        with TabbedContent(initial="reps"):
            with TabPane(_("Reps"), id="reps"):
                yield RankTable("rep", id="rep-table")
            with TabPane(_("Engineers"), id="engineers"):
                yield RankTable("engineer", id="engineer-table")
        yield Static("", id="rank-status")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.title = _("Rankings")
        super().on_mount()
        self.rest_focus()

    # --- loading ------------------------------------------------------------------------

    def clear(self) -> None:
        self.ranking = None
        for table in self.query(RankTable):
            table.show([], {})
        self._show_banner(_("Loading…"), "-open")
        self._show_status()

    def load(self) -> None:
        self._load(self.request, self.branch, self.period)

    @reader("rankings")
    def _load(self, request: int, branch: str, period: Period) -> None:
        app = self.app
        ranking = branch_ranking(app.store, app.user, branch, period, app.scheme_for, app.now())
        self.post_message(Loaded(request, ranking))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        if message.request != self.request:
            return
        ranking: BranchRanking = message.data
        self.ranking = ranking
        for table in self.query(RankTable):
            rows = [row for row in ranking.rows if row.role == table.role]
            table.show(rows, ranking.previous_ranks)
        self._show_banner(*banner(ranking))
        self._show_status()
        self.refresh_bindings()

    def _show_banner(self, text: str, kind: str) -> None:
        box = self.query_one("#banner", Static)
        box.update(plain(text))
        box.remove_class(*self.BANNER_CLASSES)
        box.add_class(kind)

    @on(LoadFailed)
    def _failed(self, message: LoadFailed) -> None:
        """Said in the banner instead of "Loading…" (Ctrl+R tries again)."""
        message.stop()
        self._show_banner(message.message, "-changed")
        self.notify(message.message, severity="error")

    @on(BranchPicker.Chosen)
    def _branch_chosen(self, message: BranchPicker.Chosen) -> None:
        self.branch = message.branch
        self.clear()
        self.reload()
        self.rest_focus()

    @on(DataChanged)
    def _someone_saved(self) -> None:
        self.reload()

    @on(TabbedContent.TabActivated)
    def _tab_shown(self) -> None:
        self._show_status()
        self.rest_focus()
        self.refresh_bindings()

    def _show_status(self) -> None:
        table = self.table
        if self.ranking is None:
            self.query_one("#rank-status", Static).update("")
            return
        parts = [
            _("{n} ranked").format(n=len(table.ranked)) if table.ranked else _("Nobody to rank")
        ]
        if any(row.zeroed for row in table.ranked):
            parts.append(_("  ⓩ media complaint: total zeroed").strip())
        if any(row.first_month for row in table.ranked):
            parts.append(_("* first month: workload points fixed"))
        if table.ranked:
            parts.append(_("⏎ the facts behind a number"))
        self.query_one("#rank-status", Static).update(plain(" · ".join(parts)))

    @property
    def table(self) -> RankTable:
        tabs = self.query_one(TabbedContent)
        return tabs.query_one(f"#{tabs.active or 'reps'} RankTable", RankTable)

    def rest_focus(self) -> None:
        self.call_after_refresh(self.table.focus)

    # --- actions ------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        ranking = self.ranking
        if action == "drill":
            return self.table.selected is not None
        if action == "export":
            return ranking is not None
        if action == "close_month":
            return ranking is not None and ranking.closed is None
        if action == "reopen_month":
            return ranking is not None and ranking.closed is not None and self._may_reopen()
        if action == "choose_branch":
            return self.is_admin
        return True

    def _may_reopen(self) -> bool:
        try:
            access.check_reopen_month(self.app.user)
        except AccessDenied:
            return False
        return True

    @on(DataTable.CellSelected)
    def _cell_chosen(self, event: DataTable.CellSelected) -> None:
        event.stop()
        self.action_drill()

    def action_drill(self) -> None:
        chosen = self.table.selected
        if chosen is not None:
            row, column = chosen
            changed = self.ranking is not None and row.staff_code in self.ranking.changed
            tab = DRILL.get(column, "timeliness")
            self.app.push_screen(DrilldownScreen(row, tab, changed=changed))

    def action_export(self) -> None:
        if self.ranking is not None:
            form = ExportForm(self.ranking.branch, self.ranking.period, self.ranking.rows)
            self.app.push_screen(form, callback=self._exported)

    def _exported(self, result) -> None:
        if result is not None:
            path, count = result
            self.notify(_("Exported {n} rows to {path}").format(n=count, path=path))

    def action_close_month(self) -> None:
        if self.ranking is not None:
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

    def action_choose_branch(self) -> None:
        self.query_one(BranchPicker).open()
