"""Appraisal schemes: the default's numbers, branch overrides, presets, and refusals with key and line.

kpi-rules.md "Scheme settings": every number of the rules is a setting with the
spec's value as its default, and a branch can override any of them — in the
first version's sections or in schemes.md's form. schemes.md "Promises": a
scheme with an unknown key, measure or method, a KPI of a role the scheme does
not appraise, or bands out of order is refused with the key and the reason.
"""

from __future__ import annotations

import tomllib
from decimal import Decimal
from fractions import Fraction as F

import pytest
import tomli_w

from fieldkpi import export
from fieldkpi.ranking import rewards
from fieldkpi.scheme import (
    RANKING_COLUMNS,
    SchemeError,
    default_scheme,
    load_preset,
    load_scheme,
    preset_names,
    scheme_from_dict,
)

DEFAULT = default_scheme()


def scheme_file(tmp_path, text: str, name: str = "gz.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def score(scheme, role: str, kpi_id: str) -> dict:
    return dict(scheme.kpi(role, kpi_id).score)


def test_defaults_are_the_spec_numbers():
    s = DEFAULT.settings
    # §1: 20/17/14/11/8/5/2 for days 1–7, −15 late, −150 open over 30 days, calendar days
    assert s["bucket_points"] == (20, 17, 14, 11, 8, 5, 2)
    assert (s["late_points"], s["open_points"], s["open_days"]) == (-15, -150, 30)
    assert (s["day_basis"], s["satisfied_min_rating"], s["rep_satisfaction"]) == (
        "calendar",
        4,
        "callbacks",
    )
    # reps: feedback 20, workload 40 (首月计20分), satisfaction 20, timeliness × 1
    assert [(k.id, k.measure, k.method) for k in DEFAULT.kpis_of("rep")] == [
        ("feedback", "feedback_rate", "rank"),
        ("workload", "saturation", "rank"),
        ("satisfaction", "satisfaction_rate", "rank"),
        ("timeliness", "timeliness", "weighted_days"),
    ]
    assert [score(DEFAULT, "rep", k)["max"] for k in ("feedback", "workload", "satisfaction")] == [
        20,
        40,
        20,
    ]
    assert DEFAULT.kpi("rep", "workload").first_month == 20
    assert score(DEFAULT, "rep", "timeliness")["scale"] == 1
    # engineers: satisfaction 50, timeliness × 2.5
    assert score(DEFAULT, "engineer", "satisfaction")["max"] == 50
    assert score(DEFAULT, "engineer", "timeliness")["scale"] == F(5, 2)
    # §5 the deduction table, for both roles
    fixed = {k: a.points for k, a in DEFAULT.adjustments.items() if a.points is not None}
    assert fixed == {
        "backfill": F(-1, 2),
        "violation": -1,
        "fake_completion": -1,
        "complaint_general": -5,
        "complaint_major": -10,
        "complaint_internal": -2,
    }
    assert DEFAULT.adjustments["complaint_media"].forfeit
    assert DEFAULT.adjustments["branch_rule"].entered == "deduction"
    assert {a.roles for a in DEFAULT.adjustments.values()} == {("rep", "engineer")}
    # §2 a report is 1 point; §6 +200, +100 from the top, −100 last, −50 second last
    assert [(p.level, p.points) for p in DEFAULT.problems] == [("standard", 1)]
    assert (DEFAULT.money.top, DEFAULT.money.bottom, DEFAULT.money.roles) == (
        (200, 100),
        (-100, -50),
        ("rep", "engineer"),
    )
    assert (DEFAULT.name, DEFAULT.period, DEFAULT.roles) == (
        "skyworth",
        "month",
        ("rep", "engineer"),
    )


def test_values_are_exact_fractions():
    assert all(type(v) is F for v in DEFAULT.settings["bucket_points"])
    assert type(DEFAULT.adjustments["backfill"].points) is F


def test_no_override_file_is_the_default():
    assert load_scheme() == DEFAULT
    assert load_scheme(None) == DEFAULT


# The first version's sections still work --------------------------------------------


def test_override_changes_only_its_keys(tmp_path):
    path = scheme_file(tmp_path, "[timeliness]\nopen_days = 45\n")
    scheme = load_scheme(path)
    assert scheme.open_days == 45
    assert scheme.source == ("preset skyworth", str(path))
    assert scheme.kpis == DEFAULT.kpis and scheme.money == DEFAULT.money


def test_override_of_a_list_replaces_it(tmp_path):
    path = scheme_file(tmp_path, "[rewards]\ntop = [300, 150, 50]\n")
    scheme = load_scheme(path)
    assert (scheme.money.top, scheme.money.bottom) == ((300, 150, 50), (-100, -50))
    # totals 70, 60, 50, 40, 30, 20, 10: n = 7 pays three ranks at each end, but the
    # bottom list has two: 300, 150, 50, 0, 0, −50, −100
    totals = {c: F(t) for c, t in zip("ABCDEFG", (70, 60, 50, 40, 30, 20, 10), strict=True)}
    assert list(rewards(totals, scheme.money).values()) == [300, 150, 50, 0, 0, -50, -100]


def test_later_files_win(tmp_path):
    company = scheme_file(tmp_path, "[pools]\nrep_workload = 30\nrep_feedback = 30\n", "co.toml")
    branch = scheme_file(tmp_path, "[pools]\nrep_workload = 35\n", "gz.toml")
    scheme = load_scheme(company, None, branch)
    # rep_workload from the branch file, rep_feedback from the company file
    assert (score(scheme, "rep", "workload")["max"], score(scheme, "rep", "feedback")["max"]) == (
        35,
        30,
    )
    assert scheme.source == ("preset skyworth", str(company), str(branch))


def test_decimals_are_read_exactly(tmp_path):
    path = scheme_file(
        tmp_path, "[deductions]\nbackfill = 0.1\n[timeliness]\nengineer_scale = 2.25\n"
    )
    scheme = load_scheme(path)
    # 0.1 is 1/10, not the binary float 0.1000000000000000055…
    assert scheme.adjustments["backfill"].points == F(-1, 10)
    assert score(scheme, "engineer", "timeliness")["scale"] == F(9, 4)


def test_first_version_settings_of_v2(tmp_path):
    path = scheme_file(
        tmp_path,
        '[timeliness]\nday_basis = "24h"\n[deductions]\nroles = ["rep"]\n'
        '[rewards]\nroles = ["engineer"]\n[satisfaction]\nrep_satisfaction = "entered"\n',
    )
    scheme = load_scheme(path)
    assert scheme.settings["day_basis"] == "24h"
    assert {a.roles for a in scheme.adjustments.values()} == {("rep",)}
    assert scheme.money.roles == ("engineer",)
    assert scheme.kpi("rep", "satisfaction").measure == "entered.satisfaction"
    assert scheme.kpi("engineer", "satisfaction").measure == "satisfaction_rate"


def test_missing_file_is_a_scheme_error(tmp_path):
    path = tmp_path / "nope.toml"
    with pytest.raises(SchemeError, match=r"nope\.toml: no such scheme file"):
        load_scheme(path)


def test_a_file_saved_by_notepad_with_a_bom_and_crlf_is_read(tmp_path):
    path = tmp_path / "gz.toml"
    path.write_bytes("\ufeff[timeliness]\r\nopen_days = 45\r\n".encode())
    assert load_scheme(path).open_days == 45


def test_invalid_toml_is_a_scheme_error(tmp_path):
    path = scheme_file(tmp_path, "[timeliness\nopen_days = 45\n")
    with pytest.raises(SchemeError, match=r"gz\.toml: not a valid TOML file"):
        load_scheme(path)


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("[timeliness]\nopen_day = 45\n", r"gz\.toml:2: unknown setting timeliness\.open_day"),
        ("[timelines]\nopen_days = 45\n", r"gz\.toml:1: unknown key timelines"),
        ("open_days = 45\n", r"gz\.toml:1: unknown key open_days"),  # key outside its section
        ("[pools]\nengineer_timeliness = 40\n", "unknown setting pools.engineer_timeliness"),
        # media complaints forfeit the month and branch rules carry their own points
        (
            "[deductions]\ncomplaint_media = 50\n",
            r"gz\.toml:2: deductions\.complaint_media takes no",
        ),
        ("[deductions]\nbranch_rule = 3\n", "branch_rule takes no points: it carries the points"),
        ("[deductions]\nbackfil = 1\n", "unknown setting deductions.backfil"),
        # a quoted key with "[" in it is a key, not a table's index (it crashed the lookup)
        ('"money[top]" = 1\n', r"gz\.toml:1: unknown key money\[top\]"),
        # a key with terminal escapes in it is named with them written out, never sent
        ('"\\u001b]0;PWNED\\u0007evil" = 1\n', r"unknown key \\x1b\]0;PWNED\\x07evil"),
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
        ("[timeliness]\nopen_days = 0\n", "settings.open_days must be a whole number"),
        ("[timeliness]\nopen_days = 30.5\n", "settings.open_days must be a whole number"),
        ("[timeliness]\nbucket_points = [20, 17, 14, 11, 8, 5]\n", "needs 7 numbers"),
        (
            "[satisfaction]\nsatisfied_min_rating = 6\n",
            "satisfied_min_rating must be a whole number 1 … 5",
        ),
        ('[timeliness]\nday_basis = "hours"\n', "day_basis must be one of calendar, 24h"),
        ("[pools]\nrep_feedback = true\n", r"kpi\[0\]\.score\.max must be a number, not True"),
        ("[rewards]\ntop = [200, true]\n", r"money\.top\[1\] must be a number, not True"),
        ('[timeliness]\nlate_points = "lots"\n', "settings.late_points must be a number"),
        ("[timeliness]\nlate_points = inf\n", "must be a finite number"),
        ("[timeliness]\nlate_points = nan\n", "must be a finite number"),
        ("[satisfaction]\nsatisfied_min_rating = 4.0\n", "must be a whole number"),
        ("[satisfaction]\nsatisfied_min_rating = true\n", "must be a whole number"),
        ("[timeliness]\nopen_days = true\n", "must be a whole number"),
    ],
)
def test_bad_values_are_scheme_errors(tmp_path, text, message):
    path = scheme_file(tmp_path, text)
    with pytest.raises(SchemeError, match=message):
        load_scheme(path)


