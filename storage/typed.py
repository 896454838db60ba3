"""What a person typed, as storage keeps it, or refuses it field by field.

Every writer of free text (tickets, appraisal events, scores, closings) goes
through :func:`free_text`, so a note is cleaned and limited the same way
wherever it is typed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

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


def each_field(**checks: Callable[[], Any]) -> dict[str, Any]:
    """Every field's value as its check gives it, by the field's name; if any is refused,
    one :class:`FieldErrors` with every field's problem.

    Each check runs, the others' refusals notwithstanding: a form shows every
    problem under its field at once, not the next one only once the first is
    put right (a rating of 6 and a time before the completion).
    """
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name, check in checks.items():
        try:
            values[name] = check()
        except FieldErrors as exc:
            errors |= exc.errors
    if errors:
        raise FieldErrors(errors)
    return values
