"""Profile page: pick a certified dataset, profile it once (cached on its fingerprint), then browse sections.

Drawing only: the numbers come from ``workbench.profile``, the tables from ``workbench.report.tables``
and the figures from ``workbench.charts.profile``.
"""

from __future__ import annotations

import streamlit as st

from workbench.ui.router import through_router

through_router()

from workbench.charts import profile as charts
from workbench.errors import UserError
from workbench.i18n import get_language, t
from workbench.profile import (
    KINDS,
    STEPS,
    Profile,
    analyse_target,
    assemble,
    compare_datasets,
    correlations,
    profile_columns,
    stability_by_period,
)
from workbench.profile.kinds import kind_overrides, store_spelling
from workbench.report import tables
from workbench.ui.nav import available_pages

CERTIFIED = "wb.data.certified"
SECTIONS = ("overview", "alerts", "columns", "correlations", "target", "stability")
SECTION_KEY = "wb.profile.section"
COLUMN_KEY = "wb.profile.column"
ALERTS_TABLE_KEY = "wb.profile.alerts_table"


# One cached function per stage, keyed on the dataset's content fingerprint (``_``-arguments are not hashed):
# picking another target reuses the column statistics, and the page shows progress between stages.
@st.cache_data(show_spinner=False, max_entries=16)
def cached_columns(fingerprint: str, kinds: tuple, _table):
    return profile_columns(_table, kinds=dict(kinds))


@st.cache_data(show_spinner=False, max_entries=16)
def cached_correlations(fingerprint: str, kinds: tuple, _table, _columns):
    return correlations(_table, _columns)


@st.cache_data(show_spinner=False, max_entries=16)
def cached_target(fingerprint: str, kinds: tuple, target: str, monotonic: bool, _table, _columns):
    return analyse_target(_table, target, _columns, monotonic=monotonic)


@st.cache_data(show_spinner=False, max_entries=16)
def cached_stability(fingerprint: str, kinds: tuple, time_column: str, target: str | None, _table, _columns):
    return stability_by_period(
        _table, time_column, profile=_columns, features=[c for c in _table.columns if c != target]
    )


@st.cache_data(show_spinner=False, max_entries=16)
def cached_compare(reference_fingerprint: str, current_fingerprint: str, kinds: tuple, _reference, _current, _columns):
    return compare_datasets(_reference, _current, profile=_columns)


@st.cache_data(show_spinner=False, max_entries=8)
def report_files(fingerprint: str, target, time_column, monotonic, lang: str, _result: Profile) -> tuple[bytes, bytes]:
    from workbench.report import excel_report, html_report

    return html_report(_result).encode("utf-8"), excel_report(_result)


def how_to_read(key: str) -> None:
    with st.expander(t("profile.read.title")):
        st.markdown(t(key))


def chart(fig, read_key: str) -> None:
    st.plotly_chart(fig, width="stretch", config={"displaylogo": False})
    how_to_read(read_key)


def table_meta(dataset: str):
    """What the Data page recorded about ``dataset`` (target, time column, kind overrides), or None."""
    try:
        from workbench.ui.state import store

        return store().tables.get(dataset)
    except (ImportError, UserError, OSError):  # no workspace store, or the dataset lives in this session only
        return None


def save_kind(dataset: str, column: str, kind: str, meta) -> None:
    """Keep the analyst's kind for ``column``: in the workspace store when the dataset is there (the Data
    page and the features stage read it), and in this session in any case."""
    st.session_state.setdefault(f"wb.profile.kinds.{dataset}", {})[column] = kind
    try:
        from workbench.ui.state import store

        types = {**(meta.column_types if meta else {}), column: store_spelling(kind)}
        store().tables.set(
            dataset,
            role=meta.role if meta else "other",
            primary_key=meta.primary_key if meta else (),
            time_column=meta.time_column if meta else None,
            target_column=meta.target_column if meta else None,
            column_types=types,
        )
        st.session_state["wb.profile.kind_saved"] = "store"
    except (ImportError, UserError, OSError):
        st.session_state["wb.profile.kind_saved"] = "session"


def open_alert_column(alert_columns: list[str | None]) -> None:
    rows = st.session_state[ALERTS_TABLE_KEY].selection.rows
    if rows and alert_columns[rows[0]] is not None:
        st.session_state[COLUMN_KEY] = alert_columns[rows[0]]
        st.session_state[SECTION_KEY] = "columns"


st.title(t("nav.profile"))
try:  # certified tables of this session, reloaded from the workspace store when the session is new
    from workbench.ui.state import certified_tables

    certified = certified_tables()
except ImportError:  # a workspace without the store's certified reload: this session's tables only
    certified = st.session_state.get(CERTIFIED) or {}
