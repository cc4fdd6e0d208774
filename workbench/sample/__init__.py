"""A deterministic synthetic Korean bank: customers, accounts, transactions and loans with a default target.

``generate(customers=5000, seed=42)`` returns a ``SampleBank`` of four polars frames; ``write(bank, out)``
stores them as zstd parquet. Same seed and size → byte-identical files. For benchmark sizes
(1M customers, ~64M transactions) ``write_sample(out, customers=N)`` streams transactions block by block
without holding them in memory. ``generate_raw`` gives the same customers as a core-banking export with
fake, checksum-valid personal data (CP949 CSV via ``write_raw``), for the privacy gate.

Modules, in the order data flows: ``calendar`` (the clock), ``population`` (customers, their loan and the
hidden risk), ``accounts``, ``events`` (one function per kind of transaction), ``ledger`` (sorting, balances),
``bank`` (the public frames and parquet), ``identity`` + ``raw`` (the raw export), ``signal`` (how much the
transactions add; LightGBM is imported only there). The traps analysts must catch are documented in
``sample_data/README.md``.
"""

from __future__ import annotations

from workbench.sample.bank import (
    ACCOUNT_SCHEMA,
    CUSTOMER_SCHEMA,
    LOAN_SCHEMA,
    TRANSACTION_SCHEMA,
    SampleBank,
    generate,
    write,
    write_sample,
)
from workbench.sample.raw import RAW_FILE, generate_raw, write_raw

__all__ = [
    "ACCOUNT_SCHEMA",
    "CUSTOMER_SCHEMA",
    "LOAN_SCHEMA",
    "RAW_FILE",
    "TRANSACTION_SCHEMA",
    "SampleBank",
    "generate",
    "generate_raw",
    "write",
    "write_raw",
    "write_sample",
]
