"""Prose on a screen, wrapped as its language does (:mod:`fieldkpi.linebreaks`)."""

from __future__ import annotations

from rich.text import Text
from textual.app import RenderResult as WidgetRender
from textual.widgets import Static

from fieldkpi.linebreaks import Wrapped


class Prose(Static):
    """A Static of plain text (never markup) that wraps as its language does
    (:func:`fieldkpi.linebreaks.wrap`): a refusal or a banner in Chinese breaks where its line
    is full, not at its one space."""

    def render(self) -> WidgetRender:
        content = self.content
        return Wrapped(content if isinstance(content, Text) else Text(str(content)))
