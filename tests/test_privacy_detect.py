"""PII detection: every planted identifier is found, no look-alike decoy is, evidence shows no raw value."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from workbench.io.table import Table
from workbench.privacy import fakes
from workbench.privacy import patterns as p
from workbench.privacy.detectors import PII_TYPES, header_quasi, header_type
from workbench.privacy.scan import scan


def _check(values: list[str], fn) -> list[bool]:
    df = pl.DataFrame({"s": values})
    return df.select(fn(p.Parts.of(pl.col("s"))).alias("ok")).to_series().to_list()


# --- checksums on numbers a banker can verify by hand ----------------------------------------------------


def test_resident_number_checksum_worked_example():
    # 9·2+0·3+0·4+1·5+0·6+1·7+1·8+2·9+3·2+4·3+5·4+6·5 = 124; 124 mod 11 = 3; (11 − 3) mod 10 = 8
    assert _check(["900101-1234568", "900101-1234567"], lambda v: p.rrn_checksum(v, foreigner=False)) == [
        True,
        False,
    ]
    # foreigners: gender digit 5, sum 156, 156 mod 11 = 2, (13 − 2) mod 10 = 1
    assert _check(["900101-5234561", "900101-5234568"], lambda v: p.rrn_checksum(v, foreigner=True)) == [
        True,
        False,
    ]


def test_post_2020_resident_numbers_are_judged_by_structure():
    ok = _check(
        ["210315-3987654", "210231-3987654", "991301-1000000", "500101-7000000", "990101-1000000"],
        lambda v: p.rrn_structure(v, foreigner=False),
    )
    # valid date + 2000s digit; 31 February; month 13; foreigner digit; fine (1999, digit 1)
    assert ok == [True, False, False, False, True]


def test_business_number_and_luhn():
    assert _check(["124-81-00998", "124-81-00997"], p.brn_checksum) == [True, False]
    assert _check(["4111-1111-1111-1111", "4111111111111112", "1234-5678-9012-3452"], p.luhn) == [
        True,
        False,
        False,
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("010-1234-5678", True),
        ("+82 10-1234-5678", True),
        ("02-312-4567", True),
        ("0100000003", False),  # a customer number: subscriber numbers never start with 0
        ("031-2345-6789", True),
        ("1588-1234", False),  # a company's representative number
        ("2023-1115-0001", False),  # an order number shaped like a phone
    ],
)
def test_phone_formats(value, expected):
    assert _check([value], p.phone) == [expected]


# --- headers --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "pii_type"),
    [
        ("주민등록번호", "rrn"),
        ("주민번호", "rrn"),
        ("외국인등록번호", "foreigner_rrn"),
        ("성명", "person_name"),
        ("고객명", "person_name"),
        ("이름", "person_name"),
        ("Customer_Name", "person_name"),
        ("휴대폰", "phone"),
        ("연락처", "phone"),
        ("자택전화", "phone"),
        ("주소", "address"),
        ("계좌번호", "account_number"),
        ("카드번호", "card_number"),
        ("사업자등록번호", "business_registration_number"),
        ("여권번호", "passport_number"),
        ("운전면허번호", "driver_license"),
        ("e-mail", "email"),
        ("이메일", "email"),
        ("ip_address", "ip_address"),
        # not identifiers
        ("name_masked", None),
        ("product_name", None),
        ("branch_code", None),
        ("account_id", None),
        ("account_type", None),
        ("tx_id", None),
    ],
)
def test_header_synonyms(header, pii_type):
    assert header_type(header) == pii_type


@pytest.mark.parametrize(
    ("header", "kind"),
    [
        ("생년월일", "birth_date"),
        ("age_band", "age"),
        ("연령대", "age"),
        ("성별", "gender"),
        ("우편번호", "postcode"),
        ("sido", "region"),
        ("직업", "occupation"),
        ("annual_income", None),
    ],
)
def test_quasi_identifier_headers(header, kind):
    assert header_quasi(header) == kind


# --- the planted corpus ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def planted():
    frame, truth = fakes.planted_table(n=1_500, seed=3)
    return frame, truth, scan(Table("planted", frame), sample_rows=500)


def test_every_planted_pii_column_is_found_with_its_type(planted):
    _, truth, result = planted
    found = {f.column: f.pii_type for f in result.findings}
    expected = {c: t for c, t in truth.items() if t}
    assert found == expected
    assert set(expected.values()) == set(PII_TYPES)  # the corpus covers the whole vocabulary


def test_no_decoy_is_flagged(planted):
    _, truth, result = planted
    decoys = {c for c, t in truth.items() if t is None}
    assert decoys == {
        "tx_ref",
        "ref16",
        "order_no",
        "order_no_digits",
        "branch_code",
        "amount",
        "product",
        "score",
        "tx_date",
    }
    assert not decoys & set(result.pii_columns)


def test_findings_report_confidence_match_rate_and_only_masked_evidence(planted):
    frame, _, result = planted
    for f in result.findings:
        assert 0.5 <= f.confidence <= 1.0
        assert f.match_rate == pytest.approx(1.0)  # confirmed on all 1,500 rows, not only the 500 sampled
        assert f.evidence, f.column
        raw = set(frame[f.column].cast(pl.String).to_list())
        assert not raw & set(f.evidence), f"raw value in evidence of {f.column}"
        assert all("*" in e for e in f.evidence), f.evidence


def test_match_rate_is_measured_on_every_row_not_the_sample():
    """The sample proposes, all rows confirm: the reported rate is the exact share over the whole column."""
    rng = np.random.default_rng(0)
    values = fakes.rrn(rng, 8_537) + fakes.order_number(rng, 1_463)
    rng.shuffle(values)
    result = scan(Table("t", pl.DataFrame({"ref": values})), sample_rows=300)
    assert result.column("ref").pii_type == "rrn"
    assert result.column("ref").match_rate == pytest.approx(0.8537)
    assert result.sampled_rows == 300


def test_already_masked_columns_pass_even_under_pii_headers():
    frame = pl.DataFrame(
        {
            "주민등록번호": ["901010-1******", "850315-2******", "020101-3******"] * 20,
            "성명": ["홍*동", "김*수", "이*"] * 20,
            "휴대폰": ["010-****-5678", "010-****-1234", "011-****-0000"] * 20,
            "고객ID": ["3f9a1c0e5b7d2a4c6e8f", "0a1b2c3d4e5f60718293", "ffeeddccbbaa99887766"] * 20,
        }
    )
    result = scan(Table("masked", frame))
    assert result.findings == ()
    assert result.column("주민등록번호").header_hint == "rrn"  # the header is noticed, the values clear it


def test_korean_headers_lower_the_bar_but_values_decide():
    rng = np.random.default_rng(5)
    names = fakes.name(rng, 60)
    names[::3] = ["Kim Minsu"] * 20  # a third romanised: below the bar without a header
    frame = pl.DataFrame({"고객명": names, "memo": names})
    result = scan(Table("t", frame))
    assert result.pii_columns == ("고객명",)
    assert result.column("고객명").pii_type == "person_name"


def test_account_numbers_need_a_bank_layout_or_a_header():
    rng = np.random.default_rng(2)
    accounts = fakes.account(rng, 200)
    bare = [a.replace("-", "") for a in accounts]
    frame = pl.DataFrame({"계좌번호": bare, "ref_no": bare, "acct_dashed": accounts})
    found = {f.column: f.pii_type for f in scan(Table("t", frame)).findings}
    assert found == {"계좌번호": "account_number", "acct_dashed": "account_number"}


def test_region_and_gender_are_quasi_identifiers_not_pii():
    frame = pl.DataFrame(
        {
            "addr1": ["서울특별시 강남구", "경기도 성남시 분당구", "부산광역시"] * 30,
            "sex": ["M", "F", "F"] * 30,
            "생년월일": ["1990-10-10", "1985-01-02", "1970-12-31"] * 30,
            "addr_full": [
                "서울특별시 강남구 테헤란로 152",
                "경기도 성남시 분당구 판교역로 166",
                "부산광역시 해운대구 해운대로 5",
            ]
            * 30,
        }
    )
    result = scan(Table("t", frame))
    assert result.pii_columns == ("addr_full",)
    assert {(q.column, q.kind) for q in result.quasi_identifiers} == {
        ("addr1", "region"),
        ("sex", "gender"),
        ("생년월일", "birth_date"),
    }


def test_integer_columns_are_checked_for_digit_identifiers():
    rng = np.random.default_rng(9)
    brns = [int(x) for x in fakes.brn(rng, 300, dashed=False)]
    frame = pl.DataFrame({"biz": brns, "amount": fakes.amount(rng, 300), "score": fakes.score(rng, 300)})
    assert {f.column: f.pii_type for f in scan(Table("t", frame)).findings} == {"biz": "business_registration_number"}


def test_empty_and_all_null_columns_do_not_break_the_scan():
    frame = pl.DataFrame(
        {"a": [None, None], "b": ["", " "], "c": [1.5, 2.5]},
        schema={"a": pl.String, "b": pl.String, "c": pl.Float64},
    )
    assert scan(Table("t", frame)).findings == ()
    assert scan(Table("t", pl.DataFrame({"x": []}, schema={"x": pl.String}))).findings == ()


@pytest.mark.slow
def test_precision_and_recall_on_a_generated_corpus(capsys):
    """Forty tables, dirty values (nulls, N/A, blanks), dashed and bare formats, random mixes with decoys."""
    tp = fp = fn = 0
    for frame, truth in fakes.corpus(tables=40, rows=300, seed=21):
        found = {f.column: f.pii_type for f in scan(Table("t", frame)).findings}
        for col, want in truth.items():
            got = found.get(col)
            tp += bool(want and got == want)
            fp += bool(got and got != want)
            fn += bool(want and got != want)
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    with capsys.disabled():
        print(
            f"\nPII detection on the generated corpus: {tp} TP, {fp} FP, {fn} FN; "
            f"precision {precision:.3f}, recall {recall:.3f}"
        )
    assert precision >= 0.98
    assert recall >= 0.95


def test_every_type_and_quasi_kind_has_a_label_in_both_languages():
    from workbench.i18n import catalog
    from workbench.privacy.detectors import QUASI_KINDS

    for pii_type in PII_TYPES:
        assert set(catalog()[f"privacy.type.{pii_type}"]) == {"ko", "en"}
    for kind in QUASI_KINDS:
        assert set(catalog()[f"privacy.quasi.{kind}"]) == {"ko", "en"}


def test_identifiers_inside_free_text_are_found_on_every_row():
    """One memo in 2,000 quotes a phone number: the column is flagged (found on all rows, not the sample)."""
    memos = ["금리 안내 완료", "상품 문의", "서류 보완 요청", "대표번호 1588-1234 안내", "금액 1,200,000원 입금"] * 400
    frame = pl.DataFrame({"상담메모": memos, "memo_clean": memos})
    frame = frame.with_columns(
        pl.when(pl.int_range(pl.len()) == 1_234)
        .then(pl.lit("고객 010-2345-6789 연락 요망"))
        .otherwise(pl.col("상담메모"))
        .alias("상담메모")
    )
    result = scan(Table("t", frame), sample_rows=500)
    memo = result.column("상담메모")
    assert (memo.pii_type, memo.embedded) == ("phone", True)
    assert memo.match_rate == pytest.approx(1 / 2_000)
    assert memo.evidence == ("010-****-6789",)
    assert result.column("memo_clean").pii_type is None  # representative numbers and amounts are not PII


def test_resident_numbers_stored_as_integers_keep_their_leading_zero():
    """A spreadsheet turns 050101-3123456 into the integer 501013123456: still found, still masked right."""
    rng = np.random.default_rng(8)
    values = [int(v) for v in fakes.rrn(rng, 400, dashed=False)]
    assert any(len(str(v)) == 12 for v in values)  # some born in the 2000s
    frame = pl.DataFrame({"jumin": values})
    result = scan(Table("t", frame))
    assert result.column("jumin").pii_type == "rrn"
    assert result.column("jumin").match_rate == pytest.approx(1.0)
    from workbench.privacy.policy import ColumnRule, Policy, apply_policy

    out = apply_policy(Table("t", frame), Policy("t", (("jumin", ColumnRule("mask", "rrn")),))).frame["jumin"]
    short = next(i for i, v in enumerate(values) if len(str(v)) == 12)
    assert out[short] == str(values[short]).zfill(13)[:7] + "******"
