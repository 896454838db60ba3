"""Appraisal events at the desk: the lead's review (主管监督) and everyone's own appeals (申诉).

A lead (or an admin) sees what waits for them in the branch: problem reports,
adjustments and low callback ratings a rep recorded, and events someone
contested (a rating is only approved or rejected). ``a`` approves
(or upholds a contested one), ``r`` rejects (or withdraws it), each decision
with its reason kept; ``v`` shows every event of the branch these three
months, where ``r`` withdraws one that stands but was recorded by mistake.
Anyone ranked sees the events recorded against them these three months, in
whatever state (an engineer also the low ratings of their tickets held for the
lead, which the lead decides on anyway: no ``c``), and contests one with ``c``
while its month is open; ``v``
shows, to a rep, the events they recorded about others, with the lead's
decisions, so they can follow what came of a report. Storage
decides who may do what (:mod:`storage.appraisal`); the keys only follow it,
and the footer names the decision a key takes on the selected event.

Every column fits 80 columns in either language: an event's day, whom it
counts for (the lead's lists and what a rep recorded; the list about oneself has
no such column), its kind (a long one cut), its state, who recorded it and its
points; on a phone each event is a card of them (:class:`screens.tables.CardsOrColumns`).
A low rating held about a ticket's rep counts for its engineer too: the lead's
line names both, the engineer with their role, wrapped between names where the
line has no room (a long kind is then cut shorter); the person it is about reads
it as about themselves alone. The lines under the list tell the selected event:
its time, kind, everyone it counts for, ticket, note and every decision with its
reason; a few lines high, they say when there is more, and ``⏎`` shows it whole
(:class:`EventReadScreen`). The decision dialog names them too and says what
approving or rejecting it does to them.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import events as textual_events
from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Header, Static

from fieldkpi import access
from fieldkpi.i18n import _, join_list, ngettext
from fieldkpi.linebreaks import Wrapped
from fieldkpi.plain import plain
from fieldkpi.scheme import Scheme
from screens import actions, keygate, labels, numbers, tables
from screens.footer import KeyFooter
from screens.form import Field, FormScreen
from screens.labels import N_
from screens.linebreaks import Prose
from screens.loading import reader
from screens.messages import DataChanged, Loaded, LoadFailed
from storage import appraisal
from storage.appraisal import DECISIONS, AppraisalEvent, Counted, Review

STATES = {
    "standing": N_("stands"),
    "pending": N_("waiting"),
    "rejected": N_("rejected"),
    "contested": N_("contested"),
    "withdrawn": N_("withdrawn"),
}
# What the lead decides, each by a key of its own (two share a key: the event's state
# allows one of them); the appeal is the person's own.
LEAD_DECISIONS = frozenset({"approve", "uphold", "reject", "withdraw"})
KIND_WIDTH = 22  # cells of the kind in the list: "General complaint (he…"
KIND_LEAST = 12  # … and where the line needs room: "General com…"
CONTEST = actions.by_id("events.contest")


def kind_label(event: AppraisalEvent, scheme) -> str:
    """The event's kind as the branch's scheme names it (a problem report by its level).

    In sentence case, as the scheme's own kinds are named.
    """
    if event.subject == "rating":
        return _("Callback rating {rating}").format(rating=event.kind)
    if event.subject == "problem":
        level = event.kind or None  # none named: the table's first
        if len(scheme.problems) == 1 and scheme.problem_level(level) is not None:
            return _("Engineer problem")  # a table of one level has nothing to tell apart
        return _("Engineer problem: {level}").format(level=scheme.event_label("level", level))
    return scheme.event_label("kind", event.kind)


def points_cell(event: AppraisalEvent) -> str:
    """What the event does to its person's total: signed points, a forfeit, or a dash for
    an event that counts in a rate instead (a problem report, a callback rating)."""
    if event.forfeits:
        return _("forfeit")
    return numbers.DASH if event.change is None else numbers.signed(event.change)


def recorder(event: AppraisalEvent) -> str | None:
    """Who recorded the event as the ticket history names them (the importer too); ``None``
    where the branch keeps the reporter from the person it is about."""
    return labels.label(labels.RECORDER, event.recorded_by_name) or None


def recorder_cell(event: AppraisalEvent) -> Wrapped:
    """Who recorded the event, in the list: a dash where it is not shown."""
    by = recorder(event)
    return tables.names_cell(by or numbers.DASH, [by or ""])


def with_role(person: Counted) -> str:
    """A person and their role: "谢建华 (engineer)"."""
    role = labels.label(labels.ROLE, person.role)
    return _("{name} ({role})").format(name=person.name, role=role)


AND = N_("{people} and {last}")  # how people() joins the last of several
OR = N_("{people} or {last}")  # … where none of them is meant


def people(event: AppraisalEvent, joined: str = AND) -> str:
    """Everyone the event counts for, as a sentence names them: the one person it is about by
    name, several each with their role ("麦斌 (rep) and 谢建华 (engineer)"), so whoever
    decides knows whose figures of which kind it moves."""
    if len(event.counts_for) < 2:
        return event.concerns_name
    *first, last = map(with_role, event.counts_for)
    return _(joined).format(people=join_list(first), last=last)


def about_cell(event: AppraisalEvent) -> Wrapped:
    """Whom the event counts for, in the list: the person it is about, then anyone else it
    counts for with their role ("麦斌, 谢建华 (engineer)"), each name and role kept whole
    where the line wraps."""
    also = [p for p in event.counts_for if p.code != event.concerns]
    words = [event.concerns_name]
    for person in also:
        words += [person.name, labels.label(labels.ROLE, person.role)]
    text = join_list([event.concerns_name, *map(with_role, also)])
    return tables.names_cell(text, words)


def kind_cell(event: AppraisalEvent, scheme) -> tables.Cut:
    """The event's kind in the list: a long one cut to :data:`KIND_WIDTH`, and cut shorter
    where the line needs the room (names of several people), not below :data:`KIND_LEAST`;
    one shown whole (a callback rating and its number) never cut. The line under the list
    gives it whole."""
    text = plain(kind_label(event, scheme), KIND_WIDTH)
    whole = text.cell_len < KIND_WIDTH or not text.plain.endswith("…")
    return tables.Cut(text, text.cell_len if whole else KIND_LEAST)


def headings(about: bool) -> list[str]:
    """The list's headings; ``about``: with whom each event is about (the lead's lists)."""
    who = [_("About")] if about else []
    return [_("Date"), *who, _("Kind"), _("State"), _("Recorded by"), _("Points")]


def event_cells(event: AppraisalEvent, scheme, about: bool) -> tuple[object, ...]:
    """The event's line under :func:`headings`, every cell plain text: people's names held
    whole (:func:`tables.names_cell`), the kind cut (:func:`kind_cell`)."""
    who = (about_cell(event),) if about else ()
    return (
        event.at[:10],
        *who,
        kind_cell(event, scheme),
        _(STATES[event.state]),
        recorder_cell(event),
        points_cell(event),
    )


def event_story(event: AppraisalEvent, scheme) -> Text:
    """The event and every decision on it, one line each, oldest first."""
    head = (
        _("{at} {kind} about {name}, recorded by {by} (ticket {ticket})")
        if event.ticket
        else _("{at} {kind} about {name}, recorded by {by}")
    ).format(
        at=event.at[:16],
        kind=kind_label(event, scheme),
        name=people(event),
        by=recorder(event) or _("(not shown)"),
        ticket=event.ticket,
    )
    lines = [with_note(head, event.note), *map(review_line, event.reviews)]
    return plain("\n".join(lines))


def own_story(event: AppraisalEvent, scheme) -> Text:
    """The story of an event about the reader, and why they cannot contest it if so: F6's line
    under the list about oneself, and what the ticket screen tells its engineer of a low
    rating of it held for the lead."""
    story = event_story(event, scheme)
    why = contest_refusal(event)
    if why:  # why there is no c
        story.append("\n" + why)
    return story


def whole_story(event: AppraisalEvent, scheme, own: bool) -> Text:
    """The event read whole (``⏎``): its story (``own``: as told to the person it is about,
    with why they cannot contest it), then the state it is in now."""
    story = (own_story if own else event_story)(event, scheme)
    story.append("\n" + _("State now: {state}").format(state=_(STATES[event.state])))
    return story


def decision_effect(event: AppraisalEvent, decision: str) -> str | None:
    """What the lead's ``decision`` does to everyone a held rating counts for, in their
    words (the figures it moves are for the rankings to count); ``None`` for other events,
    which count for the one person the dialog names."""
    if event.subject != "rating" or decision not in ("approve", "reject"):
        return None
    if decision == "approve":
        return _(
            "If approved, rating {rating} goes on ticket {ticket} as its callback (given at"
            " {at}) and counts against the satisfaction of {people}."
        ).format(rating=event.kind, ticket=event.ticket, at=event.at[:16], people=people(event))
    return _(
        "If rejected, it does not count against {people}, and ticket {ticket} waits for a"
        " callback again."
    ).format(people=people(event, OR), ticket=event.ticket)


def review_line(review: Review) -> str:
    """One decision on an event as its story tells it, with its reason."""
    said = _("{at} {decision} by {name}").format(
        at=review.at[:16],
        decision=_(DECISIONS[review.action]),
        name=review.by_name or _("(not shown)"),
    )
    return with_note(said, review.reason)


def changed_since(seen: AppraisalEvent | None, event: AppraisalEvent) -> list[str]:
    """What was decided on ``event`` since the person saw it as ``seen`` (the list read by
    them, or the cursor come to it): a line saying the state they saw, then each decision
    since (a contest with its reason); none if nothing was. One key takes two decisions
    (``a``: approve or uphold), by the state: the person is told the key's meaning changed
    under them, not left to read it in the title."""
    if seen is None or (seen.state, len(seen.reviews)) == (event.state, len(event.reviews)):
        return []
    state = _(STATES[seen.state])
    head = _("Changed since this list showed it {state}:").format(state=state)
    return [head, *map(review_line, event.reviews[len(seen.reviews) :])]


def contest_line(event: AppraisalEvent) -> str | None:
    """The appeal a contested event waits on, with its reason: what the lead decides on."""
    if event.state != "contested":
        return None
    contests = [review for review in event.reviews if review.action == "contest"]
    return review_line(contests[-1]) if contests else None


def with_note(text: str, note: str | None) -> str:
    """``text``, then what was written with it, as the language puts a colon."""
    return _("{text}: {note}").format(text=text, note=note) if note else text


def contest_refusal(event: AppraisalEvent) -> str | None:
    """Why the person ``event`` is about cannot contest it now; ``None`` if they can."""
    if event.closed:
        return appraisal.no_contest(event.closed)
    if event.state == "contested":
        return _("Already contested: it waits for your lead's decision.")
    if event.state in ("rejected", "withdrawn"):
        return _("It no longer counts: there is nothing to contest.")
    if any(review.action == "contest" for review in event.reviews):
        return _("Contested once already: your lead's decision on it stands.")
    if not appraisal.may_decide(event.subject, event.state, "contest"):
        return _("A callback rating is not contested: your lead approves or rejects it.")
    return None


class EventsScreen(actions.ScopedKeys, Screen):
    ACTION_SCOPE = actions.EVENTS
    CSS_PATH: ClassVar[list[str]] = ["events.tcss"]

    def __init__(self) -> None:
        super().__init__()
        self.events: list[AppraisalEvent] = []
        # Each event listed, as the person saw it: when they read the list themselves (F6, v,
        # Ctrl+R) or moved the cursor to it, not as a refresh after others saved redrew it. A
        # decision dialog says what changed since. One no longer listed is let go.
        self.first_shown: dict[tuple[str, int], AppraisalEvent] = {}
        self.looked_at: tuple[str, int] | None = None  # the event the cursor came to
        self.read_anew = True  # the next list read is the person's own: all seen as it is
        self.scheme: Scheme | None = None  # the branch's, read with the events
        self.request = 0
        self.showing_all = False  # a lead: every event of the branch, not only what waits
        self.showing_recorded = False  # a rep: what they recorded, not what is about them

    @property
    def reviewing(self) -> bool:
        """A lead or admin reviews the branch; everyone else sees their own events."""
        return access.can_see_rankings(self.app.user, self.app.user.branch)

    def compose(self) -> ComposeResult:
        yield Header()
        yield tables.CardsOrColumns(id="events", cursor_type="row", zebra_stripes=True)
        with StoryBox(id="event-story-box"):
            yield Static("", id="event-story")
        yield Static(Text(_("… more below: ⏎ reads the event whole")), id="event-more")
        yield Static("", id="events-status")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#events", DataTable).focus()
        self.reload()

    def _title(self) -> str:
        if not self.reviewing:
            return _("Recorded by me") if self.showing_recorded else _("Recorded about me")
        return _("Events of the branch") if self.showing_all else _("Waiting for review")

    def reload(self, anew: bool = True) -> None:
        """Read the list again; ``anew``: the person asked (not a refresh after others saved),
        so every event is seen as it now is."""
        self.read_anew = self.read_anew or anew
        self.title = self._title()
        self.request += 1
        self._load(self.request, self.showing_all, self.showing_recorded)

    @reader("events")
    def _load(self, request: int, showing_all: bool, showing_recorded: bool) -> None:
        app, user = self.app, self.app.user
        scheme = app.scheme_for(user.branch)  # its kinds name the events and count them
        if self.reviewing and showing_all:
            events = appraisal.branch_events(app.store, user, user.branch, app.now(), scheme)
        elif self.reviewing:
            events = appraisal.awaiting_review(app.store, user, user.branch, scheme)
        elif showing_recorded:
            events = appraisal.recent_events_recorded(app.store, user, app.now(), scheme)
        else:
            events = appraisal.recent_events_about(app.store, user, user, app.now(), scheme)
        self.post_message(Loaded(request, (events, scheme)))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        """The list anew, the cursor on the event it was on (one decided and gone from the
        list: the one after it, now in its row)."""
        if message.request != self.request:
            return
        was, row = self.selected, self.query_one("#events", DataTable).cursor_row
        self.events, self.scheme = message.data
        keys = [(e.subject, e.id) for e in self.events]
        kept = {} if self.read_anew else self.first_shown
        self.read_anew = False
        self.first_shown = {
            key: kept.get(key, event) for key, event in zip(keys, self.events, strict=True)
        }
        about = self.about_others
        table = self.query_one("#events", tables.CardsOrColumns)
        table.show(headings(about), [event_cells(e, self.scheme, about) for e in self.events])
        if was is not None and (was.subject, was.id) in keys:
            row = keys.index((was.subject, was.id))
        if keys:
            table.move_cursor(row=min(row, len(keys) - 1), animate=False)
        n = len(self.events)
        if self.reviewing and not self.showing_all:
            status = _("{n} waiting for your decision").format(n=n)
        else:
            status = ngettext(
                "{n} event these three months", "{n} events these three months", n
            ).format(n=n)
        self.query_one("#events-status", Static).update(Text(status))
        self._show_story()

    @property
    def about_others(self) -> bool:
        """The list is of events about other people: each line names whom it is about."""
        return self.reviewing or self.showing_recorded

    @on(LoadFailed)
    def _failed(self, message: LoadFailed) -> None:
        """Said under the list, which stays as it was (Ctrl+R tries again)."""
        message.stop()
        self.query_one("#events-status", Static).update(plain(message.message))
        self.notify(message.message, severity="error")

    @on(DataChanged)
    def _someone_saved(self) -> None:
        self.reload(anew=False)

    @on(DataTable.RowHighlighted, "#events")
    def _show_story(self) -> None:
        """The selected event's story, and the keys its state allows in the footer."""
        event = self.selected
        if event is None:
            story = Text()
        else:
            story = (event_story if self.about_others else own_story)(event, self.scheme)
            key = (event.subject, event.id)
            if key != self.looked_at:  # the cursor came to it: seen as it is now
                self.looked_at = key
                self.first_shown[key] = event
        self.query_one("#event-story", Static).update(story)
        self.query_one(StoryBox).scroll_home(animate=False)
        self.refresh_bindings()

    @property
    def selected(self) -> AppraisalEvent | None:
        row = self.query_one("#events", DataTable).cursor_row
        return self.events[row] if 0 <= row < len(self.events) else None

    def action_read(self) -> None:
        """The selected event whole, over the list: what the line under it has no room for."""
        event = self.selected
        if event is not None:
            story = whole_story(event, self.scheme, own=not self.about_others)
            self.app.push_screen(EventReadScreen(story))

    def offers(self, action: str) -> bool:
        """Whether this person ever takes ``action`` here: a lead's decisions and the
        list of every event are for who reviews the branch, an appeal for everyone else."""
        if action in LEAD_DECISIONS or action == "show_all":
            return self.reviewing
        if action == "show_recorded":  # whoever records events, but reviews none
            return not self.reviewing and access.may_record_deductions(self.app.user)
        return action != "contest" or not self.reviewing

    def allows_now(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        event = self.selected
        if action in LEAD_DECISIONS:
            return (
                event is not None
                and appraisal.may_decide(event.subject, event.state, action)
                and event.concerns != self.app.user.code
            )
        if action == "read":
            return event is not None
        if action == "contest":
            return (
                event is not None
                and event.concerns == self.app.user.code
                and contest_refusal(event) is None
            )
        return True

    def on_key(self, event: textual_events.Key) -> None:
        """`c` on an event of one's own that cannot be contested says why, where it did
        nothing (an event already contested looked like a key that did not work)."""
        if self.about_others or not self.offers("contest"):
            return
        if event.key not in actions.keys_of(CONTEST, self.app.keymap):
            return
        chosen = self.selected
        reason = None if chosen is None else contest_refusal(chosen)
        if reason:
            keygate.refuse_key(self, event, reason, _(CONTEST.label))

    def _decide(self, decision: str) -> None:
        event = self.selected
        if event is not None:
            seen = self.first_shown.get((event.subject, event.id))
            form = DecisionForm(event, decision, self.scheme, seen)
            self.app.push_screen(form, callback=lambda done: self._decided(event, done))

    def action_approve(self) -> None:
        self._decide("approve")

    def action_uphold(self) -> None:
        self._decide("uphold")

    def action_reject(self) -> None:
        self._decide("reject")

    def action_withdraw(self) -> None:
        self._decide("withdraw")

    def action_show_all(self) -> None:
        """Between what waits for the lead and every event of the branch these three months."""
        self.showing_all = not self.showing_all
        self.reload()

    def action_show_recorded(self) -> None:
        """Between the events about the person and those they recorded these three months."""
        self.showing_recorded = not self.showing_recorded
        self.reload()

    def action_contest(self) -> None:
        self._decide("contest")

    def _decided(self, event: AppraisalEvent, decision: str | None) -> None:
        """Said as it is: a lead's decision is made, on whom it counts for; an appeal only
        goes to the lead."""
        if decision is None:
            return
        if decision == "contest":
            self.notify(
                _("Sent to your lead, who decides on it; until then the event does not count.")
            )
        else:
            said = _("Decision recorded: {kind} about {people} {decision}.").format(
                kind=kind_label(event, self.scheme),
                people=people(event),
                decision=_(DECISIONS[decision]),
            )
            self.app.notify(said, names=[person.name for person in event.counts_for])
        self.reload()

    def action_refresh(self) -> None:
        self.reload()


class StoryBox(VerticalScroll, can_focus=False):
    """The selected event's story under the list, a few lines high: what does not fit scrolls
    (the wheel), and a line under it says so and how to read it whole, never cut silently."""

    def watch_show_vertical_scrollbar(self, shown: bool) -> None:
        self.screen.query_one("#event-more").display = shown


class EventReadScreen(actions.ScopedKeys, ModalScreen[None]):
    """One event read whole (``⏎`` on the list), read-only: the note, every decision with its
    reason and who took it, the state. It tells what the list's line tells, and no more: the
    same event, as visibility let it be read."""

    ACTION_SCOPE = actions.EVENT
    CSS_PATH: ClassVar[list[str]] = ["events.tcss"]

    def __init__(self, story: Text) -> None:
        super().__init__()
        self.story = story

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="event-whole"):
            yield Static(self.story, id="event-whole-text")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#event-whole").focus()  # arrows and Page keys scroll a long one

    def action_close(self) -> None:
        self.dismiss()


