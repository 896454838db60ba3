"""An event with long texts on F6, read whole: the line under the list has a few lines, so it
says when there is more, and ``⏎`` shows the note, the appeal's reason, who decided and why,
and the state, to the engineer and to the lead alike, on a phone and at 80 columns. The
lead's dialog says "changed since" only of what changed after they read the list."""

from __future__ import annotations

import re

from ticket_helpers import NOW
from tui_helpers import (
    SIZE,
    app_for,
    async_test,
    press,
    screen_text,
    seed_desk,
    settle,
    table_rows,
    text_of,
    wait_until,
)

from fieldkpi.i18n import _
from fieldkpi.scheme import default_scheme
from screens.events import DecisionForm, EventReadScreen, EventsScreen
from screens.messages import DataChanged
from storage import appraisal

NOTE = ("客户反映服务态度很差师傅迟到没有带配件" * 11)[:196] + "备注结束"
REASON = ("当天暴雨地铁停运我提前电话告知客户并改约" * 11)[:196] + "理由结束"
UPHELD = "维持 \\[x]"  # brackets and a backslash, as typed
PHONE = (46, 30)


def compact(text: str) -> str:
    """Text as read across wrapped lines: no spaces, line breaks or the box's border."""
    return re.sub(r"[\s│╭╮╰╯─]", "", text)


def contested_and_upheld(store) -> int:
    """王芳's deduction of 李强 with a long note, contested with a long reason, upheld."""
    crew = seed_desk(store).crew
    scheme = default_scheme()
    event = appraisal.record_deduction(
        store, crew.rep, "E1", "violation", None, NOTE, scheme, now=NOW
    )
    appraisal.review(store, crew.lead, "deduction", event.id, "approve", now=NOW)
    appraisal.contest(store, crew.eng, "deduction", event.id, REASON, now=NOW, scheme=scheme)
    appraisal.review(store, crew.lead, "deduction", event.id, "uphold", UPHELD, now=NOW)
    return event.id


async def read_whole(pilot, app) -> None:
    """Under the list, a cut story says there is more; ``⏎`` shows every part of it."""
    await wait_until(pilot, lambda: app.screen.query_one("#event-more").display)
    assert compact("⏎") in compact(screen_text(app))  # the line that says how to read the rest
    await press(pilot, "enter")
    assert isinstance(app.screen, EventReadScreen)
    assert compact(NOTE[:30]) in compact(screen_text(app))
    whole = compact(text_of(app, "#event-whole-text"))
    upheld = _("{at} {decision} by {name}").format(at="", decision=_("upheld"), name="刘洋")
    for part in (NOTE, REASON, upheld, UPHELD, _("State now: {state}").format(state=_("stands"))):
        assert compact(part) in whole
    await press(pilot, "end")  # a long one scrolls: its end is on screen too
    shown = compact(screen_text(app))
    assert compact(UPHELD) in shown and compact(_("State now: {state}").format(state="")) in shown
    await press(pilot, "escape")
    assert isinstance(app.screen, EventsScreen)


async def read_whole_here_and_on_a_phone(pilot, app) -> None:
    """:func:`read_whole` at 80×24, then again with the terminal turned into a phone's
    (46×30): one app for both sizes."""
    await read_whole(pilot, app)
    await pilot.resize_terminal(*PHONE)
    await settle(pilot)
    await read_whole(pilot, app)


@async_test
async def test_the_engineer_and_the_lead_read_a_long_event_whole(store, lang):
    contested_and_upheld(store)
    engineer = app_for(store, "liqiang")
    async with engineer.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "f6")
        await read_whole_here_and_on_a_phone(pilot, engineer)

    lead = app_for(store, "liuyang")
    async with lead.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "f6", "v")  # decided: among every event of the branch
        await wait_until(pilot, lambda: len(table_rows(lead, "#events")) == 1)
        await read_whole_here_and_on_a_phone(pilot, lead)


@async_test
async def test_a_contest_the_lead_already_saw_is_not_said_to_have_changed_since(store):
    """The list refreshes while 刘洋 looks at it: 李强 contested. ``a`` at once says the event
    changed under the key; once the lead read the list again, or came back to the event with
    the cursor, the contest is shown as it is, with its reason, not as a change."""
    crew = seed_desk(store).crew
    scheme = default_scheme()
    for note in ("未穿工服", "迟到"):
        appraisal.record_deduction(store, crew.rep, "E1", "violation", None, note, scheme, now=NOW)
    contested = _("{at} {decision} by {name}").format(
        at="2026-10-15 09:30", decision=_("contested"), name="李强"
    )
    lead = app_for(store, "liuyang")
    async with lead.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "f6")
        events = lead.screen
        await wait_until(pilot, lambda: len(table_rows(lead, "#events")) == 2)

        async def contest_under_the_cursor() -> None:
            """李强 contests the event under the cursor; the list refreshes by itself."""
            event = events.selected
            appraisal.contest(
                store, crew.eng, event.subject, event.id, "不是我", now=NOW, scheme=scheme
            )
            events.post_message(DataChanged(1))
            await wait_until(pilot, lambda: events.selected.state == "contested")

        async def decide(changed: bool) -> None:
            await press(pilot, "a")
            assert isinstance(lead.screen, DecisionForm)
            assert bool(lead.screen.query("#decision-changed")) is changed
            if changed:  # the key now upholds what the list showed waiting
                assert text_of(lead, "#decision-changed").startswith("Changed since")
            else:
                assert text_of(lead, "#decision-contest") == f"{contested}: 不是我"
            await press(pilot, "escape")

        await contest_under_the_cursor()
        await decide(changed=True)
        await press(pilot, "ctrl+r")  # the lead reads the list again
        await wait_until(pilot, lambda: events.read_anew is False)
        await decide(changed=False)

        await press(pilot, "down")
        assert events.selected.state == "pending"
        await contest_under_the_cursor()
        await press(pilot, "up", "down")  # away and back: seen as it is
        await decide(changed=False)


@async_test
async def test_read_whole_the_recorder_still_does_not_see_the_appeals_reason(store, zh):
    """王芳 recorded the event: read whole, it tells her it was contested and upheld, and why
    it was upheld, but the appeal's reason stays the engineer's case to the lead."""
    contested_and_upheld(store)
    rep = app_for(store, "wangfang")
    async with rep.run_test(size=PHONE) as pilot:
        await settle(pilot)
        await press(pilot, "f6", "v")  # what she recorded
        await wait_until(pilot, lambda: len(table_rows(rep, "#events")) == 1)
        await press(pilot, "enter")
        whole = compact(text_of(rep, "#event-whole-text"))
        assert compact(NOTE) in whole and compact(UPHELD) in whole
        assert _("contested") in whole and REASON[:8] not in whole
