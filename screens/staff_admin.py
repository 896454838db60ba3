"""Staff and logins: who works in a branch, and the login each signs in with.

An admin adds people, gives or changes logins and records leaving days; a
lead sees their own branch's list only. Storage enforces both
(:mod:`storage.staff`); the keys an admin alone may use are simply off for a lead.
"""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import DataTable, Header, Label, Static

from fieldkpi import access
from fieldkpi.employment import has_left
from fieldkpi.i18n import _, ngettext
from fieldkpi.plain import CELL_WIDTH, plain
from screens import actions, labels, tables
from screens.branch_picker import BranchPicker
from screens.footer import KeyFooter
from screens.form import Field, FormScreen
from screens.labels import N_
from screens.linebreaks import Prose
from screens.loading import reader
from screens.messages import DataChanged, Loaded, LoadFailed
from storage.errors import Changed
from storage.migrations import ROLES
from storage.staff import (
    StaffChanged,
    StaffMember,
    add_staff,
    list_staff,
    set_left_on,
    set_login,
)

LEFT_STYLE = "dim"
MANAGING = frozenset({"new_person", "set_login", "set_left_on"})  # the keys that change staff
# Cells of a name in the list: a 40-letter name (the longest allowed) would push the dates
# off an 80-column terminal; cut with "…", it is whole under the list for the line under the
# cursor (a lead opens no form) and in the person's forms (l, x).
NAME_WIDTH = 16


def staff_cells(member: StaffMember, today: date) -> tuple:
    """One line of the list; someone who has left is dimmed (not on their leaving day, nor
    for a leaving day recorded ahead: they still work here)."""
    person = member.person
    style = LEFT_STYLE if has_left(person.left_on, today) else ""
    return tuple(
        plain(text, width, style=style)
        for text, width in (
            (person.code, CELL_WIDTH),
            (person.name, NAME_WIDTH),
            (labels.label(labels.ROLE, person.role), CELL_WIDTH),
            (member.login or "—", CELL_WIDTH),
            (person.hired_on.isoformat() if person.hired_on else "—", CELL_WIDTH),
            (person.left_on.isoformat() if person.left_on else "", CELL_WIDTH),
        )
    )


