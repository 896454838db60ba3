"""The checks of an import that look at more than one cell, each one SQL statement.

Each check finds every bad row of a staged file at once (interfaces.md's
bad rows, the conflicts with newer work of issue 11) and files them in
``temp.import_bad`` (:class:`storage.import_bad.BadRows`) with the values
its message needs; only the messages that are shown are put into words.

Checks against the database read the people and tickets of the database as
the import's own rows would leave them (``temp.import_staff``,
``temp.import_branches``, ``temp.import_tickets``): a ticket may name an
engineer added by the staff file of the same import. A reference to a code
whose own row is bad is not reported again (``temp.import_rejected``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from decimal import Decimal

from fieldkpi.employment import has_left
from fieldkpi.entered import FractionRange
from fieldkpi.i18n import _, join_list
from fieldkpi.period import Period
from storage.csvrows import Column, shown
from storage.employment import has_left_sql
from storage.import_bad import CONFLICT, KEY, LOGIN, RECORD, REFERENCE, BadRows
from storage.import_stage import Stage, quoted
from storage.import_tickets import STEP_TIMES

# The fields an import may not clear or put back (issue 11: imports never revert newer work).
BACKWARD = frozenset({"engineer", *STEP_TIMES, "rating", "cancelled"})
# Which history fields record a change of a file's column (the TUI records a cancellation as
# "cancelled", an import its time too).
HISTORY_FIELDS = {
    "cancelled": ("cancelled", "cancelled_at"),
    "cancelled_at": ("cancelled", "cancelled_at"),
}

AdjustmentKinds = Callable[[str, str], Mapping[str, bool]]  # (branch, role) -> kind: entered?
# (branch, role) -> the kind of period of that branch's scheme, and the metrics it enters, each
# with the range it takes if it is a fraction
EnteredMetrics = Callable[[str, str], tuple[str, Mapping[str, FractionRange | None]]]


def role_phrase(role: str) -> str:
    return {
        "rep": _("a rep"),
        "engineer": _("an engineer"),
        "lead": _("a lead"),
        "admin": _("an admin"),
    }[role]


def _in_bad(stage: Stage, line: str = "v.line") -> str:
    return f"{line} IN (SELECT line FROM temp.import_bad WHERE pos = {stage.src.order})"


def _unreadable(stage: Stage, columns: Sequence[str], line: str = "v.line") -> str:
    """SQL: the row has a cell of one of ``columns`` that could not be read.

    Its value is then NULL, as an empty cell's: a check that an empty cell breaks (a
    required amount, a callback a rating needs) would tell the same cell again, in words
    that follow from the first. One set of the lines, as :func:`_in_bad`.
    """
    names = ", ".join(f"'{name}'" for name in columns)
    return (
        f"{line} IN (SELECT line FROM temp.import_bad WHERE pos = {stage.src.order}"
        f" AND seq < {KEY} AND col IN ({names}))"
    )


def _seq(stage: Stage, phase: int, column: str) -> int:
    return phase + (stage.names.index(column) if column in stage.names else 99)


def _text(value: object) -> str:
    return _("empty") if value is None else str(value)


# -- within the files ---------------------------------------------------------------------


def duplicates(stages: Sequence[Stage], key: tuple[str, ...], bad: BadRows) -> None:
    """A record given twice in one import is a mistake: say where it was given first."""
    names = {stage.src.order: stage.src.name for stage in stages}
    parts = []
    for rank, stage in enumerate(stages):
        given = " AND ".join(f"{quoted(name)} IS NOT NULL" for name in key)
        shown_key = " || ' ' || ".join(quoted(name) for name in key)
        parts.append(
            f"SELECT {rank} AS rank, {stage.src.order} AS pos, line,"
            f" {_seq(stage, KEY, key[-1])} AS seq, {shown_key} AS shown_key,"
            f" {', '.join(quoted(name) for name in key)} FROM temp.{stage.view} WHERE {given}"
        )
    keys = ", ".join(quoted(name) for name in key)
    rows = " UNION ALL ".join(parts)
    twice = f"SELECT 1 FROM ({rows}) GROUP BY {keys} HAVING count(*) > 1 LIMIT 1"
    if stages[0].conn.execute(twice).fetchone() is None:
        return  # the usual case, found by a cheaper sort than the one below
    window = f"PARTITION BY {keys} ORDER BY rank, line"

    def words(value: str, first: int | None, line: int) -> str:
        if first is None:
            return _("{value} is already on line {line}").format(value=shown(value), line=line)
        return _("{value} is already in {file} line {line}").format(
            value=shown(value), file=names[first], line=line
        )

    bad.add_found(
        f"""
        SELECT pos, line, seq, '{key[-1]}', shown_key,
               CASE WHEN first_pos = pos THEN NULL ELSE first_pos END, first_line
        FROM (
            SELECT *, first_value(pos) OVER w AS first_pos, first_value(line) OVER w AS first_line,
                   row_number() OVER w AS n
            FROM ({rows}) WINDOW w AS ({window})
        ) WHERE n > 1
        """,
        words=words,
        db=False,
    )


def logins_given_twice(stages: Sequence[Stage], bad: BadRows) -> None:
    """One login for two people in the same import: say who had it first."""
    stages = [stage for stage in stages if stage.has("login")]
    if not stages:
        return
    names = {stage.src.order: stage.src.name for stage in stages}
    parts = [
        f"SELECT {rank} AS rank, {stage.src.order} AS pos, line,"
        f" {_seq(stage, LOGIN, 'login')} AS seq, code, login FROM temp.{stage.view}"
        " WHERE login IS NOT NULL AND code IS NOT NULL"
        for rank, stage in enumerate(stages)
    ]

    def words(login: str, code: str, where: str) -> str:
        first, line = json.loads(where)
        if first is None:
            return _("login {login} is already given to {code} on line {line}").format(
                login=shown(login), code=code, line=line
            )
        return _("login {login} is already given to {code} in {file} line {line}").format(
            login=shown(login), code=code, file=names[first], line=line
        )

    bad.add_found(
        f"""
        SELECT pos, line, seq, 'login', login, first_code,
               json_array(CASE WHEN first_pos = pos THEN NULL ELSE first_pos END, first_line)
        FROM (
            SELECT *, first_value(code) OVER w AS first_code, first_value(pos) OVER w AS first_pos,
                   first_value(line) OVER w AS first_line
            FROM ({" UNION ALL ".join(parts)}) WINDOW w AS (PARTITION BY login ORDER BY rank, line)
        ) WHERE code != first_code
        """,
        words=words,
        db=False,
    )


def future_times(stage: Stage, bad: BadRows, today: str) -> None:
    """A time later than the import's own day is refused, in every column that names one.

    The TUI takes no time still to come; in a file it is a typo (a year typed
    wrong lands in a far month and counts there). The end of ``today`` is the
    limit, so that the clock of whoever exported the file may run ahead of
    ours within the day. Which columns name a time, their readers say
    (:meth:`storage.csvrows.Reader.starts`: a month or a quarter from its first
    day), except the days a staff file may agree ahead (``Column.planned``).
    """
    limit = f"'{today} 23:59:59'"
    times = []
    for column in stage.columns:
        starts = None if column.planned else column.read.starts(f"v.{quoted(column.name)}")
        if starts is not None:
            times.append((column.name, f"{starts} > {limit}"))
    if not times:
        return
    cells = ", ".join(f"v.{quoted(name)}" for name, _later in times)
    per_column = [
        f"SELECT {stage.src.order}, line, {_seq(stage, RECORD, name)}, '{name}', v.{quoted(name)},"
        f" NULL, NULL FROM late v WHERE {later}"
        for name, later in times
    ]
    bad.add_found(
        f"WITH late AS MATERIALIZED (SELECT v.line, {cells} FROM temp.{stage.view} v"
        f" WHERE {' OR '.join(later for _name, later in times)})"
        f" {' UNION ALL '.join(per_column)}",
        words=lambda value, *_v: _("{value} is after today ({today})").format(
            value=value, today=today
        ),
        db=False,
    )


# -- the people, branches and tickets as the import would leave them ------------------------


def known_staff(conn, stages: Sequence[Stage]) -> None:
    """``temp.import_staff`` and ``temp.import_branches``: the database's, and the good
    rows of the import's staff files over them (a column a file does not give keeps what
    the database holds, as the import writes it). Both are indexed by the code in lower
    case too, so that an unknown code is told the known one it differs from only in case
    (:func:`references`)."""
    for table in ("import_staff", "import_branches"):
        conn.execute(f"DROP TABLE IF EXISTS temp.{table}")
    conn.execute(
        "CREATE TEMP TABLE import_staff (code TEXT PRIMARY KEY, role TEXT, branch TEXT,"
        " hired_on TEXT, left_on TEXT) WITHOUT ROWID"
    )
    conn.execute(
        "INSERT INTO temp.import_staff SELECT code, role, branch, hired_on, left_on FROM main.staff"
    )
    for stage in stages:
        if stage.src.kind.name == "staff":
            days = ", ".join(
                f"{'v' if stage.has(name) else 's'}.{name}" for name in ("hired_on", "left_on")
            )
            conn.execute(
                "INSERT OR REPLACE INTO temp.import_staff"
                f" SELECT v.code, v.role, v.branch, {days} FROM temp.{stage.view} v"
                f" LEFT JOIN main.staff s ON s.code = v.code WHERE NOT {_in_bad(stage)}"
                " AND v.code IS NOT NULL"
            )
    conn.execute("CREATE TEMP TABLE import_branches (code TEXT PRIMARY KEY) WITHOUT ROWID")
    conn.execute(
        "INSERT INTO temp.import_branches SELECT code FROM main.branches UNION"
        " SELECT branch FROM temp.import_staff WHERE branch IS NOT NULL"
    )
    for table in ("import_staff", "import_branches"):
        conn.execute(f"CREATE INDEX temp.{table}_folded ON {table} (lower(code))")


def known_tickets(conn, stages: Sequence[Stage]) -> None:
    """``temp.import_tickets``: the codes and branches of the import's good ticket rows."""
    conn.execute("DROP TABLE IF EXISTS temp.import_tickets")
    conn.execute(
        "CREATE TEMP TABLE import_tickets (code TEXT PRIMARY KEY, branch TEXT) WITHOUT ROWID"
    )
    for stage in stages:
        conn.execute(
            "INSERT OR IGNORE INTO temp.import_tickets SELECT code, branch"
            f" FROM temp.{stage.view} v WHERE NOT {_in_bad(stage)} AND code IS NOT NULL"
        )


