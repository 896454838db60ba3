"""Appraisal schemes: which KPIs each role has, how each is measured and scored, and the money.

schemes.md is the contract. A scheme is TOML; the shipped presets live in
``fieldkpi/schemes/`` (``skyworth`` is the default: kpi-rules.md). A branch's
file holds only what it changes — a ``[[kpi]]`` is matched by id and role,
an ``[[adjustment]]`` by kind, a ``[[problem]]`` by level — or starts from
another preset with ``preset = "NAME"``. The first version's sections
(``[timeliness]``, ``[pools]``, ``[deductions]``, ``[rewards]`` …) are still
read: :mod:`fieldkpi.scheme_legacy` turns them into the same overrides.

Every number is kept as an exact fraction of its decimal spelling, so ties
and half-up rounding never depend on binary floating point. A scheme with
an unknown key, measure or method, a KPI of a role it does not appraise, or
bands out of order is refused with every problem, its key and, for a file,
its line (:class:`SchemeError`).
"""

from __future__ import annotations

import copy
import functools
import math
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

from fieldkpi.cleantext import clean_name, escape_controls
from fieldkpi.entered import FractionRange
from fieldkpi.file_errors import file_problem
from fieldkpi.i18n import N_, _, current_language, join_list
from fieldkpi.measures import (
    ADJUSTMENT_COUNT,
    ENTERED,
    MEASURES,
    Measure,
    entered_metric,
    measure,
)
from fieldkpi.period import PERIOD_KINDS
from fieldkpi.scoring import METHODS, REQUIRED

DEFAULT_PRESET = "skyworth"
ROLES = ("rep", "engineer", "lead", "admin")
APPRAISED_ROLES = ("rep", "engineer")
DAY_BASES = ("calendar", "24h")
# The settings a scheme need not repeat: kpi-rules.md's values.
SETTING_DEFAULTS = {
    "bucket_points": [20, 17, 14, 11, 8, 5, 2],
    "late_points": -15,
    "open_points": -150,
    "open_days": 30,
    "day_basis": "calendar",
    "satisfied_min_rating": 4,
    "rep_satisfaction": "callbacks",
}
REP_SATISFACTION = ("callbacks", "entered")

# The name of the defaults layer in ``Scheme.source`` (stored as is; translated when shown).
BUILT_IN = N_("built-in default")


class SchemeError(ValueError):
    """A scheme that cannot be used; ``problems`` holds one line per problem found."""

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


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


def plain(value: Fraction) -> int | float:
    """A fraction back as the TOML number it was written as."""
    return int(value) if value.denominator == 1 else float(value)


@dataclass(frozen=True)
class Label:
    """A name in both languages; shown in the person's."""

    zh: str
    en: str

    def __str__(self) -> str:
        return self.zh if current_language() == "zh" else self.en


@dataclass(frozen=True)
class Kpi:
    """One KPI of one role: what is measured (with which settings) and how it is scored.

    ``column`` names its measured value in exports (its points are
    ``<id>_points``); ``first_month`` is the fixed score of staff in their
    month of hire, who are left out of the pool (首月计20分); ``fraction`` the
    range of a value entered from outside that is a fraction (:mod:`fieldkpi.entered`).
    """

    id: str
    role: str
    label: Label
    measure: str
    settings: Mapping[str, Any]
    method: str
    score: Mapping[str, Any]
    first_month: Fraction | None = None
    column: str = ""
    fraction: FractionRange | None = None

    @property
    def spec(self) -> Measure:
        found = measure(self.measure)
        assert found is not None  # checked when the scheme was read
        return found

    @property
    def key(self) -> tuple:
        """What storage counts for this KPI: KPIs with the same key share one count."""
        return (self.measure, *sorted(self.settings.items()))


@dataclass(frozen=True)
class Adjustment:
    """A kind of event recorded against a person (schemes.md ``[[adjustment]]``).

    ``points`` < 0 deducts, > 0 adds; ``entered`` is ``"deduction"`` or
    ``"bonus"`` when the amount comes with each event (``branch_rule``);
    ``forfeit`` forfeits the month (媒体曝光: total = min(total, 0), no top
    reward). ``recorded_by`` are the roles that may record it besides admins;
    what a rep records waits for the lead's approval unless ``approval`` is off.
    """

    kind: str
    label: Label
    points: Fraction | None = None
    entered: str | None = None
    forfeit: bool = False
    roles: tuple[str, ...] = APPRAISED_ROLES
    recorded_by: tuple[str, ...] = ("lead",)
    approval: bool = True

    def points_of(self, entered: Fraction = Fraction(0), count: int = 1) -> Fraction:
        """What ``count`` events of this kind add to a total (< 0 takes off), as kpi-rules §5
        counts them: the month's ranking, an event's line and its drill-down alike.

        The kind's own points each, or ``entered`` (the points typed with the events, in
        all) off for a deduction and on for a bonus. A forfeit adds none: it caps the
        total instead.
        """
        if self.forfeit:
            return Fraction(0)
        if self.entered is not None:
            return entered if self.entered == "bonus" else -entered
        return count * self.points


@dataclass(frozen=True)
class ProblemLevel:
    """A line of the engineer-problem scoring table (工程师问题反馈计分参考标准)."""

    level: str
    label: Label
    points: Fraction


