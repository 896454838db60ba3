"""Who may see and do what: the one place that answers it.

Storage calls these checks before it reads or writes anything for a person,
so a screen never has to filter data for security; screens may call them too,
to grey out what would be refused. Every refusal is an :class:`AccessDenied`
whose message is written for the person refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol

from fieldkpi.employment import has_left
from fieldkpi.figures import Person
from fieldkpi.i18n import _
from fieldkpi.period import Period
from fieldkpi.scheme import Adjustment, Scheme
from fieldkpi.tickets import STEPS, age_bucket, age_days

# What each role may do to a ticket it can work on. "report_problem" files an
# engineer-problem report (kpi-rules §2) from the ticket.
_DISPATCHER_STEPS = frozenset((*STEPS, "report_problem"))
ROLE_STEPS: dict[str, frozenset[str]] = {
    "rep": _DISPATCHER_STEPS,
    "lead": _DISPATCHER_STEPS,
    "admin": _DISPATCHER_STEPS,
    "engineer": frozenset(("visit", "await_parts", "complete")),
}

# How many days back a rep or engineer may type when a step happened: today and yesterday
# ("finished last night, phoned in this morning"). Earlier is the lead's to type.
TYPED_DAYS_BACK = 1

# Who oversees a branch's work: what would let a rep or engineer move a figure unreviewed
# (a time typed far back, a stale ticket cancelled) is theirs to do.
OVERSEEING_ROLES = frozenset(("lead", "admin"))

# Who records appraisal events (deductions, bonuses, problem reports) at all; which kinds
# each may record is the scheme's (``Adjustment.recorded_by``).
RECORDING_ROLES = frozenset(("rep", "lead", "admin"))


class AccessDenied(PermissionError):
    """The person may not see or do this; the message says why."""


class TicketFacts(Protocol):
    """What access needs to know of a ticket (storage's ``Ticket`` has it)."""

    code: str
    branch: str
    status: str
    engineer: str | None
    rep: str | None
    received_at: str
    cancelled_at: str | None
    first_completed_at: str | None
    rating_held: int  # a rep's low rating of it waits for the lead's review


@dataclass(frozen=True)
class TicketScope:
    """The tickets a person's lists are drawn from: a branch, narrowed to one engineer."""

    branch: str
    engineer: str | None = None


def check_still_here(user: Person, left_on: date | None, today: date) -> None:
    """Refuse a write by someone whose leaving day is past, as signing in is refused.

    ``left_on`` is read with the write, not taken from ``user``: an admin may
    record the leaving day while the person's session is still open, and
    from the day after it nothing more is saved in their name (their
    tickets, ratings and decisions would count for others unreviewed).
    """
    if has_left(left_on, today):
        raise AccessDenied(
            _("You left on {day}: nothing more is saved in your name.").format(
                day=left_on.isoformat()
            )
        )


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

    Nobody records the callback of their own ticket: the customer's rating
    counts for the engineer who served it and the rep who took it in
    (kpi-rules §4), and a rating one recorded for oneself would be a score
    raised without review.
    """
    if step == "callback" and ticket.engineer == user.code:
        raise AccessDenied(_("You cannot record the callback of a ticket you served yourself."))
    if step == "callback" and ticket.rep == user.code:
        raise AccessDenied(
            _(
                "You cannot record the callback of a ticket you took in yourself:"
                " another rep or the lead records it."
            )
        )
    check_see_ticket(user, ticket)
    check_may(user, step)


def check_typed_day(user: Person, day: date, today: date) -> None:
    """Refuse ``day`` as the day a ticket was received, visited, completed or called back,
    typed by a rep or engineer further back than yesterday.

    A typed time decides a ticket's day bucket and the month it counts in
    (kpi-rules §1, §2, §4), for the person who types it and for the engineer
    who serves the ticket. Today's or yesterday's (a visit phoned in the next
    morning, a call taken in last night) moves a ticket by a day at most; one
    further back is the lead's to type, who sees why.
    """
    if user.role not in OVERSEEING_ROLES and (today - day).days > TYPED_DAYS_BACK:
        raise AccessDenied(_("Before yesterday: a time this far back is typed by the lead."))


def check_lifecycle(
    user: Person, step: str, ticket: TicketFacts, today: date, scheme: Scheme
) -> None:
    """The lead's part in cancelling and reopening: what keeps a figure from being dodged.

    A ticket open more than ``open_days`` counts −150 at each period's end for
    its engineer and its rep (kpi-rules §1, O), and a cancel takes effect at
    its time: cancelled on the last evening and reopened the next morning, it
    would count nowhere that period. So a rep cancels a ticket only while it
    is within the limit, and reopens a cancelled one only within the period it
    was cancelled in; beyond either, the lead does it, and sees why.

    A cancelled ticket counts nowhere in §1, §2 and §4, its first completion
    included: a late completion reopened and cancelled would leave the
    timeliness of its rep and its engineer unreviewed. So a ticket once
    completed is the lead's to cancel too. This is asked before the ticket's
    status for a cancel: a rep told to reopen a completed ticket first would
    reopen it only to learn that the lead cancels it.

    A low rating a rep recorded waits for the lead (:func:`rating_needs_review`);
    reopened, its ticket's rating can only be rejected (the work rated is being
    redone). A rep reopening it would discard a colleague's rating unreviewed, so
    the lead decides the rating first, or reopens the ticket: the lead sees the
    rating waiting, and a customer who calls again with the fault is not kept
    waiting for the review.

    A lead or an admin, and anyone the step is not for at all (refused by
    :func:`check_step` already), pass here.
    """
    if user.role in OVERSEEING_ROLES or not may(user, step):
        return
    cancellable = ticket.status not in ("cancelled", "called_back")
    if step == "cancel" and cancellable and ticket.first_completed_at:
        raise AccessDenied(_("Completed before: the lead cancels a ticket once it is completed."))
    if step == "cancel" and cancellable:
        age = age_days(date.fromisoformat(ticket.received_at[:10]), today)
        if age_bucket(age, scheme.open_days) == "open30":
            message = _("Open more than {days} days: the lead cancels it.")
            raise AccessDenied(message.format(days=scheme.open_days))
    if step == "reopen" and ticket.cancelled_at:
        cancelled = date.fromisoformat(ticket.cancelled_at[:10])
        if Period.of(cancelled, scheme.period) != Period.of(today, scheme.period):
            raise AccessDenied(_("Cancelled before this period: the lead reopens it."))
    if step == "reopen" and ticket.rating_held:
        raise AccessDenied(
            _(
                "A low rating of this ticket waits for the lead's review:"
                " the lead decides it first, or reopens the ticket."
            )
        )


def check_adjustment(user: Person, adjustment: Adjustment, target: Person) -> None:
    """Who may record an event of this kind against ``target`` (kpi-rules §5, 主管监督).

    The scheme says which roles record each kind (admins record all); a rep
    or lead records in their own branch only, and nobody records an event
    about themselves: a bonus one gave oneself, or a deduction one took back,
    would be a score raised without review.
    """
    if user.role not in RECORDING_ROLES:
        raise AccessDenied(_no_deductions(user))
    if not may_record(user, adjustment):
        if user.role == "rep":
            raise AccessDenied(_("Only a lead may record this kind of event."))
        raise AccessDenied(_no_deductions(user))
    if target.code == user.code:
        raise AccessDenied(_("Nobody records an appraisal event about themselves."))
    if user.role != "admin" and target.branch != user.branch:
        message = _("{name} works for branch {branch}; you record events in {yours} only.")
        raise AccessDenied(
            message.format(name=target.name, branch=target.branch, yours=user.branch)
        )


def not_about(adjustment: Adjustment, target: Person) -> str | None:
    """Why an event of this kind may not be about ``target`` (the scheme's roles for the kind
    leave theirs out), in the words storage refuses it with and the form says it in
    before; ``None`` when it may."""
    if target.role in adjustment.roles:
        return None
    refused = _("{kind} does not apply to {name} in this scheme.")
    return refused.format(kind=adjustment.label, name=target.name)


def may_record(user: Person, adjustment: Adjustment) -> bool:
    """Whether the scheme lets ``user``'s role record events of this kind (admins: every kind)."""
    return user.role == "admin" or user.role in adjustment.recorded_by


