"""The CSV writes each cell straight from its value (``cell_text``), not through ``rounded``:
it must write exactly what ``str`` of the rounded value, the export's one definition, gives.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from fieldkpi.export import (
    FLAG,
    NUMBER,
    POINTS,
    RATE,
    TEXT,
    TIME,
    WHOLE,
    YUAN,
    Column,
    cell_text,
    neutralise,
    rounded,
)

EXACT = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**9), 10**9),
    st.fractions(max_denominator=10**6),
    st.fractions(min_value=-200, max_value=200, max_denominator=48),  # points repeat
    st.decimals(min_value=-(10**6), max_value=10**6, allow_nan=False, places=3),
)
KINDS = st.sampled_from([WHOLE, POINTS, RATE, NUMBER, YUAN, FLAG])


def written_before(column: Column, value) -> str:
    """What the CSV wrote for a value when every cell went through ``rounded``."""
    if value is None:
        return ""
    kept = rounded(column, value)
    return neutralise(kept) if column.kind == TEXT else str(kept)


@given(kind=KINDS, value=EXACT)
def test_a_number_cell_is_written_as_its_rounded_value(kind, value):
    column = Column("x", kind, lambda row: value)
    assert cell_text(column)(value) == written_before(column, value)


@given(value=st.one_of(st.none(), st.text(max_size=12)))
def test_a_text_cell_is_kept_from_running_as_a_formula(value):
    column = Column("name", TEXT, lambda row: value)
    assert cell_text(column)(value) == written_before(column, value)


def test_the_cells_people_read_at_a_glance():
    points, rate = Column("p", POINTS, None), Column("r", RATE, None)
    assert cell_text(points)(Fraction(2675, 1000)) == "2.68"  # half up on the exact value
    assert cell_text(points)(Fraction(-1, 3)) == "-0.33"
    assert cell_text(rate)(Fraction(2, 3)) == "0.6667"
    assert cell_text(Column("n", TEXT, None))("=cmd|' /C calc'!A0") == "'=cmd|' /C calc'!A0"
    assert cell_text(Column("y", YUAN, None))(Fraction(200)) == "200"
    assert cell_text(Column("y", YUAN, None))(Decimal("-50.5")) == "-50.50"
    assert cell_text(Column("t", TIME, None))(datetime(2026, 10, 31, 23, 59, 59)) == (
        "2026-10-31 23:59:59"
    )
