"""The profile as an Excel workbook (overview, columns, alerts, IV, bins, PSI, pairs) via polars ``write_excel``.

Rendered from the ``Profile`` object (the same frames as the page), never recomputed.
"""

from __future__ import annotations

import io

import polars as pl
import xlsxwriter

from workbench.profile import Profile
from workbench.report import tables


def excel_report(result: Profile) -> bytes:
    """The workbook as bytes; sheet names are fixed (English) so macros and readers can rely on them."""
    sheets: list[tuple[str, pl.DataFrame]] = [
        ("overview", tables.overview_frame(result)),
        ("columns", tables.columns_frame(result)),
        ("alerts", tables.alerts_frame(result)),
        ("correlations", tables.pairs_frame(result, 200)),
    ]
    if result.target is not None:
        sheets += [("IV", tables.iv_frame(result.target)), ("bins", tables.all_bins_frame(result.target))]
    if result.stability is not None:
        sheets.append(("PSI", tables.psi_frame(result.stability)))
    buf = io.BytesIO()
    with xlsxwriter.Workbook(buf, {"in_memory": True}) as wb:
        for name, frame in sheets:
            frame.write_excel(workbook=wb, worksheet=name, autofit=True, float_precision=4)
    return buf.getvalue()
