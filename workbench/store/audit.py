"""The audit log: an append-only hash chain, keyed and anchored outside the database.

Each entry's ``hash`` is an HMAC-SHA256 (key outside the database, see ``audit_seal``; plain SHA-256 for
entries written before a workspace had its key) over the canonical JSON of ``(seq, at, actor, action,
payload, prev_hash)``, and ``prev_hash`` is the previous entry's hash (64 zeros for the first), so editing,
deleting or reordering a row breaks the chain from that row on, and nobody without the key can recompute
it. Deleting the *newest* rows leaves a valid shorter chain: the ``audit_head`` row (written in the same
transaction as every append) and the anchor file (the head appended after every commit) catch that.

Appends are serialised (SQLite ``BEGIN IMMEDIATE``; PostgreSQL an advisory lock): two processes never fork
the chain. The caller guarantees payloads hold no raw identifiers (column names, counts, versions: fine).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from workbench.store.audit_seal import AuditSeal, seal_for
from workbench.store.db import (
    after_commit,
    canonical_json,
    current_actor,
    guard_secrets,
    reading,
    sha256_hex,
    utcnow,
    writing,
)
from workbench.store.errors import StoreError
from workbench.store.schema import audit_head, audit_log

if TYPE_CHECKING:
    from workbench.store.audit_files import FileProblem
    from workbench.store.store import Store

GENESIS = "0" * 64
LOCK = "audit"

Reason = Literal["edited", "chain_broken", "gap", "truncated", "rewritten", "anchor_missing", "table_missing"]


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    at: datetime
    actor: str
    action: str
    payload: Mapping[str, Any]
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class AuditVerification:
    """``ok`` with ``entries`` checked, or the first bad ``seq`` and why.

    ``reason``: ``edited`` (a row's content no longer matches its hash), ``chain_broken`` (a row's
    ``prev_hash`` isn't the previous row's hash: rows removed or reordered), ``gap`` (a seq is missing:
    a row deleted), ``truncated`` (the newest rows are gone: ``entries`` is what remains, the anchor knows
    more), ``rewritten`` (the chain holds together but an anchored entry has another hash), ``anchor_missing``
    (the anchor file is gone), ``table_missing`` (the audit table itself is gone).
    """

    ok: bool
    entries: int
    first_bad_seq: int | None = None
    reason: Reason | None = None
    anchored: int | None = None  # entries the anchor file knows of, when more than remain

    def message(self, lang: str | None = None) -> str:
        from workbench.i18n import t

        if self.ok:
            return t("store.audit.ok", lang, entries=self.entries)
        return t(
            f"store.audit.{self.reason}", lang, seq=self.first_bad_seq, entries=self.entries, anchored=self.anchored
        )


def _iso(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def entry_body(seq: int, at: datetime, actor: str, action: str, payload: Any, prev_hash: str) -> str:
    """The canonical JSON an entry's hash covers; ``at`` as UTC ISO-8601 with microseconds."""
    body = {"seq": seq, "at": _iso(at), "actor": actor, "action": action, "payload": payload, "prev_hash": prev_hash}
    return canonical_json(body)


def entry_hash(
    seq: int, at: datetime, actor: str, action: str, payload: Any, prev_hash: str, seal: AuditSeal | None = None
) -> str:
    """The entry's hash (hex): HMAC under the seal's key, or SHA-256 without a seal (or before its key)."""
    body = entry_body(seq, at, actor, action, payload, prev_hash)
    return seal.digest(seq, body) if seal is not None else sha256_hex(body)


def append_in(conn: Connection, action: str, payload: Mapping[str, Any] | None, actor: str | None) -> AuditEntry:
    """Append inside the caller's write transaction (which must hold the ``audit`` lock on PostgreSQL),
    so a save and its audit entry commit or vanish together."""
    if not action or len(action) > 100:
        raise StoreError("store.audit.bad_action", action=action[:40])
    payload_text = canonical_json(dict(payload or {}))
    guard_secrets("audit.payload", payload_text)
    parsed = json.loads(payload_text)
    actor = current_actor(actor)
    head = conn.execute(sa.select(audit_head.c.seq, audit_head.c.hash).where(audit_head.c.id == 1)).first()
    last = conn.execute(sa.select(audit_log.c.seq, audit_log.c.hash).order_by(audit_log.c.seq.desc()).limit(1)).first()
    seq, prev = (last.seq + 1, last.hash) if last else (1, GENESIS)
    seal = seal_for(conn.engine, *((head.seq, head.hash) if head else (0, GENESIS)))
    at = utcnow()  # microsecond precision survives both engines, so the hash recomputes exactly
    digest = entry_hash(seq, at, actor, action, parsed, prev, seal)
    conn.execute(
        audit_log.insert().values(
            seq=seq, at=at, actor=actor, action=action, payload=payload_text, prev_hash=prev, hash=digest
        )
    )
    if head is None:
        conn.execute(audit_head.insert().values(id=1, seq=seq, hash=digest))
    else:
        conn.execute(audit_head.update().where(audit_head.c.id == 1).values(seq=seq, hash=digest))
    if seal is not None:
        after_commit(conn, lambda: seal.anchor(seq, digest))
    return AuditEntry(seq, at, actor, action, parsed, prev, digest)


def _entry(row: sa.Row) -> AuditEntry:
    return AuditEntry(row.seq, row.at, row.actor, row.action, json.loads(row.payload), row.prev_hash, row.hash)


