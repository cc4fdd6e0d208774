"""Sniffing a delimited text file: encoding, delimiter, quote character and header, from the bytes alone.

Korean bank extracts arrive as UTF-8, UTF-8 with a BOM (Excel's "CSV UTF-8"), CP949 (Excel's default "CSV" on
Korean Windows) or EUC-KR (older mainframe exports), and occasionally UTF-16 (Excel's "Unicode text"). The
user is never asked: the encoding is the first of those that decodes the *whole* file (a CP949-only byte can
sit at row 90,000), CP949 is reported as EUC-KR when the strict EUC-KR codec also accepts every byte (CP949 is
its superset: it adds the 8,822 extra Hangul syllables such as 똠 and 햏).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from workbench.io.errors import LoadError

CHUNK = 8 << 20  # bytes decoded per step when validating the whole file
HEAD = 256 << 10  # bytes of text the dialect is sniffed from
SNIFF_LINES = 500
DELIMITERS = (",", "\t", ";", "|")  # in order of preference when two fit equally well
_BINARY_CONTROL = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")
_NUMBERISH = re.compile(r"^\s*[-+(]?[\d.,]+%?\)?\s*$")
_DATEISH = re.compile(r"^\s*\d{4}\s*[-./년]\s*\d{1,2}\s*[-./월]\s*\d{1,2}")


@dataclass(frozen=True)
class Dialect:
    """How a delimited file is written. ``header`` is False when the first line already holds data."""

    delimiter: str
    quote_char: str | None
    header: bool


def read_head(path: Path, size: int = HEAD) -> bytes:
    with path.open("rb") as f:
        return f.read(size)


def sniff_encoding(path: str | Path) -> str:
    """``"utf-8"``, ``"utf-8-sig"``, ``"euc-kr"``, ``"cp949"`` or ``"utf-16"``, validated over every byte.

    Raises ``LoadError`` for an empty file, a binary file and a text file in none of those encodings.
    """
    path = Path(path)
    head = read_head(path, CHUNK)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16" if _decodes(path, "utf-16") else _unknown(path)
    if not head.replace(codecs.BOM_UTF8, b"").strip():
        raise LoadError("io.error.empty", path=path.name)
    if b"\x00" in head or len(_BINARY_CONTROL.findall(head[:65536])) > max(8, len(head[:65536]) // 1000):
        raise LoadError("io.error.binary", path=path.name)
    utf8 = _decode_status(path, "utf-8")
    if utf8 == "ok":
        return "utf-8-sig" if head.startswith(codecs.BOM_UTF8) else "utf-8"
    if utf8 == "cut":
        raise LoadError("io.error.cut_text", path=path.name)
    if not head.startswith(codecs.BOM_UTF8) and _decodes(path, "cp949") and _looks_korean(head):
        return "euc-kr" if _decodes(path, "euc_kr") else "cp949"
    return _unknown(path)


def _unknown(path: Path):
    raise LoadError("io.error.encoding", path=path.name)


def _decodes(path: Path, encoding: str) -> bool:
    """True when every byte of the file decodes strictly; reads ``CHUNK`` bytes at a time."""
    return _decode_status(path, encoding) == "ok"


def _decode_status(path: Path, encoding: str) -> str:
    """``"ok"``; ``"cut"`` when only the last character is incomplete (a download cut short); else ``"bad"``."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    try:
        with path.open("rb") as f:
            while chunk := f.read(CHUNK):
                decoder.decode(chunk)
    except UnicodeDecodeError:
        return "bad"
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "cut"
    return "ok"


_WIDE = re.compile(r"[^\x00-\x7f]")
_HANGUL = re.compile(r"[\uac00-\ud7a3\u3131-\u318e]")


def _looks_korean(head: bytes) -> bool:
    """Guard against Latin-1 or Shift-JIS text that happens to decode as CP949: non-ASCII must be Hangul.

    Judged on the first 256 KB, where any export's headers and first thousands of rows sit.
    """
    text = head[:HEAD].decode("cp949", errors="ignore")
    wide = len(_WIDE.findall(text))
    return wide == 0 or len(_HANGUL.findall(text)) >= 0.5 * wide


def decode_head(path: str | Path, encoding: str, size: int = HEAD) -> str:
    """The first ``size`` bytes as text, cut at the last complete line (unless that is the whole file)."""
    path = Path(path)
    raw = read_head(path, size)
    text = raw.decode(encoding if encoding != "utf-8" else "utf-8-sig", errors="ignore").lstrip("\ufeff")
    if len(raw) == size and "\n" in text:
        text = text[: text.rindex("\n") + 1]
    return text


def sniff_dialect(text: str) -> Dialect:
    """Delimiter, quote char and header presence from the head of the file.

    The delimiter is the candidate that splits the sampled records into the same number (> 1) of fields most
    consistently, parsing quotes as a CSV reader would, so ``"1,234,567"`` inside quotes does not vote for the
    comma. A file with one column gets ``","``.
    """
    quote_char = _sniff_quote(text)
    best: tuple[float, int, int] | None = None
    delimiter = ","
    for rank, cand in enumerate(DELIMITERS):
        widths = [len(r) for r in _records(text, cand, quote_char) if r and any(f.strip() for f in r)]
        if not widths:
            continue
        mode = max(set(widths), key=widths.count)
        if mode < 2:
            continue
        score = (widths.count(mode) / len(widths), mode, -rank)
        if best is None or score > best:
            best, delimiter = score, cand
    rows = [r for r in _records(text, delimiter, quote_char) if r and any(f.strip() for f in r)]
    return Dialect(delimiter=delimiter, quote_char=quote_char, header=_has_header(rows))


def _records(text: str, delimiter: str, quote_char: str | None) -> list[list[str]]:
    quoting = csv.QUOTE_MINIMAL if quote_char else csv.QUOTE_NONE
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, quotechar=quote_char or '"', quoting=quoting)
    out = []
    try:
        for row in reader:
            out.append(row)
            if len(out) >= SNIFF_LINES:
                break
    except csv.Error:
        pass
    return out


def _sniff_quote(text: str) -> str | None:
    if '"' in text:
        return '"'
    if re.search(r"(^|[,\t;|])'[^'\n]*'([,\t;|]|$)", text, re.MULTILINE):
        return "'"
    return '"'


def header_fields(text: str, dialect: Dialect) -> list[str]:
    """The first record's fields, as written (names are cleaned later by ``names.unique_names``)."""
    for row in _records(text, dialect.delimiter, dialect.quote_char):
        if row and any(f.strip() for f in row):
            return row
    return []


def _kind(value: str) -> str:
    v = value.strip()
    if not v:
        return "empty"
    if _NUMBERISH.match(v) or _DATEISH.match(v):
        return "number"
    return "text"


def _has_header(rows: list[list[str]]) -> bool:
    """A header unless the first row looks like the data beneath it.

    A column votes "header" when its first cell is text over a number/date body, and "data" when the first
    cell is a number/date like the body. Ties (all-text tables) count as a header: exports nearly always
    carry one, and a missing header costs only generic names, while a header read as data poisons every type.
    """
    if len(rows) < 2:
        return True
    first, body = rows[0], rows[1:]
    if any(not f.strip() for f in first) and all(_kind(f) != "text" for f in first if f.strip()):
        return False
    votes = 0
    for j, cell in enumerate(first):
        kinds = {_kind(r[j]) for r in body if j < len(r)} - {"empty"}
        if kinds == {"number"}:
            votes += 1 if _kind(cell) == "text" else -1
    return votes >= 0
