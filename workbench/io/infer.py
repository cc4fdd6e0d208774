"""Column types from every value of the column, never from a head sample.

Text is read as strings first; then one aggregate pass counts, per column, how many values fit each shape
(integer, decimal, yes/no, date, date-time) after blanks and null markers (``N/A``, ``-``, ``#N/A`` …) are
set aside. A column gets a type only when *every* remaining value fits it, so a ``1.5`` at row 90,000 makes
the column ``float`` instead of breaking the load, and one word among numbers keeps the whole column text.
Candidate dates get a second pass that parses them and checks the calendar and a plausible year
(1900–2100), so 8-digit account codes stay numbers unless every one of them is a real date. Codes with
leading zeros (``00123``) stay text: a number would drop the zeros.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from workbench.io.errors import LoadError, human_list

Note = tuple[str, dict]

KINDS = ("int", "float", "str", "date", "datetime", "bool", "category")
NULL_MARKERS = (
    "",
    "N/A",
    "n/a",
    "NA",
    "#N/A",
    "-",
    "--",
    "null",
    "NULL",
    "Null",
    "None",
    "nan",
    "NaN",
    "NAN",
)
TRUE_WORDS = ("y", "yes", "true", "t", "예", "네")
FALSE_WORDS = ("n", "no", "false", "f", "아니오", "아니요")
YEAR_RANGE = (1900, 2100)

_B = r"(?:\d{1,18}|\d{1,3}(?:,\d{3}){1,5})"  # digits, or thousands groups: 1234567 / 1,234,567
_F = rf"(?:{_B}(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d{{1,3}})?"
INT_RE = rf"^(?:[+-]?{_B}|\({_B}\))$"  # (1,234) is an accountant's -1234
FLOAT_RE = rf"^(?:[+-]?{_F}|\({_F}\))%?$"
LEAD0_RE = r"^[+-]?\(?0\d"
_DATE_PART = r"\d{4}(?:[-./]\d{1,2}[-./]\d{1,2}\.?|\s*년\s*\d{1,2}\s*월\s*\d{1,2}\s*일)"
DATE_RE = rf"^(?:{_DATE_PART}|\d{{8}})$"
DATETIME_RE = rf"^(?:{_DATE_PART}(?:T|\s+)\d{{1,2}}:\d{{2}}(?::\d{{2}}(?:\.\d{{1,9}})?)?|\d{{14}})$"


@dataclass(frozen=True)
class ColumnGuess:
    """What the values of one text column turned out to be.

    ``markers``: values such as ``N/A`` or ``-`` that were read as missing (0 for text columns, which keep
    them). ``text_bytes``: UTF-8 bytes of the values, for the memory estimate.
    """

    name: str
    kind: str
    non_null: int
    markers: int = 0
    percent: bool = False
    compact_date: bool = False
    text_bytes: int = 0
    fmt: str | None = None  # the strict format every value parsed with (None: the general rewrite)


def _clean(name: str) -> pl.Expr:
    """The value with surrounding spaces removed and null markers as null."""
    s = pl.col(name).str.strip_chars()
    return pl.when(s.is_in(NULL_MARKERS)).then(None).otherwise(s)


def _case_variants(words: tuple[str, ...]) -> tuple[str, ...]:
    return tuple({v for w in words for v in (w, w.upper(), w.capitalize())})


_BOOL_VALUES = _case_variants(TRUE_WORDS + FALSE_WORDS)
DATE_FORMATS = ("%Y-%m-%d", "%Y%m%d", "%Y.%m.%d", "%Y/%m/%d", "%Y년 %m월 %d일")
DATETIME_FORMATS = (
    *(
        f"{d}{sep}{t}"
        for t in ("%H:%M:%S", "%H:%M:%S%.f", "%H:%M")
        for d in ("%Y-%m-%d", "%Y.%m.%d", "%Y/%m/%d")
        for sep in (" ", "T")
    ),
    "%Y%m%d%H%M%S",
)


def guess_types(lf: pl.LazyFrame, columns: list[str] | None = None) -> dict[str, ColumnGuess]:
    """One aggregate pass (plus one for date candidates) over string columns of ``lf``; nothing is kept.

    Works on a lazy scan, so ``inspect_path`` can type a file larger than memory. Each column is cleaned
    once (``__v<i>``) and every shape is counted on the cleaned values in the same ``select``.
    """
    schema = lf.collect_schema()
    columns = [c for c in (schema.names() if columns is None else columns) if schema[c] == pl.String]
    if not columns:
        return {}
    aggs: list[pl.Expr] = []
    for i, c in enumerate(columns):
        v = pl.col(f"__v{i}")
        aggs += [
            pl.col(c).is_not_null().sum().alias(f"{i}.raw"),
            v.is_not_null().sum().alias(f"{i}.n"),
            v.str.contains(INT_RE).sum().alias(f"{i}.int"),
            v.str.contains(FLOAT_RE).sum().alias(f"{i}.float"),
            v.str.contains(LEAD0_RE).sum().alias(f"{i}.lead0"),
            v.str.ends_with("%").sum().alias(f"{i}.pct"),
            v.is_in(_BOOL_VALUES).sum().alias(f"{i}.bool"),
            v.str.contains(DATE_RE).sum().alias(f"{i}.date"),
            v.str.contains(DATETIME_RE).sum().alias(f"{i}.dt"),
            v.str.contains(r"^\d{8}$").sum().alias(f"{i}.d8"),
            pl.col(c).str.len_bytes().sum().alias(f"{i}.bytes"),
            v.drop_nulls().first().alias(f"{i}.first"),
        ]
    cleaned = lf.with_columns(_clean(c).alias(f"__v{i}") for i, c in enumerate(columns))
    row = cleaned.select(aggs).collect().row(0, named=True)

    guesses: dict[str, ColumnGuess] = {}
    candidates: dict[int, tuple[str, str]] = {}
    for i, c in enumerate(columns):
        g = {k.split(".", 1)[1]: v for k, v in row.items() if k.startswith(f"{i}.")}
        n = int(g["n"] or 0)
        kind, percent = "str", False
        if n == 0:
            pass
        elif g["bool"] == n:
            kind = "bool"
        elif g["d8"] == n:
            candidates[i] = (c, "date")  # stays int when any value is not a real date
            kind = "int"
        elif g["date"] + g["dt"] == n:
            candidates[i] = (c, "datetime" if g["dt"] else "date")
        elif g["int"] == n and g["lead0"] == 0:
            kind = "int"
        elif g["float"] == n and g["lead0"] == 0 and g["pct"] in (0, n):
            kind, percent = "float", g["pct"] == n
        guesses[c] = ColumnGuess(
            name=c,
            kind=kind,
            non_null=n,
            markers=int(g["raw"] or 0) - n if kind != "str" else 0,
            percent=percent,
            text_bytes=int(g["bytes"] or 0),
        )
    if candidates:
        _confirm_dates(cleaned, candidates, {i: row[f"{i}.first"] for i in candidates}, guesses, row)
    return guesses


def _format_of(sample: str, kind: str) -> str | None:
    """The first strict format that parses the column's first value (tried on every value next)."""
    s = pl.Series([sample])
    for fmt in DATE_FORMATS if kind == "date" else DATETIME_FORMATS:
        parse = s.str.to_date if kind == "date" else s.str.to_datetime
        if parse(fmt, strict=False).null_count() == 0:
            return fmt
    return None


