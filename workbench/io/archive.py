"""Compressed delimited files (``t.csv.gz``, ``.bz2``, ``.xz``, a ``.zip`` holding one CSV) expanded as a
stream with a limit: a decompression bomb is refused after at most ``RATIO_FLOOR`` bytes (or the absolute
limit), in constant memory, and the partial copy goes with the private temporary folder it was written to."""

from __future__ import annotations

import bz2
import gzip
import lzma
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from workbench.io.errors import LoadError, human_list
from workbench.io.limits import MAX_INFLATE_RATIO, MAX_INFLATED_MB, RATIO_FLOOR

STREAMS = {".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open}
COMPRESSED = (*STREAMS, ".zip")
STEP = 1 << 20  # bytes read per step: memory stays at this, whatever the file expands to


def limited_chunks(src: BinaryIO, *, compressed: int | None, label: str) -> Iterator[bytes]:
    """The chunks of an expanding stream, refused once they pass the absolute or (unless ``compressed`` is
    None) the ratio limit."""
    most = MAX_INFLATED_MB.value() << 20
    ratio = MAX_INFLATE_RATIO.value()
    total = 0
    while chunk := src.read(STEP):
        total += len(chunk)
        if total > most:
            raise MAX_INFLATED_MB.refuse(label, f"> {most >> 20:,} MB")
        if compressed is not None and total > RATIO_FLOOR and total > ratio * max(compressed, 1):
            raise MAX_INFLATE_RATIO.refuse(label, f"> {total // max(compressed, 1):,}×")
        yield chunk


def _copy(src: BinaryIO, out: Path, *, compressed: int, label: str) -> None:
    with out.open("wb") as dst:
        for chunk in limited_chunks(src, compressed=compressed, label=label):
            dst.write(chunk)


def _only_member(z: zipfile.ZipFile, path: Path) -> zipfile.ZipInfo:
    members = [m for m in z.infolist() if not m.is_dir() and not m.filename.startswith("__MACOSX")]
    if len(members) != 1:
        names = [m.filename for m in members]
        raise LoadError("io.error.zip_members", path=path.name, members=human_list(names, 5) or "-")
    return members[0]


@contextmanager
def decompressed(path: Path) -> Iterator[Path]:
    """The expanded file in a private (0700) temporary folder removed on the way out, errors included;
    any other path as it is."""
    suffix = path.suffix.lower()
    if suffix not in COMPRESSED:
        yield path
        return
    with tempfile.TemporaryDirectory(prefix="workbench-io-") as tmp:
        try:
            if suffix == ".zip":
                with zipfile.ZipFile(path) as z:
                    member = _only_member(z, path)
                    out = Path(tmp) / (Path(member.filename).name or "member")
                    with z.open(member) as src:
                        _copy(src, out, compressed=member.compress_size, label=path.name)
            else:
                out = Path(tmp) / path.stem
                with STREAMS[suffix](path, "rb") as src:
                    _copy(src, out, compressed=path.stat().st_size, label=path.name)
        except (OSError, EOFError, zipfile.BadZipFile, lzma.LZMAError) as err:
            raise LoadError("io.error.corrupt_archive", path=path.name) from err
        yield out
