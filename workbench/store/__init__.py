"""The workspace store: everything a user decides, saved so a reload, a colleague or the CLI sees it.

A workspace is a directory (``$WORKBENCH_HOME``, default ``./workspace``) plus a database
(``$WORKBENCH_DB_URL``, default ``sqlite:///<home>/workbench.db``; ``postgresql+psycopg://...`` works too).
The store never holds secrets: no pseudonymisation key (a save containing it is refused), no database
password in any row (source locations are redacted). Every record is a frozen dataclass; every save is one
transaction; writes that change user decisions also append an audit entry in that same transaction.

Open::

    from workbench.store import Store
    store = Store.open(home=None, url=None)        # creates dirs, migrates to head (no-op when current)
    store.home, store.url (password hidden), store.dialect ("sqlite" | "postgresql"), store.paths
    store.check() -> StoreCheck(ok, integrity, missing_files, orphan_files, audit)
    store.remove_orphan_files(*, older_than_s=3600) -> tuple[str, ...]
    store.close()  /  with Store.open() as store: ...

Layout (``store.paths``, a ``WorkspacePaths``; use it instead of building paths)::

    paths.datasets / runs / reports / logs / db_file
    paths.dataset_file(name, fingerprint), paths.run_dir(run_id), paths.model_file(run_id),
    paths.card_file(run_id, suffix="md"), paths.report_file(name)
    atomic_write(target, write_fn), atomic_write_text(target, text), atomic_path(target)  (context manager)

Datasets (``store.datasets``; a ``Dataset`` is one version: name, version, fingerprint, rows, columns
(``DatasetColumn(name, dtype)``), source_kind, source_location, certified, policy_name, policy_version,
certified_at, certified_by, created_at, created_by, path, file_sha256, file_bytes; ``.schema`` dict)::

    save(name, frame, *, source_kind="memory", source_location="", certified=False, policy_name=None,
         policy_version=None, certified_at=None, certified_by=None, actor=None) -> Dataset
    save_masked(masked: MaskedTable, *, name=None, source: SourceInfo | None = None, policy_name=None,
                actor=None) -> Dataset
    get(name, version=None) -> Dataset            # newest by default; NotFoundError
    exists(name) -> bool;  versions(name) -> list[Dataset];  list() -> list[Dataset]  (newest of each)
    read(name, version=None, *, verify=True) -> pl.DataFrame   # SHA-256 checked against the row
    scan(name, version=None) -> pl.LazyFrame
    delete(name, *, actor=None) -> None           # rows first, then files

Policies (``store.policies``; ``Policy(name, version, yaml, actor, created_at, comment)``)::

    save(name, yaml_text, *, actor=None, comment="") -> int    # the new version: 1, 2, ...; never overwrites
    get(name, version=None) -> Policy;  latest(name) -> Policy | None
    versions(name) -> list[Policy] (oldest first);  list() -> list[Policy] (newest of each)

Audit (``store.audit``; ``AuditEntry(seq, at, actor, action, payload, prev_hash, hash)``)::

    append(action, payload=None, *, actor=None) -> AuditEntry   # serialised across processes
    list(*, action=None, limit=None, newest_first=True) -> list[AuditEntry];  get(seq) -> AuditEntry | None
    head() -> (seq, hash);  count() -> int
    verify(*, anchor=None) -> AuditVerification(ok, entries, first_bad_seq, reason)  # .message(lang)
    Actions the store writes itself: policy.saved, dataset.saved, dataset.deleted.

Errors: ``StoreError`` (a ``UserError``), ``NotFoundError``, ``ConflictError``; ``str(err)`` is one line in the
current language.
"""

from workbench.store.audit import AuditEntry, AuditVerification
from workbench.store.datasets import Dataset, DatasetColumn
from workbench.store.errors import ConflictError, NotFoundError, StoreError
from workbench.store.paths import WorkspacePaths, atomic_path, atomic_write, atomic_write_text
from workbench.store.policies import Policy
from workbench.store.store import Store, StoreCheck

__all__ = [
    "AuditEntry",
    "AuditVerification",
    "ConflictError",
    "Dataset",
    "DatasetColumn",
    "NotFoundError",
    "Policy",
    "Store",
    "StoreCheck",
    "StoreError",
    "WorkspacePaths",
    "atomic_path",
    "atomic_write",
    "atomic_write_text",
]
