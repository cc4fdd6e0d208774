"""k-anonymity and l-diversity on chosen quasi-identifiers, and the generalisation that reaches a target k.

An equivalence class is the set of rows sharing the same quasi-identifier values; k is the size of the
smallest one. Reaching a target k generalises the column with the most distinct values one step at a time
(dates → month → year, numbers → fewer quantile bins, text → 시/도 then rare categories merged into 기타)
until at most ``max_suppression`` of the rows sit in too-small classes, then suppresses (drops) those rows.
The cost, rows suppressed and categories merged per column, is part of the result.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

OTHER = "기타"


@dataclass(frozen=True)
class EquivalenceClass:
    values: tuple[str | None, ...]
    size: int


@dataclass(frozen=True)
class KAnonymity:
    """Measured on ``quasi_identifiers``: k (smallest class), the classes and how many rows sit below ``target``."""

    quasi_identifiers: tuple[str, ...]
    rows: int
    k: int
    classes: int
    target: int
    rows_below_target: int
    smallest: tuple[EquivalenceClass, ...]
    l_diversity: int | None = None  # fewest distinct sensitive values in a class
    sensitive: str | None = None

    @property
    def satisfied(self) -> bool:
        return self.rows == 0 or self.k >= self.target


@dataclass(frozen=True)
class GeneralisationStep:
    column: str
    step: str  # "month", "year", "bins:5", "sido", "merge<20"…
    distinct_before: int
    distinct_after: int


@dataclass(frozen=True)
class KAnonymityCost:
    """``before``: the classes of the raw input (values withheld: they are raw); ``generalised``: after the
    policy's column rules, before the ladder and suppression; ``after``: what leaves the gate."""

    before: KAnonymity
    after: KAnonymity
    rows_suppressed: int
    steps: tuple[GeneralisationStep, ...]
    generalised: KAnonymity | None = None

    @property
    def categories_merged(self) -> dict[str, int]:
        """Per column, how many distinct values generalisation took away."""
        out: dict[str, int] = {}
        for s in self.steps:
            out[s.column] = out.get(s.column, 0) + s.distinct_before - s.distinct_after
        return out


def measure(
    frame: pl.DataFrame,
    quasi_identifiers: Sequence[str],
    *,
    target: int = 5,
    sensitive: str | None = None,
    show: int = 5,
) -> KAnonymity:
    """Class sizes over ``quasi_identifiers`` (nulls form their own value), the ``show`` smallest classes,
    and l-diversity of ``sensitive`` when given."""
    qis = list(quasi_identifiers)
    if not qis or frame.height == 0:
        return KAnonymity(tuple(qis), frame.height, frame.height, 1 if frame.height else 0, target, 0, ())
    aggs = [pl.len().alias("__n")]
    if sensitive:
        aggs.append(pl.col(sensitive).n_unique().alias("__l"))
    classes = frame.group_by(qis).agg(aggs).sort("__n")
    below = classes.filter(pl.col("__n") < target)["__n"].sum()
    smallest = tuple(
        EquivalenceClass(tuple(None if v is None else str(v) for v in row[:-1]), int(row[-1]))
        for row in classes.head(show).select([*qis, "__n"]).iter_rows()
    )
    return KAnonymity(
        quasi_identifiers=tuple(qis),
        rows=frame.height,
        k=int(classes["__n"].min()),
        classes=classes.height,
        target=target,
        rows_below_target=int(below or 0),
        smallest=smallest,
        l_diversity=int(classes["__l"].min()) if sensitive else None,
        sensitive=sensitive,
    )


