"""Ranking rows as the export files of interfaces.md: CSV (UTF-8 with BOM) and TOML.

The columns come from the schemes the rows were judged by (schemes.md,
"Exports carry … each KPI's measured value and points under the KPI's id"):
for the default scheme they are exactly interfaces.md's list. Both formats
hold the same rows and the same rounded numbers, as :func:`rounded` makes
them: points half-up to 2 places, rates as fractions to 4 (the CSV writes its
cells straight from their values, :func:`cell_text`, to exactly that text).
"""

from __future__ import annotations

import csv
import functools
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

import tomli_w

from fieldkpi.kpi import round_half_up, rounded_text
from fieldkpi.measures import measure
from fieldkpi.period import stamp
from fieldkpi.ranking import RankRow
from fieldkpi.scheme import Kpi, Label

# How a column's values read, and how exports round and format them.
TEXT, TIME, FLAG, WHOLE, POINTS, RATE, NUMBER, YUAN = (
    "text",
    "time",
    "flag",
    "whole",
    "points",
    "rate",
    "number",
    "yuan",
)
# The measures' ``shown`` kinds as column kinds.
SHOWN = {
    "rate": RATE,
    "points": POINTS,
    "count": WHOLE,
    "hours": POINTS,
    "minutes": POINTS,
    "number": NUMBER,
}
# A spreadsheet runs a cell starting with one of these as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    """One column of the export: its name (CSV header, TOML key), kind and how a row fills it.

    ``kpi`` is the KPI a column belongs to (its label names it on screen and
    in the workbook), ``part`` says which: the measured ``value``, the
    ``points``, or one of the counts behind the value.
    """

    name: str
    kind: str
    get: Callable[[RankRow], Any]
    kpi: Kpi | None = None
    part: str = ""


def _kpi_value(kpi_id: str) -> Callable[[RankRow], Any]:
    return lambda row: None if (k := row.kpi(kpi_id)) is None else k.value


def _kpi_points(kpi_id: str) -> Callable[[RankRow], Any]:
    return lambda row: None if (k := row.kpi(kpi_id)) is None else k.points


def _kpi_part(kpi_id: str, part: str) -> Callable[[RankRow], Any]:
    return lambda row: None if (k := row.kpi(kpi_id)) is None else k.parts.get(part)


def _flag(flag: str) -> Callable[[RankRow], Any]:
    """A no-data flag: 1 when a KPI of the row with this flag has no data.

    Which KPIs have the flag is worked out once per scheme and role, not per row.
    """
    flagged: dict[tuple[int, str], tuple[Any, frozenset[str]]] = {}

    def get(row: RankRow) -> int | None:
        key = (id(row.scheme), row.role)
        if key not in flagged:  # the scheme is kept with its ids: an id is never reused
            ids = {k.id for k in row.scheme.kpis_of(row.role) if measure(k.measure).flag == flag}
            flagged[key] = (row.scheme, frozenset(ids))
        ids, found = flagged[key][1], None
        for k in row.kpis:
            if k.id in ids:
                if k.flag:
                    return 1
                found = 0
        return found

    return get


HEAD = (
    Column("period", TEXT, lambda r: r.period),
    Column("as_of", TIME, lambda r: r.as_of),
    Column("provisional", FLAG, lambda r: r.provisional),
    Column("branch", TEXT, lambda r: r.branch),
    Column("role", TEXT, lambda r: r.role),
    Column("rank", WHOLE, lambda r: r.rank),
    Column("staff_code", TEXT, lambda r: r.staff_code),
    Column("name", TEXT, lambda r: r.name),
)
TOTALS = (
    Column("deductions", POINTS, lambda r: r.deductions),
    Column("zeroed", FLAG, lambda r: r.zeroed),
    Column("total", POINTS, lambda r: r.total),
    Column("reward", YUAN, lambda r: r.reward),
    Column("first_month", FLAG, lambda r: any(k.first_month for k in r.kpis)),
)
# Added after interfaces.md's list, so that scripts reading its columns by place still can.
EXTRA = (
    Column("bonuses", POINTS, lambda r: r.bonuses),
    Column("grade", TEXT, lambda r: None if r.grade is None else str(r.grade)),
    Column("scheme", TEXT, lambda r: r.scheme.name),
)


def columns_of_kpi(kpi: Kpi) -> list[Column]:
    """A KPI's columns: the counts an export shows, the measured value, the points."""
    spec = measure(kpi.measure)
    parts = [Column(part, WHOLE, _kpi_part(kpi.id, part), kpi, part) for part in spec.columns]
    return [
        *parts,
        Column(kpi.column, SHOWN[spec.shown], _kpi_value(kpi.id), kpi, "value"),
        Column(f"{kpi.id}_points", POINTS, _kpi_points(kpi.id), kpi, "points"),
    ]


