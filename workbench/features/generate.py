"""Compute feature values for every row of the label table, using only what happened before its cutoff.

Per path (``relations.RelPath``: a dated child, an undated one, a bridge's far table, a lookup): walk from
the source to the root to attach the label key (``path_rows``), join once to the distinct (key, cutoff)
pairs of the label table, drop every row at or after the cutoff (``_age_us <= 0``; an undated table's rows
all count, as a snapshot) and before the widest window, then compute all windows and aggregations from that
one joined frame (``_event_features``; the fast path is in ``buckets``). Features depend only on (key,
cutoff), so duplicate label rows cost nothing extra, and customers can be computed in batches (``batches``):
the joined frame then holds one batch's events at a time, and the values are the same.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import polars as pl

from workbench.features.batches import Sources, batch_count, batch_sources, split_keys
from workbench.features.buckets import GROUP, bucket_expr, decomposable, edges, partial_expr, plan_partials
from workbench.features.expressions import (
    AGE,
    US_PER_DAY,
    event_expr,
    limit_use,
    lookback_days,
    tenure_column,
    use_column,
)
from workbench.features.relations import FeatureSpecError, LabelRole, Relations, RelPath
from workbench.features.spec import TENURE_AGGREGATIONS, ZERO_WHEN_EMPTY, FeatureSpec
from workbench.features.transforms import apply_transforms
from workbench.i18n import t
from workbench.privacy.gate import MaskedTable

CUTOFF = "_cutoff"
Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class FeatureSet:
    """Generated values: the label table's own columns first, then one column per spec (same order)."""

    frame: pl.DataFrame
    specs: tuple[FeatureSpec, ...]
    label: LabelRole

    @property
    def names(self) -> list[str]:
        return [s.name for s in self.specs]

    @property
    def rows(self) -> int:
        return self.frame.height

    def features(self) -> pl.DataFrame:
        return self.frame.select(self.names)


