"""The workbook the TUI exports, printed by LibreOffice: one landscape page wide per role.

The lead exports October of the demo branch GZ as XLSX from the rankings
screen; LibreOffice (headless) turns it into a PDF, and poppler's tools read
the pages back. A role's sheet printed more than one page wide would put the
names on one page and the totals and rewards on another: every line with a
person's name must also hold their total and reward, and every page the
headings. Skipped where LibreOffice or poppler-utils is not installed
(Debian: ``apt-get install libreoffice-calc-nogui poppler-utils``).
"""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from tui_helpers import async_test, press, settle

from fieldkpi.numbers import points, yuan
from fieldkpi.sample import SAMPLE_NOW
from fieldkpi.scheme import default_scheme
from screens.app import FieldKpiApp
from storage.db import open_store
from storage.people import staff_by_code
from storage.sample_db import build_sample

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
POPPLER = shutil.which("pdftotext") and shutil.which("pdfinfo")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not (SOFFICE and POPPLER), reason="needs LibreOffice (soffice) and poppler-utils"
    ),
]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "sample.db"
    build_sample(path)
    store = open_store(path)
    yield store
    store.close()


def pdf_pages(xlsx, folder) -> list[str]:
    """The PDF LibreOffice prints of the workbook, as the text of each page."""
    profile = folder / "lo-profile"
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(xlsx),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = folder / xlsx.with_suffix(".pdf").name
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True)
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info.stdout).groups())
    assert width > height, "landscape"
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    return [page for page in text.split("\f") if page.strip()]


@async_test
async def test_the_tuis_workbook_prints_one_page_wide_per_role(demo, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    lead = staff_by_code(demo, "GZ-L01")
    app = FieldKpiApp(
        demo, lead, now=lambda: SAMPLE_NOW, scheme_for=lambda _branch: default_scheme()
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "left_square_bracket", "x")  # October, finished
        app.screen.query_one("#field-format").value = "xlsx"
        await press(pilot, "ctrl+s")
        rows = app.screen.ranking.rows
    xlsx = tmp_path / "data/fieldkpi/exports/fieldkpi-GZ-2026-10.xlsx"
    pages = pdf_pages(xlsx, tmp_path)

    for role, title in (("rep", "GZ · Reps · 2026-10"), ("engineer", "GZ · Engineers · 2026-10")):
        sheet = [page for page in pages if title in page]
        assert len(sheet) == 1, f"{title}: a handful of people fit one page"
        (page,) = sheet
        lines = page.splitlines()
        assert any("Name" in line and "Reward / penalty (¥)" in line for line in lines)
        people = [row for row in rows if row.role == role]
        assert len(people) > 5
        for row in people:
            (line,) = [line for line in lines if f" {row.staff_code} " in line]
            assert row.name in line and points(row.total) in line
            assert yuan(row.reward).replace("+", "").replace("—", "¥0") in line.replace(".00", "")
    breakdown = [page for page in pages if "KPI breakdown" in page]
    assert breakdown and all("Measured" in page and "Points" in page for page in breakdown)
