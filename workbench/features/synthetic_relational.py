"""A deterministic relational bank with the shapes real bank schemas have, for tests and the benchmark.

Modelled on public relational bank schemas (accounts in districts, clients in districts, dispositions linking
clients to accounts, cards issued to dispositions, standing orders of accounts, loans with a grant date and a
good/bad status)::

    region ◀── district ◀── account ◀── disposition ──▶ client ──▶ district
                               ▲  ▲           ▲
                   standing_order  transaction  card (dated, a grandchild through the bridge)

- lookups at two levels: account → district → region (and client → district → region);
- a bridge with two parents: a disposition links one account and one client;
- undated children: standing orders (several per account, no date) and the dispositions themselves;
- dated children and grandchildren: transactions of an account, cards of a disposition;
- a text target (``good``/``bad``) on about ``loans`` label rows, granted over two years (quarterly periods).

``write_relational_bank`` writes the tables under file names unlike the table names and returns the spec.
``poison`` plants rows at and after every cutoff: no feature may change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import polars as pl

GRANT_START = date(2022, 1, 1)
GRANT_DAYS = 730
HISTORY_START = datetime(2020, 1, 1)

# table name → file name (deliberately unlike each other)
FILES = {
    "region": "ref_region_v2.parquet",
    "district": "dist_lookup.csv",
    "account": "account_x.parquet",
    "client": "clients_masked.parquet",
    "disposition": "disp.parquet",
    "card": "cards_2024.parquet",
    "standing_order": "order.parquet",
    "transaction": "trans_all.parquet",
    "loan": "loan_x.parquet",
}

SCHEMA: dict = {
    "tables": {
        "region": {"key": "region_id"},
        "district": {"key": "district_id", "parent": "region", "parent_key": "region_id"},
        "account": {"key": "account_id", "parent": "district", "parent_key": "district_id", "alias": "acct"},
        "client": {"key": "client_id", "parent": "district", "parent_key": "district_id", "by": ["gender"]},
        "disposition": {
            "key": "disp_id",
            "parents": {"account": "account_id", "client": "client_id"},
            "alias": "disp",
            "by": ["type"],
        },
        "card": {"key": "card_id", "parent": "disposition", "parent_key": "disp_id", "time": "issued_at"},
        "standing_order": {
            "key": "order_id",
            "parent": "account",
            "parent_key": "account_id",
            "alias": "order",
            "by": ["purpose"],
        },
        "transaction": {
            "key": "trans_id",
            "parent": "account",
            "parent_key": "account_id",
            "time": "ts",
            "alias": "tx",
            "by": ["kind"],
            "columns": ["amount", "balance"],
        },
    },
    "label": {"table": "loan", "key": "account_id", "id": "loan_id", "cutoff": "granted_at", "target": "status"},
}


@dataclass(frozen=True)
class RelationalBank:
    tables: dict[str, pl.DataFrame]

    def __getitem__(self, name: str) -> pl.DataFrame:
        return self.tables[name]


def make_relational_bank(accounts: int = 600, loans: int = 400, tx_per_account: int = 40, seed: int = 11):
    """``accounts`` accounts, ``loans`` of them with a loan (one each), about ``tx_per_account`` transactions
    per account. The status depends on the district's unemployment, the owners' ages and recent balances."""
    rng = np.random.default_rng(seed)
    n_reg, n_dist = 4, 12
    region = pl.DataFrame(
        {
            "region_id": np.arange(1, n_reg + 1, dtype=np.int64),
            "region_name": ["수도권", "충청권", "영남권", "호남권"][:n_reg],
            "gdp_index": np.round(rng.uniform(80, 130, n_reg), 1),
        }
    )
    unemployment = np.round(rng.uniform(1.0, 9.0, n_dist), 2)
    district = pl.DataFrame(
        {
            "district_id": np.arange(1, n_dist + 1, dtype=np.int64),
            "region_id": rng.integers(1, n_reg + 1, n_dist),
            "avg_salary": rng.integers(2500, 6000, n_dist) * 10_000,
            "unemployment": unemployment,
        }
    )
    acc_district = rng.integers(1, n_dist + 1, accounts)
    account = pl.DataFrame(
        {
            "account_id": np.arange(1, accounts + 1, dtype=np.int64),
            "district_id": acc_district,
            "frequency": rng.choice(["월별", "주별", "거래시"], accounts, p=[0.8, 0.1, 0.1]),
            "opened_at": [date(2018, 1, 1) + timedelta(days=int(d)) for d in rng.integers(0, 1400, accounts)],
        }
    )
    # one owner per account, a second (disponent) client on a quarter of them
    owners = accounts
    extra = np.flatnonzero(rng.random(accounts) < 0.25)
    n_clients = owners + extra.size
    birth = [date(1950, 1, 1) + timedelta(days=int(d)) for d in rng.integers(0, 18_000, n_clients)]
    client = pl.DataFrame(
        {
            "client_id": np.arange(1, n_clients + 1, dtype=np.int64),
            "district_id": rng.integers(1, n_dist + 1, n_clients),
            "gender": rng.choice(["F", "M"], n_clients),
            "birth_date": birth,
        }
    )
    disp_account = np.concatenate([np.arange(1, accounts + 1), extra + 1])
    disposition = pl.DataFrame(
        {
            "disp_id": np.arange(1, n_clients + 1, dtype=np.int64) + 1000,
            "account_id": disp_account.astype(np.int64),
            "client_id": np.arange(1, n_clients + 1, dtype=np.int64),
            "type": np.where(np.arange(n_clients) < owners, "OWNER", "DISPONENT"),
        }
    )
    has_card = np.flatnonzero(rng.random(n_clients) < 0.4)
    card = pl.DataFrame(
        {
            "card_id": np.arange(1, has_card.size + 1, dtype=np.int64),
            "disp_id": disposition["disp_id"].to_numpy()[has_card],
            "card_type": rng.choice(["classic", "gold", "junior"], has_card.size, p=[0.7, 0.2, 0.1]),
            "issued_at": [HISTORY_START + timedelta(days=int(d)) for d in rng.integers(0, 1400, has_card.size)],
        }
    )
    n_orders = rng.integers(0, 4, accounts)
    order_acc = np.repeat(np.arange(1, accounts + 1), n_orders)
    standing_order = pl.DataFrame(
        {
            "order_id": np.arange(1, order_acc.size + 1, dtype=np.int64),
            "account_id": order_acc.astype(np.int64),
            "amount": rng.integers(1, 300, order_acc.size) * 10_000,
            "purpose": rng.choice(["보험", "관리비", "대출상환", "기타"], order_acc.size),
        }
    )
    k = accounts * tx_per_account
    tx_acc = rng.integers(1, accounts + 1, k)
    secs = rng.integers(0, (GRANT_DAYS + 900) * 86_400, k)
    transaction = pl.DataFrame(
        {
            "trans_id": np.arange(1, k + 1, dtype=np.int64),
            "account_id": tx_acc.astype(np.int64),
            "ts": (np.datetime64(HISTORY_START, "us") + secs.astype("timedelta64[s]")).astype("datetime64[us]"),
            "amount": (np.round(np.exp(rng.normal(11, 1.0, k)) / 100) * 100).astype(np.int64),
            "balance": np.round(rng.normal(5e6, 3e6, k)).astype(np.int64),
            "kind": rng.choice(["입금", "출금"], k),
        }
    )
    loan_acc = np.sort(rng.choice(np.arange(1, accounts + 1), loans, replace=False))
    owner_age = (date(2023, 1, 1) - np.array(birth[:owners])[loan_acc - 1]).astype("timedelta64[D]").astype(int) / 365
    risk = (
        0.35 * (unemployment[acc_district[loan_acc - 1] - 1] - 5)
        - 0.04 * (owner_age - 45)
        + 0.6 * np.isin(loan_acc, extra + 1)
        + rng.normal(0, 1, loans)
    )
    bad = rng.random(loans) < 1 / (1 + np.exp(-(risk - 1.6)))
    loan = pl.DataFrame(
        {
            "loan_id": np.arange(1, loans + 1, dtype=np.int64) + 5000,
            "account_id": loan_acc.astype(np.int64),
            "granted_at": [GRANT_START + timedelta(days=int(d)) for d in rng.integers(0, GRANT_DAYS, loans)],
            "amount": rng.integers(50, 600, loans) * 100_000,
            "duration": rng.choice([12, 24, 36, 48, 60], loans),
            "status": np.where(bad, "bad", "good"),
        }
    )
    return RelationalBank(
        {
            "region": region,
            "district": district,
            "account": account,
            "client": client,
            "disposition": disposition,
            "card": card,
            "standing_order": standing_order,
            "transaction": transaction,
            "loan": loan,
        }
    )


def poison(bank: RelationalBank) -> RelationalBank:
    """The same bank with rows planted exactly at and after every loan's cutoff: transactions and cards of
    the loan's account (and its dispositions) stamped at the cutoff instant, one microsecond later and a
    month later, with absurd amounts and a card type never seen before. Features must not move."""
    loan = bank["loan"].with_columns(pl.col("granted_at").cast(pl.Datetime("us")).alias("_at"))
    shifts = [timedelta(0), timedelta(microseconds=1), timedelta(days=30)]
    tx = bank["transaction"]
    planted = pl.concat(
        [
            loan.select(
                pl.col("account_id"),
                (pl.col("_at") + shift).alias("ts"),
                pl.lit(10**12, dtype=pl.Int64).alias("amount"),
                pl.lit(-(10**12), dtype=pl.Int64).alias("balance"),
                pl.lit("출금").alias("kind"),
            )
            for shift in shifts
        ]
    )
    planted = planted.with_columns((pl.int_range(pl.len()) + tx["trans_id"].max() + 1).alias("trans_id"))
    tx = pl.concat([tx, planted.select(tx.columns)])
    disp = bank["disposition"].join(loan.select("account_id", "_at"), on="account_id")
    card = bank["card"]
    cards = pl.concat(
        [
            disp.select(
                "disp_id",
                pl.lit("platinum").alias("card_type"),
                (pl.col("_at") + shift).alias("issued_at"),
            )
            for shift in shifts
        ]
    ).with_columns((pl.int_range(pl.len()) + card["card_id"].max() + 1).alias("card_id"))
    card = pl.concat([card, cards.select(card.columns)])
    return RelationalBank({**bank.tables, "transaction": tx, "card": card})


def write_relational_bank(bank: RelationalBank, folder: Path, schema: dict | None = None) -> dict:
    """Each table in its own file (names from ``FILES``, unlike the table names; the district lookup as CSV);
    returns the spec (``SCHEMA`` with paths) that reads them."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in bank.tables.items():
        path = folder / FILES[name]
        frame.write_csv(path) if path.suffix == ".csv" else frame.write_parquet(path)
    base = schema or SCHEMA
    spec = {
        "tables": {name: {"path": FILES[name], **conf} for name, conf in base["tables"].items()},
        "label": {**base["label"], "path": FILES[base["label"]["table"]]},
        "windows": [90, 365],
        "aggregations": ["count", "sum", "mean", "max", "min", "days_since_last"],
        "trend": None,
    }
    return spec
