"""Feature specs written out as standalone polars code (no Workbench import needed to run it).

The emitted ``build(tables)`` follows the engine step by step (key path joins, one join to the label keys
with the cutoff filter, one ``group_by`` per event table) and its expressions mirror
``workbench.features.expressions``; a test executes the code and compares every value with ``generate``.
A target encoding becomes its fitted lookup (``replace_strict`` with the literal mapping, the prior for an
unseen category): the full-data fit that serves new rows, while the training table's own values are
out-of-fold (see ``transforms``). One stored without a fitted mapping is left out and named in the header.
"""

from __future__ import annotations

from collections.abc import Sequence

from workbench.features.expressions import lookback_days, use_column
from workbench.features.relations import Relations, RelPath
from workbench.features.spec import TENURE_AGGREGATIONS, ZERO_WHEN_EMPTY, FeatureSpec
from workbench.features.sql import _path_by_parents, exportable


def _win(days: int | None) -> str:
    # all rows: a column expression, so a count sums one per row (a literal would count once per group)
    return "(pl.col('_age_us') > 0)" if days is None else f"(pl.col('_age_us') <= {days} * US_PER_DAY)"


def _match(filter_: Sequence[tuple[str, str]]) -> str:
    return "".join(f" & (pl.col({c!r}) == {v!r})" for c, v in filter_)


def _sum(value: str, cond: str) -> str:
    return f"pl.when({cond}).then({value}).sum()"


def event_code(spec: FeatureSpec) -> str:
    agg = spec.aggregation
    cond = _win(spec.window) + _match(spec.filter)
    value = f"pl.col({spec.column!r})" if spec.column else "pl.lit(1, dtype=pl.Int64)"
    if agg == "count":
        code = f"({cond}).sum().cast(pl.Int64)"
    elif agg == "sum":
        code = _sum(value, cond)
    elif agg in ("mean", "std", "min", "max", "median"):
        code = f"pl.when({cond}).then({value}).{agg}()"
    elif agg == "n_unique":
        code = f"pl.when({cond}).then({value}).drop_nulls().n_unique().cast(pl.Int64)"
    elif agg == "limit_use":
        code = f"pl.when({cond}).then(pl.col({use_column(spec)!r})).{spec.param('stat')}()"
    elif agg == "last":
        code = f"{value}.filter({cond}).last()"
    elif agg in ("tenure_min", "tenure_max"):
        age = f"pl.col({'_tenure__' + str(spec.column)!r})"
        code = (
            f"(pl.when({cond} & ({age} > 0)).then({age}).{agg.removeprefix('tenure_')}() // US_PER_DAY).cast(pl.Int64)"
        )
    elif agg == "days_since_last":
        code = f"(pl.when({cond}).then(pl.col('_age_us')).min() / US_PER_DAY)"
    elif agg == "days_since_first":
        code = f"(pl.when({cond}).then(pl.col('_age_us')).max() / US_PER_DAY)"
    elif agg in ("share", "ratio"):
        den = _win(spec.window) + (_match(spec.denominator_filter) if agg == "ratio" else "")
        code = f"pl.when({_sum(value, den)} != 0).then({_sum(value, cond)} / {_sum(value, den)})"
    elif agg == "trend":
        assert spec.window and spec.base_window
        base = f"~{_win(spec.window)} & {_win(spec.window + spec.base_window)}{_match(spec.filter)}"
        code = (
            f"pl.when({_sum(value, base)} != 0)"
            f".then(({_sum(value, cond)} / {spec.window}) / ({_sum(value, base)} / {spec.base_window}))"
        )
    else:
        raise ValueError(agg)
    return f"{code}.alias({spec.name!r})"


def _limit_use_code(spec: FeatureSpec) -> str:
    """Each event's use of the credit limit (mirrors ``expressions.limit_use``)."""
    b = f"pl.col({spec.column!r}).cast(pl.Float64)"
    lim = f"pl.col({spec.param('limit')!r}).cast(pl.Float64)"
    return (
        f"pl.when(({lim} > 0) & {b}.is_not_null())"
        f".then(pl.when({b} < 0).then(-{b}).otherwise(0.0) / {lim}).alias({use_column(spec)!r})"
    )


