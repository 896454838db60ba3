"""Scoring methods: how a KPI's measured values become points (schemes.md, "Scoring methods").

Each method is registered once with the settings it takes and a pure
function from the measured values of one pool to points. Only people with
data are handed in (kpi-rules §6 "No data"); those without get 0 points from
the ranking, so no method has to know about them.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, TypeVar

from fieldkpi import kpi

K = TypeVar("K", bound=Hashable)
REQUIRED = object()  # a setting a scheme must give; the others have their default
Points = Callable[[Mapping[str, Any], Mapping[K, Fraction]], dict[K, Fraction]]


@dataclass(frozen=True)
class Method:
    """A scoring method: its settings (and defaults, or :data:`REQUIRED`) and its function."""

    id: str
    points: Points
    settings: Mapping[str, Any] = field(default_factory=dict)
    pooled: bool = False  # the points of one depend on the values of the others


def _signed(settings: Mapping[str, Any], value: Fraction) -> Fraction:
    """The value turned so that higher is better."""
    return value if settings["better"] == "higher" else -value


def _rank(settings: Mapping[str, Any], values: Mapping[K, Fraction]) -> dict[K, Fraction]:
    """kpi-rules §6: rank-proportional points among those with data."""
    return kpi.rank_points({k: _signed(settings, v) for k, v in values.items()}, settings["max"])


def _weighted_days(settings: Mapping[str, Any], values: Mapping[K, Fraction]) -> dict[K, Fraction]:
    """kpi-rules §1/§5: the timeliness value times the scale (×1 reps, ×2.5 engineers)."""
    return {k: v * settings["scale"] for k, v in values.items()}


def _bands(settings: Mapping[str, Any], values: Mapping[K, Fraction]) -> dict[K, Fraction]:
    """The points of the first band the value reaches (best first), else ``below``."""
    bands = settings["bands"]

    def band(value: Fraction) -> Fraction:
        for threshold, points in bands:
            if _signed(settings, value) >= _signed(settings, threshold):
                return points
        return settings["below"]

    return {k: band(v) for k, v in values.items()}


def _linear(settings: Mapping[str, Any], values: Mapping[K, Fraction]) -> dict[K, Fraction]:
    """``at_target + (value − target) / unit × per_unit``, clamped to ``min`` … ``max``."""

    def line(value: Fraction) -> Fraction:
        points = (
            settings["at_target"]
            + (value - settings["target"]) / settings["unit"] * (settings["per_unit"])
        )
        if settings["min"] is not None:
            points = max(points, settings["min"])
        if settings["max"] is not None:
            points = min(points, settings["max"])
        return points

    return {k: line(v) for k, v in values.items()}


def _target(settings: Mapping[str, Any], values: Mapping[K, Fraction]) -> dict[K, Fraction]:
    """``points`` when the target is met, else ``otherwise``."""
    met = {
        k: _signed(settings, v) >= _signed(settings, settings["target"]) for k, v in values.items()
    }
    return {k: settings["points"] if ok else settings["otherwise"] for k, ok in met.items()}


def _direct(settings: Mapping[str, Any], values: Mapping[K, Fraction]) -> dict[K, Fraction]:
    """The value itself (entered as points), clamped to 0 … ``max``."""
    return {k: min(max(v, Fraction(0)), settings["max"]) for k, v in values.items()}


METHODS: dict[str, Method] = {
    m.id: m
    for m in (
        Method("rank", _rank, {"max": REQUIRED, "better": "measure"}, pooled=True),
        Method("weighted_days", _weighted_days, {"scale": Fraction(1)}),
        Method("bands", _bands, {"bands": REQUIRED, "below": Fraction(0), "better": "measure"}),
        Method(
            "linear",
            _linear,
            {
                "target": REQUIRED,
                "at_target": Fraction(0),
                "per_unit": REQUIRED,
                "unit": Fraction(1),
                "min": None,
                "max": None,
            },
        ),
        Method(
            "target",
            _target,
            {"target": REQUIRED, "points": REQUIRED, "otherwise": Fraction(0), "better": "measure"},
        ),
        Method("direct", _direct, {"max": REQUIRED}),
    )
}
