"""Drawing pieces of the Data page: sources, the tables overview, preview and schema, roles and keys."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import pandas as pd
import streamlit as st

from workbench import intake
from workbench.errors import UserError
from workbench.i18n import t
from workbench.intake import SAMPLE_DIR, SAMPLE_TABLES, Intake, record_suggested_structure, spooled, take_in
from workbench.io import (
    KINDS,
    Inspection,
    dtype_name,
    inspect_path,
    list_tables,
    read_sql,
    read_table,
    supported_extensions,
)
from workbench.io.read import dataset_label
from workbench.io.roots import allowed_path, allowed_uri
from workbench.io.table import Table
from workbench.privacy import MaskedTable
from workbench.relations import ROLES, foreign_key_candidates, suggest_roles, target_candidates, time_columns
from workbench.ui import state
from workbench.ui.explain import read_box
from workbench.ui.glossary import term_help
from workbench.ui.shell import page_link
from workbench.ui.tables import coded, labelled, missing_mark, show_frame


def _mib(n: int) -> str:
    return f"{n / 2**20:,.1f} MiB"


def take_in_all(tables: list[Callable[[], Table]]) -> list[Intake]:
    """Read, scan and certify each table with a progress bar; a failure is one line and stops nothing else."""
    results: list[Intake] = []
    bar = st.progress(0.0, text=t("data.progress.start"))
    for i, read in enumerate(tables):
        try:
            table = read()
            bar.progress(i / len(tables), text=t("data.progress.table", name=table.name))
            result = take_in(table, state.store())
        except UserError as err:
            state.flash(str(err), "error")  # every caller reruns next: the message must outlive this run
            continue
        if result.masked is not None:
            state.remember_certified(result.masked)
        else:
            state.raw_tables()[table.name] = table
        results.append(result)
    bar.empty()
    for r in results:
        if r.certified:
            state.flash(t("data.loaded.certified", name=r.name, rows=f"{r.rows:,}", columns=r.columns))
        else:
            cols = ", ".join(f.column for f in r.findings)
            state.flash(t("data.loaded.pii", name=r.name, columns=cols), "warning")
    return results


def sample_source() -> None:
    st.markdown(t("data.sample.body"))
    if st.button(t("data.sample.load"), type="primary", key="wb.data.load_sample"):
        readers = [lambda n=n: read_table(SAMPLE_DIR / f"{n}.parquet", name=n) for n in SAMPLE_TABLES]
        take_in_all(readers)
        certified = {n: m for n, m in state.certified_tables().items() if n in SAMPLE_TABLES}
        record_suggested_structure(state.store(), certified)
        st.rerun()


def file_source() -> None:
    exts = [e.lstrip(".") for e in supported_extensions()]
    upload = st.file_uploader(t("data.file.upload"), type=exts, key="wb.data.upload")
    path_text = st.text_input(t("data.file.path"), placeholder="/data/exports/고객_202403.csv", key="wb.data.path")
    if upload is None and not path_text.strip():
        return
    try:
        source = upload if upload is not None else allowed_path(path_text.strip())
        info = _inspect(source, None)
        sheet = None
        if info.sheets:
            sheet = st.selectbox(t("data.file.sheet"), info.sheets, key="wb.data.sheet")
            if sheet != info.sheet:
                info = _inspect(source, sheet)
    except UserError as err:
        st.error(str(err))
        return
    _inspection_summary(info)
    skip = st.checkbox(t("data.file.skip_bad"), key="wb.data.skip_bad")
    stem = dataset_label(Path(upload.name if upload is not None else source).stem)
    name = st.text_input(t("data.file.name"), value=stem, key="wb.data.name")
    if st.button(t("data.file.load"), type="primary", key="wb.data.load_file"):
        with _readable(source) as path:
            take_in_all([lambda: _uploaded_as(read_table(path, sheet=sheet, name=name, skip_bad_lines=skip), upload)])
        st.rerun()


def _uploaded_as(table: Table, upload) -> Table:
    """An upload's table records where it came from as ``upload:<file name>`` (masked), not its spooled copy."""
    if upload is None:
        return table
    return Table(table.name, table.frame, replace(table.source, location=dataset_label(f"upload:{upload.name}")))


