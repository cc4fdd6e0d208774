"""Drawing pieces of the Model page: the training setup, training with progress, the results dashboard, the
run comparison and the downloads. Every number comes from ``workbench.model``; these only lay it out."""

from __future__ import annotations

import polars as pl
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from workbench.charts import model as charts
from workbench.charts.common import readable
from workbench.charts.runs import importance_overlay, roc_overlay
from workbench.errors import UserError
from workbench.i18n import t
from workbench.i18n.formats import column_header, split_kind, when
from workbench.model.baseline import TrainConfig, TrainingResult, train_baseline
from workbench.model.explain import ranked_by_shap
from workbench.model.frame import candidate_features, preview_target, split_columns
from workbench.model.runs import comparison_frame, main_metric, metrics_frame, metrics_table, save_run, stored_runs
from workbench.model.splits import SplitSpec, split_kinds
from workbench.model.warnings import group_warnings
from workbench.privacy import MaskedTable
from workbench.report.model_card import model_card_html
from workbench.signals.timing import known_after
from workbench.ui import job_views, place
from workbench.ui.explain import read_box
from workbench.ui.glossary import glossary_link, term_help
from workbench.ui.lazy_tabs import lazy_tabs
from workbench.ui.state import store
from workbench.ui.tables import header, show_frame

RESULT = "wb.model.result"  # (TrainingResult, run id or None) of this session's last training
JOB = "wb.model.job"  # (training job id, taken?) this session follows (``job_views.follow``)

# result tabs: (label key, charts in it, glossary term explained there)
TABS = (
    ("model.page.tab_discrimination", ("roc", "pr", "ks"), None),
    ("model.page.tab_ranking", ("lift", "gain", "score_distribution"), "lift"),
    ("model.page.tab_threshold", ("confusion", "threshold_metrics", "calibration"), "calibration"),
    ("model.page.tab_explain", ("importance", "shap_beeswarm", "shap_dependence"), "shap"),
    ("model.page.tab_training", ("history",), None),
)
GLOSSARY_COLUMNS = ("auc", "gini", "ks")  # metrics-table columns with a glossary tooltip


def help_box(name: str) -> None:
    read_box(f"model.help.{name}", "model.help.title")


def show_chart(fig, name: str, key: str) -> None:
    st.plotly_chart(readable(fig), key=key, config={"displaylogo": False})
    help_box(name)


def dataset_caption(table: MaskedTable) -> None:
    policy = table.policy_version if table.policy_version is not None else "–"
    st.caption(t("model.page.dataset_info", rows=f"{table.height:,}", columns=len(table.columns), policy=policy))


def training_setup(name: str, table: MaskedTable, default_target: str | None = None) -> TrainConfig:
    """Target, task, event, split, features and options as one ``TrainConfig`` (features may be empty).

    The target starts on the one recorded for the table, else on the last column."""
    cols = table.columns
    start = cols.index(default_target) if default_target in cols else len(cols) - 1
    target = st.selectbox(t("model.page.target"), cols, key="wb.model.target", index=start)
    preview = preview_target(table, target)
    detected = t("model.page.task_detected", task=t(f"model.task.{preview.task}"))
    left, right = st.columns(2)
    task_choice = left.selectbox(
        t("model.page.task"),
        ("auto", "binary", "multiclass", "regression"),
        key="wb.model.task",
        format_func=lambda v: t("model.page.task_auto") if v == "auto" else t(f"model.task.{v}"),
        help=detected,
    )
    task = None if task_choice == "auto" else task_choice
    left.caption(detected)
    event = None
    if (task or preview.task) == "binary" and len(preview.values) == 2:
        event = right.selectbox(
            t("model.page.event"),
            preview.values,
            key=f"wb.model.event.{name}.{target}",
            index=preview.values.index(preview.event) if preview.event in preview.values else 0,
        )
    split = _split_choice(table)
    features = _feature_choice(name, table, target)
    with st.expander(t("model.page.options")):
        imbalance = st.selectbox(
            t("model.page.imbalance"),
            ("none", "is_unbalance", "scale_pos_weight"),
            key="wb.model.imbalance",
            format_func=lambda v: t(f"model.page.imbalance_{v}"),
        )
        search = st.checkbox(t("model.page.search"), key="wb.model.search", help=t("model.page.search_help"))
        seed = int(st.number_input(t("model.page.seed"), value=42, step=1, key="wb.model.seed"))
    return TrainConfig(
        target=target,
        task=task,
        event=event,
        features=features,
        split=SplitSpec(split.kind, split.column, seed=seed),
        imbalance=imbalance,
        search=search,
        seed=seed,
        timing_marks=tuple(store().timing.current(name).values()),
    )


def _split_choice(table: MaskedTable) -> SplitSpec:
    dates, keys = split_columns(table)
    left, right = st.columns(2)
    kind = left.radio(
        t("model.page.split"),
        split_kinds(dates, keys),
        key="wb.model.split",
        horizontal=True,
        format_func=lambda k: t(f"model.page.split_{k}"),
        help=term_help("out_of_time"),
    )
    column = None
    if kind == "time":
        column = right.selectbox(t("model.page.date_column"), dates, key="wb.model.split_date")
    elif kind == "group":
        column = right.selectbox(t("model.page.key_column"), keys, key="wb.model.split_key")
    return SplitSpec(kind, column)


