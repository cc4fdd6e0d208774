"""Loan applications shaped like the sample bank's, for the scorecard tests: small, seeded, with a known signal.

Defaults fall with the bureau score and months at the job, rise for unsecured ("신용") loans; months at the job
is missing for 8 % of rows (riskier), and the income has the special code 9999999 ("not reported").
"""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl

from workbench.io.table import Table
from workbench.privacy.gate import certify


def loans(n: int = 4000, seed: int = 0, *, month0: int = 1, months: int = 12, shift: float = 0.0) -> pl.DataFrame:
    """``shift`` moves the bureau scores of the population (a drifted month) without changing the risk model."""
    rng = np.random.default_rng(seed)
    bureau = rng.normal(650 + shift, 70, n).round()
    job = rng.gamma(2.0, 40.0, n).round()
    job_missing = rng.random(n) < 0.08
    income = rng.lognormal(6.0, 0.4, n).round()
    income_special = rng.random(n) < 0.05
    product = rng.choice(["신용", "담보", "전세"], n, p=[0.5, 0.3, 0.2])
    logit = (
        -2.6
        - (bureau - 650) / 50
        - 0.4 * np.log1p(np.nan_to_num(job, nan=0.0) / 40)
        + np.where(job_missing, 0.8, 0.0)
        + np.where(product == "신용", 0.7, 0.0)
    )
    default = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(np.int64)
    return pl.DataFrame(
        {
            "loan_id": [f"L{seed:02d}{i:06d}" for i in range(n)],
            "applied_at": [
                date(2024 + (month0 - 1 + i % months) // 12, 1 + (month0 - 1 + i % months) % 12, 1 + i % 28)
                for i in range(n)
            ],
            "bureau_score": bureau.astype(np.int64),
            "months_at_job": pl.Series(np.where(job_missing, np.nan, job), nan_to_null=True).cast(pl.Int64),
            "monthly_income": np.where(income_special, 9999999, income).astype(np.int64),
            "loan_product": product,
            "default_12m": default,
        }
    )


FEATURES = ("bureau_score", "months_at_job", "monthly_income", "loan_product")


def masked(df: pl.DataFrame, name: str = "loans"):
    return certify(Table(name, df), findings=())
