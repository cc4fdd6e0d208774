"""The feature catalog and its reviews.

A feature's review has a current state with a version number (0 = never reviewed). ``record`` takes the
version the reviewer saw; if someone else wrote in between, it raises ``ConflictError`` naming who and
when, so two reviewers never silently overwrite each other. Every review is kept in the history.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal, get_args

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from workbench.store.audit import LOCK as AUDIT_LOCK
from workbench.store.audit import append_in
from workbench.store.db import current_actor, guard_secrets, reading, utcnow, writing
from workbench.store.errors import ConflictError, NotFoundError, StoreError
from workbench.store.names import check_name, norm
from workbench.store.schema import features, review_history, review_state

if TYPE_CHECKING:
    from workbench.store.store import Store

Verdict = Literal["accept", "reject", "needs_change"]
VERDICTS: tuple[str, ...] = get_args(Verdict)


@dataclass(frozen=True)
class Feature:
    """A candidate feature as the catalog keeps it. ``spec`` is the features package's spec as JSON
    (source, key, window, aggregation, filter); ``scores`` e.g. ``{"iv": 0.21, "auc": 0.61, "missing": 0.03}``."""

    name: str
    dataset: str
    spec: Mapping[str, Any]
    description_ko: str = ""
    description_en: str = ""
    scores: Mapping[str, Any] = field(default_factory=dict)
    created_at: datetime | None = None
    updated_at: datetime | None = None


@dataclass(frozen=True)
class Review:
    """One review of ``feature``; ``version`` 1, 2, ... (the current state is the highest)."""

    feature: str
    version: int
    verdict: Verdict
    comment: str
    reviewer: str
    at: datetime


def _feature(row: Any) -> Feature:
    return Feature(
        row.name,
        row.dataset,
        row.spec,
        row.description_ko,
        row.description_en,
        row.scores,
        row.created_at,
        row.updated_at,
    )


class Features:
    """``store.features``: the catalog of candidate features (saved by generation, read by review and model)."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def save(
        self,
        name: str,
        *,
        dataset: str,
        spec: Mapping[str, Any],
        description_ko: str = "",
        description_en: str = "",
        scores: Mapping[str, Any] | None = None,
    ) -> Feature:
        """Add ``name`` or replace its spec, descriptions and scores (``created_at`` and reviews stay)."""
        return self.save_many([Feature(name, dataset, spec, description_ko, description_en, scores or {})])[0]

    def save_many(self, items: Iterable[Feature]) -> list[Feature]:
        """Save a generation's features in one transaction: all of them or none."""
        batch = [
            Feature(
                check_name(f.name, "feature"),
                check_name(f.dataset, "dataset"),
                dict(f.spec),
                f.description_ko,
                f.description_en,
                dict(f.scores),
            )
            for f in items
        ]
        for f in batch:
            guard_secrets("feature.spec", f.spec)
        now = utcnow()
        out = []
        with writing(self._store.engine, AUDIT_LOCK) as conn:
            existing = {
                r.name: r.created_at
                for r in conn.execute(
                    sa.select(features.c.name, features.c.created_at).where(
                        features.c.name.in_([f.name for f in batch])
                    )
                )
            }
            for f in batch:
                values = {
                    "dataset": f.dataset,
                    "spec": f.spec,
                    "description_ko": f.description_ko,
                    "description_en": f.description_en,
                    "scores": f.scores,
                    "updated_at": now,
                }
                if f.name in existing:
                    conn.execute(features.update().where(features.c.name == f.name).values(**values))
                else:
                    conn.execute(features.insert().values(name=f.name, created_at=now, **values))
                    existing[f.name] = now
                out.append(
                    Feature(
                        f.name, f.dataset, f.spec, f.description_ko, f.description_en, f.scores, existing[f.name], now
                    )
                )
            if batch:
                append_in(
                    conn,
                    "features.saved",
                    {"count": len(batch), "datasets": sorted({f.dataset for f in batch})},
                    None,
                )
        return out

    def get(self, name: str) -> Feature:
        with reading(self._store.engine) as conn:
            row = conn.execute(sa.select(features).where(features.c.name == norm(name))).first()
        if row is None:
            raise NotFoundError("store.feature.not_found", name=name)
        return _feature(row)

    def exists(self, name: str) -> bool:
        with reading(self._store.engine) as conn:
            return conn.execute(sa.select(features.c.id).where(features.c.name == norm(name))).first() is not None

    def list(self, dataset: str | None = None) -> list[Feature]:
        """The catalog (or one dataset's part of it), by name."""
        q = sa.select(features).order_by(features.c.name)
        if dataset is not None:
            q = q.where(features.c.dataset == dataset)
        with reading(self._store.engine) as conn:
            return [_feature(r) for r in conn.execute(q)]