@contextmanager
def _readable(source) -> Iterator[Path]:
    """A path for the readers: a file on disk as it is, an upload spooled for this block only."""
    if isinstance(source, Path):
        yield source
        return
    with spooled(source.name, source.getvalue()) as path:
        yield path


def _inspect(source, sheet: str | None) -> Inspection:
    """What the file holds; an upload's answer is kept in the session (its spooled copy is not)."""
    if isinstance(source, Path):
        return inspect_path(source, sheet=sheet)
    cache = st.session_state.setdefault("wb.data.inspected", {})
    key = (source.file_id, sheet)
    if key not in cache:
        with _readable(source) as path:
            info = inspect_path(path, sheet=sheet)
        if not any(k[0] == source.file_id for k in cache):
            cache.clear()
        cache[key] = info
    return cache[key]


def _inspection_summary(info: Inspection) -> None:
    cols = st.columns(4)
    cols[0].metric(t("data.inspect.rows"), f"{info.rows:,}")
    cols[1].metric(t("data.inspect.columns"), f"{len(info.columns):,}")
    cols[2].metric(t("data.inspect.memory"), _mib(info.memory_bytes))
    fmt = " · ".join(x for x in (info.format, info.encoding, info.delimiter and repr(info.delimiter)) if x)
    cols[3].metric(t("data.inspect.format"), fmt)
    if info.large:
        st.warning(t("data.inspect.large", memory=_mib(info.memory_bytes), rows=f"{info.rows:,}"))
    for key, params in info.notes:
        st.caption("ⓘ " + t(key, **params))


def database_source() -> None:
    uri = st.text_input(
        t("data.db.uri"), placeholder="sqlite:///bank.db  ·  postgresql+psycopg://user@host/db", key="wb.data.uri"
    )
    if not uri.strip():
        st.caption(t("data.db.help"))
        return
    try:
        names = list_tables(allowed_uri(uri.strip()))
    except UserError as err:
        st.error(str(err))
        return
    mode = st.radio(
        t("data.db.mode"),
        ("table", "query"),
        format_func=lambda m: t(f"data.db.mode_{m}"),
        horizontal=True,
        key="wb.data.db_mode",
    )
    if mode == "table":
        table = st.selectbox(t("data.db.table"), names, key="wb.data.db_table")
        query, name = None, table
    else:
        query = st.text_area(t("data.db.query"), key="wb.data.db_query")
        table, name = None, st.text_input(t("data.file.name"), value="query", key="wb.data.db_name")
    if st.button(t("data.file.load"), type="primary", key="wb.data.load_db", disabled=not (table or query)):
        take_in_all([lambda: _named(read_sql(uri.strip(), table=table, query=query), name)])
        st.rerun()


def _named(table: Table, name: str | None) -> Table:
    return Table(dataset_label(name) if name else table.name, table.frame, table.source)


def tables_overview() -> None:
    certified, raw = state.certified_tables(), state.raw_tables()
    if not certified and not raw:
        st.info(t("data.tables.empty"))
        return
    rows = [
        {
            t("data.col.table"): n,
            t("data.col.status"): t("data.status.certified"),
            t("data.col.rows"): m.height,
            t("data.col.columns"): len(m.columns),
        }
        for n, m in certified.items()
    ]
    rows += [
        {
            t("data.col.table"): n,
            t("data.col.status"): t("data.status.pii"),
            t("data.col.rows"): r.frame.height,
            t("data.col.columns"): r.frame.width,
        }
        for n, r in raw.items()
    ]
    show_frame(pd.DataFrame(rows))
    read_box("data.tables.how", "data.preview.how.title")
    if raw:
        st.warning(t("data.pending", names=", ".join(raw)))
        page_link("pages/privacy.py", t("guard.to_privacy"), ":material/shield_lock:")