def columns_for(rows: Iterable[RankRow]) -> list[Column]:
    """The columns of these rows: interfaces.md's head, each scheme's KPIs, the totals, flags."""
    kpis: dict[str, Column] = {}
    flags: dict[str, Column] = {}
    seen_schemes: set[tuple[str, str]] = set()
    for row in rows:
        if (row.scheme.name, row.role) in seen_schemes:
            continue
        seen_schemes.add((row.scheme.name, row.role))
        for kpi in row.scheme.kpis_of(row.role):
            for column in columns_of_kpi(kpi):
                kpis.setdefault(column.name, column)
            flag = measure(kpi.measure).flag
            if flag:
                flags.setdefault(flag, Column(flag, FLAG, _flag(flag)))
    return [*HEAD, *kpis.values(), *TOTALS, *flags.values(), *EXTRA]


# A ranking's rows share their as-of: its text is worked out once.
_stamp = functools.lru_cache(maxsize=256)(stamp)


def rounded(column: Column, value: Any) -> Any:
    """A value as exports hold it (see the module docstring); ``None`` stays ``None``."""
    if value is None:
        return None
    kind, cls = column.kind, type(value)
    if (cls is str and kind == TEXT) or (cls is int and kind not in (TIME, FLAG, YUAN)):
        return value  # the most common cells, as the checks below would keep them
    if kind == TIME:
        return _stamp(value)
    if kind == FLAG or cls is bool:
        return int(bool(value))
    if kind == YUAN:
        yuan = round_half_up(value, 2)
        return int(yuan) if yuan == yuan.to_integral_value() else yuan
    if cls is Fraction or cls is Decimal or isinstance(value, Fraction | Decimal):
        if kind == WHOLE and value == int(value):
            return int(value)
        return round_half_up(value, 4 if kind in (RATE, NUMBER) else 2)
    return value


def export_values(row: RankRow, columns: Sequence[Column] | None = None) -> dict[str, Any]:
    """One row as plain values in column order; ``None`` where a column does not apply."""
    columns = columns or columns_for([row])
    return dict(zip([c.name for c in columns], RowCells(columns)(row), strict=True))


class RowCells:
    """The values of many rows in column order, as :func:`export_values` gives them.

    Rows with the same KPIs (of one scheme and role) have them in the same
    order, so which columns are theirs and where each KPI column finds its
    value is worked out once for all of them: the whole country is 11,800
    rows of 30 columns.
    """

    def __init__(self, columns: Sequence[Column]) -> None:
        self.columns = columns
        self._plans: dict[tuple[str, ...], list[tuple[Column, Callable]]] = {}
        self._texts: dict[tuple[str, ...], list[tuple[Callable, Callable]]] = {}

    def __call__(self, row: RankRow) -> list[Any]:
        values = []
        for column, get in self._plan(row):
            value = get(row)
            # text stays as it is (as rounded() would keep it), without a call
            kept = value is None or (value.__class__ is str and column.kind == TEXT)
            values.append(value if kept else rounded(column, value))
        return values

    def texts(self, row: RankRow) -> list[str]:
        """The row's cells as the CSV writes them: what :func:`cell_text` makes of each value."""
        ids = tuple(k.id for k in row.kpis)
        plan = self._texts.get(ids)
        if plan is None:
            plan = self._texts[ids] = [(get, cell_text(c)) for c, get in self._plan(row)]
        return [text(get(row)) for get, text in plan]

    def _plan(self, row: RankRow) -> list[tuple[Column, Callable[[RankRow], Any]]]:
        ids = tuple(k.id for k in row.kpis)
        plan = self._plans.get(ids)
        if plan is None:
            plan = self._plans[ids] = [(c, self._getter(c, ids)) for c in self.columns]
        return plan

    @staticmethod
    def _getter(column: Column, ids: tuple[str, ...]) -> Callable[[RankRow], Any]:
        """How a row with these KPIs fills the column (``None`` when it is not the row's)."""
        if column.kpi is None:
            return column.get
        if column.kpi.id not in ids:  # the other role's KPIs, or another scheme's
            return _not_the_rows
        at = ids.index(column.kpi.id)
        if column.part == "value":
            return lambda row: row.kpis[at].value
        if column.part == "points":
            return lambda row: row.kpis[at].points
        return lambda row: row.kpis[at].parts.get(column.part)


