"""The one registry of everything a person can do by key in the TUI.

Each entry gives the binding (with an id, so ``App.set_keymap`` can move it),
the footer label, the command-palette entry and the F1 help line. Screens take
their ``BINDINGS`` from here and name their scope; nothing else declares keys.

Labels and help lines are English source strings translated when shown, so a
screen built after ``set_language`` speaks that language.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any, ClassVar

from textual.actions import parse
from textual.binding import Binding, BindingsMap
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.dom import DOMNode

from fieldkpi.i18n import _
from screens.labels import N_

APP, QUEUE, TICKET, FORM, PICKER, HELP = "app", "queue", "ticket", "form", "picker", "help"
CONFIRM = "confirm"
RANKINGS, FACTS, FIGURES, STAFF = "rankings", "facts", "figures", "staff"
EVENTS = "events"
EVENT = "event"  # one event read whole, over the list
TREND = "trend"
LIVE = "live"
SCORES = "scores"
TICKET_SCREENS = frozenset({QUEUE, TICKET})
MONTH_SCREENS = frozenset({RANKINGS, FIGURES, SCORES})
# the screens one moves between
NAV_SCREENS = frozenset({QUEUE, RANKINGS, FIGURES, STAFF, EVENTS, SCORES})


@dataclass(frozen=True)
class UiAction:
    id: str
    key: str  # Textual key names, comma separated; the first is shown
    label: str  # footer label and palette entry (English source)
    help: str  # the line in F1 help (English source)
    scopes: frozenset[str]
    action: str = ""  # the action to run; derived from ``step`` when empty
    step: str | None = None  # the ticket step (fieldkpi.tickets.STEPS) it performs
    show: bool = True
    key_display: str | None = None
    priority: bool = False
    # Scopes whose footer shows it first (after F1): before the screen's own keys, which
    # may fill an 80-column footer, as the key most wanted there.
    first_in: frozenset[str] = frozenset()

    @property
    def run(self) -> str:
        return self.action or f"step('{self.step}')"

    def binding(self) -> Binding:
        return Binding(
            self.key,
            self.run,
            _(self.label),
            show=self.show,
            key_display=self.key_display,
            priority=self.priority,
            tooltip=_(self.help),
            id=self.id,
        )


def _step(step: str, key: str, label: str, help: str) -> UiAction:
    return UiAction(f"ticket.{step}", key, label, help, TICKET_SCREENS, step=step)


ACTIONS: tuple[UiAction, ...] = (
    _step("dispatch", "d", N_("Dispatch"), N_("Dispatch or re-dispatch the ticket to an engineer")),
    _step("visit", "v", N_("Visit"), N_("Record that the engineer visited the customer")),
    _step("await_parts", "p", N_("Parts"), N_("Mark the ticket as waiting for parts")),
    _step("complete", "c", N_("Complete"), N_("Record completion with a resolution note")),
    _step("callback", "b", N_("Callback"), N_("Record the customer callback: rating 1–5")),
    _step("cancel", "x", N_("Cancel"), N_("Cancel the ticket, with a reason")),
    _step("reopen", "r", N_("Reopen"), N_("Reopen a completed or cancelled ticket")),
    UiAction(
        "ticket.problem",
        "e",
        N_("Problem"),
        N_("Report a problem with the ticket's engineer"),
        TICKET_SCREENS,
        action="report_problem",
    ),
    UiAction(
        "ticket.deduction",
        "k",
        N_("Deduct"),
        N_("Record a deduction or complaint against a person"),
        TICKET_SCREENS,
        action="deduction",
    ),
    UiAction(
        "queue.new",
        "n",
        N_("New"),
        N_("Take a new ticket (customer, phone, address, …)"),
        frozenset({QUEUE}),
        action="new_ticket",
    ),
    UiAction(
        "queue.open",
        "enter",
        N_("Open"),
        N_("Open the ticket: every field and its full history"),
        frozenset({QUEUE}),
        action="open_ticket",
        key_display="⏎",
    ),
    UiAction(
        "queue.bulk",
        "t",
        N_("Move all"),
        N_("Move all open tickets of one engineer to others (bulk re-dispatch)"),
        frozenset({QUEUE}),
        action="bulk_redispatch",
    ),
    UiAction(
        "queue.search",
        "slash",
        N_("Search"),
        N_(
            "Search by ticket code, phone, the last 4 digits of a phone or customer name "
            "(closed tickets too)"
        ),
        frozenset({QUEUE}),
        action="focus_search",
        show=False,
        priority=True,  # the keys typed after it go into the box, however fast
    ),
    UiAction(
        "queue.leave_search",
        "escape",
        N_("Leave the search"),
        N_("Leave the search box: the search is cleared and the keys go to the list again"),
        frozenset({QUEUE}),
        action="leave_search",
        key_display="Esc",
        show=False,
    ),
    UiAction(
        "queue.mine",
        "m",
        N_("Mine"),
        N_("Show only my tickets, or everyone's again"),
        frozenset({QUEUE}),
        action="toggle_mine",
        show=False,
    ),
    UiAction(
        "queue.filters",
        "f",
        N_("Filters"),
        N_("Go to the status, kind and engineer filters"),
        frozenset({QUEUE}),
        action="focus_filters",
        show=False,
    ),
    UiAction(
        "queue.refresh",
        "ctrl+r",
        N_("Refresh"),
        N_("Read it again now (it also refreshes by itself when others save)"),
        frozenset({QUEUE, TICKET, RANKINGS, FIGURES, STAFF, EVENTS, SCORES}),
        action="refresh",
        show=False,
    ),
    UiAction(
        "ticket.back",
        "escape",
        N_("Back"),
        N_("Back to the queue"),
        frozenset({TICKET}),
        action="back",
        key_display="Esc",
        # The way out, before a rep's seven step keys, which fill an 80-column footer in
        # English: one of those left off is still in F1 help and the palette.
        first_in=frozenset({TICKET}),
    ),
    UiAction(
        "month.previous",
        "left_square_bracket",
        N_("Earlier"),
        N_("The month before"),
        MONTH_SCREENS,
        action="previous_month",
        key_display="[",
        show=False,
    ),
    UiAction(
        "month.next",
        "right_square_bracket",
        N_("Later"),
        N_("The month after (up to the running month)"),
        MONTH_SCREENS,
        action="next_month",
        key_display="]",
        show=False,
    ),
    UiAction(
        "month.type",
        "g",
        N_("Month"),
        N_("Type a month as YYYY-MM and press Enter"),
        MONTH_SCREENS,
        action="type_month",
        show=False,
        priority=True,  # the keys typed after it go into the box, however fast
    ),
    UiAction(
        "month.leave",
        "escape",
        N_("Leave the month"),
        N_("Leave the month box without changing the month"),
        MONTH_SCREENS,
        action="leave_month",
        show=False,
    ),
    UiAction(
        "view.tab",
        "t",
        N_("Tab"),  # short, in Chinese too: the rankings footer holds s Scheme at 80 columns
        N_("The next tab: reps or engineers"),
        frozenset({RANKINGS}),
        action="next_tab",
    ),
    UiAction(
        "facts.tab",
        "t",
        N_("Tab"),
        N_("The next tab: the next kind of facts"),
        frozenset({FIGURES, FACTS}),
        action="next_tab",
    ),
    UiAction(
        "rankings.facts",
        "enter",
        N_("Facts"),
        N_("The facts behind the number under the cursor: tickets, callbacks, actions, events"),
        frozenset({RANKINGS}),
        action="drill",
        key_display="⏎",
    ),
    UiAction(
        "rankings.trend",
        "r",
        N_("Trend"),
        N_("The last 12 months of the person under the cursor, each KPI, and the branch's average"),
        frozenset({RANKINGS}),
        action="trend",
    ),
    UiAction(
        "rankings.export",
        "x",
        N_("Export"),
        N_(
            "Export the month's rankings to CSV, TOML or an Excel workbook (XLSX), as "
            "`fieldkpi rank` writes them"
        ),
        frozenset({RANKINGS}),
        action="export",
    ),
    UiAction(
        "rankings.close",
        "c",
        N_("Close period"),
        N_(
            "Close the month (or quarter): its ranking is frozen for payment"
            " (the branch's lead, or an admin)"
        ),
        frozenset({RANKINGS}),
        action="close_month",
    ),
    UiAction(
        "rankings.reopen",
        "o",
        N_("Reopen month"),
        N_("Reopen a closed month, giving the reason (an admin)"),
        frozenset({RANKINGS}),
        action="reopen_month",
    ),
    # Before the branch: an admin's rankings footer at 80 columns holds one of the two, and
    # the branch has its drop-down at the top of the screen, the scheme only this key.
    UiAction(
        "rankings.scheme",
        "s",
        N_("Scheme"),
        N_(
            "The branch's scheme: switch it to another preset, on record (the branch's lead, "
            "or an admin)"
        ),
        frozenset({RANKINGS}),
        action="choose_scheme",
    ),
    UiAction(
        "branch.choose",
        "b",
        N_("Branch"),
        N_("Choose another branch (an admin)"),
        frozenset({RANKINGS, STAFF, SCORES}),
        action="choose_branch",
    ),
    # Last of the rankings' keys: only a closed month that late data changed has it, and the
    # banner names it, so the footer shows it where there is room after the others.
    UiAction(
        "rankings.live",
        "l",
        N_("Live vs frozen"),
        N_(
            "A closed month that late data changed: each person's live figures against the "
            "frozen ones (these stay the judged figures until an admin reopens the month)"
        ),
        frozenset({RANKINGS}),
        action="live_figures",
    ),
    UiAction(
        "scores.enter",
        "enter",
        N_("Enter value"),
        N_("Type the value under the cursor; the values before it stay in its history"),
        frozenset({SCORES}),
        action="enter_value",
        key_display="⏎",
    ),
    UiAction(
        "facts.back",
        "escape",
        N_("Back"),
        N_("Back to the rankings"),
        frozenset({FACTS, TREND, LIVE}),
        action="back",
        key_display="Esc",
    ),
    UiAction(
        "staff.new",
        "n",
        N_("New person"),
        N_("Add a person to the branch, with a login if they are to sign in"),
        frozenset({STAFF}),
        action="new_person",
    ),
    UiAction(
        "staff.login",
        "l",
        N_("Login"),
        N_("Give, change or take away the selected person's login"),
        frozenset({STAFF}),
        action="set_login",
    ),
    UiAction(
        "staff.left",
        "x",
        N_("Leaving"),
        N_("Record the day the selected person left (empty: they work here again)"),
        frozenset({STAFF}),
        action="set_left_on",
    ),
    # One key, two decisions: the selected event's state offers one of them, and the
    # footer names the one it is.
    UiAction(
        "events.approve",
        "a",
        N_("Approve"),
        N_("Approve an event that waits for you: it counts"),
        frozenset({EVENTS}),
        action="approve",
    ),
    UiAction(
        "events.uphold",
        "a",
        N_("Uphold"),
        N_("Uphold a contested event: it counts again"),
        frozenset({EVENTS}),
        action="uphold",
    ),
    UiAction(
        "events.reject",
        "r",
        N_("Reject"),
        N_("Reject an event that waits for you, with the reason: it never counts"),
        frozenset({EVENTS}),
        action="reject",
    ),
    UiAction(
        "events.withdraw",
        "r",
        N_("Withdraw"),
        N_(
            "Withdraw a contested event, or one that stands but was recorded by mistake, "
            "with the reason: it stops counting"
        ),
        frozenset({EVENTS}),
        action="withdraw",
    ),
    UiAction(
        "events.all",
        "v",
        N_("Waiting / all"),
        N_("Show every event of the branch these three months, or only what waits for you"),
        frozenset({EVENTS}),
        action="show_all",
    ),
    UiAction(
        "events.recorded",
        "v",
        N_("About me / by me"),
        N_(
            "Show the events you recorded these three months, each with its state and the "
            "lead's decision, or those recorded about you"
        ),
        frozenset({EVENTS}),
        action="show_recorded",
    ),
    UiAction(
        "events.contest",
        "c",
        N_("Contest"),
        N_("Contest an event recorded against you, with your reason, while its month is open"),
        frozenset({EVENTS}),
        action="contest",
    ),
    UiAction(
        "events.read",
        "enter",
        N_("Read"),
        N_("Read the selected event whole: its note, each decision with its reason, its state"),
        frozenset({EVENTS}),
        action="read",
        key_display="⏎",
        priority=True,  # over the list's own Enter, which the footer would show as nothing
    ),
    UiAction(
        "event.close",
        "escape,enter,q",
        N_("Close"),
        N_("Back to the list of events"),
        frozenset({EVENT}),
        action="close",
        key_display="Esc",
    ),
    UiAction(
        "nav.tickets",
        "f2",
        N_("Tickets"),
        N_("Go to the ticket queue"),
        NAV_SCREENS,
        action="app.go('tickets')",
    ),
    UiAction(
        "nav.figures",
        "f3",
        N_("My figures"),
        N_("Go to your own figures: timeliness, buckets, what to fix first, your rank"),
        NAV_SCREENS,
        action="app.go('figures')",
    ),
    UiAction(
        "nav.rankings",
        "f4",
        N_("Rankings"),
        N_("Go to the branch's rankings"),
        NAV_SCREENS,
        action="app.go('rankings')",
    ),
    UiAction(
        "nav.staff",
        "f5",
        N_("Staff"),
        N_("Go to the staff list and logins"),
        NAV_SCREENS,
        action="app.go('staff')",
    ),
    UiAction(
        "nav.events",
        "f6",
        N_("Events"),
        N_("Go to the appraisal events: what waits for review, or what was recorded about you"),
        NAV_SCREENS,
        action="app.go('events')",
        first_in=frozenset({RANKINGS}),  # a lead's approvals, wanted before closing a month
    ),
    UiAction(
        "nav.scores",
        "f7",
        N_("Entered"),
        N_(
            "Go to the values entered by hand for the period: what each person's scheme takes "
            "from outside (a lead, or an admin)"
        ),
        NAV_SCREENS,
        action="app.go('scores')",
    ),
    UiAction(
        "form.save",
        "ctrl+s",
        N_("Save"),
        N_("Save (Enter in the last field saves too); nothing is saved until every field is valid"),
        frozenset({FORM, PICKER}),
        action="save",
        priority=True,
    ),
    # Priority bindings run when the key arrives, not when the focused field gets to it,
    # so keys typed ahead over a slow link land in the field they were meant for.
    UiAction(
        "form.next",
        "tab",
        N_("Next field"),
        N_("Next field"),
        frozenset({FORM, PICKER}),
        action="app.focus_next",
        show=False,
        priority=True,
    ),
    UiAction(
        "form.previous",
        "shift+tab",
        N_("Previous field"),
        N_("Previous field"),
        frozenset({FORM, PICKER}),
        action="app.focus_previous",
        show=False,
        priority=True,
    ),
    # Enter in the dispatch picker, as in every form: on the list it moves on to When, in
    # When (the last field) it saves. Two keys, so that the footer names what it does there.
    UiAction(
        "picker.choose",
        "enter",
        N_("Choose"),
        N_("Choose the highlighted engineer and go on to When, under the list"),
        frozenset({PICKER}),
        action="choose",
        key_display="⏎",
        priority=True,
    ),
    UiAction(
        "picker.dispatch",
        "enter",
        N_("Dispatch"),
        N_("Dispatch to the chosen engineer at the time in When (left empty: now)"),
        frozenset({PICKER}),
        action="dispatch",
        key_display="⏎",
        priority=True,
    ),
    UiAction(
        "form.close",
        "escape",
        N_("Close"),
        N_("Close without saving"),
        frozenset({FORM, PICKER}),
        action="close",
        key_display="Esc",
    ),
    UiAction(
        "confirm.discard",
        "d,y",
        N_("Discard"),
        N_("Throw away what was typed and close the form"),
        frozenset({CONFIRM}),
        action="discard",
    ),
    UiAction(
        "confirm.keep",
        "escape,n",
        N_("Keep editing"),
        N_("Back to the form, with everything typed still in it"),
        frozenset({CONFIRM}),
        action="keep",
        key_display="Esc",
    ),
    UiAction(
        "help.close",
        "escape,f1,question_mark,q",
        N_("Close"),
        N_("Close the help"),
        frozenset({HELP}),
        action="close",
        key_display="Esc",
    ),
    UiAction(
        "app.help",
        "f1,question_mark",
        N_("Help"),
        N_("Help for this screen"),
        frozenset({APP}),
        action="app.help",
        key_display="F1",
    ),
    # Declared here (not left to Textual) so that its footer label is translated too.
    UiAction(
        "app.palette",
        "ctrl+p",
        N_("Commands"),
        N_("Open the command palette: every action possible right now"),
        frozenset({APP}),
        action="app.command_palette",
        show=False,
        priority=True,
    ),
    UiAction(
        "app.quit",
        "ctrl+q",
        N_("Quit"),
        N_("Quit fieldkpi"),
        frozenset({APP}),
        action="app.quit",
        show=False,
        priority=True,
    ),
)


def by_id(action_id: str) -> UiAction:
    return next(a for a in ACTIONS if a.id == action_id)


def for_scope(*scopes: str) -> list[UiAction]:
    return [a for a in ACTIONS if a.scopes.intersection(scopes)]


def bindings(*scopes: str) -> list[Binding]:
    """The ``BINDINGS`` of a screen of these scopes (labels in the current language), in the
    footer's order: the registry's, but a key ``first_in`` one of the scopes first.

    A modal screen hides the app's bindings from Textual, so modals list the
    ``APP`` scope as well to keep F1 and the rest working.
    """
    ordered = sorted(for_scope(*scopes), key=lambda a: not a.first_in.intersection(scopes))
    return [a.binding() for a in ordered]


class ScopedKeys:
    """Mixin for a screen whose keys come from this registry.

    The class names its scope (``ACTION_SCOPE``, plus ``EXTRA_SCOPES`` such as
    the app's keys on a modal); its ``BINDINGS`` are made from the registry
    when the class is created, and made again in the active language each
    time a screen is constructed (see :func:`translate_bindings`).

    Which of those keys are on is asked here too (:meth:`check_action`): a
    screen says which it offers the person (:meth:`offers`, by role) and which
    are on now (:meth:`allows_now`, by what is selected or shown).
    """

    ACTION_SCOPE: ClassVar[str]
    EXTRA_SCOPES: ClassVar[tuple[str, ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        if {"ACTION_SCOPE", "EXTRA_SCOPES"} & cls.__dict__.keys():
            cls.BINDINGS = bindings(cls.ACTION_SCOPE, *cls.EXTRA_SCOPES)
        super().__init_subclass__(**kwargs)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        translate_bindings(self, self.ACTION_SCOPE, *self.EXTRA_SCOPES)

    def offers(self, action: str, *params: object) -> bool:
        """Whether the person on this screen ever uses ``action`` here, whatever is selected:
        what its footer, F1 help (:func:`offered`) and palette offer them. Every key, unless
        the screen keeps some to a role."""
        return True

    def allows_now(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Whether a key the person uses here is on now (``None``: shown, but off), as the
        screen's state has it: a row selected, a month closed."""
        return True

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Textual's question, answered in one place for every screen: a key the person never
        uses here is off and hidden, so no screen can show an admin's key to a lead by
        forgetting to ask :meth:`offers` first; one they use is on as :meth:`allows_now`
        says."""
        return self.offers(action, *parameters) and self.allows_now(action, parameters)


def translate_bindings(node: DOMNode, *scopes: str) -> None:
    """Rebuild ``node``'s bindings so footer labels follow ``set_language``.

    Textual merges ``BINDINGS`` when the class is created, i.e. at import time,
    which may come before the language is chosen; a screen calls this from its
    ``__init__``. (Uses Textual's ``_bindings``: pinned to textual 8.2.)
    """
    ours = bindings(*scopes)
    ids = {b.id for b in ours}
    kept = [b for _key, b in node._bindings if b.id not in ids]
    node._bindings = BindingsMap([*kept, *ours])


def keys_of(action: UiAction, keymap: Mapping[str, str]) -> list[str]:
    """The keys that trigger ``action``, after the user's keymap."""
    return [k.strip() for k in keymap.get(action.id, action.key).split(",")]


def step_for_key(scope: str, key: str, keymap: Mapping[str, str]) -> UiAction | None:
    """The ticket-step (or ticket) action bound to ``key`` in ``scope``, if any."""
    for action in for_scope(scope):
        if action.scopes == TICKET_SCREENS and key in keys_of(action, keymap):
            return action
    return None


def _target(action: UiAction, screen: DOMNode) -> tuple[DOMNode, str, tuple]:
    namespace, name, params = parse(action.run)
    return (screen.app if namespace == "app" else screen), name, params


def offered(action: UiAction, screen: DOMNode) -> bool:
    """Whether the person on ``screen`` can ever use ``action`` there, whatever is selected.

    A key to another screen is offered as its footer offers it (the app's
    ``check_action``: a screen their role may open, not the one they are on);
    a screen's own key, as the screen's ``offers`` says, given the action's
    parameters (every key, if it has none): the lead's decisions are not a
    rep's, nor an appeal a lead's, nor dispatching an engineer's.
    """
    node, name, params = _target(action, screen)
    if node is screen:
        offers = getattr(screen, "offers", None)
        return offers is None or offers(name, *params)
    return bool(node.check_action(name, params))


def available(screen: DOMNode) -> Iterator[UiAction]:
    """The actions of ``screen`` that may run right now (what ``check_action`` allows)."""
    scope = getattr(screen, "ACTION_SCOPE", None)
    for action in ACTIONS:
        if scope in action.scopes or APP in action.scopes:
            node, name, params = _target(action, screen)
            if node.check_action(name, params):
                yield action


class ActionCommands(Provider):
    """The command palette's entries: the registry's actions allowed on the calling screen."""

    def _commands(self) -> Iterator[tuple[str, str, object]]:
        for action in available(self.screen):
            node, name, params = _target(action, self.screen)
            command = partial(node.run_action, f"{name}({', '.join(map(repr, params))})")
            yield _(action.label), _(action.help), command

    async def discover(self) -> Hits:
        for label, help_line, command in self._commands():
            yield DiscoveryHit(label, command, help=help_line)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for label, help_line, command in self._commands():
            score = max(matcher.match(label), matcher.match(help_line) * 0.8)
            if score > 0:
                yield Hit(score, matcher.highlight(label), command, text=label, help=help_line)
