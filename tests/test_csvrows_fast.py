"""The SQL reading of a cell never takes a cell the Python reading would refuse, nor reads it
otherwise.

The importer lets SQLite read the cells of the usual shape (storage/csvrows.py,
``Reader.fast``) and reads the others in Python, which says what is wrong. If
the SQL ever took a bad cell, a bad row would be imported without a word; if
it read a good cell differently, a file would land differently depending on
its shape. Generated cells, near the shapes the SQL takes, check both.
"""

from __future__ import annotations

import sqlite3

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storage.csvrows import KINDS, CellError

READERS = {
    f"{kind.name}.{column.name}": column.read for kind in KINDS.values() for column in kind.columns
}
DIGITS = st.text("0123456789", min_size=1, max_size=4)
NEAR = st.one_of(
    st.builds("{}-{}-{} {}:{}:{}".format, DIGITS, DIGITS, DIGITS, DIGITS, DIGITS, DIGITS),
    st.builds("{}-{}-{} {}:{}".format, DIGITS, DIGITS, DIGITS, DIGITS, DIGITS),
    st.builds("{}-{}-{}".format, DIGITS, DIGITS, DIGITS),
    st.builds("{}-{}".format, DIGITS, DIGITS),
    st.builds("{}-Q{}".format, DIGITS, DIGITS),
    st.builds("{}.{}".format, DIGITS, DIGITS),
    st.text("0123456789.-+eQ: T/", min_size=1, max_size=20),
    # phones with a country code, which normal_phone drops before a mobile number only
    st.builds(
        "{}1{}{}{}".format,
        st.sampled_from(["+86", "0086", "+86-", "+-86", "-0086", "86", "+852-", "+0086", ""]),
        st.text("0123456789", min_size=3, max_size=4),
        st.sampled_from(["", "-", "--"]),
        st.text("0123456789", min_size=6, max_size=7),
    ),
    st.sampled_from(
        ["onsite_repair", "rep", "intake", "backfill", "R1", "wang.fang", "-E1", "0000-01-01"]
    ),
    st.text(min_size=1, max_size=30),
)
CELLS = NEAR.map(str.strip).filter(lambda cell: cell and cell.isprintable())


@pytest.fixture(scope="module")
def conn():
    connection = sqlite3.connect(":memory:")
    yield connection
    connection.close()


@pytest.mark.parametrize("name", sorted(READERS))
@settings(max_examples=100, deadline=None)
@given(cell=CELLS)
def test_what_sql_reads_python_reads_the_same(conn, name, cell):
    read = READERS[name]
    condition, value = read.fast(":x")
    taken, sql_value = conn.execute(f"SELECT {condition}, {value}", {"x": cell}).fetchone()
    if not taken:
        return  # the slow way: Python reads it, whatever it is
    try:
        python_value = read(cell)
    except CellError as refusal:
        pytest.fail(f"{name}: SQL took {cell!r}, Python refuses it: {refusal}")
    assert sql_value == python_value and type(sql_value) is type(python_value), (name, cell)


@pytest.mark.parametrize(
    ("name", "cell"),
    [
        ("tickets.received_at", "2026-10-01 09:05:00"),
        ("tickets.received_at", "2026-10-01 09:05"),
        ("tickets.rating", "5"),
        ("tickets.kind", "onsite_repair"),
        ("tickets.address", "3号楼 502"),
        ("tickets.phone", "13800138000"),
        ("tickets.phone", "+86-20-8888-1234"),
        ("tickets.phone", "138-0013-8000"),
        ("tickets.phone", "020-88886666"),
        ("staff.code", "B001-R01"),
        ("staff.login", "wang.fang"),
        ("staff.hired_on", "2026-10-01"),
        ("attendance.month", "2026-10"),
        ("problems.points", "1.5"),
        ("scores.period", "2026-Q4"),
        ("scores.value", "0.875"),
    ],
)
def test_the_usual_shapes_are_read_by_sql(conn, name, cell):
    """Else a million usual rows would go the slow way: the benchmark would show it, not a test."""
    condition, _value = READERS[name].fast(":x")
    assert conn.execute(f"SELECT {condition}", {"x": cell}).fetchone() == (1,)
