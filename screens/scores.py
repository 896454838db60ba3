"""The values a branch's scheme takes from outside, typed by its lead (schemes.md ``entered.*``).

What no system records — work-plan completion, payment collection, typing
speed, a supervisor's rating, head office's satisfaction score of a rep's
district — the lead types here for a month, or a quarter where the branch's
scheme appraises by quarters: one line per ranked person and value, with the
value in force, who entered it and when. A value not entered yet is marked
missing; the ranking counts it as no data until it is there. Typing a value
again adds a newer entry (:mod:`storage.scores`): the form shows the ones
before it.

Storage lets only the branch's lead or an admin read or enter these
(``access.check_enter_scores``); the app offers the screen to nobody else.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widget import Widget
from textual.widgets import DataTable, Header, Static

from fieldkpi.i18n import _, ngettext
from fieldkpi.measures import entered_metric
from fieldkpi.numbers import as_typed
from fieldkpi.period import Period, stamp
from fieldkpi.plain import CELL_WIDTH, plain
from fieldkpi.scheme import Scheme
from screens import actions, labels, tables
from screens.app import SCREENS, showing
from screens.footer import KeyFooter
from screens.form import Field, FormScreen
from screens.labels import N_
from screens.loading import reader
from screens.messages import Loaded
from screens.months import MonthScreen
from screens.scheme_choice import scheme_summary
from storage.closing import MonthBasis, month_basis
from storage.errors import Changed
from storage.scores import ScoreEntry, SheetLine, record_score, score_history, score_sheet

MISSING_STYLE = "bold red"
# Cells of a KPI's label, without and with the role column: the day of an entry still shows
# at 80 columns (its time is in the value's form).
KPI_WIDTH = {False: 28, True: 24}


@dataclass(frozen=True)
class Sheet:
    """A branch's period: what it is judged by, and each value its scheme needs."""

    basis: MonthBasis
    lines: list[SheetLine]


def read_sheet(app: Any, branch: str, period: Period, scheme_for: Callable[[str], Scheme]) -> Sheet:
    """The values of the branch's period as its lead sees them (runs in a worker thread)."""
    basis = month_basis(app.store, branch, period, scheme_for, app.now())
    return Sheet(basis, score_sheet(app.store, app.user, branch, period, basis.scheme))


def metric_label(scheme: Scheme, role: str, metric: str) -> str:
    """The KPI that takes the value, by its label; the value's own name when no KPI has one."""
    kpis = (k for k in scheme.kpis_of(role) if entered_metric(k.measure) == metric)
    return next((str(k.label) for k in kpis), metric)


def who(entry: ScoreEntry) -> str:
    """Who entered a value: a person by name, or the CSV import."""
    return labels.label(labels.RECORDER, entry.by) if entry.by == entry.by_name else entry.by_name


def entry_line(entry: ScoreEntry) -> str:
    """One entry of a value's history: when, who, what, and the note."""
    parts = [entry.at[:16], who(entry), as_typed(entry.value)]
    return " · ".join([*parts, entry.note] if entry.note else parts)


class ScoreTable(tables.CardsOrColumns):
    """One line per value; on a phone a card per line, the name with its value (scrolled
    sideways, the name went off the screen and the headings were cut)."""

    KEEP = 1  # the name whole


