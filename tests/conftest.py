"""Fixtures shared by the whole suite: a fresh database per test, a language per test."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from fieldkpi import paths
from fieldkpi.i18n import current_language, set_language
from storage.db import open_store


@pytest.fixture
def store(tmp_path):
    """A new, empty fieldkpi database with the current schema."""
    opened = open_store(tmp_path / "fieldkpi.db")
    yield opened
    opened.close()


@pytest.fixture
def demo(tmp_path):
    """A private copy of the sample database, opened, as ``fieldkpi demo`` makes one."""
    copy = tmp_path / "demo.db"
    shutil.copyfile(paths.sample_db(), copy)
    opened = open_store(copy)
    yield opened
    opened.close()


@pytest.fixture(autouse=True)
def english_unless_asked():
    """Every test starts in English, whatever a test before it in the same process left
    (the CLI and the app set the process-wide language from ``--lang``; tests are spread
    over processes in no fixed order). ``zh`` and ``lang`` choose another."""
    set_language("en")
    yield


@pytest.fixture
def zh():
    """Chinese for one test, and the language before it afterwards (the choice is process-wide)."""
    before = current_language()
    set_language("zh")
    yield
    set_language(before)


@pytest.fixture(params=["zh", "en"])
def lang(request):
    """Each language in turn: the test runs once in Chinese and once in English."""
    before = current_language()
    yield set_language(request.param)
    set_language(before)


@pytest.fixture(scope="session")
def small_bench(tmp_path_factory) -> Path:
    """``bench/generate.py --tickets 2000`` (4 branches, a year), built once: copy it to write."""
    path = tmp_path_factory.mktemp("small-bench") / "bench.db"
    built = subprocess.run(
        [
            sys.executable,
            str(Path(__file__).parents[1] / "bench" / "generate.py"),
            str(path),
            "--tickets",
            "2000",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert built.returncode == 0, built.stderr
    return path


@pytest.fixture
def small_bench_copy(small_bench, tmp_path) -> Path:
    """A copy of :func:`small_bench` of the test's own, to write to."""
    return Path(shutil.copy(small_bench, tmp_path / "bench.db"))
