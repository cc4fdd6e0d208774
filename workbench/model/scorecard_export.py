"""The scorecard as rules the bank's systems run: SQL (one ``CASE`` per characteristic) and polars code.

Both are generated from the points table, so they give exactly the in-app score (``Scorecard.score``) and
grade: a test runs the SQL on SQLite, DuckDB, PostgreSQL and Spark and the polars code on the same rows. The
SQL is written through the features export's dialect layer (``features.sql.writing``): its quoting (double
quotes, Spark's backticks; Korean names and reserved words survive), its text type and literals (a Spark
fraction is cast to ``DOUBLE``, never read as a DECIMAL), so every dialect the features export has, the
scorecard has.

Missing is what the app calls missing: SQL ``NULL`` and a float ``NaN`` (which PostgreSQL, DuckDB and Spark
would otherwise sort above every number, into the last range). Special codes are the ones stored with each
characteristic's bins (found on the training rows by ``workbench.signals.codes``, or set by the expert): each
has its ``WHEN`` before the ranges. Numeric ranges are left-closed as in the app: ``x < 600`` is the first
range, ``600`` falls in the next; a level never seen in training falls to the ``ELSE`` ("other") bin.
"""

from __future__ import annotations

from workbench.features.sql import DIALECTS, lit, q, writing
from workbench.model.bins import FeatureBins
from workbench.model.scorecard import Scorecard

SCORE = "score"
BAND = "score_band"
__all__ = ["DIALECTS", "points_column", "scorecard_polars", "scorecard_sql"]


def points_column(feature: str) -> str:
    return f"points_{feature}"


def _num(x: float) -> str:
    return repr(float(x))


def _case_sql(fb: FeatureBins, points: list[int], d) -> str:
    b = fb.binning
    col = q(b.feature)
    body = b.first_body
    if b.numeric:
        whens = [f"WHEN {d.is_missing(col)} THEN {points[0]}"]
        whens += [f"WHEN {col} = {d.number(s)} THEN {points[1 + k]}" for k, s in enumerate(b.specials)]
        whens += [f"WHEN {col} < {d.number(e)} THEN {points[body + k]}" for k, e in enumerate(b.edges)]
        last = points[body + len(b.edges)]
    else:
        text = f"CAST({col} AS {d.text})"
        whens = [f"WHEN {col} IS NULL THEN {points[0]}"]
        whens += [
            f"WHEN {text} IN ({', '.join(lit(v) for v in g)}) THEN {points[body + k]}" for k, g in enumerate(b.groups)
        ]
        last = points[body + len(b.groups)]
    return "CASE " + " ".join(whens) + f" ELSE {last} END"


def _clip_sql(expr: str, low: float | None, high: float | None, d) -> str:
    if low is None and high is None:
        return expr
    parts = []
    if low is not None:
        parts.append(f"WHEN {expr} < {d.number(low)} THEN {d.number(low)}")
    if high is not None:
        parts.append(f"WHEN {expr} > {d.number(high)} THEN {d.number(high)}")
    return "CASE " + " ".join(parts) + f" ELSE {expr} END"


def scorecard_sql(card: Scorecard, *, table: str, dialect: str = "ansi", title: str = "") -> str:
    """A query that keeps every column of ``table`` and adds ``points_<feature>``, ``score`` and ``score_band``.

    ``table`` may be schema-qualified (``risk.loans``): each part is quoted on its own."""
    with writing(dialect) as d:
        return _scorecard_sql(card, table, d, title)


def _scorecard_sql(card: Scorecard, table: str, d, title: str) -> str:
    s = card.scale
    pts = {f: [int(v) for v in card.points.points(f)] for f in card.names}
    head = [
        f"-- Workbench scorecard{' ' + title if title else ''} ({d.name}): {s.base_score:g} points at odds "
        f"{s.base_odds:g}:1, {s.pdo:g} points to double the odds; grade 1 is the best of {card.bands.n}.",
        "-- One CASE per characteristic; missing (NULL, NaN) and each special code have points of their own.",
    ]
    cases = ",\n".join(
        f"    {_case_sql(fb, pts[fb.feature], d)} AS {q(points_column(fb.feature))}" for fb in card.features
    )
    total = " + ".join(q(points_column(f)) for f in card.names) or "0"
    bands = " ".join(
        f"WHEN {q(SCORE)} >= {d.number(e)} THEN {card.bands.n - 1 - k}"
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
            f"  SELECT wb_points.*, {_clip_sql('(' + total + ')', s.low, s.high, d)} AS {q(SCORE)} FROM wb_points",
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
