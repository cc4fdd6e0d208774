"""Finding 5 of the team trial: without a key, the preview refuses a pseudonym with apply's own message; a key
file chosen for the session is used for preview and apply and is never written to disk, store or log."""

from __future__ import annotations

from dataclasses import replace

import pytest
from conftest import ROOT, SAMPLE
from streamlit.testing.v1 import AppTest

from workbench.errors import UserError
from workbench.i18n import t
from workbench.io import read_table
from workbench.privacy.keys import KEY_ENV, KEY_FILE_ENV, key_from_upload
from workbench.privacy.policy import apply, propose_policy
from workbench.privacy.scan import scan
from workbench.store import Store

PAGE = str(ROOT / "pages" / "privacy.py")
RAW = SAMPLE / "raw" / "customers_raw_cp949.csv"
EDITOR = "wb.privacy.editor.customers_raw_cp949"
CARD_ROW = 6  # 카드번호 in the policy editor
SESSION_KEY = b"session-only-key-" + b"k" * 24


@pytest.fixture
def page(monkeypatch, workspace):
    monkeypatch.delenv(KEY_ENV, raising=False)
    monkeypatch.delenv(KEY_FILE_ENV, raising=False)
    at = AppTest.from_file(PAGE, default_timeout=60).run()
    assert not at.exception, at.exception
    at.session_state[EDITOR] = {
        "edited_rows": {CARD_ROW: {"action": "pseudonym"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    return at.run()


def columns_and_rest(message: str) -> tuple[frozenset[str], str]:
    """``privacy.key.missing_for`` as (the columns it names, the rest of the sentence)."""
    head, rest = message.split(" 열은", 1)
    return frozenset(head.split(", ")), rest


def test_without_a_key_the_preview_refuses_a_pseudonym_with_applys_message(page):
    from workbench.ui.privacy_key import SESSION_KEY as KEY_STATE

    assert KEY_STATE not in page.session_state
    table = read_table(RAW)
    policy = propose_policy(scan(table))
    rules = tuple((c, replace(r, action="pseudonym") if c == "카드번호" else r) for c, r in policy.rules)
    with pytest.raises(UserError) as at_apply:
        apply(table, replace(policy, rules=rules))
    assert at_apply.value.key == "privacy.key.missing_for"
    [shown] = [e.value for e in page.error]  # one line, before any apply: apply's message (columns in any order)
    assert columns_and_rest(shown) == columns_and_rest(str(at_apply.value))
    assert not [b for b in page.button if b.key == "wb.privacy.apply"]  # nothing to apply a refused policy with
    assert page.expander and any(t("privacy.key.session.title") == e.label for e in page.expander)


def test_a_session_key_pseudonymises_and_is_never_written(page, workspace):
    from workbench.ui.privacy_key import SESSION_KEY as KEY_STATE

    page.session_state[KEY_STATE] = key_from_upload(SESSION_KEY, "team.key")
    page.run()
    assert not page.error, [e.value for e in page.error]
    assert any(t("privacy.key.session.chosen") in s.value for s in page.success)
    page.button(key="wb.privacy.apply").click().run()
    assert not page.exception, page.exception
    masked = page.session_state["wb.data.certified"]["customers_raw_cp949"]
    cards = masked.frame["카드번호"].drop_nulls()
    assert cards.len() and not cards.str.contains(r"\*").any()  # keyed pseudonyms, not partial masks
    assert Store.open().datasets.get("customers_raw_cp949").certified
    for path in workspace.rglob("*"):  # the store, its files, the audit log, logs: no trace of the key
        if path.is_file():
            assert SESSION_KEY not in path.read_bytes(), path


def test_a_chosen_key_file_is_checked_like_any_key():
    assert key_from_upload(SESSION_KEY + b"\n", "k.txt") == SESSION_KEY
    with pytest.raises(UserError, match="16"):
        key_from_upload(b"short", "k.txt")
    with pytest.raises(UserError, match=r"k\.bin"):
        key_from_upload(b"\xff\xfe\x00binary", "k.bin")
    with pytest.raises(UserError):
        key_from_upload(b"   \n", "empty.txt")
