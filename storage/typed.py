"""What a person typed, as storage keeps it, or refuses it field by field.

Every writer of free text (tickets, appraisal events, scores, closings) goes
through :func:`free_text`, so a note is cleaned and limited the same way
wherever it is typed.
"""

from __future__ import annotations

from collections.abc import Mapping

from fieldkpi.cleantext import clean_text
from fieldkpi.limits import too_long
from fieldkpi.tickets import field_label
from storage.errors import StorageError


class FieldErrors(StorageError):
    """Input that cannot be saved: one message per field; nothing was written."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("; ".join(f"{field_label(k)}: {v}" for k, v in self.errors.items()))


def free_text(text: str | None, field: str | None = None) -> str:
    """Typed text as it is kept: trimmed, with no control characters (:mod:`fieldkpi.cleantext`).

    Refused when longer than ``field``'s limit (:mod:`fieldkpi.limits`).
    """
    cleaned = clean_text(text or "").strip()
    problem = too_long(field, cleaned) if field else None
    if problem:
        raise FieldErrors({field: problem})
    return cleaned
