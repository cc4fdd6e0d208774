"""Relational bank benchmark pieces for ``bench_features.py --relational``: Workbench and featuretools DFS on
the same generated relational bank (``workbench.features.synthetic_relational``: lookups at two levels, a
bridge with two parents, undated children, dated grandchildren), the values of the shared features compared.

featuretools gets the same tables, links and primitives (count, sum, mean, max, min), ``max_depth=3`` (the
bridge's far table's lookup is three links from the account), cutoff times from the loans with
``include_cutoff_time=False`` and one ``calculate_feature_matrix`` per window (tables without a time index,
standing orders and dispositions, are read whole in both tools). The featuretools side imports pandas and
featuretools only: it runs under the peers interpreter.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

REL_WINDOWS = (90, 365)
REL_AGGS = ("count", "sum", "mean", "max", "min")
LINKS = (  # (parent, child, column)
    ("region", "district", "region_id"),
    ("district", "account", "district_id"),
    ("district", "client", "district_id"),
    ("account", "disposition", "account_id"),
    ("client", "disposition", "client_id"),
    ("disposition", "card", "disp_id"),
    ("account", "standing_order", "account_id"),
    ("account", "transaction", "account_id"),
)


def write_relational(folder: Path, accounts: int, tx: int) -> dict[str, object]:
    from workbench.features.synthetic_relational import make_relational_bank

    folder.mkdir(parents=True, exist_ok=True)
    bank = make_relational_bank(accounts=accounts, loans=accounts * 2 // 3, tx_per_account=tx, seed=23)
    for name, frame in bank.tables.items():
        frame.write_parquet(folder / f"{name}.parquet")
    return {n: f.height for n, f in bank.tables.items()}


def run_workbench_relational(folder: Path, out: Path) -> None:
    import polars as pl

    from workbench.features.generate import generate
    from workbench.features.plan import PlanOptions, plan_features
    from workbench.features.relations import Relations
    from workbench.features.synthetic_relational import SCHEMA
    from workbench.io.table import Table
    from workbench.privacy.gate import certify

    tables = {
        p.stem: certify(Table(p.stem, pl.read_parquet(p)), findings=())
        for p in folder.glob("*.parquet")
        if p.stem not in ("wb", "ft")
    }
    rel = Relations.from_dict(SCHEMA)
    t0 = time.perf_counter()
    specs = plan_features(rel, tables, PlanOptions(windows=REL_WINDOWS, aggregations=REL_AGGS, trend=None))
    t_plan = time.perf_counter() - t0
    t1, c1 = time.perf_counter(), time.process_time()
    fs = generate(rel, tables, specs)
    result = {
        "features": len(specs),
        "rows": fs.rows,
        "plan_s": t_plan,
        "generate_s": time.perf_counter() - t1,
        "generate_cpu_s": time.process_time() - c1,
        "shapes": sorted({" ← ".join(reversed(s.key_path)) for s in specs if s.key_path}),
    }
    fs.frame.write_parquet(out)
    print(json.dumps(result, ensure_ascii=False))


def run_featuretools_relational(folder: Path, out: Path) -> None:
    import featuretools as ft
    import pandas as pd

    def read(name: str, drop: tuple[str, ...] = ()) -> pd.DataFrame:
        return pd.read_parquet(folder / f"{name}.parquet").drop(columns=list(drop))

    t0 = time.perf_counter()
    es = ft.EntitySet("relational_bank")
    es = es.add_dataframe(dataframe_name="region", dataframe=read("region", ("region_name",)), index="region_id")
    es = es.add_dataframe(dataframe_name="district", dataframe=read("district"), index="district_id")
    es = es.add_dataframe(
        dataframe_name="account", dataframe=read("account", ("frequency", "opened_at")), index="account_id"
    )
    es = es.add_dataframe(
        dataframe_name="client",
        dataframe=read("client", ("birth_date",)),
        index="client_id",
        logical_types={"gender": "Categorical"},
    )
    es = es.add_dataframe(
        dataframe_name="disposition",
        dataframe=read("disposition"),
        index="disp_id",
        logical_types={"type": "Categorical"},
    )
    card = read("card")
    card["issued_at"] = pd.to_datetime(card["issued_at"])
    es = es.add_dataframe(
        dataframe_name="card",
        dataframe=card,
        index="card_id",
        time_index="issued_at",
        logical_types={"card_type": "Categorical"},
    )
    es = es.add_dataframe(
        dataframe_name="standing_order",
        dataframe=read("standing_order"),
        index="order_id",
        logical_types={"purpose": "Categorical"},
    )
    es = es.add_dataframe(
        dataframe_name="transaction",
        dataframe=read("transaction"),
        index="trans_id",
        time_index="ts",
        logical_types={"kind": "Categorical"},
    )
    for parent, child, column in LINKS:
        es = es.add_relationship(parent, column, child, column)
    loans = read("loan")
    cutoff = pd.DataFrame({"account_id": loans["account_id"], "time": pd.to_datetime(loans["granted_at"])})
    defs = ft.dfs(
        entityset=es,
        target_dataframe_name="account",
        features_only=True,
        max_depth=3,
        agg_primitives=list(REL_AGGS),
        trans_primitives=[],
    )
    t_setup = time.perf_counter() - t0
    t1 = time.perf_counter()
    windowed_matrix(defs, es, cutoff, REL_WINDOWS).to_parquet(out)
    t_calc = time.perf_counter() - t1
    print(json.dumps({"features": len(defs) * len(REL_WINDOWS), "setup_s": t_setup, "generate_s": t_calc}))


def windowed_matrix(defs, es, cutoff, windows):
    """featuretools' feature matrix once per training window (rows strictly before each cutoff), columns
    suffixed ``@{w}d``, side by side with the target's index as a column."""
    import featuretools as ft
    import pandas as pd

    frames = [
        ft.calculate_feature_matrix(
            defs,
            entityset=es,
            cutoff_time=cutoff,
            training_window=f"{w} days",
            include_cutoff_time=False,
            cutoff_time_in_index=False,
        ).add_suffix(f"@{w}d")
        for w in windows
    ]
    return pd.concat(frames, axis=1).reset_index()


