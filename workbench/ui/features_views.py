"""Drawing pieces of the Features page: build choices, the score table, the review card and form, exports.

The computing lives in ``workbench.features``; these functions only place widgets and read their values.
Widget keys and session keys (``wb.features.*``) are part of the page's contract with its tests and with the
Learn tour, so they are spelled here once.
"""

from __future__ import annotations

import getpass
from collections.abc import Mapping

import streamlit as st

from workbench import intake
from workbench.charts.features import bins_chart, iv_ranking
from workbench.errors import UserError
from workbench.features.codegen import to_polars_code
from workbench.features.export import (
    catalog_excel_bytes,
    feature_table,
    feature_table_bytes,
    modelling_columns,
    specs_named,
)
from workbench.features.pipeline import FeatureRun, build_features
from workbench.features.plan import DEFAULT_AGGREGATIONS
from workbench.features.project import FeatureProject
from workbench.features.propose import category_columns, project_yaml, propose_project, schema_rows, with_choices
from workbench.features.review import ReviewItem, accepted, review_queue, save_catalog, submit_review
from workbench.features.scoring import FeatureScore
from workbench.features.sql import DIALECTS, to_sql
from workbench.i18n import get_language, t
from workbench.io.table import SourceInfo, Table
from workbench.privacy import MaskedTable
from workbench.ui import state
from workbench.ui.glossary import term_help

RUN = "wb.features.run"
PROJECT = "wb.features.project"
SEEN = "wb.features.seen"  # feature -> review version this reviewer saw
WINDOW_CHOICES = [7, 14, 30, 60, 90, 180, 365]
VERDICTS = ["accept", "reject", "needs_change"]


def current_run() -> FeatureRun | None:
    return st.session_state.get(RUN)


def how_to_read(prefix: str) -> None:
    """The "how to read this" expander after a chart or table: catalog keys ``<prefix>.title`` / ``.body``."""
    with st.expander(t(f"{prefix}.title")):
        st.markdown(t(f"{prefix}.body"))


def _verdict(v: str) -> str:
    return t(f"features.verdict.{v}")


def _num(x: float | None) -> str:
    """Scores are ``None`` without a usable target or period (AUC/KS/PSI); the card shows a dash then."""
    return f"{x:.3f}" if x is not None else "-"


# --- build ------------------------------------------------------------------------------------------------------
def build_section(tables: Mapping[str, MaskedTable], store) -> None:
    """Schema, choices, the spec as YAML and the build button; a finished build lands in ``RUN``/``PROJECT``."""
    proposed = propose_project(tables, metas=store.tables.list(), relationships=store.tables.relationships())
    if proposed is None:
        st.warning(t("features.page.no_label"))
        st.page_link("pages/data.py", label=t("guard.to_data"), icon=":material/table_view:")
        return
    st.markdown(t("features.page.schema", label=proposed.relations.label.table, key=proposed.relations.label.key))
    st.dataframe(schema_rows(proposed, get_language()), hide_index=True, width="stretch")
    how_to_read("features.page.schema_how")
    project = choices(proposed, tables)
    with st.expander(t("features.page.spec_yaml")):
        spec_text = project_yaml(project)
        st.code(spec_text, language="yaml")
        st.download_button(t("features.page.spec_download"), spec_text, "features.yaml", "text/yaml")
    if st.button(t("features.page.build"), type="primary", key="wb.features.build"):
        build(project, tables, store)
    run = current_run()
    if run is not None:
        st.success(
            t("features.page.built", rows=run.features.rows, features=len(run.specs), selected=len(run.selected))
        )


def choices(proposed: FeatureProject, tables: Mapping[str, MaskedTable]) -> FeatureProject:
    """Cutoff, target, windows, aggregations and per-table categories, applied to the proposed project."""
    label = proposed.relations.label
    label_cols = tables[label.table].columns
    c1, c2 = st.columns(2)
    cutoff = c1.selectbox(
        t("features.page.cutoff"),
        label_cols,
        index=label_cols.index(label.cutoff),
        key="wb.features.cutoff",
        help=term_help("cutoff"),
    )
    target_options = [None, *label_cols]
    target = c2.selectbox(
        t("features.page.target"),
        target_options,
        key="wb.features.target",
        index=target_options.index(label.target) if label.target in label_cols else 0,
        format_func=lambda c: t("features.page.no_target") if c is None else c,
    )
    windows = st.multiselect(
        t("features.page.windows"), WINDOW_CHOICES, default=list(proposed.options.windows), key="wb.features.windows"
    )
    aggregations = st.multiselect(
        t("features.page.aggregations"),
        list(DEFAULT_AGGREGATIONS),
        default=list(DEFAULT_AGGREGATIONS),
        format_func=lambda a: t(f"features.agg.{a}"),
        key="wb.features.aggs",
    )
    by = {
        role.name: st.multiselect(
            t("features.page.by", table=role.name),
            category_columns(tables[role.name]),
            default=list(role.by),
            key=f"wb.features.by.{role.name}",
        )
        for role in proposed.relations.tables
        if role.time
    }
    return with_choices(
        proposed,
        windows=windows or [30],
        aggregations=aggregations or ["count"],
        by=by,
        target=target,
        cutoff=cutoff,
    )


