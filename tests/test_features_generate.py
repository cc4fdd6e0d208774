"""Feature specs and generation: names, descriptions, round trips, hand-checked values, and leakage safety."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from workbench.features.generate import generate
from workbench.features.plan import BalanceUse, PlanOptions, Ratio, plan_features
from workbench.features.relations import FeatureSpecError, Relations
from workbench.features.spec import FeatureSpec, specs_from_json, specs_from_yaml, specs_to_json, specs_to_yaml
from workbench.features.synthetic import BANK_SCHEMA, make_bank
from workbench.features.transforms import fit_transform_specs
from workbench.io.table import Table
from workbench.privacy.gate import certify

SCHEMA = BANK_SCHEMA
OUT_IN = Ratio("transactions", "amount", (("direction", "출금"),), (("direction", "입금"),))
LIMIT_USE = BalanceUse("transactions", "balance_after", "limit_krw")


def masked(frames: dict[str, pl.DataFrame]):
    return {name: certify(Table(name, frame), findings=()) for name, frame in frames.items()}


def bank_frames(customers: int = 300, per_customer: int = 40) -> dict[str, pl.DataFrame]:
    b = make_bank(customers, per_customer, seed=3)
    return {"customers": b.customers, "accounts": b.accounts, "transactions": b.transactions, "loans": b.loans}


@pytest.fixture(scope="module")
def bank():
    frames = bank_frames()
    rel = Relations.from_dict(SCHEMA)
    specs = plan_features(rel, masked(frames), PlanOptions(ratios=(OUT_IN,), balance_use=(LIMIT_USE,)))
    return frames, rel, specs


# --- specs are data ----------------------------------------------------------------------------------------


def test_name_and_descriptions_read_like_a_banker_would_say_them():
    spec = FeatureSpec(
        source="transactions",
        aggregation="count",
        window=90,
        filter=(("channel", "모바일"), ("direction", "출금")),
        alias="tx",
    )
    assert spec.name == "tx_count_90d__모바일_출금"
    assert spec.description_ko == "최근 90일 모바일 출금 건수"
    assert spec.description_en == "mobile withdrawal count, last 90 days"


def test_every_planned_spec_round_trips_through_dict_yaml_and_json(bank):
    _, _, specs = bank
    assert len(specs) > 250
    assert specs_from_yaml(specs_to_yaml(specs)) == specs
    assert specs_from_json(specs_to_json(specs)) == specs
    assert all(FeatureSpec.from_dict(s.to_dict()) == s for s in specs)
    assert len({s.name for s in specs}) == len(specs)
    assert all(s.description_ko and s.description_en for s in specs)


def test_bad_spec_is_refused_with_the_allowed_values():
    with pytest.raises(ValueError, match="allowed: count"):
        FeatureSpec(source="t", aggregation="average", column="x")
    with pytest.raises(ValueError, match="denominator"):
        FeatureSpec(source="t", aggregation="ratio", column="x", window=30)


# --- values checked by hand ------------------------------------------------------------------------------


def tiny() -> dict[str, pl.DataFrame]:
    """Customer A has two accounts; B has none. A applied 2024-04-01 twice (two loans), B on 2024-04-10."""
    cut = datetime(2024, 4, 1)
    tx = pl.DataFrame(
        {
            "tx_id": [1, 2, 3, 4, 5, 6],
            "account_id": ["a1", "a1", "a2", "a2", "a1", "a2"],
            "ts": [
                cut - timedelta(days=1),
                cut - timedelta(days=10),
                cut - timedelta(days=20),
                cut - timedelta(days=60),
                cut - timedelta(days=100),
                cut + timedelta(days=1),
            ],
            "amount": [100, 300, 200, 1000, 50, 10**9],
            "direction": ["출금", "출금", "입금", "입금", "출금", "출금"],
            "channel": ["모바일", "ATM", "모바일", "창구", "모바일", "모바일"],
        }
    )
    return {
        "customers": pl.DataFrame({"customer_id": ["A", "B"], "joined_at": [date(2020, 1, 1), date(2024, 5, 1)]}),
        "accounts": pl.DataFrame({"account_id": ["a1", "a2"], "customer_id": ["A", "A"]}),
        "transactions": tx,
        "loans": pl.DataFrame(
            {
                "loan_id": ["L1", "L2", "L3"],
                "customer_id": ["A", "B", "A"],
                "applied_at": [date(2024, 4, 1), date(2024, 4, 10), date(2024, 4, 1)],
                "default_12m": [1, 0, 1],
            }
        ),
    }


TINY = {
    "tables": {
        "customers": {"key": "customer_id"},
        "accounts": {"key": "account_id", "parent": "customers", "parent_key": "customer_id"},
        "transactions": {"key": "tx_id", "parent": "accounts", "parent_key": "account_id", "time": "ts", "alias": "tx"},
    },
    "label": {"table": "loans", "key": "customer_id", "cutoff": "applied_at", "target": "default_12m"},
}


def tx(agg: str, column: str | None = None, window: int | None = 30, **kw) -> FeatureSpec:
    return FeatureSpec(source="transactions", aggregation=agg, column=column, window=window, alias="tx", **kw)


def test_windowed_values_roll_up_across_accounts_and_match_hand_counts():
    specs = [
        tx("count"),
        tx("sum", "amount"),
        tx("mean", "amount"),
        tx("max", "amount", 90),
        tx("count", filter=(("channel", "모바일"),), window=365),
        tx("days_since_last"),
        tx("days_since_first", window=365),
        tx("share", "amount", 90, filter=(("direction", "출금"),)),
        tx("ratio", "amount", 90, filter=(("direction", "출금"),), denominator_filter=(("direction", "입금"),)),
        tx("trend", "amount", 30, base_window=90),
        tx("last", "amount", 365),
        tx("median", "amount", 365),
        tx("n_unique", "channel", 365),
        tx("std", "amount", 30),
        tx("count", window=None),
        tx("min", "amount", None),
        FeatureSpec(source="customers", aggregation="tenure_days", column="joined_at"),
    ]
    fs = generate(Relations.from_dict(TINY), masked(tiny()), specs)
    a = fs.frame.row(0, named=True)
    b = fs.frame.row(1, named=True)
    assert fs.frame["loan_id"].to_list() == ["L1", "L2", "L3"]  # label order kept, one row per loan
    assert fs.frame.row(2, named=True) == {**a, "loan_id": "L3"}
    assert a["tx_count_30d"] == 3  # days 1, 10, 20 before; the 10^9 withdrawal after the cutoff never counts
    assert a["tx_amount_sum_30d"] == 600
    assert a["tx_amount_mean_30d"] == pytest.approx(200)
    assert a["tx_amount_max_90d"] == 1000
    assert a["tx_count_365d__모바일"] == 3
    assert a["tx_days_since_last_30d"] == pytest.approx(1.0)
    assert a["tx_days_since_first_365d"] == pytest.approx(100.0)
    assert a["tx_amount_share_90d__출금"] == pytest.approx(400 / 1600)
    assert a["tx_amount_ratio_90d__출금_vs_입금"] == pytest.approx(400 / 1200)
    # last 30 days: 600 over 30 days; days 31-120 before: 1000 + 50 over 90 days
    assert a["tx_amount_trend_30d_vs90d"] == pytest.approx((600 / 30) / (1050 / 90))
    assert a["tx_amount_last_365d"] == 100
    assert a["tx_amount_median_365d"] == pytest.approx(200)
    assert a["tx_channel_n_unique_365d"] == 3
    assert a["tx_amount_std_30d"] == pytest.approx(100.0)
    assert a["tx_count_all"] == 5 and a["tx_amount_min_all"] == 50  # all history, still only before the cutoff
    assert a["customers_joined_at_tenure_days"] == (date(2024, 4, 1) - date(2020, 1, 1)).days
    # B: no accounts → counts and sums are 0, everything else is unknown; joined after applying → no tenure
    assert b["tx_count_30d"] == 0 and b["tx_amount_sum_30d"] == 0
    assert b["tx_amount_mean_30d"] is None and b["tx_days_since_last_30d"] is None
    assert b["tx_amount_share_90d__출금"] is None
    assert b["customers_joined_at_tenure_days"] is None


def test_limit_use_is_the_overdrawn_balance_over_the_accounts_limit():
    """a1 is a 마이너스통장 with a 1,000,000 limit; a2 has no limit, so its overdrawn balance is no limit use."""
    frames = tiny()
    frames["accounts"] = frames["accounts"].with_columns(pl.Series("limit_krw", [1_000_000, None]))
    # days before the cutoff: 1 (a1), 10 (a1), 20 (a2), 60 (a2), 100 (a1), and one day after it (a2)
    balances = [-500_000, 200_000, -100, -900, -1_000_000, -999_999]
    frames["transactions"] = frames["transactions"].with_columns(pl.Series("balance_after", balances))
    frames["transactions"] = frames["transactions"].with_columns(
        pl.when(pl.col("tx_id") == 6).then(pl.lit("a1")).otherwise("account_id").alias("account_id")
    )
    spec = BalanceUse("transactions", "balance_after", "limit_krw")
    rel = Relations.from_dict(TINY)
    specs = [
        s
        for s in plan_features(rel, masked(frames), PlanOptions(windows=(30, 365), balance_use=(spec,)))
        if s.aggregation == "limit_use"
    ]
    assert [s.name for s in specs] == [
        "tx_limit_krw_use_mean_30d",
        "tx_limit_krw_use_max_30d",
        "tx_limit_krw_use_mean_365d",
        "tx_limit_krw_use_max_365d",
    ]
    assert {s.param("limit_table") for s in specs} == {"accounts"}  # found up the key path
    assert specs[0].description_ko == "최근 30일 거래 후 평균 한도 소진율 (마이너스 잔액 ÷ 한도)"
    assert specs[1].description_en == (
        "highest credit-limit use after a transaction (overdrawn balance after ÷ limit), last 30 days"
    )
    a, b, _ = generate(rel, masked(frames), specs).frame.rows(named=True)
    # 30 days: a1's 500,000 overdrawn (0.5) and 200,000 in credit (0); a2's events have no limit
    assert a["tx_limit_krw_use_mean_30d"] == pytest.approx(0.25) and a["tx_limit_krw_use_max_30d"] == 0.5
    # 365 days adds a1 at its limit 100 days before; the -999,999 after the cutoff never counts
    assert a["tx_limit_krw_use_mean_365d"] == pytest.approx(0.5) and a["tx_limit_krw_use_max_365d"] == 1.0
    assert b["tx_limit_krw_use_mean_30d"] is None  # no accounts, no limit: unknown, not 0


# --- leakage safety by construction ------------------------------------------------------------------------


def test_events_at_or_after_the_cutoff_never_change_any_feature(bank):
    frames, rel, specs = bank
    before = generate(rel, masked(frames), specs).frame
    loans = frames["loans"]
    first_account = frames["accounts"].group_by("customer_id").agg(pl.col("account_id").first())
    future = (
        loans.join(first_account, on="customer_id")
        .select(
            pl.col("account_id"),
            pl.col("applied_at").cast(pl.Datetime("us")).alias("cutoff"),
        )
        .with_columns(pl.int_range(pl.len(), dtype=pl.Int64).alias("n"))
    )
    poison = []
    for offset_us, amount in ((0, 10**12), (1, 10**12), (86_400_000_000 * 3, 5 * 10**12)):
        poison.append(
            future.select(
                (pl.col("n") + 10**9 + offset_us).alias("tx_id"),
                "account_id",
                (pl.col("cutoff") + pl.duration(microseconds=offset_us)).alias("ts"),
                pl.lit(amount, dtype=pl.Int64).alias("amount"),
                pl.lit("출금").alias("direction"),
                pl.lit("모바일").alias("channel"),
                pl.lit("식품").alias("merchant_category"),
                pl.lit(0, dtype=pl.Int64).alias("balance_after"),
            )
        )
    tx = pl.concat([frames["transactions"], *poison], how="vertical_relaxed")
    assert tx.height == frames["transactions"].height + 3 * loans.height
    # accounts opened on the application day (or after) must not count either
    acc_future = (
        frames["accounts"]
        .head(50)
        .with_columns((pl.col("account_id") + "_new").alias("account_id"), pl.date(2025, 1, 1).alias("opened_at"))
    )
    acc = pl.concat([frames["accounts"], acc_future])
    after = generate(rel, masked({**frames, "transactions": tx, "accounts": acc}), specs).frame
    assert_frame_equal(before, after)


def test_an_event_one_microsecond_before_the_cutoff_does_count():
    frames = tiny()
    cut = datetime(2024, 4, 1)
    frames["transactions"] = pl.concat(
        [
            frames["transactions"],
            pl.DataFrame(
                {
                    "tx_id": [7, 8],
                    "account_id": ["a1", "a1"],
                    "ts": [cut - timedelta(microseconds=1), cut],
                    "amount": [5, 7],
                    "direction": ["출금", "출금"],
                    "channel": ["ATM", "ATM"],
                }
            ),
        ]
    )
    fs = generate(Relations.from_dict(TINY), masked(frames), [tx("count", window=7), tx("sum", "amount", 7)])
    assert fs.frame.row(0, named=True)["tx_count_7d"] == 2  # day-1 event and the one a microsecond before
    assert fs.frame.row(0, named=True)["tx_amount_sum_7d"] == 105


def test_only_certified_tables_are_accepted():
    frames = tiny()
    with pytest.raises(TypeError, match="MaskedTable"):
        generate(Relations.from_dict(TINY), {**masked(frames), "transactions": frames["transactions"]}, [tx("count")])


def test_a_table_without_a_path_to_the_label_key_is_a_user_error():
    schema = {**TINY, "tables": {**TINY["tables"], "transactions": {"key": "tx_id", "time": "ts"}}}
    with pytest.raises(FeatureSpecError) as err:
        generate(Relations.from_dict(schema), masked(tiny()), [tx("count")])
    assert "parent" in err.value.message("en") and "customer_id" in err.value.message("en")


# --- single-table transforms -----------------------------------------------------------------------------


def test_out_of_fold_target_encoding_never_sees_the_rows_own_target(bank):
    frames, rel, _ = bank
    loans = frames["loans"].with_columns(
        pl.Series("grade", (pl.int_range(frames["loans"].height, eager=True) % 4).cast(pl.String))
    )
    specs = fit_transform_specs(loans, "loans", categorical=["grade"], numeric=["loan_amount"], target="default_12m")
    te = next(s for s in specs if s.transform == "target_encoding")
    base = generate(rel, masked({**frames, "loans": loans}), [te]).frame[te.name]
    flipped = loans.with_columns(
        pl.when(pl.int_range(pl.len()) == 0)
        .then(1 - pl.col("default_12m"))
        .otherwise(pl.col("default_12m"))
        .alias("default_12m")
    )
    again = generate(rel, masked({**frames, "loans": flipped}), [te]).frame[te.name]
    assert again[0] == base[0]  # row 0's own target flipped: its encoding is unchanged
    assert (again != base).sum() > 0  # but other folds' rows learned from it
    bins = next(s for s in specs if s.transform == "bin")
    assert len(bins.param("edges")) == 9
    binned = generate(rel, masked({**frames, "loans": loans}), [bins]).frame[bins.name]
    assert binned.min() == 0 and binned.max() == 9


def test_applications_without_an_outcome_teach_the_target_encoding_nothing(bank):
    """Recent applications have no 12-month outcome yet: added to the table, they change no labelled row's
    encoding and not the fitted mapping; they get the other folds' encoding like anyone else."""
    frames, rel, _ = bank
    grade = (pl.int_range(pl.len()) % 3).cast(pl.String)
    loans = frames["loans"].with_columns(
        pl.when(pl.int_range(pl.len()) % 9 == 0).then(None).otherwise(grade).alias("grade")
    )
    pending = loans.head(40).with_columns(pl.col("loan_id") + "p", pl.lit(None, dtype=pl.Int8).alias("default_12m"))
    both = pl.concat([loans, pending])
    (te,) = [
        s
        for s in fit_transform_specs(loans, "loans", categorical=["grade"], target="default_12m")
        if s.param("mapping")
    ]
    (te_both,) = [
        s for s in fit_transform_specs(both, "loans", categorical=["grade"], target="default_12m") if s.param("mapping")
    ]
    assert te_both == te  # same prior, same mapping (the missing grade is a category of its own)
    assert None in dict(te.param("mapping"))
    assert specs_from_yaml(specs_to_yaml([te])) == (te,) and specs_from_json(specs_to_json([te])) == (te,)
    before = generate(rel, masked({**frames, "loans": loans}), [te]).frame[te.name]
    after = generate(rel, masked({**frames, "loans": both}), [te]).frame[te.name]
    assert after.head(loans.height).to_list() == before.to_list()
    assert after.tail(40).null_count() == 0