def reject_codes(stage: Stage) -> None:
    """Remember the codes of this file's bad rows: rows naming them are not told again."""
    stage.conn.execute(
        f"INSERT OR IGNORE INTO temp.import_rejected SELECT '{stage.src.kind.name}', code"
        f" FROM temp.{stage.view} v WHERE code IS NOT NULL AND {_in_bad(stage)}"
    )


def forget_rejected(conn) -> None:
    """Start ``temp.import_rejected`` afresh, for a round of checks against the database."""
    conn.execute("DROP TABLE IF EXISTS temp.import_rejected")
    conn.execute(
        "CREATE TEMP TABLE import_rejected (kind TEXT, code TEXT, PRIMARY KEY (kind, code))"
        " WITHOUT ROWID"
    )


def references(stage: Stage, bad: BadRows, unreadable: Mapping[str, list[str]]) -> None:
    """Each code a row names must exist (in the database or in this import), in its role.

    ``unreadable`` names the files of each kind that could not be read: a code
    that may be in one of them is still reported, with that said.
    """

    def unknown(message: str, target: str, spelled: str = "") -> Callable[..., str]:
        """Why a code is unknown; ``spelled``: what to say when a known one (``known``)
        differs from it only in letter case (codes are case-sensitive: a typo, as
        :func:`branch_spellings` tells one in a staff file)."""
        files = unreadable.get(target, []) + unreadable.get("*", [])

        def words(code: str, known: str | None = None, *_values: object) -> str:
            text = (spelled if known and spelled else message).format(code=shown(code), known=known)
            if files:
                text += " " + _("({files} could not be read)").format(files=join_list(files))
            return text

        return words

    def folded(table: str, cell: str) -> str:
        """SQL: the code of ``table`` that ``cell`` spells in other letter case."""
        return f"(SELECT min(k.code) FROM temp.{table} k WHERE lower(k.code) = lower({cell}))"

    for column in stage.columns:
        if column.refers is None:
            continue
        cell, seq = f"v.{quoted(column.name)}", _seq(stage, REFERENCE, column.name)
        select = f"SELECT {stage.src.order}, v.line, {seq}, '{column.name}', {cell}"
        if column.refers == "staff":
            excused = "(SELECT code FROM temp.import_rejected WHERE kind = 'staff')"
            wrong_role = (
                f" OR (s.code IS NOT NULL AND s.role IS NOT '{column.role}')" if column.role else ""
            )
            base = unknown(
                _("unknown staff code {code}"),
                "staff",
                _("unknown staff code {code}: did you mean {known}? (codes are case-sensitive)"),
            )
            wanted = column.role

            def words(code: str, role: str | None, known: str | None, base=base, wanted=wanted):
                if role is None:
                    return base(code, known)
                return _("{code} is {actual}, not {wanted}").format(
                    code=code, actual=role_phrase(role), wanted=role_phrase(wanted)
                )

            hint = f"CASE WHEN s.code IS NULL THEN {folded('import_staff', cell)} END"
            bad.add_found(
                f"{select}, s.role, {hint} FROM temp.{stage.view} v"
                f" LEFT JOIN temp.import_staff s ON s.code = {cell}"
                f" WHERE {cell} IS NOT NULL AND ((s.code IS NULL AND {cell} NOT IN {excused})"
                f"{wrong_role})",
                words=words,
            )
        elif column.refers == "branch":
            bad.add_found(
                f"{select}, {folded('import_branches', cell)}, NULL FROM temp.{stage.view} v"
                f" WHERE {cell} IS NOT NULL"
                f" AND {cell} NOT IN (SELECT code FROM temp.import_branches)",
                words=unknown(
                    _("unknown branch {code} (a staff file creates branches)"),
                    "staff",
                    _("unknown branch {code}: did you mean {known}? (codes are case-sensitive)"),
                ),
            )
        else:
            excused = "(SELECT code FROM temp.import_rejected WHERE kind = 'tickets')"
            bad.add_found(
                f"{select}, NULL, NULL FROM temp.{stage.view} v WHERE {cell} IS NOT NULL"
                f" AND NOT EXISTS (SELECT 1 FROM main.tickets t WHERE t.code = {cell})"
                f" AND {cell} NOT IN (SELECT code FROM temp.import_tickets)"
                f" AND {cell} NOT IN {excused}",
                words=unknown(_("unknown ticket {code}"), "tickets"),
            )