if not certified:
    st.info(t("profile.page.no_data"))
    if any(p.path == "pages/privacy.py" for p in available_pages()):
        st.page_link("pages/privacy.py", label=t("profile.page.go_privacy"), icon=":material/shield_lock:")
    st.stop()

name = st.selectbox(t("profile.page.dataset"), sorted(certified), key="wb.profile.dataset")
table = certified[name]
columns = table.columns
dates = [c for c, d in table.frame.schema.items() if d.is_temporal()]
meta = table_meta(name)
kinds = {
    **kind_overrides(dict(meta.column_types) if meta else {}),
    **st.session_state.get(f"wb.profile.kinds.{name}", {}),
}
kinds_key = tuple(sorted(kinds.items()))
left, mid, right = st.columns([2, 2, 1])
target_options = [None, *columns]
target = left.selectbox(
    t("profile.page.target"),
    target_options,
    index=target_options.index(meta.target_column) if meta and meta.target_column in columns else 0,
    format_func=lambda c: t("profile.page.none") if c is None else c,
    key=f"wb.profile.target.{name}",
)
time_options = [None, *dates]
time_column = mid.selectbox(
    t("profile.page.time_column"),
    time_options,
    index=time_options.index(meta.time_column) if meta and meta.time_column in dates else 0,
    format_func=lambda c: t("profile.page.none") if c is None else c,
    key=f"wb.profile.time_column.{name}",
)
monotonic = right.toggle(t("profile.page.monotonic"), key="wb.profile.monotonic", help=t("profile.page.monotonic_help"))

bar = st.progress(0.0, text=t("profile.page.computing"))


def progress(step: str) -> None:
    bar.progress(STEPS.index(step) / len(STEPS), text=t("profile.page.step", step=t(f"profile.step.{step}")))


try:
    progress("columns")
    columns_profile = cached_columns(table.fingerprint, kinds_key, table)
    progress("correlations")
    corr = cached_correlations(table.fingerprint, kinds_key, table, columns_profile)
    analysis = stability = None
    if target is not None:
        progress("target")
        analysis = cached_target(table.fingerprint, kinds_key, target, monotonic, table, columns_profile)
    if time_column is not None:
        progress("stability")
        stability = cached_stability(table.fingerprint, kinds_key, time_column, target, table, columns_profile)
    progress("alerts")
    result = assemble(columns_profile, corr, analysis, stability)
except UserError as err:  # e.g. a target with three values: one line in the user's language
    bar.empty()
    st.error(str(err))
    st.stop()
bar.empty()

section = (
    st.segmented_control(
        t("profile.page.section"),
        SECTIONS,
        format_func=lambda s: t(f"profile.section.{s}"),
        key=SECTION_KEY,
        default="overview",
    )
    or "overview"
)
tp = result.table

