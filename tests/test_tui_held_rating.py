"""A rep's low rating through the Pilot: saved at the callback form and held, listed among
the events about the ticket's engineer (F6: waiting, no ``c``, and on the ticket's own screen)
and on the lead's events screen, approved there with ``a`` — then on the ticket, and counted."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from ticket_helpers import NOW
from tui_helpers import (
    SIZE,
    app_for,
    async_test,
    demo_app,
    notices,
    press,
    screen_text,
    seed_desk,
    select_ticket,
    settle,
    table_rows,
    text_of,
    type_text,
)

from fieldkpi.sample import SAMPLE_NOW
from fieldkpi.scheme import default_for_every_branch, default_scheme
from screens.events import EventsScreen
from screens.queue import QueueScreen
from screens.ticket_detail import TicketDetailScreen
from storage import tickets
from storage.people import staff_by_login

# The demo's clock stands at SAMPLE_NOW: the rating is recorded before the lead's reopen then,
# as a person takes a moment (a hand-over in the same second counts as before it).
AN_HOUR_EARLIER = SAMPLE_NOW - timedelta(hours=1)


def ticket(store, code: str) -> dict:
    return dict(store.query("SELECT * FROM tickets WHERE code = ?", (code,))[0])


@async_test
async def test_a_reps_low_rating_is_held_until_the_lead_approves_it(store):
    desk = seed_desk(store)
    code = desk.completed  # 王芳's ticket, served by 李强: 陈静 calls the customer back
    rep = app_for(store, "chenjing")
    async with rep.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "slash")
        await type_text(pilot, "13900000004")  # the customer's phone
        await press(pilot, "enter")
        await select_ticket(pilot, code)
        await press(pilot, "b")
        await type_text(pilot, "2")
        await press(pilot, "tab")
        await type_text(pilot, "[bold]等了三天[/]")
        await press(pilot, "enter", "enter")  # past the time, left empty: now
        await settle(pilot)
        assert isinstance(rep.screen, QueueScreen)
        assert notices(rep)[-1] == (
            f"{code}: rating 2 waits for the lead's review; it counts once approved."
        )
        [line] = [r for r in table_rows(rep, "#queue") if r[0] == code]
        assert line[1] == "rating held"  # nobody calls this customer again meanwhile
        await press(pilot, "b")
        assert isinstance(rep.screen, QueueScreen)  # no form opens
        assert notices(rep)[-1] == (
            "This ticket's callback was recorded and waits for the lead's review."
        )
        await press(pilot, "enter")  # the ticket's own screen says so too
        await settle(pilot)
        assert "b Callback" not in screen_text(rep).splitlines()[-1]
        await press(pilot, "b")
        assert notices(rep)[-1].startswith("This ticket's callback was recorded")
    assert (ticket(store, code)["status"], ticket(store, code)["rating"]) == ("completed", None)

    # 李强 served it: approved, the 2 lowers his satisfaction too. He sees it as about him, and
    # that the lead decides on it (no appeal of his own); 赵磊, who did not serve it, sees nothing.
    for login, sees in (("liqiang", True), ("zhaolei", False)):
        engineer = app_for(store, login)
        async with engineer.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await press(pilot, "f6")
            rows = table_rows(engineer, "#events")
            if not sees:
                assert rows == [] and "等了三天" not in screen_text(engineer)
                continue
            assert [r[1:4] for r in rows] == [["Callback rating 2", "waiting", "陈静"]]
            story = text_of(engineer, "#event-story")
            assert f"about 李强, recorded by 陈静 (ticket {code})" in story
            assert story.endswith(
                "A callback rating is not contested: your lead approves or rejects it."
            )
            assert "c Contest" not in screen_text(engineer).splitlines()[-1]
            await press(pilot, "c")
            assert isinstance(engineer.screen, EventsScreen)  # no form opens

    lead = app_for(store, "liuyang")
    async with lead.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "f6")
        await settle(pilot)
        assert isinstance(lead.screen, EventsScreen)
        [row] = table_rows(lead, "#events")
        # about 王芳, the ticket's rep; approved, it lowers 李强's satisfaction too
        assert row[1:5] == ["王芳, 李强 (engineer)", "Callback rating 2", "waiting", "陈静"]
        story = text_of(lead, "#event-story")  # its ticket and note, under the list
        assert f"(ticket {code}): [bold]等了三天[/]" in story
        await press(pilot, "a")
        await press(pilot, "ctrl+s")
        await settle(pilot)
        assert table_rows(lead, "#events") == []
        await press(pilot, "v")  # every event of the branch: the rating stands, no withdrawal
        await settle(pilot)
        [row] = table_rows(lead, "#events")
        assert row[3] == "stands"
        assert "r Withdraw" not in screen_text(lead).splitlines()[-1]
        # the ticket's history: 陈静's callback, as she entered it, then the lead's approval
        await press(pilot, "f2", "slash")
        await type_text(pilot, "13900000004")  # the customer's phone finds closed tickets too
        await press(pilot, "enter")
        await select_ticket(pilot, code)
        await press(pilot, "enter")
        at = NOW.strftime("%Y-%m-%d %H:%M:%S")  # the test's clock: both at one moment
        assert table_rows(lead, "#history")[-3:] == [
            [at, "陈静", "callback", "rating", "—", "2"],
            [at, "陈静", "callback", "callback comment", "—", "[bold]等了三天[/]"],
            [at, "刘洋", "callback approved", "", "—", "—"],
        ]

    row = ticket(store, code)
    assert (row["status"], row["rating"], row["callback_note"]) == (
        "called_back",
        2,
        "[bold]等了三天[/]",
    )
    assert row["callback_at"] == NOW.strftime("%Y-%m-%d %H:%M:%S")


@async_test
async def test_the_engineer_who_served_a_ticket_reads_its_held_rating_on_its_screen(demo):
    """The demo's 邓艳 completed GZ261105006 (the first of her timeliness tickets); 刘佳怡
    rates it 2 and it waits for the lead. Her ticket screen still says completed, and tells
    the rating as her F6 does, word for word: its reporter only where the scheme shows
    reporters. 卢晓明, to whom the lead hands the ticket after reopening it, reads nothing
    of it: it rated 邓艳's work."""
    code, note = "GZ261105006", "[bold]师傅没带配件[/]"
    rep = staff_by_login(demo, "liujiayi")
    ticket = tickets.get_ticket(demo, rep, code)
    scheme_for = demo_app(demo, "liujiayi").scheme_for
    ticket = tickets.record_callback(
        demo, rep, code, ticket.version, 2, note, now=AN_HOUR_EARLIER, scheme_for=scheme_for
    ).ticket
    told = (
        f"2026-11-20 17:00 Callback rating 2 about 邓艳, recorded by 刘佳怡 (ticket {code}):"
        f" {note}\nA callback rating is not contested: your lead approves or rejects it."
    )
    engineer = demo_app(demo, "dengyan")
    async with engineer.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert engineer.focused.codes[0] == code  # My figures' timeliness list
        await press(pilot, "enter")
        assert isinstance(engineer.screen, TicketDetailScreen) and engineer.screen.code == code
        assert text_of(engineer, "#held-rating") == told
        top = screen_text(engineer).splitlines()[1]  # above the fields, seen without scrolling
        assert top.startswith(" 2026-11-20 17:00 Callback rating 2 about 邓艳")
        assert "status            completed" in screen_text(engineer)  # not on the ticket yet
        await press(pilot, "escape", "f6")
        assert text_of(engineer, "#event-story") == told

        hidden = engineer.scheme_for
        engineer.scheme_for = lambda branch: replace(hidden(branch), show_reporter=False)
        await press(pilot, "f3", "enter")  # back to My figures, the same ticket
        assert text_of(engineer, "#held-rating") == told.replace("刘佳怡", "(not shown)")
        assert "刘佳怡" not in screen_text(engineer)

    lead = staff_by_login(demo, "qiuping")
    ticket = tickets.reopen(
        demo, lead, code, ticket.version, "返修", SAMPLE_NOW, scheme_for=scheme_for
    )
    tickets.dispatch(demo, lead, code, ticket.version, "GZ-E02", now=SAMPLE_NOW)
    other = demo_app(demo, "luxiaoming")
    async with other.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "f2", "slash")
        await type_text(pilot, code)
        await press(pilot, "enter")
        await select_ticket(pilot, code)
        await press(pilot, "enter")
        assert isinstance(other.screen, TicketDetailScreen) and other.screen.code == code
        assert not other.screen.query_one("#held-rating").display
        assert text_of(other, "#held-rating") == ""
        assert "Callback rating" not in screen_text(other) and "配件" not in screen_text(other)


