"""Values as written: yes/no, Y/N, 예/아니오, true/false keep their spelling in messages, tables, charts and
reports; a 0/1 view of them exists only inside the stages that need it."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner

from workbench.cli import cli
from workbench.io import read_table

N = 600


@pytest.fixture
def flags_csv(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBENCH_HOME", str(tmp_path / "ws"))
    rng = np.random.default_rng(2)
    housing = rng.random(N) < 0.6
    default = rng.random(N) < np.where(housing, 0.1, 0.3)
    lines = ["housing,overseas,agreed,flag_tf,amount,default_yn"]
    for i in range(N):
        lines.append(
            ",".join(
                [
                    "yes" if housing[i] else "no",
                    "Y" if i % 4 == 0 else "N",
                    "예" if i % 3 else "아니오",
                    "true" if i % 5 else "false",
                    str(int(rng.integers(100, 10_000))),
                    "예" if default[i] else "아니오",
                ]
            )
        )
    path = tmp_path / "flags.csv"
    path.write_bytes("\n".join(lines).encode("cp949"))
    return path


def test_the_loaded_table_holds_the_words(flags_csv):
    frame = read_table(flags_csv).frame
    assert set(frame["housing"].unique()) == {"yes", "no"}  # before: True/False
    assert set(frame["overseas"].unique()) == {"Y", "N"}
    assert set(frame["agreed"].unique()) == {"예", "아니오"}
    assert set(frame["flag_tf"].unique()) == {"true", "false"}


def test_profile_messages_tables_and_report_say_the_words(flags_csv, tmp_path):
    report = tmp_path / "p.html"
    result = CliRunner().invoke(
        cli, ["--lang", "en", "profile", str(flags_csv), "--target", "default_yn", "--html", str(report), "--json"]
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    kinds = {c["name"]: c["kind"] for c in out["columns"]}
    assert kinds["housing"] == kinds["overseas"] == "boolean"  # what they are, spelled as written
    assert out["event"] == "예"
    text = json.dumps(out, ensure_ascii=False)
    assert "True" not in text and "False" not in text
    assert "housing" in {t["feature"] for t in out["target"]}
    page = report.read_text(encoding="utf-8")
    assert ">yes<" in page and ">no<" in page and ">예<" in page
    assert ">True<" not in page and ">False<" not in page


def test_the_woe_table_and_the_column_chart_name_the_levels(flags_csv):
    from workbench.charts.profile import column_distribution
    from workbench.privacy import certify
    from workbench.profile import profile

    p = profile(certify(read_table(flags_csv), findings=()), target="default_yn")
    labels = {b.label for b in p.target.table("housing").bins if b.total}
    assert labels == {"yes", "no"}
    fig = column_distribution(p.table.column("agreed"))
    assert set(fig.data[0].y) == {"예", "아니오"}


def test_train_reports_the_event_and_features_as_written(flags_csv):
    result = CliRunner().invoke(
        cli, ["--lang", "en", "train", str(flags_csv), "--target", "default_yn", "--no-save", "--json"]
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["task"] == "binary" and out["event"] == "예" and set(out["classes"]) == {"예", "아니오"}
    assert "housing" in out["categorical"]  # a text feature, its levels yes/no, never cast to 1.0/0.0
