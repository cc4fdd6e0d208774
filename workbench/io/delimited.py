"""CSV/TSV (any delimiter, any of the sniffed encodings) → strings → types from whole columns.

Steps, each a function below: sniff the encoding and dialect; hand polars UTF-8 (CP949/EUC-KR/UTF-16 are
transcoded in chunks: in memory up to ``IN_MEMORY_LIMIT``, else through a temporary file); count the fields
of every line to find ragged rows (reported by file line number, or skipped on request); read every cell as a
string with the analyst's header names (made unique); type each column from all its values (``infer.py``).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from workbench.io.archive import COMPRESSED, decompressed
from workbench.io.errors import LoadError, human_list
from workbench.io.hygiene import tidy_rows
from workbench.io.infer import WIDE, apply_overrides, cast_frame, guess_notes, guess_types
from workbench.io.names import unique_names
from workbench.io.sniff import CHUNK, Dialect, decode_head, header_fields, sniff_dialect, sniff_encoding

Note = tuple[str, dict]
Source = Path | bytes
IN_MEMORY_LIMIT = 512 << 20  # bytes: transcode in memory below this size, through a temp file above


@dataclass(frozen=True)
class Prepared:
    """A delimited file ready for polars: UTF-8 source, dialect, unique names and what was noticed."""

    source: Source
    encoding: str
    dialect: Dialect
    names: tuple[str, ...]
    notes: tuple[Note, ...]
    trailing: bool = False  # every data line ends with the delimiter the header lacks (the extra field is cut)
    blank: tuple[str, ...] = ()  # names given to blank headers: dropped again when the column is empty


@contextmanager
def prepared(path: Path, *, skip_bad_lines: bool = False) -> Iterator[Prepared]:
    """Sniff, transcode and check ``path``; the source stays valid inside the ``with`` block."""
    if path.suffix.lower() in COMPRESSED:
        with decompressed(path) as inner, prepared(inner, skip_bad_lines=skip_bad_lines) as p:
            yield p
        return
    encoding = sniff_encoding(path)
    head = decode_head(path, encoding)
    dialect = sniff_dialect(head)
    raw_names = header_fields(head, dialect)
    if not raw_names:  # only blank lines, delimiters or a lone quote
        raise LoadError("io.error.empty", path=path.name)
    if dialect.header:
        names, notes = unique_names(raw_names)
    else:
        names, notes = [f"column_{i}" for i in range(1, len(raw_names) + 1)], (("io.note.no_header", {}),)
    blank = tuple(n[1]["new"] for n in notes if n[0] == "io.note.blank_name")
    with utf8_source(path, encoding, strip_bom=not dialect.header) as source:
        source, bad_notes, trailing = check_fields(
            source, dialect, expected=len(names), skip_bad_lines=skip_bad_lines, path=path
        )
        yield Prepared(source, encoding, dialect, tuple(names), notes + bad_notes, trailing, blank)


@contextmanager
def utf8_source(path: Path, encoding: str, *, strip_bom: bool = False) -> Iterator[Source]:
    """The file as UTF-8 polars can read: the path itself when it already is, else transcoded bytes/file."""
    if encoding == "utf-8" or (encoding == "utf-8-sig" and not strip_bom):
        yield path
        return
    if path.stat().st_size <= IN_MEMORY_LIMIT:
        yield path.read_bytes().decode(encoding).lstrip("\ufeff").encode("utf-8")
        return
    decoder = codecs.getincrementaldecoder(encoding)()
    with tempfile.TemporaryDirectory(prefix="workbench-io-") as tmp:
        out_path = Path(tmp) / "utf8.csv"
        with path.open("rb") as src, out_path.open("wb") as out:
            first = True
            while chunk := src.read(CHUNK):
                text = decoder.decode(chunk)
                if first:
                    text, first = text.lstrip("\ufeff"), False
                out.write(text.encode("utf-8"))
            out.write(decoder.decode(b"", final=True).encode("utf-8"))
        yield out_path


def _lines(source: Source) -> pl.LazyFrame:
    """Every physical line as one string (NUL never occurs: binary files were refused by the sniffer)."""
    return pl.scan_csv(
        source,
        has_header=False,
        separator="\x00",
        quote_char=None,
        infer_schema=False,
        new_columns=["line"],
        raise_if_empty=False,
    )


def check_fields(
    source: Source, dialect: Dialect, *, expected: int, skip_bad_lines: bool, path: Path
) -> tuple[Source, tuple[Note, ...], bool]:
    """Find lines whose field count differs from the header's; raise, or drop them and say which.

    Counted on all lines at once: quoted sections are removed before counting delimiters. A quoted field
    spanning lines (an odd number of quotes on a line) sends the file to Python's csv reader instead.
    When *every* data line has one field more and ends with the delimiter (systems that end each record
    with a separator but not the header), the file is fine: the third value returned says so.
    """
    lines = _lines(source)
    line = pl.col("line").str.strip_chars_end("\r")
    q = dialect.quote_char
    unquoted = line.str.replace_all(f"{re.escape(q)}[^{re.escape(q)}]*{re.escape(q)}", "") if q else line
    fields = unquoted.str.count_matches(dialect.delimiter, literal=True) + 1
    multiline = line.str.count_matches(q, literal=True).mod(2).eq(1).any() if q else pl.lit(False)
    blank = line.is_null() | (line.str.strip_chars() == "")
    first_line = 2 if dialect.header else 1
    counted = lines.with_row_index("no", offset=1).with_columns(fields=fields, blank=blank)
    data = counted.filter((pl.col("no") >= first_line) & ~pl.col("blank"))
    bad_q = data.filter(pl.col("fields") != expected)
    trailing_q = data.select(
        n=pl.len(), trailing=((pl.col("fields") == expected + 1) & line.str.ends_with(dialect.delimiter)).sum()
    )
    bad, flags, ends = pl.collect_all([bad_q.select("no", "fields"), lines.select(multiline=multiline), trailing_q])
    if flags["multiline"][0]:
        return (*_check_fields_by_record(source, dialect, expected=expected, skip=skip_bad_lines, path=path), False)
    if bad.height == 0:
        return source, (), False
    if ends["n"][0] and ends["trailing"][0] == ends["n"][0]:
        return source, (), True
    numbers = bad["no"].to_list()
    if not skip_bad_lines:
        raise _ragged(path, numbers, bad["fields"].to_list(), expected)
    kept = (
        lines.with_row_index("no", offset=1)
        .filter(~pl.col("no").is_in(numbers))
        .select(pl.col("line").fill_null("").str.join("\n"))
        .collect()
        .item()
    )
    return kept.encode("utf-8") + b"\n", (_skipped_note(numbers),), False


def _check_fields_by_record(
    source: Source, dialect: Dialect, *, expected: int, skip: bool, path: Path
) -> tuple[Source, tuple[Note, ...]]:
    """The slow, exact path for files whose quoted values contain line breaks."""
    text = (source.read_bytes() if isinstance(source, Path) else source).decode("utf-8-sig")
    reader = csv.reader(
        io.StringIO(text), delimiter=dialect.delimiter, quotechar=dialect.quote_char or '"', strict=True
    )
    good: list[list[str]] = []
    bad_no: list[int] = []
    bad_fields: list[int] = []
    start = 1
    try:
        for i, record in enumerate(reader):
            is_data = record and any(f.strip() for f in record) and (i > 0 or not dialect.header)
            if is_data and len(record) != expected:
                bad_no.append(start)
                bad_fields.append(len(record))
                start = reader.line_num + 1
                continue
            good.append(record)
            start = reader.line_num + 1
    except csv.Error as err:  # a quote opened and never closed swallows the rest of the file
        raise LoadError("io.error.quote", path=path.name, line=start) from err
    if not bad_no:
        return source, ()
    if not skip:
        raise _ragged(path, bad_no, bad_fields, expected)
    out = io.StringIO()
    csv.writer(out, delimiter=dialect.delimiter, quotechar=dialect.quote_char or '"', lineterminator="\n").writerows(
        good
    )
    return out.getvalue().encode("utf-8"), (_skipped_note(bad_no),)


def _ragged(path: Path, numbers: list[int], fields: list[int], expected: int) -> LoadError:
    found = sorted(set(fields[:3]))
    return LoadError(
        "io.error.ragged_one" if len(numbers) == 1 else "io.error.ragged",
        path=path.name,
        lines=", ".join(str(n) for n in numbers[:3]),
        count=len(numbers),
        found=", ".join(str(f) for f in found),
        expected=expected,
    )


def _skipped_note(numbers: list[int]) -> Note:
    shown = human_list([str(n) for n in numbers], 5)
    return ("io.note.skipped_lines", {"count": len(numbers), "shown": shown, "lines": numbers[:1000]})


def _csv_options(p: Prepared) -> dict:
    return {
        "has_header": p.dialect.header,
        "separator": p.dialect.delimiter,
        "quote_char": p.dialect.quote_char,
        "infer_schema": False,
        "new_columns": list(p.names),
        "truncate_ragged_lines": True,
        "raise_if_empty": False,
    }


def _not_empty_row() -> pl.Expr:
    return ~pl.all_horizontal(pl.all().is_null())


def parse_error(path: Path, err: Exception) -> LoadError:
    """What polars could not parse, as the user's one line (the first line of polars' own message)."""
    reason = (str(err).strip().splitlines() or [type(err).__name__])[0][:160]
    return LoadError("io.error.parse", path=path.name, reason=reason)


def read_strings(p: Prepared, path: Path | None = None) -> pl.DataFrame:
    """Every cell as a string (blank → null), names as prepared, wholly empty rows (blank lines) dropped,
    and so are empty columns without a header (what a trailing delimiter leaves)."""
    try:
        frame = pl.read_csv(p.source, **_csv_options(p))
    except pl.exceptions.PolarsError as err:
        raise parse_error(path or Path("?"), err) from err
    frame = frame.filter(_not_empty_row())
    empty = [c for c in p.blank if frame[c].null_count() == frame.height]
    return frame.drop(empty) if empty else frame


def scan_strings(p: Prepared) -> pl.LazyFrame:
    """``read_strings`` as a lazy scan, for files too large to hold as text.

    Wholly empty rows are dropped only up to ``WIDE`` columns: polars plans a lazy row-wise filter over
    thousands of columns very slowly (minutes for 3,000), and wide files are small enough to read eagerly.
    """
    lf = pl.scan_csv(p.source, **_csv_options(p))
    return lf.filter(_not_empty_row()) if len(p.names) <= WIDE else lf


def read_delimited(
    path: Path, *, overrides: dict[str, str] | None = None, skip_bad_lines: bool = False
) -> tuple[pl.DataFrame, Prepared, tuple[Note, ...]]:
    """The typed frame, how it was read, and the notes on names, skipped lines and values."""
    with prepared(path, skip_bad_lines=skip_bad_lines) as p:
        strings = read_strings(p, path)
    if strings.height == 0:
        raise LoadError("io.error.no_rows", path=path.name, columns=human_list(list(p.names), 5), names=list(p.names))
    strings, tidied = tidy_rows(strings)  # total, second-header and units rows go before typing
    columns = strings.columns
    notes = tuple(n for n in p.notes if n[0] != "io.note.blank_name" or n[1]["new"] in columns) + tidied
    overrides = dict(overrides or {})
    guesses = guess_types(strings.lazy(), [c for c in columns if c not in overrides])
    typed = cast_frame(strings, guesses)
    typed = apply_overrides(typed, overrides)
    return typed, p, notes + guess_notes(guesses)
