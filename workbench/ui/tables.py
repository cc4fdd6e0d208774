"""Showing frames the way a Korean bank reads them: headers in the reader's language, dates as dates, numbers
right-aligned with thousands separators, and missing cells with the catalog's mark instead of "None".

Result tables (runs, metrics, scores) come from the library with stable lower-case keys (``run``, ``auc``,
``gini``, ``rank``): their headers are looked up as ``table.col.<key>`` in the catalog. Data previews keep
the data's own column names (``headers=False``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pandas as pd
import polars as pl
import streamlit as st

from workbench.i18n import t
from workbench.i18n.formats import MISSING_KEY, column_header

header = column_header  # the reader's header for a result column; a name the catalog does not know stays


def column_config(frame: pl.DataFrame | pd.DataFrame, *, headers: bool = False) -> dict[str, Any]:
    """Dates without a midnight time, numbers with separators and right-aligned; with ``headers``, result
    keys get their catalog header."""
    config: dict[str, Any] = {}
    schema = frame.schema if isinstance(frame, pl.DataFrame) else pl.from_pandas(frame.head(1)).schema
    for name, dtype in schema.items():
        label = header(name) if headers else None
        if dtype == pl.Date:
            config[name] = st.column_config.DateColumn(label, format="YYYY-MM-DD")
        elif isinstance(dtype, pl.Datetime):
            config[name] = st.column_config.DatetimeColumn(label, format="YYYY-MM-DD HH:mm")
        elif dtype.is_integer() or (dtype.is_float() and not headers):
            config[name] = st.column_config.NumberColumn(label, format="localized", alignment="right")
        elif dtype.is_float():  # result tables (metrics, scores) read best with fixed decimals: 0.980 beside 0.924
            config[name] = st.column_config.NumberColumn(label, format="%.3f", alignment="right")
        elif label is not None and label != name:
            config[name] = st.column_config.Column(label)
    return config


def missing_mark() -> str:
    """What every table shows in an empty cell, numbers included (``st.dataframe``'s ``placeholder``): the
    catalog's mark, so a number column keeps its type, alignment and separators and never reads "None"."""
    return t(MISSING_KEY)


def with_missing_mark(frame: pl.DataFrame | pd.DataFrame) -> pl.DataFrame | pd.DataFrame:
    """Text cells that hold nothing show the catalog's mark ("–"), not Streamlit's English "None"."""
    mark = t(MISSING_KEY)
    if isinstance(frame, pd.DataFrame):
        out = frame.copy()
        for name in out.columns:
            if out[name].dtype == object or pd.api.types.is_string_dtype(out[name]):
                out[name] = out[name].astype(object).where(out[name].notna(), mark)
        return out
    return frame.with_columns(pl.col(pl.String).fill_null(mark))


def show_frame(
    frame: pl.DataFrame | pd.DataFrame, *, headers: bool = False, right: tuple[str, ...] = (), **kwargs: Any
) -> Any:
    """``st.dataframe`` with the conventions above; ``right``: text columns that hold formatted numbers
    ("1,234 (5.00%)"), right-aligned like numbers. Extra ``column_config`` entries win over the defaults."""
    kwargs.setdefault("width", "stretch")
    kwargs.setdefault("hide_index", True)
    config = column_config(frame, headers=headers)
    config.update({name: st.column_config.TextColumn(alignment="right") for name in right if name in frame.columns})
    config.update(kwargs.pop("column_config", {}))
    mark = kwargs.pop("placeholder", missing_mark())
    return st.dataframe(with_missing_mark(frame), column_config=config, placeholder=mark, **kwargs)


def labelled(rows: list[dict[str, Any]], column: str, label: Callable[[str], str]) -> list[dict[str, Any]]:
    """Rows for ``st.data_editor`` with ``column``'s codes (``keep``, ``label``) shown as the reader's words: the
    editor's grid shows cell values as they are, whatever the select column's ``format_func``."""
    return [{**r, column: label(r[column])} for r in rows]


def coded(
    rows: list[dict[str, Any]], column: str, codes: Iterable[str], label: Callable[[str], str]
) -> list[dict[str, Any]]:
    """``labelled`` undone: the codes back from the words the reader picked (an unknown word stays as is)."""
    back = {label(c): c for c in codes}
    return [{**r, column: back.get(r[column], r[column])} for r in rows]
