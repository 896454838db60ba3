"""Modal forms that save through storage and stay open until storage accepts the input.

Every form works the same way: the person's input is read on the main thread
once every key typed before the save key has reached its field
(:func:`after_typed_keys`), a thread worker makes the storage call, and the
worker posts :class:`Saved` or :class:`Refused`. A refusal never clears the
input: field errors appear under their fields, anything else (a conflict, an
impossible step, no right) at the top. After a conflict the form reads the
ticket again and takes its current version, so saving again re-applies the
same input to what the other person left. Closing a form with something typed
in it asks first (:class:`screens.discard.DiscardScreen`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Select, SelectionList, Static

from fieldkpi.i18n import _
from fieldkpi.limits import too_long
from fieldkpi.plain import plain
from fieldkpi.tickets import status_label
from screens import actions, keygate
from screens.breakpoints import take_breakpoints
from screens.closing import ClosesItself
from screens.discard import DiscardScreen
from screens.dropdown import FieldDropdown
from screens.footer import KeyFooter
from screens.labels import N_
from screens.linebreaks import Prose
from screens.loading import answer, reader
from screens.messages import (
    ChoicesLoaded,
    DataChanged,
    LoadFailed,
    Refused,
    Saved,
    TicketLoaded,
)
from screens.text_input import TextInput, made_compact
from screens.ticket_reads import REFUSALS, read_ticket
from storage.errors import Changed
from storage.tickets import HandedAway, Ticket, get_ticket
from storage.typed import FieldErrors


@dataclass(frozen=True)
class Field:
    """One input of a form; ``name`` is the key storage uses in ``FieldErrors.errors``."""

    name: str
    label: str  # English source, translated when shown
    kind: str = "text"  # "text", "select" (one of options) or "multi" (several)
    options: tuple[tuple[str, Any], ...] = ()  # (shown label, value)
    value: Any = ""
    placeholder: str = ""
    restrict: str | None = None
    max_length: int = 0
    # said under a choice left empty when storage refuses the save (storage, given no
    # choice, names a code it does not know): :meth:`FormScreen.said_errors`
    unchosen: str = ""


SLOW_SAVE = 1.0  # seconds after which a save still on its way says what it waits for


def after_typed_keys(screen: Screen, then: Callable[[], None]) -> None:
    """Call ``then`` once every widget of ``screen`` has handled the keys already sent to it.

    Textual runs a priority binding (Ctrl+S, Enter in the picker) the moment
    the app reads its key, but hands every other key to the focused widget's
    own message queue, which that widget works through in its own time. Over
    a fast typist or a slow SSH link the letters typed just before Ctrl+S are
    still waiting there when the save would read the fields, and were lost;
    Tab (also a priority) means they may wait in more than one field. A
    callback queued behind them in each widget runs after them, so ``then``
    sees every one of them, and none typed after the save key.
    """
    widgets = [w for w in screen.walk_children() if w.focusable]
    waiting = len(widgets)

    def one_done() -> None:
        nonlocal waiting
        waiting -= 1
        if waiting == 0:
            screen.call_later(then)

    if not widgets:
        screen.call_later(then)
    for widget in widgets:
        if not widget.call_later(one_done):  # a widget being removed handles no more keys
            one_done()


def handed_away(exc: HandedAway) -> str:
    """What a form says once its ticket went to another engineer: who took it, and that the
    text typed is not lost unasked, nor can it be saved."""
    kept = _("What you typed stays here until you close the form; it can no longer be saved.")
    return f"{exc}\n{kept}"


def ticket_summary(ticket: Ticket) -> str:
    """One line that tells the person which ticket the form acts on."""
    parts = [
        ticket.code,
        status_label(ticket.status),
        ticket.customer,
        ticket.phone,
        ticket.engineer_name,
    ]
    return " · ".join(p for p in parts if p)


class SavingModal(actions.ScopedKeys, ClosesItself, ModalScreen[Any]):
    """The common part of every form: ticket loading, the save worker, refusals.

    ``ticket`` is a loaded :class:`Ticket` (its version is the one the person
    saw), a ticket code (loaded now), or ``None`` for forms not about a ticket.

    It closes by :meth:`ClosesItself.close_self`: a save answers in its own time,
    when F1's help may be over the form (not the discard question: Esc says it is
    still saving, :meth:`action_close`).
    """

    ACTION_SCOPE = actions.FORM
    EXTRA_SCOPES = (actions.APP,)
    CSS_PATH = "form.tcss"
    SAVE_LABEL = N_("Save")

    def __init__(self, ticket: Ticket | str | None = None) -> None:
        super().__init__()
        self._take(ticket)
        self._saving = False
        self._save_waiting = False  # the save key came before the ticket: save once it is in
        self._asking_to_close = False

    def _take(self, ticket: Ticket | str | None) -> None:
        self.ticket: Ticket | None = ticket if isinstance(ticket, Ticket) else None
        self.code: str | None = ticket.code if isinstance(ticket, Ticket) else ticket
        self.version: int | None = self.ticket.version if self.ticket else None

    def about(self, ticket: Ticket | str | None) -> None:
        """A kept form turned to another ticket, as if made for it: nothing of the last one
        is shown, saved or waited for (its summary is this one's, or none until it is read)."""
        for group in ("form-load", "form-choices", "form-check"):  # about the last one
            self.workers.cancel_group(self, group)
        self._take(ticket)
        self._let_go()  # a save of the last one's that never answered holds no key
        self.stay_open()  # nor closes this one
        self._asking_to_close = False
        self.show_message("")
        summary = self.query_one("#form-summary", Static)
        summary.update(plain(ticket_summary(self.ticket) if self.ticket else ""))
        summary.display = self.code is not None

    # --- what a form provides -------------------------------------------------------------

    def heading(self) -> str:
        raise NotImplementedError

    def compose_body(self) -> ComposeResult:
        yield from ()

    def values(self) -> dict[str, Any]:
        """The person's input, read on the main thread."""
        return {}

    def perform(self, values: dict[str, Any], version: int | None) -> Any:
        """The storage call; runs in a worker thread and must not touch widgets."""
        raise NotImplementedError

    def ready(self) -> bool:
        """Whether saving makes sense yet (a ticket form waits for its ticket)."""
        return self.code is None or self.version is not None

    def load_choices(self) -> list[Any] | None:
        """The people to choose from, read in a worker thread (``None``: nothing to load)."""
        return None

    def fill_choices(self, choices: list[Any]) -> None:
        """Put the loaded choices into the form's widgets (main thread)."""

    def typed(self) -> list[str]:
        """The labels of the fields the person has typed into (asked before closing)."""
        return []

    # --- shared machinery ---------------------------------------------------------------

    def compose(self) -> ComposeResult:
        take_breakpoints(self)
        with Vertical(id="form-box"):
            yield Static(plain(self.heading()), id="form-title")
            summary = Static(
                plain(ticket_summary(self.ticket) if self.ticket else ""), id="form-summary"
            )
            summary.display = self.code is not None
            yield summary
            yield Prose("", id="form-message")  # a refusal in Chinese wraps whole
            with VerticalScroll(id="form-body"):
                yield from self.compose_body()
            with Horizontal(id="form-buttons"):
                yield Button(_(self.SAVE_LABEL), id="save", variant="primary")
                yield Button(_("Close"), id="close")
        yield KeyFooter(early=True)

    def on_mount(self) -> None:
        self.start_reads()

    def start_reads(self) -> None:
        """Read the ticket (when only its code is known) and the choices (if the form has any)."""
        if self.code is not None and self.ticket is None:
            self._load_ticket(self.code)
        if type(self).load_choices is not SavingModal.load_choices:
            self._load_choices()

    @reader("form-choices")
    def _load_choices(self) -> None:
        answer(self, ChoicesLoaded(self.load_choices() or []))

    @on(ChoicesLoaded)
    def _choices_loaded(self, message: ChoicesLoaded) -> None:
        message.stop()
        self.fill_choices(message.choices)

    @reader("form-load")
    def _load_ticket(self, code: str) -> None:
        answer(self, read_ticket(self.app, code))

    @on(TicketLoaded)
    def _ticket_loaded(self, message: TicketLoaded) -> None:
        message.stop()
        if message.ticket.code != self.code:
            return  # read for the ticket a kept form was about before (see about())
        self.ticket = message.ticket
        self.version = message.ticket.version
        self.query_one("#form-summary", Static).update(plain(ticket_summary(message.ticket)))
        self.query_one("#form-summary").display = True
        self.ticket_ready(message.ticket)
        self.now_ready()

    def ticket_ready(self, ticket: Ticket) -> None:
        """Hook for forms that fill defaults from the ticket."""

    @on(DataChanged)
    def _someone_saved(self) -> None:
        """Another session saved: a ticket handed to another engineer since the form read it
        is said now, above what was typed (which stays, and is asked about before the form
        closes), not found out by the save. Any other change is left for the save to tell:
        the form keeps the version the person saw."""
        if self.code is not None and self.version is not None and not self._gone():
            self._check_ticket(self.code, self.version)

    @work(thread=True, exclusive=True, exit_on_error=False, group="form-check")
    def _check_ticket(self, code: str, version: int) -> None:
        """Only a hand-over is said: any other refusal of this look (a busy database, a
        ticket gone) would put a message of no use over the form's own, and stop a save
        waiting for the ticket; the save, if made, says it in its place."""
        app = self.app
        try:
            get_ticket(
                app.store, app.user, code, seen=version, now=app.now(), scheme_for=app.scheme_for
            )
        except HandedAway as exc:
            answer(self, LoadFailed(handed_away(exc)))
        except REFUSALS:
            return

    def now_ready(self) -> None:
        """What :meth:`ready` waited for is in: a save key typed before it is acted on now."""
        if self._save_waiting:
            self._save_waiting = False
            self.action_save()

    def _let_go(self) -> None:
        """No save of this form is on its way or waiting any more, without an answer: the
        keys it held are dropped (:meth:`screens.keygate.KeyGate.resume`)."""
        if self._saving or self._save_waiting:
            self._saving = self._save_waiting = False
            self._drop_typed_ahead()

    def dismiss(self, result: Any = None) -> Any:
        """Closed: a save that will not be made holds no key (one made is answered first)."""
        self._let_go()
        return super().dismiss(result)

    @on(LoadFailed)
    def _load_failed(self, message: LoadFailed) -> None:
        message.stop()
        if self._save_waiting:  # nothing to save against; the input stays in the fields
            self._let_go()
        self.show_message(message.message)

    def show_message(self, text: str) -> None:
        box = self.query_one("#form-message", Static)
        box.update(plain(text))
        box.set_class(bool(text), "-shown")

    def action_save(self) -> None:
        """Save what is in the fields once every key typed before the save key is in them.

        A save key typed ahead of the ticket's loading (a slow link, a busy
        server) is kept and acted on when the ticket is in, never dropped.
        """
        if self._saving:
            return
        self.app.keys.pause()  # what is typed behind the save key waits for its answer
        if not self.ready():
            self._save_waiting = True
            return
        self._saving = True
        after_typed_keys(self, lambda: self._save(self.values(), self.version))
        self.set_timer(SLOW_SAVE, self._still_saving)

    def _still_saving(self) -> None:
        """A save waiting for the database's lock (an import holds it while it writes) says so."""
        if self._saving and not self._gone():
            self.show_message(
                _("Saving… waiting for the database, which someone else is writing to.")
            )

    def action_close(self) -> None:
        """Close; when something was typed, only after asking (nothing typed is lost unasked).

        Not while a save is on its way, nor while one waits for its ticket: it
        would still be saved, after the person had been told it was thrown away.
        """
        if self.saving:
            self.show_message(_("Still saving: the form closes by itself once it is saved."))
            return
        if not self._asking_to_close:
            self._asking_to_close = True
            after_typed_keys(self, self._close_or_ask)

    def _close_or_ask(self) -> None:
        typed = self.typed()
        if not typed:
            self.close_self(None)
            return

        def answered(discard: bool | None) -> None:
            self._asking_to_close = False
            if discard:
                self.close_self(None)

        self.app.push_screen(DiscardScreen(typed), callback=answered)

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#close")
    def _close_pressed(self) -> None:
        self.action_close()

    @work(thread=True, exclusive=True, exit_on_error=False, group="form-save")
    def _save(self, values: dict[str, Any], version: int | None) -> None:
        try:
            result = self.perform(values, version)
        except FieldErrors as exc:
            self.post_message(Refused(errors=self.said_errors(exc.errors, values)))
        except HandedAway as exc:  # nothing to read again: it is not theirs to read
            self.post_message(Refused(handed_away(exc)))
        except Changed as exc:
            self.read_again(exc)
            hint = _("Your input is kept: check it and save again to apply it.")
            self.post_message(Refused(f"{exc}\n{hint}"))
        except REFUSALS as exc:
            self.post_message(Refused(str(exc)))
        except Exception as exc:  # the form must stay usable whatever went wrong
            self.post_message(Refused(_("Not saved: {error}").format(error=exc)))
        else:
            self.post_message(Saved(result))

    def said_errors(self, errors: dict[str, str], values: dict[str, Any]) -> dict[str, str]:
        """Hook: a refusal's problems, field by field, as the form says them."""
        return dict(errors)

    def read_again(self, changed: Changed) -> None:
        """What the form's save is typed against, read anew after ``changed`` (in the save's
        worker): a ticket form reads the ticket's current version."""
        if self.code is not None:
            self.post_message(read_ticket(self.app, self.code))

    @property
    def saving(self) -> bool:
        """A save is on its way (asked for, its answer not yet in), or waits for what it is
        typed against (:meth:`now_ready`)."""
        return self._saving or self._save_waiting

    def _gone(self) -> bool:
        """Closed and kept for later (see :meth:`FormScreen.open_again`): what a save
        started before it closed says now is about nothing shown."""
        return self not in self.app.screen_stack

    @on(Refused)
    def _refused(self, message: Refused) -> None:
        """Said on the form; keys typed behind the save key were meant for what would come
        after it, and are not typed into the field the refusal points at."""
        message.stop()
        if self._gone():
            self.app.keys.resume(drop=True)
            return
        self._saving = False
        self.show_message(message.message)
        self.show_errors(message.errors)
        self._drop_typed_ahead()

    def _drop_typed_ahead(self) -> None:
        """The save was refused: every key typed behind its key, meant for what would come
        after it, is dropped and counted (:meth:`screens.keygate.KeyGate.resume`), editing
        keys with the text: the fields keep what was refused."""
        unused = self.app.keys.resume(drop=True)
        if unused:
            self.notify(keygate.not_used(unused), severity="warning")

    def show_errors(self, errors: dict[str, str]) -> None:
        """Hook: forms with fields put each message next to its field."""
        if errors:
            self.show_message("\n".join(errors.values()))

    @on(Saved)
    def _saved(self, message: Saved) -> None:
        """Closed with the result, once it is on top (F1's help may be over it); the screens
        beneath the one it was opened over read again."""
        message.stop()
        if self._gone():
            self.app.keys.resume(drop=False)
            return
        self._saving = False  # its answer is in
        stack = self.app.screen_stack
        at = stack.index(self)
        self.app.tell_screens(0, besides=stack[at - 1 : at + 1])  # the opener has its callback
        self.close_self(message.result)
        self.app.keys.resume(drop=False)  # typed ahead for the screen beneath: theirs now


def shown_options(options: Sequence[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    """Choices with their labels as plain text: names, scheme labels, codes are data."""
    return [(plain(label) if isinstance(label, str) else label, value) for label, value in options]


class FormScreen(SavingModal):
    """A form of labelled fields, each with its own error line beneath it."""

    def fields(self) -> list[Field]:
        raise NotImplementedError

    def compose_body(self) -> ComposeResult:
        self._fields = self.fields()
        self._offered = self._opened_with()
        for spec in self._fields:
            with Horizontal(classes="field-row"):
                yield Label(_(spec.label), classes="field-label")
                yield self._widget(spec)
            if spec.kind == "text" and spec.placeholder:
                yield Prose("", id=f"hint-{spec.name}", classes="field-hint")
            yield Static("", id=f"error-{spec.name}", classes="field-error")

    def _widget(self, spec: Field):
        wid = f"field-{spec.name}"
        if spec.kind == "select":
            return made_compact(
                FieldDropdown(
                    shown_options(spec.options),
                    value=spec.value if spec.value != "" else Select.NULL,
                    prompt=_(spec.placeholder) if spec.placeholder else _("Choose…"),
                    id=wid,
                )
            )
        if spec.kind == "multi":
            return SelectionList(*shown_options(spec.options), id=wid)
        return TextInput(
            value=spec.value,
            placeholder=_(spec.placeholder) if spec.placeholder else "",
            restrict=spec.restrict,
            max_length=spec.max_length,
            id=wid,
            compact=True,
        )

    focus_first: str | None = None  # the field the focus starts in (default: the first)
    _told_on: Widget | None = None  # the button or drop-down typed on that was said about

    @property
    def AUTO_FOCUS(self) -> str:
        """Where the focus starts: given to Textual, which would otherwise focus the
        scrolling body first (styling every field twice over, ~30 ms) before it moved."""
        if self.focus_first:
            return f"#field-{self.focus_first}"
        return "#form-body Input, #form-body Select, #form-body SelectionList, #save"

    def open_again(self, ticket: Ticket | str | None = None) -> None:
        """The form, composed once and kept (by the queue), as if composed anew: about
        ``ticket`` when one is given (the dispatch picker, turned to the next ticket).

        Called before it is shown again: every field back to what it opens
        with (the defaults worked out anew: a time received is the moment it
        opens), no error, no message, the focus in the first field, scrolled
        to the top, and what the form reads read again (a save waits for it).
        Changes made here are not "typed" (no ``Changed`` is sent).
        """
        self.about((self.ticket or self.code) if ticket is None else ticket)
        self.reset_fields()
        self.query_one("#form-body", VerticalScroll).scroll_home(animate=False, immediate=True)
        first = next(w for w in self.query(self.AUTO_FOCUS) if w.focusable)
        self.set_focus(first, scroll_visible=False)
        self.start_reads()

    def reset_fields(self) -> None:
        """Every field back to what it opens with, nothing said under it (no ``Changed``):
        a kept form shown again (:meth:`open_again`)."""
        self._fields = self.fields()
        self._offered = self._opened_with()
        for spec in self._fields:
            widget = self.query_one(f"#field-{spec.name}")
            with widget.prevent(Input.Changed, Select.Changed, SelectionList.SelectedChanged):
                if isinstance(widget, Select):
                    widget.value = spec.value if spec.value != "" else Select.NULL
                elif isinstance(widget, SelectionList):
                    widget.deselect_all()
                else:
                    widget.value = spec.value
            self.say_under(spec.name, None)

    def _opened_with(self) -> dict[str, Any]:
        """What each choice field holds before the person touches it (as :meth:`values`)."""
        return {
            spec.name: [] if spec.kind == "multi" else spec.value
            for spec in self._fields
            if spec.kind != "text"
        }

    def typed(self) -> list[str]:
        """The fields whose content is not what the form opened with: text typed, or a
        choice made (a person or a kind picked is input too, and asked about)."""
        values = self.values()
        return [
            _(spec.label)
            for spec in self._fields
            if (
                values[spec.name] != str(spec.value).strip()
                if spec.kind == "text"
                else values[spec.name] != self._offered[spec.name]
            )
        ]

    @on(Input.Changed, "#form-body Input")
    @on(Select.Changed, "#form-body Select")
    @on(SelectionList.SelectedChanged, "#form-body SelectionList")
    def _field_changed(
        self, event: Input.Changed | Select.Changed | SelectionList.SelectedChanged
    ) -> None:
        """The line under a field speaks of what the field holds now.

        What a save refused goes once the field is changed: it was about input
        no longer there (a phone corrected still read "a phone number is …"
        until the next save). Too long a text is said as it is typed.
        """
        name = (event.control.id or "").removeprefix("field-")
        problem = too_long(name, event.value.strip()) if isinstance(event, Input.Changed) else None
        self.say_under(name, problem)

    @on(TextInput.HintRest, "#form-body Input")
    def _hint_wraps(self, event: TextInput.HintRest) -> None:
        """A hint longer than its box (When on a phone: "now, or HH:MM today") goes on
        under it ("or YYYY-MM-DD HH:MM"), wrapped, while the box shows the hint."""
        name = (event.input.id or "").removeprefix("field-")
        for line in self.query(f"#hint-{name}").results(Prose):
            line.update(Text(event.rest))
            line.set_class(bool(event.rest), "-shown")

    def say_under(self, name: str, text: str | None) -> None:
        """Put ``text`` on the line under the field ``name``; with none, the line goes."""
        line = self.query_one(f"#error-{name}", Static)
        line.update(plain(text or ""))
        line.set_class(bool(text), "-shown")

    def set_select_options(
        self, name: str, options: list[tuple[str, Any]], value: Any = None
    ) -> None:
        """The list ``name`` offers ``options``, ``value`` chosen if among them: what the
        form opens with, which leaving it as it is is not input (:meth:`typed`).

        Filled without a ``Changed``: the fill comes from a read, and a save typed before
        that read is acted on the moment it is in (:meth:`now_ready`). The message
        reached the form only after climbing through the field's containers, on a busy
        machine after that save's refusal, whose line under the field ("already runs
        …") :meth:`_field_changed` then wiped as if the person had changed the field
        since: the save looked as if it had never been typed.
        """
        with self.prevent(Select.Changed):
            self.offer(name, options, value)
        self._offered[name] = self._value_of(name)  # the form's choice, not the person's

    def offer(self, name: str, options: list[tuple[str, Any]], keep: Any = None) -> None:
        """The list ``name`` offers ``options`` instead, ``keep`` still chosen if it is among
        them (else nothing is): what the field held stays the person's, or goes."""
        select = self.query_one(f"#field-{name}", Select)
        select.set_options(shown_options(options))
        if keep is not None and any(v == keep for _label, v in options):
            select.value = keep

    def set_selection_options(self, name: str, options: list[tuple[str, Any]]) -> None:
        selection = self.query_one(f"#field-{name}", SelectionList)
        selection.clear_options()
        selection.add_options(shown_options(options))

    def values(self) -> dict[str, Any]:
        return {spec.name: self._value_of(spec.name) for spec in self._fields}

    def _value_of(self, name: str, widget: Widget | None = None) -> Any:
        """One field's input as :meth:`values` gives it."""
        if widget is None:
            widget = self.query_one(f"#field-{name}")
        if isinstance(widget, Select):
            return "" if widget.value is Select.NULL else widget.value
        if isinstance(widget, SelectionList):
            return list(widget.selected)
        return widget.value.strip()

    def said_errors(self, errors: dict[str, str], values: dict[str, Any]) -> dict[str, str]:
        """Storage's refusal, field by field, with the form's own word for each choice left
        empty (:attr:`Field.unchosen`): every field's problem at once. Storage refuses an
        empty choice itself, so nothing is saved without one."""
        unchosen = {
            spec.name: _(spec.unchosen)
            for spec in self._fields
            if spec.unchosen and not values[spec.name]
        }
        return {**errors, **unchosen}

    def show_errors(self, errors: dict[str, str]) -> None:
        names = {spec.name for spec in self._fields}
        for spec in self._fields:
            self.say_under(spec.name, errors.get(spec.name))
        others = [text for name, text in errors.items() if name not in names]
        if others:
            self.show_message("\n".join(others))
        first = next((spec.name for spec in self._fields if spec.name in errors), None)
        if first:
            self.query_one(f"#field-{first}").focus()

    @on(events.Key)
    @on(events.Paste)
    def _typed_nowhere(self, event: events.Key | events.Paste) -> None:
        """Text typed (or pasted) on a button or a closed drop-down went nowhere, without a
        word: say so, once while the focus stays there, and how to reach a field.

        Only a word: the text is not moved into a field, which from the Save button
        would be the first one, nor are the keys after it held back, so each still
        goes to the focus of its moment (:mod:`screens.keygate`): a Tab typed on
        after it, and the text after that, reach the next field as before. A key
        with a binding here (Space opening the list, ``?`` the help) runs as it did.
        """
        if isinstance(event, events.Key) and (
            not event.is_printable or event.key in self.active_bindings
        ):
            return
        focused = self.focused
        if isinstance(focused, Button):
            said = _("A button takes no typing: Tab moves on to the next field.")
        elif isinstance(focused, Select) and not focused.expanded:
            said = _("A drop-down takes no typing: Space opens its list; Tab moves on.")
        else:
            return
        if focused is not self._told_on:
            self._told_on = focused
            self.notify(said, severity="warning")

    @on(events.DescendantFocus)
    def _focus_moved(self) -> None:
        """Typing on the next button or drop-down the focus reaches is said about again."""
        self._told_on = None

    @on(Input.Submitted)
    def _enter(self, event: Input.Submitted) -> None:
        """Enter moves to the next field; in the last one it saves."""
        event.stop()
        inputs = list(self.query("#form-body Input"))
        if event.input is inputs[-1]:
            self.action_save()
        else:
            self.focus_next()

    @on(FieldDropdown.Submitted)
    def _enter_on_choice(self, event: FieldDropdown.Submitted) -> None:
        """Enter on a drop-down holding a choice moves to the next field, as in a text field;
        in the form's last field it saves. (It moved the focus on to the Save button there:
        Enter on the export's format, chosen, exported nothing.)"""
        event.stop()
        if event.dropdown.id == f"field-{self._fields[-1].name}":
            self.action_save()
        else:
            self.focus_next()
