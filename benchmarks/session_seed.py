"""A workspace as a team leaves it after a day's work, for the session benchmark.

A fresh sample workspace shows the Features and Model pages without results, which is the cheapest they ever
are. A team's workspace holds the newest feature build on the label table, the modelling table saved from it
and a trained model on that table, so a new session's Features page reopens on the build's ranked table and
review, and its Model page on the stored run's metrics and charts. This is built through the same functions
the pages call (proposal, build, catalog, feature run, modelling table, training with the build and the
expert's edits, stored run), never by writing the store's rows by hand.
"""

from __future__ import annotations

from pathlib import Path


def seed_team_day(home: Path) -> dict[str, str]:
    """Into ``home`` (already holding the certified sample bank): a feature build, its modelling table and a
    trained run on it. Returns the ids made, for the benchmark's report."""
    from dataclasses import replace

    from workbench.features.lineage import save_modelling_table
    from workbench.features.pipeline import build_features
    from workbench.features.propose import propose_project
    from workbench.features.rebuild import build_of_dataset
    from workbench.features.review import save_catalog
    from workbench.features.saved import save_feature_run
    from workbench.model.baseline import TrainConfig, train_baseline
    from workbench.model.runs import save_run
    from workbench.store import Store
    from workbench.ui.shared_tables import certified_from_store

    with Store.open(home=home) as store:
        tables = certified_from_store(store)
        project = propose_project(tables, metas=store.tables.list(), relationships=store.tables.relationships())
        label = project.relations.label
        run = build_features(project, tables)
        save_catalog(store, run, label.table)
        run_id = save_feature_run(store, run, project)
        chosen = [r.name for r in run.recommendations if r.selected]
        result = save_modelling_table(store, run, chosen, label.table, source_run=run_id)
        modelling = certified_from_store(store)[result.name]
        build = build_of_dataset(store, result.name)
        config = TrainConfig(target=label.target, feature_build=build.to_dict() if build else None)
        trained = train_baseline(modelling, replace(config, features=None))
        model_run = save_run(trained, store)
    return {"feature_run": run_id, "modelling_table": result.name, "model_run": model_run, "chosen": str(len(chosen))}
