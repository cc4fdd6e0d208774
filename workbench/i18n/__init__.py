"""Message catalogs (Korean first, English) and ``t(key, **kw)``.

Catalogs are TOML files in ``messages/``, one per area of the app, each key holding both languages side by
side so that a translation can't be forgotten silently (``tests/test_i18n.py`` fails on a missing one)::

    [data.title]
    ko = "데이터"
    en = "Data"

The current language lives in a context variable: each Streamlit session sets it at the top of every run,
and the CLI sets it from ``--lang``/``WORKBENCH_LANG``. Library code raises errors that carry a key and
parameters, so a message is rendered in the language of whoever reads it.
"""

from __future__ import annotations

import contextvars
import os
import string
import tomllib
from functools import cache
from pathlib import Path
from typing import Literal

Language = Literal["ko", "en"]
LANGUAGES: tuple[Language, ...] = ("ko", "en")
DEFAULT_LANGUAGE: Language = "ko"

_MESSAGES_DIR = Path(__file__).with_name("messages")
_current: contextvars.ContextVar[Language] = contextvars.ContextVar("workbench_language")


def _flatten(prefix: str, node: dict, out: dict[str, dict[str, str]], source: str) -> None:
    if set(node) & set(LANGUAGES) and all(isinstance(v, str) for v in node.values()):
        if prefix in out:
            raise ValueError(f"i18n key {prefix!r} defined twice (again in {source})")
        out[prefix] = node
        return
    for name, child in node.items():
        if not isinstance(child, dict):
            raise ValueError(f"i18n entry {prefix}.{name} in {source} is not a table of languages")
        _flatten(f"{prefix}.{name}" if prefix else name, child, out, source)


@cache
def catalog() -> dict[str, dict[str, str]]:
    """All keys → {language: text}, read once from every file in ``messages/``."""
    out: dict[str, dict[str, str]] = {}
    for path in sorted(_MESSAGES_DIR.glob("*.toml")):
        with path.open("rb") as f:
            _flatten("", tomllib.load(f), out, path.name)
    return out


def get_language() -> Language:
    lang = _current.get(None) or os.environ.get("WORKBENCH_LANG", DEFAULT_LANGUAGE)
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE  # type: ignore[return-value]


def set_language(lang: str) -> contextvars.Token:
    """Set the language of this context; the token undoes it (``reset_language``)."""
    if lang not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}, not {lang!r}")
    return _current.set(lang)  # type: ignore[arg-type]


def reset_language(token: contextvars.Token) -> None:
    _current.reset(token)


def clear_language() -> None:
    """Forget this context's choice: the language falls back to ``WORKBENCH_LANG``, then Korean."""
    _current.set(None)  # type: ignore[arg-type]


def t(key: str, lang: str | None = None, /, **kw: object) -> str:
    """The message for ``key`` in ``lang`` (default: the current language), formatted with ``kw``.

    A missing key raises ``KeyError``: a silent fallback would ship an untranslated screen.
    """
    entry = catalog()[key]
    text = entry[lang or get_language()]
    if not kw:
        return text
    return _PLURAL.format(text, **kw) if "|" in text else text.format(**kw)


def is_one(count: object) -> bool:
    """Whether ``count`` reads as exactly one: ``1``, ``1.0``, or a number already written for the reader
    ("1"; "1,234" is not one)."""
    if isinstance(count, bool):
        return False
    if isinstance(count, int | float):
        return count == 1
    return str(count).strip() in {"1", "1.0"}


class _PluralFormatter(string.Formatter):
    """``{n:run|runs}`` writes the word for ``n`` (singular for exactly one), not ``n`` itself, so an English
    message says "1 run" and "3 runs": ``"({n} {n:run|runs})"``. Korean has no plural and never needs it.
    Any other format spec (``{x:.3f}``) works as in ``str.format``."""

    def format_field(self, value: object, format_spec: str) -> str:
        if "|" in format_spec:
            one, many = format_spec.split("|", 1)
            return one if is_one(value) else many
        return super().format_field(value, format_spec)


_PLURAL = _PluralFormatter()


def has(key: str) -> bool:
    return key in catalog()
