"""Staff and logins: only an admin changes them, every field is checked, and history stays true.

Staff of ``month_helpers`` (GZ, SZ, an admin A1 at HQ); none has a login yet.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
from month_helpers import OCTOBER, STAFF, load, person
from textual.widgets import DataTable
from tui_helpers import (
    SIZE,
    async_test,
    notices,
    press,
    screen_text,
    settle,
    table_rows,
    text_of,
)
from tui_helpers import type_text as paste

from fieldkpi.access import AccessDenied
from fieldkpi.period import judge
from fieldkpi.scheme import default_for_every_branch, default_scheme
from screens.app import FieldKpiApp
from screens.staff_admin import LeftOnForm, LoginForm, NewPersonForm, StaffAdminScreen
from storage.db import open_store
from storage.people import staff_by_login
from storage.rankings import compute_rankings
from storage.staff import StaffChanged, add_staff, list_staff, set_left_on, set_login
from storage.typed import FieldErrors

NOW = datetime(2026, 11, 5, 9, 0)


@pytest.fixture
def staff(store):
    load(store, staff=STAFF)
    set_login(store, person(store, "A1"), "A1", "admin", was=None)
    set_login(store, person(store, "A1"), "L1", "zhoujl", was=None)
    return store


def staff_app(store, code: str) -> FieldKpiApp:
    """The app signed in as ``code`` of the staff fixture, on its fixed clock and scheme."""
    return FieldKpiApp(
        store, person(store, code), now=lambda: NOW, scheme_for=lambda _b: default_scheme()
    )


def _add(store, who="A1", **fields):
    values = {"code": "R7", "name": "钱多多", "role": "rep", "branch": "GZ"} | fields
    return add_staff(store, person(store, who), **values)


@pytest.mark.parametrize(
    "who", ["E1", "R1", "L1", "L2"], ids=["engineer", "rep", "lead", "lead SZ"]
)
def test_only_an_admin_changes_staff(staff, who):
    actor = person(staff, who)
    with pytest.raises(AccessDenied):
        _add(staff, who)
    with pytest.raises(AccessDenied):
        set_login(staff, actor, "E1", "chen", was=None)
    with pytest.raises(AccessDenied):
        set_left_on(staff, actor, "E1", "2026-11-01", was=None)
    assert staff_by_login(staff, "chen") is None and person(staff, "E1").left_on is None


@pytest.mark.parametrize(
    ("who", "branch"), [("E1", "GZ"), ("R1", "GZ"), ("S1", "GZ"), ("L2", "GZ"), ("L1", "SZ")]
)
def test_the_staff_list_is_for_the_branch_lead_and_admins(staff, who, branch):
    with pytest.raises(AccessDenied):
        list_staff(staff, person(staff, who), branch, NOW.date())


def test_the_list_shows_everyone_of_the_branch_with_logins(staff):
    listed = list_staff(staff, person(staff, "L1"), "GZ", NOW.date())
    assert [(m.person.code, m.login) for m in listed] == [
        ("L1", "zhoujl"),
        ("R1", None),
        ("R2", None),
        ("X1", None),  # 赵敏 left in September: listed after those still here
        ("E1", None),  # by code, though 刘洋 (E2) comes first by the code points of names
        ("E2", None),
    ]
    assert list_staff(staff, person(staff, "A1"), "SZ", NOW.date())[0].person.code == "L2"


def test_someone_leaving_today_or_later_is_listed_with_those_still_here(staff):
    """The leaving day is a day worked (fieldkpi.employment): 张伟 (R1), leaving today, is
    listed among those still here; from the day after, among those who have left."""
    set_left_on(staff, person(staff, "A1"), "R1", NOW.date().isoformat(), was=None)

    def reps(day: date) -> list[str]:
        listed = list_staff(staff, person(staff, "L1"), "GZ", day)
        return [m.person.code for m in listed if m.person.role == "rep"]

    assert reps(NOW.date()) == ["R1", "R2", "X1"]
    assert reps(date(2026, 11, 6)) == ["R2", "R1", "X1"]


def test_an_added_login_signs_in_and_a_removed_one_no_longer_does(staff):
    added = _add(staff, login="qianduo", hired_on="2026/11/01")
    assert added.person.hired_on == date(2026, 11, 1) and added.login == "qianduo"
    assert staff_by_login(staff, "qianduo") == added.person
    set_login(staff, person(staff, "A1"), "R7", "qdd", was="qianduo")
    assert staff_by_login(staff, "qianduo") is None
    assert staff_by_login(staff, "qdd").code == "R7"
    set_login(staff, person(staff, "A1"), "R7", "  ", was="qdd")
    assert staff_by_login(staff, "qdd") is None


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"code": "R1"}, {"code": "Code R1 is taken: codes are never reused."}),
        ({"code": "R 7"}, {"code": "A code is 1 to 20 letters, digits, - or _."}),
        ({"name": " \x1b "}, {"name": "Enter the person's name."}),
        ({"role": "boss"}, {"role": "Choose one of: rep, engineer, lead, admin."}),
        ({"branch": "XX"}, {"branch": "There is no branch XX."}),
        ({"login": "zhoujl"}, {"login": "Login zhoujl belongs to L1."}),
        ({"login": "zhou jl"}, {"login": "A login is the account name: letters, digits, . _ - (up to 32)."}),
        ({"hired_on": "2026-02-30"}, {"hired_on": "no such date: “2026-02-30”"}),
    ],
)  # fmt: skip
def test_a_new_person_is_refused_field_by_field(staff, fields, errors):
    with pytest.raises(FieldErrors) as refused:
        _add(staff, **fields)
    assert refused.value.errors == errors
    assert person_count(staff) == 10


def person_count(store) -> int:
    return store.scalar("SELECT count(*) FROM staff")


def test_logins_stay_unique_and_an_admin_keeps_their_own(staff):
    admin = person(staff, "A1")
    with pytest.raises(FieldErrors) as refused:
        set_login(staff, admin, "R1", "zhoujl", was=None)
    assert refused.value.errors == {"login": "Login zhoujl belongs to L1."}
    set_login(
        staff, admin, "L1", "zhoujl", was="zhoujl"
    )  # giving someone their own login again is fine
    with pytest.raises(FieldErrors) as refused:
        set_login(staff, admin, "A1", "", was="admin")
    assert refused.value.errors == {"login": "You would lock yourself out: ask another admin."}
    with pytest.raises(FieldErrors):
        set_left_on(staff, admin, "A1", "2026-11-01", was=None)
    assert staff_by_login(staff, "admin").code == "A1"


def test_leaving_keeps_the_months_worked_and_never_predates_hiring(staff):
    admin = person(staff, "A1")
    with pytest.raises(FieldErrors) as refused:
        set_left_on(staff, admin, "R1", "2024-12-31", was=None)  # hired 2025-01-01
    assert refused.value.errors == {
        "left_on": "2024-12-31 is before the day they were hired (2025-01-01)."
    }
    assert set_left_on(staff, admin, "R1", "2026-10-20", was=None).person.left_on == date(
        2026, 10, 20
    )

    def ranked(month):
        rows = compute_rankings(
            staff, judge(month, NOW), default_for_every_branch, branch="GZ", roles=["rep"]
        )
        return [row.staff_code for row in rows]

    assert "R1" in ranked(OCTOBER)  # worked part of October: still ranked in it
    assert "R1" not in ranked(OCTOBER.shift(1))
    assert (
        set_left_on(staff, admin, "R1", "", was=date(2026, 10, 20)).person.left_on is None
    )  # back again
    assert "R1" in ranked(OCTOBER.shift(1))


def test_a_change_typed_against_what_another_admin_has_since_changed_is_refused(staff):
    admin = person(staff, "A1")
    set_login(staff, admin, "R1", "wangf", was=None)  # another admin, first
    with pytest.raises(StaffChanged) as refused:
        set_login(staff, admin, "R1", "fang", was=None)
    assert str(refused.value) == "The login of 张伟 was changed to “wangf” while you were typing."
    assert staff_by_login(staff, "wangf").code == "R1"  # theirs stands
    set_login(staff, admin, "R1", "fang", was=refused.value.current.login)  # knowingly
    assert staff_by_login(staff, "fang").code == "R1"

    set_left_on(staff, admin, "R1", "2026-10-20", was=None)
    with pytest.raises(StaffChanged) as refused:
        set_left_on(staff, admin, "R1", "2026-10-31", was=None)
    assert str(refused.value) == (
        "The leaving day of 张伟 was changed to 2026-10-20 while you were typing."
    )
    assert person(staff, "R1").left_on == date(2026, 10, 20)


@async_test
async def test_an_admin_adds_a_login_in_the_staff_screen_and_it_signs_in(staff):
    app = staff_app(staff, "A1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "f5")
        assert isinstance(app.screen, StaffAdminScreen)
        assert [r[0] for r in table_rows(app, "#staff")] == ["A1"]  # head office
        app.screen.query_one("BranchPicker Select").value = "GZ"
        await settle(pilot)
        assert [r[0] for r in table_rows(app, "#staff")][:2] == ["L1", "R1"]

        await press(pilot, "n")
        assert isinstance(app.screen, NewPersonForm)
        for text in ("R7", "钱多多"):
            await paste(pilot, text)
            await press(pilot, "tab")
        app.screen.query_one("#field-role").value = "rep"
        await press(pilot, "tab")
        await paste(pilot, "zhoujl")  # taken
        await press(pilot, "ctrl+s")
        assert "Login zhoujl belongs to L1." in screen_text(app)
        app.focused.value = ""
        await paste(pilot, "qianduo")
        await press(pilot, "tab")
        await paste(pilot, "2026-11-01")
        await press(pilot, "enter")
        assert isinstance(app.screen, StaffAdminScreen)
        assert notices(app)[-1] == "Saved 钱多多 (R7): login qianduo, leaves —"
        row = next(r for r in table_rows(app, "#staff") if r[0] == "R7")
        assert row == ["R7", "钱多多", "rep", "qianduo", "2026-11-01", ""]
        assert staff_by_login(staff, "qianduo").code == "R7"

        # the cursor stays on the new person: change the login, then record leaving
        await press(pilot, "l")
        assert isinstance(app.screen, LoginForm)
        app.focused.value = ""
        await paste(pilot, "qdd")
        await press(pilot, "enter")
        await press(pilot, "x")
        assert isinstance(app.screen, LeftOnForm)
        await paste(pilot, "2026-12-31")
        await press(pilot, "enter")
        assert notices(app)[-1] == "Saved 钱多多 (R7): login qdd, leaves 2026-12-31"
        row = next(r for r in table_rows(app, "#staff") if r[0] == "R7")
        assert row == ["R7", "钱多多", "rep", "qdd", "2026-11-01", "2026-12-31"]
        # leaving is agreed ahead: until then 钱多多 still works here, not dimmed nor counted
        table = app.screen.query_one("#staff", DataTable)
        codes = [table.get_row_at(i)[0] for i in range(table.row_count)]
        assert [str(code) for code in codes if code.style] == ["X1"]  # 赵敏 left in September
        assert " · 1 left · " in text_of(app, "#staff-status")
    assert staff_by_login(staff, "qdd").left_on == date(2026, 12, 31)


@async_test
async def test_a_login_another_admin_saved_meanwhile_is_not_overwritten_unseen(staff):
    app = staff_app(staff, "A1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "f5")
        app.screen.query_one("BranchPicker Select").value = "GZ"
        await settle(pilot)
        app.screen.query_one("#staff").move_cursor(row=1)  # R1, no login yet
        await press(pilot, "l")
        form = app.screen
        assert isinstance(form, LoginForm)
        await paste(pilot, "zhangw")
        set_login(staff, app.user, "R1", "weizhang", was=None)  # another admin's session
        await press(pilot, "enter")
        assert app.screen is form  # refused: what was typed is still there
        assert form.query_one("#field-login").value == "zhangw"
        assert "The login of 张伟 was changed to “weizhang” while you were typing." in (
            text_of(app, "#form-message")
        )
        assert staff_by_login(staff, "weizhang").code == "R1"

        await press(pilot, "enter")  # saved again, now knowing what it replaces
        assert isinstance(app.screen, StaffAdminScreen)
    assert staff_by_login(staff, "zhangw").code == "R1"
    assert staff_by_login(staff, "weizhang") is None


@async_test
async def test_a_branch_imported_meanwhile_is_in_the_admins_branch_list(staff, lang):
    """The list was read once, as the screen opened: a branch an import brought since (in
    another session) was missing until the app was started again."""
    app = staff_app(staff, "A1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "f5")
        assert isinstance(app.screen, StaffAdminScreen)
        other = open_store(staff.path)  # another admin's session imports a new branch's staff
        try:
            load(other, staff="code,name,role,branch\nF1,冯杰,rep,FS\n")
        finally:
            other.close()
        await press(pilot, "b")
        await settle(pilot)
        await press(pilot, "enter")  # the menu opens on HQ, the admin's own
        menu = app.screen.query_one("BranchPicker SelectOverlay")
        listed = [str(menu.get_option_at_index(i).prompt) for i in range(menu.option_count)]
        assert listed == ["FS", "GZ", "HQ", "SZ"]
        await press(pilot, "up", "up", "enter")
        await settle(pilot)
        assert app.screen.query_one("BranchPicker Select").value == "FS"
        assert [r[:2] for r in table_rows(app, "#staff")] == [["F1", "冯杰"]]


@async_test
async def test_a_lead_reads_the_staff_of_the_branch_and_changes_nothing(staff):
    app = staff_app(staff, "L1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "f5")
        assert isinstance(app.screen, StaffAdminScreen)
        assert "read only: an admin changes staff" in screen_text(app)
        assert len(table_rows(app, "#staff")) == 6
        footer = screen_text(app).splitlines()[-1]
        assert "New person" not in footer and "Login" not in footer
        await press(pilot, "n", "l", "x")
        assert isinstance(app.screen, StaffAdminScreen)


LONG_NAME = "Maximilian Alexander Konstantin Rodrigue"  # 40 letters, the longest a name may be


@async_test
async def test_at_80_columns_a_long_name_is_cut_and_the_dates_stay_in_view(staff):
    """The list cuts a 40-letter name with "…" so that hired and left stay on screen; the
    person's forms say the whole name."""
    _add(staff, name=LONG_NAME, hired_on="2026-11-01", login="maxr")
    set_left_on(staff, person(staff, "A1"), "R7", "2026-12-31", was=None)
    app = staff_app(staff, "A1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "f5")
        app.screen.query_one("BranchPicker Select").value = "GZ"
        await settle(pilot)
        line = next(line for line in screen_text(app).splitlines() if " R7 " in line)
        assert "Maximilian" in line and "…" in line and LONG_NAME not in line
        assert "2026-11-01" in line and "2026-12-31" in line
        table = app.screen.query_one("#staff")
        table.move_cursor(row=[r[0] for r in table_rows(app, "#staff")].index("R7"))
        await press(pilot, "l")
        assert isinstance(app.screen, LoginForm)
        assert f"Login of {LONG_NAME} (R7)" in screen_text(app)


LONG_CHINESE = "欧阳慕容司马上官诸葛东方皇甫尉迟公孙长孙宇文轩辕令狐钟离闻人澹台公冶宗政濮阳太叔"


@async_test
async def test_a_name_the_list_cuts_is_whole_under_it_for_the_line_under_the_cursor(staff, lang):
    """A 40-character name was cut to 欧阳慕容司马上 … and a lead, who opens no form, could
    read it whole nowhere: the line under the list names the person under the cursor."""
    assert len(LONG_CHINESE) == 40
    _add(staff, name=LONG_CHINESE)
    app = staff_app(staff, "L1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "f5")
        assert isinstance(app.screen, StaffAdminScreen)
        rows = table_rows(app, "#staff")
        assert f"{rows[0][0]} · {rows[0][1]}" in screen_text(app)  # the line under the cursor
        await press(pilot, *["down"] * [r[0] for r in rows].index("R7"))
        shown = screen_text(app)
        line = next(line for line in shown.splitlines() if " R7 " in line)
        assert "欧阳慕容司马上 …" in line
        assert "R7 · " + LONG_CHINESE in "".join(line.strip() for line in shown.splitlines())
