"""Staff and their logins, as an admin manages them from the staff screen.

A login decides who a person is when they open fieldkpi (``--as`` or ``$USER``),
so only an admin adds people or changes logins and leaving dates; a lead may
read their own branch's list (:mod:`fieldkpi.access`).

History stays true: a person is never deleted and their code, role and branch
never change, because tickets, actions, deductions and past rankings refer to
them by code and count them in their role and branch. Someone who leaves gets a
``left_on`` date (their past months still rank them); someone who moves branch
or role leaves and is added again under a new code. A login is only a way in:
it can be given, changed or taken away at any time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from fieldkpi import access
from fieldkpi.cleantext import clean_name
from fieldkpi.figures import Person
from fieldkpi.i18n import _, join_list
from fieldkpi.limits import too_long
from storage.csvrows import CODE, LOGIN, CellError, calendar_date  # as the import takes them
from storage.db import Store
from storage.employment import has_left_sql
from storage.errors import Changed, NotFound
from storage.measures import person_from_row
from storage.migrations import ROLES
from storage.typed import FieldErrors


@dataclass(frozen=True)
class StaffMember:
    """One line of the staff list: the person and the login they sign in with (if any)."""

    person: Person
    login: str | None


def branches(store: Store) -> list[tuple[str, str | None]]:
    """Every branch as ``(code, name)``, by code: branch names are no secret."""
    return [
        (row[0], row[1]) for row in store.query("SELECT code, name FROM branches ORDER BY code")
    ]


def list_staff(store: Store, actor: Person, branch: str, today: date) -> list[StaffMember]:
    """The branch's staff by role, those who have left by ``today`` after the others (someone
    whose leaving day is today or still to come works here), then by staff code (Chinese
    names sorted by their code points follow no order a person knows; the codes are the
    branch's)."""
    access.check_see_staff(actor, branch)
    rows = store.query(
        f"""
        SELECT code, name, branch, role, hired_on, left_on, login FROM staff WHERE branch = ?
        ORDER BY CASE role WHEN 'lead' THEN 0 WHEN 'rep' THEN 1 WHEN 'engineer' THEN 2 ELSE 3 END,
                 {has_left_sql("left_on", "?")}, code
        """,
        (branch, today.isoformat()),
    )
    return [StaffMember(person_from_row(row), row["login"]) for row in rows]


def add_staff(
    store: Store,
    actor: Person,
    *,
    code: str,
    name: str,
    role: str,
    branch: str,
    login: str = "",
    hired_on: str = "",
    now: datetime | None = None,
) -> StaffMember:
    """A new person of an existing branch, with a login if given; refused field by field."""
    access.check_manage_staff(actor)
    errors: dict[str, str] = {}
    code = code.strip()
    if not CODE.fullmatch(code):
        errors["code"] = _("A code is 1 to 20 letters, digits, - or _.")
    name = clean_name(name).strip()  # no bidi override or zero-width character: names must match
    if not name:
        errors["name"] = _("Enter the person's name.")
    elif too_long("name", name):
        errors["name"] = too_long("name", name)
    if role not in ROLES:
        errors["role"] = _("Choose one of: {roles}.").format(roles=join_list(ROLES))
    login = _login(errors, login)
    hired = _date(errors, "hired_on", hired_on)
    # Checked inside the write transaction (BEGIN IMMEDIATE): no other writer can take
    # the code or the login between the check and the insert.
    with store.write_as(actor, now or datetime.now()) as db:
        if not store.scalar("SELECT 1 FROM branches WHERE code = ?", (branch,)):
            errors["branch"] = _("There is no branch {code}.").format(code=branch)
        if code and store.scalar("SELECT 1 FROM staff WHERE code = ?", (code,)):
            errors["code"] = _("Code {code} is taken: codes are never reused.").format(code=code)
        _check_login_free(store, errors, login, None)
        if errors:
            raise FieldErrors(errors)
        db.execute(
            "INSERT INTO staff (code, name, role, branch, hired_on, login)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (code, name, role, branch, hired, login),
        )
    return _member(store, code)


class StaffChanged(Changed):
    """Another admin changed the person's login or leaving day while this one typed."""

    def __init__(self, current: StaffMember, message: str) -> None:
        self.current = current
        super().__init__(message)


def set_login(
    store: Store,
    actor: Person,
    code: str,
    login: str,
    *,
    was: str | None,
    now: datetime | None = None,
) -> StaffMember:
    """Give, change or (with an empty login) take away the login a person signs in with.

    ``was`` is the login the admin saw; if it has changed since, nothing is
    saved (:class:`StaffChanged`).
    """
    access.check_manage_staff(actor)
    errors: dict[str, str] = {}
    login = _login(errors, login)
    if code == actor.code and login is None:
        errors["login"] = _("You would lock yourself out: ask another admin.")
    with store.write_as(actor, now or datetime.now()) as db:
        member = _member(store, code)
        if member.login != was:
            message = _("The login of {name} was changed to {login} while you were typing.")
            login_now = f"“{member.login}”" if member.login else _("none")
            raise StaffChanged(member, message.format(name=member.person.name, login=login_now))
        _check_login_free(store, errors, login, code)
        if errors:
            raise FieldErrors(errors)
        db.execute("UPDATE staff SET login = ? WHERE code = ?", (login, code))
    return _member(store, code)


def set_left_on(
    store: Store,
    actor: Person,
    code: str,
    left_on: str,
    *,
    was: date | None,
    now: datetime | None = None,
) -> StaffMember:
    """Record the day a person left (empty: they work here again); never before they were hired.

    From that day they are no longer offered for dispatch or ranked; the
    months they worked keep their figures. ``was`` is the day the admin saw;
    if it has changed since, nothing is saved (:class:`StaffChanged`).
    """
    access.check_manage_staff(actor)
    errors: dict[str, str] = {}
    left = _date(errors, "left_on", left_on)
    if code == actor.code and left is not None:
        errors["left_on"] = _("Your own leaving is recorded by another admin.")
    with store.write_as(actor, now or datetime.now()) as db:
        member = _member(store, code)
        if member.person.left_on != was:
            message = _("The leaving day of {name} was changed to {day} while you were typing.")
            day = member.person.left_on or _("none")
            raise StaffChanged(member, message.format(name=member.person.name, day=day))
        hired = member.person.hired_on
        if left is not None and hired is not None and date.fromisoformat(left) < hired:
            errors["left_on"] = _("{left} is before the day they were hired ({hired}).").format(
                left=left, hired=hired.isoformat()
            )
        if errors:
            raise FieldErrors(errors)
        db.execute("UPDATE staff SET left_on = ? WHERE code = ?", (left, code))
    return _member(store, code)


def _member(store: Store, code: str) -> StaffMember:
    rows = store.query(
        "SELECT code, name, branch, role, hired_on, left_on, login FROM staff WHERE code = ?",
        (code,),
    )
    if not rows:
        raise NotFound(_("There is nobody with the code {code}.").format(code=code))
    return StaffMember(person_from_row(rows[0]), rows[0]["login"])


def _login(errors: dict[str, str], text: str) -> str | None:
    """The login as stored: ``None`` for none."""
    text = text.strip()
    if text and not LOGIN.fullmatch(text):
        errors["login"] = _("A login is the account name: letters, digits, . _ - (up to 32).")
    return text or None


def _date(errors: dict[str, str], field: str, text: str) -> str | None:
    text = text.strip()
    if not text:
        return None
    try:
        return calendar_date(text)
    except CellError as exc:
        errors[field] = str(exc)
        return None


def _check_login_free(store: Store, errors: dict[str, str], login: str | None, code: str | None):
    if login is None or "login" in errors:
        return
    owner = store.scalar("SELECT code FROM staff WHERE login = ?", (login,))
    if owner is not None and owner != code:
        errors["login"] = _("Login {login} belongs to {owner}.").format(login=login, owner=owner)
