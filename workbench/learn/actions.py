"""The heavy steps of the tour, run on the sample for a trainee who asks for it ("do it for me").

They call the same library functions as the Data, Features and Model pages, so what they save is what the
pages would have saved: certified datasets, a scored feature catalog, a run in the workspace store.
``progress(fraction, message_key)`` lets the page show a bar (building features takes ~10 s on the sample).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from workbench.intake import take_in_sample
from workbench.learn.facts import Label
from workbench.privacy import MaskedTable

Progress = Callable[[float, str], None]


def _quiet(_fraction: float, _key: str) -> None:
    return None


def load_sample(store, *, progress: Progress = _quiet) -> dict[str, MaskedTable]:
    """Certify and save the sample bank with its suggested roles; returns the certified tables by name."""
    progress(0.0, "learn.action.loading")
    results = take_in_sample(store)
    progress(1.0, "learn.action.loading")
    return {r.name: r.masked for r in results if r.masked is not None}


def build_catalog(store, tables: Mapping[str, MaskedTable], *, progress: Progress = _quiet) -> int:
    """Propose a spec from the stored roles, build and score the features, save them in the catalog."""
    from workbench.features.pipeline import build_features
    from workbench.features.propose import propose_project
    from workbench.features.review import save_catalog

    project = propose_project(tables, metas=store.tables.list(), relationships=store.tables.relationships())
    if project is None:
        return 0
    run = build_features(project, tables, progress=lambda f, _m: progress(min(f, 1.0), "learn.action.building"))
    return save_catalog(store, run, project.relations.label.table)


def train_without_leaks(
    store, table: MaskedTable, label: Label, leaks: Sequence[str], *, progress: Progress = _quiet
) -> str:
    """Train the LightGBM baseline on an out-of-time split, leaving the leaking columns out; save the run.

    Returns the run id. The run is saved by the Model page's own ``save_run`` (record, model, card).
    """
    from workbench.model.baseline import TrainConfig, train_baseline
    from workbench.model.runs import save_run
    from workbench.model.splits import SplitSpec

    split = SplitSpec("time", label.time) if label.time else SplitSpec()
    config = TrainConfig(target=label.target, exclude=tuple(leaks), split=split, shap_rows=500)
    result = train_baseline(
        table, config, progress=lambda i, total, *_: progress(min(i / total, 1.0), "learn.action.training")
    )
    return save_run(result, store)
