"""Export files written from the TUI: a file name (never a path) in the person's export folder.

People pinned to the TUI over SSH must not be able to write anywhere else
with their account: not over another file, not over the shared database or
its ``-wal``/``-shm`` companions (an export written over the database
destroyed it). So the TUI takes a file *name* only, in
:func:`fieldkpi.paths.export_dir`, refuses anything that names a folder, and
creates the file exclusively: an existing file (or a link of that name) is
never opened for writing; the export gets the next free name instead
(``fieldkpi-GZ-2026-10-2.csv``) and the person is told.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import BinaryIO

from fieldkpi.cleantext import clean_name
from fieldkpi.i18n import _
from fieldkpi.period import Period

FORMATS = ("csv", "toml", "xlsx")
MAX_TRIES = 1000  # fieldkpi-GZ-2026-10-2.csv … -1000.csv
_FORBIDDEN = frozenset("/\\\0")


class ExportRefused(ValueError):
    """The file name cannot be used; the message says why, in the person's language."""


def export_name(branch: str, period: Period, fmt: str) -> str:
    """The default name: says which branch and which month."""
    return f"fieldkpi-{branch}-{period}.{fmt}"


def named_format(typed: str) -> str | None:
    """The export format a typed name's extension names (``qa10-nov.xlsx``: ``xlsx``), if any."""
    stem, dot, extension = typed.strip().rpartition(".")
    return extension.lower() if dot and stem and extension.lower() in FORMATS else None


def chosen_format(typed: str, chosen: str) -> str | None:
    """The format to write: the one chosen, else the one the typed name ends in.

    With no format chosen, a name ending in ``.xlsx`` says plainly which is
    wanted; writing it as CSV (or refusing it as "not a CSV name") would
    answer a question nobody asked. With neither, ``None``: the person is asked.
    """
    return chosen or named_format(typed)


def checked_name(typed: str, fmt: str, default: str) -> str:
    """The file name to write: the one typed (or the default), with the format's extension.

    A name with a folder in it, a hidden name, or one ending in another
    format's extension is refused.
    """
    name = typed.strip() or default
    if _FORBIDDEN & set(name) or clean_name(name) != name:  # no controls, bidi or zero-width
        raise ExportRefused(
            _("Give a file name only, without a folder: exports go to {folder}.").format(
                folder="…/fieldkpi/exports"
            )
        )
    if name.startswith("."):
        raise ExportRefused(_("A file name may not start with a dot."))
    extension = named_format(name)
    if extension is None:
        return f"{name}.{fmt}"
    if extension != fmt:
        raise ExportRefused(
            _("The name {name} says {extension}, but the format is {fmt}.").format(
                name=name, extension=extension.upper(), fmt=fmt.upper()
            )
        )
    return name


def numbered_names(name: str) -> Iterable[str]:
    """``name``, then ``stem-2.ext`` … ``stem-1000.ext``: where a file goes if its name is taken."""
    stem, _dot, extension = name.rpartition(".")
    yield name
    for n in range(2, MAX_TRIES + 1):
        yield f"{stem}-{n}.{extension}"


def protected_paths(database: Path) -> set[Path]:
    """The database and its companions: never an export's destination."""
    return {Path(f"{database}{end}").resolve() for end in ("", "-wal", "-shm", "-journal")}


def write_new(
    folder: Path,
    name: str,
    write: Callable[[BinaryIO], None],
    protected: Iterable[Path] = (),
) -> Path:
    """Create ``name`` (or the next free variant) in ``folder`` and ``write`` it; return its path.

    The file is created exclusively (``O_EXCL``: an existing file or link is
    never followed or opened), so nothing already there is overwritten; a file
    left half-written by an error is removed.
    """
    folder.mkdir(parents=True, exist_ok=True)
    refused = set(protected)
    for candidate in numbered_names(name):
        path = folder / candidate
        if path.resolve() in refused:
            continue
        try:
            out = open(path, "xb")  # noqa: SIM115 (closed below, removed on failure)
        except FileExistsError:
            continue
        try:
            with out:
                write(out)
        except BaseException:
            os.unlink(path)
            raise
        return path
    raise ExportRefused(_("{name} and its numbered variants exist already.").format(name=name))
