"""schemes.md's measures, counted by storage from real rows: each value worked by hand.

One branch (GZ, month_helpers.STAFF), October 2026 judged at its end, a scheme
that scores every measure by rank so that each one's value can be read back.
"""

from __future__ import annotations

from datetime import datetime
from fractions import Fraction as F

import pytest
from month_helpers import DEFAULT, OCTOBER, STAFF, load, person

from fieldkpi.period import Judgement
from fieldkpi.scheme import default_for_every_branch, load_scheme
from storage import tickets
from storage.rankings import compute_rankings

KPIS = {
    "within24": ('"resolved_within"', "hours = 24"),
    "within4": ('"resolved_within"', "hours = 4"),
    "fix30": ('"first_time_fix"', "days = 30"),
    "fix2": ('"first_time_fix"', "days = 2"),
    "cycle": ('"cycle_hours"', ""),
    "response": ('"dispatch_minutes"', ""),
    "done": ('"completed"', ""),
    "mean": ('"satisfaction_mean"', ""),
    "praise": ('"adjustments.violation"', ""),
    "typing": ('"entered.typing"', ""),
}

TICKETS = """code,branch,kind,received_at,dispatched_at,completed_at,engineer,rep,callback_at,rating
T1,GZ,onsite_repair,2026-10-01 09:00,2026-10-01 09:30,2026-10-01 12:00,E1,R1,2026-10-02 10:00,5
T2,GZ,onsite_repair,2026-10-02 09:00,2026-10-02 10:00,2026-10-03 10:00,E1,R1,,
T3,GZ,onsite_repair,2026-10-05 09:00,2026-10-05 11:00,2026-10-08 09:00,E1,R2,2026-10-09 10:00,2
T4,GZ,onsite_repair,2026-10-06 09:00,2026-10-06 09:10,2026-10-06 10:00,E2,R2,,
"""


@pytest.fixture
def scheme(tmp_path):
    text = "\n".join(
        f'[[kpi]]\nid = "{kpi}"\nrole = "engineer"\nmeasure = {measure}\n{setting}\n'
        f'score = {{ method = "rank", max = 10 }}\n'
        for kpi, (measure, setting) in KPIS.items()
    )
    path = tmp_path / "scheme.toml"
    path.write_text(text, encoding="utf-8")
    return load_scheme(path)


def measured(store, scheme, code: str) -> dict:
    rows = compute_rankings(
        store, Judgement(OCTOBER, OCTOBER.end), lambda _b: scheme, branch="GZ", roles=["engineer"]
    )
    row = next(r for r in rows if r.staff_code == code)
    return {k.id: k.value for k in row.kpis if k.id in KPIS}


def test_every_measure_from_the_rows(store, scheme):
    load(
        store,
        staff=STAFF,
        tickets=TICKETS,
        deductions="staff,at,kind,points,ticket,note\nE1,2026-10-05 10:00,violation,,,\n"
        "E1,2026-10-06 10:00,violation,,,\n",
    )
    # T2 is reopened on 10-04 (within 2 days of its completion on 10-03) and done again
    lead = person(store, "L1")
    t2 = tickets.get_ticket(store, lead, "T2")
    t2 = tickets.reopen(
        store,
        lead,
        "T2",
        t2.version,
        "又坏了",
        now=datetime(2026, 10, 4, 9, 0),
        scheme_for=default_for_every_branch,
    )
    tickets.complete(store, lead, "T2", t2.version, "再修", now=datetime(2026, 10, 4, 15, 0))
    with store.write() as db:
        db.execute(
            "INSERT INTO scores (period, staff, metric, value, at, by)"
            " VALUES ('2026-10', 'E1', 'typing', '72', '2026-10-31 10:00', 'L1'),"
            " ('2026-10', 'E1', 'typing', '85', '2026-11-01 10:00', 'L1')"
        )
    e1 = measured(store, scheme, "E1")
    # E1's first completions: T1 3 h, T2 25 h, T3 72 h → done 3
    assert e1["done"] == 3
    # within 24 h: T1 only → 1/3; within 4 h: T1 → 1/3
    assert (e1["within24"], e1["within4"]) == (F(1, 3), F(1, 3))
    # T2 reopened 10-04 09:00, 23 h after its first completion: not fixed the first time
    # within 30 days nor within 2 days → 2/3 both
    assert (e1["fix30"], e1["fix2"]) == (F(2, 3), F(2, 3))
    # cycle: (3 + 25 + 72) / 3 = 100/3 hours
    assert e1["cycle"] == F(100, 3)
    # first dispatch: 30, 60 and 120 minutes after receipt → 70 minutes
    assert e1["response"] == 70
    # ratings 5 and 2 (T2 reopened before its callback) → mean 7/2
    assert e1["mean"] == F(7, 2)
    # two violation events; the latest typing entry (85) is the value
    assert (e1["praise"], e1["typing"]) == (2, 85)
    e2 = measured(store, scheme, "E2")
    # E2: T4 in 1 h, dispatched after 10 minutes; no rating, no entry → no data
    assert (e2["done"], e2["within4"], e2["cycle"], e2["response"]) == (1, 1, 1, 10)
    assert (e2["mean"], e2["typing"]) == (None, None)


def test_a_rep_at_work_who_recorded_nothing_has_a_daily_workload_of_0_not_no_data(store):
    """kpi-rules §3: days come from the attendance record; ``days = 0`` alone is no data.

    R3 came to work 21 days in October by the attendance record and recorded no
    action: 0 ÷ 21 = 0 a day, a measured 0 that ranks last, not "no data".
    """
    actions = ["staff,at,action,ticket"]
    actions += [f"R1,2026-10-{1 + i // 4:02d} 09:{i:02d},intake," for i in range(40)]
    actions += [f"R2,2026-10-{1 + i:02d} 10:00,dispatch," for i in range(10)]
    load(
        store,
        staff=STAFF + "R3,黄敏,rep,GZ,2025-03-01,,\n",
        actions="\n".join(actions) + "\n",
        attendance="staff,month,days\nR1,2026-10,20\nR3,2026-10,21\n",
    )
    rows = compute_rankings(
        store, Judgement(OCTOBER, OCTOBER.end), lambda _b: DEFAULT, branch="GZ", roles=["rep"]
    )
    workload = {r.staff_code: r.kpi("workload") for r in rows}
    # daily: R1 40 ÷ 20 attendance days = 2; R2 10 ÷ 10 action dates = 1; R3 0 ÷ 21 = 0.
    # annual maximum: R1's 2 → saturation 1, 1/2, 0
    assert {c: k.value for c, k in workload.items()} == {"R1": 1, "R2": F(1, 2), "R3": 0}
    assert workload["R3"].flag is None  # earned, not "no workload"
    # three ranked: 40 · (3 − r) / 2 → 40, 20, 0
    assert {c: k.points for c, k in workload.items()} == {"R1": 40, "R2": 20, "R3": 0}
