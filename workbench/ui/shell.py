"""The sidebar every page shares: language, workspace, where the user is in the flow."""

from __future__ import annotations

import os
from pathlib import Path

import streamlit as st

from workbench.i18n import DEFAULT_LANGUAGE, LANGUAGES, get_language, set_language, t

LANG_KEY = "wb.lang"
_PICKER_KEY = "wb.lang_picker"
_LANG_LABELS = {"ko": "한국어", "en": "English"}


def apply_language() -> str:
    """Set this run's language before anything is drawn: the session's choice, else the address's
    ``?lang=en`` (a reload, a bookmark or a link a colleague sent keeps the language), else Korean. The
    choice is written back to the address, which a page change through the sidebar clears."""
    asked = st.query_params.get("lang")
    if LANG_KEY not in st.session_state and asked in LANGUAGES:
        st.session_state[LANG_KEY] = asked
    lang = st.session_state.get(LANG_KEY, DEFAULT_LANGUAGE)
    set_language(lang)
    if asked != lang:
        st.query_params["lang"] = lang
    return lang


def workspace_dir() -> Path:
    return Path(os.environ.get("WORKBENCH_HOME", "workspace")).resolve()


def _language_changed() -> None:
    st.session_state[LANG_KEY] = st.session_state[_PICKER_KEY]


def language_picker() -> None:
    """The choice is copied in a callback, which runs before the next script run, so the whole page redraws
    in the new language at once (no second rerun) and the choice survives page changes."""
    st.sidebar.radio(
        t("app.language"),
        LANGUAGES,
        index=LANGUAGES.index(get_language()),
        format_func=lambda code: _LANG_LABELS[code],
        horizontal=True,
        key=_PICKER_KEY,
        on_change=_language_changed,
    )


def widget_texts() -> None:
    """Streamlit's widgets carry a few English words of their own that no argument reaches: the file
    uploader's button and size line, and a select box's search placeholder while it is open. The uploader's
    are replaced from the catalog; the search placeholder is left blank (the box's label says what to pick)."""
    limit = st.get_option("server.maxUploadSize")
    size = f"{limit / 1024:g} GB" if limit >= 1024 else f"{limit} MB"
    upload, instructions = t("ui.upload"), t("ui.upload_limit", size=size)
    st.html(
        "<style>"
        '[data-testid="stSelectbox"] input::placeholder, [data-testid="stMultiSelect"] input::placeholder'
        " { color: transparent; }"
        '[data-testid="stFileUploaderDropzone"] button p { font-size: 0; }'
        f'[data-testid="stFileUploaderDropzone"] button p::after {{ content: "{upload}"; font-size: 0.875rem; }}'
        '[data-testid="stFileUploaderDropzoneInstructions"] span { font-size: 0; }'
        '[data-testid="stFileUploaderDropzoneInstructions"] span::after'
        f' {{ content: "{instructions}"; font-size: 0.8rem; }}'
        "</style>"
    )


def sidebar() -> None:
    widget_texts()
    language_picker()
    st.sidebar.caption(f"{t('app.workspace')}: `{workspace_dir()}`")


def page_link(path: str, label: str, icon: str | None = None) -> None:
    """A link to another page of the app, drawn only when that page is installed."""
    from workbench.ui.nav import available_pages

    if any(p.path == path for p in available_pages()):
        st.page_link(path, label=label, icon=icon)


def not_found_page(path: str | None):
    """The page for an address no page answers, in the user's language, with the way back to every page.
    ``None``: the root while ``/data`` is asked for; it goes on to the first page. A nested address comes
    here through ``workbench.serve`` as ``/not-found?path=/a/b`` and is named as asked."""
    from workbench.ui.nav import NOT_FOUND_URL, available_pages

    def page() -> None:
        pages = available_pages()
        if path is None:
            st.switch_page(pages[0].path)
        st.title(t("nav.not_found"))
        asked = (st.query_params.get("path") if path == NOT_FOUND_URL else None) or f"/{path}"
        st.warning(t("nav.not_found_body", path=asked.replace("`", "'")))  # shown in a code span, as typed
        for p in pages:
            st.page_link(p.path, label=t(p.title_key), icon=p.icon)

    page.__name__ = "not_found"
    return page
