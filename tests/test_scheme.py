"""The appraisal scheme: the spec's defaults, branch overrides from TOML, and refusals.

kpi-rules.md "Scheme settings": every number of the rules is a setting with the
spec's value as its default, and a branch can override any of them.
"""

from __future__ import annotations

import dataclasses
import tomllib
from fractions import Fraction as F
from importlib import resources

import pytest
import tomli_w

from fieldkpi.ranking import rewards
from fieldkpi.scheme import (
    SchemeError,
    default_scheme,
    load_scheme,
    scheme_from_dict,
)

DEFAULT = default_scheme()


def scheme_file(tmp_path, text: str, name: str = "gz.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_are_the_spec_numbers():
    s = DEFAULT
    # §1: 20/17/14/11/8/5/2 for days 1–7, −15 late, −150 open over 30 days
    assert s.bucket_points == (20, 17, 14, 11, 8, 5, 2)
    assert (s.late_points, s.open_points, s.open_days) == (-15, -150, 30)
    # §5: engineers take timeliness × 2.5
    assert s.engineer_timeliness_scale == F(5, 2)
    # pools: feedback 20, workload 40, rep satisfaction 20, engineer satisfaction 50
    assert (
        s.rep_feedback_max,
        s.rep_workload_max,
        s.rep_satisfaction_max,
        s.engineer_satisfaction_max,
    ) == (20, 40, 20, 50)
    # §3: 首月计20分; §4: satisfied at 4 or more; §2: a report is 1 point by default
    assert (s.first_month_workload, s.satisfied_min_rating, s.problem_default_points) == (20, 4, 1)
    # §5 deduction table (branch_rule is entered, complaint_media zeroes: neither is a number)
    assert s.deduction_points == {
        "backfill": F(1, 2),
        "violation": 1,
        "fake_completion": 1,
        "complaint_general": 5,
        "complaint_major": 10,
        "complaint_internal": 2,
    }
    # §6: +200, +100 from the top; −100 last, −50 second last
    assert (s.top_rewards, s.bottom_penalties) == ((200, 100), (-100, -50))
    assert s.source == ("built-in default",)


def test_values_are_exact_fractions():
    assert all(type(v) is F for v in DEFAULT.bucket_points)
    assert type(DEFAULT.deduction_points["backfill"]) is F


def test_no_override_file_is_the_default():
    assert load_scheme() == DEFAULT
    assert load_scheme(None) == DEFAULT


def test_override_changes_only_its_keys(tmp_path):
    path = scheme_file(tmp_path, "[timeliness]\nopen_days = 45\n")
    scheme = load_scheme(path)
    assert scheme.open_days == 45
    assert scheme.source == ("built-in default", str(path))
    # everything else is still the default
    assert dataclasses.replace(scheme, open_days=30, source=DEFAULT.source) == DEFAULT


def test_override_of_a_list_replaces_it(tmp_path):
    path = scheme_file(tmp_path, "[rewards]\ntop = [300, 150, 50]\n")
    scheme = load_scheme(path)
    assert scheme.top_rewards == (300, 150, 50)
    assert scheme.bottom_penalties == (-100, -50)
    # totals 50, 40, 30, 20, 10: 300, 150, 50 (now rank 3 is paid), −50, −100
    totals = {"A": F(50), "B": F(40), "C": F(30), "D": F(20), "E": F(10)}
    assert rewards(totals, scheme) == {"A": 300, "B": 150, "C": 50, "D": -50, "E": -100}


def test_later_files_win(tmp_path):
    company = scheme_file(tmp_path, "[pools]\nrep_workload = 30\nrep_feedback = 30\n", "co.toml")
    branch = scheme_file(tmp_path, "[pools]\nrep_workload = 35\n", "gz.toml")
    scheme = load_scheme(company, None, branch)
    # rep_workload from the branch file, rep_feedback from the company file
    assert (scheme.rep_workload_max, scheme.rep_feedback_max) == (35, 30)
    assert scheme.source == ("built-in default", str(company), str(branch))


def test_decimals_are_read_exactly(tmp_path):
    path = scheme_file(
        tmp_path, "[deductions]\nbackfill = 0.1\n[timeliness]\nengineer_scale = 2.25\n"
    )
    scheme = load_scheme(path)
    # 0.1 is 1/10, not the binary float 0.1000000000000000055…
    assert scheme.deduction_points["backfill"] == F(1, 10)
    assert scheme.engineer_timeliness_scale == F(9, 4)


def test_missing_file_is_a_scheme_error(tmp_path):
    path = tmp_path / "nope.toml"
    with pytest.raises(SchemeError, match=r"nope\.toml: no such scheme file"):
        load_scheme(path)


def test_invalid_toml_is_a_scheme_error(tmp_path):
    path = scheme_file(tmp_path, "[timeliness\nopen_days = 45\n")
    with pytest.raises(SchemeError, match=r"gz\.toml: not a valid TOML file"):
        load_scheme(path)


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("[timeliness]\nopen_day = 45\n", "unknown setting timeliness.open_day"),
        ("[timelines]\nopen_days = 45\n", r"unknown section \[timelines\]"),
        ("open_days = 45\n", r"unknown section \[open_days\]"),  # key outside its section
        ("[pools]\nengineer_timeliness = 40\n", "unknown setting pools.engineer_timeliness"),
        # media complaints zero the total and branch rules carry their own points
        ("[deductions]\ncomplaint_media = 50\n", "unknown setting deductions.complaint_media"),
        ("[deductions]\nbranch_rule = 3\n", "unknown setting deductions.branch_rule"),
    ],
)
def test_misspelt_keys_are_refused_by_name(tmp_path, text, named):
    path = scheme_file(tmp_path, text)
    with pytest.raises(SchemeError, match=named) as caught:
        load_scheme(path)
    assert str(path) in str(caught.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[timeliness]\nopen_days = 0\n", "timeliness.open_days must be a whole number"),
        ("[timeliness]\nopen_days = 30.5\n", "timeliness.open_days must be a whole number"),
        ("[timeliness]\nbucket_points = [20, 17, 14, 11, 8, 5]\n", "needs 7 numbers"),
        (
            "[satisfaction]\nsatisfied_min_rating = 6\n",
            "satisfied_min_rating must be a whole number 1 … 5",
        ),
        (
            "[satisfaction]\nsatisfied_min_rating = 0\n",
            "satisfied_min_rating must be a whole number 1 … 5",
        ),
        ("[pools]\nrep_feedback = true\n", "pools.rep_feedback must be a number, not True"),
        ("[pools]\nrep_feedback = [20]\n", "pools.rep_feedback must be a number"),
        ("[rewards]\ntop = [200, true]\n", "rewards.top must be a number, not True"),
    ],
)
def test_bad_values_are_scheme_errors(tmp_path, text, message):
    path = scheme_file(tmp_path, text)
    with pytest.raises(SchemeError, match=message) as caught:
        load_scheme(path)
    assert str(path) in str(caught.value)


