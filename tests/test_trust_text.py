"""Text is data (issue 11, item 1): what people and files typed is drawn letter for letter.

Customer names, addresses, notes, staff names, codes and the messages quoting
them go through every screen, toast and CLI table here with the strings that
used to act: markup that crashed the queue (``[/]``) or made a link that runs
an app action (``[@click=…]``), terminal escapes (ANSI, OSC 52), a
right-to-left override, and a 10,000-character address.
"""

from __future__ import annotations

import csv
import io

import pytest
from ticket_helpers import NOW, TICKET_FIELDS, insert_ticket, seed_staff
from tui_helpers import (
    SIZE,
    app_for,
    async_test,
    press,
    screen_text,
    select_ticket,
    settle,
    table_rows,
    text_of,
    type_text,
)

from fieldkpi import cli
from fieldkpi.cleantext import clean_name, clean_text
from fieldkpi.limits import MAX_CHARS
from fieldkpi.merge import MergeError, merge_files
from fieldkpi.plain import CELL_WIDTH
from screens.queue import QueueScreen, QueueTable
from screens.staff_admin import StaffAdminScreen
from screens.ticket_detail import TicketDetailScreen
from screens.ticket_form import NewTicketForm
from storage import tickets
from storage.db import open_store
from storage.staff import add_staff
from storage.typed import FieldErrors

CLOSE_TAG = "[/]"
LINK = "[@click=app.bell]x[/]"
BOLD = "[bold]"
ANSI = "\x1b[31mred"
OSC52 = "\x1b]52;c;aGk=\x07"
RTL = "\u202eevil"
LONG_ADDRESS = "天河路" * 3334  # 10,002 characters


def links(app) -> list[str]:
    """Text on screen that a click would run as an action (Rich/Textual ``@click`` meta)."""
    return [
        segment.text
        for strip in app.screen._compositor.render_strips()
        for segment in strip
        if segment.style is not None and "@click" in segment.style.meta
    ]


def toasts(app) -> list[str]:
    """The toasts' messages as drawn: plain text only (tests run with toasts not shown)."""
    assert not any(n.markup for n in app._notifications)
    return [n.message for n in app._notifications]


def assert_inert(app) -> None:
    """Nothing drawn acts: no link, no escape, no bidi override, no zero-width character."""
    shown = screen_text(app)
    assert links(app) == []
    assert not any(ch in shown for ch in "\x1b\x07\u202e\u200b\ufeff")


@pytest.fixture
def crew(store):
    return seed_staff(store)


def take(store, rep, **fields) -> tickets.Ticket:
    return tickets.new_ticket(store, rep, TICKET_FIELDS | fields, now=NOW)


@async_test
async def test_markup_and_escapes_in_tickets_are_drawn_as_typed(store, crew):
    """The queue, the ticket and its history, a form and a toast, all at 80×24."""
    hostile = take(store, crew.rep, customer=CLOSE_TAG, address=LINK, fault=BOLD, product=ANSI)
    # Stored before text was cleaned on the way in, or by another program: cleaned when drawn.
    insert_ticket(store, "GZ-LEGACY", customer=OSC52, address=RTL + " road", rep="R1")
    with store.write() as db:  # an engineer whose name is markup, from an old staff file
        db.execute(
            "INSERT INTO staff (code, name, role, branch, hired_on)"
            " VALUES ('E7', '[/]工程师', 'engineer', 'GZ', '2020-01-01')"
        )
    app = app_for(store, "wangfang")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        assert CLOSE_TAG in screen_text(app) and "]52;c;aGk=" in screen_text(app)
        rows = {row[0]: row for row in table_rows(app, "#queue")}
        assert rows[hostile.code][4:] == [CLOSE_TAG, "—", "王芳", LINK]
        assert rows["GZ-LEGACY"][4:] == ["]52;c;aGk=", "—", "王芳", "evil road"]
        assert_inert(app)
        await press(pilot, "end", *["right"] * 30)
        assert "[@click=app.bell]x[/]" in screen_text(app)  # scrolled into view: still text
        assert_inert(app)

        await select_ticket(pilot, hostile.code)
        await press(pilot, "enter")
        assert isinstance(app.screen, TicketDetailScreen)
        fields = text_of(app, "#fields")
        assert LINK in fields and BOLD in fields and "[31mred" in fields
        assert_inert(app)

        await press(pilot, "escape", "d")  # dispatch to the engineer named "[/]工程师"
        assert "[/]工程师" in screen_text(app)
        assert_inert(app)
        engineers = app.screen.candidates
        await press(pilot, *["down"] * [c.person.code for c in engineers].index("E7"), "enter")
        await press(pilot, "enter")  # When left empty: now
        assert isinstance(app.screen, QueueScreen)
        toast = f"{hostile.code} is dispatched · [/]工程师"
        assert toast in toasts(app)
        assert_inert(app)

    assert store.scalar("SELECT engineer FROM tickets WHERE code = ?", (hostile.code,)) == "E7"


