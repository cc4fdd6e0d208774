"""A model's features rebuilt on new raw tables from the feature build it was trained on.

A bank scores a new month from its certified raw tables (applications, customers, accounts, transactions),
not from a feature table someone built by hand. So a run trained on a feature table keeps that table's
*build*: the spec (tables, keys, label, cutoff) and the specs of the features the model uses, with what they
learned stored in them (the ``by`` levels kept in each filter, transform bin edges, a target encoding's
fitted mapping). Rebuilding runs the same generation (``generate``) on the new label rows with their own
cutoffs, so a feature is computed exactly as in training, and never from anything at or after the cutoff.

Where the build comes from:

* ``workbench features -o OUT.parquet`` writes it into the Parquet file's metadata (``BUILD_KEY``), and
  ``-o OUT.csv`` beside the CSV as ``OUT.build.json`` (a CSV has no metadata), with the fingerprint of the
  table as the workbench reads the CSV back; ``workbench train OUT.parquet|OUT.csv`` finds it without another
  argument, and refuses a sidecar whose fingerprint is another table's (the CSV changed, or the sidecar was
  copied beside another file). The fingerprint is of the values read, not of the bytes, so a CSV an analyst
  re-saved in CP949 still matches its build;
* a modelling table saved on the Features page has a lineage that names its feature run (``store.lineage``),
  whose stored record holds the project and the specs.

A target encoding is served from its fitted mapping (the new rows' outcomes are not known, and must not be
used); its training values were out-of-fold by design (``transforms``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import polars as pl

from workbench.features.checks import SpecCheckError, ensure_valid
from workbench.features.generate import generate
from workbench.features.project import FeatureProject
from workbench.features.relations import FeatureSpecError, Relations
from workbench.features.saved import _spec_dict
from workbench.features.spec import FeatureSpec
from workbench.privacy.gate import MaskedTable

BUILD_KEY = "workbench.feature_build"  # Parquet key-value metadata of a feature table; a sidecar's "kind"
SIDECAR_SUFFIX = ".build.json"  # beside a feature table in a format without metadata: feat.csv → feat.build.json


@dataclass(frozen=True)
class FeatureBuild:
    """How a feature table was built: the spec as ``FeatureProject.from_dict`` reads it, the folder its
    relative paths start from, and the feature specs (only the model's, once ``for_features`` cut them)."""

    project: Mapping[str, Any]
    specs: tuple[FeatureSpec, ...]
    base_dir: str | None = None

    @property
    def relations(self) -> Relations:
        return Relations.from_dict(self.project)

    @property
    def label(self) -> str:
        return self.relations.label.table

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.specs)

    def for_features(self, names: Sequence[str]) -> FeatureBuild:
        """Only the specs of ``names`` (the model's features, in its order); a name without a spec is one of
        the label table's own columns and comes with the new label table."""
        by_name = {s.name: s for s in self.specs}
        return replace(self, specs=tuple(by_name[n] for n in names if n in by_name))

    def tables(self) -> tuple[str, ...]:
        """The tables the specs read: the label table, each spec's path to the label key, limit tables."""
        out = [self.label]
        for s in self.specs:
            out += [s.source, *s.key_path]
            if s.aggregation == "limit_use":
                out.append(str(s.param("limit_table")))
        return tuple(dict.fromkeys(out))

    def columns(self) -> dict[str, set[str]]:
        """Table → columns the specs read directly (values, filters, a ratio's other column, a limit)."""
        out: dict[str, set[str]] = {}
        for s in self.specs:
            cols = out.setdefault(s.source, set())
            cols.update(c for c in (s.column, *(c for c, _ in (*s.filter, *s.denominator_filter))) if c)
            if s.transform == "ratio":
                cols.add(str(s.param("other")))
            if s.aggregation == "limit_use":
                out.setdefault(str(s.param("limit_table")), set()).add(str(s.param("limit")))
        return out

    def paths(self, spec_path: str | Path | None = None, overrides: Mapping[str, str | Path] | None = None):
        """Table name → file: ``overrides`` first, then a new spec file's tables (its relative paths start at
        its folder), then the stored spec's, relative to the folder it was written in."""
        if spec_path is not None:
            found = FeatureProject.from_yaml(spec_path).paths()
        else:
            base = Path(self.base_dir) if self.base_dir else None
            found = FeatureProject.from_dict(self.project, base_dir=base).paths()
        found.update({k: Path(v) for k, v in (overrides or {}).items()})
        return {n: found[n] for n in self.tables() if n in found}

    def to_dict(self) -> dict[str, Any]:
        return {"project": dict(self.project), "specs": [_spec_dict(s) for s in self.specs], "base_dir": self.base_dir}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> FeatureBuild:
        return cls(dict(d["project"]), tuple(FeatureSpec.from_dict(s) for s in d["specs"]), d.get("base_dir"))


