"""The privacy gate tried as an attacker and a careless user would: identifiers in every spelling people
type, inside memos, in override reasons, and random digit runs that must be left alone.

The spellings come from this file's own generator (``spellings``), applied to checksum-valid values from
``privacy.fakes``; each test names the finding of issue 17 it guards.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

import numpy as np
import polars as pl
import pytest
from conftest import ROOT

from workbench.io.table import Table
from workbench.privacy import GateError, certify, fakes, mask_table, propose_policy, scan
from workbench.privacy.gate import Finding
from workbench.privacy.identifiers import find_identifiers, redact_text
from workbench.privacy.policy import ColumnRule, Policy, apply_policy

WIDE = str.maketrans("0123456789-", "０１２３４５６７８９－")
RNG = np.random.default_rng(17)


def _digits(s: str) -> str:
    return re.sub(r"\D", "", s.translate(str.maketrans("０１２３４５６７８９", "0123456789")))


def spellings(kind: str, value: str) -> dict[str, str]:
    """The ways people write ``value`` (canonical dashed form) of ``kind``: the generator of this file."""
    d = _digits(value)
    if kind in ("rrn", "foreigner_rrn"):
        a, b = d[:6], d[6:]
        return {
            "dashed": f"{a}-{b}",
            "bare": d,
            "space": f"{a} {b}",
            "dot": f"{a}.{b}",
            "full-width": f"{a}-{b}".translate(WIDE),
            "full-width bare": d.translate(WIDE),
        }
    if kind == "phone":
        a, m, x = d[:3], d[3:7], d[7:]
        return {
            "dashed": f"{a}-{m}-{x}",
            "+82 dashed": f"+82-{a[1:]}-{m}-{x}",
            "+82 spaced": f"+82 {a[1:]} {m} {x}",
            "+82 (0)": f"+82 (0){a[1:]}-{m}-{x}",
            "dots": f"{a}.{m}.{x}",
            "bare": d,
            "spaced": f"{a} {m} {x}",
            "full-width": f"{a}-{m}-{x}".translate(WIDE),
        }
    if kind == "card_number":
        g = [d[i : i + 4] for i in range(0, 16, 4)]
        return {"dashed": "-".join(g), "bare": d, "spaced": " ".join(g), "full-width": "-".join(g).translate(WIDE)}
    if kind == "account_number":
        return {"dashed": value, "spaced": value.replace("-", " "), "full-width": value.translate(WIDE)}
    if kind == "business_registration_number":
        return {"dashed": value, "spaced": f"{d[:3]} {d[3:5]} {d[5:]}", "dots": f"{d[:3]}.{d[3:5]}.{d[5:]}"}
    raise ValueError(kind)


def _one(kind: str) -> str:
    gen = {
        "rrn": lambda: fakes.rrn(RNG, 1)[0],
        "foreigner_rrn": lambda: fakes.rrn(RNG, 1, foreigner=True)[0],
        "phone": lambda: "010-5829-3716",
        "card_number": lambda: fakes.card(RNG, 1)[0],
        "business_registration_number": lambda: fakes.brn(RNG, 1)[0],
    }
    return gen[kind]()


ACCOUNTS = ("1002-873-219054", "110-873-219054", "3333-01-2190541", "123456-01-219054", "352-0873-2190-54")
CASES = [
    (k, name, text)
    for k in ("rrn", "foreigner_rrn", "phone", "card_number")
    for name, text in spellings(k, _one(k)).items()
]
CASES += [("account_number", f"{a} {n}", s) for a in ACCOUNTS for n, s in spellings("account_number", a).items()]
CASES += [
    ("business_registration_number", n, s) for n, s in spellings("business_registration_number", "124-81-00998").items()
]
ADDRESSES = (
    "서울특별시 강남구 테헤란로 152",
    "경기도 성남시 분당구 판교역로 235",
    "부산광역시 해운대구 해운대로 570번길 12",
    "강남구 역삼동 123-4",
    "역삼동 737번지",
    "충청남도 아산시 배방읍 123-4번지",
)
CASES += [("address", f"address {i}", a) for i, a in enumerate(ADDRESSES)]

DECOYS = (
    "7309151482637",  # an RRN-shaped run whose check digit fails
    "4111111111111112",  # Luhn fails
    "주문번호 20241105123456",  # 14 digits, a date and a counter
    "거래 2024-11-05 10:15 금액 1,250,000원",
    "지점 0012 방문, 상품 정기예금",
    "1588-1234 대표번호",  # businesses, not people
    "참조 1248100997",  # 10 digits without a business-number check digit
    "고객이 강남구 지점에서 3번 상담",
)


def _memo(text: str, n: int = 40, at: int = 17) -> pl.DataFrame:
    memos = [f"{i}번째 상담, 특이사항 없음" for i in range(n)]
    memos[at] = f"고객 요청: {text} 로 연락 바람"
    return pl.DataFrame({"상담메모": memos, "지점코드": [f"{i % 7:04d}" for i in range(n)]})


# --- finding 1: free text ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "spelling", "text"), CASES, ids=[f"{k}-{s}" for k, s, _ in CASES])
def test_mask_auto_redacts_identifiers_in_memos_in_every_spelling(kind, spelling, text):
    frame = _memo(text)
    result = scan(Table("memos", frame))
    memo = result.column("상담메모")
    assert memo.pii_type is not None and memo.embedded, f"{kind} written {spelling!r} not found in a memo"
    outcome = mask_table(Table("memos", frame), propose_policy(result))
    out = outcome.masked.frame["상담메모"].to_list()
    digits = _digits(text)
    assert all(digits not in _digits(v) for v in out if kind != "address"), out[17]
    assert text not in out[17] and "로 연락 바람" in out[17]  # the identifier goes, the memo stays readable
    assert out[16] == frame["상담메모"][16]


@pytest.mark.parametrize("text", DECOYS)
def test_random_digit_runs_in_memos_are_not_identifiers(text):
    frame = _memo(text)
    assert find_identifiers(text) == ()
    assert scan(Table("memos", frame)).column("상담메모").pii_type is None
    policy = Policy("p", (("상담메모", ColumnRule("redact")),))
    assert apply_policy(Table("memos", frame), policy).frame["상담메모"].to_list() == frame["상담메모"].to_list()


def test_find_identifiers_gives_spans_of_each_kind_left_to_right():
    text = "홍길동 ７３０９１５－１４８２６３６, +82 10 5829 3716, 계좌 1002-873-219054, 서울특별시 강남구 테헤란로 152"
    found = find_identifiers(text)
    assert [f.pii_type for f in found] == ["rrn", "phone", "account_number", "address"]
    assert [text[f.start : f.end] for f in found] == [
        "７３０９１５－１４８２６３６",
        "+82 10 5829 3716",
        "1002-873-219054",
        "서울특별시 강남구 테헤란로 152",
    ]
    assert redact_text(text) == "홍길동 [주민번호], [전화번호], 계좌 [계좌번호], [주소]"
    assert find_identifiers("") == () and find_identifiers("정기예금 만기 안내") == ()


def test_two_identifiers_sharing_one_separator_are_both_found():
    assert [f.pii_type for f in find_identifiers("010-1234-5678,02-312-4567")] == ["phone", "phone"]
    assert redact_text("01058293716/7309151482636") == "[전화번호]/[주민번호]"


# --- finding 7: override reasons ---------------------------------------------------------------------------


def _kept(reason: str) -> Policy:
    return Policy(
        "p",
        (
            ("휴대폰", ColumnRule("mask", "phone")),
            ("성명", ColumnRule("mask", "person_name")),
            ("주민번호", ColumnRule("generalize", "rrn", to="age_band")),
            ("카드번호", ColumnRule("keep", reason=reason)),
        ),
    )


PEOPLE = pl.DataFrame(
    {
        "휴대폰": ["010-5829-3716", "010-2222-3333"],
        "성명": ["홍길동", "김민서"],
        "주민번호": ["210315-3987654", "900101-1234568"],  # the first issued after 2020: no check digit
        "카드번호": ["4111-1111-1111-1111", "5500-0000-0000-0004"],
    }
)
BAD_REASONS = {
    "phone digits only": "test line 01058293716 belongs to the bank",
    "phone +82": "contact +82 10 5829 3716 approved it",
    "rrn spaced": "checked against 900101 1234568",
    "rrn full-width": "checked against ９００１０１－１２３４５６８",
    "card bare": "4111111111111111 is a test card",
    "post-2020 rrn digits only (another column)": "same person as 2103153987654 (another column)",
    "a name from another column": "requested by 홍길동 himself",
    "an address": "card sent to 서울특별시 강남구 테헤란로 152",
    "an e-mail": "ask hong@bank.co.kr",
}


@pytest.mark.parametrize("reason", BAD_REASONS.values(), ids=BAD_REASONS.keys())
def test_override_reasons_holding_an_identifier_are_refused_in_any_spelling(reason):
    with pytest.raises(GateError) as err:
        apply_policy(Table("people", PEOPLE), _kept(reason))
    assert "\n" not in str(err.value) and reason not in str(err.value)
    if "another column" in reason or "홍길동" in reason:
        return  # a value of another column: only the policy, which sees the raw table, can know it
    assert find_identifiers(reason)
    findings = [Finding("카드번호", "card_number", 0.99, 1.0)]
    with pytest.raises(GateError):  # the gate refuses it too, whoever calls it
        certify(Table("people", PEOPLE.select("카드번호")), findings, overrides={"카드번호": reason})


def test_a_plain_override_reason_is_accepted():
    reason = "test cards issued by the bank in 2019 for branch 0012, no customer holds them"
    out = apply_policy(Table("people", PEOPLE), _kept(reason)).frame
    assert out["카드번호"].to_list() == PEOPLE["카드번호"].to_list()


def _cli(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "workbench", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=120,
    )


def test_cli_mask_auto_leaves_no_planted_spelling_in_the_written_memos(tmp_path):
    memos = [f"{i}번째 상담, 특이사항 없음" for i in range(200)]
    planted = [text for _, _, text in CASES]
    for j, text in enumerate(planted):
        memos[j * 3] = f"고객 요청: {text} 로 연락 바람"
    raw = tmp_path / "memos.csv"
    pl.DataFrame({"상담메모": memos, "지점코드": [f"{i % 7:04d}" for i in range(200)]}).write_csv(raw)
    env = {"WORKBENCH_HOME": str(tmp_path / "ws"), "WORKBENCH_PSEUDONYM_KEY": "memo-test-key-" + "Zq8#" * 5}
    out = tmp_path / "masked.csv"
    proc = _cli("mask", str(raw), "--auto", "-o", str(out), env=env)
    assert proc.returncode == 0, proc.stderr
    written = out.read_text(encoding="utf-8")
    left = [t for k, _, t in CASES if (_digits(t) in _digits(written) if k != "address" else t in written)]
    assert not left, f"still written: {left}"
    assert written.count("로 연락 바람") == len(planted)  # the memos themselves stay readable


# --- resident numbers issued since October 2020 (no check digit) typed without their dash -------------------

NEW_RRNS = fakes.rrn(np.random.default_rng(2020), 6, dashed=False, valid_checksum=False)
NAMED = [
    "주민번호 {}",
    "주민등록번호: {}",
    "주민 {} 확인",
    "실명번호{}",
    "RRN {}",
    "주민번호 {} ",
]


@pytest.mark.parametrize("template", NAMED)
@pytest.mark.parametrize("rrn", NEW_RRNS[:3])
def test_a_resident_number_without_check_digit_is_found_after_a_word_that_names_it(template, rrn):
    for spelled in (rrn, f"{rrn[:6]} {rrn[6:]}", rrn.translate(WIDE)):
        text = template.format(spelled)
        assert [s.pii_type for s in find_identifiers(text)] == ["rrn"], text
        assert _digits(rrn) not in _digits(redact_text(text).translate(WIDE))
    frame = _memo(template.format(rrn))
    out = mask_table(Table("memos", frame), propose_policy(scan(Table("memos", frame)))).masked.frame
    assert rrn not in out["상담메모"][17] and "[주민번호]" in out["상담메모"][17]


@pytest.mark.parametrize(
    "text",
    [
        "계좌 {} 입금",  # the same digits, not named as a resident number
        "주문번호 {}",
        "주민번호 {}9",  # a longer run
    ],
)
def test_the_same_digits_not_named_or_longer_are_left_alone(text):
    for rrn in NEW_RRNS:
        assert find_identifiers(text.format(rrn)) == (), text.format(rrn)


def test_a_named_number_that_is_no_date_of_birth_is_left_alone():
    for bad in ("9013012123457", "9002302123457", "9001015123457", "3001014123456"):  # month 13, Feb 30,
        assert find_identifiers(f"주민번호 {bad}") == ()  # a foreigner digit, born in 2030
    assert [s.pii_type for s in find_identifiers("외국인등록번호 9001015123457")] == ["foreigner_rrn"]
