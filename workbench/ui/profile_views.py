"""Drawing pieces of the Profile page: the analysis choices, the staged computation with progress, and one
drawer per section (overview with the reports, alerts, column explorer, correlations, target, stability).

Drawing only: the numbers come from ``workbench.profile``, the tables from ``workbench.report.tables`` and
the figures from ``workbench.charts.profile``. Widget and session keys are ``wb.profile.*``.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

import workbench.profile as wp
from workbench.charts import profile as charts
from workbench.charts.common import readable
from workbench.errors import UserError
from workbench.i18n import get_language, t
from workbench.i18n.formats import when
from workbench.privacy import MaskedTable
from workbench.profile import KINDS, STEPS, Profile, TableProfile
from workbench.profile import explore as explore_rows
from workbench.profile.correlations import available_methods
from workbench.profile.kinds import date_columns, merged_kinds, store_spelling
from workbench.profile.target import numeric_target_rows
from workbench.report import tables
from workbench.ui.explain import read_box
from workbench.ui.glossary import glossary_link, term_help
from workbench.ui.lazy_tabs import lazy_tabs
from workbench.ui.nav import available_pages
from workbench.ui.tables import missing_mark, show_frame

SECTIONS = ("overview", "alerts", "columns", "explore", "correlations", "target", "stability")
SECTION_KEY = "wb.profile.section"
COLUMN_KEY = "wb.profile.column"
ALERTS_TABLE_KEY = "wb.profile.alerts_table"
REPORTS_KEY = "wb.profile.reports_made"  # (fingerprint, target, time column, monotonic, language) already made


@dataclass(frozen=True)
class Choice:
    """What the analyst picked above the sections, and what the Data page recorded about the dataset."""

    name: str
    table: MaskedTable
    certified: dict[str, MaskedTable]
    meta: object | None
    kinds_key: tuple[tuple[str, str], ...]
    target: str | None
    time_column: str | None
    monotonic: bool


# One cached function per stage, keyed on the dataset's content fingerprint (``_``-arguments are not hashed):
# picking another target reuses the column statistics, and the page shows progress between stages. The
# library is called through its module so a test can count the calls.
@st.cache_data(show_spinner=False, max_entries=16)
def cached_columns(fingerprint: str, kinds: tuple, _table):
    return wp.profile_columns(_table, kinds=dict(kinds))


@st.cache_data(show_spinner=False, max_entries=16)
def cached_correlations(fingerprint: str, kinds: tuple, _table, _columns):
    return wp.correlations(_table, _columns)


@st.cache_data(show_spinner=False, max_entries=16)
def cached_target(fingerprint: str, kinds: tuple, target: str, monotonic: bool, _table, _columns):
    return wp.analyse_target(_table, target, _columns, monotonic=monotonic)


@st.cache_data(show_spinner=False, max_entries=16)
def cached_stability(fingerprint: str, kinds: tuple, time_column: str, target: str | None, _table, _columns):
    return wp.stability_by_period(
        _table, time_column, profile=_columns, features=[c for c in _table.columns if c != target]
    )


@st.cache_data(show_spinner=False, max_entries=16)
def cached_compare(reference_fingerprint: str, current_fingerprint: str, kinds: tuple, _reference, _current, _columns):
    return wp.compare_datasets(_reference, _current, profile=_columns)


@st.cache_data(show_spinner=False, max_entries=8)
def report_files(fingerprint: str, target, time_column, monotonic, lang: str, _result: Profile) -> tuple[bytes, bytes]:
    from workbench.report import excel_report, html_report

    return html_report(_result).encode("utf-8"), excel_report(_result)


@st.cache_data(show_spinner=False, max_entries=32)
def cached_pair(fingerprint: str, x: str, y: str, _table):
    return explore_rows.pair_view(_table, x, y)


@st.cache_data(show_spinner=False, max_entries=16)
def cached_duplicates(fingerprint: str, _table):
    return explore_rows.duplicate_rows(_table)


@st.cache_data(show_spinner=False, max_entries=32)
def cached_extremes(fingerprint: str, column: str, _table):
    return explore_rows.extremes(_table, column)


STAT_LABEL_WIDTH = 160  # px of a column's statistic labels (about 20 Latin or 11 Hangul characters)


def how_to_read(key: str) -> None:
    read_box(key, "profile.read.title")


def chart(fig, read_key: str) -> None:
    st.plotly_chart(readable(fig), width="stretch", config={"displaylogo": False})
    how_to_read(read_key)


def glossary_row(*term_ids: str) -> None:
    """Small popovers with the definitions of the terms the section shows, in one row."""
    with st.container(horizontal=True):
        for term_id in term_ids:
            # an app without the Learn page registered (a page served alone): the definition shows, no link
            with contextlib.suppress(StreamlitPageNotFoundError):
                glossary_link(term_id)


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


def stored_marks(dataset: str) -> dict:
    """The domain expert's timing marks on ``dataset`` (none when the workspace cannot be read)."""
    try:
        from workbench.ui.state import store

        return store().timing.current(dataset)
    except (ImportError, UserError, OSError):
        return {}


