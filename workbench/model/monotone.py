"""A monotone trend per characteristic: adjacent numeric ranges are merged until the bad rate follows it.

Trends: ``ascending`` (the bad rate rises with the value), ``descending``, ``peak`` (rises then falls),
``valley`` (falls then rises), ``auto`` (ascending or descending, whichever keeps more IV) and ``none``.
Merging is pool-adjacent-violators on the bins' counts (never on rows): a range whose bad rate breaks the
trend, or equals its neighbour's, joins that neighbour. A peak or valley tries every turning point and keeps
the one with the highest IV. Missing and special-code bins are never merged into ranges.

A characteristic that cannot follow its trend is reported with the reason, never silently dropped:
``categorical`` (levels have no order), ``one_value`` (a single range to begin with), ``flat`` (the data run
against the trend, so every range merged into one and only missing/special bins still separate).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

import numpy as np

from workbench.model.bins import Binning, FeatureBins
from workbench.profile.target import Bin, BinTable

Trend = Literal["auto", "ascending", "descending", "peak", "valley", "none"]
TRENDS: tuple[str, ...] = get_args(Trend)


@dataclass(frozen=True)
class TrendResult:
    """What a trend did to one characteristic. ``reason`` is None when the bins follow ``applied``."""

    feature: str
    asked: str
    applied: str | None
    bins_before: int  # range bins before merging
    bins_after: int
    reason: Literal["categorical", "one_value", "flat"] | None = None

    @property
    def feasible(self) -> bool:
        return self.reason is None


def _pav(events: np.ndarray, rows: np.ndarray, rising: bool) -> list[list[int]]:
    """Blocks of consecutive bin positions whose bad rates strictly rise (or fall); empty bins join a neighbour."""
    blocks: list[list[int]] = []
    ev: list[float] = []
    rw: list[float] = []
    for i in range(len(rows)):
        blocks.append([i])
        ev.append(float(events[i]))
        rw.append(float(rows[i]))
        while len(blocks) > 1:
            if rw[-1] and rw[-2]:
                a, c = ev[-2] / rw[-2], ev[-1] / rw[-1]
                if (c > a) if rising else (c < a):
                    break
            blocks[-2:] = [blocks[-2] + blocks[-1]]
            ev[-2:] = [ev[-2] + ev[-1]]
            rw[-2:] = [rw[-2] + rw[-1]]
    if len(blocks) > 1 and not rw[0]:  # a leading empty bin
        blocks[:2] = [blocks[0] + blocks[1]]
    return blocks


def _merge(fb: FeatureBins, blocks: list[list[int]]) -> FeatureBins:
    """The characteristic with its range bins merged into ``blocks`` (positions among the ranges)."""
    b = fb.binning
    first = b.first_body
    edges = tuple(b.edges[blk[-1]] for blk in blocks[:-1])
    binning = Binning(b.feature, True, edges, b.specials)
    old = fb.table.bins
    merged = [(sum(old[first + i].events for i in blk), sum(old[first + i].non_events for i in blk)) for blk in blocks]
    counts = [(x.events, x.non_events) for x in old[:first]] + merged
    bins = tuple(
        Bin(label, kind, lo, hi, e, n)  # type: ignore[arg-type]
        for (label, kind, lo, hi), (e, n) in zip(binning.labels(), counts, strict=True)
    )
    return FeatureBins(binning, BinTable(b.feature, bins))


def _candidates(events: np.ndarray, rows: np.ndarray, trend: str) -> list[tuple[str, list[list[int]]]]:
    if trend in ("ascending", "descending"):
        return [(trend, _pav(events, rows, trend == "ascending"))]
    if trend == "auto":
        return [("ascending", _pav(events, rows, True)), ("descending", _pav(events, rows, False))]
    first_rising = trend == "peak"
    out = []
    for k in range(len(rows) + 1):  # k = 0 or len: the turn sits at an end, i.e. a monotone trend
        left = _pav(events[:k], rows[:k], first_rising) if k else []
        right = [[i + k for i in blk] for blk in _pav(events[k:], rows[k:], not first_rising)] if k < len(rows) else []
        out.append((trend, left + right))
    return out


def apply_trend(fb: FeatureBins, trend: str) -> tuple[FeatureBins, TrendResult]:
    """Merge ``fb``'s numeric ranges until the bad rate follows ``trend`` (see the module docstring)."""
    b = fb.binning
    n_ranges = len(b.edges) + 1 if b.numeric else len(b.groups)
    if trend == "none":
        return fb, TrendResult(b.feature, trend, None, n_ranges, n_ranges)
    if not b.numeric:
        return fb, TrendResult(b.feature, trend, None, n_ranges, n_ranges, "categorical")
    if n_ranges < 2:
        return fb, TrendResult(b.feature, trend, None, n_ranges, n_ranges, "one_value")
    ranges = fb.table.bins[b.first_body :]
    events = np.array([x.events for x in ranges], dtype=np.float64)
    rows = np.array([x.total for x in ranges], dtype=np.float64)
    best: tuple[float, str, FeatureBins] | None = None
    for applied, blocks in _candidates(events, rows, trend):
        merged = _merge(fb, blocks)
        if best is None or merged.iv > best[0] + 1e-12:
            best = (merged.iv, applied, merged)
    assert best is not None
    _, applied, merged = best
    after = len(merged.binning.edges) + 1
    return merged, TrendResult(b.feature, trend, applied, n_ranges, after, "flat" if after < 2 else None)
