"""A branch's scheme: the preset its lead chose (on record), under the config folder's files."""

from __future__ import annotations

from datetime import datetime

import pytest
from month_helpers import STAFF, load, person

from fieldkpi.access import AccessDenied
from storage.schemes import PresetRefused, branch_scheme, choose_preset, scheme_loader

NOW = datetime(2026, 11, 3, 9, 0)


@pytest.fixture
def seeded(store):
    load(store, staff=STAFF)
    return store


def test_the_lead_switches_the_branch_and_it_is_on_record(seeded, tmp_path):
    scheme_for = scheme_loader(seeded, lambda _branch: [])
    assert scheme_for("GZ").name == "skyworth"
    choose_preset(seeded, person(seeded, "L1"), "GZ", "generic-bands", NOW)
    assert (scheme_for("GZ").name, scheme_for("SZ").name) == ("generic-bands", "skyworth")
    history = branch_scheme(seeded, person(seeded, "L1"), "GZ", scheme_for).history
    assert [(c.preset, c.by_name) for c in history] == [("generic-bands", "周经理")]


def test_who_may_switch_and_what_is_refused(seeded):
    with pytest.raises(AccessDenied):
        choose_preset(seeded, person(seeded, "R1"), "GZ", "generic-bands", NOW)
    with pytest.raises(AccessDenied):
        choose_preset(seeded, person(seeded, "L2"), "GZ", "generic-bands", NOW)
    with pytest.raises(PresetRefused, match="There is no preset nope"):
        choose_preset(seeded, person(seeded, "L1"), "GZ", "nope", NOW)
    with pytest.raises(PresetRefused, match="already runs skyworth"):
        choose_preset(seeded, person(seeded, "L1"), "GZ", "skyworth", NOW)
    choose_preset(seeded, person(seeded, "A1"), "GZ", "cs-levels", NOW)  # an admin may
    assert seeded.scalar("SELECT count(*) FROM branch_presets") == 1


def test_a_file_naming_a_preset_wins_over_the_leads_choice(seeded, tmp_path):
    path = tmp_path / "scheme-GZ.toml"
    path.write_text('preset = "dealer-4s"\n', encoding="utf-8")
    choose_preset(seeded, person(seeded, "L1"), "GZ", "generic-bands", NOW)
    scheme_for = scheme_loader(seeded, lambda branch: [path] if branch == "GZ" else [])
    assert scheme_for("GZ").name == "dealer-4s"
    # a file that only overrides numbers lays them over the lead's choice
    path.write_text("[money]\ntop = [500]\n", encoding="utf-8")
    scheme_for = scheme_loader(seeded, lambda branch: [path] if branch == "GZ" else [])
    assert (scheme_for("GZ").name, scheme_for("GZ").money.top) == ("generic-bands", (500,))
