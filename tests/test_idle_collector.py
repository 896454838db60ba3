"""Full garbage collections wait for the person to pause (screens.collector).

A full collection on a key made it the slowest of the queue's keys; the
session runs one once nobody has typed or clicked for a while, once a pause.
"""

from __future__ import annotations

import gc
import importlib
import sys

import pytest
from tui_helpers import SIZE, app_for, async_test, press, seed_desk, settle

from screens import collector
from screens.collector import IDLE, NEVER, IdleCollector
from screens.messages import SchemeRead


@pytest.fixture
def clock(monkeypatch):
    """The collector's clock, moved by hand; and every full collection it asks for."""
    now = [1000.0]
    collected = []
    monkeypatch.setattr(collector, "monotonic", lambda: now[0])
    monkeypatch.setattr(collector.gc, "collect", lambda: collected.append(now[0]))
    return now, collected


def test_one_full_collection_per_pause_and_none_while_typing(clock):
    now, collected = clock
    session = IdleCollector()
    session.touched()
    for _ in range(10):  # typing: a key every half second
        now[0] += 0.5
        session.touched()
        assert not session.tick()
    now[0] += IDLE
    assert session.tick() and collected == [now[0]]
    now[0] += 60  # a long pause: one collection is enough
    assert not session.tick() and len(collected) == 1
    session.touched()  # a key, then another pause
    now[0] += IDLE
    assert session.tick() and len(collected) == 2


def test_sessions_share_the_thresholds_and_the_last_to_stop_puts_them_back():
    before = gc.get_threshold()
    one, two = IdleCollector(), IdleCollector()
    one.start()
    two.start()
    assert gc.get_threshold() == (*before[:2], NEVER)
    one.stop()
    assert gc.get_threshold()[2] == NEVER  # the other session still runs
    two.stop()
    assert gc.get_threshold() == before


@async_test
async def test_a_session_puts_off_full_collections_while_keys_come(store, clock, monkeypatch):
    now, collected = clock
    before = gc.get_threshold()
    seed_desk(store)
    app = app_for(store, "wangfang")
    # F1's module is imported in the first pause (the suite imported it long ago)
    help_module = importlib.import_module("screens.help")
    monkeypatch.delitem(sys.modules, "screens.help")
    imported = []

    def import_help():
        imported.append(now[0])
        sys.modules["screens.help"] = help_module

    monkeypatch.setattr(app, "_import_help", import_help)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert gc.get_threshold()[2] == NEVER  # none start on their own
        now[0] += IDLE
        await press(pilot, "down")  # a key just now: not yet
        assert not app.collector.tick()
        done = len(collected)  # the app's own ticks may have collected before the key
        now[0] += IDLE
        app._paused()  # what the app does every half second: now a pause
        assert len(collected) == done + 1 and len(imported) == 1  # F1's module imported
        app.collector.touched()
        now[0] += IDLE
        app._paused()  # the next pause: collected again, imported once only
        assert len(collected) == done + 2 and len(imported) == 1
    assert gc.get_threshold() == before  # the app closed: as it was


@async_test
async def test_a_tick_as_the_app_closes_does_nothing(store, clock):
    """The half-second tick can come after the app's last screen has gone, as it closes:
    it looked for the screen's warm-up and the app closed with ScreenStackError."""
    now, _collected = clock
    seed_desk(store)
    app = app_for(store, "wangfang")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
    assert app.screen_stack == []  # closed
    now[0] += IDLE
    app._paused()  # a pause's tick: nothing to warm up, and no error


@async_test
async def test_the_schemes_read_ending_as_the_app_closes_does_nothing(store):
    """The own scheme is read in a thread; its answer can come after the last screen has
    gone, and asking that screen for its keys raised ScreenStackError (a full run, once)."""
    seed_desk(store)
    app = app_for(store, "wangfang")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
    assert app.screen_stack == []
    app._own_scheme_read(SchemeRead(None))
