"""kpi-rules' time principle through the real storage: a later event never rewrites a judged month.

Branch GZ (month_helpers.STAFF): engineers E1 and E2, reps R1 and R2. Tickets are
imported and then worked through the TUI's storage steps at the times given;
each month is ranked as `fieldkpi rank` would, and every count worked by hand.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from month_helpers import DEFAULT, OCTOBER, STAFF, load, person

from fieldkpi.period import Judgement, Period
from fieldkpi.scheme import default_for_every_branch
from fieldkpi.tickets import StepRefused
from storage import tickets
from storage.closing import close_month, frozen_rankings
from storage.drilldown import timeliness_facts
from storage.rankings import compute_rankings

NOVEMBER = Period(2026, 11)
SEPTEMBER = Period(2026, 9)


def timeliness(store, period: Period, code: str, role: str = "engineer", as_of=None):
    """(value, parts) of one person's timeliness in a month judged at its end (or as-of)."""
    judgement = Judgement(period, as_of or period.end)
    rows = compute_rankings(store, judgement, lambda _b: DEFAULT, branch="GZ", roles=[role])
    row = next((r for r in rows if r.staff_code == code), None)
    return None if row is None else (row.kpi("timeliness").value, dict(row.kpi("timeliness").parts))


def ticket(store, code):
    return tickets.get_ticket(store, person(store, "L1"), code)


def step(store, name, code, *args, at):
    """The lead takes the step (a rep's cancel or reopen has limits of its own: test_trust_cancel)."""
    current = ticket(store, code)
    options = {"scheme_for": default_for_every_branch} if name in ("cancel", "reopen") else {}
    lead = person(store, "L1")
    return getattr(tickets, name)(store, lead, code, current.version, *args, now=at, **options)


# ---------------------------------------------------------------- O tickets and their holder


STALE = """code,branch,kind,received_at,engineer,rep
T1,GZ,onsite_repair,2026-09-01 10:00,E1,R1
"""


def test_a_stale_ticket_redispatched_on_the_last_evening_stays_with_who_let_it_go_stale(store):
    load(store, staff=STAFF, tickets=STALE)
    # T1 received 09-01 crossed the 30-day limit on 10-02 00:00 (09-01 + 31 days) with E1;
    # the lead moves it to E2 on the last evening of October
    step(store, "dispatch", "T1", "E2", at=datetime(2026, 10, 31, 20, 0))
    # October judged at its end: T1 is open 60 days → −150, charged to E1, not E2
    assert timeliness(store, OCTOBER, "E1") == (
        -150,
        {"day1": 0, "day2": 0, "day3": 0, "day4": 0, "day5": 0, "day6": 0, "day7": 0,
         "late": 0, "open": 1, "orders": 1},
    )  # fmt: skip
    assert timeliness(store, OCTOBER, "E2")[0] is None  # no orders
    # the drill-down lists it where it is counted
    facts = timeliness_facts(
        store, person(store, "L1"), "E1", Judgement(OCTOBER, OCTOBER.end), DEFAULT
    )
    assert [t.code for b in facts.buckets for t in b.tickets] == ["T1"]
    # November: T1 is still open (91 days at 11-30) and still E1's: it crossed with E1
    assert timeliness(store, NOVEMBER, "E1")[1]["open"] == 1
    # E2 completes it on 11-10: day 71, late, in November for E2 (the holder at completion)
    step(store, "complete", "T1", "换主板", at=datetime(2026, 11, 10, 15, 0))
    assert timeliness(store, NOVEMBER, "E2")[1]["late"] == 1
    assert timeliness(store, NOVEMBER, "E1")[0] is None
    # and October, judged again, is as it was
    assert timeliness(store, OCTOBER, "E1")[0] == -150


def test_a_ticket_without_an_engineer_when_it_crossed_counts_for_no_engineer(store):
    load(store, staff=STAFF, tickets="code,branch,kind,received_at,rep\nT1,GZ,onsite_repair,"
         "2026-09-01 10:00,R1\n")  # fmt: skip
    step(store, "dispatch", "T1", "E1", at=datetime(2026, 10, 20, 9, 0))  # crossed on 10-02
    assert timeliness(store, OCTOBER, "E1")[0] is None
    # the rep, who held it all along, is charged
    assert timeliness(store, OCTOBER, "R1", role="rep")[0] == -150


# ---------------------------------------------------------------- reopen and cancel


COMPLETED = """code,branch,kind,received_at,completed_at,engineer,rep
T1,GZ,onsite_repair,2026-10-20 10:00,2026-10-21 15:00,E1,R1
"""


