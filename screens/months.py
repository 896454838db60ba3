"""Screens that show one month at a time: ``[`` and ``]`` step, ``g`` types a month.

The rankings and a person's own figures both start on the running month and
go back from there; a month that has not begun has nothing to show.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Input, Label, TabbedContent, TabPane

from fieldkpi.i18n import _
from fieldkpi.period import Period
from screens import actions


def next_tab(tabs: TabbedContent) -> None:
    """Show the tab after the active one (after the last: the first)."""
    panes = [pane.id for pane in tabs.query(TabPane) if not pane.disabled]
    if tabs.active in panes:
        tabs.active = panes[(panes.index(tabs.active) + 1) % len(panes)]


class MonthScreen(actions.ScopedKeys, Screen):
    """A screen of one month; subclasses load it in ``load()`` and say where focus rests."""

    def __init__(self) -> None:
        super().__init__()
        self.period: Period | None = None
        self.request = 0  # answers to older requests are dropped

    def compose_month(self) -> ComposeResult:
        yield Label(_("Month"), classes="bar-label")
        yield Input(
            placeholder="YYYY-MM",
            restrict=r"[0-9-]*",
            max_length=7,
            id="month",
            compact=True,
        )
        yield Label(_("[ ] earlier / later · g month"), classes="bar-hint")

    def on_mount(self) -> None:
        self.show_month(Period.of(self.app.now()))

    def load(self) -> None:
        raise NotImplementedError

    def clear(self) -> None:
        """Show nothing of the month before while the new one loads (Enter must not open it)."""
        raise NotImplementedError

    def rest_focus(self) -> None:
        """Where the focus goes after a month is typed."""
        raise NotImplementedError

    def show_month(self, period: Period) -> None:
        if period > Period.of(self.app.now()):
            self.notify(_("{month} has not begun yet.").format(month=period), severity="warning")
            return
        self.period = period
        self.query_one("#month", Input).value = str(period)
        self.clear()
        self.reload()

    def reload(self) -> None:
        self.request += 1
        self.load()

    def action_previous_month(self) -> None:
        if self.period is not None:
            self.show_month(self.period.shift(-1))

    def action_next_month(self) -> None:
        if self.period is not None:
            self.show_month(self.period.shift(1))

    def action_type_month(self) -> None:
        month = self.query_one("#month", Input)
        month.focus()
        month.select_all()

    def action_refresh(self) -> None:
        self.reload()

    def action_next_tab(self) -> None:
        next_tab(self.query_one(TabbedContent))

    @on(Input.Submitted, "#month")
    def _month_typed(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            period = Period.parse(event.value)
        except ValueError:
            self.notify(
                _("{text} is not a month like 2026-10.").format(text=event.value or "—"),
                severity="warning",
            )
            return
        self.show_month(period)
        self.rest_focus()
