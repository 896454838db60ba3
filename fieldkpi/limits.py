"""How long each free-text field may be, and how large a typed number: one table for the
forms, storage and the importer.

A person writes a customer's name in a few characters and an address in a line
or two; a note is a few sentences. Anything far longer is a paste gone wrong
(or an attack on everyone who must scroll past it), so it is refused with a
message next to the field, never cut silently. The names are the ones storage
and the CSV files use for the fields.
"""

from __future__ import annotations

from collections.abc import Mapping

from fieldkpi.i18n import _

MAX_CHARS: dict[str, int] = {
    "customer": 60,
    "phone": 20,
    "address": 200,
    "product": 80,
    "fault": 500,
    "resolution": 500,
    "cancel_reason": 300,
    "callback_note": 500,
    "note": 500,
    "reason": 500,
    "name": 40,  # a person on the staff
    "code": 20,  # a person's or a branch's code
    "login": 32,
}


# The points of one problem report or adjustment (a typo's 1e300 sums to infinity).
MAX_POINTS = 100
# An entered value (a share, a count, a speed, points): anything larger is a typing mistake.
MAX_ENTERED = 1_000_000


def too_long(field: str, value: str) -> str | None:
    """Why ``value`` is too long for ``field``, or ``None`` (also for a field with no limit)."""
    limit = MAX_CHARS.get(field)
    if limit is None or len(value) <= limit:
        return None
    return _("At most {n} characters ({m:,} given).").format(n=limit, m=len(value))


def length_errors(values: Mapping[str, object]) -> dict[str, str]:
    """A message for each text field of ``values`` that is longer than its limit."""
    found = {
        name: too_long(name, value) for name, value in values.items() if isinstance(value, str)
    }
    return {name: message for name, message in found.items() if message}
