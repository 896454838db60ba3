"""The events screen through the Pilot: a rep's deduction waits, the lead approves it, the
engineer contests it and the lead withdraws it — each step on screen and in the database."""

from __future__ import annotations

from month_helpers import load
from ticket_helpers import NOW
from tui_helpers import (
    SIZE,
    app_for,
    async_test,
    notices,
    press,
    screen_text,
    seed_desk,
    settle,
    table_rows,
    text_of,
    type_text,
)

from fieldkpi.i18n import _
from fieldkpi.period import Period
from fieldkpi.scheme import default_scheme, load_scheme
from screens.events import EventsScreen, kind_label, with_note
from storage import appraisal
from storage.appraisal import AppraisalEvent
from storage.closing import close_month


def states(store) -> dict:
    return {r[1]: r[2] for r in store.query("SELECT * FROM appraisal_states")}


def column(app, heading: str) -> list[str]:
    """The cells of the events list under ``heading``, top to bottom."""
    table = app.screen.query_one("#events")
    labels = [str(c.label) for c in table.columns.values()]
    return [row[labels.index(heading)] for row in table_rows(app, "#events")]


def footer(app) -> str:
    return screen_text(app).splitlines()[-1]


def imported(store, *rows: str) -> None:
    """Deductions as a branch's file brings them (``staff,at,kind,points,note``): they stand."""
    load(store, now=NOW, deductions="staff,at,kind,points,note\n" + "\n".join(rows) + "\n")


@async_test
async def test_a_deduction_goes_from_pending_to_approved_to_contested_to_withdrawn(store):
    desk = seed_desk(store)
    crew = desk.crew
    event = appraisal.record_deduction(
        store, crew.rep, "E1", "violation", None, "[bold]未穿工服[/]", default_scheme(), now=NOW
    ).id
    assert states(store) == {event: "pending"}

    lead = app_for(store, "liuyang")
    async with lead.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "f6")
        assert isinstance(lead.screen, EventsScreen)
        rows = table_rows(lead, "#events")
        assert len(rows) == 1 and rows[0][1] == "李强"
        assert text_of(lead, "#event-story").endswith(": [bold]未穿工服[/]")  # the note, as typed
        assert "waiting" in rows[0]
        await press(pilot, "a")
        await press(pilot, "ctrl+s")
        assert states(store) == {}  # approved: it stands
        assert table_rows(lead, "#events") == []
        assert lead.screen.first_shown == {}  # nothing kept of an event no longer listed

    engineer = app_for(store, "liqiang")
    async with engineer.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "f6")
        rows = table_rows(engineer, "#events")
        assert column(engineer, "State") == ["stands"]
        assert "王芳" in rows[0]  # the branch shows who recorded it
        await press(pilot, "c")
        await press(pilot, "ctrl+s")  # no reason: refused, nothing saved
        assert "Give the reason" in screen_text(engineer)
        await type_text(pilot, "当天我在另一个客户家")
        await press(pilot, "ctrl+s")
        assert states(store) == {event: "contested"}
        assert column(engineer, "State") == ["contested"]

    lead = app_for(store, "liuyang")
    async with lead.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "f6")
        assert "当天我在另一个客户家" in screen_text(lead)  # the appeal's reason, on the story line
        await press(pilot, "r")  # and in the dialog, which decides on it
        assert text_of(lead, "#decision-contest") == (
            "2026-10-15 09:30 contested by 李强: 当天我在另一个客户家"
        )
        assert not lead.screen.query("#decision-changed")  # contested before the list was read
        await type_text(pilot, "核实属实")
        await press(pilot, "ctrl+s")
        assert states(store) == {event: "withdrawn"}

    reviews = store.query("SELECT action, by, reason FROM appraisal_reviews ORDER BY id")
    assert [tuple(r) for r in reviews] == [
        ("approve", "L1", None),
        ("contest", "E1", "当天我在另一个客户家"),
        ("withdraw", "L1", "核实属实"),
    ]


@async_test
async def test_an_engineer_never_sees_events_about_others(store):
    desk = seed_desk(store)
    crew = desk.crew
    appraisal.record_deduction(
        store, crew.lead, "E2", "complaint_general", None, "客户投诉", default_scheme(), now=NOW
    )
    engineer = app_for(store, "liqiang")
    async with engineer.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "f6")
        assert table_rows(engineer, "#events") == []
        assert "赵磊" not in screen_text(engineer) and "客户投诉" not in screen_text(engineer)


