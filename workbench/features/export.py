"""Exports of a feature run: the feature table, the catalog (Excel), and catalog records for the store.

Only what passed the privacy gate is ever exported: the label table's own columns (already masked) and the
generated values. Keys stay the pseudonymised tokens the certified tables carry.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path

import polars as pl

from workbench.features.generate import FeatureSet
from workbench.features.pipeline import FeatureRun
from workbench.features.relations import FeatureSpecError
from workbench.features.spec import FeatureSpec
from workbench.i18n import t


def write_feature_table(
    features: FeatureSet, path: str | Path, names: Sequence[str] | None = None, *, build=None
) -> Path:
    """Parquet or CSV, chosen by the suffix, carrying ``build`` (``rebuild.FeatureBuild``): in a Parquet file's
    metadata, beside a CSV as ``NAME.build.json`` (``rebuild.write_build``), so a run trained on either can
    rebuild its features on new raw tables.

    Without ``names``: the whole candidate table (every label column and every feature), for review. With
    ``names``: the modelling frame of ``feature_table``, so a label column that was not chosen (a
    post-application outcome such as the sample's ``overdue_days_after``) never reaches training.
    """
    p = Path(path)
    frame = features.frame if names is None else feature_table(features, names)
    if p.suffix.lower() not in (".parquet", ".csv"):
        raise FeatureSpecError("features.error.output_format", path=str(p))
    p.parent.mkdir(parents=True, exist_ok=True)
    if build is not None:
        from workbench.features.rebuild import write_build

        write_build(p, frame, build)
    elif p.suffix.lower() == ".parquet":
        frame.write_parquet(p)
    else:
        frame.write_csv(p)
    return p


def catalog_frame(
    run: FeatureRun, *, reviews: Mapping[str, object] | None = None, lang: str | None = None
) -> pl.DataFrame:
    """One row per feature: name, both descriptions, the spec as JSON, scores, decision, review verdict."""
    table = run.table(lang) if run.scores else None
    rows = []
    for spec in run.specs:
        s = run.score(spec.name)
        r = run.recommendation(spec.name)
        review = (reviews or {}).get(spec.name)
        rows.append(
            {
                t("features.catalog.name", lang): spec.name,
                t("features.catalog.description_ko", lang): spec.description_ko,
                t("features.catalog.description_en", lang): spec.description_en,
                "IV": s.iv if s else None,
                "AUC": s.auc if s else None,
                "KS": s.ks if s else None,
                "PSI": s.psi if s else None,
                t("features.catalog.missing", lang): run.features.frame[spec.name].null_count()
                / max(run.features.rows, 1),
                t("features.catalog.timing", lang): t(f"features.timing.{spec.timing}", lang),
                t("features.catalog.selected", lang): r.selected if r else None,
                t("features.catalog.reason", lang): (
                    table.filter(pl.col("name") == spec.name)["reason"].item() if table is not None else None
                ),
                t("features.catalog.verdict", lang): getattr(review, "verdict", None),
                t("features.catalog.reviewer", lang): getattr(review, "reviewer", None),
                t("features.catalog.comment", lang): getattr(review, "comment", None),
                t("features.catalog.spec", lang): json.dumps(spec.to_dict(), ensure_ascii=False),
            }
        )
    return pl.DataFrame(rows, infer_schema_length=None)


def write_catalog_excel(
    run: FeatureRun, path: str | Path, *, reviews: Mapping[str, object] | None = None, lang: str | None = None
) -> Path:
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    catalog_frame(run, reviews=reviews, lang=lang).write_excel(
        p, worksheet=t("features.catalog.sheet", lang), autofit=True, float_precision=4
    )
    return p


def catalog_records(run: FeatureRun, dataset: str) -> list:
    """``store.Feature`` records for ``store.features.save_many`` (spec JSON plus the headline scores)."""
    from workbench.store import Feature

    out = []
    for spec in run.specs:
        s = run.score(spec.name)
        r = run.recommendation(spec.name)
        scores = {}
        if s:
            scores = {
                "iv": s.iv,
                "auc": s.auc,
                "ks": s.ks,
                "psi": s.psi,
                "missing": s.missing,
                "selected": r.selected if r else None,
                "reason": r.reason if r else None,
                "leakage_suspect": s.leakage_suspect,
            }
        out.append(
            Feature(
                name=spec.name,
                dataset=dataset,
                spec=spec.to_dict(),
                description_ko=spec.description_ko,
                description_en=spec.description_en,
                scores={k: v for k, v in scores.items() if v is not None},
            )
        )
    return out


def label_columns(features: FeatureSet) -> list[str]:
    """The label table's own columns in a feature table (key, cutoff, target…), in frame order: what an
    exported table or generated SQL carries next to the features."""
    generated = set(features.names)
    return [c for c in features.frame.columns if c not in generated]


def modelling_columns(features: FeatureSet) -> list[str]:
    """The label columns a modelling frame needs beside its features: the label key, the row ``id`` when the
    spec names one, the cutoff and the target, in frame order. Every other label column is raw material the
    features were built from (or an outcome known only later) and stays out unless chosen as a feature."""
    lab = features.label
    wanted = {c for c in (lab.key, lab.id, lab.cutoff, lab.target) if c}
    return [c for c in label_columns(features) if c in wanted]


def specs_named(specs: Sequence[FeatureSpec], names: Sequence[str]) -> list[FeatureSpec]:
    """The specs whose name is in ``names``, in the specs' (build) order, so exports match the catalog."""
    wanted = set(names)
    return [s for s in specs if s.name in wanted]


def feature_table(features: FeatureSet, names: Sequence[str]) -> pl.DataFrame:
    """The modelling frame, one row per label row: ``modelling_columns`` and the chosen features only."""
    return features.frame.select(*modelling_columns(features), *names)


def feature_table_bytes(features: FeatureSet, names: Sequence[str], fmt: str, *, build=None) -> bytes:
    """The feature table as a download, written by ``write_feature_table`` so it carries ``build`` as a file
    written by ``workbench features`` does: ``fmt`` is ``parquet`` (the build in its metadata), ``csv`` (UTF-8
    with BOM, Excel opens it) or ``build`` (that CSV's ``features.build.json``, to keep beside it)."""
    import tempfile

    from workbench.features.rebuild import sidecar_of

    with tempfile.TemporaryDirectory(prefix="workbench-features-") as tmp:
        path = Path(tmp) / ("features.parquet" if fmt == "parquet" else "features.csv")
        write_feature_table(features, path, names, build=None if fmt == "csv" else build)
        data = sidecar_of(path).read_bytes() if fmt == "build" else path.read_bytes()
    return b"\xef\xbb\xbf" + data if fmt == "csv" else data


def catalog_excel_bytes(run: FeatureRun, *, reviews: Mapping[str, object] | None = None, lang: str | None = None):
    import io

    buf = io.BytesIO()
    catalog_frame(run, reviews=reviews, lang=lang).write_excel(
        buf, worksheet=t("features.catalog.sheet", lang), autofit=True, float_precision=4
    )
    return buf.getvalue()