class ScoresScreen(MonthScreen):
    """One line per ranked person and value; Enter types the value under the cursor."""

    ACTION_SCOPE = actions.SCORES
    HEADING = N_("Entered values")
    CSS_PATH: ClassVar[list[str]] = ["months.tcss", "scores.tcss"]

    def __init__(self) -> None:
        super().__init__()
        # The branch and period the rankings show, when the lead comes from them.
        self.opened_from = next(  # found without importing the rankings (issue 14: start-up)
            (s for s in reversed(self.app.screen_stack) if showing(s, SCREENS["rankings"])), None
        )
        self.branch = self.opened_from.branch if self.opened_from else self.app.user.branch
        self.sheet: Sheet | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="month-bar"):
            yield from self.compose_branch()
            yield from self.compose_month()
        yield Static("", id="scores-banner")
        yield ScoreTable(id="scores", cursor_type="row", zebra_stripes=True)
        yield Static("", id="scores-status")
        yield KeyFooter()

    def first_period(self) -> Period:
        if self.opened_from is not None and self.opened_from.period is not None:
            return self.opened_from.period
        return super().first_period()

    def rest_widget(self) -> Widget:
        return self.query_one("#scores", DataTable)

    # --- loading ------------------------------------------------------------------------

    def clear(self) -> None:
        self.sheet = None
        self.query_one(ScoreTable).show([], [])
        self.query_one("#scores-banner", Static).update(_("Loading…"))
        self.query_one("#scores-status", Static).update("")
        self.refresh_bindings()

    def read(self, branch: str, period: Period, scheme_for: Callable[[str], Scheme]) -> Sheet:
        return read_sheet(self.app, branch, period, scheme_for)

    async def show_read(self, sheet: Sheet) -> None:
        table = self.query_one(ScoreTable)
        where = table.cursor_row
        self.sheet = sheet
        headings, rows = self.cells(sheet)
        table.show(headings, rows)
        if rows:
            table.move_cursor(row=min(where, len(rows) - 1), animate=False)
        self.query_one("#scores-banner", Static).update(plain(banner_text(sheet)))
        self.query_one("#scores-status", Static).update(plain(status_text(sheet)))

    def cells(self, sheet: Sheet) -> tuple[list[str], list[tuple]]:
        """The headings and lines of the table; a role column only when both roles enter."""
        scheme = sheet.basis.scheme
        with_role = len({line.person.role for line in sheet.lines}) > 1
        headings = [_("Name"), _("KPI"), _("Value"), _("Entered by"), _("When")]
        if with_role:
            headings.insert(1, _("Role"))
        rows = []
        for line in sheet.lines:
            entry = line.entry
            cells = [
                plain(line.person.name, CELL_WIDTH),
                plain(metric_label(scheme, line.person.role, line.metric), KPI_WIDTH[with_role]),
                Text(as_typed(entry.value), justify="right")
                if entry
                else Text(_("missing"), style=MISSING_STYLE),
                plain(who(entry), CELL_WIDTH) if entry else "",
                entry.at[:10] if entry else "",
            ]
            if with_role:
                cells.insert(1, labels.label(labels.ROLE, line.person.role))
            rows.append(tuple(cells))
        return headings, rows

    async def show_failure(self, text: str) -> None:
        """Where the scheme is named, above the values."""
        self.query_one("#scores-banner", Static).update(plain(text))

    # --- actions ------------------------------------------------------------------------

    @property
    def selected(self) -> SheetLine | None:
        row = self.query_one("#scores", DataTable).cursor_row
        lines = self.sheet.lines if self.sheet else []
        return lines[row] if 0 <= row < len(lines) else None

    def allows_now(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "enter_value":
            return self.selected is not None
        return super().allows_now(action, parameters)

    @on(DataTable.RowSelected)
    def _row_chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_enter_value()

    def action_enter_value(self) -> None:
        line, sheet = self.selected, self.sheet
        if line is None or sheet is None or self.period is None:
            return
        form = ScoreForm(line, sheet.basis.scheme, self.period)
        self.app.push_screen(form, callback=self._entered)

    def _entered(self, saved: tuple[str, ScoreEntry] | None) -> None:
        if saved is None:
            return
        what, entry = saved
        self.notify(_("Saved {what}: {value}").format(what=what, value=as_typed(entry.value)))
        self.reload()


def banner_text(sheet: Sheet) -> str:
    """The scheme the values are for, and what entering one now does to a closed period."""
    scheme = sheet.basis.scheme
    text = _("Scheme: {scheme}").format(scheme=scheme_summary(scheme))
    closed = sheet.basis.closed
    if closed is not None:
        text += "\n" + _(
            "Closed by {name} at {at}: a value entered now changes the live figures, not the "
            "frozen ranking, until an admin reopens {period}."
        ).format(name=closed.closed_by_name, at=stamp(closed.closed_at), period=closed.period)
    return text


def status_text(sheet: Sheet) -> str:
    lines = sheet.lines
    if not sheet.basis.scheme.entered_metrics():
        return _("This scheme takes no value from outside: there is nothing to enter.")
    if not lines:
        return _("Nobody is ranked in {period}.").format(period=sheet.basis.judgement.period)
    missing = sum(1 for line in lines if line.entry is None)
    n = len(lines)
    if missing:
        count = ngettext("{missing} of {n} value missing", "{missing} of {n} values missing", n)
    else:
        count = ngettext("{n} value entered", "All {n} values entered", n)
    return " · ".join((count.format(missing=missing, n=n), _("⏎ type the value under the cursor")))


class ScoreForm(FormScreen):
    """A new value for one person's metric and period, beside the ones entered before."""

    CSS_PATH: ClassVar[list[str]] = ["form.tcss", "scores.tcss"]

    def __init__(self, line: SheetLine, scheme: Scheme, period: Period) -> None:
        super().__init__()
        self.line, self.scheme, self.period = line, scheme, period
        self._replacing = line.entry  # the value the lead sees; a later one is not overwritten

    def heading(self) -> str:
        person = self.line.person
        return _("{kpi} of {name} ({code}), {period}").format(
            kpi=metric_label(self.scheme, person.role, self.line.metric),
            name=person.name,
            code=person.code,
            period=self.period,
        )

    def compose_body(self) -> ComposeResult:
        yield Static(
            _(
                "A number in the unit the scheme scores it by, as the others of the period "
                "(93% is read as 0.93). The value before it stays in its history."
            ),
            classes="form-note",
        )
        yield from super().compose_body()
        yield Static(_("Loading…"), id="score-history", classes="form-note")

    def fields(self) -> list[Field]:
        entry = self.line.entry
        now = as_typed(entry.value) if entry else _("missing")
        return [
            Field("value", N_("Value"), placeholder=_("now: {value}").format(value=now)),
            Field("note", N_("Note"), placeholder=N_("where the value comes from (optional)")),
        ]

    def ready(self) -> bool:
        return True

    def on_mount(self) -> None:
        super().on_mount()
        self._load_history()

    @reader("score-history")
    def _load_history(self) -> None:
        self.post_message(Loaded(0, self._history()))

    def _history(self) -> list[ScoreEntry]:
        app, line = self.app, self.line
        return score_history(
            app.store, app.user, self.scheme, line.person.code, self.period, line.metric
        )

    def read_again(self, changed: Changed) -> None:
        """The history read anew: its last entry, shown, is what a second save replaces."""
        history = self._history()
        self._replacing = history[-1] if history else None
        self.post_message(Loaded(0, history))

    @on(Loaded)
    def _history_loaded(self, message: Loaded) -> None:
        message.stop()
        history: list[ScoreEntry] = message.data
        if history:
            text = "\n".join([_("Entered before:"), *map(entry_line, reversed(history))])
        else:
            text = _("Nothing entered yet.")
        self.query_one("#score-history", Static).update(plain(text))

    def perform(self, values: dict[str, Any], version: int | None) -> Any:
        app, line = self.app, self.line
        return self.heading(), record_score(
            app.store,
            app.user,
            self.scheme,
            line.person.code,
            self.period,
            line.metric,
            values["value"],
            values["note"],
            now=app.now(),
            replacing=self._replacing,
        )
