"""The modelling frame: which column is the target, what kind of task it is, which value is the event, and
which columns may enter the model.

Analysts hand over targets as they come out of the core system: ``Y``/``N``, ``good``/``bad``, ``예``/``아니오``,
``1``/``0`` as text. The frame turns any of them into 0/1 (or class codes) and *says* which value became the
event, so a reviewer never has to guess what "probability" means.
"""

from __future__ import annotations

import contextlib
from collections.abc import Collection
from dataclasses import dataclass
from typing import Literal

import numpy as np
import polars as pl

from workbench.cache import shared
from workbench.errors import UserError
from workbench.privacy.gate import MaskedTable
from workbench.signals import identifiers

Task = Literal["binary", "multiclass", "regression"]
TASKS: tuple[Task, ...] = ("binary", "multiclass", "regression")


class ModelError(UserError):
    """A modelling request that cannot be honoured as given (bad target, too few rows, bad split column)."""


# Values that mean "the bad thing happened"; compared lower-cased and stripped.
EVENT_WORDS = frozenset(
    {
        "1",
        "1.0",
        "y",
        "yes",
        "true",
        "t",
        "bad",
        "default",
        "event",
        "positive",
        "예",
        "네",
        "불량",
        "연체",
        "부도",
        "사고",
        "o",
    }
)
NON_EVENT_WORDS = frozenset(
    {"0", "0.0", "n", "no", "false", "f", "good", "non-event", "negative", "아니오", "아니요", "정상", "우량", "x"}
)
MAX_CLASSES = 20


@dataclass(frozen=True)
class TargetInfo:
    """What the model predicts. ``classes[i]`` is the original value coded as ``i``; for binary tasks
    ``classes[1]`` is the event (the value whose probability the model gives)."""

    column: str
    task: Task
    classes: tuple[str, ...] = ()

    @property
    def event(self) -> str | None:
        return self.classes[1] if self.task == "binary" else None


@dataclass(frozen=True)
class Exclusion:
    """A column left out of the model and why (``reason`` is an i18n suffix under ``model.exclude.``)."""

    column: str
    reason: Literal["target", "id_like", "constant", "date", "all_missing", "high_cardinality", "user", "known_after"]


@dataclass(frozen=True, eq=False)
class ModelFrame:
    """Rows with a known target, aligned with ``source`` (the certified frame minus unlabeled rows), so
    that split columns (dates, customer keys) that are not features stay usable."""

    source: pl.DataFrame
    y: np.ndarray
    target: TargetInfo
    features: tuple[str, ...]
    categorical: tuple[str, ...]
    excluded: tuple[Exclusion, ...]
    dropped_unlabeled: int

    @property
    def X(self) -> pl.DataFrame:
        return self.source.select(self.features)

    @property
    def height(self) -> int:
        return self.source.height


def _as_text(s: pl.Series) -> pl.Series:
    if s.dtype == pl.Boolean:
        return s.cast(pl.Int8).cast(pl.String)
    if s.dtype.is_float() and s.drop_nulls().is_empty() is False:
        whole = (s.drop_nulls() == s.drop_nulls().round(0)).all()
        if whole:
            return s.cast(pl.Int64).cast(pl.String)
    return s.cast(pl.String).str.strip_chars()


def detect_task(s: pl.Series) -> Task:
    """Binary for two distinct values, multiclass for 3–20 text or small-integer values, regression otherwise."""
    values = s.drop_nulls()
    n = values.n_unique()
    if n <= 2:
        return "binary"
    if s.dtype.is_numeric():
        integral = not s.dtype.is_float() or bool((values == values.round(0)).all())
        return "multiclass" if integral and n <= 10 else "regression"
    return "multiclass" if n <= MAX_CLASSES else "regression"


def choose_event(values: list[str], counts: dict[str, int]) -> str:
    """The event among two values: a word that means 'bad' (1, Y, yes, bad, 예, 불량…) if present, else the
    numerically larger value, else the rarer one (defaults are rarer than repayments)."""
    lowered = {v: v.lower() for v in values}
    hits = [v for v in values if lowered[v] in EVENT_WORDS and lowered[v] not in NON_EVENT_WORDS]
    if len(hits) == 1:
        return hits[0]
    misses = [v for v in values if lowered[v] in NON_EVENT_WORDS]
    if len(misses) == 1:
        return next(v for v in values if v != misses[0])
    try:
        return max(values, key=float)
    except ValueError:
        return min(values, key=lambda v: (counts[v], v))


