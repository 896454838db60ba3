"""A branch's scheme: the preset its lead chose (on record), under the config folder's files."""

from __future__ import annotations

from datetime import datetime

import pytest
from month_helpers import STAFF, load, person

from fieldkpi.access import AccessDenied
from fieldkpi.period import Period
from fieldkpi.scheme import load_preset
from storage.closing import close_month, period_in_force
from storage.schemes import (
    PresetRefused,
    branch_scheme,
    choose_preset,
    counted_again_by_kind,
    scheme_loader,
)

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


@pytest.fixture
def october_closed(seeded):
    october = Period(2026, 10)
    close_month(seeded, person(seeded, "L1"), "GZ", october, load_preset("skyworth"), NOW)
    return seeded


def test_what_a_switch_would_count_again_is_for_who_switches(october_closed):
    """The scheme form's warning: closed October lies inside the running quarter."""
    store = october_closed
    for code in ("L1", "A1"):
        inside = counted_again_by_kind(store, person(store, code), "GZ", NOW)
        period, closed = inside["quarter"]
        assert (str(period), [str(c.period) for c in closed]) == ("2026-Q4", ["2026-10"])
        assert inside["month"] == (Period(2026, 11), [])
    for code in ("R1", "E1", "L2"):  # a rep, an engineer, another branch's lead
        with pytest.raises(AccessDenied):
            counted_again_by_kind(store, person(store, code), "GZ", NOW)


def test_the_period_in_force_is_for_the_branchs_own_people_and_admins(october_closed):
    store, today = october_closed, NOW.date()
    for code in ("E1", "R1", "L1", "A1"):
        actor = person(store, code)
        # closed October keeps its month; November is read as its quarter; a quarter as a month
        assert period_in_force(store, actor, "GZ", Period(2026, 10), "quarter", today) == Period(
            2026, 10
        )
        assert period_in_force(store, actor, "GZ", Period(2026, 11), "quarter", today) == (
            Period.quarter(2026, 4)
        )
        assert period_in_force(store, actor, "GZ", Period.quarter(2026, 4), "month", today) == (
            Period(2026, 11)
        )
    for code in ("SE", "S1", "L2"):  # people of SZ
        with pytest.raises(AccessDenied):
            period_in_force(store, person(store, code), "GZ", Period(2026, 10), "quarter", today)
