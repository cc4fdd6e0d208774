"""The Model page's "score new data" tab: a stored run scores a certified dataset (a feature table, or a new
month's label table whose features are rebuilt from the tables the analyst picks), with reasons; then the
monitoring a validator reads: drift, bad rate by grade per vintage once outcomes arrive, and a second run
side by side on the same rows (champion and challenger). Drawing only: every number comes from
``workbench.model``."""

from __future__ import annotations

from typing import Any

import polars as pl
import streamlit as st

from workbench.charts import scorecard as charts
from workbench.errors import UserError
from workbench.i18n import t
from workbench.model import monitor
from workbench.model.runs import stored_runs
from workbench.model.scoring import (
    BAND,
    SCORE,
    available,
    challenge,
    feature_build,
    needs_rebuild,
    outcome_values,
    score_record,
    score_stored,
)
from workbench.privacy import MaskedTable
from workbench.ui.explain import read_box
from workbench.ui.model_views import show_chart
from workbench.ui.state import store
from workbench.ui.tables import show_frame

SCORED = "wb.scorecard.scored"  # the last scoring of new data in this session


def score_tab(record: dict[str, Any], run_id: str | None, certified: dict[str, MaskedTable]) -> None:
    if run_id is None:
        st.info(t("scorecard.score_page.not_saved"))
        return
    left, right = st.columns(2)
    name = left.selectbox(t("scorecard.score_page.dataset"), list(certified), key="wb.scorecard.new_data")
    kind = right.radio(
        t("scorecard.score_page.model"), available(record), horizontal=True, key="wb.scorecard.model",
        format_func=lambda k: t(f"scorecard.score_page.model_{k}"),
    )  # fmt: skip
    tables = related_tables(record, certified[name], kind, certified)
    if st.button(t("scorecard.score_page.run"), type="primary", key="wb.scorecard.score"):
        try:
            result = score_stored(store(), run_id, certified[name], model=kind, tables=tables)
        except UserError as err:
            st.error(str(err))
            return
        st.session_state[SCORED] = (run_id, name, result, tables)
    if SCORED not in st.session_state or st.session_state[SCORED][:2] != (run_id, name):
        return
    _, _, result, tables = st.session_state[SCORED]
    outcome = record["target"] if record["target"] in result.frame.columns else None  # outcomes have arrived
    report = score_record(result, record, outcome=outcome)
    for d in result.alerts:
        st.warning(t("scorecard.score.drift", name=d.name, psi=f"{d.psi:.3f}"))
    st.success(t("scorecard.score_page.done", rows=f"{result.frame.height:,}", mean=f"{result.scores.mean():.0f}"))
    show_chart(charts.bands_chart(pl.DataFrame(report["bands"])), "scorecard_bands", key="wb.scorecard.new_bands_chart")
    with st.expander(t("scorecard.score_page.drift")):
        show_frame(drift_view(report["drift"]), headers=True, width="content", key="wb.scorecard.drift")
    read_box("scorecard.how.drift", "model.help.title")
    added = [c for c in result.frame.columns if c == SCORE or c.startswith(("score_", "event_", "reason_"))]
    shown = [c for c in result.frame.columns if c not in added][:3] + added
    show_frame(result.frame.select(shown).head(200), key="wb.scorecard.scored")  # dates as dates, "–" for none
    read_box("scorecard.how.scored", "model.help.title")
    st.download_button(
        t("scorecard.score_page.download"), result.frame.write_csv().encode("utf-8-sig"), f"scored_{name}.csv",
        key="wb.scorecard.download", on_click="ignore",
    )  # fmt: skip
    if outcome:
        vintages(record, result, outcome)
    challenger(record, result, certified[name], outcome, tables)


def related_tables(
    record: dict[str, Any], table: MaskedTable, kind: str, certified: dict[str, MaskedTable]
) -> dict[str, MaskedTable] | None:
    """When ``table`` is a label table the run must build its features for: one choice per table the run's
    spec reads (the dataset of the same name by default)."""
    if not needs_rebuild(record, table.columns, kind):
        return None
    build = feature_build(record)
    others = [n for n in build.tables() if n != build.label]
    st.caption(t("scorecard.score_page.rebuild", n=len(build.specs), label=build.label))
    if not others:
        return {}
    names = list(certified)
    picked = {}
    for col, name in zip(st.columns(len(others)), others, strict=True):
        index = names.index(name) if name in names else None
        choice = col.selectbox(
            t("scorecard.score_page.table", table=name), names, index=index, key=f"wb.scorecard.table.{name}",
            placeholder=t("scorecard.score_page.choose_table"),
        )  # fmt: skip
        if choice is not None:
            picked[name] = certified[choice]
    return picked


