"""A screen's breakpoint classes (``-phone``, ``-narrow``, ``-wide``) given before it is styled.

Textual adds them when the screen gets its first ``Resize``, after every
widget of it has been styled, and styles the whole screen again for them: a
form of a dozen fields, ~15 ms more on each key that opens it. Composed with
the classes of the terminal's size, the first ``Resize`` changes nothing.
"""

from __future__ import annotations

from textual.screen import Screen


def _breakpoint(dimension: int, breakpoints: list[tuple[int, str]]) -> str | None:
    """The class of the largest breakpoint ``dimension`` reaches (Textual's rule)."""
    for breakpoint, name in sorted(breakpoints, reverse=True):
        if dimension >= breakpoint:
            return name
    return None


def take_breakpoints(screen: Screen) -> None:
    """Give ``screen`` the classes it will have at the app's size, without styling it."""
    app = screen.app
    width, height = app.size
    for dimension, own, apps in (
        (width, screen.HORIZONTAL_BREAKPOINTS, app.HORIZONTAL_BREAKPOINTS),
        (height, screen.VERTICAL_BREAKPOINTS, app.VERTICAL_BREAKPOINTS),
    ):
        breakpoints = apps if own is None else own
        name = _breakpoint(dimension, breakpoints or [])
        if name:
            screen.add_class(name, update=False)
