"""The scorecard as rules the bank's systems run: SQL (one ``CASE`` per characteristic) and polars code.

Both are generated from the points table, so they give exactly the in-app score (``Scorecard.score``) and
grade: a test runs the SQL on SQLite, DuckDB and PostgreSQL and the polars code on the same rows. Quoting and
the dialect list are the features export's (``features.sql``): identifiers are double-quoted (Korean names and
reserved words survive), text literals single-quoted. The SQL is the same in every dialect: a ``CASE`` on a
column needs nothing dialect-specific, and ``CAST(… AS VARCHAR)`` is understood by all four.

Missing is SQL ``NULL`` (a NaN stored in a float column is not missing to a database: load it as NULL).
Numeric ranges are left-closed as in the app: ``x < 600`` is the first range, ``600`` falls in the next.
"""

from __future__ import annotations

from workbench.features.sql import DIALECTS as _FEATURE_DIALECTS
from workbench.features.sql import lit, q
from workbench.model.bins import FeatureBins
from workbench.model.scorecard import Scorecard

# The features export's dialects but Spark: this SQL double-quotes and uses decimal literals, which Spark reads
# as string literals and DECIMALs (``features.sql``); a Spark scorecard export is not written yet.
DIALECTS: tuple[str, ...] = tuple(d for d in _FEATURE_DIALECTS if d != "spark")

SCORE = "score"
BAND = "score_band"


def points_column(feature: str) -> str:
    return f"points_{feature}"


def _num(x: float) -> str:
    return repr(float(x))


def _case_sql(fb: FeatureBins, points: list[int]) -> str:
    b = fb.binning
    col = q(b.feature)
    whens = [f"WHEN {col} IS NULL THEN {points[0]}"]
    whens += [f"WHEN {col} = {_num(s)} THEN {points[1 + k]}" for k, s in enumerate(b.specials)]
    body = b.first_body
    if b.numeric:
        whens += [f"WHEN {col} < {_num(e)} THEN {points[body + k]}" for k, e in enumerate(b.edges)]
        last = points[body + len(b.edges)]
    else:
        text = f"CAST({col} AS VARCHAR)"
        whens += [
            f"WHEN {text} IN ({', '.join(lit(v) for v in g)}) THEN {points[body + k]}" for k, g in enumerate(b.groups)
        ]
        last = points[body + len(b.groups)]
    return "CASE " + " ".join(whens) + f" ELSE {last} END"


def _clip_sql(expr: str, low: float | None, high: float | None) -> str:
    if low is None and high is None:
        return expr
    parts = []
    if low is not None:
        parts.append(f"WHEN {expr} < {_num(low)} THEN {_num(low)}")
    if high is not None:
        parts.append(f"WHEN {expr} > {_num(high)} THEN {_num(high)}")
    return "CASE " + " ".join(parts) + f" ELSE {expr} END"


def scorecard_sql(card: Scorecard, *, table: str, dialect: str = "ansi", title: str = "") -> str:
    """A query that keeps every column of ``table`` and adds ``points_<feature>``, ``score`` and ``score_band``.

    ``table`` may be schema-qualified (``risk.loans``): each part is quoted on its own."""
    if dialect not in DIALECTS:
        raise ValueError(f"dialect must be one of {', '.join(DIALECTS)}")
    s = card.scale
    pts = {f: [int(v) for v in card.points.points(f)] for f in card.names}
    head = [
        f"-- Workbench scorecard{' ' + title if title else ''} ({dialect}): {s.base_score:g} points at odds "
        f"{s.base_odds:g}:1, {s.pdo:g} points to double the odds; grade 1 is the best of {card.bands.n}.",
        "-- One CASE per characteristic; NULL and special codes have points of their own.",
    ]
    cases = ",\n".join(
        f"    {_case_sql(fb, pts[fb.feature])} AS {q(points_column(fb.feature))}" for fb in card.features
    )
    total = " + ".join(q(points_column(f)) for f in card.names) or "0"
    bands = " ".join(
        f"WHEN {q(SCORE)} >= {_num(e)} THEN {card.bands.n - 1 - k}"
        for k, e in reversed(list(enumerate(card.bands.edges)))
    )
    band_sql = f"CASE {bands} ELSE {card.bands.n} END" if bands else "1"
    return "\n".join(
        [
            *head,
            "WITH wb_points AS (",
            "  SELECT t.*,",
            cases,
            f"  FROM {'.'.join(q(part) for part in table.split('.'))} t",
            "), wb_score AS (",
            f"  SELECT wb_points.*, {_clip_sql('(' + total + ')', s.low, s.high)} AS {q(SCORE)} FROM wb_points",
            ")",
            f"SELECT wb_score.*, {band_sql} AS {q(BAND)} FROM wb_score",
        ]
    )


def _case_polars(fb: FeatureBins, points: list[int]) -> str:
    b = fb.binning
    if b.numeric:
        x = f"pl.col({b.feature!r}).cast(pl.Float64)"
        parts = [f"pl.when({x}.is_null() | {x}.is_nan()).then({points[0]})"]
        parts += [f".when({x} == {_num(s)}).then({points[1 + k]})" for k, s in enumerate(b.specials)]
        parts += [f".when({x} < {_num(e)}).then({points[b.first_body + k]})" for k, e in enumerate(b.edges)]
        last = points[b.first_body + len(b.edges)]
    else:
        x = f"pl.col({b.feature!r}).cast(pl.String)"
        parts = [f"pl.when({x}.is_null()).then({points[0]})"]
        parts += [f".when({x}.is_in({list(g)!r})).then({points[b.first_body + k]})" for k, g in enumerate(b.groups)]
        last = points[b.first_body + len(b.groups)]
    parts.append(f".otherwise({last}).cast(pl.Float64).alias({points_column(b.feature)!r})")
    return "\n        ".join(parts)


def scorecard_polars(card: Scorecard, *, title: str = "") -> str:
    """Python source defining ``score(frame)``: the frame with ``points_<feature>``, ``score`` and ``score_band``."""
    s = card.scale
    pts = {f: [int(v) for v in card.points.points(f)] for f in card.names}
    cases = ",\n    ".join(_case_polars(fb, pts[fb.feature]) for fb in card.features)
    total = f"pl.sum_horizontal({[points_column(f) for f in card.names]!r})"
    if s.low is not None or s.high is not None:
        total += f".clip({s.low!r}, {s.high!r})"
    band = "".join(
        f".when(pl.col({SCORE!r}) >= {_num(e)}).then({card.bands.n - 1 - k})"
        for k, e in reversed(list(enumerate(card.bands.edges)))
    )
    band_expr = f"pl{band}.otherwise({card.bands.n})" if band else "pl.lit(1)"
    name = f"Workbench scorecard{' ' + title if title else ''}"
    return f'''"""{name}: {s.base_score:g} points at odds {s.base_odds:g}:1, {s.pdo:g} points to double the odds;
grade 1 is the best of {card.bands.n}. ``score(frame)`` keeps every column and adds the points."""

import polars as pl

POINTS = [
    {cases},
]


def score(frame: pl.DataFrame) -> pl.DataFrame:
    out = frame.with_columns(POINTS)
    out = out.with_columns({total}.alias({SCORE!r}))
    return out.with_columns({band_expr}.cast(pl.Int64).alias({BAND!r}))
'''
