"""What a rep recorded about others, followed on their own F6: each event's state and the
lead's decision, and nobody else's records.

王芳 (R1) records a deduction and a problem report about 李强 (E1); the lead approves the
one and rejects the other with a reason; 李强 contests the approved one. 陈静 (R2) and the
lead record events of their own, which are not 王芳's to follow.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
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
)

from fieldkpi.access import AccessDenied
from fieldkpi.scheme import default_scheme
from screens.events import EventsScreen
from storage import appraisal

SCHEME = default_scheme()
EARLIER = NOW - timedelta(hours=1)


def recorded(store):
    """The events of the docstring; their ids, deduction then problem report."""
    desk = seed_desk(store)
    crew = desk.crew
    deduction = appraisal.record_deduction(
        store, crew.rep, "E1", "violation", None, "未穿工服", SCHEME, now=EARLIER
    ).id
    problem = appraisal.report_problem(
        store, crew.rep, desk.dispatched, SCHEME, note="没带配件", now=NOW
    ).id
    appraisal.review(store, crew.lead, "deduction", deduction, "approve", None, now=NOW)
    appraisal.review(
        store, crew.lead, "problem", problem, "reject", "配件缺货，不是他的错", now=NOW
    )
    appraisal.contest(
        store, crew.eng, "deduction", deduction, "那天穿了工服", now=NOW, scheme=SCHEME
    )
    appraisal.record_deduction(store, crew.rep2, "E2", "violation", None, "迟到", SCHEME, now=NOW)
    appraisal.record_deduction(store, crew.lead, "R1", "violation", None, "态度差", SCHEME, now=NOW)
    return desk, deduction, problem


def test_a_rep_lists_only_what_they_recorded_with_the_leads_decisions(store):
    desk, deduction, problem = recorded(store)
    events = appraisal.recent_events_recorded(store, desk.crew.rep, NOW, SCHEME)
    assert [(e.subject, e.id, e.concerns, e.state) for e in events] == [
        ("problem", problem, "E1", "rejected"),  # newest first
        ("deduction", deduction, "E1", "contested"),
    ]
    by_id = {e.subject: e for e in events}
    assert [(r.action, r.by, r.reason) for r in by_id["problem"].reviews] == [
        ("reject", "L1", "配件缺货，不是他的错")
    ]
    # the appeal is said to be made, its reason is 李强's to the lead
    assert [(r.action, r.by, r.reason) for r in by_id["deduction"].reviews] == [
        ("approve", "L1", None),
        ("contest", "E1", None),
    ]
    assert appraisal.recent_events_recorded(store, desk.crew.rep2, NOW, SCHEME)[0].note == "迟到"


def test_an_engineer_records_nothing_and_lists_nothing(store):
    desk, _deduction, _problem = recorded(store)
    with pytest.raises(AccessDenied):
        appraisal.recent_events_recorded(store, desk.crew.eng, NOW, SCHEME)


@async_test
async def test_v_on_a_reps_events_shows_what_they_recorded_and_what_came_of_it(store):
    recorded(store)
    rep = app_for(store, "wangfang")
    async with rep.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "f6")
        assert isinstance(rep.screen, EventsScreen)
        assert [row[1] for row in table_rows(rep, "#events")] == ["Violation"]  # the lead's
        assert "v About me / by me" in screen_text(rep).splitlines()[-1]

        await press(pilot, "v")
        assert "Recorded by me" in screen_text(rep)
        rows = table_rows(rep, "#events")
        assert [(row[1], row[3]) for row in rows] == [("李强", "rejected"), ("李强", "contested")]
        shown = screen_text(rep)
        for theirs in ("迟到", "赵磊", "态度差", "那天穿了工服"):
            assert theirs not in shown, theirs
        story = text_of(rep, "#event-story")
        assert "about 李强, recorded by 王芳" in story and "没带配件" in story
        assert "rejected by 刘洋: 配件缺货，不是他的错" in story
        await press(pilot, "c")  # an event about someone else is not theirs to contest
        assert isinstance(rep.screen, EventsScreen)

        await press(pilot, "down")
        story = text_of(rep, "#event-story")
        assert "approved by 刘洋" in story and story.rstrip().endswith("contested by 李强")

        await press(pilot, "v")  # back to what is about them
        assert "Recorded about me" in screen_text(rep)
        assert [row[1] for row in table_rows(rep, "#events")] == ["Violation"]


@async_test
async def test_an_engineer_has_no_list_of_what_they_recorded(store):
    recorded(store)
    engineer = app_for(store, "liqiang")
    async with engineer.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "f6")
        before = table_rows(engineer, "#events")
        await press(pilot, "v")
        assert table_rows(engineer, "#events") == before
        assert "Recorded about me" in screen_text(engineer)
        assert "About me / by me" not in screen_text(engineer)
