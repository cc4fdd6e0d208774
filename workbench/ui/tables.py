"""Showing frames the way a Korean bank reads them: dates as dates, amounts with thousands separators."""

from __future__ import annotations

from typing import Any

import pandas as pd
import polars as pl
import streamlit as st


def column_config(frame: pl.DataFrame | pd.DataFrame) -> dict[str, Any]:
    """Dates without a midnight time, integers and floats with separators (1,234,567)."""
    config: dict[str, Any] = {}
    schema = frame.schema if isinstance(frame, pl.DataFrame) else pl.from_pandas(frame.head(1)).schema
    for name, dtype in schema.items():
        if dtype == pl.Date:
            config[name] = st.column_config.DateColumn(format="YYYY-MM-DD")
        elif isinstance(dtype, pl.Datetime):
            config[name] = st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm:ss")
        elif dtype.is_numeric():
            config[name] = st.column_config.NumberColumn(format="localized")
    return config


def show_frame(frame: pl.DataFrame | pd.DataFrame, **kwargs: Any) -> None:
    kwargs.setdefault("width", "stretch")
    kwargs.setdefault("hide_index", True)
    st.dataframe(frame, column_config={**column_config(frame), **kwargs.pop("column_config", {})}, **kwargs)
