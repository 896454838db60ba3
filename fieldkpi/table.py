"""The ranking as a table a person reads at a glance (``fieldkpi rank --format table``).

Rich measures cell widths in terminal cells, so Chinese names line up. Names
and codes come from files: every cell and title is plain text
(:mod:`fieldkpi.plain`), never markup nor a terminal escape.
"""

from __future__ import annotations

import io
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import groupby

from rich import box
from rich.cells import cell_len
from rich.console import Console, JustifyMethod
from rich.table import Table
from rich.text import Text

from fieldkpi.i18n import _
from fieldkpi.kpi_columns import FIRST_MONTH, NO_DATA, points_mark
from fieldkpi.limits import MAX_CHARS
from fieldkpi.linebreaks import NO_BREAK, capped_widths, fit_widths, longest_word, whole, wrap
from fieldkpi.numbers import DASH, net, points, yuan
from fieldkpi.period import Judgement, provisional_line, stamp
from fieldkpi.plain import CELL_WIDTH, plain
from fieldkpi.ranking import RankRow

FORFEITED = "ⓩ"  # beside a total a media complaint capped at 0
NAME_CELLS = 2 * MAX_CHARS["name"]  # the longest name a person may have, in Chinese: shown whole


def role_label(role: str) -> str:
    return {"rep": _("Customer-service reps"), "engineer": _("Field engineers")}[role]


def _points(row: RankRow, kpi_id: str) -> Text:
    result = row.kpi(kpi_id)
    text, mark = points(result.points), points_mark(result)
    return Text(whole(f"{text} {mark}") if mark else text, style="dim" if mark == NO_DATA else "")


def output_width() -> int:
    """The width to draw in: ``COLUMNS`` if set, else that of the terminal the command runs
    in — also when its output is piped (``| less``), read from standard error or input —
    and 120 with no terminal at all (cron writing a file)."""
    try:
        return max(int(os.environ["COLUMNS"]), 20)
    except (KeyError, ValueError):
        pass
    for stream in (1, 2, 0):
        try:
            return os.get_terminal_size(stream).columns
        except OSError:
            continue
    return 120


def _legend(rows: Sequence[RankRow], status: str) -> str:
    notes = [status]
    marks = {points_mark(k) for r in rows for k in r.kpis}
    if NO_DATA in marks:
        notes.append(_("{mark} no data: 0 points, not ranked for that KPI").format(mark=NO_DATA))
    if FIRST_MONTH in marks:
        notes.append(_("{mark} first month: fixed points").format(mark=FIRST_MONTH))
    if any(r.zeroed for r in rows):
        notes.append(_("{mark} media complaint: month forfeited").format(mark=FORFEITED))
    return "  ".join(notes)


@dataclass
class _Column:
    """A column as drawn: its heading and cells, wrapped to the width it is given."""

    heading: str
    cells: list[Text]
    justify: JustifyMethod = "right"

    @property
    def texts(self) -> list[Text]:
        return [Text(self.heading), *self.cells]

    def natural(self) -> int:
        """Its width with no line wrapped."""
        return max(cell_len(line) for text in self.texts for line in text.plain.split("\n"))

    def least(self) -> int:
        """Its width with every word whole (:func:`fieldkpi.linebreaks.longest_word`)."""
        return max(longest_word(line) for text in self.texts for line in text.plain.split("\n"))

    def cell_words(self) -> int:
        """Its width with every word of its cells whole, its heading's cut if need be."""
        return max(longest_word(cell.plain) for cell in self.cells)

    def one_line(self) -> int:
        """Its width with every word of its heading whole and each cell on one line: a
        heading wraps once, a cell on every line of the table."""
        return max(longest_word(self.heading), *(cell.cell_len for cell in self.cells))


def kpi_key(n: int) -> str:
    """The short heading of a table's ``n``-th KPI column, its name then said below the table."""
    return whole(_("KPI {n}").format(n=n))


def _columns(group: Sequence[RankRow], keyed: bool) -> list[_Column]:
    """The columns of one branch's role; ``keyed``: the KPIs headed :func:`kpi_key`."""
    first = group[0]
    kpis = first.scheme.kpis_of(first.role)
    columns = [
        _Column(_("Rank"), [Text(str(row.rank)) for row in group]),
        _Column(_("Code"), [plain(row.staff_code, CELL_WIDTH) for row in group], "left"),
        _Column(_("Name"), [plain(row.name, NAME_CELLS) for row in group], "left"),
        *(
            _Column(kpi_key(n) if keyed else str(kpi.label), [_points(r, kpi.id) for r in group])
            for n, kpi in enumerate(kpis, 1)
        ),
        _Column(_("Adjustments"), [_net(row) for row in group]),
        _Column(_("Total"), [_total(row) for row in group]),
    ]
    if any(row.grade is not None for row in group):
        grades = [plain(str(r.grade)) if r.grade else Text(DASH) for r in group]
        columns.append(_Column(_("Grade"), grades, "left"))
    if first.scheme.money.pays(first.role):  # no column of dashes where nobody is paid
        columns.append(_Column(_("Reward"), [_reward(row) for row in group]))
    return columns