def _as_datetime(expr: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    if dtype == pl.Date:
        return expr.cast(pl.Datetime("us"))
    if isinstance(dtype, pl.Datetime):
        expr = expr.dt.replace_time_zone(None) if dtype.time_zone else expr
        return expr.dt.cast_time_unit("us")
    if dtype == pl.String:
        return expr.str.to_datetime(time_unit="us")
    raise FeatureSpecError("features.error.not_a_time", column=str(expr.meta.output_name()), dtype=str(dtype))


ROW_TIME = "_row_time"  # the row table's time column, joined along the path
ROW_KEY = "_row_key"  # the row table's key: the tie-break of ``last``


def _path_of(rel: Relations, src: Sources, spec: FeatureSpec) -> RelPath:
    """The spec's path (its ``key_path``; a spec written without one follows ``parent`` links)."""
    tables = spec.key_path or rel.key_path(spec.source, src.columns_of)
    return rel.describe(tables, src.columns_of)


def path_rows(
    rel: Relations,
    src: Sources,
    path: RelPath,
    columns: Sequence[str],
    extra: Mapping[str, Sequence[str]] | None = None,
) -> pl.LazyFrame:
    """The source's ``columns`` on every row of the path's row table (or of the root, for a lookup), with
    the label key: walk from the source to the root, joining each next table on its link (up: the parent's
    key; lookup: the child's link column, which repeats the lookup's row for each child). Only link columns
    travel between tables, under private names, so equal column names in two tables never collide; the row
    table's time and key come along as ``ROW_TIME``/``ROW_KEY``; ``extra`` adds named columns of tables on
    the path (a credit limit)."""
    tables = path.tables
    extra = extra or {}
    label_key = rel.label.key

    def own(i: int) -> list[pl.Expr]:
        name, role = tables[i], rel.table(tables[i])
        out: list[pl.Expr] = [pl.col(c) for c in extra.get(name, ())]
        if i < len(tables) - 1:
            out.append(pl.col(rel.step(name, tables[i + 1])[1]).alias(f"_k{i}"))
        else:
            out.append(pl.col(label_key))
        if name == path.row_table:
            if role.time:
                out.append(pl.col(role.time).alias(ROW_TIME))
            if role.key and role.key in src.schemas[name]:
                out.append(pl.col(role.key).alias(ROW_KEY))
        return out

    missing = sorted(c for c in columns if c not in src.schemas[tables[0]])
    if missing:
        raise FeatureSpecError("features.error.missing_columns", table=tables[0], columns=", ".join(missing))
    rows = src.lazy[tables[0]].select(*[pl.col(c) for c in columns if c not in extra.get(tables[0], ())], *own(0))
    for i in range(1, len(tables)):
        _, _, far_col = rel.step(tables[i - 1], tables[i])
        far = src.lazy[tables[i]].select(pl.col(far_col).alias("_j"), *own(i))
        rows = rows.join(far, left_on=f"_k{i - 1}", right_on="_j", how="inner").drop(f"_k{i - 1}")
    return rows


def _events(rel: Relations, src: Sources, path: RelPath, specs: Sequence[FeatureSpec], *, sort: bool = True):
    """The path's rows with the label key attached; sorted by (time, row key) when a direct ``last``
    expression needs the order. A ``limit_use`` spec's limit comes along from its table on the key path, and
    each event gets its use of the limit (``use_column``). Returns the rows and their time column (None for
    a snapshot table)."""
    source = path.source
    schema = src.schemas[source]
    needed: set[str] = set()
    limits: dict[str, set[str]] = {}  # table on the path → limit columns it contributes
    for s in specs:
        if s.column:
            needed.add(s.column)
        needed.update(c for c, _ in (*s.filter, *s.denominator_filter))
        if s.aggregation == "limit_use":
            holder = str(s.param("limit_table"))
            if holder not in path.tables:
                raise FeatureSpecError("features.error.limit_table", table=holder, source=source)
            if str(s.param("limit")) not in src.schemas[holder]:
                raise FeatureSpecError("features.error.missing_columns", table=holder, columns=s.param("limit"))
            limits.setdefault(holder, set()).add(str(s.param("limit")))
    ev = path_rows(rel, src, path, sorted(needed), {t: sorted(c) for t, c in limits.items()})
    time = ROW_TIME if path.dated else None
    row_schema = src.schemas[str(path.row_table)]
    casts = []
    if time:
        row_role = rel.table(str(path.row_table))
        casts.append(_as_datetime(pl.col(ROW_TIME), row_schema[str(row_role.time)]).alias(ROW_TIME))
    for c in {c for s in specs for c, _ in (*s.filter, *s.denominator_filter)}:
        # compared as text; categorical keeps the per-category group_bys on integer codes
        casts.append(pl.col(c).cast(pl.String).cast(pl.Categorical))
    for c in {str(s.column) for s in specs if s.aggregation in TENURE_AGGREGATIONS}:
        casts.append(_as_datetime(pl.col(c), schema[c]).alias(c))
    uses = {use_column(s): s for s in specs if s.aggregation == "limit_use"}
    casts.extend(limit_use(pl.col(s.column), pl.col(s.param("limit"))).alias(n) for n, s in uses.items())
    ev = ev.with_columns(casts) if casts else ev
    order = ([time] if time else []) + ([ROW_KEY] if ROW_KEY in ev.collect_schema() else [])
    return (ev.sort(order) if sort and order else ev), time


def _event_features(
    rel: Relations, src: Sources, keys: pl.LazyFrame, path: RelPath, specs: list[FeatureSpec]
) -> pl.DataFrame:
    """All features of one event table from one join (see ``buckets`` for why this is fast):

    - decomposable aggregations: per-bucket partials, one group_by per set of filter columns;
    - unfiltered std / median / distinct counts: one plain group_by per window over the rows in it
      (the windows nest, so each pass reads only its own rows);
    - the last value: the newest row of each group (ties: the highest event key);
    - anything else (filtered std/median/distinct/last): a masked expression over the raw rows.
    """
    direct = [
        s
        for s in specs
        if not decomposable(s) and (s.filter or s.aggregation == "last" or s.aggregation in TENURE_AGGREGATIONS)
    ]
    events, time = _events(rel, src, path, specs, sort=bool(direct))
    key = rel.label.key
    numbered = keys.with_row_index(GROUP)
    # a snapshot's rows carry no time: each counts as just before the cutoff, inside the (only) window: all
    age = (pl.col(CUTOFF) - pl.col(time)).dt.total_microseconds() if time else pl.lit(1, dtype=pl.Int64)
    tenures = [
        (pl.col(CUTOFF) - pl.col(c)).dt.total_microseconds().alias(tenure_column(c))
        for c in sorted({str(s.column) for s in specs if s.aggregation in TENURE_AGGREGATIONS})
    ]
    keep = pl.col(AGE) > 0  # strictly before the cutoff: the cutoff instant itself is the future
    widest = lookback_days(specs)
    if widest is not None:
        keep = keep & (pl.col(AGE) <= widest * US_PER_DAY)
    bounds = edges(specs)
    joined = (
        numbered.join(events, on=key, how="inner", maintain_order="right" if direct else "none")
        .with_columns(age.alias(AGE), *tenures)
        .filter(keep)
        .drop(key, CUTOFF, *([time] if time else []))
        .with_columns(bucket_expr(bounds))
        .collect()
    )
    out = numbered.collect()
    fast = [s for s in specs if decomposable(s)]
    if fast:
        out = out.hstack(plan_partials(fast).build(joined, out.height, len(bounds) + 1))
    by_window: dict[int | None, list[FeatureSpec]] = {}
    for s in specs:
        if not decomposable(s) and s not in direct:
            by_window.setdefault(s.window, []).append(s)
    for window, group in by_window.items():
        rows = joined if window is None else joined.filter(pl.col(AGE) <= window * US_PER_DAY)
        aggs = [
            (
                pl.col(s.column).drop_nulls().n_unique().cast(pl.Int64)
                if s.aggregation == "n_unique"
                else getattr(pl.col(s.column), s.aggregation)()
            ).alias(s.name)
            for s in group
        ]
        out = out.join(rows.group_by(GROUP).agg(aggs), on=GROUP, how="left", maintain_order="left")
    lasts = sorted({s.column for s in fast if s.aggregation == "last" and s.column})
    if lasts:
        newest = joined.filter(pl.col(AGE) == pl.col(AGE).min().over(GROUP))
        tie = ROW_KEY if ROW_KEY in joined.columns else None
        pick = [(pl.col(c).sort_by(tie).last() if tie else pl.col(c).last()).alias(f"_last\x1f{c}") for c in lasts]
        out = out.join(newest.group_by(GROUP).agg(pick), on=GROUP, how="left", maintain_order="left")
    if direct:
        out = out.join(
            joined.group_by(GROUP).agg([event_expr(s) for s in direct]), on=GROUP, how="left", maintain_order="left"
        )
    present = set(out.columns)
    schema = src.schemas[path.source]
    exprs = [partial_expr(s, bounds, present) if decomposable(s) else pl.col(s.name) for s in specs]
    exprs = [  # partials are float64; integer sums, minima and maxima go back to integers
        e.cast(pl.Int64)
        if s.aggregation in ("sum", "min", "max") and s.column and schema[s.column].is_integer() and decomposable(s)
        else e
        for s, e in zip(specs, exprs, strict=True)
    ]
    out = out.select(key, CUTOFF, *exprs)
    zero = [pl.col(s.name).fill_null(0) for s in specs if s.aggregation in ZERO_WHEN_EMPTY]
    return out.with_columns(zero) if zero else out


def _entity_features(
    rel: Relations, src: Sources, keys: pl.LazyFrame, path: RelPath, specs: list[FeatureSpec]
) -> pl.LazyFrame:
    """Attributes and tenures of a one-per-label-key path: the label entity's own columns, or a lookup's
    (one row per key: the spec check refuses a key that is not unique)."""
    key = rel.label.key
    schema = src.schemas[path.source]
    cols = sorted({s.column for s in specs if s.column})
    entity = path_rows(rel, src, path, cols).unique(subset=key, keep="first", maintain_order=True)
    exprs = []
    for s in specs:
        if s.aggregation == "attribute":
            exprs.append(pl.col(s.column).alias(s.name))
        elif s.aggregation == "tenure_days":
            since = _as_datetime(pl.col(s.column), schema[s.column])
            days = (pl.col(CUTOFF) - since).dt.total_microseconds() / US_PER_DAY
            exprs.append(pl.when(days > 0).then(days.floor().cast(pl.Int64)).alias(s.name))
        else:
            raise ValueError(f"{s.aggregation!r} is not an entity aggregation")
    return keys.join(entity, on=key, how="left", maintain_order="left").select(key, CUTOFF, *exprs)


def _batch_features(
    rel: Relations,
    src: Sources,
    keys: pl.DataFrame,
    by_source: Mapping[RelPath, list[FeatureSpec]],
    report: Callable[[int, str], None],
) -> pl.DataFrame:
    """Every event and entity feature of ``keys`` (one row per (key, cutoff), in their order)."""
    lazy_keys = keys.lazy()
    out = keys
    done = 0
    for path, group in by_source.items():
        report(done, path.source)
        event = [s for s in group if s.is_event]
        entity = [s for s in group if s.aggregation in ("attribute", "tenure_days")]
        parts = []
        if event:
            parts.append(_event_features(rel, src, lazy_keys, path, event))
        if entity:
            parts.append(_entity_features(rel, src, lazy_keys, path, entity).collect())
        for part in parts:
            out = out.join(part, on=[rel.label.key, CUTOFF], how="left", maintain_order="left")
        done += len(group)
    return out


def _in_label_order(base: pl.DataFrame, features: pl.DataFrame, on: list[str]) -> pl.DataFrame:
    """``base`` with the features of its (key, cutoff) appended, row for row (a left join), one column at a
    time: the values move out of ``features`` as they are placed, so they are never held twice (1M label rows
    × 400 features are 3 GB). ``features`` is emptied; a base row without a cutoff gets nulls."""
    position = (
        base.select(on)
        .join(features.select(on).with_row_index("_position"), on=on, how="left", maintain_order="left")
        .get_column("_position")
    )
    placed = []
    for name in [c for c in features.columns if c not in on]:
        placed.append(features.drop_in_place(name).gather(position))
    return base.hstack(placed)


def generate(
    relations: Relations,
    tables: Mapping[str, MaskedTable],
    specs: Sequence[FeatureSpec],
    *,
    progress: Progress | None = None,
    batches: int | None = None,
    serve: bool = False,
) -> FeatureSet:
    """Feature values for every row of the label table (``tables[relations.label.table]``), in its order.

    ``serve``: new rows to score, not training rows: a target encoding takes its fitted mapping instead of
    out-of-fold values (``transforms.apply_transforms``).

    Only ``MaskedTable`` inputs are accepted. Event tables are read strictly before each row's cutoff.
    ``batches``: how many customer batches to compute in turn (default ``batch_count``: about 5M rows of the
    tallest event table each); progress is reported per table of each batch.
    """
    src = Sources.of(tables)
    lab = relations.label
    if lab.table not in tables:
        raise FeatureSpecError("features.error.unknown_table", table=lab.table)
    label = tables[lab.table].frame
    report = progress or (lambda _f, _m: None)
    base, keys = label_keys(relations, label)

    by_source: dict[RelPath, list[FeatureSpec]] = {}
    for s in specs:
        if s.is_event or s.aggregation in ("attribute", "tenure_days"):
            by_source.setdefault(_path_of(relations, src, s), []).append(s)
    event_paths = [p for p, group in by_source.items() if any(s.is_event for s in group)]
    count = max(1, min(batches if batches is not None else batch_count(tables, specs), keys.height))
    total = max(len(specs), 1)
    wide = []
    for b, part in enumerate(split_keys(keys, lab.key, count)):

        def step(done: int, source: str, b: int = b) -> None:
            message = source if count == 1 else t("features.progress.batch", batch=b + 1, batches=count, table=source)
            report((b + done / total) / count, message)

        scoped = src if count == 1 else batch_sources(relations, src, part.get_column(lab.key), event_paths)
        wide.append(_batch_features(relations, scoped, part, by_source, step))
    features = wide[0] if len(wide) == 1 else pl.concat(wide, how="vertical", rechunk=False)
    del wide
    out = assemble(relations, label, base, features, specs, serve=serve)
    report(1.0, "")
    return out


def label_keys(relations: Relations, label: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The label rows with their cutoff as a ``CUTOFF`` datetime, and the distinct (key, cutoff) pairs the
    features are computed for (rows without a cutoff get none). Every engine starts here."""
    lab = relations.label
    for col in (lab.key, lab.cutoff):
        if col not in label.columns:
            raise FeatureSpecError("features.error.missing_columns", table=lab.table, columns=col)
    base = label.with_columns(_as_datetime(pl.col(lab.cutoff), label.schema[lab.cutoff]).alias(CUTOFF))
    keys = base.select(lab.key, CUTOFF).unique(maintain_order=True).filter(pl.col(CUTOFF).is_not_null())
    return base, keys


def assemble(
    relations: Relations,
    label: pl.DataFrame,
    base: pl.DataFrame,
    features: pl.DataFrame,
    specs: Sequence[FeatureSpec],
    *,
    serve: bool = False,
) -> FeatureSet:
    """The feature table from the (key, ``CUTOFF``) rows of event and entity features, whichever engine
    computed them: placed on the label rows in their order, then the label's own features (the cutoff's
    month and weekday, transforms of its columns, target encodings out-of-fold or, with ``serve``, from
    their fitted mapping) computed here."""
    lab = relations.label
    out = _in_label_order(base, features, [lab.key, CUTOFF])
    label_level = [s for s in specs if s.aggregation in ("cutoff_month", "cutoff_weekday")]
    if label_level:
        out = out.with_columns(
            (pl.col(CUTOFF).dt.month() if s.aggregation == "cutoff_month" else pl.col(CUTOFF).dt.weekday())
            .cast(pl.Int64)
            .alias(s.name)
            for s in label_level
        )
    transforms = [s for s in specs if s.aggregation == "transform"]
    if transforms:
        out = apply_transforms(out, transforms, target=lab.target, serve=serve)
    names = [s.name for s in specs]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise FeatureSpecError("features.error.duplicate_names", names=", ".join(dupes))
    return FeatureSet(frame=out.select(*label.columns, *names), specs=tuple(specs), label=lab)
