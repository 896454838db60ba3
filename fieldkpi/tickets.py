"""The ticket's life as one state machine: which step may follow which status.

Storage asks :func:`next_status` before every change and the screens ask the
same function for each step key they show, so the two never disagree about
what is possible. A refused step says why, in words for the person at the
keyboard.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import date

from fieldkpi.i18n import _
from fieldkpi.limits import MAX_CHARS

STEPS = ("create", "dispatch", "visit", "await_parts", "complete", "cancel", "reopen", "callback")

# A ticket that is being worked and still counts as open for the engineer and the queue.
OPEN_STATUSES = ("received", "dispatched", "visited", "awaiting_parts")
# The status a ticket has before its first step: it does not exist yet.
NEW = ""

_WORKED = ("dispatched", "visited", "awaiting_parts")

# step -> {status before: status after}. Re-dispatch keeps a worked ticket's status.
_TRANSITIONS: dict[str, dict[str, str]] = {
    "create": {NEW: "received"},
    "dispatch": {"received": "dispatched"} | {s: s for s in _WORKED},
    # From awaiting parts: the parts came and the engineer went back to fit them (a visit
    # of its own, kept with its time); the ticket is worked on, no longer waiting.
    "visit": {"dispatched": "visited", "awaiting_parts": "visited"},
    "await_parts": {"visited": "awaiting_parts"},
    "complete": dict.fromkeys(_WORKED, "completed"),
    "cancel": dict.fromkeys(OPEN_STATUSES, "cancelled"),
    "reopen": dict.fromkeys(("completed", "cancelled"), "dispatched"),
    "callback": {"completed": "called_back"},
}


class StepRefused(ValueError):
    """A step that the ticket's status does not allow; the message says why."""


def status_label(status: str) -> str:
    labels = {
        "received": _("received"),
        "dispatched": _("dispatched"),
        "visited": _("visited"),
        "awaiting_parts": _("awaiting parts"),
        "completed": _("completed"),
        "called_back": _("called back"),
        "cancelled": _("cancelled"),
    }
    return labels.get(status, status)


def step_label(step: str) -> str:
    labels = {
        "create": _("new ticket"),
        "dispatch": _("dispatch"),
        "visit": _("record visit"),
        "await_parts": _("awaiting parts"),
        "complete": _("complete"),
        "cancel": _("cancel"),
        "reopen": _("reopen"),
        "callback": _("callback"),
        "hold_rating": _("callback held for review"),  # a low rating a rep recorded
        "approve_rating": _("callback approved"),  # the lead's approval of one held
        "report_problem": _("report engineer problem"),
        "deduction": _("deduction"),
        # written before m016 (nothing writes it now); ticket history keeps every step as it was
        "correct_deduction": _("correct deduction"),
        "import": _("imported"),  # a change made by a CSV import
    }
    return labels.get(step, step)


# Fields stored as 0 or 1: told as yes or no, never as the digits.
FLAGS = frozenset({"cancelled"})


def flag_label(value: object) -> str:
    """A yes/no field's stored 0 or 1 in words."""
    return _("yes") if str(value) == "1" else _("no")


def field_label(field: str) -> str:
    """The name of a ticket field (or a history row's field) as a person reads it."""
    labels = {
        "status": _("status"),
        "kind": _("kind"),
        "received_at": _("received at"),
        "dispatched_at": _("dispatched at"),
        "visited_at": _("visited at"),
        "revisited_at": _("visited again at"),  # a return visit (storage.tickets.record_visit)
        "completed_at": _("completed at"),
        "cancelled": _("cancelled"),
        "cancel_reason": _("cancel reason"),
        "engineer": _("engineer"),
        "rep": _("rep"),
        "callback_at": _("callback at"),
        "rating": _("rating"),
        "callback_note": _("callback comment"),
        "customer": _("customer"),
        "phone": _("phone"),
        "address": _("address"),
        "product": _("product"),
        "fault": _("fault"),
        "resolution": _("resolution"),
        "note": _("note"),
        "points": _("points"),
        "staff": _("person"),
        "level": _("level"),
    }
    return labels.get(field, field)


