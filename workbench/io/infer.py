"""Column types from every value of the column, never from a head sample.

Text is read as strings first; then aggregate passes count, per column, how many values fit each shape
(integer, decimal, yes/no, date, date-time) after blanks and null markers (``N/A``, ``-``, ``#N/A`` …) are
set aside: cheap counts on every column, the regexes only on columns whose values all start like a number.
A column gets a type only when *every* remaining value fits it, so a ``1.5`` at row 90,000 makes the column
``float`` instead of breaking the load, and one word among numbers keeps the whole column text.

Numbers may carry thousands separators (``"1,234,567"``), accountants' negatives (``(1,234)`` → -1234) and a
percent sign (a column where every value ends in ``%`` becomes a fraction: 12.5% → 0.125). Yes/no columns
(Y/N, 예/아니오, true/false, T/F) keep their spelling: every message, table, chart and report shows ``예``
where the file says ``예`` (``ColumnGuess.yes_no`` says what they are; stages that need 0/1 convert inside),
with spaces trimmed and null markers read as missing; ``bool`` is only ever asked for by an override. Candidate dates
get one more pass that parses them and checks the calendar and a plausible year (1900–2100), so 8-digit
account codes stay numbers unless every one of them is a real date. Codes with leading zeros (``00123``)
stay text: a number would drop the zeros. A column with no value at all stays text (noted).
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
    them). ``text_bytes``: UTF-8 bytes of values longer than 12 bytes (shorter ones sit inside polars' 16-byte
    string views), for the memory estimate.
    """

    name: str
    kind: str
    non_null: int
    markers: int = 0
    percent: bool = False
    compact_date: bool = False
    text_bytes: int = 0
    fmt: str | None = None  # the strict format every value parsed with (None: the general rewrite)
    yes_no: bool = False  # every value a yes/no word: kept as written (trimmed, null markers as null)


def _clean(name: str) -> pl.Expr:
    """The value with surrounding spaces removed and null markers as null."""
    return pl.col(name).str.strip_chars().replace(list(NULL_MARKERS), None)


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


WIDE = 48  # columns: above this, shapes are counted on the unpivoted (long) form in one group-by


def _first_aggs(raw: pl.Expr, v: pl.Expr) -> dict[str, pl.Expr]:
    """Cheap counts for every column, and ``numish``: values that start like a number or a date."""
    return {
        "raw": raw.is_not_null().sum(),
        "n": v.is_not_null().sum(),
        "pct": v.str.ends_with("%").sum(),
        "bool": v.is_in(_BOOL_VALUES).sum(),
        "numish": v.str.contains(r"^[-+(.\d]").sum(),
        "bytes": raw.str.len_bytes().pipe(lambda n: pl.when(n > 12).then(n).otherwise(0)).sum(),
        "first": v.drop_nulls().first(),
    }


def _number_aggs(raw: pl.Expr, v: pl.Expr) -> dict[str, pl.Expr]:
    """The regex counts, run only on columns whose every value starts like a number or a date."""
    return {
        "int": v.str.contains(INT_RE).sum(),
        "float": v.str.contains(FLOAT_RE).sum(),
        "lead0": v.str.contains(LEAD0_RE).sum(),
        "date": v.str.contains(DATE_RE).sum(),
        "dt": v.str.contains(DATETIME_RE).sum(),
        "d8": v.str.contains(r"^\d{8}$").sum(),
    }


_NUMBER_KEYS = tuple(_number_aggs(pl.col("x"), pl.col("x")))


def _long(lf: pl.LazyFrame, columns: list[str]) -> pl.LazyFrame:
    """``(__c, __raw)`` pairs: every value of ``columns`` in one column, tagged with its column's name."""
    return lf.select(columns).unpivot(on=columns, variable_name="__c", value_name="__raw")


def _aggregate(lf: pl.LazyFrame, columns: list[str], make) -> dict[str, dict]:
    """``make(raw, cleaned)`` aggregates per column: one ``select`` for a narrow frame; for a wide one
    (polars' planning cost grows with expressions × width) one group-by over the long form."""
    if len(columns) <= WIDE:
        cleaned = lf.with_columns(_clean(c).alias(f"__v{i}") for i, c in enumerate(columns))
        aggs = [
            e.alias(f"{i}.{k}") for i, c in enumerate(columns) for k, e in make(pl.col(c), pl.col(f"__v{i}")).items()
        ]
        row = cleaned.select(aggs).collect().row(0, named=True)
        keys = list(make(pl.col("x"), pl.col("x")))
        return {c: {k: row[f"{i}.{k}"] for k in keys} for i, c in enumerate(columns)}
    aggs = [e.alias(k) for k, e in make(pl.col("__raw"), pl.col("__v")).items()]
    out = _long(lf, columns).with_columns(_clean("__raw").alias("__v")).group_by("__c").agg(aggs).collect()
    found = {r["__c"]: r for r in out.iter_rows(named=True)}
    empty = {k: None for k in make(pl.col("x"), pl.col("x"))}  # a frame without rows has no groups
    return {c: found.get(c, dict(empty)) for c in columns}


