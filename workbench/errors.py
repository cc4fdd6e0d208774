"""The one error type users see: it carries an i18n key, so the message is rendered in the reader's language."""

from __future__ import annotations


class UserError(Exception):
    """Something the user can fix. ``str(err)`` is one line in the current UI language.

    Subclasses (``LoadError``, ``GateError``, …) only name the area; the message lives in the catalogs.
    """

    def __init__(self, key: str, **params: object) -> None:
        self.key = key
        self.params = params
        super().__init__(key)

    def message(self, lang: str | None = None) -> str:
        from workbench.i18n import t

        return " ".join(t(self.key, lang, **self.params).split())  # one line, always

    def lines(self, lang: str | None = None) -> list[str]:
        """One message per problem (most errors have one; a checked spec may have several)."""
        return [self.message(lang)]

    def __str__(self) -> str:
        return self.message()