# schemes.md's form -------------------------------------------------------------------


def test_a_kpi_is_changed_by_id_and_role(tmp_path):
    path = scheme_file(
        tmp_path,
        '[[kpi]]\nid = "satisfaction"\nrole = "engineer"\nscore = { max = 60 }\n'
        '[[adjustment]]\nkind = "praise_call"\nlabel = { zh = "表扬电话", en = "Praise call" }\n'
        "points = 5\n",
    )
    scheme = load_scheme(path)
    assert score(scheme, "engineer", "satisfaction") == {"max": 60, "better": "higher"}
    assert score(scheme, "rep", "satisfaction")["max"] == 20  # the rep's is another KPI
    assert scheme.adjustments["praise_call"].points == 5
    assert str(scheme.adjustments["praise_call"].label) == "Praise call"


def test_a_new_method_starts_from_its_own_settings(tmp_path):
    path = scheme_file(
        tmp_path,
        '[[kpi]]\nid = "satisfaction"\nrole = "engineer"\n'
        'score = { method = "bands", bands = [[0.9, 50], [0.8, 30]], below = 0 }\n',
    )
    assert score(load_scheme(path), "engineer", "satisfaction") == {
        "better": "higher",
        "bands": ((F(9, 10), 50), (F(4, 5), 30)),
        "below": 0,
    }