def _count_shapes(lf: pl.LazyFrame, columns: list[str]) -> dict[str, dict]:
    """Shape counts per column, in two passes: cheap counts everywhere, the regexes only where they can
    match (a column of names or categories costs one pass, not seven regexes)."""
    counts = _aggregate(lf, columns, _first_aggs)
    numeric = [c for c in columns if counts[c]["n"] and counts[c]["numish"] == counts[c]["n"]]
    more = _aggregate(lf, numeric, _number_aggs) if numeric else {}
    for c in columns:
        counts[c].update(more.get(c, dict.fromkeys(_NUMBER_KEYS, 0)))
    return counts


def guess_types(lf: pl.LazyFrame, columns: list[str] | None = None) -> dict[str, ColumnGuess]:
    """Two aggregate passes (plus one per date format) over string columns of ``lf``; nothing is kept.

    Works on a lazy scan, so ``inspect_path`` can type a file larger than memory.
    """
    schema = lf.collect_schema()
    columns = [c for c in (schema.names() if columns is None else columns) if schema[c] == pl.String]
    if not columns:
        return {}
    counts = _count_shapes(lf, columns)
    guesses: dict[str, ColumnGuess] = {}
    candidates: dict[str, str] = {}
    for c in columns:
        g = {k: (v or 0) for k, v in counts[c].items()}
        n = int(g["n"])
        kind, percent, yes_no = "str", False, False
        if n == 0:
            pass
        elif g["bool"] == n:
            yes_no = True
        elif g["d8"] == n:
            candidates[c] = "date"  # stays int when any value is not a real date
            kind = "int"
        elif g["date"] + g["dt"] == n:
            candidates[c] = "datetime" if g["dt"] else "date"
        elif g["int"] == n and g["lead0"] == 0:
            kind = "int"
        elif g["float"] == n and g["lead0"] == 0 and g["pct"] in (0, n):
            kind, percent = "float", g["pct"] == n
        guesses[c] = ColumnGuess(
            name=c,
            kind=kind,
            non_null=n,
            markers=int(g["raw"]) - n if kind != "str" or yes_no else 0,
            percent=percent,
            text_bytes=int(g["bytes"]),
            yes_no=yes_no,
        )
    if candidates:
        firsts = {c: counts[c]["first"] for c in candidates}
        for c, fmt in _confirm_dates(lf, candidates, firsts, guesses).items():
            prev = guesses[c]
            guesses[c] = ColumnGuess(
                name=c,
                kind=candidates[c],
                non_null=prev.non_null,
                markers=int(counts[c]["raw"]) - prev.non_null,
                compact_date=prev.kind == "int",
                text_bytes=prev.text_bytes,
                fmt=fmt,
            )
    return guesses


def _format_of(sample: str, kind: str) -> str | None:
    """The first strict format that parses the column's first value (tried on every value next)."""
    s = pl.Series([sample])
    for fmt in DATE_FORMATS if kind == "date" else DATETIME_FORMATS:
        parse = s.str.to_date if kind == "date" else s.str.to_datetime
        if parse(fmt, strict=False).null_count() == 0:
            return fmt
    return None


def _first_parses(sample: str, kind: str) -> bool:
    """Whether the general rewrite reads the first value: when it cannot, no full pass is needed."""
    frame = pl.DataFrame({"x": [sample]})
    return bool(frame.select(_in_range(parse_temporal(pl.col("x"), kind))).item())


def _confirm_dates(
    lf: pl.LazyFrame, candidates: dict[str, str], firsts: dict[str, str], guesses: dict[str, ColumnGuess]
) -> dict[str, str | None]:
    """Columns whose every value is a real date in range, with the format that read them.

    The first value decides what is tried: its strict format over the whole column (fast); failing that,
    the general rewrite, but only when it reads the first value (a column of account codes whose first
    value is no date costs nothing more). Columns sharing a (kind, format) are checked together on their
    long form, so a wide table costs one pass per format.
    """
    formats = {c: _format_of(firsts[c], kind) for c, kind in candidates.items()}
    general_ok = {c: _first_parses(firsts[c], kind) for c, kind in candidates.items()}
    confirmed: dict[str, str | None] = {}
    for attempt in ("format", "general"):
        groups: dict[tuple[str, str | None], list[str]] = {}
        for c, kind in candidates.items():
            if c in confirmed:
                continue
            if attempt == "format" and formats[c]:
                groups.setdefault((kind, formats[c]), []).append(c)
            elif attempt == "general" and general_ok[c] and formats[c] != "%Y%m%d":  # 8 digits: one layout
                groups.setdefault((kind, None), []).append(c)
        for (kind, fmt), cols in groups.items():
            ok = _in_range(parse_temporal(_clean("__raw"), kind, fmt)).sum().alias("ok")
            counts = _long(lf, cols).group_by("__c").agg(ok).collect()
            for c, n_ok in counts.iter_rows():
                if n_ok == guesses[c].non_null:
                    confirmed[c] = fmt
    return confirmed


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


