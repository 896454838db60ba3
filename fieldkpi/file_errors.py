"""What to tell a person when a file or folder they named cannot be read or written.

The operating system's own words (``exc.strerror``) are English whatever the
language, and a Python traceback is no message at all. Every place that opens
a path a person gave (``-o``, ``--scheme``, a scheme or ranking file, a
backup's destination, the database) says why it failed through
:func:`file_problem`, in the person's language; only rare errors keep the
system's words.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from fieldkpi.i18n import _


def os_reason(exc: OSError) -> str:
    """Why the system refused, in words a person acts on (which part to fix)."""
    if isinstance(exc, FileNotFoundError):
        missing_folder = exc.filename is not None and not Path(exc.filename).parent.exists()
        return _("no such folder") if missing_folder else _("no such file")
    if isinstance(exc, IsADirectoryError):
        return _("it is a folder, not a file")
    if isinstance(exc, NotADirectoryError):
        return _("a part of the path is a file, not a folder")
    if isinstance(exc, PermissionError):
        return _("permission denied")
    if exc.errno == errno.ENOSPC:
        return _("the disk is full")
    if exc.errno == errno.EROFS:
        return _("the disk is read-only")
    return exc.strerror or str(exc)


def file_problem(path: str | os.PathLike, exc: OSError) -> str:
    """One line naming the path and why it cannot be used."""
    return _("{path}: {reason}").format(path=path, reason=os_reason(exc))
