"""Screens that show one month at a time: ``[`` and ``]`` step, ``g`` types a month.

The rankings and a person's own figures both start on the running month and
go back from there; a month that has not begun has nothing to show. Where the
branch's scheme appraises by quarters (schemes.md "Periods") the same box,
keys and rules hold quarters (``2026-Q4``); a month typed there shows its quarter,
and says so beside the box. A closed period is the exception: it keeps the figures
(and scheme) it was closed with, so a month closed before the branch went quarterly
is shown as that month (and a quarter closed before it went monthly, as that quarter).

The month box always names the month on screen. A month typed and refused
(not a month, or not begun yet) leaves the screen as it was, puts the shown
month back in the box and says why beside it; applied or refused, the keys
go back to the figures, so the next key is not typed into the box.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input, Label, TabbedContent, TabPane

from fieldkpi import access
from fieldkpi.i18n import _
from fieldkpi.period import Period
from fieldkpi.scheme import Scheme
from screens import actions
from screens.branch_picker import BranchPicker
from screens.labels import N_
from screens.loading import reader
from screens.messages import DataChanged, LoadFailed, PeriodLoaded
from screens.text_input import TextInput
from storage.closing import period_in_force

HINT = N_("[ ] earlier / later · g month")


@dataclass(frozen=True)
class PeriodBox:
    """What the period box says and takes for one kind of period."""

    label: str
    placeholder: str
    restrict: str
    hint: str
    typing: str  # the hint while the box has the keys: they go into it, not to the figures
    refused: str  # a text that is no period of this kind
    instead: str  # a period of the other kind typed, not closed: this kind's is shown


BOXES = {
    "month": PeriodBox(
        N_("Month"),
        "YYYY-MM",
        r"[0-9qQ-]*",  # a quarter closed before the branch went monthly is still reached
        HINT,
        N_("type a month, ⏎ · Esc back"),
        N_("{text} is not a month like 2026-10."),
        N_("{asked} is not closed and {branch} is appraised by month: {shown} is shown."),
    ),
    "quarter": PeriodBox(
        N_("Quarter"),
        "YYYY-Qn",
        r"[0-9qQ-]*",
        N_("[ ] earlier / later · g quarter"),
        N_("type a quarter, ⏎ · Esc back"),
        N_("{text} is not a quarter like 2026-Q4."),
        N_("{asked} is not closed and {branch} is appraised by quarter: {shown} is shown."),
    ),
}


def scheme_read_once(app: Any, branch: str) -> Callable[[str], Scheme]:
    """``app.scheme_for`` with ``branch``'s scheme read now, and only now, for one load.

    Called by :class:`MonthScreen`'s reading worker, never on the UI thread: the
    scheme is the branch's preset, read from the database, under the config
    folder's files. A load asks for it for each of its twelve months, and for the
    kind of period in force; each ask would read the preset (and files) again.
    A scheme file that cannot be read fails the load, which says why.
    """
    scheme = app.scheme_for(branch)
    return lambda code: scheme if code == branch else app.scheme_for(code)


def next_tab(tabs: TabbedContent) -> None:
    """Show the tab after the active one (after the last: the first)."""
    panes = [pane.id for pane in tabs.query(TabPane) if not pane.disabled]
    if tabs.active in panes:
        tabs.active = panes[(panes.index(tabs.active) + 1) % len(panes)]


class MonthScreen(actions.ScopedKeys, Screen):
    """A screen of one month: subclasses say what to read, how to show it and where focus rests.

    The reading worker reads the branch's scheme once (:func:`scheme_read_once`),
    takes the period asked for as one of the kind that scheme has now and hands
    both to :meth:`read`; the screen shows the period it read (:meth:`loaded_period`)
    and what was read (:meth:`show_read`): the UI thread never reads a scheme.
    Only the answer to the latest request is shown; a read that failed is said
    by :meth:`show_failure` and in a toast.
    """

    HEADING: ClassVar[str]  # the screen's title, a msgid

    def __init__(self) -> None:
        super().__init__()
        self.period: Period | None = None
        self.request = 0  # answers to older requests are dropped
        self.typed = 0  # the request of the period typed last: a period shown instead is said
        self.branch = self.app.user.branch  # the branch shown: its scheme says month or quarter
        self.kind = "month"  # until the first load says what the branch's scheme has

    def compose_month(self) -> ComposeResult:
        box = BOXES[self.kind]
        yield Label(_(box.label), id="month-label", classes="bar-label")
        yield TextInput(
            placeholder=box.placeholder,
            restrict=box.restrict,
            max_length=7,
            id="month",
            compact=True,
        )
        yield Label(_(box.hint), id="month-note", classes="bar-hint")

    def compose_branch(self) -> ComposeResult:
        """The branch shown: an admin chooses another (storage refuses it to anyone else)."""
        yield BranchPicker(self.branch)

    def on_mount(self) -> None:
        self.title = _(self.HEADING)
        self.show_month(self.first_period())
        self.rest_focus()

    def first_period(self) -> Period:
        """The period shown first: the running one."""
        return Period.of(self.app.now(), self.kind)

    def loaded_period(self, period: Period) -> None:
        """What a load read is shown: a period of another kind changes the box to that kind.

        The box is written only when the period changed, so that a reload
        (someone saved) leaves a month being typed in it alone.
        """
        if period.kind != self.kind:
            box = BOXES[period.kind]
            self.kind = period.kind
            self.query_one("#month-label", Label).update(_(box.label))
            month = self.query_one("#month", TextInput)
            month.set_hint(box.placeholder)
            month.restrict = box.restrict
            self._note(_(box.hint))
        if period != self.period:
            self.period = period
            self.query_one("#month", Input).value = str(period)

    def read(self, branch: str, period: Period, scheme_for: Callable[[str], Scheme]) -> Any:
        """What the screen shows of ``branch``'s ``period`` (run in the reading worker).

        ``scheme_for`` is the app's, with ``branch``'s scheme read for this load.
        """
        raise NotImplementedError

    async def show_read(self, data: Any) -> None:
        """Show what :meth:`read` returned; the period it is of is in the box already."""
        raise NotImplementedError

    async def show_failure(self, text: str) -> None:
        """Say why the read failed where its figures would be (Ctrl+R tries again)."""
        raise NotImplementedError

    def clear(self) -> None:
        """Show nothing of the month before while the new one loads (Enter must not open it)."""
        raise NotImplementedError

    def rest_widget(self) -> Widget:
        """Where the keys go when they are not in the month box: the figures."""
        raise NotImplementedError

    def rest_focus(self) -> None:
        """Give the keys back to the figures at once, before the next key is handled."""
        self.set_focus(self.rest_widget(), scroll_visible=False)  # facts stay at their top

    def show_month(self, period: Period) -> bool:
        """Show ``period``; one that has not begun is refused (``False``): nothing changes.

        The reading worker shows it as one of the kind the branch's scheme has, unless
        it is closed (:func:`storage.closing.period_in_force`).
        """
        if period > Period.of(self.app.now(), period.kind):
            self.refuse_month(_("{month} has not begun yet.").format(month=period))
            return False
        self._put(period)
        self.reload()
        return True

    def _put(self, period: Period) -> None:
        """``period`` is the one shown: named in the box, and nothing of the one before."""
        self.period = period
        self._note(_(BOXES[self.kind].hint))
        self.query_one("#month", Input).value = str(period)
        self.clear()

    def refuse_month(self, reason: str) -> None:
        """Say why beside the box, and put the month shown back in it."""
        self._note(reason, refused=True)
        self.query_one("#month", Input).value = str(self.period) if self.period else ""

    def _note(self, text: str, *, refused: bool = False) -> None:
        note = self.query_one("#month-note", Label)
        note.update(Text(text))
        note.set_class(refused, "-refused")

    def reload(self) -> None:
        """Load the period again (the worker reads it as one of the kind the branch has now)."""
        self.request += 1
        self._read(self.request, self.branch, self.period)

    @reader("period")
    def _read(self, request: int, branch: str, period: Period) -> None:
        """The period in force first: :meth:`read` and the box both get that one.

        It is of the kind the branch's scheme has now (another branch, another preset).
        """
        scheme_for = scheme_read_once(self.app, branch)
        kind, today = scheme_for(branch).period, self.app.now().date()
        shown = period_in_force(self.app.store, self.app.user, branch, period, kind, today)
        data = self.read(branch, shown, scheme_for)
        self.post_message(PeriodLoaded(request, shown, data, asked=period, branch=branch))

    @on(PeriodLoaded)
    async def _loaded(self, message: PeriodLoaded) -> None:
        """The latest request's answer is shown; an older one's is dropped (it was asked over)."""
        if message.request != self.request:
            return
        self.loaded_period(message.period)
        if message.request == self.typed and message.period != message.asked:
            instead = _(BOXES[message.period.kind].instead)
            shown = {"asked": message.asked, "branch": message.branch, "shown": message.period}
            self._note(instead.format(**shown), refused=True)
        await self.show_read(message.data)
        self.refresh_bindings()

    @on(LoadFailed)
    async def _failed(self, message: LoadFailed) -> None:
        """The read (or the branch picker's) failed: said on the screen, which stays usable."""
        message.stop()
        await self.show_failure(message.message)
        self.notify(message.message, severity="error")

    def action_previous_month(self) -> None:
        if self.period is not None:
            self.show_month(self.period.shift(-1))

    def action_next_month(self) -> None:
        if self.period is not None:
            self.show_month(self.period.shift(1))

    def action_type_month(self) -> None:
        """Into the box at once (not after the next refresh): keys typed ahead land in it."""
        month = self.query_one("#month", Input)
        self.set_focus(month)
        month.select_all()

    def action_leave_month(self) -> None:
        self.rest_focus()

    def offers(self, action: str) -> bool:
        """Whether this person ever uses ``action`` here: what the footer and F1 help offer
        (:func:`screens.actions.offered`). Another branch is only an admin's to choose."""
        return action != "choose_branch" or access.may_choose_branch(self.app.user)

    def allows_now(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "leave_month":
            return self.focused is self.query_one("#month", Input)
        return True

    def action_choose_branch(self) -> None:
        self.query_one(BranchPicker).open()

    def action_refresh(self) -> None:
        self.reload()

    @on(DataChanged)
    def _someone_saved(self) -> None:
        """Someone saved: the period shown is read again (the figures may have moved)."""
        self.reload()

    @on(BranchPicker.Chosen)
    def _branch_chosen(self, message: BranchPicker.Chosen) -> None:
        """Another branch: nothing of the one before stays on screen while it loads."""
        self.branch = message.branch
        self.clear()
        self.reload()
        self.rest_focus()

    def action_next_tab(self) -> None:
        next_tab(self.query_one(TabbedContent))

    @on(Input.Submitted, "#month")
    def _month_typed(self, event: Input.Submitted) -> None:
        """Enter in the box: the month typed is shown or refused, then the keys go back."""
        event.stop()
        text = event.value
        try:
            period = Period.parse(text)
        except ValueError:
            period = None
        if period is None:
            self.refuse_month(_(BOXES[self.kind].refused).format(text=text or "—"))
        elif self.show_month(period):
            self.typed = self.request
        self.rest_focus()

    @on(events.DescendantFocus, "#month")
    def _month_entered(self) -> None:
        """The keys go into the box now: the hint says so, or ``[`` and ``t`` seem dead."""
        self._note(_(BOXES[self.kind].typing))

    @on(Input.Blurred, "#month")
    def _month_left(self, event: Input.Blurred) -> None:
        """Left without Enter: the box names the month shown again, and the hint is back.

        A refusal said beside the box stays until the next month is shown.
        """
        event.stop()
        if self.period is not None:
            event.input.value = str(self.period)
        if not self.query_one("#month-note", Label).has_class("-refused"):
            self._note(_(BOXES[self.kind].hint))
