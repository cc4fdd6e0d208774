"""The PII detectors: for each ``pii_type``, header synonyms, per-value tests and the column verdict.

A detector turns a normalised string column into a few boolean per-value *stats* (``match``, ``check``,
``dashed``…). The scan takes their means over non-null values, first on a sample and then, for columns that
pass, on every row; ``decide`` turns those rates into a verdict. Precision is designed in: a shape alone
(13 digits, 16 digits, 10 digits) never flags a column unless a checksum, a distinctive layout or the header
agrees, so transaction references, order numbers and amounts stay unflagged.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

import numpy as np
import polars as pl

from workbench.privacy import patterns as p

PII_TYPES: tuple[str, ...] = (
    "rrn",
    "foreigner_rrn",
    "person_name",
    "phone",
    "email",
    "address",
    "card_number",
    "account_number",
    "business_registration_number",
    "passport_number",
    "driver_license",
    "ip_address",
)
QUASI_KINDS: tuple[str, ...] = ("birth_date", "age", "gender", "postcode", "region", "occupation")

# --- headers ---------------------------------------------------------------------------------------------


def normalise_header(name: str) -> str:
    """Lower case, no spaces, underscores, dashes, dots or brackets: ``Customer_Name`` → ``customername``."""
    return re.sub(r"[\s_\-.()\[\]/]", "", name).lower()


HEADER_PATTERNS: dict[str, str] = {
    "rrn": r"주민등록번호|주민번호|주민등록|실명번호|실명확인번호|jumin|^rrn|residentregistration|residentno"
    r"|residentnumber|^ssn$|nationalid",
    "foreigner_rrn": r"외국인등록|외국인번호|alienregistration|foreignerregistration|^frn$"
    r"|foreignerno|foreignerid",
    "person_name": r"(성명|고객명|이름|성함|예금주|예금주명|명의자|대표자명|수취인명|보호자명)$"
    r"|^(name|fullname|customername|custname|clientname|holdername|accountholder|firstname|lastname"
    r"|givenname|surname|koreanname|englishname|nameko|namekr|nameen|personname)$",
    "phone": r"휴대폰|휴대전화|핸드폰|연락처|전화|phone|mobile|^tel|cellphone|^hp$|^contact",
    "email": r"이메일|전자우편|메일주소|^e?mail|emailaddress",
    "address": r"주소|도로명|지번|address|^addr|street",
    "card_number": r"카드번호|cardno|cardnumber|cardnum|^pan$|creditcard",
    "account_number": r"계좌번호|계좌|acctno|accountno|accountnumber|accountnum|bankaccount|^acct",
    "business_registration_number": r"사업자등록번호|사업자번호|bizno|businessregistration|^brn$|businessno"
    r"|businessnumber",
    "passport_number": r"여권|passport",
    "driver_license": r"운전면허|면허번호|driverlicen|driverslicen|drivinglicen|^dlno$|licenseno",
    "ip_address": r"^(ip|ipaddr|ipaddress|clientip|remoteip|sourceip|srcip|ip주소|접속ip|아이피)$",
}
QUASI_HEADER_PATTERNS: dict[str, str] = {
    "birth_date": r"생년월일|생일|출생|birth|^dob$|주민번호앞|주민앞자리|앞자리",
    "age": r"^(나이|만나이|age|ageband|agegroup|agerange)$|연령",
    "gender": r"성별|^gender$|^sex$",
    "postcode": r"우편번호|^zip|postcode|postalcode",
    "region": r"시도|시군구|지역|거주지|^sido$|^sigungu$|^region$|^city$|^province$|^district$",
    "occupation": r"직업|직종|직군|^occupation$|^job",
}


# the bank's own customer number: no pii_type of its own, but inside a bank it names a person, so ``--auto``
# gives it a keyed pseudonym (joins between tables keep working); a bare "id" may be a token already
CUSTOMER_KEY_HEADER = (
    r"^(고객번호|고객관리번호|고객식별번호|회원번호|cif|cifno|cifnum|cifnumber|cifid|customerno|customernum"
    r"|customernumber|custno|custnum|clientno|clientnumber)$"
)


def header_customer_key(name: str) -> bool:
    """Does the header name the bank's customer number (고객번호, CIF, cif_no, customer_no …)?"""
    return re.search(CUSTOMER_KEY_HEADER, normalise_header(name)) is not None


