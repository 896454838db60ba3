"""One's own figures on a branch whose scheme is not the default: its KPIs, each with its facts.

The month is ``test_end_to_end``'s (``test_tui_my_figures``), ranked by the
``generic-bands`` preset as FS is ranked; the clock at 2026-11-05 09:00. It scores
no timeliness, so nothing of the day buckets or of what to fix first counts there.
陈工 (E1)'s October, worked in ``test_tui_facts_schemes``: T1 6 h, T2 26 h, T5 78 h
→ 36.67 h, band ≤ 72 h, 15 points; within 72 h T1, T2 → 66.67%, no band; none
reopened → 100%, band ≥ 90%, 25 points; callbacks T7 ★1, T1 ★5, T2 ★3, T5 ★5 →
2 of 4, 50%, no band  ⇒  40.00, 2nd of 2. 刘洋 (E2)'s are T3 (224.5 h) and T10.
In November 陈工 has completed nothing; T9, open past 30 days, costs him nothing here.
"""

from __future__ import annotations

import re
import shutil

import pytest
from month_helpers import AFTER_OCTOBER, DEFAULT, OCTOBER, person
from rankings_helpers import GZ_NAMES, NOW, seed_month, ticket_lines
from test_tui_rankings import open_facts
from tui_helpers import SIZE, async_test, demo_app, press, screen_text, settle, text_of

from fieldkpi import paths
from fieldkpi.access import AccessDenied
from fieldkpi.figures import Person
from fieldkpi.period import Period, judge
from fieldkpi.sample import SAMPLE_NOW
from fieldkpi.scheme import default_scheme, load_preset, load_scheme
from screens.app import FieldKpiApp
from screens.drilldown import DrilldownScreen
from screens.my_figures import MyFiguresScreen, own_tabs
from screens.ticket_detail import TicketDetailScreen
from screens.ticket_lists import FactsPane, TicketList
from storage.closing import close_month
from storage.db import open_store
from storage.drilldown import kpi_facts
from storage.people import staff_by_login

GENERIC = load_preset("generic-bands")
GENERIC_TABS = ["callbacks", "speed", "resolution", "repeat", "trend"]


@pytest.fixture
def month(store):
    seed_month(store)
    return store


def engineer_app(store, scheme_for) -> FieldKpiApp:
    """陈工 (E1), an engineer: his own figures are his first screen."""
    return FieldKpiApp(
        store, staff_by_login(store, "chengong"), now=lambda: NOW, scheme_for=scheme_for
    )


def tabs_shown(app) -> list[tuple[str, str]]:
    """Each tab as the tab bar shows it, left to right: its id and its label."""
    content = app.screen.query_one("TabbedContent")
    return [(tab.id.removeprefix("--content-tab-"), tab.label_text) for tab in content.query("Tab")]


def everything_shown(app) -> str:
    """The screen, the standing and the whole of every tab (the parts out of view too)."""
    panes = [text_of(app, f"#{pane.id}") for pane in app.screen.query(FactsPane)]
    return "\n".join([screen_text(app), text_of(app, "#standing"), *panes])


