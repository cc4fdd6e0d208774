"""The privacy gate: ``certify()`` is the only way to make a ``MaskedTable``.

Every stage after the gate (profile, features, model, report) accepts a ``MaskedTable`` and nothing else,
so the type system, not discipline, keeps raw identifiers out of charts, reports, logs and exports.
"""

from __future__ import annotations

import contextvars
import getpass
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property

import polars as pl

from workbench.errors import UserError
from workbench.io.table import ScannedTable, Table, frame_fingerprint, sample_positions, take_rows

# True only while this module builds a MaskedTable: a MaskedTable made anywhere else, including by
# dataclasses.replace(masked, source=raw), refuses to exist.
_SEALING: contextvars.ContextVar[bool] = contextvars.ContextVar("workbench_privacy_sealing", default=False)


@contextmanager
def _sealing() -> Iterator[None]:
    token = _SEALING.set(True)
    try:
        yield
    finally:
        _SEALING.reset(token)


class GateError(UserError):
    """A table cannot be certified: a PII finding is neither masked by the policy nor overridden."""


@dataclass(frozen=True)
class Finding:
    """One column's PII verdict from the scan. Evidence is stored masked, never raw."""

    column: str
    pii_type: str
    confidence: float
    match_rate: float
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True)
class MaskedTable:
    """A table that passed the gate: every flagged column was masked, dropped or overridden with a reason.

    ``source`` is the data in memory (a frame) or left on disk (a scan of a certified Parquet file, for
    tables larger than memory). Stages that may meet large tables read ``lazy()`` in column batches and
    ``sample_rows``; ``frame`` reads a scanned table whole, once, on first use.
    """

    name: str
    source: pl.DataFrame | pl.LazyFrame
    fingerprint: str
    policy_version: int | None
    certified_at: datetime
    certified_by: str
    overrides: tuple[tuple[str, str], ...] = ()
    rows: int = -1  # filled from the frame when in memory

    def __post_init__(self) -> None:
        if not _SEALING.get():
            raise TypeError("MaskedTable is made only by workbench.privacy.certify()")
        if isinstance(self.source, pl.DataFrame):
            object.__setattr__(self, "rows", self.source.height)

    @property
    def in_memory(self) -> bool:
        return isinstance(self.source, pl.DataFrame)

    @cached_property
    def frame(self) -> pl.DataFrame:
        if isinstance(self.source, pl.DataFrame):
            return self.source
        return self.source.collect(engine="streaming")

    def lazy(self) -> pl.LazyFrame:
        return self.source.lazy()

    @cached_property
    def schema(self) -> pl.Schema:
        return self.source.schema if isinstance(self.source, pl.DataFrame) else self.source.collect_schema()

    @property
    def columns(self) -> list[str]:
        return self.schema.names()

    @property
    def height(self) -> int:
        return self.rows

    def sample_rows(self, n: int, *, seed: int = 0) -> pl.DataFrame:
        """The same seeded uniform sample of ``n`` rows whether the table is in memory or on disk."""
        return take_rows(self.source, sample_positions(self.rows, n, seed=seed))


def _seal(
    table: Table | ScannedTable,
    *,
    policy_version: int | None,
    actor: str | None,
    overrides: Mapping[str, str],
) -> MaskedTable:
    with _sealing():
        return MaskedTable(
            name=table.name,
            source=table.frame if isinstance(table, Table) else table.scan,
            fingerprint=table.fingerprint,
            rows=table.height,
            policy_version=policy_version,
            certified_at=datetime.now(UTC),
            certified_by=actor or getpass.getuser(),
            overrides=tuple(sorted(overrides.items())),
        )


def certify(
    table: Table | ScannedTable,
    findings: Sequence[Finding],
    *,
    masked_columns: Sequence[str] = (),
    overrides: Mapping[str, str] | None = None,
    policy_version: int | None = None,
    actor: str | None = None,
    _scanned=None,
) -> MaskedTable:
    """Seal ``table`` (already transformed by its policy) as a ``MaskedTable``.

    ``findings`` are the scan's verdicts on the *transformed* table's source; a finding passes when its
    column was masked/dropped by the policy (``masked_columns``) or is overridden with a non-empty reason.
    A ``ScannedTable`` is sealed as a scan: its rows stay on disk and are read by the stages that need them.
    """
    overrides = dict(overrides or {})
    for col, reason in overrides.items():
        if not reason or not reason.strip():
            raise GateError("privacy.gate.override_needs_reason", column=col)
        _reason_holds_no_value(table.lazy(), table.columns, col, reason)
    open_ = [
        f.column
        for f in findings
        if f.column not in masked_columns and f.column not in overrides and f.column in table.columns
    ]
    if open_:
        raise GateError("privacy.gate.unmasked", columns=", ".join(open_))
    # defence in depth: the sealed frame itself is scanned, so a policy that "masked" a column by rounding a
    # phone number, or a caller that forgot a finding, still cannot get an identifier past the gate
    from workbench.privacy.scan import scan

    # (``_scanned``: this module's own scan of this very frame, handed over by auto_certify to save a pass)
    result = _scanned if _scanned is not None and _scanned.rows == table.height else scan(table)
    residual = [c for c in result.pii_columns if c not in overrides]
    if residual:
        raise GateError("privacy.gate.residual", columns=", ".join(residual))
    return _seal(table, policy_version=policy_version, actor=actor, overrides=overrides)


def refuse_identifiers_in_reason(column: str, reason: str) -> None:
    """An override reason holding an identifier in any spelling ``find_identifiers`` knows is refused."""
    from workbench.privacy.identifiers import find_identifiers

    if found := find_identifiers(reason):
        from workbench.i18n import t

        kind = t(f"privacy.type.{found[0].pii_type}")
        raise GateError("privacy.gate.reason_has_identifier", column=column, kind=kind)


def _reason_holds_no_value(lf: pl.LazyFrame, columns: list[str], column: str, reason: str) -> None:
    """A reason goes to the audit log, so it may not hold an identifier in any spelling (``find_identifiers``)
    nor quote a value of the column it excuses ("keep: 900101-1234568 is a test number")."""
    refuse_identifiers_in_reason(column, reason)
    if column not in columns:
        return
    words = {w for w in re.findall(r"[\w@.+\-*]+", reason) if len(w) >= 2}
    if words and lf.select(pl.col(column).cast(pl.String).is_in(list(words)).any()).collect().item():
        raise GateError("privacy.gate.reason_has_value", column=column)


def restore(
    name: str,
    frame: pl.DataFrame,
    *,
    policy_version: int | None,
    certified_at: datetime,
    certified_by: str,
    overrides: Mapping[str, str] | None = None,
) -> MaskedTable:
    """Re-open a table the gate certified earlier and the workspace store kept (``load_certified``).

    Only this package calls it, and only for datasets the store recorded as certified.
    """
    with _sealing():
        return MaskedTable(
            name=name,
            source=frame,
            fingerprint=frame_fingerprint(frame),
            policy_version=policy_version,
            certified_at=certified_at,
            certified_by=certified_by,
            overrides=tuple(sorted((overrides or {}).items())),
        )


def stamp_policy_version(masked: MaskedTable, version: int | None) -> MaskedTable:
    """The same certified table, labelled with the policy version the store just assigned."""
    from dataclasses import replace

    with _sealing():
        return replace(masked, policy_version=version)
