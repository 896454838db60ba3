"""How numbers are printed, so the screens, ``fieldkpi rank`` and the workbook agree.

Points are rounded half-up to 2 places and rates to 4, as the export rounds
them (:mod:`fieldkpi.export`); a rate is shown as a percent of that rounded
fraction (``0.0870`` → ``8.70%``, the workbook's ``0.00%``). There is one minus
sign, the ASCII hyphen-minus, as in the CSV and in what a person copies into
a spreadsheet; money is signed yuan.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from fieldkpi.kpi import round_half_up

MINUS = "-"
DASH = "—"  # nothing to show (no reward, no value)
PERCENT_PLACES = Decimal("0.01")


def points(value: Fraction | Decimal | int) -> str:
    return str(round_half_up(value, 2))


def percent(value: Fraction | Decimal | int) -> str:
    """A rate as a percent of its 4-place rounding: ``Fraction(2, 23)`` → ``8.70%``."""
    return f"{(round_half_up(value, 4) * 100).quantize(PERCENT_PLACES)}%"


def count(value: Fraction | Decimal | int) -> str:
    """A count as the whole number it is; one that is not whole (a mean) to 2 places."""
    return str(int(value)) if Fraction(value).denominator == 1 else points(value)


def number(value: Fraction | Decimal | int) -> str:
    """A number as screens show it: a whole count as is, anything else to 2 places."""
    return str(value) if isinstance(value, int) else points(value)


def as_typed(value: Decimal | Fraction) -> str:
    """A value as it was typed in effect: ``0.93``, ``95`` (no exponent, no trailing zeros)."""
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    return format(value.normalize(), "f")


def signed(value: Fraction | Decimal | int) -> str:
    """Points one ticket or event adds: ``+20``, ``-150``, ``+1.50``."""
    value = Fraction(value)
    text = str(abs(value.numerator)) if value.denominator == 1 else points(abs(value))
    return _with_sign(value, text)


def signed_points(value: Fraction | Decimal | int) -> str:
    """Points an event adds, to 2 places as every export has them: ``-5.00``, ``+1.50``.

    Not :func:`signed`'s whole numbers: an event's points are entered to the hundredth
    (``branch_rule``) or fixed at halves (a backfill's ``-0.50``), and ``-5`` beside
    ``-0.50`` in one list reads as two kinds of number.
    """
    return _with_sign(value, points(abs(Fraction(value))))


def _with_sign(value: Fraction | Decimal | int, text: str) -> str:
    """``text``, the size of ``value``, after its sign: ``+`` or :data:`MINUS`, none for 0."""
    return f"{MINUS}{text}" if value < 0 else f"+{text}" if value > 0 else text


def net(value: Fraction | Decimal | int) -> str:
    """A row's adjustments, added and taken off: signed points, a dash where there are none.

    A dash as for no reward: a lead scanning the column looks for who was deducted,
    and a column of ``0.00`` hides the few that were among everyone who was not.
    """
    return signed_points(value) if value else DASH


def exact_places(value: Fraction) -> str:
    """An exact value cut (not rounded) after 3 places, ``…`` where more digits follow:
    ``-18.746…``, ``69.745``.

    Cut, so that rounding what is shown gives what rounding the value gives: a
    third place rounded up would read ``69.745`` for ``69.7449…``, whose total is 69.74.
    """
    scaled = abs(value) * 1000
    kept = scaled.numerator // scaled.denominator
    more = "…" if kept != scaled else ""
    return f"{MINUS if value < 0 else ''}{kept // 1000}.{kept % 1000:03d}{more}"


def yuan(value) -> str:
    """``+¥200``, ``-¥100``, or a dash for nothing."""
    if not value:
        return DASH
    amount = round_half_up(abs(value), 2)
    text = str(int(amount)) if amount == amount.to_integral_value() else str(amount)
    return f"{'+' if value > 0 else MINUS}¥{text}"


FORMATS = {"rate": percent, "points": points, "count": count, "net": net}


def shown(fmt: str, value) -> str:
    """A KPI column's value in its format (:mod:`fieldkpi.kpi_columns`); a dash for none.

    The rankings table, the explanations and the workbook's breakdown all print
    a measured value through here (:func:`fieldkpi.kpi_columns.measured`), so a
    value, or its absence, reads the same in each.
    """
    return DASH if value is None else FORMATS[fmt](value)