def header_type(name: str) -> str | None:
    """The ``pii_type`` a column's header names, if any (Korean or English synonyms)."""
    h = normalise_header(name)
    # the more specific first: 외국인등록번호 before 주민등록, ip_address before address
    first = ("foreigner_rrn", "ip_address")
    for pii_type in (*first, *[t for t in PII_TYPES if t not in first]):
        if re.search(HEADER_PATTERNS[pii_type], h):
            return pii_type
    return None


def header_quasi(name: str) -> str | None:
    h = normalise_header(name)
    for kind, pattern in QUASI_HEADER_PATTERNS.items():
        if re.search(pattern, h):
            return kind
    return None


# --- verdicts --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Context:
    """What a verdict may look at: stat rates over non-null values, the header's opinion, distinct count."""

    rates: Mapping[str, float]
    header: bool
    distinct: int
    non_null: int

    def rate(self, stat: str) -> float:
        return self.rates.get(stat) or 0.0

    def ratio(self, num: str, den: str) -> float:
        d = self.rate(den)
        return self.rate(num) / d if d else 0.0


Verdict = tuple[str, float, float]
Stats = Callable[[p.Parts, Mapping[str, pl.Expr]], dict[str, pl.Expr]]  # pii_type, confidence, match_rate
PLAIN, WITH_HEADER = 0.8, 0.5  # share of non-null values that must match, without/with a header that agrees


@dataclass(frozen=True)
class Detector:
    pii_type: str
    stats: Stats
    decide: Callable[[Context], Verdict | None]
    prefilter: str  # cheap regex every value of the type matches; the costly stats run only where it does
    numeric: bool = False  # also run on integer columns (numbers stored without separators)
    prep: Callable[[p.Parts], dict[str, pl.Expr]] | None = None  # shared parts the scan materialises once
    digits: bool = False  # reads Parts.d/num/ndig (the scan computes them only for such detectors)

    def stats_of(self, v: p.Parts) -> dict[str, pl.Expr]:
        """Stats straight from expressions (no materialised prep): for small frames and examples."""
        return self.stats(v, self.prep(v) if self.prep else {})


def _simple(pii_type: str, plain_conf: float, header_conf: float) -> Callable[[Context], Verdict | None]:
    def decide(c: Context) -> Verdict | None:
        r = c.rate("match")
        if r >= PLAIN:
            return pii_type, plain_conf if not c.header else max(plain_conf, header_conf), r
        if c.header and r >= WITH_HEADER:
            return pii_type, header_conf, r
        return None

    return decide


def _rrn_prep(v: p.Parts) -> dict[str, pl.Expr]:
    """Shared parts computed once per column: shape, gender digit, birth date validity, checksum sum."""
    return {
        # 10–12 bare digits: a number a spreadsheet stored as an integer, its leading zeros gone (born
        # 2000–2009); the digits are read from the integer, so the zeros come back by themselves
        "shape": v.s.str.contains(p.RRN_SHAPE) | v.s.str.contains(r"^\d{10,12}$"),
        "gender": p.digit(v.num, 6, 13),
        "born": p.rrn_birth_valid(v),
        "total": p.weighted(v.num, 13, p.RRN_WEIGHTS) % 11,
        "last": (v.num % 10).cast(pl.Int64),
    }


def _rrn_stats(v: p.Parts, x: Mapping[str, pl.Expr]) -> dict[str, pl.Expr]:
    """Korean (gender digit 1–4, 9, 0) or foreigner (5–8) structure; check digit (11|13 − s mod 11) mod 10."""
    base = x["shape"] & x["born"]
    k = base & x["gender"].is_in([1, 2, 3, 4, 9, 0])
    f = base & x["gender"].is_in([5, 6, 7, 8])
    return {
        "korean": k,
        "foreign": f,
        "check": pl.when(k)
        .then((11 - x["total"]) % 10 == x["last"])
        .otherwise(f & ((13 - x["total"]) % 10 == x["last"])),
        "dashed": v.s.str.contains(p.RRN_DASHED),
    }


