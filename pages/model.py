"""Model page: pick a certified dataset, a target, a split and features; train the LightGBM baseline with
progress; read the results (metrics per split, charts with reading help, warnings); compare runs; download
the model and its card. Drawing only: every number comes from ``workbench.model``."""

import streamlit as st

from workbench.ui.router import through_router

through_router()

from workbench.charts import model as charts
from workbench.errors import UserError
from workbench.i18n import t
from workbench.model.baseline import TrainConfig, TrainingResult, train_baseline
from workbench.model.frame import candidate_features, preview_target, split_columns
from workbench.model.runs import comparison_frame, metrics_frame, save_run, stored_runs
from workbench.model.splits import SplitSpec
from workbench.report.model_card import model_card_html
from workbench.ui.nav import available_pages
from workbench.ui.shell import apply_language
from workbench.ui.state import certified_tables, store

RESULT = "wb.model.result"


def help_box(name: str) -> None:
    with st.expander(t("model.help.title")):
        st.markdown(t(f"model.help.{name}"))


def show_chart(fig, name: str, key: str) -> None:
    st.plotly_chart(fig, key=key, config={"displaylogo": False})
    help_box(name)


apply_language()  # idempotent; also when the page runs on its own (AppTest.switch_page)
st.title(t("nav.model"))
st.caption(t("model.page.intro"))

certified = certified_tables()
if not certified:  # say why, and lead to the pages that load and certify data (those present in this build)
    st.warning(t("guard.no_certified"))
    present = {p.path for p in available_pages()}
    for path, key, icon in (
        ("pages/data.py", "guard.to_data", ":material/table_view:"),
        ("pages/privacy.py", "guard.to_privacy", ":material/shield_lock:"),
    ):
        if path in present:
            st.page_link(path, label=t(key), icon=icon)
    st.stop()

# --- setup ----------------------------------------------------------------------------------------------
name = st.selectbox(t("model.page.dataset"), sorted(certified), key="wb.model.dataset")
table = certified[name]
st.caption(
    t(
        "model.page.dataset_info",
        rows=f"{table.height:,}",
        columns=len(table.columns),
        policy=table.policy_version if table.policy_version is not None else "–",
    )
)
target = st.selectbox(t("model.page.target"), table.columns, key="wb.model.target", index=len(table.columns) - 1)
preview = preview_target(table, target)
left, right = st.columns(2)
task_choice = left.selectbox(
    t("model.page.task"),
    ("auto", "binary", "multiclass", "regression"),
    key="wb.model.task",
    format_func=lambda v: t("model.page.task_auto") if v == "auto" else t(f"model.task.{v}"),
    help=t("model.page.task_detected", task=t(f"model.task.{preview.task}")),
)
task = None if task_choice == "auto" else task_choice
left.caption(t("model.page.task_detected", task=t(f"model.task.{preview.task}")))
event = None
if (task or preview.task) == "binary" and len(preview.values) == 2:
    event = right.selectbox(
        t("model.page.event"),
        preview.values,
        key=f"wb.model.event.{name}.{target}",
        index=preview.values.index(preview.event) if preview.event in preview.values else 0,
    )

dates, keys = split_columns(table)
split_kinds = ["random", *(["time"] if dates else []), *(["group"] if keys else [])]
left, right = st.columns(2)
split_kind = left.radio(
    t("model.page.split"),
    split_kinds,
    key="wb.model.split",
    horizontal=True,
    format_func=lambda k: t(f"model.page.split_{k}"),
)
split_column = None
if split_kind == "time":
    split_column = right.selectbox(t("model.page.date_column"), dates, key="wb.model.split_date")
elif split_kind == "group":
    split_column = right.selectbox(t("model.page.key_column"), keys, key="wb.model.split_key")

usable, excluded = candidate_features(table, target)
features = st.multiselect(
    t("model.page.features"), usable, default=list(usable), key=f"wb.model.features.{name}.{target}"
)
if excluded:
    st.caption(
        t(
            "model.page.excluded",
            columns=", ".join(
                f"{e.column} ({t(f'model.exclude.{e.reason}')})" for e in excluded if e.reason != "target"
            ),
        )
    )

with st.expander(t("model.page.options")):
    imbalance = st.selectbox(
        t("model.page.imbalance"),
        ("none", "is_unbalance", "scale_pos_weight"),
        key="wb.model.imbalance",
        format_func=lambda v: t(f"model.page.imbalance_{v}"),
    )
    search = st.checkbox(t("model.page.search"), key="wb.model.search", help=t("model.page.search_help"))
    seed = st.number_input(t("model.page.seed"), value=42, step=1, key="wb.model.seed")

