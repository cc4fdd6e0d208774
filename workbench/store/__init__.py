"""The workspace store: everything a user decides, saved so a reload, a colleague or the CLI sees it.

A workspace is a directory (``$WORKBENCH_HOME``, default ``./workspace``) plus a database
(``$WORKBENCH_DB_URL``, default ``sqlite:///<home>/workbench.db``; ``postgresql+psycopg://...`` works too).
The store never holds secrets: no pseudonymisation key (a save containing it is refused), no database
password in any row (source locations are redacted). Every record is a frozen dataclass; every save is one
transaction; writes that change user decisions also append an audit entry in that same transaction.

SQLite (the default) needs a local disk: WAL mode does not work on network shares, so a workspace shared
by several machines uses PostgreSQL (``WORKBENCH_DB_URL``) and a shared ``WORKBENCH_HOME`` for the files.
A schema other than ``public``: ``postgresql://.../db?options=-csearch_path%3Dworkbench``.

Schema migrations (Alembic, run by ``Store.open``; ``python -m workbench.store.migrate "msg"`` adds one):
0001 datasets + versions, policies, audit log + head; 0002 table roles, relationships, features, review
state + history, runs, learn progress; 0003 runs keep the model package's whole record; 0004 lineage of
datasets the app writes, feature runs with their candidate table, each user's place in the app;
0005 the expert's scorecard bin edits; 0006 a domain expert's timing marks.

Open::

    from workbench.store import Store
    store = Store.open(home=None, url=None)        # creates dirs, migrates to head (no-op when current)
    store.home, store.url (password hidden), store.dialect ("sqlite" | "postgresql"), store.paths
    store.check() -> StoreCheck(ok, integrity, missing_files, orphan_files, audit)
    store.remove_orphan_files(*, older_than_s=3600) -> tuple[str, ...]
    store.close()  /  with Store.open() as store: ...
    # thread-safe: open once per process (Streamlit: st.cache_resource), not on every rerun
    # admins: python -m workbench.store [check|clean]  (one line per finding, exit 1 when not ok)

Layout (``store.paths``, a ``WorkspacePaths``; use it instead of building paths)::

    paths.datasets / runs / reports / logs / db_file
    paths.dataset_file(name, fingerprint), paths.run_dir(run_id), paths.model_file(run_id),
    paths.card_file(run_id, suffix="md"), paths.report_file(name)
    atomic_write(target, write_fn), atomic_write_text(target, text), atomic_path(target)  (context manager)

Datasets (``store.datasets``; a ``Dataset`` is one version: name, version, fingerprint, rows, columns
(``DatasetColumn(name, dtype)``), source_kind, source_location, certified, policy_name, policy_version,
certified_at, certified_by, created_at, created_by, path, file_sha256, file_bytes; ``.schema`` dict)::

    save(name, frame, *, source_kind="memory", source_location="", certified=False, policy_name=None,
         policy_version=None, certified_at=None, certified_by=None, actor=None, audit=None) -> Dataset
    save_masked(masked: MaskedTable, *, name=None, source: SourceInfo | None = None, policy_name=None,
                actor=None, audit=None) -> Dataset
        # audit=(action, payload): an extra audit entry committed in the same transaction as the version;
        # its payload gets "dataset" and "dataset_version" added
    get(name, version=None) -> Dataset            # newest by default; NotFoundError
    exists(name) -> bool;  versions(name) -> list[Dataset];  list() -> list[Dataset]  (newest of each)
    read(name, version=None, *, verify=True) -> pl.DataFrame   # SHA-256 checked against the row
    scan(name, version=None) -> pl.LazyFrame
    delete(name, *, actor=None) -> None           # rows first, then files

Tables (``store.tables``; ``TableMeta(dataset, role, primary_key, time_column, target_column, column_types,
updated_at, updated_by)``, ``Relationship(child, child_columns, parent, parent_columns, created_at,
created_by)``; roles ``ROLES`` = customer, account, event, label, other; columns checked against the
dataset's newest version)::

    set(dataset, *, role, primary_key=(), time_column=None, target_column=None, column_types=None,
        actor=None) -> TableMeta                  # replaces what was recorded
    get(dataset) -> TableMeta | None;  list() -> list[TableMeta]
    relate(child, child_columns, parent, parent_columns=None, *, actor=None) -> Relationship
    unrelate(child, parent, *, actor=None) -> bool;  relationships(dataset=None) -> list[Relationship]

Policies (``store.policies``; ``Policy(name, version, yaml, actor, created_at, comment)``)::

    save(name, yaml_text, *, actor=None, comment="", audit=None) -> int   # new version 1, 2, ...; never overwrites
        # audit=(action, payload): extra entry in the same transaction, payload gets "policy_version"
    get(name, version=None) -> Policy;  latest(name) -> Policy | None
    versions(name) -> list[Policy] (oldest first);  list() -> list[Policy] (newest of each)

Audit (``store.audit``; ``AuditEntry(seq, at, actor, action, payload, prev_hash, hash)``)::

    append(action, payload=None, *, actor=None) -> AuditEntry   # serialised across processes
    list(*, action=None, actor=None, limit=None, newest_first=True) -> list[AuditEntry]  # action "privacy.*" ok
    get(seq) -> AuditEntry | None
    head() -> (seq, hash);  count() -> int
    verify(*, anchor=None) -> AuditVerification(ok, entries, first_bad_seq, reason)  # .message(lang)
    verify_files() -> tuple[FileProblem, ...]   # every certified dataset file re-hashed against its entry
    Actions the store writes itself, in the same transaction as the change: policy.saved, dataset.saved,
    dataset.deleted, table.described, table.related, table.unrelated, features.saved, feature.reviewed,
    features.reviewed (one verdict on many), features.run_saved, run.saved, scorecard.bins_edited,
    column.timing_marked.

Scorecard bin edits (``store.bin_edits``; ``BinEditSet(dataset, target, version, edits, comment, actor,
created_at)``, ``edits`` as JSON dicts; a save stores the whole list as the next version; each edit names the
bins the expert saw (``seen``, ``seen_specials``, ``fingerprint``; rows by bin number only are read too, see
``workbench.model.edit_history``)::

    save(dataset, target, edits, *, expected_version, comment="", actor=None) -> BinEditSet  # ConflictError
    current(dataset, target) -> BinEditSet | None;  history(dataset, target) -> list[BinEditSet] (oldest first)

Timing marks (``store.timing``; ``TimingMark(dataset, column, mark, comment, actor, created_at)``, ``mark``
``before`` (known at decision time) or ``after`` (known only after it); ``features`` and ``train`` leave
``after`` columns out)::

    mark(dataset, column, mark, *, comment="", actor=None) -> TimingMark   # appends; audited
    current(dataset) -> dict[str, TimingMark];  history(dataset, column) -> list[TimingMark] (oldest first)

Feature catalog (``store.features``; ``Feature(name, dataset, spec, description_ko, description_en, scores,
created_at, updated_at)``)::

    save(name, *, dataset, spec, description_ko="", description_en="", scores=None) -> Feature
    save_many(features: Iterable[Feature]) -> list[Feature]     # one transaction; replaces spec/scores
    get(name) -> Feature;  exists(name) -> bool;  list(dataset=None) -> list[Feature]

Reviews (``store.reviews``; ``Review(feature, version, verdict, comment, reviewer, at)``, verdicts
``VERDICTS`` = accept, reject, needs_change; reject/needs_change need a comment)::

    record(feature, verdict, comment, reviewer, expected_version) -> Review
        # expected_version: the version the reviewer saw (0 = none). Someone else wrote in between →
        # ConflictError naming who and when; nothing saved. Every review stays in the history.
    record_many(seen, verdict, comment, reviewer) -> (saved: list[Review], conflicts: dict[str, Review])
        # seen: feature -> version the reviewer saw; one transaction, one features.reviewed audit entry;
        # a feature a colleague reviewed in between is left as it is and returned in conflicts
    current(feature) -> Review | None;  version(feature) -> int;  history(feature) -> list[Review]
    states(dataset=None) -> dict[str, Review]    # current review per feature

Runs (``store.runs``; ``Run(id, created_at, actor, dataset, dataset_fingerprint, target, split, params,
features, metrics, warnings, model_path, card_path, record)``)::

    save(*, dataset_fingerprint, target, split, params, features, metrics, warnings=(), model_text=None,
         card_text=None, card_format="md", dataset=None, actor=None, run_id=None, record=None) -> Run
        # model_text = booster.model_to_string(), written to runs/<id>/model.txt before the row commits
    add(record, model_text=None, *, card_text=None, card_format="html", actor=None) -> str
        # from workbench.model.runs.run_record(result): columns taken from it, the whole dict kept
    get(run_id) -> Run;  list(*, dataset=None, fingerprint=None, limit=None) -> list[Run]  (newest first)
    model_text(run_id) -> str;   new_run_id() -> "20261125T143703-3fa9c1"

Learn progress (``store.progress``; ``Progress(user, steps, updated_at)``; ``user=None`` = OS user)::

    get(user=None) -> Progress;  set_step(user, step, state) -> Progress
    save(user, steps) -> Progress;  reset(user=None)

Lineage (``store.lineage``; ``Lineage(dataset, role, source_dataset, source_run, created_at, created_by)``,
roles ``DERIVED_ROLES`` = modelling_table, feature_table)::

    record(dataset, *, role, source_dataset=None, source_run=None, actor=None) -> Lineage
    get(dataset) -> Lineage | None;  all() -> dict[str, Lineage]   # only datasets the app wrote

Feature runs (``store.feature_runs``; ``StoredFeatureRun(id, label_dataset, created_at, actor, record,
frame_path, frame_sha256)``; the candidate table is ``runs/<id>/features.parquet``)::

    save(label_dataset, record, frame, *, actor=None) -> StoredFeatureRun
    latest(label_dataset=None) -> StoredFeatureRun | None;  get(run_id);  frame(run) -> pl.DataFrame (SHA-checked)

Each user's place in the app (``store.ui_state``; not audited)::

    get(user=None) -> dict;  update(user, values) -> dict      # merges; a None value removes the key

Errors: ``StoreError`` (a ``UserError``), ``NotFoundError``, ``ConflictError``; ``str(err)`` is one line in the
current language.
"""

