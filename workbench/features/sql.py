"""Feature specs compiled to SQL, so the bank can rebuild the same values in its own database.

The query has the same shape as the polars engine: label rows → distinct (key, cutoff) → events joined on the
key with ``t.ts < cutoff`` and ``t.ts >= cutoff - interval`` (the widest window) → one ``GROUP BY`` with
``CASE WHEN`` per window. Median and last value need an order inside each group, so each gets a small
``ROW_NUMBER()`` CTE (portable to SQLite). Each spec's rows come from its path (``path_from``, as the engine's
``path_rows``): lookups join the child's link column, a bridge's far table joins its bridge rows, and an
undated table has no time condition (all its rows, a snapshot). Dialects differ only in date arithmetic and
standard deviation:

- ``ansi``/``duckdb``/``postgres``: ``cutoff - INTERVAL '90' DAY``, ``EXTRACT(EPOCH FROM …)``, ``STDDEV_SAMP``;
- ``sqlite``: text timestamps normalised with ``datetime()``, ``datetime(cutoff, '-90 days')``, ``julianday``,
  and the sample standard deviation from sums (SQLite has no ``STDDEV_SAMP``);
- ``spark``: Spark SQL reads ``"name"`` as a string literal and ``1.0`` as a DECIMAL (a trend drifted to 7.50009
  from 7.5), so identifiers are backticked (table names too), fractional arithmetic starts from
  ``CAST(1 AS DOUBLE)``, day differences come from ``unix_micros`` (no ``EXTRACT(EPOCH …)``), the ISO weekday
  is ``DAYOFWEEK_ISO`` and the types are ``DOUBLE``/``STRING``.

A target encoding is exported as its fitted lookup (``CASE`` on the category as text, the prior for a category
never seen): the full-data fit that serves new rows. The training table's own values are out-of-fold, so
they differ from this lookup on the training rows by design (``transforms``). A target-encoding spec stored
before it carried a fitted ``mapping`` cannot be rebuilt from the spec alone; it is left out and listed in
the header comment.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Literal

from workbench.features.expressions import lookback_days
from workbench.features.relations import Relations
from workbench.features.spec import TENURE_AGGREGATIONS, ZERO_WHEN_EMPTY, FeatureSpec

Dialect = Literal["ansi", "duckdb", "postgres", "sqlite", "spark"]
DIALECTS: tuple[str, ...] = ("ansi", "duckdb", "postgres", "sqlite", "spark")

# The identifier quote of the query being written: set by ``to_sql`` for its dialect, so every helper that
# names a column (``q``) quotes it the dialect's way without threading the dialect through each of them.
_QUOTE: ContextVar[str] = ContextVar("wb_sql_quote", default='"')


def exportable(spec: FeatureSpec) -> bool:
    """Everything is, except a target encoding without its fitted ``mapping`` (a spec stored before it had one)."""
    return spec.transform != "target_encoding" or spec.param("mapping") is not None


def _number(x: float) -> str:
    return "NULL" if x != x else repr(float(x))  # NaN (no labelled row at fit time) → NULL; exact as a decimal


def q(name: str) -> str:
    """A quoted identifier (Korean names and reserved words survive every dialect)."""
    mark = _QUOTE.get()
    return mark + name.replace(mark, mark + mark) + mark


def lit(value: str) -> str:
    return "'" + str(value).replace("'", "''") + "'"


class _Dialect:
    def __init__(self, name: str) -> None:
        self.name = name
        self.sqlite = name == "sqlite"
        self.spark = name == "spark"
        self.quote = "`" if self.spark else '"'
        # a fractional literal: Spark reads 1.0 as DECIMAL, whose division rounds; everywhere else it is a double
        self.one = "CAST(1 AS DOUBLE)" if self.spark else "1.0"
        self.zero = "CAST(0 AS DOUBLE)" if self.spark else "0.0"
        self.double = "DOUBLE" if self.spark else "DOUBLE PRECISION"
        self.text = "STRING" if self.spark else "VARCHAR"

    def number(self, x: float) -> str:
        """A float literal that is a double in every dialect (Spark reads ``1.5`` as a DECIMAL)."""
        text = repr(float(x))
        return f"CAST({text} AS DOUBLE)" if self.spark else text

    def is_missing(self, expr: str) -> str:
        """Null, or a float NaN: to PostgreSQL, DuckDB and Spark a NaN is a number above every other (so it
        would fall in the last range) and equal to itself; SQLite stores a NaN as NULL."""
        if self.sqlite:
            return f"{expr} IS NULL"
        return f"({expr} IS NULL OR {expr} = CAST('NaN' AS {self.double}))"

    def ts(self, expr: str) -> str:
        return f"datetime({expr})" if self.sqlite else f"CAST({expr} AS TIMESTAMP)"

    def minus_days(self, expr: str, days: int) -> str:
        return f"datetime({expr}, '-{days} days')" if self.sqlite else f"{expr} - INTERVAL '{days}' DAY"

    def age_days(self, later: str, earlier: str) -> str:
        if self.sqlite:
            return f"(julianday({later}) - julianday({earlier}))"
        if self.spark:
            micros = [f"unix_micros({self.ts(x)})" for x in (later, earlier)]  # a DATE column must be cast first
            return f"(CAST({micros[0]} - {micros[1]} AS DOUBLE) / 86400000000)"
        return f"(EXTRACT(EPOCH FROM ({later} - {earlier})) / 86400.0)"

    def std(self, x: str) -> str:
        if not self.sqlite:
            return f"STDDEV_SAMP({x})"
        return (
            f"CASE WHEN COUNT({x}) > 1 THEN sqrt(max(0.0, (SUM(({x}) * ({x})) - SUM({x}) * SUM({x}) / COUNT({x}))"
            f" / (COUNT({x}) - 1))) END"
        )

    def part(self, part: str, expr: str) -> str:
        if self.sqlite:
            if part == "weekday":
                return f"((CAST(strftime('%w', {expr}) AS INTEGER) + 6) % 7 + 1)"
            if part == "quarter":
                return f"((CAST(strftime('%m', {expr}) AS INTEGER) + 2) / 3)"
            fmt = {"month": "%m", "day": "%d", "year": "%Y"}[part]
            return f"CAST(strftime('{fmt}', {expr}) AS INTEGER)"
        iso = "DAYOFWEEK_ISO" if self.spark else "ISODOW"
        field = {"weekday": iso, "month": "MONTH", "day": "DAY", "quarter": "QUARTER", "year": "YEAR"}[part]
        return f"CAST(EXTRACT({field} FROM {expr}) AS INTEGER)"


def _match(filter_: Sequence[tuple[str, str]]) -> list[str]:
    return [f"{q(c)} = {lit(v)}" for c, v in filter_]


def _when(conds: Sequence[str], value: str) -> str:
    cond = " AND ".join(conds) if conds else "1 = 1"
    return f"CASE WHEN {cond} THEN {value} END"


def _limit_use(spec: FeatureSpec, d: _Dialect) -> str:
    """Each event's use of the credit limit, as ``expressions.limit_use``: overdrawn balance ÷ a positive limit."""
    b, lim = q(spec.column), q(str(spec.param("limit")))  # type: ignore[arg-type]
    used = f"CASE WHEN {b} < 0 THEN -{d.one} * {b} ELSE {d.zero} END"
    return f"CASE WHEN {lim} > 0 AND {b} IS NOT NULL THEN ({used}) / {lim} END"


