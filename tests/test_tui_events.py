"""The events screen through the Pilot: a rep's deduction waits, the lead approves it, the
engineer contests it and the lead withdraws it — each step on screen and in the database."""

from __future__ import annotations

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
    type_text,
)

from fieldkpi.scheme import default_scheme, load_scheme
from screens.events import EventsScreen, kind_label
from storage import appraisal
from storage.appraisal import AppraisalEvent


def states(store) -> dict:
    return {r[1]: r[2] for r in store.query("SELECT * FROM appraisal_states")}


@async_test
async def test_a_deduction_goes_from_pending_to_approved_to_contested_to_withdrawn(store):
    desk = seed_desk(store)
    crew = desk.crew
    event = appraisal.record_deduction(
        store, crew.rep, "E1", "violation", None, "[bold]未穿工服[/]", default_scheme(), now=NOW
    )
    assert states(store) == {event: "pending"}

    lead = app_for(store, "liuyang")
    async with lead.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "f6")
        assert isinstance(lead.screen, EventsScreen)
        rows = table_rows(lead, "#events")
        assert len(rows) == 1 and rows[0][1] == "李强" and rows[0][-1] == "[bold]未穿工服[/]"
        assert "waits for the lead" in rows[0]
        await press(pilot, "a")
        await press(pilot, "ctrl+s")
        assert states(store) == {}  # approved: it stands
        assert table_rows(lead, "#events") == []

    engineer = app_for(store, "liqiang")
    async with engineer.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "f6")
        rows = table_rows(engineer, "#events")
        assert [r[6] for r in rows] == ["stands"]
        assert "王芳" in rows[0]  # the branch shows who recorded it
        await press(pilot, "c")
        await press(pilot, "ctrl+s")  # no reason: refused, nothing saved
        assert "Give the reason" in screen_text(engineer)
        await type_text(pilot, "当天我在另一个客户家")
        await press(pilot, "ctrl+s")
        assert states(store) == {event: "contested"}
        assert [r[6] for r in table_rows(engineer, "#events")] == ["contested"]

    lead = app_for(store, "liuyang")
    async with lead.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "f6")
        assert "当天我在另一个客户家" in screen_text(lead)  # the appeal's reason, on the story line
        await press(pilot, "r")
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
    )
    lead = app_for(store, "liuyang")
    async with lead.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "f6")
        assert table_rows(lead, "#events") == []
        await press(pilot, "v")  # every event of the branch these three months
        rows = table_rows(lead, "#events")
        assert len(rows) == 1 and rows[0][1] == "李强" and rows[0][6] == "stands"
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
        assert [r[6] for r in table_rows(lead, "#events")] == ["withdrawn"]
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
    assert [kind_label(event(k), one) for k in ("", "standard")] == ["engineer problem"] * 2
    path = tmp_path / "gz.toml"
    path.write_text(
        '[[problem]]\nlevel = "serious"\nlabel = { zh = "严重问题", en = "Serious" }\npoints = 3\n',
        encoding="utf-8",
    )
    two = load_scheme(path)
    assert [kind_label(event(k), two) for k in ("", "serious", "gone")] == [
        "engineer problem: Engineer problem",
        "engineer problem: Serious",
        "engineer problem: gone",
    ]
