"""A visit recorded on the ticket screen is kept with its time, whoever visited before.

The tester's case: a visited ticket re-dispatched, its new engineer waiting for a part and
going back with it. His visit was said saved ("… is visited · 谢建华") and kept nowhere:
the ticket keeps its first visit (the one the KPIs count) and nothing else recorded his.
"""

from __future__ import annotations

import re
from datetime import timedelta

from ticket_helpers import NOW
from tui_helpers import (
    SIZE,
    async_test,
    notices,
    press,
    seed_desk,
    select_ticket,
    settle,
    table_rows,
    text_of,
    type_text,
)

from screens.app import FieldKpiApp
from screens.ticket_detail import TicketDetailScreen
from storage import tickets
from storage.people import staff_by_login

FIRST = "2026-10-15 09:30:00"  # 李强's visit of the desk's visited ticket
LATER = NOW + timedelta(hours=2)
SAVED = "2026-10-15 11:30:00"  # when 赵磊 saves
HIS = "2026-10-15 11:00:00"  # when he says he was there


@async_test
async def test_the_new_engineers_visit_is_kept_and_shown_as_his(store):
    desk = seed_desk(store)
    crew = desk.crew
    code = desk.visited
    moved = tickets.get_ticket(store, crew.rep, code)
    tickets.dispatch(store, crew.rep, code, moved.version, "E2", now=NOW + timedelta(minutes=10))
    app = FieldKpiApp(store, staff_by_login(store, "zhaolei"), now=lambda: LATER)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "f2")
        await select_ticket(pilot, code)
        await press(pilot, "enter")
        assert isinstance(app.screen, TicketDetailScreen)
        fields = text_of(app, "#fields")
        assert re.search("status +visited", fields)
        assert re.search("visited at +—", fields)  # 李强's, not his to read
        assert re.search("visited again at +—", fields)

        await press(pilot, "p")
        await type_text(pilot, "主板")
        await press(pilot, "ctrl+s")
        assert re.search("status +awaiting parts", text_of(app, "#fields"))
        await press(pilot, "v")
        await type_text(pilot, "11:00")
        await press(pilot, "ctrl+s")

        assert notices(app)[-1] == f"{code} is visited · 赵磊"
        fields = text_of(app, "#fields")
        assert re.search("status +visited", fields)
        assert re.search(f"visited again at +{HIS}", fields)
        assert table_rows(app, "#history")[-2:] == [
            [SAVED, "赵磊", "record visit", "status", "awaiting parts", "visited"],
            [SAVED, "赵磊", "record visit", "visited again at", "—", HIS],
        ]
    # The ticket's visit is still the first, where the KPIs count it; his is in its history.
    assert store.scalar("SELECT visited_at FROM tickets WHERE code = ?", (code,)) == FIRST
    rows = store.query(
        "SELECT by, new FROM ticket_history WHERE ticket = ? AND field = 'revisited_at'", (code,)
    )
    assert [tuple(row) for row in rows] == [("E2", HIS)]
