"""Where the pseudonymisation key comes from: the environment or a key file outside the workspace.

The key is never written to the store, a log, a report or an export; without one, pseudonyms are refused
(an unkeyed hash of a resident number can be reversed by hashing every possible number).
"""

from __future__ import annotations

import os
from pathlib import Path

from workbench.errors import UserError

KEY_ENV = "WORKBENCH_PSEUDONYM_KEY"
KEY_FILE_ENV = "WORKBENCH_PSEUDONYM_KEY_FILE"
MIN_KEY_BYTES = 16
MIN_DISTINCT_BYTES = 6  # 16 spaces, "aaaaaaaaaaaaaaaa" or "abababababababab" are not keys
MIN_KEY_BITS = 32  # length × Shannon entropy of the key's own bytes: 16 random hex digits give about 44


class KeyError_(UserError):  # trailing underscore: not the builtin KeyError
    """No usable pseudonymisation key."""


def _workspace() -> Path:
    return Path(os.environ.get("WORKBENCH_HOME", "workspace")).resolve()


def key_available() -> bool:
    try:
        load_key()
    except KeyError_:
        return False
    return True


def load_key() -> bytes:
    """The HMAC key: ``WORKBENCH_PSEUDONYM_KEY`` or the file named by ``WORKBENCH_PSEUDONYM_KEY_FILE``.

    A key file inside the workspace is refused: the workspace is shared and backed up with the data, so a
    key kept there would travel with the pseudonyms it protects.
    """
    value = os.environ.get(KEY_ENV)
    if not value and (path := os.environ.get(KEY_FILE_ENV)):
        file = Path(path).expanduser().resolve()
        if file.is_relative_to(_workspace()):
            raise KeyError_("privacy.key.in_workspace", path=str(file))
        try:
            value = file.read_text(encoding="utf-8").strip()
        except OSError:
            raise KeyError_("privacy.key.unreadable", path=str(file)) from None
    return check_key(value)


def check_key(value: str | None) -> bytes:
    """The one test every key passes, wherever it comes from (environment, key file, a file chosen in the
    app for one session): present, long enough and not a repetition of a few characters."""
    value = (value or "").strip()
    if not value:
        raise KeyError_("privacy.key.missing", env=KEY_ENV, file_env=KEY_FILE_ENV)
    key = value.encode("utf-8")
    if len(key) < MIN_KEY_BYTES:
        raise KeyError_("privacy.key.too_short", n=MIN_KEY_BYTES)
    check_strength(key)
    return key


def key_from_upload(data: bytes, name: str) -> bytes:
    """A key file chosen in the app: its text, checked like any key. Held by the caller in memory only."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise KeyError_("privacy.key.unreadable", path=name) from None
    return check_key(text)


def key_bits(key: bytes) -> float:
    """Length × Shannon entropy per byte of the key itself: a crude bound that catches repetition, not a
    measure of randomness (a long English sentence passes; so it should)."""
    import math
    from collections import Counter

    n = len(key)
    return -sum(c * math.log2(c / n) for c in Counter(key).values()) if n else 0.0


def check_strength(key: bytes) -> None:
    """Refuse a key with fewer than ``MIN_DISTINCT_BYTES`` distinct bytes or under ``MIN_KEY_BITS``: an
    attacker tries such keys first, and with the key every pseudonym of a resident number can be reversed."""
    distinct = len(set(key.strip()))
    if distinct < MIN_DISTINCT_BYTES or key_bits(key) < MIN_KEY_BITS:
        raise KeyError_("privacy.key.weak", distinct=distinct, min_distinct=MIN_DISTINCT_BYTES)
