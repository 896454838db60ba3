"""The default scheme through the engine ranks exactly as a second, plain reading of kpi-rules.md.

issue 13: "The default scheme, expressed in the new form, gives identical rankings to
the revised kpi-rules.md on the sample data and on the benchmark database (a test
compares every person)." tests/kpi_oracle.py is that second reading: written from the
spec alone, row by row in Python, sharing no code with the engine. Every ranked
person is compared — each KPI's measured value, points, no-data flag and first-month
mark, the deductions, the forfeit, the total, the rank and the money — on:

* sample.db (a copy): every finished month, and the running month as of the sample's clock;
* a small generated benchmark database: its finished October, and October as of the 20th noon;
* the sample with desk work on top — a stale ticket re-dispatched on the last evening,
  cancelled and reopened, cancelled next month, reopened and re-dispatched next month,
  reviews, appeals and a mistaken deduction withdrawn, an engineer who left mid-month, reps hired in
  the running month, a month with 0 days of attendance — the cases where the time
  principle and "what stands" decide, which no imported data exercises;
* the guide's month worked by hand (docs/example), so the oracle itself is checked
  against numbers worked on paper;
* small random branches (fixed seeds): ties, pools of one, empty months, people hired
  or leaving at month ends, attendance without actions — what large data averages away.
"""

from __future__ import annotations

import random
import shutil
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import kpi_oracle
import pytest

from fieldkpi import paths
from fieldkpi.period import Judgement, Period, stamp
from fieldkpi.sample import SAMPLE_NOW
from fieldkpi.scheme import default_for_every_branch, default_scheme
from storage import appraisal, tickets
from storage.db import open_store
from storage.importer import import_files, import_tables
from storage.migrations import ACTION_KINDS, DEDUCTION_KINDS, TICKET_KINDS
from storage.people import staff_by_code
from storage.rankings import compute_rankings
from storage.staff import set_left_on

ROOT = Path(__file__).resolve().parent.parent
SCHEME = default_scheme()
BENCH_MONTH = "2026-10"


def finished(month: str) -> datetime:
    return Period.parse(month).end


def engine_rows(path: Path, month: str, as_of: datetime) -> dict:
    store = open_store(path)
    try:
        rows = compute_rankings(store, Judgement(Period.parse(month), as_of), lambda _b: SCHEME)
    finally:
        store.close()
    return {
        (r.branch, r.role, r.staff_code): {
            "kpis": {k.id: (k.value, k.points, k.flag is not None, k.first_month) for k in r.kpis},
            "deductions": r.deductions,
            "zeroed": r.zeroed,
            "total": r.total,
            "rank": r.rank,
            "reward": r.reward,
        }
        for r in rows
    }


def oracle_rows(data: kpi_oracle.Data, month: str, as_of: datetime) -> dict:
    return {
        (r.branch, r.role, r.staff_code): {
            "kpis": {
                kpi_id: (k.value, k.points, k.value is None, k.first_month)
                for kpi_id, k in r.kpis.items()
            },
            "deductions": r.deductions,
            "zeroed": r.zeroed,
            "total": r.total,
            "rank": r.rank,
            "reward": r.reward,
        }
        for r in kpi_oracle.rankings(data, month, as_of)
    }


def differences(ours: dict, theirs: dict) -> list[str]:
    """Every way the engine's rows differ from the oracle's, one line each."""
    found = [f"{who}: ranked by the oracle only" for who in sorted(ours.keys() - theirs.keys())]
    found += [f"{who}: ranked by the engine only" for who in sorted(theirs.keys() - ours.keys())]
    for who in sorted(ours.keys() & theirs.keys()):
        mine, engine = ours[who], theirs[who]
        for name in mine:
            if mine[name] != engine[name]:
                found.append(f"{who} {name}: oracle {mine[name]!r}, engine {engine[name]!r}")
    return found


def compare(path: Path, data: kpi_oracle.Data, month: str, as_of: datetime) -> dict:
    ours = oracle_rows(data, month, as_of)
    assert ours, f"nobody ranked in {month}: the comparison would prove nothing"
    assert differences(ours, engine_rows(path, month, as_of)) == []
    return ours