def same_branch(stage: Stage, bad: BadRows) -> None:
    """What a row ties together is of one branch, as the TUI keeps it.

    A rep takes in and dispatches their branch's tickets, to their branch's
    engineers, and reports and records on their branch's people and tickets
    (fieldkpi/access.py, storage/tickets.py; an admin works every branch). So
    each reference of a row must be of the branch of its kind's first one: a
    ticket's engineer and rep of the ticket's branch, a problem report's
    engineer and ticket of the rep's, an action's or a deduction's ticket of
    its person's.

    Each reference is of its branch as the import leaves it (a person's and,
    since :func:`ticket_checks` refuses a move, a ticket's never changes:
    :func:`staff_checks`). A row that repeats what the database holds (a
    ticket with the engineer it has; an event of the same time naming the
    same people and ticket, imported again) is never refused: it was taken
    when it came, and a ticket file of an older version may have changed the
    ticket's branch since. One pass reads each reference's branch; only the
    few rows where they differ are looked at further.
    """
    refs = [column for column in stage.src.kind.columns if column.refers]
    if not refs or not stage.has(refs[0].name):
        return
    anchor, others = refs[0], [column for column in refs[1:] if stage.has(column.name)]
    if not others:
        return
    sides = {column.name: _branch(column) for column in (anchor, *others)}
    first, key = anchor.name, stage.src.kind.key or ("at",)  # a ticket's code; an event's time
    cells = ", ".join(f"v.{quoted(name)}" for name in dict.fromkeys([*sides, *key]))
    odd = (
        f"SELECT v.line, {cells}, "
        + ", ".join(f"{now} AS n_{name}" for name, (_join, now) in sides.items())
        + f" FROM temp.{stage.view} v{''.join(join for join, _now in sides.values())}"
        + f" WHERE {' OR '.join(f'n_{column.name} != n_{first}' for column in others)}"
    )
    per_column = []
    for column in others:
        name = column.name
        cell, first_cell = quoted(name), quoted(first)
        held = " AND ".join(
            [f"x.{quoted(k)} = v.{quoted(k)}" for k in key]
            + [f"x.{cell} IS v.{cell}", f"x.{first_cell} IS v.{first_cell}"]
        )
        per_column.append(
            f"SELECT {stage.src.order}, line, {_seq(stage, RECORD, name)}, '{name}', v.{cell},"
            f" n_{name}, json_array(v.{first_cell}, n_{first}, '{column.refers}') FROM odd v"
            f" WHERE n_{name} != n_{first}"
            f" AND NOT EXISTS (SELECT 1 FROM main.{stage.src.kind.name} x WHERE {held})"
        )
    bad.add_found(
        f"WITH odd AS MATERIALIZED ({odd}) {' UNION ALL '.join(per_column)}",
        words=_other_branch(anchor),
    )


