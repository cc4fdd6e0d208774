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