def build(project: FeatureProject, tables: Mapping[str, MaskedTable], store) -> None:
    """Build with a progress bar, save the catalog, and start a fresh review session for this run."""
    bar = st.progress(0.0, text=t("features.page.building"))
    run = build_features(
        project, tables, progress=lambda f, m: bar.progress(min(f, 1.0), text=t("features.page.step", step=m))
    )
    save_catalog(store, run, project.relations.label.table)
    st.session_state[RUN] = run
    st.session_state[PROJECT] = project
    st.session_state[SEEN] = {}
    bar.empty()


# --- score & select -------------------------------------------------------------------------------------------
def score_column_config() -> dict:
    """Headers, formats and glossary tooltips of the ranked table (IV/AUC/KS/PSI stay as bankers write them)."""
    number = st.column_config.NumberColumn
    return {
        "iv": number("IV", format="%.3f", help=term_help("iv")),
        "auc": number("AUC", format="%.3f", help=term_help("auc")),
        "ks": number("KS", format="%.3f", help=term_help("ks")),
        "psi": number("PSI", format="%.3f", help=term_help("psi")),
        "missing": number(t("features.catalog.missing"), format="percent"),
        "name": t("features.catalog.name"),
        "description": t("features.page.description"),
        "selected": t("features.catalog.selected"),
        "reason": t("features.catalog.reason"),
    }


def score_section(run: FeatureRun | None) -> None:
    if run is None:
        st.info(t("features.page.build_first"))
        return
    if not run.scores:
        st.info(t("features.page.no_scores"))
        return
    lang = get_language()
    table = run.table(lang)
    m1, m2, m3 = st.columns(3)
    m1.metric(t("features.page.n_features"), len(run.specs))
    m2.metric(t("features.page.n_selected"), len(run.selected))
    m3.metric(t("features.page.n_flagged"), int(table["leakage_suspect"].sum()), help=term_help("leakage"))
    st.dataframe(
        table.select("rank", "name", "description", "iv", "auc", "ks", "missing", "psi", "selected", "reason"),
        hide_index=True,
        width="stretch",
        column_config=score_column_config(),
    )
    how_to_read("features.page.how_table")
    st.plotly_chart(iv_ranking(table, lang=lang), width="stretch")
    how_to_read("features.page.how_iv")


# --- review ---------------------------------------------------------------------------------------------------------
def review_section(run: FeatureRun | None, store) -> None:
    """Queue filters, the picked feature's card, the verdict form and its history."""
    if run is None:
        st.info(t("features.page.build_first"))
        return
    c1, c2 = st.columns([2, 1])
    reviewer = c1.text_input(t("features.page.reviewer"), value=getpass.getuser(), key="wb.features.reviewer")
    only_selected = c2.toggle(t("features.page.only_selected"), value=True, key="wb.features.only_selected")
    queue = review_queue(store, run, only_selected=only_selected and bool(run.recommendations))
    if not queue:
        st.info(t("features.page.queue_empty"))
        return
    item = pick_feature(queue)
    seen = st.session_state.setdefault(SEEN, {})
    seen.setdefault(item.name, item.version)
    feature_card(item, run)
    review_form(item, store, reviewer, seen)
    review_history(store, item.name)


def pick_feature(queue: list[ReviewItem]) -> ReviewItem:
    """A feature from the queue, labelled with its description and current verdict if any."""
    lang = get_language()
    items = {i.name: i for i in queue}

    def label(n: str) -> str:
        current = items[n].current
        return f"{n} — {items[n].spec.description(lang)}" + (f" [{_verdict(current.verdict)}]" if current else "")

    name = st.selectbox(t("features.page.pick_feature"), list(items), key="wb.features.pick", format_func=label)
    return items[name]


def score_metrics(score: FeatureScore) -> None:
    cols = st.columns(5)
    cols[0].metric("IV", f"{score.iv:.3f}", help=term_help("iv"))
    cols[1].metric("AUC", _num(score.auc), help=term_help("auc"))
    cols[2].metric("KS", _num(score.ks), help=term_help("ks"))
    cols[3].metric("PSI", _num(score.psi), help=term_help("psi"))
    cols[4].metric(t("features.catalog.missing"), f"{score.missing:.1%}")


def feature_card(item: ReviewItem, run: FeatureRun) -> None:
    """Descriptions, scores, bad rate by bin, the definition and the verdict already recorded."""
    lang = get_language()
    st.markdown(f"**{item.spec.description_ko}** / {item.spec.description_en}")
    if item.score is not None:
        score_metrics(item.score)
        if item.recommendation is not None:
            st.caption(item.recommendation.explain(item.score, run.thresholds, lang))
        st.plotly_chart(bins_chart(item.score, lang=lang), width="stretch", key=f"wb.features.bins.{item.name}")
        how_to_read("features.page.how_bins")
    with st.expander(t("features.page.definition")):
        st.json(item.spec.to_dict())
    if item.current is not None:
        st.info(
            t(
                "features.page.current",
                verdict=_verdict(item.current.verdict),
                reviewer=item.current.reviewer,
                at=f"{item.current.at:%Y-%m-%d %H:%M}",
                comment=item.current.comment or "-",
            )
        )