# --- training -------------------------------------------------------------------------------------------
if st.button(t("model.page.train"), type="primary", key="wb.model.train", disabled=not features):
    bar = st.progress(0.0, text=t("model.stage.frame"))

    def on_iteration(iteration: int, total: int, metric: str, value: float) -> None:
        if iteration % 10 == 0 or iteration == 1:
            bar.progress(
                min(iteration / total, 1.0),
                text=t("model.progress", iteration=iteration, total=total, metric=metric, value=f"{value:.4f}"),
            )

    config = TrainConfig(
        target=target,
        task=task,
        event=event,
        features=tuple(features),
        split=SplitSpec(split_kind, split_column, seed=int(seed)),
        imbalance=imbalance,
        search=search,
        seed=int(seed),
    )
    try:
        result = train_baseline(
            table,
            config,
            progress=on_iteration,
            stage=lambda key: bar.progress(0.0, text=t(key)) if key != "model.stage.train" else None,
        )
    except UserError as err:
        bar.empty()
        st.error(str(err))
    else:
        bar.progress(1.0, text=t("model.page.done", iterations=result.best_iteration))
        run_id = None
        try:
            run_id = save_run(result, store())
        except UserError as err:
            st.warning(t("model.page.not_saved", reason=str(err)))
        st.session_state[RESULT] = (result, run_id)

# --- results --------------------------------------------------------------------------------------------
if RESULT not in st.session_state:
    st.stop()
result: TrainingResult
result, run_id = st.session_state[RESULT]
st.header(t("model.page.results"))
if result.event is not None:
    st.success(t("model.event_is", event=result.target.classes[1], other=result.target.classes[0]))
for w in result.warnings:
    (st.error if w.severity == "danger" else st.warning)(w.message())

st.subheader(t("model.card.section.metrics"))
st.dataframe(metrics_frame(result), hide_index=True, key="wb.model.metrics_table")
help_box("metrics")
if result.scorecard is not None:
    st.caption(
        t(
            "model.page.scorecard_vs",
            lgbm=f"{result.metrics['test'].auc:.3f}",
            scorecard=f"{result.scorecard.metrics['test'].auc:.3f}",
        )
    )
    help_box("scorecard")

names = charts.charts_for(result)
groups = [
    ("model.page.tab_discrimination", ("roc", "pr", "ks")),
    ("model.page.tab_ranking", ("lift", "gain", "score_distribution")),
    ("model.page.tab_threshold", ("confusion", "calibration")),
    ("model.page.tab_explain", ("importance", "shap_beeswarm", "shap_dependence")),
    ("model.page.tab_training", ("history",)),
]
groups = [(label, tuple(n for n in members if n in names)) for label, members in groups]
groups = [g for g in groups if g[1]]
for tab, (_, members) in zip(st.tabs([t(label) for label, _ in groups]), groups, strict=True):
    with tab:
        for chart_name in members:
            if chart_name == "confusion":
                threshold = st.slider(
                    t("model.chart.threshold"), 0.0, 1.0, float(result.threshold or 0.5), 0.01, key="wb.model.threshold"
                )
                show_chart(charts.confusion_chart(result, threshold=threshold), chart_name, "wb.model.chart.confusion")
            elif chart_name == "shap_dependence" and result.shap is not None:
                ranked = [f.feature for f in sorted(result.importance, key=lambda f: -f.shap)]
                feature = st.selectbox(t("model.page.dependence_feature"), ranked, key="wb.model.dependence")
                show_chart(charts.shap_dependence_chart(result, feature), chart_name, "wb.model.chart.dependence")
            else:
                show_chart(charts.chart(chart_name, result), chart_name, f"wb.model.chart.{chart_name}")

# --- runs and downloads ---------------------------------------------------------------------------------
runs = stored_runs(store(), dataset=result.data.name)
if len(runs) > 1:
    st.subheader(t("model.chart.run_comparison"))
    ids = [run_id for run_id, _ in runs]
    chosen = st.multiselect(t("model.page.compare_runs"), ids, default=ids[-5:], key="wb.model.compare")
    picked = [(rid, rec) for rid, rec in runs if rid in chosen]
    if picked:
        st.dataframe(comparison_frame(picked), hide_index=True, key="wb.model.runs_table")
        main_metric = comparison_frame(picked[-1:])["metric"][0]
        show_chart(
            charts.run_comparison_chart([(rid, rec["metrics"]) for rid, rec in picked], main_metric),
            "run_comparison",
            "wb.model.chart.runs",
        )

st.subheader(t("model.page.downloads"))
left, right = st.columns(2)
stem = f"{result.data.name}_{result.target.column}"
left.download_button(
    t("model.page.download_model"),
    result.model_text,
    file_name=f"{stem}_lightgbm.txt",
    mime="text/plain",
    key="wb.model.download_model",
    icon=":material/download:",
)
right.download_button(
    t("model.page.download_card"),
    lambda: model_card_html(result, run_id=run_id),
    file_name=f"{stem}_model_card.html",
    mime="text/html",
    key="wb.model.download_card",
    icon=":material/description:",
)
