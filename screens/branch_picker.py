"""The branch a screen shows: chosen from a list by an admin, fixed to their own for anyone else.

Only a convenience: storage refuses another branch's rankings or staff to
whoever may not see them, whatever this widget offers. The list is read as the
screen opens and again each time the admin goes to it: a branch that an import
(another session) has brought since is there, with no restart.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Label, Select

from fieldkpi import access
from fieldkpi.i18n import _
from fieldkpi.plain import plain
from screens.dropdown import Dropdown
from screens.loading import reader
from screens.messages import ChoicesLoaded
from storage.staff import branches


class BranchPicker(Horizontal):
    DEFAULT_CSS = """
    BranchPicker {
        width: auto;
        height: 1;
        margin-right: 2;
    }
    BranchPicker Select {
        width: 20;
    }
    """

    @dataclass
    class Chosen(Message):
        """The person picked another branch."""

        branch: str

    def __init__(self, branch: str) -> None:
        super().__init__()
        self.branch = branch
        self.can_choose = access.may_choose_branch(self.app.user)
        self.choices: list[tuple[str, str | None]] = []  # the branches listed, as last read

    def compose(self) -> ComposeResult:
        yield Label(_("Branch") + " ", classes="bar-label")
        if self.can_choose:
            yield Dropdown(
                [(plain(self.branch), self.branch)],
                value=self.branch,
                allow_blank=False,
                compact=True,
            )
        else:
            yield Label(plain(self.branch), id="branch-code")

    def on_mount(self) -> None:
        if self.can_choose:
            self._load()

    @on(events.DescendantFocus)
    def _to_be_chosen(self, event: events.DescendantFocus) -> None:
        """The admin is at the list (``b``, a click): read the branches as they are now,
        each time the field takes the focus (back from its own menu too: one small query,
        and a list that has not changed is left as it is)."""
        if isinstance(event.widget, Select):
            self._load()

    @reader("branches")
    def _load(self) -> None:
        self.post_message(ChoicesLoaded(branches(self.app.store)))

    @on(ChoicesLoaded)
    def _loaded(self, message: ChoicesLoaded) -> None:
        message.stop()
        if message.choices == self.choices:  # as listed: an open menu is left as it is
            return
        self.choices = message.choices
        options = [(plain(f"{code} {name or ''}".strip()), code) for code, name in message.choices]
        select = self.query_one(Select)
        with self.prevent(Select.Changed):
            select.set_options(options)
            select.value = self.branch

    @on(Select.Changed)
    def _changed(self, event: Select.Changed) -> None:
        event.stop()
        if event.value is not Select.NULL and event.value != self.branch:
            self.branch = str(event.value)
            self.post_message(self.Chosen(self.branch))

    def open(self) -> None:
        """Put the focus on the list (admins only)."""
        if self.can_choose:
            self.query_one(Select).focus()