def _transform_code(spec: FeatureSpec) -> str:
    col = f"pl.col({spec.column!r})"
    kind = spec.transform
    if kind == "log1p":
        return f"({col}.cast(pl.Float64).sign() * {col}.cast(pl.Float64).abs().log1p()).alias({spec.name!r})"
    if kind == "bin":
        steps = " + ".join(f"({col}.cast(pl.Float64) > {float(e)!r}).cast(pl.Int64)" for e in spec.param("edges", ()))
        return f"pl.when({col}.is_null()).then(None).otherwise({steps or 'pl.lit(0)'}).alias({spec.name!r})"
    if kind == "ratio":
        other = f"pl.col({spec.param('other')!r}).cast(pl.Float64)"
        return f"pl.when({other} != 0).then({col}.cast(pl.Float64) / {other}).alias({spec.name!r})"
    if kind == "missing":
        return f"{col}.is_null().cast(pl.Int8).alias({spec.name!r})"
    if kind == "frequency":
        return f"(pl.len().over({spec.column!r}) / pl.len()).alias({spec.name!r})"
    if kind == "date_part":
        return f"{col}.cast(pl.Datetime('us')).dt.{spec.param('part', 'month')}().cast(pl.Int64).alias({spec.name!r})"
    if kind == "target_encoding":
        prior = float(spec.param("prior"))
        prior_code = "None" if prior != prior else repr(prior)  # NaN: no labelled row at fit time
        pairs = dict(spec.param("mapping"))
        missing = repr(float(pairs.pop(None))) if None in pairs else prior_code
        keys, values = list(pairs), [float(v) for v in pairs.values()]
        lookup = (
            f"{col}.cast(pl.String).replace_strict({keys!r}, {values!r}, default={prior_code}, return_dtype=pl.Float64)"
        )
        return (
            f"pl.when({col}.is_null()).then(pl.lit({missing}, dtype=pl.Float64)).otherwise({lookup})"
            f".alias({spec.name!r})"
        )
    raise ValueError(kind)


def _rows_code(relations: Relations, path: RelPath, columns: Sequence[str], extra: dict[str, set[str]]) -> list[str]:
    """Code building ``ev``: the source's ``columns`` on every row of the path, with the label key (mirrors
    ``generate.path_rows``: only link columns travel, as ``_k{i}``; the row table's time and key as
    ``_row_time``/``_row_key``)."""
    tables, label_key = path.tables, relations.label.key

    def own(i: int) -> list[str]:
        name, role = tables[i], relations.table(tables[i])
        out = [f"pl.col({c!r})" for c in sorted(extra.get(name, ()))]
        if i < len(tables) - 1:
            out.append(f"pl.col({relations.step(name, tables[i + 1])[1]!r}).alias('_k{i}')")
        else:
            out.append(f"pl.col({label_key!r})")
        if name == path.row_table:
            if role.time:
                out.append(f"pl.col({role.time!r}).alias('_row_time')")
            if role.key:
                out.append(f"pl.col({role.key!r}).alias('_row_key')")
        return out

    first = [f"pl.col({c!r})" for c in columns if c not in extra.get(tables[0], set())] + own(0)
    lines = [f"    ev = tables[{tables[0]!r}].lazy().select({', '.join(first)})"]
    for i in range(1, len(tables)):
        far = relations.step(tables[i - 1], tables[i])[2]
        picked = ", ".join([f"pl.col({far!r}).alias('_j')", *own(i)])
        lines.append(
            f"    ev = ev.join(tables[{tables[i]!r}].lazy().select({picked}), left_on='_k{i - 1}', right_on='_j',"
            f" how='inner').drop('_k{i - 1}')"
        )
    return lines


