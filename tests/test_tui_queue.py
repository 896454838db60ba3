"""The ticket queue at 80×24: what it shows, search, filters, paging from SQL, help and keys.

The seeded desk is described in ``test_tui_ticket_flow``; all its tickets were
changed last at the same second, so the queue orders them by id, newest first.
"""

from __future__ import annotations

import threading

import pytest
from rich.cells import cell_len
from ticket_helpers import NOW, TICKET_FIELDS
from tui_helpers import (
    SIZE,
    app_for,
    async_test,
    notices,
    press,
    queue_codes,
    screen_text,
    seed_desk,
    settle,
    table_rows,
    text_of,
    the_queue,
    type_text,
    wait_until,
)

import screens.queue
from fieldkpi.scheme import default_scheme
from screens import collector
from screens.dispatch import DispatchScreen
from screens.help import HelpScreen
from screens.my_figures import MyFiguresScreen
from screens.queue import BUCKET_STYLES, QueueScreen, QueueTable
from screens.rankings import RankingsScreen
from screens.ticket_detail import TicketDetailScreen
from screens.ticket_form import NewTicketForm
from storage import appraisal, tickets
from storage.db import open_store

# At 80 columns the address column shows "天河路 1": the line under the list gives it whole.
CUT = "Address: 天河路 1 号"


@pytest.fixture
def desk(store):
    return seed_desk(store)


@async_test
async def test_open_tickets_newest_first_with_age_coloured_by_bucket(store, desk):
    app = app_for(store, "wangfang")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "Tickets — 王芳 · rep · GZ" in text.splitlines()[0]
        assert queue_codes(app) == [desk.received, desk.dispatched, desk.visited, desk.old_open]
        rows = table_rows(app, "#queue")
        # code, status, age in days, kind, customer, engineer, rep, address
        assert rows[0] == [
            desk.received,
            "received",
            "1",
            "onsite repair",
            "张伟",
            "—",
            "王芳",
            "天河路 1 号",
        ]
        # received 10-13 → day 3; 10-05 → day 11 (late); 09-05 → day 41, open past 30 days
        assert [r[2] for r in rows] == ["1", "3", "11", "41"]
        table = app.screen.query_one(QueueTable)
        ages = [table.get_row_at(i)[2] for i in range(4)]
        assert [a.style for a in ages] == [
            BUCKET_STYLES["d1"],
            BUCKET_STYLES["d3"],
            BUCKET_STYLES["late"],
            BUCKET_STYLES["open30"],
        ]
        assert text_of(app, "#queue-status") == f"4 open · 4 shown · {CUT}"
        # at 80 columns the codes (GZ261015001) leave the address room to be read whole
        header = next(line for line in text.splitlines() if "Ticket" in line and "Rep" in line)
        assert header.rstrip().endswith("Address")
        line = next(line for line in text.splitlines() if desk.received in line)
        assert "王芳  天河路 1" in line


@async_test
async def test_wide_names_line_up_in_columns(store, desk):
    tickets.new_ticket(
        store,
        desk.crew.rep,
        TICKET_FIELDS | {"customer": "Tom Lee", "phone": "13511112222"},
        now=NOW,
    )
    app = app_for(store, "wangfang")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        lines = [line for line in screen_text(app).splitlines() if "GZ26" in line]
        assert len(lines) == 5
        # the rep column starts at the same cell in every line, after 张伟 (4 cells) and Tom Lee (7)
        starts = {cell_len(line[: line.index("王芳")]) for line in lines}
        assert len(starts) == 1


@async_test
async def test_search_follows_typing_and_reaches_closed_tickets(store, desk):
    app = app_for(store, "wangfang")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "slash")
        await type_text(pilot, "刘")  # 刘敏's ticket is completed: not in the open list
        await wait_until(pilot, lambda: queue_codes(app) == [desk.completed])
        app.focused.value = ""
        await type_text(pilot, "gz26")  # a code prefix, typed in lower case
        await wait_until(pilot, lambda: len(queue_codes(app)) == 5)
        app.focused.value = ""
        await wait_until(pilot, lambda: len(queue_codes(app)) == 4)
        await type_text(pilot, "1390000000")  # a phone prefix
        await press(pilot, "enter")
        assert app.focused is app.screen.query_one(QueueTable)
        assert set(queue_codes(app)) == {
            desk.dispatched,
            desk.visited,
            desk.completed,
            desk.old_open,
        }