def test_a_ticket_reopened_next_month_leaves_october_as_it_was(store):
    load(store, staff=STAFF, tickets=COMPLETED)
    before = timeliness(store, OCTOBER, "E1")
    assert before[0] == 17  # day 2
    step(store, "reopen", "T1", "客户说没修好", at=datetime(2026, 11, 3, 9, 0))
    step(store, "dispatch", "T1", "E2", at=datetime(2026, 11, 3, 10, 0))
    step(store, "complete", "T1", "再次维修", at=datetime(2026, 11, 4, 16, 0))
    # the first completion stays counted in October, for E1
    assert timeliness(store, OCTOBER, "E1") == before
    # the rework completion is not counted again in §1 (a repeat repair, 返修) …
    assert timeliness(store, NOVEMBER, "E2")[0] is None
    # … but it is workload: the lead's completion is an action of November
    assert (
        store.scalar(
            "SELECT count(*) FROM actions WHERE action = 'complete' AND at LIKE '2026-11%'"
        )
        == 1
    )


def test_a_ticket_cancelled_next_month_still_counts_in_october(store):
    load(store, staff=STAFF, tickets=STALE)  # open since 09-01: −150 in October
    step(store, "cancel", "T1", "客户取消", at=datetime(2026, 11, 2, 9, 0))
    # judged as it stood at October's end: open, not cancelled
    assert timeliness(store, OCTOBER, "E1")[0] == -150
    # in November it is cancelled by the month's end: it counts nowhere
    assert timeliness(store, NOVEMBER, "E1")[0] is None
    # November judged on 11-01, before the cancellation, still charges it
    assert timeliness(store, NOVEMBER, "E1", as_of=datetime(2026, 11, 1, 12, 0))[0] == -150


def test_a_ticket_cancelled_and_reopened_counts_only_while_it_stood_open(store):
    load(store, staff=STAFF, tickets=STALE)
    step(store, "cancel", "T1", "客户取消", at=datetime(2026, 10, 15, 9, 0))
    step(store, "reopen", "T1", "客户又要修", at=datetime(2026, 11, 5, 9, 0))
    # October's end: it stood cancelled → nowhere; November's end: open again, 90 days → −150
    assert timeliness(store, OCTOBER, "E1")[0] is None
    assert timeliness(store, NOVEMBER, "E1")[0] == -150


IMPORTED_CANCELS = """code,branch,kind,received_at,completed_at,cancelled,cancelled_at,engineer,rep
T1,GZ,onsite_repair,2026-09-01 10:00,,1,2026-11-02 09:00,E1,R1
T2,GZ,onsite_repair,2026-09-02 10:00,,1,,E1,R1
T3,GZ,onsite_repair,2026-10-03 10:00,2026-10-03 15:00,0,,E1,R1
"""


def test_imported_cancellations_take_effect_at_their_time(store):
    load(store, staff=STAFF, tickets=IMPORTED_CANCELS)
    # T1 cancelled on 11-02: in October open 60 days (−150); T2 cancelled = 1 without a time:
    # cancelled from its receipt, nowhere; T3 day 1 (+20) → (20 − 150)/2 = −65
    assert timeliness(store, OCTOBER, "E1")[0] == -65
    assert timeliness(store, NOVEMBER, "E1")[0] is None


CALLED_BACK_THEN_CANCELLED = """code,branch,kind,received_at,completed_at,callback_at,rating,cancelled,cancelled_at,engineer,rep
T1,GZ,onsite_repair,2026-10-01 10:00,2026-10-02 10:00,2026-10-03 10:00,5,1,2026-11-01 08:00,E1,R1
"""


def test_a_called_back_ticket_is_not_reopened_so_its_callback_stays_with_who_served_it(store):
    # An older system's export: T1 completed by E1 on 10-02, called back on 10-03 (rated 5),
    # cancelled on 11-01. Reopening it (to dispatch it to E2) would hand E2 the callback of a
    # service E1 gave; like a called-back ticket, it is finished: a new visit is a new ticket.
    load(store, staff=STAFF, tickets=CALLED_BACK_THEN_CANCELLED)
    with pytest.raises(StepRefused, match="called back on this ticket"):
        step(store, "reopen", "T1", "客户又来电", at=datetime(2026, 11, 2, 9, 0))
    assert (ticket(store, "T1").status, ticket(store, "T1").engineer) == ("cancelled", "E1")
    rows = compute_rankings(
        store, Judgement(OCTOBER, OCTOBER.end), lambda _b: DEFAULT, branch="GZ", roles=["engineer"]
    )
    satisfaction = {r.staff_code: r.kpi("satisfaction") for r in rows}
    # October's end: T1 was not cancelled yet; its callback (5 → satisfied) is E1's: 1/1,
    # alone in the pool → 50. E2 had no callback in October.
    assert (satisfaction["E1"].value, satisfaction["E1"].points) == (1, 50)
    assert satisfaction["E2"].value is None
    # E1: 50 + day 2 (17) × 2.5 = 92.50, first of two → +200; E2: 0.00, last → −100.
    assert {r.staff_code: (str(r.total), r.reward) for r in rows} == {
        "E1": ("92.50", 200),
        "E2": ("0.00", -100),
    }


