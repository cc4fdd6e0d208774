"""Identifiers that are not the majority of a column, sit far past the sample, or are stored as numbers
(issue 17, finding 2), and the id columns that must stay unflagged although some of their values pass a
check digit by chance. Data comes from ``privacy.fakes`` and this file's own mixers."""

from __future__ import annotations

import re
from decimal import Decimal

import numpy as np
import polars as pl
import pytest

from workbench.io.table import Table
from workbench.privacy import fakes, mask_table, propose_policy, scan
from workbench.privacy.detectors import CHECKED, above_chance
from workbench.privacy.scan import SAMPLE_ROWS


def _codes(rng: np.random.Generator, n: int) -> list[str]:
    """What sits around the identifiers: order numbers, 13-digit references, branch codes."""
    kind = rng.integers(0, 3, n)
    refs = fakes.tx_reference(rng, n)
    orders = fakes.order_number(rng, n)
    return [(orders[i], refs[i], f"BR-{i % 97:04d}")[k] for i, k in enumerate(kind)]


def _mix(rng: np.random.Generator, ids: list[str], share: float, n: int = 2_000) -> list[str]:
    out = _codes(rng, n)
    for i in rng.choice(n, size=int(n * share), replace=False):
        out[i] = ids[i]
    return out


def _verdict(frame: pl.DataFrame, column: str = "code"):
    return scan(Table("t", frame)).column(column)


def _digits(v) -> str:
    return re.sub(r"\D", "", str(v))


# --- a minority among other codes ----------------------------------------------------------------------------

MINORITY = {
    "rrn bare": (lambda rng, n: fakes.rrn(rng, n, dashed=False), "rrn"),
    "rrn dashed": (lambda rng, n: fakes.rrn(rng, n), "rrn"),
    "foreigner rrn": (lambda rng, n: fakes.rrn(rng, n, foreigner=True, dashed=False), "foreigner_rrn"),
    "phone dashed": (fakes.phone, "phone"),
    "phone bare": (lambda rng, n: [p.replace("-", "") for p in fakes.phone(rng, n)], "phone"),
    "card bare": (lambda rng, n: fakes.card(rng, n, dashed=False), "card_number"),
    "business no.": (fakes.brn, "business_registration_number"),
}


@pytest.mark.parametrize("share", [0.10, 0.25, 0.45])
@pytest.mark.parametrize("name", MINORITY)
def test_a_minority_of_checked_identifiers_among_other_codes_flags_the_column(name, share):
    gen, pii_type = MINORITY[name]
    rng = np.random.default_rng(int(share * 100))
    frame = pl.DataFrame({"code": _mix(rng, gen(rng, 2_000), share)})
    col = _verdict(frame)
    assert col.pii_type == pii_type, f"{name} at {share:.0%}: {col.pii_type}"
    assert col.evidence and all("*" in e for e in col.evidence)  # examples come masked


@pytest.mark.parametrize("name", ["rrn bare", "card bare", "phone dashed"])
def test_a_few_identifiers_late_in_a_long_column_flag_it(name):
    gen, pii_type = MINORITY[name]
    rng = np.random.default_rng(9)
    n = 100_000
    codes = [f"ORD-{x:08d}" for x in rng.integers(0, 10**8, n)]
    planted = gen(rng, 300)  # 0.3 %, all in the last tenth: the sample of 5,000 rows seldom holds any
    for j, i in enumerate(range(n - 300 * 30, n, 30)):
        codes[i] = planted[j]
    frame = pl.DataFrame({"code": codes})
    assert n - 300 * 30 > SAMPLE_ROWS
    col = _verdict(frame)
    assert col.pii_type == pii_type
    assert col.match_rate == pytest.approx(0.003, abs=0.0005)


# --- identifiers stored as numbers -----------------------------------------------------------------------------


def _rrn_numbers(rng, n=500) -> pl.Series:
    return pl.Series([int(x) for x in fakes.rrn(rng, n, dashed=False)], dtype=pl.Int64)


@pytest.mark.parametrize("dtype", [pl.Int64, pl.UInt64, pl.Float64, pl.Decimal(20, 0), pl.Decimal(20, 2)], ids=str)
def test_resident_numbers_stored_as_numbers_are_flagged(dtype):
    rrn = _rrn_numbers(np.random.default_rng(1))
    col = _verdict(pl.DataFrame({"code": rrn.cast(dtype)}))
    assert col.pii_type == "rrn"


def test_resident_numbers_born_in_the_2000s_lose_their_leading_zero_and_are_still_flagged():
    rng = np.random.default_rng(2)
    born_2000s = [x for x in fakes.rrn(rng, 3_000, dashed=False) if x.startswith("0")][:200]
    ints = pl.Series([int(x) for x in born_2000s], dtype=pl.Int64)
    assert ints.cast(pl.String).str.len_chars().max() < 13
    assert _verdict(pl.DataFrame({"code": ints})).pii_type == "rrn"


def test_phones_stored_as_integers_lose_the_leading_zero_and_are_flagged():
    rng = np.random.default_rng(3)
    mobiles = [p.replace("-", "") for p in fakes.phone(rng, 2_000) if p.startswith("010")]
    ints = pl.Series([int(p) for p in mobiles], dtype=pl.Int64)  # 01058293716 → 1058293716
    half = pl.concat([ints.head(300), pl.Series([1] * 300, dtype=pl.Int64)])
    result = scan(Table("t", pl.DataFrame({"c07": ints.head(600), "연락처": half})))
    col = result.column("c07")  # a neutral header, nothing but phones
    assert col.pii_type == "phone"
    assert all(e.startswith("010-****-") for e in col.evidence)  # the zero comes back in the example
    assert result.column("연락처").pii_type == "phone"  # half phones, half 1: the header says phone


