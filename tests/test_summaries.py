"""The summaries kept at write time always say what a recount of the raw rows says.

Rankings read a rep's workload per month from ``rep_month_workload`` and, for
a month cut short by as-of, per day from ``staff_day_actions`` (migration
m005); a finished month's tickets per person by day bucket, rating and visit
from ``ticket_month_facts`` (m010, on each ticket's first completion). Triggers keep them in the transaction of
every write. These tests write every way the application does (imports,
ticket steps, a refused import) and recount from the raw rows each time.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from ticket_helpers import TICKET_FIELDS, seed_staff

from fieldkpi.period import Judgement, Period
from fieldkpi.scheme import default_for_every_branch, default_scheme
from storage.appraisal import review
from storage.db import open_store
from storage.importer import ImportRejected, import_tables
from storage.measures import Window, pool_figures, window, workload_months
from storage.migrations import MONTH_FACT_COLUMNS, known_versions
from storage.rankings import compute_rankings
from storage.tickets import (
    cancel,
    complete,
    dispatch,
    new_ticket,
    record_callback,
    record_visit,
    reopen,
)

OCTOBER = Period(2026, 10)
SETTINGS = {"open_days": 30, "day_basis": "calendar"}


def summaries(store) -> tuple[list[tuple], list[tuple]]:
    days = store.query("SELECT staff, day, actions FROM staff_day_actions ORDER BY 1, 2")
    months = store.query(
        "SELECT staff, month, workload, active_days FROM rep_month_workload ORDER BY 1, 2"
    )
    return [tuple(r) for r in days], [tuple(r) for r in months]


def recount(store) -> tuple[list[tuple], list[tuple]]:
    days = store.query(
        "SELECT staff, substr(at, 1, 10), count(*) FROM actions GROUP BY 1, 2 ORDER BY 1, 2"
    )
    months = store.query(
        "SELECT staff, substr(at, 1, 7), count(*), count(DISTINCT substr(at, 1, 10))"
        " FROM actions GROUP BY 1, 2 ORDER BY 1, 2"
    )
    return [tuple(r) for r in days], [tuple(r) for r in months]


def actions(*rows: tuple[str, str, str]) -> list[dict[str, str]]:
    return [{"staff": s, "at": at, "action": a, "ticket": ""} for s, at, a in rows]


@pytest.fixture
def crew(store):
    crew = seed_staff(store)
    import_tables(
        store,
        {
            "actions": actions(
                ("R1", "2026-09-30 23:59:59", "intake"),
                ("R1", "2026-10-01 00:00:00", "intake"),
                ("R1", "2026-10-01 09:00:00", "dispatch"),
                ("R1", "2026-10-01 17:30:00", "callback"),
                ("R1", "2026-10-02 10:00", "complete"),
                ("R2", "2026-10-02 11:00", "dealer_callback"),
                ("R2", "2026-03-15 08:00", "intake"),
            )
        },
        now=datetime(2026, 10, 20),
    )
    return crew


def test_imports_and_ticket_steps_keep_the_summaries_exact(store, crew):
    days, months = summaries(store)
    assert ("R1", "2026-10-01", 3) in days
    assert months == [
        ("R1", "2026-09", 1, 1),
        ("R1", "2026-10", 4, 2),
        ("R2", "2026-03", 1, 1),
        ("R2", "2026-10", 1, 1),
    ]
    # The TUI's steps: intake, dispatch, completion and callback each write an action.
    ticket = new_ticket(store, crew.rep, TICKET_FIELDS, now=datetime(2026, 10, 3, 9, 0))
    ticket = dispatch(
        store, crew.rep, ticket.code, ticket.version, "E1", now=datetime(2026, 10, 3, 9, 5)
    )
    ticket = complete(
        store, crew.eng, ticket.code, ticket.version, "换电源板", now=datetime(2026, 10, 4, 16)
    )
    record_callback(
        store,
        crew.rep2,
        ticket.code,
        ticket.version,
        5,
        "",
        now=datetime(2026, 10, 31, 23, 59, 59),
        scheme_for=default_for_every_branch,
    )  # another rep calls 王芳's customer back
    assert summaries(store) == recount(store)
    assert ("R1", "2026-10", 6, 3) in summaries(store)[1]  # + 10-03 twice
    assert ("R2", "2026-10", 2, 2) in summaries(store)[1]  # + 10-31
    assert ("E1", "2026-10", 1, 1) in summaries(store)[1]  # the engineer's completion


def test_a_refused_import_leaves_the_summaries_as_they_were(store, crew):
    before = summaries(store)
    with pytest.raises(ImportRejected):
        import_tables(
            store,
            {
                "actions": actions(
                    ("R1", "2026-10-05 10:00", "intake"), ("NOBODY", "2026-10-05 09:00", "intake")
                )
            },
        )
    assert summaries(store) == before == recount(store)


def test_deleted_and_moved_actions_are_taken_off(store, crew):
    with store.write() as db:
        db.execute("DELETE FROM actions WHERE staff = 'R2' AND at LIKE '2026-03%'")
        db.execute("UPDATE actions SET at = '2026-10-09 09:00:00' WHERE at = '2026-10-02 10:00:00'")
        db.execute("UPDATE actions SET staff = 'R2' WHERE at = '2026-09-30 23:59:59'")
    assert summaries(store) == recount(store)
    assert ("R2", "2026-03") not in [row[:2] for row in summaries(store)[1]]


def raw_workload(store, window: Window, since: str) -> list[tuple]:
    """The year's actions regrouped, as the rankings did before the summaries.

    Grouped by the month of each action: ``GROUP BY month`` as it was written
    took attendance's ``month`` column, NULL for a month without attendance,
    so a rep's months without attendance were counted as one.
    """
    rows = store.query(
        f"""
        SELECT s.branch, a.staff, substr(a.at, 1, 7) AS month, count(*),
               count(DISTINCT substr(a.at, 1, 10)), att.days
        FROM actions a JOIN staff s ON s.code = a.staff AND s.role = 'rep'
        {"AND s.branch = :branch" if window.branch else ""}
        LEFT JOIN attendance att ON att.staff = a.staff AND att.month = substr(a.at, 1, 7)
        WHERE a.at >= :since AND a.at <= :end
        GROUP BY a.staff, substr(a.at, 1, 7)
        ORDER BY a.staff, substr(a.at, 1, 7)
        """,
        window.params | {"since": since},
    )
    return [tuple(row) for row in rows]


@pytest.mark.parametrize(
    "as_of",
    [
        "2026-10-31 23:59:59",  # the month judged at its end: whole months only
        "2026-10-01 09:00:00",  # cut on the first day, between two actions of R1
        "2026-10-01 08:59:59",
        "2026-10-02 10:00:00",  # an action exactly at as-of counts
        "2026-10-02 23:59:59",
        "2026-10-15 12:00:00",
        "2026-09-30 23:59:58",  # before the period: only earlier months, up to as-of
    ],
)
@pytest.mark.parametrize("branch", [None, "GZ"])
def test_workload_from_summaries_is_the_recount_at_any_as_of(store, crew, as_of, branch):
    judgement = Judgement(OCTOBER, datetime.fromisoformat(as_of))
    window = Window(judgement, SETTINGS, branch)
    for since in (window.params["start"], window.params["year_start"]):
        got = [
            (b, m.staff, m.period, m.workload, m.active_days, m.attendance_days)
            for b, m in workload_months(store, window, since)
        ]
        assert got == raw_workload(store, window, since)
    october = [m for _b, m in workload_months(store, window, window.params["start"])]
    year = [m for _b, m in workload_months(store, window, window.params["year_start"])]
    if as_of == "2026-10-01 09:00:00":
        assert [(m.staff, m.workload, m.active_days) for m in october] == [("R1", 2, 1)]
    if as_of == "2026-10-31 23:59:59":  # no attendance anywhere: each month on its own
        assert [(m.staff, m.period, m.workload, m.active_days) for m in year] == [
            ("R1", "2026-09", 1, 1),
            ("R1", "2026-10", 4, 2),
            ("R2", "2026-03", 1, 1),
            ("R2", "2026-10", 1, 1),
        ]


def test_the_migration_counts_the_actions_already_there(tmp_path):
    path = tmp_path / "old.db"
    store = open_store(path)
    seed_staff(store)
    with store.write() as db:  # back to the schema before m005, with actions in it
        for trigger in ("insert", "delete", "update"):
            db.execute(f"DROP TRIGGER actions_count_{trigger}")
        db.execute("DROP TABLE staff_day_actions")
        db.execute("DROP TABLE rep_month_workload")
        db.execute("DELETE FROM _sqlite_migrations WHERE name = 'm005_workload_summaries'")
        db.execute(f"PRAGMA user_version = {len(known_versions()) - 1}")
        db.conn.executemany(
            "INSERT INTO actions (staff, at, action) VALUES (?, ?, 'intake')",
            [
                ("R1", "2026-10-01 09:00:00"),
                ("R1", "2026-10-01 10:00:00"),
                ("R2", "2026-11-02 08:00:00"),
            ],
        )
    store.close()
    store = open_store(path)
    try:
        assert summaries(store) == recount(store)
        assert summaries(store)[1] == [("R1", "2026-10", 2, 1), ("R2", "2026-11", 1, 1)]
    finally:
        store.close()


# -- tickets per person and month (m010) ---------------------------------------------------

DAY = (
    "min(max(CAST(julianday(substr(first_completed_at, 1, 10))"
    " - julianday(substr(received_at, 1, 10)) AS INTEGER) + 1, 1), 8)"
)


def ticket_counts(store) -> list[tuple]:
    columns = ", ".join(MONTH_FACT_COLUMNS)
    rows = store.query(
        f"SELECT month, side, person, {columns} FROM ticket_month_facts ORDER BY 1, 2, 3"
    )
    return [tuple(row) for row in rows]


def ticket_recount(store) -> list[tuple]:
    """The same counts from the tickets, one GROUP BY per kind of fact and side.

    Cancelled tickets are counted too: whether one stood cancelled is a question
    of the as-of a period is judged at, which the rankings ask of the tickets.
    """
    counted: dict[tuple, dict[str, int]] = {}
    facts = {
        "day": (
            "substr(first_completed_at, 1, 7)",
            "first_completed_at IS NOT NULL",
            DAY,
            (("engineer", "completed_engineer"), ("rep", "rep")),
        ),
        "rated": (
            "substr(callback_at, 1, 7)",
            "rating IS NOT NULL AND callback_at IS NOT NULL",
            "rating",
            (("engineer", "engineer"), ("rep", "rep")),
        ),
        "visits": (
            "substr(coalesce(visited_at, first_completed_at), 1, 7)",
            "kind != 'inshop_repair' AND coalesce(visited_at, first_completed_at) IS NOT NULL",
            "''",
            (("rep", "rep"),),
        ),
    }
    for prefix, (month, when, value, sides) in facts.items():
        for side, column in sides:
            for row in store.query(
                f"SELECT {month}, {column}, {value}, count(*) FROM tickets"
                f" WHERE {when} AND {column} IS NOT NULL GROUP BY 1, 2, 3"
            ):
                name = "visits" if prefix == "visits" else f"{prefix}{row[2]}"
                name = "late" if name == "day8" else name
                counted.setdefault((row[0], side, row[1]), {})[name] = row[3]
    return [
        (*key, *(values.get(c, 0) for c in MONTH_FACT_COLUMNS))
        for key, values in sorted(counted.items())
    ]


def tickets(*rows: tuple) -> list[dict[str, str]]:
    names = ("code", "kind", "received_at", "visited_at", "completed_at", "cancelled",
             "engineer", "rep", "callback_at", "rating")  # fmt: skip
    return [{"branch": "GZ", **dict(zip(names, row, strict=True))} for row in rows]


@pytest.fixture
def worked(store, crew):
    """Imported tickets across months and buckets, then worked in the TUI's steps."""
    import_tables(
        store,
        {
            "tickets": tickets(
                (
                    "T1",
                    "onsite_repair",
                    "2026-10-01 09:00",
                    "",
                    "2026-10-01 15:00",
                    "0",
                    "E1",
                    "R1",
                    "2026-10-02 10:00",
                    "5",
                ),
                (
                    "T2",
                    "inshop_repair",
                    "2026-09-28 09:00",
                    "",
                    "2026-10-03 10:00",
                    "0",
                    "E1",
                    "R2",
                    "2026-11-01 10:00",
                    "2",
                ),
                (
                    "T3",
                    "installation",
                    "2026-09-01 09:00",
                    "2026-09-30 10:00",
                    "2026-10-20 10:00",
                    "0",
                    "E2",
                    "R1",
                    "",
                    "",
                ),
                (
                    "T4",
                    "onsite_repair",
                    "2026-10-05 09:00",
                    "",
                    "2026-10-06 10:00",
                    "1",
                    "E2",
                    "R1",
                    "2026-10-07 10:00",
                    "4",
                ),
                ("T5", "commissioning", "2026-10-09 09:00", "", "", "0", "", "R2", "", ""),
            )
        },
        now=datetime(2026, 11, 2),
    )
    rep, eng, lead = crew.rep, crew.eng, crew.lead
    at = datetime(2026, 10, 12, 9, 0)
    ticket = new_ticket(store, rep, TICKET_FIELDS, now=at)
    ticket = dispatch(store, rep, ticket.code, ticket.version, "E1", now=at)
    ticket = record_visit(store, eng, ticket.code, ticket.version, now=datetime(2026, 10, 13, 10))
    ticket = complete(
        store, eng, ticket.code, ticket.version, "换主板", now=datetime(2026, 10, 14, 9)
    )
    ticket = record_callback(
        store,
        crew.rep2,
        ticket.code,
        ticket.version,
        3,
        "",
        now=datetime(2026, 10, 15, 9),
        scheme_for=default_for_every_branch,
    ).ticket  # a low rating: it counts from the lead's approval, at the time it was given
    held = store.scalar("SELECT id FROM held_ratings WHERE ticket = ?", (ticket.code,))
    review(store, lead, "rating", held, "approve", now=datetime(2026, 10, 16, 9))
    other = new_ticket(store, rep, TICKET_FIELDS, now=at)
    other = dispatch(store, rep, other.code, other.version, "E2", now=at)
    other = complete(
        store, crew.eng2, other.code, other.version, "调试", now=datetime(2026, 10, 12, 18)
    )
    options = {"scheme_for": default_for_every_branch}
    oct_13 = datetime(2026, 10, 13, 9)
    other = reopen(store, lead, other.code, other.version, "客户说没修好", oct_13, **options)
    cancel(store, lead, other.code, other.version, "客户取消", oct_13.replace(hour=10), **options)
    return crew


