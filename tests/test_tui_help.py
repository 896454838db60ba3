"""F1 help and the footer as each role sees them at 80×24: only keys the person can use,
descriptions whole in either language, and the lead's way to what waits for approval."""

from __future__ import annotations

import io
import re
from datetime import datetime
from itertools import pairwise

from rich.cells import cell_len
from rich.console import Console
from rich.markdown import Markdown
from tui_helpers import (
    SIZE,
    app_for,
    async_test,
    press,
    screen_text,
    seed_desk,
    select_ticket,
    settle,
)

from fieldkpi.i18n import _
from fieldkpi.period import Period
from fieldkpi.scheme import default_scheme
from screens.footer import KeyFooter
from screens.help import HelpScreen, help_sections
from screens.rankings import TREND_ARROWS, RankingsScreen
from storage.closing import close_month

CLOSE_HELP = (
    "Close the month (or quarter): its ranking is frozen for payment"
    " (the branch's lead, or an admin)"
)


def keys_listed(app) -> set[str]:
    """The keys of the help's key table (its rows' first cells)."""
    return set(re.findall(r"^\| `([^`]+)` \|", app.screen.text, re.MULTILINE))


def footer_actions(app) -> set[str]:
    """The actions the footer has keys for on the screen shown (before cutting them to the
    terminal's width: an admin's may be more than 80 columns hold)."""
    return {action for _key, action, *_rest in KeyFooter.keys_shown(app.screen)}


def drawn(app) -> str:
    """The help as drawn in its box, every line of it (also those scrolled out of view)."""
    help_text = app.screen.query_one("#help")
    console = Console(width=help_text.size.width, file=io.StringIO(), record=True)
    console.print(help_text.content)
    return console.export_text()


@async_test
async def test_a_leads_help_lists_no_key_of_their_own_figures_and_their_events_no_appeal(store):
    seed_desk(store)
    lead = app_for(store, "liuyang")
    async with lead.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(lead.screen, RankingsScreen)
        await press(pilot, "f1")
        assert isinstance(lead.screen, HelpScreen)
        keys = keys_listed(lead)
        assert {"f2", "f5", "f6", "f7", "x"} <= keys and "f3" not in keys
        assert "f4" not in keys  # the rankings it is over
        assert "CSV, TOML or an Excel workbook (XLSX)" in lead.screen.text
        await press(pilot, "escape", "f6", "f1")
        text = lead.screen.text
        assert "Uphold a contested event" in text and "Withdraw a contested event" in text
        assert "Contest" not in text and "f3" not in keys_listed(lead)


@async_test
async def test_a_reps_help_lists_only_the_screens_a_rep_may_open_and_no_lead_decision(store):
    seed_desk(store)
    rep = app_for(store, "wangfang")
    async with rep.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "f1")
        keys = keys_listed(rep)
        assert {"f3", "f6"} <= keys and not {"f4", "f5", "f7"} & keys
        await press(pilot, "escape", "f6", "f1")
        text = rep.screen.text
        assert "Contest an event recorded against you" in text
        assert not {"Approve", "Uphold", "Reject", "Withdraw"} & set(re.findall(r"\w+", text))
        assert not {"a", "r"} & keys_listed(rep)
        assert "Show the events you recorded these three months" in text  # v: their own records
        await press(pilot, "escape", "f3", "f1")  # her figures: her tabs, nobody else's
        text = rep.screen.text
        assert "| `t` | **Tab**: The next tab: the next kind of facts |" in text
        assert "reps or engineers" not in text and "Reload the list" not in text


@async_test
async def test_help_descriptions_wrap_whole_in_chinese_as_in_english(store, lang):
    seed_desk(store)
    lead = app_for(store, "liuyang")
    async with lead.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "f1")
        shown = drawn(lead)
        table = shown[shown.index(_("Keys")) :]
        assert "…" not in table
        assert re.sub(r"\s", "", _(CLOSE_HELP)) in re.sub(r"\s", "", table)


@async_test
async def test_a_leads_rankings_footer_shows_the_events_and_scheme_keys_at_80_columns(store, lang):
    seed_desk(store)
    lead = app_for(store, "liuyang")
    async with lead.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(lead.screen, RankingsScreen)
        footer = screen_text(lead).splitlines()[-1]
        assert f"f6 {_('Events')}" in footer
        assert footer.startswith(f"F1 {_('Help')}")
        assert f"c {_('Close period')}" in footer and f"s {_('Scheme')}" in footer


@async_test
async def test_an_admins_rankings_footer_keeps_the_scheme_key_at_80_columns(store, lang):
    """An admin has a key a lead has not, ``b`` for another branch: placed before ``s``, it
    took the room ``s Scheme`` had at 80 columns, in the running month as in a closed one
    (``o`` to reopen, in place of ``c``)."""
    seed_desk(store)
    lead = app_for(store, "liuyang")
    september = Period.parse("2026-09")
    close_month(store, lead.user, "GZ", september, default_scheme(), datetime(2026, 10, 1, 9, 0))
    admin = app_for(store, "admin")
    async with admin.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "f4")
        assert isinstance(admin.screen, RankingsScreen)
        running = screen_text(admin).splitlines()[-1]
        await press(pilot, "left_square_bracket")  # September, closed
        closed = screen_text(admin).splitlines()[-1]
    assert f"c {_('Close period')}" in running and f"o {_('Reopen month')}" in closed
    for footer in (running, closed):
        assert footer.startswith(f"F1 {_('Help')} f6 {_('Events')}")
        assert f"s {_('Scheme')}" in footer