def test_the_banks_own_10_digit_numbers_that_start_with_10_are_not_phones():
    seq = pl.Series([1_010_000_000 + 37 * i for i in range(5_000)], dtype=pl.Int64)  # 01010000000 fits 010-…
    frame = pl.DataFrame({"cust_no": seq, "account_id": seq + 1, "고객번호": seq + 2, "ref_code": seq + 3})
    assert scan(Table("t", frame)).pii_columns == ()


def test_cards_stored_as_floats_are_flagged():
    rng = np.random.default_rng(4)
    cards = [float(c) for c in fakes.card(rng, 500, dashed=False) if c[0] in "45"]
    assert _verdict(pl.DataFrame({"code": pl.Series(cards, dtype=pl.Float64)})).pii_type == "card_number"


# --- id columns that pass a check digit by chance stay unflagged ------------------------------------------------

ID_COLUMNS = {
    # about 1 in 10 of these passes Luhn
    "random 16-digit ids": lambda rng, n: [str(x) for x in rng.integers(4 * 10**15, 5 * 10**15, n)],
    "sequential 16-digit ids": lambda rng, n: [str(4_000_000_000_000_000 + i) for i in range(n)],
    # about 1 in 700 of these passes the resident-number date, gender digit and check digit
    "random 13-digit numbers": lambda rng, n: [str(x) for x in rng.integers(10**12, 10**13, n)],
    # references that start with a real date: 1 in 10 passes the check digit
    "date-prefixed references": lambda rng, n: [
        r[:-1] + str(d) for r, d in zip(fakes.tx_reference(rng, n), rng.integers(0, 10, n), strict=True)
    ],
    "random 10-digit numbers": lambda rng, n: [str(x) for x in rng.integers(10**9, 10**10, n)],
    "random 11-digit codes": lambda rng, n: [f"{x:011d}" for x in rng.integers(0, 10**11, n)],
}


@pytest.mark.parametrize("name", ID_COLUMNS)
def test_id_columns_that_pass_a_check_by_chance_stay_unflagged(name):
    rng = np.random.default_rng(5)
    values = ID_COLUMNS[name](rng, 50_000)
    frame = pl.DataFrame({"code": values, "as_int": pl.Series([int(v) for v in values], dtype=pl.Int64)})
    result = scan(Table("ids", frame))
    assert result.pii_columns == (), f"{name}: {[(c.column, c.pii_type) for c in result.columns]}"


def test_chance_alone_is_not_enough_but_a_handful_above_it_is():
    luhn = next(c for c in CHECKED if c.pii_type == "card_number")
    assert luhn.chance == 0.1
    assert not above_chance(1_020, 10_000, luhn.chance)  # 10.2 % of 16-digit ids pass Luhn: chance
    assert above_chance(1_400, 10_000, luhn.chance)  # 14 %: 4 % of the rows are real cards
    assert above_chance(3, 3, luhn.chance) and not above_chance(2, 2, luhn.chance)  # a handful, not one or two


# --- structured identifiers under a header that names them -------------------------------------------------------


def test_a_few_phones_or_accounts_under_their_header_flag_the_column():
    rng = np.random.default_rng(6)
    n = 1_000
    contact = ["없음"] * n
    account = ["미등록"] * n
    for i, (p, a) in enumerate(zip(fakes.phone(rng, 80), fakes.account(rng, 80), strict=True)):
        contact[i * 12] = p
        account[i * 12] = a
    result = scan(Table("t", pl.DataFrame({"연락처": contact, "계좌번호": account, "비고": contact})))
    assert result.column("연락처").pii_type == "phone"
    assert result.column("계좌번호").pii_type == "account_number"
    assert result.column("비고").pii_type == "phone"  # 8 % valid phones: above chance even without a header


# --- masking a minority column as an identifier column ----------------------------------------------------------


def test_mask_auto_masks_minority_and_typed_identifier_columns(monkeypatch):
    rng = np.random.default_rng(7)
    n = 2_000
    rrn = fakes.rrn(rng, n, dashed=False)
    phones = [p.replace("-", "") for p in fakes.phone(rng, n)]
    frame = pl.DataFrame(
        {
            "code": _mix(rng, rrn, 0.15),
            "contact_code": _mix(rng, phones, 0.2),
            "rrn_int": pl.Series([int(x) for x in rrn], dtype=pl.Int64),
            "rrn_float": pl.Series([float(x) for x in rrn], dtype=pl.Float64),
            "rrn_decimal": pl.Series([Decimal(x) for x in rrn], dtype=pl.Decimal(20, 0)),
            "amount": rng.integers(1_000, 10_000_000, n),
        }
    )
    table = Table("t", frame)
    result = scan(table)
    assert set(result.pii_columns) == {"code", "contact_code", "rrn_int", "rrn_float", "rrn_decimal"}
    outcome = mask_table(table, propose_policy(result))  # certify re-scans the output: nothing left
    out = outcome.masked.frame
    raw = {_digits(x) for x in rrn} | {_digits(x) for x in phones}
    for column in result.pii_columns:
        left = {_digits(v) for v in out[column].drop_nulls().to_list()} & raw
        assert not left, f"{column} still holds {len(left)} raw identifiers"
    # amounts are no identifier: kept as they were (k-anonymity may suppress a few rows)
    assert out["amount"].dtype == frame["amount"].dtype and set(out["amount"]) <= set(frame["amount"])
    assert out.height >= 0.9 * frame.height
