"""The real `fieldkpi` program in an 80×24 tmux terminal, driven by keys (scripts/tmux_e2e*.sh).

The scripts poll the screen for each expected text and check the database
afterwards; here they run as part of the suite whenever tmux and sqlite3 are
installed, in both languages.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPTS = Path(__file__).resolve().parent.parent / "scripts"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not (shutil.which("tmux") and shutil.which("sqlite3")), reason="needs tmux and sqlite3"
    ),
]


def run_script(name: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", str(SCRIPTS / name)],
        env=os.environ | {"FIELDKPI": f"{sys.executable} -m fieldkpi", "TIMEOUT": "40"} | env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_rep_takes_dispatches_and_completes_a_ticket_by_keys(lang):
    result = run_script("tmux_e2e.sh", LANG_UNDER_TEST=lang)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().splitlines()[-1].startswith(f"OK ({lang})")


def test_lead_reads_rankings_and_engineer_sees_only_his_own_figures():
    result = run_script("tmux_e2e_rankings.sh")
    assert result.returncode == 0, result.stdout + result.stderr


def test_keys_typed_ahead_of_ctrl_s_are_all_saved():
    """Text and Ctrl+S in one burst of keys, as a fast typist or a slow link sends them."""
    result = run_script("tmux_typeahead.sh")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().splitlines()[-1].startswith("OK")


def test_a_paste_with_terminal_escapes_is_kept_in_order():
    """Through the app's own driver, as tmux pastes: bracketed, its ESCs passed on."""
    result = run_script("tmux_paste.sh")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().splitlines()[-1].startswith("OK")
