"""Expert review of candidate features, kept in the workspace store.

A reviewer sees a feature's definition, distribution, bad rate by bin and scores, and records accept /
reject / needs change with a comment. The version the reviewer *saw* travels with the verdict: if a
colleague recorded a verdict in between, the store refuses with ``ConflictError`` and the outcome carries
the colleague's verdict, so nobody overwrites anybody silently. Every verdict stays in the history.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

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


# --- review at scale: one table, filters, one verdict on many ----------------------------------------------------

FLAGS = (
    "leakage_suspect",
    "snapshot_review",
    "calendar_review",
    "unstable",
    "redundant",
    "weak",
    "empty",
)  # reason codes worth filtering on
REVIEW_COLUMNS = (
    "name",
    "description",
    "source",
    "iv",
    "iv_band",
    "flag",
    "timing",
    "selected",
    "verdict",
    "reviewer",
    "version",
)


def review_frame(run: FeatureRun, states: dict[str, object], lang: str | None = None) -> pl.DataFrame:
    """One row per candidate: what the review table shows and filters on. ``version`` is the review version
    the reader sees, which a bulk verdict must expect (see ``submit_many``)."""
    return with_verdicts(review_base(run, lang), states)


def review_base(run: FeatureRun, lang: str | None = None) -> pl.DataFrame:
    """The part of the review table a run fixes (description, source, IV, band, flag, timing, selected), in
    review order; computed once per run and language, the verdicts are joined on each draw."""
    from workbench.profile.target import iv_band

    rows = []
    for spec in run.specs:
        score, rec = run.score(spec.name), run.recommendation(spec.name)
        reason = rec.reason if rec is not None else None
        rows.append(
            {
                "name": spec.name,
                "description": spec.description(lang),
                "source": spec.source,
                "iv": score.iv if score is not None else None,
                "iv_band": iv_band(score.iv) if score is not None else None,
                "flag": reason if reason in FLAGS else None,
                "timing": spec.timing,
                "selected": rec.selected if rec is not None else None,
            }
        )
    schema = dict.fromkeys(REVIEW_COLUMNS[:8], pl.String) | {"iv": pl.Float64, "selected": pl.Boolean}
    return pl.DataFrame(rows, schema=schema).sort(["selected", "iv"], descending=True, nulls_last=True)


def with_verdicts(base: pl.DataFrame, states: dict[str, object]) -> pl.DataFrame:
    """``base`` with each feature's current verdict, reviewer and version (0 = never reviewed)."""
    names = base["name"].to_list()
    current = [states.get(n) for n in names]
    return base.with_columns(
        pl.Series("verdict", [getattr(c, "verdict", None) for c in current], dtype=pl.String),
        pl.Series("reviewer", [getattr(c, "reviewer", None) for c in current], dtype=pl.String),
        pl.Series("version", [getattr(c, "version", 0) for c in current], dtype=pl.Int64),
    )


UNREVIEWED = "unreviewed"  # the verdict filter's value for features nobody has judged yet


def filter_reviews(
    frame: pl.DataFrame,
    *,
    sources: Sequence[str] = (),
    bands: Sequence[str] = (),
    flags: Sequence[str] = (),
    timings: Sequence[str] = (),
    verdicts: Sequence[str] = (),
    only_selected: bool = False,
) -> pl.DataFrame:
    """Rows matching every non-empty filter (an empty filter lets everything through)."""
    conds = []
    if sources:
        conds.append(pl.col("source").is_in(list(sources)))
    if bands:
        conds.append(pl.col("iv_band").is_in(list(bands)))
    if flags:
        conds.append(pl.col("flag").is_in(list(flags)))
    if timings:
        conds.append(pl.col("timing").is_in(list(timings)))
    if verdicts:
        wanted = [v for v in verdicts if v != UNREVIEWED]
        cond = pl.col("verdict").is_in(wanted)
        conds.append(cond | pl.col("verdict").is_null() if UNREVIEWED in verdicts else cond)
    if only_selected:
        conds.append(pl.col("selected").fill_null(False))
    return frame.filter(*conds) if conds else frame


@dataclass(frozen=True)
class BulkOutcome:
    """A verdict on many features: ``saved`` names, ``conflicts`` feature → colleague's review, ``error``."""

    saved: tuple[str, ...]
    conflicts: dict[str, object]
    error: str | None


def submit_many(
    store, seen: dict[str, int], verdict: str, comment: str, reviewer: str, lang: str | None = None
) -> BulkOutcome:
    """One verdict and comment on the features in ``seen`` (name → version seen), in one transaction.
    Features a colleague reviewed in between are left alone and reported, never overwritten."""
    from workbench.store import StoreError

    if not seen:
        return BulkOutcome((), {}, None)
    try:
        saved, conflicts = store.reviews.record_many(seen, verdict, comment, reviewer)
    except StoreError as err:
        return BulkOutcome((), {}, err.message(lang))
    return BulkOutcome(tuple(r.feature for r in saved), conflicts, None)


AUTO = "auto"  # who decided a feature that the selection kept and nobody rejected


@dataclass(frozen=True)
class ExportPick:
    """A feature going out, and who decided: ``AUTO`` (the selection) or the reviewer who accepted it."""

    name: str
    decided_by: str
    verdict: str | None


def export_picks(run: FeatureRun, states: dict[str, object], *, with_auto: bool = True) -> list[ExportPick]:
    """Accepted features plus, with ``with_auto``, the auto-selected ones no reviewer rejected or sent back;
    in the run's order, each with who decided."""
    picks = []
    auto = set(run.selected) if with_auto else set()
    for name in run.features.names:
        review = states.get(name)
        verdict = getattr(review, "verdict", None)
        if verdict == "accept":
            picks.append(ExportPick(name, review.reviewer, verdict))
        elif verdict is None and name in auto:
            picks.append(ExportPick(name, AUTO, None))
    return picks