def test_a_closed_month_keeps_its_frozen_rows_whatever_happens_after(store):
    load(store, staff=STAFF, tickets=STALE)
    close_month(store, person(store, "L1"), "GZ", OCTOBER, DEFAULT, datetime(2026, 11, 1, 8, 0))
    step(store, "cancel", "T1", "客户取消", at=datetime(2026, 11, 2, 9, 0))
    frozen = frozen_rankings(store, "GZ", OCTOBER, role="engineer")
    assert next(r for r in frozen if r.staff_code == "E1").kpi("timeliness").value == -150


# ---------------------------------------------------------------- the day basis


@pytest.mark.parametrize(
    ("basis", "day", "points"),
    # received 10-01 23:00, completed 10-02 22:00: calendar day 2 (17), but 23 hours → 24h day 1
    [("calendar", 2, 17), ("24h", 1, 20)],
)
def test_the_day_basis_setting(store, tmp_path, basis, day, points):
    load(store, staff=STAFF, tickets="code,branch,kind,received_at,completed_at,engineer,rep\n"
         "T1,GZ,onsite_repair,2026-10-01 23:00,2026-10-02 22:00,E1,R1\n")  # fmt: skip
    path = tmp_path / "scheme.toml"
    path.write_text(f'[settings]\nday_basis = "{basis}"\n', encoding="utf-8")
    from fieldkpi.scheme import load_scheme

    scheme = load_scheme(path)
    judgement = Judgement(OCTOBER, OCTOBER.end)
    rows = compute_rankings(store, judgement, lambda _b: scheme, branch="GZ", roles=["engineer"])
    e1 = next(r for r in rows if r.staff_code == "E1").kpi("timeliness")
    assert (e1.parts[f"day{day}"], e1.value) == (1, points)
    facts = timeliness_facts(store, person(store, "L1"), "E1", judgement, scheme)
    assert [t.day for b in facts.buckets for t in b.tickets] == [day]


def test_24_hour_spans_count_whole_days_only(store, tmp_path):
    # received 10-01 09:00: completed 10-02 08:59:59 is day 1, 10-02 09:00:00 is day 2
    load(store, staff=STAFF, tickets="code,branch,kind,received_at,completed_at,engineer,rep\n"
         "T1,GZ,onsite_repair,2026-10-01 09:00,2026-10-02 08:59:59,E1,R1\n"
         "T2,GZ,onsite_repair,2026-10-01 09:00,2026-10-02 09:00:00,E2,R1\n")  # fmt: skip
    path = tmp_path / "scheme.toml"
    path.write_text('[settings]\nday_basis = "24h"\n', encoding="utf-8")
    from fieldkpi.scheme import load_scheme

    scheme = load_scheme(path)
    rows = compute_rankings(
        store, Judgement(OCTOBER, OCTOBER.end), lambda _b: scheme, branch="GZ", roles=["engineer"]
    )
    values = {r.staff_code: r.kpi("timeliness").value for r in rows}
    assert (values["E1"], values["E2"]) == (20, 17)


# ---------------------------------------------------------------- the running month


def test_a_provisional_month_divides_workload_by_active_dates(store):
    load(
        store,
        staff=STAFF,
        attendance="staff,month,days\nR1,2026-10,22\nR2,2026-10,22\n",
        actions="staff,at,action,ticket\n"
        + "".join(f"R1,2026-10-{d:02d} 09:00,intake,\n" for d in (1, 2, 5, 6, 7))
        + "".join(f"R2,2026-10-{d:02d} 09:0{i},intake,\n" for d in (1, 2) for i in range(3)),
    )
    judgement = Judgement(OCTOBER, datetime(2026, 10, 8, 12, 0))
    rows = compute_rankings(store, judgement, lambda _b: DEFAULT, branch="GZ", roles=["rep"])
    parts = {r.staff_code: r.kpi("workload").parts for r in rows if r.staff_code in ("R1", "R2")}
    # R1: 5 actions on 5 dates = 1 a day; R2: 6 on 2 dates = 3 a day (not 5/22 and 6/22);
    # the annual maximum is R2's running month, 3 → saturation 1/3 and 1
    assert {c: (p["workload"], p["days"], p["daily"]) for c, p in parts.items()} == {
        "R1": (5, 5, 1),
        "R2": (6, 2, 3),
    }
    # judged at the month's end, the attendance counts: 5/22 and 6/22
    rows = compute_rankings(
        store, Judgement(OCTOBER, OCTOBER.end), lambda _b: DEFAULT, branch="GZ", roles=["rep"]
    )
    assert {r.staff_code: r.kpi("workload").parts["days"] for r in rows}["R1"] == 22
