"""The appraisal scheme: every number of kpi-rules.md as a setting.

The built-in defaults are the spec's values (``default_scheme.toml`` beside
this file). A branch overrides any of them with a TOML file holding only the
keys it changes. Numbers are kept as exact fractions so that ties and the
half-up rounding of totals never depend on binary floating point.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

from fieldkpi.i18n import N_, _

DEDUCTION_KINDS = (
    "backfill",
    "violation",
    "fake_completion",
    "complaint_general",
    "complaint_major",
    "complaint_internal",
    "complaint_media",
    "branch_rule",
)
# Kinds whose points come with each event rather than from the table.
ENTERED_KINDS = frozenset({"branch_rule"})
# Kinds that zero the month's total instead of deducting points.
ZEROING_KINDS = frozenset({"complaint_media"})


# The name of the defaults layer in ``Scheme.source`` (stored as is; translated when shown).
BUILT_IN = N_("built-in default")


class SchemeError(ValueError):
    """A scheme file that cannot be used; the message names the file and key."""


def exact(value: Any) -> Fraction:
    """A TOML or SQL number as an exact fraction of its decimal spelling (0.1 → 1/10)."""
    if isinstance(value, Fraction):
        return value
    if isinstance(value, bool):
        raise TypeError("a number, not true/false")
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, float | Decimal | str):
        return Fraction(Decimal(repr(value) if isinstance(value, float) else value))
    raise TypeError(f"a number, not {type(value).__name__}")


@dataclass(frozen=True)
class Scheme:
    """Every setting of the appraisal; see ``default_scheme.toml`` for what each means."""

    bucket_points: tuple[Fraction, ...]
    late_points: Fraction
    open_points: Fraction
    open_days: int
    engineer_timeliness_scale: Fraction
    rep_feedback_max: Fraction
    rep_workload_max: Fraction
    rep_satisfaction_max: Fraction
    engineer_satisfaction_max: Fraction
    first_month_workload: Fraction
    satisfied_min_rating: int
    problem_default_points: Fraction
    deduction_points: dict[str, Fraction] = field(default_factory=dict)
    top_rewards: tuple[Fraction, ...] = ()
    bottom_penalties: tuple[Fraction, ...] = ()
    source: tuple[str, ...] = ()

    @cached_property
    def timeliness_weights(self) -> tuple[tuple[int, ...], int]:
        """Day 1…7, late and open points as integers over one common denominator.

        §1 is a weighted sum over a person's tickets; on integers it costs a
        fraction of the same sum on Fractions, for the same exact result.
        """
        points = (*self.bucket_points, self.late_points, self.open_points)
        denominator = math.lcm(*(p.denominator for p in points))
        return tuple(int(p * denominator) for p in points), denominator

    def to_toml_dict(self) -> dict[str, Any]:
        """The settings as a TOML-ready dict, so a closed month can freeze them."""
        return {
            "timeliness": {
                "bucket_points": [_plain(p) for p in self.bucket_points],
                "late_points": _plain(self.late_points),
                "open_points": _plain(self.open_points),
                "open_days": self.open_days,
                "engineer_scale": _plain(self.engineer_timeliness_scale),
            },
            "pools": {
                "rep_feedback": _plain(self.rep_feedback_max),
                "rep_workload": _plain(self.rep_workload_max),
                "rep_satisfaction": _plain(self.rep_satisfaction_max),
                "engineer_satisfaction": _plain(self.engineer_satisfaction_max),
                "first_month_workload": _plain(self.first_month_workload),
            },
            "satisfaction": {"satisfied_min_rating": self.satisfied_min_rating},
            "problems": {"default_points": _plain(self.problem_default_points)},
            "deductions": {k: _plain(v) for k, v in self.deduction_points.items()},
            "rewards": {
                "top": [_plain(v) for v in self.top_rewards],
                "bottom": [_plain(v) for v in self.bottom_penalties],
            },
        }


def _plain(value: Fraction) -> int | float:
    return int(value) if value.denominator == 1 else float(value)


def _default_text() -> str:
    return resources.files("fieldkpi").joinpath("default_scheme.toml").read_text("utf-8")


def default_scheme() -> Scheme:
    return build_scheme([(BUILT_IN, tomllib.loads(_default_text()))])


def load_scheme(*paths: str | Path | None) -> Scheme:
    """The default scheme overlaid by each existing file in order (later wins)."""
    layers: list[tuple[str, dict]] = [(BUILT_IN, tomllib.loads(_default_text()))]
    for path in paths:
        if path is None:
            continue
        path = Path(path)
        try:
            data = tomllib.loads(path.read_text("utf-8"))
        except FileNotFoundError as exc:
            raise SchemeError(_("{path}: no such scheme file").format(path=path)) from exc
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise SchemeError(
                _("{path}: not a valid TOML file ({error})").format(path=path, error=exc)
            ) from exc
        layers.append((str(path), data))
    return build_scheme(layers)


def scheme_from_dict(data: dict[str, Any], name: str = "frozen") -> Scheme:
    """A complete scheme from a dict written by :meth:`Scheme.to_toml_dict`."""
    return build_scheme([(BUILT_IN, tomllib.loads(_default_text())), (name, data)])


def build_scheme(layers: list[tuple[str, dict]]) -> Scheme:
    merged: dict[str, dict] = {}
    for name, data in layers:
        _check_known(name, data, layers[0][1])
        for section, values in data.items():
            merged.setdefault(section, {}).update(values)
    read = _Reader(merged, " + ".join(_layer_name(name) for name, _data in layers))
    buckets = read.numbers("timeliness", "bucket_points")
    if len(buckets) != 7:
        raise read.error("timeliness", "bucket_points", _("needs 7 numbers (day 1 … 7)"))
    return Scheme(
        bucket_points=buckets,
        late_points=read.number("timeliness", "late_points"),
        open_points=read.number("timeliness", "open_points"),
        open_days=read.whole("timeliness", "open_days", 1, 3660),
        engineer_timeliness_scale=read.number("timeliness", "engineer_scale"),
        rep_feedback_max=read.number("pools", "rep_feedback"),
        rep_workload_max=read.number("pools", "rep_workload"),
        rep_satisfaction_max=read.number("pools", "rep_satisfaction"),
        engineer_satisfaction_max=read.number("pools", "engineer_satisfaction"),
        first_month_workload=read.number("pools", "first_month_workload"),
        satisfied_min_rating=read.whole("satisfaction", "satisfied_min_rating", 1, 5),
        problem_default_points=read.number("problems", "default_points"),
        deduction_points={
            kind: read.number("deductions", kind)
            for kind in DEDUCTION_KINDS
            if kind in merged["deductions"]
        },
        top_rewards=read.numbers("rewards", "top"),
        bottom_penalties=read.numbers("rewards", "bottom"),
        source=tuple(name for name, _data in layers),
    )


def _layer_name(name: str) -> str:
    """A layer as an error message names it: the defaults in the person's language."""
    return _(BUILT_IN) if name == BUILT_IN else name


