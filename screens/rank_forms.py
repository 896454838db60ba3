"""The rankings' forms: export the month to a file, close it, reopen it.

An export is a file name in the person's own export folder
(:mod:`fieldkpi.export_files`): never a path, never over an existing file or
the database.

Each makes its storage call (or writes its file) in the form's thread worker
(:mod:`screens.form`); a refusal — the month still running, already closed,
no right — stays in the form as a message.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, BinaryIO

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.widgets import Input, Select, Static

from fieldkpi import export, paths
from fieldkpi.export_files import (
    ExportRefused,
    checked_name,
    chosen_format,
    export_name,
    protected_paths,
    write_new,
)
from fieldkpi.i18n import _, current_language
from fieldkpi.period import Period
from fieldkpi.ranking import RankRow
from screens.form import Field, FormScreen
from screens.labels import N_
from screens.linebreaks import Prose
from storage.closing import close_month, reopen_month
from storage.typed import FieldErrors

FORMATS = (("CSV", "csv"), ("TOML", "toml"), ("Excel (XLSX)", "xlsx"))


def write_export(rows: Sequence[RankRow], fmt: str, out: BinaryIO) -> None:
    """The rows as a file for people, headings in the session's language.

    The same rows and numbers as ``fieldkpi rank --format FMT``; only the
    headings differ (scripts keep the documented names through the CLI).
    TOML has keys, not headings: they stay the documented names.
    """
    language = current_language()
    if fmt == "xlsx":
        from fieldkpi.xlsx import write_xlsx  # openpyxl: 0.2 s to import, for this only

        write_xlsx(rows, out, language=language)
    elif fmt == "toml":
        out.write(export.to_toml(rows).encode("utf-8"))
    else:
        headings = export.to_csv(rows, lambda column: export.heading(column, language))
        out.write(headings.encode("utf-8"))


class ExportForm(FormScreen):
    """A file name (in the person's export folder) and a format; never over an existing file."""

    SAVE_LABEL = N_("Export")

    def __init__(self, branch: str, period: Period, rows: Sequence[RankRow]) -> None:
        super().__init__()
        self.branch, self.period, self.rows = branch, period, list(rows)

    def heading(self) -> str:
        return _("Export the rankings of {branch}, {period}").format(
            branch=self.branch, period=self.period
        )

    def compose_body(self) -> ComposeResult:
        note = _("Saved in {folder}; a file that is there already is kept.").format(
            folder=paths.export_dir()
        )
        yield Static(Text(note), classes="form-note")
        yield from super().compose_body()

    def fields(self) -> list[Field]:
        """The name first: Enter in it exports (under the default name when left empty)."""
        return [
            Field("name", N_("File name"), placeholder=self.default_name("csv")),
            Field("format", N_("Format"), kind="select", options=FORMATS, value="csv"),
        ]

    def default_name(self, fmt: str) -> str:
        return export_name(self.branch, self.period, fmt)

    @on(Select.Changed, "#field-format")
    def _format_chosen(self, event: Select.Changed) -> None:
        """The name shown for an empty field is the one the file will get: its ending follows
        the format (it said .csv over an Excel export)."""
        if event.value in dict(FORMATS).values():
            self.query_one("#field-name", Input).placeholder = self.default_name(str(event.value))

    def ready(self) -> bool:
        return True

    def perform(self, values: dict[str, Any], version: int | None) -> Any:
        fmt = chosen_format(values["name"], values["format"])
        if fmt is None:
            raise FieldErrors({"format": _("Choose a format: CSV, TOML or Excel (XLSX).")})
        try:
            name = checked_name(values["name"], fmt, self.default_name(fmt))
            path = write_new(
                paths.export_dir(),
                name,
                lambda out: write_export(self.rows, fmt, out),
                protected_paths(Path(self.app.store.path)),
            )
        except ExportRefused as exc:
            raise FieldErrors({"name": str(exc)}) from None
        except OSError as exc:
            raise FieldErrors({"name": f"{paths.export_dir()}: {exc.strerror}"}) from None
        return path, len(self.rows), name


class MonthForm(FormScreen):
    """A change to a branch's month: one line of text, and what the change means."""

    EXPLANATION = ""

    def __init__(self, branch: str, period: Period) -> None:
        super().__init__()
        self.branch, self.period = branch, period

    def compose_body(self) -> ComposeResult:
        yield Prose(_(self.EXPLANATION), classes="form-note")
        yield from super().compose_body()

    def ready(self) -> bool:
        return True


class CloseMonthForm(MonthForm):
    SAVE_LABEL = N_("Close period")
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