@async_test
async def test_a_ten_thousand_character_address_is_cut_in_the_queue(store, crew):
    """The column stays a cell wide, so End then → redraw as little as a short address does."""
    with store.write() as db:  # imported from a file that had no limit
        for n in range(60):
            db.execute(
                "INSERT INTO tickets (code, branch, kind, status, received_at, updated_at,"
                " address) VALUES (?, 'GZ', 'onsite_repair', 'received', ?, ?, ?)",
                (f"T{n:02d}", "2026-10-01 09:00:00", f"2026-10-01 09:{n:02d}:00", LONG_ADDRESS),
            )
    app = app_for(store, "wangfang")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = app.screen.query_one(QueueTable)
        assert max(column.width for column in table.columns.values()) <= CELL_WIDTH
        await press(pilot, "end", *["right"] * 30)
        assert table.scroll_x == table.max_scroll_x > 0
        assert "天河路天河路" in screen_text(app) and "…" in screen_text(app)

        await press(pilot, "enter")  # the ticket itself shows the address whole
        assert LONG_ADDRESS in text_of(app, "#fields").replace("\n", "").replace(" ", "")


@async_test
async def test_a_new_ticket_is_refused_past_the_length_limits_next_to_the_field(store, crew):
    app = app_for(store, "wangfang")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "n")
        assert isinstance(app.screen, NewTicketForm)
        await type_text(pilot, "黄蓉")
        await press(pilot, "tab")
        await type_text(pilot, "13800138000")
        await press(pilot, "tab")
        await type_text(pilot, LONG_ADDRESS)
        limit = MAX_CHARS["address"]
        said = f"At most {limit} characters (10,002 given)."
        assert text_of(app, "#error-address") == said  # as it is typed
        await press(pilot, "tab", "tab", "enter", "down", "enter")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, NewTicketForm)
        assert text_of(app, "#error-address") == said  # and when saving: nothing saved
        assert store.scalar("SELECT count(*) FROM tickets") == 0

        app.focused.value = "天河路 1 号"
        await settle(pilot)
        assert text_of(app, "#error-address") == ""
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, QueueScreen)
    assert store.scalar("SELECT address FROM tickets") == "天河路 1 号"


def test_storage_refuses_free_text_past_its_limit(store, crew):
    ticket = take(store, crew.rep)
    ticket = tickets.dispatch(store, crew.rep, ticket.code, ticket.version, "E1", now=NOW)
    with pytest.raises(FieldErrors) as refused:
        tickets.complete(store, crew.rep, ticket.code, ticket.version, "修" * 501, now=NOW)
    assert refused.value.errors == {"resolution": "At most 500 characters (501 given)."}
    with pytest.raises(FieldErrors):
        take(store, crew.rep, customer="张" * 61)
    tickets.complete(store, crew.rep, ticket.code, ticket.version, "修" * 500, now=NOW)


def test_names_lose_bidi_overrides_and_zero_width_characters(store, crew):
    """Two names that look the same are the same name; free text keeps emoji joiners."""
    ticket = take(store, crew.rep, customer="王\u200b芳\u202e", fault="👨\u200d👩 \u2066坏了\u2069")
    assert (ticket.customer, ticket.fault) == ("王芳", "👨\u200d👩 坏了")
    member = add_staff(
        store, crew.admin, code="R5", name="\u202e李\ufeff四\u200d", role="rep", branch="GZ"
    )
    assert member.person.name == "李四"
    with pytest.raises(FieldErrors) as refused:
        add_staff(store, crew.admin, code="R\u200b6", name="李五", role="rep", branch="GZ")
    assert set(refused.value.errors) == {"code"}
    assert clean_text("a\u202eb\x1b[31m") == "ab[31m" and clean_name("a\u200cb") == "ab"


