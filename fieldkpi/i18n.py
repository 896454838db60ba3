"""Translation: every text a person reads goes through ``_()``.

The source strings are English; catalogs for other languages live in
``fieldkpi/locale/<lang>/LC_MESSAGES/fieldkpi.mo``. ``set_language`` picks the
language once at start-up, from ``--lang`` or else ``LC_ALL``/``LANG``.
"""

from __future__ import annotations

import gettext
import os
from pathlib import Path

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "fieldkpi"
LANGUAGES = ("en", "zh")

_translation: gettext.NullTranslations = gettext.NullTranslations()


def language_from_env(environ: dict[str, str] | None = None) -> str:
    """``zh`` for a Chinese locale (``zh_CN.UTF-8`` …), else ``en``."""
    environ = os.environ if environ is None else environ
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(var)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def set_language(lang: str | None = None) -> str:
    """Switch every later ``_()`` to ``lang`` (or the environment's); returns it."""
    global _translation
    lang = lang or language_from_env()
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; use one of {', '.join(LANGUAGES)}")
    _translation = gettext.translation(
        DOMAIN, localedir=LOCALE_DIR, languages=[lang], fallback=True
    )
    return lang


def _(message: str) -> str:
    return _translation.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translation.ngettext(singular, plural, n)
