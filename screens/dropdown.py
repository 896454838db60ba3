"""The drop-down list of every screen: Textual's ``Select``, made to fit fieldkpi's screens.

Two things of Textual's own ``Select`` did not: its open menu's key in the
footer ("esc Dismiss menu") is English whatever the language, as Textual
declares it when its class is made; and the menu, up to 12 lines under the
field, ran under the footer of a form at 80×24. Every screen makes its lists
with :class:`Dropdown` (``tests/test_tui_dropdown.py`` checks that none makes a
``Select`` of its own).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import ClassVar

from textual.binding import Binding, BindingsMap
from textual.message import Message
from textual.widgets import Footer, Select

from fieldkpi.i18n import N_, _

DISMISS = N_("Dismiss menu")  # the footer's label of Esc while the menu is open
MENU_LINES = 12  # the most lines Textual's menu takes (its max-height)
FEWEST_LINES = 4  # below this, the menu keeps its height and Textual moves it up on screen


class Dropdown(Select):
    """Textual's ``Select``: its menu's key translated, its menu as tall as fits."""

    def _watch_expanded(self, expanded: bool) -> None:
        """The menu, as it opens, as tall as fits between the field and the footer, its Esc
        labelled in the session's language (the footer shows it only while the menu is open).

        Done here, not as the field mounts: a form composed unseen in the queue's first
        pause could be mounted before its menu was, and the session ended on ``NoMatches``.
        (Replaces Textual's ``_bindings``: pinned to textual 8.2, as
        :func:`screens.actions.translate_bindings`.)
        """
        if expanded:
            menu = self.query_one("SelectOverlay")
            menu.styles.max_height = self._room()
            menu._bindings = BindingsMap(
                [
                    replace(binding, description=_(DISMISS))
                    if binding.action == "dismiss"
                    else binding
                    for _key, binding in menu._bindings
                ]
            )
        super()._watch_expanded(expanded)

    def _room(self) -> int:
        """Lines free under the field's current value, above the screen's footer."""
        below = self.query_one("SelectCurrent").region.bottom
        footers = [f.region.y for f in self.screen.query(Footer) if f.region.height]
        room = min(footers, default=self.screen.size.height) - below
        return min(MENU_LINES, room) if room >= FEWEST_LINES else MENU_LINES


class FieldDropdown(Dropdown):
    """A form's drop-down: once it holds a choice, Enter moves on from it as from a text field.

    Enter opened the list again instead: after Enter, Down, Enter had chosen the
    kind of a new ticket, the next Enter (meant to reach the fault) reopened it,
    and the fault typed after it went nowhere, or a letter of it chose another
    line. With nothing chosen yet Enter still opens the list; Space and the
    arrows open it to change a choice, as on every drop-down.
    """

    BINDINGS: ClassVar = [Binding("enter", "enter", show=False)]  # Select bound it to its list

    @dataclass
    class Submitted(Message):
        """Enter on the closed list holding a choice: the form moves to its next field."""

        dropdown: FieldDropdown

    def action_enter(self) -> None:
        if self.is_blank():
            self.action_show_overlay()
        else:
            self.post_message(self.Submitted(self))
