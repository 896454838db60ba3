"""Closing a month freezes its ranking; late data changes the live figures, never the frozen ones.

Branch GZ, October 2026, default scheme, judged at 2026-10-31 23:59:59:
  E1: T1 d1, T4 d2, T5 d1 → (20 + 17 + 20)/3 = 19 → ×2.5 = 47.50; ratings 5, 5, 1 → 2/3
  E2: T2 d3 → 14 → ×2.5 = 35.00; rating 3 → 0
  satisfaction points: E1 50, E2 0  ⇒  E1 97.50, E2 35.00
Late ticket T3 (E2, R2, received and completed 10-20, rated 5) arrives after the closing:
  E2 live: (14 + 20)/2 = 17 → 42.50; satisfaction 1/2 < 2/3 → 0 points  ⇒  42.50
Branch SZ is never closed: its late ticket S8 (day 11, late) counts at once.
"""

from __future__ import annotations

import csv
import io
import os
import sqlite3
import subprocess
import sys
from datetime import datetime
from decimal import Decimal
from fractions import Fraction

import pytest
from month_helpers import (
    AFTER_OCTOBER,
    DEFAULT,
    OCTOBER,
    STAFF,
    calls_to,
    load,
    person,
)

from fieldkpi.access import AccessDenied
from fieldkpi.export import columns_for, export_values
from fieldkpi.live_figures import change_line
from fieldkpi.period import Judgement, Period, judge
from fieldkpi.scheme import default_for_every_branch, scheme_from_dict
from storage import closing
from storage.closing import (
    ClosingRefused,
    changed_people,
    close_month,
    frozen_rankings,
    month_basis,
    month_log,
    month_state,
    rankings_for,
    reopen_month,
)
from storage.rankings import compute_rankings
from storage.standings import branch_ranking, own_month
from storage.typed import FieldErrors

TICKETS = """code,branch,kind,received_at,completed_at,engineer,rep,callback_at,rating
T1,GZ,onsite_repair,2026-10-03 09:00,2026-10-03 15:00,E1,R1,2026-10-04 10:00,5
T4,GZ,onsite_repair,2026-10-10 09:00,2026-10-11 15:00,E1,R1,2026-10-12 10:00,5
T5,GZ,onsite_repair,2026-10-12 09:00,2026-10-12 15:00,E1,R1,2026-10-13 10:00,1
T2,GZ,onsite_repair,2026-10-05 09:00,2026-10-07 11:00,E2,R2,2026-10-08 10:00,3
S9,SZ,onsite_repair,2026-10-05 09:00,2026-10-05 11:00,SE,S1,,
"""

LATE_TICKETS = """code,branch,kind,received_at,completed_at,engineer,rep,callback_at,rating
T3,GZ,onsite_repair,2026-10-20 09:00,2026-10-20 15:00,E2,R2,2026-10-21 10:00,5
S8,SZ,onsite_repair,2026-10-06 09:00,2026-10-16 11:00,SE,S1,,
"""


@pytest.fixture
def seeded(store):
    load(store, staff=STAFF, tickets=TICKETS)
    return store


def _totals(rows, role="engineer"):
    return [(r.staff_code, r.total) for r in rows if r.role == role]


def _close(store, who="L1", scheme=DEFAULT, now=AFTER_OCTOBER) -> int:
    return close_month(store, person(store, who), "GZ", OCTOBER, scheme, now)


def test_closing_freezes_exactly_the_live_ranking(seeded):
    live = compute_rankings(
        seeded, judge(OCTOBER, AFTER_OCTOBER), default_for_every_branch, branch="GZ"
    )
    assert _totals(live) == [("E1", Decimal("97.50")), ("E2", Decimal("35.00"))]
    _close(seeded)
    frozen = frozen_rankings(seeded, "GZ", OCTOBER)
    assert frozen == live  # every field, exactly: 2/3 stays 2/3, 97.50 stays Decimal("97.50")
    assert frozen[2].kpi("satisfaction").value == Fraction(2, 3)
    assert frozen_rankings(seeded, "GZ", OCTOBER, role="engineer") == live[2:]
    assert frozen_rankings(seeded, "SZ", OCTOBER) is None