class StaffAdminScreen(actions.ScopedKeys, Screen):
    ACTION_SCOPE = actions.STAFF
    CSS_PATH: ClassVar[list[str]] = ["months.tcss", "staff_admin.tcss"]

    def __init__(self) -> None:
        super().__init__()
        self.branch = self.app.user.branch
        self.members: list[StaffMember] = []
        self.request = 0
        self._select: str | None = None  # the person to put the cursor on after a reload

    @property
    def is_admin(self) -> bool:
        return access.may_manage_staff(self.app.user)

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="staff-bar"):
            yield BranchPicker(self.branch)
            if not self.is_admin:
                yield Label(_("read only: an admin changes staff"), classes="bar-hint")
        yield DataTable(id="staff", cursor_type="row", zebra_stripes=True)
        yield Prose("", id="staff-detail")  # the whole name of the line under the cursor
        yield Static("", id="staff-status")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.title = _("Staff")
        self.query_one("#staff", DataTable).focus()
        self.reload()

    @property
    def labels(self) -> list[str]:
        return [_("Code"), _("Name"), _("Role"), _("Login"), _("Hired"), _("Left")]

    def reload(self, select: str | None = None) -> None:
        self.request += 1
        self._select = select
        self._load(self.request, self.branch)

    @reader("staff")
    def _load(self, request: int, branch: str) -> None:
        app = self.app
        members = list_staff(app.store, app.user, branch, app.now().date())
        self.post_message(Loaded(request, members))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        if message.request != self.request:
            return
        table = self.query_one("#staff", DataTable)
        current = self.selected
        code = self._select or (current.person.code if current else None)
        self.members = message.data
        today = self.app.now().date()
        tables.fill(table, self.labels, [staff_cells(m, today) for m in self.members])
        found = next((i for i, m in enumerate(self.members) if m.person.code == code), 0)
        if self.members:
            table.move_cursor(row=found, animate=False)
        left = sum(1 for m in self.members if has_left(m.person.left_on, today))
        logins = sum(1 for m in self.members if m.login)
        self.query_one("#staff-status", Static).update(
            plain(
                ngettext(
                    "{n} person · {left} left · {logins} with a login",
                    "{n} people · {left} left · {logins} with a login",
                    len(self.members),
                ).format(n=len(self.members), left=left, logins=logins)
            )
        )
        self._show_detail()
        self.refresh_bindings()

    @on(DataTable.RowHighlighted)
    def _show_detail(self) -> None:
        """The person under the cursor, their name whole (the list may cut it)."""
        member = self.selected
        text = "" if member is None else f"{member.person.code} · {member.person.name}"
        self.query_one("#staff-detail", Prose).update(plain(text))

    @on(LoadFailed)
    def _failed(self, message: LoadFailed) -> None:
        message.stop()
        self.query_one("#staff-status", Static).update(plain(message.message))
        self.notify(message.message, severity="error")

    @on(BranchPicker.Chosen)
    def _branch_chosen(self, message: BranchPicker.Chosen) -> None:
        self.branch = message.branch
        self.reload()
        self.query_one("#staff", DataTable).focus()

    @on(DataChanged)
    def _someone_saved(self) -> None:
        self.reload()

    @property
    def selected(self) -> StaffMember | None:
        row = self.query_one("#staff", DataTable).cursor_row
        return self.members[row] if 0 <= row < len(self.members) else None

    def offers(self, action: str) -> bool:
        """Whether this person ever uses ``action`` here (the footer's and F1 help's rule,
        :func:`screens.actions.offered`): a lead reads the list; adding people, logins,
        leaving dates and other branches are an admin's."""
        if action in MANAGING:
            return self.is_admin
        return action != "choose_branch" or access.may_choose_branch(self.app.user)

    def allows_now(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("set_login", "set_left_on"):
            return self.selected is not None
        return True

    def action_new_person(self) -> None:
        self.app.push_screen(NewPersonForm(self.branch), callback=self._saved)

    def action_set_login(self) -> None:
        if self.selected is not None:
            self.app.push_screen(LoginForm(self.selected), callback=self._saved)

    def action_set_left_on(self) -> None:
        if self.selected is not None:
            self.app.push_screen(LeftOnForm(self.selected), callback=self._saved)

    def _saved(self, member: StaffMember | None) -> None:
        if member is None:
            return
        person = member.person
        left = person.left_on.isoformat() if person.left_on else "—"
        self.notify(  # what each form changes: a login, a leaving date (a new person: both)
            _("Saved {name} ({code}): login {login}, leaves {left}").format(
                name=person.name, code=person.code, login=member.login or "—", left=left
            )
        )
        self.reload(select=person.code)

    def action_choose_branch(self) -> None:
        self.query_one(BranchPicker).open()

    def action_refresh(self) -> None:
        self.reload()


class StaffForm(FormScreen):
    def ready(self) -> bool:
        return True


class NewPersonForm(StaffForm):
    SAVE_LABEL = N_("Add")

    def __init__(self, branch: str) -> None:
        super().__init__()
        self.branch = branch

    def heading(self) -> str:
        return _("New person in branch {branch}").format(branch=self.branch)

    def fields(self) -> list[Field]:
        roles = tuple((labels.label(labels.ROLE, role), role) for role in ROLES)
        return [
            Field("code", N_("Code"), placeholder=N_("unique, never reused: R7, E12 …")),
            Field("name", N_("Name")),
            Field("role", N_("Role"), kind="select", options=roles),
            Field("login", N_("Login"), placeholder=N_("their account name (optional)")),
            Field("hired_on", N_("Hired on"), placeholder="YYYY-MM-DD"),
        ]

    def perform(self, values: dict[str, Any], version: int | None) -> Any:
        app = self.app
        return add_staff(app.store, app.user, branch=self.branch, now=app.now(), **values)


class MemberForm(StaffForm):
    """A change to one person, saved only over what the admin saw of them."""

    def __init__(self, member: StaffMember) -> None:
        super().__init__()
        self.member = member

    def read_again(self, changed: Changed) -> None:
        """What another admin saved is what a second save replaces (the message says what)."""
        if isinstance(changed, StaffChanged):
            self.member = changed.current


class LoginForm(MemberForm):
    SAVE_LABEL = N_("Save login")

    def heading(self) -> str:
        person = self.member.person
        return _("Login of {name} ({code})").format(name=person.name, code=person.code)

    def fields(self) -> list[Field]:
        return [
            Field(
                "login",
                N_("Login"),
                value=self.member.login or "",
                placeholder=N_("empty: they can no longer sign in"),
            )
        ]

    def perform(self, values: dict[str, Any], version: int | None) -> Any:
        app, member = self.app, self.member
        return set_login(
            app.store,
            app.user,
            member.person.code,
            values["login"],
            was=member.login,
            now=app.now(),
        )


class LeftOnForm(MemberForm):
    SAVE_LABEL = N_("Save")

    def heading(self) -> str:
        person = self.member.person
        return _("Leaving day of {name} ({code})").format(name=person.name, code=person.code)

    def fields(self) -> list[Field]:
        left = self.member.person.left_on
        return [
            Field(
                "left_on",
                N_("Left on"),
                value=left.isoformat() if left else "",
                placeholder=N_("YYYY-MM-DD (empty: works here)"),
            )
        ]

    def perform(self, values: dict[str, Any], version: int | None) -> Any:
        app, member = self.app, self.member
        return set_left_on(
            app.store,
            app.user,
            member.person.code,
            values["left_on"],
            was=member.person.left_on,
            now=app.now(),
        )
