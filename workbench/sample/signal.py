"""How much the transactions add: LightGBM AUC on customer+loan attributes alone versus with window features.

This is the sample's own quality check (it backs the numbers in ``sample_data/README.md``), deliberately
independent of ``workbench.features``: plain polars aggregations over the 90 and 180 days strictly before
``applied_at``, the leaking ``overdue_days_after`` left out, one fixed stratified split.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from workbench.sample.bank import SampleBank

WINDOWS = (30, 90, 180)
ATTRIBUTES = (
    "gender", "age_band", "sido", "occupation", "income_band", "annual_income", "credit_grade", "tenure_days",
    "loan_amount", "loan_product", "term_months", "bureau_score", "monthly_income", "months_at_job",
)  # fmt: skip
LEAK = "overdue_days_after"
TARGET = "default_12m"


@dataclass(frozen=True)
class SignalReport:
    """AUCs on the same held-out 30 % of loans; ``lift`` = with transactions − attributes only."""

    auc_attributes: float
    auc_with_transactions: float
    auc_leak_alone: float
    default_rate: float
    loans: int
    transaction_features: int

    @property
    def lift(self) -> float:
        return self.auc_with_transactions - self.auc_attributes


def attribute_frame(bank: SampleBank) -> pl.DataFrame:
    """One row per loan: id, target, the leak and the customer+loan attributes known at application."""
    return (
        bank.loans.join(bank.customers, on="customer_id", how="left")
        .with_columns(tenure_days=(pl.col("applied_at") - pl.col("joined_at")).dt.total_days())
        .select("loan_id", TARGET, LEAK, *ATTRIBUTES)
    )


def transaction_features(bank: SampleBank, windows: tuple[int, ...] = WINDOWS) -> pl.DataFrame:
    """Per loan, over each window of days strictly before ``applied_at``: counts and sums by direction,
    channel and category, late-night counts (23–05 h), balance level, low point and overdraft days.

    A transaction at 00:00 on ``applied_at`` is already the future and does not count.
    """
    cutoff = pl.col("applied_at").cast(pl.Datetime("us"))
    tx = (
        bank.transactions.lazy()
        .join(bank.accounts.lazy().select("account_id", "customer_id", "account_type"), on="account_id")
        .filter(pl.col("account_type") != "대출")
        .join(bank.loans.lazy().select("loan_id", "customer_id", "applied_at"), on="customer_id")
        .filter(pl.col("ts") < cutoff, pl.col("ts") >= cutoff - pl.duration(days=max(windows)))
        .with_columns(
            days_before=(cutoff - pl.col("ts")).dt.total_days(),
            late=(pl.col("ts").dt.hour() >= 23) | (pl.col("ts").dt.hour() < 5),
            out=pl.col("direction") == "출금",
        )
    )
    categories = bank.transactions["merchant_category"].unique().sort().to_list()
    channels = bank.transactions["channel"].unique().sort().to_list()
    exprs: list[pl.Expr] = []
    for w in windows:
        inside = pl.col("days_before") < w
        exprs += [
            inside.sum().alias(f"n_{w}d"),
            pl.col("amount").filter(inside & pl.col("out")).sum().alias(f"out_sum_{w}d"),
            pl.col("amount").filter(inside & ~pl.col("out")).sum().alias(f"in_sum_{w}d"),
            (inside & pl.col("late")).sum().alias(f"late_n_{w}d"),
            pl.col("balance_after").filter(inside).min().alias(f"balance_min_{w}d"),
            pl.col("balance_after").filter(inside).mean().alias(f"balance_mean_{w}d"),
            (inside & (pl.col("balance_after") < 0)).sum().alias(f"overdrawn_n_{w}d"),
        ]
        exprs += [(inside & (pl.col("channel") == c)).sum().alias(f"ch_{c}_{w}d") for c in channels]
        exprs += [(inside & (pl.col("merchant_category") == c)).sum().alias(f"cat_{c}_{w}d") for c in categories]
    exprs += [
        pl.col("balance_after").sort_by("ts").last().alias("balance_last"),
        pl.col("days_before").min().alias("days_since_last"),
    ]
    return tx.group_by("loan_id").agg(exprs).collect()


def _fit_auc(train: pl.DataFrame, test: pl.DataFrame, features: list[str], seed: int) -> float:
    import lightgbm as lgb
    from sklearn.metrics import roc_auc_score

    def prepare(frame: pl.DataFrame):
        pdf = frame.select(features).to_pandas()
        for name, dtype in frame.select(features).schema.items():
            if dtype == pl.String:
                pdf[name] = pdf[name].astype("category")
        return pdf

    x_train, x_test = prepare(train), prepare(test)
    for name in x_test.columns:  # same category codes on both sides
        if str(x_train[name].dtype) == "category":
            x_test[name] = x_test[name].cat.set_categories(x_train[name].cat.categories)
    model = lgb.LGBMClassifier(
        n_estimators=300, learning_rate=0.03, num_leaves=15, min_child_samples=40, subsample=0.8,
        subsample_freq=1, colsample_bytree=0.7, reg_lambda=1.0, random_state=seed, n_jobs=1, verbose=-1,
    )  # fmt: skip
    model.fit(x_train, train[TARGET].to_numpy())
    return float(roc_auc_score(test[TARGET].to_numpy(), model.predict_proba(x_test)[:, 1]))


def measure_signal(bank: SampleBank, *, seed: int = 0, test_share: float = 0.3) -> SignalReport:
    """Train LightGBM twice on one stratified split (attributes; attributes + transaction windows)."""
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import train_test_split

    base = attribute_frame(bank)
    tx = transaction_features(bank)
    frame = base.join(tx, on="loan_id", how="left").sort("loan_id")
    tx_cols = [c for c in tx.columns if c != "loan_id"]
    idx = np.arange(frame.height)
    train_idx, test_idx = train_test_split(
        idx, test_size=test_share, random_state=seed, stratify=frame[TARGET].to_numpy()
    )
    train, test = frame[np.sort(train_idx)], frame[np.sort(test_idx)]
    attrs = list(ATTRIBUTES)
    return SignalReport(
        auc_attributes=_fit_auc(train, test, attrs, seed),
        auc_with_transactions=_fit_auc(train, test, attrs + tx_cols, seed),
        auc_leak_alone=float(roc_auc_score(frame[TARGET].to_numpy(), frame[LEAK].to_numpy())),
        default_rate=float(frame[TARGET].mean()),
        loans=frame.height,
        transaction_features=len(tx_cols),
    )
