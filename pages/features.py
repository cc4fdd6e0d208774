"""Features: build candidates from certified tables, score and select, expert review, export."""

import getpass

import streamlit as st

from workbench.ui.router import through_router

through_router()
import yaml

from workbench.charts.features import bins_chart, iv_ranking
from workbench.features.codegen import to_polars_code
from workbench.features.export import catalog_excel_bytes, feature_table_bytes
from workbench.features.pipeline import build_features
from workbench.features.plan import DEFAULT_AGGREGATIONS
from workbench.features.propose import (
    category_columns,
    project_to_dict,
    propose_project,
    schema_rows,
    with_choices,
)
from workbench.features.review import accepted, review_queue, save_catalog, submit_review
from workbench.features.sql import DIALECTS, to_sql
from workbench.i18n import get_language, t
from workbench.ui import state

RUN = "wb.features.run"
PROJECT = "wb.features.project"
SEEN = "wb.features.seen"  # feature -> review version this reviewer saw
lang = get_language()

st.title(t("features.page.title"))
st.caption(t("features.page.intro"))
tables = state.require_certified()
store = state.store()

tab_build, tab_score, tab_review, tab_export = st.tabs(
    [t("features.tab.build"), t("features.tab.score"), t("features.tab.review"), t("features.tab.export")]
)

# --- build ------------------------------------------------------------------------------------------------------
with tab_build:
    proposed = propose_project(tables, metas=store.tables.list(), relationships=store.tables.relationships())
    if proposed is None:
        st.warning(t("features.page.no_label"))
        st.page_link("pages/data.py", label=t("guard.to_data"), icon=":material/table_view:")
    else:
        rel = proposed.relations
        label_cols = tables[rel.label.table].columns
        st.markdown(t("features.page.schema", label=rel.label.table, key=rel.label.key))
        st.dataframe(schema_rows(proposed, lang), hide_index=True, width="stretch")
        with st.expander(t("features.page.schema_how.title")):
            st.markdown(t("features.page.schema_how.body"))
        c1, c2 = st.columns(2)
        cutoff = c1.selectbox(
            t("features.page.cutoff"), label_cols, index=label_cols.index(rel.label.cutoff), key="wb.features.cutoff"
        )
        target_options = [None, *label_cols]
        target = c2.selectbox(
            t("features.page.target"),
            target_options,
            key="wb.features.target",
            index=target_options.index(rel.label.target) if rel.label.target in label_cols else 0,
            format_func=lambda c: t("features.page.no_target") if c is None else c,
        )
        windows = st.multiselect(
            t("features.page.windows"),
            [7, 14, 30, 60, 90, 180, 365],
            default=list(proposed.options.windows),
            key="wb.features.windows",
        )
        aggregations = st.multiselect(
            t("features.page.aggregations"),
            list(DEFAULT_AGGREGATIONS),
            default=list(DEFAULT_AGGREGATIONS),
            format_func=lambda a: t(f"features.agg.{a}"),
            key="wb.features.aggs",
        )
        by = {}
        for role in rel.tables:
            if role.time:
                by[role.name] = st.multiselect(
                    t("features.page.by", table=role.name),
                    category_columns(tables[role.name]),
                    default=list(role.by),
                    key=f"wb.features.by.{role.name}",
                )
        project = with_choices(
            proposed,
            windows=windows or [30],
            aggregations=aggregations or ["count"],
            by=by,
            target=target,
            cutoff=cutoff,
        )
        with st.expander(t("features.page.spec_yaml")):
            spec_text = yaml.safe_dump(project_to_dict(project), allow_unicode=True, sort_keys=False)
            st.code(spec_text, language="yaml")
            st.download_button(t("features.page.spec_download"), spec_text, "features.yaml", "text/yaml")
        if st.button(t("features.page.build"), type="primary", key="wb.features.build"):
            bar = st.progress(0.0, text=t("features.page.building"))
            run = build_features(
                project, tables, progress=lambda f, m: bar.progress(min(f, 1.0), text=t("features.page.step", step=m))
            )
            save_catalog(store, run, rel.label.table)
            st.session_state[RUN] = run
            st.session_state[PROJECT] = project
            st.session_state[SEEN] = {}
            bar.empty()
        run = st.session_state.get(RUN)
        if run is not None:
            st.success(
                t("features.page.built", rows=run.features.rows, features=len(run.specs), selected=len(run.selected))
            )

run = st.session_state.get(RUN)

# --- score & select -------------------------------------------------------------------------------------------
with tab_score:
    if run is None:
        st.info(t("features.page.build_first"))
    elif not run.scores:
        st.info(t("features.page.no_scores"))
    else:
        table = run.table(lang)
        m1, m2, m3 = st.columns(3)
        m1.metric(t("features.page.n_features"), len(run.specs))
        m2.metric(t("features.page.n_selected"), len(run.selected))
        m3.metric(t("features.page.n_flagged"), int(table["leakage_suspect"].sum()))
        st.dataframe(
            table.select("rank", "name", "description", "iv", "auc", "ks", "missing", "psi", "selected", "reason"),
            hide_index=True,
            width="stretch",
            column_config={
                "iv": st.column_config.NumberColumn("IV", format="%.3f"),
                "auc": st.column_config.NumberColumn("AUC", format="%.3f"),
                "ks": st.column_config.NumberColumn("KS", format="%.3f"),
                "psi": st.column_config.NumberColumn("PSI", format="%.3f"),
                "missing": st.column_config.NumberColumn(t("features.catalog.missing"), format="percent"),
                "name": t("features.catalog.name"),
                "description": t("features.page.description"),
                "selected": t("features.catalog.selected"),
                "reason": t("features.catalog.reason"),
            },
        )
        with st.expander(t("features.page.how_table.title")):
            st.markdown(t("features.page.how_table.body"))
        st.plotly_chart(iv_ranking(table, lang=lang), width="stretch")
        with st.expander(t("features.page.how_iv.title")):
            st.markdown(t("features.page.how_iv.body"))

