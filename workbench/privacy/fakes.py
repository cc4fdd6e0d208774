"""Fake, checksum-valid Korean PII and look-alike decoys, for tests, benchmarks and demos.

Nothing here is a real person: values are drawn from a seeded generator. The decoys are what a bank table
holds next to identifiers and must *not* be flagged: 13-digit transaction references that start with a
date (they fail the resident-number checksum), 16-digit references with a card prefix that fail Luhn,
order numbers, amounts, branch codes, product names, scores and dates. Generation is vectorised (numpy),
so a million rows take well under a second per column.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import polars as pl

SURNAMES = np.array(list("김이박최정강조윤장임한오서신권황안송류전홍고문양손배백허남심노하곽성차주우구민진나지"))
GIVEN = np.array(list("민서준지현우수영진호연은하윤성재동훈유정혜경태희선아주원상철미숙순자광석기용진빈율찬"))
SIDO_SIGUNGU = (
    ("서울특별시", ("강남구", "서초구", "마포구", "종로구", "송파구", "노원구")),
    ("부산광역시", ("해운대구", "수영구", "부산진구")),
    ("대구광역시", ("수성구", "달서구")),
    ("인천광역시", ("연수구", "남동구")),
    ("경기도", ("성남시 분당구", "수원시 영통구", "고양시 일산동구", "용인시 수지구")),
    ("충청남도", ("천안시 서북구", "아산시")),
    ("전라북도", ("전주시 완산구",)),
    ("경상남도", ("창원시 성산구", "김해시")),
    ("제주특별자치도", ("제주시", "서귀포시")),
)
ROADS = np.array(["테헤란로", "세종대로", "올림픽로", "판교역로", "중앙대로", "해운대로", "도산대로12길", "한강대로"])
PRODUCTS = np.array(["정기예금", "자유적금", "신용대출", "주택담보대출", "입출금통장", "마이너스통장", "청년도약계좌"])
_RRN_W = np.array([2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5])


def _digits(rng: np.random.Generator, n: int, k: int) -> np.ndarray:
    return rng.integers(0, 10, size=(n, k))


def _join(d: np.ndarray) -> np.ndarray:
    """Rows of digits → strings, vectorised."""
    out = d[:, 0].astype(str).astype(object)
    for i in range(1, d.shape[1]):
        out = out + d[:, i].astype(str)
    return out


def _birth_digits(rng: np.random.Generator, n: int, lo: int = 1940, hi: int = 2005) -> tuple[np.ndarray, np.ndarray]:
    start = date(lo, 1, 1).toordinal()
    days = rng.integers(0, date(hi, 12, 31).toordinal() - start, size=n)
    births = [date.fromordinal(start + int(x)) for x in days]
    yy = np.array([b.year % 100 for b in births])
    mm = np.array([b.month for b in births])
    dd = np.array([b.day for b in births])
    ymd = np.stack([yy // 10, yy % 10, mm // 10, mm % 10, dd // 10, dd % 10], axis=1)
    return ymd, np.array([b.year >= 2000 for b in births])


def rrn(
    rng: np.random.Generator,
    n: int,
    *,
    foreigner: bool = False,
    dashed: bool = True,
    valid_checksum: bool = True,
) -> list[str]:
    """Resident (or foreigner) registration numbers with the pre-2020 check digit (or a wrong one)."""
    ymd, y2k = _birth_digits(rng, n)
    female = rng.integers(0, 2, size=n)
    base = np.where(y2k, 3, 1) + female + (4 if foreigner else 0)
    d = np.concatenate([ymd, base[:, None], _digits(rng, n, 5)], axis=1)
    s = (d * _RRN_W).sum(axis=1)
    check = ((13 if foreigner else 11) - s % 11) % 10
    if not valid_checksum:
        check = (check + rng.integers(1, 10, size=n)) % 10
    full = _join(np.concatenate([d, check[:, None]], axis=1))
    return [f"{x[:6]}-{x[6:]}" if dashed else x for x in full]


def card(rng: np.random.Generator, n: int, *, valid: bool = True, dashed: bool = True) -> list[str]:
    """16-digit cards with a Visa/Master/BC prefix and a Luhn check digit (``valid=False``: a wrong one)."""
    prefix = rng.choice(np.array([[4, 0], [5, 1], [5, 5], [9, 4], [4, 5]]), size=n)
    d = np.concatenate([prefix, _digits(rng, n, 13)], axis=1)  # 15 digits, check digit appended
    doubled = d[:, ::-2] * 2  # from the right: positions 1, 3, … of the final number
    doubled = np.where(doubled > 9, doubled - 9, doubled)
    total = doubled.sum(axis=1) + d[:, -2::-2].sum(axis=1)
    check = (10 - total % 10) % 10
    if not valid:
        check = (check + rng.integers(1, 10, size=n)) % 10
    full = _join(np.concatenate([d, check[:, None]], axis=1))
    return ["-".join((x[0:4], x[4:8], x[8:12], x[12:16])) if dashed else x for x in full]


def brn(rng: np.random.Generator, n: int, *, dashed: bool = True) -> list[str]:
    """Business registration numbers with a valid check digit."""
    d = _digits(rng, n, 9)
    d[:, 0] = rng.integers(1, 10, size=n)
    s = (d * np.array([1, 3, 7, 1, 3, 7, 1, 3, 5])).sum(axis=1) + (d[:, 8] * 5) // 10
    check = (10 - s % 10) % 10
    full = _join(np.concatenate([d, check[:, None]], axis=1))
    return [f"{x[:3]}-{x[3:5]}-{x[5:]}" if dashed else x for x in full]


def phone(rng: np.random.Generator, n: int) -> list[str]:
    """Mostly 010 mobiles, some landlines (02, 031, 051), in the usual dashed layout."""
    mid_digits = _digits(rng, n, 4)
    mid_digits[:, 0] = rng.integers(2, 10, size=n)  # subscriber numbers never start with 0 or 1
    mid = _join(mid_digits)
    last = _join(_digits(rng, n, 4))
    area = rng.choice(np.array(["010", "010", "010", "010", "02", "031", "051"]), size=n)
    return [
        f"{a}-{m[0] + m[2:] if a == '02' and i % 2 else m}-{x}"  # Seoul: 3-digit exchanges too, still 2–9
        for i, (a, m, x) in enumerate(zip(area, mid, last, strict=True))
    ]


def name(rng: np.random.Generator, n: int) -> list[str]:
    sur = rng.choice(SURNAMES, size=n)
    g1 = rng.choice(GIVEN, size=n)
    g2 = rng.choice(GIVEN, size=n)
    two = rng.random(n) < 0.1
    return [s + a + ("" if t else b) for s, a, b, t in zip(sur, g1, g2, two, strict=True)]


def email(rng: np.random.Generator, n: int) -> list[str]:
    users = _join(_digits(rng, n, 5))
    pre = rng.choice(np.array(["kim", "lee", "park", "hong.gd", "jy_choi", "minsu"]), size=n)
    dom = rng.choice(np.array(["naver.com", "gmail.com", "daum.net", "kakao.com", "bank.co.kr"]), size=n)
    return [f"{p}{u}@{d}" for p, u, d in zip(pre, users, dom, strict=True)]


def address(rng: np.random.Generator, n: int) -> list[str]:
    which = rng.integers(0, len(SIDO_SIGUNGU), size=n)
    pick = rng.integers(0, 10, size=n)
    roads = rng.choice(ROADS, size=n)
    numbers = rng.integers(1, 400, size=n)
    sub = rng.integers(0, 30, size=n)
    out = []
    for w, k, r, num, s in zip(which, pick, roads, numbers, sub, strict=True):
        sido, gus = SIDO_SIGUNGU[w]
        tail = f"{num}-{s}" if s > 20 else f"{num}"
        out.append(f"{sido} {gus[k % len(gus)]} {r} {tail}")
    return out


def account(rng: np.random.Generator, n: int) -> list[str]:
    """Account numbers in the dashed layouts of 신한, 우리, KB국민, 카카오뱅크 and 하나."""
    a, b, c = (_join(_digits(rng, n, k)) for k in (6, 7, 6))
    kind = rng.integers(0, 5, size=n)
    out = []
    for k, x, y, z in zip(kind, a, b, c, strict=True):
        out.append(
            (
                f"110-{x[:3]}-{z}",
                f"1002-{x[:3]}-{z}",
                f"{x}-{y[:2]}-{z}",
                f"3333-{y[:2]}-{y}",
                f"{x[:3]}-{x}-{y[:5]}",
            )[k]
        )
    return out


def passport(rng: np.random.Generator, n: int) -> list[str]:
    d = _join(_digits(rng, n, 8))
    letter = rng.choice(np.array(list("MMMMS")), size=n)
    return [f"{a}{x}" for a, x in zip(letter, d, strict=True)]


def driver_license(rng: np.random.Generator, n: int) -> list[str]:
    region = rng.integers(11, 29, size=n)
    yy = _join(_digits(rng, n, 2))
    serial = _join(_digits(rng, n, 6))
    chk = _join(_digits(rng, n, 2))
    return [f"{r}-{y}-{s}-{c}" for r, y, s, c in zip(region, yy, serial, chk, strict=True)]


def ip_address(rng: np.random.Generator, n: int) -> list[str]:
    o = rng.integers(1, 255, size=(n, 4))
    return [f"{a}.{b}.{c}.{d}" for a, b, c, d in o]


# --- decoys ----------------------------------------------------------------------------------------------


def tx_reference(rng: np.random.Generator, n: int) -> list[str]:
    """13-digit references that start with YYMMDD and a 1–4 digit, like a resident number, but whose last
    digit fails its checksum: the hardest decoy for the resident-number detector."""
    return rrn(rng, n, dashed=False, valid_checksum=False)


def non_luhn_16(rng: np.random.Generator, n: int) -> list[str]:
    """16-digit references with a card prefix, Luhn-invalid."""
    return card(rng, n, valid=False, dashed=False)


def order_number(rng: np.random.Generator, n: int) -> list[str]:
    return [
        f"ORD-{2024 + int(y)}-{int(x):07d}"
        for y, x in zip(rng.integers(0, 3, n), rng.integers(0, 10**7, n), strict=True)
    ]


def order_number_digits(rng: np.random.Generator, n: int) -> list[str]:
    """10-digit order numbers: the length of a business registration number, without its checksum."""
    d = _digits(rng, n, 10)
    d[:, 0] = rng.integers(1, 10, size=n)
    s = (d[:, :9] * np.array([1, 3, 7, 1, 3, 7, 1, 3, 5])).sum(axis=1) + (d[:, 8] * 5) // 10
    d[:, 9] = ((10 - s % 10) % 10 + rng.integers(1, 10, size=n)) % 10  # never the check digit
    return list(_join(d))


def branch_code(rng: np.random.Generator, n: int) -> list[str]:
    return [f"{int(x):04d}" for x in rng.integers(1, 2000, n)]


def amount(rng: np.random.Generator, n: int) -> np.ndarray:
    return (np.exp(rng.normal(11, 1.5, n)) // 100 * 100).astype(np.int64)


def product(rng: np.random.Generator, n: int) -> list[str]:
    return list(rng.choice(PRODUCTS, size=n))


def score(rng: np.random.Generator, n: int) -> np.ndarray:
    return rng.integers(300, 1000, size=n)


def dates(rng: np.random.Generator, n: int) -> list[date]:
    start = date(2020, 1, 1)
    return [start + timedelta(days=int(x)) for x in rng.integers(0, 1800, n)]


PII_GENERATORS = {
    "rrn": rrn,
    "foreigner_rrn": lambda rng, n: rrn(rng, n, foreigner=True),
    "person_name": name,
    "phone": phone,
    "email": email,
    "address": address,
    "card_number": card,
    "account_number": account,
    "business_registration_number": brn,
    "passport_number": passport,
    "driver_license": driver_license,
    "ip_address": ip_address,
}
DECOY_GENERATORS = {
    "tx_ref": tx_reference,
    "ref16": non_luhn_16,
    "order_no": order_number,
    "order_no_digits": order_number_digits,
    "branch_code": branch_code,
    "amount": amount,
    "product": product,
    "score": score,
    "tx_date": dates,
}


def planted_table(
    n: int = 500, seed: int = 7, *, english_headers: bool = False
) -> tuple[pl.DataFrame, dict[str, str | None]]:
    """One column per PII type (neutral headers, so values alone must find them) plus every decoy.

    Returns the frame and the truth: column → ``pii_type`` or ``None`` for a decoy.
    """
    rng = np.random.default_rng(seed)
    cols: dict[str, object] = {}
    truth: dict[str, str | None] = {}
    for i, (t, gen) in enumerate(PII_GENERATORS.items()):
        cols[f"c{i:02d}"] = gen(rng, n)
        truth[f"c{i:02d}"] = t
    for t, gen in DECOY_GENERATORS.items():
        cols[t] = gen(rng, n)
        truth[t] = None
    return pl.DataFrame(cols), truth


def _dirty(rng: np.random.Generator, values: list, share: float) -> list:
    """Blank out ``share`` of the values and garble a few more, as real extracts have."""
    out = list(values)
    n = len(out)
    for i in rng.choice(n, size=int(n * share), replace=False):
        out[i] = None
    for i in rng.choice(n, size=int(n * share / 3), replace=False):
        out[i] = rng.choice(np.array(["", "-", "N/A", "미상", "0"]))
    return out


def corpus(tables: int = 20, rows: int = 400, seed: int = 11) -> list[tuple[pl.DataFrame, dict[str, str | None]]]:
    """Many small tables with varied formats (dashed or not), dirty values (nulls, "N/A") and a random
    subset of PII and decoy columns under neutral headers: the corpus for precision and recall."""
    rng = np.random.default_rng(seed)
    variants = {
        "rrn": lambda r, n: rrn(r, n, dashed=bool(r.integers(0, 2))),
        "card_number": lambda r, n: card(r, n, dashed=bool(r.integers(0, 2))),
        "business_registration_number": lambda r, n: brn(r, n, dashed=bool(r.integers(0, 2))),
    }
    out = []
    for t in range(tables):
        cols: dict[str, object] = {}
        truth: dict[str, str | None] = {}
        pii = rng.choice(list(PII_GENERATORS), size=int(rng.integers(3, 9)), replace=False)
        decoys = rng.choice(list(DECOY_GENERATORS), size=int(rng.integers(3, 9)), replace=False)
        for j, kind in enumerate(pii):
            gen = variants.get(kind, PII_GENERATORS[kind])
            cols[f"t{t}_p{j}"] = _dirty(rng, list(gen(rng, rows)), float(rng.uniform(0, 0.15)))
            truth[f"t{t}_p{j}"] = str(kind)
        for j, kind in enumerate(decoys):
            vals = DECOY_GENERATORS[kind](rng, rows)
            cols[f"t{t}_d{j}"] = (
                _dirty(rng, list(vals), float(rng.uniform(0, 0.15))) if isinstance(vals, list) else vals
            )
            truth[f"t{t}_d{j}"] = None
        out.append((pl.DataFrame(cols, strict=False), truth))
    return out
