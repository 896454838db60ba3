"""Where a line of text may end, in English and in Chinese.

One rule for the screens' help, tables and prose, the rank command's table and
the command line's own help (:func:`fieldkpi.cli.wrap`).

English breaks at its spaces. Chinese may break between any two characters,
but a closing mark (，。）…, or an ASCII one such as ``)`` or ``:``) never starts a
line and an opening one never ends it. Rich and Textual know only the spaces, so a
run of Chinese is one long "word" to them: a sentence with one space in it (a month,
a name list) broke there, leaving a short line before it. A no-break space (:func:`whole`) holds
the parts of one label together ("day 11"), in either language. A table's columns are
fitted to a width by the same rule (:func:`fit_widths`), its words kept whole while they fit.
"""

from __future__ import annotations

from collections.abc import Collection, Container, Iterable, Sequence

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.text import Text

# Never first on a line, never last: Chinese marks, and the ASCII ones beside Chinese
# ("(工号)", "文件:行号"), which would otherwise stand alone at the wrong end.
CLOSING = frozenset("，。、；：？！）」』】》〉”’…%),.:;!?]")
OPENING = frozenset("（「『【《〈“‘([")
NO_BREAK = "\u00a0"  # a space no line ends at, nor starts after


def whole(text: str) -> str:
    """``text`` kept on one line: its spaces made no-break, and no line ends beside them."""
    return text.replace(" ", NO_BREAK)


def _space(char: str) -> bool:
    """A space a line may end at (not a no-break one)."""
    return char.isspace() and char != NO_BREAK


def may_break(before: str, after: str) -> bool:
    """Whether a line may end between two characters: after a space, or beside a wide
    (Chinese) character, where neither mark would stand alone at the wrong end, nor a
    no-break space be left at either end."""
    if after.isspace() or after in CLOSING or before in OPENING or before == NO_BREAK:
        return False
    return _space(before) or cell_len(before) == 2 or cell_len(after) == 2


def line_starts(text: str, width: int, glued: Container[int] = ()) -> list[int]:
    """Where each line after the first starts when ``text`` is wrapped to ``width`` cells.

    A line ends at the last place it may break before it is full
    (:func:`may_break`), never before a character at a ``glued`` index (a key
    kept with its words); spaces at its end do not count, as in Rich. Where
    there is no such place the line is cut at the width.
    """
    starts: list[int] = []
    start, cells, last = 0, 0, None
    for at, char in enumerate(text):
        if at > start and at not in glued and may_break(text[at - 1], char):
            last = at
        cells += cell_len(char)
        if cells > width and not _space(char):
            start = last if last is not None and last > start else at
            starts.append(start)
            cells, last = cell_len(text[start : at + 1]), None
    return starts


def longest_word(text: str, glued: Container[int] = ()) -> int:
    """The cells of the widest part of ``text`` that no line may break: its longest English
    word, date or time, or label held :func:`whole`; in Chinese, a character with the marks
    that go with it; and whatever ``glued`` holds together (:func:`kept_whole`)."""
    widest, start = 0, 0
    for at in range(1, len(text) + 1):
        if at == len(text) or (at not in glued and may_break(text[at - 1], text[at])):
            widest = max(widest, cell_len(text[start:at].strip()))
            start = at
    return widest


def kept_whole(text: str, words: Iterable[str]) -> frozenset[int]:
    """Where no line of ``text`` may start so that each of ``words``, found in their order,
    stays on one line: a Chinese name may otherwise break between any two characters."""
    glued: set[int] = set()
    start = 0
    for word in words:
        found = text.find(word, start)
        if word and found >= 0:
            glued.update(range(found + 1, found + len(word)))
            start = found + len(word)
    return frozenset(glued)


def wrap(text: Text, width: int, glued: Collection[int] = ()) -> Text:
    """``text`` broken into lines no wider than ``width`` (where it can be) by
    :func:`line_starts`, its own line ends kept, none starting at a ``glued`` index."""
    lines: list[Text] = []
    offset = 0
    for line in text.split("\n", allow_blank=True):
        line_glued = {at - offset for at in glued}
        for part in line.divide(line_starts(line.plain, width, line_glued)):
            part.rstrip()  # the spaces it broke at
            lines.append(part)
        offset += len(line) + 1
    wrapped = text.blank_copy("\n").join(lines)
    wrapped.justify = text.justify
    wrapped.end = "\n"  # its last line ends as the others do, and is counted as they are
    return wrapped


class Wrapped:
    """Text wrapped by :func:`wrap` for the width it is drawn at, none at a ``glued`` index;
    as narrow as its longest unbreakable part."""

    def __init__(self, text: Text, glued: frozenset[int] = frozenset()) -> None:
        self.text = text
        self.glued = glued

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield wrap(self.text, options.max_width, self.glued)

    def __str__(self) -> str:
        """Its text, as a table cell of it reads."""
        return self.text.plain

    @property
    def least(self) -> int:
        """The narrowest it is drawn with nothing broken that may not be: its longest word,
        and what is glued held whole."""
        widest, offset = 0, 0
        for line in self.text.plain.split("\n"):
            glued = {at - offset for at in self.glued}
            widest = max(widest, longest_word(line, glued))
            offset += len(line) + 1
        return widest

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        lines = self.text.plain.split("\n")
        return Measurement(self.least, max(cell_len(line) for line in lines))


def capped_widths(
    widths: Sequence[int], room: int, keep: int, least: Sequence[int]
) -> list[int] | None:
    """The columns after the first ``keep`` cut down to one width, as little as needed to fit
    ``room``, none below its ``least``; ``None`` if they cannot fit so."""
    floors = [min(w, floor) for w, floor in zip(widths[keep:], least[keep:], strict=True)]
    cap = max(widths[keep:], default=0)

    def fitted(cap: int) -> list[int]:
        rest = zip(widths[keep:], floors, strict=True)
        return [*widths[:keep], *(max(min(w, cap), floor) for w, floor in rest)]

    while cap > 1 and sum(fitted(cap)) > room:
        cap -= 1
    return fitted(cap) if sum(fitted(cap)) <= room else None


def fit_widths(
    widths: Sequence[int], room: int, keep: int = 0, least: Sequence[int] = ()
) -> list[int]:
    """``widths`` narrowed to fit ``room`` cells together: the widest are cut down first, to
    one width, as little as needed (their cells then wrap), the narrow ones left whole.

    No column goes below its ``least`` (its longest word) while that fits: a date or a
    status wraps at its spaces, whole. In that order: the first ``keep`` columns whole and
    every word whole; every word whole, the first columns wrapped too; the first columns
    whole, the others down to 8 cells (a word). Only when none of these fits is a word cut.
    """
    floors = list(least) or [1] * len(widths)
    for kept, floor in ((keep, floors), (0, floors), (keep, [min(8, f) for f in floors])):
        fitted = capped_widths(widths, room, kept, floor)
        if fitted is not None:
            return fitted
    return capped_widths(widths, room, 0, [1] * len(widths)) or [1] * len(widths)
