"""Per-session state under Workbench's own keys, and the workspace store shared by the sessions.

Raw tables (before the gate) live only in this session's memory, never in the store: the store holds
certified data alone. Certified tables are reloaded from the store when a session starts, so a reload or a
colleague sees the same workspace.
"""

from __future__ import annotations

import os

import streamlit as st

from workbench.i18n import t
from workbench.io.table import Table
from workbench.privacy import MaskedTable
from workbench.store import Store
from workbench.ui.shell import page_link, workspace_dir

RAW = "wb.data.raw"  # name -> Table, waiting for the privacy page
CERTIFIED = "wb.data.certified"  # name -> MaskedTable
FLASH = "wb.flash"  # messages to show once after a rerun
TOUR = "wb.learn.in_tour"  # this session works in the tour's practice workspace (workbench.learn.sandbox)
TOUR_SUFFIX = ".tour"  # the practice workspace's tables live under their own session keys
WORK_PREFIXES = ("wb.features.", "wb.model.")  # session work dropped when switching workspace


@st.cache_resource(show_spinner=False)
def _open_store(home: str, url: str | None) -> Store:
    return Store.open(home=home, url=url)


def store() -> Store:
    """The analysts' workspace store, or the tour's practice store while this session is in the tour."""
    if in_tour():
        from workbench.learn.sandbox import sandbox_home, sandbox_url

        return _open_store(str(sandbox_home(workspace_dir())), sandbox_url(workspace_dir()))
    return _open_store(str(workspace_dir()), os.environ.get("WORKBENCH_DB_URL"))


def in_tour() -> bool:
    return bool(st.session_state.get(TOUR))


def set_tour(on: bool) -> None:
    """Enter or leave the practice workspace; this session's work of the other workspace is put away so a
    page never shows one workspace's run against the other's store."""
    if in_tour() == on:
        return
    for key in [k for k in st.session_state if str(k).startswith(WORK_PREFIXES)]:
        del st.session_state[key]
    st.session_state[TOUR] = on


def _key(base: str) -> str:
    return base + TOUR_SUFFIX if in_tour() else base


def raw_tables() -> dict[str, Table]:
    return st.session_state.setdefault(_key(RAW), {})


def certified_tables() -> dict[str, MaskedTable]:
    key = _key(CERTIFIED)
    if key not in st.session_state:
        st.session_state[key] = _from_store()
    return st.session_state[key]


def _from_store() -> dict[str, MaskedTable]:
    from workbench.ui.shared_tables import certified_from_store  # one frame per dataset for all sessions

    return certified_from_store(store())


def remember_certified(masked: MaskedTable) -> None:
    certified_tables()[masked.name] = masked
    raw_tables().pop(masked.name, None)


def require_certified() -> dict[str, MaskedTable]:
    """For pages after the gate: the certified tables, or a reason and a way to the pages that make them."""
    tables = certified_tables()
    if not tables:
        st.warning(t("guard.no_certified"))
        page_link("pages/data.py", t("guard.to_data"), ":material/table_view:")
        page_link("pages/privacy.py", t("guard.to_privacy"), ":material/shield_lock:")
        st.stop()
    return tables


def recorded_targets() -> dict[str, str]:
    """Dataset → the target column recorded with its role; a feature table ``features_<label>`` inherits its
    label table's target, so the Model page can start on what the analyst already decided."""
    targets = {m.dataset: m.target_column for m in store().tables.list() if m.target_column}
    for name in certified_tables():
        label = name.removeprefix("features_")
        if name != label and label in targets:
            targets.setdefault(name, targets[label])
    return targets


def flash(message: str, kind: str = "success") -> None:
    st.session_state.setdefault(FLASH, []).append((kind, message))


def show_flashes() -> None:
    for kind, message in st.session_state.pop(FLASH, []):
        getattr(st, kind)(message)
