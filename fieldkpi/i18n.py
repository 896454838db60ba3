"""Translation: every text a person reads goes through ``_()``.

The source strings are English; catalogs for other languages live in
``fieldkpi/locale/<lang>/LC_MESSAGES/fieldkpi.mo`` (made from the ``.po`` files
by ``scripts/extract_messages.py --compile``). ``set_language`` picks the
language once at start-up, from ``--lang`` or else ``LC_ALL``/``LANG``.
"""

from __future__ import annotations

import gettext
import os
from collections.abc import Iterable, MutableMapping
from pathlib import Path

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "fieldkpi"
LANGUAGES = ("en", "zh")

_translation: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"


def N_(message: str) -> str:
    """Mark a string for translation without translating it yet (it is shown later via ``_``)."""
    return message


# argparse's own words, translated through the catalog by ``route_stdlib_messages``.
ARGPARSE_MESSAGES = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("%(prog)s: error: %(message)s\n"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("the following arguments are required: %s"),
    N_("one of the arguments %s is required"),
    N_("unrecognized arguments: %s"),
    N_("not allowed with argument %s"),
    N_("ignored explicit argument %r"),
    N_("expected one argument"),
    N_("expected at most one argument"),
    N_("expected at least one argument"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("invalid %(type)s value: %(value)r"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("can't open '%(filename)s': %(error)s"),
)


def language_from_env(environ: MutableMapping[str, str] | None = None) -> str:
    """``zh`` for a Chinese locale (``zh_CN.UTF-8`` …), else ``en``."""
    environ = os.environ if environ is None else environ
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(var)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def set_language(lang: str | None = None) -> str:
    """Switch every later ``_()`` to ``lang`` (or the environment's); returns it."""
    global _translation, _language
    lang = lang or language_from_env()
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; use one of {', '.join(LANGUAGES)}")
    _translation = gettext.translation(
        DOMAIN, localedir=LOCALE_DIR, languages=[lang], fallback=True
    )
    _language = lang
    return lang


def current_language() -> str:
    """The language ``set_language`` chose (``en`` until it is called)."""
    return _language


def route_stdlib_messages() -> None:
    """Have argparse's own words ("usage:", "error:", …) follow the chosen language too.

    argparse translates through the standard library's global gettext domain,
    which takes its language from ``$LANGUAGE``. Pointing that domain at our
    catalog (which carries :data:`ARGPARSE_MESSAGES`) and ``LANGUAGE`` at the
    current language does it with gettext's public API. Only the CLI calls
    this: it changes process-wide state.
    """
    gettext.bindtextdomain(DOMAIN, LOCALE_DIR)
    gettext.textdomain(DOMAIN)
    os.environ["LANGUAGE"] = _language


def _(message: str) -> str:
    return _translation.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translation.ngettext(singular, plural, n)


# Between the items of a list a person reads: Chinese lists with "、", not an ASCII comma.
LIST_SEPARATOR = N_(", ")


# Between clauses of one sentence: Chinese with the full-width "；", not an ASCII ";".
CLAUSE_SEPARATOR = N_("; ")


def join_list(items: Iterable[str]) -> str:
    """``items`` listed as the current language lists them: "类别、人员、备注", "kind, note"."""
    return _(LIST_SEPARATOR).join(items)


def join_clauses(clauses: Iterable[str]) -> str:
    """``clauses`` in one sentence as the current language parts them: "A → B；C", "A → B; C"."""
    return _(CLAUSE_SEPARATOR).join(clauses)