# --- review ---------------------------------------------------------------------------------------------------------
with tab_review:
    if run is None:
        st.info(t("features.page.build_first"))
    else:
        c1, c2 = st.columns([2, 1])
        reviewer = c1.text_input(t("features.page.reviewer"), value=getpass.getuser(), key="wb.features.reviewer")
        only_selected = c2.toggle(t("features.page.only_selected"), value=True, key="wb.features.only_selected")
        queue = review_queue(store, run, only_selected=only_selected and bool(run.recommendations))
        if not queue:
            st.info(t("features.page.queue_empty"))
        else:
            items = {i.name: i for i in queue}
            name = st.selectbox(
                t("features.page.pick_feature"),
                list(items),
                key="wb.features.pick",
                format_func=lambda n: (
                    f"{n} — {items[n].spec.description(lang)}"
                    + (f" [{t('features.verdict.' + items[n].current.verdict)}]" if items[n].current else "")
                ),
            )
            item = items[name]
            seen = st.session_state.setdefault(SEEN, {})
            seen.setdefault(name, item.version)
            st.markdown(f"**{item.spec.description_ko}** / {item.spec.description_en}")
            if item.score is not None:
                cols = st.columns(5)
                cols[0].metric("IV", f"{item.score.iv:.3f}")
                cols[1].metric("AUC", f"{item.score.auc:.3f}" if item.score.auc is not None else "-")
                cols[2].metric("KS", f"{item.score.ks:.3f}" if item.score.ks is not None else "-")
                cols[3].metric("PSI", f"{item.score.psi:.3f}" if item.score.psi is not None else "-")
                cols[4].metric(t("features.catalog.missing"), f"{item.score.missing:.1%}")
                if item.recommendation is not None:
                    st.caption(item.recommendation.explain(item.score, run.thresholds, lang))
                st.plotly_chart(bins_chart(item.score, lang=lang), width="stretch", key=f"wb.features.bins.{name}")
                with st.expander(t("features.page.how_bins.title")):
                    st.markdown(t("features.page.how_bins.body"))
            with st.expander(t("features.page.definition")):
                st.json(item.spec.to_dict())
            if item.current is not None:
                st.info(
                    t(
                        "features.page.current",
                        verdict=t(f"features.verdict.{item.current.verdict}"),
                        reviewer=item.current.reviewer,
                        at=f"{item.current.at:%Y-%m-%d %H:%M}",
                        comment=item.current.comment or "-",
                    )
                )
            with st.form(f"wb.features.review.{name}", clear_on_submit=False):
                verdict = st.radio(
                    t("features.page.verdict"),
                    ["accept", "reject", "needs_change"],
                    horizontal=True,
                    format_func=lambda v: t(f"features.verdict.{v}"),
                )
                comment = st.text_area(t("features.page.comment"))
                submitted = st.form_submit_button(t("features.page.submit"), type="primary")
            if submitted:
                outcome = submit_review(store, name, verdict, comment, reviewer, seen[name], lang)
                if outcome.saved is not None:
                    seen[name] = outcome.saved.version
                    st.success(t("features.page.saved", verdict=t(f"features.verdict.{verdict}")))
                else:
                    st.error(outcome.error)
                    if outcome.conflict:
                        other = outcome.current
                        st.warning(
                            t(
                                "features.page.conflict_other",
                                reviewer=other.reviewer,
                                verdict=t(f"features.verdict.{other.verdict}"),
                                comment=other.comment or "-",
                            )
                        )
                        seen[name] = other.version  # the next submit is a deliberate answer to it
            history = store.reviews.history(name)
            if history:
                with st.expander(t("features.page.history", n=len(history))):
                    st.dataframe(
                        [
                            {
                                "#": r.version,
                                t("features.catalog.verdict"): t(f"features.verdict.{r.verdict}"),
                                t("features.catalog.reviewer"): r.reviewer,
                                t("features.catalog.comment"): r.comment,
                                t("features.page.at"): f"{r.at:%Y-%m-%d %H:%M}",
                            }
                            for r in history
                        ],
                        hide_index=True,
                    )

# --- export -----------------------------------------------------------------------------------------------------
with tab_export:
    if run is None:
        st.info(t("features.page.build_first"))
    else:
        chosen = accepted(store, run.features.names)
        if chosen:
            st.markdown(t("features.page.export_accepted", n=len(chosen)))
        else:
            st.warning(t("features.page.none_accepted"))
            if st.checkbox(t("features.page.use_selected"), key="wb.features.use_selected"):
                chosen = run.selected
        if chosen:
            specs = [s for s in run.specs if s.name in chosen]
            project = st.session_state[PROJECT]
            label_columns = [c for c in run.features.frame.columns if c not in run.features.names]
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
                catalog_excel_bytes(run, reviews=store.reviews.states(), lang=lang),
                "feature_catalog.xlsx",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
            dialect = st.selectbox(
                t("features.page.dialect"), DIALECTS, index=DIALECTS.index("postgres"), key="wb.features.dialect"
            )
            sql = to_sql(project.relations, specs, label_columns, dialect=dialect)
            st.download_button(t("features.page.dl_sql"), sql, f"features_{dialect}.sql", "text/plain")
            code = to_polars_code(project.relations, specs)
            st.download_button(t("features.page.dl_polars"), code, "features_polars.py", "text/x-python")
            with st.expander(t("features.page.sql_preview")):
                st.code(sql[:6000], language="sql")
            with st.expander(t("features.page.how_export.title")):
                st.markdown(t("features.page.how_export.body"))
