"""The Model page's scorecard section: points table and grades, the bin editor (WOE, IV and bad rate update as
the expert edits; saved edits are stored, audited and replayed by the next training), the exports, and
scoring a new certified dataset with reasons. Drawing only: every number comes from ``workbench.model``."""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl
import streamlit as st

from workbench.cache import SharedCache
from workbench.charts import scorecard as charts
from workbench.errors import UserError
from workbench.features.rebuild import build_of_dataset
from workbench.i18n import t
from workbench.model.baseline import TrainConfig
from workbench.model.bins import count
from workbench.model.edits import BinEdit, apply_edits, as_seen, edits_from_json
from workbench.model.monotone import TRENDS
from workbench.model.rescale import SCALES, save_rescaled, scale_name
from workbench.model.runs import record_from_run, run_record, stored_runs
from workbench.model.scorecard import Scorecard, with_stored_edits
from workbench.model.scorecard_export import DIALECTS, scorecard_polars, scorecard_sql
from workbench.model.scoring import outcome_values
from workbench.privacy import MaskedTable
from workbench.report.excel import scorecard_excel
from workbench.report.tables import bin_kind, bin_label
from workbench.ui.explain import read_box
from workbench.ui.lazy_tabs import lazy_tabs
from workbench.ui.model_views import show_chart
from workbench.ui.scorecard_scoring import score_tab
from workbench.ui.state import store
from workbench.ui.tables import header, show_frame

PENDING = "wb.scorecard.pending"  # (dataset, target) -> edits not saved yet, as JSON dicts
RUN = "wb.scorecard.run"  # a run this session saved from the scorecard view (the scorecard on another scale)


def with_edits(dataset: str, config: TrainConfig) -> TrainConfig:
    """The training setup with the expert's stored bin edits for this dataset and target, so they are replayed,
    and the feature build behind a modelling table (so the run can score new raw tables)."""
    from dataclasses import replace

    build = build_of_dataset(store(), dataset)
    options = with_stored_edits(store(), dataset, config.target, config.scorecard_options)
    return replace(config, scorecard_options=options, feature_build=build.to_dict() if build else None)


def _current(dataset: str, result_key: str) -> tuple[Scorecard, dict[str, Any], str | None] | None:
    """The scorecard to show: a run this session rescaled, this session's training, else the newest stored run
    on ``dataset`` that has one."""
    rescaled = st.session_state.get(RUN)
    if rescaled and rescaled[0] == dataset:
        record = record_from_run(store().runs.get(rescaled[1]))
        return Scorecard.from_dict(record["scorecard_model"]), record, rescaled[1]
    if result_key in st.session_state:
        result, run_id = st.session_state[result_key]
        if result.scorecard is None:
            return None
        record = run_record(result) | {"run_id": run_id}
        return result.scorecard, record, run_id
    for run_id, record in reversed(stored_runs(store(), dataset=dataset, limit=5)):
        if record.get("scorecard_model"):
            return _stored_card(run_id, record), record, run_id
    return None


_CARDS = SharedCache(max_entries=16)


def _stored_card(run_id: str, record: dict[str, Any]) -> Scorecard:
    """A stored run's scorecard, one object for every session (a stored run never changes): its points table
    (a cached property) is then computed once, not on every run of every analyst's Model page."""
    return _CARDS.get_or_compute((store().url, run_id), lambda: Scorecard.from_dict(record["scorecard_model"]))


TABS = "wb.scorecard.tabs"
# the choices made in the tabs, held while another tab is open (typed edges are not: they follow the bins)
CHOICES = (
    "wb.scorecard.scale.", "wb.scorecard.dialect", "wb.scorecard.feature", "wb.scorecard.op.", "wb.scorecard.merge.",
    "wb.scorecard.split_bin.", "wb.scorecard.split_at.", "wb.scorecard.levels.", "wb.scorecard.trend.",
    "wb.scorecard.comment", "wb.scorecard.new_data", "wb.scorecard.model", "wb.scorecard.table.",
    "wb.scorecard.vintage", "wb.scorecard.challenger",
)  # fmt: skip


