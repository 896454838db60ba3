"""What a lead's screens read: the values a period needs, and which scheme a branch runs and why."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from decimal import Decimal

import pytest
from month_helpers import STAFF, load, person

from fieldkpi.access import AccessDenied
from fieldkpi.period import Period
from fieldkpi.scheme import load_preset, preset_text
from storage.schemes import branch_scheme, choose_preset, scheme_loader
from storage.scores import (
    ValueChanged,
    missing_scores,
    parse_value,
    record_score,
    score_history,
    score_sheet,
)

NOW = datetime(2026, 11, 3, 9, 0)
OCTOBER = Period(2026, 10)
Q4 = Period.quarter(2026, 4)


@pytest.fixture
def seeded(store):
    load(store, staff=STAFF)
    return store


def test_the_sheet_lists_each_ranked_person_and_value_in_the_schemes_order(seeded):
    scheme = load_preset("quarterly-bands")
    lead = person(seeded, "L1")
    first = record_score(
        seeded, lead, scheme, "R2", Q4, "payment_collection", "0.7", now=NOW, replacing=None
    )
    record_score(
        seeded, lead, scheme, "R2", Q4, "payment_collection", "0.75", now=NOW, replacing=first
    )

    lines = score_sheet(seeded, lead, "GZ", Q4, scheme)
    # R1 and R2 are GZ's reps in the quarter (X1 left in September); the KPIs' order
    assert [(s.person.code, s.metric) for s in lines] == [
        ("R1", "plan_completion"),
        ("R1", "complaint_handling"),
        ("R1", "payment_collection"),
        ("R2", "plan_completion"),
        ("R2", "complaint_handling"),
        ("R2", "payment_collection"),
    ]
    entered = {(s.person.code, s.metric): s.entry for s in lines if s.entry}
    assert [(k, str(e.value), e.by_name) for k, e in entered.items()] == [
        (("R2", "payment_collection"), "0.75", "周经理")
    ]
    missing = [(p.code, m) for p, m in missing_scores(seeded, scheme, Q4, "GZ")]
    assert missing == [(s.person.code, s.metric) for s in lines if s.entry is None]


def test_a_value_entered_meanwhile_is_not_overwritten_by_one_typed_against_the_one_before(
    seeded,
):
    scheme = load_preset("quarterly-bands")
    lead, admin = person(seeded, "L1"), person(seeded, "A1")

    def enter(who, value, replacing):
        return record_score(
            seeded, who, scheme, "R2", Q4, "plan_completion", value, now=NOW, replacing=replacing
        )

    seen = enter(lead, "0.8", None)
    theirs = enter(admin, "0.9", seen)  # the admin saves first
    with pytest.raises(ValueChanged) as refused:
        enter(lead, "0.85", seen)
    assert str(refused.value) == f"管理员 entered 0.9 at {theirs.at} while you were typing."
    with pytest.raises(ValueChanged):
        enter(lead, "0.85", None)  # "nothing entered yet" is out of date too
    history = score_history(seeded, lead, scheme, "R2", Q4, "plan_completion")
    assert [str(e.value) for e in history] == ["0.8", "0.9"]  # nothing saved by the refusals

    enter(lead, "0.85", refused.value.current)  # typed against what is there now
    history = score_history(seeded, lead, scheme, "R2", Q4, "plan_completion")
    assert [str(e.value) for e in history] == ["0.8", "0.9", "0.85"]


def test_who_entered_a_value_is_kept_from_its_person_where_the_scheme_hides_reporters(seeded):
    """周经理 (L1) entered 王芳 (R2)'s plan completion: under ``show_reporter = false`` her own
    read of its history gives the value and when, not who; her lead's names him."""
    scheme = load_preset("quarterly-bands")
    hidden = replace(scheme, show_reporter=False)
    lead, rep = person(seeded, "L1"), person(seeded, "R2")
    entered = record_score(
        seeded, lead, scheme, "R2", Q4, "plan_completion", "0.8", now=NOW, replacing=None
    )
    (own,) = score_history(seeded, rep, hidden, "R2", Q4, "plan_completion")
    assert (str(own.value), own.at, own.by, own.by_name) == ("0.8", entered.at, None, None)
    (theirs,) = score_history(seeded, lead, hidden, "R2", Q4, "plan_completion")
    assert (theirs.by, theirs.by_name) == ("L1", "周经理")
    (shown,) = score_history(seeded, rep, scheme, "R2", Q4, "plan_completion")
    assert (shown.by, shown.by_name) == ("L1", "周经理")