def _confirm_dates(
    cleaned: pl.LazyFrame,
    candidates: dict[int, tuple[str, str]],
    firsts: dict[int, str],
    guesses: dict[str, ColumnGuess],
    row: dict,
) -> None:
    """Parse candidate date columns in full: the first value's format, then the general rewrite if needed."""
    formats = {i: _format_of(firsts[i], kind) for i, (_, kind) in candidates.items()}
    for attempt in ("format", "general"):
        todo = {i: ck for i, ck in candidates.items() if attempt == "general" or formats[i]}
        if not todo:
            continue
        checks = []
        for i, (_, kind) in todo.items():
            fmt = formats[i] if attempt == "format" else None
            checks.append(_in_range(parse_temporal(pl.col(f"__v{i}"), kind, fmt)).sum().alias(str(i)))
        ok = cleaned.select(checks).collect().row(0, named=True)
        for i, (c, kind) in todo.items():
            prev = guesses[c]
            if ok[str(i)] == prev.non_null:
                guesses[c] = ColumnGuess(
                    name=c,
                    kind=kind,
                    non_null=prev.non_null,
                    markers=int(row[f"{i}.raw"]) - prev.non_null,
                    compact_date=prev.kind == "int",
                    text_bytes=prev.text_bytes,
                    fmt=formats[i] if attempt == "format" else None,
                )
                del candidates[i]
        if not candidates:
            return


def _in_range(expr: pl.Expr) -> pl.Expr:
    year = expr.dt.year()
    return year.is_between(*YEAR_RANGE) & expr.is_not_null()


def _iso(v: pl.Expr) -> pl.Expr:
    """Korean, dotted, slashed and compact dates rewritten as ``YYYY-M-D[ H:M[:S]]``."""
    return (
        v.str.replace(r"^(\d{4})\s*년\s*(\d{1,2})\s*월\s*(\d{1,2})\s*일", "${1}-${2}-${3}")
        .str.replace(r"^(\d{4})[./](\d{1,2})[./](\d{1,2})\.?", "${1}-${2}-${3}")
        .str.replace(r"^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$", "${1}-${2}-${3} ${4}:${5}:${6}")
        .str.replace(r"^(\d{4})(\d{2})(\d{2})$", "${1}-${2}-${3}")
        .str.replace(r"^(\S+)(?:T|\s+)", "${1} ")
    )


def parse_temporal(v: pl.Expr, kind: str, fmt: str | None = None) -> pl.Expr:
    """Parse cleaned text as ``date`` or ``datetime`` (µs); values that are no real date become null.

    With ``fmt`` one strict chrono format (fast); without, every supported layout is first rewritten to ISO.
    """
    if fmt:
        if kind == "date":
            return v.str.to_date(fmt, strict=False)
        return v.str.to_datetime(fmt, strict=False, time_unit="us")
    iso = _iso(v)
    if kind == "date":
        return iso.str.to_date("%Y-%m-%d", strict=False)
    iso = iso.str.replace(r"^(\S+ \d{1,2}:\d{2})$", "${1}:00").str.replace(r"^(\S+)$", "${1} 00:00:00")
    return iso.str.to_datetime("%Y-%m-%d %H:%M:%S%.f", strict=False, time_unit="us")


