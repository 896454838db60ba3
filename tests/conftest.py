"""Fixtures shared by the whole suite: a fresh database per test."""

from __future__ import annotations

import pytest

from storage.db import open_store


@pytest.fixture
def store(tmp_path):
    """A new, empty fieldkpi database with the current schema."""
    opened = open_store(tmp_path / "fieldkpi.db")
    yield opened
    opened.close()