def test_only_the_lead_of_the_branch_or_an_admin_reads_the_sheet(seeded):
    scheme = load_preset("quarterly-bands")
    for code in ("R1", "E1", "L2"):
        with pytest.raises(AccessDenied):
            score_sheet(seeded, person(seeded, code), "GZ", Q4, scheme)
    assert len(score_sheet(seeded, person(seeded, "A1"), "GZ", Q4, scheme)) == 6


def test_a_scheme_that_enters_nothing_has_an_empty_sheet(seeded):
    assert score_sheet(seeded, person(seeded, "L1"), "GZ", OCTOBER, load_preset("skyworth")) == []


def test_which_scheme_a_branch_runs_and_whether_a_file_overrides_the_leads_choice(seeded, tmp_path):
    lead = person(seeded, "L1")

    def state_with(*files):
        """The branch's state with these files in the config folder (each file is read once)."""
        return branch_scheme(seeded, lead, "GZ", scheme_loader(seeded, lambda _branch: files))

    state = state_with()
    assert (state.chosen, state.scheme.name, state.history, state.overridden_by) == (
        "skyworth",
        "skyworth",
        [],
        None,
    )

    numbers = tmp_path / "scheme-GZ.toml"
    numbers.write_text("[money]\ntop = [500]\n", encoding="utf-8")
    choose_preset(seeded, lead, "GZ", "generic-bands", NOW)
    state = state_with(numbers)
    assert (state.chosen, state.scheme.preset, state.overridden_by) == (
        "generic-bands",
        "generic-bands",
        None,
    )
    assert (state.scheme.from_preset, state.scheme.files) == (True, (str(numbers),))
    assert [(c.preset, c.by_name) for c in state.history] == [("generic-bands", "周经理")]

    numbers.write_text('preset = "dealer-4s"\n', encoding="utf-8")
    state = state_with(numbers)
    assert (state.chosen, state.scheme.preset, state.overridden_by) == (
        "generic-bands",
        "dealer-4s",
        str(numbers),
    )

    whole = tmp_path / "whole.toml"
    # a copy of a preset under a name of its own: the whole scheme in one file
    whole.write_text(
        preset_text("generic-bands").replace('name = "generic-bands"', 'name = "gz-2027"'),
        encoding="utf-8",
    )
    state = state_with(whole)
    assert (state.scheme.from_preset, state.overridden_by) == (False, str(whole))

    with pytest.raises(AccessDenied):
        branch_scheme(seeded, person(seeded, "L2"), "GZ", scheme_loader(seeded, lambda _b: []))


@pytest.mark.parametrize(
    ("typed", "value"),
    [("93%", "0.93"), ("９３％", "0.93"), ("９３", "93"), ("1,000", "1000"), ("-0", "0")],
)
def test_a_value_is_read_as_people_write_numbers_a_chinese_input_method_too(typed, value):
    assert parse_value(typed) == Decimal(value) and str(parse_value(typed)) != "-0"


@pytest.mark.parametrize("typed", ["1e-400", "12.1234567", "abc", "1/2", "NaN"])
def test_a_value_no_one_writes_so_is_refused(typed):
    """``Decimal`` takes ``1e-400``: it was saved, and printed as 400 digits."""
    with pytest.raises(ValueError, match="Enter a number"):
        parse_value(typed)
