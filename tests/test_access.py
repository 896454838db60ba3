"""Who may see and do what to tickets, deductions included: the rules of fieldkpi.access."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pytest

from fieldkpi.access import (
    AccessDenied,
    TicketScope,
    can_see_ticket,
    can_work_ticket,
    check_adjustment,
    check_may_record_deductions,
    check_step,
    needs_review,
    not_about,
    ticket_scope,
)
from fieldkpi.figures import Person
from fieldkpi.scheme import default_scheme

REP = Person("R1", "王芳", "GZ", "rep")
LEAD = Person("L1", "刘洋", "GZ", "lead")
ADMIN = Person("A1", "管理员", "GZ", "admin")
ENG = Person("E1", "李强", "GZ", "engineer")
ENG2 = Person("E2", "赵磊", "GZ", "engineer")
OTHER_REP = Person("R9", "周敏", "SZ", "rep")
OTHER_LEAD = Person("L9", "郑华", "SZ", "lead")


@dataclass(frozen=True)
class T:
    code: str
    branch: str
    engineer: str | None
    rep: str | None = "R2"  # taken in by another rep than the R1 below


MINE = T("GZ-1", "GZ", "E1")
THEIRS = T("GZ-2", "GZ", "E2")
UNSENT = T("GZ-3", "GZ", None)
SZ = T("SZ-1", "SZ", "E9")


def test_scopes():
    assert ticket_scope(REP) == TicketScope("GZ")
    assert ticket_scope(ENG) == TicketScope("GZ", "E1")
    assert ticket_scope(ADMIN) == TicketScope("GZ")


@pytest.mark.parametrize(
    ("user", "ticket", "sees"),
    [
        (REP, MINE, True),
        (REP, UNSENT, True),
        (REP, SZ, False),
        (LEAD, SZ, False),
        (ADMIN, SZ, True),
        (ENG, MINE, True),
        (ENG, THEIRS, False),
        (ENG, UNSENT, False),
        (OTHER_REP, MINE, False),
    ],
)
def test_who_sees_a_ticket(user, ticket, sees):
    assert can_see_ticket(user, ticket) is sees


def test_engineers_work_no_branch_queue():
    assert can_work_ticket(REP, "GZ")
    assert not can_work_ticket(REP, "SZ")
    assert not can_work_ticket(ENG, "GZ")
    assert can_work_ticket(ADMIN, "SZ")


@pytest.mark.parametrize("step", ["visit", "await_parts", "complete"])
def test_an_engineer_records_the_work_on_his_own_tickets(step):
    check_step(ENG, step, MINE)
    with pytest.raises(AccessDenied, match="GZ-2 is not assigned to you"):
        check_step(ENG, step, THEIRS)


@pytest.mark.parametrize("step", ["create", "dispatch", "cancel", "reopen", "report_problem"])
def test_an_engineer_does_not_dispatch_or_administer(step):
    with pytest.raises(AccessDenied, match=r"Your role \(engineer\) may not do this"):
        check_step(ENG, step, MINE)


def test_nobody_records_the_callback_of_a_ticket_they_served_or_took_in():
    with pytest.raises(AccessDenied, match="a ticket you served yourself"):
        check_step(ENG, "callback", MINE)
    with pytest.raises(AccessDenied, match="not assigned to you"):
        check_step(ENG2, "callback", MINE)
    check_step(REP, "callback", MINE)
    with pytest.raises(AccessDenied) as refused:
        check_step(REP, "callback", replace(MINE, rep="R1"))
    assert str(refused.value) == (
        "You cannot record the callback of a ticket you took in yourself:"
        " another rep or the lead records it."
    )
    check_step(REP, "dispatch", replace(MINE, rep="R1"))  # every other step stays theirs


@pytest.mark.parametrize("user", [REP, LEAD, ADMIN])
@pytest.mark.parametrize("step", ["dispatch", "visit", "complete", "cancel", "reopen", "callback"])
def test_reps_leads_and_admins_take_every_step_in_their_branch(user, step):
    check_step(user, step, MINE)


def test_a_rep_of_another_branch_is_refused_by_name_of_the_branches():
    with pytest.raises(AccessDenied) as refused:
        check_step(OTHER_REP, "dispatch", MINE)
    assert str(refused.value) == "Ticket GZ-1 belongs to branch GZ; you work for branch SZ."
    check_step(ADMIN, "dispatch", SZ)


KINDS = default_scheme().adjustments


@pytest.mark.parametrize("kind", ["backfill", "violation", "fake_completion", "complaint_internal"])
def test_reps_record_everyday_deductions_in_their_branch(kind):
    check_adjustment(REP, KINDS[kind], ENG)
    with pytest.raises(AccessDenied, match="works for branch SZ"):
        check_adjustment(REP, KINDS[kind], OTHER_REP)


@pytest.mark.parametrize(
    "kind", ["complaint_general", "complaint_major", "complaint_media", "branch_rule"]
)
def test_complaints_and_branch_rules_are_for_leads(kind):
    with pytest.raises(AccessDenied, match="Only a lead may record this kind"):
        check_adjustment(REP, KINDS[kind], ENG)
    check_adjustment(LEAD, KINDS[kind], REP)
    check_adjustment(ADMIN, KINDS[kind], OTHER_REP)
    with pytest.raises(AccessDenied, match="works for branch GZ"):
        check_adjustment(OTHER_LEAD, KINDS[kind], REP)


def test_engineers_record_no_deductions():
    with pytest.raises(AccessDenied, match=r"Your role \(engineer\) may not record appraisal"):
        check_adjustment(ENG, KINDS["violation"], ENG2)
    with pytest.raises(AccessDenied):
        check_may_record_deductions(ENG)
    check_may_record_deductions(REP)


def test_nobody_records_an_event_about_themselves():
    with pytest.raises(AccessDenied, match="about themselves"):
        check_adjustment(LEAD, KINDS["complaint_major"], LEAD)


def test_a_kind_is_about_the_roles_the_scheme_names_for_it():
    assert not_about(KINDS["violation"], ENG) is None
    assert not_about(KINDS["violation"], LEAD) == "Violation does not apply to 刘洋 in this scheme."


def test_what_a_rep_records_waits_for_the_lead():
    assert needs_review(REP, KINDS["backfill"])
    assert not needs_review(LEAD, KINDS["backfill"])
    assert not needs_review(ADMIN, KINDS["complaint_major"])
