"""Prose on a screen, wrapped as its language does (:mod:`fieldkpi.linebreaks`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.text import Text
from textual.app import RenderResult as WidgetRender
from textual.widgets import Static

from fieldkpi.linebreaks import Wrapped, kept_whole
from fieldkpi.plain import plain


class Prose(Static):
    """A Static of plain text that wraps as its language does (:func:`fieldkpi.linebreaks.wrap`):
    a refusal or a banner in Chinese breaks where its line is full, not at its one space.

    A string is never markup, at ``__init__`` or ``update``, and what stored text it holds
    (a name, a reason) is drawn letter for letter as every other (:func:`fieldkpi.plain.plain`).
    """

    def __init__(self, content: Any = "", *, names: Iterable[str] = (), **kwargs: Any) -> None:
        """``names``: words of it no line breaks (people's names, which Chinese would break
        between any two characters)."""
        super().__init__(content, markup=False, **kwargs)
        self.names = tuple(names)

    def render(self) -> WidgetRender:
        content = self.content
        text = content if isinstance(content, Text) else plain(content)
        return Wrapped(text, kept_whole(text.plain, self.names))
