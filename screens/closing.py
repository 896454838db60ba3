"""Screens that close on an answer that comes later, and close only themselves.

Textual's ``Screen.dismiss()`` answers *this* screen's opener but pops whatever
screen is on top. A screen that closes on a worker's answer (a form's save made,
a read that failed) may by then have F1's help, the discard question or a form
over it: ``dismiss()`` closed that one instead (a form and what was typed in it),
and left this screen open, its opener answered already. Closing it again (Esc,
or the next save) answered the opener a second time: an ``InvalidStateError``
that ended the session.

:meth:`ClosesItself.close_self` closes the screen at once when it is on top,
and otherwise once the screens over it have gone, with the result it was given.
"""

from __future__ import annotations

from typing import Any

from textual import events, on
from textual.screen import Screen


class ClosesItself(Screen):
    """A screen (put before ``ModalScreen`` among a modal's bases) that closes itself by
    :meth:`close_self`, never by ``dismiss()`` from a handler that may run under another."""

    _closes_with: tuple[Any, str | None] | None = None  # (result, said) once what is over it goes

    def close_self(self, result: Any = None, *, saying: str | None = None) -> None:
        """Dismiss with ``result`` (``saying`` told as an error as it closes), now if on top,
        else once the screens over it have gone; closed already, nothing.

        The first close asked for keeps its result: one asked again before the
        screen is on top does not change what the opener hears.
        """
        app = self.app
        if self._closes_with is not None:
            result, saying = self._closes_with
        if app.screen is self:
            self._closes_with = None
            if saying:
                self.notify(saying, severity="error")
            self.dismiss(result)
        elif self in app.screen_stack:
            self._closes_with = (result, saying)

    def stay_open(self) -> None:
        """A close waiting for the top is called off: the screen shows something that can be
        used again (read after all, or a kept screen turned to another ticket)."""
        self._closes_with = None

    @on(events.ScreenResume)
    def _close_now_on_top(self) -> None:
        """On top again: a close that waited for what was over it happens now."""
        if self._closes_with is not None:
            self.close_self()
