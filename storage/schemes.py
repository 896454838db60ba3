"""Each branch's scheme: the preset its lead chose (kept with its history), and the files over it.

A branch runs a preset of ``fieldkpi/schemes`` (``skyworth`` unless its lead
chose another) overlaid by the config folder's files (``scheme.toml``, then
``scheme-<BRANCH>.toml``, then a ``--scheme`` file); a file naming a
``preset`` of its own wins over the lead's choice. Switching is a row of the
append-only ``branch_presets`` (m013), so who changed the rules when stays on
record; a closed period keeps the scheme it was frozen with.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from fieldkpi import access
from fieldkpi.figures import Person
from fieldkpi.i18n import _, join_list
from fieldkpi.period import PERIOD_KINDS, Period, stamp
from fieldkpi.scheme import DEFAULT_PRESET, Scheme, SchemeError, load_scheme, preset_names
from storage.closing import ClosedMonth, closed_of_other_kind
from storage.db import Store
from storage.errors import StorageError


class PresetRefused(StorageError):
    """A preset that does not exist, or a switch that would change nothing."""


@dataclass(frozen=True)
class PresetChoice:
    branch: str
    preset: str
    at: str
    by: str
    by_name: str


def _preset_history(store: Store, branch: str) -> list[PresetChoice]:
    """Every preset the branch was switched to, oldest first.

    Private: it names who switched, so it is read only through :func:`branch_scheme`,
    which checks that the reader sees the branch's rankings.
    """
    rows = store.query(
        """
        SELECT p.branch, p.preset, p.at, p.by, coalesce(s.name, p.by) AS by_name
        FROM branch_presets p LEFT JOIN staff s ON s.code = p.by
        WHERE p.branch = ? ORDER BY p.id
        """,
        (branch,),
    )
    return [PresetChoice(*row) for row in rows]


def branch_preset(store: Store, branch: str) -> str:
    """The preset the branch's lead chose last; the default if nobody chose one."""
    chosen = store.scalar(
        "SELECT preset FROM branch_presets WHERE branch = ? ORDER BY id DESC LIMIT 1", (branch,)
    )
    return chosen or DEFAULT_PRESET


def choose_preset(
    store: Store, actor: Person, branch: str, preset: str, now: datetime
) -> PresetChoice:
    """The branch's lead (or an admin) switches the branch to another preset, on record."""
    access.check_choose_scheme(actor, branch)
    if preset not in preset_names():
        raise PresetRefused(
            _("There is no preset {name}; the presets are: {names}.").format(
                name=preset, names=join_list(preset_names())
            )
        )
    with store.write_as(actor, now) as db:
        if branch_preset(store, branch) == preset:
            raise PresetRefused(
                _("Branch {branch} already runs {name}.").format(branch=branch, name=preset)
            )
        at = stamp(now.replace(microsecond=0))
        db.execute(
            "INSERT INTO branch_presets (branch, preset, at, by) VALUES (?, ?, ?, ?)",
            (branch, preset, at, actor.code),
        )
    return PresetChoice(branch, preset, at, actor.code, actor.name)


@dataclass(frozen=True)
class BranchScheme:
    """What a branch runs, and why: its lead's choice (on record) and the files over it.

    ``overridden_by`` is the config file that names a preset of its own (or
    holds a whole scheme): while it is there, it decides, whatever the lead chose.
    """

    branch: str
    scheme: Scheme
    chosen: str
    history: list[PresetChoice]
    overridden_by: str | None


def branch_scheme(
    store: Store, actor: Person, branch: str, scheme_for: Callable[[str], Scheme]
) -> BranchScheme:
    """The scheme a branch runs now, for those who see its rankings."""
    access.check_see_rankings(actor, branch)
    history = _preset_history(store, branch)
    chosen = history[-1].preset if history else DEFAULT_PRESET
    scheme = scheme_for(branch)
    overridden_by = scheme.files[0] if scheme.preset != chosen and scheme.files else None
    return BranchScheme(branch, scheme, chosen, history, overridden_by)


def counted_again_by_kind(
    store: Store, actor: Person, branch: str, now: datetime
) -> dict[str, tuple[Period, list[ClosedMonth]]]:
    """By kind of period: the one running at ``now``, and the branch's closed periods of the
    other kind inside it, whose work a switch to a preset of that kind would count again (the
    scheme form warns of it before the switch). Its lead's or an admin's, who switch."""
    access.check_choose_scheme(actor, branch)
    inside = {}
    for kind in PERIOD_KINDS:
        period = Period.of(now, kind)
        closed = closed_of_other_kind(store, branch, kind, period.first_day, period.last_day)
        inside[kind] = (period, closed)
    return inside


def scheme_loader(
    store: Store, files: Callable[[str], Sequence[Path]], explicit: str | Path | None = None
) -> Callable[[str], Scheme]:
    """``scheme_for(branch)``: the branch's preset, then its files; each read once.

    ``files(branch)`` are the config folder's scheme files of the branch. A
    broken file raises :class:`SchemeError` naming it. Branches with the same
    preset and files share one scheme: the whole country is ranked with a
    handful of schemes, not one built for each of its 200 branches.
    """
    cache: dict[tuple[str, tuple[Path, ...]], Scheme] = {}

    def scheme_for(branch: str) -> Scheme:
        # The preset is asked for each time (one indexed row): a lead may switch it while
        # others are signed in, and their screens should follow.
        key = (branch_preset(store, branch), tuple(files(branch)))
        if key not in cache:
            cache[key] = load_scheme(*key[1], explicit, preset=key[0])
        return cache[key]

    return scheme_for


__all__ = [
    "BranchScheme",
    "PresetChoice",
    "PresetRefused",
    "SchemeError",
    "branch_preset",
    "branch_scheme",
    "choose_preset",
    "counted_again_by_kind",
    "scheme_loader",
]
