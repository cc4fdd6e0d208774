"""Column transforms of a masking policy: partial mask, keyed pseudonym, generalise, round, bucket, top-code.

Each is an ``Expr → Expr`` function over polars (the pseudonym hashes each *distinct* value once with the
C-implemented HMAC, then maps the column). They never log, print or return a raw value on their own.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
from datetime import date

import polars as pl

from workbench.privacy import patterns as p

# --- partial masks ---------------------------------------------------------------------------------------


def _stars(n: pl.Expr) -> pl.Expr:
    return pl.lit("*").repeat_by(n.clip(lower_bound=0)).list.join("")


def _keep_ends(s: pl.Expr, head: int, tail: int) -> pl.Expr:
    """Keep ``head`` leading and ``tail`` trailing characters, star the rest; short values are starred whole
    except their first character, so a two-letter value never survives."""
    n = s.str.len_chars()
    long_enough = n > head + tail
    masked = pl.concat_str([s.str.head(head), _stars(n - head - tail), s.str.tail(tail)])
    short = pl.concat_str([s.str.head(1), _stars(n - 1)])
    return pl.when(long_enough).then(masked).otherwise(short)


def _digits_starred_after(s: pl.Expr, keep: int) -> pl.Expr:
    """Keep the first ``keep`` digits (separators kept in place), star every later digit: 901010-1******."""
    head = s.str.extract(rf"^(\D*(\d\D*){{{keep}}})", 1).fill_null("")
    rest = s.str.slice(head.str.len_chars())
    return pl.concat_str([head, rest.str.replace_all(r"\d", "*")])


def _digits_starred_before_last(s: pl.Expr, keep_last: int) -> pl.Expr:
    """Star every digit but the last ``keep_last``, keeping separators: ****-****-****-1234."""
    tail = s.str.extract(rf"((\d\D*){{{keep_last}}})$", 1).fill_null("")
    head = s.str.head(s.str.len_chars() - tail.str.len_chars())
    return pl.concat_str([head.str.replace_all(r"\d", "*"), tail])


def partial_mask(s: pl.Expr, pii_type: str | None) -> pl.Expr:
    """Type-aware partial mask: 홍*동, 010-****-5678, 901010-1******, ****-****-****-1234, h***@bank.co.kr.

    Unknown types keep the first and last character only. Null stays null.
    """
    s = s.cast(pl.String)
    if pii_type in ("rrn", "foreigner_rrn"):
        return _digits_starred_after(restore_leading_zero(s), 7)
    if pii_type == "person_name":
        return _keep_ends(s, 1, 1)
    if pii_type == "phone":
        digits = s.str.replace(r"^\+82[-\s]?\(?0?\)?", "0").str.replace_all(r"\D", "")
        lost = digits.str.len_chars().is_between(9, 10) & ~digits.str.starts_with("0")  # stored as a number
        digits = pl.when(lost).then(pl.lit("0") + digits).otherwise(digits)
        area = digits.str.extract(r"^(01[016789]|02|0\d{2})", 1).fill_null(digits.str.head(3))
        return pl.concat_str([area, pl.lit("-****-"), digits.str.tail(4)])
    if pii_type in ("card_number", "account_number"):
        return _digits_starred_before_last(s, 4)
    if pii_type == "email":
        local = s.str.extract(r"^([^@]*)@", 1)
        domain = s.str.extract(r"@(.*)$", 1)
        return pl.concat_str([local.str.head(1), pl.lit("***@"), domain])
    if pii_type == "address":
        region = s.str.extract(r"^(\S+\s+\S+)", 1).fill_null(s.str.extract(r"^(\S+)", 1))
        return pl.concat_str([region, pl.lit(" ***")])
    if pii_type == "business_registration_number":
        return _digits_starred_after(s, 5)
    if pii_type == "driver_license":
        return _digits_starred_after(s, 4)
    if pii_type == "passport_number":
        return _keep_ends(s, 1, 0)
    if pii_type == "ip_address":
        return s.str.replace(r"^(\d+\.\d+)\.\d+\.\d+$", "$1.*.*")
    return _keep_ends(s, 1, 1)


# --- keyed pseudonyms ------------------------------------------------------------------------------------

TOKEN_HEX = 20  # 80 bits: collisions stay below one in a billion for ten million distinct values


def normalise_for_token(s: pl.Expr, pii_type: str | None) -> pl.Expr:
    """Equal identifiers written differently give equal tokens: digits only for numbers, lower case e-mail."""
    s = s.cast(pl.String).str.strip_chars()
    if pii_type in (
        "rrn",
        "foreigner_rrn",
        "phone",
        "card_number",
        "account_number",
        "business_registration_number",
        "driver_license",
    ):
        return s.str.replace(r"^\+82", "0").str.replace_all(r"[^\dA-Za-z]", "")
    if pii_type == "email":
        return s.str.to_lowercase()
    if pii_type == "passport_number":
        return s.str.to_uppercase()
    return s


def pseudonymise(frame: pl.DataFrame, column: str, key: bytes, pii_type: str | None = None) -> pl.Series:
    """HMAC-SHA256(key, normalised value), hex, first ``TOKEN_HEX`` characters: the same value gives the
    same token in every table and run under the same key, so joins keep working; without the key the token
    cannot be recomputed from a guessed value. Each distinct value is hashed once.
    """
    if not key:
        raise ValueError("a pseudonym needs a key")
    value = p.digit_text(pl.col(column), frame.schema[column])  # a number keyed as the digits it was typed as
    norm = frame.select(normalise_for_token(value, pii_type).alias("v")).to_series()
    distinct = norm.drop_nulls().unique()
    tokens = [hmac.new(key, v.encode("utf-8"), hashlib.sha256).hexdigest()[:TOKEN_HEX] for v in distinct]
    mapping = dict(zip(distinct.to_list(), tokens, strict=True))
    return norm.replace_strict(mapping, default=None, return_dtype=pl.String).alias(column)


# --- generalisation --------------------------------------------------------------------------------------


def age_band(age: pl.Expr, width: int = 10) -> pl.Expr:
    """Age in whole years → ``30대`` (width 10) or ``30-34`` (other widths); null stays null."""
    lo = (age // width) * width
    if width == 10:
        return pl.concat_str([lo.cast(pl.String), pl.lit("대")])
    return pl.concat_str([lo.cast(pl.String), pl.lit("-"), (lo + width - 1).cast(pl.String)])


def _age_on(born: pl.Expr, as_of: date) -> pl.Expr:
    had_birthday = (
        born.dt.month().cast(pl.Int32) * 100 + born.dt.day().cast(pl.Int32)
    ) <= as_of.month * 100 + as_of.day
    return pl.lit(as_of.year) - born.dt.year().cast(pl.Int32) - pl.when(had_birthday).then(0).otherwise(1)


def restore_leading_zero(s: pl.Expr) -> pl.Expr:
    """A resident number read as an integer lost its leading zeros (born 2000–2009): 10–12 digits → 13."""
    s = s.cast(pl.String).str.strip_chars()
    return pl.when(s.str.contains(r"^\d{10,12}$")).then(s.str.zfill(13)).otherwise(s)


def rrn_birth_date(s: pl.Expr) -> pl.Expr:
    """Birth date from a resident number (either group), using the century the 7th digit names; null for a
    value that is not one (a column flagged for a minority of resident numbers holds other codes too)."""
    v = p.Parts.of(restore_leading_zero(s))
    year, month, day = p.rrn_birth(v)
    real = v.s.str.contains(r"^\d{6}-?\d{7}$") & p.rrn_birth_valid(v)
    safe = pl.date(year.fill_null(2000), pl.when(real).then(month).otherwise(1), pl.when(real).then(day).otherwise(1))
    return pl.when(real).then(safe)


def _birth_number(bn: pl.Expr, today: date) -> pl.Expr:
    """YYMMDD + gender digit (the digit names the century, as in a resident number), or bare YYMMDD (the
    century that does not put the birth after ``today``)."""
    g = bn.str.slice(6, 1).cast(pl.Int32, strict=False)
    yy = bn.str.slice(0, 2).cast(pl.Int32, strict=False)
    century = (
        pl.when(bn.str.contains(r"^\d{7}$"))
        .then(pl.when(g.is_in([9, 0])).then(18).when(g.is_in([1, 2, 5, 6])).then(19).otherwise(20))
        .when(bn.str.contains(r"^\d{6}$"))
        .then(pl.when(yy > today.year % 100).then(19).otherwise(20))
    )
    return pl.concat_str([century.cast(pl.String), bn.str.slice(0, 6)]).str.to_date("%Y%m%d", strict=False)


def as_date(s: pl.Expr, dtype: pl.DataType, *, as_of: date | None = None) -> pl.Expr:
    """A date column from Date/Datetime, from text like 1990-10-10, 1990.10.10, 19901010, or from a birth
    number: YYMMDD with the resident-number gender digit (7309151, 730915-1: the digit names the century)
    or bare YYMMDD (the century that does not put the birth after ``as_of``). Numbers are read as the
    digits they were typed as."""
    if dtype == pl.Date:
        return s
    if isinstance(dtype, pl.Datetime):
        return s.dt.date()
    txt = p.digit_text(s, dtype).str.replace_all(r"[./]", "-").str.strip_chars()
    today = as_of or date.today()
    bn = txt.str.replace_all("-", "", literal=True)
    birth = _birth_number(bn, today)
    if dtype.is_integer():  # 0103153 (born 2001) stored as the integer 103153: the zero comes back first
        birth = pl.coalesce(pl.when(bn.str.len_chars() <= 6).then(_birth_number(bn.str.zfill(7), today)), birth)
    four_digit_year = txt.str.contains(r"^\d{4}-|^\d{8}$")  # else 7309151 would read as the year 730
    return pl.coalesce(
        pl.when(four_digit_year).then(txt.str.to_date("%Y-%m-%d", strict=False)),
        pl.when(four_digit_year).then(txt.str.to_date("%Y%m%d", strict=False)),
        birth,
    )


def generalise(
    s: pl.Expr, dtype: pl.DataType, *, to: str, pii_type: str | None = None, as_of: date | None = None
) -> pl.Expr:
    """Coarser values: ``age_band`` (from a birth date or resident number), ``sido``/``sigungu`` (from an
    address), ``month``/``year`` (from a date). Values that cannot be read become null, never pass through.
    """
    as_of = as_of or date.today()
    if to in ("age_band", "age_band_5"):
        born = rrn_birth_date(s) if pii_type in ("rrn", "foreigner_rrn") else as_date(s, dtype, as_of=as_of)
        return age_band(_age_on(born, as_of), width=5 if to == "age_band_5" else 10)
    if to in ("sido", "sigungu"):
        txt = s.cast(pl.String).str.strip_chars()
        first = txt.str.extract(r"^(\S+)", 1)
        if to == "sido":
            return first
        second = txt.str.extract(r"^\S+\s+(\S+(시|군|구))(\s|$)", 1)
        return pl.when(second.is_not_null()).then(pl.concat_str([first, pl.lit(" "), second])).otherwise(first)
    if to == "month":
        return as_date(s, dtype, as_of=as_of).dt.truncate("1mo")
    if to == "year":
        return as_date(s, dtype, as_of=as_of).dt.year()
    raise ValueError(f"unknown generalisation {to!r}")


# --- numbers ---------------------------------------------------------------------------------------------


def round_to(s: pl.Expr, base: float) -> pl.Expr:
    """Round to the nearest multiple of ``base`` (e.g. 10,000 KRW); integers stay integers."""
    return (
        ((s / base).round(0) * base).cast(pl.Int64, strict=False)
        if float(base).is_integer()
        else ((s / base).round(0) * base)
    )


def bucket(s: pl.Expr, edges: tuple[float, ...]) -> pl.Expr:
    """Numbers → interval labels on fixed ``edges`` (left-closed: ``[0, 1000)``); the ends are open."""
    return s.bin_intervals(list(edges), labels=interval_labels(edges)).cast(pl.String)


def interval_labels(edges: tuple[float, ...] | list[float]) -> list[str]:
    """Left-closed labels for ``edges``: ``(-inf, e0)``, ``[e0, e1)``, …, ``[en, inf)``."""
    fmt = [f"{e:g}" if isinstance(e, float) else str(e) for e in edges]
    return [f"(-inf, {fmt[0]})", *(f"[{a}, {b})" for a, b in itertools.pairwise(fmt)), f"[{fmt[-1]}, inf)"]


def top_bottom_code(s: pl.Expr, *, lower: float | None = None, upper: float | None = None) -> pl.Expr:
    """Clip the tails so an outlier (one very rich customer) no longer identifies anyone."""
    return s.clip(lower_bound=lower, upper_bound=upper)
