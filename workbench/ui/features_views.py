"""Drawing pieces of the Features page: build choices, the score table, the review card and form, exports.

The computing lives in ``workbench.features``; these functions only place widgets and read their values.
Widget keys and session keys (``wb.features.*``) are part of the page's contract with its tests and with the
Learn tour, so they are spelled here once.
"""

from __future__ import annotations

import getpass
from collections.abc import Mapping

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from workbench.charts.common import readable
from workbench.charts.features import bins_chart, iv_ranking
from workbench.errors import UserError
from workbench.features.codegen import to_polars_code
from workbench.features.export import (
    catalog_excel_bytes,
    feature_table_bytes,
    modelling_columns,
    specs_named,
)
from workbench.features.lineage import build_sources, modelling_table_name, save_modelling_table
from workbench.features.pipeline import FeatureRun, build_features
from workbench.features.plan import DEFAULT_AGGREGATIONS
from workbench.features.project import FeatureProject
from workbench.features.propose import category_columns, project_yaml, propose_project, schema_rows, with_choices
from workbench.features.rebuild import build_of
from workbench.features.review import (
    AUTO,
    FLAGS,
    UNREVIEWED,
    ReviewItem,
    export_picks,
    filter_reviews,
    review_base,
    review_queue,
    save_catalog,
    submit_many,
    submit_review,
    with_verdicts,
)
from workbench.features.saved import latest_feature_run, save_feature_run
from workbench.features.scoring import FeatureScore
from workbench.features.sql import DIALECTS, to_sql
from workbench.i18n import get_language, t
from workbench.i18n.formats import when
from workbench.privacy import MaskedTable
from workbench.ui import features_relations_views as relations_views
from workbench.ui import job_views, place, state
from workbench.ui.explain import how_to_read
from workbench.ui.glossary import term_help
from workbench.ui.tables import missing_mark

RUN = "wb.features.run"
PROJECT = "wb.features.project"
RUN_ID = "wb.features.run_id"  # the stored feature run (``store.feature_runs``) the page shows
BULK = "wb.features.bulk"  # outcome of the last bulk verdict, shown once after the rerun
SEEN = "wb.features.seen"  # feature -> review version this reviewer saw
JOB = "wb.features.job"  # (build job id, taken?) this session follows (``job_views.follow``)
WINDOW_CHOICES = [7, 14, 30, 60, 90, 180, 365]
VERDICTS = ["accept", "reject", "needs_change"]


MEMO = "wb.features.memo"  # (run, {name: value}): tables and charts a run fixes, drawn again without recomputing

# the choices made in the tabs (keys or prefixes), held while another tab is open; buttons and tables not
CHOICES = (
    "wb.features.include_derived", "wb.features.cutoff", "wb.features.target", "wb.features.windows",
    "wb.features.aggs", "wb.features.by.", "wb.features.filter.", "wb.features.only_selected",
    "wb.features.all_shown", "wb.features.bulk_comment", "wb.features.pick", "wb.features.use_selected",
    "wb.features.dialect", "wb.features.label_columns",
)  # fmt: skip


def memo(run: FeatureRun, name: tuple, make):
    """``make()`` once per run and ``name`` in this session: a rerun (a filter, a verdict) redraws the same
    ranking table and charts instead of computing them again."""
    box = st.session_state.get(MEMO)
    if box is None or box[0] is not run:
        box = (run, {})
        st.session_state[MEMO] = box
    if name not in box[1]:
        box[1][name] = make()
    return box[1][name]


def current_run(store=None) -> FeatureRun | None:
    """This session's run; on a new session or after a reload, the newest build stored for the label table
    the user worked on last (else the newest of all), with the reviews the store holds."""
    if RUN not in st.session_state and store is not None:
        st.session_state[RUN] = None
        label = place.last("label")
        try:
            found = latest_feature_run(store, label) or latest_feature_run(store)
        except UserError as err:
            st.warning(str(err))
            found = None
        if found is not None:
            st.session_state[RUN_ID], st.session_state[RUN], st.session_state[PROJECT] = found
            st.session_state[SEEN] = {}
    return st.session_state.get(RUN)


