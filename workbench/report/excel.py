"""The profile as an Excel workbook (overview, columns, alerts, IV, bins, PSI, pairs) via polars ``write_excel``;
the scorecard's points table, grades and trends as another.

Rendered from the ``Profile`` object (the same frames as the page), never recomputed.
"""

from __future__ import annotations

import io
from dataclasses import asdict

import polars as pl
import xlsxwriter

from workbench.i18n import t
from workbench.profile import Profile
from workbench.report import tables

_FORBIDDEN = str.maketrans({c: "_" for c in "[]:*?/\\"})


def sheet_name(key: str, **kw: object) -> str:
    """The sheet's name in the reader's language (``report.sheet.<key>``), within Excel's 31 characters."""
    return t(f"report.sheet.{key}", **kw).translate(_FORBIDDEN)[:31]


def excel_report(result: Profile) -> bytes:
    """The workbook as bytes; sheets and headers in the current language, like the page it came from."""
    sheets: list[tuple[str, pl.DataFrame]] = [
        (sheet_name("overview"), tables.overview_frame(result)),
        (sheet_name("columns"), tables.columns_frame(result)),
        (sheet_name("alerts"), tables.alerts_frame(result)),
        (sheet_name("correlations"), tables.pairs_frame(result, 200)),
    ]
    if result.target is not None:
        sheets += [
            (sheet_name("iv"), tables.iv_frame(result.target)),
            (sheet_name("bins"), tables.all_bins_frame(result.target)),
        ]
    if result.stability is not None:
        sheets.append((sheet_name("psi"), tables.psi_frame(result.stability)))
    return _workbook(sheets)


def scorecard_excel(card) -> bytes:
    """The scorecard a model-risk team signs, as a workbook: the points table (characteristic × bin, with rows,
    bad rate, WOE, coefficient), grades with bad rate per split, and each characteristic's trend outcome."""
    sheets: list[tuple[str, pl.DataFrame]] = [(sheet_name("points"), card.points.frame())]
    sheets += [
        (sheet_name("grades", split=t(f"model.split.{split}")), frame) for split, frame in card.band_rates.items()
    ]
    if card.trends:
        trends = pl.DataFrame([asdict(r) for r in card.trends], infer_schema_length=None)
        sheets.append((sheet_name("trends"), trends))
    return _workbook(sheets)


def _workbook(sheets: list[tuple[str, pl.DataFrame]]) -> bytes:
    buf = io.BytesIO()
    with xlsxwriter.Workbook(buf, {"in_memory": True}) as wb:
        for name, frame in sheets:
            frame.write_excel(workbook=wb, worksheet=name, autofit=True, float_precision=4)
    return buf.getvalue()