@async_test
async def test_filters_by_status_kind_engineer_and_mine(store, desk):
    app = app_for(store, "chenjing")  # 陈静 took in none of the seeded tickets
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        screen.query_one("#status-filter").value = "completed"
        await settle(pilot)
        assert queue_codes(app) == [desk.completed]
        screen.query_one("#status-filter").value = "open"
        screen.query_one("#engineer-filter").value = "E2"
        await settle(pilot)
        assert queue_codes(app) == [desk.old_open]
        screen.query_one("#engineer-filter").clear()
        screen.query_one("#kind-filter").value = "installation"
        await settle(pilot)
        assert queue_codes(app) == []
        screen.query_one("#kind-filter").clear()
        await settle(pilot)
        assert len(queue_codes(app)) == 4
        await press(pilot, "m")
        assert queue_codes(app) == []
        await press(pilot, "m")
        assert len(queue_codes(app)) == 4


@async_test
async def test_queue_pages_from_sql_as_the_cursor_nears_the_end(store, desk):
    rep = desk.crew.rep
    for i in range(120):
        fields = TICKET_FIELDS | {"customer": f"客户{i:03d}", "phone": f"1370000{i:04d}"}
        tickets.new_ticket(store, rep, fields, now=NOW)
    expected = [
        r[0]
        for r in store.query(
            "SELECT code FROM tickets WHERE status NOT IN ('completed', 'called_back',"
            " 'cancelled') ORDER BY updated_at DESC, id DESC"
        )
    ]
    assert len(expected) == 124
    app = app_for(store, "wangfang")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.screen.query_one(QueueTable)
        assert table.row_count == QueueScreen.PAGE_SIZE
        assert text_of(app, "#queue-status") == f"124 open · 50 shown · more below · {CUT}"
        await press(pilot, "end")  # the last loaded row: the next page comes
        assert (table.cursor_row, table.row_count) == (49, 100)
        await press(pilot, "end")
        assert (table.cursor_row, table.row_count) == (99, 124)
        await press(pilot, "end")
        assert table.cursor_row == 123
        assert text_of(app, "#queue-status") == f"124 open · 124 shown · {CUT}"
        assert queue_codes(app) == expected  # no ticket twice, none skipped
        await press(pilot, "home")
        assert (table.cursor_row, table.selected.code) == (0, expected[0])


@async_test
async def test_another_filter_starts_at_its_first_ticket_and_keeps_a_ticket_in_both(store, desk):
    crew = desk.crew

    def take(rep, count: int) -> list[tickets.Ticket]:
        fields = TICKET_FIELDS | {"customer": rep.name}
        return [tickets.new_ticket(store, rep, fields, now=NOW) for _ in range(count)]

    take(crew.rep, 10)
    theirs = take(crew.rep2, 30)  # rows 25-54 of the queue, newest first
    take(crew.rep, 25)
    app = app_for(store, "chenjing")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.screen.query_one(QueueTable)
        await press(pilot, "ctrl+end")  # the next page comes
        await press(pilot, "ctrl+end")
        assert (table.cursor_row, table.row_count) == (68, 69)  # a seeded ticket of 王芳's
        await press(pilot, "m")  # 陈静's own 30: from the newest, not from row 29
        assert queue_codes(app) == [t.code for t in reversed(theirs)]
        assert table.cursor_row == 0
        await press(pilot, "down", "down", "down")
        chosen = table.selected.code
        await press(pilot, "m")  # everyone's again: still on the ticket chosen, row 28
        assert (table.selected.code, table.cursor_row) == (chosen, 28)


