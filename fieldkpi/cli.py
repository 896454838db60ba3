"""The ``fieldkpi`` command: the one place that wires storage, the domain and the screens.

Exit status: 0 done, 2 bad input (with a message naming what and where), 1
anything else. Bad input never shows a Python traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import os
import re
import shutil
import sqlite3
import sys
import tempfile
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path

from rich.cells import cell_len

from fieldkpi import paths
from fieldkpi.export_headers import HEADERS
from fieldkpi.i18n import LANGUAGES, _, current_language, route_stdlib_messages, set_language
from fieldkpi.period import Period, judge
from fieldkpi.scheme import Scheme, SchemeError, load_scheme

EXIT_BAD_INPUT = 2
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
        "demo", parents=[user], help=_("open the TUI on a private copy of sample.db")
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
                    "(exit status 2)."
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
            "imported before (their rows then count twice)"
        ),
    )
    load.add_argument(
        "--force",
        action="store_true",
        help=_(
            "apply ticket rows that would undo work done in the TUI since the last import, "
            "and changes of a staff member's role (both are refused without it)"
        ),
    )
    load.set_defaults(run=run_import)

    rank = commands.add_parser("rank", parents=[common], help=_("print the month's rankings"))
    rank.add_argument("--month", help=_("YYYY-MM (required unless --merge)"))
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
        choices=tuple(HEADERS),
        help=_(
            "column headings of csv and xlsx: the documented names, or Chinese "
            "(default: names; for xlsx, Chinese when the language is zh)"
        ),
    )
    rank.add_argument("-o", "--output", help=_("write to this file instead of standard output"))
    rank.add_argument("--scheme", help=_("scheme TOML file applied over the defaults"))
    rank.set_defaults(run=run_rank)

    sample = commands.add_parser(
        "make-sample", parents=[common], help=_("regenerate the demo database deterministically")
    )
    sample.add_argument("path", nargs="?", default=str(paths.sample_db()))
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
    return parser


def db_path(args: argparse.Namespace) -> Path:
    return Path(args.db) if args.db else paths.default_db()


@contextlib.contextmanager
def unusable_is_bad_input(path: Path):
    """A database file that cannot be used is a one-line error (exit status 2)."""
    from storage.errors import DatabaseUnusable

    try:
        yield
    except DatabaseUnusable as exc:
        raise UserError(str(exc)) from exc
    except OSError as exc:
        raise UserError(f"{path}: {exc.strerror}") from exc


def open_db(args: argparse.Namespace):
    """The store for ``--db`` (or the default)."""
    from storage.db import open_store

    path = db_path(args)
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
        lines += wrap(", ".join(cells), f"  {kind.name:<{width}}", " " * (width + 2))
    lines += wrap(
        _(
            "A time is YYYY-MM-DD HH:MM[:SS] (also with / and T), a date YYYY-MM-DD. Files "
            "are UTF-8, with or without a BOM; the first row is the header."
        )
    )
    return "\n".join(lines)


def wrap(text: str, first: str = "", rest: str = "", width: int = 79) -> list[str]:
    """``text`` in lines of at most ``width`` terminal cells: broken at spaces, and between
    any two Chinese characters (each two cells wide; ``textwrap`` counts them as one)."""
    lines, line = [], first
    wide = "\u2e80-\uffef"
    for word in re.findall(rf"[(（]?[{wide}][^\s{wide}]*\s*|[^\s{wide}]+\s*|\s+", text):
        if cell_len(line + word.rstrip()) > width and line.strip():
            lines.append(line.rstrip())
            line = rest
            word = word.lstrip()
        line += word
    return [*lines, line.rstrip()]


def run_import(args: argparse.Namespace) -> int:
    from storage.importer import ImportFailed, ImportRejected, import_files

    missing = [f for f in args.files if not Path(f).is_file()]
    if missing:
        raise UserError(_("no such file: {files}").format(files=", ".join(missing)))
    store = open_db(args)
    try:
        report = import_files(
            store,
            args.files,
            kind=args.kind,
            progress=_progress(),
            again=args.again,
            force=args.force,
        )
    except ImportRejected as exc:
        _end_progress()
        print(exc, file=sys.stderr)
        print(_("{n} bad rows: nothing was imported").format(n=exc.count), file=sys.stderr)
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
    return 0


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


def scheme_loader(explicit: str | None):
    """Each branch's scheme: defaults, the config folder's files, then ``--scheme``."""
    cache: dict[str, Scheme] = {}

    def scheme_for(branch: str) -> Scheme:
        if branch not in cache:
            try:
                cache[branch] = load_scheme(*paths.scheme_files(branch), explicit)
            except SchemeError as exc:
                raise UserError(str(exc)) from exc
        return cache[branch]

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


def run_rank(args: argparse.Namespace) -> int:
    from storage.closing import rankings_for

    if args.merge:
        return run_merge(args)
    if not args.month:
        raise UserError(_("--month YYYY-MM is required (or --merge FILE…)"))
    try:
        period = Period.parse(args.month)
    except ValueError as exc:
        raise UserError(f"--month: {exc}") from exc
    judgement = judge(period, datetime.now(), parse_as_of(args.as_of))
    scheme_for = scheme_loader(args.scheme)
    store = open_db(args)
    try:
        if args.branch and not store.scalar("SELECT 1 FROM branches WHERE code = ?", [args.branch]):
            raise UserError(_("unknown branch {code}").format(code=args.branch))
        rows = rankings_for(  # a closed month shows its frozen rows
            store,
            judgement,
            scheme_for,
            branch=args.branch,
            roles=[args.role] if args.role else ("rep", "engineer"),
        )
        names = dict(store.query("SELECT code, coalesce(name, code) FROM branches"))
    finally:
        store.close()

    def table() -> str:
        from fieldkpi.table import render_table

        return render_table(rows, names, judgement, color=not args.output and sys.stdout.isatty())

    return write_rows(rows, args, table)


def run_merge(args: argparse.Namespace) -> int:
    """One national table from exported rankings, each row as its branch ranked it."""
    from fieldkpi.merge import MergeError, merge_files, render

    options = ("branch", "role", "as_of", "scheme")
    given = [f"--{name.replace('_', '-')}" for name in options if getattr(args, name)]
    if given:
        raise UserError(
            _("--merge takes the rows as exported: drop {flags}").format(flags=", ".join(given))
        )
    try:
        month = str(Period.parse(args.month)) if args.month else None
    except ValueError as exc:
        raise UserError(f"--month: {exc}") from exc
    try:
        rows = merge_files(args.merge, month=month)
    except MergeError as exc:
        raise UserError(str(exc)) from exc
    color = not args.output and sys.stdout.isatty()
    return write_rows(rows, args, lambda: render(rows, "table", color=color))


def write_rows(rows: list, args: argparse.Namespace, table: Callable[[], str]) -> int:
    """Ranking rows in ``--format`` to ``-o`` or standard output; ``table`` draws the table.

    Headings are the documented column names unless ``--headers`` says otherwise;
    a workbook, made for people, has Chinese ones when the language is Chinese.
    """
    from fieldkpi import export

    default = "zh" if args.format == "xlsx" and current_language() == "zh" else "names"
    headers = HEADERS[args.headers or default]
    if args.format == "xlsx":
        if not args.output:
            raise UserError(_("--format xlsx writes a workbook: give -o FILE.xlsx"))
        from fieldkpi.xlsx import write_xlsx

        roles = [args.role] if args.role else ("rep", "engineer")
        write_xlsx(rows, args.output, roles=roles, headers=headers)
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
        Path(output).write_text(text, encoding="utf-8", newline="")
    else:
        sys.stdout.write(text)
    return 0


def run_make_sample(args: argparse.Namespace) -> int:
    from storage.sample_db import build_sample

    build_sample(args.path)
    print(_("wrote {path}").format(path=args.path))
    return 0


def run_backup(args: argparse.Namespace) -> int:
    """A consistent copy while others keep working; a failed one leaves the old backup be."""
    from storage.maintenance import BackupFailed, backup

    path = db_path(args)
    try:
        with unusable_is_bad_input(path):
            written = backup(path, args.dest)
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
    with unusable_is_bad_input(path):
        health = check(path)
    for note in health.notes:
        print(f"{path}: {note}")
    if health.problems:
        for problem in health.problems:
            print(f"{path}: {problem}", file=sys.stderr)
        print(
            _("{path}: {n} problems found").format(path=path, n=len(health.problems)),
            file=sys.stderr,
        )
        return EXIT_FAILED
    print(_("{path}: ok ({checked})").format(path=path, checked=", ".join(health.checked)))
    return 0


def run_tui(args: argparse.Namespace) -> int:
    store = open_db(args)
    try:
        return _run_app(store, args.login or os.environ.get("USER") or getpass.getuser())
    finally:
        store.close()


def run_demo(args: argparse.Namespace) -> int:
    """The TUI on a throwaway copy of sample.db: the tracked file is never written."""
    sample = paths.sample_db()
    if not sample.exists():
        raise UserError(_("{path} is missing: run `fieldkpi make-sample`").format(path=sample))
    with tempfile.TemporaryDirectory(prefix="fieldkpi-demo-") as folder:
        copy = Path(folder) / "demo.db"
        shutil.copyfile(sample, copy)
        args.db = str(copy)
        store = open_db(args)
        try:
            login = args.login or store.scalar(
                "SELECT login FROM staff WHERE role = 'lead' AND login IS NOT NULL "
                "ORDER BY code LIMIT 1"
            )
            return _run_app(store, login)
        finally:
            store.close()


def _run_app(store, login: str) -> int:
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
    if user.left_on is not None and user.left_on < date.today():
        raise UserError(
            _("{name} ({login}) left on {day} and can no longer sign in").format(
                name=user.name, login=login, day=user.left_on.isoformat()
            )
        )
    from screens.app import FieldKpiApp

    scheme_for = scheme_loader(None)
    scheme_for(user.branch)  # a broken scheme file is reported here (exit 2), not in the TUI
    FieldKpiApp(store, user, scheme_for=scheme_for).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