@async_test
async def test_the_lead_withdraws_a_standing_deduction_recorded_by_mistake(store):
    desk = seed_desk(store)
    crew = desk.crew
    # The lead's own deduction stands at once: nothing waits for review.
    event = appraisal.record_deduction(
        store, crew.lead, "E1", "violation", None, "未穿工服", default_scheme(), now=NOW
    ).id
    lead = app_for(store, "liuyang")
    async with lead.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "f6")
        assert table_rows(lead, "#events") == []
        await press(pilot, "v")  # every event of the branch these three months
        rows = table_rows(lead, "#events")
        assert len(rows) == 1 and rows[0][1] == "李强" and column(lead, "State") == ["stands"]
        assert "Events of the branch" in screen_text(lead)
        await press(pilot, "a")  # standing: nothing to approve, no form
        assert isinstance(lead.screen, EventsScreen)
        await press(pilot, "r")
        await press(pilot, "ctrl+s")  # no reason: refused, nothing saved
        assert "Give the reason" in screen_text(lead)
        assert states(store) == {}
        await type_text(pilot, "记错了人")
        await press(pilot, "ctrl+s")
        assert states(store) == {event: "withdrawn"}
        assert column(lead, "State") == ["withdrawn"]
        await press(pilot, "v")  # back to what waits
        assert table_rows(lead, "#events") == []
    reviews = store.query("SELECT action, by, reason FROM appraisal_reviews")
    assert [tuple(r) for r in reviews] == [("withdraw", "L1", "记错了人")]


def test_a_problem_report_is_named_by_its_level_only_where_the_table_has_several(tmp_path):
    # Imported reports carry no level (the table's first line): named as an engineer
    # problem, not "engineer problem: " with nothing after it.
    def event(level):
        return AppraisalEvent(
            subject="problem",
            id=1,
            at="2026-10-15 09:00:00",
            concerns="E1",
            concerns_name="李强",
            kind=level,
            points=None,
            ticket=None,
            note=None,
            recorded_by=None,
            recorded_by_name=None,
            state="standing",
            reviews=(),
        )

    one = default_scheme()
    assert [kind_label(event(k), one) for k in ("", "standard")] == ["Engineer problem"] * 2
    path = tmp_path / "gz.toml"
    path.write_text(
        '[[problem]]\nlevel = "serious"\nlabel = { zh = "严重问题", en = "Serious" }\npoints = 3\n',
        encoding="utf-8",
    )
    two = load_scheme(path)
    assert [kind_label(event(k), two) for k in ("", "serious", "gone")] == [
        "Engineer problem: Engineer problem",
        "Engineer problem: Serious",
        "Engineer problem: gone",
    ]


@async_test
async def test_under_a_full_list_the_selected_events_story_and_the_count_still_show(store):
    # 30 events fill more than the screen: the list scrolls, what is under it stays in view.
    seed_desk(store)
    imported(
        store, *(f"E1,2026-09-{day:02d} 10:00,violation,,迟到 {day} 次" for day in range(1, 31))
    )
    lead = app_for(store, "liuyang")
    async with lead.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "f6", "v")
        shown = screen_text(lead)
        assert "30 events these three months" in shown
        assert "2026-09-30 10:00 Violation about 李强, recorded by CSV import: 迟到 30 次" in shown
        await press(pilot, "down")
        assert "recorded by CSV import: 迟到 29 次" in screen_text(lead)


@async_test
async def test_an_imported_event_is_recorded_by_the_csv_import_as_the_ticket_history_says(store):
    seed_desk(store)
    imported(store, "E1,2026-10-14 10:00,violation,,未穿工服")
    engineer = app_for(store, "liqiang")
    async with engineer.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "f6")
        assert column(engineer, "Recorded by") == ["CSV import"]
        assert "recorded by CSV import: 未穿工服" in screen_text(engineer)
        assert "import" not in screen_text(engineer).replace("CSV import", "")