@async_test
async def test_the_staff_screen_keeps_no_override_in_a_name(store, crew):
    app = app_for(store, "admin")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "f5")
        assert isinstance(app.screen, StaffAdminScreen)
        await press(pilot, "n")
        await type_text(pilot, "R8")
        await press(pilot, "tab")
        await type_text(pilot, "\u202e周\u200b八 [b]")
        app.screen.query_one("#field-role").value = "rep"
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, StaffAdminScreen)
        assert "周八 [b]" in screen_text(app)
        assert_inert(app)
    assert store.scalar("SELECT name FROM staff WHERE code = 'R8'") == "周八 [b]"


def ranking_file(path, **row) -> None:
    """A ranking export of one engineer (``fieldkpi rank --format csv`` columns)."""
    values = {
        "period": "2026-10",
        "as_of": "2026-10-31 23:59:59",
        "provisional": "0",
        "branch": "GZ",
        "role": "engineer",
        "rank": "1",
        "staff_code": "E1",
        "name": "李强",
        "satisfaction": "1",
        "satisfaction_points": "50",
        "timeliness": "20",
        "timeliness_points": "50",
        "deductions": "0",
        "zeroed": "0",
        "total": "100.00",
        "reward": "0",
    } | row
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(values))
    writer.writeheader()
    writer.writerow(values)
    path.write_text(out.getvalue(), encoding="utf-8")


def test_rank_merge_draws_and_writes_no_escape(tmp_path, capsys):
    ranking_file(tmp_path / "gz.csv", name=f"李强{ANSI}{OSC52}{RTL}{CLOSE_TAG}")
    assert cli.main(["rank", "--merge", str(tmp_path / "gz.csv")]) == 0
    table = capsys.readouterr().out
    assert "李强[31mred]52;c;aGk=evil[/]" in table
    assert not any(ch in table for ch in "\x1b\x07\u202e")

    out = tmp_path / "all.csv"
    assert (
        cli.main(["rank", "--merge", str(tmp_path / "gz.csv"), "--format", "csv", "-o", str(out)])
        == 0
    )
    written = out.read_text(encoding="utf-8-sig")
    assert "李强[31mred]52;c;aGk=evil[/]" in written
    assert not any(ch in written for ch in "\x1b\x07\u202e")

    ranking_file(tmp_path / "sz.csv", branch="S\u200bZ")
    with pytest.raises(MergeError, match=r"sz.csv:2: branch"):
        merge_files([tmp_path / "sz.csv"])


def test_rank_table_with_markup_in_a_branch_code_and_name(tmp_path, capsys, monkeypatch):
    """``[/]`` in a branch code crashed the table; now it is printed as it is."""
    db = tmp_path / "branch.db"
    monkeypatch.setenv("FIELDKPI_CONFIG", str(tmp_path / "config"))
    store = open_store(db)
    with store.write() as sql:  # as an older import left them
        sql.execute("INSERT INTO branches (code, name) VALUES ('[/]', '[@click=app.bell]x')")
        sql.execute(
            "INSERT INTO staff (code, name, role, branch, hired_on)"
            " VALUES ('E1', '[bold]李强', 'engineer', '[/]', '2024-01-01')"
        )
    store.close()
    assert cli.main(["rank", "--db", str(db), "--month", "2026-10"]) == 0
    table = capsys.readouterr().out
    assert "[/] [@click=app.bell]x" in table and "[bold]李强" in table


@async_test
async def test_the_ticket_form_keeps_no_override_in_a_customer_name(store, crew):
    app = app_for(store, "wangfang")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "n")
        for text in ("\u202e黄\u200b蓉\ufeff", "13800138000", "天河路 1 号"):
            await type_text(pilot, text)
            await press(pilot, "tab")
        app.screen.query_one("#field-kind").value = "installation"
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, QueueScreen)
        assert "黄蓉" in screen_text(app)
        assert_inert(app)
    assert store.scalar("SELECT customer FROM tickets") == "黄蓉"
