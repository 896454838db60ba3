"""The fieldkpi TUI: one person signed in, working on one database shared with others.

The store is handed in (no connection is opened at import time), so tests and
the CLI each bring their own. The app polls ``PRAGMA data_version`` in a worker
and tells the screens when another connection has committed.
"""

from __future__ import annotations

import contextlib
import importlib
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import ClassVar

from textual import events, on, work
from textual.app import App, ScreenStackError, SystemCommand
from textual.command import CommandPalette
from textual.driver import Driver
from textual.drivers.linux_driver import LinuxDriver
from textual.notifications import Notification, Notify, SeverityLevel
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from fieldkpi.figures import RANKED_ROLES, Person
from fieldkpi.i18n import N_, _
from fieldkpi.plain import plain
from fieldkpi.scheme import Scheme, default_for_every_branch
from screens import actions, collector, labels, toasts
from screens.keygate import KeyGate
from screens.loading import failure_message
from screens.messages import DataChanged, LoadFailed, SchemeRead
from screens.tables import CARDS_BELOW as PHONE_BELOW
from screens.terminal_input import PasteSafeDriver
from storage.db import Store

# Textual's own command-palette entries (App.get_system_commands), translated when shown.
TEXTUAL_COMMANDS = (
    N_("Theme"),
    N_("Change the current theme"),
    N_("Quit"),
    N_("Quit the application as soon as possible"),
    N_("Minimize"),
    N_("Minimize the widget and restore to normal size"),
    N_("Maximize"),
    N_("Maximize the focused widget"),
    N_("Screenshot"),
    N_("Save an SVG 'screenshot' of the current screen"),
)


# The screens one moves between by key (``app.go``), and who may open each. Storage
# refuses what a person may not see anyway; this only keeps the keys honest. Each is
# named by (module, class) and imported when first opened: a session starts with the
# modules of its first screen only (issue 14: start to the first queue page ≤ 1 s).
SCREENS: dict[str, tuple[str, str]] = {
    "tickets": ("screens.queue", "QueueScreen"),
    "figures": ("screens.my_figures", "MyFiguresScreen"),
    "rankings": ("screens.rankings", "RankingsScreen"),
    "staff": ("screens.staff_admin", "StaffAdminScreen"),
    "events": ("screens.events", "EventsScreen"),
    "scores": ("screens.scores", "ScoresScreen"),
}
NOTICE_SECONDS = 20  # the opening notice over the first screen (it goes with that screen)

HELP = ("screens.help", "HelpScreen")


def screen_class(where: tuple[str, str]) -> type[Screen]:
    module, name = where
    return getattr(importlib.import_module(module), name)


def showing(screen: Screen, where: tuple[str, str]) -> bool:
    """Whether ``screen`` is of that class; a class never imported has no screen open."""
    module, name = where
    loaded = sys.modules.get(module)
    return loaded is not None and isinstance(screen, getattr(loaded, name))


def may_open(user: Person, name: str) -> bool:
    if name == "figures":
        return user.role in RANKED_ROLES
    if name == "events":
        return user.role in (*RANKED_ROLES, "lead", "admin")
    if name in ("rankings", "staff", "scores"):
        return user.role in ("lead", "admin")
    return name in SCREENS


def first_screen(user: Person) -> Screen:
    """The screen a person starts on.

    Leads and admins start on the rankings, engineers on their own figures
    (their tickets are a key away), reps on the ticket queue.
    """
    if user.role in ("lead", "admin"):
        return screen_class(SCREENS["rankings"])()
    if user.role == "engineer":
        return screen_class(SCREENS["figures"])()
    return screen_class(SCREENS["tickets"])()


