"""Free text as it is kept: any script or emoji, but nothing a terminal would obey.

Names, addresses and notes are shown in a terminal. A control character in
them is an instruction to that terminal, not text: ESC starts a sequence that
can recolour, move the cursor or retitle the window, and Textual passes it
through (it strips only BEL, BS, VT, FF and CR). So storage cleans every free
text it takes in, from the forms and from CSV files, before it is written:
nothing that reaches the database needs escaping on the way out.

The fields are one line on screen, so a line break or tab becomes a space.
Format characters (category Cf) stay, as emoji sequences need the zero-width
joiner, except the byte-order mark: one left inside a file by a tool that
joined two is invisible, and would make ``R1`` a different code.
Messages that quote rejected input write its control characters out instead
(:func:`escape_controls`), so that the person sees what is wrong with the cell.
"""

from __future__ import annotations

import re

_LINE_BREAKS = re.compile(r"\r\n|[\t\n\v\f\r\x1c-\x1e\x85\u2028\u2029]")
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f\ufeff]")  # and stray byte-order marks


def clean_text(value: str) -> str:
    """``value`` with line breaks and tabs as spaces, other control characters and BOMs removed."""
    if value.isprintable():  # the usual case, checked in C: nothing to clean
        return value
    return _CONTROLS.sub("", _LINE_BREAKS.sub(" ", value))


def escape_controls(value: str) -> str:
    """``value`` with each control character written as its escape (``\\x1b``, ``\\n``)."""
    if value.isprintable():
        return value
    return _CONTROLS.sub(lambda found: found.group().encode("unicode_escape").decode(), value)