def _not_the_rows(row: RankRow) -> None:
    return None


def cell_text(column: Column) -> Callable[[Any], str]:
    """How the CSV writes a value of the column: ``str`` of its :func:`rounded` value, or
    nothing for ``None``, and text kept from running as a formula (:func:`neutralise`).

    The common cells (whole numbers, exact points and rates, flags) are written
    straight from their integers, without the Decimal that :func:`rounded` makes.
    """
    kind = column.kind
    if kind == TEXT:
        return lambda v: (
            "" if v is None else neutralise(v if v.__class__ is str else rounded(column, v))
        )
    if kind == FLAG:
        return lambda v: "" if v is None else "1" if v else "0"
    places = 4 if kind in (RATE, NUMBER) else 2
    whole = kind == WHOLE

    def text(v: Any) -> str:
        cls = v.__class__
        if cls is int and kind != YUAN and kind != TIME:
            return str(v)
        if cls is Fraction and kind != YUAN and kind != TIME:
            if whole and v.denominator == 1:
                return str(v.numerator)
            return rounded_text(v.numerator, v.denominator, places)
        return "" if v is None else str(rounded(column, v))

    return text


def neutralise(text: str) -> str:
    """Keep a spreadsheet from running a text cell as a formula (``=cmd|…``)."""
    return "'" + text if text.startswith(FORMULA_START) else text


def write_csv(
    rows: Sequence[RankRow], out: io.TextIOBase, headers: Callable[[Column], str] | None = None
):
    """CSV with a BOM so that Excel shows Chinese names; empty cells for other roles' columns."""
    columns = columns_for(rows)
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise(headers(c)) if headers else c.name for c in columns])
    cells = RowCells(columns)
    writer.writerows(cells.texts(row) for row in rows)


def to_csv(rows: Sequence[RankRow], headers: Callable[[Column], str] | None = None) -> str:
    out = io.StringIO()
    write_csv(rows, out, headers)
    return out.getvalue()


def to_toml(rows: Sequence[RankRow]) -> str:
    """``[[rows]]`` tables in the CSV's order; columns that do not apply are left out."""
    columns = columns_for(rows)
    cells = RowCells(columns)
    tables = [
        {c.name: value for c, value in zip(columns, cells(row), strict=True) if value is not None}
        for row in rows
    ]
    return tomli_w.dumps({"rows": tables})


# Headings of the fixed columns as people read them (screens, the table, the workbook).
HEADINGS = {
    "period": Label("考核月份", "Period"),
    "as_of": Label("数据截至", "As of"),
    "provisional": Label("临时结果", "Provisional"),
    "branch": Label("分公司", "Branch"),
    "role": Label("岗位", "Role"),
    "rank": Label("排名", "Rank"),
    "staff_code": Label("工号", "Code"),
    "name": Label("姓名", "Name"),
    "workload": Label("工作量", "Workload"),
    "days": Label("实际上班天数", "Days worked"),
    "deductions": Label("扣分", "Deductions"),
    "bonuses": Label("加分", "Bonuses"),
    "zeroed": Label("媒体曝光清零", "Forfeited"),
    "total": Label("总分", "Total"),
    "grade": Label("等级", "Grade"),
    "reward": Label("奖励/罚款（元）", "Reward / penalty (¥)"),
    "first_month": Label("首月", "First month"),
    "no_visits": Label("无上门", "No visits"),
    "no_workload": Label("无工作量", "No workload"),
    "no_callbacks": Label("无回访评分", "No rated callbacks"),
    "no_orders": Label("无工单", "No orders"),
    "no_completed": Label("无完单", "No completed tickets"),
    "no_dispatches": Label("无派工", "No dispatches"),
    "no_attendance": Label("无考勤", "No attendance"),
    "no_entry": Label("未录入", "Not entered"),
    "scheme": Label("考核方案", "Scheme"),
}
POINTS_SUFFIX = Label("得分", " points")


def heading(column: Column, language: str) -> str:
    """The column's heading in a language: fixed ones from the table, KPIs by their label."""
    if column.kpi is not None and column.part in ("value", "points"):
        label = column.kpi.label.zh if language == "zh" else column.kpi.label.en
        if column.part == "points":
            suffix = POINTS_SUFFIX.zh if language == "zh" else POINTS_SUFFIX.en
            return label + suffix
        return label
    fixed = HEADINGS.get(column.name)
    if fixed is None:
        return column.name
    return fixed.zh if language == "zh" else fixed.en
