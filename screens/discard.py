"""Asked before a form with something typed in it is closed: discard it, or keep editing.

Esc is the key people press to get out, and pressed twice it must not throw
away a half-taken call: here Esc (and ``n``) go back to the form with
everything in it; only ``d`` (or ``y``, or the button) discards.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Static

from fieldkpi.i18n import _, join_list
from fieldkpi.plain import plain
from screens import actions
from screens.breakpoints import take_breakpoints


class DiscardScreen(actions.ScopedKeys, ModalScreen[bool]):
    """Dismissed with ``True`` to discard the form's input, ``False`` to keep editing."""

    ACTION_SCOPE = actions.CONFIRM
    EXTRA_SCOPES = (actions.APP,)
    DEFAULT_CSS = """
    DiscardScreen {
        align: center middle;
    }
    DiscardScreen #discard-box {
        width: 60;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        border: round $warning;
        padding: 1 2;
        background: $surface;
    }
    DiscardScreen #discard-buttons {
        height: auto;
        margin-top: 1;
        align-horizontal: right;
    }
    DiscardScreen Button {
        margin-left: 1;
    }
    /* A phone: the box as wide as the screen, the buttons one over the other, whole. */
    DiscardScreen.-phone #discard-box {
        padding: 1 1;
    }
    DiscardScreen.-phone #discard-buttons {
        layout: vertical;
    }
    DiscardScreen.-phone Button {
        width: 100%;
        margin-left: 0;
    }
    """

    def __init__(self, typed: list[str]) -> None:
        super().__init__()
        self.typed = typed

    def compose(self) -> ComposeResult:
        take_breakpoints(self)
        with Vertical(id="discard-box"):
            yield Static(
                plain(
                    _("Close the form and throw away what you typed in: {fields}?").format(
                        fields=join_list(self.typed)
                    )
                ),
                id="discard-question",
            )
            with Horizontal(id="discard-buttons"):
                yield Button(_("Keep editing"), id="keep", variant="primary")
                yield Button(_("Discard"), id="discard", variant="error")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#keep").focus()

    def action_discard(self) -> None:
        self.dismiss(True)

    def action_keep(self) -> None:
        self.dismiss(False)

    @on(Button.Pressed, "#discard")
    def _discard_pressed(self) -> None:
        self.action_discard()

    @on(Button.Pressed, "#keep")
    def _keep_pressed(self) -> None:
        self.action_keep()
