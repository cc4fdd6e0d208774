"""``Store``: one workspace (a directory plus a database) and the repositories that read and write it."""

from __future__ import annotations

import contextlib
import os
import time
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from workbench.store import audit_seal, db, migrate
from workbench.store.audit import AuditLog, AuditVerification
from workbench.store.bin_edits import BinEdits
from workbench.store.datasets import Datasets
from workbench.store.errors import StoreError
from workbench.store.feature_runs import FeatureRuns
from workbench.store.features import Features, Reviews
from workbench.store.lineage import Lineages
from workbench.store.paths import PRIVATE_FILE, WorkspacePaths, private
from workbench.store.policies import Policies
from workbench.store.progress import LearnProgress
from workbench.store.runs import Runs
from workbench.store.schema import dataset_versions, feature_runs, runs
from workbench.store.tables import Tables
from workbench.store.timing import Timing
from workbench.store.ui_state import UiState

DEFAULT_HOME = "./workspace"


@dataclass(frozen=True)
class StoreCheck:
    """What ``Store.check()`` found. ``ok`` when the database is sound, every row's file exists and the audit
    chain verifies; unreferenced files (``orphan_files``, e.g. left by a crash mid-save) don't make it fail."""

    ok: bool
    integrity: str  # SQLite ``PRAGMA integrity_check`` result ("ok"), or "n/a" on PostgreSQL
    missing_files: tuple[str, ...]
    orphan_files: tuple[str, ...]
    audit: AuditVerification


class Store:
    """The workspace store. Make one with :meth:`Store.open`; it is safe to share between threads, so open
    it once per process (in Streamlit: ``st.cache_resource``) rather than on every rerun."""

    def __init__(self, engine: Engine, paths: WorkspacePaths) -> None:
        self.engine = engine
        self.paths = paths
        audit_seal.register(engine, paths.home)
        self.datasets = Datasets(self)
        self.tables = Tables(self)
        self.policies = Policies(self)
        self.audit = AuditLog(self)
        self.features = Features(self)
        self.reviews = Reviews(self)
        self.runs = Runs(self)
        self.progress = LearnProgress(self)
        self.lineage = Lineages(self)
        self.feature_runs = FeatureRuns(self)
        self.ui_state = UiState(self)
        self.bin_edits = BinEdits(self)
        self.timing = Timing(self)

    @classmethod
    def open(cls, home: str | os.PathLike[str] | None = None, url: str | None = None) -> Store:
        """Open (and create or upgrade) the workspace.

        ``home``: the workspace directory (default ``$WORKBENCH_HOME``, else ``./workspace``), created if
        missing with ``datasets/``, ``runs/``, ``reports/``, ``logs/``. ``url``: the database (default
        ``$WORKBENCH_DB_URL``, else ``sqlite:///<home>/workbench.db``); ``postgresql://`` uses psycopg 3.
        Migrations run to head on every open (a no-op when current).
        """
        home_path = Path(home or os.environ.get("WORKBENCH_HOME") or DEFAULT_HOME).expanduser().resolve()
        try:
            paths = WorkspacePaths(home_path).ensure()
        except OSError as e:
            raise StoreError("store.home_unusable", home=str(home_path), reason=e.strerror or str(e)) from None
        url = url or os.environ.get("WORKBENCH_DB_URL")
        if not url:  # the SQLite file is made private before SQLite opens it (its -wal and -shm follow its mode)
            with contextlib.suppress(FileExistsError):
                os.close(os.open(paths.db_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE))
            for f in (paths.db_file, *(paths.db_file.with_name(paths.db_file.name + x) for x in ("-wal", "-shm"))):
                private(f, PRIVATE_FILE)
        engine = db.create(url or sa.engine.URL.create("sqlite", database=str(paths.db_file)))
        try:
            migrate.upgrade(engine)
        except sa.exc.DBAPIError as e:
            engine.dispose()
            reason = db.redact(str(e.orig).strip().splitlines()[0] if e.orig else type(e).__name__)
            raise StoreError("store.connect_failed", url=db.display_url(engine), reason=reason) from None
        except BaseException:
            engine.dispose()
            raise
        return cls(engine, paths)

    @property
    def home(self) -> Path:
        return self.paths.home

    @property
    def url(self) -> str:
        """The database URL with the password hidden: safe to show and log."""
        return db.display_url(self.engine)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store(home={str(self.home)!r}, url={self.url!r})"

    def check(self) -> StoreCheck:
        """Consistency of the whole workspace: database integrity, files behind rows, the audit chain."""
        integrity = "n/a"
        if self.dialect == "sqlite":
            with self.engine.connect() as conn:
                integrity = "; ".join(r[0] for r in conn.exec_driver_sql("PRAGMA integrity_check"))
        referenced = set(self._referenced_files())
        missing = tuple(sorted(p for p in referenced if not self.paths.absolute(p).exists()))
        on_disk = {
            self.paths.relative(p) for d in (self.paths.datasets, self.paths.runs) for p in d.rglob("*") if p.is_file()
        }
        orphans = tuple(sorted(p for p in on_disk - referenced))
        audit = self.audit.verify()
        return StoreCheck(integrity in ("ok", "n/a") and not missing and audit.ok, integrity, missing, orphans, audit)

    def remove_orphan_files(self, *, older_than_s: float = 3600) -> tuple[str, ...]:
        """Delete files under ``datasets/`` and ``runs/`` that no row points to (left by an interrupted or
        failed save). Returns what went.

        Only files untouched for ``older_than_s`` seconds: a younger one may belong to a save in progress
        (written and renamed, its row not yet committed).
        """
        now = time.time()
        gone = []
        for stored in self.check().orphan_files:
            path = self.paths.absolute(stored)
            try:
                if now - path.stat().st_mtime >= older_than_s:
                    path.unlink()
                    gone.append(stored)
            except FileNotFoundError:
                continue
        for run_dir in self.paths.runs.iterdir():
            if run_dir.is_dir() and not any(run_dir.iterdir()):
                run_dir.rmdir()
        return tuple(gone)

    def _referenced_files(self) -> list[str]:
        with db.reading(self.engine) as conn:
            files = list(conn.execute(sa.select(dataset_versions.c.path)).scalars())
            for model, card in conn.execute(sa.select(runs.c.model_path, runs.c.card_path)):
                files += [p for p in (model, card) if p]
            files += list(conn.execute(sa.select(feature_runs.c.frame_path)).scalars())
        return files