def _event_select(spec: FeatureSpec, d: _Dialect, order_key: str | None = None) -> str | None:
    """The aggregate for one spec over the joined rows ``j`` (None: computed in its own CTE).

    Spark has the ordered aggregates in the ``GROUP BY`` itself (``percentile`` at 0.5 is the mean of the two
    middle values, ``max_by`` the latest row, ties broken by the row key as the CTE does): a window CTE per
    median or last value made Spark scan, join and shuffle the events once for each of them."""
    win = [f"ts >= {d.minus_days('wb_cutoff', spec.window)}"] if spec.window else []
    cond = win + _match(spec.filter)
    x = q(spec.column) if spec.column else "1"
    agg = spec.aggregation
    if agg == "count":
        return f"COUNT({_when(cond, '1')})"
    if agg == "sum":
        return f"COALESCE(SUM({_when(cond, x)}), 0)"
    if agg == "mean":
        return f"AVG({d.one} * {_when(cond, x)})"
    if agg in ("min", "max"):
        return f"{agg.upper()}({_when(cond, x)})"
    if agg == "std":
        return d.std(_when(cond, f"{d.one} * {x}"))
    if agg == "n_unique":
        return f"COUNT(DISTINCT {_when(cond, x)})"
    if agg == "limit_use":
        fn = {"mean": "AVG", "max": "MAX"}[str(spec.param("stat"))]
        return f"{fn}({_when(cond, _limit_use(spec, d))})"
    if agg in TENURE_AGGREGATIONS:  # dates at or after the cutoff do not count
        fn = "MIN" if agg == "tenure_min" else "MAX"
        age = q(tenure_of(str(spec.column)))
        return f"CAST(FLOOR({fn}({_when([*cond, f'{age} > 0'], age)})) AS BIGINT)"
    if agg == "days_since_last":
        return f"MIN({_when(cond, 'wb_age')})"
    if agg == "days_since_first":
        return f"MAX({_when(cond, 'wb_age')})"
    if agg in ("share", "ratio"):
        den = win + (_match(spec.denominator_filter) if agg == "ratio" else [])
        return f"{d.one} * COALESCE(SUM({_when(cond, x)}), 0) / NULLIF(SUM({_when(den, x)}), 0)"
    if agg == "trend":
        assert spec.window and spec.base_window
        base = [
            f"ts < {d.minus_days('wb_cutoff', spec.window)}",
            f"ts >= {d.minus_days('wb_cutoff', spec.window + spec.base_window)}",
            *_match(spec.filter),
        ]
        recent = f"{d.one} * COALESCE(SUM({_when(cond, x)}), 0) / {spec.window}"
        return f"({recent}) / NULLIF({d.one} * SUM({_when(base, x)}) / {spec.base_window}, 0)"
    if d.spark and agg == "median":
        return f"percentile({_when(cond, x)}, 0.5)"
    if d.spark and agg == "last":
        order = f"struct(ts, {q(order_key)})" if order_key else "ts"
        return f"max_by({x}, {_when(cond, order)})"
    return None  # median, last


