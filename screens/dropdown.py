"""The drop-down list of every screen: Textual's ``Select``, made to fit fieldkpi's screens.

Two things of Textual's own ``Select`` did not: its open menu's key in the
footer ("esc Dismiss menu") is English whatever the language, as Textual
declares it when its class is made; and the menu, up to 12 lines under the
field, ran under the footer of a form at 80×24. Every screen makes its lists
with :class:`Dropdown` (``tests/test_tui_dropdown.py`` checks that none makes a
``Select`` of its own).
"""

from __future__ import annotations

from dataclasses import replace

from textual.binding import BindingsMap
from textual.widgets import Footer, Select

from fieldkpi.i18n import N_, _

DISMISS = N_("Dismiss menu")  # the footer's label of Esc while the menu is open
MENU_LINES = 12  # the most lines Textual's menu takes (its max-height)
FEWEST_LINES = 4  # below this, the menu keeps its height and Textual moves it up on screen


class Dropdown(Select):
    """Textual's ``Select``: its menu's key translated, its menu as tall as fits."""

    def on_mount(self) -> None:
        """The menu's Esc labelled in the language of the session, chosen after Textual made
        the menu's class. (Replaces Textual's ``_bindings``: pinned to textual 8.2, as
        :func:`screens.actions.translate_bindings`.)"""
        menu = self.query_one("SelectOverlay")
        menu._bindings = BindingsMap(
            [
                replace(binding, description=_(DISMISS)) if binding.action == "dismiss" else binding
                for _key, binding in menu._bindings
            ]
        )

    def _watch_expanded(self, expanded: bool) -> None:
        """The menu, as it opens, as tall as fits between the field and the footer."""
        if expanded:
            self.query_one("SelectOverlay").styles.max_height = self._room()
        super()._watch_expanded(expanded)

    def _room(self) -> int:
        """Lines free under the field's current value, above the screen's footer."""
        below = self.query_one("SelectCurrent").region.bottom
        footers = [f.region.y for f in self.screen.query(Footer) if f.region.height]
        room = min(footers, default=self.screen.size.height) - below
        return min(MENU_LINES, room) if room >= FEWEST_LINES else MENU_LINES
