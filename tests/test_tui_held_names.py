"""Whom a held rating counts for, as each person reads it on F6.

In the sample, 刘佳怡 rated GZ261113004 2: held for the lead, about its rep 麦斌, and
approved it lowers the satisfaction of its engineer 谢建华 too. The lead deciding is
told of both, with their roles, in the list, the line under it, the dialog and the
notice after; 麦斌 and 谢建华 each read it as about themselves alone.
"""

from __future__ import annotations

from dataclasses import replace

from tui_helpers import (
    async_test,
    demo_app,
    notices,
    press,
    screen_text,
    settle,
    table_rows,
    text_of,
    toast_lines,
)

from screens.events import DecisionForm, EventsScreen

HELD = "GZ261113004"
NAMES = ("麦斌", "谢建华")


async def select_held(pilot) -> list[str]:
    """F6, the cursor on the held rating of HELD, moved there by key: its line's cells."""
    app = pilot.app
    await press(pilot, "f6")
    await settle(pilot)
    assert isinstance(app.screen, EventsScreen)
    [at] = [i for i, e in enumerate(app.screen.events) if e.subject == "rating"]
    assert app.screen.events[at].ticket == HELD
    for _row in range(at):
        await press(pilot, "down")
    return table_rows(app, "#events")[at]


def list_lines(app) -> list[str]:
    """The lines the events list takes on the screen."""
    table = app.screen.query_one("#events")
    return screen_text(app).splitlines()[table.region.y : table.region.bottom]


def broken_names(lines: list[str]) -> list[str]:
    """The lines that show part of one of NAMES without the rest of it."""
    return [line for line in lines for name in NAMES if name[0] in line and name not in line]


@async_test
async def test_the_lead_is_told_every_person_a_held_rating_counts_for_and_what_deciding_does(
    demo,
):
    lead = demo_app(demo, "qiuping")
    async with lead.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        line = await select_held(pilot)
        assert line[1:5] == ["麦斌, 谢建华 (engineer)", "Callback rating 2", "waiting", "刘佳怡"]
        drawn = list_lines(lead)
        assert any("  麦斌, 谢建华  " in li for li in drawn), drawn  # wrapped between names
        assert any(li.strip() == "(engineer)" for li in drawn), drawn
        assert broken_names(drawn) == []
        assert text_of(lead, "#event-story") == (
            "2026-11-19 17:00 Callback rating 2 about 麦斌 (rep) and 谢建华 (engineer),"
            f" recorded by 刘佳怡 (ticket {HELD}): 师傅迟到一小时"
        )

        await press(pilot, "r")
        assert isinstance(lead.screen, DecisionForm)
        assert text_of(lead, "#decision-effect") == (
            "If rejected, it does not count against 麦斌 (rep) or 谢建华 (engineer), and"
            f" ticket {HELD} waits for a callback again."
        )
        await press(pilot, "escape", "a")
        assert text_of(lead, "#form-title") == (
            "Approve: 2026-11-19 17:00 Callback rating 2 about 麦斌 (rep) and 谢建华"
            " (engineer): 师傅迟到一小时"
        )
        assert text_of(lead, "#decision-effect") == (
            f"If approved, rating 2 goes on ticket {HELD} as its callback (given at 2026-11-19"
            " 17:00) and counts against the satisfaction of 麦斌 (rep) and 谢建华 (engineer)."
        )

        await pilot.resize_terminal(46, 30)  # a phone held upright: the dialog, then the cards
        await settle(pilot)
        dialog = screen_text(lead)
        assert dialog.count("谢建华") == 2 and broken_names(dialog.splitlines()) == []
        await press(pilot, "escape")
        assert "About 麦斌, 谢建华 (engineer)" in screen_text(lead)

        await pilot.resize_terminal(80, 24)
        await press(pilot, "a", "ctrl+s")
        await settle(pilot)
        assert notices(lead)[-1] == (
            "Decision recorded: Callback rating 2 about 麦斌 (rep) and 谢建华 (engineer) approved."
        )
    assert demo.scalar("SELECT rating FROM tickets WHERE code = ?", (HELD,)) == 2


@async_test
async def test_in_chinese_the_names_stay_whole_in_the_list_and_the_dialog(demo, zh):
    lead = demo_app(demo, "qiuping")
    async with lead.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        line = await select_held(pilot)
        assert line[1] == "麦斌、谢建华（工程师）"
        assert any("麦斌、谢建华（工程师）" in li for li in list_lines(lead))
        for size in ((80, 24), (46, 30)):
            await pilot.resize_terminal(*size)
            await settle(pilot)
            assert broken_names(list_lines(lead)) == [], size
            await press(pilot, "a")
            dialog = screen_text(lead).splitlines()
            assert broken_names(dialog) == [], dialog
            effect = text_of(lead, "#decision-effect")
            assert "并拉低 麦斌（客服代表） 和 谢建华（工程师） 的满意度" in effect
            await press(pilot, "escape")
        await press(pilot, "v")  # every event of the branch: its scroll bar takes two columns
        for width in (64, 72):  # a terminal a little narrower: names wrap whole or not at all
            await pilot.resize_terminal(width, 24)
            await settle(pilot)
            assert broken_names(list_lines(lead)) == [], width


@async_test
async def test_on_a_chinese_phone_the_notice_after_deciding_names_both_whole(demo, zh):
    lead = demo_app(demo, "qiuping")
    async with lead.run_test(size=(46, 30), notifications=True) as pilot:
        await settle(pilot)
        await select_held(pilot)
        await press(pilot, "a", "ctrl+s")
        await settle(pilot)
        lines = toast_lines(lead)
        said = "决定已记录：关于麦斌（客服代表）和谢建华（工程师）的回访评分2已批准。"
        assert "".join(lines).replace(" ", "") == said
        assert broken_names(lines) == [], lines


@async_test
async def test_the_rep_and_the_engineer_each_read_it_as_about_themselves_alone(demo):
    """Whom else it counts for is an event about someone else: neither is told of the other.
    The engineer's F6 names who recorded it where the scheme shows reporters, and nobody
    where it keeps them from him."""
    for login, own, other in (("maibin", "麦斌", "谢建华"), ("xiejianhua", "谢建华", "麦斌")):
        person = demo_app(demo, login)
        async with person.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            line = await select_held(pilot)
            assert line[0:3] == ["2026-11-19", "Callback rating 2", "waiting"]
            assert text_of(person, "#event-story").startswith(
                f"2026-11-19 17:00 Callback rating 2 about {own}, recorded by 刘佳怡"
            )
            assert other not in screen_text(person)
            if login == "xiejianhua":
                shown = person.scheme_for
                person.scheme_for = lambda b, shown=shown: replace(shown(b), show_reporter=False)
                await press(pilot, "ctrl+r")
                await settle(pilot)
                story = text_of(person, "#event-story")
                assert story.startswith("2026-11-19 17:00 Callback rating 2 about 谢建华,")
                assert "(not shown)" in story
                assert "刘佳怡" not in screen_text(person) and other not in screen_text(person)