def _branch(column: Column) -> tuple[str, str]:
    """How a reference of a staged row ``v`` finds its branch as the import leaves it:
    (the joins it needs, its branch).

    It is NULL, and the row not refused for it, for an admin (who works every
    branch), and for a code that is unknown or a person of the wrong role
    (:func:`references` tells those).
    """
    cell, alias = f"v.{quoted(column.name)}", f"b_{column.name}"
    if column.refers == "branch":
        join = f" LEFT JOIN temp.import_branches {alias} ON {alias}.code = {cell}"
        return join, f"{alias}.code"
    if column.refers == "staff":
        role = f"= '{column.role}'" if column.role else "IS NOT 'admin'"
        return (
            f" LEFT JOIN temp.import_staff {alias} ON {alias}.code = {cell}",
            f"CASE WHEN {alias}.role {role} THEN {alias}.branch END",
        )
    return (
        f" LEFT JOIN temp.import_tickets {alias} ON {alias}.code = {cell}",
        f"coalesce({alias}.branch, (SELECT branch FROM main.tickets WHERE code = {cell}))",
    )


def _other_branch(anchor: Column) -> Callable[[str, str, str], str]:
    """Why a reference (``code``, of ``branch``) is refused, when the row's first one
    (``anchor``) is of another (``other``: its code, its branch, what the reference names)."""

    def words(code: str, branch: str, other: str) -> str:
        other_code, other_branch, refers = json.loads(other)
        if anchor.refers == "branch":
            text = _("{code} works for branch {branch}, but the ticket is of branch {other_branch}")
        elif refers == "ticket":
            text = _(
                "ticket {code} is of branch {branch}, but {other_code} ({column}) works for"
                " branch {other_branch}"
            )
        else:
            text = _(
                "{code} works for branch {branch}, but {other_code} ({column}) works for"
                " branch {other_branch}"
            )
        return text.format(
            code=code,
            branch=branch,
            other_code=other_code,
            column=anchor.name,
            other_branch=other_branch,
        )

    return words


# -- staff --------------------------------------------------------------------------------


def staff_checks(stage: Stage, bad: BadRows) -> None:
    """Logins are one person's; leaving comes after hiring; a role or branch never changes.

    Rankings count a person in their role and branch for every month they
    worked (storage/staff.py): a file giving an existing person another would
    move them, their figures and money out of months already worked. Someone
    who moves leaves and is added again under a new code, as on the staff
    screen. A branch typed in another letter case is told by
    :func:`branch_spellings` instead.
    """
    pos, view = stage.src.order, f"temp.{stage.view}"
    if stage.has("login"):
        bad.add_found(
            f"SELECT {pos}, v.line, {_seq(stage, LOGIN, 'login')}, 'login', v.login, s.code, NULL"
            f" FROM {view} v JOIN main.staff s ON s.login = v.login AND s.code IS NOT v.code",
            words=lambda login, owner, _c: _("login {login} belongs to staff {owner}").format(
                login=shown(login), owner=owner
            ),
        )
    hired = "v.hired_on" if stage.has("hired_on") else "s.hired_on"
    left = "v.left_on" if stage.has("left_on") else "s.left_on"
    if stage.has("hired_on") or stage.has("left_on"):
        bad.add_found(
            f"SELECT {pos}, v.line, {_seq(stage, RECORD, 'left_on')}, 'left_on', {left}, {hired},"
            f" NULL FROM {view} v LEFT JOIN main.staff s ON s.code = v.code"
            f" WHERE {left} < {hired}",
            words=_before("hired_on"),
        )
    changed = {
        "role": "v.role IS NOT s.role",
        "branch": "v.branch IS NOT s.branch AND NOT (lower(v.branch) = lower(s.branch)"
        " AND v.branch NOT IN (SELECT code FROM main.branches))",
    }
    bad.add_found(
        " UNION ALL ".join(
            f"SELECT {pos}, v.line, {_seq(stage, RECORD, column)}, '{column}', v.code,"
            f" json_array('{column}', s.{column}), v.{column} FROM {view} v"
            f" JOIN main.staff s ON s.code = v.code WHERE v.{column} IS NOT NULL AND {rule}"
            for column, rule in changed.items()
        ),
        words=_moved,
    )