@async_test
async def test_first_screen_and_keys_fit_the_role(store, desk):
    engineer = app_for(store, "liqiang")
    async with engineer.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(engineer.screen, MyFiguresScreen)  # his own figures first
        await press(pilot, "f2")
        assert "李强 · engineer · GZ" in screen_text(engineer).splitlines()[0]
        assert queue_codes(engineer) == [desk.dispatched, desk.visited]
        footer = screen_text(engineer).splitlines()[-1]
        assert "New" not in footer and "Dispatch" not in footer and "Deduct" not in footer
        await press(pilot, "n")
        assert isinstance(engineer.screen, QueueScreen)
    lead = app_for(store, "liuyang")
    async with lead.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(lead.screen, RankingsScreen)  # the rankings first
        await press(pilot, "f2")
        assert isinstance(lead.screen, QueueScreen)
        assert "刘洋 · lead · GZ" in screen_text(lead).splitlines()[0]
        assert len(queue_codes(lead)) == 4


@async_test
async def test_help_and_command_palette_follow_the_screen(store, desk):
    app = app_for(store, "wangfang")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "f1")
        assert isinstance(app.screen, HelpScreen)
        help_text = app.screen.text
        assert "# Tickets" in help_text
        assert (
            "| `d` | **Dispatch**: Dispatch or re-dispatch the ticket to an engineer |" in help_text
        )
        await press(pilot, "escape")
        await press(pilot, "question_mark")
        assert isinstance(app.screen, HelpScreen)
        await press(pilot, "escape")

        await press(pilot, "ctrl+p")
        await type_text(pilot, "dispatch")
        await wait_until(pilot, lambda: "Dispatch or re-dispatch" in screen_text(app))
        await press(pilot, "enter")
        assert isinstance(app.screen, DispatchScreen)
        await press(pilot, "f1")
        assert "Pick the engineer" in app.screen.text
        assert not notices(app)


@async_test
async def test_search_by_the_last_four_digits_of_a_phone_and_open_the_ticket(store, desk):
    app = app_for(store, "wangfang")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "slash")
        await type_text(pilot, "0005")  # 手机尾号: 陈杰 called from 13900000005
        await press(pilot, "enter")
        assert queue_codes(app) == [desk.old_open]
        await press(pilot, "enter")
        assert isinstance(app.screen, TicketDetailScreen)
        assert app.screen.code == desk.old_open


@async_test
async def test_a_new_ticket_shows_the_callers_open_ticket_and_fills_in_the_known_address(
    store, desk
):
    app = app_for(store, "wangfang")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "n")
        form = app.screen
        form.set_focus(form.query_one("#field-phone"))
        await type_text(pilot, "13900000003")  # 王磊, whose ticket is open (visited)
        await press(pilot, "tab")  # leaving the phone looks the caller up
        note = text_of(app, "#caller")
        assert note.splitlines()[0] == "This caller has 1 open ticket:"
        assert desk.visited in note and "王磊" in note
        assert "Name and address filled in from" in note
        assert form.query_one("#field-customer").value == "王磊"
        assert form.query_one("#field-address").value == TICKET_FIELDS["address"]
        assert desk.visited in screen_text(app)  # on screen, under the phone

        form.query_one("#field-kind").value = "installation"
        form.set_focus(form.query_one("#field-fault"))
        await type_text(pilot, "新机安装")
        await press(pilot, "ctrl+s")
        assert not isinstance(app.screen, type(form))  # saved: a warning, not a refusal
    phones = store.query("SELECT customer, address FROM tickets WHERE phone = '13900000003'")
    assert [tuple(row) for row in phones] == [("王磊", TICKET_FIELDS["address"])] * 2


