"""An audit trail that proves itself: each tampering a database administrator could do is caught, and
``workbench audit verify`` exits 2 naming the entry or the file.

The tamperer here knows the algorithm (canonical JSON, SHA-256) and recomputes every hash and the head, as
the issue's attacker did; what they lack is the key kept outside the database and the anchor file.
"""

from __future__ import annotations

import hashlib
import json
import stat

import polars as pl
import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from test_store_support import raw

from workbench.cli import cli
from workbench.store import Store
from workbench.store.audit import GENESIS, append_in, entry_body
from workbench.store.db import writing
from workbench.store.schema import audit_log

RAW = pl.DataFrame({"주민등록번호": ["730915-1482636", "850101-2345678"], "연소득": [4200, 3100]})


def certified_frame(n: int = 2) -> pl.DataFrame:
    return pl.DataFrame({"customer_id": [f"C{i:03d}" for i in range(n)], "연소득": [4200 + i for i in range(n)]})


@pytest.fixture
def store(workspace):
    with Store.open(workspace) as s:
        for i in range(1, 5):
            s.audit.append("privacy.certified", {"dataset": f"표{i}", "n": i}, actor="김대리")
        s.datasets.save("고객", certified_frame(), certified=True)
        yield s


def verify_cli(lang: str = "en"):
    result = CliRunner().invoke(cli, ["--lang", lang, "audit", "verify"])
    return result.exit_code, result.stdout, result.stderr


def rehash_from(store: Store, seq: int) -> None:
    """What a tamperer does after editing row ``seq``: recompute its SHA-256 and every later one, and the head."""
    with store.engine.begin() as conn:
        rows = list(conn.execute(sa.select(audit_log).order_by(audit_log.c.seq)))
        prev = GENESIS
        for row in rows:
            if row.seq >= seq:
                body = entry_body(row.seq, row.at, row.actor, row.action, json.loads(row.payload), prev)
                digest = hashlib.sha256(body.encode()).hexdigest()
                conn.execute(audit_log.update().where(audit_log.c.seq == row.seq).values(prev_hash=prev, hash=digest))
                prev = digest
            else:
                prev = row.hash
        conn.execute(sa.text("UPDATE audit_head SET seq = :s, hash = :h"), {"s": rows[-1].seq, "h": prev})


def test_an_untouched_workspace_verifies(store):
    assert store.audit.verify().ok and store.audit.verify_files() == ()
    code, out, err = verify_cli()
    assert code == 0 and "5 entries" in out and err == ""  # 4 appended, 1 dataset.saved


def test_rewriting_a_row_with_recomputed_hashes_and_head_fails(store):
    raw(store, "UPDATE audit_log SET actor = '홍길동' WHERE seq = 2")
    rehash_from(store, 2)
    result = store.audit.verify()
    assert (result.ok, result.first_bad_seq, result.reason) == (False, 2, "edited")
    code, _, err = verify_cli()
    assert code == 2 and err.count("\n") == 1
    assert err.startswith("error: Audit log tampered: Audit entry 2 was changed")


def test_deleting_the_newest_row_and_rewriting_the_head_fails(store):
    newest = store.audit.head()[0]
    raw(store, "DELETE FROM audit_log WHERE seq = :s", s=newest)
    before = store.audit.get(newest - 1)
    raw(store, "UPDATE audit_head SET seq = :s, hash = :h", s=before.seq, h=before.hash)
    result = store.audit.verify()
    assert (result.ok, result.entries, result.first_bad_seq, result.reason) == (False, newest - 1, newest, "truncated")
    code, _, err = verify_cli()
    assert code == 2 and f"from {newest} on, are gone" in err and err.count("\n") == 1


def test_dropping_the_audit_table_is_not_an_intact_empty_log(store):
    known = store.audit.head()[0]
    raw(store, "DROP TABLE audit_log")
    result = store.audit.verify()
    assert not result.ok and result.reason == "table_missing" and result.anchored == known
    code, out, err = verify_cli()
    assert code == 2 and "intact" not in out + err
    assert (
        err.strip()
        == f"error: Audit log tampered: The audit log table is gone: the anchor file knows of {known} entries."
    )


def test_emptying_the_audit_table_and_head_is_caught_by_the_anchor(store):
    raw(store, "DELETE FROM audit_log")
    raw(store, "DELETE FROM audit_head")
    result = store.audit.verify()
    assert (result.ok, result.entries, result.first_bad_seq, result.reason) == (False, 0, 1, "truncated")


def test_replacing_a_certified_parquet_with_raw_data_fails(store):
    saved = store.datasets.get("고객")
    RAW.write_parquet(saved.path)
    problems = store.audit.verify_files()
    assert [(p.dataset, p.version, p.reason) for p in problems] == [("고객", 1, "changed")]
    code, _, err = verify_cli()
    assert code == 2 and saved.path.name in err and err.count("\n") == 1
    # fixing the row's own hash too does not help: the certification entry holds the original
    fake = hashlib.sha256(saved.path.read_bytes()).hexdigest()
    raw(store, "UPDATE dataset_versions SET file_sha256 = :h", h=fake)
    assert [p.reason for p in store.audit.verify_files()] == ["changed"]


