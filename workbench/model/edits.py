"""Bin edits an expert makes, as data: merge, split, new edges, special codes apart, a trend.

An edit names the characteristic and what to do; ``apply_edits`` replays a list of them on the fitted bins
and recounts, so the result (WOE, IV, bad rate per bin) is what the scorecard will use. Edits are stored in
the workspace (``store.bin_edits``), audited, and replayed by the next fit, so a retrain on next quarter's
data keeps the expert's decisions instead of quietly re-cutting the bins (optbinning #243, #309).

Bin numbers in an edit are the ones the bin table shows (0 missing, then special codes, then ranges or
groups). An edit that cannot apply (merging the missing bin into a range, a split outside its bin, a merge
of bins that are not neighbours) raises ``EditError`` with a one-line message; nothing is half-applied.

A bin number alone is not what the expert chose: a retrain where a special code is newly found (or the data
moved the quantiles) renumbers the bins, and "merge 3 and 4" would land on other values. So a stored edit also
names what the expert saw (``seen``: the edges of a range, the levels of a group, the code of a special bin,
and the codes set apart, via ``as_seen``) and a ``fingerprint`` of the binning it was made on. Replayed on a
binning with another fingerprint, the edit finds its bins by those contents; when they are gone it is left
out and said so (``LeftOut``), never applied to a neighbour.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
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
    seen: tuple[tuple[Any, ...], ...] = ()  # the contents of ``bins`` when the edit was made (``bin_ref``)
    seen_specials: tuple[float, ...] | None = None  # the codes set apart then (numeric); None: not recorded
    fingerprint: str = ""  # of the binning the edit was made on; "" for an edit not made on a shown binning
    stale: str = ""  # why a stored edit cannot be placed (an old edit by number whose bins are lost): left out

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"op": self.op, "feature": self.feature}
        for name in ("bins", "levels", "edges", "codes"):
            if getattr(self, name):
                d[name] = list(getattr(self, name))
        if self.at is not None:
            d["at"] = self.at
        if self.trend is not None:
            d["trend"] = self.trend
        if self.fingerprint:
            d["fingerprint"] = self.fingerprint
            d["seen"] = [list(r) for r in self.seen]
            if self.seen_specials is not None:
                d["seen_specials"] = list(self.seen_specials)
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
            tuple(tuple(r) for r in d.get("seen", ())),
            tuple(float(c) for c in d["seen_specials"]) if d.get("seen_specials") is not None else None,
            str(d.get("fingerprint") or ""),
        )


def edits_to_json(edits: Iterable[BinEdit]) -> list[dict[str, Any]]:
    return [e.to_dict() for e in edits]


def edits_from_json(items: Iterable[Mapping[str, Any]]) -> tuple[BinEdit, ...]:
    return tuple(BinEdit.from_dict(d) for d in items)


def fingerprint(b: Binning) -> str:
    """A short hash of how a characteristic is cut (edges, codes, groups): equal exactly when the bins are."""
    text = json.dumps(b.to_dict(), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def bin_ref(b: Binning, k: int) -> tuple[Any, ...]:
    """What bin ``k`` holds, JSON-ready: ("missing",), ("special", code), ("range", lo, hi) with None for an
    open end, ("levels", a, b, …) or ("other",)."""
    if k == 0:
        return ("missing",)
    if k < b.first_body:
        return ("special", b.specials[k - 1])
    i = k - b.first_body
    if b.numeric:
        lo = [None, *b.edges][i]
        hi = [*b.edges, None][i]
        return ("range", lo, hi)
    return ("levels", *b.groups[i]) if i < len(b.groups) else ("other",)


def find_bin(b: Binning, ref: Sequence[Any]) -> int | None:
    """The bin of ``b`` holding exactly what ``ref`` names (``bin_ref``), or None when no bin does."""
    refs = [bin_ref(b, k) for k in range(b.n_bins)]
    want = tuple(float(v) if isinstance(v, int | float) and not isinstance(v, bool) else v for v in ref)
    return next((k for k, r in enumerate(refs) if r == want), None)


def as_seen(edit: BinEdit, b: Binning) -> BinEdit:
    """``edit`` naming what the expert saw on ``b``: the contents of its bins, the codes apart, the fingerprint."""
    seen = tuple(bin_ref(b, k) for k in edit.bins if 0 <= k < b.n_bins)
    return replace(
        edit, seen=seen, seen_specials=b.specials if b.numeric else None, fingerprint=fingerprint(b), stale=""
    )


def rebin(b: Binning, edit: BinEdit) -> Binning:
    """The binning after ``edit`` (no counts; not a trend): the structure an expert saw after it."""
    if edit.op == "merge":
        return _merge(b, edit.bins)
    if edit.op == "split":
        return _split(b, edit)
    if edit.op == "edges":
        return _edges(b, edit.edges)
    if edit.op == "specials":
        return _specials(b, edit.codes)
    raise EditError("scorecard.edit.bad_op", op=edit.op, allowed=", ".join(EDIT_OPS))


@dataclass(frozen=True)
class LeftOut:
    """A stored edit not replayed: ``number`` is its place (1-based) in the stored list, ``reason`` a catalog
    key under ``scorecard.edit_left_out`` and ``detail`` what is gone (a bin's label, levels, codes)."""

    feature: str
    number: int
    op: str
    reason: str
    detail: str = ""

    def message(self, lang: str | None = None) -> str:
        from workbench.i18n import t

        return t(
            f"scorecard.edit_left_out.{self.reason}", lang, n=self.number, op=self.op, feature=self.feature,
            detail=self.detail,
        )  # fmt: skip

    def to_dict(self) -> dict[str, Any]:
        return {"feature": self.feature, "number": self.number, "op": self.op, "reason": self.reason,
                "detail": self.detail}  # fmt: skip

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> LeftOut:
        return cls(str(d["feature"]), int(d["number"]), str(d["op"]), str(d["reason"]), str(d.get("detail", "")))


def _label(ref: Sequence[Any]) -> str:
    kind, *rest = ref
    if kind == "range":
        lo, hi = rest
        return f"[{'-∞' if lo is None else f'{lo:,.12g}'}, {'∞' if hi is None else f'{hi:,.12g}'})"
    if kind == "special":
        return f"= {rest[0]:,.12g}"
    return ", ".join(map(str, rest)) if rest else kind


def placed(b: Binning, edit: BinEdit) -> BinEdit | tuple[str, str]:
    """``edit`` with its bin numbers on ``b`` (found by what the expert saw), or (reason, detail) when what it
    was made on is gone. An edit without a fingerprint is taken as it is (made on ``b`` itself)."""
    if edit.stale:
        return edit.stale, ""
    if not edit.fingerprint or edit.fingerprint == fingerprint(b) or edit.op in ("trend", "specials"):
        return edit
    if b.numeric and edit.seen_specials is not None and tuple(edit.seen_specials) != b.specials:
        was = ", ".join(f"{c:,.12g}" for c in edit.seen_specials) or "—"
        now = ", ".join(f"{c:,.12g}" for c in b.specials) or "—"
        return "codes_changed", f"{was} → {now}"
    if edit.op == "split" and not b.numeric:
        known = {v for g in b.groups for v in g}
        gone = [v for v in edit.levels if v not in known]
        return ("levels_gone", ", ".join(gone)) if gone else edit
    numbers = []
    for ref in edit.seen:
        k = find_bin(b, ref)
        if k is None:
            return ("levels_gone" if ref[0] == "levels" else "bin_gone"), _label(ref)
        numbers.append(k)
    return replace(edit, bins=tuple(numbers))


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
    return count(rebin(b, edit), values, y), None


@dataclass(frozen=True)
class EditedBins:
    """A characteristic after its edits: the bins (WOE, IV, bad rate via ``bins``), the last trend outcome and
    the stored edits left out because the bins they were made on are gone."""

    bins: FeatureBins
    trend: TrendResult | None
    left_out: tuple[LeftOut, ...] = ()


def apply_edits(fb: FeatureBins, edits: Iterable[BinEdit], values: pl.Series, y: np.ndarray) -> EditedBins:
    """Replay ``edits`` (those naming this characteristic, in order) on ``fb``. Pure: ``fb`` is unchanged.

    An edit that names what the expert saw (``fingerprint``) is placed on the bins with those contents; when
    they are gone, or it no longer fits, it is left out and listed, and the next edits go on. An edit without
    one (just made on ``fb``) raises ``EditError`` when it does not fit."""
    trend, left = None, []
    for number, edit in enumerate(edits, 1):
        if edit.feature != fb.feature:
            continue
        if edit.fingerprint or edit.stale:
            where = placed(fb.binning, edit)
            if isinstance(where, tuple):
                left.append(LeftOut(edit.feature, number, edit.op, *where))
                continue
            try:
                fb, outcome = apply_edit(fb, where, values, y)
            except EditError as err:
                left.append(LeftOut(edit.feature, number, edit.op, "does_not_fit", err.message()))
                continue
        else:
            fb, outcome = apply_edit(fb, edit, values, y)
        trend = outcome or trend
    return EditedBins(fb, trend, tuple(left))