def _number_text(name: str) -> pl.Expr:
    """``(1,234)`` → ``-1234``; ``12.5%`` → ``12.5`` (the caller divides by 100)."""
    v = _clean(name)
    neg = v.str.starts_with("(")
    digits = v.str.replace_all(r"[(),%]", "")
    return pl.when(neg).then(pl.lit("-") + digits).otherwise(digits)


def to_temporal(name: str, kind: str, fmt: str | None = None) -> pl.Expr:
    return parse_temporal(_clean(name), kind, fmt)


def convert(name: str, kind: str, *, percent: bool = False, fmt: str | None = None) -> pl.Expr:
    """The expression that turns text column ``name`` into ``kind``; unreadable values become null."""
    if kind == "int":
        return _number_text(name).cast(pl.Int64, strict=False).alias(name)
    if kind == "float":
        value = _number_text(name).cast(pl.Float64, strict=False)
        return (value / 100 if percent else value).alias(name)
    if kind == "bool":
        v = _clean(name)
        yes, no = _case_variants(TRUE_WORDS), _case_variants(FALSE_WORDS)
        return pl.when(v.is_in(yes)).then(True).when(v.is_in(no)).then(False).alias(name)
    if kind in ("date", "datetime"):
        return to_temporal(name, kind, fmt).alias(name)
    if kind == "category":
        return pl.col(name).cast(pl.String).cast(pl.Categorical).alias(name)
    return pl.col(name).cast(pl.String).alias(name)


def typed_columns(guesses: dict[str, ColumnGuess], columns: list[str]) -> list[pl.Expr]:
    """One expression per column: the guessed conversion, or the column untouched when it was not text."""
    out = []
    for c in columns:
        g = guesses.get(c)
        out.append(convert(c, g.kind, percent=g.percent, fmt=g.fmt) if g else pl.col(c))
    return out


def guess_notes(guesses: dict[str, ColumnGuess]) -> tuple[Note, ...]:
    """What the user should know about how values were read (i18n keys ``io.note.*``)."""
    notes: list[Note] = []
    for g in guesses.values():
        if g.non_null == 0:
            notes.append(("io.note.all_null", {"column": g.name}))
        if g.markers:
            notes.append(("io.note.null_markers", {"column": g.name, "count": g.markers}))
        if g.percent:
            notes.append(("io.note.percent", {"column": g.name}))
        if g.compact_date:
            notes.append(("io.note.compact_date", {"column": g.name}))
    return tuple(notes)


def apply_overrides(frame: pl.DataFrame, overrides: dict[str, str] | None) -> pl.DataFrame:
    """Cast columns the analyst typed by hand (``{"계좌번호": "str"}``) from their text form.

    A value that does not fit the asked type is an error naming the column and examples, never a silent null.
    """
    if not overrides:
        return frame
    for column, kind in overrides.items():
        if column not in frame.columns:
            raise LoadError("io.error.override_column", column=column, columns=human_list(frame.columns, 8))
        if kind not in KINDS:
            raise LoadError("io.error.override_kind", column=column, kind=kind, kinds=", ".join(KINDS))
    text = frame.select(_as_text(frame, c) for c in overrides)
    converted = text.select(convert(c, k) for c, k in overrides.items())
    for c in overrides:
        lost = text.filter(_clean(c).is_not_null() & converted[c].is_null())[c]
        if len(lost):
            raise LoadError(
                "io.error.override_failed",
                column=c,
                kind=overrides[c],
                count=len(lost),
                examples=human_list([repr(x) for x in lost.unique(maintain_order=True).head(3)], 3),
            )
    return frame.with_columns(converted)


def _as_text(frame: pl.DataFrame, c: str) -> pl.Expr:
    """A column back as text: dates as ISO, so an override can re-read any column it was given."""
    dtype = frame.schema[c]
    if dtype == pl.Date:
        return pl.col(c).dt.strftime("%Y-%m-%d")
    if dtype == pl.Boolean:
        return pl.when(pl.col(c)).then(pl.lit("true")).when(~pl.col(c)).then(pl.lit("false")).alias(c)
    return pl.col(c).cast(pl.String)


def dtype_name(dtype: pl.DataType) -> str:
    """The simple names the UI and the CLI show: int, float, str, date, datetime, bool, category."""
    if dtype.is_integer():
        return "int"
    if dtype.is_float() or dtype.is_decimal():
        return "float"
    if dtype == pl.Boolean:
        return "bool"
    if dtype == pl.Date:
        return "date"
    if isinstance(dtype, pl.Datetime):
        return "datetime"
    if isinstance(dtype, pl.Categorical | pl.Enum):
        return "category"
    if dtype in (pl.String, pl.Null):
        return "str"
    return str(dtype).lower()
