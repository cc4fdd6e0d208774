"""Store.open, migrations, datasets, policies and the audit chain, on SQLite and on PostgreSQL."""

# ruff: noqa: F811  (fixtures imported from test_store_support share their names with test arguments)

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import polars as pl
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from test_store_support import db_url, empty_db_url, pg_shared_schema, raw, store  # noqa: F401

from workbench.i18n import t
from workbench.io.table import SourceInfo, Table, frame_fingerprint
from workbench.privacy.gate import certify
from workbench.store import NotFoundError, Store, StoreError, WorkspacePaths, db, migrate
from workbench.store.schema import metadata

TABLES = {
    "datasets", "dataset_versions", "policies", "audit_log", "audit_head", "table_meta", "relationships",
    "features", "review_state", "review_history", "runs", "learn_progress", "alembic_version", "scorecard_bin_edits",
    "timing_marks",
}  # fmt: skip


def customers(n: int = 5, seed: int = 0) -> pl.DataFrame:
    """A small masked customer table: tokens, Korean text, a date, a null, a nullable int."""
    return pl.DataFrame(
        {
            "customer_id": [f"C{seed:02d}{i:04d}" for i in range(n)],
            "name_masked": ["김*수", "이*영", "박*호", "최*진", "정*미"][:n] * (n // 5 or 1),
            "sido": ["서울특별시", "부산광역시", None, "대구광역시", "제주특별자치도"][:n] * (n // 5 or 1),
            "annual_income": [4200, 9999, 3100, None, 5600][:n] * (n // 5 or 1),
            "joined_at": [dt.date(2020, 1, 1) + dt.timedelta(days=37 * i + seed) for i in range(n)],
        }
    )


# --- open -------------------------------------------------------------------------------------------------


def test_open_creates_the_workspace_layout_from_the_environment(workspace: Path):
    with Store.open() as store:  # WORKBENCH_HOME set by the fixture, no WORKBENCH_DB_URL
        assert store.home == workspace.resolve()
        assert store.dialect == "sqlite"
        assert store.url == f"sqlite:///{workspace.resolve() / 'workbench.db'}"
        for d in ("datasets", "runs", "reports", "logs"):
            assert (workspace / d).is_dir()
        assert (workspace / "workbench.db").is_file()


def test_a_workspace_path_with_korean_spaces_and_url_characters_works(tmp_path: Path):
    home = tmp_path / "여신 심사팀 #2?"
    with Store.open(home) as store:
        store.policies.save("기본", "a: 1")
        assert (home / "workbench.db").is_file() and store.dialect == "sqlite"
    with Store.open(home) as store:
        assert store.policies.get("기본").version == 1


def test_open_uses_workbench_db_url(workspace: Path, tmp_path: Path, monkeypatch):
    other = tmp_path / "elsewhere.db"
    monkeypatch.setenv("WORKBENCH_DB_URL", f"sqlite:///{other}")
    with Store.open() as store:
        store.policies.save("기본", "columns: {}")
    assert other.is_file() and not (workspace / "workbench.db").exists()
    with Store.open(url=f"sqlite:///{other}") as store:
        assert store.policies.get("기본").version == 1


def test_sqlite_runs_in_wal_with_foreign_keys_and_a_busy_timeout(workspace: Path):
    with Store.open(workspace) as store, store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL


def test_unsupported_url_is_one_readable_line(workspace: Path):
    with pytest.raises(StoreError) as err:
        Store.open(workspace, "mysql://u:pw@host/db")
    assert "pw" not in str(err.value) and "\n" not in str(err.value)
    assert "mysql://u:***@host/db" in err.value.message("en")


def test_open_failures_are_one_readable_line(tmp_path: Path, request):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    with pytest.raises(StoreError) as err:
        Store.open(blocker / "workspace")
    assert err.value.key == "store.home_unusable" and "WORKBENCH_HOME" in err.value.message("en")

    home = tmp_path / "ws"
    home.mkdir()
    (home / "workbench.db").write_bytes(b"this is a spreadsheet, not a database" * 100)
    with pytest.raises(StoreError) as err:
        Store.open(home)
    assert err.value.key == "store.connect_failed" and "\n" not in str(err.value)

    from conftest import free_port

    with pytest.raises(StoreError) as err:
        Store.open(home, f"postgresql://analyst:pw123@127.0.0.1:{free_port()}/workbench")
    message = err.value.message("en")
    assert message.startswith("Can't open the workspace database postgresql+psycopg://analyst:***@127.0.0.1")
    assert "pw123" not in message and "\n" not in message


@pytest.mark.parametrize(
    ("location", "shown"),
    [
        ("postgresql://analyst:S3cret@dw/x?sslmode=require", "postgresql://analyst:***@dw/x?sslmode=require"),
        ("mssql+pyodbc://u:p%40ss@dsn", "mssql+pyodbc://u:***@dsn"),
        ("Driver={PostgreSQL};Server=dw;Uid=kim;Pwd=S3cret;", "Driver={PostgreSQL};Server=dw;Uid=kim;Pwd=***;"),
        ("host=dw user=kim password=S3cret dbname=x", "host=dw user=kim password=*** dbname=x"),
        ("/data/고객_2026.csv", "/data/고객_2026.csv"),
    ],
)
def test_source_locations_lose_their_passwords(location: str, shown: str):
    assert db.redact(location) == shown


def test_threads_share_one_store(store: Store):
    """Streamlit serves every session from threads of one process."""
    from concurrent.futures import ThreadPoolExecutor

    def work(i: int) -> int:
        for j in range(10):
            store.audit.append("test.thread", {"thread": i, "j": j})
        return store.policies.save("공유", f"thread: {i}")

    with ThreadPoolExecutor(4) as pool:
        versions = sorted(pool.map(work, range(4)))
    assert versions == [1, 2, 3, 4]
    assert store.audit.verify().ok and store.audit.count() == 44


def test_verify_while_others_append_never_cries_wolf(store: Store):
    import threading
    import time

    def append() -> None:
        for n in range(30):
            store.audit.append("test.busy", {"n": n})

    writer = threading.Thread(target=append)
    writer.start()
    results = []
    deadline = time.monotonic() + 30
    while writer.is_alive() and time.monotonic() < deadline:
        results.append(store.audit.verify())
    writer.join()
    assert all(r.ok for r in results), [r for r in results if not r.ok]
    assert len({r.entries for r in results}) > 3  # verified at many points while the chain grew


# --- migrations ---------------------------------------------------------------------------------------------


def test_migrations_from_empty_create_every_table_and_match_the_schema(workspace: Path, empty_db_url: str):
    with Store.open(workspace, empty_db_url) as store:
        assert migrate.tables(store.engine) >= TABLES
        with store.engine.connect() as conn:
            assert migrate.current(conn) == migrate.head()
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata)
        assert diff == [], diff  # schema.py and the migration scripts describe the same tables


def test_open_is_idempotent_and_keeps_data(store: Store, workspace: Path, db_url: str):
    store.policies.save("기본", "a: 1")
    for _ in range(2):
        with Store.open(workspace, db_url) as again:
            assert again.policies.get("기본").yaml == "a: 1"
            assert again.audit.verify().ok
    with store.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM alembic_version")).scalar() == 1


def test_upgrade_from_the_first_revision_keeps_its_rows(workspace: Path, empty_db_url: str):
    engine = db.create(empty_db_url)
    try:
        migrate.upgrade(engine, "0001")
        assert "runs" not in migrate.tables(engine) and "policies" in migrate.tables(engine)
        old = Store(engine, WorkspacePaths(workspace))
        old.policies.save("기본", "a: 1")
        migrate.upgrade(engine, "0002")  # runs exist, without the record column
        raw(
            old,
            "INSERT INTO runs (id, created_at, actor, dataset_fingerprint, target, split, params, features, "
            "metrics, warnings) VALUES ('r1', '2026-11-01 09:00:00', 'kim', 'ff', 'default_12m', '\"random\"', "
            "'{}', '[]', '{\"test\": {\"auc\": 0.7}}', '[]')",
        )
        migrate.upgrade(engine)
        assert migrate.tables(engine) >= TABLES
        with Store.open(workspace, empty_db_url) as store:
            assert store.policies.get("기본", 1).yaml == "a: 1"
            assert store.audit.verify().ok
            old_run = store.runs.get("r1")
            assert (old_run.metrics, old_run.split, old_run.record) == ({"test": {"auc": 0.7}}, "random", None)
    finally:
        engine.dispose()


def test_every_migration_steps_down_and_up_again(workspace: Path, empty_db_url: str):
    engine = db.create(empty_db_url)
    try:
        migrate.upgrade(engine)
        migrate.downgrade(engine, "0002")
        assert "record" not in {c["name"] for c in sa.inspect(engine).get_columns("runs")}
        for revision, gone in (("0001", {"runs", "features", "table_meta"}), ("base", TABLES - {"alembic_version"})):
            migrate.downgrade(engine, revision)
            assert not (migrate.tables(engine) & gone)
        migrate.upgrade(engine)
        with Store.open(workspace, empty_db_url) as store:
            assert migrate.tables(store.engine) >= TABLES
            run = store.runs.save(dataset_fingerprint="f", target="y", split="random", params={}, features=[],
                                  metrics={}, record={"task": "binary"})  # fmt: skip
            assert store.runs.get(run.id).record == {"task": "binary"}
    finally:
        engine.dispose()


def test_a_database_from_a_newer_workbench_is_refused(workspace: Path, empty_db_url: str):
    with Store.open(workspace, empty_db_url) as store:
        raw(store, "UPDATE alembic_version SET version_num = '0999'")
    with pytest.raises(StoreError) as err:
        Store.open(workspace, empty_db_url)
    assert "0999" in err.value.message("en") and "newer Workbench" in err.value.message("en")
    assert "더 새로운" in err.value.message("ko")


# --- datasets -------------------------------------------------------------------------------------------


def test_dataset_round_trip_keeps_values_types_and_metadata(store: Store):
    frame = customers()
    saved = store.datasets.save(
        "고객",
        frame,
        source_kind="sql",
        source_location="postgresql://analyst:S3cret!@db.bank.local/dw?sslpassword=x1",
        certified=True,
        policy_name="기본",
        policy_version=2,
        certified_at=dt.datetime(2026, 11, 25, 9, 30, tzinfo=dt.UTC),
        certified_by="김대리",
        actor="김대리",
    )
    assert saved.version == 1 and saved.rows == 5
    assert saved.fingerprint == frame_fingerprint(frame)
    assert saved.schema == {n: str(d) for n, d in frame.schema.items()}
    assert saved.path == store.paths.dataset_file("고객", saved.fingerprint)
    assert saved.path.name == f"고객-{saved.fingerprint}.parquet"
    assert "S3cret" not in saved.source_location and "x1" not in saved.source_location
    assert saved.source_location.startswith("postgresql://analyst:***@db.bank.local/dw")

    got = store.datasets.get("고객")
    assert got == saved
    assert got.certified_at == dt.datetime(2026, 11, 25, 9, 30, tzinfo=dt.UTC)
    assert got.created_at.tzinfo is not None
    back = store.datasets.read("고객")
    assert back.equals(frame) and back.schema == frame.schema
    assert (
        store.datasets.scan("고객").select(pl.col("annual_income").sum()).collect().item() == 4200 + 9999 + 3100 + 5600
    )


def test_saving_masked_table_records_its_certification(store: Store):
    masked = certify(Table("accounts", customers()), findings=(), policy_version=3, actor="이과장")
    saved = store.datasets.save_masked(masked, source=SourceInfo(kind="csv", location="/data/accounts.csv"))
    assert (saved.name, saved.certified, saved.certified_by, saved.policy_version) == ("accounts", True, "이과장", 3)
    assert saved.certified_at == masked.certified_at
    assert saved.fingerprint == masked.fingerprint
    assert (saved.source_kind, saved.source_location) == ("csv", "/data/accounts.csv")


def test_a_certification_note_commits_with_the_dataset(store: Store, monkeypatch):
    masked = certify(Table("loans", customers()), findings=(), policy_version=1, actor="이과장")
    note = ("privacy.certified", {"table": "loans", "masked_columns": ["주민번호"]})
    first = store.datasets.save_masked(masked, policy_name="기본", audit=note)
    again = store.datasets.save_masked(masked, policy_name="기본", audit=note)  # same content: no new version
    assert first == again
    entries = store.audit.list(newest_first=False)
    assert [e.action for e in entries] == ["dataset.saved", "privacy.certified", "privacy.certified"]
    assert entries[1].payload == {
        "table": "loans",
        "masked_columns": ["주민번호"],
        "dataset": "loans",
        "dataset_version": 1,
    }
    assert store.audit.verify().ok

    import workbench.store.datasets as module

    real = module.append_in

    def fail_on_note(conn, action, payload, actor):
        if action == "privacy.certified":
            raise RuntimeError("disk full")
        return real(conn, action, payload, actor)

    monkeypatch.setattr(module, "append_in", fail_on_note)
    with pytest.raises(RuntimeError):
        store.datasets.save_masked(certify(Table("loans", customers(seed=9)), findings=()), audit=note)
    assert [d.version for d in store.datasets.versions("loans")] == [1]  # no version without its note
    assert store.policies.save("기본", "a: 1", audit=("privacy.policy_changed", {"by": "검토"})) == 1
    assert store.audit.list(limit=1)[0].payload == {"by": "검토", "policy_version": 1}


def test_new_content_is_a_new_version_and_old_versions_stay_readable(store: Store):
    v1 = store.datasets.save("고객", customers(seed=1))
    again = store.datasets.save("고객", customers(seed=1))
    assert again == v1  # same content, same certification: nothing new
    v2 = store.datasets.save("고객", customers(seed=2))
    v3 = store.datasets.save("고객", customers(seed=2), certified=True, policy_name="기본", policy_version=1)
    assert [v.version for v in store.datasets.versions("고객")] == [1, 2, 3]
    assert v2.path != v1.path and v3.path == v2.path  # same content shares one file
    assert store.datasets.read("고객", 1).equals(customers(seed=1))
    assert store.datasets.get("고객").version == 3 and store.datasets.get("고객").certified
    store.datasets.save("계좌", customers(seed=3))
    assert [(d.name, d.version) for d in store.datasets.list()] == [("계좌", 1), ("고객", 3)]
    entries = store.audit.list(newest_first=False)
    assert [e.action for e in entries] == ["dataset.saved"] * 4
    assert [(e.payload["version"], e.payload["file_sha256"]) for e in entries[:2]] == [
        (1, v1.file_sha256),
        (2, v2.file_sha256),
    ]


def test_a_failed_file_write_leaves_no_row_and_no_temp_file(store: Store, monkeypatch):
    before = store.datasets.save("고객", customers(seed=1))

    def torn_write(self, path, **kw):
        Path(path).write_bytes(b"PAR1 half a file")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pl.DataFrame, "write_parquet", torn_write)
    with pytest.raises(OSError):
        store.datasets.save("고객", customers(seed=2))
    assert store.datasets.get("고객") == before and store.datasets.read("고객").equals(customers(seed=1))
    assert sorted(p.name for p in store.paths.datasets.iterdir()) == [before.path.name]
    assert store.audit.count() == 1


def test_a_failed_commit_leaves_the_previous_version_current(store: Store, monkeypatch):
    before = store.datasets.save("고객", customers(seed=1))
    import workbench.store.datasets as module

    def fail(*args, **kwargs):
        raise RuntimeError("connection lost")

    monkeypatch.setattr(module, "append_in", fail)  # the audit insert fails after the version row insert
    with pytest.raises(RuntimeError):
        store.datasets.save("고객", customers(seed=2))
    assert store.datasets.versions("고객") == [before]  # the version row rolled back with the audit entry
    check = store.check()
    assert check.ok and check.audit.entries == 1
    assert check.orphan_files == (
        store.paths.relative(store.paths.dataset_file("고객", frame_fingerprint(customers(seed=2)))),
    )


def test_delete_removes_rows_then_files(store: Store):
    v1 = store.datasets.save("고객", customers(seed=1))
    v2 = store.datasets.save("고객", customers(seed=2))
    store.datasets.delete("고객")
    assert not store.datasets.exists("고객") and store.datasets.versions("고객") == []
    assert not v1.path.exists() and not v2.path.exists()
    with pytest.raises(NotFoundError):
        store.datasets.delete("고객")
    assert store.audit.list(limit=1)[0].payload == {"name": "고객", "versions": 2}


def test_missing_dataset_says_so_in_both_languages(store: Store):
    with pytest.raises(NotFoundError) as err:
        store.datasets.get("없는표")
    assert err.value.message("ko") == t("store.dataset.not_found", "ko", name="없는표")
    assert "'없는표' is not in this workspace" in err.value.message("en")
    with pytest.raises(NotFoundError):
        store.datasets.get("없는표", 2)


def test_a_changed_or_missing_file_is_refused_not_read(store: Store):
    saved = store.datasets.save("고객", customers())
    data = bytearray(saved.path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    saved.path.write_bytes(bytes(data))
    with pytest.raises(StoreError) as err:
        store.datasets.read("고객")
    assert err.value.key == "store.dataset.file_changed"
    saved.path.unlink()
    with pytest.raises(StoreError) as err:
        store.datasets.read("고객")
    assert err.value.key == "store.dataset.file_missing"
    assert store.check().missing_files == (store.paths.relative(saved.path),)
    assert not store.check().ok


def test_names_are_checked_and_normalised(store: Store):
    with pytest.raises(StoreError) as err:
        store.datasets.save("   ", customers())
    assert err.value.message("ko") == "데이터셋 이름이 비어 있습니다. 이름을 입력하세요."
    assert err.value.message("en") == "The dataset name is empty. Enter a name."
    with pytest.raises(StoreError):
        store.policies.save("a\nb", "x: 1")
    decomposed = "\u1100\u1161\u11ab"  # 간 as typed on macOS (NFD)
    store.datasets.save(decomposed, customers())
    assert store.datasets.exists("간") and store.datasets.get(decomposed).name == "간"
    store.policies.save(" 기본 ", "a: 1")
    assert store.policies.get("기본").version == 1 and store.policies.latest(" 기본") is not None
    with pytest.raises(NotFoundError):
        store.datasets.get("고객", 0)  # versions start at 1
    odd = store.datasets.save("../../etc/passwd", customers())
    assert odd.path.parent == store.paths.datasets
    long_korean = "고객별_최근_거래_요약_" * 15  # 195 characters, 465 bytes in UTF-8
    saved = store.datasets.save(long_korean, customers())
    assert saved.name == long_korean and len(saved.path.name.encode()) < 255
    assert store.datasets.read(long_korean).equals(customers())


# --- policies ---------------------------------------------------------------------------------------------


def test_policy_versions_increase_and_old_versions_stay_readable(store: Store):
    texts = ["columns:\n  rrn: drop\n", "columns:\n  rrn: drop\n  phone: mask\n", "columns: {}\n"]
    versions = [store.policies.save("기본", text, actor="김대리", comment=f"v{i}") for i, text in enumerate(texts)]
    assert versions == [1, 2, 3]
    assert store.policies.save("엄격", "columns: {}") == 1
    for version, text in zip(versions, texts, strict=True):
        policy = store.policies.get("기본", version)
        assert (policy.yaml, policy.actor, policy.comment) == (text, "김대리", f"v{version - 1}")
    assert store.policies.get("기본").version == 3
    assert [p.version for p in store.policies.versions("기본")] == [1, 2, 3]
    assert [(p.name, p.version) for p in store.policies.list()] == [("기본", 3), ("엄격", 1)]
    assert store.policies.latest("없음") is None
    assert [e.payload for e in store.audit.list(action="policy.saved", newest_first=False)][:2] == [
        {"name": "기본", "version": 1},
        {"name": "기본", "version": 2},
    ]


def test_bad_yaml_is_refused_with_the_line(store: Store):
    with pytest.raises(StoreError) as err:
        store.policies.save("기본", "columns:\n  rrn: drop\n bad: [\n")
    assert err.value.key == "store.policy.bad_yaml" and "line" in err.value.message("en")
    assert store.policies.versions("기본") == []
    with pytest.raises(NotFoundError) as err:
        store.policies.get("기본", 7)
    assert "no version 7" in err.value.message("en")


def test_the_pseudonym_key_is_never_stored(store: Store, monkeypatch):
    key = "k3y-" + "z" * 28
    monkeypatch.setenv("WORKBENCH_PSEUDONYM_KEY", key)
    with pytest.raises(StoreError) as err:
        store.policies.save("기본", f"pseudonym:\n  key: {key}\n")
    assert key not in str(err.value)
    with pytest.raises(StoreError):
        store.audit.append("privacy.masked", {"note": f"used {key}"})
    assert store.policies.versions("기본") == [] and store.audit.count() == 0


# --- audit ------------------------------------------------------------------------------------------------


def fill_audit(store: Store, n: int = 5) -> None:
    for i in range(1, n + 1):
        store.audit.append("privacy.certified", {"dataset": f"표{i}", "columns": ["주민번호"], "n": i}, actor="김대리")


def test_audit_appends_a_verifiable_chain(store: Store):
    assert store.audit.verify().ok and store.audit.head() == (0, "0" * 64)
    fill_audit(store)
    entries = store.audit.list(newest_first=False)
    assert [e.seq for e in entries] == [1, 2, 3, 4, 5]
    assert entries[0].prev_hash == "0" * 64
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(entries))
    assert entries[2].payload == {"dataset": "표3", "columns": ["주민번호"], "n": 3}
    assert entries[2].at.tzinfo is not None and entries[2].actor == "김대리"
    assert store.audit.head() == (5, entries[-1].hash)
    result = store.audit.verify()
    assert (result.ok, result.entries, result.first_bad_seq, result.reason) == (True, 5, None, None)
    assert result.message("ko") == "감사 기록 5건의 해시 체인이 온전합니다."


def test_audit_detects_an_edited_payload(store: Store):
    fill_audit(store)
    raw(store, "UPDATE audit_log SET payload = :p WHERE seq = 3", p='{"columns":[],"dataset":"표3","n":3}')
    result = store.audit.verify()
    assert (result.ok, result.first_bad_seq, result.reason) == (False, 3, "edited")
    assert "3" in result.message("en") and "changed" in result.message("en")


def test_audit_detects_an_edited_actor_or_time(store: Store):
    fill_audit(store)
    raw(store, "UPDATE audit_log SET actor = '홍길동' WHERE seq = 2")
    assert (store.audit.verify().first_bad_seq, store.audit.verify().reason) == (2, "edited")


def test_audit_detects_a_deleted_row(store: Store):
    fill_audit(store)
    raw(store, "DELETE FROM audit_log WHERE seq = 2")
    result = store.audit.verify()
    assert (result.ok, result.entries, result.first_bad_seq, result.reason) == (False, 4, 2, "gap")


def test_audit_detects_a_deleted_row_renumbered(store: Store):
    fill_audit(store)
    raw(store, "DELETE FROM audit_log WHERE seq = 2")
    for seq in (3, 4, 5):
        raw(store, "UPDATE audit_log SET seq = :new WHERE seq = :old", new=seq - 1, old=seq)
    result = store.audit.verify()
    assert (result.ok, result.first_bad_seq, result.reason) == (False, 2, "chain_broken")


def test_audit_detects_deleted_newest_rows(store: Store):
    fill_audit(store)
    anchor = store.audit.head()
    raw(store, "DELETE FROM audit_log WHERE seq >= 4")
    result = store.audit.verify()
    assert (result.ok, result.entries, result.first_bad_seq, result.reason) == (False, 3, 4, "truncated")
    # even if the head row is forged too, the anchor file and a head recorded earlier (a report) catch it
    last = store.audit.get(3)
    raw(store, "UPDATE audit_head SET seq = 3, hash = :h", h=last.hash)
    result = store.audit.verify()
    assert (result.ok, result.entries, result.first_bad_seq, result.reason) == (False, 3, 4, "truncated")
    assert store.audit.verify(anchor=anchor).reason == "truncated"


def test_audit_detects_reordered_rows(store: Store):
    fill_audit(store)
    raw(store, "UPDATE audit_log SET seq = 100 WHERE seq = 2")
    raw(store, "UPDATE audit_log SET seq = 2 WHERE seq = 3")
    raw(store, "UPDATE audit_log SET seq = 3 WHERE seq = 100")
    result = store.audit.verify()
    assert (result.ok, result.first_bad_seq) == (False, 2)
    assert result.reason in ("chain_broken", "edited")


def test_appending_after_tampering_does_not_hide_it(store: Store):
    fill_audit(store, 3)
    raw(store, "UPDATE audit_log SET action = 'nothing' WHERE seq = 1")
    store.audit.append("privacy.certified", {"dataset": "표4"})
    assert (store.audit.verify().first_bad_seq, store.audit.verify().reason) == (1, "edited")


def test_audit_list_filters_and_orders(store: Store):
    fill_audit(store, 3)
    store.audit.append("feature.reviewed", {"feature": "txn_cnt_90d"})
    assert [e.seq for e in store.audit.list(limit=2)] == [4, 3]
    assert [e.action for e in store.audit.list(action="feature.reviewed")] == ["feature.reviewed"]
    assert [e.seq for e in store.audit.list(action="privacy.*", newest_first=False)] == [1, 2, 3]
    assert store.audit.list(action="privacy_*") == []  # "_" is not a wildcard
    assert [e.seq for e in store.audit.list(actor="김대리", limit=2)] == [3, 2]
    assert store.audit.count() == 4 and store.audit.get(99) is None
    with pytest.raises(StoreError):
        store.audit.append("", {})


def test_no_row_holds_a_password(workspace: Path, db_url: str):
    """The store's own password (PostgreSQL trust auth accepts any) is hidden; a source's is redacted."""
    url = db_url.replace("://postgres@", "://postgres:hunter2@")
    with Store.open(workspace, url) as store:
        assert "hunter2" not in store.url and "hunter2" not in repr(store)
        store.datasets.save("원천", customers(), source_kind="sql", source_location="postgresql://u:hunter2@dw/x")
        store.policies.save("기본", "a: 1")
        dump = []
        with store.engine.connect() as conn:
            for table in metadata.sorted_tables:
                dump += [str(r) for r in conn.execute(sa.select(table))]
        assert len(dump) > 4 and not any("hunter2" in row for row in dump)


def test_admin_check_reports_in_one_line_each(workspace: Path, capsys, monkeypatch):
    from workbench.store.__main__ import main

    monkeypatch.setenv("WORKBENCH_LANG", "en")
    with Store.open(workspace) as store:
        saved = store.datasets.save("고객", customers())
        (store.paths.datasets / "stray.parquet").write_bytes(b"x")
    assert main(["check"]) == 0
    out = capsys.readouterr().out
    assert "integrity ok" in out and "Unreferenced file: datasets/stray.parquet" in out
    assert "The audit hash chain of 1 entry is intact." in out

    saved.path.unlink()
    assert main(["check"]) == 1
    assert f"Missing file (its row exists): datasets/{saved.path.name}" in capsys.readouterr().out
    assert main(["clean"]) == 1  # the stray file is younger than an hour: kept
    assert (workspace / "datasets" / "stray.parquet").exists()
    assert main(["frobnicate"]) == 2
