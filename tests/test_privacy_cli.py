"""The gate from the command line, the audit log's tamper evidence, and the guarantee itself: no raw value of
a flagged column appears anywhere the tool writes (masked files, report, output, logs, store, dataset files)."""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from click.testing import CliRunner
from conftest import ROOT, SAMPLE

from workbench.cli import cli
from workbench.io import read_table
from workbench.io.table import Table
from workbench.privacy import (
    GateError,
    auto_certify,
    certified_names,
    fakes,
    load_certified,
    mask_table,
    propose_policy,
    save_certified,
    scan,
)
from workbench.store import Store

RAW = SAMPLE / "raw" / "customers_raw_cp949.csv"
KEY = "guarantee-test-key-0123456789abcdef"


def _run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    import os

    return subprocess.run(
        [sys.executable, "-m", "workbench", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


@pytest.fixture
def keyed(monkeypatch):
    monkeypatch.setenv("WORKBENCH_PSEUDONYM_KEY", KEY)


# --- scan ------------------------------------------------------------------------------------------------


def test_scan_json_contract_on_the_raw_sample(workspace):
    result = CliRunner().invoke(cli, ["scan", str(RAW), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    found = {c["name"]: c["pii_type"] for c in data["columns"]}
    assert found == {
        "성명": "person_name",
        "주민등록번호": "rrn",
        "휴대폰번호": "phone",
        "이메일": "email",
        "주소": "address",
        "카드번호": "card_number",
        "계좌번호": "account_number",
    }
    for c in data["columns"]:
        assert set(c) >= {"name", "pii_type", "confidence", "match_rate"}
        assert c["match_rate"] == pytest.approx(1.0)
    # decoys of the raw export: references, branch codes, products, amounts are not PII
    assert not {"거래참조번호", "지점코드", "상품명", "최근거래금액", "가입일", "신용등급"} & set(found)
    assert {q["name"] for q in data["quasi_identifiers"]} == {"성별", "연령대", "직업"}


def test_scan_of_the_masked_sample_finds_nothing(workspace):
    for name in ("customers", "accounts", "transactions", "loans"):
        result = scan(read_table(SAMPLE / f"{name}.parquet"))
        assert result.findings == (), name


# --- the gate for other stages ---------------------------------------------------------------------------


def test_auto_certify_masked_sample_and_audit_says_so(workspace):
    masked = auto_certify(read_table(SAMPLE / "customers.parquet"), actor="analyst1")
    assert masked.certified_by == "analyst1" and masked.height == 5000
    entry = Store.open().audit.list(action="privacy.auto_certified")[0]
    assert entry.actor == "analyst1"
    assert entry.payload["note"] == "auto-certified"
    assert {"age_band", "gender", "sido"} <= set(entry.payload["quasi_identifiers"])  # noted, not blocking


def test_auto_certify_refuses_pii_in_one_line_naming_columns_and_the_fix(workspace, monkeypatch):
    monkeypatch.setenv("WORKBENCH_LANG", "en")
    with pytest.raises(GateError) as err:
        auto_certify(read_table(RAW))
    message = str(err.value)
    assert "\n" not in message
    assert "주민등록번호" in message and "카드번호" in message and "workbench mask" in message


def test_a_stage_given_a_raw_file_refuses_with_exit_2(workspace):
    """``load_masked`` (profile, features, train) goes through auto_certify: PII → exit 2, one line."""
    code = (
        "import sys\n"
        "from workbench.cli import fail\n"
        "from workbench.commands._common import load_masked\n"
        "from workbench.errors import UserError\n"
        "try:\n"
        "    load_masked(sys.argv[1])\n"
        "except UserError as err:\n"
        "    fail(str(err))\n"  # what workbench.cli.main does for every command
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, str(RAW)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**__import__("os").environ, "WORKBENCH_HOME": str(workspace)},
    )
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "workbench mask" in lines[0]


# --- mask ------------------------------------------------------------------------------------------------


def test_mask_auto_writes_a_certified_file_report_and_store_entries(workspace, tmp_path, keyed):
    out, report = tmp_path / "customers_masked.parquet", tmp_path / "report.json"
    result = CliRunner().invoke(cli, ["mask", str(RAW), "--auto", "-o", str(out), "--report", str(report)])
    assert result.exit_code == 0, result.output
    masked = pl.read_parquet(out)
    assert scan(Table("m", masked)).findings == ()
    rep = json.loads(report.read_text(encoding="utf-8"))
    assert rep["policy"]["version"] == 1 and rep["rows_in"] == 5000
    assert rep["rows_out"] == masked.height >= 5000 * 0.95
    assert rep["k_anonymity"]["k_after"] >= 5
    store = Store.open()
    assert certified_names(store) == ("customers_raw_cp949",)
    assert load_certified(store, "customers_raw_cp949").frame.equals(masked)
    actions = [e.action for e in store.audit.list(newest_first=False)]
    assert actions == ["policy.saved", "dataset.saved", "privacy.certified", "privacy.exported"]
    certified = store.audit.list(action="privacy.certified")[0].payload
    assert certified["policy_version"] == 1 and "성명" in certified["masked_columns"]


def test_mask_with_a_policy_file_and_the_same_result_from_python(workspace, tmp_path, keyed):
    table = read_table(RAW)
    policy = propose_policy(scan(table), keyed=True)
    policy_file = tmp_path / "policy.yaml"
    policy_file.write_text(policy.to_yaml(), encoding="utf-8")
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(cli, ["mask", str(RAW), "--policy", str(policy_file), "-o", str(out)])
    assert result.exit_code == 0, result.output
    from_cli = pl.read_csv(out, infer_schema=False)
    from_python = mask_table(table, policy).masked.frame
    assert from_cli.columns == from_python.columns
    assert from_cli["카드번호"].to_list() == from_python["카드번호"].to_list()  # same keyed pseudonyms
    assert Store.open().policies.latest("customers_raw_cp949").version == 1


def test_mask_refuses_a_policy_that_leaves_pii(workspace, tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBENCH_LANG", "en")
    policy_file = tmp_path / "p.yaml"
    policy_file.write_text("name: lazy\ncolumns:\n  성명: {action: mask, pii_type: person_name}\n", encoding="utf-8")
    proc = _run(
        "mask",
        str(RAW),
        "--policy",
        str(policy_file),
        "-o",
        str(tmp_path / "o.parquet"),
        env={"WORKBENCH_HOME": str(workspace)},
    )
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "주민등록번호" in proc.stderr
    assert not (tmp_path / "o.parquet").exists()
    assert Store.open().datasets.list() == []  # nothing saved on refusal


def test_mask_needs_a_policy_or_auto(workspace, tmp_path):
    proc = _run("mask", str(RAW), "-o", str(tmp_path / "o.parquet"), env={"WORKBENCH_HOME": str(workspace)})
    assert proc.returncode == 2 and proc.stderr.startswith("error: ")


# --- audit ------------------------------------------------------------------------------------------------


def _certify_twice(workspace):
    for n in ("customers", "accounts"):
        auto_certify(read_table(SAMPLE / f"{n}.parquet"), actor="a")
    return workspace / "workbench.db"


def _verify(workspace) -> subprocess.CompletedProcess:
    return _run("audit", "verify", env={"WORKBENCH_HOME": str(workspace), "WORKBENCH_LANG": "en"})


def test_audit_verify_ok_then_detects_an_edited_entry(workspace):
    db = _certify_twice(workspace)
    ok = _verify(workspace)
    assert ok.returncode == 0 and "2" in ok.stdout
    with sqlite3.connect(db) as con:
        con.execute("UPDATE audit_log SET actor = 'mallory' WHERE seq = 1")
    bad = _verify(workspace)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and bad.stderr.startswith("error: ")


def _verify_in_process() -> int:
    return CliRunner().invoke(cli, ["audit", "verify"]).exit_code


def test_audit_verify_detects_a_deleted_entry(workspace):
    db = _certify_twice(workspace)
    with sqlite3.connect(db) as con:
        con.execute("DELETE FROM audit_log WHERE seq = 1")
    assert _verify_in_process() == 2


def test_audit_verify_detects_reordered_entries(workspace):
    db = _certify_twice(workspace)
    with sqlite3.connect(db) as con:
        rows = con.execute(
            "SELECT seq, at, actor, action, payload, prev_hash, hash FROM audit_log ORDER BY seq"
        ).fetchall()
        (s1, *_r1), (s2, *_r2) = rows[0], rows[1]
        con.execute("UPDATE audit_log SET seq = -1 WHERE seq = ?", (s1,))
        con.execute("UPDATE audit_log SET seq = ? WHERE seq = ?", (s1, s2))
        con.execute("UPDATE audit_log SET seq = ? WHERE seq = -1", (s2,))
    assert _verify_in_process() == 2


# --- the guarantee ----------------------------------------------------------------------------------------


def _planted_raw(tmp_path: Path) -> tuple[Path, dict[str, list[str]]]:
    """A CSV of checksum-valid fake PII (Korean headers) plus decoys; returns the raw values per PII column."""
    frame, truth = fakes.planted_table(n=300, seed=99)
    headers = {
        "c00": "주민등록번호",
        "c02": "고객명",
        "c03": "연락처",
        "c04": "이메일",
        "c05": "주소",
        "c06": "카드번호",
        "c07": "계좌번호",
        "c08": "사업자등록번호",
        "c09": "여권번호",
        "c10": "운전면허번호",
        "c11": "접속IP",
        "c01": "외국인등록번호",
    }
    frame = frame.rename(headers)
    # a memo column quoting customers' phone numbers inside free text, one memo in ten
    quoted = fakes.phone(np.random.default_rng(5), frame.height // 10)
    memos = [f"고객 {ph} 연락 요망" for ph in quoted] + ["금리 안내 완료"] * (frame.height - len(quoted))
    frame = frame.with_columns(pl.Series("상담메모", memos))
    path = tmp_path / "planted_raw.csv"
    frame.write_csv(path)
    raw = {headers[c]: frame[headers[c]].cast(pl.String).drop_nulls().unique().to_list() for c, t in truth.items() if t}
    raw["상담메모"] = quoted  # the identifiers, not the whole memo
    return path, raw


def _leaks(blob: bytes, raw: dict[str, list[str]]) -> list[str]:
    """Raw values in ``blob``: single-word values (names, bare numbers) as whole words, others as substrings."""
    text = blob.decode("utf-8", errors="ignore")
    words = set(re.findall(r"\w+", text))
    found = []
    for col, values in raw.items():
        for v in values:
            if (v in words) if re.fullmatch(r"\w+", v) else (v in text):
                found.append(f"{col}: {v[:3]}…")
                break
    return found


def _sqlite_dump(db: Path) -> bytes:
    with sqlite3.connect(db) as con:
        chunks = [line.encode("utf-8") for line in con.iterdump()]
    return b"\n".join(chunks) + db.read_bytes()


def _parquet_text(path: Path) -> bytes:
    frame = pl.read_parquet(path)
    return frame.write_csv().encode("utf-8") + path.read_bytes()


@pytest.mark.slow
def test_no_raw_value_of_a_flagged_column_appears_anywhere_the_tool_writes(workspace, tmp_path, keyed):
    raw_path, raw = _planted_raw(tmp_path)
    assert set(scan(read_table(raw_path)).pii_columns) == set(raw)  # every planted column is flagged

    # the CLI: scan (text and JSON), mask with a report, audit list
    outputs = []
    for args in (
        ["scan", str(raw_path)],
        ["scan", str(raw_path), "--json"],
        [
            "mask",
            str(raw_path),
            "--auto",
            "-o",
            str(tmp_path / "cli.parquet"),
            "--report",
            str(tmp_path / "cli_report.json"),
            "--json",
        ],
        ["mask", str(raw_path), "--auto", "-o", str(tmp_path / "cli.csv"), "--name", "planted_csv"],
        ["audit", "list", "--json", "--limit", "100"],
    ):
        proc = _run(*args, env={"WORKBENCH_HOME": str(workspace), "WORKBENCH_PSEUDONYM_KEY": KEY})
        assert proc.returncode == 0, proc.stderr
        outputs.append((proc.stdout + proc.stderr).encode("utf-8"))

    # Python: the same path the page takes
    table = read_table(raw_path, name="planted_py")
    outcome = mask_table(table, propose_policy(scan(table), keyed=True))
    store = Store.open()
    save_certified(store, outcome.masked, policy_name="planted_py", report=outcome.report)
    outputs.append(json.dumps(outcome.report.to_json(), ensure_ascii=False, default=str).encode("utf-8"))
    outputs.append(repr(outcome.scan).encode("utf-8"))

    written = [
        ("cli output", b"\n".join(outputs)),
        ("masked parquet", _parquet_text(tmp_path / "cli.parquet")),
        ("masked csv", (tmp_path / "cli.csv").read_bytes()),
        ("report", (tmp_path / "cli_report.json").read_bytes()),
        ("store (sqlite dump + file)", _sqlite_dump(workspace / "workbench.db")),
    ]
    for f in sorted(workspace.rglob("*")):
        if f.is_file() and f.suffix == ".parquet":
            written.append((f"dataset {f.name}", _parquet_text(f)))
        elif f.is_file() and f.name != "workbench.db":
            written.append((f"workspace file {f.relative_to(workspace)}", f.read_bytes()))
    assert len([w for w in written if w[0].startswith("dataset")]) == 3
    for where, blob in written:
        assert not _leaks(blob, raw), f"raw values in {where}: {_leaks(blob, raw)}"
    # and the check itself can fail: the raw file does contain them
    assert len(_leaks(raw_path.read_bytes(), raw)) == len(raw)


def test_mask_refuses_pseudonyms_without_a_key_and_saves_nothing(workspace, tmp_path):
    policy_file = tmp_path / "p.yaml"
    policy_file.write_text(
        "name: p\ncolumns:\n  카드번호: {action: pseudonym, pii_type: card_number}\n", encoding="utf-8"
    )
    env = {
        "WORKBENCH_HOME": str(workspace),
        "WORKBENCH_LANG": "en",
        "WORKBENCH_PSEUDONYM_KEY": "",
        "WORKBENCH_PSEUDONYM_KEY_FILE": "",
    }
    proc = _run("mask", str(RAW), "--policy", str(policy_file), "-o", str(tmp_path / "o.parquet"), env=env)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "WORKBENCH_PSEUDONYM_KEY" in proc.stderr
    assert not (tmp_path / "o.parquet").exists()
    assert Store.open().policies.list() == []
