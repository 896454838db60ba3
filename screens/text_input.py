"""The one-line text box of every screen: keys act in the order typed, a paste is kept whole.

Textual's ``Input`` types a printable key the moment the key reaches it, but
runs its editing keys (Backspace, Delete, arrows, Home, Ctrl+W …) as
bindings, only after the key has bubbled up to the app. In a burst — a fast
typist, a slow SSH link — the letters typed after a Backspace were inserted
before the Backspace ran, so it deleted one of them: "abc", then Backspace,
x, y, left "abcx". Here the box runs its own editing keys as they arrive.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from textual import events
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input

from fieldkpi.cleantext import clean_text
from fieldkpi.linebreaks import line_starts

CLAUSE_ENDS = ",;、，；"

W = TypeVar("W", bound=Widget)

# Input's own editing keys and the action each runs (its BINDINGS, one key per entry).
EDITING_KEYS = {
    key.strip(): binding.action
    for binding in Input.BINDINGS
    for key in binding.key.split(",")
    if binding.action != "submit"  # Enter stays a message the screen handles
}


def made_compact(widget: W) -> W:
    """``widget`` in its compact style (no border), as ``compact=True`` would make it, cheaper.

    Textual's ``compact=True`` sets a reactive whose class toggle works out the
    widget's styles on the spot, before it is even mounted, and again when it
    mounts: ~0.5–5 ms per widget, and a form has a dozen. Given before it
    mounts, the class is taken into account once, when it mounts.
    """
    widget.set_reactive(type(widget).compact, True)
    return widget.add_class("-textual-compact", update=False)


def fitted_hint(hint: str, width: int) -> str:
    """As much of ``hint`` as ``width`` cells hold, cut where a line may break
    (:func:`fieldkpi.linebreaks.line_starts`), at the end of a clause where it can be.

    Textual draws a placeholder as Rich wraps it, keeping the first line: Rich
    breaks only at spaces, so "/ 工单号、电话、尾号、姓名" in a box of 20 cells
    showed only "/".
    """
    starts = line_starts(hint, width) if width > 0 else []
    if not starts:
        return hint
    shown = hint[: starts[0]]
    # at the end of its last whole clause, if it has one: "/ 工单号、电话", not "…、电话、尾"
    clause = max(shown.rfind(mark) for mark in CLAUSE_ENDS)
    if clause > 0:
        shown = shown[:clause]
    return shown.rstrip().rstrip("".join(CLAUSE_ENDS)).rstrip()


def hint_rest(hint: str, shown: str) -> str:
    """What :func:`fitted_hint` left out of ``hint`` to show ``shown``, from its next clause
    ("or YYYY-MM-DD HH:MM"); empty when all of it is shown."""
    return hint[len(shown) :].lstrip(" " + CLAUSE_ENDS)


class TextInput(Input):
    """``compact=True`` is :func:`made_compact`; the placeholder (its ``hint``) shown as
    much as the box holds, cut between clauses (:func:`fitted_hint`). What it had no room
    for is posted (:class:`TextInput.HintRest`), for a form to wrap it onto the next line."""

    @dataclass
    class HintRest(Message):
        """The end of the hint, for the line under the box: what the box left out of it while
        it shows the hint (empty, nothing typed), else ``""``."""

        input: TextInput
        rest: str

        @property
        def control(self) -> TextInput:
            return self.input

    rest = ""  # the end of the hint the box has no room for, as last posted

    def __init__(self, *args, compact: bool = False, placeholder: str = "", **kwargs) -> None:
        super().__init__(*args, placeholder=placeholder, **kwargs)
        self.hint = placeholder
        if compact:
            made_compact(self)

    def set_hint(self, hint: str) -> None:
        self.hint = hint
        self.on_resize()

    def on_resize(self) -> None:
        self.placeholder = fitted_hint(self.hint, self.scrollable_content_region.width)
        self._post_rest()

    def watch_value(self) -> None:
        self._post_rest()

    def _post_rest(self) -> None:
        rest = "" if self.value else hint_rest(self.hint, self.placeholder)
        if rest != self.rest:
            self.rest = rest
            self.post_message(self.HintRest(self, rest))

    async def _on_key(self, event: events.Key) -> None:
        action = None if event.is_printable else EDITING_KEYS.get(event.key)
        if action is None:
            await super()._on_key(event)
            return
        event.stop()
        event.prevent_default()
        await self.run_action(action)

    def _on_paste(self, event: events.Paste) -> None:
        """Keep all of a pasted text, its lines joined with spaces (``Input`` keeps the first),
        as free text is kept (:func:`~fieldkpi.cleantext.clean_text`): a control character
        left in the box, an ESC, was written to the terminal as it drew the box, and acted."""
        event.prevent_default()  # not Input's own handler
        event.stop()
        lines = (part.strip() for part in event.text.splitlines())
        line = clean_text(" ".join(part for part in lines if part)).strip()
        if line:
            self.replace(line, *self.selection)