def test_month_state_says_who_closed_when_with_which_as_of_and_scheme(seeded):
    assert month_state(seeded, "GZ", OCTOBER) is None
    tripled = scheme_from_dict({"timeliness": {"engineer_scale": 3}})
    closing = _close(seeded, scheme=tripled)
    state = month_state(seeded, "GZ", OCTOBER)
    assert state.closing == closing
    assert (state.closed_by, state.closed_by_name) == ("L1", "周经理")
    assert state.closed_at == AFTER_OCTOBER
    assert state.as_of == datetime(2026, 10, 31, 23, 59, 59)
    assert state.scheme.kpi("engineer", "timeliness").score["scale"] == 3
    assert state.scheme.to_toml_dict() == tripled.to_toml_dict()
    # The frozen rows were judged by that scheme: E2 14 × 3 = 42.
    assert _totals(frozen_rankings(seeded, "GZ", OCTOBER))[1] == ("E2", Decimal("42.00"))
    # The month's basis (for drill-downs) is the frozen as-of and scheme, whatever the branch uses now.
    basis = month_basis(seeded, "GZ", OCTOBER, default_for_every_branch, datetime(2027, 1, 1))
    assert basis.judgement == Judgement(OCTOBER, state.as_of)
    assert basis.scheme.kpi("engineer", "timeliness").score["scale"] == 3
    # Nothing changed in the data: live figures by the frozen scheme agree.
    assert list(changed_people(seeded, "GZ", OCTOBER)) == []


def test_late_data_changes_live_figures_not_frozen_ones(seeded):
    _close(seeded)
    frozen_before = frozen_rankings(seeded, "GZ", OCTOBER)
    load(seeded, now=datetime(2026, 11, 10), tickets=LATE_TICKETS)
    live = compute_rankings(
        seeded, judge(OCTOBER, AFTER_OCTOBER), default_for_every_branch, branch="GZ"
    )
    assert _totals(live) == [("E1", Decimal("97.50")), ("E2", Decimal("42.50"))]
    assert frozen_rankings(seeded, "GZ", OCTOBER) == frozen_before
    shown = rankings_for(seeded, judge(OCTOBER, AFTER_OCTOBER), default_for_every_branch)
    gz = [r for r in shown if r.branch == "GZ"]
    assert gz == frozen_before
    # SZ is open: its late ticket (day 11, late: −15 → ×2.5) counts at once.
    sz = [r for r in shown if r.branch == "SZ" and r.role == "engineer"]
    assert [(r.staff_code, r.kpi("timeliness").value) for r in sz] == [("SE", Fraction(20 - 15, 2))]
    # The screen can say who would differ: E2's ticket, and R2 as its rep.
    assert list(changed_people(seeded, "GZ", OCTOBER)) == ["E2", "R2"]


def test_the_lead_is_told_by_how_much_each_changed_person_differs(seeded):
    """Who changed, with the frozen total against the live one, and the rank and money
    wherever late data would move them.

    A media complaint against E1 (imported late, it stands) caps E1's total at 0: E1
    97.50 → 0.00 falls below E2 (35.00 → 42.50, docstring), so the two swap places and
    money (two ranked: +¥200 to the first, -¥100 to the last). R2: 20 feedback points +
    timeliness 14 (T2, day 3; a rep's scale is 1) = 34.00 → with T3 on day 1,
    (14 + 20)/2 = 17 → 37.00 (satisfaction 1/2 below R1's 2/3: 0 either way); R2 stays
    last of the reps, so only the total is told.
    """
    _close(seeded)
    load(
        seeded,
        now=datetime(2026, 11, 10),
        tickets=LATE_TICKETS,
        deductions="staff,at,kind\nE1,2026-10-25 10:00,complaint_media\n",
    )
    changed = changed_people(seeded, "GZ", OCTOBER)
    assert [change_line(c) for c in changed.values()] == [
        "陈工 (E1): total 97.50 → 0.00 (-97.50); rank 1 → 2; reward +¥200 → -¥100",
        "刘洋 (E2): total 35.00 → 42.50 (+7.50); rank 2 → 1; reward -¥100 → +¥200",
        "王芳 (R2): total 34.00 → 37.00 (+3.00)",
    ]
    # Both rows are there to read: the frozen one exactly as closed, the live one as now.
    assert changed["E1"].frozen == frozen_rankings(seeded, "GZ", OCTOBER, role="engineer")[0]
    assert (changed["E1"].live.zeroed, changed["E1"].difference) == (True, Decimal("-97.50"))


