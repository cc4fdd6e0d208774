"""Profile results as tidy polars frames, in the reader's language: what the page, the Excel workbook and
the HTML report show. Formatting only; every number comes from the result objects.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence

import polars as pl

from workbench.i18n import t
from workbench.i18n.formats import number
from workbench.profile import Profile
from workbench.profile.columns import ColumnProfile
from workbench.profile.stability import Stability
from workbench.profile.target import BinTable, TargetAnalysis


def _h(key: str) -> str:
    return t(f"profile.col.{key}")


def overview_frame(p: Profile) -> pl.DataFrame:
    tp = p.table
    items = [
        ("rows", f"{tp.rows:,}"),
        ("columns", f"{tp.n_columns:,}"),
        ("memory", f"{tp.memory_bytes / 2**20:,.1f} MiB"),
        ("duplicate_rows", f"{tp.duplicate_rows:,} ({100 * tp.duplicate_rows / max(tp.rows, 1):.2f}%)"),
        ("missing_cells", f"{tp.missing_cells:,} ({100 * tp.missing_cells / max(tp.rows * tp.n_columns, 1):.2f}%)"),
        ("kinds", ", ".join(f"{t(f'profile.kind.{k}')} {n}" for k, n in tp.kinds.items())),
        ("corr_sample", f"{p.correlations.sample_size:,}"),
    ]
    if p.target is not None:
        items.append(("target", f"{p.target.target} = '{p.target.event}' ({100 * p.target.event_rate:.2f}%)"))
    return pl.DataFrame(
        {_h("item"): [t(f"profile.overview.{k}") for k, _ in items], _h("value"): [v for _, v in items]}
    )


def _fmt(v: object) -> str | None:
    """Amounts in whole units with separators (26,520, not 2.652e+04); small values to four digits; the one
    number format of the app (``workbench.i18n.formats.number``). None stays None: the table marks it."""
    return None if v is None else number(v)


def _top(c: ColumnProfile) -> str | None:
    """The most frequent value as text (how it was counted); a numeric column's in the app's number format,
    "1,900,000" beside a minimum of "700,000", not "1900000"."""
    if not c.top:
        return None
    value = c.top[0].value
    if c.kind == "numeric":
        with contextlib.suppress(ValueError):
            return _fmt(float(value))
    return value


def columns_frame(p: Profile) -> pl.DataFrame:
    """One row per column: kind, missing (null, NaN), distinct (exact or ≈), mean, min, median, max."""
    rows = []
    for c in p.table.columns:
        rows.append(
            {
                _h("column"): c.name,
                _h("kind"): t(f"profile.kind.{c.kind}"),
                _h("dtype"): c.dtype,
                _h("missing"): c.missing,
                _h("missing_pct"): round(100.0 * c.missing_share, 2),
                _h("null"): c.n_null,
                _h("nan"): c.n_nan,
                _h("distinct"): c.distinct,
                _h("distinct_exact"): t("profile.exact") if c.distinct_exact else t("profile.approximate"),
                _h("mean"): c.mean,
                _h("std"): c.std,
                _h("min"): _fmt(c.min),
                _h("median"): c.quantile(0.5),
                _h("max"): _fmt(c.max),
                _h("top"): _top(c),
                _h("top_pct"): round(100.0 * c.top[0].share, 2) if c.top else None,
            }
        )
    return pl.DataFrame(rows, strict=False)


def column_stats_frame(c: ColumnProfile) -> pl.DataFrame:
    """Every statistic of one column as (statistic, value) rows."""
    items: list[tuple[str, object]] = [
        ("kind", t(f"profile.kind.{c.kind}")),
        ("dtype", c.dtype),
        ("rows", f"{c.rows:,}"),
        ("missing", f"{c.missing:,} ({100 * c.missing_share:.2f}%)"),
        ("null", f"{c.n_null:,}"),
        ("nan", f"{c.n_nan:,}"),
        ("distinct", f"{c.distinct:,} ({t('profile.exact') if c.distinct_exact else t('profile.approximate')})"),
    ]
    if c.mean is not None:
        items += [("mean", _fmt(c.mean)), ("std", _fmt(c.std))]
    if c.min is not None:
        items += [("min", _fmt(c.min)), ("max", _fmt(c.max))]
    items += [(f"p{round(q * 100)}", _fmt(v)) for q, v in c.quantiles]
    if c.kind == "numeric":
        items += [
            ("zeros", f"{c.zeros:,}"),
            ("negatives", f"{c.negatives:,}"),
            ("skew", _fmt(c.skew)),
            ("kurtosis", _fmt(c.kurtosis)),
        ]
    if c.special_codes:
        items.append(
            ("special_codes", ", ".join(f"{s.value:g}: {s.count:,} ({100 * s.share:.1f} %)" for s in c.special_codes))
        )
    if c.length_min is not None:
        items.append(("lengths", f"{c.length_min} / {c.length_mean:.1f} / {c.length_max}"))
    if c.date_min is not None:
        items += [
            ("date_range", f"{c.date_min} ~ {c.date_max}"),
            ("largest_gap", number(c.date_largest_gap_days)),
            ("empty_months", number(c.date_empty_months)),
            ("future", f"{c.future_count:,}"),
        ]
    return pl.DataFrame(
        {
            _h("statistic"): [k if k[1:].isdigit() else t(f"profile.stat.{k}") for k, _ in items],
            _h("value"): [None if v is None else str(v) for _, v in items],
        }
    )


def alerts_frame(p: Profile) -> pl.DataFrame:
    return pl.DataFrame(
        {
            _h("severity"): [t(f"profile.severity.{a.severity}") for a in p.alerts],
            _h("alert"): [a.title() for a in p.alerts],
            _h("code"): [a.code for a in p.alerts],
            _h("column"): [a.column for a in p.alerts],
            _h("message"): [a.message() for a in p.alerts],
        },
        schema={_h(k): pl.String for k in ("severity", "alert", "code", "column", "message")},
    )


def _edges(features: Sequence[str], approximate: Sequence[str]) -> dict[str, list[str]]:
    """An "edges" column (approximate or exact) when some feature was cut at approximate quantiles."""
    if not approximate:
        return {}
    word = {True: t("profile.approximate"), False: t("profile.exact")}
    return {_h("edges"): [word[f in approximate] for f in features]}


def iv_frame(target: TargetAnalysis) -> pl.DataFrame:
    return pl.DataFrame(
        {
            _h("feature"): [tb.feature for tb in target.tables],
            "IV": [round(tb.iv, 4) for tb in target.tables],
            _h("band"): [t(f"profile.iv_band.{tb.band}") for tb in target.tables],
            "AUC": [round(tb.auc, 4) for tb in target.tables],
            "KS": [round(tb.ks, 4) for tb in target.tables],
            _h("bins"): [len(tb.used) for tb in target.tables],
            _h("smoothed"): [", ".join(tb.smoothed_bins) for tb in target.tables],
            **_edges([tb.feature for tb in target.tables], target.approximate_edges),
        },
        schema_overrides={_h("feature"): pl.String},
    )


def bin_label(label: str, kind: str) -> str:
    """A bin's label as the reader says it: the missing, other and single-range bins are named by the catalog
    (their stored labels ``missing``/``other``/``all`` are codes); ranges, codes and levels stay as written."""
    if kind in ("missing", "other") or (kind == "range" and label == "all"):
        return t(f"bins.label.{label}")
    return label


def bin_kind(kind: str) -> str:
    return t(f"bins.kind.{kind}")


def bins_frame(table: BinTable) -> pl.DataFrame:
    used = table.used
    return pl.DataFrame(
        {
            _h("bin"): [bin_label(b.label, b.kind) for b in used],
            _h("rows"): [b.total for b in used],
            _h("events"): [b.events for b in used],
            _h("non_events"): [b.non_events for b in used],
            _h("event_rate_pct"): [round(100.0 * (b.event_rate or 0.0), 2) for b in used],
            "WOE": [round(w, 4) for w in table.woe],
            "IV": [round(v, 4) for v in table.iv_contributions],
        },
        schema_overrides={_h("bin"): pl.String},
    )


def all_bins_frame(target: TargetAnalysis) -> pl.DataFrame:
    frames = [bins_frame(tb).insert_column(0, pl.lit(tb.feature).alias(_h("feature"))) for tb in target.tables]
    return pl.concat(frames) if frames else pl.DataFrame()


def psi_frame(st: Stability) -> pl.DataFrame:
    data: dict[str, list] = {
        _h("feature"): [f.feature for f in st.features],
        _h("max_psi"): [round(f.max_psi, 4) for f in st.features],
        _h("band"): [t(f"profile.psi_band.{f.band}") for f in st.features],
        **_edges([f.feature for f in st.features], st.approximate_edges),
    }
    for k, period in enumerate(st.periods[1:], start=1):
        data[period] = [round(f.psi[k], 4) for f in st.features]
    return pl.DataFrame(data, schema_overrides={_h("feature"): pl.String})


def pairs_frame(p: Profile, n: int = 30) -> pl.DataFrame:
    pairs = p.correlations.top_pairs(n)
    return pl.DataFrame(
        {
            "A": [x.a for x in pairs],
            "B": [x.b for x in pairs],
            _h("method"): [t(f"profile.method.{x.method}") for x in pairs],
            _h("value"): [round(x.value, 4) for x in pairs],
        },
        schema={"A": pl.String, "B": pl.String, _h("method"): pl.String, _h("value"): pl.Float64},
    )
