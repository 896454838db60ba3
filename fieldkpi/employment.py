"""Who still works on a given day: one rule for signing in, saving, dispatch, the queue,
the lists of people and the figures (kpi-rules §6).

The leaving day itself is a day worked, as the hiring day is: someone has left
from the day after ``left_on``. :mod:`storage.employment` writes the same rule
in SQL, for the queries that pick people by it.
"""

from __future__ import annotations

from datetime import date

from fieldkpi.figures import Person


def has_left(left_on: date | None, on: date) -> bool:
    """Gone by ``on``: their leaving day lies before it (never, without one)."""
    return left_on is not None and left_on < on


def employed_on(person: Person, on: date) -> bool:
    """Working on that day: hired by then and not yet left."""
    hired = person.hired_on is None or person.hired_on <= on
    return hired and not has_left(person.left_on, on)