def _ordered_cte(spec: FeatureSpec, j: str, order_key: str | None, d: _Dialect) -> str:
    win = [f"ts >= {d.minus_days('wb_cutoff', spec.window)}"] if spec.window else []
    cond = " AND ".join([*win, *_match(spec.filter)]) or "1 = 1"
    x = q(spec.column)  # type: ignore[arg-type]
    part = "PARTITION BY wb_key, wb_cutoff"
    if spec.aggregation == "median":
        return (
            f"SELECT wb_key, wb_cutoff, AVG({d.one} * v) AS v FROM (SELECT wb_key, wb_cutoff, {x} AS v, "
            f"ROW_NUMBER() OVER ({part} ORDER BY {x}) AS rn, COUNT(*) OVER ({part}) AS n "
            f"FROM {j} WHERE {cond} AND {x} IS NOT NULL) s WHERE rn * 2 IN (n, n + 1, n + 2) "
            f"GROUP BY wb_key, wb_cutoff"
        )
    order = "ts DESC" + (f", {q(order_key)} DESC" if order_key else "")
    return (
        f"SELECT wb_key, wb_cutoff, v FROM (SELECT wb_key, wb_cutoff, {x} AS v, "
        f"ROW_NUMBER() OVER ({part} ORDER BY {order}) AS rn FROM {j} WHERE {cond}) s WHERE rn = 1"
    )