def _moved(code: str, stored: str, given: str) -> str:
    """Why a row giving an existing person another role or branch is refused, and what to do."""
    column, now = json.loads(stored)
    if column == "role":
        return _(
            "{code} is {actual}, not {wanted}: someone who changes role leaves (left_on) and is"
            " added again under a new code"
        ).format(code=code, actual=role_phrase(now), wanted=role_phrase(given))
    return _(
        "{code} is in {branch}, not {wanted}: someone who moves branch leaves (left_on) and is"
        " added again under a new code"
    ).format(code=code, branch=now, wanted=given)


def branch_spellings(stages: Sequence[Stage], bad: BadRows) -> None:
    """A branch code that differs from a known one only in letter case is a typo.

    Codes are case-sensitive, so ``gz`` where ``GZ`` exists would make a new,
    nameless branch (and, for an existing person, move them there). The known
    spelling is the database's, else the first one the staff files give.
    """
    if not stages:
        return
    given = " UNION ALL ".join(
        f"SELECT {stage.src.order} AS pos, {rank} AS rank, line,"
        f" {_seq(stage, RECORD, 'branch')} AS seq, branch FROM temp.{stage.view}"
        " WHERE branch IS NOT NULL"
        for rank, stage in enumerate(stages)
    )
    bad.add_found(
        f"""
        WITH given AS MATERIALIZED ({given}),
        spelled AS (
            SELECT lower(code) AS folded, code, -1 AS rank, 0 AS line FROM main.branches
            UNION ALL SELECT lower(branch), branch, rank, line FROM given
        ),
        known AS (
            SELECT folded, code FROM (
                SELECT folded, code,
                       row_number() OVER (PARTITION BY folded ORDER BY rank, line, code) AS n
                FROM spelled
            ) WHERE n = 1
        )
        SELECT g.pos, g.line, g.seq, 'branch', g.branch, k.code, NULL
        FROM given g JOIN known k ON k.folded = lower(g.branch)
        WHERE g.branch != k.code AND g.branch NOT IN (SELECT code FROM main.branches)
        """,
        words=lambda given, known, _c: _(
            "{value}: the branch is {code} (codes are case-sensitive)"
        ).format(value=given, code=known),
    )


def _before(earlier: str) -> Callable[[str, str, object], str]:
    return lambda late, early, _c: _("{late} is before {column} {early}").format(
        late=late, column=earlier, early=early
    )


# -- tickets ------------------------------------------------------------------------------


