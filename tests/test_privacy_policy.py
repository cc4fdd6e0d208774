"""Masking policies: type-aware masks, keyed pseudonyms, generalisation, YAML round trip, k-anonymity."""

from __future__ import annotations

import dataclasses
from datetime import date

import numpy as np
import polars as pl
import pytest

from workbench.io.table import Table
from workbench.privacy import fakes, kanon
from workbench.privacy.certified import mask_table
from workbench.privacy.gate import GateError, MaskedTable, certify
from workbench.privacy.keys import KeyError_, load_key
from workbench.privacy.policy import ColumnRule, KAnonymitySpec, Policy, PolicyError, apply_policy, propose_policy
from workbench.privacy.scan import scan

KEY = b"k" * 32


@pytest.fixture
def customers() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "주민등록번호": ["900101-1234568", "850315-2000003", "020101-3123451"],
            "성명": ["홍길동", "김수", "남궁민수"],
            "휴대폰": ["010-1234-5678", "02-312-4567", "+82 10-9876-5432"],
            "카드번호": ["4111-1111-1111-1111", "5500000000000004", "9410-1234-5678-9017"],
            "이메일": ["hong@bank.co.kr", "kim.s@naver.com", "x@y.kr"],
            "주소": [
                "서울특별시 강남구 테헤란로 152",
                "경기도 성남시 분당구 판교역로 166",
                "부산광역시 해운대구 해운대로 5",
            ],
            "연소득": [3_500, 120_000, 4_800],
            "가입일": [date(2021, 3, 15), date(2022, 11, 2), date(2020, 1, 31)],
        }
    )


def _apply(frame, rules, **kw):
    return apply_policy(Table("t", frame), Policy("t", tuple(rules.items()), **kw), key=KEY).frame


def test_partial_masks_are_type_aware(customers):
    out = _apply(
        customers,
        {
            "주민등록번호": ColumnRule("mask", "rrn"),
            "성명": ColumnRule("mask", "person_name"),
            "휴대폰": ColumnRule("mask", "phone"),
            "카드번호": ColumnRule("mask", "card_number"),
            "이메일": ColumnRule("mask", "email"),
        },
    )
    assert out["주민등록번호"].to_list() == ["900101-1******", "850315-2******", "020101-3******"]
    assert out["성명"].to_list() == ["홍*동", "김*", "남**수"]
    assert out["휴대폰"].to_list() == ["010-****-5678", "02-****-4567", "010-****-5432"]
    assert out["카드번호"].to_list() == ["****-****-****-1111", "************0004", "****-****-****-9017"]
    assert out["이메일"].to_list() == ["h***@bank.co.kr", "k***@naver.com", "x***@y.kr"]


def test_generalisation_to_age_band_region_and_month(customers):
    out = _apply(
        customers,
        {
            "주민등록번호": ColumnRule("generalize", "rrn", to="age_band"),
            "주소": ColumnRule("generalize", "address", to="sigungu"),
            "가입일": ColumnRule("generalize", to="month"),
        },
        as_of=date(2026, 11, 25),
    )
    # born 1990-01-01 → 36, 1985-03-15 → 41, 2002-01-01 → 24 on 2026-11-25
    assert out["주민등록번호"].to_list() == ["30대", "40대", "20대"]
    assert out["주소"].to_list() == ["서울특별시 강남구", "경기도 성남시", "부산광역시 해운대구"]
    assert out["가입일"].to_list() == [date(2021, 3, 1), date(2022, 11, 1), date(2020, 1, 1)]
    sido = _apply(customers, {"주소": ColumnRule("generalize", "address", to="sido")})
    assert sido["주소"].to_list() == ["서울특별시", "경기도", "부산광역시"]


def test_birth_date_text_to_age_band_counts_birthdays():
    frame = pl.DataFrame({"생년월일": ["1990-11-25", "1990-11-26", "19901126", None]})
    out = _apply(frame, {"생년월일": ColumnRule("generalize", to="age_band")}, as_of=date(2026, 11, 25))
    assert out["생년월일"].to_list() == ["30대", "30대", "30대", None]
    out = _apply(frame, {"생년월일": ColumnRule("generalize", to="age_band")}, as_of=date(2020, 11, 25))
    assert out["생년월일"].to_list() == ["30대", "20대", "20대", None]  # 30 on the day, 29 the day before


def test_round_bucket_and_top_code(customers):
    out = _apply(
        customers,
        {"연소득": ColumnRule("topcode", upper=20_000)},
    )
    assert out["연소득"].to_list() == [3_500, 20_000, 4_800]
    out = _apply(customers, {"연소득": ColumnRule("round", base=1_000)})
    assert out["연소득"].to_list() == [4_000, 120_000, 5_000]
    out = _apply(customers, {"연소득": ColumnRule("bucket", edges=(0, 5_000, 10_000))})
    assert out["연소득"].to_list() == ["[0, 5000)", "[10000, inf)", "[0, 5000)"]


