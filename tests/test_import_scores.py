"""Entered scores, adjustment kinds of the scheme, problem reports that stand (issues 10, 13).

The scheme engine will say which metrics and adjustment kinds each branch's
scheme has; the importer asks it through callables, stubbed here.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from import_helpers import NOW, NOW_TEXT, STAFF, rejected, rows, with_staff, write

from fieldkpi.scheme import load_preset
from storage.importer import import_files, import_rules

SCORES = "period,staff,metric,value,note\n"


@pytest.fixture
def staffed(store, tmp_path):
    with_staff(store, tmp_path)
    return store


def scores(folder, name: str, *lines: str):
    return write(folder, name, SCORES + "".join(line + "\n" for line in lines))


def test_scores_are_added_with_when_and_who(staffed, tmp_path):
    report = import_files(
        staffed,
        [
            scores(
                tmp_path,
                "s.csv",
                "2026-10,R1,plan_completion,0.92,月报",
                "2026-Q4,R2,hq_satisfaction,95,",
            )
        ],
        now=NOW,
    )
    assert report.counts == {"scores": {"added": 2, "updated": 0, "unchanged": 0}}
    assert rows(staffed, "SELECT period, staff, metric, value, note, at, by FROM scores") == [
        ("2026-10", "R1", "plan_completion", "0.92", "月报", NOW_TEXT, "import"),
        ("2026-Q4", "R2", "hq_satisfaction", "95", None, NOW_TEXT, "import"),
    ]


def test_a_share_is_read_as_the_leads_entry_screen_reads_it(staffed, tmp_path):
    """``93%`` (and a Chinese input method's ``９３％``) is 0.93 in a file as on the screen,
    where the file refused it as "not a number"."""
    path = scores(
        tmp_path, "s.csv", "2026-10,R1,plan_completion,93%,", "2026-10,R2,plan_completion,９３％,"
    )
    import_files(staffed, [path], now=NOW)
    assert rows(staffed, "SELECT staff, value FROM scores ORDER BY staff") == [
        ("R1", "0.93"),
        ("R2", "0.93"),
    ]


def test_a_score_imported_again_adds_a_newer_row_and_keeps_the_old(staffed, tmp_path):
    import_files(staffed, [scores(tmp_path, "s1.csv", "2026-10,R1,plan_completion,0.92,")], now=NOW)
    later = datetime(2026, 11, 6, 9, 0)
    import_files(
        staffed,
        [scores(tmp_path, "s2.csv", "2026-10,R1,plan_completion,0.95,corrected")],
        now=later,
    )
    assert rows(staffed, "SELECT value, at FROM scores ORDER BY id") == [
        ("0.92", NOW_TEXT),
        ("0.95", "2026-11-06 09:00:00"),
    ]


AGAIN = {
    "en": "this file was already imported on {at} (as {name}); imported again, its values "
    "would be entered anew and replace any entered since (the last entry is the one in force). "
    "Import it again with --again only if that is what you mean",
    "zh": "此文件已于 {at} 导入（文件名 {name}）；再次导入会把其中的数值重新录入为最新一条，"
    "取代此后录入的数值（以最后一条为准）。确需再次导入时请加 --again",
}


def test_the_same_scores_file_again_is_refused_as_replacing_newer_entries(staffed, tmp_path, lang):
    """A score is not added up: its last entry is in force (the F7 screen's history). A file
    imported again would not count twice; it would put its values back over any entered
    since, and that is what the refusal says."""
    path = scores(tmp_path, "s.csv", "2026-10,R1,plan_completion,0.92,")
    import_files(staffed, [path], now=NOW)
    assert rejected(staffed, [path]) == [f"{path}:1: " + AGAIN[lang].format(at=NOW_TEXT, name=path)]


def test_a_scores_file_given_twice_is_refused_without_offering_again(staffed, tmp_path):
    """--again would not help: the second copy gives every value a second time in one call."""
    first = scores(tmp_path, "s.csv", "2026-10,R1,plan_completion,0.92,")
    copy = scores(tmp_path, "copy.csv", "2026-10,R1,plan_completion,0.92,")
    assert rejected(staffed, [first, copy]) == [
        f"{copy}:1: this file is the same as {first}, given before it, and would enter each"
        " of its values a second time: give it once"
    ]


def test_a_value_for_someone_not_employed_in_the_period_is_refused(staffed, tmp_path):
    """The lead's entry screen offers those employed at some time in the period: someone who
    left during it is still appraised in it, someone who left before it or joins after it
    is not, and a value for them would count nowhere."""
    staff = write(
        tmp_path,
        "staff.csv",
        "code,name,role,branch,hired_on,left_on\n"
        "R3,赵敏,rep,GZ,,2026-09-30\n"  # left before October
        "R4,孙丽,rep,GZ,,2026-10-01\n"  # left on its first day: still appraised
        "R5,周杰,rep,GZ,2026-11-01,\n",  # joins after October
    )
    path = scores(
        tmp_path,
        "s.csv",
        "2026-10,R3,plan,1,",
        "2026-10,R4,plan,1,",
        "2026-10,R5,plan,1,",
        "2026-Q3,R3,plan,1,",
        "2026-Q4,R3,plan,1,",
    )
    assert rejected(staffed, [staff, path]) == [
        f"{path}:2: staff: R3 left on 2026-09-30, before 2026-10: they are not appraised in it",
        f"{path}:4: staff: R5 joins on 2026-11-01, after 2026-10: they are not appraised in it",
        f"{path}:6: staff: R3 left on 2026-09-30, before 2026-Q4: they are not appraised in it",
    ]
    import_files(staffed, [staff], now=NOW)
    ok = scores(tmp_path, "ok.csv", "2026-10,R4,plan,1,", "2026-Q3,R3,plan,1,")
    import_files(staffed, [ok], now=NOW)
    assert rows(staffed, "SELECT staff, period FROM scores ORDER BY id") == [
        ("R4", "2026-10"),
        ("R3", "2026-Q3"),
    ]


@pytest.mark.parametrize(
    ("cells", "stored"),
    [
        ("2026/10,R1,m,.5", ("2026-10", "0.5")),
        ("2026-q4,R1,m,-2.50", ("2026-Q4", "-2.50")),
        ("2026-10,R1,m,095", ("2026-10", "95")),
    ],
)
def test_periods_and_values_are_kept_in_one_form(staffed, tmp_path, cells, stored):
    import_files(staffed, [scores(tmp_path, "s.csv", cells + ",")], now=NOW)
    assert rows(staffed, "SELECT period, value FROM scores") == [stored]


def test_bad_scores(staffed, tmp_path):
    path = scores(
        tmp_path,
        "s.csv",
        "2026-Q5,R1,plan,1,",
        "2026-10,R1,collection,1e3,",
        "2026-10,R9,plan,1,",
        "2026-10,R1,plan,0.5,",
        "2026-10,R1,plan,0.6,",
        "2026-10,R1,计划,1,",
    )
    assert rejected(staffed, [path]) == [
        f"{path}:2: period: “2026-Q5” is not a month (YYYY-MM) or a quarter (YYYY-Qn)",
        f"{path}:3: value: “1e3” is not a number",
        f"{path}:4: staff: unknown staff code “R9”",
        f"{path}:6: metric: “2026-10 R1 plan” is already on line 5",
        f"{path}:7: metric: “计划” is not a metric: letters, digits, . _ -",
    ]


def test_a_metric_the_scheme_does_not_use_is_refused_with_the_metrics_it_has(staffed, tmp_path):
    """The refusal lists the values the person's scheme takes, so that a typo is fixed from
    the message; a period of the wrong kind is told on its own column."""
    asked = []

    def entered_metrics(branch, role):
        asked.append((branch, role))
        metrics = dict.fromkeys(("hq_satisfaction", "plan")) if role == "rep" else {}
        return "month", metrics

    path = scores(
        tmp_path,
        "s.csv",
        "2026-10,R1,typing_speed,88,",
        "2026-10,R2,plan,0.9,",
        "2026-10,E1,plan,0.9,",
        "2026-Q4,R2,plan,0.9,",
    )
    assert rejected(staffed, [path], entered_metrics=entered_metrics) == [
        f"{path}:2: metric: “typing_speed” is not a metric of the scheme R1 is appraised by in "
        "2026-10; its metrics are: hq_satisfaction, plan",
        f"{path}:4: metric: “plan” is not a metric of the scheme E1 is appraised by in 2026-10:"
        " it takes no value from outside for an engineer",
        f"{path}:5: period: “2026-Q4” is a quarter, but the scheme R2 is appraised by goes by"
        " the month",
    ]
    assert sorted(set(asked)) == [("GZ", "engineer"), ("GZ", "rep")]


def test_a_percentage_given_for_a_fraction_is_refused_as_on_the_entry_screen(staffed, tmp_path):
    """quarterly-bands takes payments collected as a fraction: 93 for 93 % would count as
    93 times what was due, the top band."""
    entered_metrics = import_rules(lambda _branch: load_preset("quarterly-bands"))[1]
    path = scores(
        tmp_path,
        "s.csv",
        "2026-Q4,R1,payment_collection,93,",
        "2026-Q4,R2,payment_collection,93%,",
        "2026-Q4,R2,plan_completion,1.1,",  # a plan may be outdone
    )
    assert rejected(staffed, [path], entered_metrics=entered_metrics) == [
        f"{path}:2: value: 93 is not a fraction from 0 to 1 (93% is 0.93)"
    ]
    write(tmp_path, "s.csv", SCORES + "2026-Q4,R1,payment_collection,0.93,\n")
    import_files(staffed, [path], now=NOW, entered_metrics=entered_metrics)
    assert rows(staffed, "SELECT staff, metric, value FROM scores") == [
        ("R1", "payment_collection", "0.93")
    ]


def test_deduction_kinds_are_the_schemes(staffed, tmp_path):
    """A scheme's adjustments: bonuses such as a praise call, and kinds with entered points."""

    def kinds(branch, role):
        return {"praise_call": False, "supervisor_bonus": True}

    good = write(
        tmp_path,
        "d.csv",
        "staff,at,kind,points\nR1,2026-10-04 09:00,praise_call,\nE1,2026-10-05 09:00,supervisor_bonus,10\n",
    )
    import_files(staffed, [good], now=NOW, adjustment_kinds=kinds)
    assert rows(
        staffed, "SELECT staff, kind, points, recorded_by, needs_review FROM deductions"
    ) == [
        ("R1", "praise_call", None, "import", 0),
        ("E1", "supervisor_bonus", 10.0, "import", 0),
    ]
    bad = write(
        tmp_path,
        "d2.csv",
        "staff,at,kind,points\nR1,2026-10-04 09:00,backfill,\nR1,2026-10-04 09:00,supervisor_bonus,\n",
    )
    assert rejected(staffed, [bad], adjustment_kinds=kinds) == [
        f"{bad}:2: kind: “backfill” is not one of: praise_call, supervisor_bonus",
        f"{bad}:3: points: required for supervisor_bonus",
    ]


def test_imported_problem_reports_stand(staffed, tmp_path):
    import_files(
        staffed,
        [write(tmp_path, "p.csv", "rep,engineer,at,points\nR1,E1,2026-10-02 09:00,2\n")],
        now=NOW,
    )
    assert rows(staffed, "SELECT rep, points, level, recorded_by, needs_review FROM problems") == [
        ("R1", 2.0, None, "import", 0)
    ]
    assert rows(staffed, "SELECT count(*) FROM appraisal_states") == [(0,)]


def test_fieldkpi_import_checks_each_branchs_own_scheme(tmp_path, monkeypatch, capsys):
    """GZ's scheme takes the rep satisfaction from head office; SZ keeps the default scheme."""
    from fieldkpi import cli

    config = tmp_path / "config"
    config.mkdir()
    (config / "scheme-GZ.toml").write_text(
        '[settings]\nrep_satisfaction = "entered"\n', encoding="utf-8"
    )
    monkeypatch.setenv("FIELDKPI_CONFIG", str(config))
    db = tmp_path / "branch.db"
    staff = write(tmp_path, "staff.csv", STAFF + "R9,周敏,rep,SZ,\n")
    assert cli.main(["import", "--db", str(db), str(staff)]) == 0
    capsys.readouterr()

    wrong = scores(
        tmp_path,
        "wrong.csv",
        "2026-10,R9,satisfaction,0.95,",  # SZ's default scheme counts callbacks
        "2026-Q4,R1,satisfaction,0.95,",  # GZ's scheme is monthly
        "2026-10,E1,satisfaction,0.95,",  # engineers' satisfaction is their callbacks
    )
    deduction = write(tmp_path, "d.csv", "staff,at,kind,points\nR1,2026-10-04 09:00,violation,3\n")
    assert cli.main(["import", "--lang", "en", "--db", str(db), str(wrong), str(deduction)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[:4] == [
        f"{wrong}:2: metric: “satisfaction” is not a metric of the scheme R9 is appraised by in"
        " 2026-10: it takes no value from outside for a rep",
        f"{wrong}:3: period: “2026-Q4” is a quarter, but the scheme R1 is appraised by goes by"
        " the month",
        f"{wrong}:4: metric: “satisfaction” is not a metric of the scheme E1 is appraised by in"
        " 2026-10: it takes no value from outside for an engineer",
        f"{deduction}:2: points: violation has the points the scheme sets for it: leave points"
        " empty",
    ]

    right = scores(tmp_path, "right.csv", "2026-10,R1,satisfaction,0.95,总部考评")
    assert cli.main(["import", "--db", str(db), str(right)]) == 0


def test_without_a_scheme_the_kinds_are_the_default_schemes(staffed, tmp_path):
    """No rules given: the default scheme's adjustments, for the roles it appraises."""
    path = write(
        tmp_path,
        "d.csv",
        "staff,at,kind,points\n"
        "R1,2026-10-04 09:00,praise_call,\n"  # a kind of another scheme
        "R1,2026-10-04 09:00,branch_rule,\n"  # takes the points entered with it
        "E1,2026-10-04 09:00,backfill,1\n"  # has the scheme's own points
        "L1,2026-10-04 09:00,violation,\n",  # leads are not appraised by it
    )
    bad = rejected(staffed, [path])
    assert bad[:3] == [
        f"{path}:2: kind: “praise_call” is not one of: backfill, violation, fake_completion,"
        " complaint_general, complaint_major, complaint_internal, complaint_media, branch_rule",
        f"{path}:3: points: required for branch_rule",
        f"{path}:4: points: backfill has the points the scheme sets for it: leave points empty",
    ]
    assert bad[3] == (
        f"{path}:5: kind: “violation”: the branch's scheme records no deductions or bonuses"
        " for this role"
    )
