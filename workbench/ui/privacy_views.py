"""Drawing pieces of the Privacy page: where the raw table comes from, its scan kept for the session, and the
page's how-to-read expanders. Raw uploads are read through ``intake.spooled`` like the Data page's, so no
copy outlives the read."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from workbench.i18n import t
from workbench.intake import spooled
from workbench.io import read_table
from workbench.privacy import scan
from workbench.ui import state
from workbench.ui.explain import read_box
from workbench.ui.nav import ROOT

SAMPLE_RAW = ROOT / "sample_data" / "raw" / "customers_raw_cp949.csv"
SCANS = "wb.privacy.scans"  # fingerprint -> ScanResult, so a rerun does not scan again


def how_to_read(key: str) -> None:
    read_box(key, "privacy.how_to_read")


def pick_table():
    """A raw table from this session, the sample's raw export, or an uploaded file."""
    raw = state.raw_tables()
    sources = ["session", "sample", "upload"] if raw else ["sample", "upload"]
    source = st.radio(
        t("privacy.source.label"),
        sources,
        format_func=lambda s: t(f"privacy.source.{s}"),
        horizontal=True,
        key="wb.privacy.source",
    )
    if source == "session":
        name = st.selectbox(t("privacy.source.pick"), list(raw), key="wb.privacy.pick")
        return raw[name] if name else None
    if source == "sample":
        if "sample" not in st.session_state.setdefault("wb.privacy.loaded", {}):
            st.session_state["wb.privacy.loaded"]["sample"] = read_table(SAMPLE_RAW)
        return st.session_state["wb.privacy.loaded"]["sample"]
    upload = st.file_uploader(t("privacy.source.upload"), key="wb.privacy.upload")
    if upload is None:
        return None
    loaded = st.session_state.setdefault("wb.privacy.loaded", {})
    if upload.file_id not in loaded:
        with spooled(upload.name, upload.getvalue()) as path:  # no raw copy left on disk
            loaded[upload.file_id] = read_table(path, name=Path(upload.name).stem)
    return loaded[upload.file_id]


def scanned(table):
    cache = st.session_state.setdefault(SCANS, {})
    key = (table.name, table.fingerprint)
    if key not in cache:
        with st.spinner(t("privacy.scan.running", rows=f"{table.frame.height:,}")):
            cache[key] = scan(table)
    return cache[key]
