"""Keys and files: weak pseudonym keys are refused, the store and the workspace are private to their owner,
and a name taken from a file name never carries an identifier into the store, the audit log or the page."""

from __future__ import annotations

import os
import re
import stat

import polars as pl
import pytest
import sqlalchemy as sa
from conftest import ROOT

from workbench.intake import take_in
from workbench.io import read_table
from workbench.privacy.keys import KeyError_, load_key
from workbench.store import Store

PHONE = "010-1234-5678"
PHONE_SPELLINGS = ("010-1234-5678", "01012345678", "010 1234 5678", "010.1234.5678", "1012345678")


@pytest.mark.parametrize(
    "key",
    [" " * 16, "a" * 16, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "abababababababab", "0000000011111111", "12121212abab"],
)
def test_low_entropy_keys_are_refused_in_one_line(key, monkeypatch, tmp_path):
    monkeypatch.setenv("WORKBENCH_HOME", str(tmp_path / "ws"))
    monkeypatch.setenv("WORKBENCH_PSEUDONYM_KEY", key)
    with pytest.raises(KeyError_) as err:
        load_key()
    assert err.value.key in ("privacy.key.weak", "privacy.key.too_short", "privacy.key.missing")
    assert "\n" not in err.value.message("en") and "\n" not in err.value.message("ko")
    monkeypatch.delenv("WORKBENCH_PSEUDONYM_KEY")
    keyfile = tmp_path / "key.txt"
    keyfile.write_text(key + "\n")
    monkeypatch.setenv("WORKBENCH_PSEUDONYM_KEY_FILE", str(keyfile))
    with pytest.raises(KeyError_):
        load_key()


@pytest.mark.parametrize(
    "key", ["9f3c1a7be2d54088", os.urandom(24).hex(), "correct horse battery staple", "test-key-" + "x" * 24]
)
def test_real_keys_are_accepted(key, monkeypatch, tmp_path):
    monkeypatch.setenv("WORKBENCH_HOME", str(tmp_path / "ws"))
    monkeypatch.setenv("WORKBENCH_PSEUDONYM_KEY", key)
    assert load_key() == key.encode()


def test_weak_key_message_says_how_to_make_a_good_one(monkeypatch):
    monkeypatch.setenv("WORKBENCH_PSEUDONYM_KEY", "a" * 16)
    with pytest.raises(KeyError_) as err:
        load_key()
    assert "secrets.token_hex(32)" in err.value.message("en") and "1 distinct" in err.value.message("en")


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_workspace_and_its_store_are_private(tmp_path):
    home = tmp_path / "ws"
    with Store.open(home) as store:
        store.datasets.save("고객", pl.DataFrame({"a": [1, 2]}), certified=True)
        store.audit.append("test.entry", {"n": 1})
        files = [home / "workbench.db", *home.glob("workbench.db-*"), store.datasets.get("고객").path]
        assert len(files) >= 3  # with the -wal and -shm of an open store
        for f in files:
            assert _mode(f) == 0o600, f
    assert _mode(home) == 0o700
    for d in ("datasets", "runs", "reports", "logs"):
        assert _mode(home / d) == 0o700, d


def test_an_existing_open_workspace_is_tightened(tmp_path):
    home = tmp_path / "ws"
    with Store.open(home):
        pass
    os.chmod(home, 0o755)
    os.chmod(home / "datasets", 0o777)
    os.chmod(home / "workbench.db", 0o644)
    with Store.open(home):
        pass
    assert (_mode(home), _mode(home / "datasets"), _mode(home / "workbench.db")) == (0o700, 0o700, 0o600)


MASKED_NAME = "[성명]_[전화번호]"  # the person's name beside the phone number is masked as well


@pytest.fixture
def phone_named_file(tmp_path):
    path = tmp_path / f"홍길동_{PHONE}.csv"
    path.write_text("지점코드,연소득\n00123,4200\n00456,3100\n", encoding="utf-8")
    return path


def _spellings_in(text: str) -> list[str]:
    digits = re.sub(r"\D", "", text)
    return [s for s in PHONE_SPELLINGS if s in text or re.sub(r"\D", "", s) in digits]


def test_a_phone_in_a_file_name_reaches_no_name_entry_or_file(phone_named_file, workspace):
    table = read_table(phone_named_file)
    assert table.name == MASKED_NAME
    assert PHONE not in table.source.location
    with Store.open(workspace) as store:
        result = take_in(table, store)
        assert result.certified
        assert [d.name for d in store.datasets.list()] == [MASKED_NAME]
        with store.engine.connect() as conn:
            dump = " ".join(
                str(row)
                for t in ("datasets", "dataset_versions", "audit_log")
                for row in conn.execute(sa.text(f"SELECT * FROM {t}"))
            )
        names = " ".join(p.name for p in workspace.rglob("*"))
    assert "전화번호" in dump and "홍길동" not in dump and "홍길동" not in names
    for spelling in PHONE_SPELLINGS:
        assert spelling not in dump and spelling not in names, spelling


def test_cli_profile_of_a_phone_named_file_audits_no_phone(phone_named_file, workspace):
    import subprocess
    import sys

    env = {**os.environ, "PYTHONPATH": str(ROOT), "WORKBENCH_HOME": str(workspace)}
    proc = subprocess.run(
        [sys.executable, "-m", "workbench", "profile", str(phone_named_file), "--json"],
        capture_output=True, text=True, timeout=120, env=env, cwd=ROOT,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    with Store.open(workspace) as store:
        entries = " ".join(str(e.payload) for e in store.audit.list())
    assert MASKED_NAME in entries
    assert not [s for s in PHONE_SPELLINGS if s in entries]


def test_data_page_offers_the_masked_name(phone_named_file, workspace, app_test, monkeypatch):
    monkeypatch.setenv("WORKBENCH_DATA_DIRS", str(phone_named_file.parent))
    at = app_test().run()
    at.text_input(key="wb.data.path").input(str(phone_named_file)).run()
    assert not at.exception
    assert at.text_input(key="wb.data.name").value == MASKED_NAME
    at.button(key="wb.data.load_file").click().run()
    with Store.open(workspace) as store:
        assert [d.name for d in store.datasets.list()] == [MASKED_NAME]