def convert(name: str, kind: str, *, percent: bool = False, fmt: str | None = None, yes_no: bool = False) -> pl.Expr:
    """The expression that turns text column ``name`` into ``kind``; unreadable values become null. A yes/no
    column read as text stays as written, trimmed, its null markers as null."""
    if kind == "str" and yes_no:
        return _clean(name).alias(name)
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


def cast_frame(frame: pl.DataFrame, guesses: dict[str, ColumnGuess]) -> pl.DataFrame:
    """``frame`` with every guessed text column converted; other columns untouched.

    A wide frame is converted kind by kind: the columns sharing a conversion are stacked into one long
    series, converted by one expression and cut back into columns (no per-column planning cost).
    """
    columns = frame.columns
    if len(columns) <= WIDE:
        return frame.select(typed_columns(guesses, columns))
    groups: dict[tuple[str, bool, str | None, bool], list[str]] = {}
    for c in columns:
        g = guesses.get(c)
        if g and (g.kind != "str" or g.yes_no):
            groups.setdefault((g.kind, g.percent, g.fmt, g.yes_no), []).append(c)
    out = {c: frame.get_column(c) for c in columns}
    n = frame.height
    for (kind, percent, fmt, yes_no), cols in groups.items():
        stacked = pl.concat([frame.get_column(c).rename("__x") for c in cols], rechunk=True).to_frame()
        converted = stacked.select(convert("__x", kind, percent=percent, fmt=fmt, yes_no=yes_no)).to_series()
        for j, c in enumerate(cols):
            out[c] = converted.slice(j * n, n).rename(c)
    return pl.DataFrame([out[c] for c in columns])


def typed_columns(guesses: dict[str, ColumnGuess], columns: list[str]) -> list[pl.Expr]:
    """One expression per column: the guessed conversion, or the column untouched when it was not text."""
    out = []
    for c in columns:
        g = guesses.get(c)
        out.append(convert(c, g.kind, percent=g.percent, fmt=g.fmt, yes_no=g.yes_no) if g else pl.col(c))
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
    """Cast columns the analyst typed by hand (``{"계좌번호": "str"}``).

    Text columns are re-read from their text (``"1,234"`` → 1234); typed columns convert directly (a whole
    float 1000.0 from Excel → 1000, a datetime → its date). A value that does not fit the asked type is an
    error naming the column and examples, never a silent null.
    """
    if not overrides:
        return frame
    for column, kind in overrides.items():
        if column not in frame.columns:
            raise LoadError("io.error.override_column", column=column, columns=human_list(frame.columns, 8))
        if kind not in KINDS:
            raise LoadError("io.error.override_kind", column=column, kind=kind, kinds=", ".join(KINDS))
    converted = []
    for c, kind in overrides.items():
        source = frame.get_column(c)
        if source.dtype == pl.String:
            before = source.to_frame().select(_clean(c)).to_series()
            after = source.to_frame().select(convert(c, kind)).to_series()
        else:
            before, after = source, _convert_typed(source, kind)
        lost = source.filter(before.is_not_null() & after.is_null())
        if len(lost):
            raise LoadError(
                "io.error.override_failed",
                column=c,
                kind=kind,
                count=len(lost),
                examples=human_list([repr(x) for x in lost.cast(pl.String).unique(maintain_order=True).head(3)], 3),
            )
        converted.append(after.rename(c))
    return frame.with_columns(converted)


def _convert_typed(s: pl.Series, kind: str) -> pl.Series:
    """A non-text column as ``kind``; values that cannot be represented become null (and are reported)."""
    dtype = s.dtype
    if kind == "str":
        if dtype == pl.Date:
            return s.dt.strftime("%Y-%m-%d")
        if isinstance(dtype, pl.Datetime):
            return s.dt.strftime("%Y-%m-%d %H:%M:%S")
        return s.cast(pl.String)
    if kind == "category":
        return _convert_typed(s, "str").cast(pl.Categorical)
    if dtype.is_numeric() or dtype == pl.Boolean:
        if kind == "float":
            return s.cast(pl.Float64)
        if kind == "int":
            if dtype.is_float():
                s = s.to_frame().select(pl.when(pl.col(s.name) == pl.col(s.name).floor()).then(pl.col(s.name)))
                s = s.to_series()
            return s.cast(pl.Int64, strict=False)
        if kind == "bool":
            x = pl.col(s.name)
            return s.to_frame().select(pl.when(x == 1).then(True).when(x == 0).then(False)).to_series()
    if dtype.is_temporal():
        if kind == "date" and isinstance(dtype, pl.Datetime):
            return s.dt.date()
        if kind in ("date", "datetime"):
            return s.cast(pl.Date if kind == "date" else pl.Datetime("us"))
    text = _convert_typed(s, "str").rename("__x").to_frame()
    return text.select(convert("__x", kind)).to_series()


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