def coverage(rows: dict) -> Counter:
    """What one judgement's rows exercised: a rule that never fired was not compared."""
    seen = Counter()
    for (branch, role, code), row in rows.items():
        seen[f"reward {row['reward']}"] += 1
        seen["zeroed"] += row["zeroed"]
        seen["deductions"] += row["deductions"] > 0
        seen["shared rank"] += any(
            other["rank"] == row["rank"]
            for (b, r, c), other in rows.items()
            if (b, r) == (branch, role) and c != code
        )
        for kpi_id, (_value, _points, no_data, first_month) in row["kpis"].items():
            seen[f"{kpi_id} no data"] += no_data
            seen["first month"] += first_month
    return seen


# ---------------------------------------------------------------- the sample


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    copy = tmp_path_factory.mktemp("oracle") / "sample.db"
    shutil.copyfile(paths.sample_db(), copy)
    return copy


def sample_judgements(path: Path) -> list[tuple[str, datetime]]:
    """Every finished month of the sample, then the running one as of the sample's clock."""
    data = kpi_oracle.load(path)
    first = Period.of(min(t.received for t in data.tickets).date())
    running = Period.of(SAMPLE_NOW.date())
    months = []
    while first < running:
        months.append((str(first), first.end))
        first = first.shift(1)
    return [*months, (str(running), SAMPLE_NOW)]


def test_the_sample_ranks_as_the_rules_say_every_month_and_the_running_one(sample):
    data = kpi_oracle.load(sample)
    judgements = sample_judgements(sample)
    assert len(judgements) >= 6 and judgements[-1][1] == SAMPLE_NOW
    seen = Counter()
    for month, as_of in judgements:
        seen += coverage(compare(sample, data, month, as_of))
    assert all(seen[f"reward {amount}"] for amount in (200, 100, 0, -50, -100)), seen
    for flag in ("feedback no data", "workload no data", "satisfaction no data"):
        assert seen[flag], f"the sample never has {flag}: {seen}"
    assert seen["zeroed"] and seen["deductions"] and seen["shared rank"], seen


# ---------------------------------------------------------------- the benchmark database


@pytest.fixture
def bench(small_bench) -> Path:
    return small_bench  # read only


@pytest.mark.parametrize(
    "as_of", [finished(BENCH_MONTH), datetime(2026, 10, 20, 12, 0)], ids=["finished", "running"]
)
def test_the_benchmark_month_ranks_as_the_rules_say(bench, as_of):
    rows = compare(bench, kpi_oracle.load(bench), BENCH_MONTH, as_of)
    assert len(rows) == 2 * (10 + 49)  # two branches: their reps and engineers (one has left)
    assert len({row["total"] for row in rows.values()}) > 20  # a ranking, not a tie


# ---------------------------------------------------------------- desk work over the sample