def timing_mark(dataset: str, column: str, current) -> None:
    """Mark ``column`` known at decision time or only after it, with a comment: stored (who, when) and
    audited; features and train leave an "after" column out, and its alerts show the mark."""
    from workbench.signals.timing import MARKS

    with st.expander(t("signals.mark.title")):
        if current is not None:
            st.caption(t("signals.mark.current", mark=t(f"signals.mark.{current.mark}"), who=current.actor,
                         at=when(current.created_at), comment=current.comment or "-"))  # fmt: skip
        st.radio(
            t("signals.mark.question", column=column),
            MARKS,
            index=MARKS.index(current.mark) if current is not None else 0,
            format_func=lambda m: t(f"signals.mark.{m}"),
            horizontal=True,
            key=f"wb.profile.timing_mark.{dataset}.{column}",
        )
        st.text_input(
            t("signals.mark.comment"),
            value=current.comment if current is not None else "",
            key=f"wb.profile.timing_comment.{dataset}.{column}",
        )
        st.button(
            t("signals.mark.save"),
            key=f"wb.profile.timing_save.{dataset}.{column}",
            on_click=_save_mark,
            args=(dataset, column),
        )
        if failed := st.session_state.pop(MARK_FAILED, None):
            st.error(failed)


MARK_FAILED = "wb.profile.timing_failed"


def _save_mark(dataset: str, column: str) -> None:
    """The button's callback: runs before the next script run, so the alert drawn in it shows the mark."""
    mark = st.session_state[f"wb.profile.timing_mark.{dataset}.{column}"]
    comment = st.session_state.get(f"wb.profile.timing_comment.{dataset}.{column}", "")
    try:
        from workbench.ui.state import store

        store().timing.mark(dataset, column, mark, comment=comment)
    except (ImportError, UserError, OSError) as err:
        st.session_state[MARK_FAILED] = str(err)


def open_alert_column(alert_columns: list[str | None]) -> None:
    rows = st.session_state[ALERTS_TABLE_KEY].selection.rows
    if rows and alert_columns[rows[0]] is not None:
        st.session_state[COLUMN_KEY] = alert_columns[rows[0]]
        st.session_state[SECTION_KEY] = "columns"


def no_data() -> None:
    """Why the page is empty and the way to the Privacy page; stops the run."""
    st.info(t("profile.page.no_data"))
    if any(p.path == "pages/privacy.py" for p in available_pages()):
        st.page_link("pages/privacy.py", label=t("profile.page.go_privacy"), icon=":material/shield_lock:")
    st.stop()


def none_label(c: str | None) -> str:
    return t("profile.page.none") if c is None else c


def choose(name: str, certified: dict[str, MaskedTable]) -> Choice:
    """Target, time column and monotonic binning for dataset ``name``, defaulting to what the Data page set."""
    table = certified[name]
    columns, dates = table.columns, date_columns(table.frame.schema)
    meta = table_meta(name)
    kinds = merged_kinds(dict(meta.column_types) if meta else {}, st.session_state.get(f"wb.profile.kinds.{name}"))
    recorded_target, recorded_time = recorded_defaults(table, meta)
    left, mid, right = st.columns([2, 2, 1])
    target_options = [None, *columns]
    target = left.selectbox(
        t("profile.page.target"),
        target_options,
        index=target_options.index(recorded_target),
        format_func=none_label,
        key=f"wb.profile.target.{name}",
    )
    time_options = [None, *dates]
    time_column = mid.selectbox(
        t("profile.page.time_column"),
        time_options,
        index=time_options.index(recorded_time),
        format_func=none_label,
        key=f"wb.profile.time_column.{name}",
    )
    monotonic = right.toggle(
        t("profile.page.monotonic"), key="wb.profile.monotonic", help=t("profile.page.monotonic_help")
    )
    return Choice(name, table, certified, meta, tuple(sorted(kinds.items())), target, time_column, monotonic)


