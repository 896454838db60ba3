"""The problem report (``e``) and the deduction form (``k``) at 80×24, as a rep and a lead use
them: a reason is required, the people offered are those the kind may be about, the notice
says whether the event waits for the lead (a rep's: ``test_tui_ticket_flow``), and the
ticket's history names the scheme's kinds.

Seeded desk (tui_helpers): reps 王芳 (R1, signed in) and 陈静 (R2), engineers 李强 (E1) and
赵磊 (E2) (孙涛, E3, left), the lead 刘洋 (L1) and an admin (A1), all of GZ.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from textual.widgets import Select
from ticket_helpers import NOW
from tui_helpers import (
    SIZE,
    app_for,
    async_test,
    notices,
    press,
    screen_text,
    seed_desk,
    select_ticket,
    settle,
    table_rows,
    text_of,
    type_text,
)

from fieldkpi.scheme import default_scheme, load_scheme
from screens.app import FieldKpiApp
from screens.queue import QueueScreen
from screens.ticket_detail import TicketDetailScreen
from storage import appraisal
from storage.people import staff_by_login

# Two kinds a rep records beside the default scheme's: one about reps only, and a bonus.
EXTRA_KINDS = """
[[adjustment]]
kind = "late_report"
label = { zh = "迟交日报", en = "Late report" }
points = -1
roles = ["rep"]
recorded_by = ["rep", "lead"]

[[adjustment]]
kind = "praise"
label = { zh = "客户表扬", en = "Customer praise" }
points = 1
recorded_by = ["rep", "lead"]
"""


@pytest.fixture
def desk(store):
    return seed_desk(store)


def offered(app, name: str) -> list:
    """The values a form's list offers (not its empty prompt)."""
    select = app.screen.query_one(f"#field-{name}", Select)
    return [value for _label, value in select._options if value is not Select.NULL]


def count(store, table: str) -> int:
    return store.scalar(f"SELECT count(*) FROM {table}")


@async_test
async def test_a_problem_report_or_a_deduction_with_no_reason_is_not_saved(store, desk):
    app = app_for(store, "wangfang")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select_ticket(pilot, desk.dispatched)
        await press(pilot, "e")
        form = app.screen
        await press(pilot, "ctrl+s")  # the level is the table's first; nothing said
        assert app.screen is form
        said = "Say what the engineer did wrong: it is kept with the report."
        assert text_of(app, "#error-note") == said
        await press(pilot, "escape")
        assert isinstance(app.screen, QueueScreen)

        await press(pilot, "k")
        form = app.screen
        await press(pilot, "enter", "down", "enter")  # the first kind
        await press(pilot, "tab", "enter", "down", "enter")  # the first person
        await press(pilot, "ctrl+s")
        assert app.screen is form
        assert text_of(app, "#error-note") == "Say what happened: it is kept with the event."
    assert count(store, "problems") == count(store, "deductions") == 0


@async_test
async def test_a_leads_deduction_counts_at_once_and_the_notice_says_so(store, desk):
    app = app_for(store, "liuyang")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "f2")  # the queue
        await press(pilot, "k")
        assert text_of(app, "#form-title").startswith("Deduction (ticket")  # none adds points
        kinds = offered(app, "kind")
        await press(pilot, "enter", *["down"] * (kinds.index("complaint_general") + 1), "enter")
        await press(pilot, "tab", "enter", "down", "down", "down", "enter")  # 王芳, 陈静, 李强
        await press(pilot, "tab", "tab")
        await type_text(pilot, "客户投诉")
        await press(pilot, "ctrl+s")
        assert (
            notices(app)[-1]
            == "General complaint (head office) for 李强 recorded; it counts at once."
        )
    assert [tuple(r) for r in store.query("SELECT staff, needs_review FROM deductions")] == [
        ("E1", 0)
    ]