# The keys only an admin ever uses, by the screen that has them (and the action each runs):
# reopening a closed month, another branch, and changing staff.
ADMINS_ONLY = {
    "f4": {"o": "reopen_month", "b": "choose_branch"},
    "f5": {"n": "new_person", "l": "set_login", "x": "set_left_on", "b": "choose_branch"},
    "f7": {"b": "choose_branch"},
}


async def admin_keys_offered(app, pilot) -> dict[str, tuple[set[str], set[str]]]:
    """On each screen with admin-only keys, those of them in its footer and in its F1 help."""
    offered = {}
    for screen_key, keys in ADMINS_ONLY.items():
        await press(pilot, screen_key)
        if screen_key == "f4":
            await press(pilot, "left_square_bracket")  # September: closed, so o could apply
        with_row = app.screen.query("DataTable").first()
        with_row.focus()  # a person selected: l and x could apply
        await settle(pilot)
        in_footer = {key for key, action in keys.items() if action in footer_actions(app)}
        await press(pilot, "f1")
        in_help = set(keys) & keys_listed(app)
        await press(pilot, "escape")
        offered[screen_key] = (in_footer, in_help)
    return offered


@async_test
async def test_keys_only_an_admin_uses_are_in_an_admins_footer_and_help_and_not_a_leads(store):
    seed_desk(store)
    lead = app_for(store, "liuyang")
    admin = app_for(store, "admin")
    september = Period.parse("2026-09")
    close_month(store, lead.user, "GZ", september, default_scheme(), datetime(2026, 10, 1, 9, 0))
    async with lead.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert await admin_keys_offered(lead, pilot) == {
            screen: (set(), set()) for screen in ADMINS_ONLY
        }
    async with admin.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert await admin_keys_offered(admin, pilot) == {
            screen: (set(keys), set(keys)) for screen, keys in ADMINS_ONLY.items()
        }


# The ticket keys only some roles ever use: the steps an engineer never takes (dispatch,
# callback, cancel, reopen), a problem report, a deduction, a new ticket, moving all of an
# engineer's tickets; and "only mine", a rep's.
NOT_AN_ENGINEERS = {"d", "b", "x", "r", "e", "k", "n", "t", "m"}


@async_test
async def test_ticket_help_lists_only_the_keys_the_persons_role_ever_uses(store):
    desk = seed_desk(store)
    listed = {}
    for login in ("liqiang", "wangfang", "liuyang"):  # an engineer, a rep, the lead
        app = app_for(store, login)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await press(pilot, "f2")
            await select_ticket(pilot, desk.dispatched)
            await press(pilot, "f1")
            in_queue = keys_listed(app)
            await press(pilot, "escape", "enter", "f1")  # the open ticket's help
            listed[login] = (in_queue, keys_listed(app))
    engineer, rep, lead = listed["liqiang"], listed["wangfang"], listed["liuyang"]
    assert {"v", "p", "c"} <= engineer[0] and not NOT_AN_ENGINEERS & engineer[0]
    assert {"v", "p", "c"} <= engineer[1] and not NOT_AN_ENGINEERS & engineer[1]
    assert rep[0] >= NOT_AN_ENGINEERS and NOT_AN_ENGINEERS - {"n", "t", "m"} <= rep[1]
    assert NOT_AN_ENGINEERS - {"m"} <= lead[0] and "m" not in lead[0]  # "only mine": a rep's


CLOSING = "，。、；：？！）」』】》”’…"  # punctuation a Chinese line never starts with


@async_test
async def test_help_prose_wraps_at_the_width_in_chinese_and_as_before_in_english(store, lang):
    """My figures' help at 80 columns. In Chinese a line broke after "每项 KPI" with half a
    line free, as if the text after the space were one word, and "：" began a line; a
    Chinese line now breaks where it is full (between any two characters, never before a
    closing mark). English keeps Rich's own wrapping at its spaces."""
    seed_desk(store)
    rep = app_for(store, "wangfang")
    async with rep.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "f3", "f1")
        assert isinstance(rep.screen, HelpScreen)
        shown = drawn(rep)
        width = rep.screen.query_one("#help").size.width
        prose = shown[: shown.index(_("Keys"))].splitlines()
        assert not [line for line in prose if line.strip() and line.strip()[0] in CLOSING]
        if lang == "zh":
            continued = [
                line.rstrip()
                for line, after in pairwise(prose)
                if after.strip() and not after.lstrip().startswith("•") and line.strip()
            ]
            assert continued and all(cell_len(line) >= width - 4 for line in continued)
        else:
            console = Console(width=width, file=io.StringIO(), record=True)
            console.print(Markdown(rep.screen.text))
            assert prose == console.export_text().splitlines()[: len(prose)]


@async_test
async def test_each_key_in_the_queues_footer_is_found_in_its_help_by_the_footers_name(store, lang):
    """The footer's `t 整体转派` was nowhere in F1 help (its line said 批量改派): each key's
    line now starts with the name the footer gives it."""
    desk = seed_desk(store)
    rep = app_for(store, "wangfang")
    async with rep.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await select_ticket(pilot, desk.dispatched)
        labels = {label for _k, action, label, *_r in KeyFooter.keys_shown(rep.screen)}
        assert _("Move all") in labels
        await press(pilot, "f1")
        for label in labels:
            assert f"**{label}**" in rep.screen.text


def test_the_rankings_help_says_what_every_trend_arrow_means(lang):
    """The sparkline ends in ↗, ↘ or → (steady); help listed only the first two."""
    section = help_sections(lang)["rankings"]
    (told,) = re.findall(r"[(（][^)）]*↗[^)）]*[)）]", section)
    assert all(arrow in told for arrow in TREND_ARROWS.values()), told