def ticket_code_prefix(branch: str, day: date) -> str:
    """What every code of ``branch``'s tickets of ``day`` begins with (:func:`ticket_code`)."""
    return f"{branch}{day:%y%m%d}"


def ticket_code(branch: str, day: date, number: int) -> str:
    """The code of the day's ``number``-th ticket of ``branch``: ``GZ261120005``.

    The branch, the day as YYMMDD and the number in three digits (four only past
    999 in a day). Tickets taken in and the sample's imported ones have this one
    shape, so people read one kind of code, and it leaves the queue's address
    room at 80 columns.
    """
    return f"{ticket_code_prefix(branch, day)}{number:03d}"


_NUMBER = re.compile(r"[0-9]+")


def next_ticket_code(branch: str, day: date, taken: Iterable[str]) -> str:
    """The day's next code of ``branch`` after the ``taken`` codes of that day's prefix.

    One past the highest number taken, so it is none of them whatever was
    imported (``GZ2611201234``, or a code with letters after the prefix, which
    has no number and is simply not counted).
    """
    prefix = ticket_code_prefix(branch, day)
    numbers = [
        int(code[len(prefix) :])
        for code in taken
        if code.startswith(prefix) and _NUMBER.fullmatch(code[len(prefix) :])
    ]
    return ticket_code(branch, day, max(numbers, default=0) + 1)


# A phone number: digits, "+" and "-", at least MIN_PHONE_DIGITS of them digits.
MIN_PHONE_DIGITS = 5
_PHONE = re.compile(r"[0-9+\-]+")
_NOT_DIGIT = re.compile(r"[^0-9]")
# China's country code, as dialled from abroad (+86) or from China (0086), before a mobile
# number (11 digits from 1): the very number a caller gives as 159…, so it is kept as that.
_CHINA = r"(?:\+|00)86"
_CHINESE_MOBILE = re.compile(rf"{_CHINA}(1[0-9]{{10}})")
# … and before the start of one typed into a search: 1 and a network's digit (13…–19…),
# fewer than its 11 digits. "+86 10" is Beijing's area code: kept, as normal_phone keeps it.
_CHINESE_MOBILE_START = re.compile(rf"{_CHINA}(1[3-9][0-9]{{0,8}})")
_RATING = re.compile(r"[1-5]")


def _halfwidth(text: str) -> str:
    """``text`` with the full-width digits and signs of a Chinese input method (１３８, ＋)
    as the ASCII ones they are (NFKC)."""
    return unicodedata.normalize("NFKC", text)


def normal_phone(text: str) -> str:
    """A phone as it is kept and looked up: its digits, so that one number is one text
    whichever way it was typed, and the queue's search and the caller lookup find it.

    Full-width digits count as ASCII ones; spaces and "-" go (``138 0000 1111``,
    ``138-0000-1111`` and ``１３８００００１１１１`` are ``13800001111``). A leading
    "+" stays: ``+852…`` (Hong Kong) is another number than ``852…``. ``+86``
    or ``0086`` before a mobile number goes, as a Chinese mobile number is the
    same with or without it; before anything else it stays (a landline's area
    code loses its 0 after +86, and 400 numbers do not, so no rule restores it).
    Text that is no phone's shape (a letter, no digit at all) is returned with
    only its spaces gone, for :func:`phone_problem` to refuse as typed.
    """
    phone = re.sub(r"\s+", "", _halfwidth(text))
    digits = _NOT_DIGIT.sub("", phone)
    if not digits or not _PHONE.fullmatch(phone):
        return phone
    kept = "+" + digits if phone.startswith("+") else digits
    mobile = _CHINESE_MOBILE.fullmatch(kept)
    return mobile.group(1) if mobile else kept


def phone_start(text: str) -> str:
    """The start of a phone typed into a search, as the phones it starts are kept: its
    :func:`normal_phone`, and China's code gone also before part of a mobile number, which
    is kept without it (``+86 159 3539`` and ``0086159`` are ``1593539`` and ``159``). A
    whole number is its :func:`normal_phone`, and so is the start of anything else."""
    phone = normal_phone(text)
    mobile = _CHINESE_MOBILE_START.fullmatch(phone)
    return mobile.group(1) if mobile else phone


