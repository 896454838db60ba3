"""A paste with terminal escapes in it is one paste, in order (screens/terminal_input.py).

tmux passes on the ESCs of what it pastes; Textual's parser read each one as the start
of keys, typed before the paste: "前␛[31mRED␛[0m后" was stored as "^[31mRED^[0m后前".
Here the terminal's bytes go through the parser the app's driver reads them with, then
to the app as the driver hands them on.
"""

from __future__ import annotations

from textual import events
from textual._xterm_parser import BRACKETED_PASTE_END, BRACKETED_PASTE_START
from ticket_helpers import NOW
from tui_helpers import SIZE, app_for, async_test, press, screen_text, seed_desk, settle, type_text

from fieldkpi.scheme import default_scheme
from screens.terminal_input import PasteSafeParser
from storage import appraisal

TYPED = "[bold]不是我[/] [red]超时[/red] [link=http://x]点[/link] 结束"


def pasted(text: str) -> str:
    """``text`` as a terminal sends it in bracketed paste mode."""
    return BRACKETED_PASTE_START + text + BRACKETED_PASTE_END


def read(*reads: str) -> list[tuple[str, str]]:
    """What the parser makes of the terminal's input, read by read: keys and pastes, in order."""
    parser = PasteSafeParser()
    return [
        ("paste", event.text) if isinstance(event, events.Paste) else ("key", event.key)
        for data in reads
        for event in parser.feed(data)
        if isinstance(event, events.Paste | events.Key)
    ]


async def terminal_sends(pilot, data: str) -> None:
    """``data`` read from the terminal by the app's driver: its parser, then to the app."""
    app = pilot.app
    for event in app.driver_class.parser().feed(data):
        app._driver.process_message(event)
    await settle(pilot)


def test_a_paste_with_escapes_is_one_paste_in_order_between_the_keys_around_it():
    assert read("a" + pasted("前\x1b[31mRED\x1b[0m后") + "b") == [
        ("key", "a"),
        ("paste", "前[31mRED[0m后"),
        ("key", "b"),
    ]


def test_nothing_pasted_presses_a_key():
    """After an ESC, Ctrl+S and a line break were keys: the paste saved the form."""
    assert read(pasted("a\x1b\x13b\x1b\rc")) == [("paste", "a\x13b\rc")]


def test_a_paste_cut_anywhere_between_reads_is_the_same_paste():
    """The terminal's input comes in reads of any length: a marker may be cut between two."""
    raw = "\x1b[A" + pasted("x\x1b\x1b[201y\x1b") + "z"  # an arrow, a paste ending in ESC, a key
    whole = [("key", "up"), ("paste", "x[201y"), ("key", "z")]
    assert read(raw) == whole
    for cut in range(1, len(raw)):
        assert read(raw[:cut], raw[cut:]) == whole, cut
    assert read(*raw) == whole  # a character at a time


@async_test
async def test_escapes_pasted_into_the_search_and_a_contest_reason_are_dropped_the_rest_in_order(
    store,
):
    desk = seed_desk(store)
    appraisal.record_deduction(
        store, desk.crew.lead, "E1", "violation", None, "未穿工服", default_scheme(), now=NOW
    )
    app = app_for(store, "liqiang")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "f2", "slash")
        search = app.screen.query_one("#search")
        await terminal_sends(pilot, pasted("Ab\x1b[31mR\x1b[0mZ"))
        assert search.value == "Ab[31mR[0mZ"
        assert screen_text(app).splitlines()[1].startswith("Ab[31mR[0mZ ")
        # A paste that reaches the box with its ESCs (another driver): none is kept, nor
        # drawn, where the terminal would obey it.
        search.value = ""
        await type_text(pilot, "Ab\x1b[31mR\x1b[0mZ\x07")
        assert search.value == "Ab[31mR[0mZ"
        assert "\x1b" not in screen_text(app)

        await press(pilot, "escape", "f6", "c")
        await terminal_sends(pilot, TYPED)
        await terminal_sends(pilot, pasted("前\x1b[31mRED\x1b[0m后"))
        await press(pilot, "ctrl+s")
    reason = store.scalar("SELECT reason FROM appraisal_reviews WHERE action = 'contest'")
    assert reason == TYPED + "前[31mRED[0m后"
