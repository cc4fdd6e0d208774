"""Value patterns and checksums for Korean and generic identifiers, as polars expressions.

Every function takes a *normalised string* expression (stripped, empty → null) and returns a boolean
expression per value, so a whole column is checked in one vectorised pass: no Python loop per value.
A null in gives a null out; rates are taken over non-null values.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

# --- building blocks ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Parts:
    """A value seen four ways, each computed once per column (the scan materialises them as columns):
    ``s`` the stripped text, ``d`` its digits without separators, ``num`` those digits as an unsigned
    integer (null beyond 19 digits or with any non-digit) and ``ndig`` how many there are.

    Checksums then run on integer arithmetic instead of one string slice per digit.
    """

    s: pl.Expr
    d: pl.Expr
    num: pl.Expr
    ndig: pl.Expr

    @classmethod
    def of(cls, s: pl.Expr) -> Parts:
        d = digits_only(s)
        return cls(s, d, d.cast(pl.UInt64, strict=False), d.str.len_chars())


def digits_only(s: pl.Expr) -> pl.Expr:
    """Drop the separators people type into numbers (dash, space, dot), keep everything else."""
    return (
        s.str.replace_all("-", "", literal=True)
        .str.replace_all(" ", "", literal=True)
        .str.replace_all(".", "", literal=True)
    )


def digit_text(s: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    """A number column as the digits it was typed as: integers as written, whole floats without ``.0``
    (above 2⁵³ a float has already lost digits), decimals without a zero fraction; anything else null.
    Text passes through, so identifiers are checked as digit strings whatever the column's dtype."""
    if dtype.is_integer():
        return s.cast(pl.String)
    if dtype.is_float():
        whole = (s >= 0) & (s < 1e19) & (s == s.floor())
        return pl.when(whole).then(s.cast(pl.UInt64, strict=False).cast(pl.String))
    if isinstance(dtype, pl.Decimal):
        txt = s.cast(pl.String).str.replace(r"\.0*$", "")
        return pl.when(txt.str.contains(r"^\d+$")).then(txt)
    return s.cast(pl.String)


def digit_at(d: pl.Expr, i: int) -> pl.Expr:
    """The ``i``-th character of a digit string as an integer (null past the end or if not a digit)."""
    return d.str.slice(i, 1).cast(pl.Int32, strict=False)


