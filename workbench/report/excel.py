"""The profile as an Excel workbook (overview, columns, alerts, IV, bins, PSI, pairs) via polars ``write_excel``;
the scorecard's points table, grades and trends as another.

Rendered from the ``Profile`` object (the same frames as the page), never recomputed.
"""

from __future__ import annotations

import io
from dataclasses import asdict

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
    return _workbook(sheets)


def scorecard_excel(card) -> bytes:
    """The scorecard a model-risk team signs, as a workbook: the points table (characteristic × bin, with rows,
    bad rate, WOE, coefficient), grades with bad rate per split, and each characteristic's trend outcome."""
    sheets: list[tuple[str, pl.DataFrame]] = [("points", card.points.frame())]
    sheets += [(f"grades_{split}", frame) for split, frame in card.band_rates.items()]
    if card.trends:
        sheets.append(("trends", pl.DataFrame([asdict(r) for r in card.trends], infer_schema_length=None)))
    return _workbook(sheets)


def _workbook(sheets: list[tuple[str, pl.DataFrame]]) -> bytes:
    buf = io.BytesIO()
    with xlsxwriter.Workbook(buf, {"in_memory": True}) as wb:
        for name, frame in sheets:
            frame.write_excel(workbook=wb, worksheet=name, autofit=True, float_precision=4)
    return buf.getvalue()
