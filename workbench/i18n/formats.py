"""How numbers, missing values and times are written for a reader, in one place (screen, Excel, HTML).

Amounts get thousands separators and no scientific notation (26,520, not 2.652e+04); small values keep four
significant digits; a missing value is the catalog's mark. Times are shown in the bank's time zone:
``WORKBENCH_TZ`` (an IANA name), Asia/Seoul by default, whatever zone the server runs in.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from workbench.i18n import has, t

MISSING_KEY = "table.missing"
DEFAULT_TZ = "Asia/Seoul"


def column_header(name: str) -> str:
    """The reader's word for a result column or metric code (``auc`` → "AUC", ``test`` → "평가"), looked up
    as ``table.col.<name>``; a name the catalog does not know (a data column) is shown as is."""
    key = f"table.col.{name}"
    return t(key) if has(key) else name


def split_kind(split: str) -> str:
    """A stored split (``random``, ``time:applied_at``, ``group:customer_id``) as the reader says it, the
    column named after the kind."""
    kind, _, column = split.partition(":")
    key = f"table.split.{kind}"
    label = t(key) if has(key) else kind
    return f"{label} · {column}" if column else label


def number(value: object, *, digits: int | None = None) -> str:
    """``1234567`` → "1,234,567"; ``0.123456`` → "0.1235"; ``None``/NaN → the missing mark.
    ``digits``: a fixed number of decimals instead (a rate, an AUC)."""
    if value is None or (isinstance(value, float) and value != value):
        return t(MISSING_KEY)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if digits is not None:
        return f"{value:,.{digits}f}"
    if isinstance(value, int):
        return f"{value:,}"
    if value == int(value) and abs(value) < 1e15:
        return f"{int(value):,}"
    return f"{value:,.0f}" if 1_000 <= abs(value) < 1e18 else f"{value:,.4g}"


def percent(share: float | None, *, digits: int = 1) -> str:
    """A share 0..1 as "12.3%"."""
    return t(MISSING_KEY) if share is None else f"{100 * share:,.{digits}f}%"


def time_zone() -> ZoneInfo:
    """``WORKBENCH_TZ`` when it names a zone, else Asia/Seoul (a typo falls back instead of failing a page)."""
    try:
        return ZoneInfo(os.environ.get("WORKBENCH_TZ") or DEFAULT_TZ)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TZ)


def when(moment: datetime | str | None, *, seconds: bool = False) -> str:
    """A stored instant (naive ones are UTC, as the store writes them) as local "2026-12-05 12:05"."""
    if moment is None or moment == "":
        return t(MISSING_KEY)
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(time_zone()).strftime("%Y-%m-%d %H:%M" + (":%S" if seconds else ""))