@async_test
async def test_an_engineer_on_generic_bands_sees_its_kpis_each_with_his_facts(month):
    app = engineer_app(month, lambda _b: GENERIC)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, MyFiguresScreen)
        assert tabs_shown(app) == [
            ("callbacks", "Callbacks"),
            ("speed", "Problem handling speed"),
            ("resolution", "Resolution rate"),
            ("repeat", "Repeat problems"),  # its brackets are on the line above the tabs
            ("trend", "Trend"),
        ]
        shown = everything_shown(app)
        for timeliness in ("Timeliness", "timeliness", "Fix first", "bucket", "T9", "-150"):
            assert timeliness not in shown, timeliness
        assert "0 tickets completed, 0.00 hours in all" in text_of(app, "#speed-facts")

        await press(pilot, "left_square_bracket")
        assert text_of(app, "#standing").splitlines()[1:] == [
            "Rank 2 of 2 · total 40.00 · grade Needs improvement",  # graded; no money
            "Customer satisfaction 50.00% (2 of 4 rated ≥ 4): reaches no band → 0.00 points",
            "Problem handling speed 36.67 hours: band ≤ 72.00 hours → 15.00 points",
            "Resolution rate 66.67%: reaches no band → 0.00 points",
            "Repeat problems (first-time fix rate) 100.00%: band ≥ 90.00% → 25.00 points",
            "total = Satisfaction 0.00 + Problem handling speed 15.00 + Resolution rate 0.00"
            " + Repeat problems (first-time fix rate) 25.00 = 40.00",
        ]
        callbacks = text_of(app, "#callbacks-facts")
        assert "2 of 4 callbacks satisfied (rated 4 or more) → satisfaction 50.00%" in callbacks
        assert [line[1] for line in ticket_lines(callbacks)] == ["T7", "T1", "T2", "T5"]
        speed = text_of(app, "#speed-facts")
        assert "3 tickets completed, 110.00 hours in all → 36.67 hours on average" in speed
        assert ticket_lines(speed) == [
            ["T1", "2026-10-03 09:00", "2026-10-03 15:00", "6.00"],
            ["T2", "2026-10-05 09:00", "2026-10-06 11:00", "26.00"],
            ["T5", "2026-10-20 10:00", "2026-10-23 16:00", "78.00"],
        ]
        resolution = text_of(app, "#resolution-facts")
        assert "2 of 3 tickets completed within 72 hours of receipt → 66.67%" in resolution
        assert [line[-1] for line in ticket_lines(resolution)] == ["✓", "✓", "—"]
        repeat = text_of(app, "#repeat-facts")
        assert "3 of 3 completed tickets not reopened within 30 days → 100.00%" in repeat

        shown = everything_shown(app)  # nobody else, none of 刘洋's tickets or hours
        assert [name for name in GZ_NAMES if name != "陈工" and name in shown] == []
        for theirs in ("T3", "T10", "224.50", "232.25", "Timeliness", "Fix first"):
            assert theirs not in shown, theirs

        await press(pilot, "t")  # the next tab takes the keys: Enter opens its ticket
        assert app.screen.query_one("TabbedContent").active == "speed"
        assert isinstance(app.focused, TicketList) and app.focused.codes == ["T1", "T2", "T5"]
        await press(pilot, "down", "enter")
        assert isinstance(app.screen, TicketDetailScreen) and app.screen.code == "T2"


@async_test
async def test_each_month_has_the_tabs_of_the_scheme_it_is_judged_by(month):
    """October was closed under the default scheme, then the branch went over to
    generic-bands: October keeps its timeliness and fix first, November has neither."""
    close_month(month, person(month, "L1"), "GZ", OCTOBER, DEFAULT, AFTER_OCTOBER)
    app = engineer_app(month, lambda _b: GENERIC)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert [tab for tab, _label in tabs_shown(app)] == GENERIC_TABS
        await press(pilot, "left_square_bracket")
        assert tabs_shown(app) == [
            ("timeliness", "Timeliness"),
            ("fix-first", "Fix first"),
            ("callbacks", "Callbacks"),
            ("trend", "Trend"),
        ]
        assert [line[1] for line in ticket_lines(text_of(app, "#timeliness-facts"))] == [
            "T1",
            "T2",
            "T5",
            "T9",
        ]
        assert "Fix first is about the running month" in text_of(app, "#fix-first-facts")
        # the tab shown stays, where the month has it; its list takes the keys
        assert app.screen.query_one("TabbedContent").active == "callbacks"
        assert isinstance(app.focused, TicketList) and app.focused.codes[0] == "T7"

        await press(pilot, "t")
        assert app.screen.query_one("TabbedContent").active == "trend"
        await press(pilot, "right_square_bracket")
        assert [tab for tab, _label in tabs_shown(app)] == GENERIC_TABS
        assert app.screen.query_one("TabbedContent").active == "trend"
        assert "Timeliness" not in everything_shown(app)
        await press(pilot, "t")  # and from the last tab to the first
        assert app.screen.query_one("TabbedContent").active == "callbacks"


@async_test
async def test_a_fs_reps_tabs_are_all_whole_on_an_80_column_screen(demo, lang):
    """孙嘉豪 (FS rep), F3: under the scheme's full labels the bar ran off the screen at
    "Repeat problems (first-time", and the trend's tab was not on it at all."""
    app = demo_app(demo, "sunjiahao")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "f3")
        tabs = list(app.screen.query_one("TabbedContent").query("Tab"))
        assert [tab.id.removeprefix("--content-tab-") for tab in tabs] == GENERIC_TABS
        assert all(tab.region.right <= SIZE[0] for tab in tabs)
        bar = next(line for line in screen_text(app).splitlines() if tabs[0].label_text in line)
        assert [tab.label_text for tab in tabs if tab.label_text not in bar] == []


