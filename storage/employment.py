"""SQL for :func:`fieldkpi.employment.has_left`: whoever picks people by the day, picks by it.

The leaving day itself is a day worked: someone has left from the day after
``left_on``. Both builders take SQL expressions (a column, a parameter such as
``:today``, ``substr(:as_of, 1, 10)``) of ISO dates, which compare as text.
"""

from __future__ import annotations


def has_left_sql(left_on: str, day: str) -> str:
    """True when the person whose leaving day is ``left_on`` has left by ``day``."""
    return f"({left_on} IS NOT NULL AND {left_on} < {day})"


def still_here_sql(left_on: str, day: str) -> str:
    """True when they have not left by ``day``: no leaving day, or not before it."""
    return f"NOT {has_left_sql(left_on, day)}"