def _rrn_decide(c: Context) -> Verdict | None:
    """Structure on most values, and then either pre-2020 checksums, the dashed 6-7 layout or the header.

    Random 13-digit references pass the checksum one time in ten, so a checksum share ≥ 50 % among
    well-formed values is decisive; numbers issued since Oct 2020 have no checksum and need the dashed
    layout or the header.
    """
    structured = c.rate("korean") + c.rate("foreign")
    if structured < (WITH_HEADER if c.header else PLAIN):
        return None
    kind = "foreigner_rrn" if c.rate("foreign") > c.rate("korean") else "rrn"
    check_share = c.rate("check") / structured
    if check_share >= 0.5:
        return kind, 0.99, structured
    if c.rate("dashed") >= PLAIN:
        return kind, 0.85, structured
    if c.header:
        return kind, 0.75, structured
    return None


def _card_prep(v: p.Parts) -> dict[str, pl.Expr]:
    return {"shape": p.card_shape(v), "luhn": p.luhn_sum(v) % 10 == 0}


def _card_stats(v: p.Parts, x: Mapping[str, pl.Expr]) -> dict[str, pl.Expr]:
    return {"shape": x["shape"], "luhn": x["shape"] & x["luhn"]}


def _card_decide(c: Context) -> Verdict | None:
    shape = c.rate("shape")
    if shape < (WITH_HEADER if c.header else PLAIN):
        return None
    if c.ratio("luhn", "shape") >= 0.9:
        return "card_number", 0.99, c.rate("luhn")
    if c.header:
        return "card_number", 0.7, shape
    return None


def _brn_prep(v: p.Parts) -> dict[str, pl.Expr]:
    return {"shape": v.s.str.contains(p.BRN_SHAPE), "check": p.brn_check_digit_ok(v)}


def _brn_stats(v: p.Parts, x: Mapping[str, pl.Expr]) -> dict[str, pl.Expr]:
    return {
        "shape": x["shape"],
        "check": x["shape"] & x["check"],
        "dashed": v.s.str.contains(p.BRN_DASHED),
    }


def _phone_stats(v: p.Parts, x: Mapping[str, pl.Expr]) -> dict[str, pl.Expr]:
    return {"match": p.phone(v)}


def _brn_decide(c: Context) -> Verdict | None:
    shape = c.rate("shape")
    if shape < (WITH_HEADER if c.header else PLAIN):
        return None
    check = c.ratio("check", "shape")
    if check >= 0.9:
        return "business_registration_number", 0.97, c.rate("check")
    if c.rate("dashed") >= PLAIN and check >= 0.5:
        return "business_registration_number", 0.9, shape
    if c.header:
        return "business_registration_number", 0.7, shape
    return None


def _name_stats(v: p.Parts, x: Mapping[str, pl.Expr]) -> dict[str, pl.Expr]:
    return {"korean": p.korean_name(v.s), "latin": p.latin_name(v.s)}


def _name_decide(c: Context) -> Verdict | None:
    """Hangul names by surname and length; many distinct values (product names repeat, people rarely do)."""
    if c.header:
        r = c.rate("korean") + c.rate("latin")
        return ("person_name", 0.95, r) if r >= WITH_HEADER else None
    r = c.rate("korean")
    varied = c.distinct >= 0.5 * c.non_null or c.distinct >= 50
    if r >= PLAIN and varied and c.distinct >= 3:
        return "person_name", 0.85, r
    return None


def _account_stats(v: p.Parts, x: Mapping[str, pl.Expr]) -> dict[str, pl.Expr]:
    return {"layout": p.account_layout(v.s), "loose": p.account_loose(v)}


