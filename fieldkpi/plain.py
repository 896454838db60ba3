"""Text that came from a person or a file, as it is drawn: plain, clean, and cut to its cell.

Rich and Textual read a ``str`` as markup almost everywhere (table cells, toasts,
labels, option lists): ``[/]`` in a customer's name is a crash for everyone who
sees the ticket, and ``[@click=…]`` a link that runs an action in the viewer's
program. A :class:`~rich.text.Text` is never parsed, so every stored string is
drawn as one, made here: cleaned of what a terminal would obey or hide
(:func:`fieldkpi.cleantext.clean_name`) and, in a table cell, cut to a width
with "…" so a 10,000-character address costs no more to draw than a short one.
:class:`PlainTable` is a Rich table whose ``str`` cells are made the same way.
"""

from __future__ import annotations

from typing import Any

from rich.table import Table
from rich.text import Text

from fieldkpi.cleantext import clean_name

CELL_WIDTH = 40  # cells of free text (an address, a note) shown in one line of a table


def plain(value: object, width: int | None = None, **style: Any) -> Text:
    """``value`` as a Text drawn letter for letter; cut to one line of ``width`` cells if given.

    Line breaks of a message put together for the person stay (stored text has
    none), unless it is cut to a table cell. ``style`` takes Text's own
    keywords (``style``, ``justify``).
    """
    lines = "" if value is None else str(value)
    if width is not None:  # one line; what could never show is not even cleaned
        lines = lines[: width * 4].replace("\n", " ")
    text = Text("\n".join(map(clean_name, lines.split("\n"))), end="", **style)
    if width is not None and len(text) > width // 2:  # may be wider: measure only what can show
        text = text[: width + 1]
        text.truncate(width, overflow="ellipsis")
    return text


class PlainTable(Table):
    """A Rich table whose ``str`` cells are plain text (:func:`plain`), never markup."""

    def add_row(self, *renderables: Any, **options: Any) -> None:
        cells = (plain(cell) if isinstance(cell, str) else cell for cell in renderables)
        super().add_row(*cells, **options)
