"""The feature spec file (YAML): tables, keys, label and cutoff, and what to generate.

DESIGN.md's minimal shape, extended (every extension is optional)::

    tables:
      customers:    {path: customers.parquet, key: customer_id, alias: cust}
      accounts:     {path: accounts.parquet, key: account_id, parent: customers, parent_key: customer_id,
                     time: opened_at, alias: acct, by: [account_type], columns: [limit_krw]}
      transactions: {path: transactions.parquet, key: tx_id, parent: accounts, parent_key: account_id,
                     time: ts, alias: tx, columns: [amount, balance_after]}
    label: {table: loans, path: loans.parquet, key: customer_id, id: loan_id, cutoff: applied_at,
            target: default_12m}              # id (optional): the row's own identifier
    windows: [7, 30, 90, 180, 365]            # days before the cutoff; events at or after it never count
    aggregations: [count, sum, mean, std, min, max, median, n_unique, last, days_since_last, days_since_first]
    by: {transactions: [channel, direction, merchant_category]}   # per-category counts and shares
    max_categories: 12                        # most frequent values per `by` column
    trend: [30, 90]                           # last 30 days' daily rate ÷ the 90 days before; null = off
    ratios:                                   # sum(column | numerator) ÷ sum(column | denominator)
      - {table: transactions, column: amount, numerator: {direction: 출금}, denominator: {direction: 입금}}
    balance_use:                              # overdrawn balance ÷ credit limit after each event (mean, max)
      - {table: transactions, balance: balance_after, limit: limit_krw}   # limit: on the table or up its path
    label_transforms:                         # single-table features of the label table's own columns
      numeric: [loan_amount]                  # log1p, decile bin, missing indicator
      categorical: [loan_product]             # frequency, out-of-fold target encoding, missing indicator
      ratios: [[loan_amount, monthly_income]]
      dates: []                               # month and weekday
    selection: {min_iv: 0.02, max_psi: 0.25, max_corr: 0.9, max_missing: 0.95}
    psi_period: 1q                            # PSI compares cutoff periods of this length (polars duration)

``path`` values are relative to the spec file; ``table: db.name`` instead of a path names a metastore table
(``--engine spark`` only; the label may be one of them, named by ``label.table``). A table may link to
several parents with ``parents: {TABLE: COLUMN, ...}`` (a bridge); the walk from the label entity over
lookups, children and bridges is ``relations.Relations.paths`` (README, "Relational schemas"). Key, time and
link columns are never aggregated. A table with ``time`` is an event table; the label entity and its lookups
give attributes and tenures (days from their date columns to the cutoff); an undated one-to-many table is
aggregated over all its rows, as a snapshot.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from workbench.features.plan import DEFAULT_AGGREGATIONS, DEFAULT_WINDOWS, BalanceUse, PlanOptions, Ratio
from workbench.features.relations import FeatureSpecError, Relations
from workbench.features.selection import Thresholds


@dataclass(frozen=True)
class FeatureProject:
    relations: Relations
    options: PlanOptions = field(default_factory=PlanOptions)
    thresholds: Thresholds = field(default_factory=Thresholds)
    psi_period: str = "1q"
    base_dir: Path | None = None

    def paths(self) -> dict[str, Path]:
        """Table name → file, resolved against the spec file's folder; tables without a path are left out."""
        base = self.base_dir or Path.cwd()
        out = {r.name: base / r.path for r in self.relations.tables if r.path}
        if self.relations.label.path:
            out[self.relations.label.table] = base / self.relations.label.path
        return out

    def metastore_tables(self) -> dict[str, str]:
        """Table name → metastore table (``db.name``) for tables given as ``table:`` instead of a path:
        data that already lives in the bank's Spark estate, read only by ``--engine spark``."""
        return {r.name: r.table for r in self.relations.tables if r.table and not r.path}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], base_dir: Path | None = None) -> FeatureProject:
        if not isinstance(data, Mapping):
            raise FeatureSpecError("features.error.spec_shape", detail="not a mapping")
        rel = Relations.from_dict(data)
        try:
            ratios = tuple(
                Ratio(
                    table=r["table"],
                    column=r["column"],
                    numerator=tuple((str(k), str(v)) for k, v in r["numerator"].items()),
                    denominator=tuple((str(k), str(v)) for k, v in r["denominator"].items()),
                )
                for r in data.get("ratios") or ()
            )
            balance_use = tuple(
                BalanceUse(table=b["table"], balance=b["balance"], limit=b["limit"])
                for b in data.get("balance_use") or ()
            )
            trend = data.get("trend", [30, 90])
            opts = PlanOptions(
                windows=tuple(int(w) for w in data.get("windows") or DEFAULT_WINDOWS),
                aggregations=tuple(data.get("aggregations") or DEFAULT_AGGREGATIONS),
                trend=(int(trend[0]), int(trend[1])) if trend else None,
                ratios=ratios,
                balance_use=balance_use,
                max_categories=int(data.get("max_categories", 12)),
                label_transforms=dict(data.get("label_transforms") or {}),
            )
            thresholds = Thresholds(**(data.get("selection") or {}))
        except (KeyError, TypeError, ValueError, AttributeError, IndexError) as e:
            raise FeatureSpecError("features.error.spec_shape", detail=str(e)) from e
        return cls(rel, opts, thresholds, str(data.get("psi_period", "1q")), base_dir)

    @classmethod
    def from_yaml(cls, path: str | Path) -> FeatureProject:
        p = Path(path)
        try:
            data = yaml.safe_load(p.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError, UnicodeDecodeError) as e:
            raise FeatureSpecError("features.error.spec_file", path=str(p), detail=type(e).__name__) from e
        return cls.from_dict(data or {}, base_dir=p.resolve().parent)