def _account_decide(c: Context) -> Verdict | None:
    if c.header and c.rate("loose") >= WITH_HEADER:
        return "account_number", 0.9, c.rate("loose")
    if c.rate("layout") >= PLAIN:
        return "account_number", 0.85, c.rate("layout")
    return None


def _license_stats(v: p.Parts, x: Mapping[str, pl.Expr]) -> dict[str, pl.Expr]:
    return {"dashed": p.driver_license_dashed(v.s), "digits": p.driver_license_digits(v.s)}


def _license_decide(c: Context) -> Verdict | None:
    if c.rate("dashed") >= PLAIN:
        return "driver_license", 0.9 if not c.header else 0.97, c.rate("dashed")
    either = c.rate("dashed") + c.rate("digits")
    if c.header and either >= WITH_HEADER:
        return "driver_license", 0.9, either
    return None


def _one(fn: Callable[[pl.Expr], pl.Expr]) -> Stats:
    return lambda v, x: {"match": fn(v.s)}


DETECTORS: tuple[Detector, ...] = (
    Detector("rrn", _rrn_stats, _rrn_decide, p.RRN_SHAPE + r"|^\d{10,12}$", numeric=True, prep=_rrn_prep, digits=True),
    Detector("card_number", _card_stats, _card_decide, p.CARD_SHAPE, numeric=True, prep=_card_prep, digits=True),
    Detector(
        "business_registration_number",
        _brn_stats,
        _brn_decide,
        p.BRN_SHAPE,
        numeric=True,
        prep=_brn_prep,
        digits=True,
    ),
    Detector("phone", _phone_stats, _simple("phone", 0.95, 0.99), r"^[+(]?\d[\d\s\-()]{7,17}$", digits=True),
    Detector("email", _one(p.email), _simple("email", 0.99, 0.99), "@"),
    Detector("ip_address", _one(p.ip_address), _simple("ip_address", 0.9, 0.97), r"^[\dA-Fa-f.:]{3,39}$"),
    Detector("account_number", _account_stats, _account_decide, r"^[\d\-]{10,20}$", numeric=True, digits=True),
    Detector("passport_number", _one(p.passport), _simple("passport_number", 0.85, 0.95), r"^[A-Z]\d{3}"),
    Detector("driver_license", _license_stats, _license_decide, r"\d{2}-?\d{6}-?\d{2}$", numeric=True),
    Detector("person_name", _name_stats, _name_decide, r"^[가-힣A-Za-z][가-힣A-Za-z ]+$"),
    Detector("address", _one(p.address), _simple("address", 0.9, 0.95), r"\s.*\d"),
)
DETECTOR_BY_TYPE = {d.pii_type: d for d in DETECTORS}


def detector_for(pii_type: str) -> Detector:
    """The detector that recognises ``pii_type`` (``foreigner_rrn`` shares the resident-number detector)."""
    return DETECTOR_BY_TYPE["rrn" if pii_type == "foreigner_rrn" else pii_type]


def header_agrees(detector: Detector, hinted: str | None) -> bool:
    if hinted is None:
        return False
    return hinted == detector.pii_type or (detector.pii_type == "rrn" and hinted == "foreigner_rrn")


def matching_values(detector: Detector, s: pl.Expr) -> pl.Expr:
    """Per value: does it look like this detector's type at all (used to pick evidence examples)."""
    stats = detector.stats_of(p.Parts.of(s))
    return pl.any_horizontal(list(stats.values()))


# --- minority identifiers: every row, judged against chance ------------------------------------------------

MIN_HITS = 3  # a handful of valid identifiers is enough to flag a column ...
Z_MIN = 5.0  # ... when they are this many standard deviations above what chance gives identifier-shaped codes
HEADER_MIN_SHARE = 0.05  # structured identifiers (no checksum) under a header that names them
DIGITISH = r"^[+(]?[0-9][0-9 ()\-.]*[0-9]$"  # a number as people write one: the only values the sweep reads