def _transform_select(spec: FeatureSpec, d: _Dialect) -> str:
    x = f"lbl.{q(spec.column)}"  # type: ignore[arg-type]
    kind = spec.transform
    if kind == "log1p":
        return f"SIGN({x}) * LN(1 + ABS({x}))"
    if kind == "bin":
        steps = " + ".join(f"CASE WHEN {x} > {float(e)!r} THEN 1 ELSE 0 END" for e in spec.param("edges", ()))
        return f"CASE WHEN {x} IS NULL THEN NULL ELSE {steps or '0'} END"
    if kind == "ratio":
        other = f"lbl.{q(spec.param('other'))}"
        return f"CASE WHEN {other} <> 0 THEN {d.one} * {x} / {other} END"
    if kind == "missing":
        return f"CASE WHEN {x} IS NULL THEN 1 ELSE 0 END"
    if kind == "frequency":
        return f"{d.one} * COUNT(*) OVER (PARTITION BY {x}) / COUNT(*) OVER ()"
    if kind == "date_part":
        return d.part(str(spec.param("part", "month")), d.ts(x))
    if kind == "target_encoding":
        prior = _number(spec.param("prior"))
        pairs = dict(spec.param("mapping"))
        whens = [f"WHEN {x} IS NULL THEN {_number(pairs.pop(None)) if None in pairs else prior}"]
        text = f"CAST({x} AS {d.text})"
        whens += [f"WHEN {text} = {lit(k)} THEN {_number(v)}" for k, v in pairs.items()]
        return f"CAST(CASE {' '.join(whens)} ELSE {prior} END AS {d.double})"  # literals are DECIMAL
    raise ValueError(f"transform {kind!r} has no SQL")


def to_sql(
    relations: Relations,
    specs: Sequence[FeatureSpec],
    label_columns: Sequence[str],
    *,
    dialect: Dialect = "ansi",
    table_names: Mapping[str, str] | None = None,
    columns_of: Mapping[str, Sequence[str]] | None = None,
) -> str:
    """One ``SELECT`` returning the label table's columns plus one column per exportable spec.

    ``table_names`` maps spec table names to the bank's (``transactions`` → ``dw.card_tx``).
    ``columns_of`` (table → column names) lets the key path stop at the first table holding the label key;
    without it the path follows ``parent`` links to the table keyed by the label key.
    """
    with writing(dialect) as d:
        return _query(relations, specs, label_columns, d, dict(table_names or {}), columns_of)


@contextmanager
def writing(dialect: str) -> Iterator[_Dialect]:
    """The dialect of a query being written (the features' and the scorecard's): inside, ``q`` quotes
    identifiers its way; the ``_Dialect`` gives its literals, types, missing test and date arithmetic."""
    if dialect not in DIALECTS:
        raise ValueError(f"dialect must be one of {', '.join(DIALECTS)}")
    d = _Dialect(dialect)
    token = _QUOTE.set(d.quote)
    try:
        yield d
    finally:
        _QUOTE.reset(token)


