"""``LoadError``: everything a reader can refuse, as one line in the user's language."""

from __future__ import annotations

from workbench.errors import UserError


class LoadError(UserError):
    """A file, sheet, table or URI that cannot be read; the message says what is wrong and what to do.

    The key lives in ``workbench/i18n/messages/io.toml`` (``io.error.*``).
    """


def human_list(items: list[str] | tuple[str, ...], limit: int = 3) -> str:
    """``"a, b, c (+4)"``: long lists cut to ``limit`` items, in a form that reads the same in any language
    (the message is rendered later, possibly in the other language)."""
    items = [str(i) for i in items]
    if len(items) <= limit:
        return ", ".join(items)
    return f"{', '.join(items[:limit])} (+{len(items) - limit})"


def note_message(note: tuple[str, dict], lang: str | None = None) -> str:
    """A ``SourceInfo.notes`` entry as one line for the user (the UI and the CLI show these)."""
    from workbench.i18n import t

    key, params = note
    return " ".join(t(key, lang, **params).split())
