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

from fieldkpi.scheme import default_scheme
from screens.app import FieldKpiApp
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
