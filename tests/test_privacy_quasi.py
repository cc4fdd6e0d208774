"""What ``mask --auto`` does with what is not a PII type but still points at a person: birth numbers become
5-year age bands (issue 19, finding 7) with k-anonymity measured on the classes really present, and the
bank's customer number gets a keyed pseudonym (issue 17, finding 3)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date

import numpy as np
import polars as pl
import pytest
from conftest import ROOT

from workbench.io.table import Table
from workbench.privacy import fakes, mask_table, propose_policy, scan
from workbench.privacy.keys import KeyError_
from workbench.privacy.policy import ColumnRule, Policy, apply, apply_policy

AS_OF = date(2026, 12, 5)


def _births(n: int, seed: int = 19) -> tuple[list[str], list[date]]:
    """Birth numbers as banks export them: YYMMDD and the resident-number gender digit (7309151)."""
    rng = np.random.default_rng(seed)
    rrn = fakes.rrn(rng, n, dashed=False)
    born = [date(int(x[6] in "3478") * 100 + 1900 + int(x[:2]), int(x[2:4]), int(x[4:6])) for x in rrn]
    return [x[:7] for x in rrn], born


def _band(born: date) -> str:
    age = AS_OF.year - born.year - ((AS_OF.month, AS_OF.day) < (born.month, born.day))
    lo = age // 5 * 5
    return f"{lo}-{lo + 4}"


# --- issue 19, finding 7: birth numbers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "spell"),
    [
        ("생년월일", lambda b: b),  # 7309151
        ("생년월일", lambda b: f"{b[:6]}-{b[6]}"),  # 730915-1
        ("birth_no", lambda b: b[:6]),  # YYMMDD alone, under a birth header
        ("code7", lambda b: b),  # no header: the values alone say birth number
        ("생년월일", int),  # stored as an integer
    ],
    ids=["7 digits", "dashed", "6 digits", "values only", "integer"],
)
def test_mask_auto_turns_birth_numbers_into_5_year_age_bands_not_nulls(header, spell):
    births, born = _births(400)
    frame = pl.DataFrame({header: [spell(b) for b in births], "amount": list(range(400))})
    result = scan(Table("t", frame))
    assert result.column(header).quasi == "birth_date"
    policy = propose_policy(result)
    assert policy.rule(header) == ColumnRule("generalize", to="age_band_5")
    policy = Policy(policy.name, policy.rules, None, as_of=AS_OF)  # k-anonymity apart: below
    out = apply_policy(Table("t", frame), policy).frame
    expected = [_band(b) for b in born]
    if spell is not None and header == "birth_no":  # YYMMDD without the digit: the century is guessed
        expected = [_band(b) if b.year < 2000 or b.year % 100 <= AS_OF.year % 100 else None for b in born]
    assert out[header].null_count() == 0
    assert out[header].to_list() == expected


def test_k_anonymity_before_is_measured_on_the_classes_really_present():
    births, _ = _births(3_000)
    rng = np.random.default_rng(5)
    frame = pl.DataFrame({"생년월일": births, "성별": rng.choice(["남", "여"], 3_000), "x": range(3_000)})
    unique_before = frame.group_by("생년월일", "성별").len().filter(pl.col("len") == 1).height
    assert unique_before > 1_000  # most birth numbers are one person's
    table = Table("t", frame)
    outcome = mask_table(table, propose_policy(scan(table)))
    ka = outcome.report.k_anonymity
    assert ka.before.k == 1  # the raw data: one person per class for most rows
    assert ka.before.smallest == ()  # raw classes are counted, never shown
    bands = apply(table, Policy("p", (("생년월일", ColumnRule("generalize", to="age_band_5")),))).table.frame
    assert ka.generalised.k == bands.group_by("생년월일", "성별").len()["len"].min()  # 5-year bands × gender
    assert ka.generalised.classes == bands.select("생년월일", "성별").n_unique()
    assert ka.after.k >= 5
    assert outcome.report.to_json()["k_anonymity"]["k_before"] == 1
    assert outcome.masked.frame["생년월일"].null_count() == 0


# --- issue 17, finding 3: the customer number -------------------------------------------------------------------

CUSTOMER_HEADERS = ["고객번호", "CIF", "cif_no", "customer_no", "CUST_NO", "회원번호"]


def _customers(header: str) -> pl.DataFrame:
    return pl.DataFrame(
        {header: [f"{100_000_000 + 7 * i:010d}" for i in range(60)], "grade": [i % 5 for i in range(60)]}
    )


@pytest.mark.parametrize("header", CUSTOMER_HEADERS)
def test_mask_auto_gives_the_customer_number_a_keyed_pseudonym_and_joins_survive(header, monkeypatch):
    monkeypatch.setenv("WORKBENCH_PSEUDONYM_KEY", "customer-key-" + "k7#Q" * 6)
    frame = _customers(header)
    result = scan(Table("customers", frame))
    assert result.customer_keys == (header,) and result.pii_columns == ()
    assert result.to_json()["customer_keys"] == [header]
    policy = propose_policy(result)
    assert policy.rule(header).action == "pseudonym"
    out = mask_table(Table("customers", frame), policy).masked.frame
    tokens = out[header].to_list()
    assert not set(tokens) & set(frame[header].to_list()) and len(set(tokens)) == 60
    loans = pl.DataFrame({header: frame[header].reverse(), "amount": range(60)})  # another table, same customers
    loans_out = apply_policy(Table("loans", loans), propose_policy(scan(Table("loans", loans)))).frame
    joined = out.join(loans_out, on=header)
    assert joined.height == 60  # every customer still joins


def test_mask_auto_without_a_key_refuses_in_one_line_naming_the_column_and_the_variables(monkeypatch):
    monkeypatch.delenv("WORKBENCH_PSEUDONYM_KEY", raising=False)
    monkeypatch.delenv("WORKBENCH_PSEUDONYM_KEY_FILE", raising=False)
    frame = _customers("고객번호")
    with pytest.raises(KeyError_) as err:
        mask_table(Table("customers", frame), propose_policy(scan(Table("customers", frame))))
    message = str(err.value)
    assert "\n" not in message and "고객번호" in message
    assert "WORKBENCH_PSEUDONYM_KEY" in message and "WORKBENCH_PSEUDONYM_KEY_FILE" in message


def test_a_customer_token_column_named_customer_id_is_left_as_it_is():
    frame = pl.DataFrame({"customer_id": [f"C{i:09x}" for i in range(50)]})
    result = scan(Table("t", frame))
    assert result.customer_keys == () and propose_policy(result).rules == ()


def test_cli_mask_auto_without_a_key_exits_2_with_one_line_and_writes_nothing(tmp_path):
    raw = tmp_path / "customers.csv"
    _customers("CIF").write_csv(raw)
    env = {**os.environ, "WORKBENCH_HOME": str(tmp_path / "ws"), "WORKBENCH_LANG": "en"}
    env.pop("WORKBENCH_PSEUDONYM_KEY", None)
    env.pop("WORKBENCH_PSEUDONYM_KEY_FILE", None)
    out = tmp_path / "masked.parquet"
    proc = subprocess.run(
        [sys.executable, "-m", "workbench", "mask", str(raw), "--auto", "-o", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: ") and proc.stderr.count("\n") == 1
    assert "CIF" in proc.stderr and "WORKBENCH_PSEUDONYM_KEY" in proc.stderr and "Traceback" not in proc.stderr
    assert not out.exists()


# --- a raw customer number never reaches analysis through the automatic path ---------------------------------


def _run(args: list[str], home, *, key: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "WORKBENCH_HOME": str(home), "WORKBENCH_LANG": "en"}
    env.pop("WORKBENCH_PSEUDONYM_KEY_FILE", None)
    env.pop("WORKBENCH_PSEUDONYM_KEY", None)
    if key:
        env["WORKBENCH_PSEUDONYM_KEY"] = key
    return subprocess.run(
        [sys.executable, "-m", "workbench", *args], cwd=ROOT, capture_output=True, text=True, env=env, timeout=180
    )


@pytest.mark.parametrize(
    ("header", "spell"),
    [
        ("고객번호", lambda i: f"{100_000_000 + 7 * i:010d}"),  # text with leading zeros
        ("CIF", lambda i: 100_000_000 + 7 * i),  # stored as an integer
        ("cust_no", lambda i: f"C-{i:07d}"),  # letters and a dash
        ("회원번호", lambda i: f"{i:06d}" if i % 10 else None),  # with nulls
    ],
)
def test_auto_certify_refuses_a_customer_number_as_issued(header, spell):
    from workbench.privacy import GateError, auto_certify, raw_customer_keys

    frame = pl.DataFrame({header: [spell(i) for i in range(60)], "grade": [i % 5 for i in range(60)]})
    table = Table("customers", frame)
    assert raw_customer_keys(table, scan(table)) == (header,)
    with pytest.raises(GateError) as err:
        auto_certify(table)
    message = str(err.value)
    assert "\n" not in message and header in message and "--auto" in message
    assert str(spell(1)) not in message  # named, never shown


def test_a_customer_number_already_keyed_is_certified_and_a_plain_id_is_not_asked_about(monkeypatch):
    from workbench.privacy import auto_certify

    monkeypatch.setenv("WORKBENCH_PSEUDONYM_KEY", "customer-key-" + "k7#Q" * 6)
    frame = _customers("고객번호")
    masked = mask_table(Table("customers", frame), propose_policy(scan(Table("customers", frame)))).masked
    again = Table("customers", masked.frame)  # the masked file read back by the next command
    assert auto_certify(again).columns == list(frame.columns)
    ids = Table("t", pl.DataFrame({"customer_id": [f"{i:010d}" for i in range(50)]}))  # a bare id: a token already
    assert auto_certify(ids).height == 50


def test_the_data_page_intake_holds_a_raw_customer_number_back_and_saves_nothing(tmp_path):
    from workbench.intake import take_in
    from workbench.store import Store

    store = Store.open(tmp_path / "ws")
    intake = take_in(Table("customers", _customers("CIF")), store)
    assert not intake.certified and [(f.column, f.pii_type) for f in intake.findings] == [("CIF", "customer_key")]
    assert store.datasets.list() == []


def test_cli_profile_of_a_raw_customer_file_exits_2_and_after_mask_auto_it_runs(tmp_path):
    raw = tmp_path / "customers.csv"
    _customers("고객번호").write_csv(raw)
    refused = _run(["profile", str(raw)], tmp_path / "ws")
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1 and "Traceback" not in refused.stderr
    assert "고객번호" in refused.stderr and "mask" in refused.stderr
    assert "0100000007" not in refused.stderr + refused.stdout
    masked = tmp_path / "masked.parquet"
    key = "customer-key-" + "k7#Q" * 6
    assert _run(["mask", str(raw), "--auto", "-o", str(masked)], tmp_path / "ws", key=key).returncode == 0
    ran = _run(["profile", str(masked), "--json"], tmp_path / "ws")
    assert ran.returncode == 0, ran.stderr
