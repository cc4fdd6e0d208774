"""Single-table features: transforms of one table's own columns (log, bins, ratios, date parts, encodings).

Transforms that learn from data (bin edges, target encodings) are fitted by ``fit_transform_specs`` and keep
what they learned in the spec's ``params``, so the stored spec reproduces the same values.

A target encoding has two faces. On the training rows it is out-of-fold: a row's value is learned only from
the other folds, never from its own target, so the model cannot memorise it. For serving it is the
``mapping`` fitted on all training rows with the same smoothing (``fit_target_mapping``), stored in the spec
and exported as a lookup by the SQL and polars code. The two differ on the training rows by design; a new
row gets the full-data value, which is what the out-of-fold values imitate.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from workbench.features.spec import FeatureSpec
from workbench.features.target import target_coding

DEFAULT_FOLDS = 5
DEFAULT_SMOOTHING = 20.0  # prior weight in rows: a category seen 20 times sits halfway to its own mean


def quantile_edges(values: pl.Series, bins: int = 10) -> tuple[float, ...]:
    """Inner edges of ``bins`` quantile bins over the non-missing values, deduplicated (ties merge bins)."""
    clean = values.drop_nulls().cast(pl.Float64)
    if clean.is_empty():
        return ()
    qs = [clean.quantile(i / bins, interpolation="linear") for i in range(1, bins)]
    return tuple(sorted({float(q) for q in qs if q is not None}))


def _fold(height: int, folds: int) -> pl.Expr:
    """Deterministic fold of each row: row index modulo ``folds`` after a fixed hash, so folds mix periods."""
    return (pl.int_range(height, dtype=pl.UInt64).hash(seed=7) % folds).alias("_fold")


def fit_target_mapping(
    frame: pl.DataFrame, column: str, target: str, smoothing: float = DEFAULT_SMOOTHING
) -> tuple[tuple[tuple[str | None, float], ...], float]:
    """Category → smoothed target mean over every row with a known target, and the prior (the overall mean)
    that an unseen category gets: ``(sum + smoothing × prior) / (count + smoothing)``. Categories are compared
    as text; a missing category is a category of its own (key ``None``)."""
    df = frame.select(
        pl.col(column).cast(pl.String).alias("_v"), target_coding(frame.get_column(target)).expr().alias("_y")
    )
    df = df.filter(pl.col("_y").is_not_null())
    if df.is_empty():
        return (), float("nan")
    prior = float(df["_y"].mean())  # type: ignore[arg-type]
    fitted = (
        df.group_by("_v")
        .agg(n=pl.len(), s=pl.col("_y").sum())
        .select("_v", ((pl.col("s") + smoothing * prior) / (pl.col("n") + smoothing)).alias("_te"))
        .sort("_v", nulls_last=True)
    )
    return tuple(zip(fitted["_v"].to_list(), fitted["_te"].to_list(), strict=True)), prior


def _target_encoding(frame: pl.DataFrame, spec: FeatureSpec, target: str) -> pl.Series:
    """Out-of-fold values for the training rows. Rows without a target learn nothing and teach nothing: they
    get the encoding learned from the other folds' labelled rows."""
    folds = int(spec.param("folds", DEFAULT_FOLDS))
    m = float(spec.param("smoothing", DEFAULT_SMOOTHING))
    col = spec.column
    df = frame.select(
        pl.col(col).cast(pl.String).alias("_v"), target_coding(frame.get_column(target)).expr().alias("_y")
    )
    df = df.with_columns(_fold(df.height, folds))
    # the prior is out-of-fold too: the overall rate would otherwise carry the row's own target
    fold_tot = df.group_by("_fold").agg(fn=pl.col("_y").count(), fs=pl.col("_y").sum())
    n_all, s_all = df["_y"].count(), float(df["_y"].sum())
    fold_tot = fold_tot.with_columns(((s_all - pl.col("fs")) / (n_all - pl.col("fn"))).alias("_prior"))
    per_fold = df.group_by("_fold", "_v").agg(n=pl.col("_y").count(), s=pl.col("_y").sum())
    totals = per_fold.group_by("_v").agg(N=pl.col("n").sum(), S=pl.col("s").sum())
    oof = (
        per_fold.join(totals, on="_v", nulls_equal=True)
        .join(fold_tot, on="_fold")
        .select(
            "_fold",
            "_v",
            ((pl.col("S") - pl.col("s") + m * pl.col("_prior")) / (pl.col("N") - pl.col("n") + m)).alias("_te"),
        )
    )
    out = df.join(oof, on=["_fold", "_v"], how="left", maintain_order="left", nulls_equal=True)
    return out["_te"].alias(spec.name)