def build_of(project: FeatureProject, specs: Sequence[FeatureSpec]) -> FeatureBuild:
    from workbench.features.propose import project_to_dict

    base = str(project.base_dir.resolve()) if project.base_dir else None
    return FeatureBuild(project_to_dict(project), tuple(specs), base)


def sidecar_of(path: str | Path) -> Path:
    """Where the build of a feature table without metadata (CSV) is kept: ``NAME.build.json`` beside it."""
    p = Path(path)
    return p.with_name(p.stem + SIDECAR_SUFFIX)


def write_build(path: str | Path, frame: pl.DataFrame, build: FeatureBuild) -> None:
    """``frame`` as Parquet (the build in its metadata) or CSV (the build beside it, ``sidecar_of``, with the
    fingerprint of the table as ``read_table`` reads the CSV back: the one identity ``train`` compares)."""
    p = Path(path)
    text = json.dumps(build.to_dict(), ensure_ascii=False)
    if p.suffix.lower() == ".parquet":
        frame.write_parquet(p, metadata={BUILD_KEY: text})
        return
    from workbench.io import read_table

    frame.write_csv(p)  # UTF-8; Excel users open the .xlsx catalog instead
    sidecar = {"kind": BUILD_KEY, "table": p.name, "fingerprint": read_table(p).fingerprint, "build": build.to_dict()}
    sidecar_of(p).write_text(json.dumps(sidecar, ensure_ascii=False, indent=1), encoding="utf-8")


def build_in_file(path: str | Path, fingerprint: str | None = None) -> FeatureBuild | None:
    """The build a feature table carries: a Parquet file's metadata, or a CSV's sidecar (``sidecar_of``) whose
    fingerprint is that of the table (``fingerprint``: the loaded table's, else the file is read). None when
    there is none; a sidecar that is not a build, or is another table's, is refused (``FeatureSpecError``)."""
    p = Path(path)
    if p.suffix.lower() == ".parquet":
        try:
            text = pl.read_parquet_metadata(p).get(BUILD_KEY)
            return FeatureBuild.from_dict(json.loads(text)) if text else None
        except (OSError, ValueError, KeyError, TypeError, pl.exceptions.PolarsError):
            return None
    side = sidecar_of(p)
    if not side.is_file():
        return None
    try:
        data = json.loads(side.read_text(encoding="utf-8"))
        if data.get("kind") != BUILD_KEY:
            raise ValueError(side.name)
        build, expected = FeatureBuild.from_dict(data["build"]), str(data["fingerprint"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as err:
        raise FeatureSpecError("features.build.unreadable", sidecar=side.name, table=p.name) from err
    if fingerprint is None:
        from workbench.io import read_table

        fingerprint = read_table(p).fingerprint
    if fingerprint != expected:
        raise FeatureSpecError("features.build.other_table", sidecar=side.name, table=p.name)
    return build


def build_of_dataset(store, dataset: str) -> FeatureBuild | None:
    """The build behind a dataset the Features page saved (its lineage names the feature run), else None."""
    lineage = store.lineage.get(dataset)
    if lineage is None or not lineage.source_run:
        return None
    from workbench.store.errors import StoreError

    try:
        record = store.feature_runs.get(lineage.source_run).record
    except StoreError:  # a run removed since: train without a build, as before
        return None
    return FeatureBuild(dict(record["project"]), tuple(FeatureSpec.from_dict(d) for d in record["specs"]))


def rebuild(build: FeatureBuild, tables: Mapping[str, MaskedTable]) -> pl.DataFrame:
    """The label table's rows (``tables[build.label]``) with every column of the build's specs, computed from
    ``tables`` as in training. A table or column the specs need and ``tables`` lack is refused, naming them;
    the label's target and id are not needed (a new month's outcomes are not known yet)."""
    missing = [n for n in build.tables() if n not in tables]
    if missing:
        raise FeatureSpecError("features.rebuild.missing_tables", tables=", ".join(missing), n=len(missing))
    rel = build.relations
    label_cols = tables[rel.label.table].columns
    lab = replace(
        rel.label,
        target=rel.label.target if rel.label.target in label_cols else None,
        id=rel.label.id if rel.label.id in label_cols else None,
    )
    rel = Relations(tuple(r for r in rel.tables if r.name in tables), lab)
    for table, cols in sorted(build.columns().items()):
        absent = sorted(c for c in cols if table in tables and c not in tables[table].columns)
        if absent:
            raise FeatureSpecError("features.error.missing_columns", table=table, columns=", ".join(absent))
    used = {n: tables[n] for n in build.tables()}
    try:
        ensure_valid(rel, used)
    except SpecCheckError as err:  # one line: the command refuses once, naming every problem
        raise FeatureSpecError("features.rebuild.spec_problems", problems=err.message()) from err
    return generate(rel, used, build.specs, serve=True).frame