def needs_review(user: Person, adjustment: Adjustment | None = None) -> bool:
    """An event a rep records waits for the lead's approval before it counts (主管监督)."""
    return user.role == "rep" and (adjustment is None or adjustment.approval)


def rating_needs_review(user: Person, rating: int, scheme: Scheme) -> bool:
    """A rating that lowers someone's satisfaction, recorded by a rep, waits for the lead.

    It would lower the satisfaction of the ticket's rep (a rival in the rep's
    own ranking) and of its engineer, so it counts once the lead approves it;
    a satisfied rating (:attr:`Scheme.satisfied_rating`), or one the lead
    records, counts at once: whose entries wait is :func:`needs_review`'s one rule.
    """
    return rating < scheme.satisfied_rating and needs_review(user)


def may_record_deductions(user: Person) -> bool:
    return user.role in RECORDING_ROLES


def check_may_record_deductions(user: Person) -> None:
    if not may_record_deductions(user):
        raise AccessDenied(_no_deductions(user))


def _no_deductions(user: Person) -> str:
    return _("Your role ({role}) may not record appraisal events.").format(role=user.role)


# Rankings and figures (issue 4). A ranking shows everyone's names, scores and
# ranks, so it is for the branch's lead and for admins. Everyone may see their
# own figures; a lead also those of the people of their branch.