def _feature_choice(name: str, table: MaskedTable, target: str) -> tuple[str, ...]:
    usable, excluded = candidate_features(table, target, known_after=known_after(store().timing.current(name).values()))
    features = st.multiselect(
        t("model.page.features"),
        usable,
        default=list(usable),
        key=f"wb.model.features.{name}.{target}",
        placeholder=t("ui.choose_many"),
    )
    if excluded:
        reasons = (f"{e.column} ({t(f'model.exclude.{e.reason}')})" for e in excluded if e.reason != "target")
        st.caption(t("model.page.excluded", columns=", ".join(reasons)))
    return tuple(features)


def train(name: str, table: MaskedTable, config: TrainConfig, progress: DeltaGenerator | None = None) -> None:
    """Start the training as a background job (``workbench.jobs``): the page shows its progress (in ``progress``)
    and takes the result when it is done (``follow_training``); a second click while it runs starts nothing."""
    workspace = store()

    def work(report) -> tuple[TrainingResult, str | None, UserError | None]:
        """In the worker: train, then save the run (record, model, card) to the workspace."""

        def on_iteration(iteration: int, total: int, metric: str, value: float) -> None:
            if iteration % 10 == 0 or iteration == 1:
                params = {"iteration": iteration, "total": total, "metric": metric, "value": f"{value:.4f}"}
                report(iteration / total, "model.progress", **params)

        def on_stage(key: str) -> None:
            if key != "model.stage.train":  # training reports its iterations instead
                report(0.0, key)

        report(0.0, "model.stage.frame")
        result = train_baseline(table, config, progress=on_iteration, stage=on_stage)
        try:
            return result, save_run(result, workspace), None
        except UserError as err:
            return result, None, err

    job_views.start("model", JOB, f"{name}:{table.fingerprint}:{config!r}", work, where=progress)


def follow_training() -> DeltaGenerator:
    """Under the train button: a running training's progress, or the finished one taken into this session (a
    run that could not be saved says why); a user error is one line and keeps the previous result. Returns
    the place of the progress, for a training started later in this run."""
    box, done = job_views.follow("model", JOB)
    if done is not None:
        result, run_id, not_saved = done
        if not_saved is not None:
            st.warning(t("model.page.not_saved", reason=str(not_saved)))
        st.session_state[RESULT] = (result, run_id)
    return box


def results(result: TrainingResult) -> None:
    """The dashboard: event, warnings, the metrics table, then the charts in tabs, each with reading help."""
    st.header(t("model.page.results"))
    if result.event is not None:
        st.success(t("model.event_is", event=result.target.classes[1], other=result.target.classes[0]))
    warning_boxes([(w.code, w.severity, w.message()) for w in result.warnings])
    _metrics_table(result)
    _chart_tabs(result)


def _metrics_table(result: TrainingResult) -> None:
    st.subheader(t("model.card.section.metrics"))
    frame = metrics_frame(result)
    glossary = {
        c: st.column_config.NumberColumn(header(c), help=term_help(c), format="%.3f", alignment="right")
        for c in GLOSSARY_COLUMNS
        if c in frame.columns
    }
    show_frame(frame, headers=True, width="content", key="wb.model.metrics_table", column_config=glossary)
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


CHART_CHOICES = ("wb.model.threshold", "wb.model.dependence")  # held while their tab is closed


def _chart_tabs(result: TrainingResult) -> None:
    names = charts.charts_for(result)
    tabs = [(label, tuple(n for n in members if n in names), term) for label, members, term in TABS]
    tabs = [tab for tab in tabs if tab[1]]
    drawn = lazy_tabs([t(label) for label, _, _ in tabs], key="wb.model.chart_tab", keep=CHART_CHOICES)
    for tab, (_, members, term) in zip(drawn, tabs, strict=True):
        if not tab.open:  # only the open tab's charts are built and drawn
            continue
        with tab:
            if term is not None:
                glossary_link(term)
            for chart_name in members:
                _chart(result, chart_name)


def _chart(result: TrainingResult, name: str) -> None:
    if name == "confusion":
        default = float(result.threshold or 0.5)
        threshold = st.slider(t("model.chart.threshold"), 0.0, 1.0, default, 0.01, key="wb.model.threshold")
        show_chart(charts.confusion_chart(result, threshold=threshold), name, "wb.model.chart.confusion")
    elif name == "threshold_metrics":  # follows the confusion matrix's slider
        threshold = st.session_state.get("wb.model.threshold", result.threshold or 0.5)
        show_chart(charts.threshold_metrics_chart(result, threshold=threshold), name, "wb.model.chart.thresholds")
    elif name == "shap_dependence" and result.shap is not None:
        ranked = ranked_by_shap(result.importance)
        feature = st.selectbox(t("model.page.dependence_feature"), ranked, key="wb.model.dependence")
        show_chart(charts.shap_dependence_chart(result, feature), name, "wb.model.chart.dependence")
    else:
        show_chart(charts.chart(name, result), name, f"wb.model.chart.{name}")