def recorded_defaults(table: MaskedTable, meta) -> tuple[str | None, str | None]:
    """The target and time column the Data page recorded for ``table``, when the table still has them."""
    target = meta.target_column if meta and meta.target_column in table.columns else None
    time_column = meta.time_column if meta and meta.time_column in date_columns(table.frame.schema) else None
    return target, time_column


def stages(c: Choice, progress=lambda step: None) -> tuple:
    """The cached stages of choice ``c``: column statistics, correlations, and the target and stability
    analyses when a target or time column is chosen."""
    fp, table = c.table.fingerprint, c.table
    progress("columns")
    columns_profile = cached_columns(fp, c.kinds_key, table)
    progress("correlations")
    corr = cached_correlations(fp, c.kinds_key, table, columns_profile)
    analysis = stability = None
    if c.target is not None:
        progress("target")
        analysis = cached_target(fp, c.kinds_key, c.target, c.monotonic, table, columns_profile)
    if c.time_column is not None:
        progress("stability")
        stability = cached_stability(fp, c.kinds_key, c.time_column, c.target, table, columns_profile)
    return columns_profile, corr, analysis, stability


def precompute(name: str, table: MaskedTable, meta) -> None:
    """What a first visit of ``name`` computes, with the Data page's recorded choices, into the caches every
    session reads (the server's warm-up calls this)."""
    kinds = merged_kinds(dict(meta.column_types) if meta else {}, None)
    target, time_column = recorded_defaults(table, meta)
    stages(Choice(name, table, {name: table}, meta, tuple(sorted(kinds.items())), target, time_column, False))


def compute(c: Choice) -> tuple[TableProfile, Profile]:
    """Every stage the choice needs, from the caches, with a progress bar; a user error stops the run."""
    bar = st.progress(0.0, text=t("profile.page.computing"))

    def progress(step: str) -> None:
        bar.progress(STEPS.index(step) / len(STEPS), text=t("profile.page.step", step=t(f"profile.step.{step}")))

    table = c.table
    try:
        columns_profile, corr, analysis, stability = stages(c, progress)
        progress("alerts")
        after = wp.dates_after(table, c.time_column, columns_profile) if c.time_column is not None else None
        result = wp.assemble(
            columns_profile,
            corr,
            analysis,
            stability,
            dated_after=after,
            time_column=c.time_column,
            marks=stored_marks(c.name),
        )
    except UserError as err:  # e.g. a target with three values: one line in the user's language
        bar.empty()
        st.error(str(err))
        st.stop()
    bar.empty()
    return columns_profile, result


def pick_section() -> str:
    return (
        st.segmented_control(
            t("profile.page.section"),
            SECTIONS,
            format_func=lambda s: t(f"profile.section.{s}"),
            key=SECTION_KEY,
            default="overview",
        )
        or "overview"
    )


def overview(c: Choice, result: Profile) -> None:
    tp = result.table
    a, b, cc, d, e = st.columns(5)
    a.metric(t("profile.overview.rows"), f"{tp.rows:,}")
    b.metric(t("profile.overview.columns"), f"{tp.n_columns:,}")
    cc.metric(t("profile.overview.memory"), f"{tp.memory_bytes / 2**20:,.1f} MiB")
    d.metric(t("profile.overview.duplicate_rows"), f"{tp.duplicate_rows:,}")
    e.metric(t("profile.page.alerts"), f"{len(result.alerts):,}")
    show_frame(tables.overview_frame(result), right=(t("profile.col.value"),))
    how_to_read("profile.read.overview")
    shown = (("kinds", charts.kinds_bar), ("missing", charts.missing_bars), ("patterns", charts.missing_patterns))
    tabs = lazy_tabs([t(f"profile.overview.tab_{name}") for name, _ in shown], key="wb.profile.overview_tab")
    for tab, (name, draw) in zip(tabs, shown, strict=True):
        if tab.open:  # one chart drawn at a time: the others a click away
            with tab:
                chart(draw(tp), f"profile.read.{name}")
    st.subheader(t("profile.page.columns_table"))
    # amounts run to 12 digits with decimals: wide enough that a standard deviation is never cut on the left
    wide = st.column_config.NumberColumn(format="localized", alignment="right", width=130)
    widths = {t(f"profile.col.{k}"): wide for k in ("mean", "std", "median")}
    show_frame(tables.columns_frame(result), column_config=widths)
    how_to_read("profile.read.tables")
    reports(c, result)