@dataclass(frozen=True)
class Grade:
    """A total at or above ``min`` gets the grade, and ``bonus`` yuan when money says so.

    The lowest grade may have no ``min``: it is every total below the others.
    """

    min: Fraction | None
    label: Label
    bonus: Fraction = Fraction(0)


@dataclass(frozen=True)
class Money:
    """Rewards and penalties in yuan (kpi-rules §6; schemes.md ``[money]``).

    ``top``/``bottom`` by rank from each end, at most ⌊n/2⌋ ranks each;
    ``ladder`` by rank order, and ``floor_amount`` instead for totals below
    ``floor_below`` × the best total; ``grade_bonus`` pays each grade's bonus.
    """

    top: tuple[Fraction, ...] = ()
    bottom: tuple[Fraction, ...] = ()
    ladder: tuple[Fraction, ...] = ()
    floor_below: Fraction | None = None
    floor_amount: Fraction = Fraction(0)
    grade_bonus: bool = False
    roles: tuple[str, ...] = APPRAISED_ROLES

    def pays(self, role: str) -> bool:
        """Whether the role's ranking carries any amount: a scheme of no money (generic-bands)
        has no reward to show, where a reward of — beside everyone would read as none earned."""
        paid = self.top or self.bottom or self.ladder or self.grade_bonus
        return role in self.roles and bool(paid)


@dataclass(frozen=True)
class Scheme:
    """A whole appraisal scheme, read and checked (see the module docstring)."""

    name: str
    label: Label
    period: str
    roles: tuple[str, ...]
    settings: Mapping[str, Any]
    kpis: tuple[Kpi, ...]
    adjustments: Mapping[str, Adjustment]
    problems: tuple[ProblemLevel, ...]
    grades: tuple[Grade, ...]
    money: Money
    show_reporter: bool = True
    preset: str = DEFAULT_PRESET
    source: tuple[str, ...] = field(default=(), compare=False)
    data: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def kpis_of(self, role: str) -> tuple[Kpi, ...]:
        return tuple(k for k in self.kpis if k.role == role)

    def kpi(self, role: str, kpi_id: str) -> Kpi | None:
        return next((k for k in self.kpis if k.role == role and k.id == kpi_id), None)

    def measures(self, role: str, measure: str) -> bool:
        """Whether a KPI of ``role`` is measured by ``measure``: a screen shows a figure (the
        dispatch picker an engineer's timeliness) only where the scheme scores it."""
        return any(k.measure == measure for k in self.kpis_of(role))

    @property
    def open_days(self) -> int:
        return self.settings["open_days"]

    @cached_property
    def timeliness_weights(self) -> tuple[tuple[int, ...], int]:
        """Day 1…7, late and open points as integers over one common denominator.

        §1 is a weighted sum over a person's tickets; on integers it costs a
        fraction of the same sum on Fractions, for the same exact result.
        """
        s = self.settings
        points = (*s["bucket_points"], s["late_points"], s["open_points"])
        denominator = math.lcm(*(p.denominator for p in points))
        return tuple(int(p * denominator) for p in points), denominator

    @cached_property
    def satisfied_rating(self) -> int:
        """The lowest callback rating that lowers nobody's satisfaction KPI.

        A rate counts a rating below its ``threshold`` against the person; a
        mean is lowered by anything below 5. With no KPI of ratings, the
        settings' ``satisfied_min_rating``.
        """
        marks = [
            5 if k.measure == "satisfaction_mean" else k.settings["threshold"]
            for k in self.kpis
            if k.measure in ("satisfaction_rate", "satisfaction_mean")
        ]
        return max(marks, default=self.settings["satisfied_min_rating"])

    def adjustments_for(self, role: str) -> dict[str, Adjustment]:
        return {k: a for k, a in self.adjustments.items() if role in a.roles}

    def event_label(self, field: str, code: str | None) -> str:
        """An appraisal event's code as this scheme names it, by the field that holds it: a
        problem report's ``level`` (none named: the table's first, which the report takes)
        or an adjustment's ``kind``.

        The one naming of both, for every list, form, history and drill-down; the
        code itself for a level or kind the scheme does not have (any more). Plain
        text from the scheme's file: whoever draws it draws it as text.
        """
        found = self.problem_level(code) if field == "level" else self.adjustments.get(code or "")
        return str(found.label) if found else code or ""

    def problem_level(self, level: str | None) -> ProblemLevel | None:
        """The table's line for ``level``; its first line when none is named."""
        if level is None:
            return self.problems[0] if self.problems else None
        return next((p for p in self.problems if p.level == level), None)

    def entered_metrics(self, role: str | None = None) -> set[str]:
        """The names of the values this scheme takes from outside (``entered.NAME``)."""
        return {
            name
            for k in self.kpis
            if (role is None or k.role == role) and (name := entered_metric(k.measure))
        }

    def entered_range(self, role: str, metric: str) -> FractionRange | None:
        """The range of the value ``metric`` of ``role``, where its KPI takes a fraction."""
        return next(
            (
                k.fraction
                for k in self.kpis_of(role)
                if k.fraction is not None and entered_metric(k.measure) == metric
            ),
            None,
        )

    @property
    def from_preset(self) -> bool:
        """Built on a preset; else a file (or a closed period) holds the whole scheme."""
        return self.source[:1] == (f"preset {self.preset}",)

    @property
    def files(self) -> tuple[str, ...]:
        """What is laid over the preset, or holds the whole scheme: files, a frozen scheme."""
        return self.source[1:] if self.from_preset else self.source

    def grade_of(self, total: Decimal | Fraction) -> Grade | None:
        return next((g for g in self.grades if g.min is None or total >= g.min), None)

    def to_toml_dict(self) -> dict[str, Any]:
        """The complete scheme as TOML data, so a closed period can freeze it."""
        return copy.deepcopy(dict(self.data))