def ticket_checks(stage: Stage, final: str, bad: BadRows) -> None:
    """interfaces.md's bad ticket rows, on each ticket as the row would leave it.

    ``final`` is the view of the rows as written (:func:`storage.import_tickets.final_select`).
    A check runs only on files that give one of its columns: a ticket that
    already breaks it without this file saying anything about it is no bad row
    of this file. One pass over the rows finds those that break any check
    (``temp.import_failed``); each check then files its own from those few,
    except on a row whose cell of one of the check's columns could not be read
    (that cell is told already; a rating "needs its callback_at" only because
    the callback_at given was unreadable would be the same mistake told twice).

    A ticket never moves to another branch, as a person never does (:func:`staff_checks`):
    its figures count in the appraisals of the branch that took it in, months already
    closed among them. A branch that is no known code is told by :func:`references`.
    """
    pos, given = stage.src.order, stage.has
    # (columns given for it to run, column told, the rule broken, the values told, words)
    checks = [
        (
            (step, "received_at", *(("cancelled",) if step == "cancelled_at" else ())),
            step,
            f"{step} < received_at",
            (step, "received_at"),
            _before("received_at"),
        )
        for step in STEP_TIMES
    ] + [
        (
            ("rating", "callback_at"),
            "rating",
            "rating IS NOT NULL AND callback_at IS NULL",
            (),
            lambda *_v: _("a rating needs its callback_at"),
        ),
        (
            ("callback_at", "completed_at"),
            "callback_at",
            "callback_at IS NOT NULL AND completed_at IS NULL",
            (),
            lambda *_v: _("a callback needs the ticket completed (completed_at)"),
        ),
        (
            ("callback_at", "completed_at"),
            "callback_at",
            "callback_at < completed_at",
            ("callback_at", "completed_at"),
            _before("completed_at"),
        ),
        (
            ("branch",),
            "branch",
            "old_id IS NOT NULL AND branch IS NOT old_branch"
            " AND branch IN (SELECT code FROM temp.import_branches)",
            ("code", "old_branch", "branch"),
            _ticket_moved,
        ),
    ]
    checks = [check for check in checks if any(given(name) for name in check[0])]
    if checks:
        told = sorted({name for check in checks for name in check[3]})
        stage.conn.execute("DROP TABLE IF EXISTS temp.import_failed")
        stage.conn.execute(
            "CREATE TEMP TABLE import_failed AS SELECT line, "
            + "".join(f"{rule} AS broke{n}, " for n, (_g, _c, rule, _t, _w) in enumerate(checks))
            + ", ".join(told or ["NULL AS nothing"])
            + f" FROM {final} WHERE "
            + " OR ".join(f"({rule})" for _g, _c, rule, _t, _w in checks)
        )
    for n, (names, column, _rule, values, words) in enumerate(checks):
        shown_values = ", ".join([*values, "NULL", "NULL", "NULL"][:3])
        bad.add_found(
            f"SELECT {pos}, line, {_seq(stage, RECORD, column)}, '{column}', {shown_values}"
            f" FROM temp.import_failed WHERE broke{n}"
            f" AND NOT {_unreadable(stage, names, 'line')}",
            words=words,
        )
    if given("cancelled") and given("cancelled_at"):
        bad.add_found(
            f"SELECT {pos}, v.line, {_seq(stage, RECORD, 'cancelled')}, 'cancelled',"
            f" v.cancelled_at, NULL, NULL FROM temp.{stage.view} v"
            " WHERE v.cancelled_given AND v.cancelled = 0 AND v.cancelled_at IS NOT NULL",
            words=lambda at, *_v: _(
                "0, but cancelled_at says it was cancelled on {at}: give 1, or leave it empty"
            ).format(at=at),
        )


def _ticket_moved(code: str, stored: str, given: str) -> str:
    """Why a row giving an existing ticket another branch is refused."""
    return _(
        "{code} is a ticket of {branch}, not {wanted}: a ticket stays in the branch that took it"
        " in, whose appraisal counts it"
    ).format(code=code, branch=stored, wanted=given)


def ticket_conflicts(stage: Stage, final: str, bad: BadRows) -> None:
    """A row that would undo newer work is a conflict (issue 11: imports never revert it).

    The file has no time of its own, so "newer" is told by the ticket's
    history: a field whose latest change was made in the TUI, after the
    ticket was last imported, is newer than the file when the file says
    otherwise (the person at the desk knew more than the system that wrote
    the file). Whoever made it, a step time, the rating, the engineer or the
    cancellation is never cleared nor put back to a value it had before — so
    the status, which follows from them, never goes back either.
    """
    pos = stage.src.order
    columns = [column for column in stage.names if column != "code"]
    if not columns:
        return
    differs = " OR ".join(f"f.{quoted(c)} IS NOT f.{quoted('old_' + c)}" for c in columns)
    per_column = []
    for column in columns:
        fields = ", ".join(f"'{name}'" for name in HISTORY_FIELDS.get(column, (column,)))
        new, now = f"f.{quoted(column)}", f"f.{quoted('old_' + column)}"
        if column in BACKWARD:
            cleared = (
                f"({new} = 0 AND {now} = 1)"
                if column == "cancelled"
                else (f"({now} IS NOT NULL AND {new} IS NULL)")
            )
            put_back = (
                f"EXISTS (SELECT 1 FROM main.ticket_history p WHERE p.ticket = f.code"
                f" AND p.field = '{column}' AND p.old = CAST({new} AS TEXT))"
            )
            backward = f"CASE WHEN {cleared} THEN 'cleared' WHEN {put_back} THEN 'put_back' END"
        else:
            backward = "NULL"
        per_column.append(
            f"""
            SELECT {pos}, line, {_seq(stage, CONFLICT, column)}, '{column}',
                   json_array(CASE WHEN tui THEN 'tui' ELSE backward END, h.by, s.name, h.at,
                              x.in_file, x.stored), NULL, NULL
            FROM (
                SELECT f.line, {new} AS in_file, {now} AS stored, {backward} AS backward, latest,
                       latest > coalesce(imported, 0) AS tui
                FROM (
                    SELECT f.*,
                        (SELECT max(l.id) FROM main.ticket_history l
                         WHERE l.ticket = f.code AND l.field IN ({fields})) AS latest
                    FROM changed f WHERE {new} IS NOT {now}
                ) f
            ) x LEFT JOIN main.ticket_history h ON h.id = x.latest
            LEFT JOIN main.staff s ON s.code = h.by
            WHERE (tui AND h.by IS NOT 'import') OR backward IS NOT NULL
            """
        )
    # The rows that change a stored ticket, each with its ticket's last import, read once for
    # all the columns.
    bad.add_found(
        f"""
        WITH changed AS MATERIALIZED (
            SELECT f.*,
                (SELECT max(i.id) FROM main.ticket_history i
                 WHERE i.ticket = f.code AND i.by = 'import') AS imported
            FROM {final} f WHERE f.old_id IS NOT NULL AND ({differs})
        )
        {" UNION ALL ".join(per_column)}
        """,
        words=_conflict_words,
    )


