"""Crash safety and concurrency with real processes: SIGKILL mid-save, two writers on one audit chain."""

# ruff: noqa: F811  (fixtures imported from test_store_support share their names with test arguments)

from __future__ import annotations

import itertools
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from conftest import ROOT
from test_store_support import db_url, empty_db_url, pg_shared_schema, raw, store  # noqa: F401

from workbench.io.table import frame_fingerprint
from workbench.store import Store
from workbench.store.paths import TMP_PREFIX

WRITER = textwrap.dedent(
    """
    import sys
    import numpy as np
    import polars as pl
    from workbench.store import Store

    store = Store.open()
    rng = np.random.default_rng(int(sys.argv[1]))
    rows = int(sys.argv[2])
    model = "tree\\n" + "split_feature=0 1 2\\nthreshold=0.5 1.5 2.5\\n" * 25000
    policy = "columns:\\n" + "".join(f"  col_{j}: {{action: partial_mask, keep: 2}}\\n" for j in range(3000))
    while True:
        frame = pl.DataFrame({
            "account_id": [f"A{i:07d}" for i in range(rows)],
            "amount": rng.integers(1_000, 10_000_000, rows),
            "channel": rng.choice(["창구", "ATM", "인터넷뱅킹", "모바일"], rows),
        })
        print("begin", flush=True)
        saved = store.datasets.save("거래", frame, actor="writer")
        print("dataset", saved.version, flush=True)
        print("policy", store.policies.save("기본", policy + f"# {saved.version}\\n", actor="writer"), flush=True)
        run = store.runs.save(
            dataset="거래", dataset_fingerprint=saved.fingerprint, target="default_12m", split="random",
            params={"round": saved.version}, features=["amount"], metrics={"valid": {"auc": 0.7}},
            model_text=model + f"# {saved.version}\\n", card_text="# card\\n", actor="writer",
        )
        print("run", saved.version, flush=True)
    """
)


def _kill_after(proc: subprocess.Popen, when: str, datasets_dir: Path, delay: float) -> dict[str, int]:
    """Read the writer's progress until one full round (dataset, policy, run) is committed, then SIGKILL it
    during the next round, ``when`` requested."""
    committed = {"dataset": 0, "policy": 0, "run": 0}
    assert proc.stdout is not None
    while committed["run"] < 1:
        line = proc.stdout.readline()
        assert line, "writer died before completing a round"
        kind, _, value = line.strip().partition(" ")
        if kind in committed:
            committed[kind] = int(value)
    if when == "mid_file_write":  # a temporary Parquet file exists: the frame is being written
        deadline = time.monotonic() + 20
        while not any(p.name.startswith(TMP_PREFIX) for p in datasets_dir.iterdir()):
            assert time.monotonic() < deadline, "never caught the writer mid-write"
            time.sleep(0.001)
    else:
        time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    out, _ = proc.communicate(timeout=10)
    for line in out.splitlines():  # progress printed just before the kill still counts
        kind, _, value = line.strip().partition(" ")
        if kind in committed and value:
            committed[kind] = int(value)
    assert proc.returncode == -signal.SIGKILL
    return committed


@pytest.mark.slow
def test_sigkill_mid_save_loses_nothing_committed(workspace: Path, db_url: str):
    env = {**os.environ, "WORKBENCH_HOME": str(workspace), "WORKBENCH_DB_URL": db_url, "PYTHONPATH": str(ROOT)}
    rng = random.Random(7)
    reported = {"dataset": 0, "policy": 0, "run": 0}
    caught_mid_write = False
    for attempt, when in enumerate(["mid_file_write", "random", "random"]):
        proc = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(attempt), "150000"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            committed = _kill_after(proc, when, workspace / "datasets", rng.uniform(0.0, 0.25))
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        reported = {k: max(reported[k], committed[k]) for k in reported}
        if when == "mid_file_write":
            caught_mid_write = any(p.name.startswith(TMP_PREFIX) for p in (workspace / "datasets").iterdir())

    with Store.open(workspace, db_url) as store:
        check = store.check()
        assert check.ok, check
        assert check.integrity in ("ok", "n/a") and check.missing_files == ()
        assert store.dialect != "sqlite" or check.integrity == "ok"
        assert check.audit.ok

        versions = store.datasets.versions("거래")
        assert [v.version for v in versions] == list(range(1, len(versions) + 1))
        assert versions[-1].version >= reported["dataset"]  # everything the writer saw committed is there
        for v in versions:  # and every version's file is whole and is the frame that was saved
            frame = store.datasets.read("거래", v.version)
            assert frame.height == 150_000 and frame_fingerprint(frame) == v.fingerprint

        policies = store.policies.versions("기본")
        assert [p.version for p in policies] == list(range(1, len(policies) + 1))
        assert policies[-1].version >= reported["policy"]
        dataset_versions = {v.version for v in versions}
        for p in policies:  # every policy version is whole (all 3,000 columns) and follows a committed dataset
            assert p.yaml.count("\n") == 1 + 3000 + 1 and int(p.yaml.rsplit("# ", 1)[1]) in dataset_versions

        runs = store.runs.list()
        assert len(runs) >= reported["run"]
        for run in runs:  # every run row's model is whole: the line written last is there
            assert store.runs.model_text(run.id).endswith(f"# {run.params['round']}\n")

        # each save and its audit entry committed together: no entry without its row, no row without entry
        assert store.audit.count() == len(versions) + len(policies) + len(runs)

        if caught_mid_write:
            assert any(Path(p).name.startswith(TMP_PREFIX) for p in check.orphan_files)
        assert store.remove_orphan_files(older_than_s=0) == check.orphan_files
        after = store.check()
        assert after.ok and after.orphan_files == () and after.missing_files == ()
        # the workspace keeps working after the crash
        assert store.policies.save("기본", "columns: {}\n") == len(policies) + 1


