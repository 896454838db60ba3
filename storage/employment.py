"""SQL for :mod:`fieldkpi.employment`: whoever picks people by the day, picks by its rule.

The hiring and the leaving day are days worked: someone has left from the day after
``left_on``. The builders take SQL expressions (a column, a parameter such as
``:today``, ``substr(:as_of, 1, 10)``) of ISO dates, which compare as text.
"""

from __future__ import annotations


def has_left_sql(left_on: str, day: str) -> str:
    """True when the person whose leaving day is ``left_on`` has left by ``day``."""
    return f"({left_on} IS NOT NULL AND {left_on} < {day})"


def still_here_sql(left_on: str, day: str) -> str:
    """True when they have not left by ``day``: no leaving day, or not before it."""
    return f"NOT {has_left_sql(left_on, day)}"


def hired_by_sql(hired_on: str, day: str) -> str:
    """True when the person hired on ``hired_on`` works by ``day``: no hiring day, or not
    after it (:func:`fieldkpi.employment.employed_on`'s other half)."""
    return f"({hired_on} IS NULL OR {hired_on} <= {day})"
