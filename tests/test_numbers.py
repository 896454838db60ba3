"""A measured value is written one way: in the rankings table, the facts and the workbook.

The table writes a KPI's value column (:func:`fieldkpi.kpi_columns.kpi_columns`,
:func:`fieldkpi.numbers.shown`); the explanations and the workbook's breakdown
write :func:`fieldkpi.kpi_columns.measured`. Hand-worked values of each kind.
"""

from __future__ import annotations

from fractions import Fraction as F

import pytest

from fieldkpi.kpi_columns import kpi_columns, measured
from fieldkpi.numbers import DASH, exact_places, shown
from fieldkpi.scheme import load_preset


@pytest.mark.parametrize(
    ("scheme", "kpi_id", "value", "text"),
    [
        ("cs-levels", "attendance", F(3), "3"),  # days absent: a count
        ("cs-levels", "attendance", F(3, 2), "1.50"),  # a count not whole, never "3/2"
        ("cs-levels", "attendance", None, DASH),  # nothing recorded: a dash, never blank
        ("cs-levels", "typing_speed", F(85), "85.00"),  # entered: a number to 2 places
        ("skyworth", "feedback", F(2, 23), "8.70%"),  # a rate as a percent
        ("skyworth", "satisfaction", None, DASH),
        ("skyworth", "timeliness", F(22, 3), "7.33"),
    ],
)
def test_the_table_cell_and_the_explanation_write_a_value_alike(scheme, kpi_id, value, text):
    judged = load_preset(scheme)
    kpi = judged.kpi("rep", kpi_id)
    (column,) = [c for c in kpi_columns("rep", scheme=judged) if c.field == kpi.column]
    assert shown(column.format, value) == measured(kpi, value) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (F(697463, 10000), "69.746…"),  # 33.333… + 36.413…: the digits go on
        (F(69745, 1000), "69.745"),  # exact at 3 places: no "…"
        (F(697449, 10000), "69.744…"),  # rounded to 3 places it read 69.745, a total of 69.75
        (F(-1225, 240), "-5.104…"),
    ],
)
def test_an_exact_sum_is_cut_after_three_places_so_it_rounds_as_the_total(value, text):
    """The sum beside a total its rounded parts miss (:func:`fieldkpi.explain.rounding_note`):
    rounding what is shown to 2 places gives the total, as rounding the exact value does."""
    assert exact_places(value) == text
