"""The same scorecard on another points scale: 600 at 50:1 with 20 to double the odds, or the 1–1000 range
Korean bureaus print (``PointsScale.korean_bureau``).

The scale changes no bin, WOE or coefficient: only the points (``points_table`` with the new scale) and the
grade cut points. With the training rows at hand (the page has the run's dataset) the grades are cut again at
the deciles of the training scores on the new scale, exactly as training would have cut them
(``training_rows`` repeats the run's split). Without them the cut points move by the scale's map
(a score before rounding is ``offset + factor × ln(odds)``, so ``offset' + factor'/factor × (score − offset)``):
points are rounded per bin, so applicants near a cut may then move one grade.

A run is never rewritten: the rescaled scorecard is saved as a new run that names the run it came from
(``rescaled_from``), with the same LightGBM model, so exports and scoring of the new run use the new scale.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import numpy as np
import polars as pl

from workbench.errors import UserError
from workbench.model.points import N_BANDS, PointsScale, ScoreBands, band_table, fit_bands
from workbench.model.scorecard import Scorecard
from workbench.privacy.gate import MaskedTable

SCALES: dict[str, PointsScale] = {"standard": PointsScale(), "bureau": PointsScale.korean_bureau()}


def scale_name(scale: PointsScale) -> str | None:
    """``standard`` or ``bureau`` for the two scales the page offers, None for another."""
    return next((k for k, v in SCALES.items() if v == scale), None)


def rescaled(card: Scorecard, scale: PointsScale, train: pl.DataFrame | None = None, n_bands: int = N_BANDS):
    """``card`` with its points and grade cut points on ``scale``: cut at the deciles of ``train``'s scores
    (the training rows), else mapped (see the module docstring)."""
    if train is not None:
        moved = replace(card, scale=scale, band_rates={})
        scores = moved.score(train)
        bands = fit_bands(scores, n_bands)
        rows = band_table(bands, scores)["rows"].to_list()
        return replace(moved, bands=bands, band_rates={"train": pl.DataFrame({"rows": rows})})
    old = card.scale
    ratio = scale.factor / old.factor
    edges = scale.offset + ratio * (np.asarray(card.bands.edges, dtype=np.float64) - old.offset)
    if scale.low is not None or scale.high is not None:
        edges = np.clip(edges, scale.low, scale.high)
    return replace(card, scale=scale, bands=ScoreBands(tuple(float(e) for e in edges)))


def training_rows(record: Mapping[str, Any], table: MaskedTable) -> pl.DataFrame | None:
    """The scorecard's training rows of ``table`` (the run's dataset), found by repeating the run's split;
    None when they cannot be (another table, or a split that no longer gives the run's row counts)."""
    from workbench.model.frame import build_frame
    from workbench.model.scorecard import FIT_SAMPLE
    from workbench.model.splits import SplitSpec, make_split

    split = dict(record.get("split") or {})
    wanted = next((s["rows"] for s in record.get("splits", ()) if s["name"] == "train"), None)
    try:
        mf = build_frame(table, record["target"], task=record["task"], event=record.get("event"),
                         features=record["features"], generated=record["features"])  # fmt: skip
        spec = SplitSpec(split["kind"], split.get("column"), split["valid_frac"], split["test_frac"], split["seed"])
        train = make_split(mf, spec).indices("train")
    except (UserError, KeyError, TypeError, ValueError):
        return None
    if len(train) != wanted:
        return None
    if len(train) > FIT_SAMPLE:  # the rows ``fit_scorecard`` fit on
        seed = int((record.get("config") or {}).get("seed", 42))
        train = np.sort(np.random.default_rng(seed).choice(train, FIT_SAMPLE, replace=False))
    return mf.X[train]


def rescaled_record(record: Mapping[str, Any], scale: PointsScale, train: pl.DataFrame | None = None) -> dict[str, Any]:
    """A run record whose scorecard is on ``scale`` (ready for ``store.runs.add``)."""
    n_bands = int(((record.get("config") or {}).get("scorecard") or {}).get("n_bands") or N_BANDS)
    card = rescaled(Scorecard.from_dict(record["scorecard_model"]), scale, train, n_bands)
    model = {**record["scorecard_model"], "scale": scale.to_dict(), "bands": list(card.bands.edges)}
    if "train" in card.band_rates:
        model["band_rows"] = card.band_rates["train"]["rows"].to_list()
    config = dict(record.get("config") or {})
    if config.get("scorecard"):
        config["scorecard"] = {**config["scorecard"], "scale": scale.to_dict()}
    skip = ("run_id", "actor", "created_at")
    return {k: v for k, v in record.items() if k not in skip} | {
        "scorecard_model": model,
        "config": config,
        "rescaled_from": record.get("run_id"),
    }


def save_rescaled(store, run_id: str, scale: PointsScale, table: MaskedTable | None = None) -> str:
    """Save run ``run_id``'s scorecard on ``scale`` as a new run (same LightGBM model); returns its id.
    ``table``: the run's dataset, whose training rows give the new grade cut points."""
    from workbench.model.runs import record_from_run

    record = record_from_run(store.runs.get(run_id))
    text = store.runs.model_text(run_id) if record.get("lightgbm_reference") else None
    train = training_rows(record, table) if table is not None else None
    return store.runs.add(rescaled_record(record, scale, train), text)