def vintages(record: dict[str, Any], result, outcome: str) -> None:
    """Bad rate by grade per application month, once outcomes are known."""
    dates = [c for c, d in result.frame.schema.items() if d.is_temporal()]
    if not dates:
        return
    st.subheader(t("scorecard.score_page.vintages"))
    column = st.selectbox(t("scorecard.score_page.vintage"), dates, key="wb.scorecard.vintage")
    y = pl.Series(outcome_values(result.frame, outcome, record), nan_to_null=True)
    table = monitor.vintage_bad_rates(result.frame[column], result.frame[BAND].to_numpy(), y)
    show_chart(charts.vintage_chart(table), "scorecard_vintages", key="wb.scorecard.vintage_chart")


def challenger(record: dict[str, Any], result, table: MaskedTable, outcome: str | None, tables) -> None:
    """A second stored run on the same rows, side by side with this one."""
    others = [rid for rid, rec in stored_runs(store(), limit=20) if rid != result.run_id and available(rec)]
    if not others:
        return
    st.subheader(t("scorecard.score_page.challenger"))
    rival = st.selectbox(t("scorecard.score_page.challenger_run"), others, key="wb.scorecard.challenger")
    if not st.button(t("scorecard.score_page.compare"), key="wb.scorecard.compare"):
        return
    try:
        other = score_stored(store(), rival, table, tables=tables)
        duel = challenge(result, other, record, outcome)
    except UserError as err:
        st.error(str(err))
        return
    y = outcome_values(result.frame, outcome, record) if outcome else None
    st.markdown(t("scorecard.score_page.duel", same=f"{duel.same_band:.1%}", rho=f"{duel.rank_correlation:.3f}"))
    show_frame(side_by_side(duel, result, other), width="content", key="wb.scorecard.duel_table")
    read_box("scorecard.how.duel", "model.help.title")
    show_chart(
        charts.challenge_chart(result.band_table(y), other.band_table(y), (duel.champion, duel.challenger)),
        "scorecard_challenge", key="wb.scorecard.challenge_chart",
    )  # fmt: skip
    show_frame(duel.crosstab, headers=True, width="content", key="wb.scorecard.crosstab")
    read_box("scorecard.how.crosstab", "model.help.title")


def drift_view(drift: list[dict[str, Any]]) -> pl.DataFrame:
    """The drift rows of ``score_record`` in the reader's words: what moved (the score or a characteristic),
    its PSI, the PSI band and the points shift."""
    return pl.DataFrame(
        {
            "drift_of": [t("scorecard.drift_kind.score") if d["kind"] == "score" else d["name"] for d in drift],
            "psi": [d["psi"] for d in drift],
            "drift_band": [t(f"profile.psi_band.{d['band']}") for d in drift],
            "points_shift": [d["points_shift"] for d in drift],
        },
        schema={"drift_of": pl.String, "psi": pl.Float64, "drift_band": pl.String, "points_shift": pl.Float64},
    )


def side_by_side(duel: monitor.Challenge, champion, challenger) -> pl.DataFrame:
    """Champion and challenger in two columns: model, mean score, AUC and KS (with outcomes)."""
    rows = [
        ("run", duel.champion, duel.challenger),
        ("model", champion.model, challenger.model),
        ("mean_score", f"{champion.scores.mean():.1f}", f"{challenger.scores.mean():.1f}"),
    ]
    if duel.auc and duel.ks:
        rows += [("auc", f"{duel.auc[0]:.4f}", f"{duel.auc[1]:.4f}"), ("ks", f"{duel.ks[0]:.4f}", f"{duel.ks[1]:.4f}")]
    return pl.DataFrame(
        {
            t("scorecard.score_page.measure"): [t(f"scorecard.score_page.measure_{k}") for k, _, _ in rows],
            t("scorecard.score_page.champion"): [a for _, a, _ in rows],
            t("scorecard.score_page.challenger_col"): [b for _, _, b in rows],
        }
    )