class DecisionForm(FormScreen):
    """A decision on an event (or an appeal against it), with the reason that stays on record."""

    def __init__(
        self,
        event: AppraisalEvent,
        decision: str,
        scheme: Scheme,
        seen: AppraisalEvent | None = None,
    ) -> None:
        """``scheme``: the branch's, which names the event's kind; ``seen``: the event as the
        list first showed it, to say what changed since."""
        super().__init__()
        self.event = event
        self.decision = decision
        self.scheme = scheme
        self.seen = seen

    @property
    def SAVE_LABEL(self) -> str:
        return {
            "approve": N_("Approve"),
            "reject": N_("Reject"),
            "uphold": N_("Uphold"),
            "withdraw": N_("Withdraw"),
            "contest": N_("Contest"),
        }[self.decision]

    def heading(self) -> str:
        """The decision, the event and everyone it counts for, and its note."""
        event = self.event
        said = _("{decision}: {at} {kind} about {people}").format(
            decision=_(self.SAVE_LABEL),
            at=event.at[:16],
            kind=kind_label(event, self.scheme),
            people=people(event),
        )
        return with_note(said, event.note)

    def compose_body(self) -> ComposeResult:
        """What changed since the list showed the event, the contest decided on, and what
        the decision does to whom it counts for."""
        changed = changed_since(self.seen, self.event)
        if changed:
            yield Prose("\n".join(changed), id="decision-changed", classes="form-warning")
        contest = contest_line(self.event)
        if contest and contest not in changed:
            yield Prose(contest, id="decision-contest", classes="form-note")
        effect = decision_effect(self.event, self.decision)
        if effect:
            names = [p.name for p in self.event.counts_for]
            yield Prose(effect, id="decision-effect", classes="form-note", names=names)
        yield from super().compose_body()

    def fields(self) -> list[Field]:
        needed = self.decision not in ("approve", "uphold")
        placeholder = N_("why (kept with the event)") if needed else N_("optional")
        return [Field("reason", N_("Reason"), placeholder=placeholder)]

    def ready(self) -> bool:
        return True

    def perform(self, values: dict[str, Any], version: int | None) -> str:
        """The decision taken, for the list to say what came of it."""
        app, event = self.app, self.event
        if self.decision == "contest":
            appraisal.contest(
                app.store,
                app.user,
                event.subject,
                event.id,
                values["reason"],
                now=app.now(),
                scheme=app.scheme_for(app.user.branch),  # whether they are told who decided
            )
            return self.decision
        appraisal.review(
            app.store,
            app.user,
            event.subject,
            event.id,
            self.decision,
            values["reason"],
            now=app.now(),
        )
        return self.decision
