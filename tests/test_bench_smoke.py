"""The benchmark compares like with like: on a small generated database, pandas ranks as fieldkpi.

``bench/run.py`` times fieldkpi's ranking against an analyst's pandas version
(bench/analyst.py); the timing means something only if both compute the same
ranking. This builds a tiny benchmark database with the generator itself and
checks every ranked person's rank, total and reward agree. No timing here.
"""

from __future__ import annotations

import importlib.util
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from fieldkpi.period import Judgement, Period
from fieldkpi.scheme import default_scheme
from storage.db import open_store
from storage.rankings import compute_rankings

pytest.importorskip("pandas")

BENCH = Path(__file__).resolve().parent.parent / "bench"


def bench_module(name: str):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_pandas_ranks_the_generated_month_as_fieldkpi_does(tmp_path):
    db = tmp_path / "bench.db"
    built = subprocess.run(
        [sys.executable, str(BENCH / "generate.py"), str(db), "--tickets", "2000"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert built.returncode == 0, built.stderr
    analyst = bench_module("analyst")
    month = "2026-10"
    as_of = analyst.judged_at(month)

    store = open_store(db)
    try:
        rows = compute_rankings(
            store,
            Judgement(Period.parse(month), Period.parse(month).end),
            lambda _branch: default_scheme(),
        )
    finally:
        store.close()
    ours = analyst.fieldkpi_rows(rows)
    with sqlite3.connect(db) as conn:
        theirs = analyst.rank_month(conn, month, as_of)

    assert len(ours) == 2 * (10 + 49)  # two branches: their reps and engineers (one has left)
    assert set(ours.role) == {"rep", "engineer"}
    assert ours["rank"].nunique() > 5 and ours.total.nunique() > 20  # a ranking, not a tie
    assert analyst.differences(ours, theirs) == 0
