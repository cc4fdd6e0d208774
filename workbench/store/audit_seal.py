"""What makes the audit chain prove itself: a key and an anchor kept outside the database.

Whoever can write the database can rewrite a row and recompute every later SHA-256 and the head, or delete
the newest rows and set the head back. So each entry's hash is an HMAC-SHA256 under a key kept in a file
outside the database (``<home>/audit.key``, created 0600, or ``WORKBENCH_AUDIT_KEY_FILE``), and after each
commit the new head ``seq hash`` is appended to ``<home>/audit.anchor``: ``verify`` requires every anchored
entry to exist with that hash, so the anchor knows how many entries there were. Keep both files out of the
database's reach (another disk or host, ``chattr +a`` on the anchor) for the proof to hold against the
database's administrator too.

An existing workspace keeps its unkeyed entries: the key file records ``keyed_from``, the first entry
written with the key, and the head at that moment is anchored, so the old part can no longer be rewritten
either (any change to it changes the anchored hash).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path
from weakref import WeakKeyDictionary

from sqlalchemy.engine import Engine

from workbench.store.errors import StoreError

KEY_FILE_ENV = "WORKBENCH_AUDIT_KEY_FILE"
KEY_FILE = "audit.key"
ANCHOR_FILE = "audit.anchor"
_MAGIC = "workbench-audit-key v1"


@dataclass(frozen=True)
class AuditSeal:
    """The key (entries from ``keyed_from`` on are HMACs under it) and the append-only anchor file."""

    key: bytes
    keyed_from: int
    anchor_file: Path

    def digest(self, seq: int, body: str) -> str:
        """HMAC-SHA256 of the entry's canonical JSON, or plain SHA-256 for entries older than the key."""
        if seq < self.keyed_from:
            return hashlib.sha256(body.encode("utf-8")).hexdigest()
        return hmac.new(self.key, body.encode("utf-8"), hashlib.sha256).hexdigest()

    def anchor(self, seq: int, digest: str) -> None:
        """Append ``seq hash`` (one short line, ``O_APPEND``: lines of two processes never interleave)."""
        fd = os.open(self.anchor_file, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, f"{seq} {digest}\n".encode("ascii"))
            os.fsync(fd)
        finally:
            os.close(fd)

    def anchored(self) -> dict[int, str] | None:
        """Every anchored ``seq → hash``; None when the anchor file is gone."""
        try:
            text = self.anchor_file.read_text(encoding="ascii", errors="replace")
        except FileNotFoundError:
            return None
        out: dict[int, str] = {}
        for line in text.splitlines():
            seq, _, digest = line.partition(" ")
            if seq.isdigit() and len(digest) == 64:
                out[int(seq)] = digest
        return out


def key_file(home: Path) -> Path:
    configured = os.environ.get(KEY_FILE_ENV)
    return Path(configured).expanduser().resolve() if configured else home / KEY_FILE


def _read_key(path: Path) -> tuple[bytes, int]:
    try:
        lines = path.read_text(encoding="ascii").splitlines()
    except (OSError, UnicodeDecodeError):
        raise StoreError("store.audit.key_unreadable", path=str(path)) from None
    fields = dict(line.split("=", 1) for line in lines[1:] if "=" in line)
    key, start = fields.get("key", ""), fields.get("from", "")
    if not lines or lines[0] != _MAGIC or len(key) != 64 or not start.isdigit():
        raise StoreError("store.audit.key_unreadable", path=str(path))
    try:
        return bytes.fromhex(key), int(start)
    except ValueError:
        raise StoreError("store.audit.key_unreadable", path=str(path)) from None


def _create_key(path: Path, keyed_from: int) -> bool:
    """Write a new key file (0600) unless one exists; True when this call made it. Linked into place, so
    two processes opening a new workspace at once end up with the same key."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, f"{_MAGIC}\nkey={secrets.token_hex(32)}\nfrom={keyed_from}\n".encode("ascii"))
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        os.link(tmp, path)
        return True
    except FileExistsError:
        return False
    finally:
        tmp.unlink(missing_ok=True)


def open_seal(home: Path, head_seq: int, head_hash: str) -> AuditSeal:
    """The workspace's seal, made on first use: new entries are keyed from ``head_seq + 1``, and the head
    of an existing chain is anchored at once."""
    path = key_file(home)
    made = not path.exists() and _create_key(path, head_seq + 1)
    key, keyed_from = _read_key(path)
    seal = AuditSeal(key, keyed_from, home / ANCHOR_FILE)
    if made:  # created even when empty: from now on a missing anchor file means a deleted one
        os.close(os.open(seal.anchor_file, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600))
        if head_seq > 0:
            seal.anchor(head_seq, head_hash)
    return seal


# One seal per store engine: appends find it from their connection, whichever repository writes.
_HOMES: WeakKeyDictionary[Engine, Path] = WeakKeyDictionary()
_SEALS: WeakKeyDictionary[Engine, AuditSeal] = WeakKeyDictionary()
_LOCK = threading.Lock()


def register(engine: Engine, home: Path) -> None:
    _HOMES[engine] = home


def seal_for(engine: Engine, head_seq: int, head_hash: str) -> AuditSeal | None:
    """The seal of the store behind ``engine`` (None for an engine no ``Store`` opened: plain SHA-256)."""
    with _LOCK:
        if engine in _SEALS:
            return _SEALS[engine]
        home = _HOMES.get(engine)
        if home is None:
            return None
        seal = _SEALS[engine] = open_seal(home, head_seq, head_hash)
        return seal