def test_a_kpi_can_be_dropped(tmp_path):
    path = scheme_file(tmp_path, '[[kpi]]\nid = "feedback"\nrole = "rep"\ndrop = true\n')
    assert [k.id for k in load_scheme(path).kpis_of("rep")] == [
        "workload",
        "satisfaction",
        "timeliness",
    ]


def test_a_preset_key_starts_from_that_preset(tmp_path):
    path = scheme_file(tmp_path, 'preset = "generic-bands"\n[money]\ntop = [500]\n')
    scheme = load_scheme(path)
    assert (scheme.name, scheme.preset, scheme.money.top) == (
        "generic-bands",
        "generic-bands",
        (500,),
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[[kpi]]\nid = "x"\nrole = "rep"\nmeasure = "happiness"\nscore = { method = "rank", max = 5 }\n',
            r"gz\.toml:4: kpi\[0\]\.measure 'happiness' is no measure",
        ),
        (
            '[[kpi]]\nid = "x"\nrole = "rep"\nmeasure = "completed"\nscore = { method = "guess" }\n',
            r"kpi\[0\]\.score needs a method, one of rank, weighted_days, bands",
        ),
        (
            '[[kpi]]\nid = "x"\nrole = "lead"\nmeasure = "completed"\n'
            'score = { method = "rank", max = 5 }\n',
            r"kpi\[0\]\.role 'lead' is not a role the scheme appraises",
        ),
        (
            '[[kpi]]\nid = "x"\nrole = "rep"\nmeasure = "completed"\n'
            'score = { method = "bands", bands = [[10, 5], [20, 8]] }\n',
            r"kpi\[0\]\.score\.bands thresholds must be in order, best first",
        ),
        (
            '[[kpi]]\nid = "x"\nrole = "rep"\nmeasure = "completed"\n'
            'score = { method = "bands", bands = [[20, 5], [20, 8]] }\n',
            "each once",
        ),
        (
            '[[kpi]]\nid = "x"\nrole = "rep"\nmeasure = "completed"\n'
            'score = { method = "rank", max = 5, scale = 2 }\n',
            r"kpi\[0\]\.score\.scale is no setting of the method rank",
        ),
        (
            '[[kpi]]\nid = "x"\nrole = "rep"\nmeasure = "completed"\nscore = { method = "rank" }\n',
            r"kpi\[0\]\.score\.max is required by the method rank",
        ),
        (
            '[[kpi]]\nid = "x"\nrole = "rep"\nmeasure = "resolved_within"\nhour = 24\n'
            'score = { method = "rank", max = 5 }\n',
            r"gz\.toml:5: unknown key kpi\[0\]\.hour",
        ),
        (
            "[[grade]]\nmin = 60\n[[grade]]\nmin = 90\n",
            "grades must go from the highest min down",
        ),
        ('[scheme]\nperiod = "week"\n', "scheme.period must be one of month, quarter"),
        ('preset = "nope"\n', r"preset 'nope' is none of"),
        (  # a KPI "total" beside the total: two "total" columns in a CSV, one value in a TOML row
            '[[kpi]]\nid = "total"\nrole = "rep"\nmeasure = "completed"\n'
            'score = { method = "rank", max = 5 }\n',
            r"kpi\[0\]\.column export column 'total' is one every ranking has",
        ),
        (
            '[[kpi]]\nid = "x"\ncolumn = "no_orders"\nrole = "rep"\nmeasure = "completed"\n'
            'score = { method = "rank", max = 5 }\n',
            r"export column 'no_orders' is one every ranking has",
        ),
        (  # the engineers' value under a column the reps' workload counts days in
            '[[kpi]]\nid = "days_done"\ncolumn = "days"\nrole = "engineer"\n'
            'measure = "completed"\nscore = { method = "rank", max = 5 }\n',
            r"export column 'days' is used by 'workload' too",
        ),
        (  # one KPI of both roles, under two names: each role's value went under the reps'
            '[[kpi]]\nid = "workload"\ncolumn = "load"\nrole = "engineer"\n'
            'measure = "cycle_hours"\nscore = { method = "rank", max = 5 }\n',
            r"'workload' is exported as 'saturation' for its other role, not 'load'",
        ),
        (
            '[[kpi]]\nid = "workload"\nrole = "engineer"\nmeasure = "cycle_hours"\n'
            'score = { method = "rank", max = 5 }\n',
            r"export column 'workload' holds another figure of 'workload' too",
        ),
        (  # a value the branch's systems count is no fraction anyone types
            '[[kpi]]\nid = "x"\nrole = "rep"\nmeasure = "completed"\nfraction = [0, 1]\n'
            'score = { method = "rank", max = 5 }\n',
            r"gz\.toml:5: kpi\[0\]\.fraction only a value entered from outside \(entered\.NAME\)",
        ),
        (
            '[[kpi]]\nid = "x"\nrole = "rep"\nmeasure = "entered.x"\nfraction = [1, 0]\n'
            'score = { method = "rank", max = 5 }\n',
            r"kpi\[0\]\.fraction needs the lowest and the highest value taken, lowest first",
        ),
        (
            '[[kpi]]\nid = "x"\nrole = "rep"\nmeasure = "entered.x"\nfraction = 1\n'
            'score = { method = "rank", max = 5 }\n',
            r"kpi\[0\]\.fraction needs the lowest and the highest value taken, lowest first",
        ),
        (  # no role left to appraise: the adjustment's roles were checked against none (crashed)
            '[scheme]\nroles = ["x"]\n[[adjustment]]\nkind = "backfill"\nroles = ["rep"]\n',
            r"gz\.toml:2: scheme\.roles must be one of rep, engineer, not 'x'",
        ),
    ],
)
def test_schemes_that_mean_nothing_are_refused_with_key_and_reason(tmp_path, text, message):
    path = scheme_file(tmp_path, text)
    with pytest.raises(SchemeError, match=message):
        load_scheme(path)