def digit(num: pl.Expr, i: int, length: int) -> pl.Expr:
    """The ``i``-th digit from the left of a ``length``-digit integer."""
    return ((num // 10 ** (length - 1 - i)) % 10).cast(pl.Int64)


def weighted(num: pl.Expr, length: int, weights: tuple[int, ...]) -> pl.Expr:
    return pl.sum_horizontal([digit(num, i, length) * w for i, w in enumerate(weights)])


# --- resident registration numbers (주민등록번호, 외국인등록번호) ---------------------------------

RRN_SHAPE = r"^\d{6}-?\d{7}$"
RRN_DASHED = r"^\d{6}-\d{7}$"
RRN_WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)
_TODAY = date.today()


def _days_in_month(year: pl.Expr, month: pl.Expr) -> pl.Expr:
    leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    return (
        pl.when(month == 2)
        .then(pl.when(leap).then(29).otherwise(28))
        .when(month.is_in([4, 6, 9, 11]))
        .then(30)
        .otherwise(31)
    )


def rrn_birth(v: Parts) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """(year, month, day) of a 13-digit resident number; the 7th digit names the century (9/0: 1800s,
    1/2/5/6: 1900s, 3/4/7/8: 2000s)."""
    g = digit(v.num, 6, 13)
    century = pl.when(g.is_in([9, 0])).then(1800).when(g.is_in([1, 2, 5, 6])).then(1900).otherwise(2000)
    year = century + v.num // 10**11
    return year, (v.num // 10**9) % 100, (v.num // 10**7) % 100


def rrn_birth_valid(v: Parts) -> pl.Expr:
    """YYMMDD is a real calendar date and not in the future."""
    year, month, day = rrn_birth(v)
    real = month.is_between(1, 12) & (day >= 1) & (day <= _days_in_month(year, month))
    past = (year * 10_000 + month * 100 + day) <= _TODAY.year * 10_000 + _TODAY.month * 100 + _TODAY.day
    return real & past


def rrn_structure(v: Parts, *, foreigner: bool) -> pl.Expr:
    """Shape, a valid birth date and a gender digit of the right group (Korean 1–4/9/0, foreigner 5–8).

    This is all a resident number issued since October 2020 guarantees: its last six digits are random.
    """
    g = digit(v.num, 6, 13)
    gender_ok = g.is_in([5, 6, 7, 8]) if foreigner else g.is_in([1, 2, 3, 4, 9, 0])
    return v.s.str.contains(RRN_SHAPE) & gender_ok & rrn_birth_valid(v)


def rrn_checksum(v: Parts, *, foreigner: bool) -> pl.Expr:
    """Pre-2020 check digit: (11 − Σ wᵢdᵢ mod 11) mod 10 (citizens), (13 − … mod 11) mod 10 (foreigners)."""
    total = weighted(v.num, 13, RRN_WEIGHTS)
    check = ((13 if foreigner else 11) - total % 11) % 10
    return v.s.str.contains(RRN_SHAPE) & (check == (v.num % 10).cast(pl.Int64))


# --- business registration number (사업자등록번호) ------------------------------------------------------

BRN_SHAPE = r"^\d{3}-?\d{2}-?\d{5}$"
BRN_DASHED = r"^\d{3}-\d{2}-\d{5}$"


def brn_check_digit_ok(v: Parts) -> pl.Expr:
    """Weights 1,3,7,1,3,7,1,3,5 plus ⌊5·d₉/10⌋; check digit (10 − sum mod 10) mod 10 (shape not checked)."""
    total = weighted(v.num, 10, (1, 3, 7, 1, 3, 7, 1, 3, 5)) + (digit(v.num, 8, 10) * 5) // 10
    return (10 - total % 10) % 10 == (v.num % 10).cast(pl.Int64)


def brn_checksum(v: Parts) -> pl.Expr:
    """A 3-2-5 business registration number whose check digit holds."""
    return v.s.str.contains(BRN_SHAPE) & brn_check_digit_ok(v)


# --- payment cards ---------------------------------------------------------------------------------------

CARD_SHAPE = r"^(\d{4}[- ]?){3}\d{1,7}$|^\d{4}[- ]?\d{6}[- ]?\d{5}$"
CARD_IIN = r"^(4|5[1-5]|2[2-7]|3[0478]|35|6[025]|9)"


def card_shape(v: Parts) -> pl.Expr:
    """13–19 digits, optionally grouped (4-4-4-4 or Amex 4-6-5), with a known issuer prefix (IIN)."""
    return v.s.str.contains(CARD_SHAPE) & v.ndig.is_between(13, 19) & v.d.str.contains(CARD_IIN)


def luhn_sum(v: Parts) -> pl.Expr:
    """Luhn sum over up to 19 digits: every second digit from the right doubled, minus 9 above 9."""
    terms = []
    for j in range(19):
        x = ((v.num // 10**j) % 10).cast(pl.Int64)
        if j % 2:
            x = x * 2 - (x > 4).cast(pl.Int64) * 9  # arithmetic, not when/then: a third of the time
        terms.append(x)
    return pl.sum_horizontal(terms)


def luhn(v: Parts) -> pl.Expr:
    """A card-shaped value whose Luhn sum is a multiple of 10."""
    return card_shape(v) & (luhn_sum(v) % 10 == 0)


# --- phones ----------------------------------------------------------------------------------------------

# subscriber numbers never start with 0 (landlines: 2–9): 0100000003 is a customer number, not a phone
_MOBILE = r"^010[1-9]\d{7}$|^01[16789][1-9]\d{6,7}$"
_LANDLINE = r"^(02[2-9]\d{6,7}|0(3[1-3]|4[1-4]|5[1-5]|6[1-4])[2-9]\d{6,7}|070[2-9]\d{7})$"


PHONE = f"{_MOBILE}|{_LANDLINE}"


def phone(v: Parts) -> pl.Expr:
    """Korean mobile (010, 011, 016–019) or area-code/070 numbers, dashed, spaced, bracketed or +82.

    Representative numbers (1588-…) are businesses, not people, and are not matched.
    """
    d = (
        v.d.str.replace(r"^\+82(\(0\))?", "0")
        .str.replace_all("(", "", literal=True)
        .str.replace_all(")", "", literal=True)
    )
    return d.str.contains(PHONE)


# --- e-mail, IP ------------------------------------------------------------------------------------------

EMAIL = r"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}$"
_OCTET = r"(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
IPV4 = rf"^{_OCTET}(\.{_OCTET}){{3}}$"
IPV6 = (
    r"^([0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}$"
    r"|^([0-9A-Fa-f]{1,4}:){1,6}:([0-9A-Fa-f]{1,4}:?){0,6}[0-9A-Fa-f]{1,4}$"
)


def email(s: pl.Expr) -> pl.Expr:
    return s.str.contains(EMAIL)


def ip_address(s: pl.Expr) -> pl.Expr:
    return s.str.contains(IPV4) | s.str.contains(IPV6)


# --- bank accounts ---------------------------------------------------------------------------------------

# Dashed layouts of the major Korean banks (digits per group); shapes only, banks publish no checksum.
BANK_ACCOUNT_LAYOUTS: dict[str, str] = {
    "KB국민": r"\d{6}-\d{2}-\d{6}",
    "KB국민(구)": r"\d{3}-\d{2}-\d{4}-\d{3}",
    "신한": r"1\d{2}-\d{3}-\d{6}",
    "신한(구)": r"\d{3}-\d{2}-\d{6}",
    "우리": r"1\d{3}-\d{3}-\d{6}",
    "하나": r"\d{3}-\d{6}-\d{5}",
    "NH농협": r"3\d{2}-\d{4}-\d{4}-\d{2}",
    "IBK기업": r"\d{3}-\d{6}-\d{2}-\d{3}",
    "카카오뱅크": r"3(333|355|388)-\d{2}-\d{7}",
    "토스뱅크": r"1000-\d{4}-\d{4}",
    "케이뱅크": r"100-\d{3}-\d{6}",
    "SC제일": r"\d{3}-\d{2}-\d{6}",
    "대구": r"\d{3}-\d{2}-\d{6}-\d",
    "부산": r"\d{3}-\d{4}-\d{4}-\d{2}",
}
ACCOUNT_DASHED = "^(" + "|".join(BANK_ACCOUNT_LAYOUTS.values()) + ")$"
ACCOUNT_LOOSE = r"^\d{2,6}(-\d{2,7}){1,3}$|^\d{10,14}$"


def account_layout(s: pl.Expr) -> pl.Expr:
    """A dashed layout one of the major banks uses; strong enough without a header."""
    return s.str.contains(ACCOUNT_DASHED)


def account_loose(v: Parts) -> pl.Expr:
    """10–14 digits, dashed or not: an account only when the header says so."""
    return v.s.str.contains(ACCOUNT_LOOSE) & v.ndig.is_between(10, 14)


# --- passports, driver licences --------------------------------------------------------------------------

PASSPORT = r"^[MSRODG]\d{8}$|^[MSRODG]\d{3}[A-Z]\d{4}$"
_REGIONS_DL = "서울|부산|경기|강원|충북|충남|전북|전남|경북|경남|제주|대구|인천|광주|대전|울산"
DRIVER_LICENSE_DASHED = rf"^((1[1-9]|2[0-8])|({_REGIONS_DL})\s?)-?\d{{2}}-\d{{6}}-\d{{2}}$"
DRIVER_LICENSE_DIGITS = r"^(1[1-9]|2[0-8])\d{10}$"


def passport(s: pl.Expr) -> pl.Expr:
    """Korean passports: a type letter and 8 digits, or the 2021 layout M123A4567."""
    return s.str.contains(PASSPORT)


def driver_license_dashed(s: pl.Expr) -> pl.Expr:
    """Region code (11–28 or its name), year, serial, check: 11-23-123456-78."""
    return s.str.contains(DRIVER_LICENSE_DASHED)


def driver_license_digits(s: pl.Expr) -> pl.Expr:
    return s.str.contains(DRIVER_LICENSE_DIGITS)


# --- names and addresses ---------------------------------------------------------------------------------

SURNAMES_1 = (
    "김이박최정강조윤장임한오서신권황안송류유전홍고문양손배백허남심노하곽성차주우구민진나지엄채원천방공현함변염"
    "여추도소석선설마길연위표명기반라왕금옥육인맹제모탁국어은편용예경봉사부가복태목형피두감음빈동온호계"
)
SURNAMES_2 = ("남궁", "황보", "제갈", "선우", "독고", "사공", "서문", "동방", "망절", "어금")
KOREAN_NAME = rf"^([{SURNAMES_1}][가-힣]{{1,3}}|({'|'.join(SURNAMES_2)})[가-힣]{{1,2}})$"
LATIN_NAME = r"^[A-Z][a-z]+(\s[A-Z][a-z]+){1,2}$|^[A-Z]+\s[A-Z]+(\s[A-Z]+)?$"


def korean_name(s: pl.Expr) -> pl.Expr:
    """Two to four Hangul syllables starting with a common surname (홍길동, 남궁민수)."""
    return s.str.contains(KOREAN_NAME)


def latin_name(s: pl.Expr) -> pl.Expr:
    """Romanised names (Hong Gildong, HONG GILDONG): counted only under a name header."""
    return s.str.contains(LATIN_NAME)


SIDO = (
    "서울특별시",
    "부산광역시",
    "대구광역시",
    "인천광역시",
    "광주광역시",
    "대전광역시",
    "울산광역시",
    "세종특별자치시",
    "경기도",
    "강원특별자치도",
    "강원도",
    "충청북도",
    "충청남도",
    "전북특별자치도",
    "전라북도",
    "전라남도",
    "경상북도",
    "경상남도",
    "제주특별자치도",
)
SIDO_SHORT = (
    "서울",
    "부산",
    "대구",
    "인천",
    "광주",
    "대전",
    "울산",
    "세종",
    "경기",
    "강원",
    "충북",
    "충남",
    "전북",
    "전남",
    "경북",
    "경남",
    "제주",
)
_SIDO_ANY = "|".join(sorted({*SIDO, *(f"{s}시" for s in SIDO_SHORT[:8]), *SIDO_SHORT}, key=len, reverse=True))
SIDO_PREFIX = rf"^({_SIDO_ANY})\s"
SIDO_ONLY = rf"^({_SIDO_ANY})$"
# a house number: road name + building number (테헤란로 152, 세종대로21길 5-3) or a lot number (역삼동 123-4)
# (one preceding non-space instead of \S+: the same matches without backtracking over every start)
HOUSE_NUMBER = r"\S(로|길)\s*\d|\S(동|읍|면|리|가)\s+(산\s?)?\d"
SIGUNGU_TOKEN = r"\S(시|군|구)\s"


def address(s: pl.Expr) -> pl.Expr:
    """A 시/도 (or a 시/군/구) followed somewhere by a house number: a place one can knock on.

    A bare region (서울특별시, 서울특별시 강남구) is a quasi-identifier, not an address.
    """
    has_house = s.str.contains(HOUSE_NUMBER)
    return has_house & (s.str.contains(SIDO_PREFIX) | s.str.contains(SIGUNGU_TOKEN))


def region(s: pl.Expr) -> pl.Expr:
    """A 시/도 alone or with its 시/군/구, but no house number: region-level quasi-identifier."""
    return (s.str.contains(SIDO_ONLY) | s.str.contains(SIDO_PREFIX)) & ~s.str.contains(HOUSE_NUMBER)


# a birth number: YYMMDD with (or without the dash before) the resident-number gender digit, 730915-1
BIRTH_NUMBER = r"^\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])-?[0-9]$"

GENDER_VALUES = (
    "M",
    "F",
    "m",
    "f",
    "남",
    "여",
    "남자",
    "여자",
    "male",
    "female",
    "Male",
    "Female",
    "MALE",
    "FEMALE",
)


def gender(s: pl.Expr) -> pl.Expr:
    return s.is_in(GENDER_VALUES)


# --- shape of a value, for showing *what kind* of value without the value --------------------------------


def value_format(s: pl.Expr) -> pl.Expr:
    """Digits → ``#``, Hangul → ``가``, Latin letters → ``A``/``a``; separators kept: ``######-#######``.

    The raw side of a before/after preview shows this, never the value itself.
    """
    return (
        s.cast(pl.String)
        .str.replace_all(r"\d", "#")
        .str.replace_all(r"[가-힣]", "가")
        .str.replace_all(r"[A-Z]", "A")
        .str.replace_all(r"[a-z]", "a")
        .str.replace_all(r"[^\s#가Aa\-_.@/:,()*+]", "?")
    )


# --- free text (상담메모: "고객 010-1234-5678로 연락"); identifiers inside it: ``privacy.identifiers`` ---------

FREE_TEXT = r"[가-힣A-Za-z]\S*\s+\S|\S\s+\S*[가-힣A-Za-z]"  # two words, one with a letter (not a timestamp)
