"""A domain expert's timing marks: stored with who and when, audited, shown on the leakage alert, and a
column marked "known only after" is left out of features and train, which say so."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from signals_shapes import applications

from workbench.cli import cli
from workbench.features.spec import FeatureSpec
from workbench.features.timing import without_known_after
from workbench.io.table import Table
from workbench.privacy import certify
from workbench.profile import profile
from workbench.store import Store, StoreError

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"


def run(*args: str) -> dict:
    result = CliRunner().invoke(cli, ["--lang", "en", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_the_store_keeps_who_when_and_every_mark_given(workspace):
    with Store.open() as store:
        store.timing.mark("apps", "call_duration", "before", comment="first guess", actor="kim")
        store.timing.mark("apps", "call_duration", "after", comment="written when the call ends", actor="lee")
        current = store.timing.current("apps")["call_duration"]
        assert (current.mark, current.actor, current.comment) == ("after", "lee", "written when the call ends")
        assert [m.mark for m in store.timing.history("apps", "call_duration")] == ["before", "after"]
        entries = [e for e in store.audit.list(newest_first=False) if e.action == "column.timing_marked"]
        assert [e.payload["mark"] for e in entries] == ["before", "after"] and entries[1].actor == "lee"
        with pytest.raises(StoreError):
            store.timing.mark("apps", "x", "soon")  # type: ignore[arg-type]


def test_the_alert_shows_the_mark(workspace):
    with Store.open() as store:
        store.timing.mark("apps", "call_duration", "after", comment="written when the call ends", actor="lee")
        store.timing.mark("apps", "checking_status", "before", comment="from the application form", actor="lee")
        marks = store.timing.current("apps")
    p = profile(certify(Table("apps", applications()), findings=()), target="default", marks=marks)
    leak = next(a for a in p.alerts_for("call_duration") if a.code == "leakage_suspect")
    assert "Expert's mark: known only after the decision (lee: written when the call ends)" in leak.message("en")
    strong = next(a for a in p.alerts_for("checking_status") if a.code == "strong_predictor")
    assert "known at decision time (lee: from the application form)" in strong.message("en")
    assert "결정 시점에 알 수 있음" in strong.message("ko")


def test_train_leaves_an_after_column_out_and_says_so(workspace, tmp_path):
    path = tmp_path / "apps.csv"
    applications().drop("applied_at", "closed_at").write_csv(path)
    before = run("train", str(path), "--target", "default", "--no-save", "--json")
    assert ("leakage_suspect", "call_duration") in {(w["code"], w["feature"]) for w in before["warnings"]}
    marked = run(
        "timing", "mark", "apps", "call_duration", "after", "--comment", "written when the call ends", "--json"
    )
    assert marked["mark"] == "after" and marked["column"] == "call_duration"
    listed = run("timing", "list", "apps", "--json")
    assert [(m["column"], m["mark"]) for m in listed["marks"]] == [("call_duration", "after")]
    after = run("train", str(path), "--target", "default", "--no-save", "--json")
    assert {"column": "call_duration", "reason": "known_after"} in after["excluded"]
    assert "call_duration" not in after["features"]
    said = [w for w in after["warnings"] if w["code"] == "known_after"]
    assert said and said[0]["feature"] == "call_duration" and "written when the call ends" in said[0]["message"]
    assert not [w for w in after["warnings"] if w["code"] == "leakage_suspect"]
    prof = run("profile", str(path), "--target", "default", "--json")
    leak = next(a for a in prof["alerts"] if a["column"] == "call_duration" and a["code"] == "leakage_suspect")
    assert "known only after the decision" in leak["message"]  # still shown, with the expert's word on it


def test_the_features_step_takes_out_what_a_marked_column_built():
    specs = [
        FeatureSpec(source="loans", aggregation="attribute", column="overdue_days_after"),
        FeatureSpec(source="loans", aggregation="attribute", column="bureau_score"),
        FeatureSpec(source="transactions", aggregation="count", window=30, filter=(("channel", "ATM"),)),
    ]
    kept, gone = without_known_after(specs, {"loans": {"overdue_days_after"}, "transactions": {"channel"}})
    assert [s.column for s in kept] == ["bureau_score"]
    assert {(g.table, g.column, len(g.features)) for g in gone} == {
        ("loans", "overdue_days_after", 1),
        ("transactions", "channel", 1),
    }


@pytest.mark.slow
def test_features_on_the_sample_bank_leave_the_marked_leak_out(workspace, tmp_path):
    with Store.open() as store:
        store.timing.mark("loans", "overdue_days_after", "after", comment="counted after the loan", actor="lee")
    out = run("features", "--spec", str(SAMPLE / "features.yaml"), "-o", str(tmp_path / "f.parquet"), "--json")
    assert not [f["name"] for f in out["features"] if "overdue_days_after" in f["name"]]
    assert [n["code"] for n in out["notices"]] == ["known_after"]
    assert "overdue_days_after" in out["notices"][0]["message"]


def test_the_profile_page_marks_a_column_and_its_alert_says_so(workspace):
    from conftest import ROOT
    from streamlit.testing.v1 import AppTest

    frame = applications(1_500).drop("closed_at")
    with Store.open(home=workspace) as store:
        store.datasets.save_masked(certify(Table("apps", frame), findings=()))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.run()
    at.switch_page("pages/profile.py").run()
    at.selectbox(key="wb.profile.target.apps").select("default").run()
    at.session_state["wb.profile.section"] = "columns"
    at.session_state["wb.profile.column"] = "call_duration"
    at.run()
    assert not at.exception, at.exception
    at.radio(key="wb.profile.timing_mark.apps.call_duration").set_value("after")
    at.text_input(key="wb.profile.timing_comment.apps.call_duration").input("상담 종료 후 기록")
    at.button(key="wb.profile.timing_save.apps.call_duration").click().run()
    assert not at.exception, at.exception
    with Store.open(home=workspace) as store:
        mark = store.timing.current("apps")["call_duration"]
    assert (mark.mark, mark.comment) == ("after", "상담 종료 후 기록")
    assert any("결정 이후에만 알 수 있음" in w.value for w in at.warning)  # the alert shows the mark