@dataclass(frozen=True)
class Digits:
    """Values written like a number, as polars expressions: ``text`` as written (None for a number column),
    ``d`` the digits, ``nd`` how many."""

    text: pl.Expr | None
    d: pl.Expr
    nd: pl.Expr


Kernel = Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]  # digits (width, n) → (shaped, valid) per value


@dataclass(frozen=True)
class Checked:
    """An identifier with a check digit or a strict numbering plan, counted over every row of a column.

    ``shaped``: values of the identifier's shape (13 digits with a real birth date and gender digit);
    ``valid``: those that also pass the check. ``chance`` is the share of shaped *random* codes that pass:
    1 in 10 for the resident-number, business-number and Luhn check digits, so a column of 16-digit
    references (one in ten passes Luhn) is not a card column, while 5 valid cards among other codes are.
    Check-digit kinds run a numpy ``kernel`` on a matrix of digits (``widths`` digits per value; a number
    column may have lost up to ``lost_zeros`` leading zeros); phones run a polars ``plan``.
    """

    pii_type: str
    chance: float
    widths: tuple[int, ...]
    kernel: Kernel | None = None
    lost_zeros: int = 0
    plan: Callable[[Digits], tuple[pl.Expr, pl.Expr]] | None = None  # (shaped, valid among the shaped)
    number_chance: float | None = None  # in a number column, when it differs from ``chance``

    def chance_in(self, numeric: bool) -> float:
        return self.number_chance if numeric and self.number_chance is not None else self.chance


def digit_matrix(d: pl.Series, width: int) -> np.ndarray:
    """Digit strings of ``width`` or fewer digits (zero-filled on the left) as a (width, n) matrix: row ``i``
    holds the ``i``-th digit of every value, read from one joined buffer, so a check costs a few vector
    operations instead of a division per digit and row."""
    if d.len() == 0:
        return np.zeros((width, 0), np.int16)
    if d.str.len_bytes().min() < width:
        d = d.str.zfill(width)
    joined = d.str.join("").item()
    m = np.frombuffer(joined.encode("ascii"), np.uint8).reshape(-1, width).T
    return np.ascontiguousarray(m, dtype=np.int16) - 48


def _weighted(m: np.ndarray, weights: tuple[int, ...]) -> np.ndarray:
    return sum(m[i] * w for i, w in enumerate(weights))


_DAYS = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])