def encode_target(s: pl.Series, task: Task, event: str | None = None) -> tuple[np.ndarray, TargetInfo]:
    """0/1 (binary), class codes (multiclass) or floats (regression); nulls must be dropped beforehand."""
    if task == "regression":
        if not s.dtype.is_numeric():
            raise ModelError("model.error.regression_needs_numbers", column=s.name)
        return s.cast(pl.Float64).to_numpy(), TargetInfo(s.name, task)
    text = _as_text(s)
    counts = dict(text.value_counts().iter_rows())
    values = sorted(counts)
    if task == "binary":
        if len(values) != 2:
            raise ModelError("model.error.binary_needs_two", column=s.name, n=len(values))
        if event is not None and str(event) not in values:
            raise ModelError("model.error.unknown_event", event=event, values=", ".join(values))
        ev = str(event) if event is not None else choose_event(values, counts)
        other = next(v for v in values if v != ev)
        return (text == ev).cast(pl.Int32).to_numpy(), TargetInfo(s.name, task, (other, ev))
    if len(values) > MAX_CLASSES:
        raise ModelError("model.error.too_many_classes", column=s.name, n=len(values), max=MAX_CLASSES)
    if len(values) < 2:
        raise ModelError("model.error.binary_needs_two", column=s.name, n=len(values))
    with contextlib.suppress(ValueError):
        values = sorted(values, key=float)
    codes = {v: i for i, v in enumerate(values)}
    y = text.replace_strict(codes, return_dtype=pl.Int32).to_numpy()
    return y, TargetInfo(s.name, task, tuple(values))


def _exclusion(s: pl.Series, n: int, *, generated: bool = False) -> Exclusion | None:
    dtype = s.dtype
    if dtype in (pl.Date, pl.Datetime, pl.Time, pl.Duration) or isinstance(dtype, pl.Datetime):
        return Exclusion(s.name, "date")
    if not (dtype.is_numeric() or dtype in (pl.String, pl.Categorical, pl.Boolean) or isinstance(dtype, pl.Enum)):
        return Exclusion(s.name, "high_cardinality")  # lists, structs, binary: nothing a tree can split on
    nulls = s.null_count()
    if nulls == n:
        return Exclusion(s.name, "all_missing")
    distinct = s.n_unique()
    if distinct - (1 if nulls else 0) <= 1:
        return Exclusion(s.name, "constant")
    if identifiers.series_is_identifier(
        s, generated=generated
    ):  # the profile's rule: a key by name or by shape, never a measurement
        return Exclusion(s.name, "id_like")
    if not dtype.is_numeric() and dtype != pl.Boolean and distinct > max(200, 0.2 * n):
        return Exclusion(s.name, "high_cardinality")
    return None


def build_frame(
    table: MaskedTable,
    target: str,
    *,
    task: Task | None = None,
    event: str | None = None,
    features: list[str] | tuple[str, ...] | None = None,
    exclude: list[str] | tuple[str, ...] = (),
    generated: Collection[str] = (),
    known_after: Collection[str] = (),
) -> ModelFrame:
    """The modelling frame of a certified table.

    ``features=None`` takes every column except the target, identifiers (``workbench.signals.identifiers``:
    text or whole numbers named like a key or shaped like keys; never a float or a measurement), dates (they
    drive out-of-time splits, not predictions), constants and columns with no value. Columns listed
    explicitly in ``features`` are still checked and dropped when unusable.
    """
    if not isinstance(table, MaskedTable):
        raise TypeError("build_frame takes a MaskedTable: certify the table through workbench.privacy first")
    df = table.frame
    if target not in df.columns:
        raise ModelError("model.error.no_target", column=target)
    labeled = df.filter(pl.col(target).is_not_null())
    if target in df.columns and df.schema[target].is_float():
        labeled = labeled.filter(pl.col(target).is_not_nan())
    if labeled.height < 30:
        raise ModelError("model.error.too_few_rows", rows=labeled.height, min=30)
    s = labeled[target]
    chosen_task = task or detect_task(s)
    if chosen_task not in TASKS:
        raise ModelError("model.error.bad_task", task=chosen_task, tasks=", ".join(TASKS))
    y, info = encode_target(s, chosen_task, event)

    excluded: list[Exclusion] = [Exclusion(target, "target")]
    candidates = [c for c in (features if features is not None else df.columns) if c != target]
    missing = [c for c in candidates if c not in df.columns]
    if missing:
        raise ModelError("model.error.no_feature", columns=", ".join(missing))
    kept: list[str] = []
    for col in candidates:
        if col in exclude:
            excluded.append(Exclusion(col, "user"))
            continue
        if col in known_after:  # a domain expert said so (workbench.signals.timing)
            excluded.append(Exclusion(col, "known_after"))
            continue
        why = _exclusion(labeled[col], labeled.height, generated=col in generated)
        if why:
            excluded.append(why)
        else:
            kept.append(col)
    if not kept:
        raise ModelError("model.error.no_usable_features")
    categorical = tuple(
        c for c in kept if labeled.schema[c] in (pl.String, pl.Categorical) or isinstance(labeled.schema[c], pl.Enum)
    )
    return ModelFrame(
        source=labeled,
        y=y,
        target=info,
        features=tuple(kept),
        categorical=categorical,
        excluded=tuple(excluded),
        dropped_unlabeled=df.height - labeled.height,
    )


