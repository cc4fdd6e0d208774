"""Honest splits: train / valid / test as row indices of a ``ModelFrame``.

- ``random``: stratified on the target (binary, multiclass), fixed seed.
- ``time``: out-of-time by calendar month of a date column: the latest months are the test set, the months
  before them the validation set, everything earlier trains. No test month precedes a training month.
- ``group``: by a key (customer): every row of one customer lands in one split, so the model cannot
  memorise a customer in training and meet them again in test.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import polars as pl

from workbench.model.frame import ModelError, ModelFrame

SplitKind = Literal["random", "time", "group"]
SPLITS = ("train", "valid", "test")


def split_kinds(dates: tuple[str, ...], keys: tuple[str, ...]) -> tuple[SplitKind, ...]:
    """The splits a table allows: random always, out-of-time only with a date column, grouped only with a
    repeating key (``frame.split_columns`` finds both)."""
    return ("random", *(("time",) if dates else ()), *(("group",) if keys else ()))


@dataclass(frozen=True)
class SplitSpec:
    """How to split. ``column`` is the date column (time) or the key (group); fractions are of rows."""

    kind: SplitKind = "random"
    column: str | None = None
    valid_frac: float = 0.2
    test_frac: float = 0.2
    seed: int = 42

    @classmethod
    def parse(cls, text: str, *, seed: int = 42) -> SplitSpec:
        """``random``, ``time:COL`` or ``group:COL`` (the CLI's ``--split``)."""
        kind, _, column = text.partition(":")
        if kind not in ("random", "time", "group") or (kind != "random" and not column):
            raise ModelError("model.error.bad_split", split=text)
        return cls(kind=kind, column=column or None, seed=seed)  # type: ignore[arg-type]


@dataclass(frozen=True, eq=False)
class Split:
    """Row indices per split plus what a reviewer needs to see that it is honest."""

    spec: SplitSpec
    train: np.ndarray
    valid: np.ndarray
    test: np.ndarray
    periods: tuple[tuple[str, str, str], ...] = ()  # (split, first month, last month) for time splits
    groups: tuple[int, int, int] = (0, 0, 0)  # distinct keys per split for group splits
    dropped: int = 0  # rows left out (no date / no key)

    def indices(self, name: str) -> np.ndarray:
        return {"train": self.train, "valid": self.valid, "test": self.test}[name]


def _check_fracs(spec: SplitSpec) -> None:
    if not (0 < spec.valid_frac < 0.5 and 0 < spec.test_frac < 0.5):
        raise ModelError("model.error.bad_fractions")


def random_split(y: np.ndarray, spec: SplitSpec, *, stratify: bool) -> Split:
    """Stratified when ``stratify``: each class is cut in the same proportions, so a 5 % default rate stays
    5 % in every split."""
    rng = np.random.default_rng(spec.seed)
    parts: dict[str, list[np.ndarray]] = {s: [] for s in SPLITS}
    strata = [np.flatnonzero(y == c) for c in np.unique(y)] if stratify else [np.arange(len(y))]
    for idx in strata:
        idx = rng.permutation(idx)
        n_test = round(len(idx) * spec.test_frac)
        n_valid = round(len(idx) * spec.valid_frac)
        parts["test"].append(idx[:n_test])
        parts["valid"].append(idx[n_test : n_test + n_valid])
        parts["train"].append(idx[n_test + n_valid :])
    out = {k: np.sort(np.concatenate(v)) for k, v in parts.items()}
    return Split(spec, out["train"], out["valid"], out["test"])


def time_split(frame: pl.DataFrame, spec: SplitSpec) -> Split:
    """Whole months, walked back from the latest: test takes months until it holds ``test_frac`` of the rows
    (at least one month), valid the same, train the rest. Needs three months or more."""
    col = spec.column
    if col not in frame.columns:
        raise ModelError("model.error.no_split_column", column=col)
    s = frame[col]
    if s.dtype == pl.String:
        s = s.str.to_date(strict=False)
    if not (s.dtype == pl.Date or isinstance(s.dtype, pl.Datetime)):
        raise ModelError("model.error.split_not_date", column=col)
    month = s.dt.truncate("1mo").cast(pl.Date)
    counts = pl.DataFrame({"m": month}).drop_nulls().group_by("m").len().sort("m", descending=True)
    if counts.height < 3:
        raise ModelError("model.error.too_few_months", column=col, months=counts.height)
    total = int(counts["len"].sum())
    months = counts.rows()  # (month, rows), latest first
    assigned: dict[object, str] = {}
    i = 0
    for name, frac, reserve in (("test", spec.test_frac, 2), ("valid", spec.valid_frac, 1)):
        start, taken = i, 0
        while i < len(months) - reserve and (i == start or taken < frac * total):
            assigned[months[i][0]] = name
            taken += months[i][1]
            i += 1
    for m, _ in months[i:]:
        assigned[m] = "train"
    label = month.replace_strict(assigned, default=None, return_dtype=pl.String)
    idx = {name: np.flatnonzero((label == name).fill_null(False).to_numpy()) for name in SPLITS}
    periods = []
    for name in SPLITS:
        ms = sorted(m for m, n in assigned.items() if n == name)
        if ms:
            periods.append((name, ms[0].strftime("%Y-%m"), ms[-1].strftime("%Y-%m")))
    return Split(spec, idx["train"], idx["valid"], idx["test"], periods=tuple(periods), dropped=int(month.null_count()))


def group_split(frame: pl.DataFrame, spec: SplitSpec) -> Split:
    """Keys shuffled with the seed and cut by cumulative row share, so no key is in two splits."""
    col = spec.column
    if col not in frame.columns:
        raise ModelError("model.error.no_split_column", column=col)
    keys = frame[col]
    sizes = pl.DataFrame({"k": keys}).drop_nulls().group_by("k").len().sort("k")
    if sizes.height < 3:
        raise ModelError("model.error.too_few_groups", column=col, groups=sizes.height)
    order = np.random.default_rng(spec.seed).permutation(sizes.height)
    share = np.cumsum(sizes["len"].to_numpy()[order]) / sizes["len"].sum()
    names = np.where(
        share <= spec.test_frac, "test", np.where(share <= spec.test_frac + spec.valid_frac, "valid", "train")
    )
    names[0] = "test"  # each split gets a key even for a handful of huge groups
    if not (names == "valid").any():
        names[1] = "valid"
    mapping = dict(zip(sizes["k"].gather(order).to_list(), names.tolist(), strict=True))
    label = keys.replace_strict(mapping, default=None, return_dtype=pl.String)
    idx = {name: np.flatnonzero((label == name).fill_null(False).to_numpy()) for name in SPLITS}
    groups = tuple(int((names == n).sum()) for n in SPLITS)
    return Split(
        spec,
        idx["train"],
        idx["valid"],
        idx["test"],
        groups=groups,  # type: ignore[arg-type]
        dropped=int(keys.null_count()),
    )


def make_split(mf: ModelFrame, spec: SplitSpec) -> Split:
    """Dispatch on ``spec.kind``; every split must end up with rows (and, for classification, both classes
    in train)."""
    _check_fracs(spec)
    if spec.kind == "random":
        split = random_split(mf.y, spec, stratify=mf.target.task != "regression")
    elif spec.kind == "time":
        split = time_split(mf.source, spec)
    elif spec.kind == "group":
        split = group_split(mf.source, spec)
    else:
        raise ModelError("model.error.bad_split", split=spec.kind)
    for name in SPLITS:
        if len(split.indices(name)) == 0:
            raise ModelError("model.error.empty_split", split=name)
    if mf.target.task != "regression" and len(np.unique(mf.y[split.train])) < 2:
        raise ModelError("model.error.one_class_in_train")
    return split
