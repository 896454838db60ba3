"""Ranking rows as the export files of interfaces.md: CSV (UTF-8 with BOM) and TOML.

Both formats hold the same rows and the same rounded numbers, produced by
:func:`export_values`: points half-up to 2 places, rates to 4.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from decimal import Decimal
from fractions import Fraction
from typing import Any

import tomli_w

from fieldkpi.kpi import round_half_up
from fieldkpi.period import stamp
from fieldkpi.ranking import RankRow

COLUMNS = (
    "period",
    "as_of",
    "provisional",
    "branch",
    "role",
    "rank",
    "staff_code",
    "name",
    "feedback_rate",
    "feedback_points",
    "workload",
    "days",
    "saturation",
    "workload_points",
    "satisfaction",
    "satisfaction_points",
    "timeliness",
    "timeliness_points",
    "deductions",
    "zeroed",
    "total",
    "reward",
)
RATES = frozenset({"feedback_rate", "saturation", "satisfaction"})
TEXT = frozenset({"period", "as_of", "branch", "role", "staff_code", "name"})
# A spreadsheet runs a cell starting with one of these as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def export_values(row: RankRow) -> dict[str, Any]:
    """One row as plain values in column order; ``None`` where the column does not apply."""
    values: dict[str, Any] = {}
    for column in COLUMNS:
        value = getattr(row, column)
        if column == "as_of":
            value = stamp(value)
        elif isinstance(value, bool):
            value = int(value)
        elif isinstance(value, Fraction | Decimal):
            value = _number(column, value)
        values[column] = value
    return values


def _number(column: str, value: Fraction | Decimal) -> Decimal | int:
    if column == "reward":
        yuan = round_half_up(value, 2)
        return int(yuan) if yuan == yuan.to_integral_value() else yuan
    return round_half_up(value, 4 if column in RATES else 2)


def neutralise(text: str) -> str:
    """Keep a spreadsheet from running a text cell as a formula (``=cmd|…``)."""
    return "'" + text if text.startswith(FORMULA_START) else text


def write_csv(rows: Iterable[RankRow], out: io.TextIOBase, headers: dict[str, str] | None = None):
    """CSV with a BOM so that Excel shows Chinese names; empty cells for other roles' columns."""
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([(headers or {}).get(c, c) for c in COLUMNS])
    for row in rows:
        values = export_values(row)
        writer.writerow(
            [
                "" if values[c] is None else neutralise(values[c]) if c in TEXT else str(values[c])
                for c in COLUMNS
            ]
        )


def to_csv(rows: Iterable[RankRow], headers: dict[str, str] | None = None) -> str:
    out = io.StringIO()
    write_csv(rows, out, headers)
    return out.getvalue()


def to_toml(rows: Iterable[RankRow]) -> str:
    """``[[rows]]`` tables in the CSV's order; columns that do not apply are left out."""
    tables = [
        {column: value for column, value in export_values(row).items() if value is not None}
        for row in rows
    ]
    return tomli_w.dumps({"rows": tables})