def test_ticket_counts_follow_imports_and_every_ticket_step(store, worked):
    assert ticket_counts(store) == ticket_recount(store)
    counts = {
        row[:3]: dict(zip(MONTH_FACT_COLUMNS, row[3:], strict=True)) for row in ticket_counts(store)
    }
    e1 = counts[("2026-10", "engineer", "E1")]
    assert (e1["day1"], e1["day3"], e1["day6"], e1["rated5"], e1["rated3"]) == (1, 1, 1, 1, 1)
    assert counts[("2026-10", "rep", "R1")]["late"] == 1  # T3: day 50
    assert counts[("2026-10", "rep", "R1")]["day2"] == 1  # T4 (cancelled: taken off at as-of)
    assert counts[("2026-09", "rep", "R1")]["visits"] == 1  # T3 visited in September
    # E2: T3 late, and the other ticket's first completion (reopened, then cancelled)
    e2 = counts[("2026-10", "engineer", "E2")]
    assert (e2["late"], e2["day1"]) == (1, 1)


@pytest.mark.parametrize(
    ("as_of", "read"),
    [
        ("2026-10-31 23:59:59", (["2026-10"], 0)),  # the month whole
        ("2026-10-20 09:30:00", (["2026-10"], 1)),  # its counts less what lies after 10-20
        ("2026-10-13 09:30:00", ([], 1)),  # its first days from the rows
        # nothing of October is dated after 10-25 (as while it runs): its counts alone
        ("2026-10-25 12:00:00", (["2026-10"], 0)),
    ],
)
def test_a_month_ranks_the_same_from_the_counts_and_from_the_tickets(
    store, worked, monkeypatch, as_of, read
):
    judgement = Judgement(OCTOBER, datetime.fromisoformat(as_of))
    counted = window(store, judgement, SETTINGS)
    assert ([str(m) for m in counted.whole], len(counted.ranges)) == read
    scheme = default_scheme()
    schemes = {"GZ": scheme, "SZ": scheme}
    for role in ("rep", "engineer"):
        from_counts = pool_figures(store, role, judgement, schemes)
        with monkeypatch.context() as patched:
            patched.setattr(Window, "__init__", _raw_window(Window.__init__))
            from_tickets = pool_figures(store, role, judgement, schemes)
        assert from_counts == from_tickets
    rows = compute_rankings(store, judgement, lambda _b: scheme)
    assert {row.staff_code for row in rows} >= {"R1", "R2", "E1", "E2"}


