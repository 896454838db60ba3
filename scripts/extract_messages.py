"""Keep the translation catalogs in step with the code, with the standard library only.

Python's ``pygettext``/``msgfmt`` tools do not ship with every interpreter, so
this script does their three jobs for fieldkpi:

* extract every marked string — ``_("…")``, ``N_("…")`` and
  ``ngettext("…", "…", n)`` — from ``fieldkpi/``, ``storage/`` and
  ``screens/`` into ``fieldkpi/locale/fieldkpi.pot``;
* merge that template into each ``fieldkpi/locale/<lang>/LC_MESSAGES/fieldkpi.po``,
  keeping the translations already made (new messages come in untranslated);
* with ``--compile``, write each ``.po`` as the ``.mo`` that :mod:`gettext` reads.

The output depends only on the sources (no dates, no line numbers), so
running it twice changes nothing and ``tests/test_i18n.py`` can check that the
committed files are current.

    python scripts/extract_messages.py            # .pot and merged .po files
    python scripts/extract_messages.py --compile  # … and the .mo files
"""

from __future__ import annotations

import argparse
import ast
import re
import struct
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("fieldkpi", "storage", "screens")
LOCALE = ROOT / "fieldkpi" / "locale"
DOMAIN = "fieldkpi"
POT = LOCALE / f"{DOMAIN}.pot"
# The catalogs kept for each language; the source strings are English.
PLURAL_FORMS = {"zh": "nplurals=1; plural=0;"}
# Which arguments of each marking function are (singular, plural).
MARKERS = {"_": (0, None), "N_": (0, None), "ngettext": (0, 1)}
# ``{name}`` / ``{name!r}`` / ``{size:,}`` fields, and printf ``%(name)s`` / ``%s`` ones.
BRACE_FIELD = re.compile(r"(?<!\{)\{([A-Za-z_]\w*)?(?:[!:][^{}]*)?\}(?!\})")
PRINTF_FIELD = re.compile(r"%(?:\((\w+)\))?[sdr]")


@dataclass
class Message:
    msgid: str
    plural: str | None = None
    files: list[str] = field(default_factory=list)
    translations: list[str] = field(default_factory=list)

    @property
    def flag(self) -> str | None:
        """The format flag translators go by: which placeholders must survive."""
        if BRACE_FIELD.search(self.msgid):
            return "python-brace-format"
        if PRINTF_FIELD.search(self.msgid):
            return "python-format"
        return None


# --- extraction ---------------------------------------------------------------------------


def source_files(root: Path = ROOT) -> list[Path]:
    return sorted(
        path
        for package in SOURCES
        for path in (root / package).rglob("*.py")
        if "__pycache__" not in path.parts
    )


def _marker(call: ast.Call) -> str | None:
    func = call.func
    name = func.id if isinstance(func, ast.Name) else None
    return name if name in MARKERS else None


def extract(root: Path = ROOT) -> tuple[list[Message], list[str]]:
    """The marked messages in source order, and the marks that cannot be extracted.

    A mark whose argument is not a plain string literal (an f-string, a
    concatenation, a variable) is reported as a problem, except a bare name or
    attribute: those translate a string marked elsewhere with ``N_``.
    """
    messages: dict[str, Message] = {}
    problems: list[str] = []
    for path in source_files(root):
        relative = path.relative_to(root).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=relative)
        calls = sorted(
            (n for n in ast.walk(tree) if isinstance(n, ast.Call) and _marker(n)),
            key=lambda n: (n.lineno, n.col_offset),
        )
        for call in calls:
            wanted = [i for i in MARKERS[_marker(call)] if i is not None]
            args = [call.args[i] if i < len(call.args) else None for i in wanted]
            if all(isinstance(a, ast.Name | ast.Attribute | ast.Subscript) for a in args):
                continue  # translating a string marked elsewhere
            if not all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in args):
                problems.append(f"{relative}:{call.lineno}: not a plain string literal")
                continue
            message = Message(*(a.value for a in args))
            if not message.msgid:
                problems.append(f"{relative}:{call.lineno}: empty message")
                continue
            found = messages.setdefault(message.msgid, message)
            if found.plural != message.plural:
                problems.append(f"{relative}:{call.lineno}: {message.msgid!r} with two plurals")
            if relative not in found.files:
                found.files.append(relative)
    return list(messages.values()), problems


# --- .po / .pot text ----------------------------------------------------------------------

_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"}
_UNESCAPES = {"\\": "\\", '"': '"', "n": "\n", "t": "\t", "r": "\r"}


def _quote(text: str) -> str:
    return '"' + "".join(_ESCAPES.get(c, c) for c in text) + '"'


def _unquote(token: str) -> str:
    body = token.strip()
    if len(body) < 2 or body[0] != '"' or body[-1] != '"':
        raise ValueError(f"not a quoted string: {token!r}")
    return re.sub(r"\\(.)", lambda m: _UNESCAPES.get(m.group(1), m.group(0)), body[1:-1])


def _field(keyword: str, text: str) -> list[str]:
    """``keyword "text"``, split after each newline as msgfmt writes long strings."""
    pieces = text.splitlines(keepends=True) or [""]
    if len(pieces) == 1:
        return [f"{keyword} {_quote(text)}"]
    return [f'{keyword} ""', *(_quote(p) for p in pieces)]


def _header(lang: str | None) -> str:
    fields = [
        ("Project-Id-Version", DOMAIN),
        ("Language", lang or ""),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=UTF-8"),
        ("Content-Transfer-Encoding", "8bit"),
    ]
    if lang:
        fields.append(("Plural-Forms", PLURAL_FORMS[lang]))
    return "".join(f"{name}: {value}\n" for name, value in fields)