def test_the_presets_say_which_entered_values_are_fractions_and_refuse_a_percentage(zh):
    """93 typed for 93 % of payments collected is refused, in the person's language, with the
    range; a plan may be outdone; head office's satisfaction is ranked, in any unit."""
    bands = load_preset("quarterly-bands")
    collected = bands.entered_range("rep", "payment_collection")
    assert collected.takes(Decimal("0.93")) and collected.takes(Decimal(1))
    assert not collected.takes(Decimal(93))
    assert collected.refusal(Decimal(93)) == "请输入 0 到 1 之间的小数（93% 即 0.93）。"
    assert collected.refusal(Decimal(-5)) == "请输入 0 到 1 之间的小数（93% 即 0.93）。"
    plan = bands.entered_range("rep", "plan_completion")
    assert plan.takes(Decimal("1.1")) and not plan.takes(Decimal(110))
    assert plan.refusal(Decimal(110)) == "请输入 0 到 3 之间的小数（110% 即 1.1）。"
    entered = scheme_from_dict({"settings": {"rep_satisfaction": "entered"}})
    assert entered.entered_range("rep", "satisfaction") is None


def test_the_columns_kpis_may_not_take_are_every_column_an_export_has_besides_theirs():
    fixed = {column.name for column in (*export.HEAD, *export.TOTALS, *export.EXTRA)}
    assert fixed <= RANKING_COLUMNS
    assert {"no_orders", "no_visits", "no_entry"} <= RANKING_COLUMNS


