"""Eight processes write one database file as fast as they can: nothing is lost, nothing twice.

Each process is a dispatcher (one connection, as each person over SSH has)
taking tickets from intake to completion (the callback of one's own ticket is
refused), and all of them also work the same
few shared tickets, sometimes from a version seen earlier. Every attempt is
logged as done (with the version it made), a version conflict, or a refused
step; the database must then hold exactly the done ones.
"""

from __future__ import annotations

import json
import multiprocessing
from collections import Counter

import pytest
from reliability_helpers import STEP_ACTION, many_writers_worker, ticket_invariants
from ticket_helpers import TICKET_FIELDS, seed_staff

from storage import tickets
from storage.maintenance import check

PROCESSES = 8
OPS = 200  # attempts per process
SHARED = 6  # tickets every process works on


def history_by_version(store) -> dict[tuple[str, int], tuple[str, str]]:
    return {
        (code, version): (step, by)
        for code, version, step, by in store.query(
            "SELECT DISTINCT ticket, version, step, by FROM ticket_history"
            " WHERE version IS NOT NULL"
        )
    }


@pytest.mark.slow
def test_eight_processes_lose_nothing_and_save_nothing_twice(store, tmp_path):
    crew = seed_staff(store)
    shared = []
    for _ in range(SHARED):
        ticket = tickets.new_ticket(store, crew.rep, TICKET_FIELDS)
        shared.append(tickets.dispatch(store, crew.rep, ticket.code, 1, "E1").code)
    base_actions = Counter(
        tuple(r) for r in store.query("SELECT staff, action, ticket FROM actions")
    )
    base_history = history_by_version(store)
    base_versions = dict(store.query("SELECT code, version FROM tickets"))

    spawn = multiprocessing.get_context("spawn")
    barrier = spawn.Barrier(PROCESSES)
    outs = [tmp_path / f"log-{n}.json" for n in range(PROCESSES)]
    workers = [
        spawn.Process(
            target=many_writers_worker,
            args=(store.path, n, OPS, shared, barrier, str(outs[n])),
        )
        for n in range(PROCESSES)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert [worker.exitcode for worker in workers] == [0] * PROCESSES

    done = []  # (actor, op, code, version made)
    outcomes: Counter = Counter()
    for out in outs:
        result = json.loads(out.read_text(encoding="utf-8"))
        assert len(result["log"]) == OPS
        for op, code, outcome, _version, made in result["log"]:
            outcomes[outcome] += 1
            if outcome == "error":
                pytest.fail(f"{op} {code}: {made}")  # "database is locked" and the like
            if outcome == "done":
                done.append((result["actor"], op, code, made))
    assert sum(outcomes.values()) == PROCESSES * OPS
    assert outcomes["conflict"] > 0 and outcomes["refused"] > 0  # they did collide

    # Tickets: the shared ones and exactly one per intake that went through.
    created = [code for _actor, op, code, _made in done if op == "create"]
    assert len(set(created)) == len(created)
    assert store.scalar("SELECT count(*) FROM tickets") == SHARED + len(created)

    # Versions: each done step made the next version of its ticket, no version twice.
    made_by: dict[str, list[int]] = {}
    for _actor, _op, code, made in done:
        made_by.setdefault(code, []).append(made)
    for code, version in store.query("SELECT code, version FROM tickets"):
        start = base_versions.get(code, 0)
        assert sorted(made_by.get(code, [])) == list(range(start + 1, version + 1)), code

    # History: rows for each done step, marked with its version, step and person; no others.
    expected_history = dict(base_history)
    expected_history.update({(code, made): (op, actor) for actor, op, code, made in done})
    assert history_by_version(store) == expected_history

    # Workload: one action per done step.
    expected_actions = base_actions + Counter(
        (actor, STEP_ACTION[op], code) for actor, op, code, _made in done
    )
    actions = Counter(tuple(r) for r in store.query("SELECT staff, action, ticket FROM actions"))
    assert actions == expected_actions

    assert ticket_invariants(store) == []
    health = check(store.path)
    assert health.problems == []