def relational_pairs() -> list[tuple[str, str]]:
    """(Workbench name, featuretools name) pairs meaning the same thing, across every relationship shape."""
    pairs = [("disp_count_all", "COUNT(disposition)@90d"), ("order_count_all", "COUNT(standing_order)@90d")]
    for agg in ("sum", "mean", "max", "min"):
        pairs.append((f"order_amount_{agg}_all", f"{agg.upper()}(standing_order.amount)@90d"))  # undated child
        for col in ("unemployment", "avg_salary"):  # across the bridge, then a lookup of the far table
            pairs.append(
                (f"disp_client_district_{col}_{agg}_all", f"{agg.upper()}(disposition.client.district.{col})@90d")
            )
    for col in ("unemployment", "avg_salary"):  # a lookup
        pairs.append((f"acct_district_{col}", f"district.{col}@90d"))
    for w in REL_WINDOWS:
        pairs.append((f"card_count_{w}d", f"COUNT(card)@{w}d"))  # a dated grandchild through the bridge
        pairs.append((f"tx_count_{w}d", f"COUNT(transaction)@{w}d"))  # a dated child
        for col in ("amount", "balance"):
            for agg in ("sum", "mean", "max", "min"):
                pairs.append((f"tx_{col}_{agg}_{w}d", f"{agg.upper()}(transaction.{col})@{w}d"))
    return pairs


def compare_relational(wb_path: Path, ft_path: Path) -> dict[str, object]:
    import polars as pl

    wb = pl.read_parquet(wb_path)
    ft = pl.read_parquet(ft_path)
    joined = wb.join(ft, on="account_id", how="inner")
    checked, missing, differing = [], [], []
    for a, b in relational_pairs():
        if a not in joined.columns or b not in joined.columns:
            missing.append(a if a not in joined.columns else b)
            continue
        x, y = joined[a].cast(pl.Float64), joined[b].cast(pl.Float64)
        if "count" in a or "_sum_" in a:  # nothing in the window: 0 in Workbench, NaN/0 in featuretools
            x, y = x.fill_null(0).fill_nan(0), y.fill_null(0).fill_nan(0)
        both = (x.is_null() | x.is_nan()) & (y.is_null() | y.is_nan())
        close = ((x - y).abs() <= 1e-6 * (1 + x.abs())).fill_null(False)
        checked.append(a)
        if not bool((both | close).all()):
            differing.append(a)
    return {"shared_features": len(checked), "differing": differing, "missing": missing, "rows": joined.height}