# ------------------------------------------------------------------------- reading


def preset_names() -> list[str]:
    folder = resources.files("fieldkpi").joinpath("schemes")
    return sorted(
        p.name.removesuffix(".toml") for p in folder.iterdir() if p.name.endswith(".toml")
    )


def preset_text(name: str) -> str:
    if name not in preset_names():
        raise SchemeError(
            [
                _("there is no preset {name!r}; the presets are: {names}").format(
                    name=name, names=join_list(preset_names())
                )
            ]
        )
    return resources.files("fieldkpi").joinpath("schemes", f"{name}.toml").read_text("utf-8")


@dataclass
class Layer:
    """One source of settings: a preset, a branch's file, a frozen scheme."""

    name: str
    data: dict[str, Any]
    text: str | None = None  # the file's text, to say on which line a key is

    def where(self, path: str) -> str:
        line = locate(self.text, path) if self.text else None
        return f"{self.name}:{line}" if line else self.name


def _preset_layer(name: str) -> Layer:
    text = preset_text(name)
    return Layer(f"preset {name}", tomllib.loads(text), text)


def default_scheme() -> Scheme:
    return build_scheme([_preset_layer(DEFAULT_PRESET)])


@functools.cache
def _default() -> Scheme:
    return default_scheme()


def default_for_every_branch(_branch: str) -> Scheme:
    """A ``scheme_for`` without a loader (tests, embedding): the default scheme, built once,
    for every branch."""
    return _default()


def load_preset(name: str) -> Scheme:
    return build_scheme([_preset_layer(name)])


def read_layer(path: str | Path) -> Layer:
    path = Path(path)
    try:
        text = path.read_text("utf-8-sig")  # Notepad saves with a BOM
        data = tomllib.loads(text)
    except FileNotFoundError as exc:
        raise SchemeError([_("{path}: no such scheme file").format(path=path)]) from exc
    except OSError as exc:  # a folder, no permission …
        raise SchemeError([file_problem(path, exc)]) from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SchemeError(
            [_("{path}: not a valid TOML file ({error})").format(path=path, error=exc)]
        ) from exc
    return Layer(str(path), data, text)


def load_scheme(*paths: str | Path | None, preset: str = DEFAULT_PRESET) -> Scheme:
    """A preset (the default's unless named) overlaid by each file in order (later wins)."""
    return build_scheme([_preset_layer(preset), *(read_layer(p) for p in paths if p is not None)])


def scheme_from_dict(data: Mapping[str, Any], name: str = "frozen") -> Scheme:
    """A scheme from data written by :meth:`Scheme.to_toml_dict` (or by the first version)."""
    data = copy.deepcopy(dict(data))
    return build_scheme([_preset_layer(DEFAULT_PRESET), Layer(name, data)])


def build_scheme(layers: list[Layer]) -> Scheme:
    """Merge the layers and check the result.

    A layer that names a ``preset`` starts again from that preset: the layers
    before it are of another scheme and do not apply.

    Every problem is told at once: an unknown key is ignored while the values
    are read, and a section of the wrong shape (``[settings]`` that is no
    table) is left out of its layer, so the values of the rest are still read
    and told. Only the values of a layer whose ``preset`` is unknown are not:
    nothing says what they would change.
    """
    from fieldkpi.scheme_legacy import LEGACY_SECTIONS, translate

    problems: list[str] = []
    used: list[Layer] = []
    for layer in layers:
        # A whole scheme: nothing before it applies (one naming a preset is laid over it).
        if used and _complete(layer.data) and "preset" not in layer.data:
            used = [layer]
            continue
        if used and "preset" in layer.data:
            name = layer.data["preset"]
            if not isinstance(name, str) or name not in preset_names():
                problems.append(
                    _("{where}: preset {name!r} is none of: {names}").format(
                        where=layer.where("preset"), name=name, names=join_list(preset_names())
                    )
                )
                continue
            rest = {k: v for k, v in layer.data.items() if k != "preset"}
            used = [_preset_layer(name), Layer(layer.name, rest, layer.text)]
        else:
            used.append(layer)
    merged: dict[str, Any] = {}
    read: list[Layer] = []  # the layers as read: without their sections of the wrong shape
    for layer in used:
        data, shape_problems = _shaped(layer, layer.data)
        problems += shape_problems
        read.append(Layer(layer.name, data, layer.text))
        if any(section in data for section in LEGACY_SECTIONS):
            data, legacy_problems = translate(read[-1], merged)
            problems += legacy_problems
        problems += _unknown_keys(layer, data)
        _merge(merged, data)
    base = used[0].name
    preset = base.removeprefix("preset ") if base.startswith("preset ") else ""
    where = " + ".join(_layer_name(layer.name) for layer in used)
    return _Reader(merged, where, read, problems).scheme(preset)


