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

from textual.actions import parse
from textual.binding import Binding, BindingsMap
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.dom import DOMNode

from fieldkpi.i18n import _
from screens.labels import N_

APP, QUEUE, TICKET, FORM, PICKER, HELP = "app", "queue", "ticket", "form", "picker", "help"
TICKET_SCREENS = frozenset({QUEUE, TICKET})


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
        N_("Search by ticket code, phone or customer name (closed tickets too)"),
        frozenset({QUEUE}),
        action="focus_search",
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
        N_("Reload the list now (it also refreshes by itself when others save)"),
        frozenset({QUEUE, TICKET}),
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
        frozenset({FORM}),
        action="app.focus_next",
        show=False,
        priority=True,
    ),
    UiAction(
        "form.previous",
        "shift+tab",
        N_("Previous field"),
        N_("Previous field"),
        frozenset({FORM}),
        action="app.focus_previous",
        show=False,
        priority=True,
    ),
    UiAction(
        "picker.choose",
        "enter",
        N_("Choose"),
        N_("Dispatch to the highlighted engineer"),
        frozenset({PICKER}),
        action="choose",
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


def for_scope(*scopes: str) -> list[UiAction]:
    return [a for a in ACTIONS if a.scopes.intersection(scopes)]


def bindings(*scopes: str) -> list[Binding]:
    """The ``BINDINGS`` of a screen of these scopes (labels in the current language).

    A modal screen hides the app's bindings from Textual, so modals list the
    ``APP`` scope as well to keep F1 and the rest working.
    """
    return [a.binding() for a in for_scope(*scopes)]


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