def test_a_file_naming_a_preset_is_laid_over_it_though_it_names_itself_and_kpis(tmp_path):
    """A branch's copy that renames the scheme and changes one KPI is a layer over the preset
    it names, not a whole scheme with one KPI: "unknown key preset" pointed the wrong way."""
    path = scheme_file(
        tmp_path,
        'preset = "quarterly-bands"\n[scheme]\nname = "gz-q"\n'
        '[[kpi]]\nid = "satisfaction"\nrole = "rep"\n'
        'score = { method = "bands", bands = [[0.9, 30], [0.7, 20]], below = 0 }\n',
    )
    scheme = load_scheme(path)
    base = load_preset("quarterly-bands")
    assert (scheme.name, scheme.preset, scheme.period) == ("gz-q", "quarterly-bands", "quarter")
    assert [(k.id, k.role) for k in scheme.kpis] == [(k.id, k.role) for k in base.kpis]
    changed = next(k for k in scheme.kpis if (k.id, k.role) == ("satisfaction", "rep"))
    assert changed.score["bands"] == ((F("0.9"), F(30)), (F("0.7"), F(20)))


def test_every_problem_is_listed_at_once(tmp_path):
    path = scheme_file(tmp_path, '[timeliness]\nopen_days = 0\nlate_points = "x"\n')
    with pytest.raises(SchemeError) as caught:
        load_scheme(path)
    assert len(caught.value.problems) == 2


@pytest.mark.parametrize(
    ("text", "said"),
    [
        (
            '[settings]\nopen_days = 0\nopen_dayz = 30\n[[kpi]]\nid = "x"\nrole = "rep"\n'
            'measure = "nope"\n',
            [
                "gz.toml:3: unknown key settings.open_dayz",
                "gz.toml:2: settings.open_days must be a whole number 1 … 3660, not 0",
                "gz.toml:7: kpi[0].measure 'nope' is no measure",
            ],
        ),
        (  # a section that is no table cannot be read; the others still are
            "review = 5\n[money]\ntop = [true]\n",
            [
                "gz.toml:1: [review] must be a table",
                "gz.toml:3: money.top[0] must be a number, not True",
            ],
        ),
        (
            "kpi = 5\n[money]\ntop = [true]\n",
            [
                "gz.toml:1: [[kpi]] must be a list of tables",
                "gz.toml:3: money.top[0] must be a number, not True",
            ],
        ),
    ],
    ids=["unknown-key", "not-a-table", "not-a-list"],
)
def test_unknown_keys_and_bad_values_are_listed_together(tmp_path, text, said):
    """A misspelt key hid every bad value until it was fixed."""
    path = scheme_file(tmp_path, text)
    with pytest.raises(SchemeError) as caught:
        load_scheme(path)
    assert [p.removeprefix(f"{path.parent}/") for p in caught.value.problems] == said