@async_test
async def test_the_deduction_form_offers_whom_the_kind_applies_to_by_role_then_code(
    store, desk, tmp_path
):
    """Never the lead or the admin (no kind of the scheme is about them) nor oneself; reps
    before engineers, each by staff code; a kind about reps only offers only reps, and a
    person chosen before whom it is not about is taken off, with the reason by the field."""
    path = tmp_path / "gz.toml"
    path.write_text(EXTRA_KINDS, encoding="utf-8")
    scheme = load_scheme(path)
    app = FieldKpiApp(
        store, staff_by_login(store, "wangfang"), now=lambda: NOW, scheme_for=lambda _b: scheme
    )
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select_ticket(pilot, desk.dispatched)
        await press(pilot, "k")
        # the rep may record a bonus here: the title says both
        assert text_of(app, "#form-title") == f"Deduction or bonus (ticket {desk.dispatched})"
        await press(pilot, "ctrl+s")  # nothing chosen: each choice is asked for by its field
        assert text_of(app, "#error-kind") == "Choose the kind."
        assert text_of(app, "#error-staff") == "Choose the person."
        assert app.focused.id == "field-kind"
        assert offered(app, "staff") == ["R2", "E1", "E2"]
        assert "陈静 · rep" in [
            str(label) for label, _v in app.screen.query_one("#field-staff", Select)._options
        ]
        await press(pilot, "tab", "enter", "down", "down", "enter")  # 李强 first
        assert app.screen.values()["staff"] == "E1"
        await press(
            pilot,
            "shift+tab",
            "enter",
            *["down"] * (offered(app, "kind").index("late_report") + 1),
            "enter",
        )
        assert app.screen.values()["kind"] == "late_report"
        assert offered(app, "staff") == ["R2"]
        assert app.screen.values()["staff"] == ""
        assert text_of(app, "#error-staff") == "Late report does not apply to 李强 in this scheme."
        await press(pilot, "tab", "enter", "down", "enter")
        assert app.screen.values()["staff"] == "R2"
        assert text_of(app, "#error-staff") == ""  # the person chosen again: the line goes


@async_test
async def test_the_deduction_form_offers_one_who_left_this_month_for_what_they_did(store, desk):
    """赵磊 (E2) left two days ago: he is still ranked this month, so a deduction for his work
    this month is his; 孙涛 (E3), who left last month, is not offered."""
    with store.write() as db:
        left = (NOW.date() - timedelta(days=2)).isoformat()
        db.execute("UPDATE staff SET left_on = ? WHERE code = 'E2'", [left])
    app = app_for(store, "wangfang")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select_ticket(pilot, desk.dispatched)
        await press(pilot, "k")
        assert "E2" in offered(app, "staff") and "E3" not in offered(app, "staff")


@async_test
async def test_a_reps_deduction_form_is_titled_by_what_a_rep_may_record(store, desk):
    app = app_for(store, "wangfang")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select_ticket(pilot, desk.dispatched)
        await press(pilot, "k")
        assert text_of(app, "#form-title") == f"Deduction (ticket {desk.dispatched})"
        assert "bonus" not in screen_text(app)


@async_test
async def test_the_history_names_the_kinds_and_levels_as_the_forms_lists_do(store, desk, zh):
    crew = desk.crew
    scheme = default_scheme()
    appraisal.report_problem(store, crew.rep, desk.dispatched, scheme, note="未带配件", now=NOW)
    appraisal.record_deduction(
        store, crew.rep, "E1", "complaint_internal", None, "顾客投诉", scheme, desk.dispatched, NOW
    )
    app = app_for(store, "wangfang")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select_ticket(pilot, desk.dispatched)
        await press(pilot, "enter")
        assert isinstance(app.screen, TicketDetailScreen)
        rows = [row[2:] for row in table_rows(app, "#history")]
    assert ["反馈工程师问题", "等级", "—", "工程师问题"] in rows
    assert ["扣分", "类别", "—", "内部受理个人投诉"] in rows
    assert not {"standard", "complaint_internal", "level"} & {c for row in rows for c in row}