def _query(
    relations: Relations,
    specs: Sequence[FeatureSpec],
    label_columns: Sequence[str],
    d: _Dialect,
    names: dict[str, str],
    columns_of: Mapping[str, Sequence[str]] | None,
) -> str:
    dialect = d.name

    def tbl(name: str) -> str:
        return ".".join(q(p) for p in names.get(name, name).split("."))

    lab = relations.label
    key = q(lab.key)
    skipped = [s for s in specs if not exportable(s)]
    specs = [s for s in specs if exportable(s)]
    ctes = [
        f"lbl AS (SELECT l.*, {d.ts('l.' + q(lab.cutoff))} AS wb_cutoff FROM {tbl(lab.table)} l)",
        f"keys AS (SELECT DISTINCT {key} AS wb_key, wb_cutoff FROM lbl WHERE wb_cutoff IS NOT NULL)",
    ]
    joins: list[str] = []
    outputs: dict[str, str] = {}
    by_source: dict[tuple[str, tuple[str, ...]], list[FeatureSpec]] = {}
    for s in specs:
        if s.is_event or s.aggregation in ("attribute", "tenure_days"):
            by_source.setdefault((s.source, s.key_path), []).append(s)
    n_cte = 0
    for (source, key_path), group in by_source.items():
        event = [s for s in group if s.is_event]
        entity = [s for s in group if s.aggregation in ("attribute", "tenure_days")]
        cols = columns_of or {}
        path = key_path or (relations.key_path(source, cols) if cols else _path_by_parents(relations, source))
        rp = relations.describe(path, cols)
        from_sql = path_from(relations, path, tbl)
        link = f"t{len(path) - 1}.{key} AS wb_link"
        if event:
            row = relations.table(str(rp.row_table))
            at_row = f"t{path.index(row.name)}"
            needed = sorted(
                {c for s in event for c in ([s.column] if s.column else [])}
                | {c for s in event for c, _ in (*s.filter, *s.denominator_filter)}
            )
            limits = {}  # limit column → the alias of its table on the path
            for s in event:
                if s.aggregation == "limit_use":
                    holder = str(s.param("limit_table"))
                    if holder not in path:
                        raise ValueError(f"{s.name}: limit table {holder!r} is not on the path {path}")
                    limits[str(s.param("limit"))] = f"t{path.index(holder)}"
            tenures = sorted({str(s.column) for s in event if s.aggregation in TENURE_AGGREGATIONS})
            inner = [f"t0.{q(c)}" for c in sorted(set(needed) - set(limits))]
            inner += [f"{limits[c]}.{q(c)}" for c in sorted(limits)]
            if row.key:
                inner.append(f"{at_row}.{q(row.key)} AS wb_rowkey")
            cols_out = [f"e.{q(c)} AS {q(c)}" for c in sorted({*needed, *limits})]
            cols_out += [f"{d.age_days('k.wb_cutoff', d.ts('e.' + q(c)))} AS {q(tenure_of(c))}" for c in tenures]
            if row.key:
                cols_out.append("e.wb_rowkey AS wb_rowkey")
            on = "e.wb_link = k.wb_key"
            if rp.dated:
                inner.append(f"{at_row}.{q(str(row.time))} AS wb_time")
                e_ts = d.ts("e.wb_time")
                widest = lookback_days(event)
                lower = f" AND {e_ts} >= {d.minus_days('k.wb_cutoff', widest)}" if widest else ""
                cols_out = [f"{e_ts} AS ts", f"{d.age_days('k.wb_cutoff', 'e.wb_time')} AS wb_age", *cols_out]
                on += f" AND {e_ts} < k.wb_cutoff{lower}"  # strictly before the cutoff
            j = f"j_{len(ctes)}"
            ctes.append(
                f"{j} AS (SELECT k.wb_key, k.wb_cutoff{''.join(', ' + c for c in cols_out)} "
                f"FROM keys k JOIN (SELECT {', '.join([*inner, link])} FROM {from_sql}) e ON {on})"
            )
            aggs = []
            order_key = "wb_rowkey" if row.key else None
            for s in event:
                expr = _event_select(s, d, order_key)
                if expr is None:
                    n_cte += 1
                    name = f"o_{n_cte}"
                    ctes.append(f"{name} AS ({_ordered_cte(s, j, order_key, d)})")
                    joins.append(f"LEFT JOIN {name} ON {name}.wb_key = lbl.{key} AND {name}.wb_cutoff = lbl.wb_cutoff")
                    outputs[s.name] = f"{name}.v"
                else:
                    aggs.append(f"{expr} AS {q(s.name)}")
            if aggs:
                a = f"a_{len(ctes)}"
                ctes.append(f"{a} AS (SELECT wb_key, wb_cutoff, {', '.join(aggs)} FROM {j} GROUP BY wb_key, wb_cutoff)")
                joins.append(f"LEFT JOIN {a} ON {a}.wb_key = lbl.{key} AND {a}.wb_cutoff = lbl.wb_cutoff")
                for s in event:
                    if _event_select(s, d, order_key) is not None:
                        ref = f"{a}.{q(s.name)}"
                        outputs[s.name] = f"COALESCE({ref}, 0)" if s.aggregation in ZERO_WHEN_EMPTY else ref
        if entity:
            e = f"e_{len(ctes)}"
            cols = sorted({s.column for s in entity if s.column})
            picked = ", ".join(f"t0.{q(c)} AS {q(c)}" for c in cols)
            ctes.append(f"{e} AS (SELECT DISTINCT t{len(path) - 1}.{key} AS wb_key, {picked} FROM {from_sql})")
            joins.append(f"LEFT JOIN {e} ON {e}.wb_key = lbl.{key}")
            for s in entity:
                col = f"{e}.{q(s.column)}"  # type: ignore[arg-type]
                if s.aggregation == "attribute":
                    outputs[s.name] = col
                else:
                    age = d.age_days("lbl.wb_cutoff", d.ts(col))
                    outputs[s.name] = f"CASE WHEN {age} > 0 THEN CAST(FLOOR({age}) AS BIGINT) END"
    for s in specs:
        if s.aggregation == "cutoff_month":
            outputs[s.name] = d.part("month", "lbl.wb_cutoff")
        elif s.aggregation == "cutoff_weekday":
            outputs[s.name] = d.part("weekday", "lbl.wb_cutoff")
        elif s.aggregation == "transform":
            outputs[s.name] = _transform_select(s, d)
    select = [f"lbl.{q(c)}" for c in label_columns] + [f"{outputs[s.name]} AS {q(s.name)}" for s in specs]
    header = [
        f"-- Workbench candidate features ({dialect}): {len(specs)} features, one row per {lab.table} row.",
        "-- Events count only when cutoff - window <= ts < cutoff: the cutoff itself is excluded.",
    ]
    if any(s.transform == "target_encoding" for s in specs):
        header.append(
            "-- Target encodings: the mapping fitted on all training rows; the training table's values were"
            " out-of-fold."
        )
    if skipped:
        header.append(
            "-- Left out (target encodings stored without a fitted mapping): " + ", ".join(s.name for s in skipped)
        )
    body = ",\n".join(ctes)
    return (
        "\n".join(header)
        + f"\nWITH {body}\nSELECT\n  "
        + ",\n  ".join(select)
        + "\nFROM lbl\n"
        + "\n".join(joins)
        + "\n"
    )


def path_from(relations: Relations, path: Sequence[str], tbl) -> str:
    """``FROM`` the source (``t0``) along the path to its root (``t{n}``): each table joined on its link, up
    (the parent's key) or to a lookup's child (the child's link column), as ``generate.path_rows`` walks."""
    sql = f"{tbl(path[0])} t0"
    for i in range(1, len(path)):
        _, near, far = relations.step(path[i - 1], path[i])
        sql += f" JOIN {tbl(path[i])} t{i} ON t{i}.{q(far)} = t{i - 1}.{q(near)}"
    return sql


def tenure_of(column: str) -> str:
    """The joined column of days from ``column`` to the cutoff (``tenure_min``/``tenure_max``)."""
    return f"wb_tenure_{column}"


def _path_by_parents(relations: Relations, source: str) -> tuple[str, ...]:
    """Follow parents until the table whose key (or parent_key) is the label key."""
    path = [source]
    role = relations.table(source)
    while role.parent_key != relations.label.key and role.key != relations.label.key and role.parent:
        role = relations.table(role.parent)
        path.append(role.name)
    return tuple(path)