def test_a_first_version_file_lists_an_unknown_setting_and_a_bad_value_together(tmp_path):
    path = scheme_file(tmp_path, "[timeliness]\nopen_days = 0\nopen_day = 45\n")
    with pytest.raises(SchemeError) as caught:
        load_scheme(path)
    unknown, bad = caught.value.problems
    assert unknown == f"{path}:3: unknown setting timeliness.open_day"
    assert bad.endswith("settings.open_days must be a whole number 1 … 3660, not 0")


def test_every_preset_reads(tmp_path):
    assert "skyworth" in preset_names()
    for name in preset_names():
        path = scheme_file(tmp_path, f'preset = "{name}"\n', f"{name}.toml")
        assert load_scheme(path).name == name


# to_toml_dict: a closed month freezes its scheme ------------------------------------


def test_default_round_trips_through_a_dict():
    thawed = scheme_from_dict(tomllib.loads(tomli_w.dumps(DEFAULT.to_toml_dict())))
    assert (thawed.kpis, thawed.adjustments, thawed.money, thawed.settings) == (
        DEFAULT.kpis,
        DEFAULT.adjustments,
        DEFAULT.money,
        DEFAULT.settings,
    )


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
    assert thawed == custom
    assert thawed.settings["bucket_points"][5:] == (F(5, 2), F(1, 2))
    assert thawed.adjustments["backfill"].points == F(-1, 10)
    assert thawed.source == ("2026-10 frozen",)
    assert custom.source == ("preset skyworth", str(path))


def test_a_first_version_frozen_scheme_still_reads():
    first_version = {
        "timeliness": {
            "bucket_points": [20, 17, 14, 11, 8, 5, 2],
            "late_points": -15,
            "open_points": -150,
            "open_days": 30,
            "engineer_scale": 2.5,
        },
        "pools": {
            "rep_feedback": 20,
            "rep_workload": 40,
            "rep_satisfaction": 20,
            "engineer_satisfaction": 50,
            "first_month_workload": 20,
        },
        "satisfaction": {"satisfied_min_rating": 4},
        "problems": {"default_points": 1},
        "deductions": {"backfill": 0.5, "violation": 1, "complaint_major": 10},
        "rewards": {"top": [300, 100], "bottom": [-100, -50]},
    }
    thawed = scheme_from_dict(first_version)
    assert thawed.kpis == DEFAULT.kpis
    assert (thawed.money.top, thawed.adjustments["backfill"].points) == ((300, 100), F(-1, 2))


def test_a_copied_preset_stands_alone(tmp_path):
    from fieldkpi.scheme import preset_text

    path = scheme_file(tmp_path, preset_text("generic-bands"), "scheme.toml")
    scheme = load_scheme(path)
    # the whole file is the scheme: nothing of skyworth under it
    assert (scheme.name, scheme.preset) == ("generic-bands", "generic-bands")
    assert "feedback" not in {k.id for k in scheme.kpis} and not scheme.money.top


def test_the_lowest_grade_may_have_no_minimum(tmp_path):
    path = scheme_file(
        tmp_path,
        '[[grade]]\nmin = 60\nlabel = "ok"\n[[grade]]\nlabel = "below"\n',
    )
    scheme = load_scheme(path)
    assert [str(scheme.grade_of(F(t)).label) for t in (75, 60, F(-999))] == ["ok", "ok", "below"]


def test_settings_default_to_the_spec_numbers(tmp_path):
    path = scheme_file(tmp_path, "[settings]\nopen_days = 45\n")
    assert load_scheme(path).settings == {**DEFAULT.settings, "open_days": 45}


def test_an_events_code_is_named_by_the_scheme_or_shown_as_it_is(tmp_path):
    """A report's level and an adjustment's kind, as every screen names them: a report with no
    level is the table's first, a code the scheme no longer has is shown as it was stored."""
    path = scheme_file(
        tmp_path,
        '[[problem]]\nlevel = "serious"\nlabel = { zh = "严重问题", en = "Serious" }\npoints = 3\n',
    )
    scheme = load_scheme(path)
    assert [scheme.event_label("level", c) for c in ("serious", None, "gone")] == [
        "Serious",
        "Engineer problem",
        "gone",
    ]
    assert [scheme.event_label("kind", c) for c in ("complaint_general", "gone")] == [
        "General complaint (head office)",
        "gone",
    ]
