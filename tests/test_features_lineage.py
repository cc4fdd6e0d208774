"""Finding 1 of the team trial: a saved modelling table never comes back as a label or source table, the
target is never a candidate feature (nor a copy of it), and a build after a reload does not crash."""

from __future__ import annotations

import polars as pl
import pytest
from test_features_generate import bank_frames

from workbench.features.lineage import build_sources, modelling_table_name, save_modelling_table
from workbench.features.pipeline import build_features, without_target_copies
from workbench.features.propose import propose_project
from workbench.features.relations import FeatureSpecError
from workbench.features.saved import latest_feature_run, save_feature_run
from workbench.intake import record_suggested_structure, take_in
from workbench.io.table import SourceInfo, Table
from workbench.privacy import load_certified
from workbench.store import Store


def load_bank(store, customers: int, per_customer: int) -> None:
    """The synthetic bank certified into the workspace store with its suggested roles, as the Data page does."""
    frames = bank_frames(customers, per_customer)
    tables = {n: take_in(Table(n, f, SourceInfo("parquet", n)), store).masked for n, f in frames.items()}
    record_suggested_structure(store, tables)


@pytest.fixture
def store(workspace):
    with Store.open() as s:
        load_bank(s, 200, 15)
        yield s


def reload(store) -> dict:
    """What a new session sees: every certified dataset, read back from the store (names in store order)."""
    return {d.name: load_certified(store, d.name) for d in store.datasets.list() if d.certified}


def build(store, tables):
    sources = build_sources(tables, store.lineage.all())
    project = propose_project(sources, metas=store.tables.list(), relationships=store.tables.relationships())
    return project, build_features(project, sources)


def test_a_saved_modelling_table_is_not_the_next_builds_label_nor_a_source(store):
    project, run = build(store, reload(store))
    assert project.relations.label.table == "loans"
    stored_id = save_feature_run(store, run, project)
    result = save_modelling_table(store, run, run.selected, "loans", source_run=stored_id)
    name = modelling_table_name("loans")
    assert result.certified
    lineage = store.lineage.get(name)
    assert (lineage.role, lineage.source_dataset, lineage.source_run) == ("modelling_table", "loans", stored_id)

    tables = reload(store)  # "features_loans" sorts before "loans": the old bug picked it as the label
    assert name in tables
    project2, run2 = build(store, tables)
    assert project2.relations.label.table == "loans"
    assert name not in {r.name for r in project2.relations.tables}
    assert not [s for s in run2.specs if s.source == name]
    assert "default_12m" not in run2.features.names and not any("default_12m" in n for n in run2.features.names)
    assert len(run2.features.names) == len(set(run2.features.names)) == len(run.features.names)


def test_derived_tables_come_back_only_when_asked(store):
    tables = reload(store)
    derived = {"features_loans": None}
    assert set(build_sources(tables, derived)) == set(tables)  # not in the workspace: nothing to leave out
    tables["features_loans"] = tables["loans"]
    assert "features_loans" not in build_sources(tables, derived)
    assert "features_loans" in build_sources(tables, derived, include_derived=True)


def test_a_modelling_table_chosen_as_label_is_refused_in_one_line_not_a_duplicate_error(store):
    _, run = build(store, reload(store))
    save_modelling_table(store, run, run.selected, "loans", source_run=None)
    tables = reload(store)  # the analyst asks for derived tables and the modelling table is taken as label
    asked = propose_project(
        tables, metas=store.tables.list(), relationships=store.tables.relationships(), label="features_loans"
    )
    with pytest.raises(FeatureSpecError) as err:
        build_features(asked, tables)
    assert "features_loans" in str(err.value) and "\n" not in str(err.value)


def test_the_target_is_never_a_candidate_even_when_another_table_holds_a_column_of_its_name(store):
    tables = reload(store)
    customers = tables["customers"]
    leaked = customers.frame.join(
        tables["loans"].frame.select("customer_id", "default_12m").unique("customer_id"), on="customer_id", how="left"
    )
    take_in(Table("customers", leaked, SourceInfo("parquet", "customers")), store)
    _, run = build(store, reload(store))
    assert not [s for s in run.specs if s.column == "default_12m"]


def test_a_copy_of_the_target_under_another_name_is_dropped():
    from workbench.features.generate import FeatureSet
    from workbench.features.relations import LabelRole
    from workbench.features.spec import FeatureSpec
    from workbench.features.target import TargetCoding

    y = [0, 1, None, 1, 0]
    copy = FeatureSpec(source="loans", aggregation="attribute", column="bad_flag", alias="x")
    other = FeatureSpec(source="loans", aggregation="attribute", column="amount", alias="x")
    frame = pl.DataFrame({"default_12m": y, copy.name: [0.0, 1.0, None, 1.0, 0.0], other.name: [0, 1, 1, 1, 0]})
    fs = FeatureSet(frame, (copy, other), LabelRole("loans", "id", "at", "default_12m"))
    kept = without_target_copies(fs, TargetCoding("default_12m"))
    assert kept.names == [other.name] and copy.name not in kept.frame.columns


def test_the_last_build_comes_back_whole_after_a_reload(store):
    project, run = build(store, reload(store))
    stored_id = save_feature_run(store, run, project)
    with Store.open() as fresh:  # a new session opens the same workspace
        found_id, again, project_again = latest_feature_run(fresh, "loans")
    assert found_id == stored_id and project_again == project
    assert again.specs == run.specs and again.scores == run.scores
    assert again.recommendations == run.recommendations and again.selected == run.selected
    assert again.features.frame.equals(run.features.frame)
    assert again.table().equals(run.table())


def test_a_changed_candidate_file_is_refused(store):
    project, run = build(store, reload(store))
    save_feature_run(store, run, project)
    stored = store.feature_runs.latest()
    pl.DataFrame({"x": [1]}).write_parquet(stored.frame_path)
    from workbench.store import StoreError

    with pytest.raises(StoreError):
        latest_feature_run(store)
    assert stored.frame_path.relative_to(store.home).as_posix() not in store.check().orphan_files


def test_every_session_reopens_one_shared_build_and_a_file_changed_since_is_still_refused(store):
    """Ten analysts' Features pages reopen the same stored build: it is read, checked and parsed once and the
    same (immutable) run handed to each; a candidate file changed on disk afterwards is read again and refused."""
    project, run = build(store, reload(store))
    save_feature_run(store, run, project)
    with Store.open() as one, Store.open() as two:  # two sessions on the same workspace
        first, second = latest_feature_run(one, "loans"), latest_feature_run(two, "loans")
    assert first[1] is second[1] and first[2] is second[2]
    assert first[1].features.frame.equals(run.features.frame)
    stored = store.feature_runs.latest()
    pl.DataFrame({"x": [1]}).write_parquet(stored.frame_path)
    from workbench.store import StoreError

    with pytest.raises(StoreError):
        latest_feature_run(store, "loans")
