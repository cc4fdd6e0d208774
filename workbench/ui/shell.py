"""The sidebar every page shares: language, workspace, where the user is in the flow."""

from __future__ import annotations

import os
from pathlib import Path

import streamlit as st

from workbench.i18n import DEFAULT_LANGUAGE, LANGUAGES, get_language, set_language, t

LANG_KEY = "wb.lang"
_LANG_LABELS = {"ko": "한국어", "en": "English"}


def apply_language() -> str:
    """Set this run's language from the session (Korean first) before anything is drawn."""
    lang = st.session_state.get(LANG_KEY, DEFAULT_LANGUAGE)
    set_language(lang)
    return lang


def workspace_dir() -> Path:
    return Path(os.environ.get("WORKBENCH_HOME", "workspace")).resolve()


def language_picker() -> None:
    current = get_language()
    choice = st.sidebar.radio(
        t("app.language"),
        LANGUAGES,
        index=LANGUAGES.index(current),
        format_func=_LANG_LABELS.__getitem__,
        horizontal=True,
        key="wb.lang_picker",
    )
    if choice != current:
        st.session_state[LANG_KEY] = choice
        st.rerun()


def sidebar() -> None:
    language_picker()
    st.sidebar.caption(f"{t('app.workspace')}: `{workspace_dir()}`")