def can_see_rankings(user: Person, branch: str) -> bool:
    """The whole ranking of a branch: its lead, or an admin."""
    return user.role == "admin" or (user.role == "lead" and user.branch == branch)


def check_see_rankings(user: Person, branch: str) -> None:
    _check_branch_lead(
        user,
        branch,
        _("You lead branch {yours}; the rankings of {branch} are not yours to see."),
        _("Only a lead or an admin sees the rankings; you see your own figures."),
    )


def check_see_periods(user: Person, branch: str) -> None:
    """Which of a branch's periods are closed: its own people's figures are judged by them;
    another branch's are for who sees its rankings (an admin)."""
    if user.branch != branch:
        check_see_rankings(user, branch)


def can_see_figures(user: Person, person: Person) -> bool:
    """A person's figures: their own, or anyone's in a ranking the user may see."""
    return can_see_figures_of(user, person.code, person.branch)


def can_see_figures_of(user: Person, code: str, branch: str) -> bool:
    """:func:`can_see_figures` for a row that names only the person's code and branch."""
    return user.code == code or can_see_rankings(user, branch)


def sees_reporter(user: Person, concerned: str, scheme: Scheme) -> bool:
    """Whether ``user`` is told who recorded an event, or entered a value, that counts for the
    person ``concerned``: the scheme may keep it from that person (``[review] show_reporter``);
    their lead and admins are always told."""
    return scheme.show_reporter or user.code != concerned


def check_see_figures(user: Person, person: Person) -> None:
    if not can_see_figures(user, person):
        raise AccessDenied(_("You may see only your own figures."))


# The measures whose facts tell of someone else: a rep's problem reports (``feedback_rate``)
# name the engineers and what each was reported for, appraisal events about them; saturation's
# give the month (and the person) of the branch's highest daily workload of the year, a
# colleague's figure. The person concerned is told their line of arithmetic (their ranking
# row); the facts are for those who see the branch's ranking.
OTHERS_FACTS = frozenset({"feedback_rate", "saturation"})


