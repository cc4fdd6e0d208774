"""Taking a table in: read → scan → certified (no PII) or held for masking (PII found).

The Data page and the CLI share this path, so the safe path is the only one: a table with a raw identifier
never becomes visible downstream, and a clean table is certified, audited and saved in one step.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from workbench.io import SourceInfo, read_table
from workbench.io.infer import apply_overrides
from workbench.io.table import Table
from workbench.privacy import Finding, MaskedTable, auto_certify, raw_customer_keys, scan
from workbench.relations import foreign_key_candidates, suggest_roles
from workbench.store import Dataset, Store

SAMPLE_DIR = Path(__file__).resolve().parents[1] / "sample_data"
SPOOL_PREFIX = "workbench-upload-"
SAMPLE_TABLES = ("customers", "accounts", "transactions", "loans")


@dataclass(frozen=True)
class Intake:
    """What happened to one table. ``masked`` is set when it passed; ``findings`` name PII columns (no values)."""

    name: str
    rows: int
    columns: int
    masked: MaskedTable | None
    findings: tuple[Finding, ...]
    dataset: Dataset | None = None

    @property
    def certified(self) -> bool:
        return self.masked is not None


def take_in(table: Table, store: Store | None = None, *, actor: str | None = None) -> Intake:
    """Scan ``table``; certify and save it when it holds no PII, otherwise report the PII columns."""
    result = scan(table)
    raw_keys = raw_customer_keys(table, result)  # a customer number as issued names a person: masked first
    blocking = (*result.findings, *(Finding(c, "customer_key", 1.0, 1.0, ()) for c in raw_keys))
    if blocking:
        return Intake(table.name, table.frame.height, table.frame.width, None, blocking)
    masked = auto_certify(table, actor=actor, store=store, scan_result=result)
    dataset = store.datasets.save_masked(masked, source=table.source, actor=actor) if store is not None else None
    return Intake(table.name, masked.height, len(masked.columns), masked, (), dataset)


def take_in_sample(store: Store, *, actor: str | None = None) -> list[Intake]:
    """The shipped sample bank, certified and saved, with its suggested roles and links recorded."""
    results = [take_in(read_table(SAMPLE_DIR / f"{n}.parquet", name=n), store, actor=actor) for n in SAMPLE_TABLES]
    record_suggested_structure(store, {r.name: r.masked for r in results if r.masked is not None}, actor=actor)
    return results


def record_suggested_structure(store: Store, tables: dict[str, MaskedTable], *, actor: str | None = None) -> None:
    """Save the suggested roles, keys and links, for tables whose structure nobody has decided yet."""
    decided = {m.dataset for m in store.tables.list()}
    for name, role in suggest_roles(tables).items():
        if name not in decided:
            store.tables.set(
                name,
                role=role.role,
                primary_key=role.primary_key or (),
                time_column=role.time_column,
                target_column=role.target,
                actor=actor,
            )
    for fk in foreign_key_candidates(tables):
        if fk.child not in decided:
            store.tables.relate(fk.child, fk.column, fk.parent, fk.parent_column, actor=actor)


def retype(masked: MaskedTable, overrides: dict[str, str], store: Store | None = None) -> Intake:
    """Cast columns of a certified table (``{"branch_code": "str"}``) and take it through the gate again.

    Casting cannot reveal anything, but the result is a new frame, so it is scanned and certified anew and
    saved as the dataset's next version, like any other table.
    """
    frame = apply_overrides(masked.frame, overrides)
    return take_in(Table(masked.name, frame, SourceInfo(kind="workspace", location=masked.name)), store)


# --- uploads: never a raw copy left behind ---------------------------------------------------------------

_LIVE_SPOOLS: set[Path] = set()


@contextlib.contextmanager
def spooled(name: str, data: bytes) -> Iterator[Path]:
    """An uploaded file as a path the readers can open, for the length of the ``with`` block only.

    The bytes go to a private (0700) temporary folder, as a 0600 file, removed in a ``finally`` whatever
    happens inside. Folders a killed process left behind are swept the next time (their name carries the
    pid); a server that stops removes its own at exit. A raw export is never kept on disk between reruns.
    """
    from workbench.store.paths import safe_filename

    sweep_spools()
    folder = Path(tempfile.mkdtemp(prefix=f"{SPOOL_PREFIX}{os.getpid()}-"))
    _LIVE_SPOOLS.add(folder)
    try:
        path = folder / safe_filename(Path(name).name)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        yield path
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        _LIVE_SPOOLS.discard(folder)


def sweep_spools() -> None:
    """Remove upload folders of processes that are gone (killed before their ``finally`` ran)."""
    for folder in Path(tempfile.gettempdir()).glob(f"{SPOOL_PREFIX}*"):
        pid = folder.name[len(SPOOL_PREFIX) :].split("-", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@atexit.register
def _remove_live_spools() -> None:
    for folder in list(_LIVE_SPOOLS):
        shutil.rmtree(folder, ignore_errors=True)
