"""The benchmark compares like with like: on a small generated database, pandas ranks as fieldkpi.

``bench/run.py`` times fieldkpi's ranking against an analyst's pandas version
(bench/analyst.py); the timing means something only if both compute the same
ranking. This builds a tiny benchmark database with the generator itself,
adds what the revised rules judge differently from the first version (the
generator's imported rows have none of it), and checks every ranked person's
rank, total and reward agree, for the finished month and for the month while
it ran. No timing here.
"""

from __future__ import annotations

import importlib.util
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest

from fieldkpi.period import Judgement, Period
from fieldkpi.scheme import default_for_every_branch, default_scheme
from storage.appraisal import record_deduction
from storage.db import open_store
from storage.people import staff_by_code
from storage.rankings import compute_rankings
from storage.tickets import cancel, dispatch, new_ticket, reopen

pytest.importorskip("pandas")

BENCH = Path(__file__).resolve().parent.parent / "bench"
MONTH = "2026-10"
RUNNING = "2026-10-20 12:00:00"
SCHEME = default_scheme()


def bench_module(name: str):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def fieldkpi_rows(db: Path, as_of: str):
    store = open_store(db)
    try:
        period = Period.parse(MONTH)
        return compute_rankings(store, Judgement(period, at(as_of)), lambda _b: SCHEME)
    finally:
        store.close()


def stale_ticket(store, rep, lead, engineer: str) -> dict:
    """A ticket taken in on September 10 and dispatched: open past 30 days all October."""
    taken = new_ticket(
        store,
        rep,
        {"kind": "onsite_repair", "customer": "王芳", "phone": "13800000000", "address": "1号"},
        now=at("2026-09-10 10:00:00"),
    )
    ticket = dispatch(
        store, lead, taken.code, taken.version, engineer, now=at("2026-09-10 11:00:00")
    )
    return {"code": ticket.code, "version": ticket.version}


def revised_rules_cases(db: Path, analyst) -> dict[str, str]:
    """Events the revised rules judge differently, through the calls the screens make.

    Returns the people they concern, by what happened to them.
    """
    store = open_store(db)
    try:
        lead, rep = staff_by_code(store, "B001-L1"), staff_by_code(store, "B001-R01")
        ranked = analyst.fieldkpi_rows(fieldkpi_rows(db, analyst.judged_at(MONTH)))
        engineers = ranked[(ranked.branch == "B001") & (ranked.role == "engineer")]
        worst = engineers.sort_values("total").iloc[0]
        # major complaints that take the total below 0, and a media complaint: the month's
        # total is min(total, 0) (it was: set to 0)
        for kind in ["complaint_major"] * (int(worst.total) // 10 + 1) + ["complaint_media"]:
            record_deduction(
                store,
                lead,
                worst.staff_code,
                kind,
                None,
                "投诉",
                SCHEME,
                now=at("2026-10-16 10:00:00"),
            )
        # recorded by a rep: pending until the lead approves it, so it counts for nothing
        record_deduction(
            store,
            rep,
            "B001-E03",
            "complaint_internal",
            None,
            "内部投诉",
            SCHEME,
            now=at("2026-10-15 10:00:00"),
        )
        # a stale ticket re-dispatched on the last evening stays charged to whoever let it
        # go stale; another one cancelled after the month still counts in it
        redispatched, cancelled = (stale_ticket(store, rep, lead, "B001-E01") for _ in range(2))
        dispatch(
            store,
            lead,
            redispatched["code"],
            redispatched["version"],
            "B001-E02",
            now=at("2026-10-31 20:00:00"),
        )
        cancel(
            store,
            lead,
            cancelled["code"],
            cancelled["version"],
            "customer moved",
            now=at("2026-11-02 09:00:00"),
            scheme_for=default_for_every_branch,
        )
        # reopened after its completion: the first completion stays counted in October
        done = store.query(
            "SELECT code, version FROM tickets WHERE branch = 'B001' AND completed_at"
            " BETWEEN '2026-10-05' AND '2026-10-25' AND callback_at IS NULL ORDER BY code LIMIT 1"
        )[0]
        reopen(
            store,
            lead,
            done["code"],
            done["version"],
            "fault came back",
            now=at("2026-10-28 09:00:00"),
            scheme_for=default_for_every_branch,
        )
        # an engineer whose callbacks were corrected to no rating: no data, out of the pool
        with store.write() as conn:
            conn.execute(
                "UPDATE tickets SET rating = NULL WHERE engineer = 'B002-E05'"
                " AND callback_at >= '2026-10-01'"
            )
    finally:
        store.close()
    return {"forfeited": worst.staff_code, "no_callbacks": "B002-E05"}


def test_pandas_ranks_the_generated_month_as_fieldkpi_does(small_bench_copy):
    db = small_bench_copy  # the rules' cases below are written into it
    analyst = bench_module("analyst")
    concerned = revised_rules_cases(db, analyst)

    for as_of in (analyst.judged_at(MONTH), RUNNING):
        rows = fieldkpi_rows(db, as_of)
        ours = analyst.fieldkpi_rows(rows)
        with sqlite3.connect(db) as conn:
            theirs = analyst.rank_month(conn, MONTH, as_of)

        assert len(ours) == 2 * (10 + 49)  # two branches: their reps and engineers (one has left)
        assert set(ours.role) == {"rep", "engineer"}
        assert ours["rank"].nunique() > 5 and ours.total.nunique() > 20  # a ranking, not a tie
        by_code = {row.staff_code: row for row in rows}
        assert by_code[concerned["forfeited"]].zeroed
        assert by_code[concerned["forfeited"]].total <= 0
        assert by_code[concerned["no_callbacks"]].kpi("satisfaction").value is None
        assert analyst.differences(ours, theirs) == 0, as_of
