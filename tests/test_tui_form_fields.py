"""What a form's fields take and say at 80×24: nothing typed is changed unseen, a rule says what
it checks, and the line under a field speaks of what the field holds now.

Seeded desk (tui_helpers): 王芳 (R1) took every ticket in; 陈静 (R2) records callbacks.
"""

from __future__ import annotations

import pytest
from textual.widgets import Input, Select
from tui_helpers import (
    SIZE,
    app_for,
    async_test,
    notices,
    press,
    seed_desk,
    select_ticket,
    settle,
    text_of,
    type_text,
)

from screens.help import HelpScreen
from screens.queue import QueueScreen
from screens.step_forms import CallbackForm
from screens.ticket_form import NewTicketForm

PHONE_RULE = "5 to 20 characters: digits, “+” or “-”, at least 5 digits."


@pytest.fixture
def desk(store):
    return seed_desk(store)


def ticket(store, code: str) -> dict:
    return dict(store.query("SELECT * FROM tickets WHERE code = ?", (code,))[0])


async def clear(pilot) -> None:
    pilot.app.focused.value = ""
    await settle(pilot)


async def open_callback(pilot, desk) -> None:
    """The queue searched for the desk's completed ticket (by its customer's phone), and ``b``
    on it: its callback form."""
    await settle(pilot)
    await press(pilot, "slash")
    await type_text(pilot, "13900000004")
    await press(pilot, "enter")
    await select_ticket(pilot, desk.completed)
    await press(pilot, "b")


@async_test
async def test_a_rating_is_one_digit_and_nothing_else_is_cut_down_to_one(store, desk):
    """``2.5`` is not a 2 and ``45`` not a 4: each keeps all that was typed, says why it is
    not a rating, and saves nothing; ``5`` saves."""
    app = app_for(store, "chenjing")
    async with app.run_test(size=SIZE) as pilot:
        await open_callback(pilot, desk)
        assert isinstance(app.screen, CallbackForm)
        for keys in (("2", "full_stop", "5"), ("4", "5")):
            await clear(pilot)
            await press(pilot, *keys)
            typed = app.screen.query_one("#field-rating", Input).value
            assert typed == "".join("." if k == "full_stop" else k for k in keys)
            await press(pilot, "ctrl+s")
            assert isinstance(app.screen, CallbackForm)
            assert text_of(app, "#error-rating") == (
                f"A rating is one digit from 1 to 5, not “{typed}”."
            )
        assert ticket(store, desk.completed)["rating"] is None
        assert store.scalar("SELECT count(*) FROM held_ratings") == 0

        await clear(pilot)
        await press(pilot, "5", "ctrl+s")
        assert isinstance(app.screen, QueueScreen)
    assert ticket(store, desk.completed)["rating"] == 5


@async_test
async def test_a_step_form_says_every_fields_problem_at_once(store, desk):
    """A rating of 6 and a time before the completion (09:30): both said under their fields
    at once, not the time only once the rating is put right; the focus on the first.
    Moving tickets with nobody to move from and nobody to take them: both said too."""
    app = app_for(store, "chenjing")
    async with app.run_test(size=SIZE) as pilot:
        await open_callback(pilot, desk)
        form = app.screen
        assert isinstance(form, CallbackForm)
        await press(pilot, "6", "tab", "tab")
        await type_text(pilot, "09:00")
        await press(pilot, "ctrl+s")
        assert app.screen is form
        assert text_of(app, "#error-rating") == "A rating is one digit from 1 to 5, not “6”."
        assert text_of(app, "#error-callback_at") == (
            "Not before 2026-10-15 09:30:00, when it was completed."
        )
        assert app.focused.id == "field-rating"
        assert ticket(store, desk.completed)["rating"] is None
        await press(pilot, "escape", "d")  # thrown away

        await press(pilot, "t", "ctrl+s")
        assert text_of(app, "#error-from_engineer") == "Choose whose tickets to move."
        assert text_of(app, "#error-to_engineers") == (
            "Pick at least one other engineer to take the tickets."
        )


@async_test
async def test_a_phone_from_a_chinese_input_method_is_saved_as_its_digits(store, desk):
    app = app_for(store, "wangfang")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "n")
        await type_text(pilot, "黄蓉")
        await press(pilot, "tab")
        await type_text(pilot, "１３８ ００００ １１１１")
        await press(pilot, "tab")
        await type_text(pilot, "中山路 8 号")
        await press(pilot, "tab", "tab", "enter", "down", "enter")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, QueueScreen), text_of(app, "#error-phone")
        assert any("saved" in n for n in notices(app))
    phones = [row[0] for row in store.query("SELECT phone FROM tickets WHERE customer = '黄蓉'")]
    assert phones == ["13800001111"]


@async_test
async def test_a_fields_message_goes_once_the_field_is_changed(store, desk):
    """The phone's rule stays under the phone until the phone is changed, not until the
    next save; the other fields' messages stay, as their fields were not touched. ``-----``
    has no digit, as the rule says."""
    app = app_for(store, "wangfang")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "n")
        form = app.screen
        assert isinstance(form, NewTicketForm)
        await press(pilot, "tab")
        await type_text(pilot, "-----")
        await press(pilot, "ctrl+s")
        assert text_of(app, "#error-phone") == PHONE_RULE
        assert text_of(app, "#error-customer") == "Enter the customer's name."
        assert app.focused.id == "field-customer"
        await press(pilot, "tab")
        await type_text(pilot, "138")
        assert text_of(app, "#error-phone") == ""
        assert text_of(app, "#error-customer") == "Enter the customer's name."
        assert text_of(app, "#error-kind") == "Choose the kind."
        await press(pilot, "tab", "tab", "tab", "enter", "down", "enter")  # a kind chosen
        assert form.values()["kind"]
        assert text_of(app, "#error-kind") == ""


@async_test
async def test_typing_on_a_drop_down_or_a_button_says_so_once_and_what_follows_a_tab_goes_on(
    store, desk
):
    """Digits typed on the closed Kind list, then Tab and the fault: the list says once that it
    takes no typing, chooses nothing, and the fault field gets what followed the Tab. On the
    Save button likewise; ``?`` still opens the help."""
    app = app_for(store, "wangfang")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "n")
        form = app.screen
        assert isinstance(form, NewTicketForm)
        before = len(notices(app))
        form.query_one("#field-kind").focus()
        await press(pilot, "1", "3", "8", "tab", "5", "6")
        assert notices(app)[before:] == [
            "A drop-down takes no typing: Space opens its list; Tab moves on."
        ]
        assert form.query_one("#field-kind", Select).value is Select.NULL
        assert form.query_one("#field-fault", Input).value == "56"

        form.query_one("#save").focus()
        await press(pilot, "o", "k", "space")
        assert notices(app)[before + 1 :] == [
            "A button takes no typing: Tab moves on to the next field."
        ]
        assert app.screen is form  # nothing pressed, nothing saved
        await press(pilot, "question_mark")
        assert isinstance(app.screen, HelpScreen)
        assert len(notices(app)) == before + 2