def preview(masked: MaskedTable) -> None:
    frame = masked.frame
    show_frame(frame.head(200), height=320, hide_index=False)
    kinds = [dtype_name(d) for d in frame.dtypes]
    schema = pd.DataFrame(
        {
            "column": frame.columns,
            "type": kinds,
            "missing": [frame.get_column(c).null_count() for c in frame.columns],
        }
    )
    edited = st.data_editor(
        schema,
        placeholder=missing_mark(),
        hide_index=True,
        width="stretch",
        disabled=["column", "missing"],
        key=f"wb.data.types.{masked.name}",
        column_config={
            "column": st.column_config.TextColumn(t("data.col.column")),
            "type": st.column_config.SelectboxColumn(t("data.col.dtype"), options=list(KINDS), required=True),
            "missing": st.column_config.NumberColumn(t("data.col.missing"), format="localized"),
        },
    )
    overrides = {c: k for c, k, old in zip(frame.columns, edited["type"], kinds, strict=True) if k != old}
    if overrides and st.button(t("data.types.apply", n=len(overrides)), key="wb.data.apply_types"):
        retype(masked, overrides)


def retype(masked: MaskedTable, overrides: dict[str, str]) -> None:
    try:
        result = intake.retype(masked, overrides, state.store())
    except UserError as err:
        st.error(str(err))
        return
    if result.masked is not None:
        state.remember_certified(result.masked)
        state.flash(t("data.types.applied", name=masked.name, columns=", ".join(overrides)))
    st.rerun()


def role_label(role: str) -> str:
    return t(f"relations.role.{role}")


def roles_editor(tables: dict[str, MaskedTable]) -> None:
    """Suggested roles, keys and links; the analyst edits and saves them to the workspace."""
    s = state.store()
    saved = {m.dataset: m for m in s.tables.list()}
    suggested = suggest_roles(tables)
    rows = []
    for name in tables:
        meta, sug = saved.get(name), suggested[name]
        rows.append(
            {
                "table": name,
                "role": meta.role if meta else sug.role,
                "key": (meta.primary_key[0] if meta and meta.primary_key else sug.primary_key) or "",
                "time": (meta.time_column if meta else sug.time_column) or "",
                "target": (meta.target_column if meta else sug.target) or "",
                "why": t("data.roles.saved") if meta else t(sug.reason_key),
            }
        )
    all_cols = sorted({c for m in tables.values() for c in m.columns})
    times = sorted({c for m in tables.values() for c in time_columns(m)})
    targets = sorted({c for m in tables.values() for c in target_candidates(m)})
    edited = st.data_editor(
        pd.DataFrame(labelled(rows, "role", role_label)),
        placeholder=missing_mark(),
        hide_index=True,
        width="stretch",
        key="wb.data.roles",
        disabled=["table", "why"],
        column_config={
            "table": st.column_config.TextColumn(t("data.col.table")),
            "role": st.column_config.SelectboxColumn(
                t("data.roles.role"), options=[role_label(r) for r in ROLES], required=True
            ),
            "key": st.column_config.SelectboxColumn(t("data.roles.key"), options=["", *all_cols]),
            "time": st.column_config.SelectboxColumn(
                t("data.roles.time"), options=["", *times], help=term_help("cutoff")
            ),
            "target": st.column_config.SelectboxColumn(t("data.roles.target"), options=["", *targets]),
            "why": st.column_config.TextColumn(t("data.roles.why"), width="large"),
        },
    )
    fks = foreign_key_candidates(tables)
    if fks:
        st.markdown("**" + t("data.roles.links") + "**")
        st.markdown(
            "\n".join(
                "- "
                + t(
                    "data.roles.link",
                    child=f"{f.child}.{f.column}",
                    parent=f"{f.parent}.{f.parent_column}",
                    inclusion=f"{f.inclusion:.1%}",
                    per_key=f"{f.rows_per_key:,.1f}",
                )
                for f in fks
            )
        )
    if st.button(t("data.roles.save"), key="wb.data.save_roles"):
        try:
            _save_roles(coded(edited.to_dict("records"), "role", ROLES, role_label), fks)
        except UserError as err:
            st.error(str(err))
        else:
            state.flash(t("data.roles.saved_all"))
            st.rerun()


def _save_roles(rows: list[dict], fks) -> None:
    s = state.store()
    for r in rows:
        s.tables.set(
            r["table"],
            role=r["role"],
            primary_key=r["key"] or (),
            time_column=r["time"] or None,
            target_column=r["target"] or None,
        )
    for f in fks:
        s.tables.relate(f.child, f.column, f.parent, f.parent_column)