@async_test
async def test_a_ticket_taken_in_while_a_search_shows_is_on_the_list_with_the_cursor_on_it(
    store, desk
):
    """The search is cleared, with any filter the new ticket does not pass: "saved" over a
    list still of the search, the new ticket nowhere in it, read as lost. A filter it
    passes stays, as the person chose it."""
    app = app_for(store, "wangfang")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        screen.query_one("#kind-filter").value = "onsite_repair"  # every seeded ticket's
        await press(pilot, "slash")
        await type_text(pilot, "8000")
        await press(pilot, "enter")
        assert queue_codes(app) == [desk.received]
        await press(pilot, "n")
        form = app.screen
        typed = {"customer": "赵六", "phone": "13700000000", "address": "体育西路 2 号"}
        for name, value in {**typed, "fault": "不制冷"}.items():
            form.query_one(f"#field-{name}").value = value
        form.query_one("#field-kind").value = "onsite_repair"
        await press(pilot, "ctrl+s")
        assert app.screen is screen
        await pilot.pause(2 * QueueScreen.SEARCH_DELAY)  # the cleared box's own search, if any
        await settle(pilot)
        (code,) = [n.split()[1] for n in notices(app) if n.endswith("saved")]
        assert screen.query_one("#search").value == ""
        assert screen.query_one("#kind-filter").value == "onsite_repair"
        table = screen.query_one(QueueTable)
        assert (table.cursor_row, table.selected.code) == (0, code)
        assert queue_codes(app) == [
            code,
            desk.received,
            desk.dispatched,
            desk.visited,
            desk.old_open,
        ]

        await press(pilot, "slash")  # a status or kind the new ticket is not of: undone
        await type_text(pilot, "赵六")
        await press(pilot, "enter")
        screen.query_one("#status-filter").value = "dispatched"
        await settle(pilot)
        assert queue_codes(app) == []
        await press(pilot, "n")
        for name, value in {**typed, "fault": "漏水", "kind": "installation"}.items():
            app.screen.query_one(f"#field-{name}").value = value
        await press(pilot, "ctrl+s")
        await pilot.pause(2 * QueueScreen.SEARCH_DELAY)
        await settle(pilot)
        assert screen.query_one("#status-filter").value == "open"
        assert screen.query_one("#kind-filter").is_blank()  # an installation: any kind
        assert table.selected.code == queue_codes(app)[0] != code
        assert queue_codes(app)[1] == code


@async_test
async def test_a_new_callers_typed_name_is_kept(store, desk):
    app = app_for(store, "wangfang")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "n")
        form = app.screen
        await type_text(pilot, "王太太")  # the customer field first
        form.set_focus(form.query_one("#field-phone"))
        await type_text(pilot, "13900000004")  # 刘敏's phone, her ticket completed
        await press(pilot, "tab")
        assert text_of(app, "#caller").startswith("A known caller: last ticket")
        assert form.query_one("#field-customer").value == "王太太"  # typed: kept
        form.query_one("#field-phone").value = "13700000000"
        await press(pilot, "shift+tab")  # back into the phone, and out again
        await press(pilot, "tab")
        assert text_of(app, "#caller") == ""  # nobody known by this phone


