"""Fixtures shared by the whole suite: a fresh database per test, a language per test."""

from __future__ import annotations

import pytest

from fieldkpi.i18n import current_language, set_language
from storage.db import open_store


@pytest.fixture
def store(tmp_path):
    """A new, empty fieldkpi database with the current schema."""
    opened = open_store(tmp_path / "fieldkpi.db")
    yield opened
    opened.close()


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
