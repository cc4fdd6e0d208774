"""When a column is known: a domain expert's mark, which outranks every statistic.

A column marked ``after`` ("known only after the decision": a call's duration, days overdue after the loan)
is left out by ``features`` and ``train``, which say so; one marked ``before`` ("known at decision time") is
kept, and the profile's leakage alerts show the mark and its comment beside the evidence. Marks live in the
workspace store (``store.timing``: who, when, audited); this module holds the vocabulary and the pure rules.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, get_args

Mark = Literal["before", "after"]
MARKS: tuple[str, ...] = get_args(Mark)


@dataclass(frozen=True)
class TimingMark:
    """``column`` of ``dataset`` is known ``before`` (at decision time) or only ``after`` the decision."""

    dataset: str
    column: str
    mark: Mark
    comment: str
    actor: str
    created_at: datetime

    def params(self) -> tuple[tuple[str, object], ...]:
        """What an alert or a warning carries to show the mark."""
        return (("mark", self.mark), ("comment", self.comment or "-"), ("who", self.actor))


def known_after(marks: Iterable[TimingMark]) -> tuple[str, ...]:
    """The columns marked known only after the decision, in the order given."""
    return tuple(m.column for m in marks if m.mark == "after")


def by_column(marks: Iterable[TimingMark]) -> dict[str, TimingMark]:
    return {m.column: m for m in marks}


def split_after(columns: Iterable[str], marks: Mapping[str, TimingMark]) -> tuple[list[str], list[TimingMark]]:
    """``columns`` without those marked ``after``, and the marks that took them out."""
    kept, dropped = [], []
    for c in columns:
        m = marks.get(c)
        if m is not None and m.mark == "after":
            dropped.append(m)
        else:
            kept.append(c)
    return kept, dropped