def _verdict(v: str) -> str:
    return t(f"features.verdict.{v}")


def _num(x: float | None) -> str:
    """Scores are ``None`` without a usable target or period (AUC/KS/PSI); the card shows a dash then."""
    return f"{x:.3f}" if x is not None else "-"


# --- build ------------------------------------------------------------------------------------------------------
def build_section(tables: Mapping[str, MaskedTable], store, progress: DeltaGenerator | None = None) -> None:
    """Schema, choices, the spec as YAML and the build button; a finished build lands in ``RUN``/``PROJECT``.
    Datasets the app wrote (modelling tables) are left out unless the analyst asks for them. ``progress``: where
    the page shows a build's progress (``follow_build``)."""
    derived = store.lineage.all()
    include = any(n in derived for n in tables) and st.checkbox(
        t("features.page.include_derived"),
        key="wb.features.include_derived",
        help=t("features.page.include_derived_help", names=", ".join(n for n in tables if n in derived)),
    )
    tables = build_sources(tables, derived, include_derived=include)
    proposed = propose_project(tables, metas=store.tables.list(), relationships=store.tables.relationships())
    if proposed is None:
        st.warning(t("features.page.no_label"))
        st.page_link("pages/data.py", label=t("guard.to_data"), icon=":material/table_view:")
        return
    st.markdown(t("features.page.schema", label=proposed.relations.label.table, key=proposed.relations.label.key))
    columns_of = {n: tb.columns for n, tb in tables.items()}
    st.dataframe(
        schema_rows(proposed, get_language(), columns_of), placeholder=missing_mark(), hide_index=True, width="stretch"
    )
    how_to_read("features.page.schema_how")
    relations_views.relationship_view(proposed, tables)
    project = relations_views.label_columns_choice(choices(proposed, tables))
    # drawn only once opened: a long code block costs each analyst's browser 0.3–0.5 s on every visit
    spec = st.expander(t("features.page.spec_yaml"), key="wb.features.spec", on_change="rerun")
    if spec.open:
        spec_text = project_yaml(project)
        spec.code(spec_text, language="yaml")
        spec.download_button(t("features.page.spec_download"), spec_text, "features.yaml", "text/yaml")
    if st.button(t("features.page.build"), type="primary", key="wb.features.build"):
        build(project, tables, store, progress)
    run = current_run()
    if run is not None and not job_views.running("features"):  # "built" would name the run being replaced
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
        t("features.page.windows"),
        WINDOW_CHOICES,
        default=list(proposed.options.windows),
        key="wb.features.windows",
        placeholder=t("ui.choose_many"),
    )
    aggregations = st.multiselect(
        t("features.page.aggregations"),
        list(DEFAULT_AGGREGATIONS),
        default=list(DEFAULT_AGGREGATIONS),
        format_func=lambda a: t(f"features.agg.{a}"),
        key="wb.features.aggs",
        placeholder=t("ui.choose_many"),
    )
    by = {
        role.name: st.multiselect(
            t("features.page.by", table=role.name),
            category_columns(tables[role.name]),
            default=list(role.by),
            key=f"wb.features.by.{role.name}",
            placeholder=t("ui.choose_many"),
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


def build(
    project: FeatureProject, tables: Mapping[str, MaskedTable], store, progress: DeltaGenerator | None = None
) -> None:
    """Start the build as a background job (``workbench.jobs``): the page shows its progress (in ``progress``)
    and takes the run when it is done (``follow_build``); a second click while it runs starts nothing."""
    label = project.relations.label.table
    params = "\n".join([project_yaml(project), *(f"{n}:{tb.fingerprint}" for n, tb in sorted(tables.items()))])

    def work(report) -> tuple[str, FeatureRun, FeatureProject]:
        """In the worker: build, then save the catalog and the run, so a reload comes back to it."""
        report(0.0, "features.page.building")
        run = build_features(project, tables, progress=lambda f, m: report(f, "features.page.step", step=m))
        save_catalog(store, run, label)
        return save_feature_run(store, run, project), run, project

    job_views.start("features", JOB, params, work, where=progress)


def follow_build() -> DeltaGenerator:
    """At the top of the page, whatever tab is open: a running build's progress, or the finished build taken
    into this session (and a fresh review session); a spec that could not be built is one line per problem
    and keeps the previous run. Returns the place of the progress, for a build started later in this run."""
    box, result = job_views.follow("features", JOB)
    if result is not None:
        st.session_state[RUN_ID], st.session_state[RUN], st.session_state[PROJECT] = result
        st.session_state[SEEN] = {}
        place.remember("label", result[2].relations.label.table)
    return box


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
    table = memo(run, ("table", lang), lambda: run.table(lang))
    m1, m2, m3 = st.columns(3)
    m1.metric(t("features.page.n_features"), len(run.specs))
    m2.metric(t("features.page.n_selected"), len(run.selected))
    m3.metric(t("features.page.n_flagged"), int(table["leakage_suspect"].sum()), help=term_help("leakage"))
    st.dataframe(
        table.select("rank", "name", "description", "iv", "auc", "ks", "missing", "psi", "selected", "reason"),
        placeholder=missing_mark(),
        hide_index=True,
        width="stretch",
        column_config=score_column_config(),
    )
    how_to_read("features.page.how_table")
    st.plotly_chart(memo(run, ("iv", lang), lambda: readable(iv_ranking(table, lang=lang))), width="stretch")
    how_to_read("features.page.how_iv")


# --- review ---------------------------------------------------------------------------------------------------------
def review_section(run: FeatureRun | None, store) -> None:
    """The review table (filters, many rows, one verdict and comment), then one feature's card and form."""
    if run is None:
        st.info(t("features.page.build_first"))
        return
    reviewer = st.text_input(
        t("features.page.reviewer"),
        value=place.analyst() or getpass.getuser(),
        key="wb.features.reviewer",
        on_change=lambda: place.set_analyst(st.session_state["wb.features.reviewer"]),
    )  # the name verdicts are recorded under is also whose place this tab keeps
    review_table(run, store, reviewer)
    st.subheader(t("features.review.detail"))
    queue = review_queue(store, run)
    if not queue:
        st.info(t("features.page.queue_empty"))
        return
    item = pick_feature(queue)
    seen = st.session_state.setdefault(SEEN, {})
    seen.setdefault(item.name, item.version)
    feature_card(item, run)
    review_form(item, store, reviewer, seen)
    review_history(store, item.name)


def _choices(key: str, options: list[str], label_key: str, fmt=None) -> list[str]:
    return st.multiselect(
        t(label_key),
        options,
        key=f"wb.features.filter.{key}",
        format_func=fmt or str,
        placeholder=t("features.review.any"),
    )


@st.fragment
def review_table(run: FeatureRun, store, reviewer: str) -> None:
    """Filter by source, IV band, flag, timing and verdict; pick rows (or take all shown); one verdict.

    A fragment: a filter or a row pick reruns this table alone; a verdict reruns the page, so the detail card
    and the export tab count it too."""
    from workbench.profile.target import IV_BANDS

    lang = get_language()
    frame = with_verdicts(memo(run, ("review", lang), lambda: review_base(run, lang)), store.reviews.states())
    cols = st.columns(5)
    with cols[0]:
        sources = _choices("source", sorted(set(frame["source"])), "features.review.source")
    with cols[1]:
        bands = _choices("band", [b for _, b in IV_BANDS], "features.review.band", lambda b: t(f"profile.iv_band.{b}"))
    with cols[2]:
        flags = _choices("flag", list(FLAGS), "features.review.flag", lambda f: t(f"features.flag.{f}"))
    with cols[3]:
        timing = _choices("timing", ["before_cutoff", "snapshot"], "features.review.timing", _timing)
    with cols[4]:
        verdicts = _choices("verdict", [UNREVIEWED, *VERDICTS], "features.review.verdict", _verdict_or_none)
    only_selected = st.toggle(t("features.page.only_selected"), value=False, key="wb.features.only_selected")
    shown = filter_reviews(
        frame,
        sources=sources,
        bands=bands,
        flags=flags,
        timings=timing,
        verdicts=verdicts,
        only_selected=only_selected and bool(run.recommendations),
    )
    st.caption(t("features.review.shown", n=shown.height, total=frame.height))
    event = st.dataframe(
        _review_display(shown),
        placeholder=missing_mark(),
        hide_index=True,
        width="stretch",
        height=360,
        on_select="rerun",
        selection_mode="multi-row",
        key="wb.features.review_table",
        column_config={"IV": st.column_config.NumberColumn("IV", format="%.3f", help=term_help("iv"))},
    )
    how_to_read("features.review.how")
    rows = list(event.selection.rows) if event is not None else []
    every = st.checkbox(t("features.review.all_shown", n=shown.height), key="wb.features.all_shown")
    picked = shown if every else shown[rows] if rows else shown.clear()
    comment = st.text_input(t("features.page.comment"), key="wb.features.bulk_comment")
    buttons = st.container(horizontal=True)  # side by side under the comment, not spread over a wide screen
    for verdict in VERDICTS:
        label = t("features.review.apply", verdict=_verdict(verdict), n=picked.height)
        if buttons.button(label, key=f"wb.features.bulk.{verdict}", disabled=picked.is_empty()):
            seen = dict(zip(picked["name"], picked["version"], strict=True))
            st.session_state[BULK] = (verdict, submit_many(store, seen, verdict, comment, reviewer, lang))
            st.rerun()
    _bulk_outcome()


def _bulk_outcome() -> None:
    if BULK not in st.session_state:
        return
    verdict, out = st.session_state.pop(BULK)
    if out.error:
        st.error(out.error)
    if out.saved:
        st.success(t("features.review.saved_many", n=len(out.saved), verdict=_verdict(verdict)))
    if out.conflicts:
        who = ", ".join(f"{name} ({r.reviewer}: {_verdict(r.verdict)})" for name, r in list(out.conflicts.items())[:5])
        st.warning(t("features.review.conflicts", n=len(out.conflicts), who=who))


def timing_line(spec) -> str:
    """When the feature's values were known, and where from, in one line of the card."""
    return t(f"features.timing_card.{spec.timing}", table=spec.source)


def _timing(code: str) -> str:
    return t(f"features.timing.{code}")


def _verdict_or_none(v: str | None) -> str:
    return t("features.review.unreviewed") if v in (None, UNREVIEWED) else _verdict(v)


def _review_display(frame):
    """The review frame with headers and codes in the reader's language (the codes stay for filtering)."""
    import polars as pl

    def label(col: str, prefix: str) -> pl.Expr:
        codes = frame[col].drop_nulls().unique().to_list()
        return pl.col(col).replace_strict(codes, [t(f"{prefix}.{c}") for c in codes], default=None)

    return frame.select(  # what a reviewer scans first on the left; the long description last
        pl.col("name").alias(t("features.catalog.name")),
        pl.col("iv").alias("IV"),
        label("iv_band", "profile.iv_band").alias(t("features.review.band")),
        label("verdict", "features.verdict").fill_null("").alias(t("features.review.verdict")),
        pl.col("reviewer").fill_null("").alias(t("features.catalog.reviewer")),
        label("flag", "features.flag").fill_null("").alias(t("features.review.flag")),
        label("timing", "features.timing").alias(t("features.review.timing")),
        pl.col("selected").alias(t("features.catalog.selected")),
        pl.col("source").alias(t("features.review.source")),
        pl.col("description").alias(t("features.page.description")),
    )


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
    ko, en = item.spec.description_ko, item.spec.description_en  # both: a catalog is read in either language
    st.markdown(f"**{en}** / {ko}" if lang == "en" else f"**{ko}** / {en}")  # the reader's own first
    st.caption(timing_line(item.spec))
    if item.score is not None:
        score_metrics(item.score)
        if item.recommendation is not None:
            st.caption(item.recommendation.explain(item.score, run.thresholds, lang))
        fig = memo(run, ("bins", item.name, lang), lambda: readable(bins_chart(item.score, lang=lang)))
        st.plotly_chart(fig, width="stretch", key=f"wb.features.bins.{item.name}")
        how_to_read("features.page.how_bins")
    with st.expander(t("features.page.definition")):
        st.json(item.spec.to_dict())
    if item.current is not None:
        st.info(
            t(
                "features.page.current",
                verdict=_verdict(item.current.verdict),
                reviewer=item.current.reviewer,
                at=when(item.current.at),
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
            t("features.page.at"): when(r.at),
        }
        for r in history
    ]


def review_history(store, name: str) -> None:
    history = store.reviews.history(name)
    if history:
        with st.expander(t("features.page.history", n=len(history))):
            st.dataframe(history_rows(history), placeholder=missing_mark(), hide_index=True)


# --- export -----------------------------------------------------------------------------------------------------
def export_section(run: FeatureRun | None, store) -> None:
    """Accepted features plus (unless unticked) the auto-selected ones nobody rejected, each with who decided."""
    if run is None:
        st.info(t("features.page.build_first"))
        return
    with_auto = st.checkbox(t("features.page.use_selected"), value=True, key="wb.features.use_selected")
    picks = export_picks(run, store.reviews.states(), with_auto=with_auto)
    chosen = [p.name for p in picks]
    if not chosen:
        st.warning(t("features.page.none_accepted"))
        return
    n_auto = sum(p.decided_by == AUTO for p in picks)
    st.markdown(t("features.page.export_picks", n=len(picks), accepted=len(picks) - n_auto, auto=n_auto))
    st.dataframe(
        [
            {
                t("features.catalog.name"): p.name,
                t("features.export.decided_by"): t("features.export.auto") if p.decided_by == AUTO else p.decided_by,
            }
            for p in picks
        ],
        placeholder=missing_mark(),
        hide_index=True,
        width="stretch",
    )
    how_to_read("features.export.how_who")
    project = st.session_state[PROJECT]
    save_for_modelling(run, store, chosen, project)
    downloads(run, store, chosen, project)


def save_for_modelling(run: FeatureRun, store, chosen: list[str], project: FeatureProject) -> None:
    """The label rows with the chosen features as a workspace dataset (with its lineage: a modelling table of
    this run), so the Model page can train on them and the next build leaves it out."""
    label = project.relations.label.table
    name = modelling_table_name(label)
    if not st.button(t("features.page.save_dataset", name=name, n=len(chosen)), key="wb.features.save_dataset"):
        return
    try:
        result = save_modelling_table(store, run, chosen, label, source_run=st.session_state.get(RUN_ID))
    except UserError as err:
        st.error(str(err))
        return
    if result.masked is not None:
        state.remember_certified(result.masked)
        st.success(t("features.page.saved_dataset", name=name, rows=f"{result.rows:,}", columns=result.columns))


def downloads(run: FeatureRun, store, chosen: list[str], project: FeatureProject) -> None:
    specs = specs_named(run.specs, chosen)
    build = build_of(project, specs)  # travels with the table: Parquet metadata, or the CSV's features.build.json
    c1, c2, c3, c4 = st.columns(4)
    c1.download_button(
        t("features.page.dl_parquet"),
        lambda: feature_table_bytes(run.features, chosen, "parquet", build=build),
        "features.parquet",
        "application/octet-stream",
    )
    c2.download_button(
        t("features.page.dl_csv"), lambda: feature_table_bytes(run.features, chosen, "csv"), "features.csv", "text/csv"
    )
    c3.download_button(
        t("features.page.dl_csv_build"),
        lambda: feature_table_bytes(run.features, chosen, "build", build=build),
        "features.build.json",
        "application/json",
        help=t("features.page.dl_csv_build_help"),
    )
    c4.download_button(
        t("features.page.dl_catalog"),
        lambda: catalog_excel_bytes(run, reviews=store.reviews.states(), lang=get_language()),
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
    preview = st.expander(t("features.page.sql_preview"), key="wb.features.sql_preview", on_change="rerun")
    if preview.open:  # as the spec's YAML: the code block is sent once asked for
        preview.code(sql[:6000], language="sql")
    how_to_read("features.page.how_export")
