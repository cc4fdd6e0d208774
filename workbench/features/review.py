"""Expert review of candidate features, kept in the workspace store.

A reviewer sees a feature's definition, distribution, bad rate by bin and scores, and records accept /
reject / needs change with a comment. The version the reviewer *saw* travels with the verdict: if a
colleague recorded a verdict in between, the store refuses with ``ConflictError`` and the outcome carries
the colleague's verdict, so nobody overwrites anybody silently. Every verdict stays in the history.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from workbench.features.export import catalog_records
from workbench.features.pipeline import FeatureRun
from workbench.features.scoring import FeatureScore
from workbench.features.selection import Recommendation
from workbench.features.spec import FeatureSpec


@dataclass(frozen=True)
class ReviewItem:
    """What the review queue shows for one feature; ``version`` is what the next verdict must expect."""

    spec: FeatureSpec
    score: FeatureScore | None
    recommendation: Recommendation | None
    current: object | None  # workbench.store.Review
    version: int

    @property
    def name(self) -> str:
        return self.spec.name


@dataclass(frozen=True)
class ReviewOutcome:
    saved: object | None  # the new Review when saved
    error: str | None  # one line in the reader's language (conflict, missing comment…)
    current: object | None  # what is stored now (the colleague's verdict after a conflict)

    @property
    def conflict(self) -> bool:
        return self.saved is None and self.current is not None


def save_catalog(store, run: FeatureRun, dataset: str) -> int:
    """Put every generated feature (spec, descriptions, scores) in ``store.features``; reviews are kept."""
    return len(store.features.save_many(catalog_records(run, dataset)))


def review_queue(store, run: FeatureRun, *, only_selected: bool = False) -> list[ReviewItem]:
    """Unreviewed first, then by the ranked table's order (selected, strongest first)."""
    states = store.reviews.states()
    order = run.table()["name"].to_list() if run.scores else [s.name for s in run.specs]
    by_name = {s.name: s for s in run.specs}
    items = []
    for name in order:
        rec = run.recommendation(name)
        if only_selected and rec is not None and not rec.selected:
            continue
        current = states.get(name)
        items.append(ReviewItem(by_name[name], run.score(name), rec, current, current.version if current else 0))
    items.sort(key=lambda i: i.current is not None)  # stable: unreviewed first, rank kept within
    return items


def submit_review(
    store, feature: str, verdict: str, comment: str, reviewer: str, expected_version: int, lang: str | None = None
) -> ReviewOutcome:
    """Record a verdict; a conflict or a refused verdict comes back as a message, never as an exception."""
    from workbench.store import ConflictError, StoreError

    try:
        saved = store.reviews.record(feature, verdict, comment, reviewer, expected_version)
    except ConflictError as err:
        return ReviewOutcome(None, err.message(lang), store.reviews.current(feature))
    except StoreError as err:
        return ReviewOutcome(None, err.message(lang), None)
    return ReviewOutcome(saved, None, saved)


def accepted(store, names: Sequence[str]) -> list[str]:
    """Of ``names``, those whose current verdict is accept (in the given order)."""
    states = store.reviews.states()
    return [n for n in names if n in states and states[n].verdict == "accept"]