if section == "overview":
    a, b, c, d, e = st.columns(5)
    a.metric(t("profile.overview.rows"), f"{tp.rows:,}")
    b.metric(t("profile.overview.columns"), f"{tp.n_columns:,}")
    c.metric(t("profile.overview.memory"), f"{tp.memory_bytes / 2**20:,.1f} MiB")
    d.metric(t("profile.overview.duplicate_rows"), f"{tp.duplicate_rows:,}")
    e.metric(t("profile.page.alerts"), f"{len(result.alerts):,}")
    st.dataframe(tables.overview_frame(result), hide_index=True, width="stretch")
    chart(charts.kinds_bar(tp), "profile.read.kinds")
    chart(charts.missing_bars(tp), "profile.read.missing")
    chart(charts.missing_patterns(tp), "profile.read.patterns")
    st.subheader(t("profile.page.columns_table"))
    st.dataframe(tables.columns_frame(result), hide_index=True, width="stretch")
    how_to_read("profile.read.tables")
    st.subheader(t("profile.page.reports"))
    if st.button(t("profile.page.make_reports"), key="wb.profile.make_reports"):
        with st.spinner(t("profile.page.making_reports")):
            html, xlsx = report_files(table.fingerprint, target, time_column, monotonic, get_language(), result)
        d1, d2 = st.columns(2)
        d1.download_button(t("profile.page.download_html"), html, f"{name}_profile.html", "text/html")
        d2.download_button(
            t("profile.page.download_excel"),
            xlsx,
            f"{name}_profile.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )

elif section == "alerts":
    if not result.alerts:
        st.success(t("profile.page.no_alerts"))
    else:
        st.caption(t("profile.read.alerts"))
        alert_columns = [a.column for a in result.alerts]
        st.dataframe(
            tables.alerts_frame(result),
            hide_index=True,
            width="stretch",
            key=ALERTS_TABLE_KEY,
            on_select=lambda: open_alert_column(alert_columns),
            selection_mode="single-row",
        )
        how_to_read("profile.read.alerts")

elif section == "columns":
    names = [c.name for c in tp.columns]
    if st.session_state.get(COLUMN_KEY) not in names:
        st.session_state[COLUMN_KEY] = names[0]
    col_name = st.selectbox(t("profile.col.column"), names, key=COLUMN_KEY)
    cp = tp.column(col_name)
    for alert in [a for a in result.alerts if a.column == col_name]:
        st.warning(f"**{alert.title()}** — {alert.message()}")
    left, right = st.columns([1, 2])
    chosen = left.selectbox(
        t("profile.page.kind"),
        KINDS,
        index=KINDS.index(cp.kind),
        format_func=lambda k: t(f"profile.kind.{k}"),
        key=f"wb.profile.kind.{name}.{col_name}",
        help=t("profile.page.kind_help", inferred=t(f"profile.kind.{cp.kind_inferred}")),
    )
    if chosen != cp.kind:
        save_kind(name, col_name, chosen, meta)
        st.rerun()
    if saved := st.session_state.pop("wb.profile.kind_saved", None):
        left.caption(t(f"profile.page.kind_saved_{saved}"))
    left.dataframe(tables.column_stats_frame(cp), hide_index=True, width="stretch")
    with right:
        chart(charts.column_distribution(cp), "profile.read.distribution")

elif section == "correlations":
    corr = result.correlations
    methods = [
        m for m, ok in (("pearson", corr.numeric), ("spearman", corr.numeric), ("cramers_v", corr.categorical)) if ok
    ]
    if not methods:
        st.info(t("profile.page.no_pairs"))
    else:
        method = st.radio(
            t("profile.col.method"),
            methods,
            format_func=lambda m: t(f"profile.method.{m}"),
            horizontal=True,
            key="wb.profile.corr_method",
        )
        if corr.sampled:
            st.caption(t("profile.page.sampled", n=f"{corr.sample_size:,}", rows=f"{corr.rows:,}"))
        chart(charts.correlation_heatmap(corr, method), "profile.read.correlation")
        st.subheader(t("profile.page.top_pairs"))
        st.dataframe(tables.pairs_frame(result), hide_index=True, width="stretch")
        how_to_read("profile.read.tables")

elif section == "target":
    if target is None:
        st.info(t("profile.page.pick_target"))
    elif result.target is not None:
        ta = result.target
        st.markdown(
            t(
                "profile.page.event",
                target=ta.target,
                event=ta.event,
                rate=f"{100 * ta.event_rate:.2f}",
                events=f"{ta.events:,}",
                rows=f"{ta.rows:,}",
            )
        )
        chart(charts.iv_bars(ta), "profile.read.iv")
        st.dataframe(tables.iv_frame(ta), hide_index=True, width="stretch")
        feature = st.selectbox(t("profile.col.feature"), [tb.feature for tb in ta.tables], key="wb.profile.iv_feature")
        chart(charts.woe_chart(ta.table(feature)), "profile.read.woe")
        st.dataframe(tables.bins_frame(ta.table(feature)), hide_index=True, width="stretch")
    elif result.numeric_target is not None:
        st.dataframe(
            [
                {"feature": r.feature, "pearson": r.pearson, "spearman": r.spearman, "MI": r.mutual_information}
                for r in result.numeric_target.features
            ],
            hide_index=True,
            width="stretch",
        )
        how_to_read("profile.read.tables")

elif section == "stability":
    others = [n for n in sorted(certified) if n != name]
    other = st.selectbox(
        t("profile.page.compare_with"),
        [None, *others],
        format_func=lambda c: t("profile.page.none") if c is None else c,
        key="wb.profile.compare_with",
    )
    shown = (
        cached_compare(
            table.fingerprint, certified[other].fingerprint, kinds_key, table, certified[other], columns_profile
        )
        if other
        else result.stability
    )
    if shown is None:
        st.info(t("profile.page.no_stability"))
    else:
        chart(charts.psi_bars(shown), "profile.read.psi")
        if len(shown.periods) > 2:
            picked = st.multiselect(
                t("profile.col.feature"),
                [f.feature for f in shown.features],
                default=[f.feature for f in shown.features[:5]],
                key="wb.profile.psi_features",
            )
            chart(charts.psi_trend(shown, picked or None), "profile.read.psi_trend")
        feature = st.selectbox(
            t("profile.page.compare_feature"), [f.feature for f in shown.features], key="wb.profile.psi_feature"
        )
        chart(charts.stability_bins(shown, feature), "profile.read.psi_bins")
        st.dataframe(tables.psi_frame(shown), hide_index=True, width="stretch")
        how_to_read("profile.read.tables")
