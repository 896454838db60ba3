"""What a person reads at 80×24 and on a phone (46×30) is whole: no date, time or word
broken mid-way, no key left off the footer, nothing a phone user must scroll sideways to.

Run on a copy of the sample, as ``fieldkpi demo --as LOGIN`` shows it: its names and codes
(谢建华 (GZ-E09), "CSV import") are as wide as a branch's are.
"""

from __future__ import annotations

import io
import re
from itertools import pairwise

import pytest
from rich.console import Console
from rich.text import Text
from tui_helpers import (
    app_for,
    async_test,
    demo_app,
    notices,
    press,
    screen_text,
    seed_desk,
    select_ticket,
    settle,
    text_of,
    the_queue,
    toast_lines,
    type_text,
    wait_until,
)

import screens.app
from fieldkpi.i18n import _
from fieldkpi.linebreaks import CLOSING, wrap
from fieldkpi.numbers import signed
from screens import collector
from screens.dispatch import DispatchScreen
from screens.events import STATES
from screens.queue import QueueTable
from screens.ticket_detail import TicketDetailScreen

SIZE = (80, 24)


@pytest.fixture
def lasting_notice(monkeypatch):
    """The demo's notice for as long as a test takes: on a loaded machine starting the app
    alone took 15 s of its 20, and the notice was gone before it was read."""
    monkeypatch.setattr(screens.app, "NOTICE_SECONDS", 600)


PHONE = (46, 30)


def history_part(app) -> str:
    """The screen's lines from the history's title down."""
    return screen_text(app).split("\n History")[-1]


async def open_visited(pilot) -> TicketDetailScreen:
    """The queue's first dispatched ticket opened, and its visit recorded now."""
    app = pilot.app
    await settle(pilot)
    app.clear_notifications()
    queue = app.screen.query_one(QueueTable)
    queue.focus()
    queue.move_cursor(row=[t.status for t in queue.tickets].index("dispatched"))
    await press(pilot, "enter")
    await press(pilot, "v")
    await press(pilot, "ctrl+s")
    assert isinstance(app.screen, TicketDetailScreen)
    assert app.screen.ticket.status == "visited"
    return app.screen


async def history_shown(pilot) -> tuple[set[str], str]:
    """Every word of the history's lines, and all the screen showed of them, each line in
    turn scrolled into view."""
    table = pilot.app.screen.query_one("#history")
    words = {
        word
        for i in range(table.row_count)
        for cell in table.get_row_at(i)
        for word in str(cell).split()
    }
    shown = ""
    for row in range(table.row_count):
        table.move_cursor(row=row, animate=False)
        await settle(pilot)
        shown += history_part(pilot.app)
    return words, shown


@async_test
async def test_at_80_columns_no_word_of_the_history_is_broken(demo):
    """A date, a time, a status or a name in the history wraps at its spaces, whole: the
    tester's '2026-11-2' over '0' and 'dispatche' over 'd' are gone."""
    app = demo_app(demo, "liujiayi")
    async with app.run_test(size=SIZE) as pilot:
        await open_visited(pilot)
        words, shown = await history_shown(pilot)
        assert {"2026-11-20", "dispatched", "visited"} <= words
        assert sorted(w for w in words if w not in shown) == []


@async_test
async def test_on_a_phone_the_history_is_cards_and_nothing_is_cut(demo):
    """At 46 columns each line of the history is a card of "heading value" pairs, as the
    queue's and fix first's are, not six columns squeezed into 46 cells."""
    app = demo_app(demo, "dengyan")
    async with app.run_test(size=PHONE) as pilot:
        await settle(pilot)
        await press(pilot, "f2")
        await open_visited(pilot)
        table = app.screen.query_one("#history")
        assert table.virtual_size.width <= table.size.width
        words, shown = await history_shown(pilot)
        assert {"2026-11-20", "dispatched", "visited"} <= words
        assert sorted(w for w in words if w not in shown) == []
        assert "Step record visit" in shown and "From dispatched" in shown


@pytest.mark.parametrize("login", ["liujiayi", "dengyan"])
@async_test
async def test_the_ticket_screens_footer_keeps_back_at_80_columns(demo, lang, login):
    """The way out of a ticket is on its footer in both languages, for a rep (the most step
    keys) and an engineer: in English it fell off after 'k Deduct'."""
    app = demo_app(demo, login)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        if login == "dengyan":
            await press(pilot, "f2")
        await open_visited(pilot)
        await press(pilot, "up")  # the history's first line: the footer as it opened
        footer = screen_text(app).splitlines()[-1]
        assert footer.startswith(f"F1 {_('Help')} ")
        assert f"Esc {_('Back')}" in footer, footer