def format_at(at: datetime) -> str:
    """A review time as people read it: the machine's local time with its zone (``2026-11-25 23:02:03 KST``)."""
    return at.astimezone().strftime("%Y-%m-%d %H:%M:%S %Z")


def _review(name: str, row: Any) -> Review:
    return Review(name, row.version, row.verdict, row.comment, row.reviewer, row.at)


class Reviews:
    """``store.reviews``: verdicts on features with optimistic concurrency and full history."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def record(self, feature: str, verdict: Verdict, comment: str, reviewer: str, expected_version: int) -> Review:
        """Record ``reviewer``'s ``verdict`` on ``feature``, if the current version is still ``expected_version``
        (0 when the reviewer saw no review). Returns the new current review (version + 1).

        Raises ``ConflictError`` (who changed it, when, which version is current) when someone else wrote in
        between; nothing is saved then. ``needs_change`` and ``reject`` need a comment.
        """
        feature = norm(feature)
        if verdict not in VERDICTS:
            raise StoreError("store.review.bad_verdict", verdict=str(verdict), verdicts=", ".join(VERDICTS))
        comment = (comment or "").strip()
        if verdict != "accept" and not comment:
            raise StoreError("store.review.needs_comment", feature=feature)
        reviewer = check_name(current_actor(reviewer), "user")
        guard_secrets("review.comment", comment)
        with writing(self._store.engine, f"review:{feature}", AUDIT_LOCK) as conn:
            feature_id = _feature_id(conn, feature)
            state = conn.execute(sa.select(review_state).where(review_state.c.feature_id == feature_id)).first()
            current = state.version if state else 0
            if current != expected_version:
                if state is None:  # the caller claims a version that never existed
                    raise StoreError("store.review.bad_version", feature=feature, version=expected_version)
                raise ConflictError(
                    "store.review.conflict",
                    feature=feature,
                    by=state.reviewer,
                    at=format_at(state.at),
                    version=state.version,
                )
            now, version = utcnow(), current + 1
            values = {"version": version, "verdict": verdict, "comment": comment, "reviewer": reviewer, "at": now}
            if state is None:
                conn.execute(review_state.insert().values(feature_id=feature_id, **values))
            else:
                changed = conn.execute(
                    review_state.update()
                    .where(review_state.c.feature_id == feature_id, review_state.c.version == current)
                    .values(**values)
                ).rowcount
                if changed != 1:  # belt and braces: the lock should make this impossible
                    raise ConflictError(
                        "store.review.conflict", feature=feature, by="?", at=format_at(now), version="?"
                    )
            conn.execute(review_history.insert().values(feature_id=feature_id, **values))
            append_in(conn, "feature.reviewed", {"feature": feature, "verdict": verdict, "version": version}, reviewer)
        return Review(feature, version, verdict, comment, reviewer, now)

    def record_many(
        self, seen: Mapping[str, int], verdict: Verdict, comment: str, reviewer: str
    ) -> tuple[list[Review], dict[str, Review]]:
        """One verdict and comment on many features in one transaction (the review table's bulk action).

        ``seen``: feature → the version the reviewer saw. A feature someone else reviewed in between is
        left as it is and comes back in the second value (feature → the colleague's review); the others
        are saved, each with its history row, and one ``features.reviewed`` audit entry names them all with
        their new versions.
        """
        if verdict not in VERDICTS:
            raise StoreError("store.review.bad_verdict", verdict=str(verdict), verdicts=", ".join(VERDICTS))
        comment = (comment or "").strip()
        if verdict != "accept" and not comment:
            raise StoreError("store.review.needs_comment", feature=", ".join(list(seen)[:3]))
        reviewer = check_name(current_actor(reviewer), "user")
        guard_secrets("review.comment", comment)
        names = {norm(f): v for f, v in seen.items()}
        saved, conflicts, now = [], {}, utcnow()
        with writing(self._store.engine, AUDIT_LOCK) as conn:  # the audit lock serialises single verdicts too
            found = conn.execute(sa.select(features.c.name, features.c.id).where(features.c.name.in_(list(names))))
            ids = {r.name: r.id for r in found}
            missing = sorted(set(names) - set(ids))
            if missing:
                raise NotFoundError("store.feature.not_found", name=missing[0])
            states = {
                r.feature_id: r
                for r in conn.execute(sa.select(review_state).where(review_state.c.feature_id.in_(list(ids.values()))))
            }
            inserts, history = [], []
            for name, expected in names.items():
                fid, state = ids[name], states.get(ids[name])
                current = state.version if state else 0
                if current != expected:
                    if state is not None:
                        conflicts[name] = _review(name, state)
                    continue
                values = {
                    "version": current + 1,
                    "verdict": verdict,
                    "comment": comment,
                    "reviewer": reviewer,
                    "at": now,
                }
                if state is None:
                    inserts.append({"feature_id": fid, **values})
                else:
                    conn.execute(
                        review_state.update()
                        .where(review_state.c.feature_id == fid, review_state.c.version == current)
                        .values(**values)
                    )
                history.append({"feature_id": fid, **values})
                saved.append(Review(name, current + 1, verdict, comment, reviewer, now))
            if inserts:
                conn.execute(review_state.insert(), inserts)
            if history:
                conn.execute(review_history.insert(), history)
                versions = {r.feature: r.version for r in saved}
                append_in(conn, "features.reviewed", {"verdict": verdict, "features": versions}, reviewer)
        return saved, conflicts

    def current(self, feature: str) -> Review | None:
        """The current review (its ``version`` is what the next ``record`` expects), or ``None``."""
        q = (
            sa.select(review_state)
            .join(features, features.c.id == review_state.c.feature_id)
            .where(features.c.name == norm(feature))
        )
        with reading(self._store.engine) as conn:
            row = conn.execute(q).first()
        return _review(feature, row) if row else None

    def version(self, feature: str) -> int:
        """The version to pass as ``expected_version``: 0 when never reviewed."""
        review = self.current(feature)
        return review.version if review else 0

    def history(self, feature: str) -> list[Review]:
        """Every review of ``feature``, oldest first."""
        q = (
            sa.select(review_history)
            .join(features, features.c.id == review_history.c.feature_id)
            .where(features.c.name == norm(feature))
            .order_by(review_history.c.version)
        )
        with reading(self._store.engine) as conn:
            return [_review(feature, r) for r in conn.execute(q)]

    def states(self, dataset: str | None = None) -> dict[str, Review]:
        """Current review per feature name (features never reviewed are absent)."""
        q = sa.select(review_state, features.c.name).join(features, features.c.id == review_state.c.feature_id)
        if dataset is not None:
            q = q.where(features.c.dataset == dataset)
        with reading(self._store.engine) as conn:
            return {r.name: _review(r.name, r) for r in conn.execute(q.order_by(features.c.name))}


def _feature_id(conn: Connection, name: str) -> int:
    found = conn.execute(sa.select(features.c.id).where(features.c.name == norm(name))).scalar()
    if found is None:
        raise NotFoundError("store.feature.not_found", name=name)
    return found