def _complete(data: Mapping[str, Any]) -> bool:
    """A whole scheme (a copied preset, a frozen one): it names itself and has KPIs."""
    head, kpis = data.get("scheme"), data.get("kpi")
    return isinstance(head, dict) and "name" in head and isinstance(kpis, list) and bool(kpis)


def _layer_name(name: str) -> str:
    return _(BUILT_IN) if name == BUILT_IN else name


# ------------------------------------------------------------------------- shape and merge

# The keys each part of a scheme may have. KPI keys also include the settings of its measure.
TOP_KEYS = frozenset(
    {"scheme", "settings", "kpi", "adjustment", "problem", "grade", "money", "review"}
)
SCHEME_KEYS = frozenset({"name", "label", "period", "roles"})
SETTINGS_KEYS = frozenset(
    {
        "bucket_points",
        "late_points",
        "open_points",
        "open_days",
        "day_basis",
        "satisfied_min_rating",
        "rep_satisfaction",
    }
)
# The columns every ranking export has besides the KPIs' (fieldkpi.export's HEAD, TOTALS
# and EXTRA, and the measures' "no data" flags): a KPI column of one of these names would
# stand twice in a CSV and, in a TOML row, hide one of the two.
RANKING_COLUMNS = frozenset(
    {
        *("period", "as_of", "provisional", "branch", "role", "rank", "staff_code", "name"),
        *("deductions", "zeroed", "total", "reward", "first_month", "bonuses", "grade", "scheme"),
        *(m.flag for m in (*MEASURES.values(), ENTERED, ADJUSTMENT_COUNT) if m.flag),
    }
)
KPI_KEYS = frozenset(
    {"id", "role", "label", "measure", "score", "first_month", "column", "fraction", "drop"}
)
ADJUSTMENT_KEYS = frozenset(
    {
        "kind",
        "label",
        "points",
        "entered_points",
        "forfeit",
        "roles",
        "recorded_by",
        "approval",
        "drop",
    }
)
PROBLEM_KEYS = frozenset({"level", "label", "points", "drop"})
GRADE_KEYS = frozenset({"min", "label", "bonus"})
MONEY_KEYS = frozenset({"top", "bottom", "ladder", "floor", "grade_bonus", "roles"})
FLOOR_KEYS = frozenset({"below", "amount"})
REVIEW_KEYS = frozenset({"show_reporter"})
LABEL_KEYS = frozenset({"zh", "en"})
# Lists of tables, and the key that matches an override to the table it changes.
MATCHED_BY = {"kpi": ("id", "role"), "adjustment": ("kind",), "problem": ("level",)}


def _unknown(layer: Layer, path: str, keys: Iterable[str], known: Iterable[str]) -> list[str]:
    known = set(known)
    return [
        _("{where}: unknown key {key}").format(
            where=layer.where(f"{path}.{key}" if path else key),
            key=escape_controls(f"{path}.{key}" if path else key),  # as typed, never as ESC
        )
        for key in keys
        if key not in known
    ]


# The sections that hold one table, and those that hold a list of tables, with their keys.
TABLES = {
    "scheme": SCHEME_KEYS,
    "settings": SETTINGS_KEYS,
    "money": MONEY_KEYS,
    "review": REVIEW_KEYS,
}
LISTS = {
    "kpi": KPI_KEYS,
    "adjustment": ADJUSTMENT_KEYS,
    "problem": PROBLEM_KEYS,
    "grade": GRADE_KEYS,
}


