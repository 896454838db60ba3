"""The fieldkpi TUI: one person signed in, working on one database shared with others.

The store is handed in (no connection is opened at import time), so tests and
the CLI each bring their own. The app polls ``PRAGMA data_version`` in a worker
and tells the screens when another connection has committed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import ClassVar

from textual import on, work
from textual.app import App
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from fieldkpi.figures import Person
from fieldkpi.i18n import _
from screens import actions, labels
from screens.help import HelpScreen
from screens.messages import DataChanged
from screens.queue import QueueScreen
from storage.db import Store


def first_screen(user: Person) -> Screen:
    """The screen a person starts on.

    Reps and engineers get the ticket queue (an engineer's holds only their
    own tickets). Leads and admins will start on the rankings screen once it
    exists (another issue); until then they get the queue as well.
    """
    return QueueScreen()


class FieldKpiApp(App):
    CSS_PATH = "app.tcss"
    TITLE = "fieldkpi"
    BINDINGS = actions.bindings(actions.APP)
    COMMANDS = App.COMMANDS | {actions.ActionCommands}
    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [(0, "-narrow"), (110, "-wide")]
    REFRESH_SECONDS = 1.5  # how often to ask SQLite whether someone else saved

    def __init__(
        self,
        store: Store,
        user: Person,
        *,
        now: Callable[[], datetime] | None = None,
        keymap: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__()
        actions.translate_bindings(self, actions.APP)
        self.store = store
        self.user = user
        self._now = now
        self.keymap = dict(keymap or {})
        self._data_version: int | None = None

    def now(self) -> datetime:
        """The clock every step is stamped with (tests pass a fixed one)."""
        return (self._now() if self._now else datetime.now()).replace(microsecond=0)

    def on_mount(self) -> None:
        user = self.user
        role = labels.label(labels.ROLE, user.role)
        self.sub_title = f"{user.name} · {role} · {user.branch}"
        if self.keymap:
            self.set_keymap(self.keymap)
        self.push_screen(first_screen(user))
        self.check_for_changes()
        self.set_interval(self.REFRESH_SECONDS, self.check_for_changes)

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
            for screen in self.screen_stack:
                screen.post_message(DataChanged(message.data_version))

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        """A storage call failed in a way no form expects: say so instead of crashing."""
        if event.state == WorkerState.ERROR:
            self.notify(f"{event.worker.error}", title=_("Something went wrong"), severity="error")
