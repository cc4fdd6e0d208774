"""Feature generation on Spark: the Spark SQL the export already writes, run per table on the cluster.

The polars engine's plan (``features.plan``), spec checks and scoring stay as they are; only the heavy part,
joining events to the label rows and aggregating them in windows, runs on Spark. Each table path (its key
path from the source to the label key) becomes its own query, ``features.sql.to_sql`` with the ``spark``
dialect over that path's specs: one 325-feature query spent 51–75 s planning on 2 cores, while a query per
path plans in about a second. A path with more than ``QUERY_FEATURES`` features is split by window, the
windows packed in order, so no query grows past it. Each query returns one row per distinct (label key,
cutoff) with its features, and only that comes back to the driver; ``generate.assemble`` places the rows on
the label table and computes the label's own features (cutoff month and weekday, transforms, out-of-fold
target encodings) locally, as the polars engine does, so both engines write the same table.

Spark reads each input under a view name of ours (``views``: spec table → a temporary view of a Parquet path,
or a metastore table ``db.name``); the caller certifies every input before it becomes a view
(``workbench.spark.inputs``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from workbench.features.generate import CUTOFF, FeatureSet, assemble, label_keys
from workbench.features.relations import Relations
from workbench.features.spec import FeatureSpec
from workbench.features.sql import to_sql
from workbench.privacy.gate import MaskedTable
from workbench.spark.frames import to_polars
from workbench.spark.session import job_progress

# Features per query at most. Planning grows faster than the feature count, and an aggregate with too many
# conditional sums outgrows Spark's generated-code limits and runs interpreted: on 1M transactions (383
# features, local[2]) the transactions took 152 s in queries of up to 120 features, 75 s in queries of 40.
QUERY_FEATURES = 40
WB_CUTOFF = "wb_cutoff"  # the cutoff as a timestamp, as ``to_sql`` names it in its label rows

Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class QueryRun:
    """One query's cost: the path it covers, its windows, features, seconds planning (analysis,
    optimisation and the physical plan) and seconds running (the job and bringing its rows back)."""

    path: tuple[str, ...]
    windows: tuple[int | None, ...]
    features: int
    rows: int
    planned_s: float
    ran_s: float


@dataclass(frozen=True)
class SparkQuery:
    path: tuple[str, ...]
    specs: tuple[FeatureSpec, ...]

    @property
    def windows(self) -> tuple[int | None, ...]:
        return tuple(dict.fromkeys(s.window for s in self.specs))


def plan_queries(
    relations: Relations,
    specs: Sequence[FeatureSpec],
    columns_of: Mapping[str, Sequence[str]],
    limit: int = QUERY_FEATURES,
) -> list[SparkQuery]:
    """The event and entity specs grouped by key path, each group split by window into queries of at most
    ``limit`` features (a single window larger than ``limit`` is cut into chunks of ``limit``)."""
    by_path: dict[tuple[str, ...], list[FeatureSpec]] = {}
    for s in specs:
        if s.is_event or s.aggregation in ("attribute", "tenure_days"):
            path = s.key_path or relations.key_path(s.source, {n: list(c) for n, c in columns_of.items()})
            by_path.setdefault(tuple(path), []).append(s)
    out: list[SparkQuery] = []
    for path, group in by_path.items():
        if len(group) <= limit:
            out.append(SparkQuery(path, tuple(group)))
            continue
        by_window: dict[int | None, list[FeatureSpec]] = {}
        for s in group:
            by_window.setdefault(s.window, []).append(s)
        chunk: list[FeatureSpec] = []
        for window_specs in by_window.values():
            if chunk and len(chunk) + len(window_specs) > limit:
                out.append(SparkQuery(path, tuple(chunk)))
                chunk = []
            for i in range(0, len(window_specs), limit):
                part = window_specs[i : i + limit]
                if chunk and len(chunk) + len(part) > limit:
                    out.append(SparkQuery(path, tuple(chunk)))
                    chunk = []
                chunk.extend(part)
        if chunk:
            out.append(SparkQuery(path, tuple(chunk)))
    return out


@dataclass
class SparkFeatureEngine:
    """``generate`` on Spark: called as ``engine(relations, tables, specs, progress=…)`` by
    ``pipeline.build_features``. ``tables`` holds the label table (certified, read on the driver: one row
    per label row, which is what comes back anyway) and the certified inputs for the spec checks and plan;
    the event and entity tables are read by Spark through ``views``. ``runs`` keeps each query's cost."""

    session: Any
    views: Mapping[str, str]
    limit: int = QUERY_FEATURES
    runs: list[QueryRun] = field(default_factory=list)

    def to_dict(self) -> dict:
        """The ``spark`` block of ``features --json``: where it ran and what each query cost."""
        master = "connect" if not hasattr(self.session, "sparkContext") else self.session.sparkContext.master
        return {
            "master": master,
            "queries": [
                {
                    "path": list(r.path),
                    "windows": list(r.windows),
                    "features": r.features,
                    "rows": r.rows,
                    "planned_s": round(r.planned_s, 3),
                    "ran_s": round(r.ran_s, 3),
                }
                for r in self.runs
            ],
        }

    def __call__(
        self,
        relations: Relations,
        tables: Mapping[str, MaskedTable],
        specs: Sequence[FeatureSpec],
        *,
        progress: Progress | None = None,
        batches: int | None = None,  # Spark partitions the work itself
        serve: bool = False,  # new rows to score: target encodings from their fitted mapping
    ) -> FeatureSet:
        report = progress or (lambda _f, _m: None)
        lab = relations.label
        label = tables[lab.table].frame
        base, keys = label_keys(relations, label)
        columns_of = {n: t.columns for n, t in tables.items()}
        queries = plan_queries(relations, specs, columns_of, self.limit)
        features = keys
        for i, query in enumerate(queries):
            where = f"{query.path[0]} ({i + 1}/{len(queries)})"
            report(i / max(len(queries), 1), where)

            def step(fraction: float, message: str, i: int = i) -> None:
                report((i + min(fraction, 1.0)) / len(queries), message)

            part = self._run(relations, query, columns_of, step, where)
            features = features.join(part, on=[lab.key, CUTOFF], how="left", maintain_order="left")
        out = assemble(relations, label, base, features, specs, serve=serve)
        report(1.0, "")
        return out

    def _run(
        self,
        relations: Relations,
        query: SparkQuery,
        columns_of: Mapping[str, Sequence[str]],
        report: Progress,
        where: str,
    ) -> pl.DataFrame:
        """One path's features per distinct (key, cutoff): planned, run, and brought back as polars."""
        from pyspark.sql import functions as F

        key = relations.label.key
        sql = to_sql(
            relations, query.specs, [key, WB_CUTOFF], dialect="spark", table_names=self.views, columns_of=columns_of
        )
        start = time.perf_counter()
        df = self.session.sql(sql).where(F.col(WB_CUTOFF).isNotNull()).dropDuplicates([key, WB_CUTOFF])
        _plan(df)
        planned = time.perf_counter() - start
        with job_progress(self.session, report, where):
            got = to_polars(df)
        ran = time.perf_counter() - start - planned
        self.runs.append(QueryRun(query.path, query.windows, len(query.specs), got.height, planned, ran))
        cutoff = got.schema[WB_CUTOFF]
        as_naive = (
            pl.col(WB_CUTOFF).dt.replace_time_zone(None) if getattr(cutoff, "time_zone", None) else pl.col(WB_CUTOFF)
        )
        return got.with_columns(as_naive.dt.cast_time_unit("us").alias(CUTOFF)).drop(WB_CUTOFF)


def _plan(df: Any) -> None:
    """Analysis, optimisation and physical planning, nothing run yet (classic sessions; Spark Connect
    plans on the server when the query runs)."""
    jdf = getattr(df, "_jdf", None)
    if jdf is not None:
        jdf.queryExecution().executedPlan()
