"""User-facing text in Dutch and English.

Every string the app shows has a key (``"home.title"``) in two catalogs shipped inside the
package, ``simulator/locale/nl.toml`` and ``en.toml``; nested TOML tables give dotted keys.
Placeholders use ``str.format`` syntax (``{pause}``). Numbers are passed in already formatted
for the language (``format_seconds``): Dutch writes ``2,1 s``, English ``2.1 s``.
"""

from __future__ import annotations

import os
import string
import tomllib
from collections.abc import Mapping
from datetime import datetime
from functools import cache
from importlib import resources
from typing import Any

LANGUAGES: tuple[str, ...] = ("nl", "en")
DEFAULT_LANGUAGE = "en"
_LOCALE_VARS = ("LC_ALL", "LC_MESSAGES", "LANG")
"""POSIX order of precedence: the first one set and non-empty decides."""


def _flatten(prefix: str, table: Mapping[str, Any], out: dict[str, str]) -> None:
    for key, value in table.items():
        full = f"{prefix}.{key}" if prefix else key
        if isinstance(value, Mapping):
            _flatten(full, value, out)
        elif isinstance(value, str):
            out[full] = value
        else:
            raise ValueError(f"catalog entry {full} must be text, not {type(value).__name__}")


@cache
def catalog(lang: str) -> Mapping[str, str]:
    """All texts of one language, by dotted key (read once from the package)."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; use one of {', '.join(LANGUAGES)}")
    data = resources.files("simulator.locale").joinpath(f"{lang}.toml").read_text("utf-8")
    out: dict[str, str] = {}
    _flatten("", tomllib.loads(data), out)
    return out


def placeholders(text: str) -> frozenset[str]:
    """The placeholder names in a text (``{pause}`` → ``pause``)."""
    names: set[str] = set()
    for _, field, _, _ in string.Formatter().parse(text):
        if field is not None:
            names.add(field.split(".")[0].split("[")[0])
    return frozenset(names)


def has(key: str, lang: str = DEFAULT_LANGUAGE) -> bool:
    return key in catalog(lang)


def t(key: str, lang: str, **params: object) -> str:
    """The text for ``key`` in ``lang`` with ``params`` filled in.

    An unknown key or a missing parameter is a programming error and raises ``KeyError``.
    """
    texts = catalog(lang)
    try:
        text = texts[key]
    except KeyError:
        raise KeyError(f"no text with key {key!r} in the {lang} catalog") from None
    return text.format(**params) if params or "{" in text else text


def tn(key: str, lang: str, n: int, **params: object) -> str:
    """``t`` for a text that names a number ``n`` of things: the singular form ``<key>_one`` when
    ``n`` is 1 and the catalog has one, else ``key`` (the plural)."""
    one = f"{key}_one"
    return t(one if n == 1 and has(one, lang) else key, lang, **params)


def fill(text: str, **params: object) -> str:
    """Fill placeholders in a text from elsewhere (a scenario's feedback override).

    A text with an unknown or broken placeholder is shown as written rather than failing, and so
    is one with anything but bare ``{name}`` placeholders: a format spec (``{value:>300000000}``)
    would let the file decide how much text is made.
    """
    try:
        for _, name, spec, conversion in string.Formatter().parse(text):
            if name is not None and (spec or conversion or not name.isidentifier()):
                return text
        return text.format(**params)
    except (KeyError, IndexError, ValueError, AttributeError):
        return text


def language_from_locale(value: str) -> str | None:
    """``nl_NL.UTF-8`` → ``nl``, ``en_GB`` → ``en``; ``C``/``POSIX``/empty → ``None``."""
    value = value.strip()
    if not value or value in ("C", "POSIX") or value.startswith("C."):
        return None
    return "nl" if value.lower().startswith("nl") else "en"


def resolve_language(explicit: str | None, environ: Mapping[str, str] | None = None) -> str:
    """The language to use: an explicit choice (setting or ``--lang``) first, then the system
    locale (``LC_ALL``, ``LC_MESSAGES``, ``LANG``: starting with ``nl`` → Dutch), else English.
    """
    if explicit:
        lang = explicit.strip().lower()[:2]
        if lang in LANGUAGES:
            return lang
    env = os.environ if environ is None else environ
    for var in _LOCALE_VARS:
        found = language_from_locale(env.get(var, ""))
        if found is not None:
            return found
    if environ is None:
        # Windows and some macOS setups set no locale variables.
        import locale

        system = locale.getlocale()[0]
        if system and system.lower().startswith(("nl", "dutch")):
            return "nl"
    return DEFAULT_LANGUAGE


def language_choice(choice: str | None, lang: str, override: str | None = None) -> str:
    """How the language setting reads in ``lang``: ``Nederlands``, ``English``, or "as on this
    computer" with the computer's language named in itself. Home and Settings both use this.

    ``override`` is the language ``--lang`` chose for this run: then that language is named,
    with the note that it holds for this run only (the stored ``choice`` does not apply).
    """
    if override in LANGUAGES:
        name = t(f"settings.language_{override}", lang)
        return t("settings.override.home", lang, language=name)
    if choice in LANGUAGES:
        return t(f"settings.language_{choice}", lang)
    system = resolve_language(None)
    return t("settings.language_system", lang, language=t("app.language_name", system))


def language_override_note(override: str | None, lang: str) -> str | None:
    """The note under the language setting when ``--lang`` decides for this run, else ``None``."""
    if override not in LANGUAGES:
        return None
    name = t(f"settings.language_{override}", lang)
    return t("settings.override.note", lang, language=name)


def format_number(value: float, lang: str, decimals: int = 1) -> str:
    text = f"{value:.{decimals}f}"
    return text.replace(".", ",") if lang == "nl" else text


def format_seconds(value: float, lang: str, decimals: int = 1) -> str:
    """``2.1 s`` in English, ``2,1 s`` in Dutch (non-breaking space before the unit)."""
    return f"{format_number(value, lang, decimals)}\u00a0s"


def format_band(min_s: float, max_s: float, lang: str) -> str:
    """``2.5–4.0 s`` / ``2,5–4,0 s``."""
    return f"{format_number(min_s, lang)}–{format_number(max_s, lang)}\u00a0s"


def local_date(iso: str) -> str:
    """An ISO-8601 time as ``2025-03-04 10:15`` in this computer's time zone; text that is not
    a time is returned as it is."""
    try:
        return datetime.fromisoformat(iso).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return iso