class AuditLog:
    """``store.audit``: append, read, verify."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def append(self, action: str, payload: Mapping[str, Any] | None = None, *, actor: str | None = None) -> AuditEntry:
        """Add one entry (``action`` like ``"privacy.certified"``; ``payload`` JSON, no raw identifiers)."""
        with writing(self._store.engine, LOCK) as conn:
            return append_in(conn, action, payload, actor)

    def list(
        self,
        *,
        action: str | None = None,
        actor: str | None = None,
        limit: int | None = None,
        newest_first: bool = True,
    ) -> list[AuditEntry]:
        """Entries, newest first by default; ``action`` may end in ``.*`` for a family (``"privacy.*"``)."""
        q = sa.select(audit_log)
        if action is not None and action.endswith(".*"):
            q = q.where(audit_log.c.action.startswith(action[:-1], autoescape=True))
        elif action is not None:
            q = q.where(audit_log.c.action == action)
        if actor is not None:
            q = q.where(audit_log.c.actor == actor)
        q = q.order_by(audit_log.c.seq.desc() if newest_first else audit_log.c.seq)
        if limit is not None:
            q = q.limit(limit)
        with reading(self._store.engine) as conn:
            return [_entry(r) for r in conn.execute(q)]

    def get(self, seq: int) -> AuditEntry | None:
        with reading(self._store.engine) as conn:
            row = conn.execute(sa.select(audit_log).where(audit_log.c.seq == seq)).first()
        return _entry(row) if row else None

    def head(self) -> tuple[int, str]:
        """``(seq, hash)`` of the newest entry, ``(0, GENESIS)`` when empty: the value to anchor elsewhere."""
        with reading(self._store.engine) as conn:
            row = conn.execute(sa.select(audit_head.c.seq, audit_head.c.hash)).first()
        return (row.seq, row.hash) if row else (0, GENESIS)

    def count(self) -> int:
        with reading(self._store.engine) as conn:
            return conn.execute(sa.select(sa.func.count()).select_from(audit_log)).scalar_one()

    def verify(self, *, anchor: tuple[int, str] | None = None) -> AuditVerification:
        """Recompute the whole chain and hold it against the anchor file. ``anchor``: a ``head()`` recorded
        elsewhere (a report); the chain must still hold it."""
        engine = self._store.engine
        try:
            seal = self._seal()
            # read before the snapshot: a line is written after its commit, so the snapshot holds what it names
            anchored = seal.anchored() if seal is not None else {}
            with reading(engine) as conn:
                head = conn.execute(sa.select(audit_head.c.seq, audit_head.c.hash)).first()
                total = conn.execute(sa.select(sa.func.count()).select_from(audit_log)).scalar_one()
                rows = conn.execute(sa.select(audit_log).order_by(audit_log.c.seq).execution_options(yield_per=5000))
                return _verify(iter(rows), total, head, anchor, seal, anchored)
        except sa.exc.DBAPIError:  # the table (or the head) dropped behind the store's back
            seal = seal_for(engine, 0, GENESIS)
            known = max((seal.anchored() if seal else None) or {0: GENESIS})
            return AuditVerification(False, 0, 1, "table_missing", known)

    def verify_files(self) -> tuple[FileProblem, ...]:
        """Every certified dataset file hashed again against its certification entry (see ``audit_files``)."""
        from workbench.store.audit_files import verify_dataset_files

        return verify_dataset_files(self._store)

    def _seal(self) -> AuditSeal | None:
        engine = self._store.engine
        with reading(engine) as conn:
            head = conn.execute(sa.select(audit_head.c.seq, audit_head.c.hash)).first()
        return seal_for(engine, *((head.seq, head.hash) if head else (0, GENESIS)))


def _verify(
    rows: Iterator[sa.Row],
    total: int,
    head: sa.Row | None,
    anchor: tuple[int, str] | None,
    seal: AuditSeal | None,
    anchored: dict[int, str] | None,
) -> AuditVerification:
    expected_seq, prev = 1, GENESIS
    hashes: dict[int, str] = {}
    for row in rows:
        if row.seq != expected_seq:
            return AuditVerification(False, total, expected_seq, "gap")
        if row.prev_hash != prev:
            return AuditVerification(False, total, row.seq, "chain_broken")
        try:
            payload = json.loads(row.payload)
        except ValueError:
            return AuditVerification(False, total, row.seq, "edited")
        if entry_hash(row.seq, row.at, row.actor, row.action, payload, row.prev_hash, seal) != row.hash:
            return AuditVerification(False, total, row.seq, "edited")
        if (anchored and row.seq in anchored) or (anchor is not None and row.seq == anchor[0]):
            hashes[row.seq] = row.hash
        prev, expected_seq = row.hash, expected_seq + 1
    last = expected_seq - 1
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS)
    if head_seq != last or head_hash != prev:
        return AuditVerification(False, total, min(head_seq, last) + 1, "truncated")
    if anchor is not None and anchor[0] > 0 and hashes.get(anchor[0]) != anchor[1]:
        return AuditVerification(False, total, min(anchor[0], last + 1), "truncated")
    if anchored is None:
        return AuditVerification(False, total, last, "anchor_missing") if last else AuditVerification(True, total)
    known = max(anchored, default=0)
    if known > last:
        return AuditVerification(False, total, last + 1, "truncated", known)
    for seq, digest in sorted(anchored.items()):
        if hashes.get(seq) != digest:
            return AuditVerification(False, total, seq, "rewritten")
    return AuditVerification(True, total)
