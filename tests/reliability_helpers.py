"""Processes that hammer one database file, and the invariants a database must keep whatever happens.

The worker functions run in child processes started with ``spawn``, so they
live here (importable by the child) rather than in a test module. Each child
opens its own store, as every person logged in over SSH does.
"""

from __future__ import annotations

import json
import random
import time
from collections import Counter
from pathlib import Path

from ticket_helpers import TICKET_FIELDS

from fieldkpi.access import AccessDenied
from fieldkpi.scheme import default_for_every_branch
from storage import tickets
from storage.db import Store, open_store
from storage.people import staff_by_code

# The workload action each ticket step writes (kpi-rules §3); the other steps write none.
STEP_ACTION = {
    "create": "intake",
    "dispatch": "dispatch",
    "complete": "complete",
    "callback": "callback",
}
DISPATCHERS = ("R1", "R2", "L1", "A1")  # the GZ staff who may take every step


def other_engineer(engineer: str | None) -> str:
    return "E2" if engineer == "E1" else "E1"


def attempt(log: list, op: str, code: str | None, version: int, call) -> object | None:
    """Run one ticket operation and log it: done (with the version made), conflict, or refused."""
    try:
        ticket = call()
    except tickets.Conflict:
        log.append([op, code, "conflict", version, None])
        return None
    except (tickets.StepRefused, AccessDenied):  # e.g. the callback of one's own ticket
        log.append([op, code, "refused", version, None])
        return None
    except Exception as exc:  # "database is locked" above all: it must never get here
        log.append([op, code, "error", version, repr(exc)])
        return None
    log.append([op, ticket.code, "done", version, ticket.version])
    return ticket


def step(store: Store, actor, ticket, op: str, log: list):
    """Take ``op`` on a ticket as last seen: from its version then, now perhaps stale."""
    version = ticket.version
    calls = {
        "dispatch": lambda: tickets.dispatch(
            store, actor, ticket.code, version, other_engineer(ticket.engineer)
        ),
        "complete": lambda: tickets.complete(store, actor, ticket.code, version, "换主板"),
        "callback": lambda: (
            tickets.record_callback(
                store, actor, ticket.code, version, 4, scheme_for=default_for_every_branch
            ).ticket
        ),
    }
    return attempt(log, op, ticket.code, version, calls[op])


def next_op(ticket, rng: random.Random, finish: float) -> str:
    """The step a dispatcher would take next; a finished ticket still draws (refused) attempts."""
    if ticket.status == "received":
        return "dispatch"
    if ticket.status in ("dispatched", "visited", "awaiting_parts"):
        return "complete" if rng.random() < finish else "dispatch"
    return "callback" if ticket.status == "completed" else rng.choice(("dispatch", "callback"))


def many_writers_worker(path: str, index: int, ops: int, shared: list[str], barrier, out: str):
    """One dispatcher working as fast as it can: own tickets start to end (their callbacks
    are refused: nobody rates a ticket they took in), and shared ones.

    Shared tickets are worked by every process at once, half the time from the
    version this process saw last (stale if another saved since). Every attempt
    is logged.
    """
    store = open_store(path)
    actor = staff_by_code(store, DISPATCHERS[index % len(DISPATCHERS)])
    rng = random.Random(index)
    log: list = []
    mine: list = []  # own tickets not yet called back
    seen: dict = {}  # shared code -> the ticket as this process last saw it
    barrier.wait()
    while len(log) < ops:
        if rng.random() < 0.4:
            if not mine or rng.random() < 0.3:
                made = attempt(
                    log, "create", None, 0, lambda: tickets.new_ticket(store, actor, TICKET_FIELDS)
                )
                if made is not None:
                    mine.append(made)
                continue
            ticket = mine.pop(rng.randrange(len(mine)))
            done = step(store, actor, ticket, next_op(ticket, rng, 0.5), log)
            if done is not None and done.status != "called_back":
                mine.append(done)
            continue
        code = rng.choice(shared)
        if code in seen and rng.random() < 0.5:
            ticket = seen[code]
        else:
            ticket = seen[code] = tickets.get_ticket(store, actor, code)
        if ticket.status == "called_back" and rng.random() < 0.9:
            continue  # mostly leave finished ones be, so the live ones are fought over
        done = step(store, actor, ticket, next_op(ticket, rng, 0.01), log)
        if done is not None:
            seen[code] = done
    store.close()
    Path(out).write_text(json.dumps({"actor": actor.code, "log": log}), encoding="utf-8")


def save_forever(path: str, actor_code: str) -> None:
    """A dispatcher that never stops saving: new tickets taken through to their completion
    (the callback of one's own ticket is refused)."""
    store = open_store(path)
    actor = staff_by_code(store, actor_code)
    rng = random.Random()
    log: list = []
    while True:
        ticket = tickets.new_ticket(store, actor, TICKET_FIELDS)
        while ticket is not None and ticket.status != "called_back":
            ticket = step(store, actor, ticket, next_op(ticket, rng, 0.4), log)
        log.clear()


def ticket_invariants(store: Store) -> list[str]:
    """Where a ticket's version, history and workload actions disagree (none, if all is well).

    Every save leaves version n with history rows marked n, all of one step by
    one person, and the workload action of that step: versions 1…n each once.
    """
    problems = []
    versions = dict(store.query("SELECT code, version FROM tickets"))
    groups: dict[str, dict[int, tuple]] = {}
    for code, version, steps, people in store.query(
        "SELECT ticket, version, group_concat(DISTINCT step), group_concat(DISTINCT by)"
        " FROM ticket_history WHERE version IS NOT NULL GROUP BY ticket, version"
    ):
        groups.setdefault(code, {})[version] = (steps, people)
    expected_actions: Counter = Counter()
    for code, version in versions.items():
        saved = groups.get(code, {})
        if sorted(saved) != list(range(1, version + 1)):
            problems.append(f"{code}: version {version}, history versions {sorted(saved)}")
        for number, (steps, people) in saved.items():
            if "," in steps or "," in people:
                problems.append(f"{code} v{number}: one version from {steps} by {people}")
            elif steps in STEP_ACTION:
                expected_actions[(people, STEP_ACTION[steps], code)] += 1
    actions = Counter(
        tuple(row) for row in store.query("SELECT staff, action, ticket FROM actions")
    )
    if actions != expected_actions:
        problems.append(
            f"actions differ: {(actions - expected_actions) + (expected_actions - actions)}"
        )
    return problems


def wait_until(condition, timeout: float = 60.0, what: str = "condition") -> None:
    """Poll ``condition`` every few milliseconds until it holds; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.005)
