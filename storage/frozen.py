"""Ranking rows as a closing freezes them, and read back exactly.

A closed period is paid from these rows, so they keep every value exactly:
fractions as ``"numerator/denominator"``, the rounded total as its decimal
text. Rows of closings made before m012 are in ``frozen_rankings``, a
column per KPI of the first scheme; :func:`legacy_row` reads them as rows of
the ``skyworth`` KPIs they were.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any

from fieldkpi.period import stamp
from fieldkpi.ranking import KpiResult, RankRow
from fieldkpi.scheme import Label, Scheme


def _exact(value: Any) -> Any:
    if isinstance(value, Fraction):
        return f"{value.numerator}/{value.denominator}"
    if isinstance(value, Decimal):
        return str(value)
    return value


def _fraction(text: str | None) -> Fraction | None:
    return None if text is None else Fraction(text)


def _part(value: Any) -> Any:
    return Fraction(value) if isinstance(value, str) and "/" in value else value


def encode_row(row: RankRow) -> tuple:
    """(branch, role, rank, staff_code, name, total, reward, data) of ``frozen_rows``."""
    data = {
        "period": row.period,
        "as_of": stamp(row.as_of),
        "provisional": row.provisional,
        "kpis": [
            {
                "id": k.id,
                "value": _exact(k.value),
                "points": _exact(k.points),
                "flag": k.flag,
                "first_month": k.first_month,
                "parts": {name: _exact(v) for name, v in k.parts.items()},
                "pool": list(k.pool) if k.pool else None,
            }
            for k in row.kpis
        ],
        "deductions": _exact(row.deductions),
        "bonuses": _exact(row.bonuses),
        "zeroed": row.zeroed,
        "grade": None if row.grade is None else {"zh": row.grade.zh, "en": row.grade.en},
    }
    return (
        row.branch,
        row.role,
        row.rank,
        row.staff_code,
        row.name,
        str(row.total),
        _exact(row.reward),
        json.dumps(data, ensure_ascii=False, sort_keys=True),
    )


def decode_row(record: sqlite3.Row, scheme: Scheme) -> RankRow:
    data = json.loads(record["data"])
    return RankRow(
        period=data["period"],
        as_of=datetime.fromisoformat(data["as_of"]),
        provisional=data["provisional"],
        branch=record["branch"],
        role=record["role"],
        rank=record["rank"],
        staff_code=record["staff_code"],
        name=record["name"],
        kpis=tuple(
            KpiResult(
                id=k["id"],
                value=_fraction(k["value"]),
                points=Fraction(k["points"]),
                flag=k["flag"],
                first_month=k["first_month"],
                parts={name: _part(v) for name, v in k["parts"].items()},
                pool=tuple(k["pool"]) if k["pool"] else None,
            )
            for k in data["kpis"]
        ),
        deductions=Fraction(data["deductions"]),
        bonuses=Fraction(data["bonuses"]),
        zeroed=data["zeroed"],
        total=Decimal(record["total"]),
        grade=None if data["grade"] is None else Label(**data["grade"]),
        reward=Fraction(record["reward"]),
        scheme=scheme,
    )


# frozen_rankings' columns for each skyworth KPI: (value, points, no-data flag, parts).
_LEGACY_KPIS = {
    "feedback": ("feedback_rate", "feedback_points", None, ()),
    "workload": ("saturation", "workload_points", None, ("workload", "days")),
    "satisfaction": ("satisfaction", "satisfaction_points", "no_callbacks", ()),
    "timeliness": ("timeliness", "timeliness_points", "no_orders", ()),
}


def legacy_row(record: sqlite3.Row, scheme: Scheme) -> RankRow:
    """A row of ``frozen_rankings`` (closings before m012) as the row it stood for."""
    kpis = []
    for kpi in scheme.kpis_of(record["role"]):
        value, points, flag, parts = _LEGACY_KPIS[kpi.id]
        if record[points] is None:
            continue
        no_data = bool(flag and record[flag])
        kpis.append(
            KpiResult(
                id=kpi.id,
                value=None if no_data else _fraction(record[value]),
                points=Fraction(record[points]),
                flag=kpi.spec.flag if no_data else None,
                first_month=kpi.id == "workload" and bool(record["first_month"]),
                parts={p: record[p] for p in parts},
            )
        )
    return RankRow(
        period=record["period"],
        as_of=datetime.fromisoformat(record["as_of"]),
        provisional=bool(record["provisional"]),
        branch=record["branch"],
        role=record["role"],
        rank=record["rank"],
        staff_code=record["staff_code"],
        name=record["name"],
        kpis=tuple(kpis),
        deductions=Fraction(record["deductions"]),
        bonuses=Fraction(0),
        zeroed=bool(record["zeroed"]),
        total=Decimal(record["total"]),
        grade=None,
        reward=Fraction(record["reward"]),
        scheme=scheme,
    )