@async_test
async def test_the_rep_a_held_rating_counts_against_reads_who_changed_her_ticket_as_told(store):
    """陈静 rates 王芳's completed ticket 2, held for the lead. 王芳's screen of the ticket says
    陈静 changed it last where the scheme names reporters, and someone else where it keeps
    them from her: her F6 does not name who recorded the rating, nor does this."""
    desk = seed_desk(store)
    chen = staff_by_login(store, "chenjing")
    seen = tickets.get_ticket(store, chen, desk.completed)
    tickets.record_callback(
        store, chen, seen.code, seen.version, 2, now=NOW, scheme_for=default_for_every_branch
    )
    rep = app_for(store, "wangfang")
    hidden = replace(default_scheme(), show_reporter=False)
    async with rep.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "slash")
        await type_text(pilot, "13900000004")  # the customer's phone: the queue shows it
        await press(pilot, "enter")
        for scheme, named in [(default_scheme(), "陈静 (R2)"), (hidden, "someone else")]:
            rep.scheme_for = lambda _branch, scheme=scheme: scheme
            await select_ticket(pilot, desk.completed)
            await press(pilot, "enter")
            await settle(pilot)
            assert isinstance(rep.screen, TicketDetailScreen)
            [changed_by] = [li for li in text_of(rep, "#fields").splitlines() if "changed by" in li]
            assert changed_by.split(maxsplit=2)[2].strip() == named
            await press(pilot, "escape")
