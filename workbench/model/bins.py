"""A scorecard characteristic's bins: which bin a value falls in, and the event counts behind WOE, IV and bad rate.

The bins follow the profile's convention (``profile.binning``): missing (null and NaN) is bin 0, each special
code (9999, -1, …) has a bin of its own, numeric ranges are left-closed ``[lo, hi)``. So a 9999 "unknown" never
sits in a numeric range, and the scorecard's bins read like the Profile page's. A categorical characteristic
holds *groups* of levels (an expert may merge levels); a level never seen in training goes to "other".

Counts become a profile ``BinTable``: WOE, IV and the zero-count rule (0.5 added to both counts of a bin with no
events or no non-events) are computed there, in one place. An empty bin (no training row, e.g. no missing
value) has WOE 0: the population average, so a new row in it neither gains nor loses points.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from workbench.profile.binning import OTHER_LABEL, BinSpec, bin_index, quantile_edges
from workbench.profile.target import Bin, BinTable

MAX_BINS = 10  # pre-bins of a numeric characteristic (quantiles of the training rows)
MIN_SHARE = 0.01  # a level needs 1 % of training rows to keep a bin of its own (else "other")


@dataclass(frozen=True)
class Binning:
    """How one characteristic is cut. ``edges`` are inner cut points (numeric); ``groups`` the levels of each
    categorical bin. Bin index: 0 missing, 1..s specials, then ranges (or groups, then "other")."""

    feature: str
    numeric: bool
    edges: tuple[float, ...] = ()
    specials: tuple[float, ...] = ()
    groups: tuple[tuple[str, ...], ...] = ()

    @property
    def n_bins(self) -> int:
        return self.first_body + (len(self.edges) + 1 if self.numeric else len(self.groups) + 1)

    @property
    def first_body(self) -> int:
        """Index of the first range (or group) bin: after missing and the special codes."""
        return 1 + len(self.specials)

    def spec(self) -> BinSpec:
        """The profile's bin spec over single levels (groups are mapped onto it by ``codes``)."""
        return BinSpec(self.feature, self.numeric, self.edges, self.specials, tuple(v for g in self.groups for v in g))

    def labels(self) -> tuple[tuple[str, str, float | None, float | None], ...]:
        """(label, kind, lower, upper) per bin, as the profile labels them; a group reads "a, b"."""
        if self.numeric:
            return self.spec().labels()
        out = [self.spec().labels()[0]]
        out += [(", ".join(g), "category", None, None) for g in self.groups]
        out.append((OTHER_LABEL, "other", None, None))
        return tuple(out)

    def codes(self, values: pl.Series) -> np.ndarray:
        """Bin index of every value (see the class docstring)."""
        idx = bin_index(self.spec(), values)
        if self.numeric:
            return idx
        lut = [0] + [1 + k for k, g in enumerate(self.groups) for _ in g] + [1 + len(self.groups)]
        return np.asarray(lut, dtype=np.intp)[idx]

    def to_dict(self) -> dict[str, Any]:
        return {
            "feature": self.feature,
            "numeric": self.numeric,
            "edges": list(self.edges),
            "specials": list(self.specials),
            "groups": [list(g) for g in self.groups],
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Binning:
        return cls(
            str(d["feature"]),
            bool(d["numeric"]),
            tuple(float(e) for e in d.get("edges", ())),
            tuple(float(s) for s in d.get("specials", ())),
            tuple(tuple(str(v) for v in g) for g in d.get("groups", ())),
        )


def is_numeric(s: pl.Series) -> bool:
    return s.dtype.is_numeric() or s.dtype == pl.Boolean


def initial_binning(
    s: pl.Series, *, max_bins: int = MAX_BINS, specials: Sequence[float] = (), min_share: float = MIN_SHARE
) -> Binning:
    """Pre-bins on the training rows: quantile edges without missing or special values (numeric), or the
    levels holding at least ``min_share`` of rows, one per bin, the rest pooled as "other" (categorical)."""
    if is_numeric(s):
        x = s.cast(pl.Float64).to_numpy()
        ok = ~np.isnan(x)
        for v in specials:
            ok &= x != v
        return Binning(s.name, True, quantile_edges(x[ok], max_bins), tuple(float(v) for v in specials))
    counts = s.cast(pl.String).drop_nulls().value_counts(sort=True, name="n")
    floor = min_share * len(s)
    common = tuple((str(v),) for v, n in counts.iter_rows() if n >= floor)
    return Binning(s.name, False, groups=common)


def bin_table(binning: Binning, codes: np.ndarray, y: np.ndarray) -> BinTable:
    """Event and non-event counts per bin (``y`` 0/1, aligned with ``codes``) as a profile ``BinTable``."""
    n = binning.n_bins
    rows = np.bincount(codes, minlength=n)
    events = np.bincount(codes, weights=y.astype(np.float64), minlength=n).round().astype(np.int64)
    return BinTable(
        binning.feature,
        tuple(
            Bin(label, kind, lo, hi, int(events[k]), int(rows[k] - events[k]))  # type: ignore[arg-type]
            for k, (label, kind, lo, hi) in enumerate(binning.labels())
        ),
    )


def woe_by_bin(table: BinTable) -> np.ndarray:
    """WOE of every bin, 0 for an empty one (``BinTable.woe`` covers used bins only)."""
    out = np.zeros(len(table.bins))
    used = [k for k, b in enumerate(table.bins) if b.total]
    out[used] = table.woe
    return out


@dataclass(frozen=True)
class FeatureBins:
    """One characteristic: its bins and their training counts. WOE, IV and bad rates derive from the counts."""

    binning: Binning
    table: BinTable

    @property
    def feature(self) -> str:
        return self.binning.feature

    @property
    def woe(self) -> np.ndarray:
        return woe_by_bin(self.table)

    @property
    def iv(self) -> float:
        return self.table.iv

    @property
    def smoothed(self) -> bool:
        return self.table.smoothed

    @property
    def bad_rates(self) -> tuple[float | None, ...]:
        return tuple(b.event_rate for b in self.table.bins)

    def frame(self) -> pl.DataFrame:
        """The table an expert reads: bin, rows, events, bad rate, WOE, IV contribution."""
        woe = self.woe
        used = iter(self.table.iv_contributions)
        return pl.DataFrame(
            {
                "bin": [k for k in range(len(self.table.bins))],
                "label": [b.label for b in self.table.bins],
                "kind": [b.kind for b in self.table.bins],
                "rows": [b.total for b in self.table.bins],
                "events": [b.events for b in self.table.bins],
                "bad_rate": [b.event_rate for b in self.table.bins],
                "woe": woe.tolist(),
                "iv": [next(used) if b.total else 0.0 for b in self.table.bins],
            },
            schema_overrides={"bad_rate": pl.Float64},
        )

    def to_dict(self) -> dict[str, Any]:
        return self.binning.to_dict() | {
            "events": [b.events for b in self.table.bins],
            "non_events": [b.non_events for b in self.table.bins],
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> FeatureBins:
        binning = Binning.from_dict(d)
        bins = tuple(
            Bin(label, kind, lo, hi, int(e), int(n))  # type: ignore[arg-type]
            for (label, kind, lo, hi), e, n in zip(binning.labels(), d["events"], d["non_events"], strict=True)
        )
        return cls(binning, BinTable(binning.feature, bins))


def count(binning: Binning, values: pl.Series, y: np.ndarray) -> FeatureBins:
    """Bin ``values`` and count events: the one step every fit, edit and trend goes through."""
    return FeatureBins(binning, bin_table(binning, binning.codes(values), y))