@async_test
async def test_what_the_caller_lookup_filled_follows_the_phone_and_what_was_typed_stays(
    store, desk
):
    """The tester's keys: a phone typed in dashes finds 王磊 (kept as digits); corrected to
    黄蓉's phone, her name and address replace his; emptied, they are filled again by the
    same phone; a name the rep typed stays whatever the phone, and is what is saved."""
    huang = TICKET_FIELDS | {"customer": "黄蓉", "phone": "13900000009", "address": "中山路 8 号"}
    huang = tickets.new_ticket(store, desk.crew.rep, huang, now=NOW)
    app = app_for(store, "wangfang")

    async def phone(typed: str) -> None:  # into the phone, from the field after it
        await press(pilot, "shift+tab", "home", "ctrl+k")
        await type_text(pilot, typed)
        await press(pilot, "tab")

    def shown() -> tuple[str, str]:
        return tuple(form.query_one(f"#field-{n}").value for n in ("customer", "address"))

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "n", "tab")
        form = app.screen
        await type_text(pilot, "139-0000-0003")  # 王磊's, as the hint invites
        await press(pilot, "tab")
        assert text_of(app, "#caller").startswith("This caller has 1 open ticket:")
        assert shown() == ("王磊", TICKET_FIELDS["address"])

        await phone("139 0000 0009")
        assert f"Name and address filled in from {huang.code}" in text_of(app, "#caller")
        assert shown() == ("黄蓉", "中山路 8 号")

        await press(pilot, "home", "ctrl+k", "shift+tab", "shift+tab", "home", "ctrl+k")
        await press(pilot, "tab", "tab")  # through the phone, not typed in: nothing put back
        assert shown() == ("", "")
        await phone("13900000009")  # typed again: filled again, as a fresh form would
        assert shown() == ("黄蓉", "中山路 8 号")

        await press(pilot, "shift+tab", "shift+tab", "home", "ctrl+k")
        await type_text(pilot, "黄女士")  # typed: the rep's, never replaced
        await press(pilot, "tab", "tab")
        await phone("13700000000")  # nobody known: the address the lookup put goes
        assert text_of(app, "#caller") == "" and shown() == ("黄女士", "")
        await phone("13900000003")
        assert shown() == ("黄女士", TICKET_FIELDS["address"])

        form.query_one("#field-kind").value = "onsite_repair"
        form.set_focus(form.query_one("#field-fault"))
        await type_text(pilot, "漏水")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, QueueScreen)
    saved = store.query("SELECT customer, phone, address FROM tickets WHERE fault = '漏水'")
    assert [tuple(row) for row in saved] == [("黄女士", "13900000003", TICKET_FIELDS["address"])]


@async_test
async def test_a_save_elsewhere_redraws_the_queue_only_when_its_rows_changed(store, desk):
    app = app_for(store, "wangfang")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.screen.query_one(QueueTable)
        await press(pilot, "down", "down")
        redrawn = []
        clear = table.clear
        table.clear = lambda *a, **k: redrawn.append(1) or clear(*a, **k)
        crew = desk.crew
        other = open_store(store.path)  # another person's session: its own connection
        try:
            # The lead records a deduction: the database changed, no row of the queue did.
            appraisal.record_deduction(
                other, crew.lead, "E1", "violation", None, "违规", default_scheme(), now=NOW
            )
            app.check_for_changes()
            await settle(pilot)
            assert redrawn == [] and table.cursor_row == 2
            # Another rep dispatches the received ticket: its row is drawn anew.
            ticket = tickets.get_ticket(other, crew.rep2, desk.received)
            tickets.dispatch(other, crew.rep2, desk.received, ticket.version, "E1", now=NOW)
        finally:
            other.close()
        app.check_for_changes()
        await settle(pilot)
        assert redrawn and table_rows(app, "#queue")[0][1] == "dispatched"
        assert queue_codes(app)[table.cursor_row] == desk.visited


@async_test
async def test_the_footer_follows_the_steps_of_the_selected_ticket(store, desk):
    app = app_for(store, "wangfang")
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)

        def footer() -> str:
            return screen_text(app).splitlines()[-1]

        assert queue_codes(app)[0] == desk.received
        assert "Dispatch" in footer() and "Complete" not in footer()
        await press(pilot, "down", "down")  # the visited ticket: it can be completed
        assert queue_codes(app)[2] == desk.visited
        assert "Complete" in footer()
        await press(pilot, "up", "up")
        assert "Complete" not in footer()


@async_test
async def test_back_from_a_ticket_the_footer_has_the_steps_of_what_was_done_there(store, desk):
    """The queue's footer is left alone while a ticket is open over it, and is right on return."""
    app = app_for(store, "wangfang")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)

        def footer() -> str:
            return screen_text(app).splitlines()[-1]

        assert queue_codes(app)[0] == desk.received
        assert "d Dispatch" in footer() and "Complete" not in footer()
        await press(pilot, "enter")
        assert isinstance(app.screen, TicketDetailScreen)
        await press(pilot, "d")
        await press(pilot, "enter", "enter")  # to the first engineer offered, now
        await press(pilot, "escape")
        assert isinstance(app.screen, QueueScreen)
        assert table_rows(app, "#queue")[0][1] == "dispatched"
        assert "c Complete" in footer()


