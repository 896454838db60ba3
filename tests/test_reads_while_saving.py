"""A session's reads answer while one of its saves waits for another process's write.

A long import in another process holds the database's write lock; a
dispatcher who saves meanwhile waits (up to storage.db.BUSY_TIMEOUT_S). Their
screens must keep answering: the queue, a search, the ticket they open. Each
read takes the session's reading connection, not the one the save waits on.
"""

from __future__ import annotations

import sqlite3
import threading
import time

import pytest
from ticket_helpers import NOW, TICKET_FIELDS, seed_staff

from storage import tickets
from storage.queue import QueueFilter, queue_page


def test_reads_answer_while_a_save_waits_and_the_save_lands_after(store):
    crew = seed_staff(store)
    ticket = tickets.new_ticket(store, crew.rep, TICKET_FIELDS, now=NOW)
    other = sqlite3.connect(store.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    saved: list[object] = []
    saving = threading.Thread(
        target=lambda: saved.append(
            tickets.dispatch(store, crew.rep, ticket.code, ticket.version, "E1", now=NOW)
        )
    )
    saving.start()
    try:
        _until_the_save_waits(store, saving)
        rows = queue_page(store, crew.rep, QueueFilter(), now=NOW)
        seen = tickets.get_ticket(store, crew.rep, ticket.code)
        assert [r.code for r in rows] == [ticket.code] and seen.status == "received"
        assert saving.is_alive() and saved == []  # the save still waits
    finally:
        other.execute("ROLLBACK")
        other.close()
        saving.join(timeout=10)
    assert saved and saved[0].status == "dispatched"
    assert tickets.get_ticket(store, crew.rep, ticket.code).engineer == "E1"


def _until_the_save_waits(store, saving: threading.Thread) -> None:
    """Until the saving thread holds the session's writing connection (and so waits on the
    other process): before, a read would not have had to wait anyway."""
    deadline = time.monotonic() + 10
    while saving.is_alive() and time.monotonic() < deadline:
        if not store.lock._lock.acquire(blocking=False):  # held by the saving thread
            return
        store.lock._lock.release()
        time.sleep(0.001)
    pytest.fail("the save never took the session's writing connection")
