"""How the screens print numbers (:mod:`fieldkpi.numbers`, as ``fieldkpi rank`` does) and times.

Points are rounded half-up to 2 places, rates shown as percents of their
4-place rounding, money as signed yuan; one minus sign throughout.
"""

from __future__ import annotations

from datetime import datetime

from fieldkpi.numbers import DASH, MINUS, percent, points, shown, signed, signed_points, yuan

__all__ = [
    "DASH", "MINUS", "moment", "percent", "points", "shown", "signed", "signed_points", "yuan"
]  # fmt: skip


def moment(value: datetime | None) -> str:
    """A time to the minute, as tickets are taken in; a dash for none."""
    return value.strftime("%Y-%m-%d %H:%M") if value else DASH