@async_test
async def test_help_shown_again_is_the_same_text_from_the_top(store, desk):
    app = app_for(store, "wangfang")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "f1")
        first = app.screen
        await press(pilot, "pagedown", "pagedown")
        assert first.query_one("#help-box").scroll_y > 0
        await press(pilot, "escape")
        assert isinstance(app.screen, QueueScreen)
        await press(pilot, "f1")  # kept for the session: shown again, from its first line
        assert app.screen is first and "# Tickets" in first.text
        assert first.query_one("#help-box").scroll_y == 0
        assert "Tickets" in screen_text(app)
        await press(pilot, "escape", "f6", "f1")  # another screen: its own help
        assert isinstance(app.screen, HelpScreen) and app.screen is not first
        assert "# Events" in app.screen.text


@async_test
async def test_a_warm_up_asked_for_as_the_app_closes_does_nothing(store, desk, monkeypatch):
    """A tick of the last pause can ask for the warm-up as the app closes: it ran once the
    queue's widgets were gone, and the session ended on ``NoMatches: QueueTable``."""
    monkeypatch.setattr(collector, "IDLE", 3600.0)  # no pause of its own on a slow machine
    app = app_for(store, "chenjing")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        queue = app.screen
        queue._warmed = False
        await queue.query_one(QueueTable).remove()  # as closing removes it
        await queue.warm_up()
        assert not app.is_screen_installed(queue._kept("new-ticket"))


@async_test
async def test_the_first_pause_composes_the_screens_the_keys_open_and_a_key_waits(
    store, desk, monkeypatch
):
    monkeypatch.setattr(collector, "IDLE", 0.0)  # the first pause comes at the first tick
    app = app_for(store, "chenjing")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        queue = app.screen
        names = {what: queue._kept(what) for what in ("new-ticket", "ticket", "picker")}

        def composed() -> bool:
            installed = [app.is_screen_installed(name) for name in names.values()]
            return all(installed) and all(app.get_screen(n).is_mounted for n in names.values())

        await wait_until(pilot, composed)
        await settle(pilot)
        assert app.screen is queue and app.screen_stack == [app.screen_stack[0], queue]
        assert isinstance(app.focused, QueueTable)

        # A key typed while they compose waits, and goes to the queue.
        queue._warmed = False
        app.call_later(queue.warm_up)
        await pilot.press("down")
        await settle(pilot)
        assert app.screen is queue and queue.query_one(QueueTable).cursor_row == 1

        # Each opens as if composed for it: the ticket and the form of the moment.
        await press(pilot, "down")
        chosen = queue_codes(app)[2]
        await press(pilot, "enter")
        assert isinstance(app.screen, TicketDetailScreen) and app.screen.code == chosen
        await press(pilot, "escape", "d")
        assert isinstance(app.screen, DispatchScreen)
        assert chosen in text_of(app, "#form-summary")
        await press(pilot, "escape", "n")
        assert isinstance(app.screen, NewTicketForm)
        assert app.screen.query_one("#field-customer").value == ""
        await type_text(pilot, "黄蓉")
        assert app.screen.query_one("#field-customer").value == "黄蓉"


@async_test
async def test_a_pause_before_the_first_page_leaves_the_ticket_screen_to_the_next(
    store, desk, monkeypatch
):
    """Under load the first pause may come before the first page: the ticket screen, which
    needs a ticket, was then never composed for the session. Now it is, once the page is in."""
    monkeypatch.setattr(collector, "IDLE", 0.0)
    release, page = threading.Event(), screens.queue.queue_page

    def slow_page(*args, **kwargs):
        release.wait(10)
        return page(*args, **kwargs)

    monkeypatch.setattr(screens.queue, "queue_page", slow_page)
    app = app_for(store, "wangfang")
    async with app.run_test(size=SIZE) as pilot:
        # (the warm-up may be under way already: the queue is the stack's, not always on top)
        queue = the_queue(app)
        await wait_until(pilot, lambda: app.is_screen_installed(queue._kept("new-ticket")))
        assert not app.is_screen_installed(queue._kept("ticket"))  # no rows yet
        release.set()  # still the same pause: no key since
        await wait_until(pilot, lambda: app.is_screen_installed(queue._kept("ticket")))
        await settle(pilot)
        assert app.screen is queue