def worked_at_the_desk(path: Path) -> None:
    """Steps of the TUI's storage on GZ in October and November, each at its own time."""
    store = open_store(path)
    try:
        lead, admin = staff_by_code(store, "GZ-L01"), staff_by_code(store, "GZ-A01")

        def codes(where: str) -> list[str]:
            found = [
                r[0] for r in store.query(f"SELECT code FROM tickets WHERE {where} ORDER BY code")
            ]
            assert found, where
            return found

        def step(name: str, code: str, *args, at: str) -> None:
            version = tickets.get_ticket(store, lead, code).version
            options = (
                {"scheme_for": default_for_every_branch}
                if name in ("cancel", "reopen", "record_callback")
                else {}
            )
            getattr(tickets, name)(
                store, lead, code, version, *args, now=datetime.fromisoformat(at), **options
            )

        def another(code: str, *engineers: str) -> str:
            """The first of ``engineers`` who does not hold ``code`` now."""
            holder = store.scalar("SELECT engineer FROM tickets WHERE code = ?", (code,))
            return next(e for e in engineers if e != holder)

        def deduction(actor, staff: str, kind: str, at: str, points: str | None = None) -> int:
            moment = datetime.fromisoformat(at)
            return appraisal.record_deduction(
                store, actor, staff, kind, points, "oracle", SCHEME, now=moment
            ).id

        def decide(subject: str, event: int, action: str, at: str) -> None:
            moment = datetime.fromisoformat(at)
            appraisal.review(store, lead, subject, event, action, "oracle", now=moment)

        def appeal(code: str, event: int, at: str) -> None:
            moment = datetime.fromisoformat(at)
            appraisal.contest(
                store, staff_by_code(store, code), "deduction", event, "oracle", now=moment,
                scheme=SCHEME,
            )  # fmt: skip

        stale = codes(
            "branch = 'GZ' AND first_completed_at IS NULL AND cancelled = 0"
            " AND engineer IS NOT NULL AND received_at < '2026-09-20'"
        )
        assert len(stale) >= 3
        # stale since before October: moved to another engineer on its last evening …
        step("dispatch", stale[0], another(stale[0], "GZ-E01", "GZ-E02"), at="2026-10-31 20:00:00")
        # … cancelled and reopened inside October, cancelled in November
        step("cancel", stale[1], "客户说不修了", at="2026-10-10 09:00:00")
        step("reopen", stale[1], "客户又要修", at="2026-10-12 09:00:00")
        step("cancel", stale[2], "客户取消", at="2026-11-02 09:00:00")
        # completed in October: one reopened and re-dispatched in November and left open,
        # one reworked by another engineer and called back in November, one reworked in October
        done = codes(
            "branch = 'GZ' AND first_completed_at LIKE '2026-10-%' AND status = 'completed'"
        )
        assert len(done) >= 3
        step("reopen", done[0], "没修好", at="2026-11-06 09:00:00")
        step("dispatch", done[0], another(done[0], "GZ-E02", "GZ-E04"), at="2026-11-06 10:00:00")
        step("reopen", done[1], "又坏了", at="2026-11-03 09:00:00")
        step("dispatch", done[1], another(done[1], "GZ-E04", "GZ-E05"), at="2026-11-03 10:00:00")
        step("complete", done[1], "换主板", at="2026-11-04 16:00:00")
        step("record_callback", done[1], 2, at="2026-11-05 10:00:00")
        step("reopen", done[2], "返修", at="2026-10-30 09:00:00")
        step("complete", done[2], "再修", at="2026-10-31 23:59:59")
        # a ticket taken at the desk at 23:59:59 and completed at midnight: day 2
        rep = staff_by_code(store, "GZ-R01")
        fields = {
            "customer": "黄女士",
            "phone": "13900001111",
            "address": "天河路 2 号",
            "kind": "onsite_repair",
            "received_at": "2026-10-08 23:59:59",
        }
        code = tickets.new_ticket(store, rep, fields, now=datetime(2026, 10, 9, 8, 0)).code
        step("dispatch", code, "GZ-E05", at="2026-10-09 08:30:00")
        step("complete", code, "调试", at="2026-10-09 09:00:00")
        # events: standing, pending, approved, rejected, contested, upheld, withdrawn, voided
        reporter = staff_by_code(store, "GZ-R02")
        deduction(lead, "GZ-E05", "violation", "2026-10-15 10:00:00")
        deduction(reporter, "GZ-E06", "backfill", "2026-10-16 10:00:00")
        approved = deduction(reporter, "GZ-E07", "fake_completion", "2026-10-17 10:00:00")
        decide("deduction", approved, "approve", "2026-10-18 10:00:00")
        rejected = deduction(reporter, "GZ-E08", "complaint_internal", "2026-10-17 11:00:00")
        decide("deduction", rejected, "reject", "2026-10-18 11:00:00")
        contested = deduction(lead, "GZ-R03", "complaint_general", "2026-10-19 10:00:00")
        appeal("GZ-R03", contested, "2026-10-20 10:00:00")
        upheld = deduction(lead, "GZ-R04", "branch_rule", "2026-10-19 11:00:00", "1.5")
        appeal("GZ-R04", upheld, "2026-10-20 11:00:00")
        decide("deduction", upheld, "uphold", "2026-10-21 11:00:00")
        withdrawn = deduction(lead, "GZ-R05", "complaint_major", "2026-10-19 12:00:00")
        appeal("GZ-R05", withdrawn, "2026-10-20 12:00:00")
        decide("deduction", withdrawn, "withdraw", "2026-10-21 12:00:00")
        voided = deduction(lead, "GZ-E09", "complaint_media", "2026-10-22 12:00:00")
        decide("deduction", voided, "withdraw", "2026-11-02 12:00:00")  # recorded by mistake
        deduction(lead, "GZ-E01", "complaint_media", "2026-11-03 12:00:00")
        # problem reports of a rep: pending, approved, rejected
        filer = staff_by_code(store, "GZ-R06")
        reported = codes(
            "branch = 'GZ' AND rep = 'GZ-R06' AND engineer IS NOT NULL"
            " AND received_at LIKE '2026-10-2%'"
        )
        assert len(reported) >= 3
        reports = [
            appraisal.report_problem(
                store, filer, ticket, SCHEME, note="oracle", now=datetime(2026, 10, 29, h)
            ).id
            for h, ticket in zip((10, 11, 12), reported, strict=False)
        ]
        decide("problem", reports[1], "approve", "2026-10-30 10:00:00")
        decide("problem", reports[2], "reject", "2026-10-30 11:00:00")
        # people: an engineer leaves mid-October; two reps join in November, one after its
        # clock; a rep worked 0 days in October by the attendance record
        set_left_on(store, admin, "GZ-E03", "2026-10-15", was=None)
        new = {"role": "rep", "branch": "GZ"}
        import_tables(
            store,
            {
                "staff": [
                    {"code": "GZ-R07", "name": "新人甲", "hired_on": "2026-11-10", **new},
                    {"code": "GZ-R08", "name": "新人乙", "hired_on": "2026-11-25", **new},
                ],
                "attendance": [{"staff": "GZ-R02", "month": "2026-10", "days": "0"}],
            },
            now=datetime(2026, 11, 20, 12, 0),
        )
    finally:
        store.close()


