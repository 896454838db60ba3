"""A value entered from outside that is a fraction: the range it must be in, and why not.

A share or a rate (payments collected, complaints handled, hours sold) is
entered as a fraction, 0.93; ``93%`` is read as 0.93 (the entry screen and
the ``scores`` file alike). 93 typed for 93 % is ninety-three times the
whole: bands and lines score it far above any target, and nobody is told.
A KPI that scores such a value says so in its scheme, ``fraction = [0, 1]``
(the lowest and the highest value taken), and a value outside that is
refused where it is entered (:func:`storage.scores.record_score`, and the
``scores`` file's :func:`storage.import_checks.score_checks`), with the
range and the percentage written as a fraction.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from fieldkpi.i18n import _
from fieldkpi.numbers import as_typed

# Told when the value typed, read as a percentage, is no value of the range either.
EXAMPLE = (Decimal(93), Decimal("0.93"))


@dataclass(frozen=True)
class FractionRange:
    """The lowest and the highest fraction a KPI takes (``fraction = [low, high]``)."""

    low: Fraction
    high: Fraction

    def takes(self, value: Decimal) -> bool:
        return self.low <= Fraction(value) <= self.high

    def refusal(self, value: Decimal) -> str:
        """Why ``value`` is refused on a form, with how to write it."""
        return _("Enter a fraction from {low} to {high} ({percent}% is {fraction}).").format(
            **self._told(value)
        )

    def cell_refusal(self, value: Decimal) -> str:
        """Why ``value`` is refused in a file's cell (a reason, as the import's others are)."""
        text = _("{value} is not a fraction from {low} to {high} ({percent}% is {fraction})")
        return text.format(value=as_typed(value), **self._told(value))

    def _told(self, value: Decimal) -> dict[str, str]:
        """The range, and a percentage with its fraction: the value typed, read as one, when
        that fits (93 for 0.93), else the usual example."""
        as_percent = value / 100
        percent, fraction = (value, as_percent) if self.takes(as_percent) else EXAMPLE
        return {
            "low": as_typed(self.low),
            "high": as_typed(self.high),
            "percent": as_typed(percent),
            "fraction": as_typed(fraction),
        }
