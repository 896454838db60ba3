"""The domain and storage never pull in the UI: they must run headless, in scripts and cron."""

import importlib
import pkgutil
import subprocess
import sys

import pytest

# Every module of the domain and of storage, found rather than listed: a new one is checked
# too. ``fieldkpi.cli`` (and ``__main__``) is the composition root that wires in the screens.
ROOTS = ("fieldkpi", "storage")
CORE_MODULES = sorted(
    module.name
    for root in ROOTS
    for module in pkgutil.iter_modules(importlib.import_module(root).__path__, f"{root}.")
    if module.name not in ("fieldkpi.cli", "fieldkpi.__main__")
)


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