def test_a_load_reads_each_closed_month_once_and_parses_its_scheme_once(seeded, monkeypatch):
    """The twelve months up to a closed October, August and September closed too.

    The closings of the twelve months are asked for at once, those of quarters among
    them with them (one's own trend shows those too), each closed month's frozen rows
    are read once (three) and its scheme parsed once a process (three, then none);
    October's rows are compared with the live ones without reading them again. Before,
    each month was asked for twice and October once more: 25 asks, 4 reads, 7 parses on
    every load; then each month once, and one's own trend once more for the quarters.
    """
    for month in (Period(2026, 8), Period(2026, 9), OCTOBER):
        close_month(seeded, person(seeded, "L1"), "GZ", month, DEFAULT, AFTER_OCTOBER)
    load(seeded, now=datetime(2026, 11, 10), tickets=LATE_TICKETS)
    closing.frozen_scheme.cache_clear()  # as in a new session
    queries = calls_to(monkeypatch, seeded, "query")
    parses = calls_to(monkeypatch, closing, "scheme_from_dict")

    def reads() -> tuple[int, int, int]:
        counts = (
            sum("FROM month_closings" in sql for sql, *_params in queries),
            sum("FROM frozen_rows" in sql for sql, *_params in queries),
            len(parses),
        )
        queries.clear()
        parses.clear()
        return counts

    lead = person(seeded, "L1")
    ranking = branch_ranking(seeded, lead, "GZ", OCTOBER, default_for_every_branch, AFTER_OCTOBER)
    assert list(ranking.changed) == ["E2", "R2"]
    assert reads() == (1, 3, 3)
    for code, changed in (("E2", True), ("E1", False), ("R2", True)):
        own = own_month(
            seeded, person(seeded, code), OCTOBER, default_for_every_branch, AFTER_OCTOBER
        )
        assert (own.change is not None, reads()) == (changed, (1, 3, 0)), code


def test_a_judgement_at_another_moment_is_computed_live(seeded):
    _close(seeded)
    load(seeded, now=datetime(2026, 11, 10), tickets=LATE_TICKETS)
    mid_month = Judgement(OCTOBER, datetime(2026, 10, 25, 12, 0))
    rows = rankings_for(
        seeded, mid_month, default_for_every_branch, branch="GZ", roles=["engineer"]
    )
    assert _totals(rows) == [("E1", Decimal("97.50")), ("E2", Decimal("42.50"))]
    assert {r.provisional for r in rows} == {True}