def _conflict_words(found: str, _b: object, _c: object) -> str:
    why, by, name, at, new, now = json.loads(found)
    who = _("an import") if by == "import" else (f"{name} ({by})" if name else by or "?")
    if why == "tui":
        text = _(
            "{who} changed it in the TUI on {at}, after the ticket was last imported: it is {now},"
            " the file says {new}"
        )
    elif why == "cleared":
        text = _("the file clears it, but it is {now}")
        if at:
            text += " " + _("(set by {who} on {at})")
    else:
        text = _("the file puts back {new}, but it is {now}")
        if at:
            text += " " + _("(changed by {who} on {at})")
    text += " " + _("(--force applies the file)")
    return text.format(who=who, at=at, now=_text(now), new=_text(new))


# -- deductions and entered scores ----------------------------------------------------------


def deduction_checks(stage: Stage, bad: BadRows, kinds: AdjustmentKinds) -> None:
    """The kinds of the person's scheme; points only on the kinds that take entered points."""
    conn, pos, view = stage.conn, stage.src.order, f"temp.{stage.view}"
    conn.execute("DROP TABLE IF EXISTS temp.import_kinds")
    conn.execute(
        "CREATE TEMP TABLE import_kinds (branch TEXT, role TEXT, kind TEXT, entered INTEGER,"
        " PRIMARY KEY (branch, role, kind)) WITHOUT ROWID"
    )
    people = conn.execute(
        f"SELECT DISTINCT s.branch, s.role FROM {view} v JOIN temp.import_staff s"
        " ON s.code = v.staff"
    ).fetchall()
    offered = {(branch, role): dict(kinds(branch, role)) for branch, role in people}
    conn.executemany(
        "INSERT INTO temp.import_kinds VALUES (?, ?, ?, ?)",
        [
            (b, r, kind, int(entered))
            for (b, r), found in offered.items()
            for kind, entered in found.items()
        ],
    )
    source = (
        f"FROM {view} v JOIN temp.import_staff s ON s.code = v.staff"
        " LEFT JOIN temp.import_kinds k ON k.branch = s.branch AND k.role = s.role"
        " AND k.kind = v.kind"
    )
    bad.add_found(
        f"SELECT {pos}, v.line, {_seq(stage, RECORD, 'kind')}, 'kind', v.kind,"
        f" json_array(s.branch, s.role), NULL {source} WHERE v.kind IS NOT NULL AND k.kind IS NULL",
        words=lambda kind, person, _c: _kind_refused(kind, offered[tuple(json.loads(person))]),
    )
    points = _seq(stage, RECORD, "points")
    if stage.has("points"):
        bad.add_found(
            f"SELECT {pos}, v.line, {points}, 'points', v.kind, NULL, NULL {source}"
            " WHERE NOT k.entered AND v.points IS NOT NULL",
            words=lambda kind, *_v: _(
                "{kind} has the points the scheme sets for it: leave points empty"
            ).format(kind=kind),
        )
    amount, unread = "NULL", ""
    if stage.has("points"):  # a points cell that could not be read is told as that alone
        amount, unread = "v.points", f" AND NOT {_unreadable(stage, ['points'])}"
    bad.add_found(
        f"SELECT {pos}, v.line, {points}, 'points', v.kind, {amount}, NULL {source}"
        f" WHERE k.entered AND ({amount} IS NULL OR {amount} <= 0){unread}",
        words=lambda kind, given, _c: (
            _("required for {kind}") if given is None else _("must be more than 0 for {kind}")
        ).format(kind=kind),
    )


def _kind_refused(kind: str, offered: dict[str, bool]) -> str:
    """Why an adjustment kind is refused: not one the scheme takes for the role, or none is."""
    if not offered:
        return _(
            "{value}: the branch's scheme records no deductions or bonuses for this role"
        ).format(value=shown(kind))
    return _("{value} is not one of: {choices}").format(
        value=shown(kind), choices=join_list(offered)
    )


