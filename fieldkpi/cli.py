"""The ``fieldkpi`` command: the one place that wires storage, the domain and the screens.

Exit status: 0 done, 2 bad input (with a message naming what and where), 1
anything else. Bad input never shows a Python traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import getpass
import itertools
import os
import shutil
import signal
import sqlite3
import sys
import tempfile
import threading
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import NoReturn

from rich.cells import cell_len

from fieldkpi import paths
from fieldkpi.cleantext import clean_name
from fieldkpi.file_errors import file_problem
from fieldkpi.i18n import (
    LANGUAGES,
    _,
    current_language,
    join_list,
    ngettext,
    route_stdlib_messages,
    set_language,
)
from fieldkpi.linebreaks import line_starts
from fieldkpi.period import Judgement, Period, judge, stamp
from fieldkpi.scheme import Scheme, SchemeError, load_scheme

EXIT_BAD_INPUT = 2
# ``--headers``: the documented column names, or the source's Chinese terms.
HEADER_CHOICES = ("names", "zh")
EXIT_FAILED = 1


class UserError(Exception):
    """Bad input from the command line: printed as one line, exit status 2."""


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    set_language(requested_language(argv))  # before the parser: its help is translated
    route_stdlib_messages()
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except UserError as exc:
        print(f"fieldkpi: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return EXIT_FAILED
    except sqlite3.DatabaseError as exc:  # a damaged file, found only when a page was read
        from storage.maintenance import damage_message

        message = damage_message(exc)
        if message is None:
            raise
        print(f"fieldkpi: {db_path(args)}: {message}", file=sys.stderr)
        return EXIT_FAILED


def requested_language(argv: Sequence[str]) -> str | None:
    """``--lang`` from the command line, read before parsing; ``None`` for the environment's.

    A value that is no language is left for the parser to refuse.
    """
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        if arg.startswith("--lang="):
            value = arg.removeprefix("--lang=")
        elif arg == "--lang" and i + 1 < len(argv):
            value = argv[i + 1]
        else:
            continue
        return value if value in LANGUAGES else None
    return None


def _options(*, user: bool, default) -> argparse.ArgumentParser:
    """``--db``/``--lang`` (and ``--as``) for one parser.

    The top level and each command get their own copies: argparse shares a
    parent's option objects, so a default set on one would override a value
    given to the other (``fieldkpi --db X rank`` must use X).
    """
    options = argparse.ArgumentParser(add_help=False)
    options.add_argument(
        "--db",
        default=default,
        help=_("database file (default: $FIELDKPI_DB, else a per-user database)"),
    )
    options.add_argument(
        "--lang",
        choices=LANGUAGES,
        default=default,
        help=_("language of screens and messages (default: from $LC_ALL / $LANG)"),
    )
    if user:
        options.add_argument("--as", dest="login", default=default, help=_("staff login"))
    return options


def build_parser() -> argparse.ArgumentParser:
    common = _options(user=False, default=argparse.SUPPRESS)
    user = _options(user=True, default=argparse.SUPPRESS)
    parser = argparse.ArgumentParser(
        prog="fieldkpi",
        description=_("After-sales field service tickets and monthly KPI appraisal."),
        parents=[_options(user=True, default=None)],
    )
    parser.set_defaults(run=run_tui)
    commands = parser.add_subparsers(dest="command", metavar=_("COMMAND"))

    tui = commands.add_parser("tui", parents=[user], help=_("open the TUI (the default)"))
    tui.set_defaults(run=run_tui)

    demo = commands.add_parser(
        "demo",
        parents=[user],
        help=_("open the TUI on a private copy of sample.db"),
        description=_(
            "The TUI on a private copy of sample.db, on the sample's own clock. --as takes a "
            "login of the sample or a role: rep, engineer, lead or admin (default: lead)."
        ),
    )
    demo.set_defaults(run=run_demo)

    from storage.csvrows import KINDS

    load = commands.add_parser(
        "import",
        parents=[common],
        help=_("load CSV files"),
        description="\n".join(
            wrap(
                _(
                    "Load CSV files in one transaction: if any row of any file is bad, nothing is "
                    "written and every bad row is listed as FILE:LINE: column: reason "
                    "(FILE:LINE: reason for a whole row or file) (exit status 2)."
                )
            )
        ),
        epilog=import_columns_help(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    load.add_argument("files", nargs="+", metavar="FILE.csv")
    load.add_argument(
        "--kind",
        choices=tuple(KINDS),
        help=_("the kind of every file (default: told apart by the header)"),
    )
    load.add_argument(
        "--again",
        action="store_true",
        help=_(
            "import files of actions, problems, deductions or scores even if they were "
            "imported before (their rows then count twice; scores are entered again as the "
            "newest)"
        ),
    )
    load.add_argument(
        "--force",
        action="store_true",
        help=_(
            "apply ticket rows that would undo work done in the TUI since the last import "
            "(refused without it)"
        ),
    )
    load.set_defaults(run=run_import)

    rank = commands.add_parser("rank", parents=[user], help=_("print the month's rankings"))
    period = rank.add_mutually_exclusive_group()
    period.add_argument("--month", help=_("YYYY-MM (required unless --quarter or --merge)"))
    period.add_argument("--quarter", help=_("YYYY-Qn, for schemes appraised by quarter"))
    rank.add_argument(
        "--merge",
        nargs="+",
        metavar="FILE",
        help=_("combine the CSV/TOML files `fieldkpi rank` exported (one per branch or region)"),
    )
    rank.add_argument("--branch", help=_("branch code (default: every branch)"))
    rank.add_argument("--role", choices=("rep", "engineer"))
    rank.add_argument("--as-of", dest="as_of", help=_('"YYYY-MM-DD HH:MM:SS" (default: month end)'))
    rank.add_argument("--format", choices=("table", "csv", "toml", "xlsx"), default="table")
    rank.add_argument(
        "--headers",
        choices=HEADER_CHOICES,
        help=_(
            "column headings of csv and xlsx: the documented names, or Chinese "
            "(default: names; for xlsx, Chinese when the language is zh)"
        ),
    )
    rank.add_argument("-o", "--output", help=_("write to this file instead of standard output"))
    rank.add_argument("--scheme", help=_("scheme TOML file applied over the defaults"))
    rank.set_defaults(run=run_rank)

    sample = commands.add_parser(
        "make-sample",
        parents=[common],
        help=_("regenerate the demo database deterministically"),
        description=_(
            "Build the demo database at PATH (or --db), else regenerate the project's "
            "sample.db. A file that exists is replaced only if it is sample.db itself."
        ),
    )
    sample.add_argument("path", nargs="?", metavar="PATH")
    sample.set_defaults(run=run_make_sample)

    backup = commands.add_parser(
        "backup", parents=[common], help=_("copy the database safely while others work")
    )
    backup.add_argument("dest", metavar="DEST", help=_("backup file, or a folder for a dated name"))
    backup.set_defaults(run=run_backup)

    check = commands.add_parser(
        "check", parents=[common], help=_("integrity and foreign-key checks; exit 1 on problems")
    )
    check.set_defaults(run=run_check)

    scheme = commands.add_parser(
        "scheme", parents=[common], help=_("the appraisal schemes: list, show or check one")
    )
    verbs = scheme.add_subparsers(dest="verb", metavar=_("ACTION"), required=True)
    verbs.add_parser("list", parents=[common], help=_("the shipped presets")).set_defaults(
        run=run_scheme_list
    )
    show = verbs.add_parser("show", parents=[common], help=_("a preset, as TOML"))
    show.add_argument("name", metavar=_("NAME"))
    show.set_defaults(run=run_scheme_show)
    check_scheme = verbs.add_parser(
        "check", parents=[common], help=_("check a scheme file; every problem with its key")
    )
    check_scheme.add_argument("file", metavar=_("FILE"))
    check_scheme.add_argument(
        "--month", help=_("with --db: list the entered values this period still lacks")
    )
    check_scheme.add_argument("--quarter", help=_("… or this quarter"))
    check_scheme.add_argument("--branch", help=_("… for this branch only (default: every branch)"))
    check_scheme.set_defaults(run=run_scheme_check)
    return parser


def db_path(args: argparse.Namespace) -> Path:
    return Path(args.db) if args.db else paths.default_db()


@contextlib.contextmanager
def user_path(path: str | os.PathLike):
    """Reading or writing a path the person gave (``-o``, a database, a sample's file).

    Whatever the system refuses (a missing folder, a folder where a file was
    meant, no permission) is bad input: one line naming the path and why, in
    the person's language, exit status 2; never a traceback.
    """
    try:
        yield
    except OSError as exc:
        raise UserError(file_problem(path, exc)) from exc


@contextlib.contextmanager
def unusable_is_bad_input(path: Path):
    """A database file that cannot be used is a one-line error (exit status 2)."""
    from storage.errors import DatabaseUnusable

    try:
        with user_path(path):
            yield
    except DatabaseUnusable as exc:
        raise UserError(str(exc)) from exc


def open_db(args: argparse.Namespace, *, must_exist: bool = False):
    """The store for ``--db`` (or the default).

    A command that only reads (``must_exist``) refuses a file that is not
    there: a mistyped path would otherwise make an empty database and
    report on nothing. A new database is made only in a folder that exists
    (``open_store`` refuses one that does not: a typo in ``--db`` or
    ``$FIELDKPI_DB`` makes no folders), except the per-user default's, which
    is fieldkpi's own to make on first use.
    """
    from storage.db import open_store

    path = db_path(args)
    if must_exist and not path.exists():
        raise UserError(_("{path}: no such database").format(path=path))
    if path == paths.user_db():
        with user_path(path.parent):
            path.parent.mkdir(parents=True, exist_ok=True)
    with unusable_is_bad_input(path):
        return open_store(path)


def import_columns_help() -> str:
    """Each kind of import file with its columns, for ``fieldkpi import --help``.

    Read from the definitions the importer checks files against
    (:data:`storage.csvrows.KINDS`), so the help cannot drift from them.
    """
    from storage.csvrows import KINDS

    width = max(len(name) for name in KINDS) + 2
    lines = [_("Kinds of file and their columns (* required; any order; empty cell = no value):")]
    for kind in KINDS.values():
        cells = []
        for column in kind.columns:
            hint = f" ({_(column.hint)})" if column.hint else ""
            cells.append(column.name + ("*" if column.required else "") + hint)
        lines += wrap(", ".join(cells), f"  {kind.name:<{width}}")
    lines += wrap(
        _(
            "A time is YYYY-MM-DD HH:MM[:SS] (also with / and T), a date YYYY-MM-DD. Files "
            "are UTF-8, with or without a BOM; the first row is the header."
        )
    )
    return "\n".join(lines)


def wrap(text: str, label: str = "", width: int = 79) -> list[str]:
    """``text`` in lines of at most ``width`` terminal cells, after ``label`` on the first
    and as many spaces on the others: broken where :mod:`fieldkpi.linebreaks` lets a line
    end, as on the screens (at spaces; in Chinese between characters, a closing mark never
    first on a line)."""
    indent = " " * cell_len(label)
    bounds = [0, *line_starts(text, max(1, width - len(indent))), len(text)]
    lines = [text[start:end].rstrip() for start, end in itertools.pairwise(bounds)]
    return [label + lines[0], *(indent + line for line in lines[1:])]


def run_import(args: argparse.Namespace) -> int:
    from storage.importer import ImportFailed, ImportRejected, import_files, import_rules

    missing = [f for f in args.files if not Path(f).is_file()]
    if missing:
        raise UserError(_("no such file: {files}").format(files=join_list(missing)))
    store = open_db(args)
    try:
        adjustment_kinds, entered_metrics = import_rules(scheme_loader(store))
        report = import_files(
            store,
            args.files,
            kind=args.kind,
            progress=_progress(),
            again=args.again,
            force=args.force,
            adjustment_kinds=adjustment_kinds,
            entered_metrics=entered_metrics,
        )
    except ImportRejected as exc:
        _end_progress()
        print(exc, file=sys.stderr)
        print(
            ngettext(
                "{n} bad row: nothing was imported", "{n} bad rows: nothing was imported", exc.count
            ).format(n=exc.count),
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
    except ImportFailed as exc:
        _end_progress()
        print(f"fieldkpi: {exc}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        store.close()
    _end_progress()
    for kind, counts in report.counts.items():
        print(
            _("{kind}: {added} added, {updated} updated").format(
                kind=kind, added=counts.get("added", 0), updated=counts.get("updated", 0)
            )
        )
    if report.closed is not None:
        report_closed_rows(report.closed)
    return 0


def report_closed_rows(closed) -> None:
    """Say on standard error which rows were dated in a closed period, and whose.

    They are taken (a closed period's frozen figures stand, and its lead sees
    the difference from them: kpi-rules.md's time principle), but whoever
    imports them should know, as the TUI says it to a lead typing such a time.
    """
    periods = join_list(
        _("{period} for {branch}").format(period=period, branch=branch)
        for branch, period in closed.periods
    )
    print(
        ngettext(
            "{n} row is dated in a closed period ({periods}): its frozen figures stand, "
            "and the lead sees the difference from them.",
            "{n} rows are dated in closed periods ({periods}): their frozen figures stand, "
            "and the lead sees the difference from them.",
            closed.count,
        ).format(n=closed.count, periods=periods),
        file=sys.stderr,
    )
    rows = closed.first
    if closed.more:
        rows = [
            *rows,
            ngettext("… and {n:,} more", "… and {n:,} more", closed.more).format(n=closed.more),
        ]
    print("  " + ", ".join(rows), file=sys.stderr)


def _progress():
    """A one-line counter on a terminal; silent when output goes to a file."""
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int | None, step: str = "") -> None:
        if step == "checking":
            text = _("importing… {rows:,} rows read, checking them").format(rows=done)
        elif step == "writing":
            text = _("importing… {rows:,} rows checked, writing them").format(rows=done)
        else:
            rows = f"{done:,} / {total:,}" if total else f"{done:,}"
            text = _("importing… {rows} rows").format(rows=rows)
        print("\r\033[K" + text, end="", file=sys.stderr)

    return show


def _end_progress() -> None:
    if sys.stderr.isatty():
        print("\r\033[K", end="", file=sys.stderr)


def scheme_loader(store, explicit: str | None = None):
    """Each branch's scheme: its preset, the config folder's files, then ``--scheme``.

    A broken file is bad input (exit 2), reported when a branch first needs it.
    """
    from storage.schemes import scheme_loader as loader

    load = loader(store, paths.scheme_files, explicit)

    def scheme_for(branch: str) -> Scheme:
        try:
            return load(branch)
        except SchemeError as exc:
            raise UserError(str(exc)) from exc

    return scheme_for


def parse_as_of(text: str | None) -> datetime | None:
    if text is None:
        return None
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            return datetime.strptime(text.strip(), fmt)
        except ValueError:
            continue
    raise UserError(
        _('--as-of: {text!r} is not a time like "2026-10-31 23:59:59"').format(text=text)
    )


def period_of(args: argparse.Namespace) -> Period | None:
    """``--month`` or ``--quarter`` as a period; None when neither is given."""
    for option, text in (("--month", args.month), ("--quarter", args.quarter)):
        if text:
            try:
                period = Period.parse(text)
            except ValueError as exc:
                raise UserError(f"{option}: {exc}") from exc
            if (option == "--quarter") != (period.kind == "quarter"):
                raise UserError(
                    _("{option}: {text!r} is not a {kind}").format(
                        option=option, text=text, kind=period_word(option.lstrip("-"))
                    )
                )
            return period
    return None


def judged(period: Period, as_of: datetime | None = None) -> Judgement:
    """The period judged now (or at ``--as-of``), for every command that reads one: a period
    not begun yet, or an as-of outside it, is bad input, refused in the same words."""
    try:
        return judge(period, datetime.now(), as_of)
    except ValueError as exc:
        raise UserError(str(exc)) from exc


def period_word(kind: str) -> str:
    """A kind of period (a scheme's ``period``: ``month``, ``quarter``) in the language."""
    return _("quarter") if kind == "quarter" else _("month")


@contextlib.contextmanager
def collector_paused():
    """No cyclic garbage collection while a ranking is made and written.

    The whole country's ranking makes about a million small objects (exact
    fractions, rows) that all live until the file is written; the cycle
    collector would walk them again and again (a third of the ranking's time,
    bench/README.md) while none of them is cyclic garbage. Reference counting
    frees as usual.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def run_rank(args: argparse.Namespace) -> int:
    with collector_paused():
        return _run_rank(args)


def _run_rank(args: argparse.Namespace) -> int:
    from storage.closing import changed_people, closed_months, rankings_for, schemes_in_force

    refuse_database_as_output(args)
    if args.merge:
        return run_merge(args)
    period = period_of(args)
    if period is None:
        raise UserError(_("--month YYYY-MM or --quarter YYYY-Qn is required (or --merge FILE…)"))
    judgement = judged(period, parse_as_of(args.as_of))
    store = open_db(args, must_exist=True)
    try:
        closings = closed_months(store, period, args.branch)  # each read (and parsed) once
        scheme_for = schemes_in_force(scheme_loader(store, args.scheme), closings)
        codes = branches_to_rank(store, args.branch, scheme_for, period)
        viewer = viewer_of(store, args.login)
        refuse_unseen_branch(viewer, args.login, args.branch)
        roles = [args.role] if args.role else ("rep", "engineer")
        rows = rankings_for(  # a closed period shows its frozen rows
            store, judgement, scheme_for, branch=args.branch, roles=roles, closings=closings
        )
        for code, closed in sorted(closings.items()):
            if code not in codes or not sees_branch(viewer, code):
                continue
            if closed.as_of != judgement.as_of:  # --as-of another moment: ranked live
                report_judged_live(closed, judgement)
                continue
            # who changed, of the roles asked for: its frozen rows are those ranked
            frozen = [row for row in rows if row.branch == code]
            changed = changed_people(store, code, period, closed=closed, frozen=frozen, roles=roles)
            changed = {c: n for c, n in changed.items() if may_see(viewer, c, code)}
            report_closed(closed, changed, own=not sees_branch(viewer, code, whole=True))
        wanted = set(codes)
        rows = [
            row
            for row in rows
            if row.branch in wanted and may_see(viewer, row.staff_code, row.branch)
        ]
        report_missing_entries(store, rows, judgement)
        report_left_holders(store, viewer, [c for c in codes if sees_branch(viewer, c, whole=True)])
        names = dict(store.query("SELECT code, coalesce(name, code) FROM branches"))
    finally:
        store.close()

    def table() -> str:
        from fieldkpi.table import render_table

        return render_table(rows, names, judgement, color=not args.output and sys.stdout.isatty())

    return write_rows(rows, args, table)


def refuse_database_as_output(args: argparse.Namespace) -> None:
    """``-o`` never names the database or a companion of it: a ranking written there
    destroyed the database (the TUI's exports are kept off them the same way)."""
    from fieldkpi.export_files import protected_paths

    if args.output and Path(args.output).resolve() in protected_paths(db_path(args)):
        raise UserError(
            _(
                "{path}: that is the database (or its -wal, -shm or -journal): "
                "-o names the file the ranking is written to"
            ).format(path=args.output)
        )


def branches_to_rank(store, branch: str | None, scheme_for, period: Period) -> list[str]:
    """The branches a ranking of ``period`` covers; each one's scheme read first.

    A scheme file with a mistake is refused even when the period is closed
    and its frozen figures would be printed: the file is wrong either way.
    A closed period is ranked whatever kind of period the branch's scheme has now
    (``scheme_for`` gives it the scheme it was closed with:
    :func:`storage.closing.schemes_in_force`).
    """
    from storage.measures import branch_codes

    codes = branch_codes(store)
    if branch is not None and branch not in codes:
        raise UserError(_("unknown branch {code}").format(code=branch))
    codes = [branch] if branch else codes
    kinds = {code: scheme_for(code).period for code in codes}
    if codes and all(kind != period.kind for kind in kinds.values()):
        kind = next(iter(kinds.values()))
        raise UserError(
            ngettext(
                "{branches} appraises by {period}: use --{option} instead",
                "{branches} appraise by {period}: use --{option} instead",
                len(codes),
            ).format(branches=join_list(codes), period=period_word(kind), option=kind)
        )
    return [code for code in codes if kinds[code] == period.kind]


def viewer_of(store, login: str | None):
    """The person ``--as`` names, whose rights limit what is printed; None: the file's owner."""
    if login is None:
        return None
    from storage.people import staff_by_login

    person = staff_by_login(store, login)
    if person is None:
        raise UserError(_("no staff member has the login {login!r}").format(login=login))
    return person


def sees_branch(viewer, branch: str, *, whole: bool = False) -> bool:
    """Whether ``--as`` sees anything of the branch (their own), or its ``whole`` ranking."""
    if viewer is None:
        return True
    from fieldkpi import access

    return access.can_see_rankings(viewer, branch) or (not whole and viewer.branch == branch)


def refuse_unseen_branch(viewer, login: str | None, branch: str | None) -> None:
    """``--branch`` of a branch ``--as`` sees nothing of is refused, never ranked as empty:
    "nobody to rank" read as if the branch had nobody, when it was not theirs to see."""
    if branch is not None and not sees_branch(viewer, branch):
        raise UserError(
            _(
                "--as {login}: you work for branch {yours}; the rankings of {branch} are not "
                "yours to see"
            ).format(login=login, yours=viewer.branch, branch=branch)
        )


def may_see(viewer, staff_code: str, branch: str) -> bool:
    """Whether ``--as`` may see this person's figures: their row, and whether their live
    figures changed since the period was closed."""
    if viewer is None:
        return True
    from fieldkpi import access

    return access.can_see_figures_of(viewer, staff_code, branch)


def report_judged_live(closed, judgement: Judgement) -> None:
    """A closed period judged at another moment (``--as-of``) is ranked live: say so, lest
    its figures be read as the ones paid on."""
    print(
        _(
            "{branch} {period} was closed by {name} on {at}; these are live figures as of "
            "{as_of}, not its frozen ones (without --as-of, rank prints those)."
        ).format(**_closing_words(closed), as_of=stamp(judgement.as_of)),
        file=sys.stderr,
    )


def _closing_words(closed) -> dict[str, str]:
    """Which period of which branch was closed, by whom and when, as the notes say it."""
    return {
        "branch": closed.branch,
        "period": str(closed.period),
        "name": clean_name(closed.closed_by_name),  # stored text: no terminal escapes
        "at": closed.closed_at.strftime("%Y-%m-%d %H:%M"),
    }


def report_closed(closed, changed: dict, own: bool = False) -> None:
    """Say on standard error that a closed period's rows are its frozen ones, and if live differ
    (``changed``: :func:`storage.closing.changed_people`; ``own``: of the viewer's own figures,
    the only ones they see).

    Who sees the branch's ranking is told by how much, a line per person (frozen total →
    live, and rank, reward or grade where they would change): the frozen rows on standard
    output stay the judged ones, so scripts read them as before.
    """
    from fieldkpi.live_figures import change_line

    print(
        _("{branch} {period} was closed by {name} on {at}: these are its frozen figures.").format(
            **_closing_words(closed)
        ),
        file=sys.stderr,
    )
    if own:
        said = (
            _("  Your live figures now differ.")
            if changed
            else _("  Your live figures are the same.")
        )
        print(said, file=sys.stderr)
    elif changed:
        print(
            ngettext(
                "  Live figures now differ for {n} person: {people}.",
                "  Live figures now differ for {n} people: {people}.",
                len(changed),
            ).format(
                n=len(changed),
                people=join_list(
                    f"{clean_name(change.name)} ({code})" for code, change in changed.items()
                ),
            ),
            file=sys.stderr,
        )
        for change in changed.values():
            print(f"    {clean_name(change_line(change))}", file=sys.stderr)
    else:
        print(_("  Live figures are the same."), file=sys.stderr)


def report_left_holders(store, viewer, codes: list[str]) -> None:
    """Open tickets still in the name of engineers, and of reps, who have left, per branch the
    viewer leads: they count against nobody (kpi-rules §6), so nothing else would show them
    going stale. An engineer's are re-dispatched; a rep's keep their rep, and another rep
    follows them up (:mod:`storage.leavers`)."""
    from storage.leavers import left_holders, left_reps, left_ticket_count

    # Each reader of leavers, and what its branch's line says of their n tickets.
    readers = (
        (
            left_holders,
            lambda n: ngettext(
                "{branch}: {n} open ticket is held by someone who has left; it counts against "
                "nobody: re-dispatch it.",
                "{branch}: {n} open tickets are held by people who have left; they count against "
                "nobody: re-dispatch them.",
                n,
            ),
        ),
        (
            left_reps,
            lambda n: ngettext(
                "{branch}: {n} open ticket has a rep who has left; it counts against no rep: see "
                "that another rep follows it up.",
                "{branch}: {n} open tickets have a rep who has left; they count against no rep: "
                "see that another rep follows them up.",
                n,
            ),
        ),
    )
    today = datetime.now().date()
    for code in codes:
        for read, said in readers:
            holders = read(store, viewer, code, today)
            if holders:
                n = left_ticket_count(holders)
                print(said(n).format(branch=code, n=n), file=sys.stderr)
                print_left(holders)


def print_left(holders: list) -> None:
    """Under a branch's line: each person who left, the day, the codes of their open tickets."""
    for holder in holders:
        person = holder.person
        print(
            "  "
            + _("{name} ({code}, left {day}): {tickets}").format(
                name=clean_name(person.name),
                code=person.code,
                day=person.left_on.isoformat(),
                tickets=", ".join(holder.tickets),
            ),
            file=sys.stderr,
        )


def report_missing_entries(store, rows: list, judgement) -> None:
    """Values a scheme takes from outside that nobody entered: listed, not silently 0."""
    missing = [
        (row.staff_code, row.spec(k.id).measure.partition(".")[2])
        for row in rows
        for k in row.kpis
        if k.flag == "no_entry"
    ]
    for code, metric in missing:
        print(
            _("{period}: no {metric} entered for {code} (0 points until it is)").format(
                period=judgement.period, metric=metric, code=code
            ),
            file=sys.stderr,
        )


def run_merge(args: argparse.Namespace) -> int:
    """One national table from exported rankings, each row as its branch ranked it."""
    from fieldkpi.merge import MergeError, merge_files, render

    options = ("branch", "role", "as_of", "scheme", "login")
    given = [f"--{name.replace('_', '-')}" for name in options if getattr(args, name)]
    if given:
        raise UserError(
            _("--merge takes the rows as exported: drop {flags}").format(flags=join_list(given))
        )
    period = period_of(args)
    try:
        rows = merge_files(args.merge, month=str(period) if period else None)
    except MergeError as exc:
        raise UserError(str(exc)) from exc
    if args.format == "xlsx" or args.headers:
        raise UserError(_("--merge writes the rows as exported: --format table, csv or toml"))
    color = not args.output and sys.stdout.isatty()
    return write_out(render(rows, args.format, color=color), args.output)


def write_rows(rows: list, args: argparse.Namespace, table: Callable[[], str]) -> int:
    """Ranking rows in ``--format`` to ``-o`` or standard output; ``table`` draws the table.

    Headings are the documented column names unless ``--headers`` says otherwise;
    a workbook, made for people, has Chinese ones when the language is Chinese.
    """
    from fieldkpi import export

    default = "zh" if args.format == "xlsx" and current_language() == "zh" else "names"
    language = args.headers or default
    headers = None if language == "names" else (lambda column: export.heading(column, language))
    if args.format == "xlsx":
        if not args.output:
            raise UserError(_("--format xlsx writes a workbook: give -o FILE.xlsx"))
        from fieldkpi.xlsx import write_xlsx

        roles = [args.role] if args.role else ("rep", "engineer")
        with user_path(args.output):
            write_xlsx(
                rows, args.output, roles=roles, language=None if language == "names" else language
            )
        return 0
    if args.format == "csv":
        text = export.to_csv(rows, headers)
    elif args.format == "toml":
        text = export.to_toml(rows)
    else:
        text = table()
    return write_out(text, args.output)


def write_out(text: str, output: str | None) -> int:
    if output:
        with user_path(output):
            Path(output).write_text(text, encoding="utf-8", newline="")
    else:
        sys.stdout.write(text)
    return 0


def run_make_sample(args: argparse.Namespace) -> int:
    """The demo database at PATH or ``--db``; without either, the project's sample.db.

    Only sample.db itself is ever replaced. Every other command reads ``--db``
    as the branch's database, so a ``--db`` (or PATH) naming a file that holds
    work must not be wiped for a demo: a file given must be new. For the same
    reason ``$FIELDKPI_DB`` is not a default here.
    """
    from storage.sample_db import build_sample

    if args.path and args.db and Path(args.path) != Path(args.db):
        raise UserError(_("make-sample writes one file: give it as PATH or as --db, not both"))
    given = args.path or args.db
    target = Path(given) if given else paths.sample_db()
    if not target.parent.is_dir():  # a typo in the folder makes no folders
        raise UserError(_("{path}: {reason}").format(path=target, reason=_("no such folder")))
    if (target.exists() or target.is_symlink()) and target.resolve() != paths.sample_db().resolve():
        raise UserError(
            _(
                "{path} exists: make-sample replaces no file but sample.db itself; "
                "remove it first, or name a new file"
            ).format(path=target)
        )
    with user_path(target):
        build_sample(target)
    print(_("wrote {path}").format(path=target))
    return 0


def run_backup(args: argparse.Namespace) -> int:
    """A consistent copy while others keep working; a failed one leaves the old backup be.

    A destination that cannot take it (the database, a file that is no
    database, one with another database's ``-wal`` beside it) is bad input.
    """
    from storage.maintenance import BackupFailed, BackupRefused, backup

    path = db_path(args)
    if not path.exists():
        raise UserError(_("{path}: no such database").format(path=path))
    try:
        with unusable_is_bad_input(path):
            written = backup(path, args.dest)
    except BackupRefused as exc:
        raise UserError(str(exc)) from exc
    except BackupFailed as exc:
        print(f"fieldkpi: {exc}", file=sys.stderr)
        return EXIT_FAILED
    print(
        _("backed up {path} to {dest} ({size:,} bytes, integrity ok)").format(
            path=path, dest=written, size=written.stat().st_size
        )
    )
    return 0


def run_check(args: argparse.Namespace) -> int:
    """Health on standard output; problems on standard error (cron mails those) and exit 1."""
    from storage.maintenance import check

    path = db_path(args)
    if not path.exists():
        raise UserError(_("{path}: no such database").format(path=path))
    with unusable_is_bad_input(path):
        health = check(path)
    for note in health.notes:
        print(f"{path}: {note}")
    if health.problems:
        for problem in health.problems:
            print(f"{path}: {problem}", file=sys.stderr)
        print(
            ngettext(
                "{path}: {n} problem found", "{path}: {n} problems found", len(health.problems)
            ).format(path=path, n=len(health.problems)),
            file=sys.stderr,
        )
        return EXIT_FAILED
    print(_("{path}: ok ({checked})").format(path=path, checked=join_list(health.checked)))
    return 0


def run_scheme_list(args: argparse.Namespace) -> int:
    from fieldkpi.scheme import load_preset, preset_names
    from fieldkpi.table import role_label

    lines = []
    for name in preset_names():
        scheme = load_preset(name)
        roles = join_list(role_label(role) for role in scheme.roles)
        lines.append((name, period_word(scheme.period), roles, str(scheme.label)))
    widths = [max(cell_len(line[i]) for line in lines) for i in range(3)]
    for *cells, label in lines:  # padded by terminal cells: Chinese words line up
        print(*(c + " " * (w - cell_len(c)) for c, w in zip(cells, widths, strict=True)), label)
    return 0


def run_scheme_show(args: argparse.Namespace) -> int:
    from fieldkpi.scheme import preset_text

    try:
        sys.stdout.write(preset_text(args.name))
    except SchemeError as exc:
        raise UserError(str(exc)) from exc
    return 0


def run_scheme_check(args: argparse.Namespace) -> int:
    """A scheme file read as a branch's would be; with ``--db`` and a period, its entered values."""
    try:
        scheme = load_scheme(args.file)
    except SchemeError as exc:
        for problem in exc.problems:
            print(f"fieldkpi: {problem}", file=sys.stderr)
        return EXIT_BAD_INPUT
    period = period_of(args)
    if period is not None:
        missing = missing_entries(args, scheme, period)
        if missing:
            for line in missing:
                print(f"fieldkpi: {line}", file=sys.stderr)
            return EXIT_BAD_INPUT
    print(
        _("{file}: scheme {name} ({period}; {kpis} KPIs) is fine").format(
            file=args.file,
            name=scheme.name,
            period=period_word(scheme.period),
            kpis=len(scheme.kpis),
        )
    )
    return 0


def missing_entries(args: argparse.Namespace, scheme: Scheme, period: Period) -> list[str]:
    """Each ranked person who lacks a value the scheme takes from outside for ``period``.

    Asked of a period the scheme does not appraise, not begun yet, or of an unknown
    branch, it refuses as the rank command would, instead of listing what nobody needs.
    """
    from storage.scores import missing_scores

    if period.kind != scheme.period:
        raise UserError(
            _("{file}: the scheme appraises by {period}: use --{option} instead").format(
                file=args.file, period=period_word(scheme.period), option=scheme.period
            )
        )
    judged(period)
    store = open_db(args, must_exist=True)
    try:
        branches_to_rank(store, args.branch, lambda _branch: scheme, period)
        return [
            _("{period}: no {metric} entered for {code} {name}").format(
                period=period, metric=metric, code=person.code, name=person.name
            )
            for person, metric in missing_scores(store, scheme, period, args.branch)
        ]
    finally:
        store.close()


def run_tui(args: argparse.Namespace) -> int:
    store = open_db(args)
    try:
        return _run_app(store, args.login or os.environ.get("USER") or getpass.getuser())
    finally:
        store.close()


def run_demo(args: argparse.Namespace) -> int:
    """The TUI on a throwaway copy of sample.db: the tracked file is never written.

    The copy is removed however the session ends: quit, or ended from outside
    (:class:`_Ending`) from the moment it is made.
    """
    sample = paths.sample_db()
    if not sample.exists():
        raise UserError(_("{path} is missing: run `fieldkpi make-sample`").format(path=sample))
    with (
        _ended_from_outside() as ending,
        tempfile.TemporaryDirectory(prefix="fieldkpi-demo-") as folder,
    ):
        ending.folder = folder
        copy = Path(folder) / "demo.db"
        shutil.copyfile(sample, copy)
        args.db = str(copy)
        store = open_db(args)
        try:
            return ending.run(demo_app(store, args.login))
        finally:
            store.close()


# What ends a session from outside: its terminal or SSH connection gone (SIGHUP), or the
# system stopping it (SIGTERM).
ENDING_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGHUP", "SIGTERM") if hasattr(signal, name)
)
QUIT_GRACE = 5.0  # seconds a quit asked by SIGTERM may take before the demo ends without it


class _Ending:
    """What :data:`ENDING_SIGNALS` do to the demo: its copy (``folder``) is removed.

    Textual leaves these signals as they are, and by default they end the process
    on the spot, skipping every ``finally``: each dropped SSH connection left a
    copy in the temp folder. Here the first one ends the demo whatever it is doing:

    - before the app runs, as an error does, through the same ``finally`` blocks;
    - SIGTERM, the terminal still there: the app quits as its own quit does (the
      terminal put back as it was), and the demo ends as after any quit; if that
      takes over :data:`QUIT_GRACE`, it ends as after SIGHUP;
    - SIGHUP: there is no terminal to put back, nor to quit through: the copy is
      removed and the process ends at once. (Textual's quit, asked once the
      terminal was gone, was seen to wait for ever on its output thread.)

    Once the app has quit (or was told to), another signal changes nothing: a
    hung-up shell passes its SIGHUP on and the kernel sends one more, which must
    not cut the cleanup short. The exit status says which signal (128 + its
    number), as a shell says of a process a signal ended.
    """

    def __init__(self) -> None:
        self.app = None
        self.folder: str | None = None
        self.over = False

    def run(self, app) -> int:
        self.app = app
        try:
            return _ran(app)
        finally:
            self.over = True

    def __call__(self, number: int, _frame: object) -> None:
        if self.over:
            return
        self.over = True
        status = 128 + number
        import asyncio  # here, not at the top: every command but the TUI's would load it

        try:
            # The main thread runs the app's event loop: this runs in it, between two steps.
            loop = asyncio.get_running_loop()
        except RuntimeError:
            raise SystemExit(status) from None
        if number != signal.SIGTERM:
            self.end_now(status)  # never returns
        loop.call_soon_threadsafe(lambda: self.app.exit(return_code=status))  # wakes the loop
        timer = threading.Timer(QUIT_GRACE, self.end_now, (status,))
        timer.daemon = True
        timer.start()

    def end_now(self, status: int) -> NoReturn:
        """The copy removed (an open database file goes too), the process ended at once."""
        shutil.rmtree(self.folder, ignore_errors=True)
        os._exit(status)


@contextlib.contextmanager
def _ended_from_outside():
    """:class:`_Ending` handles :data:`ENDING_SIGNALS` in the block, what did before after."""
    ending = _Ending()
    before = {number: signal.signal(number, ending) for number in ENDING_SIGNALS}
    try:
        yield ending
    finally:
        for number, handler in before.items():
            signal.signal(number, handler)


DEMO_ROLES = ("rep", "engineer", "lead", "admin")
DEMO_BRANCH = "GZ"  # the demo's biggest branch: ``--as ROLE`` signs in as its first of that role


def demo_app(store, login: str | None, real_now: Callable[[], datetime] = datetime.now):
    """The demo's app: signed in as LOGIN (or the first of a role), on the sample's own clock.

    The sample was made as of :data:`fieldkpi.sample.SAMPLE_NOW`; nothing in it
    happens later. So the demo's clock starts there and runs on from the moment
    it started, whatever the real date: the running month always has work in
    progress and the months before are complete. The first notice says so.
    """
    from fieldkpi.sample import SAMPLE_NOW

    started = real_now()
    role = login or "lead"
    if role in DEMO_ROLES:
        login = store.scalar(
            "SELECT login FROM staff WHERE role = ? AND branch = ? AND login IS NOT NULL "
            "ORDER BY code LIMIT 1",
            (role, DEMO_BRANCH),
        )
    notice = _(
        "Demo: the clock runs from {now}, the day the sample data was made, whatever today "
        "is; nothing is saved to sample.db. Other people: fieldkpi demo --as rep, engineer, "
        "lead or admin (logins in the README)."
    ).format(now=SAMPLE_NOW.strftime("%Y-%m-%d %H:%M"))
    return _app(store, login, now=lambda: SAMPLE_NOW + (real_now() - started), notice=notice)


def _run_app(store, login: str) -> int:
    return _ran(_app(store, login))


def _ran(app) -> int:
    """Run the TUI; a crash shown as a traceback is not a success."""
    app.run()
    return app.return_code or 0


def _app(store, login: str, *, now: Callable[[], datetime] | None = None, notice: str = ""):
    """The TUI signed in as ``login``; a bad login or scheme file is bad input (exit 2)."""
    from fieldkpi.employment import has_left
    from storage.people import staff_by_login

    user = staff_by_login(store, login)
    if user is None:
        raise UserError(
            _(
                "no staff member has the login {login!r}. An administrator adds it in the "
                "staff screen (F5), or imports a staff CSV with a login column: "
                "fieldkpi import staff.csv"
            ).format(login=login)
        )
    today = (now or datetime.now)().date()
    if has_left(user.left_on, today):
        raise UserError(
            _("{name} ({login}) left on {day} and can no longer sign in").format(
                name=user.name, login=login, day=user.left_on.isoformat()
            )
        )
    from screens.app import FieldKpiApp

    scheme_for = scheme_loader(store)
    scheme_for(user.branch)  # a broken scheme file is reported here (exit 2), not in the TUI
    return FieldKpiApp(store, user, now=now, scheme_for=scheme_for, notice=notice)


if __name__ == "__main__":
    sys.exit(main())
