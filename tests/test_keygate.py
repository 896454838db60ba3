"""The key gate's way out of a wait (screens.keygate): on progress, not on the clock.

A key waits until the one before it has settled. On a loaded machine a form can
take longer than :data:`screens.keygate.STUCK` to compose, or to move the focus
on: the next key let in on the clock alone went where the focus was, not where
it was going. Only a wait that makes no progress lets the next key in early, and
one that never ends still does. ``STUCK`` and the session's tick are made short
here, so that each case takes a fraction of a second.
"""

from __future__ import annotations

import asyncio
import time
from typing import ClassVar

import pytest
from test_trust_typing import burst, complete_in_one_burst
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input
from tui_helpers import SIZE, app_for, async_test, seed_desk, settle

from screens import collector, keygate
from screens.queue import QueueScreen
from screens.step_forms import CompleteForm

SLICE = 0.05  # seconds of work in each step of something slow
STEPS = 20  # its steps, one after the other: a second in all


@pytest.fixture(autouse=True)
def short_waits(monkeypatch):
    """A wait gives up after 0.1 s without progress, the session ticking every 0.05 s; and
    no pause is long enough for its idle work (the queue's warm-up, asked at each tick of a
    pause, is asked as the app closes and fails there now and then: not this file's subject)."""
    monkeypatch.setattr(keygate, "STUCK", 0.1)
    monkeypatch.setattr(collector, "TICK", 0.05)
    monkeypatch.setattr(collector, "IDLE", 3600)


class Slow(Widget):
    """A part of a form that a loaded machine composes slowly: busy for a while, then the
    part inside it, each in its own turn (as a form's containers and fields are)."""

    def __init__(self, steps: int = STEPS) -> None:
        super().__init__()
        self.steps = steps

    def compose(self) -> ComposeResult:
        time.sleep(SLICE)  # the session is held as by busy work
        if self.steps > 1:
            yield Slow(self.steps - 1)


class Waits(Widget):
    """A part of a form whose mounting waits a second, the session free meanwhile: nothing
    the key gate sees moves, and the app waits for the form."""

    async def on_mount(self) -> None:
        await asyncio.sleep(1)


@pytest.mark.parametrize("part", [Slow, Waits], ids=["slow-to-compose", "waits-to-mount"])
@async_test
async def test_a_completion_typed_behind_a_slow_form_is_saved_as_typed(store, monkeypatch, part):
    """``c``, the resolution, Enter, the time, Enter in one burst, the form taking longer
    than ``STUCK`` to be up. Each tick past ``STUCK`` had asked for the next key while the
    app still waited for the form; once it was up those keys all went in at once, the
    time's first digits before the Enter ahead of them had moved the focus on: into the
    resolution. (Composing, the form is seen to make progress and no key is asked for;
    waiting in its mounting, it is not, and the next key is asked for once.)"""
    body = CompleteForm.compose_body

    def slow_body(form: CompleteForm) -> ComposeResult:
        yield from body(form)
        yield part()

    monkeypatch.setattr(CompleteForm, "compose_body", slow_body)
    shown, row = await complete_in_one_burst(store)
    assert issubclass(shown, QueueScreen)
    assert row == ("completed", "修好", "2026-10-15 10:00:00")


class Poke(Message):
    """A message to a :class:`Busy`."""


class Busy(Widget):
    """A node that keeps the key behind the one that set it off waiting: ``slow`` works
    through :data:`STEPS` messages, each busy for a while, then moves the focus to the
    second field; ``stuck`` never gets through the first of two; ``restless`` posts itself
    the next message for ever (a screen never quiet)."""

    def __init__(self) -> None:
        super().__init__()
        self.mode = ""
        self.left = STEPS
        self.released = asyncio.Event()

    async def on_poke(self) -> None:
        if self.mode == "stuck":
            await self.released.wait()
        elif self.mode == "restless":
            if not self.released.is_set():
                self.post_message(Poke())
                await asyncio.sleep(0.01)
        else:
            time.sleep(SLICE)  # the session is held as by busy work
            self.left -= 1
            if self.left:
                self.post_message(Poke())
                await asyncio.sleep(0)  # the session's other tasks get a turn, the tick too
            else:
                self.screen.query_one("#second").focus()


class Probe(Screen):
    """Two fields, the focus in the first, and keys that set the node beside them off."""

    BINDINGS: ClassVar = [
        Binding("f10", "start('slow')"),
        Binding("f11", "start('stuck')"),
        Binding("f12", "start('restless')"),
    ]

    def compose(self) -> ComposeResult:
        yield Input(id="first")
        yield Input(id="second")
        yield Busy()

    def action_start(self, mode: str) -> None:
        busy = self.query_one(Busy)
        busy.mode = mode
        busy.post_message(Poke())
        if mode == "stuck":
            busy.post_message(Poke())  # waits behind the first: the gate waits for it


@pytest.mark.parametrize(
    ("key", "restless", "reaches"),
    [("f10", 10, "#second"), ("f11", 10, "#first"), ("f12", 0.5, "#first")],
    ids=["slow", "stuck", "never-quiet"],
)
@async_test
async def test_a_key_behind_a_wait_goes_in_once_the_wait_has_ended_or_stopped(
    store, monkeypatch, key, restless, reaches
):
    """Slow but busy (a second, ``STUCK`` is 0.1 s): the key waits for the focus to move on,
    as it would for a form. A node that never gets to its next message, or a screen never
    quiet (``RESTLESS``): the key goes in all the same, to the focus of the moment."""
    monkeypatch.setattr(keygate, "RESTLESS", restless)
    seed_desk(store)
    app = app_for(store, "wangfang")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await app.push_screen(Probe())
        await settle(pilot)
        busy, field = app.screen.query_one(Busy), app.screen.query_one(reaches, Input)
        burst(app, key, "z")
        try:  # polled without the pilot, which waits for every node: the jammed one too
            deadline = time.monotonic() + 5
            while field.value != "z" and time.monotonic() < deadline:
                await asyncio.sleep(0.02)
            assert field.value == "z"
        finally:
            busy.released.set()
