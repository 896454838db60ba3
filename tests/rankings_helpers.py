"""The hand-worked month of ``test_end_to_end`` in a test database, and the app on a fixed clock.

Branch GZ, October 2026: every number is worked out in that file's docstring.
An admin (head office, HQ) and SZ's lead are added to look from elsewhere.
The clock stands at 2026-11-05 09:00: October has ended, November is running.
"""

from __future__ import annotations

import re
from datetime import datetime

from month_helpers import load
from test_end_to_end import ATTENDANCE, DEDUCTIONS, PROBLEMS, STAFF, TICKETS, _actions
from textual.pilot import Pilot
from tui_helpers import as_read, press

from fieldkpi.scheme import default_scheme
from screens.app import FieldKpiApp
from screens.rankings import RankTable
from storage.db import Store
from storage.people import staff_by_login

NOW = datetime(2026, 11, 5, 9, 0)
OTHERS = """code,name,role,branch,hired_on,left_on,login
A1,管理员,admin,HQ,2020-01-01,,admin
L2,郑经理,lead,SZ,2020-01-01,,zhengjl
"""
# Everyone of GZ by name, to check that a screen names nobody but its own person.
GZ_NAMES = ("张伟", "王芳", "李娜", "赵敏", "陈工", "刘洋", "周经理")


def seed_month(store: Store) -> None:
    load(
        store,
        now=NOW,
        staff=STAFF,
        tickets=TICKETS.lstrip("\ufeff"),
        actions=_actions(),
        attendance=ATTENDANCE,
        problems=PROBLEMS,
        deductions=DEDUCTIONS,
    )
    load(store, now=NOW, staff=OTHERS)


def app_at(store: Store, login: str, now: datetime = NOW) -> FieldKpiApp:
    """The app as ``fieldkpi --as LOGIN`` builds it, with the default scheme, at ``now``."""
    return FieldKpiApp(
        store, staff_by_login(store, login), now=lambda: now, scheme_for=lambda _b: default_scheme()
    )


def ticket_lines(text: str) -> list[list[str]]:
    """The lines of a facts table that name a ticket, cut at runs of two or more spaces."""
    return [
        re.split(r"\s{2,}", line.strip())
        for line in text.splitlines()
        if re.search(r"\bT\d+\b", line) and "█" not in line
    ]


def drawn(app: FieldKpiApp, table: RankTable) -> dict[int, tuple[list[str], list[str]]]:
    """The columns of a ranking in view, read off the terminal: for each (by its place among
    all the table's columns), its heading's lines and each line's cell, spaces trimmed."""
    assert table.scroll_x == 0 and table.scroll_y == 0  # every line of these small tables
    strips = app.screen._compositor.render_strips()
    region, pad, x = table.region, table.cell_padding, table.region.x
    top = region.y + table.header_height
    shown: dict[int, tuple[list[str], list[str]]] = {}
    for index, column in enumerate(table.ordered_columns):
        width = column.get_render_width(table)

        def read(y: int, x: int = x, width: int = width) -> str:
            return as_read(strips[y].crop(x + pad, x + width - pad).text).strip()

        heading = [read(y) for y in range(region.y, top)]
        shown[table.column_at(index)] = (heading, [read(top + i) for i in range(table.row_count)])
        x += width
    return shown


async def every_column(pilot: Pilot, table_id: str) -> list[tuple[list[str], list[str]]]:
    """Every column of a ranking table, left to right, as a person reads them: Home, then →
    until the last is in view, each column read off the screen (:func:`drawn`) as it comes
    into view."""
    app = pilot.app
    table = app.screen.query_one(f"#{table_id}", RankTable)
    count = len(table.columns_shown)
    await press(pilot, "home")
    seen = drawn(app, table)
    for _ in range(2 * count):
        if not table.hidden[1]:
            break
        await press(pilot, "right")
        seen = drawn(app, table) | seen
    assert sorted(seen) == list(range(count))
    return [seen[i] for i in range(count)]


async def ranking_lines(pilot: Pilot, table_id: str) -> list[dict[str, str]]:
    """Each line of a ranking table as {column key: cell}, every column read off the screen
    (:func:`every_column`)."""
    table = pilot.app.screen.query_one(f"#{table_id}", RankTable)
    columns = await every_column(pilot, table_id)
    keys = [column.key for column in table.columns_shown]
    return [
        {key: cells[i] for key, (_heading, cells) in zip(keys, columns, strict=True)}
        for i in range(len(table.ranked))
    ]
