"""Keys let in one at a time, each to wherever the key before it left the focus.

Textual hands a key, the moment it reads it, to the widget that has the focus
then, into that widget's own queue. A key that opens a form (``x``, ``n``,
Enter) runs its action only when that widget gets to it: by then a fast
typist's next keys, or a second of typing over a slow SSH link, had been
handed to the same widget — the queue — where the letters meant for the
form's first field were lost, or ran as keys of the queue (``m`` toggled
"mine", ``d`` opened the dispatch picker).

So a session lets one key (or paste) in at a time. The next waits until the
one before it has been handled by everything it may reach, and until what it
set off has settled: no node of the screen then current, nor the app, nor one
the key passed on its way up, has a message still waiting. A key's work does
not end with its own handlers: Enter in a drop-down's open menu only posts the
choice, which the menu hands to its field, which takes the focus back a message
later — a Tab typed with it went to the closing menu (and was lost), its text to
the field. A form a key opened has likewise composed and taken the focus. Only
then is the next key handed on, to the focus of that moment. Each key takes the
same time as before; a key typed ahead waits for the ones before it, as it
would have in its widget's queue.

A wait is given up on only once it has stopped: when the session's ticks have
seen it make no progress for :data:`STUCK` seconds (no node it waits for has got
through a message, no node of the screen has been added or mounted: a node
closed under it, a handler that never returns), or when it has lasted
:data:`RESTLESS` seconds, progress or not (a screen never quiet). The next key
is then asked for, once. On the clock alone keys went in early on a loaded
machine, where a form can take over a second to compose: each tick past
:data:`STUCK` asked for another key while the app still waited for the form, and
once it was up they all went in at once, the digits of a time into the field
before the Enter ahead of them had moved the focus on.

A form's save holds every key behind it (:meth:`KeyGate.pause`) until its
answer is in: saved, they go on to the screen the form closes onto, as typed
ahead for it; refused (or never answered), they are all dropped and counted,
so that the form shows what it refused, under its error. Editing keys are
held with the text: Ctrl+A Ctrl+K let through had emptied the refused field
while the time typed after them was dropped, and the next Enter saved an
empty time ("now"). Only the keys that keep the person in control of a save
that waits (for the database's lock, up to :data:`PAUSE_LIMIT` seconds) go
on, ahead of any held (:data:`IN_CONTROL`): Esc says it is still saving;
Ctrl+Q quits; F1 opens the help over the form (which closes once the help
has, if saved), and the keys held after it, typed with the help open, go to
the help. The screens' own function keys (F2–F7 go to other screens) and
Ctrl+P's commands wait: they act on what the save has yet to decide.

A key that would have opened a form and was refused sets aside what was typed
behind it, meant for the form: the keys waiting then, and the typing that
follows until it stops (:data:`SETTLE` seconds without a typed key). Keys reach
the session as they were typed, a tenth of a second apart, and the refusal is
handled long before the next: the rest of a reason would otherwise run as the
screen's own keys. What sets aside is typing (:func:`typing`); Esc, arrows,
function keys and Ctrl keys are commands and go on.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable
from time import monotonic

from textual import events
from textual.dom import DOMNode

from fieldkpi.i18n import ngettext
from screens import actions
from storage.db import BUSY_TIMEOUT_S

STUCK = 1.0  # seconds a key's wait may show no progress before the next key is let in anyway
RESTLESS = 10.0  # seconds a key's wait may last, progress or not: a screen never quiet
# Seconds a pause may hold the keys: longer than a save may wait for the database's lock.
PAUSE_LIMIT = BUSY_TIMEOUT_S + 5
SETTLE = 0.6  # seconds without a typed key that end a burst being set aside
# Keys that type into a form besides characters: they are set aside with the text.
TYPING_KEYS = frozenset({"enter", "tab", "backspace", "delete"})
# Actions whose keys (after the person's keymap; a character is typing) reach a form while
# its save is on its way.
IN_CONTROL = ("form.close", "app.quit", "app.help")


def not_used(count: int) -> str:
    """What a refusal adds about the ``count`` keys typed behind it that were set aside."""
    return ngettext(
        "{count} key typed after it was not used.",
        "{count} keys typed after it were not used.",
        count,
    ).format(count=count)


def refuse_key(screen, event: events.Key, reason: str, title: str) -> None:
    """A key that would have opened a form, refused: ``reason`` said, and what was typed
    behind it (the form's text) set aside, not run as ``screen``'s keys."""
    event.stop()
    event.prevent_default()
    unused = screen.app.keys.set_aside()
    if unused:
        reason = f"{reason} {not_used(unused)}"
    screen.notify(reason, title=title, severity="warning")


def typing(event: events.Event) -> bool:
    """Whether ``event`` is text typed (or pasted) into a form, not a command key."""
    if isinstance(event, events.Paste):
        return True
    return isinstance(event, events.Key) and (event.is_printable or event.key in TYPING_KEYS)


class KeyGate:
    """One session's keys: :meth:`admit` each as it is read, :meth:`passed` once it has been
    handed to a node; :meth:`tick` with the session's timer."""

    def __init__(self, app, let_in: Callable[[events.Event], Awaitable[None]]) -> None:
        self.app = app
        self._let_in = let_in  # hands a key on as Textual would, then calls passed()
        self.held: deque[events.Event] = deque()
        self._since: float | None = None  # when the key being handled was let in
        self._turn = 0  # which key that is: a wait given up on (tick) says nothing after
        self._owed: set[DOMNode] = set()  # the nodes its wait waits for (_settle)
        self._reached_count = 0  # how many nodes waited for have got to the gate's turn
        self._seen: tuple[tuple, dict[DOMNode, int]] | None = None  # at the last tick (_progress)
        self._still: float | None = None  # the first tick that saw it no further on
        self._asked = False  # the next key is asked of the app (_call_next): once is enough
        self._aside_until = 0.0  # keys before then are the refused form's: set aside
        self._late = 0  # how many were, since the refusal was shown
        self._paused: float | None = None  # since when a save holds the keys (pause)
        self._in_control = frozenset(
            key
            for action in actions.ACTIONS
            if action.id in IN_CONTROL
            for key in actions.keys_of(action, app.keymap)
        )

    @property
    def quiet(self) -> bool:
        """No key is being handled, and none waits its turn (tests wait for this)."""
        return self._since is None and not self.held

    def admit(self, event: events.Event) -> bool:
        """Whether ``event`` goes on now; if not, it waits its turn (or is set aside)."""
        now = monotonic()
        if now < self._aside_until and typing(event):
            self._aside_until = now + SETTLE
            self._late += 1
            return False
        if self._since is not None or self._held_by_pause(event):
            self.held.append(event)
            return False
        self._start()
        return True

    def _held_by_pause(self, event: events.Event) -> bool:
        """Every key waits out a pause but those that keep the person in control: Esc, Ctrl+Q,
        F1 go to the form whose save it is, ahead of the keys held."""
        return self._paused is not None and not self.in_control(event)

    def in_control(self, event: events.Event) -> bool:
        """Whether ``event`` is a key of :data:`IN_CONTROL`, as the person's keymap binds it,
        not a character: ``?`` (help elsewhere) types a question mark into a form's field."""
        return (
            isinstance(event, events.Key)
            and not event.is_printable
            and event.key in self._in_control
        )

    def pause(self) -> None:
        """Hold every key from the next on until :meth:`resume`, but Esc, Ctrl+Q and F1: a
        save on its way decides where what was typed behind it goes."""
        self._paused = monotonic()

    def resume(self, *, drop: bool) -> int:
        """Let the held keys go on (the save was made), or drop them all (it was refused, or
        never answered); how many were dropped.

        All of them: a burst's editing keys applied without its text would leave
        the field showing neither what was refused nor what was typed after it.
        Only those held: a key typed once the refusal is on screen is the
        person's answer to it, however soon (a test types it at once), and goes
        on. (An Esc, Ctrl+Q or F1 held only while the key before it was handled
        is not dropped: it would have gone on.)
        """
        if self._paused is None:
            return 0
        self._paused = None
        dropped = 0
        if drop:
            kept = deque(event for event in self.held if self.in_control(event))
            dropped = len(self.held) - len(kept)
            self.held = kept
        if self._since is None:
            self._call_next()
        return dropped

    def _start(self) -> None:
        self._since = monotonic()
        self._turn += 1
        self._owed = set()
        self._seen = self._still = None

    def passed(self, target: DOMNode) -> None:
        """The key was handed to ``target``: the next goes once the key, and what it set off,
        has been handled (:meth:`_settle`)."""
        self._look(self._turn, [*target.ancestors_with_self])

    def _look(self, turn: int, path: list[DOMNode]) -> None:
        """:meth:`_settle` between the nodes' turns (``call_soon``), not from a node's queue:
        a node holds the message after the one it is handling out of its queue (Textual
        8.2 peeks at it to merge the two), so a look from there missed the choice a
        drop-down's menu was about to hand to its field. Between turns a node holds one only
        while a handler of its own awaits something."""
        asyncio.get_running_loop().call_soon(self._settle, turn, path)

    def _settle(self, turn: int, path: list[DOMNode]) -> None:
        """Let the next key in once no node of the current screen, nor the app, nor one of the
        key's ``path`` has a message waiting; else look again once each that had one has
        worked through it.

        Reads Textual's ``message_queue_size`` (public in textual 8.2). A node
        that takes no more messages (being removed) is not waited for.
        """
        if turn != self._turn:
            return  # given up on (tick): the next key went in already
        self._owed = set()
        for node in {*path, *self.app.screen.walk_children(with_self=True)}:
            if node.message_queue_size and node.call_later(self._reached, turn, path, node):
                self._owed.add(node)
        if not self._owed:
            self._call_next()

    def _reached(self, turn: int, path: list[DOMNode], node: DOMNode) -> None:
        """``node`` has worked through what it held when :meth:`_settle` looked: once every
        node it waits for has, look again."""
        if turn != self._turn:
            return
        self._reached_count += 1
        self._owed.discard(node)
        if not self._owed:
            self._look(turn, path)

    def _call_next(self) -> None:
        """Ask the app for the next key, once until it is let in: asked twice, two keys went
        in at once, the second before the first had been handled."""
        if not self._asked:
            self._asked = True
            self.app.call_later(self._next)

    async def _next(self) -> None:
        self._asked = False
        event = self._take_next()
        if event is None:
            self._since = None  # nothing waits, or what waits waits out the pause
            return
        self._start()
        await self._let_in(event)

    def _take_next(self) -> events.Event | None:
        """The held key whose turn it is: the first; in a pause, the first that keeps the
        person in control (:meth:`in_control`), the rest waiting for the save's answer."""
        if self._paused is None:
            return self.held.popleft() if self.held else None
        for index, event in enumerate(self.held):
            if self.in_control(event):
                del self.held[index]
                return event
        return None

    def _stuck(self, now: float) -> bool:
        """Whether the key being handled has kept the next waiting long enough: the ticks
        have seen its wait no further on (:meth:`_progress`) for :data:`STUCK` seconds, or
        it has lasted :data:`RESTLESS`.

        Counted from the first tick that saw no progress, not from the last that
        saw some: a tick comes when the session gets to it, and one that comes
        late (a handler held the session, the machine was busy with others)
        finds little done in the time it was held, which says nothing of the wait.
        """
        done, holding = self._progress()
        if self._seen is None or self._moved(done, holding):
            self._still = None
        elif self._still is None:
            self._still = now
        self._seen = (done, holding)
        stopped = self._still is not None and now - self._still >= STUCK
        return stopped or now - self._since >= RESTLESS

    def _progress(self) -> tuple[tuple, dict[DOMNode, int]]:
        """How far the key's wait has got, as a tick sees it: how many nodes have got to the
        gate's turn, the current screen and how many of its nodes are added and mounted
        (a form being composed adds and mounts its fields one by one while the app waits
        for it, and no node the wait waits for gets through anything meanwhile); and how
        many messages each node it still waits for holds."""
        screen = self.app.screen
        nodes = list(screen.walk_children(with_self=True))
        done = (self._reached_count, screen, len(nodes), sum(node.is_mounted for node in nodes))
        return done, {node: node.message_queue_size for node in self._owed}

    def _moved(self, done: tuple, holding: dict[DOMNode, int]) -> bool:
        """Whether the wait has got further since the last tick: a node has got to the gate's
        turn, one been added or mounted, or one it waits for holds fewer messages. One that
        holds more has got no further: the app, waiting for a form to be up, gathers them."""
        last_done, last_holding = self._seen
        return done != last_done or any(
            size < last_holding.get(node, size) for node, size in holding.items()
        )

    def set_aside(self) -> int:
        """Drop the keys waiting behind the one being handled, and say how many; those that
        arrive until the typing stops are dropped too, and :meth:`tick` says how many.

        For a key that would have opened a form and was refused: what was typed
        on behind it was the form's text, and let in as the screen's own keys
        its letters would dispatch, cancel or open other forms ("reason" ends
        in ``n``, a new ticket).
        """
        count = len(self.held)
        self.held.clear()
        self._aside_until = monotonic() + SETTLE
        return count

    def tick(self) -> None:
        """Let the next key in if the wait for the one before has stopped (:meth:`_stuck`);
        once a burst set aside has ended, say how many of its keys came after the refusal."""
        now = monotonic()
        stale = self._paused is not None and now - self._paused > PAUSE_LIMIT
        # a save that never answered: what was typed behind it was not for this screen
        if stale and (dropped := self.resume(drop=True)):
            self.app.notify(not_used(dropped), severity="warning")
        if self._since is not None and not self._asked and self._stuck(now):
            self._turn += 1  # what that key's wait says when it ends is old news
            self._call_next()
        if self._late and now >= self._aside_until:
            late, self._late = self._late, 0
            said = ngettext(
                "{count} more key typed after it was not used.",
                "{count} more keys typed after it were not used.",
                late,
            )
            self.app.notify(said.format(count=late), severity="warning")
