"""What a column *is* for an analyst (numeric, categorical, text, date, boolean, id-like), from its statistics.

The storage dtype is not enough: an integer customer number is an identifier, not a quantity (ydata-profiling
#935), and a "Y"/"N" string is a flag. The analyst can override any kind; ``profile_columns(kinds=...)`` takes
the override and the decision is kept by whoever stores it.
"""

from __future__ import annotations

from typing import Literal

import polars as pl

from workbench.signals import identifiers

Kind = Literal["numeric", "categorical", "text", "date", "boolean", "id_like"]
KINDS: tuple[Kind, ...] = ("numeric", "categorical", "text", "date", "boolean", "id_like")

CATEGORICAL_MAX_LEVELS = 1_000  # a string column with more levels (and not id-like) is free text
BINARY_WORDS = frozenset(
    {"y", "n", "yes", "no", "true", "false", "t", "f", "good", "bad", "0", "1", "예", "아니오", "아니요", "네"}
)


def is_numeric_dtype(dtype: pl.DataType) -> bool:
    return dtype.is_numeric()


def is_date_dtype(dtype: pl.DataType) -> bool:
    return dtype.is_temporal() and not isinstance(dtype, pl.Duration | pl.Time)


def is_string_dtype(dtype: pl.DataType) -> bool:
    return isinstance(dtype, pl.String | pl.Categorical | pl.Enum)


def infer_kind(
    name: str,
    dtype: pl.DataType,
    *,
    count: int,
    distinct: int,
    minimum: float | None = None,
    maximum: float | None = None,
    mean_length: float | None = None,
    length_min: int | None = None,
    length_max: int | None = None,
) -> Kind:
    """The analyst's kind of one column from its dtype and first-pass statistics.

    ``count`` is the number of non-missing values, ``distinct`` their (possibly approximate) distinct count.
    ``id_like`` is what ``workbench.signals.identifiers`` calls a key: text or whole numbers named like a key,
    or nearly all different and shaped like keys (counting up, or text of one width); never a float or a
    measurement whose values are merely all different.
    """
    if dtype == pl.Boolean:
        return "boolean"
    if is_date_dtype(dtype):
        return "date"
    ratio = distinct / count if count else 0.0
    key = identifiers.is_identifier(
        name,
        dtype,
        count=count,
        distinct=distinct,
        minimum=minimum,
        maximum=maximum,
        length_min=length_min,
        length_max=length_max,
    )
    if dtype.is_integer():
        if key:
            return "id_like"
        if distinct <= 2 and minimum is not None and minimum >= 0 and maximum is not None and maximum <= 1:
            return "boolean"
        return "numeric"
    if dtype.is_numeric():
        if distinct <= 2 and minimum is not None and minimum >= 0 and maximum is not None and maximum <= 1:
            return "boolean"
        return "numeric"
    if is_string_dtype(dtype):
        if key and (mean_length or 0) <= 40:
            return "id_like"
        if distinct <= CATEGORICAL_MAX_LEVELS or ratio < 0.5:
            return "categorical"
        return "text"
    return "categorical"


# how the workspace store spells a kind override (``TableMeta.column_types``) → the profile's kind
_STORE_SPELLINGS: dict[str, Kind] = {"id": "id_like", "identifier": "id_like", "bool": "boolean", "string": "text"}


def kind_overrides(column_types: dict[str, str] | None) -> dict[str, Kind]:
    """The analyst's stored kind decisions (``{"customer_id": "id", "credit_grade": "categorical"}``) as
    profile kinds; spellings the profile does not know are ignored rather than guessed."""
    out: dict[str, Kind] = {}
    for column, value in (column_types or {}).items():
        kind = _STORE_SPELLINGS.get(str(value).lower(), str(value).lower())
        if kind in KINDS:
            out[column] = kind  # type: ignore[assignment]
    return out


def store_spelling(kind: Kind) -> str:
    """The spelling saved to the store for a kind chosen on the profile page."""
    return "id" if kind == "id_like" else kind


def merged_kinds(column_types: dict[str, str] | None, session_kinds: dict[str, Kind] | None) -> dict[str, Kind]:
    """The kinds to profile with: stored decisions, then this session's choices on top (the later wins, so
    a kind just picked on the page applies even when the store could not be written)."""
    return {**kind_overrides(column_types), **(session_kinds or {})}


def date_columns(schema: dict) -> list[str]:
    """Columns of a polars ``schema`` holding dates or datetimes: the candidates for a time column."""
    return [c for c, d in schema.items() if d.is_temporal()]
