"""What the workspace holds, counted: the sidebar's progress list reads it on every run, twice when the page
changed the store (before and after the page body), so it counts rows in the database and loads none."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import sqlalchemy as sa

from workbench.store.db import reading
from workbench.store.schema import features, review_state, runs

if TYPE_CHECKING:
    from workbench.store.store import Store


@dataclass(frozen=True)
class WorkTally:
    """``features``: the catalog's features; ``reviewed``: those with a verdict; ``runs``: stored model runs."""

    features: int
    reviewed: int
    runs: int


def work_tally(store: Store) -> WorkTally:
    """One read snapshot, three ``COUNT`` queries (the same numbers as ``len(features.list())``,
    ``len(reviews.states())`` and ``len(runs.list())``)."""
    count = sa.select(sa.func.count())
    with reading(store.engine) as conn:
        return WorkTally(
            features=conn.execute(count.select_from(features)).scalar_one(),
            reviewed=conn.execute(
                count.select_from(review_state.join(features, features.c.id == review_state.c.feature_id))
            ).scalar_one(),
            runs=conn.execute(count.select_from(runs)).scalar_one(),
        )