def section(dataset: str, table: MaskedTable, certified: dict[str, MaskedTable], result_key: str) -> None:
    """Everything about the scorecard of the current run on ``dataset``."""
    found = _current(dataset, result_key)
    if found is None:
        return
    card, record, run_id = found
    st.header(t("scorecard.page.title"))
    st.caption(
        t("scorecard.page.scale", base=f"{card.scale.base_score:g}", odds=f"{card.scale.base_odds:g}",
          pdo=f"{card.scale.pdo:g}", low=f"{card.points.min_score:g}", high=f"{card.points.max_score:g}")
    )  # fmt: skip
    points, editor, scoring = lazy_tabs(  # an edit or a choice reruns the page without leaving the tab
        [t("scorecard.page.tab_points"), t("scorecard.page.tab_bins"), t("scorecard.page.tab_score")],
        key=TABS,
        keep=CHOICES,
    )  # only the open tab is built and drawn
    if points.open:
        with points:
            _scale(card, dataset, table, run_id)
            _points(card, dataset, run_id)
    if editor.open:
        with editor:
            left_out(card)
            _editor(dataset, table, card, record)
    if scoring.open:
        with scoring:
            score_tab(record, run_id, certified)


def _scale(card: Scorecard, dataset: str, table: MaskedTable, run_id: str | None) -> None:
    """600 at 50:1 (20 to double) or the bureaus' 1–1000: a new choice is saved as a new run on that scale (the
    bins, WOE and coefficients unchanged), which the exports and scoring below then use."""
    current = scale_name(card.scale)
    options = list(SCALES) if current else [*SCALES, "custom"]
    left, right = st.columns([3, 1])
    chosen = left.radio(
        t("scorecard.scale.choice"), options, index=options.index(current or "custom"), horizontal=True,
        format_func=lambda k: t(f"scorecard.scale.{k}"), key=f"wb.scorecard.scale.{run_id}",
    )  # fmt: skip
    if chosen == (current or "custom") or chosen == "custom":
        return
    if run_id is None:
        st.info(t("scorecard.score_page.not_saved"))
        return
    if right.button(t("scorecard.scale.apply"), type="primary", key="wb.scorecard.scale_apply"):
        try:
            new = save_rescaled(store(), run_id, SCALES[chosen], table)
        except UserError as err:
            st.error(str(err))
            return
        st.session_state[RUN] = (dataset, new)
        st.rerun()


def _points(card: Scorecard, dataset: str, run_id: str | None) -> None:
    show_frame(
        readable_bins(card.points.frame()).select("feature", "bin", "label", "rows", "bad_rate", "woe", "points"),
        headers=True,
        width="content",
        key="wb.scorecard.points",
        column_config={"bad_rate": st.column_config.NumberColumn(header("bad_rate"), format="percent")},
    )
    read_box("scorecard.how.points", "model.help.title")
    shown = next((s for s in ("test", "valid", "train") if s in card.band_rates), None)
    if shown and "bad_rate" in card.band_rates[shown].columns:
        st.subheader(t("scorecard.page.grades", split=t(f"model.split.{shown}")))
        show_chart(charts.bands_chart(card.band_rates[shown]), "scorecard_bands", key="wb.scorecard.bands_chart")
        show_frame(
            card.band_rates[shown], headers=True, width="content", key="wb.scorecard.bands",
            column_config={
                "score_from": st.column_config.NumberColumn(header("score_from"), format="%d"),
                "score_to": st.column_config.NumberColumn(header("score_to"), format="%d"),
                "share": st.column_config.NumberColumn(header("share"), format="percent"),
                "bad_rate": st.column_config.NumberColumn(header("bad_rate"), format="percent"),
            },
        )  # fmt: skip
        read_box("scorecard.how.grades", "model.help.title")
    if card.distribution is not None:
        show_chart(
            charts.distribution_chart(card.distribution), "scorecard_distribution", key="wb.scorecard.distribution"
        )
    # the files are written when clicked, not on every run (the workbook alone was 30 % of the page's run)
    left, mid, right = st.columns(3)
    name = f"scorecard_{run_id or dataset}"
    left.download_button(
        t("scorecard.page.excel"), lambda: scorecard_excel(card), f"{name}.xlsx", key="wb.scorecard.excel",
        on_click="ignore",
    )  # fmt: skip
    dialect = mid.selectbox(t("scorecard.page.dialect"), DIALECTS, key="wb.scorecard.dialect")
    mid.download_button(
        t("scorecard.page.sql"), lambda: scorecard_sql(card, table=dataset, dialect=dialect, title=run_id or ""),
        f"{name}_{dialect}.sql", key="wb.scorecard.sql", on_click="ignore",
    )  # fmt: skip
    right.download_button(
        t("scorecard.page.polars"), lambda: scorecard_polars(card, title=run_id or ""), f"{name}.py",
        key="wb.scorecard.polars", on_click="ignore",
    )  # fmt: skip


