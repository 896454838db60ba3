"""The rankings' forms: export the month to a file, close it, reopen it.

Each makes its storage call (or writes its file) in the form's thread worker
(:mod:`screens.form`); a refusal — the month still running, already closed,
no right — stays in the form as a message.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from textual.app import ComposeResult
from textual.widgets import Static

from fieldkpi import export, paths
from fieldkpi.i18n import _
from fieldkpi.period import Period
from fieldkpi.ranking import RankRow
from screens.form import Field, FormScreen
from screens.labels import N_
from storage.closing import close_month, reopen_month
from storage.tickets import FieldErrors

FORMATS = {"csv": export.to_csv, "toml": export.to_toml}


def export_name(branch: str, period: Period, fmt: str) -> str:
    return f"fieldkpi-{branch}-{period}.{fmt}"


def export_path(typed: str, name: str, folder: Path) -> Path:
    """Where an export goes: the export folder, a folder typed (``name`` in it), or a file typed."""
    if not typed:
        return folder / name
    path = Path(typed).expanduser()
    if typed.endswith(("/", os.sep)) or path.is_dir():
        return path / name
    return path


def write_export(rows: Sequence[RankRow], fmt: str, path: Path, *, make_folder: bool) -> None:
    """The file ``fieldkpi rank --format FMT -o PATH`` writes for these rows."""
    if make_folder:
        path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(FORMATS[fmt](rows), encoding="utf-8", newline="")


class ExportForm(FormScreen):
    """Format and file; an empty file name means the export folder."""

    SAVE_LABEL = N_("Export")

    def __init__(self, branch: str, period: Period, rows: Sequence[RankRow]) -> None:
        super().__init__()
        self.branch, self.period, self.rows = branch, period, list(rows)

    def heading(self) -> str:
        return _("Export the rankings of {branch}, {period}").format(
            branch=self.branch, period=self.period
        )

    def fields(self) -> list[Field]:
        """The file first: Enter in it exports (to the export folder when left empty)."""
        default = paths.export_dir() / export_name(self.branch, self.period, "csv")
        formats = (("CSV", "csv"), ("TOML", "toml"))
        return [
            Field("path", N_("File"), placeholder=str(default)),
            Field("format", N_("Format"), kind="select", options=formats, value="csv"),
        ]

    def ready(self) -> bool:
        return True

    def perform(self, values: dict[str, Any], version: int | None) -> Any:
        fmt = values["format"] or "csv"
        folder = paths.export_dir()
        path = export_path(values["path"], export_name(self.branch, self.period, fmt), folder)
        if not path.parent.is_dir() and values["path"]:
            raise FieldErrors({"path": _("There is no folder {path}.").format(path=path.parent)})
        try:
            write_export(self.rows, fmt, path, make_folder=not values["path"])
        except OSError as exc:
            raise FieldErrors({"path": f"{path}: {exc.strerror}"}) from None
        return path, len(self.rows)


class MonthForm(FormScreen):
    """A change to a branch's month: one line of text, and what the change means."""

    DEFAULT_CSS = """
    MonthForm .form-note {
        color: $text-muted;
        margin-bottom: 1;
    }
    """
    EXPLANATION = ""

    def __init__(self, branch: str, period: Period) -> None:
        super().__init__()
        self.branch, self.period = branch, period

    def compose_body(self) -> ComposeResult:
        yield Static(_(self.EXPLANATION), classes="form-note")
        yield from super().compose_body()

    def ready(self) -> bool:
        return True


class CloseMonthForm(MonthForm):
    SAVE_LABEL = N_("Close month")
    EXPLANATION = N_(
        "The ranking is frozen as it stands, with the scheme and the as-of time used: "
        "it is paid from these figures even if late data arrives. Only an admin can reopen it."
    )

    def heading(self) -> str:
        return _("Close {period} of branch {branch}").format(period=self.period, branch=self.branch)

    def fields(self) -> list[Field]:
        return [Field("note", N_("Note"), placeholder=N_("optional, kept with the closing"))]

    def perform(self, values: dict[str, Any], version: int | None) -> Any:
        app = self.app
        scheme = app.scheme_for(self.branch)
        close_month(
            app.store, app.user, self.branch, self.period, scheme, app.now(), values["note"]
        )
        return _("{period} of branch {branch} is closed.").format(
            period=self.period, branch=self.branch
        )


class ReopenMonthForm(MonthForm):
    SAVE_LABEL = N_("Reopen month")
    EXPLANATION = N_(
        "Live figures count again until the month is closed anew. The reopening and its "
        "reason are recorded."
    )

    def heading(self) -> str:
        return _("Reopen {period} of branch {branch}").format(
            period=self.period, branch=self.branch
        )

    def fields(self) -> list[Field]:
        return [Field("reason", N_("Reason"), placeholder=N_("why it is reopened"))]

    def perform(self, values: dict[str, Any], version: int | None) -> Any:
        app = self.app
        reopen_month(app.store, app.user, self.branch, self.period, values["reason"], app.now())
        return _("{period} of branch {branch} is open again.").format(
            period=self.period, branch=self.branch
        )
