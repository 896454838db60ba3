"""Every path fieldkpi uses: the database, the config folder, exports.

Follows the XDG base directories; ``$FIELDKPI_DB`` and ``$FIELDKPI_CONFIG``
point a whole branch server at shared locations.
"""

from __future__ import annotations

import os
from pathlib import Path


def _xdg(var: str, fallback: str) -> Path:
    value = os.environ.get(var)
    return Path(value) if value else Path.home() / fallback


def data_dir() -> Path:
    return _xdg("XDG_DATA_HOME", ".local/share") / "fieldkpi"


def config_dir() -> Path:
    value = os.environ.get("FIELDKPI_CONFIG")
    return Path(value) if value else _xdg("XDG_CONFIG_HOME", ".config") / "fieldkpi"


def user_db() -> Path:
    """The per-user database, in the XDG data folder (made on first use)."""
    return data_dir() / "fieldkpi.db"


def default_db() -> Path:
    """``$FIELDKPI_DB``, else :func:`user_db`."""
    value = os.environ.get("FIELDKPI_DB")
    return Path(value) if value else user_db()


def export_dir() -> Path:
    return data_dir() / "exports"


def scheme_files(branch: str | None) -> list[Path]:
    """The scheme files that exist, general first: ``scheme.toml``, ``scheme-<BRANCH>.toml``."""
    names = ["scheme.toml"] + ([f"scheme-{branch}.toml"] if branch else [])
    return [path for path in (config_dir() / name for name in names) if path.exists()]


def sample_db() -> Path:
    """The demo database shipped beside the packages (never written by the demo)."""
    return Path(__file__).resolve().parent.parent / "sample.db"
