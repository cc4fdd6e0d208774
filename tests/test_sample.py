"""The synthetic bank: schema, determinism, the traps it promises and the signal it carries.

Checks run on the shipped files in ``sample_data/`` (what analysts open) and on small generated banks.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys

import numpy as np
import polars as pl
import pytest
from click.testing import CliRunner
from conftest import ROOT, SAMPLE
from sklearn.metrics import roc_auc_score

from workbench.cli import cli
from workbench.errors import UserError
from workbench.io.table import frame_fingerprint
from workbench.sample import (
    ACCOUNT_SCHEMA,
    CUSTOMER_SCHEMA,
    LOAN_SCHEMA,
    RAW_FILE,
    TRANSACTION_SCHEMA,
    SampleBank,
    generate,
    generate_raw,
    write,
    write_raw,
    write_sample,
)
from workbench.sample.signal import measure_signal

TABLES = ("customers", "accounts", "transactions", "loans")


@pytest.fixture(scope="module")
def small() -> SampleBank:
    return generate(customers=600, seed=7)


@pytest.fixture(scope="module")
def shipped() -> SampleBank:
    return SampleBank(**{name: pl.read_parquet(SAMPLE / f"{name}.parquet") for name in TABLES})


@pytest.fixture(scope="module")
def raw_shipped() -> pl.DataFrame:
    text = (SAMPLE / RAW_FILE).read_bytes().decode("cp949")
    return pl.read_csv(text.encode(), infer_schema=False)


# --- determinism and shape ------------------------------------------------------------------------


def test_same_seed_gives_identical_frames_and_parquet_bytes(tmp_path, small):
    again = generate(customers=600, seed=7)
    for name, frame in small.tables().items():
        assert frame_fingerprint(frame) == frame_fingerprint(again.tables()[name]), name
    a = write(small, tmp_path / "a")
    b = write(again, tmp_path / "b")
    for name in TABLES:
        assert a[name].read_bytes() == b[name].read_bytes(), name
    other = generate(customers=600, seed=8)
    assert frame_fingerprint(other.transactions) != frame_fingerprint(small.transactions)


def test_shipped_files_are_what_generate_produces(shipped):
    fresh = generate()
    for name in TABLES:
        assert frame_fingerprint(getattr(shipped, name)) == frame_fingerprint(getattr(fresh, name)), (
            f"sample_data/{name}.parquet is stale: run `workbench sample --out sample_data --raw`"
        )


def test_every_table_has_the_published_schema(small, shipped):
    for bank in (small, shipped):
        assert bank.customers.schema == CUSTOMER_SCHEMA
        assert bank.accounts.schema == ACCOUNT_SCHEMA
        assert bank.transactions.schema == TRANSACTION_SCHEMA
        assert bank.loans.schema == LOAN_SCHEMA


def test_shipped_sizes_and_keys(shipped):
    c, a, t, lo = shipped.customers, shipped.accounts, shipped.transactions, shipped.loans
    assert c.height == 5000 and c["customer_id"].is_unique().all()
    assert 1.8 <= a.height / c.height <= 2.8
    assert 250_000 <= t.height <= 350_000
    assert t["tx_id"].is_unique().all() and a["account_id"].is_unique().all()
    assert set(a["customer_id"]) <= set(c["customer_id"])
    assert set(t["account_id"]) <= set(a["account_id"])
    assert lo["customer_id"].is_unique().all() and set(lo["customer_id"]) == set(c["customer_id"])
    span = (lo["applied_at"].max() - lo["applied_at"].min()).days
    assert 500 <= span <= 560, "applications spread over about 18 months"
    assert (t["amount"] > 0).all()
    assert set(t["direction"]) == {"입금", "출금"}
    assert set(t["channel"]) == {"창구", "ATM", "인터넷뱅킹", "모바일"}
    assert set(a["account_type"]) == {"입출금", "정기예금", "적금", "대출"}
    assert set(a["status"]) <= {"정상", "휴면", "해지"}
    assert c["credit_grade"].is_between(1, 10).all()
    assert set(c["gender"]) == {"M", "F"}
    assert c["name_masked"].str.contains(r"^[가-힣]\*[가-힣]?$").all()


def test_default_rate_is_between_5_and_8_percent(shipped):
    assert 0.05 <= shipped.loans["default_12m"].mean() <= 0.08
    assert set(shipped.loans["default_12m"]) == {0, 1}


def test_balances_move_by_exactly_the_amount_and_respect_limits(shipped):
    t = shipped.transactions.join(shipped.accounts, on="account_id").sort("account_id", "ts", "tx_id")
    signed = pl.when(pl.col("direction") == "입금").then(pl.col("amount")).otherwise(-pl.col("amount"))
    step = t.with_columns(prev=pl.col("balance_after").shift(1).over("account_id"), signed=signed).drop_nulls("prev")
    assert (step["balance_after"] - step["prev"] == step["signed"]).all()
    no_overdraft = t.filter(pl.col("account_type") != "대출", pl.col("limit_krw").is_null())
    assert no_overdraft["balance_after"].min() >= 0
    assert (t["balance_after"] >= -t["limit_krw"].fill_null(0)).all()
    assert (t.filter(pl.col("account_type") == "입출금", pl.col("limit_krw").is_not_null())["balance_after"] < 0).any()


def test_the_future_exists_after_every_application(shipped):
    """Leakage must be able to bite: nearly every customer keeps transacting after applied_at."""
    t = shipped.transactions.join(shipped.accounts.select("account_id", "customer_id", "account_type"), on="account_id")
    after = (
        t.join(shipped.loans.select("customer_id", "applied_at"), on="customer_id")
        .filter(pl.col("account_type") != "대출", pl.col("ts") >= pl.col("applied_at").cast(pl.Datetime("us")))
        .select(pl.col("customer_id").n_unique())
        .item()
    )
    assert after / shipped.customers.height >= 0.95
    first, last = t["ts"].min().date(), t["ts"].max().date()
    assert (shipped.loans["applied_at"].min() - first).days >= 180, "a full 180-day window before every cutoff"
    assert (last - shipped.loans["applied_at"].max()).days >= 90


# --- the traps ------------------------------------------------------------------------------------


def psi(reference: np.ndarray, current: np.ndarray) -> float:
    """PSI over deciles of the reference; empty bins get 0.5 count so the log stays finite."""
    edges = np.unique(np.quantile(reference, np.linspace(0, 1, 11)[1:-1]))
    ref = np.bincount(np.searchsorted(edges, reference, side="right"), minlength=len(edges) + 1) + 0.5
    cur = np.bincount(np.searchsorted(edges, current, side="right"), minlength=len(edges) + 1) + 0.5
    ref, cur = ref / ref.sum(), cur / cur.sum()
    return float(np.sum((cur - ref) * np.log(cur / ref)))


def test_overdue_days_after_leaks_the_target(shipped):
    lo = shipped.loans
    assert roc_auc_score(lo["default_12m"].to_numpy(), lo["overdue_days_after"].to_numpy()) > 0.9


def test_annual_income_uses_9999_as_unknown(shipped):
    c = shipped.customers
    unknown = c.filter(pl.col("annual_income") == 9999)
    assert 0.03 <= unknown.height / c.height <= 0.07
    assert (unknown["income_band"] == "미상").all()
    known = c.filter(pl.col("annual_income") != 9999)
    assert known["annual_income"].max() > 9999, "real incomes straddle the code, so it looks like a value"


def test_bureau_score_drifts_across_application_quarters(shipped):
    lo = shipped.loans.sort("applied_at")
    first = lo.filter(pl.col("applied_at") < pl.date(2024, 4, 1))["bureau_score"].to_numpy()
    last = lo.filter(pl.col("applied_at") >= pl.date(2025, 4, 1))["bureau_score"].to_numpy()
    assert psi(first, last) > 0.25


def test_monthly_income_nearly_duplicates_annual_income(shipped):
    joined = shipped.loans.join(shipped.customers, on="customer_id").filter(pl.col("annual_income") != 9999)
    assert joined.select(pl.corr("annual_income", "monthly_income")).item() > 0.98
    ratio = joined["annual_income"] / joined["monthly_income"]
    assert 11.5 < ratio.median() < 12.5


def test_months_at_job_is_missing_far_more_often_for_defaulters(shipped):
    rates = shipped.loans.group_by("default_12m").agg(pl.col("months_at_job").is_null().mean().alias("missing"))
    by = dict(rates.iter_rows())
    assert by[1] - by[0] >= 0.15 and by[1] >= 1.5 * by[0]


def test_transaction_windows_lift_auc_over_attributes(shipped):
    report = measure_signal(shipped)
    assert 0.60 <= report.auc_attributes <= 0.78
    assert report.lift >= 0.03, report
    assert report.auc_leak_alone > 0.9


# --- the raw export -------------------------------------------------------------------------------

RRN_W = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)


def rrn_valid(rrn: str) -> bool:
    d = [int(x) for x in rrn.replace("-", "")]
    return len(d) == 13 and (11 - sum(a * b for a, b in zip(d[:12], RRN_W, strict=True)) % 11) % 10 == d[12]


def luhn(number: str) -> bool:
    digits = [int(x) for x in number if x.isdigit()][::-1]
    return sum(d if i % 2 == 0 else (d * 2 - 9 if d > 4 else d * 2) for i, d in enumerate(digits)) % 10 == 0


def test_raw_csv_is_cp949_and_not_utf8():
    data = (SAMPLE / RAW_FILE).read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert data.decode("cp949").startswith("고객번호,성명,주민등록번호")


def test_raw_export_is_the_shipped_population_with_identifiers(raw_shipped, shipped):
    raw, c = raw_shipped, shipped.customers
    assert raw.height == 5000
    assert raw.columns[:14] == [
        "고객번호", "성명", "주민등록번호", "휴대폰번호", "이메일", "주소", "카드번호", "계좌번호", "성별",
        "연령대", "직업", "연소득(만원)", "신용등급", "가입일",
    ]  # fmt: skip
    assert (raw["성별"].replace_strict({"남": "M", "여": "F"}) == c["gender"]).all()
    assert (raw["연령대"] == c["age_band"]).all() and (raw["직업"] == c["occupation"]).all()
    assert (raw["연소득(만원)"].cast(pl.Int64) == c["annual_income"]).all()
    assert (raw["주소"].str.split(" ").list.first() == c["sido"]).all()
    assert (raw["성명"].str.slice(0, 1) == c["name_masked"].str.slice(0, 1)).all()


def test_every_rrn_is_checksum_valid_and_matches_gender_and_age(raw_shipped):
    ages = {
        "20대": (20, 29),
        "30대": (30, 39),
        "40대": (40, 49),
        "50대": (50, 59),
        "60대": (60, 69),
        "70대": (70, 99),
    }
    for rrn, gender, band in raw_shipped.select("주민등록번호", "성별", "연령대").iter_rows():
        assert re.fullmatch(r"\d{6}-[1-4]\d{6}", rrn) and rrn_valid(rrn), rrn
        g = int(rrn[7])
        assert (g % 2 == 1) == (gender == "남"), rrn
        year = (1900 if g in (1, 2) else 2000) + int(rrn[:2])
        age = 2025 - year - ((int(rrn[2:4]), int(rrn[4:6])) > (6, 30))
        lo, hi = ages[band]
        assert lo <= age <= hi, (rrn, band)
    assert raw_shipped["주민등록번호"].str.slice(7, 1).is_in(["3", "4"]).any(), "some born in the 2000s"


def test_card_phone_account_email_address_shapes(raw_shipped):
    cards = raw_shipped["카드번호"].to_list()
    assert all(re.fullmatch(r"\d{4}-\d{4}-\d{4}-\d{4}", x) and luhn(x) for x in cards)
    assert raw_shipped["휴대폰번호"].str.contains(r"^010-[2-9]\d{3}-\d{4}$").all()
    assert raw_shipped["이메일"].str.contains(r"^[a-z]+\d+@[a-z]+\.(com|net)$").all()
    shapes = {"-".join(str(len(p)) for p in x.split("-")) for x in raw_shipped["계좌번호"]}
    assert {"3-2-6", "3-6-5", "6-2-6", "3-3-6"} <= shapes
    assert raw_shipped["주소"].str.contains(r"^\S+ .+ \S+로(\d+길)? \d+$").all()
    assert raw_shipped["성명"].str.contains(r"^[가-힣]{2,3}$").all()


def test_decoy_columns_hold_no_personal_data(raw_shipped):
    refs = raw_shipped["거래참조번호"]
    assert refs.str.contains(r"^\d{18}$").all(), "too long for a card (16) or an RRN (13)"
    assert raw_shipped["지점코드"].str.contains(r"^\d{4}$").all()
    assert not raw_shipped["상담메모"].fill_null("").str.contains(r"\d|@|[가-힣]\*").any()
    assert raw_shipped["최근거래금액"].cast(pl.Int64).min() > 0


def test_shipped_raw_file_is_what_generate_raw_produces(tmp_path):
    fresh = write_raw(generate_raw(), tmp_path / RAW_FILE)
    assert fresh.read_bytes() == (SAMPLE / RAW_FILE).read_bytes(), "run `workbench sample --out sample_data --raw`"


def test_generate_raw_writes_the_same_file(tmp_path):
    path = write_raw(generate_raw(customers=200, seed=3), tmp_path / RAW_FILE)
    again = write_raw(generate_raw(customers=200, seed=3), tmp_path / "again.csv")
    assert path.read_bytes() == again.read_bytes()
    assert len(path.read_bytes().decode("cp949").splitlines()) == 201


# --- streaming and the command line ---------------------------------------------------------------


def test_streaming_writer_equals_in_memory_across_blocks(tmp_path):
    """5,300 customers span two generator blocks; streamed rows equal generate() and ids continue."""
    calls = []
    paths = write_sample(tmp_path, customers=5300, seed=11, progress=lambda *a: calls.append(a))
    bank = generate(customers=5300, seed=11)
    for name in TABLES:
        assert frame_fingerprint(pl.read_parquet(paths[name])) == frame_fingerprint(getattr(bank, name)), name
    assert [c[0] for c in calls] == [5000, 5300] and calls[-1][2] == bank.transactions.height
    assert bank.transactions["tx_id"].str.slice(1).cast(pl.Int64).diff().drop_nulls().eq(1).all()


def test_an_interrupted_run_leaves_the_previous_files_intact(tmp_path):
    before = write(generate(customers=50, seed=1), tmp_path)
    old = {name: path.read_bytes() for name, path in before.items()}

    def stop(*_):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_sample(tmp_path, customers=60, seed=2, progress=stop)  # stops once transactions are written
    assert {name: path.read_bytes() for name, path in before.items()} == old
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{name}.parquet" for name in TABLES)


def test_cli_writes_the_tables_and_raw_export(tmp_path):
    out = tmp_path / "bank"
    args = ["sample", "--customers", "300", "--out", str(out), "--seed", "3", "--raw", "--json"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    rows = {f["table"]: f["rows"] for f in summary["files"]}
    assert rows["customers"] == rows["loans"] == rows["raw"] == 300
    for name in TABLES:
        assert pl.read_parquet(out / f"{name}.parquet").height == rows[name]
    assert (out / RAW_FILE).read_bytes().decode("cp949").startswith("고객번호")
    assert "300/300" in result.stderr


def test_cli_refuses_zero_customers_in_one_line(tmp_path):
    out = tmp_path / "never"
    proc = subprocess.run(
        [sys.executable, "-m", "workbench", "--lang", "en", "sample", "--customers", "0", "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 2
    assert proc.stderr.strip() == "error: The number of customers must be at least 1 (got 0)."
    assert not out.exists()


@pytest.mark.parametrize(
    ("args", "key"),
    [(["--seed", "-1"], "sample.error.seed"), (["--out", "{file}"], "sample.error.out_not_dir")],
)
def test_cli_bad_seed_or_file_as_folder_is_a_user_error(tmp_path, args, key):
    a_file = tmp_path / "bank.parquet"
    a_file.write_bytes(b"not a folder")
    args = [x.replace("{file}", str(a_file)) for x in args]
    result = CliRunner().invoke(cli, ["sample", "--customers", "10", *args])
    assert isinstance(result.exception, UserError) and result.exception.key == key
    assert "\n" not in str(result.exception) and str(result.exception).strip()
    assert a_file.read_bytes() == b"not a folder"
