"""The same customers as a core-banking export: Korean headers, fake but checksum-valid personal data, CP949.

This is what an analyst receives *before* masking, so the privacy gate has something real to refuse.
Each row is the customer of the same position in ``generate(customers, seed).customers`` (same 시/도,
gender, age band, occupation, income), with identifiers added. Five decoy columns look numeric or free-text
but hold no personal data; a good detector leaves them alone:

- 거래참조번호: 18 digits (date + serial): too long for a card or RRN, no checksum.
- 지점코드: 4-digit branch code.  상품명: product name.  최근거래금액: an amount in KRW.
- 상담메모: empty or a generic note without names or numbers.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl

from workbench.sample.calendar import ACTIVITY_END
from workbench.sample.identity import (
    draw_account_number,
    draw_address,
    draw_card,
    draw_email,
    draw_mobile,
    draw_rrn,
    full_name,
)
from workbench.sample.population import AGE_BANDS, INCOME_UNKNOWN, OCCUPATIONS, SIDO, build_population

RAW_FILE = Path("raw") / "customers_raw_cp949.csv"
RAW_ENCODING = "cp949"

_PRODUCTS = (
    "우대적금",
    "직장인신용대출",
    "주거래통장",
    "청년도약계좌",
    "정기예금",
    "전세자금대출",
    "연금저축",
)
_MEMOS = (
    "",
    "",
    "",
    "상품 문의",
    "금리 안내 완료",
    "만기 안내",
    "앱 이용 문의",
    "재방문 예정",
    "서류 보완 요청",
)


def generate_raw(customers: int = 5000, seed: int = 42) -> pl.DataFrame:
    """One row per customer with Korean core-banking headers and raw identifiers (all strings but amounts).

    Row ``i`` is ``generate(customers, seed).customers[i]``: the masked tables are this export after
    masking. RRN gender digits follow birth century and gender (1/2: born 1900s, 3/4: born 2000s).
    """
    pop = build_population(customers, seed)
    rng = np.random.default_rng([seed, 4])
    n = pop.n
    sido = np.asarray(SIDO)[pop.sido]
    grade = pop.credit_grade
    joined = pop.joined_at.astype("datetime64[D]").astype(str)
    ref_day = rng.integers(0, 4, n)
    ref_date = (ACTIVITY_END - ref_day).astype("datetime64[D]").astype(str)
    reference = np.char.add(
        np.char.replace(ref_date, "-", ""), np.char.zfill(rng.integers(0, 10**9, n).astype(str), 10)
    )
    return pl.DataFrame(
        {
            "고객번호": np.char.zfill((100_000_000 + np.arange(n) * 7 + rng.integers(0, 7, n)).astype(str), 10),
            "성명": full_name(pop.surname, pop.given),
            "주민등록번호": draw_rrn(rng, pop.birth_day, pop.gender),
            "휴대폰번호": draw_mobile(rng, n),
            "이메일": draw_email(rng, pop.surname),
            "주소": draw_address(rng, sido),
            "카드번호": draw_card(rng, n),
            "계좌번호": draw_account_number(rng, n),
            "성별": np.array(["남", "여"])[pop.gender],
            "연령대": np.asarray(AGE_BANDS)[pop.age_band],
            "직업": np.asarray(OCCUPATIONS)[pop.occupation],
            "연소득(만원)": np.where(pop.income_known, pop.income, INCOME_UNKNOWN),
            "신용등급": grade,
            "가입일": joined,
            "거래참조번호": reference,
            "지점코드": np.char.zfill(rng.integers(1, 1000, n).astype(str), 4),
            "상품명": np.asarray(_PRODUCTS)[rng.integers(0, len(_PRODUCTS), n)],
            "최근거래금액": rng.integers(1, 500, n) * 10_000,
            "상담메모": np.asarray(_MEMOS)[rng.integers(0, len(_MEMOS), n)],
        }
    )


def write_raw(frame: pl.DataFrame, path: str | Path) -> Path:
    """CSV encoded as CP949 (what Korean core-banking exports and Excel produce), CRLF line ends."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = frame.write_csv(line_terminator="\r\n")
    partial = path.with_name(path.name + ".partial")
    partial.write_bytes(text.encode(RAW_ENCODING))
    partial.replace(path)
    return path