@async_test
async def test_a_chinese_fs_engineer_sees_only_his_own_facts_of_his_schemes_kpis(tmp_path, zh):
    """The sample's FS, on generic-bands: 杜强 (FS-E04) in his running month, as the demo opens.

    No 完单及时率, no 优先处理, nobody else's name; each tab the very facts his
    lead's drill-down shows of his row (one code path); another's facts refused.
    """
    copy = tmp_path / "sample.db"
    shutil.copyfile(paths.sample_db(), copy)
    store = open_store(copy)
    try:
        names = {row[0] for row in store.query("SELECT name FROM staff WHERE code != 'FS-E04'")}
        own: dict[str, str] = {}
        app = demo_app(store, "duqiang")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert isinstance(app.screen, MyFiguresScreen)
            assert tabs_shown(app) == [
                ("callbacks", "回访"),
                ("speed", "问题处理速度"),
                ("resolution", "问题解决率"),
                ("repeat", "问题重复率"),
                ("trend", "趋势"),
            ]
            shown = everything_shown(app)
            assert "杜强" in shown
            assert sorted(name for name in names if name in shown) == []
            for timeliness in ("完单及时率", "优先处理", "天档"):
                assert timeliness not in shown, timeliness
            own = {tab: text_of(app, f"#{tab}-facts") for tab in GENERIC_TABS[:-1]}
            assert re.search(r"^FS\d{9} ", own["speed"], re.M)  # he has completed tickets

        lead = demo_app(store, "liaona")
        async with lead.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await press(pilot, "t")
            await open_facts(pilot, "engineer-table", "FS-E04", "speed")
            await settle(pilot)
            for tab, text in own.items():  # the callbacks are the satisfaction KPI's
                theirs = "satisfaction" if tab == "callbacks" else tab
                assert text in text_of(lead, f"#{theirs}-facts"), tab

        duqiang = staff_by_login(store, "duqiang")
        spec = GENERIC.kpi("engineer", "speed")
        judged = judge(Period.of(SAMPLE_NOW), SAMPLE_NOW)
        with pytest.raises(AccessDenied):
            kpi_facts(store, duqiang, "FS-E01", judged, GENERIC, spec)
    finally:
        store.close()


SCHEME_OWN = """
[[kpi]]
id = "trend"
role = "engineer"
label = { zh = "打字速度", en = "Typing speed" }
measure = "entered.typing"
score = { method = "direct", max = 10 }
"""


def test_the_tabs_are_the_kpis_of_the_role_whose_facts_are_the_persons_own(tmp_path):
    default = default_scheme()
    looks_as_ever = {"timeliness": "timeliness", "fix-first": None, "callbacks": "satisfaction"}
    engineer, rep = (Person(role, role, "GZ", role) for role in ("engineer", "rep"))
    for who in (engineer, rep):  # a rep's feedback and saturation tell of colleagues
        tabs = own_tabs(default, who)
        assert {tab: kpi and kpi.id for tab, kpi in tabs.items()} == looks_as_ever | {"trend": None}
    assert list(own_tabs(GENERIC, rep)) == GENERIC_TABS
    path = tmp_path / "scheme-GZ.toml"
    path.write_text(SCHEME_OWN, encoding="utf-8")
    tabs = own_tabs(load_scheme(path, preset="generic-bands"), engineer)
    assert list(tabs) == [*GENERIC_TABS[:-1], "kpi-4", "trend"]  # the KPI "trend" by its place
    assert tabs["kpi-4"].id == "trend" and tabs["trend"] is None


TYPING = """
[[kpi]]
id = "typing"
role = "engineer"
label = { zh = "打字速度", en = "Typing speed" }
measure = "entered.typing"
score = { method = "direct", max = 10 }
"""
HIDES_REPORTER = "\n[review]\nshow_reporter = false\n"