def stored_result(dataset: str) -> None:
    """After a reload (no result in this session): the newest stored run on ``dataset``, drawn from its
    record: metrics, ROC and importance. The full dashboard needs the model's data, so it says how to redo it."""
    runs = stored_runs(store(), dataset=dataset, limit=1)
    if not runs:
        return
    run_id, rec = runs[-1]
    st.header(t("model.page.results"))
    st.info(t("model.runs.restored", run=run_id, actor=rec.get("actor", "-"), at=_when(rec)))
    stored = rec.get("warnings") or ()
    warning_boxes([(w.get("code", ""), w.get("severity", "warning"), stored_warning(w)) for w in stored])
    st.subheader(t("model.card.section.metrics"))
    show_frame(metrics_table(rec["task"], rec["metrics"], rec.get("scorecard")), headers=True, width="content")
    help_box("metrics")
    if rec.get("curves"):
        show_chart(roc_overlay([(run_id, rec)]), "roc", "wb.model.stored.roc")
    if rec.get("importance"):
        show_chart(importance_overlay([(run_id, rec)]), "importance", "wb.model.stored.importance")


def warning_boxes(warnings: list[tuple[str, str, str]]) -> None:
    """One box per warning, or one per kind when a kind comes ``GROUP_AT`` times or more (its list folded
    under it): twenty "strong predictor" boxes in a row would bury the one about overfitting."""
    for group in group_warnings(warnings):
        box = st.error if group.severity == "danger" else st.warning
        if not group.grouped:
            box(group.messages[0])
            continue
        box(t("model.warnings.group", title=t(f"model.warning_title.{group.code}"), n=len(group.messages)))
        with st.expander(t("model.warnings.group_list", n=len(group.messages))):
            st.markdown("\n".join(f"- {m}" for m in group.messages))


def stored_warning(w: dict) -> str:
    """A stored warning in the reader's language (its code and parameters are stored); older records kept
    only the message in the language of whoever trained."""
    from workbench.model.warnings import ModelWarning

    if "params" in w:
        try:
            return ModelWarning(w["code"], w.get("feature"), dict(w["params"]), w.get("severity", "warning")).message()
        except (KeyError, IndexError, ValueError):
            pass
    return w.get("message") or w.get("code")


def _when(rec: dict) -> str:
    return when(rec.get("created_at"))  # in the bank's time zone (WORKBENCH_TZ), not the server's


def run_history(dataset: str) -> None:
    """Stored runs on the dataset, newest last; pick two or more to compare metrics, ROC and importance."""
    runs = stored_runs(store(), dataset=dataset)
    if not runs:
        return
    st.header(t("model.runs.history"))
    show_frame(history_view(runs), headers=True, key="wb.model.history_table")
    help_box("run_comparison")
    if len(runs) < 2:
        return
    ids = [run_id for run_id, _ in runs]
    chosen = st.multiselect(
        t("model.page.compare_runs"), ids, default=ids[-2:], key="wb.model.compare", placeholder=t("ui.choose_many")
    )
    picked = [(rid, rec) for rid, rec in runs if rid in chosen]
    if len(picked) < 2:
        st.caption(t("model.runs.pick_two"))
        return
    if len(picked) < len(runs):  # the history above already shows every run side by side
        show_frame(history_view(picked), headers=True, key="wb.model.runs_table")
        help_box("run_comparison")
    show_chart(
        charts.run_comparison_chart([(rid, rec["metrics"]) for rid, rec in picked], main_metric(picked[-1][1]["task"])),
        "run_comparison",
        "wb.model.chart.runs",
    )
    if any(rec.get("curves") for _, rec in picked):
        show_chart(roc_overlay(picked), "roc", "wb.model.compare.roc")
    show_chart(importance_overlay(picked), "importance", "wb.model.compare.importance")


def history_view(runs: list[tuple[str, dict]]) -> pl.DataFrame:
    """``comparison_frame`` in the reader's words: the split kind and the metric from the catalog (the stored
    records and the library's frame keep their codes: ``random``, ``time:applied_at``, ``auc``)."""
    frame = comparison_frame(runs)
    return frame.with_columns(
        pl.Series("split", [split_kind(s) for s in frame["split"]], dtype=pl.String),
        pl.Series("metric", [column_header(m) for m in frame["metric"]], dtype=pl.String),
    )


def remembered_dataset(options: list[str]) -> int:
    """Index of the dataset this tab showed (``?dataset=``), else the one this analyst had last (else 0)."""
    return place.dataset_index("model_dataset", options)


def remember_dataset(name: str) -> None:
    place.remember_dataset("model_dataset", name)


def downloads(result: TrainingResult, run_id: str | None) -> None:
    """The LightGBM text model and the HTML model card (built only when clicked)."""
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
