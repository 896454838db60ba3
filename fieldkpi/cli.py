"""The ``fieldkpi`` command: the one place that wires storage, the domain and the screens.

Exit status: 0 done, 2 bad input (with a message naming what and where), 1
anything else. Bad input never shows a Python traceback.
"""

from __future__ import annotations

import argparse
import getpass
import os
import shutil
import sys
import tempfile
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from fieldkpi import paths
from fieldkpi.i18n import _, set_language
from fieldkpi.period import Period, judge
from fieldkpi.scheme import Scheme, SchemeError, load_scheme

EXIT_BAD_INPUT = 2
EXIT_FAILED = 1


class UserError(Exception):
    """Bad input from the command line: printed as one line, exit status 2."""


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        set_language(args.lang)
        return args.run(args)
    except UserError as exc:
        print(f"fieldkpi: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return EXIT_FAILED


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db",
        default=argparse.SUPPRESS,
        help="database file (default: $FIELDKPI_DB, else a per-user database)",
    )
    common.add_argument("--lang", choices=("zh", "en"), default=argparse.SUPPRESS)
    user = argparse.ArgumentParser(add_help=False)
    user.add_argument("--as", dest="login", default=argparse.SUPPRESS, help="staff login")

    parser = argparse.ArgumentParser(
        prog="fieldkpi",
        description="After-sales field service tickets and monthly KPI appraisal.",
        parents=[common, user],
    )
    parser.set_defaults(run=run_tui, db=None, lang=None, login=None)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    tui = commands.add_parser("tui", parents=[common, user], help="open the TUI (the default)")
    tui.set_defaults(run=run_tui)

    demo = commands.add_parser(
        "demo", parents=[common, user], help="open the TUI on a private copy of sample.db"
    )
    demo.set_defaults(run=run_demo)

    load = commands.add_parser("import", parents=[common], help="load CSV files")
    load.add_argument("files", nargs="+", metavar="FILE.csv")
    load.add_argument(
        "--kind",
        choices=("staff", "tickets", "actions", "attendance", "problems", "deductions"),
        help="the kind of every file (default: told apart by the header)",
    )
    load.set_defaults(run=run_import)

    rank = commands.add_parser("rank", parents=[common], help="print the month's rankings")
    rank.add_argument("--month", required=True, help="YYYY-MM")
    rank.add_argument("--branch", help="branch code (default: every branch)")
    rank.add_argument("--role", choices=("rep", "engineer"))
    rank.add_argument("--as-of", dest="as_of", help='"YYYY-MM-DD HH:MM:SS" (default: month end)')
    rank.add_argument("--format", choices=("table", "csv", "toml"), default="table")
    rank.add_argument("-o", "--output", help="write to this file instead of standard output")
    rank.add_argument("--scheme", help="scheme TOML file applied over the defaults")
    rank.set_defaults(run=run_rank)

    sample = commands.add_parser(
        "make-sample", parents=[common], help="regenerate the demo database deterministically"
    )
    sample.add_argument("path", nargs="?", default=str(paths.sample_db()))
    sample.set_defaults(run=run_make_sample)
    return parser


def open_db(args: argparse.Namespace):
    """The store for ``--db`` (or the default); an unusable file is a one-line error."""
    from storage.db import open_store
    from storage.errors import DatabaseUnusable

    path = Path(args.db) if args.db else paths.default_db()
    try:
        return open_store(path)
    except DatabaseUnusable as exc:
        raise UserError(str(exc)) from exc
    except OSError as exc:
        raise UserError(f"{path}: {exc.strerror}") from exc


def run_import(args: argparse.Namespace) -> int:
    from storage.importer import ImportRejected, import_files

    missing = [f for f in args.files if not Path(f).is_file()]
    if missing:
        raise UserError(_("no such file: {files}").format(files=", ".join(missing)))
    store = open_db(args)
    try:
        report = import_files(store, args.files, kind=args.kind, progress=_progress())
    except ImportRejected as exc:
        _end_progress()
        for bad in exc.bad_rows:
            print(bad, file=sys.stderr)
        print(_("{n} bad rows: nothing was imported").format(n=len(exc.bad_rows)), file=sys.stderr)
        return EXIT_BAD_INPUT
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

    def show(done: int, total: int | None) -> None:
        text = f"{done:,} / {total:,}" if total else f"{done:,}"
        print("\r" + _("importing… {rows} rows").format(rows=text), end="", file=sys.stderr)

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
    from fieldkpi import export
    from storage.closing import rankings_for

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
    if args.format == "csv":
        text = export.to_csv(rows)
    elif args.format == "toml":
        text = export.to_toml(rows)
    else:
        from fieldkpi.table import render_table

        text = render_table(rows, names, judgement, color=not args.output and sys.stdout.isatty())
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8", newline="")
    else:
        sys.stdout.write(text)
    return 0


def run_make_sample(args: argparse.Namespace) -> int:
    from storage.sample_db import build_sample

    build_sample(args.path)
    print(_("wrote {path}").format(path=args.path))
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
                "no staff member has the login {login!r}. A lead adds it in the staff "
                "screen, or imports a staff CSV with a login column: "
                "fieldkpi import staff.csv"
            ).format(login=login)
        )
    from screens.app import FieldKpiApp

    FieldKpiApp(store, user).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