def to_pandas(X: pl.DataFrame, categorical: tuple[str, ...]):
    """The LightGBM edge: categoricals become pandas ``category`` (LightGBM stores their levels in the model
    text, so a reloaded model maps new data the same way), everything else float."""
    exprs = []
    for name, dtype in X.schema.items():
        if name in categorical:
            exprs.append(pl.col(name).cast(pl.String).cast(pl.Categorical))
        elif dtype == pl.Boolean:
            exprs.append(pl.col(name).cast(pl.Float32))
        else:
            exprs.append(pl.col(name).cast(pl.Float64))
    return X.select(exprs).to_pandas()


@dataclass(frozen=True)
class TargetPreview:
    """What the page shows once a target is picked: detected task, its values and the detected event."""

    task: Task
    values: tuple[str, ...]
    event: str | None
    labeled: int


@shared(max_entries=128)
def preview_target(table: MaskedTable, target: str) -> TargetPreview:
    """The target's task, values and event as the Model page offers them before training. This, the candidate
    features and the split columns are read on every run of the page (173 columns' distinct counts on a
    modelling table): they are computed once per table content and shared by every session."""
    s = table.frame[target].drop_nulls()
    task = detect_task(s)
    if task == "regression":
        return TargetPreview(task, (), None, len(s))
    text = _as_text(s)
    counts = dict(text.value_counts().iter_rows())
    values = tuple(sorted(counts))
    event = choose_event(list(values), counts) if task == "binary" and len(values) == 2 else None
    return TargetPreview(task, values[:MAX_CLASSES], event, len(s))


@shared(max_entries=128)
def candidate_features(
    table: MaskedTable, target: str, *, known_after: Collection[str] = ()
) -> tuple[tuple[str, ...], tuple[Exclusion, ...]]:
    """Columns the model would use by default, and those it leaves out with the reason (no training)."""
    df = table.frame
    kept, excluded = [], [Exclusion(target, "target")]
    for col in df.columns:
        if col == target:
            continue
        why = Exclusion(col, "known_after") if col in known_after else _exclusion(df[col], df.height)
        (excluded.append(why) if why else kept.append(col))
    return tuple(kept), tuple(excluded)


@shared(max_entries=128)
def split_columns(table: MaskedTable) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(date columns for an out-of-time split, key columns for a grouped split: text or integer columns that
    repeat, e.g. a customer token with several loans)."""
    df = table.frame
    dates = tuple(c for c, d in df.schema.items() if d == pl.Date or isinstance(d, pl.Datetime))
    keys = tuple(
        c
        for c, d in df.schema.items()
        if (d == pl.String or d.is_integer())
        and 3 <= df[c].n_unique() < df.height
        and (identifiers.named_like_key(c) or df[c].n_unique() > 0.05 * df.height)
    )
    return dates, keys


OTHER_LEVEL = "(other)"


def rare_level_floor(n_train: int) -> int:
    """Fewest training rows a category needs to keep its own level: 1 % of training rows (the scorecard's
    rule), at least 10 and at most 1,000. On a bank-like table with 20–1,000-level categoricals a 0.05 %
    floor left LightGBM 0.03 AUC behind the WOE scorecard (splits on noise levels); 1 % closed the gap."""
    return int(max(10, min(round(0.01 * n_train), 1000)))


def pool_rare_levels(
    X: pl.DataFrame,
    categorical: tuple[str, ...],
    train_rows: np.ndarray,
    floor: int,
) -> tuple[pl.DataFrame, dict[str, int]]:
    """Text levels seen on fewer than ``floor`` training rows (or never in training) become ``(other)`` in
    every split; nulls stay missing. Returns the frame and, per column, how many levels were pooled.

    The kept levels are what LightGBM stores in the model text, so scoring new data maps any other level
    to ``(other)`` the same way (``runs.score_table``)."""
    pooled: dict[str, int] = {}
    exprs = []
    for col in categorical:
        counts = X[col].gather(train_rows).cast(pl.String).drop_nulls().value_counts()
        keep = counts.filter(pl.col("count") >= floor)[col]
        n_pooled = counts.height - keep.len()
        if n_pooled == 0 and X[col].cast(pl.String).drop_nulls().is_in(keep.implode()).all():
            continue
        pooled[col] = n_pooled
        text = pl.col(col).cast(pl.String)
        exprs.append(
            pl.when(text.is_null())
            .then(None)
            .when(text.is_in(keep.implode()))
            .then(text)
            .otherwise(pl.lit(OTHER_LEVEL))
            .alias(col)
        )
    return (X.with_columns(exprs) if exprs else X), pooled
