"""How the figure screens print numbers: as the export rounds them, so screen and file agree.

Points are rounded half-up to 2 places and rates to 4 (:mod:`fieldkpi.export`);
money is signed yuan as ``fieldkpi rank`` prints it.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from fractions import Fraction

from fieldkpi.kpi import round_half_up
from fieldkpi.table import yuan

__all__ = ["moment", "points", "rate", "signed", "yuan"]


def points(value: Fraction | Decimal) -> str:
    return str(round_half_up(value, 2))


def rate(value: Fraction | Decimal) -> str:
    return str(round_half_up(value, 4))


def signed(value: Fraction | Decimal) -> str:
    """Points one ticket or event adds: ``+20``, ``-150``, ``+1.50``."""
    value = Fraction(value)
    text = str(value.numerator) if value.denominator == 1 else points(abs(value))
    text = text.lstrip("-")
    return f"-{text}" if value < 0 else f"+{text}" if value > 0 else "0"


def moment(value: datetime | None) -> str:
    """A time to the minute, as tickets are taken in; a dash for none."""
    return value.strftime("%Y-%m-%d %H:%M") if value else "—"