class _Reader:
    """Reads typed settings, naming the file(s) and the key in every refusal."""

    def __init__(self, merged: dict[str, dict], where: str) -> None:
        self.merged = merged
        self.where = where

    def error(self, section: str, key: str, problem: str) -> SchemeError:
        return SchemeError(
            _("{where}: {setting} {problem}").format(
                where=self.where, setting=f"{section}.{key}", problem=problem
            )
        )

    def number(self, section: str, key: str, value: Any = None) -> Fraction:
        value = self.merged[section][key] if value is None else value
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.error(section, key, _("must be a number, not {value!r}").format(value=value))
        if isinstance(value, float) and not math.isfinite(value):
            raise self.error(
                section, key, _("must be a finite number, not {value!r}").format(value=value)
            )
        return exact(value)

    def numbers(self, section: str, key: str) -> tuple[Fraction, ...]:
        values = self.merged[section][key]
        if not isinstance(values, list):
            raise self.error(
                section, key, _("must be a list of numbers, not {value!r}").format(value=values)
            )
        return tuple(self.number(section, key, v) for v in values)

    def whole(self, section: str, key: str, low: int, high: int) -> int:
        value = self.merged[section][key]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise self.error(
                section,
                key,
                _("must be a whole number {low} … {high}, not {value!r}").format(
                    low=low, high=high, value=value
                ),
            )
        return value


def _check_known(name: str, data: dict, default: dict) -> None:
    """A misspelt key would silently change nothing: refuse it by name."""
    for section, values in data.items():
        if section not in default or not isinstance(values, dict):
            raise SchemeError(
                _("{where}: unknown section [{section}]").format(where=name, section=section)
            )
        for key in values:
            if key not in default[section]:
                raise SchemeError(
                    _("{where}: unknown setting {setting}").format(
                        where=name, setting=f"{section}.{key}"
                    )
                )
