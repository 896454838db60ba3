"""The targets of issue 14, each measured next to its floor, printed as one table.

A :class:`Target` holds what was measured (the median of several runs), the
floor measured in the same run where the target is relative to one, and the
limits; ``met`` says whether the measurement keeps every limit it has.
"""

from __future__ import annotations

import compileall
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

# `fieldkpi` as a branch server runs it: sqlite-utils would import pandas and numpy from the
# bench extra into every process (0.4 s and 46 MB), which a server does not have.
FIELDKPI = [sys.executable, str(Path(__file__).resolve().parent / "as_installed.py")]
PACKAGES = ("fieldkpi", "storage", "screens")


def compile_installed() -> None:
    """Each module of fieldkpi compiled to bytecode, as ``pip install`` leaves it on a server.

    The bench runs an editable checkout, whose modules Python compiles as it
    imports them and caches only where it may write bytecode: on a machine
    with ``PYTHONDONTWRITEBYTECODE`` set (ours), every timed process compiled
    some 60 modules from source again, 50–60 ms of each command's time and of
    the TUI's start (bench/README.md).
    """
    root = Path(__file__).resolve().parent.parent
    for package in PACKAGES:
        if not compileall.compile_dir(root / package, quiet=1):
            raise SystemExit(f"{package}: a module does not compile")


@dataclass(frozen=True)
class Target:
    what: str
    measured: float
    unit: str = "s"
    limit: float | None = None  # at most this many units
    floor: float | None = None  # the bare way of doing the same, measured in the same run
    ratio_limit: float | None = None  # measured / floor at most this
    ratio_min: float | None = None  # measured / floor at least this (how many times slower)
    note: str = ""

    @property
    def ratio(self) -> float | None:
        return None if not self.floor else self.measured / self.floor

    @property
    def met(self) -> bool | None:
        checks = []
        if self.limit is not None:
            checks.append(self.measured <= self.limit)
        if self.ratio_limit is not None and self.ratio is not None:
            checks.append(self.ratio <= self.ratio_limit)
        if self.ratio_min is not None and self.ratio is not None:
            checks.append(self.ratio >= self.ratio_min)
        return all(checks) if checks else None

    def target(self) -> str:
        parts = []
        if self.limit is not None:
            parts.append(f"≤ {_number(self.limit)} {self.unit}")
        if self.ratio_limit is not None:
            parts.append(f"≤ {self.ratio_limit:g}× floor")
        if self.ratio_min is not None:
            parts.append(f"≥ {self.ratio_min:g}× floor")
        return ", ".join(parts)


def _number(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:,.1f}" if value >= 1 else f"{value:.3f}"


def table(targets: Sequence[Target]) -> str:
    """One line a target: measured, floor, ratio, target, met or missed, and notes."""
    rows = [("target", "measured", "floor", "ratio", "wanted", "", "notes")]
    for t in targets:
        rows.append(
            (
                t.what,
                f"{_number(t.measured)} {t.unit}",
                f"{_number(t.floor)} {t.unit}" if t.floor else "",
                f"{t.ratio:.2f}×" if t.ratio is not None else "",
                t.target(),
                {True: "met", False: "MISSED", None: ""}[t.met],
                t.note,
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(6)]
    lines = []
    for row in rows:
        cells = [row[0].ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(row[1:4], widths[1:4], strict=True)
        ]
        cells += [row[4].ljust(widths[4]), row[5].ljust(widths[5]), row[6]]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)
