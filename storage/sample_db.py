"""Building ``sample.db``, the demo database, from the generated sample rows.

The rows go through the ordinary CSV importer, so the demo holds only what a
branch could have imported itself, stamped with the sample's fixed "now"
instead of the wall clock: the same code always builds the same database.
"""

from __future__ import annotations

import os
from datetime import datetime, time, timedelta
from pathlib import Path

from fieldkpi.period import stamp
from fieldkpi.sample import BRANCHES, DEFAULT_SEED, SAMPLE_NOW, generate, months
from fieldkpi.scheme import default_for_every_branch, default_scheme
from storage import appraisal, tickets
from storage.db import open_store
from storage.importer import import_tables
from storage.people import staff_by_code
from storage.schemes import choose_preset


def build_sample(path: str | os.PathLike, *, seed: int = DEFAULT_SEED) -> None:
    """(Re)write the demo database at ``path``: any file there is replaced.

    Another ``seed`` makes other, equally valid data (the committed file uses the default).
    """
    target = Path(path)
    for leftover in (target, *(Path(f"{target}{end}") for end in ("-wal", "-shm"))):
        leftover.unlink(missing_ok=True)
    store = open_store(target)
    try:
        import_tables(store, generate(seed), source="sample", now=SAMPLE_NOW)
        _events_at_the_desk(store)
        _presets_chosen(store)
        with store.write() as db:
            # The import files name branches by code only; the demo shows their names.
            for plan in BRANCHES:
                db.execute("UPDATE branches SET name = ? WHERE code = ?", [plan.name, plan.code])
        with store.lock:
            store.conn.execute("VACUUM")
    finally:
        store.close()


def _presets_chosen(store) -> None:
    """Each branch on another preset switched to it, by its lead, as its first month began."""
    began = datetime.combine(months()[0].first_day, time(9))
    for plan in BRANCHES:
        if plan.preset is not None:
            lead = store.scalar(
                "SELECT code FROM staff WHERE branch = ? AND role = 'lead' ORDER BY code",
                [plan.code],
            )
            choose_preset(store, staff_by_code(store, lead), plan.code, plan.preset, began)


def _events_at_the_desk(store) -> None:
    """A few appraisal events of the running month worked as people do in the TUI.

    Imported events stand; the review and appeal of the events screen (F6)
    need some that a rep recorded and that wait for the lead (a low rating of
    a callback among them), and one that an engineer contested.
    """
    scheme = default_scheme()
    rep, other_rep = staff_by_code(store, "GZ-R01"), staff_by_code(store, "GZ-R02")
    lead, engineer = staff_by_code(store, "GZ-L01"), staff_by_code(store, "GZ-E07")
    ticket = store.scalar(
        "SELECT code FROM tickets WHERE branch = 'GZ' AND rep = 'GZ-R02' AND engineer IS NOT NULL"
        " AND received_at >= '2026-11-15'"
        " AND NOT EXISTS (SELECT 1 FROM problems p WHERE p.ticket = tickets.code)"
        " ORDER BY code LIMIT 1"
    )
    day = SAMPLE_NOW - timedelta(days=1)
    appraisal.record_deduction(
        store, rep, "GZ-E03", "backfill", None, "上门后才补单", scheme, now=day
    )
    appraisal.report_problem(
        store, other_rep, ticket, scheme, note="未按约定时间上门", now=day + timedelta(hours=2)
    )
    complaint = appraisal.record_deduction(
        store,
        lead,
        engineer.code,
        "complaint_general",
        None,
        "客户投诉服务态度",
        scheme,
        now=day - timedelta(days=3),
    ).id
    appraisal.contest(
        store,
        engineer,
        "deduction",
        complaint,
        "当天客户不在家，改约后已完成",
        now=day,
        scheme=scheme,
    )
    called = store.query(
        "SELECT code, version FROM tickets WHERE branch = 'GZ' AND rep = 'GZ-R02'"
        " AND status = 'completed' AND completed_at < ? ORDER BY completed_at DESC LIMIT 1",
        [stamp(day)],
    )[0]
    tickets.record_callback(
        store,
        rep,
        called["code"],
        called["version"],
        2,
        "师傅迟到一小时",
        now=day - timedelta(hours=1),
        scheme_for=default_for_every_branch,
    )
