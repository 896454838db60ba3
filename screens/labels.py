"""What people read for the codes the database stores: kinds, roles, deduction kinds.

Statuses, steps and ticket fields are labelled by ``fieldkpi.tickets``; the
kinds of adjustment and the levels of problem report by the branch's scheme
(:meth:`fieldkpi.scheme.Scheme.event_label`).

The database keeps stable English codes; the screens show these labels, each
through ``_()`` at the moment it is shown, so the language picked at start-up
applies. ``N_`` (from :mod:`fieldkpi.i18n`, kept importable from here) only
marks a string for extraction (``scripts/extract_messages.py``).
"""

from __future__ import annotations

import re
from fractions import Fraction

from textual.content import Content

from fieldkpi.i18n import N_, _
from fieldkpi.plain import plain
from fieldkpi.visibility import SOMEONE_ELSE
from screens import numbers

KIND = {
    "onsite_repair": N_("onsite repair"),
    "inshop_repair": N_("in-shop repair"),
    "installation": N_("installation"),
    "commissioning": N_("commissioning"),
}
ROLE = {
    "rep": N_("rep"),
    "engineer": N_("engineer"),
    "lead": N_("lead"),
    "admin": N_("admin"),
}

# Who recorded a change when no person did: the importer (``storage.import_write.BY``), or a
# person the reader may not see (:data:`fieldkpi.visibility.SOMEONE_ELSE`).
RECORDER = {"import": N_("CSV import"), SOMEONE_ELSE: N_("someone else")}


def label(table: dict[str, str], code: str | None) -> str:
    """The translated label of ``code``; an unknown code is shown as it is."""
    if code is None:
        return ""
    return _(table[code]) if code in table else code


def options(table: dict[str, str]) -> list[tuple[str, str]]:
    """``(label, code)`` pairs for a Select, in the table's order."""
    return [(_(text), code) for code, text in table.items()]


def timeliness(value: Fraction | None) -> str:
    """A person's timeliness score as the rankings print it; a dash when they have no orders.

    Rounded half-up like every other point on screen and in the export, not
    by a float format (which would print 2.675 as 2.67).
    """
    return "—" if value is None else numbers.points(value)


# Cells of a tab's title. A tab bar does not wrap: generic-bands' five tabs under their full
# labels ran off an 80-column screen ("Repeat problems (first-time", and no Trend).
TAB_WIDTH = 24
BRACKETED = re.compile(r"\s*[(（].*$")  # what a label adds in brackets, to its end


def tab_title(label: str) -> Content:
    """A tab's title: a label without what its brackets add (the line above the tabs gives the
    KPI whole), cut with "…" where it is still wider than a tab. A scheme's label is text
    from a file, and a tab reads a ``str`` as markup: cleaned as :func:`~fieldkpi.plain.plain`
    cleans it, and drawn letter for letter."""
    return Content.from_rich_text(plain(BRACKETED.sub("", label) or label, TAB_WIDTH))