def transform_expr(spec: FeatureSpec, frame: pl.DataFrame) -> pl.Expr:
    col = pl.col(spec.column)
    kind = spec.transform
    if kind == "log1p":
        x = col.cast(pl.Float64)
        return (x.sign() * x.abs().log1p()).alias(spec.name)
    if kind == "bin":
        edges = spec.param("edges", ())
        x = col.cast(pl.Float64)
        idx = pl.lit(0, dtype=pl.Int64)
        for e in edges:
            idx = idx + (x > e).cast(pl.Int64)
        return pl.when(x.is_null()).then(None).otherwise(idx).alias(spec.name)
    if kind == "ratio":
        other = pl.col(spec.param("other")).cast(pl.Float64)
        return pl.when(other != 0).then(col.cast(pl.Float64) / other).alias(spec.name)
    if kind == "date_part":
        part = spec.param("part", "month")
        dt = col.cast(pl.Datetime("us")) if frame.schema[spec.column] == pl.Date else col
        return getattr(dt.dt, part)().cast(pl.Int64).alias(spec.name)
    if kind == "missing":
        return col.is_null().cast(pl.Int8).alias(spec.name)
    if kind == "frequency":
        return (pl.len().over(spec.column) / pl.len()).alias(spec.name)
    raise ValueError(f"transform {kind!r} has no expression")


def served_encoding(spec: FeatureSpec) -> pl.Expr:
    """A target encoding for new rows: the mapping fitted on all training rows, the prior for a category it
    never saw (and for missing, unless missing was a category of its own)."""
    if spec.param("mapping") is None:
        raise ValueError(f"{spec.name}: stored without a fitted mapping, it cannot score new rows")
    prior = float(spec.param("prior"))
    pairs = dict(spec.param("mapping"))
    default = None if prior != prior else prior  # NaN: no labelled row at fit time
    missing = float(pairs.pop(None)) if None in pairs else default
    col = pl.col(spec.column).cast(pl.String)
    lookup = col.replace_strict(list(pairs), [float(v) for v in pairs.values()], default=default,
                                return_dtype=pl.Float64)  # fmt: skip
    return pl.when(col.is_null()).then(pl.lit(missing, dtype=pl.Float64)).otherwise(lookup).alias(spec.name)


def apply_transforms(
    frame: pl.DataFrame, specs: Sequence[FeatureSpec], *, target: str | None, serve: bool = False
) -> pl.DataFrame:
    """The transforms of ``specs`` on ``frame``; ``serve``: target encodings from their fitted mapping
    (new rows), else out-of-fold on the training rows."""
    exprs = [transform_expr(s, frame) for s in specs if s.transform != "target_encoding"]
    exprs += [served_encoding(s) for s in specs if serve and s.transform == "target_encoding"]
    out = frame.with_columns(exprs) if exprs else frame
    for s in specs:
        if s.transform == "target_encoding" and not serve:
            if not target or target not in frame.columns:
                raise ValueError(f"{s.name}: target encoding needs the label's target column")
            out = out.with_columns(_target_encoding(frame, s, target))
    return out


def fit_transform_specs(
    frame: pl.DataFrame,
    source: str,
    *,
    numeric: Sequence[str] = (),
    categorical: Sequence[str] = (),
    dates: Sequence[str] = (),
    ratios: Sequence[tuple[str, str]] = (),
    target: str | None = None,
    bins: int = 10,
    alias: str | None = None,
) -> tuple[FeatureSpec, ...]:
    """Single-table candidates with their learned parameters stored in the spec: bin edges, and for a target
    encoding the full-data ``mapping`` and ``prior`` its exports serve (its training values stay out-of-fold)."""
    out: list[FeatureSpec] = []

    def spec(column: str, transform: str, **params: object) -> FeatureSpec:
        return FeatureSpec(
            source=source,
            aggregation="transform",
            column=column,
            transform=transform,
            params=tuple(params.items()),
            alias=alias,
        )

    for c in numeric:
        out.append(spec(c, "log1p"))
        out.append(spec(c, "bin", edges=quantile_edges(frame[c], bins)))
        if frame[c].null_count():
            out.append(spec(c, "missing"))
    for a, b in ratios:
        out.append(spec(a, "ratio", other=b))
    for c in dates:
        out.extend(spec(c, "date_part", part=p) for p in ("month", "weekday"))
    for c in categorical:
        out.append(spec(c, "frequency"))
        if target:
            mapping, prior = fit_target_mapping(frame, c, target, DEFAULT_SMOOTHING)
            out.append(
                spec(
                    c,
                    "target_encoding",
                    folds=DEFAULT_FOLDS,
                    smoothing=DEFAULT_SMOOTHING,
                    prior=prior,
                    mapping=tuple(mapping),
                )
            )
        if frame[c].null_count():
            out.append(spec(c, "missing"))
    return tuple(out)