# Values of the wrong type are refused when the file is loaded, not when a month is ranked.
@pytest.mark.parametrize(
    "text",
    [
        '[timeliness]\nlate_points = "lots"\n',  # decimal.InvalidOperation
        '[rewards]\ntop = [200, "x"]\n',  # decimal.InvalidOperation
        "[timeliness]\nlate_points = inf\n",  # OverflowError
        "[timeliness]\nlate_points = nan\n",  # ValueError
        "[satisfaction]\nsatisfied_min_rating = 4.0\n",  # accepted; TypeError when used
        "[satisfaction]\nsatisfied_min_rating = true\n",  # accepted as 1
        "[timeliness]\nopen_days = true\n",  # accepted as 1
    ],
)
def test_more_bad_values_are_scheme_errors(tmp_path, text):
    with pytest.raises(SchemeError):
        load_scheme(scheme_file(tmp_path, text))


# A value of the wrong type names the file and the key.
@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("[pools]\nrep_feedback = [20]\n", "pools.rep_feedback"),
        ("[timeliness]\nbucket_points = 5\n", "timeliness.bucket_points"),
    ],
)
def test_wrong_type_message_names_the_key(tmp_path, text, key):
    with pytest.raises(SchemeError, match=key):
        load_scheme(scheme_file(tmp_path, text))


# to_toml_dict: a closed month freezes its scheme ------------------------------------


def _without_source(scheme):
    return dataclasses.replace(scheme, source=())


def test_to_toml_dict_holds_every_setting_of_the_default_file():
    frozen = DEFAULT.to_toml_dict()
    text = resources.files("fieldkpi").joinpath("default_scheme.toml").read_text("utf-8")
    default_file = tomllib.loads(text)
    # same sections and keys: a frozen month never falls back on later defaults
    assert {s: set(v) for s, v in frozen.items()} == {s: set(v) for s, v in default_file.items()}


def test_default_round_trips_through_a_dict():
    assert _without_source(scheme_from_dict(DEFAULT.to_toml_dict())) == _without_source(DEFAULT)


def test_custom_scheme_round_trips_through_toml_text(tmp_path):
    path = scheme_file(
        tmp_path,
        "[timeliness]\nbucket_points = [25, 20, 15, 10, 5, 2.5, 0.5]\nopen_days = 45\n"
        "engineer_scale = 2.25\n"
        "[deductions]\nbackfill = 0.1\ncomplaint_major = 12.5\n"
        "[rewards]\ntop = [300, 150, 50]\nbottom = [-80]\n"
        "[satisfaction]\nsatisfied_min_rating = 5\n",
    )
    custom = load_scheme(path)
    text = tomli_w.dumps(custom.to_toml_dict())
    thawed = scheme_from_dict(tomllib.loads(text), name="2026-10 frozen")
    assert _without_source(thawed) == _without_source(custom)
    assert thawed.bucket_points[5:] == (F(5, 2), F(1, 2))
    assert thawed.deduction_points["backfill"] == F(1, 10)
    assert thawed.source == ("built-in default", "2026-10 frozen")