def render(messages: list[Message], lang: str | None = None) -> str:
    """The text of the template (``lang=None``) or of ``lang``'s catalog."""
    title = f"{lang} translations" if lang else "Translation template"
    lines = [
        f"# {title} for fieldkpi.",
        "# Written by scripts/extract_messages.py; edit only the msgstr lines.",
        'msgid ""',
        *_field("msgstr", _header(lang)),
    ]
    for message in messages:
        lines.append("")
        lines.append("#: " + " ".join(message.files))
        if message.flag:
            lines.append(f"#, {message.flag}")
        lines += _field("msgid", message.msgid)
        translations = message.translations if lang else []
        if message.plural is None:
            lines += _field("msgstr", translations[0] if translations else "")
        else:
            lines += _field("msgid_plural", message.plural)
            count = int(PLURAL_FORMS[lang].split(";")[0].split("=")[1]) if lang else 2
            for i in range(count):
                lines += _field(f"msgstr[{i}]", translations[i] if i < len(translations) else "")
    return "\n".join(lines) + "\n"


def parse_po(text: str) -> list[Message]:
    """The entries of a ``.po`` file (the header entry excluded; obsolete ``#~`` ignored)."""
    messages: list[Message] = []
    entry: dict[str, str] = {}
    files: list[str] = []
    last: str | None = None

    def finish() -> None:
        nonlocal entry, files, last
        if entry.get("msgid"):
            strs = sorted((k for k in entry if k.startswith("msgstr")), key=_plural_index)
            messages.append(
                Message(
                    entry["msgid"],
                    entry.get("msgid_plural"),
                    files,
                    [entry[k] for k in strs],
                )
            )
        entry, files, last = {}, [], None

    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            if last is not None and "msgstr" in " ".join(entry):
                finish()
            if line.startswith("#:"):
                files += line[2:].split()
            continue
        try:
            if line.startswith('"'):
                if last is None:
                    raise ValueError("a continuation line before any keyword")
                entry[last] += _unquote(line)
                continue
            keyword, _space, rest = line.partition(" ")
            if keyword == "msgid" and any(k.startswith("msgstr") for k in entry):
                finish()
            if keyword not in ("msgid", "msgid_plural") and not keyword.startswith("msgstr"):
                raise ValueError(f"unknown keyword {keyword!r}")
            entry[keyword] = _unquote(rest)
            last = keyword
        except ValueError as exc:
            raise ValueError(f"line {number}: {exc}") from None
    finish()
    return messages


def _plural_index(keyword: str) -> int:
    found = re.search(r"\[(\d+)\]", keyword)
    return int(found.group(1)) if found else 0


def merge(template: list[Message], existing: list[Message]) -> tuple[list[Message], list[str]]:
    """The template's messages with ``existing``'s translations; and the msgids dropped."""
    known = {m.msgid: m for m in existing}
    merged = []
    for message in template:
        old = known.pop(message.msgid, None)
        translations = old.translations if old and old.plural == message.plural else []
        merged.append(Message(message.msgid, message.plural, message.files, translations))
    return merged, [m.msgid for m in known.values()]


# --- .mo ----------------------------------------------------------------------------------


def compile_mo(messages: list[Message], lang: str) -> bytes:
    """The GNU ``.mo`` bytes :mod:`gettext` reads; untranslated messages are left out."""
    catalog = {b"": _header(lang).encode()}
    for message in messages:
        if not any(message.translations):
            continue
        key = message.msgid if message.plural is None else f"{message.msgid}\0{message.plural}"
        catalog[key.encode()] = "\0".join(message.translations).encode()
    keys = sorted(catalog)
    ids = strs = b""
    spans = []
    for key in keys:
        spans.append((len(ids), len(key), len(strs), len(catalog[key])))
        ids += key + b"\0"
        strs += catalog[key] + b"\0"
    key_start = 7 * 4 + 16 * len(keys)
    value_start = key_start + len(ids)
    key_table = [n for o, length, _o, _l in spans for n in (length, o + key_start)]
    value_table = [n for _o, _l, o, length in spans for n in (length, o + value_start)]
    header = struct.pack("<7I", 0x950412DE, 0, len(keys), 7 * 4, 7 * 4 + 8 * len(keys), 0, 0)
    return header + struct.pack(f"<{4 * len(keys)}I", *key_table, *value_table) + ids + strs


# --- the command --------------------------------------------------------------------------


def po_path(lang: str, root: Path = ROOT) -> Path:
    return root / "fieldkpi" / "locale" / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--compile", action="store_true", help="also write the .mo files")
    args = parser.parse_args(argv)
    messages, problems = extract()
    for problem in problems:
        print(problem, file=sys.stderr)
    POT.parent.mkdir(parents=True, exist_ok=True)
    POT.write_text(render(messages), encoding="utf-8")
    print(f"{POT.relative_to(ROOT)}: {len(messages)} messages")
    for lang in PLURAL_FORMS:
        path = po_path(lang)
        existing = parse_po(path.read_text(encoding="utf-8")) if path.exists() else []
        merged, dropped = merge(messages, existing)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render(merged, lang), encoding="utf-8")
        missing = sum(not any(m.translations) for m in merged)
        print(f"{path.relative_to(ROOT)}: {missing} untranslated")
        for msgid in dropped:
            print(f"  dropped (no longer in the code): {msgid!r}", file=sys.stderr)
        if args.compile:
            path.with_suffix(".mo").write_bytes(compile_mo(merged, lang))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