def reports(c: Choice, result: Profile) -> None:
    """HTML and Excel reports of the profile on screen, made on demand (a few seconds on a large table)."""
    st.subheader(t("profile.page.reports"))
    made = st.session_state.setdefault(REPORTS_KEY, set())
    wanted = (c.table.fingerprint, c.target, c.time_column, c.monotonic, get_language())
    if st.button(t("profile.page.make_reports"), key="wb.profile.make_reports"):
        made.add(wanted)
    # the buttons stay after a download (which reruns the page): the files come back from the cache
    if wanted in made:
        with st.spinner(t("profile.page.making_reports")):
            html, xlsx = report_files(*wanted, result)
        d1, d2 = st.columns(2)
        d1.download_button(
            t("profile.page.download_html"), html, f"{c.name}_profile.html", "text/html", on_click="ignore"
        )
        d2.download_button(
            t("profile.page.download_excel"),
            xlsx,
            f"{c.name}_profile.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            on_click="ignore",
        )


def alerts(c: Choice, result: Profile) -> None:
    if not result.alerts:
        st.success(t("profile.page.no_alerts"))
        return
    st.caption(t("profile.read.alerts"))
    glossary_row("leakage", "special_codes", "mnar")
    alert_columns = [a.column for a in result.alerts]
    st.dataframe(
        tables.alerts_frame(result),
        placeholder=missing_mark(),
        hide_index=True,
        width="stretch",
        key=ALERTS_TABLE_KEY,
        on_select=lambda: open_alert_column(alert_columns),
        selection_mode="single-row",
    )
    how_to_read("profile.read.alerts")


def column_explorer(c: Choice, result: Profile) -> None:
    names = [col.name for col in result.table.columns]
    if st.session_state.get(COLUMN_KEY) not in names:  # open on the first column with something to show
        drawn = [col.name for col in result.table.columns if col.kind != "id_like"]
        st.session_state[COLUMN_KEY] = (drawn or names)[0]
    col_name = st.selectbox(t("profile.col.column"), names, key=COLUMN_KEY)
    cp = result.table.column(col_name)
    for alert in result.alerts_for(col_name):
        st.warning(f"**{alert.title()}** — {alert.message()}")
    left, right = st.columns(2)  # the statistics' two columns need ~350 px: at 1280 px two fifths cut the labels
    chosen = left.selectbox(
        t("profile.page.kind"),
        KINDS,
        index=KINDS.index(cp.kind),
        format_func=lambda k: t(f"profile.kind.{k}"),
        key=f"wb.profile.kind.{c.name}.{col_name}",
        help=t("profile.page.kind_help", inferred=t(f"profile.kind.{cp.kind_inferred}")),
    )
    if chosen != cp.kind:
        save_kind(c.name, col_name, chosen, c.meta)
        st.rerun()
    if saved := st.session_state.pop("wb.profile.kind_saved", None):
        left.caption(t(f"profile.page.kind_saved_{saved}"))
    with left:
        value = t("profile.col.value")  # a date range, "2024-01-01 ~ 2025-06-30", needs its full width
        # "months without data", the longest English label, whole
        widths = {t("profile.col.statistic"): st.column_config.TextColumn(width=STAT_LABEL_WIDTH)}
        widths[value] = st.column_config.TextColumn(width=185, alignment="right")
        # every statistic in view: at the default ten rows a date column's last lines were cut off under a scroll
        show_frame(tables.column_stats_frame(cp), right=(value,), column_config=widths, height="content")
        how_to_read("profile.read.column_stats")
    with right:
        if charts.has_distribution(cp):
            chart(charts.column_distribution(cp), "profile.read.distribution")
        else:
            st.info(t("profile.page.no_chart_id" if cp.kind == "id_like" else "profile.page.no_chart_values"))
        timing_mark(c.name, col_name, stored_marks(c.name).get(col_name))


def correlations(c: Choice, result: Profile) -> None:
    corr = result.correlations
    methods = available_methods(corr)
    if not methods:
        st.info(t("profile.page.no_pairs"))
        return
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
    show_frame(tables.pairs_frame(result))
    how_to_read("profile.read.tables")