def phone_problem(phone: str) -> str | None:
    """Why ``phone`` (:func:`normal_phone`) is not a phone number, or None if it is.

    Its length is the limit of :mod:`fieldkpi.limits`, refused (and said as it
    is typed) as any text too long is."""
    digits = sum(c in "0123456789" for c in phone)
    if _PHONE.fullmatch(phone) and digits >= MIN_PHONE_DIGITS:
        return None
    return _("{least} to {most} characters: digits, “+” or “-”, at least {least} digits.").format(
        least=MIN_PHONE_DIGITS, most=MAX_CHARS["phone"]
    )


def typed_rating(text: str) -> int:
    """A callback rating as typed: one digit from 1 to 5 (a full-width one too).

    Anything else is refused (:class:`ValueError`, with the message), never
    cut down to a digit: ``2.5`` or ``45`` is not a 2 or a 4.
    """
    typed = _halfwidth(text).strip()
    if not typed:
        raise ValueError(_("Give a rating from 1 to 5."))
    if not _RATING.fullmatch(typed):
        raise ValueError(_("A rating is one digit from 1 to 5, not “{typed}”.").format(typed=typed))
    return int(typed)


def next_status(
    status: str, step: str, *, has_engineer: bool = True, called_back: bool = False
) -> str:
    """The status after ``step``; raises :class:`StepRefused` when it is not allowed.

    ``has_engineer`` and ``called_back`` matter for reopening only: a reopened
    ticket goes back to its engineer (dispatched) if it has one, else to the
    queue (received). A ticket whose customer was called back is finished, as
    a ``called_back`` one is (an imported ticket can be cancelled and called
    back): its callback stays with the engineer who served the customer.
    """
    if step not in _TRANSITIONS:
        raise ValueError(f"unknown step {step!r}")
    after = _TRANSITIONS[step].get(status)
    if after is None:
        raise StepRefused(_refusal(status, step))
    if step == "reopen" and called_back:
        raise StepRefused(
            _("The customer was called back on this ticket: open a new ticket for a new visit.")
        )
    if step == "complete" and not has_engineer:
        raise StepRefused(_("A ticket needs an engineer before it can be completed."))
    if step == "reopen" and not has_engineer:
        return "received"
    return after


def allowed_steps(status: str) -> tuple[str, ...]:
    """The steps that may follow ``status``, in the order of :data:`STEPS`."""
    return tuple(step for step in STEPS if status in _TRANSITIONS[step])


def _refusal(status: str, step: str) -> str:
    if step == "create":
        return _("This ticket already exists.")
    if status in ("completed", "called_back") and step != "reopen":
        if step == "callback":
            return _("The callback of this ticket has already been recorded.")
        return _("This ticket is already {status}; reopen it first.").format(
            status=status_label(status)
        )
    if status == "cancelled":
        return _("This ticket is cancelled; reopen it first.")
    if step == "reopen":
        return _("Only a completed or cancelled ticket can be reopened.")
    if step == "callback":
        return _("A callback can be recorded only after the ticket is completed.")
    if status == "received":
        return _("Dispatch this ticket to an engineer first.")
    return _("A ticket that is {status} cannot go to “{step}”.").format(
        status=status_label(status), step=step_label(step)
    )


def age_days(received: date, on: date) -> int:
    """A ticket's age on ``on``, counted as the timeliness day: received that day is day 1."""
    return (on - received).days + 1


def age_bucket(age_days: int, open_days: int = 30, *, still_open: bool = True) -> str:
    """The timeliness bucket a ticket of this age lands in (kpi-rules §1).

    ``age_days`` counts as the timeliness day does: received today is day 1.
    "d1" … "d7" for days 1–7, "late" from day 8, and "open30" for a ticket
    still open more than ``open_days`` days after it was received. A ticket
    that is no longer open (``still_open=False``) can be late but never open30.
    """
    if still_open and age_days - 1 > open_days:
        return "open30"
    if age_days >= 8:
        return "late"
    return f"d{max(age_days, 1)}"