def test_drop_removes_the_column(customers):
    out = _apply(customers, {"휴대폰": ColumnRule("drop")})
    assert "휴대폰" not in out.columns and out.width == customers.width - 1


# --- keyed pseudonyms -------------------------------------------------------------------------------------


def test_pseudonyms_are_stable_across_tables_and_runs_and_change_with_the_key():
    accounts = pl.DataFrame({"계좌번호": ["110-123-456789", "1002-123-456789", "110-123-456789"]})
    transfers = pl.DataFrame({"acct": ["110123456789", "3333-01-1234567"]})  # same account written bare
    rule = ColumnRule("pseudonym", "account_number")
    a = _apply(accounts, {"계좌번호": rule})["계좌번호"].to_list()
    b = _apply(transfers, {"acct": rule})["acct"].to_list()
    assert a[0] == a[2] == b[0]  # joins keep working, even across formats
    assert len({a[0], a[1], b[1]}) == 3
    assert all(len(tok) == 20 and "-" not in tok for tok in a)
    again = _apply(accounts, {"계좌번호": rule})["계좌번호"].to_list()
    assert again == a  # same key, next run: same tokens
    other = apply_policy(Table("t", accounts), Policy("t", (("계좌번호", rule),)), key=b"z" * 32).frame
    assert other["계좌번호"].to_list()[0] != a[0]


def test_pseudonym_without_a_key_is_refused(monkeypatch, tmp_path):
    monkeypatch.delenv("WORKBENCH_PSEUDONYM_KEY", raising=False)
    monkeypatch.delenv("WORKBENCH_PSEUDONYM_KEY_FILE", raising=False)
    frame = pl.DataFrame({"계좌번호": ["110-123-456789"]})
    with pytest.raises(KeyError_) as err:
        apply_policy(Table("t", frame), Policy("t", (("계좌번호", ColumnRule("pseudonym", "account_number")),)))
    assert "WORKBENCH_PSEUDONYM_KEY" in str(err.value) and "\n" not in str(err.value)


def test_key_from_env_or_a_file_outside_the_workspace(monkeypatch, tmp_path, workspace):
    monkeypatch.delenv("WORKBENCH_PSEUDONYM_KEY", raising=False)
    outside = tmp_path / "secret.key"
    outside.write_text("a-long-enough-secret-key\n")
    monkeypatch.setenv("WORKBENCH_PSEUDONYM_KEY_FILE", str(outside))
    assert load_key() == b"a-long-enough-secret-key"
    inside = workspace / "key.txt"
    inside.write_text("a-long-enough-secret-key")
    monkeypatch.setenv("WORKBENCH_PSEUDONYM_KEY_FILE", str(inside))
    with pytest.raises(KeyError_, match=r"workspace|작업공간"):
        load_key()
    monkeypatch.setenv("WORKBENCH_PSEUDONYM_KEY", "short")
    with pytest.raises(KeyError_):
        load_key()


# --- policy as data ----------------------------------------------------------------------------------------


def test_policy_yaml_round_trip_and_auto_proposal(customers):
    result = scan(Table("customers", customers))
    policy = propose_policy(result, keyed=True)
    assert dict(policy.rules)["카드번호"] == ColumnRule("pseudonym", "card_number")
    assert dict(policy.rules)["주민등록번호"].to == "age_band"
    assert set(policy.masked_columns) == set(result.pii_columns)
    text = policy.to_yaml()
    assert "주민등록번호" in text  # Korean stays readable in the file
    assert Policy.from_yaml(text) == policy
    unkeyed = propose_policy(result, keyed=False)
    assert dict(unkeyed.rules)["카드번호"].action == "mask"


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("columns: {a: {action: shred}}", "shred"),
        ("columns: {a: {action: round}}", "base"),
        ("columns: {a: {action: generalize, to: planet}}", "age_band"),
        ("columns: {a: {action: mask, colour: red}}", "colour"),
        ("columns: [1, 2", "YAML"),
    ],
)
def test_bad_policies_fail_in_one_line_before_touching_data(text, fragment, monkeypatch):
    monkeypatch.setenv("WORKBENCH_LANG", "en")
    with pytest.raises(PolicyError) as err:
        Policy.from_yaml(text)
    assert fragment in str(err.value) and "\n" not in str(err.value)


def test_a_policy_naming_a_missing_column_is_refused(customers):
    with pytest.raises(PolicyError):
        apply_policy(Table("t", customers), Policy("t", (("no_such", ColumnRule("drop")),)))


# --- the gate -----------------------------------------------------------------------------------------------


def test_masking_then_certifying_yields_a_masked_table(customers):
    policy = propose_policy(scan(Table("customers", customers)), keyed=False)
    policy = Policy(policy.name, policy.rules, None)  # three rows cannot be 5-anonymous; tested below
    outcome = mask_table(Table("customers", customers), policy, key=KEY)
    assert isinstance(outcome.masked, MaskedTable)
    assert outcome.report.rows_out == 3
    before = {c.column: c.format_before for c in outcome.report.changes}
    assert before["주민등록번호"] == "######-#######"


