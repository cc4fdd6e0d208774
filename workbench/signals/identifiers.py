"""Identifiers judged by what they are: the one rule that leaves a column out of a model as a key.

A column is an identifier only when it is **text or whole numbers** and either

* its name reads as a key (``id``, ``no``, ``key`` as a word; ``번호``, ``코드``, ``아이디``, ``키`` at the end)
  and at least ``NAMED_RATIO`` of its values are distinct or more than ``NAMED_DISTINCT`` (a foreign key such
  as ``customer_id`` in a transactions table repeats, and is still a key); or
* its values are (nearly) all different, at least ``ID_RATIO`` distinct, *and* shaped like keys: whole numbers
  counting up (their span at most ``CONSECUTIVE_SPAN`` times the number of values: 100001, 100002, …) or text
  of one fixed width (``C000123``, a pseudonym token).

Never a float, never a feature the workbench generated, never a measurement: a balance minimum, an amount sum
or a tenure in days with 658 distinct values of 682 are nearly all different too, but their values spread
over a range far wider than their count, so they stay in. Profile (``id_like``), model and the feature
planner (``frame_identifiers``: no sum of customer numbers) call ``is_identifier``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import polars as pl

KEY_NAME = re.compile(r"(^|[_\s])(id|no|key)$|^(id|key|no)[_\s]|(번호|코드|아이디|키)$", re.IGNORECASE)
ID_RATIO = 0.95
NAMED_RATIO = 0.2
NAMED_DISTINCT = 1_000
CONSECUTIVE_SPAN = 1.5
MIN_ROWS = 20


def named_like_key(name: str) -> bool:
    return KEY_NAME.search(name) is not None


def is_identifier(
    name: str,
    dtype: pl.DataType,
    *,
    count: int,
    distinct: int,
    minimum: float | None = None,
    maximum: float | None = None,
    length_min: int | None = None,
    length_max: int | None = None,
    generated: bool = False,
) -> bool:
    """Whether a column is a key rather than a feature (see the module docstring). ``count`` is the number
    of present values, ``distinct`` their distinct count (an estimate is fine)."""
    text = isinstance(dtype, pl.String | pl.Categorical | pl.Enum)
    if generated or count < MIN_ROWS or not (text or dtype.is_integer()):
        return False
    ratio = distinct / count if count else 0.0
    if named_like_key(name) and (ratio >= NAMED_RATIO or distinct > NAMED_DISTINCT):
        return True
    if ratio < ID_RATIO:
        return False
    if text:
        return length_min is not None and length_min == length_max
    return minimum is not None and maximum is not None and (maximum - minimum + 1) <= CONSECUTIVE_SPAN * distinct


def series_is_identifier(s: pl.Series, *, generated: bool = False) -> bool:
    """``is_identifier`` on a column at hand (the model's frame), its statistics computed here."""
    present = s.drop_nulls()
    if not (s.dtype.is_integer() or isinstance(s.dtype, pl.String | pl.Categorical | pl.Enum)) or present.is_empty():
        return False
    stats: dict[str, float | int | None] = {}
    if s.dtype.is_integer():
        stats = {"minimum": float(present.min()), "maximum": float(present.max())}  # type: ignore[arg-type]
    else:
        lengths = present.cast(pl.String).str.len_chars()
        stats = {"length_min": lengths.min(), "length_max": lengths.max()}  # type: ignore[dict-item]
    return is_identifier(
        s.name, s.dtype, count=present.len(), distinct=present.n_unique(), generated=generated, **stats
    )  # type: ignore[arg-type]


def frame_identifiers(lf: pl.LazyFrame, columns: Iterable[str]) -> set[str]:
    """The columns of ``lf`` (among ``columns``) that ``is_identifier`` calls keys, from one ``select`` of
    their counts (distinct values estimated by HyperLogLog, about 1 % off), ranges and text widths: what the
    feature planner needs to leave a customer number out of its sums."""
    schema = lf.collect_schema()
    wanted = [c for c in columns if schema[c].is_integer() or isinstance(schema[c], pl.String | pl.Categorical)]
    if not wanted:
        return set()
    from workbench.features.table_stats import identifier_counts

    row = identifier_counts(lf, wanted, schema)
    out = set()
    for i, c in enumerate(wanted):
        n, d, lo, hi = row[f"n{i}"], min(row[f"d{i}"], row[f"n{i}"]), row[f"lo{i}"], row[f"hi{i}"]
        shape = (
            {"minimum": lo, "maximum": hi}
            if schema[c].is_integer()
            else {"length_min": None if lo is None else int(lo), "length_max": None if hi is None else int(hi)}
        )
        if is_identifier(c, schema[c], count=n, distinct=d, **shape):  # type: ignore[arg-type]
            out.add(c)
    return out