def test_a_deleted_certified_file_and_a_forged_certified_row_fail(store):
    store.datasets.save("거래", certified_frame(3))
    raw(store, "UPDATE dataset_versions SET certified = 1 WHERE path LIKE '%거래%'")  # never certified
    store.datasets.get("고객").path.unlink()
    reasons = {(p.dataset, p.reason) for p in store.audit.verify_files()}
    assert reasons == {("고객", "missing"), ("거래", "unaudited")}
    code, _, err = verify_cli()
    assert code == 2 and "(+1)" in err


def test_deleting_the_anchor_file_fails(store, workspace):
    (workspace / "audit.anchor").unlink()
    result = store.audit.verify()
    assert (result.ok, result.reason) == (False, "anchor_missing")


def test_key_and_anchor_are_private_files_outside_the_database(store, workspace):
    for name in ("audit.key", "audit.anchor"):
        assert stat.S_IMODE((workspace / name).stat().st_mode) == 0o600, name
    key = (workspace / "audit.key").read_text().split("key=")[1].split()[0]
    with store.engine.connect() as conn:
        dump = " ".join(str(r) for t in ("audit_log", "audit_head") for r in conn.exec_driver_sql(f"SELECT * FROM {t}"))
    assert key not in dump
    anchored = (workspace / "audit.anchor").read_text().split()
    assert anchored[-2:] == [str(store.audit.head()[0]), store.audit.head()[1]]


def test_the_key_file_can_live_elsewhere(workspace, tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBENCH_AUDIT_KEY_FILE", str(tmp_path / "keys" / "audit.key"))
    with Store.open(workspace) as s:
        s.audit.append("test.entry", {"n": 1})
        assert s.audit.verify().ok
    assert (tmp_path / "keys" / "audit.key").exists() and not (workspace / "audit.key").exists()


def test_an_old_unkeyed_chain_still_verifies_and_is_anchored_from_then_on(workspace):
    """A workspace written before the key existed: its SHA-256 chain verifies; the key starts after it, and
    the old head is anchored at once, so even the old part can no longer be rewritten."""
    engine = sa.create_engine(f"sqlite:///{workspace / 'workbench.db'}")
    with Store.open(workspace):
        pass  # migrate the schema only
    (workspace / "audit.key").unlink(missing_ok=True)
    (workspace / "audit.anchor").unlink(missing_ok=True)
    for i in range(3):  # an engine no Store registered: plain SHA-256, as before the key
        with writing(engine, "audit") as conn:
            append_in(conn, "privacy.certified", {"n": i}, "old")
    engine.dispose()
    with Store.open(workspace) as s:
        assert s.audit.verify().ok
        assert "from=4" in (workspace / "audit.key").read_text()
        s.audit.append("privacy.certified", {"n": 3})
        assert s.audit.verify().ok and s.audit.count() == 4
        raw(s, "UPDATE audit_log SET actor = 'someone' WHERE seq = 2")
        rehash_from(s, 2)  # recomputes 2, 3 (unkeyed: passes) and 4 (keyed: fails)
        result = s.audit.verify()
        assert (result.ok, result.first_bad_seq, result.reason) == (False, 4, "edited")


def test_an_old_chain_rewritten_before_any_new_entry_contradicts_the_anchor(workspace):
    engine = sa.create_engine(f"sqlite:///{workspace / 'workbench.db'}")
    with Store.open(workspace):
        pass
    (workspace / "audit.key").unlink(missing_ok=True)
    (workspace / "audit.anchor").unlink(missing_ok=True)
    for i in range(3):
        with writing(engine, "audit") as conn:
            append_in(conn, "privacy.certified", {"n": i}, "old")
    engine.dispose()
    with Store.open(workspace) as s:
        assert s.audit.verify().ok  # anchors seq 3
        raw(s, "UPDATE audit_log SET actor = 'someone' WHERE seq = 1")
        rehash_from(s, 1)
        result = s.audit.verify()
        assert (result.ok, result.first_bad_seq, result.reason) == (False, 3, "rewritten")
        assert "rewritten" in result.message("en")


def test_postgres_store_is_keyed_and_anchored_too(workspace, pg_url):
    from test_store_support import with_schema

    url = with_schema(pg_url, "audit_tamper")
    admin = sa.create_engine(pg_url)
    with admin.begin() as conn:
        conn.exec_driver_sql("DROP SCHEMA IF EXISTS audit_tamper CASCADE")
        conn.exec_driver_sql("CREATE SCHEMA audit_tamper")
    try:
        with Store.open(workspace, url) as s:
            for i in range(3):
                s.audit.append("privacy.certified", {"n": i})
            raw(s, "UPDATE audit_log SET actor = 'x' WHERE seq = 2")
            rehash_from(s, 2)
            assert (s.audit.verify().first_bad_seq, s.audit.verify().reason) == (2, "edited")
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql("DROP SCHEMA IF EXISTS audit_tamper CASCADE")
        admin.dispose()
