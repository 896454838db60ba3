"""A person's last twelve months, drawn in the terminal: the total month by month, then each KPI.

The total is a bar per month around zero (green above, red below), with the
role's average marked on it; each KPI's points are a sparkline with the
latest month's value. The numbers are rows of the months' rankings
(:mod:`fieldkpi.trends`), so a month here reads exactly as the rankings
screen shows it. The chart fits the width it is given, from a phone held
upright (46 columns) to a wide terminal.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import ClassVar

from rich.console import Console, ConsoleOptions, Group, RenderResult
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Static

from fieldkpi.i18n import _
from fieldkpi.kpi_columns import kpi_columns, points_columns
from fieldkpi.plain import CELL_WIDTH, PlainTable, plain
from fieldkpi.trends import AVERAGE_MIN_RANKED, TOTAL, TrendMonth, sparkline
from screens import actions, labels
from screens.footer import KeyFooter
from screens.numbers import DASH, points

BAR, AVERAGE_MARK, AXIS = "█", "┃", "│"
# Columns the chart needs besides the bar: month, total, rank, average and their gaps.
CHART_OTHER_COLUMNS = 34
BAR_MIN, BAR_MAX = 8, 40


def bar(value: Decimal | None, average: Decimal | None, low: Decimal, high: Decimal, width: int):
    """``width`` cells from ``low`` to ``high``: the bar from the zero line, the average ┃."""
    cells = [" "] * width
    styles = [""] * width

    def at(v: Decimal) -> int:
        return min(width - 1, max(0, round((v - low) * (width - 1) / (high - low))))

    zero = at(Decimal(0))
    cells[zero] = AXIS
    if value is not None:
        start, end = sorted((zero, at(value)))
        for i in range(start, end + 1):
            cells[i], styles[i] = BAR, "green" if value >= 0 else "red"
    if average is not None:
        cells[at(average)], styles[at(average)] = AVERAGE_MARK, "bold yellow"
    text = Text()
    for char, style in zip(cells, styles, strict=True):
        text.append(char, style=style)
    return text


def period_heading(trend: Sequence[TrendMonth]) -> str:
    """Month or Quarter; Period where a closed month sits among quarters (or the reverse)."""
    kinds = {m.period.kind for m in trend}
    if len(kinds) > 1:
        return _("Period")
    return _("Quarter") if kinds == {"quarter"} else _("Month")


class TrendChart:
    """The chart as a Rich renderable that sizes its bars to the width it is drawn in."""

    def __init__(self, trend: Sequence[TrendMonth], role: str) -> None:
        self.trend = list(trend)
        self.role = role

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = max(BAR_MIN, min(BAR_MAX, options.max_width - CHART_OTHER_COLUMNS))
        yield Group(*self.parts(width))

    def parts(self, width: int) -> list:
        trend = self.trend
        values = [m.row.total for m in trend if m.row is not None]
        values += [m.averages[TOTAL] for m in trend if m.averages]
        low, high = min([Decimal(0), *values]), max([Decimal(0), *values])
        if high == low:
            high = low + 1
        months = PlainTable(box=None, padding=(0, 1), show_edge=False, header_style="bold")
        months.add_column(period_heading(trend), no_wrap=True)
        months.add_column(_("Total"), justify="right", no_wrap=True)
        months.add_column(_("Rank"), justify="right", no_wrap=True)
        months.add_column(Text(f"{AVERAGE_MARK} " + _("average"), style="bold yellow"), width=width)
        for month in trend:
            row = month.row
            average = month.averages[TOTAL] if month.averages else None
            months.add_row(
                str(month.period) + ("*" if row is not None and row.provisional else ""),
                DASH if row is None else points(row.total),
                DASH if row is None else f"{row.rank}/{month.ranked}",
                bar(None if row is None else row.total, average, low, high, width),
            )
        return [months, Text(""), self.kpis(), Text(""), Text(self.note(), style="dim")]

    def kpis(self) -> PlainTable:
        """Each KPI's points month by month as a sparkline, then the latest month, its average."""
        last = self.trend[-1]
        grid = PlainTable(box=None, padding=(0, 1), show_edge=False, header_style="bold")
        grid.add_column(_("Points"), no_wrap=True)
        grid.add_column(no_wrap=True)
        grid.add_column(str(last.period), justify="right", no_wrap=True)
        grid.add_column(_("average"), justify="right", no_wrap=True)
        latest = [m.row for m in self.trend if m.row is not None][-1:]  # its scheme's KPIs
        for column in points_columns(kpi_columns(self.role, latest)):
            own = [None if m.row is None else column.read(m.row) for m in self.trend]
            average = (last.averages or {}).get(column.field)
            grid.add_row(
                plain(column.kpi_label, CELL_WIDTH),  # a long name would push the values off
                sparkline(own),
                DASH if own[-1] is None else points(own[-1]),
                DASH if average is None else points(average),
            )
        return grid

    def note(self) -> str:
        text = _("* still running · ┃ the average of the role in the branch")
        if any(m.averages is None and m.ranked for m in self.trend):
            text += "\n" + _(
                "The average is left out of months in which fewer than {n} have figures: "
                "with your own total it would give away a colleague's."
            ).format(n=AVERAGE_MIN_RANKED)
        return text


def trend_heading(name: str, code: str, role: str, branch: str, trend: Sequence[TrendMonth]) -> str:
    first, last = trend[0].period, trend[-1].period
    return " · ".join(
        (f"{name} ({code})", labels.label(labels.ROLE, role), branch, f"{first} – {last}")
    )


class TrendScreen(actions.ScopedKeys, Screen):
    """One person's trend chart, opened from the rankings; Esc goes back."""

    ACTION_SCOPE = actions.TREND
    DEFAULT_CSS: ClassVar[str] = """
    #trend-head {
        height: auto;
        padding: 0 1;
        background: $panel;
        text-style: bold;
    }
    #trend-box {
        height: 1fr;
        padding: 0 1;
    }
    """

    def __init__(
        self, name: str, code: str, role: str, branch: str, trend: Sequence[TrendMonth]
    ) -> None:
        super().__init__()
        self.trend = list(trend)
        self.heading = trend_heading(name, code, role, branch, trend)
        self.role = role

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(plain(self.heading), id="trend-head")
        with VerticalScroll(id="trend-box"):
            yield Static(TrendChart(self.trend, self.role), id="trend-chart")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.title = _("Trend")
        self.query_one("#trend-box").focus()

    def action_back(self) -> None:
        self.dismiss()
