"""Names users give to datasets, policies, features and runs: checked once, here."""

from __future__ import annotations

import unicodedata

from workbench.store.errors import StoreError

MAX_NAME = 200


def check_name(name: str, kind: str) -> str:
    """``name`` trimmed and NFC-normalised (Korean typed on macOS arrives decomposed); refuses empty,
    over-long or control-character names with a one-line message."""
    if not isinstance(name, str):
        raise StoreError("store.name.invalid", kind=kind, name=repr(name)[:40])
    cleaned = unicodedata.normalize("NFC", name).strip()
    if not cleaned:
        raise StoreError("store.name.empty", kind=kind)
    if len(cleaned) > MAX_NAME:
        raise StoreError("store.name.too_long", kind=kind, limit=MAX_NAME)
    if any(unicodedata.category(ch).startswith("C") for ch in cleaned):
        raise StoreError("store.name.invalid", kind=kind, name=cleaned[:40])
    return cleaned


def norm(name: str) -> str:
    """How a name is looked up: the same NFC + trim as ``check_name``, without refusing anything."""
    return unicodedata.normalize("NFC", name).strip() if isinstance(name, str) else name