def to_polars_code(relations: Relations, specs: Sequence[FeatureSpec]) -> str:
    """A Python module with ``build(tables: dict[str, pl.DataFrame]) -> pl.DataFrame``."""
    lab = relations.label
    key = lab.key
    skipped = [s.name for s in specs if not exportable(s)]
    specs = [s for s in specs if exportable(s)]
    encoded = any(s.transform == "target_encoding" for s in specs)
    lines = [
        f'"""Rebuilds {len(specs)} candidate features with polars alone (generated by Workbench).',
        "",
        "Events count only when cutoff - window <= ts < cutoff: the cutoff instant itself is excluded.",
        *(
            ["Target encodings use the mapping fitted on all training rows (training values were out-of-fold)."]
            if encoded
            else []
        ),
        *(
            [f"Not included (target encodings stored without a fitted mapping): {', '.join(skipped)}."]
            if skipped
            else []
        ),
        '"""',
        "",
        "import polars as pl",
        "",
        "US_PER_DAY = 86_400_000_000",
        "",
        "",
        "def _ts(frame: pl.DataFrame, column: str, name: str | None = None) -> pl.Expr:",
        "    dtype = frame.schema[column]",
        "    expr = pl.col(name or column)",
        "    if dtype == pl.String:",
        "        return expr.str.to_datetime(time_unit='us')",
        "    if isinstance(dtype, pl.Datetime) and dtype.time_zone:",
        "        expr = expr.dt.replace_time_zone(None)",
        "    return expr.cast(pl.Datetime('us'))",
        "",
        "",
        "def build(tables: dict[str, pl.DataFrame]) -> pl.DataFrame:",
        f"    label = tables[{lab.table!r}]",
        f"    out = label.with_columns(_ts(label, {lab.cutoff!r}).alias('_cutoff'))",
        f"    keys = out.lazy().select({key!r}, '_cutoff').unique(maintain_order=True)"
        ".filter(pl.col('_cutoff').is_not_null())",
    ]
    by_source: dict[tuple[str, tuple[str, ...]], list[FeatureSpec]] = {}
    for s in specs:
        if s.is_event or s.aggregation in ("attribute", "tenure_days"):
            by_source.setdefault((s.source, s.key_path), []).append(s)
    for (source, key_path), group in by_source.items():
        event = [s for s in group if s.is_event]
        entity = [s for s in group if s.aggregation in ("attribute", "tenure_days")]
        path = key_path or _path_by_parents(relations, source)
        rp = relations.describe(path, {})
        if event:
            filters = sorted({c for s in event for c, _ in (*s.filter, *s.denominator_filter)})
            needed = sorted({*(s.column for s in event if s.column), *filters})
            uses = {use_column(s): s for s in event if s.aggregation == "limit_use"}
            limits: dict[str, set[str]] = {}  # table on the path → its limit columns
            for s in uses.values():
                limits.setdefault(str(s.param("limit_table")), set()).add(str(s.param("limit")))
            tenures = sorted({str(s.column) for s in event if s.aggregation in TENURE_AGGREGATIONS})
            lines += ["", f"    # --- {source} ({' → '.join(path)})", f"    src = tables[{source!r}]"]
            lines += _rows_code(relations, rp, needed, limits)
            casts = [f"pl.col({c!r}).cast(pl.String)" for c in filters]
            casts += [f"_ts(src, {c!r}).alias({c!r})" for c in tenures]
            casts += [_limit_use_code(s) for s in uses.values()]
            if rp.dated:
                row = relations.table(str(rp.row_table))
                casts.insert(0, f"_ts(tables[{row.name!r}], {row.time!r}, '_row_time').alias('_row_time')")
            if casts:
                lines.append(f"    ev = ev.with_columns({', '.join(casts)})")
            order = (["_row_time"] if rp.dated else []) + (
                ["_row_key"] if relations.table(str(rp.row_table)).key else []
            )
            if order:
                lines.append(f"    ev = ev.sort({order!r})")
            age = "(pl.col('_cutoff') - pl.col('_row_time')).dt.total_microseconds()" if rp.dated else "pl.lit(1)"
            derived = [f"{age}.alias('_age_us')"] + [
                f"(pl.col('_cutoff') - pl.col({c!r})).dt.total_microseconds().alias({'_tenure__' + c!r})"
                for c in tenures
            ]
            widest = lookback_days(event)
            keep = "pl.col('_age_us') > 0" + (f" & (pl.col('_age_us') <= {widest} * US_PER_DAY)" if widest else "")
            zero = [s.name for s in event if s.aggregation in ZERO_WHEN_EMPTY]
            lines += [
                f"    joined = keys.join(ev, on={key!r}, how='inner', maintain_order='right').with_columns(",
                f"        {', '.join(derived)})",
                f"    grouped = joined.filter({keep}).group_by([{key!r}, '_cutoff']).agg([",
                *[f"        {event_code(s)}," for s in event],
                "    ])",
                f"    part = keys.join(grouped, on=[{key!r}, '_cutoff'], how='left', maintain_order='left')",
                f"    part = part.with_columns(pl.col(c).fill_null(0) for c in {zero!r})",
                f"    out = out.join(part.collect(), on=[{key!r}, '_cutoff'], how='left', maintain_order='left')",
            ]
        if entity:
            cols = sorted({s.column for s in entity if s.column})
            lines += [
                "",
                f"    # --- {source} ({' → '.join(path)}; one row per {key})",
                f"    src = tables[{source!r}]",
            ]
            lines += _rows_code(relations, rp, cols, {})
            lines += [
                f"    ent = ev.collect().unique(subset={key!r}, keep='first', maintain_order=True)",
                f"    ent = keys.collect().join(ent, on={key!r}, how='left', maintain_order='left')",
                f"    ent = ent.select({key!r}, '_cutoff',",
            ]
            for s in entity:
                if s.aggregation == "attribute":
                    lines.append(f"        pl.col({s.column!r}).alias({s.name!r}),")
                else:
                    lines.append(
                        f"        pl.when((d := (pl.col('_cutoff') - _ts(src, {s.column!r})).dt.total_microseconds()"
                        f" / US_PER_DAY) > 0).then(d.floor().cast(pl.Int64)).alias({s.name!r}),"
                    )
            lines += [
                "    )",
                f"    out = out.join(ent, on=[{key!r}, '_cutoff'], how='left', maintain_order='left')",
            ]
    final = []
    for s in specs:
        if s.aggregation == "cutoff_month":
            final.append(f"pl.col('_cutoff').dt.month().cast(pl.Int64).alias({s.name!r})")
        elif s.aggregation == "cutoff_weekday":
            final.append(f"pl.col('_cutoff').dt.weekday().cast(pl.Int64).alias({s.name!r})")
        elif s.aggregation == "transform":
            final.append(_transform_code(s))
    if final:
        lines += ["", "    out = out.with_columns(", *[f"        {c}," for c in final], "    )"]
    names = [s.name for s in specs]
    lines += ["", f"    return out.select(*label.columns, *{names!r})", ""]
    return "\n".join(lines)