def _rrn_kernel(group: tuple[int, ...], const: int) -> Kernel:
    """YYMMDD a real past date in the century the gender digit names, the gender digit of the group, and
    the pre-2020 check digit (``const`` − Σ wᵢdᵢ mod 11) mod 10."""

    def kernel(m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        g = m[6]
        century = np.array([1800, 1900, 1900, 2000, 2000, 1900, 1900, 2000, 2000, 1800])  # by gender digit
        year = century[g] + m[0] * 10 + m[1]
        month, day = (m[2] * 10 + m[3]).astype(np.int32), (m[4] * 10 + m[5]).astype(np.int32)
        leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
        days = _DAYS[np.clip(month, 0, 12)] + ((month == 2) & leap)
        today = date.today()
        born = (month >= 1) & (month <= 12) & (day >= 1) & (day <= days)
        born &= year * 10_000 + month * 100 + day <= today.year * 10_000 + today.month * 100 + today.day
        shaped = born & np.isin(g, group)
        total = _weighted(m, p.RRN_WEIGHTS)
        return shaped, shaped & ((const - total % 11) % 10 == m[12])

    return kernel


def _card_kernel(m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """An issuer prefix (4, 51–55, 22–27, 30/34/37/38, 35, 60/62/65, 9) and the Luhn sum."""
    a, b = m[0], m[1]
    shaped = (
        (a == 4)
        | (a == 9)
        | ((a == 5) & (b >= 1) & (b <= 5))
        | ((a == 2) & (b >= 2) & (b <= 7))
        | ((a == 3) & np.isin(b, (0, 4, 5, 7, 8)))
        | ((a == 6) & np.isin(b, (0, 2, 5)))
    )
    n = len(m)
    total = sum(m[n - 1 - j] if j % 2 == 0 else (2 * m[n - 1 - j] - 9 * (m[n - 1 - j] > 4)) for j in range(n))
    return shaped, shaped & (total % 10 == 0)


def _brn_kernel(m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Weights 1,3,7,1,3,7,1,3,5 plus ⌊5·d₉/10⌋; check digit (10 − sum mod 10) mod 10."""
    total = _weighted(m, (1, 3, 7, 1, 3, 7, 1, 3, 5)) + (m[8] * 5) // 10
    return np.ones(m.shape[1], bool), (10 - total % 10) % 10 == m[9]


_MOBILE_010 = r"^010[1-9]\d{7}$"


def _phone_plan(v: Digits) -> tuple[pl.Expr, pl.Expr]:
    """Written phones by the whole numbering plan; a number column (its leading zero lost: 1058293716) only
    by the 010 mobile plan, since random 10-digit numbers fit a landline plan too often."""
    if v.text is not None:
        from workbench.privacy.identifiers import domestic_phone_digits

        # a written phone starts with its 0 or with +82: other digit runs never reach the pattern
        shaped = v.d.str.starts_with("0") | v.text.str.starts_with("+")
        return shaped, domestic_phone_digits(v.text).str.contains(p.PHONE)
    return v.nd.is_between(9, 10), (pl.lit("0") + v.d).str.contains(_MOBILE_010)


CHECKED: tuple[Checked, ...] = (
    Checked("rrn", 0.1, (13,), _rrn_kernel((1, 2, 3, 4, 9, 0), 11), lost_zeros=3),
    Checked("foreigner_rrn", 0.1, (13,), _rrn_kernel((5, 6, 7, 8), 13), lost_zeros=3),
    Checked("card_number", 0.1, (15, 16, 19), _card_kernel),  # Amex, most cards, long PANs
    Checked("business_registration_number", 0.1, (10,), _brn_kernel),
    # a quarter of random digit codes that start with 0 fit some area code; integers are judged by 010 alone
    Checked("phone", 0.25, (9, 10, 11, 12), plan=_phone_plan, number_chance=0.02),
)


def above_chance(valid: int, shaped: int, chance: float) -> bool:
    """At least ``MIN_HITS`` valid values, and more than chance can explain (one-sided z ≥ ``Z_MIN``)."""
    if valid < MIN_HITS or shaped <= 0:
        return False
    spread = (shaped * chance * (1 - chance)) ** 0.5
    return (valid - chance * shaped) >= Z_MIN * spread


ID_HEADER = r"(id|no|num|number|key|code|seq|번호|코드|키)$"


def number_as_phone(valid: int, non_null: int, column: str) -> bool:
    """An integer 1058293716 is a phone that lost its 0, or the bank's own 10-digit number that happens to
    start with 10: only a header that names a phone, or a column of nothing else whose name does not read
    as an id or code, says phone."""
    if header_type(column) == "phone":
        return True
    h = normalise_header(column)
    return valid >= PLAIN * non_null and not re.search(ID_HEADER, h) and not header_customer_key(column)


def minority_verdict(
    counts: Mapping[str, tuple[int, int]], non_null: int, *, numeric: bool = False, column: str = ""
) -> Verdict | None:
    """The checked identifier that most clearly beats chance in a column, with the share of rows it holds."""
    best = None
    for c in CHECKED:
        shaped, valid = counts.get(c.pii_type, (0, 0))
        if numeric and c.pii_type == "phone" and not number_as_phone(valid, non_null, column):
            continue
        if above_chance(valid, shaped, c.chance_in(numeric)) and (best is None or valid > best[1]):
            best = (c.pii_type, valid)
    if best is None:
        return None
    return best[0], 0.9, best[1] / max(non_null, 1)


def header_minority(hits: int, non_null: int) -> bool:
    """A header that names the identifier lowers the bar for structured ones to a few percent of rows."""
    return hits >= MIN_HITS and hits >= HEADER_MIN_SHARE * max(non_null, 1)
