"""Seeding a month for the rankings tests: CSV text in the interfaces.md formats, imported."""

from __future__ import annotations

import csv
import io
from datetime import datetime

from fieldkpi.figures import Person
from fieldkpi.period import Period
from fieldkpi.scheme import default_scheme
from storage.importer import import_tables
from storage.people import staff_by_code

OCTOBER = Period(2026, 10)
AFTER_OCTOBER = datetime(2026, 11, 5, 9, 0)  # the month has ended: it can be closed
DEFAULT = default_scheme()

# Two branches and an admin at head office. X1 left GZ in September; A1 belongs to no
# ranked branch; SZ is there to be another branch.
STAFF = """code,name,role,branch,hired_on,left_on,login
R1,张伟,rep,GZ,2025-01-01,,
R2,王芳,rep,GZ,2024-05-01,,
X1,赵敏,rep,GZ,2023-01-01,2026-09-15,
E1,陈工,engineer,GZ,2022-03-01,,
E2,刘洋,engineer,GZ,2021-07-01,,
L1,周经理,lead,GZ,2020-01-01,,
A1,管理员,admin,HQ,2020-01-01,,
S1,孙丽,rep,SZ,2024-01-01,,
SE,吴工,engineer,SZ,2024-01-01,,
L2,郑经理,lead,SZ,2020-01-01,,
"""


def load(store, now: datetime = AFTER_OCTOBER, **tables: str) -> None:
    """Import CSV texts by kind (``staff=…, tickets=…``) as one ``fieldkpi import`` would."""
    import_tables(
        store,
        {kind: list(csv.DictReader(io.StringIO(text))) for kind, text in tables.items()},
        now=now,
    )


def person(store, code: str) -> Person:
    found = staff_by_code(store, code)
    assert found is not None, code
    return found


def calls_to(monkeypatch, owner, name: str) -> list[tuple]:
    """The arguments of every call to ``owner.name`` from now on: to count reads a load makes.

    ``owner`` is a module (whose own functions then call the counted one too) or an object.
    """
    calls: list[tuple] = []
    real = getattr(owner, name)

    def counted(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, counted)
    return calls
