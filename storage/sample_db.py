"""Building ``sample.db``, the demo database, from the generated sample rows.

The rows go through the ordinary CSV importer, so the demo holds only what a
branch could have imported itself, stamped with the sample's fixed "now"
instead of the wall clock: the same code always builds the same database.
"""

from __future__ import annotations

import os
from pathlib import Path

from fieldkpi.sample import BRANCHES, DEFAULT_SEED, SAMPLE_NOW, generate
from storage.db import open_store
from storage.importer import import_tables


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
        with store.write() as db:
            # The import files name branches by code only; the demo shows their names.
            for plan in BRANCHES:
                db.execute("UPDATE branches SET name = ? WHERE code = ?", [plan.name, plan.code])
        with store.lock:
            store.conn.execute("VACUUM")
    finally:
        store.close()