def readable_bins(bins: pl.DataFrame) -> pl.DataFrame:
    """The bin table with its missing/other labels and its kinds in the reader's words (codes stay in the model)."""
    return bins.with_columns(
        pl.Series("label", [bin_label(lb, k) for lb, k in zip(bins["label"], bins["kind"], strict=True)]),
        pl.Series("kind", [bin_kind(k) for k in bins["kind"]]),
    )


def _editor(dataset: str, table: MaskedTable, card: Scorecard, record: dict[str, Any]) -> None:
    target = record["target"]
    if target not in table.columns:
        st.info(t("scorecard.editor.no_target", target=target))
        return
    frame = table.frame
    y = outcome_values(frame, target, record)
    known = ~np.isnan(y)
    frame, y = frame.filter(pl.Series(known)), y[known].astype(np.int64)
    feature = st.selectbox(t("scorecard.editor.feature"), card.names, key="wb.scorecard.feature")
    pending: list[dict[str, Any]] = st.session_state.setdefault(PENDING, {}).setdefault((dataset, target), [])
    base = count(card.feature(feature).binning, frame[feature], y)
    try:
        edited = apply_edits(base, edits_from_json(pending), frame[feature], y)
    except UserError as err:  # a stored edit no longer fits (bins changed): drop the last one
        st.error(str(err))
        pending.pop()
        edited = apply_edits(base, edits_from_json(pending), frame[feature], y)
    if edited.left_out:  # pending edits made on bins this card no longer has (a retrain in between): said, dropped
        st.warning("\n".join(f"- {e.message()}" for e in edited.left_out))
        for e in sorted(edited.left_out, key=lambda e: -e.number):
            pending.pop(e.number - 1)
    fb = edited.bins
    st.caption(t("scorecard.editor.counts", rows=f"{len(y):,}", iv=f"{base.iv:.4f}", new_iv=f"{fb.iv:.4f}"))
    if edited.trend is not None and not edited.trend.feasible:
        st.warning(t(f"scorecard.trend.{edited.trend.reason}"))
    bins = readable_bins(fb.frame())
    show_frame(
        bins, headers=True, width="content", key="wb.scorecard.bins",
        column_config={"bad_rate": st.column_config.NumberColumn(header("bad_rate"), format="percent")},
    )  # fmt: skip
    read_box("scorecard.how.bins", "model.help.title")
    show_chart(charts.bins_chart(bins, feature), "scorecard_bins", key="wb.scorecard.bins_chart")
    edit = _edit_form(feature, fb)
    if edit is not None:
        try:
            apply_edits(fb, [edit], frame[feature], y)
        except UserError as err:
            st.error(str(err))
        else:  # stored with what the expert saw, so a retrain on other bins cannot land it on a neighbour
            pending.append(as_seen(edit, fb.binning).to_dict())
            st.rerun()
    _infeasible(card)
    _save(dataset, target, record, pending)


def left_out(card: Scorecard) -> None:
    """The stored edits this fit did not apply (their bins are gone), one line each: never silently moved."""
    if card.left_out:
        st.warning(
            "\n".join([f"**{t('scorecard.edit_left_out.title', n=len(card.left_out))}**", "", *(
                f"- {e.message()}" for e in card.left_out)])
        )  # fmt: skip


