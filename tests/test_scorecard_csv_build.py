"""A CSV feature table carries its build beside it (``NAME.build.json``), so a run trained on it scores a new
month from the bank's raw tables exactly as a run trained on its Parquet twin.

The CSV is what an analyst hands over: the label table's headers in Korean, re-saved from Excel in CP949 with
CRLF line ends. The sidecar names the table by the fingerprint of its values, so the re-saved CSV still matches,
and a sidecar beside another file (or beside a CSV whose values changed) is refused in one line.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import polars as pl
import pytest
import yaml
from click.testing import CliRunner
from conftest import SAMPLE
from test_scorecard_rebuild import CUT, LATER, refused

from workbench.cli import cli
from workbench.features.rebuild import FeatureBuild, build_in_file, sidecar_of
from workbench.features.relations import FeatureSpecError
from workbench.features.synthetic import BANK_SCHEMA
from workbench.i18n import t

pytestmark = pytest.mark.skipif(not (SAMPLE / "transactions.parquet").exists(), reason="sample bank not generated")
KOREAN = {  # the loans table as the bank's own export names it
    "loan_id": "대출번호",
    "applied_at": "신청일",
    "loan_amount": "대출금액",
    "loan_product": "대출상품",
    "bureau_score": "신용점수",
    "monthly_income": "월소득",
    "default_12m": "부도여부",
}
ADDED = ["score", "score_band", "event_probability", *(f"reason_{k}_{s}" for k in (1, 2, 3) for s in ("ko", "en"))]


def invoke(*args: str, lang: str = "en"):
    return CliRunner().invoke(cli, ["--lang", lang, *args])


def spec(tmp: Path, label: Path, *, target: bool = True) -> Path:
    """The sample bank's spec (two windows, four aggregations) over a loans file with Korean headers."""
    tables = copy.deepcopy(BANK_SCHEMA["tables"])
    for name, conf in tables.items():
        conf["path"] = str(SAMPLE / f"{name}.parquet")
    tables["transactions"]["by"] = ["channel"]
    lab = {"table": "loans", "path": str(label), "key": "customer_id", "cutoff": "신청일", "id": "대출번호"}
    data = {
        "tables": tables,
        "label": lab | ({"target": "부도여부"} if target else {}),
        "windows": [30, 90],
        "aggregations": ["count", "sum", "mean", "days_since_last"],
        "max_categories": 4,
        "trend": None,
    }
    path = tmp / f"spec_{label.stem}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def as_analyst_saved(path: Path) -> None:
    """The CSV re-saved the way Excel on a Korean desktop does: CP949, CRLF line ends, no BOM."""
    text = path.read_text(encoding="utf-8-sig")
    path.write_bytes(text.replace("\n", "\r\n").encode("cp949"))


@pytest.fixture
def months(tmp_path):
    loans = pl.read_parquet(SAMPLE / "loans.parquet").drop("overdue_days_after").rename(KOREAN)
    early, late = tmp_path / "loans_early.parquet", tmp_path / "loans_late.parquet"
    loans.filter(pl.col("신청일") < CUT).write_parquet(early)
    loans.filter(pl.col("신청일") >= LATER).drop("부도여부").write_parquet(late)  # outcomes not known yet
    return early, late


@pytest.fixture
def twins(workspace, tmp_path, months):
    """The early months' feature table written twice by ``workbench features``: CSV (re-saved in CP949) and
    Parquet; the CSV's build beside it."""
    early, _ = months
    for name in ("feat.csv", "feat.parquet"):
        built = invoke("features", "--spec", str(spec(tmp_path, early)), "-o", str(tmp_path / name))
        assert built.exit_code == 0, built.output
    assert sidecar_of(tmp_path / "feat.csv") == tmp_path / "feat.build.json"
    assert (tmp_path / "feat.build.json").is_file() and not (tmp_path / "feat.parquet.build.json").exists()
    as_analyst_saved(tmp_path / "feat.csv")
    raw = (tmp_path / "feat.csv").read_bytes()
    assert "신청일".encode("cp949") in raw and b"\r\n" in raw
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    return tmp_path / "feat.csv", tmp_path / "feat.parquet"


def train(path: Path, lang: str = "en"):
    out = invoke("train", str(path), "--target", "부도여부", "--json", lang=lang)
    return out, (json.loads(out.stdout) if out.exit_code == 0 else None)


def test_a_csv_feature_table_re_saved_in_cp949_scores_raw_tables_as_its_parquet_twin(tmp_path, months, twins):
    _, late = months
    csv, parquet = twins
    (tc, csv_run), (tp, pq_run) = train(csv), train(parquet)
    assert tc.exit_code == 0 and tp.exit_code == 0, tc.output + tp.output
    assert csv_run["feature_build"] == pq_run["feature_build"]  # the same build, from the sidecar and the metadata
    assert csv_run["feature_build_missing"] is None
    generated = set(FeatureBuild.from_dict(csv_run["feature_build"]).names)
    assert any(n.startswith("tx_") for n in generated) and any(n.startswith("acct_") for n in generated)
    assert csv_run["features"] == pq_run["features"]

    outs = {}
    for name, rec in (("csv", csv_run), ("parquet", pq_run)):
        for model in ("scorecard", "lightgbm"):
            out = tmp_path / f"{name}_{model}.parquet"
            scored = invoke("score", rec["run_id"], str(late), "--model", model, "-o", str(out))
            assert scored.exit_code == 0, scored.output
            outs[name, model] = pl.read_parquet(out)
    loans = pl.read_parquet(late)
    for model in ("scorecard", "lightgbm"):
        a, b = outs["csv", model], outs["parquet", model]
        assert a.height == b.height == loans.height > 200
        assert a.columns[: loans.width] == loans.columns  # every column of the raw loans, Korean headers included
        assert not generated & set(a.columns)
        assert a["대출번호"].to_list() == b["대출번호"].to_list()  # same rows, same order
        for col in ADDED:
            assert a[col].to_list() == b[col].to_list(), (model, col)  # row for row
    scores = outs["csv", "scorecard"]["score"]
    assert scores.n_unique() > 20 and scores.null_count() == 0  # scores that vary, not a constant

    # the new month's raw loans exported the same way (CP949 CSV, Korean headers): the same scores again
    month = tmp_path / "loans_late.csv"
    loans.write_csv(month)
    as_analyst_saved(month)
    out = tmp_path / "csv_from_csv.parquet"
    scored = invoke("score", csv_run["run_id"], str(month), "-o", str(out))
    assert scored.exit_code == 0, scored.output
    c = pl.read_parquet(out)
    assert c.columns[: loans.width] == loans.columns and c["대출번호"].to_list() == loans["대출번호"].to_list()
    for col in ADDED:
        assert c[col].to_list() == outs["parquet", "scorecard"][col].to_list(), col


