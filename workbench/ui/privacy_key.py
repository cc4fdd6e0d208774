"""The pseudonymisation key for one session, chosen on the Privacy page from a key file.

The key's bytes stay in this session's memory (``st.session_state``) and nowhere else: not on disk, not in
the store, not in a log. Without one, the key from the environment (``WORKBENCH_PSEUDONYM_KEY`` or its
file) is used, and without either, pseudonyms are refused with the same message in the preview and at apply.
"""

from __future__ import annotations

import streamlit as st

from workbench.errors import UserError
from workbench.i18n import t
from workbench.privacy.keys import key_available, key_from_upload

SESSION_KEY = "wb.privacy.session_key"  # bytes of this session's key (never persisted)
UPLOAD = "wb.privacy.key_file"


def session_key() -> bytes | None:
    return st.session_state.get(SESSION_KEY)


def keyed() -> bool:
    """Whether pseudonyms can be made in this session (a session key or the environment's)."""
    return session_key() is not None or key_available()


def key_chooser() -> bytes | None:
    """Where the key comes from, and a key file to use for this session only. Returns the session key."""
    with st.expander(t("privacy.key.session.title"), expanded=not keyed()):
        if session_key() is not None:
            st.success(t("privacy.key.session.chosen"))
            if st.button(t("privacy.key.session.forget"), key="wb.privacy.key_forget"):
                del st.session_state[SESSION_KEY]
                st.rerun()
        elif key_available():
            st.info(t("privacy.key.session.environment"))
        upload = st.file_uploader(t("privacy.key.session.upload"), key=UPLOAD, help=t("privacy.key.session.help"))
        if upload is not None:
            try:
                st.session_state[SESSION_KEY] = key_from_upload(upload.getvalue(), upload.name)
            except UserError as err:
                st.error(str(err))
    return session_key()