def target(c: Choice, result: Profile) -> None:
    if c.target is None:
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
        glossary_row("iv", "woe", "auc", "ks")
        chart(charts.iv_bars(ta), "profile.read.iv")
        show_frame(tables.iv_frame(ta))
        how_to_read("profile.read.iv_table")
        feature = st.selectbox(
            t("profile.col.feature"),
            [tb.feature for tb in ta.tables],
            key="wb.profile.iv_feature",
            help=term_help("woe"),
        )
        chart(charts.woe_chart(ta.table(feature)), "profile.read.woe")
        show_frame(tables.bins_frame(ta.table(feature)))
        how_to_read("profile.read.bins")
    elif result.numeric_target is not None:
        show_frame(numeric_target_rows(result.numeric_target))
        how_to_read("profile.read.tables")


def stability(c: Choice, result: Profile, columns_profile: TableProfile) -> None:
    others = [n for n in sorted(c.certified) if n != c.name]
    other = st.selectbox(
        t("profile.page.compare_with"), [None, *others], format_func=none_label, key="wb.profile.compare_with"
    )
    current = c.certified.get(other) if other else None
    shown = (
        cached_compare(c.table.fingerprint, current.fingerprint, c.kinds_key, c.table, current, columns_profile)
        if current is not None
        else result.stability
    )
    if shown is None:
        st.info(t("profile.page.no_stability"))
        return
    glossary_row("psi")
    chart(charts.psi_bars(shown), "profile.read.psi")
    names = [f.feature for f in shown.features]
    if len(shown.periods) > 2:
        picked = st.multiselect(
            t("profile.col.feature"),
            names,
            default=names[:5],
            key="wb.profile.psi_features",
            placeholder=t("ui.choose_many"),
        )
        chart(charts.psi_trend(shown, picked or None), "profile.read.psi_trend")
    feature = st.selectbox(
        t("profile.page.compare_feature"), names, key="wb.profile.psi_feature", help=term_help("psi")
    )
    chart(charts.stability_bins(shown, feature), "profile.read.psi_bins")
    show_frame(tables.psi_frame(shown))
    how_to_read("profile.read.tables")


def explore(c: Choice, result: Profile) -> None:
    """Rows rather than statistics: two columns against each other, the repeated rows, the extreme rows."""
    fp, table = c.table.fingerprint, c.table
    names = [col.name for col in result.table.columns if col.kind != "id_like"] or table.columns
    numeric = [
        col.name for col in result.table.columns if col.kind == "numeric" and table.schema[col.name].is_numeric()
    ]
    st.subheader(t("profile.explore.pair"))
    left, right = st.columns(2)
    first = names.index(numeric[0]) if numeric else 0
    second = names.index(numeric[1]) if len(numeric) > 1 else min(1, len(names) - 1)
    x = left.selectbox(t("profile.explore.x"), names, index=first, key=f"wb.profile.pair_x.{c.name}")
    y = right.selectbox(t("profile.explore.y"), names, index=second, key=f"wb.profile.pair_y.{c.name}")
    view = cached_pair(fp, x, y, table)
    if view.sampled:
        st.caption(t("profile.page.sampled", n=f"{explore_rows.PAIR_SAMPLE:,}", rows=f"{view.rows:,}"))
    chart(charts.pair_chart(view), "profile.read.pair")

    st.subheader(t("profile.explore.duplicates"))
    dups = cached_duplicates(fp, table)
    if not dups.groups:
        st.success(t("profile.explore.no_duplicates"))
    else:
        st.caption(
            t(
                "profile.explore.duplicates_found",
                groups=f"{dups.groups:,}",
                extra=f"{dups.extra_rows:,}",
                shown=dups.shown,
            )
        )
        shown = dups.frame.rename({explore_rows.COUNT: t("profile.explore.times")})
        show_frame(shown, height=min(400, 38 + 35 * shown.height))
        how_to_read("profile.read.duplicates")

    st.subheader(t("profile.explore.extremes"))
    if not numeric:
        st.info(t("profile.explore.no_numeric"))
        return
    column = st.selectbox(t("profile.col.column"), numeric, key=f"wb.profile.extreme_column.{c.name}")
    ends = cached_extremes(fp, column, table)
    low, high = st.columns(2)
    with low:
        st.caption(t("profile.explore.lowest", column=column))
        show_frame(ends.lowest)
    with high:
        st.caption(t("profile.explore.highest", column=column))
        show_frame(ends.highest)
    how_to_read("profile.read.extremes")
