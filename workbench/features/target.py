"""Which value of the label's target is the event (a default), for scoring and target encodings.

A target may be 0/1, booleans or text (good/bad, Y/N, yes/no, 예/아니오, …). Text is read exactly as the
profile reads it (``profile.target.resolve_event``: known event words first, else the rarer value), so the
Profile and Features pages never disagree about which value is a default; the run says which one it took.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from workbench.features.relations import FeatureSpecError
from workbench.profile.target import TargetError, resolve_event


@dataclass(frozen=True)
class TargetCoding:
    """``event``/``non_event`` as the column spells them (text), or ``None`` for a 0/1 (or boolean) column."""

    column: str
    event: str | None = None
    non_event: str | None = None

    def expr(self) -> pl.Expr:
        """1.0 for the event, 0.0 for the other value, null where the outcome is unknown."""
        col = pl.col(self.column)
        if self.event is None:
            return col.cast(pl.Float64).alias(self.column)
        text = col.cast(pl.String)
        return pl.when(text.is_null()).then(None).otherwise((text == self.event).cast(pl.Float64)).alias(self.column)

    def to_dict(self) -> dict:
        return {"column": self.column, "event": self.event if self.event is not None else "1"}


def target_coding(values: pl.Series) -> TargetCoding:
    """How ``values`` (the target column) become 0/1. Raises ``FeatureSpecError`` naming the column when it
    does not hold exactly two values."""
    present = values.drop_nulls()
    zero_one = values.dtype == pl.Boolean or (values.dtype.is_numeric() and present.is_in([0, 1]).all())
    if zero_one and present.n_unique() == 2:
        return TargetCoding(values.name)
    try:
        event, non_event = resolve_event(values)
    except TargetError as e:
        raise FeatureSpecError("features.error.target_not_binary", column=values.name, n=present.n_unique()) from e
    return TargetCoding(values.name, event, non_event)


def coded(frame: pl.DataFrame, target: str) -> pl.DataFrame:
    """``frame`` with its target column as 0/1 floats (the original column replaced)."""
    return frame.with_columns(target_coding(frame.get_column(target)).expr())