def test_a_ticket_cancelled_after_its_completion_month_still_counts_there(store, worked):
    judgement = Judgement(OCTOBER, OCTOBER.end)
    rows = compute_rankings(store, judgement, lambda _b: default_scheme(), roles=["engineer"])
    e2 = next(r for r in rows if r.staff_code == "E2")
    # the reopened ticket was cancelled on 10-13 (by the month's end): it counts nowhere;
    # T3 (late) is E2's only order
    assert e2.kpi("timeliness").parts["orders"] == 1
    # judged on 10-12 at 20:00, before the reopen and the cancellation: completed on day 1;
    # and T3 (received 09-01, completed 10-20) was then open 41 days: −150 for E2
    early = Judgement(OCTOBER, datetime(2026, 10, 12, 20, 0))
    rows = compute_rankings(store, early, lambda _b: default_scheme(), roles=["engineer"])
    parts = next(r for r in rows if r.staff_code == "E2").kpi("timeliness").parts
    assert (parts["day1"], parts["open"], parts["orders"]) == (1, 1, 2)


def _raw_window(init):
    def raw(self, *args, **kwargs):
        init(self, *args, **kwargs)
        # read every row of the window from the tickets, none from the month counts
        self.whole = []
        self.ranges = [(self.params["start"], self.params["end"], 1)]

    return raw
