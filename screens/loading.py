"""Screens' reading workers: a storage call in a thread whose failure is always told.

Textual tells a failed worker's state only to the node that started it
(``Worker.StateChanged`` does not bubble), so a screen whose read failed kept
saying "Loading…" for good. Screens read through :func:`reader` instead of
``@work`` directly: a refusal written for the person (not theirs, not found)
or any other failure becomes a :class:`LoadFailed` posted to the screen, which
shows it where the data would have been and stays usable (Ctrl+R reads again).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from textual import work
from textual.message import Message
from textual.worker import get_current_worker

from fieldkpi.i18n import _
from screens.messages import LoadFailed
from screens.ticket_reads import REFUSALS


def failure_message(exc: Exception) -> str:
    """What the person reads: a refusal as written for them, anything else as what went wrong."""
    if isinstance(exc, REFUSALS):
        return str(exc)
    return _("Something went wrong: {error}").format(error=exc)


def reader(group: str) -> Callable[[Callable[..., None]], Any]:
    """``@work(thread=True, exclusive=True, …)`` whose failure is posted as ``LoadFailed``."""

    def decorate(method: Callable[..., None]) -> Any:
        @functools.wraps(method)
        def run(self: Any, *args: Any, **kwargs: Any) -> None:
            try:
                method(self, *args, **kwargs)
            except Exception as exc:  # whatever it was, the screen must say so
                answer(self, LoadFailed(failure_message(exc)))

        return work(thread=True, exclusive=True, exit_on_error=False, group=group)(run)

    return decorate


def answer(node: Any, message: Message) -> None:
    """Post a reading worker's answer, unless a newer read has replaced it.

    A screen kept for reuse (the queue's ticket screen and forms) is turned to
    another ticket while a read of the last one may still be on its way: it
    cancels its reads, and what they find is then about nothing shown.
    """
    if not get_current_worker().is_cancelled:
        node.post_message(message)