def _net(row: RankRow) -> Text:
    return Text(net(row.bonuses - row.deductions))


def _total(row: RankRow) -> Text:
    if row.zeroed:
        return Text(whole(f"{points(row.total)} {FORFEITED}"), style="red")
    return Text(points(row.total))


def _reward(row: RankRow) -> Text:
    style = "green" if row.reward > 0 else "red" if row.reward < 0 else ""
    return Text(yuan(row.reward), style=style)


def _laid_out(group: Sequence[RankRow], width: int) -> tuple[list[_Column], list[int], bool]:
    """The columns, their widths within ``width`` (one space between two), and whether the
    KPIs are keyed.

    Every word stays whole while it can: first with the KPIs' names as headings,
    the widest columns wrapped first (their headings, rather than every line's
    cell; a long name too, Chinese between characters); where those words cannot
    all fit (English at 80 columns), with short keys for headings and the names
    said below the table. Then a heading's word is cut before a cell's: a number
    cut in two reads as two numbers.
    """
    tiers = (
        (False, (_Column.one_line, _Column.least)),
        (True, (_Column.one_line, _Column.least, _Column.cell_words)),
    )
    for keyed, floors in tiers:
        columns = _columns(group, keyed)
        room = width - len(columns) + 1
        natural = [column.natural() for column in columns]
        for floor in floors:
            widths = capped_widths(natural, room, 0, [floor(column) for column in columns])
            if widths is not None:
                return columns, _spread(widths, natural, room), keyed
    return columns, fit_widths(natural, max(room, len(columns))), keyed


def _spread(widths: Sequence[int], natural: Sequence[int], room: int) -> list[int]:
    """The cells left over given to the wrapped columns that then fit on one line, the one
    lacking least first ("客户满意度" one cell short of its width wrapped a lone "度"), and
    what is left to the one lacking most."""
    widths = list(widths)
    spare = room - sum(widths)
    for i in sorted(range(len(widths)), key=lambda i: natural[i] - widths[i]):
        need = natural[i] - widths[i]
        if 0 < need <= spare:
            widths[i], spare = natural[i], spare - need
    if spare:  # the rest to the one lacking most (a long name): fewer lines of it
        i = max(range(len(widths)), key=lambda i: natural[i] - widths[i])
        widths[i] += min(spare, natural[i] - widths[i])
    return widths


def _table(columns: Sequence[_Column], widths: Sequence[int]) -> Table:
    # one space between columns and no frame: 80 columns hold a scheme's whole table
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, padding=(0, 0))
    for column, width in zip(columns, widths, strict=True):
        table.add_column(wrap(Text(column.heading), width), justify=column.justify, width=width)
    for row in zip(*(column.cells for column in columns), strict=True):
        table.add_row(*(wrap(cell, width) for cell, width in zip(row, widths, strict=True)))
    return table


def _key(group: Sequence[RankRow]) -> str:
    """What each keyed KPI column holds (:func:`kpi_key`), a line each."""
    kpis = group[0].scheme.kpis_of(group[0].role)
    return "\n".join(
        _("{key}: {label}").format(key=kpi_key(n), label=kpi.label) for n, kpi in enumerate(kpis, 1)
    )


def render_table(
    rows: Sequence[RankRow],
    branch_names: Mapping[str, str],
    judgement: Judgement,
    *,
    color: bool = False,
    width: int | None = None,
) -> str:
    """The tables, ``width`` cells wide at most (:func:`output_width` if not given); no line
    is padded with spaces to it (a pager or a file would keep them)."""
    width = width or output_width()
    out = io.StringIO()
    console = Console(file=out, width=width, force_terminal=color, no_color=not color)

    def say(text: str) -> None:
        console.print(wrap(Text(text), width))

    status = (
        provisional_line(judgement.as_of)
        if judgement.provisional
        else _("as of {as_of}").format(as_of=stamp(judgement.as_of))
    )
    if not rows:
        say(_("There is nobody to rank for {period}.").format(period=judgement.period))
        say(status)
    for (branch, role), group in groupby(rows, key=lambda r: (r.branch, r.role)):
        group = list(group)
        name = branch_names.get(branch)
        named = f"{branch} {name}" if name and name != branch else branch  # not "ZH ZH"
        title = f"{named} · {role_label(role)} · {judgement.period} · {group[0].scheme.label}"
        say(plain(title).plain)  # cleaned of what a terminal would obey
        columns, widths, keyed = _laid_out(group, width)
        console.print(_table(columns, widths))
        if keyed:
            say(_key(group))
        say(_legend(group, status))
    return "".join(
        line.rstrip().replace(NO_BREAK, " ") + "\n" for line in out.getvalue().splitlines()
    )
