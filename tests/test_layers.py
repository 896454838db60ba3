"""The domain and storage never pull in the UI: they must run headless, in scripts and cron."""

import subprocess
import sys

import pytest

CORE_MODULES = [
    "fieldkpi.scheme",
    "fieldkpi.kpi",
    "fieldkpi.ranking",
    "fieldkpi.export",
    "fieldkpi.measures",
    "fieldkpi.scoring",
    "fieldkpi.scheme_legacy",
    "fieldkpi.xlsx",
    "fieldkpi.table",
    "fieldkpi.period",
    "fieldkpi.figures",
    "fieldkpi.paths",
    "fieldkpi.i18n",
    "fieldkpi.sample",
    "fieldkpi.buckets",
    "fieldkpi.standing",
    "fieldkpi.merge",
    "storage.db",
    "storage.migrations",
    "storage.measures",
    "storage.rankings",
    "storage.importer",
    "storage.sample_db",
    "storage.tickets",
    "storage.queue",
    "storage.people",
    "fieldkpi.tickets",
    "fieldkpi.access",
    "storage.closing",
    "storage.drilldown",
    "storage.standings",
    "storage.maintenance",
    "storage.appraisal",
    "storage.scores",
    "storage.timeline",
    "storage.frozen",
    "fieldkpi.cleantext",
    "fieldkpi.limits",
    "fieldkpi.plain",
    "fieldkpi.visibility",
]


@pytest.mark.parametrize("module", CORE_MODULES)
def test_core_module_imports_no_textual(module):
    code = (
        f"import sys, {module}; "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] == 'textual'); "
        "print(','.join(bad))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", f"{module} imports {result.stdout.strip()}"


def test_domain_imports_no_sqlite():
    modules = " ".join(m for m in CORE_MODULES if m.startswith("fieldkpi"))
    code = (
        f"import sys; [__import__(m) for m in {modules.split()!r}]; "
        "print(','.join(m for m in ('sqlite3', 'sqlite_utils') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""
