"""``fieldkpi backup`` never lands on the database's companions (issue 11, item 2).

While anyone works, ``branch.db-wal`` holds committed saves not yet in
``branch.db`` and ``branch.db-shm`` the other sessions' locks: a backup renamed
over either loses work or damages the database under a live session. Named
directly, through ``..``, a symlink or a hard link, they are refused and stay
exactly as they were.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from ticket_helpers import seed_staff

from fieldkpi import cli
from storage.maintenance import BackupFailed, backup


def run(capsys, *args: str) -> tuple[int, list[str]]:
    status = cli.main([*args, "--lang", "en"])
    return status, capsys.readouterr().err.splitlines()


@pytest.fixture
def live(store):
    """A database in use: its -wal and -shm exist and the -wal holds the staff not checkpointed."""
    seed_staff(store)
    db = Path(store.path)
    assert db.with_name(db.name + "-wal").stat().st_size > 0
    return store, db


@pytest.mark.parametrize("suffix", ["-wal", "-shm", "-journal"])
def test_a_companion_is_refused_as_the_destination(live, capsys, suffix):
    store, db = live
    companion = db.with_name(db.name + suffix)
    before = companion.read_bytes() if companion.exists() else None
    status, err = run(capsys, "backup", "--db", str(db), str(companion))
    assert status == 1
    assert err == [
        f"fieldkpi: {companion}: that is {companion}, part of the database while it is in use: "
        "replacing it would damage the database"
    ]
    assert (companion.read_bytes() if companion.exists() else None) == before
    assert store.scalar("SELECT count(*) FROM staff") == 9  # the session reads on


def test_a_path_that_resolves_to_the_wal_is_refused(live, tmp_path):
    store, db = live
    wal = db.with_name(db.name + "-wal")
    before = wal.read_bytes()
    roundabout = tmp_path / "sub" / ".." / wal.name
    (tmp_path / "sub").mkdir()
    link = tmp_path / "latest.db"
    link.symlink_to(wal)
    hard = tmp_path / "hard.db"
    os.link(wal, hard)
    for dest in (roundabout, link, hard):
        with pytest.raises(BackupFailed, match="part of the database while it is in use"):
            backup(store.path, dest)
    assert wal.read_bytes() == before
    assert backup(store.path, tmp_path / "good.db").exists()  # an ordinary file is fine