def _ladder(frame: pl.DataFrame, column: str, k: int) -> list[tuple[str, pl.Expr]]:
    """Generalisation steps for one column, finest first, each applied to the original values."""
    c = pl.col(column)
    dtype = frame.schema[column]
    if dtype == pl.Date or isinstance(dtype, pl.Datetime):
        d = c.dt.date() if isinstance(dtype, pl.Datetime) else c
        return [
            ("month", d.dt.strftime("%Y-%m")),
            ("year", d.dt.year().cast(pl.String)),
            ("decade", ((d.dt.year() // 10) * 10).cast(pl.String) + "s"),
            ("all", pl.lit("*")),
        ]
    if dtype.is_numeric():
        from workbench.privacy.transforms import interval_labels

        bins = []
        for q in (10, 5, 3, 2):
            edges = sorted({frame[column].quantile(i / q) for i in range(1, q)} - {None})
            if edges:
                labels = interval_labels(edges)
                bins.append((f"bins:{q}", c.bin_intervals(edges, labels=labels).cast(pl.String)))
        return [*bins, ("all", pl.lit("*"))]
    txt = c.cast(pl.String)
    steps: list[tuple[str, pl.Expr]] = []
    share = frame.select(
        txt.str.contains(r"\s").mean().alias("space"), txt.str.contains(r"^\d+대$").mean().alias("band")
    ).row(0)
    five = frame.select(txt.str.contains(r"^\d+-\d+$").mean()).item() or 0
    if five > 0.5:  # 5-year age bands (45-49) → 10-year bands (40대), then 20-year bands as below
        ten = (txt.str.extract(r"^(\d+)-\d+$", 1).cast(pl.Int32) // 10) * 10
        txt = pl.concat_str([ten.cast(pl.String), pl.lit("대")])
        steps.append(("band:10", txt))
    if five > 0.5 or (share[1] or 0) > 0.5:  # 10-year age bands (30대) → 20-year bands (20~39세)
        lo = (txt.str.extract(r"^(\d+)대$", 1).cast(pl.Int32) // 20) * 20
        txt = pl.concat_str([lo.cast(pl.String), pl.lit("~"), (lo + 19).cast(pl.String), pl.lit("세")])
        steps.append(("band:20", txt))
    elif (share[0] or 0) > 0.5:  # 시/도 시/군/구 → 시/도
        txt = txt.str.extract(r"^(\S+)", 1)
        steps.append(("first_word", txt))
    for m in (1, 2, 4):
        counts = txt.count().over(txt)
        steps.append((f"merge<{k * m}", pl.when(counts < k * m).then(pl.lit(OTHER)).otherwise(txt)))
    steps.append(("all", pl.lit("*")))  # the top of every hierarchy: the column no longer distinguishes
    return steps


def enforce(
    frame: pl.DataFrame,
    quasi_identifiers: Sequence[str],
    *,
    k: int = 5,
    max_suppression: float = 0.05,
    raw: pl.DataFrame | None = None,
) -> tuple[pl.DataFrame, KAnonymityCost]:
    """Generalise, then suppress, until every equivalence class has at least ``k`` rows.

    ``raw``: the input before the policy's column rules, so ``before`` is the k the raw data really has
    (4,686 unique birth numbers: k = 1), not the k of values the rules already coarsened or nulled."""
    qis = list(quasi_identifiers)
    generalised = measure(frame, qis, target=k)
    before = generalised if raw is None else measure(raw.select(qis), qis, target=k, show=0)
    ladders = {c: _ladder(frame, c, k) for c in qis}
    level = dict.fromkeys(qis, 0)
    original = frame
    steps: list[GeneralisationStep] = []
    current = frame
    while True:
        m = measure(current, qis, target=k)
        if m.rows_below_target <= max_suppression * current.height:
            break
        movable = [c for c in qis if level[c] < len(ladders[c])]
        if not movable:
            break
        col = max(movable, key=lambda c: current[c].n_unique())
        name, expr = ladders[col][level[col]]
        level[col] += 1
        new_values = original.select(expr.alias(col)).to_series()
        if new_values.len() == 1 and original.height != 1:  # a literal (the "all" step)
            new_values = pl.repeat(new_values[0], original.height, eager=True).alias(col)
        before_n, after_n = current[col].n_unique(), new_values.n_unique()
        if after_n < before_n:  # a step that merges nothing is skipped, not reported
            steps.append(GeneralisationStep(col, name, before_n, after_n))
            current = current.with_columns(new_values)
    sizes = pl.len().over(qis) if qis else pl.lit(current.height)
    kept = current.filter(sizes >= k) if qis else current
    after = measure(kept, qis, target=k)
    return kept, KAnonymityCost(before, after, current.height - kept.height, tuple(steps), generalised)