def _edit_form(feature: str, fb) -> BinEdit | None:
    """The edit the expert asks for (one per click), or None."""
    numeric = fb.binning.numeric
    ops = ["merge", "split", "edges", "specials", "trend"] if numeric else ["merge", "split"]
    op = st.radio(
        t("scorecard.editor.op"), ops, horizontal=True, key=f"wb.scorecard.op.{feature}",
        format_func=lambda o: t(f"scorecard.editor.op_{o}"),
    )  # fmt: skip
    body = list(range(fb.binning.first_body, fb.binning.n_bins))
    labels = dict(enumerate(fb.binning.labels()))
    show = lambda k: f"{k}: {labels[k][0]}"  # noqa: E731
    edit = None
    with st.form(f"wb.scorecard.form.{feature}.{op}", border=False):
        if op == "merge":
            picked = st.multiselect(
                t("scorecard.editor.bins"),
                body,
                format_func=show,
                key=f"wb.scorecard.merge.{feature}",
                placeholder=t("ui.choose_many"),
            )
            edit = BinEdit("merge", feature, bins=tuple(picked))
        elif op == "split" and numeric:
            k = st.selectbox(t("scorecard.editor.bin"), body, format_func=show, key=f"wb.scorecard.split_bin.{feature}")
            at = st.number_input(t("scorecard.editor.at"), value=None, key=f"wb.scorecard.split_at.{feature}")
            edit = BinEdit("split", feature, bins=(k,), at=at)
        elif op == "split":
            levels = [v for g in fb.binning.groups for v in g]
            picked_levels = st.multiselect(
                t("scorecard.editor.levels"),
                levels,
                key=f"wb.scorecard.levels.{feature}",
                placeholder=t("ui.choose_many"),
            )
            edit = BinEdit("split", feature, levels=tuple(picked_levels))
        elif op in ("edges", "specials"):
            now = fb.binning.edges if op == "edges" else fb.binning.specials
            text = st.text_input(
                t(f"scorecard.editor.{op}"), ", ".join(f"{v:.12g}" for v in now), key=f"wb.scorecard.{op}.{feature}"
            )
            values = _numbers(text)
            edit = BinEdit(op, feature, edges=values if op == "edges" else (), codes=values if op == "specials" else ())  # type: ignore[arg-type]
        else:
            trend = st.selectbox(
                t("scorecard.editor.trend"),
                TRENDS,
                format_func=lambda v: t(f"scorecard.trend_name.{v}"),
                key=f"wb.scorecard.trend.{feature}",
            )
            edit = BinEdit("trend", feature, trend=trend)
        submitted = st.form_submit_button(t("scorecard.editor.apply"), key="wb.scorecard.apply")
    return edit if submitted else None


def _numbers(text: str) -> tuple[float, ...]:
    out = []
    for part in text.replace(";", ",").split(","):
        part = part.strip().replace(" ", "")
        if not part:
            continue
        try:
            out.append(float(part.replace(",", "")))
        except ValueError:
            st.error(t("scorecard.editor.not_a_number", value=part))
            return ()
    return tuple(out)


def _infeasible(card: Scorecard) -> None:
    bad = [r for r in card.trends if not r.feasible]
    if bad:
        with st.expander(t("scorecard.editor.infeasible", n=len(bad))):
            for r in bad:
                asked = t(f"scorecard.trend_name.{r.asked}")
                st.markdown(f"- **{r.feature}** ({asked}): {t(f'scorecard.trend.{r.reason}')}")


def _save(dataset: str, target: str, record: dict[str, Any], pending: list[dict[str, Any]]) -> None:
    """Save = the edits the run was fit with + the pending ones, as the next version; only when the run reflects
    the newest stored version (else the bin numbers would point at other bins)."""
    cfg = (record.get("config") or {}).get("scorecard") or {}
    run_version, run_edits = int(cfg.get("edits_version") or 0), list(cfg.get("edits") or [])
    current = store().bin_edits.current(dataset, target)
    latest = current.version if current else 0
    st.caption(t("scorecard.editor.pending", n=len(pending), version=latest))
    if latest != run_version:
        st.info(t("scorecard.editor.retrain", version=latest, run_version=run_version))
        return
    left, right = st.columns(2)
    comment = left.text_input(t("scorecard.editor.comment"), key="wb.scorecard.comment")
    if right.button(t("scorecard.editor.undo"), key="wb.scorecard.undo", disabled=not pending):
        pending.pop()
        st.rerun()
    if left.button(t("scorecard.editor.save"), type="primary", key="wb.scorecard.save", disabled=not pending):
        try:
            saved = store().bin_edits.save(
                dataset, target, run_edits + pending, expected_version=latest, comment=comment
            )
        except UserError as err:
            st.error(str(err))
            return
        pending.clear()
        st.success(t("scorecard.editor.saved", version=saved.version))