@async_test
async def test_in_english_at_80_columns_the_lead_sees_who_recorded_each_event_and_its_state(store):
    desk = seed_desk(store)
    crew = desk.crew
    scheme = default_scheme()
    appraisal.record_deduction(store, crew.rep, "E1", "backfill", None, "补单", scheme, now=NOW)
    appraisal.record_deduction(
        store, crew.rep, "E2", "violation", None, "未穿工服", scheme, now=NOW
    )
    lead = app_for(store, "liuyang")
    async with lead.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "f6")
        lines = screen_text(lead).splitlines()
        assert "State" in lines[1] and "Recorded by" in lines[1]
        # kinds in sentence case, the long one cut in the list (the line below names it whole)
        assert "Ticket opened after t…  waiting  王芳" in lines[2]
        assert "Violation" in lines[3] and "waiting  王芳" in lines[3]
        assert "Ticket opened after the visit about 李强, recorded by 王芳" in screen_text(lead)


def cells_drawn(app) -> list[tuple[list[str], str]]:
    """Each line of the events list drawn on the screen, beside the cells it holds."""
    table = app.screen.query_one("#events")
    lines = screen_text(app).splitlines()[table.region.y + 1 : table.region.bottom]
    return list(zip(table_rows(app, "#events"), lines, strict=False))


@async_test
async def test_at_80_columns_every_column_of_the_leads_events_shows_whole(store, lang):
    # The widest of each column: a kind cut, contested, the CSV import, a forfeit; more
    # events than the screen holds, so the list's scroll bar takes its two columns too.
    desk = seed_desk(store)
    crew = desk.crew
    scheme = default_scheme()
    imported(
        store,
        "E2,2026-10-10 10:00,complaint_media,,",
        *(f"E1,2026-09-{day:02d} 10:00,violation,,迟到" for day in range(1, 21)),
    )
    standing = appraisal.record_deduction(
        store, crew.lead, "E2", "complaint_general", None, "客户投诉", scheme, now=NOW
    ).id
    appraisal.contest(store, crew.eng2, "deduction", standing, "不是我", now=NOW, scheme=scheme)
    appraisal.record_deduction(
        store, crew.rep, "E1", "backfill", None, "补单", scheme, ticket=desk.completed, now=NOW
    )
    lead = app_for(store, "liuyang")
    async with lead.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for keys in ("f6", "v"):  # what waits for the lead, then every event of the branch
            await press(pilot, keys)
            table = lead.screen.query_one("#events")
            heading = screen_text(lead).splitlines()[table.region.y]
            assert all(str(c.label) in heading for c in table.columns.values()), heading
            drawn = cells_drawn(lead)
            assert len(drawn) >= 2
            for cells, line in drawn:
                assert all(cell in line for cell in cells), line
        points = [cells[-1] for cells, _line in cells_drawn(lead)]
        assert points[:4] == ["-0.50", "-5", _("forfeit"), "-1"]
        await press(pilot, "up")
        assert lead.screen.selected.kind == "backfill"  # its ticket and note under the list
        story = text_of(lead, "#event-story")
        assert f"{desk.completed}" in story and "补单" in story


@async_test
async def test_a_person_sees_what_each_event_costs_them_signed_and_a_forfeit_as_such(store):
    seed_desk(store)
    imported(
        store,
        "E1,2026-10-10 10:00,complaint_general,,",
        "E1,2026-10-11 10:00,violation,,",
        "E1,2026-10-12 10:00,branch_rule,0.5,",
        "E1,2026-10-13 10:00,complaint_media,,",
    )
    engineer = app_for(store, "liqiang")
    async with engineer.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "f6")
        assert column(engineer, "Points") == ["forfeit", "-0.50", "-1", "-5"]
        assert "About" not in screen_text(engineer).splitlines()[1]  # all about them
        assert "4 events these three months" in screen_text(engineer)


@async_test
async def test_one_event_is_counted_as_one_event(store):
    seed_desk(store)
    imported(store, "E1,2026-10-11 10:00,violation,,")
    engineer = app_for(store, "liqiang")
    async with engineer.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "f6")
        assert "1 event these three months" in screen_text(engineer)