APPENDER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from workbench.store import Store

    actor, n, go = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])
    print("ready", flush=True)
    while not go.exists():
        time.sleep(0.002)
    store = Store.open()
    for i in range(n):
        store.audit.append("test.append", {"writer": actor, "i": i}, actor=actor)
        if i % 4 == 0:
            store.policies.save("공유", f"writer: {actor}\\ni: {i}\\n", actor=actor)
        time.sleep(0.003)  # analysts click, they don't loop: without a pause SQLite lets one writer run ahead
    print("done", flush=True)
    """
)


@pytest.mark.slow
def test_two_processes_on_a_new_workspace_migrate_once_and_keep_one_chain(workspace: Path, empty_db_url: str):
    env = {**os.environ, "WORKBENCH_HOME": str(workspace), "WORKBENCH_DB_URL": empty_db_url, "PYTHONPATH": str(ROOT)}
    # nothing migrated yet: both writers' Store.open race to create the schema, then race to append
    go = workspace / "go"
    n = 30
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", APPENDER, actor, str(n), str(go)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for actor in ("김대리", "이과장")
    ]
    try:
        for p in procs:
            assert p.stdout is not None and p.stdout.readline().strip() == "ready"
        go.touch()
        for p in procs:
            out, err = p.communicate(timeout=120)
            assert p.returncode == 0 and out.strip() == "done", err[-1500:]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()

    with Store.open(workspace, empty_db_url) as store:
        assert raw(store, "SELECT count(*) FROM alembic_version") == [(1,)]
        result = store.audit.verify()
        appends = n * 2
        policy_saves = 2 * len(range(0, n, 4))
        assert result.ok and result.entries == appends + policy_saves
        entries = store.audit.list(newest_first=False)
        assert [e.seq for e in entries] == list(range(1, result.entries + 1))
        mine = [e for e in entries if e.action == "test.append"]
        for actor in ("김대리", "이과장"):
            assert [e.payload["i"] for e in mine if e.actor == actor] == list(range(n))
        writers_in_order = [e.actor for e in mine]
        switches = sum(a != b for a, b in itertools.pairwise(writers_in_order))
        assert switches > 1, "the two writers never interleaved; the test proved nothing"
        assert [p.version for p in store.policies.versions("공유")] == list(range(1, policy_saves + 1))


@pytest.mark.postgres
def test_workspaces_sharing_a_postgres_database_do_not_queue_on_each_other(pg_url: str, tmp_path: Path):
    import sqlalchemy as sa
    from test_store_support import with_schema

    from workbench.store import StoreError, db

    schemas = ["wb_lock_a", "wb_lock_b"]
    admin = sa.create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for s in schemas:
            conn.exec_driver_sql(f"CREATE SCHEMA {s}")
    a = Store.open(tmp_path / "a", with_schema(pg_url, schemas[0]))
    b = Store.open(tmp_path / "b", with_schema(pg_url, schemas[1]) + "%20-clock_timeout%3D3000")  # fail, not hang
    impatient = Store(db.create(with_schema(pg_url, schemas[0]) + "%20-clock_timeout%3D300"), a.paths)
    try:
        with db.writing(a.engine, "audit") as conn:  # workspace A is in the middle of an audited save
            conn.execute(sa.text("SELECT 1"))
            started = time.monotonic()
            b.audit.append("test.other_workspace", {})  # B does not wait for A
            assert time.monotonic() - started < 2
            with pytest.raises((sa.exc.OperationalError, StoreError)):  # a second writer to A does wait
                impatient.audit.append("test.same_workspace", {})
        assert a.audit.count() == 0 and b.audit.count() == 1
        impatient.audit.append("test.same_workspace", {})  # and goes through once A is done
        assert a.audit.verify().ok and a.audit.count() == 1
    finally:
        for s in (a, b, impatient):
            s.close()
        with admin.connect() as conn:
            for s in schemas:
                conn.exec_driver_sql(f"DROP SCHEMA {s} CASCADE")
        admin.dispose()