def score_checks(stage: Stage, bad: BadRows, entered_metrics: EnteredMetrics | None) -> None:
    """A value is for someone appraised in the period, of a metric their scheme enters.

    The lead's entry screen offers the people employed at some time in the
    period (:func:`storage.measures.ranked_people`): someone who left during it
    is appraised in it, someone who left before it or joins after it is not, and
    a value for them would count nowhere. A metric the person's scheme does not
    take, or a period of the other kind, is an error (schemes.md); the refusal
    lists the metrics the scheme does take, so that a typo is fixed from it. A
    value the scheme takes as a fraction is refused outside its range, as on
    the entry screen (:mod:`fieldkpi.entered`: 93 for 93 %).
    """
    conn, view, pos = stage.conn, f"temp.{stage.view}", stage.src.order
    periods = [row[0] for row in conn.execute(f"SELECT DISTINCT period FROM {view}")]
    conn.execute("DROP TABLE IF EXISTS temp.import_periods")
    conn.execute("CREATE TEMP TABLE import_periods (period TEXT PRIMARY KEY, first, last)")
    conn.executemany(
        "INSERT INTO temp.import_periods VALUES (?, ?, ?)",
        [
            (text, p.first_day.isoformat(), p.last_day.isoformat())
            for text in periods
            if text is not None
            for p in [Period.parse(text)]
        ],
    )
    bad.add_found(
        f"SELECT {pos}, v.line, {_seq(stage, RECORD, 'staff')}, 'staff', v.staff, v.period,"
        " json_array(s.left_on, s.hired_on) FROM"
        f" {view} v JOIN temp.import_staff s ON s.code = v.staff"
        " JOIN temp.import_periods p ON p.period = v.period"
        f" WHERE {has_left_sql('s.left_on', 'p.first')} OR s.hired_on > p.last",
        words=_not_appraised,
    )
    if entered_metrics is None:
        return
    people = conn.execute(
        f"SELECT DISTINCT s.branch, s.role FROM {view} v JOIN temp.import_staff s"
        " ON s.code = v.staff"
    ).fetchall()
    offered = {(branch, role): entered_metrics(branch, role) for branch, role in people}
    conn.execute("DROP TABLE IF EXISTS temp.import_metrics")
    conn.execute(
        "CREATE TEMP TABLE import_metrics (branch, role, period_kind, metric, low REAL, high REAL)"
    )
    conn.executemany(
        "INSERT INTO temp.import_metrics VALUES (?, ?, ?, ?, ?, ?)",
        [
            (branch, role, kind, metric, *_bounds(metrics.get(metric) if metric else None))
            for (branch, role), (kind, metrics) in offered.items()
            for metric in [*metrics, None]  # None: the kind of period, for a scheme of none
        ],
    )
    person = (
        f"FROM {view} v JOIN temp.import_staff s ON s.code = v.staff"
        " JOIN temp.import_metrics k ON k.branch = s.branch AND k.role = s.role"
        " AND k.metric IS NULL"
    )
    period_kind = "CASE WHEN v.period GLOB '*Q*' THEN 'quarter' ELSE 'month' END"
    bad.add_found(
        f"SELECT {pos}, v.line, {_seq(stage, RECORD, 'period')}, 'period', v.period, v.staff,"
        f" k.period_kind {person} WHERE v.period IS NOT NULL AND {period_kind} != k.period_kind",
        words=_other_kind_of_period,
    )
    bad.add_found(
        f"SELECT {pos}, v.line, {_seq(stage, RECORD, 'metric')}, 'metric', v.metric,"
        " v.period, json_array(v.staff, s.branch, s.role)"
        f" {person} WHERE v.period IS NOT NULL AND {period_kind} = k.period_kind"
        " AND v.metric IS NOT NULL AND NOT EXISTS (SELECT 1 FROM temp.import_metrics m"
        " WHERE m.branch = s.branch AND m.role = s.role AND m.metric = v.metric)",
        words=lambda metric, period, who: _metric_refused(metric, period, who, offered),
    )
    number = "CAST(v.value AS REAL)"
    bad.add_found(
        f"SELECT {pos}, v.line, {_seq(stage, RECORD, 'value')}, 'value', v.value, v.metric,"
        f" json_array(s.branch, s.role) FROM {view} v JOIN temp.import_staff s ON s.code = v.staff"
        " JOIN temp.import_metrics m ON m.branch = s.branch AND m.role = s.role"
        f" AND m.metric = v.metric WHERE {number} < m.low OR {number} > m.high",
        words=lambda value, metric, who: offered[tuple(json.loads(who))][1][metric].cell_refusal(
            Decimal(value)
        ),
    )


def _bounds(fraction: FractionRange | None) -> tuple[float | None, float | None]:
    """A fraction's range as SQLite compares it (NULL: any value is taken)."""
    return (None, None) if fraction is None else (float(fraction.low), float(fraction.high))


def _not_appraised(staff: str, period: str, days: str) -> str:
    left_on, hired_on = json.loads(days)
    left = date.fromisoformat(left_on) if left_on else None
    if has_left(left, Period.parse(period).first_day):
        text = _("{staff} left on {day}, before {period}: they are not appraised in it")
        day = left_on
    else:
        text = _("{staff} joins on {day}, after {period}: they are not appraised in it")
        day = hired_on
    return text.format(staff=staff, day=day, period=period)


def _other_kind_of_period(period: str, staff: str, kind: str) -> str:
    if kind == "month":
        text = _("{period} is a quarter, but the scheme {staff} is appraised by goes by the month")
    else:
        text = _("{period} is a month, but the scheme {staff} is appraised by goes by the quarter")
    return text.format(period=shown(period), staff=staff)


def _metric_refused(
    metric: str, period: str, who: str, offered: Mapping[tuple[str, str], tuple[str, Sequence[str]]]
) -> str:
    """Why a metric is refused, with the metrics the person's scheme takes (or that it takes
    none for their role)."""
    staff, branch, role = json.loads(who)
    metrics = offered[(branch, role)][1]
    if metrics:
        text = _(
            "{metric} is not a metric of the scheme {staff} is appraised by in {period};"
            " its metrics are: {metrics}"
        )
    else:
        text = _(
            "{metric} is not a metric of the scheme {staff} is appraised by in {period}:"
            " it takes no value from outside for {role}"
        )
    return text.format(
        metric=shown(metric),
        staff=staff,
        period=period,
        metrics=join_list(metrics),
        role=role_phrase(role),
    )
