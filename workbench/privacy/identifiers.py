"""Identifiers written inside text, in every spelling people use: one table of kinds, each with a tolerant
pattern, a validator and the token that replaces it.

A memo, an override reason or a file name holds identifiers the way people type them: ``7309151482636``,
``730915 1482636``, ``+82 10 5829 3716``, ``010.5829.3716``, full-width ``０１０``, ``1002-873-219054``,
``서울특별시 강남구 테헤란로 152``. Each kind's pattern accepts a dash, a space, a dot or nothing between
groups; its validator then keeps only what a checksum or a numbering plan allows, so a random run of digits
is left alone (a bare 13-digit run needs the resident-number date, gender digit *and* check digit; a bare
16-digit run a card issuer prefix and Luhn).

Everything is vectorised polars: candidates are pulled out with ``extract_all``, validated as a list, and
the valid spellings are replaced with ``replace_many`` (Aho-Corasick). ``find_identifiers`` and
``redact_text`` apply the same table to one Python string.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from workbench.privacy import names
from workbench.privacy import patterns as p

# --- spelling: full-width and typographic characters to their ASCII twins, one character for one -----------

_WIDE_FROM = [chr(0xFF10 + i) for i in range(10)] + ["－", "‐", "‑", "‒", "–", "—", "−", "＋", "．", "　", "\u00a0"]
_WIDE_TO = [str(i) for i in range(10)] + ["-", "-", "-", "-", "-", "-", "-", "+", ".", " ", " "]
WIDE_TABLE = str.maketrans(dict(zip(_WIDE_FROM, _WIDE_TO, strict=True)))


def ascii_spelling(s: pl.Expr) -> pl.Expr:
    """Full-width digits (０-９), dashes (－ – —), plus, dot and ideographic space as ASCII; each character
    maps to exactly one, so positions in the result are positions in the original."""
    return s.cast(pl.String).str.replace_many(_WIDE_FROM, _WIDE_TO)


# --- building blocks of the patterns ---------------------------------------------------------------------

SEP = r"[ \t.\-]{0,2}"  # between digit groups: nothing, a dash, a dot, a space (or two of them)
NEED_SEP = r"[ \t]?[.\-][ \t]?|[ \t]"  # a layout that is only distinctive with its separators
_NOT_DIGIT = r"[^0-9]"
_NOT_ALNUM = r"[^0-9A-Za-z]"
_NOT_WORD = r"[^0-9A-Za-z가-힣]"


def _digits(c: pl.Expr) -> pl.Expr:
    return c.str.replace_all(r"[^0-9]", "")


def _parts(c: pl.Expr) -> p.Parts:
    d = _digits(c)
    return p.Parts(c, d, d.cast(pl.UInt64, strict=False), d.str.len_chars())


def _rrn_valid(*, foreigner: bool, named: bool = False) -> Callable[[pl.Expr], pl.Expr]:
    """Date of birth and gender digit of the group (``patterns.rrn_structure``); the written ``######-#######``
    layout is enough (numbers issued since October 2020 carry no check digit), any other spelling also needs the
    pre-2020 check digit, unless ``named``: right after a word that names it (주민번호, RRN …), so one typed
    without its dash is still found."""

    def valid(c: pl.Expr) -> pl.Expr:
        d = _digits(c)
        v = p.Parts(d, d, d.cast(pl.UInt64, strict=False), d.str.len_chars())  # any spelling, as its digits
        shaped = p.rrn_structure(v, foreigner=foreigner)
        if named:
            return shaped
        return shaped & (c.str.contains(p.RRN_DASHED) | p.rrn_checksum(v, foreigner=foreigner))

    return valid


def _card_valid(c: pl.Expr) -> pl.Expr:
    v = _parts(c)
    return v.ndig.is_between(13, 19) & v.d.str.contains(p.CARD_IIN) & (p.luhn_sum(v) % 10 == 0)


def _brn_valid(c: pl.Expr) -> pl.Expr:
    v = _parts(c)
    return (v.ndig == 10) & p.brn_check_digit_ok(v)


def domestic_phone_digits(c: pl.Expr) -> pl.Expr:
    """``+82 10 5829 3716``, ``+82 (0)10-…``, ``(02) 312-4567`` → ``01058293716``, ``023124567``."""
    intl = c.str.contains(r"^\+\s?82")
    d = _digits(c.str.replace(r"^\+\s?82", ""))
    return pl.when(intl).then(pl.lit("0") + d.str.strip_chars_start("0")).otherwise(d)


def _phone_valid(c: pl.Expr) -> pl.Expr:
    return domestic_phone_digits(c).str.contains(p.PHONE)


# --- the table of kinds ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class IdentifierKind:
    """One kind of identifier as it appears inside text.

    ``pattern`` matches one written identifier in any accepted spelling (no anchors); ``before`` is what may
    stand right before it (so ``7309151482636`` is not read out of a longer number); ``numeric`` kinds also
    refuse a digit right after. ``valid`` (candidate text → bool) keeps what a checksum or plan allows.
    """

    pii_type: str
    pattern: str
    token: str
    valid: Callable[[pl.Expr], pl.Expr] | None = None
    before: str = _NOT_DIGIT
    numeric: bool = True
    named_by: str = ""  # words that, a few characters before a candidate, make ``named_valid`` enough
    named_valid: Callable[[pl.Expr], pl.Expr] | None = None
    find: Callable[[pl.Expr], pl.Expr] | None = None  # a kind with rules of its own (``names``): text → list

    @property
    def finder(self) -> str:
        """The pattern with its left boundary and, for numbers, one trailing digit that rules a match out."""
        return rf"(?:^|{self.before})(?:{self.pattern})" + (r"[0-9]?" if self.numeric else "")

    @property
    def named_finder(self) -> str:
        """The pattern right after a word that names the kind (``주민번호: 9001014…``), up to 8 characters on."""
        return rf"(?:{self.named_by})[^0-9]{{0,8}}(?:{self.pattern})" + (r"[0-9]?" if self.numeric else "")

    @property
    def exact(self) -> str:
        """A found candidate → the identifier itself (``id``) and a digit right after that disqualifies it."""
        return rf"(?P<id>{self.pattern})(?P<after>[0-9]?)$" if self.numeric else rf"(?P<id>{self.pattern})$"


_RRN = rf"\d{{6}}{SEP}\d{{7}}"
_ACCOUNT = "|".join(v.replace("-", f"(?:{NEED_SEP})") for v in p.BANK_ACCOUNT_LAYOUTS.values())
_PHONE = (
    r"(?:\+\s?82[ \t.\-]{0,2}(?:\(0\)\s?)?0?|\(0|0)"
    r"(?:1[016789]|2|[3-6][1-5]|70)\)?"
    rf"{SEP}\d{{3,4}}{SEP}\d{{4}}"
)
_SIGUNGU = r"[가-힣]+(?:시|군|구)"
_SIDO = "|".join(sorted({*p.SIDO, *p.SIDO_SHORT}, key=len, reverse=True))
_ROAD = rf"(?:(?:{_SIDO})\s+)?(?:{_SIGUNGU}\s+){{1,2}}[가-힣0-9]+(?:로|길)\s?\d+(?:-\d+)?(?:\s?번길\s?\d+)?"
_LOT = (
    rf"(?:(?:{_SIDO})\s+)?(?:{_SIGUNGU}\s+){{0,2}}[가-힣0-9]*[가-힣](?:동|읍|면|리|가)\s?(?:산\s?)?\d+(?:-\d+)?\s?번지"
    rf"|(?:(?:{_SIDO})\s+)?(?:{_SIGUNGU}\s+){{1,2}}[가-힣0-9]*[가-힣](?:동|읍|면|리|가)\s(?:산\s?)?\d+(?:-\d+)?"
)

_NAMES_RRN = r"주민(?:등록)?(?:번호)?|실명(?:번호)?|[Rr][Rr][Nn]|resident"
_NAMES_FOREIGNER = r"외국인(?:등록)?(?:번호)?|[Ff]oreigner"


def _rrn_kind(pii_type: str, token: str, *, foreigner: bool, names: str) -> IdentifierKind:
    valid, named = _rrn_valid(foreigner=foreigner), _rrn_valid(foreigner=foreigner, named=True)
    return IdentifierKind(pii_type, _RRN, token, valid, named_by=names, named_valid=named)


KINDS: tuple[IdentifierKind, ...] = (
    _rrn_kind("rrn", "[주민번호]", foreigner=False, names=_NAMES_RRN),
    _rrn_kind("foreigner_rrn", "[외국인번호]", foreigner=True, names=_NAMES_FOREIGNER),
    IdentifierKind(
        "card_number",
        rf"\d{{4}}{SEP}\d{{4}}{SEP}\d{{4}}{SEP}\d{{4}}|\d{{4}}{SEP}\d{{6}}{SEP}\d{{5}}",
        "[카드번호]",
        _card_valid,
    ),
    IdentifierKind(
        "business_registration_number",
        rf"\d{{3}}(?:{NEED_SEP})\d{{2}}(?:{NEED_SEP})\d{{5}}",
        "[사업자번호]",
        _brn_valid,
    ),
    IdentifierKind("phone", _PHONE, "[전화번호]", _phone_valid),
    IdentifierKind("account_number", _ACCOUNT, "[계좌번호]"),
    IdentifierKind(
        "driver_license",
        rf"(?:1[1-9]|2[0-8])(?:{NEED_SEP})\d{{2}}(?:{NEED_SEP})\d{{6}}(?:{NEED_SEP})\d{{2}}",
        "[면허번호]",
    ),
    IdentifierKind("passport_number", r"[MSRODG]\d{8}|[MSRODG]\d{3}[A-Z]\d{4}", "[여권번호]", before=_NOT_ALNUM),
    IdentifierKind(
        "email",
        r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}",
        "[이메일]",
        before=r"[^A-Za-z0-9._%+\-]",
        numeric=False,
    ),
    IdentifierKind("address", rf"{_ROAD}|{_LOT}", "[주소]", before=_NOT_WORD, numeric=False),
    IdentifierKind("person_name", "", "[성명]", numeric=False, find=names.found),  # only where context says so
)
KIND_BY_TYPE = {k.pii_type: k for k in KINDS}
TOKENS = tuple(k.token for k in KINDS)


# --- over a column -----------------------------------------------------------------------------------------


def found(s: pl.Expr, kind: IdentifierKind) -> pl.Expr:
    """Per row: the identifiers of ``kind`` written in the text, exactly as written (a list, maybe empty)."""
    text = ascii_spelling(s)
    if kind.find is not None:
        return kind.find(text)
    out = _candidates(text, kind, kind.finder, kind.valid)
    if kind.named_by:  # a weaker check is enough where a word names the kind
        out = out.list.concat(_candidates(text, kind, kind.named_finder, kind.named_valid)).list.unique()
    return out


def _candidates(text: pl.Expr, kind: IdentifierKind, finder: str, valid) -> pl.Expr:
    groups = pl.element().str.extract_groups(kind.exact)
    cand = groups.struct.field("id")
    ok = cand.is_not_null()
    if kind.numeric:
        ok = ok & (groups.struct.field("after") == "")
    keep = ok & valid(cand) if valid else ok
    return text.str.extract_all(finder).list.eval(pl.when(keep).then(cand)).list.drop_nulls()


def contains(s: pl.Expr, kind: IdentifierKind) -> pl.Expr:
    """Per row: does the text hold at least one valid identifier of ``kind``?"""
    return found(s, kind).list.len() > 0


def found_values(frame: pl.DataFrame | pl.LazyFrame, column: str) -> dict[str, list[str]]:
    """Every distinct identifier written in ``column``, per kind, as written (ASCII spelling)."""
    lf = frame.lazy().select([found(pl.col(column), k).alias(k.pii_type) for k in KINDS])
    row = lf.select([pl.col(k.pii_type).explode().drop_nulls().unique().implode() for k in KINDS]).collect()
    return {k.pii_type: [v for v in row[k.pii_type][0] if v] for k in KINDS}


def redact_column(frame: pl.DataFrame, column: str) -> pl.Series:
    """``column`` with every valid identifier of every kind replaced by its token; the rest of the text is
    kept. Full-width spellings are matched and replaced as well (the text is read in ASCII spelling)."""
    values = found_values(frame, column)
    pats, reps = [], []
    for k in KINDS:
        for v in values[k.pii_type]:
            pats.append(v)
            reps.append(k.token)
    text = ascii_spelling(pl.col(column))
    if not pats:
        return frame.select(pl.col(column).cast(pl.String)).to_series()
    # longest first, so a card is not half-replaced by a shorter identifier found inside it
    order = sorted(range(len(pats)), key=lambda i: -len(pats[i]))
    out = text.str.replace_many([pats[i] for i in order], [reps[i] for i in order], leftmost=True)
    return frame.select(out.alias(column)).to_series()


# --- over one string ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IdentifierSpan:
    """Where an identifier sits in a string: its ``pii_type`` and ``text[start:end]`` (never the value)."""

    pii_type: str
    start: int
    end: int


def find_identifiers(text: str) -> tuple[IdentifierSpan, ...]:
    """Every identifier of every kind in ``text``, in any spelling this module knows, left to right.

    For any string that may be stored or shown: an override reason, a dataset name taken from a file name,
    a column note. Spans index the original string (full-width characters map one to one)."""
    if not text:
        return ()
    values = found_values(pl.DataFrame({"t": [text]}), "t")
    ascii_text = text.translate(WIDE_TABLE)
    spans: list[IdentifierSpan] = []
    taken: list[tuple[int, int]] = []
    for k in KINDS:
        for v in sorted(values[k.pii_type], key=len, reverse=True):
            at = ascii_text.find(v)
            while at >= 0:
                end = at + len(v)
                if not any(a < end and at < b for a, b in taken):
                    spans.append(IdentifierSpan(k.pii_type, at, end))
                    taken.append((at, end))
                at = ascii_text.find(v, end)
    return tuple(sorted(spans, key=lambda x: x.start))


def redact_text(text: str) -> str:
    """``text`` with each identifier ``find_identifiers`` sees replaced by its kind's token."""
    out = text
    for span in sorted(find_identifiers(text), key=lambda x: -x.start):
        out = out[: span.start] + KIND_BY_TYPE[span.pii_type].token + out[span.end :]
    return out


__all__ = [
    "KINDS",
    "IdentifierKind",
    "IdentifierSpan",
    "ascii_spelling",
    "contains",
    "find_identifiers",
    "found",
    "redact_column",
    "redact_text",
]
