"""The exclusion step for columns a domain expert marked "known only after the decision".

Kept apart from planning and generation on purpose: whatever plans the features, this step takes out every
feature built from such a column (aggregated, filtered on, or carried as an attribute) and says which.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from workbench.features.spec import FeatureSpec


@dataclass(frozen=True)
class LeftOut:
    """``column`` of spec table ``table`` is marked known only after: ``features`` built from it went."""

    table: str
    column: str
    features: tuple[str, ...]


def _uses(spec: FeatureSpec, columns: Collection[str]) -> str | None:
    named = [spec.column, *(c for c, _v in spec.filter), *(c for c, _v in spec.denominator_filter)]
    return next((c for c in named if c is not None and c in columns), None)


def without_known_after(
    specs: Sequence[FeatureSpec], known_after: Mapping[str, Collection[str]] | None
) -> tuple[tuple[FeatureSpec, ...], tuple[LeftOut, ...]]:
    """``specs`` without those built from a column marked known only after (``known_after``: spec table →
    columns), and what went, column by column."""
    if not known_after:
        return tuple(specs), ()
    kept: list[FeatureSpec] = []
    gone: dict[tuple[str, str], list[str]] = {}
    for s in specs:
        column = _uses(s, known_after.get(s.source, ()))
        if column is None:
            kept.append(s)
        else:
            gone.setdefault((s.source, column), []).append(s.name)
    return tuple(kept), tuple(LeftOut(t, c, tuple(names)) for (t, c), names in gone.items())
