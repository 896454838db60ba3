"""The user guide (docs/guide.md, docs/guide.zh.md) says what the program does.

Two promises a reader relies on: the import columns listed for each CSV kind
are the ones the importer reads (names, and which must have a value), and the
month worked by hand comes out of the real engine as printed. Both languages
are checked, so neither drifts from the code or from the other.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pytest

from fieldkpi.kpi import round_half_up
from fieldkpi.period import Period, judge
from fieldkpi.scheme import default_scheme
from storage.csvrows import KINDS
from storage.db import open_store
from storage.importer import import_files
from storage.rankings import compute_rankings

DOCS = Path(__file__).resolve().parent.parent / "docs"
GUIDES = {"en": DOCS / "guide.md", "zh": DOCS / "guide.zh.md"}
REQUIRED_MARK = "✔"
MARKS = "○*ⓩ"  # no data, first month, forfeited: shown beside numbers, not part of them


def between(text: str, marker: str) -> str:
    """The part of a guide between ``<!-- marker… -->`` and ``<!-- /marker -->``."""
    match = re.search(rf"<!-- {marker}\b.*?-->(.*?)<!-- /{marker} -->", text, re.S)
    assert match, f"the guide has no <!-- {marker} --> … <!-- /{marker} --> section"
    return match.group(1)


def cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def documented_kinds(text: str) -> dict[str, list[tuple[str, bool]]]:
    """Each ``### `kind` `` table of the import section: (column, required) in order."""
    kinds: dict[str, list[tuple[str, bool]]] = {}
    current = None
    for line in between(text, "import-columns").splitlines():
        heading = re.match(r"###\s+`(\w+)`", line)
        if heading:
            current = kinds.setdefault(heading.group(1), [])
            continue
        row = re.match(r"\|\s*`(\w+)`\s*\|", line)
        if row and current is not None:
            current.append((row.group(1), cells(line)[1] == REQUIRED_MARK))
    return kinds


def expected_kinds() -> dict[str, tuple[tuple[str, ...], set[str]]]:
    return {name: (kind.names, set(kind.required)) for name, kind in KINDS.items()}


@pytest.fixture(scope="module", params=sorted(GUIDES))
def guide(request) -> str:
    return GUIDES[request.param].read_text(encoding="utf-8")


def test_every_import_kind_is_documented_and_nothing_else(guide):
    assert set(documented_kinds(guide)) == set(expected_kinds())


@pytest.mark.parametrize("kind", sorted(expected_kinds()))
def test_documented_columns_are_the_importers(guide, kind):
    names, required = expected_kinds()[kind]
    documented = documented_kinds(guide)[kind]
    columns = [name for name, _required in documented]
    assert len(columns) == len(set(columns)), f"{kind}: a column is listed twice"
    assert set(columns) == set(names), f"{kind}: the guide and the importer differ"
    assert {name for name, must in documented if must} == required, (
        f"{kind}: the columns marked {REQUIRED_MARK} are not the required ones"
    )


# ---------------------------------------------------------------- the month worked by hand


def typographic(text: str) -> str:
    """The guide prints its numbers with the typographic minus sign."""
    return "−" + text[1:] if text.startswith("-") else text


def shown(value) -> str:
    """A number as the guide's result tables write it: 2 decimals, the typographic minus."""
    return typographic(str(round_half_up(value)))


def yuan(value) -> str:
    amount = int(value)
    return f"+{amount}" if amount > 0 else typographic(str(amount))


@pytest.fixture(scope="module")
def example_rows(tmp_path_factory):
    store = open_store(tmp_path_factory.mktemp("guide") / "example.db")
    try:
        import_files(store, sorted((DOCS / "example").glob("*.csv")))
        judgement = judge(Period.parse("2026-10"), now=datetime(2026, 11, 3, 9, 0))
        scheme = default_scheme()
        return compute_rankings(store, judgement, lambda _branch: scheme)
    finally:
        store.close()


def engine_lines(rows) -> list[list[str]]:
    """Each ranked person as the guide's table: rank, code, name, KPI points, 扣分, total, money."""
    return [
        [
            str(row.rank),
            row.staff_code,
            row.name,
            *(shown(k.points) for k in row.kpis),
            shown(-row.deductions),
            shown(row.total),
            yuan(row.reward),
        ]
        for row in rows
    ]


def guide_lines(text: str) -> list[list[str]]:
    lines = []
    for line in between(text, "example-result").splitlines():
        if re.match(r"\|\s*\d+\s*\|", line):
            lines.append([cell.rstrip(MARKS).strip() for cell in cells(line)])
    return lines


def test_the_worked_example_is_what_the_engine_computes(guide, example_rows):
    assert len(example_rows) == 7, "four reps and three engineers"
    assert guide_lines(guide) == engine_lines(example_rows)


def test_the_worked_example_shows_its_marks_where_the_engine_flags(guide, example_rows):
    marked = {
        cells(line)[1]: line
        for line in between(guide, "example-result").splitlines()
        if re.match(r"\|\s*\d+\s*\|", line)
    }
    for row in example_rows:
        line = marked[row.staff_code]
        assert ("○" in line) == any(k.flag for k in row.kpis), row.staff_code
        assert ("*" in line) == any(k.first_month for k in row.kpis), row.staff_code
        assert ("ⓩ" in line) == row.zeroed, row.staff_code