def test_a_flagged_column_kept_without_reason_is_refused_with_reason_passes(customers):
    frame = customers.select("카드번호", "연소득")
    findings = scan(Table("t", frame)).findings
    with pytest.raises(GateError, match="카드번호"):
        certify(Table("t", frame), findings)
    with pytest.raises(GateError):
        certify(Table("t", frame), findings, overrides={"카드번호": "  "})
    masked = certify(Table("t", frame), findings, overrides={"카드번호": "test cards issued by the bank"})
    assert masked.overrides == (("카드번호", "test cards issued by the bank"),)
    with pytest.raises(GateError):  # the reason lands in the audit log: it may not quote a value
        certify(Table("t", frame), findings, overrides={"카드번호": "4111-1111-1111-1111 is a test card"})


def test_certify_rescans_the_output_so_a_mislabelled_mask_cannot_pass(customers):
    frame = customers.select("휴대폰")
    findings = scan(Table("t", frame)).findings
    # the caller claims the column is masked, but the values are untouched
    with pytest.raises(GateError, match="휴대폰"):
        certify(Table("t", frame), findings, masked_columns=["휴대폰"])


def test_masked_table_cannot_be_built_outside_the_gate(customers):
    with pytest.raises(TypeError):
        MaskedTable("t", pl.DataFrame(), "x", None, date.today(), "me")  # type: ignore[arg-type]
    masked = certify(Table("t", customers.select("연소득")), ())
    with pytest.raises(TypeError):  # nor by swapping the frame of a certified one
        dataclasses.replace(masked, source=customers)


# --- k-anonymity --------------------------------------------------------------------------------------------


def test_k_anonymity_on_a_known_table():
    frame = pl.DataFrame(
        {
            "age_band": ["30대"] * 6 + ["40대"] * 3 + ["50대"],
            "gender": ["M", "M", "M", "F", "F", "F", "M", "M", "F", "F"],
            "sido": ["서울특별시"] * 6 + ["부산광역시"] * 4,
            "diagnosis": ["a", "b", "c", "a", "a", "a", "b", "c", "d", "e"],
        }
    )
    m = kanon.measure(frame, ["age_band", "gender", "sido"], target=3, sensitive="diagnosis")
    # classes: (30대,M,서울)=3, (30대,F,서울)=3, (40대,M,부산)=2, (40대,F,부산)=1, (50대,F,부산)=1
    assert (m.k, m.classes, m.rows_below_target) == (1, 5, 4)
    assert [c.size for c in m.smallest] == [1, 1, 2, 3, 3]
    assert m.l_diversity == 1  # (30대,F,서울) all have diagnosis a
    assert not m.satisfied


def test_enforcing_k_generalises_then_suppresses_and_reports_the_cost():
    rng = np.random.default_rng(4)
    n = 2_000
    frame = pl.DataFrame(
        {
            "age": rng.integers(20, 80, n),
            "gender": rng.choice(["M", "F"], n),
            "region": rng.choice(
                [f"서울특별시 {g}" for g in ("강남구", "서초구", "마포구")] + ["제주특별자치도 제주시"], n
            ),
            "balance": rng.integers(0, 10**7, n),
        }
    )
    before = kanon.measure(frame, ["age", "gender", "region"], target=5)
    assert before.k < 5
    out, cost = kanon.enforce(frame, ["age", "gender", "region"], k=5, max_suppression=0.02)
    after = kanon.measure(out, ["age", "gender", "region"], target=5)
    assert after.k >= 5 and cost.after.k == after.k
    assert cost.rows_suppressed == n - out.height <= 0.02 * n
    assert cost.steps and cost.categories_merged["age"] > 0  # 60 ages became a few bins
    assert (
        out["balance"].to_list() == frame.filter(pl.col("balance").is_in(out["balance"].implode()))["balance"].to_list()
    )


def test_policy_k_anonymity_is_applied_by_apply_policy():
    frame, _ = fakes.planted_table(n=600, seed=1)
    policy = propose_policy(scan(Table("t", frame)), keyed=False)
    assert policy.k_anonymity == KAnonymitySpec(("c00", "c01", "c05"), 5)
    out = apply_policy(Table("t", frame), policy)
    assert kanon.measure(out.frame, ["c00", "c01", "c05"]).k >= 5


def test_redact_replaces_identifiers_inside_text_and_the_auto_policy_uses_it():
    frame = pl.DataFrame(
        {
            "memo": [
                "고객 010-2345-6789로 연락, 주민 900101-1234568 확인",
                "메일 hong@bank.co.kr 카드 4111-1111-1111-1111 분실",
                "금리 안내 완료",
            ]
            * 20
        }
    )
    result = scan(Table("t", frame))
    policy = propose_policy(result)
    assert dict(policy.rules)["memo"] == ColumnRule("redact")
    out = mask_table(Table("t", frame), policy).masked.frame["memo"].to_list()[:3]
    assert out == [
        "고객 [전화번호]로 연락, 주민 [주민번호] 확인",
        "메일 [이메일] 카드 [카드번호] 분실",
        "금리 안내 완료",
    ]