@pytest.fixture(scope="module")
def worked(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("oracle-worked") / "worked.db"
    shutil.copyfile(paths.sample_db(), path)
    worked_at_the_desk(path)
    return path


@pytest.mark.parametrize(
    ("month", "as_of"),
    [
        ("2026-09", finished("2026-09")),
        ("2026-10", datetime(2026, 10, 20, 12, 0)),
        ("2026-10", finished("2026-10")),
        ("2026-11", SAMPLE_NOW),
        ("2026-11", finished("2026-11")),
    ],
)
def test_desk_work_ranks_as_the_rules_say(worked, month, as_of):
    compare(worked, kpi_oracle.load(worked), month, as_of)


# ---------------------------------------------------------------- the guide's month


def test_the_oracle_ranks_the_guides_month_worked_by_hand(tmp_path):
    path = tmp_path / "example.db"
    store = open_store(path)
    try:
        import_files(store, sorted((ROOT / "docs" / "example").glob("*.csv")))
    finally:
        store.close()
    rows = compare(path, kpi_oracle.load(path), "2026-10", finished("2026-10"))
    # docs/guide.md "A month worked by hand": totals and money as printed there
    assert {code: (str(row["total"]), row["reward"]) for (_b, _r, code), row in rows.items()} == {
        "R1": ("83.17", 200), "R3": ("57.00", 100), "R4": ("56.00", -50), "R2": ("-5.67", -100),
        "E3": ("90.00", 200), "E1": ("70.25", 0), "E2": ("-18.75", -100),
    }  # fmt: skip


# ---------------------------------------------------------------- small random branches

# Small branches break ties, empty pools and edge days that large data averages away: one
# to five people a role, staff hired or leaving around the month, tickets received,
# completed, called back and cancelled on either side of month ends, attendance of 0 days
# or without actions, problem reports and every kind of deduction.
HIRED = ("2020-01-01", "2020-01-01", "", "2026-10-01", "2026-10-15", "2026-10-31", "2026-11-25")
LEFT = ("", "", "", "2026-09-30", "2026-10-01", "2026-10-31", "2026-11-10")
JUDGED = (
    ("2026-09", finished("2026-09")),
    ("2026-10", datetime(2026, 10, 15, 0, 0)),
    ("2026-10", finished("2026-10")),
    ("2026-11", datetime(2026, 11, 20, 12, 0)),
)


def random_life(rnd: random.Random, received: datetime) -> dict[str, str]:
    """What became of a random ticket: visit, completion, callback, cancellation."""
    life = {}
    if rnd.random() < 0.7:
        delay = timedelta(days=rnd.choice((0, 0, 1, 2, 6, 7, 8, 20, 40)))
        completed = received + delay + timedelta(minutes=rnd.randint(0, 1500))
        life["completed_at"] = stamp(completed)
        if rnd.random() < 0.5:
            life["visited_at"] = stamp(received + (completed - received) / 2)
        if rnd.random() < 0.7:
            life["callback_at"] = stamp(completed + timedelta(days=rnd.randint(0, 5)))
            if rnd.random() < 0.9:
                life["rating"] = str(rnd.randint(1, 5))
    elif rnd.random() < 0.3:
        life["visited_at"] = stamp(received + timedelta(days=1))
    if rnd.random() < 0.15:
        life["cancelled"] = "1"
        if rnd.random() < 0.7:
            life["cancelled_at"] = stamp(received + timedelta(days=rnd.randint(0, 90)))
    return life


def small_branches(seed: int) -> dict[str, list[dict[str, str]]]:
    """Import rows of one or two small random branches, the same for the same seed."""
    rnd = random.Random(seed)
    start = datetime(2026, 8, 1)

    def moment(first_day: int, last_day: int) -> datetime:
        return start + timedelta(
            days=rnd.randint(first_day, last_day),
            minutes=rnd.choice((0, 1, 600, 1439)),
            seconds=rnd.choice((0, 59)),
        )

    kinds = ("staff", "tickets", "actions", "attendance", "problems", "deductions")
    rows: dict[str, list[dict[str, str]]] = {kind: [] for kind in kinds}
    for branch in ("GZ", "SZ")[: rnd.randint(1, 2)]:
        reps = [f"{branch}R{i}" for i in range(rnd.randint(1, 5))]
        engineers = [f"{branch}E{i}" for i in range(rnd.randint(1, 5))]
        for code in reps + engineers:
            hired, left = rnd.choice(HIRED), rnd.choice(LEFT)
            rows["staff"].append({
                "code": code, "name": code, "branch": branch,
                "role": "rep" if code in reps else "engineer",
                "hired_on": hired, "left_on": "" if left and hired and left < hired else left,
            })  # fmt: skip
        for number in range(rnd.randint(0, 25)):
            received = moment(0, 110)
            rows["tickets"].append({
                "code": f"{branch}T{number}", "branch": branch, "kind": rnd.choice(TICKET_KINDS),
                "received_at": stamp(received), "engineer": rnd.choice([*engineers, ""]),
                "rep": rnd.choice([*reps, ""]), **random_life(rnd, received),
            })  # fmt: skip
        codes = [t["code"] for t in rows["tickets"] if t["branch"] == branch]
        for rep in reps:
            for _ in range(rnd.choice((0, 3, 10, 30))):
                at = stamp(moment(-210, 115))
                rows["actions"].append({"staff": rep, "at": at, "action": rnd.choice(ACTION_KINDS)})
            for month in ("2026-01", "2026-06", "2026-09", "2026-10", "2026-11"):
                if rnd.random() < 0.3:
                    days = str(rnd.choice((0, 1, 5, 22)))
                    rows["attendance"].append({"staff": rep, "month": month, "days": days})
            for _ in range(rnd.choice((0, 0, 1, 3))):
                rows["problems"].append({
                    "rep": rep, "engineer": rnd.choice(engineers), "at": stamp(moment(40, 110)),
                    "points": rnd.choice(("", "1", "2", "0.5")),
                    "ticket": rnd.choice([*codes, ""]) if codes else "",
                })  # fmt: skip
        for code in reps + engineers:
            for _ in range(rnd.choice((0, 0, 1, 2))):
                kind = rnd.choice(DEDUCTION_KINDS)
                points = rnd.choice(("0.5", "1.5", "3")) if kind == "branch_rule" else ""
                rows["deductions"].append(
                    {"staff": code, "at": stamp(moment(50, 110)), "kind": kind, "points": points}
                )
    tables = {}
    for kind, found in rows.items():  # every row of a kind has the same columns
        columns = sorted({column for row in found for column in row})
        tables[kind] = [{column: row.get(column, "") for column in columns} for row in found]
    return {kind: found for kind, found in tables.items() if found}


@pytest.mark.parametrize("seed", range(16))
def test_small_random_branches_rank_as_the_rules_say(tmp_path, seed):
    path = tmp_path / "small.db"
    store = open_store(path)
    try:
        # After every time of the rows (a cancellation up to 90 days after a November
        # receipt): an import takes nothing later than its own day.
        import_tables(store, small_branches(seed), now=datetime(2027, 3, 1))
    finally:
        store.close()
    data = kpi_oracle.load(path)
    for month, as_of in JUDGED:
        compare(path, data, month, as_of)