from workbench.store.audit import AuditEntry, AuditVerification
from workbench.store.datasets import Dataset, DatasetColumn
from workbench.store.errors import ConflictError, NotFoundError, StoreError
from workbench.store.feature_runs import StoredFeatureRun
from workbench.store.features import VERDICTS, Feature, Review, Verdict
from workbench.store.lineage import DERIVED_ROLES, Lineage
from workbench.store.paths import WorkspacePaths, atomic_path, atomic_write, atomic_write_text
from workbench.store.policies import Policy
from workbench.store.progress import Progress
from workbench.store.runs import Run, new_run_id
from workbench.store.store import Store, StoreCheck
from workbench.store.tables import ROLES, Relationship, Role, TableMeta

__all__ = [
    "DERIVED_ROLES",
    "ROLES",
    "VERDICTS",
    "AuditEntry",
    "AuditVerification",
    "ConflictError",
    "Dataset",
    "DatasetColumn",
    "Feature",
    "Lineage",
    "NotFoundError",
    "Policy",
    "Progress",
    "Relationship",
    "Review",
    "Role",
    "Run",
    "Store",
    "StoreCheck",
    "StoreError",
    "StoredFeatureRun",
    "TableMeta",
    "Verdict",
    "WorkspacePaths",
    "atomic_path",
    "atomic_write",
    "atomic_write_text",
    "new_run_id",
]