def _shaped(layer: Layer, data: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The layer's data without its sections of the wrong shape, each told: their values
    cannot be read, and the other sections' still are."""
    readable, problems = dict(data), []
    for section in TABLES:
        if section in data and not isinstance(data[section], dict):
            problems.append(
                _("{where}: [{section}] must be a table").format(
                    where=layer.where(section), section=section
                )
            )
            del readable[section]
    for section in LISTS:
        entries = data.get(section, [])
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            problems.append(
                _("{where}: [[{section}]] must be a list of tables").format(
                    where=layer.where(section), section=section
                )
            )
            del readable[section]
    return readable, problems


def _unknown_keys(layer: Layer, data: Mapping[str, Any]) -> list[str]:
    """Unknown keys of one layer (:func:`_shaped`), named by key and line: a misspelt key
    would change nothing."""
    problems = _unknown(layer, "", data, TOP_KEYS)
    for section, known in TABLES.items():
        problems += _unknown(layer, section, data.get(section, {}), known)
    for section, known in LISTS.items():
        for n, entry in enumerate(data.get(section, [])):
            allowed = set(known)
            if section == "kpi":  # a KPI takes the settings of its measure too
                spec = measure(str(entry.get("measure", "")))
                allowed |= set(spec.settings) if spec else set()
            problems += _unknown(layer, f"{section}[{n}]", entry, allowed)
    return problems


def _merge(merged: dict[str, Any], data: Mapping[str, Any]) -> None:
    """Lay one layer over what is merged so far (see the module docstring)."""
    for section, value in data.items():
        if section in MATCHED_BY:
            entries = merged.setdefault(section, [])
            for entry in value:
                _merge_entry(entries, entry, MATCHED_BY[section])
        elif section == "grade":
            merged["grade"] = copy.deepcopy(value)  # the grades are one ladder: replaced whole
        elif isinstance(value, dict):
            merged.setdefault(section, {}).update(copy.deepcopy(value))
        else:
            merged[section] = copy.deepcopy(value)


def _merge_entry(entries: list[dict], entry: Mapping[str, Any], keys: tuple[str, ...]) -> None:
    match = tuple(entry.get(k) for k in keys)
    for index, existing in enumerate(entries):
        if tuple(existing.get(k) for k in keys) == match:
            if entry.get("drop"):
                del entries[index]
                return
            changed = copy.deepcopy(dict(entry))
            score = changed.pop("score", None)
            existing.update(changed)
            if isinstance(score, dict):
                old = existing.get("score") if isinstance(existing.get("score"), dict) else {}
                # A new method starts from its own settings; the same method keeps the others.
                same = "method" not in score or score["method"] == old.get("method")
                existing["score"] = (old | score) if same else dict(score)
            elif score is not None:
                existing["score"] = score
            return
    if not entry.get("drop"):
        entries.append(copy.deepcopy(dict(entry)))


def locate(text: str, path: str) -> int | None:
    """The line of ``path`` (``kpi[2].score``, ``money.top``) in a TOML file's text, if found.

    tomllib keeps no positions; this finds the n-th ``[[kpi]]`` header (or the
    ``[section]``) and then the first key of the path after it.
    """
    lines = text.splitlines()
    first, *rest = path.split(".")
    section, _bracket, index = first.partition("[")
    if index and not index.rstrip("]").isdigit():  # a key with "[" in its name: no table's
        section, index = first, ""
    if not index and not rest:  # a top-level key, or a section itself
        for i, line in enumerate(lines):
            if line.strip() in (f"[{section}]", f"[[{section}]]") or _key_of(line) == section:
                return i + 1
        return None
    header = f"[[{section}]]" if index else f"[{section}]"
    headers = [i for i, line in enumerate(lines) if line.strip() == header]
    n = int(index.rstrip("]")) if index else 0
    if n >= len(headers):
        return None
    start = headers[n]
    if rest:
        key = rest[0].partition("[")[0]
        for i in range(start + 1, len(lines)):
            if lines[i].strip().startswith("["):
                break
            if _key_of(lines[i]) == key:
                return i + 1
    return start + 1


def _key_of(line: str) -> str | None:
    key, equals, _value = line.partition("=")
    return key.strip().strip("\"'") if equals else None  # a quoted key: what it quotes


# ------------------------------------------------------------------------- checking


class _Reader:
    """Reads the merged data into a :class:`Scheme`, collecting every problem with its key.

    ``problems`` are those already found in the layers (unknown keys, shapes), told first.
    """

    def __init__(
        self, data: dict[str, Any], where: str, layers: list[Layer], problems: Iterable[str]
    ) -> None:
        self.data = data
        self.where = where
        self.layers = layers
        self.problems: list[str] = list(problems)

    def problem(self, path: str, text: str) -> None:
        """Record a problem at ``path`` of the merged scheme, placed in the file that set it."""
        place, key = self.where, path
        for layer in reversed(self.layers):
            own = self._layer_path(layer, path)
            if own is not None and layer.text and locate(layer.text, own):
                place, key = layer.where(own), own
                break
        self.problems.append(
            _("{where}: {key} {problem}").format(where=place, key=key, problem=text)
        )

    def _layer_path(self, layer: Layer, path: str) -> str | None:
        """``path`` as the layer spells it: a list's entry by its own place in that file."""
        head, dot, rest = path.partition(".")
        section, bracket, index = head.partition("[")
        if not bracket or section not in MATCHED_BY:
            return path
        merged = self.data.get(section, [])[int(index.rstrip("]"))]
        keys = MATCHED_BY[section]
        for n, entry in enumerate(layer.data.get(section, [])):
            if isinstance(entry, dict) and all(entry.get(k) == merged.get(k) for k in keys):
                return f"{section}[{n}]{dot}{rest}"
        return None

    # -- typed values

    def number(self, path: str, value: Any, *, low: Fraction | None = None) -> Fraction:
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.problem(path, _("must be a number, not {value!r}").format(value=value))
            return Fraction(0)
        if isinstance(value, float) and not math.isfinite(value):
            self.problem(path, _("must be a finite number, not {value!r}").format(value=value))
            return Fraction(0)
        number = exact(value)
        if low is not None and number < low:
            self.problem(
                path, _("must be at least {low}, not {value!r}").format(low=low, value=value)
            )
        return number

    def numbers(self, path: str, value: Any) -> tuple[Fraction, ...]:
        if not isinstance(value, list):
            self.problem(path, _("must be a list of numbers, not {value!r}").format(value=value))
            return ()
        return tuple(self.number(f"{path}[{i}]", v) for i, v in enumerate(value))

    def whole(self, path: str, value: Any, low: int, high: int) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.problem(
                path,
                _("must be a whole number {low} … {high}, not {value!r}").format(
                    low=low, high=high, value=value
                ),
            )
            return low
        return value

    def choice(self, path: str, value: Any, choices: Iterable[str]) -> str:
        choices = tuple(choices)
        if value not in choices:
            self.problem(
                path,
                _("must be one of {choices}, not {value!r}").format(
                    choices=join_list(choices), value=value
                ),
            )
            return choices[0]
        return value

    def roles(self, path: str, value: Any, allowed: Iterable[str]) -> tuple[str, ...]:
        allowed = tuple(allowed)
        if not isinstance(value, list) or not value:
            self.problem(path, _("must be a list of roles, not {value!r}").format(value=value))
            return allowed
        for role in value:
            self.choice(path, role, allowed)
        # With none of them a role (told above), the rest is checked as if all were.
        return tuple(r for r in value if r in allowed) or allowed

    def flag(self, path: str, value: Any) -> bool:
        if not isinstance(value, bool):
            self.problem(path, _("must be true or false, not {value!r}").format(value=value))
            return False
        return value

    def label(self, path: str, value: Any, fallback: str) -> Label:
        """A label as shown on screens and in exports: a name, so no control characters."""
        if value is None:
            return Label(fallback, fallback)
        if isinstance(value, str):
            return Label(clean_name(value), clean_name(value))
        if (
            not isinstance(value, dict)
            or set(value) - LABEL_KEYS
            or not all(isinstance(v, str) and v.strip() for v in value.values())
        ):
            self.problem(path, _('must be a text or {{ zh = "…", en = "…" }}'))
            return Label(fallback, fallback)
        zh = value.get("zh") or value.get("en")
        en = value.get("en") or value.get("zh")
        return Label(clean_name(zh), clean_name(en))

    def text(self, path: str, value: Any) -> str:
        if not isinstance(value, str) or not value.strip() or not value.replace("_", "").isalnum():
            self.problem(
                path,
                _("must be a name of letters, digits and _, not {value!r}").format(value=value),
            )
            return ""
        return value

    # -- the scheme

    def scheme(self, preset: str) -> Scheme:
        data = self.data
        head = data.get("scheme", {})
        period = self.choice("scheme.period", head.get("period", "month"), PERIOD_KINDS)
        roles = self.roles(
            "scheme.roles", head.get("roles", list(APPRAISED_ROLES)), APPRAISED_ROLES
        )
        settings = self.settings(data.get("settings", {}))
        kpis = tuple(
            kpi
            for n, entry in enumerate(data.get("kpi", []))
            if (kpi := self.kpi(f"kpi[{n}]", entry, roles, settings)) is not None
        )
        seen: set[tuple[str, str]] = set()
        for n, kpi in enumerate(kpis):
            if (kpi.id, kpi.role) in seen:
                self.problem(
                    f"kpi[{n}].id",
                    _("{id!r} is given twice for {role}").format(id=kpi.id, role=kpi.role),
                )
            seen.add((kpi.id, kpi.role))
        self.export_columns(kpis)
        for role in roles:
            if not any(k.role == role for k in kpis):
                self.problem(
                    "kpi", _("has no KPI for {role}, which the scheme appraises").format(role=role)
                )
        adjustments = {}
        for n, entry in enumerate(data.get("adjustment", [])):
            adjustment = self.adjustment(f"adjustment[{n}]", entry, roles)
            if adjustment is not None:
                adjustments[adjustment.kind] = adjustment
        problems = tuple(
            level
            for n, entry in enumerate(data.get("problem", []))
            if (level := self.problem_level(f"problem[{n}]", entry)) is not None
        )
        grades = self.grades(data.get("grade", []))
        money = self.money(data.get("money", {}), roles, grades)
        review = data.get("review", {})
        show_reporter = self.flag("review.show_reporter", review.get("show_reporter", True))
        name = head.get("name", preset or "scheme")
        if not isinstance(name, str) or not name.strip():
            self.problem("scheme.name", _("must be a name"))
        if self.problems:
            raise SchemeError(self.problems)
        return Scheme(
            name=name,
            label=self.label("scheme.label", head.get("label"), name),
            period=period,
            roles=roles,
            settings=settings,
            kpis=kpis,
            adjustments=adjustments,
            problems=problems,
            grades=grades,
            money=money,
            show_reporter=show_reporter,
            preset=preset or name,
            source=tuple(layer.name for layer in self.layers),
            data=copy.deepcopy(data),
        )

    def settings(self, given: Mapping[str, Any]) -> dict[str, Any]:
        """The measures' shared settings; one a scheme leaves out is kpi-rules.md's value."""
        value = {**SETTING_DEFAULTS, **given}.get
        buckets = self.numbers("settings.bucket_points", value("bucket_points"))
        if len(buckets) != 7:
            self.problem("settings.bucket_points", _("needs 7 numbers (day 1 … 7)"))
            buckets = (Fraction(0),) * 7
        return {
            "bucket_points": buckets,
            "late_points": self.number("settings.late_points", value("late_points")),
            "open_points": self.number("settings.open_points", value("open_points")),
            "open_days": self.whole("settings.open_days", value("open_days"), 1, 3660),
            "day_basis": self.choice("settings.day_basis", value("day_basis"), DAY_BASES),
            "satisfied_min_rating": self.whole(
                "settings.satisfied_min_rating", value("satisfied_min_rating"), 1, 5
            ),
            "rep_satisfaction": self.choice(
                "settings.rep_satisfaction", value("rep_satisfaction"), REP_SATISFACTION
            ),
        }

    def export_columns(self, kpis: tuple[Kpi, ...]) -> None:
        """Each column of an export holds one thing for the whole scheme, in both roles' rows.

        An export has one column per KPI value, points and count, filled in each
        row from that row's KPI of the column's id (:mod:`fieldkpi.export`). So
        a column may not be one every ranking has, nor hold two things (the
        engineers' ``days`` where the reps count theirs), and a KPI of both roles
        keeps one name for each of its columns (an engineer's value went under
        the reps' heading, and their own stayed empty).
        """
        holder: dict[str, tuple[str, str]] = {}  # column → (KPI id, what it holds)
        named: dict[tuple[str, str], str] = {}  # (KPI id, what) → its column
        for n, kpi in enumerate(kpis):
            held = [(kpi.column, "value"), (f"{kpi.id}_points", "points")]
            for column, holds in [*held, *((part, part) for part in kpi.spec.columns)]:
                path = f"kpi[{n}].column"
                if column in RANKING_COLUMNS:
                    self.problem(
                        path,
                        _("export column {column!r} is one every ranking has").format(
                            column=column
                        ),
                    )
                elif holder.setdefault(column, (kpi.id, holds)) != (kpi.id, holds):
                    other = holder[column][0]
                    said = (
                        _("export column {column!r} holds another figure of {other!r} too")
                        if other == kpi.id
                        else _("export column {column!r} is used by {other!r} too")
                    )
                    self.problem(path, said.format(column=column, other=other))
                elif named.setdefault((kpi.id, holds), column) != column:
                    self.problem(
                        path,
                        _(
                            "{id!r} is exported as {other!r} for its other role, not {column!r}"
                        ).format(id=kpi.id, other=named[(kpi.id, holds)], column=column),
                    )

    def kpi(
        self, path: str, entry: Mapping[str, Any], roles: tuple[str, ...], settings: Mapping
    ) -> Kpi | None:
        kpi_id = self.text(f"{path}.id", entry.get("id"))
        role = entry.get("role")
        if role not in roles:
            self.problem(
                f"{path}.role",
                _("{role!r} is not a role the scheme appraises ({roles})").format(
                    role=role, roles=join_list(roles)
                ),
            )
        measure_id = entry.get("measure")
        if (
            role == "rep"
            and measure_id == "satisfaction_rate"
            and settings["rep_satisfaction"] == "entered"
        ):
            measure_id = "entered.satisfaction"  # settings.rep_satisfaction (kpi-rules §4)
        spec = measure(str(measure_id)) if isinstance(measure_id, str) else None
        if spec is None:
            self.problem(
                f"{path}.measure", _("{measure!r} is no measure").format(measure=measure_id)
            )
            return None
        measure_settings = {}
        for key, default in spec.settings.items():
            value = entry.get(key, default)
            if key == "threshold":
                value = self.whole(
                    f"{path}.{key}",
                    settings["satisfied_min_rating"] if value is None else value,
                    1,
                    5,
                )
            else:
                value = self.number(f"{path}.{key}", value, low=Fraction(0))
            measure_settings[key] = value
        score = entry.get("score")
        if not isinstance(score, dict) or score.get("method") not in METHODS:
            method = score.get("method") if isinstance(score, dict) else score
            self.problem(
                f"{path}.score",
                _("needs a method, one of {methods}; not {method!r}").format(
                    methods=join_list(METHODS), method=method
                ),
            )
            return None
        method = METHODS[score["method"]]
        if method.id == "weighted_days" and measure_id != "timeliness":
            self.problem(
                f"{path}.score.method", _("weighted_days scores the timeliness measure only")
            )
        resolved = self.score(f"{path}.score", score, method.settings, spec)
        first_month, fraction = entry.get("first_month"), entry.get("fraction")
        return Kpi(
            id=kpi_id,
            role=str(role),
            label=self.label(f"{path}.label", entry.get("label"), kpi_id),
            measure=measure_id,
            settings=measure_settings,
            method=method.id,
            score=resolved,
            first_month=None
            if first_month is None
            else self.number(f"{path}.first_month", first_month),
            column=str(entry.get("column") or kpi_id),
            fraction=None
            if fraction is None
            else self.fraction(f"{path}.fraction", fraction, measure_id),
        )

    def fraction(self, path: str, value: Any, measure_id: str) -> FractionRange | None:
        """``fraction = [low, high]``: of a value entered from outside, the range taken."""
        if entered_metric(measure_id) is None:
            self.problem(path, _("only a value entered from outside (entered.NAME) takes one"))
            return None
        needs = _("needs the lowest and the highest value taken, lowest first: [0, 1]")
        if not isinstance(value, list) or len(value) != 2:
            self.problem(path, needs)
            return None
        low, high = self.numbers(path, value)
        if low >= high:
            self.problem(path, needs)
            return None
        return FractionRange(low, high)

    def score(
        self, path: str, score: Mapping[str, Any], known: Mapping[str, Any], spec: Measure
    ) -> dict:
        method = score["method"]
        for key in score:
            if key != "method" and key not in known:
                self.problem(
                    f"{path}.{key}", _("is no setting of the method {method}").format(method=method)
                )
        resolved: dict[str, Any] = {}
        if "better" in known:
            better = score.get("better", "measure")
            resolved["better"] = (
                spec.better
                if better == "measure"
                else self.choice(f"{path}.better", better, ("higher", "lower"))
            )
        for key, default in known.items():
            value = score.get(key, default)
            if key == "better":
                continue
            if value is REQUIRED:
                self.problem(
                    f"{path}.{key}", _("is required by the method {method}").format(method=method)
                )
            elif key == "bands":
                resolved[key] = self.bands(f"{path}.{key}", value, resolved["better"])
            elif value is None or isinstance(value, Fraction):
                resolved[key] = value
            else:
                resolved[key] = self.number(f"{path}.{key}", value)
        if resolved.get("unit") == 0:
            self.problem(f"{path}.unit", _("must not be 0"))
        return resolved

    def bands(self, path: str, value: Any, better: str) -> tuple[tuple[Fraction, Fraction], ...]:
        if (
            not isinstance(value, list)
            or not value
            or not all(isinstance(b, list) and len(b) == 2 for b in value)
        ):
            self.problem(path, _("must be a list of [threshold, points] pairs, best first"))
            return ()
        bands = tuple(
            (self.number(f"{path}[{i}]", t), self.number(f"{path}[{i}]", p))
            for i, (t, p) in enumerate(value)
        )
        thresholds = [t for t, _p in bands]
        ordered = sorted(thresholds, reverse=better != "lower")
        if thresholds != ordered or len(set(thresholds)) != len(thresholds):
            self.problem(
                path,
                _(
                    "thresholds must be in order, best first, each once ({order}): {thresholds}"
                ).format(
                    order=_("highest first") if better != "lower" else _("lowest first"),
                    thresholds=join_list(str(plain(t)) for t in thresholds),
                ),
            )
        return bands

    def adjustment(
        self, path: str, entry: Mapping[str, Any], roles: tuple[str, ...]
    ) -> Adjustment | None:
        kind = self.text(f"{path}.kind", entry.get("kind"))
        ways = [
            k for k in ("points", "entered_points", "forfeit") if entry.get(k) not in (None, False)
        ]
        if len(ways) != 1:
            self.problem(path, _("needs exactly one of points, entered_points, forfeit"))
            return None
        entered = entry.get("entered_points")
        if entered is True:
            entered = "deduction"
        if entered is not None:
            entered = self.choice(f"{path}.entered_points", entered, ("deduction", "bonus"))
        points = entry.get("points")
        return Adjustment(
            kind=kind,
            label=self.label(f"{path}.label", entry.get("label"), kind),
            points=None if points is None else self.number(f"{path}.points", points),
            entered=entered,
            forfeit=self.flag(f"{path}.forfeit", entry.get("forfeit", False)),
            roles=self.roles(f"{path}.roles", entry.get("roles", list(roles)), roles),
            recorded_by=self.roles(
                f"{path}.recorded_by", entry.get("recorded_by", ["lead"]), ("rep", "lead")
            ),
            approval=self.flag(f"{path}.approval", entry.get("approval", True)),
        )

    def problem_level(self, path: str, entry: Mapping[str, Any]) -> ProblemLevel | None:
        level = self.text(f"{path}.level", entry.get("level"))
        points = self.number(f"{path}.points", entry.get("points"), low=Fraction(0))
        if points <= 0 or points > 100:
            self.problem(f"{path}.points", _("must be more than 0 and at most 100"))
        return ProblemLevel(level, self.label(f"{path}.label", entry.get("label"), level), points)

    def grades(self, entries: list) -> tuple[Grade, ...]:
        """The grade ladder, highest first; the last may leave out ``min``: every total below."""
        grades = []
        for n, entry in enumerate(entries):
            bottom = "min" not in entry and n == len(entries) - 1
            low = None if bottom else self.number(f"grade[{n}].min", entry.get("min"))
            grades.append(
                Grade(
                    min=low,
                    label=self.label(f"grade[{n}].label", entry.get("label"), str(low)),
                    bonus=self.number(f"grade[{n}].bonus", entry.get("bonus", 0)),
                )
            )
        mins = [g.min for g in grades if g.min is not None]
        if mins != sorted(mins, reverse=True) or len(set(mins)) != len(mins):
            self.problem(
                "grade",
                _("grades must go from the highest min down, each min once: {mins}").format(
                    mins=join_list(str(plain(m)) for m in mins)
                ),
            )
        return tuple(grades)

    def money(
        self, given: Mapping[str, Any], roles: tuple[str, ...], grades: tuple[Grade, ...]
    ) -> Money:
        floor = given.get("floor")
        below = amount = None
        if floor is not None:
            if not isinstance(floor, dict) or set(floor) - FLOOR_KEYS:
                self.problem("money.floor", _("must be {{ below = 0.5, amount = 300 }}"))
            else:
                below = self.number("money.floor.below", floor.get("below"), low=Fraction(0))
                amount = self.number("money.floor.amount", floor.get("amount", 0))
        grade_bonus = self.flag("money.grade_bonus", given.get("grade_bonus", False))
        if grade_bonus and not grades:
            self.problem("money.grade_bonus", _("needs [[grade]] tables with a bonus"))
        return Money(
            top=self.numbers("money.top", given.get("top", [])),
            bottom=self.numbers("money.bottom", given.get("bottom", [])),
            ladder=self.numbers("money.ladder", given.get("ladder", [])),
            floor_below=below,
            floor_amount=amount or Fraction(0),
            grade_bonus=grade_bonus,
            roles=self.roles("money.roles", given.get("roles", list(roles)), roles),
        )
