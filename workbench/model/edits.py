"""Bin edits an expert makes, as data: merge, split, new edges, special codes apart, a trend.

An edit names the characteristic and what to do; ``apply_edits`` replays a list of them on the fitted bins
and recounts, so the result (WOE, IV, bad rate per bin) is what the scorecard will use. Edits are stored in
the workspace (``store.bin_edits``), audited, and replayed by the next fit, so a retrain on next quarter's
data keeps the expert's decisions instead of quietly re-cutting the bins (optbinning #243, #309).

Bin numbers in an edit are the ones the bin table shows (0 missing, then special codes, then ranges or
groups). An edit that cannot apply (merging the missing bin into a range, a split outside its bin, a merge
of bins that are not neighbours) raises ``EditError`` with a one-line message; nothing is half-applied.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, get_args

import numpy as np
import polars as pl

from workbench.errors import UserError
from workbench.model.bins import Binning, FeatureBins, count
from workbench.model.monotone import TRENDS, TrendResult, apply_trend

EditOp = Literal["merge", "split", "edges", "specials", "trend"]
EDIT_OPS: tuple[str, ...] = get_args(EditOp)


class EditError(UserError):
    """A bin edit that does not fit the bins it is applied to."""


@dataclass(frozen=True)
class BinEdit:
    """One edit. ``merge``: ``bins`` (neighbouring ranges, or any category groups); ``split``: ``at`` (a cut
    inside a range) or ``levels`` (moved out of their group into a new one); ``edges``: the new inner cut
    points; ``specials``: the codes binned apart; ``trend``: one of ``monotone.TRENDS``."""

    op: EditOp
    feature: str
    bins: tuple[int, ...] = ()
    at: float | None = None
    levels: tuple[str, ...] = ()
    edges: tuple[float, ...] = ()
    codes: tuple[float, ...] = ()
    trend: str | None = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"op": self.op, "feature": self.feature}
        for name in ("bins", "levels", "edges", "codes"):
            if getattr(self, name):
                d[name] = list(getattr(self, name))
        if self.at is not None:
            d["at"] = self.at
        if self.trend is not None:
            d["trend"] = self.trend
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> BinEdit:
        if d.get("op") not in EDIT_OPS:
            raise EditError("scorecard.edit.bad_op", op=str(d.get("op")), allowed=", ".join(EDIT_OPS))
        return cls(
            d["op"],
            str(d["feature"]),
            tuple(int(b) for b in d.get("bins", ())),
            float(d["at"]) if d.get("at") is not None else None,
            tuple(str(v) for v in d.get("levels", ())),
            tuple(float(e) for e in d.get("edges", ())),
            tuple(float(c) for c in d.get("codes", ())),
            d.get("trend"),
        )


def edits_to_json(edits: Iterable[BinEdit]) -> list[dict[str, Any]]:
    return [e.to_dict() for e in edits]


def edits_from_json(items: Iterable[Mapping[str, Any]]) -> tuple[BinEdit, ...]:
    return tuple(BinEdit.from_dict(d) for d in items)


def _ranges(b: Binning, bins: Sequence[int]) -> list[int]:
    """Positions among the body bins (ranges or groups) of table bin numbers; refuses missing/special/other."""
    last = b.n_bins - (0 if b.numeric else 1)
    bad = [k for k in bins if not b.first_body <= k < last]
    if bad:
        raise EditError("scorecard.edit.not_a_range", feature=b.feature, bins=", ".join(map(str, bad)))
    return sorted(k - b.first_body for k in set(bins))


def _merge(b: Binning, bins: Sequence[int]) -> Binning:
    pos = _ranges(b, bins)
    if len(pos) < 2:
        raise EditError("scorecard.edit.merge_two", feature=b.feature)
    if b.numeric:
        if pos != list(range(pos[0], pos[-1] + 1)):
            raise EditError("scorecard.edit.not_neighbours", feature=b.feature)
        drop = set(range(pos[0], pos[-1]))  # the edges between the merged ranges
        return Binning(b.feature, True, tuple(e for i, e in enumerate(b.edges) if i not in drop), b.specials)
    merged = tuple(v for i in pos for v in b.groups[i])
    groups = [g for i, g in enumerate(b.groups) if i not in pos]
    groups.insert(pos[0], merged)
    return Binning(b.feature, False, groups=tuple(groups))


def _split(b: Binning, edit: BinEdit) -> Binning:
    if b.numeric:
        if edit.at is None or not math.isfinite(edit.at):
            raise EditError("scorecard.edit.split_needs_value", feature=b.feature)
        lo = [-math.inf, *b.edges]
        hi = [*b.edges, math.inf]
        if edit.bins:  # the cut must fall inside the bin the expert pointed at
            (k,) = _ranges(b, edit.bins[:1])
            if not lo[k] < edit.at < hi[k]:
                raise EditError("scorecard.edit.split_outside", feature=b.feature, at=f"{edit.at:g}")
        if edit.at in b.edges:
            raise EditError("scorecard.edit.split_outside", feature=b.feature, at=f"{edit.at:g}")
        return Binning(b.feature, True, tuple(sorted((*b.edges, edit.at))), b.specials)
    moved = set(edit.levels)
    known = {v for g in b.groups for v in g}
    if not moved or not moved <= known:
        raise EditError(
            "scorecard.edit.unknown_levels", feature=b.feature, levels=", ".join(sorted(moved - known)) or "—"
        )
    groups = [tuple(v for v in g if v not in moved) for g in b.groups]
    at = next(i for i, g in enumerate(b.groups) if moved & set(g))
    groups.insert(at + 1, tuple(v for g in b.groups for v in g if v in moved))
    return Binning(b.feature, False, groups=tuple(g for g in groups if g))


def _edges(b: Binning, edges: Sequence[float]) -> Binning:
    if not b.numeric:
        raise EditError("scorecard.edit.numeric_only", feature=b.feature)
    if any(not math.isfinite(e) for e in edges):
        raise EditError("scorecard.edit.bad_edges", feature=b.feature)
    return Binning(b.feature, True, tuple(sorted(set(edges))), b.specials)


def _specials(b: Binning, codes: Sequence[float]) -> Binning:
    if not b.numeric:
        raise EditError("scorecard.edit.numeric_only", feature=b.feature)
    codes = tuple(dict.fromkeys(float(c) for c in codes))
    return Binning(b.feature, True, tuple(e for e in b.edges if e not in codes), codes)


def apply_edit(
    fb: FeatureBins, edit: BinEdit, values: pl.Series, y: np.ndarray
) -> tuple[FeatureBins, TrendResult | None]:
    """One edit on one characteristic, recounted on ``values``/``y`` (the training rows)."""
    b = fb.binning
    if edit.op == "trend":
        if edit.trend not in TRENDS:
            raise EditError("scorecard.edit.bad_trend", trend=str(edit.trend), allowed=", ".join(TRENDS))
        return apply_trend(fb, edit.trend)
    if edit.op == "merge":
        new = _merge(b, edit.bins)
    elif edit.op == "split":
        new = _split(b, edit)
    elif edit.op == "edges":
        new = _edges(b, edit.edges)
    else:
        new = _specials(b, edit.codes)
    return count(new, values, y), None


@dataclass(frozen=True)
class EditedBins:
    """A characteristic after its edits: the bins (WOE, IV, bad rate via ``bins``) and the last trend outcome."""

    bins: FeatureBins
    trend: TrendResult | None


def apply_edits(fb: FeatureBins, edits: Iterable[BinEdit], values: pl.Series, y: np.ndarray) -> EditedBins:
    """Replay ``edits`` (those naming this characteristic, in order) on ``fb``. Pure: ``fb`` is unchanged."""
    trend = None
    for edit in edits:
        if edit.feature != fb.feature:
            continue
        fb, outcome = apply_edit(fb, edit, values, y)
        trend = outcome or trend
    return EditedBins(fb, trend)
