"""The footer every screen shows: F1 Help first, then as many of the screen's keys as fit whole.

Textual's footer lays the keys out left to right and cuts them at the
terminal's edge, so on a screen with many keys at 80 columns (or 46, a phone)
the last ones — the app's, F1 Help among them — fell off, and one key was
shown cut in half. Here F1 Help comes first and a key that does not fit whole
is left out (every key stays in F1 help and in the command palette). The
palette's key is docked at the right edge (on a phone it gives its cells to
the screen's keys: ``Ctrl+P`` still opens it, and F1 help says so); in the
compact footer Textual gives it a right margin, which left the last cell
uncovered, so a letter of a key cut off beneath it stayed there.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Footer

from screens.tables import CARDS_BELOW

HELP_ACTION = "app.help"
PALETTE_WIDTH = 14  # "▏^p Commands " and its border, a little more in Chinese ("▏^p 命令 ")


def key_width(key) -> int:
    """Cells a compact footer key takes: its key, a space, its label and a margin."""
    return cell_len(key.key_display) + 1 + cell_len(key.description) + 1


class KeyFooter(Footer):
    DEFAULT_CSS = """
    KeyFooter.-compact FooterKey.-command-palette {
        margin-right: 0;
        padding-right: 1;
    }
    """

    def __init__(self, *, early: bool = False) -> None:
        """``early``: compose the keys as soon as the screen's bindings are known (its focus
        is set), before the first layout, with the app's width.

        Only for a screen whose ``check_action`` answers from its own attributes
        (not from widgets that may still be mounting). Composed before its first
        layout, the footer's first ``Resize`` changes nothing, where composing
        it on that ``Resize`` made the screen lay itself out once more.
        """
        super().__init__(compact=True)
        self._early = early
        self._composed_for: tuple | None = None  # the keys the footer was last composed with
        self._compose_due = False  # a composing is asked for and not done yet

    @staticmethod
    def keys_shown(screen) -> tuple:
        """What the footer draws of a screen's bindings: each key, its label, and whether on."""
        return tuple(
            (binding.key, binding.action, binding.description, enabled, tooltip)
            for _node, binding, enabled, tooltip in screen.active_bindings.values()
            if binding.show
        )

    def bindings_changed(self, screen) -> None:
        """Compose again once the keys shown changed, once for a burst of changes.

        Textual tells the footer each time a screen's bindings are looked at
        again (a focus moved, a list loaded, a key pressed): a dozen times on
        opening a ticket, each composing the footer anew for about 5 ms. A
        screen under another one (the queue under an open ticket) keeps its
        footer as it is: its keys are looked at again when it is back on top.
        """
        self._bindings_ready = True
        if not screen.app.app_focus or not self.is_attached or screen is not self.screen:
            return
        if screen is screen.app.screen and self._wanted() != self._composed_for:
            self._compose_soon()

    def on_resize(self) -> None:
        if self._wanted() != self._composed_for:
            self._compose_soon()

    def _wanted(self) -> tuple | None:
        """What a composing would draw now: the keys, and the width they are cut to.

        ``None`` before the footer can tell: before the screen's bindings are
        ready, or before it has a width (unless composed early: it will be as
        wide as the app, as it spans the bottom line of the screen).
        """
        width = self.size.width or (self._early and self.app.size.width)
        if not self._bindings_ready or not width:
            return None
        return self.keys_shown(self.screen), width

    def _compose_soon(self) -> None:
        """Once the messages already waiting are handled, with the keys as they are then:
        before the screen is next laid out, so that one layout takes in the new keys
        with whatever changed them (a ticket read, a focus moved)."""
        if not self._compose_due:
            self._compose_due = True
            self.call_later(self._compose_now)

    async def _compose_now(self) -> None:
        self._compose_due = False
        if self._wanted() != self._composed_for:
            await self.recompose()

    def compose(self) -> ComposeResult:
        self._composed_for = self._wanted()
        if self._composed_for is None:
            return
        widgets = list(super().compose())
        palette = [w for w in widgets if w.has_class("-command-palette")]
        keys = [w for w in widgets if w not in palette]
        keys.sort(key=lambda k: getattr(k, "action", None) != HELP_ACTION)  # F1 Help first
        width = self._composed_for[1]
        if width < CARDS_BELOW:
            palette = []  # on a phone its cells go to the screen's keys; ^p is in F1 help
        room = width - (PALETTE_WIDTH if palette else 0)
        for key in keys:
            room -= key_width(key)
            if room < 0:
                break
            yield _compact(key)
        yield from palette


def _compact(key: Widget) -> Widget:
    """The key with the compact class it is about to be given: given once more, it changes
    nothing, where each key would otherwise have its styles worked out twice as it mounts."""
    return key.add_class("-compact", update=False)
