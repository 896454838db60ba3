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

from fieldkpi.scheme import default_scheme
from screens.events import EventsScreen
from storage import appraisal


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