def help_lines(app, width: int) -> list[str]:
    """The help as drawn ``width`` cells wide, every line (also those scrolled out of view),
    stripped: the box's content, drawn as it is at every width a terminal gives it."""
    console = Console(width=width, file=io.StringIO(), record=True)
    console.print(app.screen.query_one("#help").content)
    return [line.strip() for line in console.export_text().splitlines() if line.strip()]


@pytest.mark.parametrize(("login", "keys"), [("qiuping", ("f6",)), ("dengyan", ("f6",))])
@async_test
async def test_chinese_help_keeps_a_key_on_the_line_of_its_words(demo, zh, login, keys):
    """F6's help in Chinese: 'a' was left at the end of a line, '批准' on the next, and '按 v'
    over '显示本分公司…'."""
    app = demo_app(demo, login)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, *keys, "f1")
        lines = [line for width in range(36, 81) for line in help_lines(app, width)]
        assert any("批准" in line for line in lines)
        alone = [line for line in lines if re.search(r"(^|[^\x00-\x7f])\s*[a-z]$", line)]
        assert alone == []
        assert [line for line in lines if line[0] in CLOSING] == []


@pytest.mark.parametrize("login", ["liujiayi", "dengyan"])
@async_test
async def test_chinese_ticket_help_starts_no_line_with_a_closing_mark(demo, zh, login):
    app = demo_app(demo, login)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        if login == "dengyan":
            await press(pilot, "f2")
        await open_visited(pilot)
        await press(pilot, "f1")
        lines = [line for width in range(36, 81) for line in help_lines(app, width)]
        assert any("工单详情" in line for line in lines)
        starts = [line for line in lines for part in line.split("  ") if part[:1] in CLOSING]
        assert starts == []


@async_test
async def test_the_demos_chinese_notice_breaks_no_command_mid_word(demo, zh, lasting_notice):
    """The first notice, wrapped as its box wraps it (:class:`screens.toasts.ProseToast`) at
    any width it has on a phone or at 80 columns: 'fieldkp' over 'i demo --as rep' is gone."""
    app = demo_app(demo, "liujiayi")
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: notices(app))  # posted as the app mounts
        notice = notices(app)[0]
    for width in range(20, 41):
        lines = wrap(Text(notice), width).plain.splitlines()
        assert any("fieldkpi" in line for line in lines), lines
        assert any("sample.db" in line for line in lines), lines


@async_test
async def test_the_chinese_discard_prompt_lists_fields_with_the_chinese_comma(demo, zh):
    app = demo_app(demo, "liujiayi")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.clear_notifications()
        await press(pilot, "n")
        await type_text(pilot, "张先生")
        await press(pilot, "tab")
        await type_text(pilot, "13800138000")
        await press(pilot, "escape")
        question = str(app.screen.query_one("#discard-question").content)
        assert "、" in question and "," not in question, question


@pytest.mark.parametrize("size", [SIZE, PHONE])
@async_test
async def test_fix_first_names_its_points_and_their_sign_alike_at_80_and_46(demo, size):
    """An engineer's fix first: the heading whole ('Points cha' at 80 columns) and the points
    a ticket loses shown as a loss, as on a phone."""
    app = demo_app(demo, "dengyan")
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        app.clear_notifications()
        await press(pilot, "t")  # Timeliness → Fix first
        first = app.screen.figures.fix_first[0]
        assert first.change < 0
        shown = screen_text(app)
        assert "Points change" in shown
        code_line = next(line for line in shown.splitlines() if first.ticket.code in line)
        row = shown.splitlines().index(code_line)
        assert signed(first.change) in " ".join(shown.splitlines()[row : row + 2]), shown


@async_test
async def test_on_a_phone_an_engineers_events_are_cards_with_every_column(demo):
    """F6 at 46 columns: each event a card with its date, kind, state, who recorded it and
    its points, not a table cut after 'Recorde' with the points off the screen."""
    app = demo_app(demo, "dengyan")
    async with app.run_test(size=PHONE) as pilot:
        await settle(pilot)
        app.clear_notifications()
        await press(pilot, "f6")
        table = app.screen.query_one("#events")
        assert table.virtual_size.width <= table.size.width
        shown = screen_text(app)
        assert app.screen.events
        for event in app.screen.events:
            recorder = event.recorded_by_name
            by = "CSV import" if recorder == "import" else recorder
            for pair in (f"Date {event.at[:10]}", f"Recorded by {by}", "Points "):
                assert pair in shown, (pair, shown)
            assert f"State {_(STATES[event.state])}" in shown
        assert "Kind Engineer problem" in shown