@async_test
async def test_an_engineers_pause_composes_only_the_ticket_screen(store, desk, monkeypatch):
    monkeypatch.setattr(collector, "IDLE", 0.0)
    app = app_for(store, "liqiang")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "f2")  # from his figures to his tickets
        queue = app.screen
        assert isinstance(queue, QueueScreen)
        await wait_until(pilot, lambda: app.is_screen_installed(queue._kept("ticket")))
        await settle(pilot)
        assert app.screen is queue
        assert not app.is_screen_installed(queue._kept("new-ticket"))  # he takes no calls
        assert not app.is_screen_installed(queue._kept("picker"))  # nor dispatches


@async_test
async def test_a_refresh_far_down_a_long_list_keeps_its_rows_and_the_cursor(
    store, desk, monkeypatch
):
    """Ctrl+R (or someone's save) with 650 tickets loaded reads them all again: the list
    is not cut back to its first few hundred, with the cursor thrown up to the last of them."""
    monkeypatch.setattr(QueueScreen, "PAGE_SIZE", 200)
    rep = desk.crew.rep
    for i in range(650):
        fields = TICKET_FIELDS | {"customer": f"客户{i:03d}", "phone": f"1370000{i:04d}"}
        tickets.new_ticket(store, rep, fields, now=NOW)
    app = app_for(store, "wangfang")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.screen.query_one(QueueTable)
        while table.row_count < 654:
            await press(pilot, "end")
        await press(pilot, "end")
        chosen = table.selected.code
        assert table.cursor_row == 653
        redrawn = []
        clear = table.clear
        table.clear = lambda *a, **k: redrawn.append(1) or clear(*a, **k)
        await press(pilot, "ctrl+r")
        await settle(pilot)
        assert (table.row_count, table.selected.code, redrawn) == (654, chosen, [])
        assert text_of(app, "#queue-status") == f"654 open · 654 shown · {CUT}"


@async_test
async def test_enter_after_the_search_has_run_only_moves_to_the_list(store, desk, monkeypatch):
    """Typing that pauses has searched already: Enter takes the found list as it is, where it
    read the same tickets again (and drew the list twice) on every search ended by Enter."""
    reads = []
    page = screens.queue.queue_page
    monkeypatch.setattr(
        screens.queue, "queue_page", lambda *a, **k: reads.append(1) or page(*a, **k)
    )
    app = app_for(store, "wangfang")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "slash")
        await type_text(pilot, "0005")
        await wait_until(pilot, lambda: queue_codes(app) == [desk.old_open])
        before = len(reads)
        await press(pilot, "enter")
        await settle(pilot)
        assert app.focused is app.screen.query_one(QueueTable) and len(reads) == before
        assert queue_codes(app) == [desk.old_open]


@async_test
async def test_esc_in_the_search_box_clears_the_search_and_gives_the_keys_to_the_list(store, desk):
    """`/ abc Esc n` left "abcn" in the box: Esc did nothing there. It cancels the search, as
    it cancels a form, and the key typed next is the list's (`n`: a new ticket); F1 says so."""
    app = app_for(store, "wangfang")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "slash", "0", "0", "0", "5")
        await wait_until(pilot, lambda: queue_codes(app) == [desk.old_open])
        await press(pilot, "escape", "n")
        assert isinstance(app.screen, NewTicketForm)
        await press(pilot, "escape")
        queue = app.screen
        assert queue.query_one("#search").value == ""
        assert len(queue_codes(app)) == 4 and app.focused is queue.query_one(QueueTable)
        await press(pilot, "f1")
        assert "Esc clears the search" in screen_text(app)
