"""Free text as it is kept: any script or emoji, but nothing a terminal would obey.

Names, addresses and notes are shown in a terminal. A control character in
them is an instruction to that terminal, not text: ESC starts a sequence that
can recolour, move the cursor or retitle the window, and Textual passes it
through (it strips only BEL, BS, VT, FF and CR). So storage cleans every free
text it takes in, from the forms and from CSV files, before it is written:
nothing that reaches the database needs escaping on the way out.

The fields are one line on screen, so a line break or tab becomes a space.
Bidi overrides and isolates (U+202A–U+202E, U+2066–U+2069) go from every text:
one of them makes the rest of a line read backwards (``‮gnp.exe`` shows as
``exe.png``), and no ticket or note of a Chinese branch needs them.
Other format characters (category Cf) stay in free text, as emoji sequences
need the zero-width joiner, except the byte-order mark: one left inside a file
by a tool that joined two is invisible, and would make ``R1`` a different code.
Names (:func:`clean_name`) lose every invisible character, joiners too: two
names that look the same must be the same name.
Messages that quote rejected input write its control characters out instead
(:func:`escape_controls`), so that the person sees what is wrong with the cell.
What is drawn on a screen is cleaned as a name again (:mod:`fieldkpi.plain`), so
that text stored before these rules, or by another program, cannot act either.
"""

from __future__ import annotations

import re

_LINE_BREAKS = re.compile(r"\r\n|[\t\n\v\f\r\x1c-\x1e\x85\u2028\u2029]")
_BIDI = "\u202a-\u202e\u2066-\u2069"  # embeddings, overrides and isolates
_INVISIBLE = "\u200b-\u200f\u2060\ufeff"  # zero-width space, (non-)joiner, marks, word joiner
_CONTROLS = re.compile(rf"[\x00-\x1f\x7f-\x9f\ufeff{_BIDI}]")  # and stray byte-order marks
_NAME_TRICKS = re.compile(rf"[\x00-\x1f\x7f-\x9f{_BIDI}{_INVISIBLE}]")


def clean_text(value: str) -> str:
    """``value`` with line breaks and tabs as spaces, other control characters, bidi
    overrides and BOMs removed."""
    if value.isprintable():  # the usual case, checked in C: nothing to clean
        return value
    return _CONTROLS.sub("", _LINE_BREAKS.sub(" ", value))


def clean_name(value: str) -> str:
    """A name or code as kept: :func:`clean_text`, and no zero-width characters either."""
    if value.isprintable():
        return value
    return _NAME_TRICKS.sub("", _LINE_BREAKS.sub(" ", value))


def escape_controls(value: str) -> str:
    """``value`` with each control character written as its escape (``\\x1b``, ``\\n``)."""
    if value.isprintable():
        return value
    return _CONTROLS.sub(lambda found: found.group().encode("unicode_escape").decode(), value)