def can_see_facts(user: Person, person: Person, measure: str) -> bool:
    """The facts behind one KPI of ``person``'s figures (what ``measure`` counted):
    :func:`can_see_figures`, except that those of :data:`OTHERS_FACTS` are for the
    branch's lead and admins only."""
    if measure in OTHERS_FACTS:
        return can_see_rankings(user, person.branch)
    return can_see_figures(user, person)


def check_see_facts(user: Person, person: Person, measure: str) -> None:
    """Refuse the facts behind ``person``'s ``measure`` to whoever :func:`can_see_facts`
    does not let see them (storage asks before reading them)."""
    check_see_figures(user, person)
    if not can_see_facts(user, person, measure):
        raise AccessDenied(
            _("These facts tell of other people: your lead sees them; you see their arithmetic.")
        )


def check_close_month(user: Person, branch: str) -> None:
    """Those who see a branch's ranking close its months: its lead, or an admin."""
    _check_branch_lead(
        user,
        branch,
        _("You lead branch {yours}; only the lead of {branch} closes its months."),
        _("Only the branch's lead or an admin closes a month."),
    )


def _check_branch_lead(user: Person, branch: str, other_lead: str, others: str) -> None:
    """Refuse all but the branch's lead and admins; a lead of another branch is told which."""
    if can_see_rankings(user, branch):
        return
    if user.role == "lead":
        raise AccessDenied(other_lead.format(yours=user.branch, branch=branch))
    raise AccessDenied(others)


def check_enter_scores(user: Person, branch: str) -> None:
    """Values entered from outside (schemes.md ``entered.*``): the branch lead's, or an admin's."""
    _check_branch_lead(
        user,
        branch,
        _("You lead branch {yours}; only the lead of {branch} enters its values."),
        _("Only the branch's lead or an admin enters these values."),
    )


def check_choose_scheme(user: Person, branch: str) -> None:
    """Which preset a branch is appraised by: its lead's choice, or an admin's."""
    _check_branch_lead(
        user,
        branch,
        _("You lead branch {yours}; only the lead of {branch} chooses its scheme."),
        _("Only the branch's lead or an admin chooses the scheme."),
    )


def check_review(user: Person, branch: str) -> None:
    """Approving, rejecting and deciding appeals of a branch's events: its lead, or an admin."""
    _check_branch_lead(
        user,
        branch,
        _("You lead branch {yours}; only the lead of {branch} reviews its events."),
        _("Only the branch's lead or an admin reviews appraisal events."),
    )


def check_contest(user: Person, concerned: str) -> None:
    """Only the person an event is about contests it (申诉)."""
    if user.code != concerned:
        raise AccessDenied(_("Only the person it is about may contest an event."))


def may_reopen_month(user: Person) -> bool:
    """Reopening changes what was paid on: an admin's decision, and it is recorded."""
    return user.role == "admin"


def check_reopen_month(user: Person) -> None:
    if not may_reopen_month(user):
        raise AccessDenied(_("Only an admin reopens a closed month."))


def may_choose_branch(user: Person) -> bool:
    """Whether the person may look at another branch than their own: an admin sees every
    branch's rankings, staff and values; a lead only their own (:func:`can_see_rankings`)."""
    return user.role == "admin"


# Staff and logins (issue 4). Logins decide who a person is, so only admins change them;
# a lead may read their own branch's list.


def check_see_staff(user: Person, branch: str) -> None:
    _check_branch_lead(
        user,
        branch,
        _("You lead branch {yours}; the staff of {branch} are not yours to see."),
        _("Only a lead or an admin sees the staff list."),
    )


def may_manage_staff(user: Person) -> bool:
    return user.role == "admin"


def check_manage_staff(user: Person) -> None:
    """Adding people, logins and leaving dates decide who may sign in: an admin's work."""
    if not may_manage_staff(user):
        raise AccessDenied(_("Only an admin adds staff or changes logins and leaving dates."))