@async_test
async def test_on_a_phone_the_discard_question_fits_whole(demo):
    """A form with much typed in it, Esc: the question, its box and both buttons all on a
    46-column screen (the right border and Discard were off it)."""
    app = demo_app(demo, "liujiayi")
    async with app.run_test(size=PHONE) as pilot:
        await settle(pilot)
        app.clear_notifications()
        await press(pilot, "n")
        await type_text(pilot, "张先生")
        await press(pilot, "tab")
        await type_text(pilot, "13800138000")
        await press(pilot, "escape")
        box = app.screen.query_one("#discard-box")
        assert box.region.right <= PHONE[0]
        for button in app.screen.query("Button"):
            assert button.region.right <= box.region.right - 1, button
        shown = screen_text(app)
        assert "Keep editing" in shown and "Discard" in shown.split("Keep editing")[1]
        question = str(app.screen.query_one("#discard-question").content)
        assert " ".join(question.split()) in " ".join(
            line.strip(" │╭╮╰╯─") for line in shown.splitlines()
        ).replace("  ", " ")


@async_test
async def test_on_a_phone_a_long_history_opens_at_its_first_card(store):
    """A ticket of 14 history lines on a phone: its first card whole under the title (it
    opened scrolled to the last, the top card without its time), cards told apart by a rule,
    and Up and PageUp move in the history at once."""
    desk = seed_desk(store)
    app = app_for(store, "wangfang")
    async with app.run_test(size=PHONE) as pilot:
        await settle(pilot)
        await select_ticket(pilot, desk.visited)
        await press(pilot, "enter")
        table = app.screen.query_one("#history")
        assert table.row_count == 14 and app.focused is table
        assert table.cursor_row == 0 and table.scroll_y == 0
        lines = history_part(app).splitlines()
        assert lines[1].strip().startswith("When "), lines
        assert any("─" * 40 in line for line in lines[2:6]), lines
        await press(pilot, "pagedown", "pagedown")
        row = table.cursor_row
        assert row > 0
        await press(pilot, "pageup")
        assert table.cursor_row < row
        await press(pilot, "up")
        assert table.cursor_row < row


@async_test
async def test_on_a_phone_an_engineers_footers_show_the_keys_they_need(demo):
    """At 46 columns the palette's key took 14 of the footer's cells: My figures had no F6,
    and an open ticket showed `p Parts` but not `c Complete`. Ctrl+P still opens it."""
    app = demo_app(demo, "engineer")
    async with app.run_test(size=PHONE) as pilot:
        await settle(pilot)
        assert "f6 Events" in screen_text(app).splitlines()[-1]
        await press(pilot, "f2", "enter")
        assert isinstance(app.screen, TicketDetailScreen)
        assert "c Complete" in screen_text(app).splitlines()[-1]
        await press(pilot, "ctrl+p")
        assert type(app.screen).__name__ == "CommandPalette"


@async_test
async def test_the_demos_notice_stays_over_the_queue_through_its_warm_up(
    demo, monkeypatch, lasting_notice
):
    """In the first pause the queue composes the screens its keys open, unseen; the notice
    took that for the person leaving the queue and went after 2 s, not 20."""
    monkeypatch.setattr(collector, "IDLE", 0.0)  # the first pause at once
    app = demo_app(demo, "liujiayi")
    async with app.run_test(size=SIZE) as pilot:
        queue = the_queue(app)
        await wait_until(pilot, lambda: app.is_screen_installed(queue._kept("ticket")))
        await settle(pilot)
        assert app.screen is queue
        assert "fieldkpi demo --as rep" in notices(app)[0]
        await press(pilot, "n")  # the person leaves the queue: the notice goes
        assert not notices(app)


@async_test
async def test_on_a_chinese_phone_the_demos_notice_leaves_the_form_and_its_hint_wraps(
    demo, zh, lasting_notice
):
    """The opening notice stayed 20 s over the new-ticket form (its characters lost where
    they met the form's); and the caller's note broke anywhere, a line starting "。"."""
    app = demo_app(demo, "liujiayi")
    async with app.run_test(size=PHONE) as pilot:
        table = app.screen.query_one(QueueTable)
        await wait_until(pilot, lambda: notices(app) and table.tickets)  # over the queue
        phone = table.tickets[0].phone
        await press(pilot, "n")
        assert not notices(app)
        app.screen.set_focus(app.screen.query_one("#field-phone"))
        await type_text(pilot, phone)
        await press(pilot, "tab")  # leaving the phone looks the caller up
        caller = app.screen.query_one("#caller")
        console = Console(width=caller.content_region.width, file=io.StringIO(), record=True)
        console.print(caller.content)
        lines = console.export_text().splitlines()
        assert "姓名和地址取自" in "".join(lines), lines
        assert not any(line.strip()[:1] in CLOSING for line in lines if line.strip()), lines