def review_form(item: ReviewItem, store, reviewer: str, seen: dict[str, int]) -> None:
    """The verdict form. A colleague's verdict recorded since this page was drawn is shown, not overwritten;
    after reading it, the next submit is a deliberate answer to it (``seen`` moves to its version)."""
    name = item.name
    with st.form(f"wb.features.review.{name}", clear_on_submit=False):
        verdict = st.radio(t("features.page.verdict"), VERDICTS, horizontal=True, format_func=_verdict)
        comment = st.text_area(t("features.page.comment"))
        submitted = st.form_submit_button(t("features.page.submit"), type="primary", key="wb.features.submit_review")
    if not submitted:
        return
    outcome = submit_review(store, name, verdict, comment, reviewer, seen[name], get_language())
    if outcome.saved is not None:
        seen[name] = outcome.saved.version
        st.success(t("features.page.saved", verdict=_verdict(verdict)))
        return
    st.error(outcome.error)
    if outcome.conflict:
        other = outcome.current
        st.warning(
            t(
                "features.page.conflict_other",
                reviewer=other.reviewer,
                verdict=_verdict(other.verdict),
                comment=other.comment or "-",
            )
        )
        seen[name] = other.version


def history_rows(history) -> list[dict[str, object]]:
    """One row per recorded verdict, oldest first, with headers in the reader's language."""
    return [
        {
            "#": r.version,
            t("features.catalog.verdict"): _verdict(r.verdict),
            t("features.catalog.reviewer"): r.reviewer,
            t("features.catalog.comment"): r.comment,
            t("features.page.at"): f"{r.at:%Y-%m-%d %H:%M}",
        }
        for r in history
    ]


def review_history(store, name: str) -> None:
    history = store.reviews.history(name)
    if history:
        with st.expander(t("features.page.history", n=len(history))):
            st.dataframe(history_rows(history), hide_index=True)


# --- export -----------------------------------------------------------------------------------------------------
def export_section(run: FeatureRun | None, store) -> None:
    """Accepted features (or, when none, the automatically selected ones on request) as files, SQL and code."""
    if run is None:
        st.info(t("features.page.build_first"))
        return
    chosen = accepted(store, run.features.names)
    if chosen:
        st.markdown(t("features.page.export_accepted", n=len(chosen)))
    else:
        st.warning(t("features.page.none_accepted"))
        if st.checkbox(t("features.page.use_selected"), key="wb.features.use_selected"):
            chosen = run.selected
    if chosen:
        save_for_modelling(run, store, chosen, st.session_state[PROJECT])
        downloads(run, store, chosen, st.session_state[PROJECT])


def save_for_modelling(run: FeatureRun, store, chosen: list[str], project: FeatureProject) -> None:
    """The label rows with the chosen features as a workspace dataset, so the Model page can train on them."""
    name = f"features_{project.relations.label.table}"
    if not st.button(t("features.page.save_dataset", name=name, n=len(chosen)), key="wb.features.save_dataset"):
        return
    try:
        result = intake.take_in(Table(name, feature_table(run.features, chosen), SourceInfo("features", name)), store)
    except UserError as err:
        st.error(str(err))
        return
    if result.masked is not None:
        state.remember_certified(result.masked)
        st.success(t("features.page.saved_dataset", name=name, rows=f"{result.rows:,}", columns=result.columns))


def downloads(run: FeatureRun, store, chosen: list[str], project: FeatureProject) -> None:
    specs = specs_named(run.specs, chosen)
    c1, c2, c3 = st.columns(3)
    c1.download_button(
        t("features.page.dl_parquet"),
        feature_table_bytes(run.features, chosen, "parquet"),
        "features.parquet",
        "application/octet-stream",
    )
    c2.download_button(
        t("features.page.dl_csv"), feature_table_bytes(run.features, chosen, "csv"), "features.csv", "text/csv"
    )
    c3.download_button(
        t("features.page.dl_catalog"),
        catalog_excel_bytes(run, reviews=store.reviews.states(), lang=get_language()),
        "feature_catalog.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    dialect = st.selectbox(
        t("features.page.dialect"), DIALECTS, index=DIALECTS.index("postgres"), key="wb.features.dialect"
    )
    sql = to_sql(project.relations, specs, modelling_columns(run.features), dialect=dialect)
    st.download_button(t("features.page.dl_sql"), sql, f"features_{dialect}.sql", "text/plain")
    code = to_polars_code(project.relations, specs)
    st.download_button(t("features.page.dl_polars"), code, "features_polars.py", "text/x-python")
    with st.expander(t("features.page.sql_preview")):
        st.code(sql[:6000], language="sql")
    how_to_read("features.page.how_export")
