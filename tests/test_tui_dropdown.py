"""Every drop-down list of the TUI is :class:`screens.dropdown.Dropdown`: its open menu's key
in the session's language, the menu above the footer at 80×24."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from textual.widgets import Footer, Select
from tui_helpers import (
    SIZE,
    app_for,
    async_test,
    press,
    screen_text,
    seed_desk,
    select_ticket,
    settle,
)

import screens
from screens.dropdown import Dropdown

SCREENS = Path(screens.__file__).parent


@pytest.fixture
def desk(store):
    return seed_desk(store)


def test_no_screen_makes_a_select_of_its_own():
    """Textual's ``Select`` made anywhere else would say "Dismiss menu" on Chinese screens."""
    made = [
        f"{path.name}:{node.lineno}"
        for path in SCREENS.glob("*.py")
        if path.name != "dropdown.py"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Select"
    ]
    assert made == []


@async_test
async def test_an_open_menus_key_is_said_in_chinese(store, desk, zh):
    app = app_for(store, "wangfang")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "f", "enter")  # the status filter, open
        assert isinstance(app.focused.parent, Dropdown) and app.focused.parent.expanded
        footer = screen_text(app).splitlines()[-1]
        assert "esc 关闭菜单" in footer and "Dismiss" not in footer
        await press(pilot, "escape")

        await select_ticket(pilot, desk.dispatched)
        await press(pilot, "k", "tab", "enter")  # the person list of the deduction form, open
        assert app.screen.query_one("#field-staff", Select).expanded
        footer = screen_text(app).splitlines()[-1]
        assert "esc 关闭菜单" in footer and "Dismiss" not in footer


@async_test
async def test_a_long_menu_of_a_form_ends_above_the_footer(store, desk):
    """Twenty engineers: the person list of the deduction form, opened at 80×24 under a
    refusal of three lines (the ticket's line, the message and the kind's push the field
    down), is cut to what fits and scrolls: Textual's twelve lines ran under the footer."""
    with store.write() as db:
        db.conn.executemany(
            "INSERT INTO staff (code, name, role, branch, hired_on) VALUES (?, ?, ?, ?, ?)",
            [(f"E{n:02}", f"工程师{n}", "engineer", "GZ", "2024-01-01") for n in range(10, 30)],
        )
    app = app_for(store, "wangfang")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select_ticket(pilot, desk.dispatched)
        await press(pilot, "k", "ctrl+s")
        assert app.screen.query_one("#error-kind").display
        app.screen.show_message(
            f"Ticket {desk.dispatched} was changed by 陈静 at 09:30: engineer 李强 → 赵磊."
            " Your change was not saved.\nYour input is kept: check it and save again to"
            " apply it."
        )
        await press(pilot, "tab", "enter")
        menu = app.screen.query_one("#field-staff").query_one("SelectOverlay")
        assert menu.display and menu.region.height >= 4
        footer = app.screen.query_one(Footer)
        assert menu.region.bottom <= footer.region.y