@async_test
async def test_a_bucket_label_keeps_its_day_with_the_number(demo):
    """邓艳's October at 80 columns: 'past 7 days: day 21' was cut to its column as
    'past 7 days: day' over a lone '21'. It breaks between its two parts, each whole."""
    app = demo_app(demo, "dengyan")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "left_square_bracket", "end")
        lines = screen_text(app).splitlines()
        assert [line for line in lines if re.fullmatch(r"\s*\d+\s*", line)] == []
        labels = [(a.split()[:3], b.split()[:2]) for a, b in pairwise(lines) if "GZ26" in a]
        assert (["past", "7", "days:"], ["day", "21"]) in labels


@async_test
async def test_on_a_phone_the_dispatch_time_hint_wraps_with_both_forms(demo, lang):
    """The picker's When at 46 columns read "now, or HH:MM today": the YYYY-MM-DD HH:MM form
    that 80 columns and F1 give was cut. The hint now goes on under the box, in either
    language, until something is typed."""
    app = demo_app(demo, "liujiayi")
    async with app.run_test(size=PHONE) as pilot:
        await settle(pilot)
        app.clear_notifications()
        await press(pilot, "d")
        await settle(pilot)
        assert isinstance(app.screen, DispatchScreen)

        def when_lines() -> tuple[str, str]:
            lines = [line.strip(" │") for line in screen_text(app).splitlines()]
            at = next(i for i, line in enumerate(lines) if line.startswith(_("When")))
            return lines[at].removeprefix(_("When")).strip(), lines[at + 1]

        box, under = when_lines()
        assert "HH:MM" in box and "YYYY-MM-DD HH:MM" in under
        marks = re.compile(r"[\s,;，；]")  # the words of the hint, all of them, in order
        hint = _("now, or HH:MM today, or YYYY-MM-DD HH:MM")
        assert marks.sub("", box + under) == marks.sub("", hint)
        await press(pilot, "tab")
        await type_text(pilot, "1")
        assert when_lines() == ("1", "")


@pytest.mark.parametrize("size", [PHONE, SIZE])
@async_test
async def test_a_chinese_notice_starts_no_line_with_a_closing_mark(demo, zh, size, lasting_notice):
    """At 46×30 a letter typed on a form's Save button was answered with 按钮上不能输入文字
    over '：按 Tab …': Textual's toast broke its run of Chinese where the width ran out."""
    app = demo_app(demo, "liujiayi")
    async with app.run_test(size=size, notifications=True) as pilot:
        await settle(pilot)
        await press(pilot, "n")
        app.screen.query_one("#save").focus()
        await press(pilot, "a")
        await settle(pilot)
        lines = toast_lines(app)
        assert "".join(lines).replace(" ", "") == "按钮上不能输入文字：按Tab转到下一栏。"
        assert [line for line in lines if line[:1] in CLOSING] == []


@async_test
async def test_the_line_under_the_queue_gives_the_address_the_columns_cut(demo):
    """At 80 columns the other columns leave the address a cell or two; the line under the
    list gives the address of the ticket under the cursor, and follows it. Wide enough to
    show every address whole, it says only its counts."""
    app = demo_app(demo, "liujiayi")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        tickets = app.screen.query_one(QueueTable).tickets
        status = text_of(app, "#queue-status")
        assert status.endswith(f" shown · Address: {tickets[0].address}")
        await press(pilot, "down", "down")
        assert text_of(app, "#queue-status").endswith(f"Address: {tickets[2].address}")
        await pilot.resize_terminal(160, 40)
        await settle(pilot)
        assert "Address" not in text_of(app, "#queue-status")
        assert "shown" in text_of(app, "#queue-status")


@async_test
async def test_a_phone_turned_sideways_gets_the_whole_title_back(demo):
    """Upright the title names only the person; turned to 80 columns it said so still, the
    role and branch never back (the app read its size before Textual gave it the new one)."""
    app = demo_app(demo, "liujiayi")
    async with app.run_test(size=PHONE) as pilot:
        await settle(pilot)
        assert "Tickets — 刘佳怡" in screen_text(app).splitlines()[0]
        assert "rep · GZ" not in screen_text(app).splitlines()[0]
        await pilot.resize_terminal(*SIZE)
        await settle(pilot)
        assert "Tickets — 刘佳怡 · rep · GZ" in screen_text(app).splitlines()[0]
        await pilot.resize_terminal(*PHONE)
        await settle(pilot)
        assert "rep · GZ" not in screen_text(app).splitlines()[0]