@pytest.mark.parametrize("how", ["beside_another_csv", "a_value_changed", "not_a_build"])
def test_a_sidecar_that_is_not_this_tables_build_is_refused(tmp_path, months, twins, monkeypatch, capsys, how):
    csv, _ = twins
    other = tmp_path / "other.csv"
    if how == "beside_another_csv":  # another table (the first 300 rows), given this one's build
        pl.read_csv(csv, encoding="cp949").head(300).write_csv(other)
        sidecar_of(csv).replace(sidecar_of(other))
    elif how == "a_value_changed":  # one score edited by hand after the build was written
        frame = pl.read_csv(csv, encoding="cp949")
        changed = frame.with_columns(pl.col("신용점수") + (pl.int_range(pl.len()) == 7).cast(pl.Int64))
        assert changed.schema == frame.schema and (changed["신용점수"] != frame["신용점수"]).sum() == 1
        changed.write_csv(other)
        sidecar_of(csv).replace(sidecar_of(other))
    else:  # a JSON file of another program under the same name
        csv.replace(other)
        sidecar_of(other).write_text(json.dumps({"build": "?"}), encoding="utf-8")
    key = "features.build.unreadable" if how == "not_a_build" else "features.build.other_table"
    with pytest.raises(FeatureSpecError) as err:
        build_in_file(other)
    assert err.value.key == key
    for lang in ("en", "ko"):
        line = refused(monkeypatch, capsys, "train", str(other), "--target", "부도여부", lang=lang)
        assert line == "error: " + t(key, lang, sidecar="other.build.json", table="other.csv")
    assert "other.build.json" in line and "workbench features" in line


@pytest.mark.parametrize("how", ["mailed_alone", "renamed"])
def test_without_its_sidecar_scoring_raw_tables_is_refused_saying_what_to_do(
    tmp_path, months, twins, monkeypatch, capsys, how
):
    _, late = months
    csv, _ = twins
    if how == "mailed_alone":
        sidecar_of(csv).unlink()
    else:  # renamed by hand; feat.build.json stays under the old name
        csv = csv.replace(tmp_path / "feat_2025q1.csv")
    sidecar = sidecar_of(csv).name
    out, rec = train(csv)
    assert out.exit_code == 0, out.output  # a CSV without a build still trains
    assert rec["feature_build"] is None and rec["feature_build_missing"] == sidecar
    needed = [f["feature"] for f in rec["scorecard_model"]["features"]]
    missing = [c for c in needed if c not in pl.read_parquet(late).columns]
    assert missing  # the generated features the raw loans lack
    where = str(tmp_path / "o.parquet")
    for lang in ("en", "ko"):
        line = refused(monkeypatch, capsys, "score", rec["run_id"], str(late), "-o", where, lang=lang)
        said = t("scorecard.score.no_build", lang, run=rec["run_id"], sidecar=sidecar,
                 columns=", ".join(missing), n=len(missing))  # fmt: skip
        assert line == "error: " + said
    assert "workbench features" in line and sidecar in line
    assert not Path(where).exists()
    # the run still scores a feature table that has its columns (the same CSV)
    scored = invoke("score", rec["run_id"], str(csv), "-o", str(tmp_path / "table.parquet"))
    assert scored.exit_code == 0, scored.output


def test_the_features_page_downloads_carry_the_build_as_the_command_writes_it(tmp_path, months):
    from workbench.commands._common import load_tables
    from workbench.features.export import feature_table_bytes, specs_named
    from workbench.features.pipeline import build_features
    from workbench.features.project import FeatureProject
    from workbench.features.rebuild import build_of

    early, _ = months
    project = FeatureProject.from_yaml(spec(tmp_path, early))
    run = build_features(project, load_tables(project.paths()))
    chosen = list(run.selected)
    build = build_of(project, specs_named(run.specs, chosen))
    files = {
        "features.csv": feature_table_bytes(run.features, chosen, "csv"),
        "features.build.json": feature_table_bytes(run.features, chosen, "build", build=build),
        "features.parquet": feature_table_bytes(run.features, chosen, "parquet", build=build),
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    assert files["features.csv"].startswith(b"\xef\xbb\xbf")  # Excel opens it as UTF-8
    for table in ("features.csv", "features.parquet"):
        found = build_in_file(tmp_path / table)
        assert found is not None and found.to_dict() == build.to_dict(), table
    assert set(build.names) == set(chosen) - set(pl.read_parquet(early).columns)