class FieldKpiApp(App):
    CSS_PATH = "app.tcss"
    TITLE = "fieldkpi"
    BINDINGS = actions.bindings(actions.APP)
    COMMANDS = App.COMMANDS | {actions.ActionCommands}
    # -phone: a phone held upright (about 46 columns): bars stack what would be cut.
    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [
        (0, "-phone"),
        (PHONE_BELOW, "-narrow"),
        (110, "-wide"),
    ]
    REFRESH_SECONDS = 1.5  # how often to ask SQLite whether someone else saved

    def __init__(
        self,
        store: Store,
        user: Person,
        *,
        now: Callable[[], datetime] | None = None,
        keymap: Mapping[str, str] | None = None,
        scheme_for: Callable[[str], Scheme] | None = None,
        notice: str = "",
    ) -> None:
        """``notice``: told once on opening (the demo says which clock it runs on)."""
        super().__init__()
        actions.translate_bindings(self, actions.APP)
        toasts.install()  # notices in Chinese break where the line is full
        self.store = store
        self.user = user
        self._now = now
        self.scheme_for = scheme_for or default_for_every_branch
        self.keymap = dict(keymap or {})
        self.notice = notice
        self._data_version: int | None = None
        # The scheme of the person's own branch, as last read in a worker (None: not yet, or
        # its file has a mistake). Keys ask it on every press; each load reads its own.
        self.own_scheme: Scheme | None = None
        self.collector = collector.IdleCollector()
        self.keys = KeyGate(self, self._let_in)

    def get_driver_class(self) -> type[Driver]:
        """Textual's driver for the terminal, which on Linux reads a paste whole and in order
        (:mod:`screens.terminal_input`)."""
        driver = super().get_driver_class()
        return PasteSafeDriver if driver is LinuxDriver else driver

    def now(self) -> datetime:
        """The clock every step is stamped with (tests pass a fixed one)."""
        return (self._now() if self._now else datetime.now()).replace(microsecond=0)

    def on_mount(self) -> None:
        self._name_in_header()
        if self.keymap:
            self.set_keymap(self.keymap)
        first = first_screen(self.user)
        self.push_screen(first)
        if self.notice:
            self._tell_notice(first)
        self.check_for_changes()
        self._read_own_scheme()
        self.set_interval(self.REFRESH_SECONDS, self.check_for_changes)
        self.collector.start()
        self.set_interval(collector.TICK, self._paused)

    def _tell_notice(self, first: Screen) -> None:
        """The opening notice, over the first screen only: it goes as the person opens
        another, where it covered a form's fields and its Save button for 20 s."""
        notice = Notification(self.notice, "", "information", NOTICE_SECONDS, markup=False)
        self.post_message(Notify(notice))

        def left(screen: Screen) -> None:
            if screen is first or self._batch_count:  # the queue's warm-up, unseen
                return
            self.screen_change_signal.unsubscribe(self)
            if notice in self._notifications:
                self._unnotify(notice)

        # At once: posted for later, it came after the warm-up's batch, which took it for a
        # screen the person opened (the notice went in the first 2 s pause).
        self.screen_change_signal.subscribe(self, left, immediate=True)

    def _paused(self) -> None:
        """In a pause the collector runs; in the first, F1's module is imported too; and the
        screen shown composes, once, the screens its keys open (a queue's ``warm_up``, asked
        at each tick of a pause: its first page may come after the pause began)."""
        try:
            screen = self.screen
        except ScreenStackError:  # a tick as the app closes, its last screen gone
            return
        self.keys.tick()
        if self.collector.tick() and HELP[0] not in sys.modules:
            self._import_help()
        if not self.collector.idle():
            return
        warm_up = getattr(screen, "warm_up", None)
        if warm_up is not None:
            self.call_later(warm_up)

    @work(thread=True, exit_on_error=False, group="warm-up")
    def _import_help(self) -> None:
        """F1's help and its Markdown parser take ~80 ms to import: done in a pause, not on
        the first F1. An import that fails fails again on F1, which reports it."""
        with contextlib.suppress(Exception):
            importlib.import_module(HELP[0])

    def on_unmount(self) -> None:
        self.collector.stop()

    async def on_event(self, event: events.Event) -> None:
        """A key or a click puts off the next full collection (:mod:`screens.collector`);
        keys and pastes go in one at a time (:mod:`screens.keygate`)."""
        if isinstance(event, events.Key | events.MouseDown) and not event.is_forwarded:
            self.collector.touched()
        if isinstance(event, events.Key | events.Paste) and not event.is_forwarded:
            if self.keys.admit(event):
                await self._let_in(event)
            return
        await super().on_event(event)

    async def _let_in(self, event: events.Event) -> None:
        """The key or paste as Textual hands it on: a priority key's action, or the focus."""
        target = self.focused or self.screen
        await super().on_event(event)
        self.keys.passed(target)

    def on_resize(self, event: events.Resize) -> None:
        # The event's size: this runs before Textual's own handler gives the app its new one.
        self._name_in_header(event.size.width)

    def _name_in_header(self, width: int | None = None) -> None:
        """Who is signed in; on a phone just the name, so that the screen's title is not cut."""
        user = self.user
        role = labels.label(labels.ROLE, user.role)
        wide = (width or self.size.width) >= PHONE_BELOW
        title = f"{user.name} · {role} · {user.branch}" if wide else user.name
        self.sub_title = plain(title).plain

    def check_for_changes(self) -> None:
        """Ask for ``PRAGMA data_version`` unless the last question is still waiting.

        A reading waits while another thread of this process writes; one
        waiting reading is enough.
        """
        if not any(w.group == "data-version" and w.is_running for w in self.workers):
            self._read_data_version()

    @work(thread=True, exclusive=True, exit_on_error=False, group="data-version")
    def _read_data_version(self) -> None:
        self.post_message(DataChanged(self.store.data_version()))

    @on(DataChanged)
    def _data_version_read(self, message: DataChanged) -> None:
        """Pass a change on to every open screen; the first reading is only remembered."""
        seen, self._data_version = self._data_version, message.data_version
        if seen is not None and seen != message.data_version:
            self.tell_screens(message.data_version)

    def tell_screens(self, data_version: int, *, besides: Sequence[Screen] = ()) -> None:
        """Every open screen (but ``besides``) reads its data again.

        Another session's save is seen in ``PRAGMA data_version``; a save made in
        this session, on the app's one connection, is not, so forms say so here.
        """
        self._read_own_scheme()  # a lead may have switched the branch's preset
        for screen in self.screen_stack:
            if screen not in besides:
                screen.post_message(DataChanged(data_version))

    @work(thread=True, exclusive=True, exit_on_error=False, group="own-scheme")
    def _read_own_scheme(self) -> None:
        """Read the own branch's scheme off the UI thread: a preset is a query, a file is read."""
        try:
            scheme = self.scheme_for(self.user.branch)
        except Exception:  # a file with a mistake: the screens' loads say what it is
            scheme = None
        self.post_message(SchemeRead(scheme))

    @on(SchemeRead)
    def _own_scheme_read(self, message: SchemeRead) -> None:
        self.own_scheme = message.scheme
        if self.screen_stack:  # not when the read ends as the app closes, its screens gone
            self.refresh_bindings()  # a key the scheme decides may have come or gone

    def get_system_commands(self, screen: Screen) -> Iterator[SystemCommand]:
        """Textual's own palette commands, in the person's language; not its "Keys" panel,
        which lists its widgets' keys in English only, squeezes a phone's screen to a strip
        and stays until the same command hides it: F1's help says each screen's keys."""
        for command in super().get_system_commands(screen):
            if command.title != "Keys":
                yield command._replace(title=_(command.title), help=_(command.help))

    def action_command_palette(self) -> None:
        """Textual's palette, with its prompt in the person's language."""
        if self.use_command_palette and not CommandPalette.is_open(self):
            placeholder = _("Search for commands…")
            self.push_screen(CommandPalette(placeholder=placeholder, id="--command-palette"))

    def action_help_quit(self) -> None:
        """Ctrl+C copies rather than quits: say which key quits, as Textual does, translated."""
        for active in self.active_bindings.values():
            if active.binding.action in ("quit", "app.quit"):
                self.notify(
                    _("Press {key} to quit fieldkpi.").format(
                        key=self.get_key_display(active.binding)
                    ),
                    title=_("Do you want to quit?"),
                )
                return

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "go":
            (name,) = parameters
            return may_open(self.user, name) and not showing(self.screen, SCREENS[name])
        return True

    def action_go(self, name: str) -> None:
        """Show that screen: back down the stack if it is open, on top if not."""
        if not may_open(self.user, name):
            return
        where = SCREENS[name]
        if not any(showing(screen, where) for screen in self.screen_stack):
            self.push_screen(screen_class(where)())
            return
        while not showing(self.screen, where):
            self.pop_screen()

    def action_help(self) -> None:
        """The help of the screen's scope, composed once a session and kept."""
        if showing(self.screen, HELP):
            return
        scope = getattr(self.screen, "ACTION_SCOPE", actions.APP)
        name = f"help-{scope}"
        if not self.is_screen_installed(name):
            self.install_screen(screen_class(HELP)(scope), name)
        self.push_screen(name)

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
        names: Iterable[str] = (),
    ) -> None:
        """Every toast is plain text, whatever the caller asked: messages quote names and codes.
        ``names``: the people it names, each kept on one line (:class:`toasts.Naming`).

        Screens' and widgets' ``notify`` come here too (asking for markup by default).
        """
        notice = toasts.Naming(
            plain(message).plain,
            plain(title).plain,
            severity,
            self.NOTIFICATION_TIMEOUT if timeout is None else timeout,
            markup=False,
            names=tuple(names),
        )
        self.post_message(Notify(notice))

    @on(LoadFailed)
    def _load_failed(self, message: LoadFailed) -> None:
        """A failure no screen showed in place (a widget's list, help): a toast at least."""
        self.notify(message.message, severity="error")

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        """The app's own worker (the change poll) failed: say so instead of crashing.

        Screens read through :func:`screens.loading.reader`, whose failures come
        as ``LoadFailed``: Textual tells a worker's state only to its own node.
        """
        if event.state == WorkerState.ERROR:
            self.notify(failure_message(event.worker.error), severity="error")
