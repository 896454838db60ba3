"""Which preset a branch is appraised by: its lead (or an admin) switches it, on record.

A branch runs the preset its lead chose last, under the config folder's files
(:mod:`storage.schemes`). A file that names a preset of its own, or holds a
whole scheme, decides instead while it is there: the form says so, and a
choice made here is kept for when that file no longer does. Every switch is a
row of the branch's history, shown beneath the choice.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.widgets import Select, Static

from fieldkpi.i18n import _, join_list, ngettext
from fieldkpi.period import Period
from fieldkpi.plain import plain
from fieldkpi.scheme import Scheme, load_preset, preset_names
from screens.form import Field, FormScreen
from screens.labels import N_
from screens.linebreaks import Prose
from screens.loading import reader
from screens.messages import Loaded
from storage.closing import ClosedMonth
from storage.schemes import (
    BranchScheme,
    PresetRefused,
    branch_scheme,
    choose_preset,
    counted_again_by_kind,
)
from storage.typed import FieldErrors


def scheme_summary(scheme: Scheme) -> str:
    """The scheme by its label, then what it is made of: its preset, the files laid over it."""
    parts = [str(scheme.label)]
    if scheme.from_preset:
        parts.append(_("preset {name}").format(name=scheme.preset))
    parts += [Path(layer).name for layer in scheme.files]
    return " · ".join(parts)


def preset_options() -> tuple[list[tuple[str, str]], dict[str, str]]:
    """Each shipped preset by its name and label, and the kind of period it appraises by
    (read in a worker: seven files to check)."""
    presets = {name: load_preset(name) for name in preset_names()}
    options = [(f"{name} — {preset.label}", name) for name, preset in presets.items()]
    return options, {name: preset.period for name, preset in presets.items()}


def counted_again(preset: str, period: Period, closed: list[ClosedMonth]) -> str:
    """Why switching to ``preset`` (of ``period``'s kind) now counts closed work again."""
    return ngettext(
        "{periods} is already closed and lies inside {period}, which {preset} ranks as one "
        "period: its work would count again there. {periods} keeps its frozen figures.",
        "{periods} are already closed and lie inside {period}, which {preset} ranks as one "
        "period: their work would count again there. {periods} keep their frozen figures.",
        len(closed),
    ).format(periods=join_list(str(c.period) for c in closed), period=period, preset=preset)


class SchemeForm(FormScreen):
    """The presets to choose from, the one in force and why, and who chose what before."""

    SAVE_LABEL = N_("Switch")
    CSS_PATH: ClassVar[list[str]] = ["form.tcss", "scheme_choice.tcss"]
    EXPLANATION = N_(
        "The preset decides the KPIs of each role, how they are scored, the grades and the "
        "money, and whether the branch is appraised by month or by quarter. The config "
        "folder's files still apply over it; a closed period keeps the scheme it was closed with."
    )

    def __init__(self, branch: str) -> None:
        super().__init__()
        self.branch = branch
        self.state: BranchScheme | None = None
        self.kinds: dict[str, str] = {}  # each preset's kind of period
        # by kind: the running period of that kind, and the closed periods of the other inside it
        self.inside: dict[str, tuple[Period, list[ClosedMonth]]] = {}

    def heading(self) -> str:
        return _("Scheme of branch {branch}").format(branch=self.branch)

    def compose_body(self) -> ComposeResult:
        yield Prose(_(self.EXPLANATION), classes="form-note")
        yield Static(_("Loading…"), id="scheme-now", classes="form-note")
        yield Static("", id="scheme-override")
        yield from super().compose_body()
        yield Static("", id="scheme-kind", classes="form-note")
        yield Static("", id="scheme-history", classes="form-note")

    def fields(self) -> list[Field]:
        return [
            Field(
                "preset",
                N_("Preset"),
                kind="select",
                placeholder=N_("the preset to run"),
                unchosen=N_("Choose the preset."),
            )
        ]

    def on_mount(self) -> None:
        super().on_mount()
        self._load_state()

    @reader("scheme-state")
    def _load_state(self) -> None:
        app = self.app
        state = branch_scheme(app.store, app.user, self.branch, app.scheme_for)
        inside = counted_again_by_kind(app.store, app.user, self.branch, app.now())
        self.post_message(Loaded(0, (state, *preset_options(), inside)))

    @on(Loaded)
    def _state_loaded(self, message: Loaded) -> None:
        message.stop()
        state, options, self.kinds, self.inside = message.data
        self.state = state
        self.set_select_options("preset", options, state.chosen)
        self._warn_of_kind(state.chosen)
        now = _("The branch runs {scheme}.").format(scheme=scheme_summary(state.scheme))
        self.query_one("#scheme-now", Static).update(plain(now))
        override = self.query_one("#scheme-override", Static)
        override.set_class(bool(state.overridden_by), "-shown")
        if state.overridden_by:
            override.update(plain(overridden_text(state)))
        self.query_one("#scheme-history", Static).update(history_text(state))
        self.now_ready()

    @on(Select.Changed, "#field-preset")
    def _preset_changed(self, event: Select.Changed) -> None:
        self._warn_of_kind(event.value)

    def _warn_of_kind(self, preset: Any) -> None:
        """A preset of another kind of period whose running period holds a closed one: said."""
        line = self.query_one("#scheme-kind", Static)
        kind = self.kinds.get(preset) if isinstance(preset, str) else None
        period, closed = self.inside.get(kind, (None, []))
        warn = self.state is not None and kind != self.state.scheme.period and bool(closed)
        line.update(plain(counted_again(preset, period, closed)) if warn else "")
        line.set_class(warn, "-shown")

    def ready(self) -> bool:
        return self.state is not None

    def perform(self, values: dict[str, Any], version: int | None) -> Any:
        app = self.app
        try:
            choice = choose_preset(app.store, app.user, self.branch, values["preset"], app.now())
        except PresetRefused as exc:
            raise FieldErrors({"preset": str(exc)}) from None
        return _("Branch {branch} now runs the preset {name}.").format(
            branch=choice.branch, name=choice.preset
        )


def overridden_text(state: BranchScheme) -> str:
    """Why the preset chosen here is not the one in force."""
    return _(
        "{file} sets the branch's scheme itself ({name}): while it does, it wins over the "
        "preset chosen here. A choice made here is kept on record and applies once that "
        "file no longer names a preset."
    ).format(file=Path(state.overridden_by or "").name, name=state.scheme.preset)


def history_text(state: BranchScheme) -> Text:
    """Every switch of the branch, latest first: when, who, to which preset."""
    if not state.history:
        return Text(_("Nobody has chosen a preset for this branch: it runs the default."))
    lines = [_("Chosen before:")]
    lines += [
        _("{at} {name}: {preset}").format(at=c.at[:16], name=c.by_name, preset=c.preset)
        for c in reversed(state.history)
    ]
    return plain("\n".join(lines))
