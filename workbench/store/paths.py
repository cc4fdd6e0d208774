"""The workspace layout on disk, in one place so no package invents its own paths.

::

    <home>/
      workbench.db                          SQLite database (unless WORKBENCH_DB_URL points elsewhere)
      datasets/<name>-<fingerprint>.parquet certified frames, one file per distinct content
      runs/<run id>/model.txt               LightGBM model (text format), card.<md|html|json>
      reports/                              HTML / Excel reports the user exports
      logs/                                 application logs (never raw identifiers)

Files are written with :func:`atomic_write`: a temporary file in the same directory, flushed and fsynced,
then ``os.replace``d over the final name, so a reader (or a crash) sees either the old file or the new one.
"""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

TMP_PREFIX = ".tmp-"
PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600
MAX_STEM_BYTES = 150
_UNSAFE = re.compile(r"[^\w.\-]+", re.UNICODE)


def safe_filename(name: str) -> str:
    """``name`` as one path component: letters (Korean included), digits, ``._-``; anything else → ``_``.

    Leading dots are dropped so a name never becomes a hidden file or ``..``. Cut to 150 UTF-8 bytes (a
    Hangul syllable is 3), leaving room for ``-<fingerprint>.parquet`` under the usual 255-byte limit.
    """
    cleaned = _UNSAFE.sub("_", unicodedata.normalize("NFC", name)).lstrip(".")
    return cleaned.encode("utf-8")[:MAX_STEM_BYTES].decode("utf-8", "ignore") or "_"


def private(path: Path, mode: int) -> None:
    """Take group and world access away from ``path`` (an existing workspace made before this was the rule
    included); a path owned by someone else is left to its owner."""
    try:
        if path.stat().st_mode & 0o077:
            os.chmod(path, mode)
    except (FileNotFoundError, PermissionError):
        pass


@dataclass(frozen=True)
class WorkspacePaths:
    """Directories and file names of one workspace. ``ensure()`` creates the directories."""

    home: Path

    @property
    def db_file(self) -> Path:
        return self.home / "workbench.db"

    @property
    def datasets(self) -> Path:
        return self.home / "datasets"

    @property
    def runs(self) -> Path:
        return self.home / "runs"

    @property
    def reports(self) -> Path:
        return self.home / "reports"

    @property
    def logs(self) -> Path:
        return self.home / "logs"

    def ensure(self) -> WorkspacePaths:
        """Create the folders, private to their owner (0700): they hold certified data, runs and the store."""
        for d in (self.home, self.datasets, self.runs, self.reports, self.logs):
            d.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
            private(d, PRIVATE_DIR)
        return self

    def dataset_file(self, name: str, fingerprint: str) -> Path:
        """Content-addressed per name: a new version never overwrites the file an older version points to."""
        return self.datasets / f"{safe_filename(name)}-{fingerprint}.parquet"

    def run_dir(self, run_id: str) -> Path:
        return self.runs / safe_filename(run_id)

    def model_file(self, run_id: str) -> Path:
        return self.run_dir(run_id) / "model.txt"

    def card_file(self, run_id: str, suffix: str = "md") -> Path:
        return self.run_dir(run_id) / f"card.{suffix}"

    def report_file(self, name: str) -> Path:
        return self.reports / safe_filename(name)

    def relative(self, path: Path) -> str:
        """How a path is stored in the database: relative to home, so a workspace folder can be moved."""
        return path.resolve().relative_to(self.home.resolve()).as_posix()

    def absolute(self, stored: str) -> Path:
        return self.home / stored


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path next to ``target``; on success fsync it and rename it over ``target``.

    On an exception the temporary file is removed and ``target`` is untouched. After SIGKILL a
    ``.tmp-*`` file may remain; it is never referenced by the database (see ``Store.check``).
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=TMP_PREFIX, suffix=target.suffix, dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        with tmp.open("rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, target)
        _fsync_dir(target.parent)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def atomic_write(target: Path, write: Callable[[Path], object]) -> Path:
    """Run ``write(tmp_path)`` and move the result over ``target`` atomically. Returns ``target``."""
    with atomic_path(target) as tmp:
        write(tmp)
    return target


def atomic_write_text(target: Path, text: str) -> Path:
    return atomic_write(target, lambda p: p.write_text(text, encoding="utf-8"))
