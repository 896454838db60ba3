"""Who may see and do what: the one place that answers it.

Storage calls these checks before it reads or writes anything for a person,
so a screen never has to filter data for security; screens may call them too,
to grey out what would be refused. Every refusal is an :class:`AccessDenied`
whose message is written for the person refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from fieldkpi.figures import Person
from fieldkpi.i18n import _
from fieldkpi.scheme import DEDUCTION_KINDS
from fieldkpi.tickets import STEPS

# What each role may do to a ticket it can work on. "report_problem" files an
# engineer-problem report (kpi-rules §2) from the ticket.
_DISPATCHER_STEPS = frozenset((*STEPS, "report_problem"))
ROLE_STEPS: dict[str, frozenset[str]] = {
    "rep": _DISPATCHER_STEPS,
    "lead": _DISPATCHER_STEPS,
    "admin": _DISPATCHER_STEPS,
    "engineer": frozenset(("visit", "await_parts", "complete")),
}

# Deductions a rep may record (kpi-rules §5); leads and admins may record every kind.
REP_DEDUCTION_KINDS = frozenset(("backfill", "violation", "fake_completion", "complaint_internal"))
ROLE_DEDUCTION_KINDS: dict[str, frozenset[str]] = {
    "rep": REP_DEDUCTION_KINDS,
    "lead": frozenset(DEDUCTION_KINDS),
    "admin": frozenset(DEDUCTION_KINDS),
    "engineer": frozenset(),
}


class AccessDenied(PermissionError):
    """The person may not see or do this; the message says why."""


class TicketFacts(Protocol):
    """What access needs to know of a ticket (storage's ``Ticket`` has it)."""

    code: str
    branch: str
    engineer: str | None


@dataclass(frozen=True)
class TicketScope:
    """The tickets a person's lists are drawn from: a branch, narrowed to one engineer."""

    branch: str
    engineer: str | None = None


def ticket_scope(user: Person) -> TicketScope:
    """An engineer sees only their own tickets; everyone else their branch's."""
    if user.role == "engineer":
        return TicketScope(user.branch, user.code)
    return TicketScope(user.branch)


def can_work_ticket(user: Person, ticket_branch: str) -> bool:
    """Reps and leads work their own branch's tickets; an admin works any branch's."""
    if user.role == "admin":
        return True
    return user.role in ("rep", "lead") and user.branch == ticket_branch


def can_see_ticket(user: Person, ticket: TicketFacts) -> bool:
    if user.role == "engineer":
        return ticket.engineer == user.code
    return can_work_ticket(user, ticket.branch)


def check_see_ticket(user: Person, ticket: TicketFacts) -> None:
    if can_see_ticket(user, ticket):
        return
    if user.role == "engineer":
        raise AccessDenied(_("Ticket {code} is not assigned to you.").format(code=ticket.code))
    raise AccessDenied(
        _("Ticket {code} belongs to branch {branch}; you work for branch {yours}.").format(
            code=ticket.code, branch=ticket.branch, yours=user.branch
        )
    )


def may(user: Person, step: str) -> bool:
    """Whether the person's role may take this step on any ticket at all."""
    return step in ROLE_STEPS.get(user.role, frozenset())


def check_may(user: Person, step: str) -> None:
    if not may(user, step):
        raise AccessDenied(_("Your role ({role}) may not do this.").format(role=user.role))


def check_step(user: Person, step: str, ticket: TicketFacts) -> None:
    """Refuse a step the person may not take on this ticket.

    Nobody records the callback of a ticket they served themselves: the
    callback is the customer's judgement of that engineer's work.
    """
    if step == "callback" and ticket.engineer == user.code:
        raise AccessDenied(_("You cannot record the callback of a ticket you served yourself."))
    check_see_ticket(user, ticket)
    check_may(user, step)


def check_deduction(user: Person, kind: str, target: Person) -> None:
    """Reps record the everyday kinds against their branch; leads any kind in theirs; admins all."""
    if kind not in ROLE_DEDUCTION_KINDS.get(user.role, frozenset()):
        if user.role == "rep":
            raise AccessDenied(_("Only a lead may record this kind of deduction."))
        raise AccessDenied(_("Your role ({role}) may not record deductions.").format(role=user.role))
    if user.role != "admin" and target.branch != user.branch:
        raise AccessDenied(
            _("{name} works for branch {branch}; you may record deductions only in {yours}.").format(
                name=target.name, branch=target.branch, yours=user.branch
            )
        )