def _rank_csv(store, tmp_path, *extra: str) -> list[dict[str, str]]:
    result = subprocess.run(
        [sys.executable, "-m", "fieldkpi", "rank", "--db", store.path, "--month", "2026-10",
         "--format", "csv", *extra],
        capture_output=True, text=True, timeout=120,
        env=os.environ | {"FIELDKPI_CONFIG": str(tmp_path / "no-config")},  # default scheme
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return list(csv.DictReader(io.StringIO(result.stdout.lstrip("\ufeff"))))


def test_fieldkpi_rank_prints_the_frozen_figures_of_a_closed_month(seeded, tmp_path):
    _close(seeded)
    frozen = frozen_rankings(seeded, "GZ", OCTOBER)
    load(seeded, now=datetime(2026, 11, 10), tickets=LATE_TICKETS)
    rows = _rank_csv(seeded, tmp_path)
    gz = [r for r in rows if r["branch"] == "GZ"]
    assert [(r["staff_code"], r["total"]) for r in gz if r["role"] == "engineer"] == [
        ("E1", "97.50"),
        ("E2", "35.00"),
    ]
    # Every column as exported from the frozen rows, in the same order.
    columns = columns_for(frozen)
    assert gz == [
        {k: "" if v is None else str(v) for k, v in export_values(row, columns).items()}
        for row in frozen
    ]
    assert [r["staff_code"] for r in rows] == ["R1", "R2", "E1", "E2", "S1", "SE"]
    only_gz = _rank_csv(seeded, tmp_path, "--branch", "GZ", "--role", "engineer")
    assert [(r["staff_code"], r["total"]) for r in only_gz] == [("E1", "97.50"), ("E2", "35.00")]


def test_reopening_takes_an_admin_and_is_logged(seeded):
    _close(seeded)
    load(seeded, now=datetime(2026, 11, 10), tickets=LATE_TICKETS)
    reopened_at = datetime(2026, 11, 12, 16, 30)
    with pytest.raises(AccessDenied):
        reopen_month(seeded, person(seeded, "L1"), "GZ", OCTOBER, "late ticket", reopened_at)
    with pytest.raises(ClosingRefused, match="reason"):
        reopen_month(seeded, person(seeded, "A1"), "GZ", OCTOBER, "  ", reopened_at)
    reopen_month(seeded, person(seeded, "A1"), "GZ", OCTOBER, "T3 was filed late", reopened_at)
    assert month_state(seeded, "GZ", OCTOBER) is None
    assert frozen_rankings(seeded, "GZ", OCTOBER) is None
    shown = rankings_for(seeded, judge(OCTOBER, reopened_at), default_for_every_branch, branch="GZ")
    assert _totals(shown) == [("E1", Decimal("97.50")), ("E2", Decimal("42.50"))]
    log = month_log(seeded, "GZ", OCTOBER)
    assert [(e.action, e.by, e.by_name, e.at, e.note) for e in log] == [
        ("close", "L1", "周经理", AFTER_OCTOBER, None),
        ("reopen", "A1", "管理员", reopened_at, "T3 was filed late"),
    ]
    with pytest.raises(ClosingRefused, match="not closed"):
        reopen_month(seeded, person(seeded, "A1"), "GZ", OCTOBER, "again", reopened_at)
    # Closed again, it freezes the figures as they are now.
    _close(seeded, now=datetime(2026, 11, 13))
    assert _totals(frozen_rankings(seeded, "GZ", OCTOBER))[1] == ("E2", Decimal("42.50"))
    assert [e.action for e in month_log(seeded, "GZ", OCTOBER)] == ["close", "reopen", "close"]


def test_an_overlong_note_or_reason_is_refused_at_its_field_as_every_form_refuses_it(seeded):
    """The close and reopen forms show it beside the field; nothing is written."""
    with pytest.raises(FieldErrors) as refused:
        close_month(seeded, person(seeded, "L1"), "GZ", OCTOBER, DEFAULT, AFTER_OCTOBER, "x" * 501)
    assert refused.value.errors == {"note": "At most 500 characters (501 given)."}
    assert month_state(seeded, "GZ", OCTOBER) is None
    _close(seeded)
    with pytest.raises(FieldErrors) as refused:
        reopen_month(seeded, person(seeded, "A1"), "GZ", OCTOBER, "y" * 600, AFTER_OCTOBER)
    assert refused.value.errors == {"reason": "At most 500 characters (600 given)."}
    assert month_state(seeded, "GZ", OCTOBER) is not None


def test_closing_a_running_month_is_refused(seeded):
    with pytest.raises(ClosingRefused, match="still running"):
        _close(seeded, now=datetime(2026, 10, 31, 23, 59, 58))
    assert month_state(seeded, "GZ", OCTOBER) is None
    _close(seeded, now=datetime(2026, 10, 31, 23, 59, 59))  # the last second: the month is over


def test_closing_twice_is_refused_by_name(seeded):
    _close(seeded)
    with pytest.raises(ClosingRefused, match="already closed by 周经理 at 2026-11-05 09:00:00"):
        _close(seeded, who="A1", now=datetime(2026, 11, 6))


@pytest.mark.parametrize("who", ["L2", "R1", "E1"])
def test_only_the_branch_lead_or_an_admin_closes(seeded, who):
    with pytest.raises(AccessDenied):
        _close(seeded, who=who)
    assert month_log(seeded, "GZ", OCTOBER) == []


def test_an_admin_closes_any_branch(seeded):
    close_month(seeded, person(seeded, "A1"), "SZ", OCTOBER, DEFAULT, AFTER_OCTOBER)
    assert month_state(seeded, "SZ", OCTOBER).closed_by == "A1"
    assert month_state(seeded, "GZ", OCTOBER) is None


def test_the_log_and_the_frozen_rows_cannot_be_edited(seeded):
    _close(seeded)
    for sql in (
        "UPDATE month_closings SET by = 'A1'",
        "DELETE FROM month_closings",
        "UPDATE frozen_rows SET total = '100.00'",
        "DELETE FROM frozen_rows",
    ):
        with pytest.raises(sqlite3.DatabaseError, match="append-only"), seeded.write() as db:
            db.execute(sql)
    assert _totals(frozen_rankings(seeded, "GZ", OCTOBER))[1] == ("E2", Decimal("35.00"))


def test_branches_closed_on_the_same_scheme_share_one_parse_of_it(seeded, monkeypatch):
    """The whole country's closed month: each branch froze the same text, parsed once."""
    for branch, lead in (("GZ", "L1"), ("SZ", "L2")):
        close_month(seeded, person(seeded, lead), branch, OCTOBER, DEFAULT, AFTER_OCTOBER)
    closing.frozen_scheme.cache_clear()  # as in a new process
    parses = calls_to(monkeypatch, closing, "scheme_from_dict")
    rows = rankings_for(seeded, judge(OCTOBER, AFTER_OCTOBER), default_for_every_branch)
    assert {row.branch for row in rows} == {"GZ", "SZ"} and len(parses) == 1
    assert rows == rankings_for(seeded, judge(OCTOBER, AFTER_OCTOBER), default_for_every_branch)
    assert len(parses) == 1  # nor again