@async_test
async def test_a_contest_is_said_to_go_to_the_lead_and_the_cursor_and_keys_stay_with_the_rows(
    store,
):
    seed_desk(store)
    imported(
        store,
        "E1,2026-10-10 10:00,violation,,第一",
        "E1,2026-10-11 10:00,violation,,第二",
        "E1,2026-10-12 10:00,violation,,第三",
    )
    engineer = app_for(store, "liqiang")
    async with engineer.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "f6", "down")  # the second newest: 第二
        await press(pilot, "c")
        await type_text(pilot, "那天我休假")
        await press(pilot, "ctrl+s")
        assert notices(engineer)[-1].startswith("Sent to your lead")
        assert "Decision recorded" not in " ".join(notices(engineer))
        assert column(engineer, "State") == ["stands", "contested", "stands"]
        assert engineer.screen.selected.note == "第二"  # still on the event contested
        assert "c Contest" not in footer(engineer)  # contested once: no second appeal
        waits = "Already contested: it waits for your lead's decision."
        assert text_of(engineer, "#event-story").endswith(waits)
        await press(pilot, "c")  # said why, where it did nothing
        assert isinstance(engineer.screen, EventsScreen) and notices(engineer)[-1] == waits
        await press(pilot, "down")
        assert engineer.screen.selected.note == "第一"
        assert "c Contest" in footer(engineer)
        await press(pilot, "home")  # Home and End: the first and the last event
        assert engineer.screen.selected.note == "第三"
        await press(pilot, "end")
        assert engineer.screen.selected.note == "第一"


@async_test
async def test_an_event_of_a_closed_month_offers_no_contest_and_says_why(store):
    desk = seed_desk(store)
    imported(store, "E1,2026-09-20 10:00,violation,,九月", "E1,2026-10-10 10:00,violation,,十月")
    close_month(store, desk.crew.lead, "GZ", Period.parse("2026-09"), default_scheme(), NOW)
    engineer = app_for(store, "liqiang")
    async with engineer.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "f6")
        assert engineer.screen.selected.note == "十月"
        assert "c Contest" in footer(engineer)
        assert "closed" not in text_of(engineer, "#event-story")
        await press(pilot, "down")
        assert engineer.screen.selected.note == "九月"
        assert "c Contest" not in footer(engineer)  # not offered, to be refused after typing
        assert text_of(engineer, "#event-story").endswith(
            "2026-09 is closed: its events can no longer be contested."
        )
        await press(pilot, "c")
        assert isinstance(engineer.screen, EventsScreen)  # no form opens: it says why
        assert notices(engineer)[-1] == "2026-09 is closed: its events can no longer be contested."


@async_test
async def test_the_footer_names_what_a_and_r_do_to_the_selected_event(store):
    desk = seed_desk(store)
    crew = desk.crew
    scheme = default_scheme()
    standing = appraisal.record_deduction(
        store, crew.lead, "E1", "violation", None, "未穿工服", scheme, now=NOW
    ).id
    appraisal.record_deduction(
        store, crew.rep, "E2", "violation", None, "未穿工服", scheme, now=NOW
    )
    appraisal.contest(store, crew.eng, "deduction", standing, "不是我", now=NOW, scheme=scheme)
    lead = app_for(store, "liuyang")
    async with lead.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "f6")
        assert column(lead, "State") == ["contested", "waiting"]
        assert "a Uphold" in footer(lead) and "r Withdraw" in footer(lead)
        await press(pilot, "down")
        assert "a Approve" in footer(lead) and "r Reject" in footer(lead)
        await press(pilot, "a")
        await press(pilot, "ctrl+s")
        await press(pilot, "v")  # every event, newest first: the one approved now stands
        assert column(lead, "State") == ["stands", "contested"]
        assert lead.screen.selected.state == "contested"  # the cursor stayed on it
        await press(pilot, "up")
        assert "r Withdraw" in footer(lead)
        assert not {"Reject", "Approve", "Uphold"} & set(footer(lead).split())


def test_a_note_follows_its_line_with_the_languages_colon(zh):
    """Chinese puts a full-width colon after a line ending in a full-width bracket."""
    line = "2026-11-13 10:00 违规 关于 邓艳（工单 GZ261113004）"
    assert with_note(line, "未穿工服 {x}") == line + "：未穿工服 {x}"
    assert with_note(line, None) == line
