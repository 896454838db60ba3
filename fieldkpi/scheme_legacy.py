"""Scheme files of the first version, read as overrides of today's form.

Before schemes had KPIs of their own, a branch's file changed the numbers of
kpi-rules.md by section (``[timeliness]``, ``[pools]``, ``[satisfaction]``,
``[problems]``, ``[deductions]``, ``[rewards]``), and closed months froze
their scheme that way. Those files keep working: each setting becomes the
override of the ``skyworth`` KPI, adjustment or money it always meant.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from fieldkpi.i18n import _

if TYPE_CHECKING:
    from fieldkpi.scheme import Layer

# setting -> (section of today's form, key) for plain settings; KPI scores below.
_SETTINGS = {
    ("timeliness", "bucket_points"): "bucket_points",
    ("timeliness", "late_points"): "late_points",
    ("timeliness", "open_points"): "open_points",
    ("timeliness", "open_days"): "open_days",
    ("timeliness", "day_basis"): "day_basis",
    ("satisfaction", "satisfied_min_rating"): "satisfied_min_rating",
    ("satisfaction", "rep_satisfaction"): "rep_satisfaction",
}
# setting -> (KPI id, role, where in the KPI): score settings and the first-month score.
_KPIS = {
    ("timeliness", "engineer_scale"): ("timeliness", "engineer", "scale"),
    ("pools", "rep_feedback"): ("feedback", "rep", "max"),
    ("pools", "rep_workload"): ("workload", "rep", "max"),
    ("pools", "rep_satisfaction"): ("satisfaction", "rep", "max"),
    ("pools", "engineer_satisfaction"): ("satisfaction", "engineer", "max"),
    ("pools", "first_month_workload"): ("workload", "rep", "first_month"),
}
LEGACY_SECTIONS = ("timeliness", "pools", "satisfaction", "problems", "deductions", "rewards")


def translate(layer: Layer, merged: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The layer's data in today's form, and a line for each setting that means nothing."""
    problems: list[str] = []
    data = {k: v for k, v in layer.data.items() if k not in LEGACY_SECTIONS}
    kpis: dict[tuple[str, str], dict[str, Any]] = {}
    for section in LEGACY_SECTIONS:
        values = layer.data.get(section)
        if values is None:
            continue
        if not isinstance(values, dict):
            problems.append(
                _("{where}: [{section}] must be a table").format(
                    where=layer.where(section), section=section
                )
            )
            continue
        for key, value in values.items():
            if (section, key) in _SETTINGS:
                data.setdefault("settings", {})[_SETTINGS[section, key]] = value
            elif (section, key) in _KPIS:
                kpi_id, role, where = _KPIS[section, key]
                entry = kpis.setdefault((kpi_id, role), {"id": kpi_id, "role": role})
                if where == "first_month":
                    entry["first_month"] = value
                else:
                    entry.setdefault("score", {})[where] = value
            elif section == "problems" and key == "default_points":
                first = next(iter(merged.get("problem", [])), {"level": "standard"})
                data.setdefault("problem", []).append({"level": first["level"], "points": value})
            elif section == "deductions" and (key == "roles" or _priced(merged, key)):
                _deduction(data, merged, key, value)
            elif section == "deductions" and _priced(merged, key) is False:
                forfeits = _adjustment(merged, key).get("forfeit")
                problems.append(
                    _("{where}: deductions.{kind} takes no points: it {does}").format(
                        where=layer.where(f"{section}.{key}"),
                        kind=key,
                        does=_("forfeits the month")
                        if forfeits
                        else _("carries the points entered with each event"),
                    )
                )
            elif section == "rewards" and key in ("top", "bottom", "roles"):
                data.setdefault("money", {})[key] = value
            else:
                problems.append(
                    _("{where}: unknown setting {setting}").format(
                        where=layer.where(f"{section}.{key}"), setting=f"{section}.{key}"
                    )
                )
    if kpis:
        data["kpi"] = [*data.get("kpi", []), *kpis.values()]
    return data, problems


def _adjustment(merged: Mapping[str, Any], kind: str) -> dict[str, Any]:
    return next((a for a in merged.get("adjustment", []) if a.get("kind") == kind), {})


def _priced(merged: Mapping[str, Any], kind: str) -> bool | None:
    """Whether a kind of the base has a fixed price (True), an amount of another sort
    (False), or is no kind of it (None)."""
    adjustment = _adjustment(merged, kind)
    if not adjustment:
        return None
    return "points" in adjustment


def _deduction(data: dict[str, Any], merged: Mapping[str, Any], key: str, value: Any) -> None:
    """``[deductions] KIND = points`` took points off; ``roles`` named who the table applies to."""
    entries = data.setdefault("adjustment", [])
    if key == "roles":
        entries.extend({"kind": a["kind"], "roles": value} for a in merged.get("adjustment", []))
    elif isinstance(value, int | float) and not isinstance(value, bool):
        entries.append({"kind": key, "points": -value})
    else:
        entries.append({"kind": key, "points": value})