@pytest.mark.parametrize("shows", [False, True])
@async_test
async def test_who_entered_a_value_is_kept_from_its_person_where_the_scheme_hides_reporters(
    month, tmp_path, shows
):
    """周经理 (L1) entered 陈工's typing speed for November: under ``show_reporter = false``
    his own figures give the value and when, not who; his lead's drill-down names her."""
    path = tmp_path / "scheme-GZ.toml"
    path.write_text(TYPING + ("" if shows else HIDES_REPORTER), encoding="utf-8")
    scheme = load_scheme(path, preset="generic-bands")
    assert scheme.show_reporter is shows
    with month.write() as db:
        db.execute(
            "INSERT INTO scores (period, staff, metric, value, note, at, by)"
            " VALUES ('2026-11', 'E1', 'typing', '8.5', '复测', '2026-11-01 10:00', 'L1')"
        )
    app = engineer_app(month, lambda _b: scheme)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert ("typing", "Typing speed") in tabs_shown(app)
        typing = text_of(app, "#typing-facts")
        assert "复测" in typing  # the entry is there, with its note
        if shows:
            assert "Entered: 8.5, by 周经理 at 2026-11-01 10:00" in typing
        else:
            assert "Entered: 8.5 at 2026-11-01 10:00" in typing
            assert "周经理" not in everything_shown(app) and "L1" not in typing

    lead = FieldKpiApp(
        month, staff_by_login(month, "zhoujl"), now=lambda: NOW, scheme_for=lambda _b: scheme
    )
    async with lead.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "t")
        await open_facts(pilot, "engineer-table", "E1", "typing_points")
        await settle(pilot)
        assert "Entered: 8.5, by 周经理 at 2026-11-01 10:00" in text_of(lead, "#typing-facts")


@async_test
async def test_a_kpi_with_the_id_trend_is_a_column_of_the_rankings_like_any_other(month, tmp_path):
    """The rankings have a column of their own keyed "trend" (the sparkline): a scheme's KPI
    "trend" was drawn as one (a crash, its "8.50" not being months) and Enter on it opened
    the chart. Its column now reads as a KPI's, and Enter opens its facts."""
    path = tmp_path / "scheme-GZ.toml"
    path.write_text(SCHEME_OWN, encoding="utf-8")
    scheme = load_scheme(path, preset="generic-bands")
    with month.write() as db:
        db.execute(
            "INSERT INTO scores (period, staff, metric, value, note, at, by)"
            " VALUES ('2026-11', 'E1', 'typing', '8.5', '复测', '2026-11-01 10:00', 'L1')"
        )
    lead = FieldKpiApp(
        month, staff_by_login(month, "zhoujl"), now=lambda: NOW, scheme_for=lambda _b: scheme
    )
    async with lead.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "t")
        table = lead.screen.query_one("#engineer-table")
        keys = [(c.key, c.kpi) for c in table.columns_shown]
        assert ("trend", None) in keys and ("trend", "trend") in keys  # the sparkline, the KPI
        row = [r.staff_code for r in table.ranked].index("E1")
        table.move_cursor(row=row, column=keys.index(("trend", "trend")))
        await press(pilot, "enter")
        await settle(pilot)
        assert isinstance(lead.screen, DrilldownScreen)
        assert "复测" in screen_text(lead)


@async_test
async def test_an_engineers_timeliness_tickets_fit_80_columns(tmp_path, lang):
    """The sample's 邓艳 in October: her ticket list (a bucket "past 7 days: day 10", codes of
    11, two times) wanted a few cells more than 80 columns: the last column was cut at the
    right ("2026-11-05 17:0") and scrolling to it cut the first. Now it fits, a line
    too wide for it wrapping instead, and every cell is on screen whole."""
    copy = tmp_path / "sample.db"
    shutil.copyfile(paths.sample_db(), copy)
    store = open_store(copy)
    try:
        app = demo_app(store, "dengyan")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await press(pilot, "left_square_bracket")
            await settle(pilot)
            assert app.screen.query_one("TabbedContent").active == "timeliness"
            (tickets,) = app.screen.query_one("#timeliness-facts", FactsPane).lists
            assert tickets.virtual_size.width <= tickets.size.width
            shown = "\n".join(line.rstrip() for line in screen_text(app).splitlines())
            completed = tickets.spec.headings[-1]
            assert re.search(rf"{completed}$", shown, re.M)  # the last heading, whole
    finally:
        store.close()
