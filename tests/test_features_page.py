"""The Features page (AppTest): build, score, review with a conflicting colleague, export."""

from __future__ import annotations

import pytest
from finished_job import finished
from lazy_tab import open_tab
from streamlit.testing.v1 import AppTest
from test_features_generate import bank_frames, masked

from workbench.store import Store
from workbench.ui.glossary import term_help

PAGE = "pages/features.py"
TABS = "wb.features.tab"
BUILD, SCORE, REVIEW, EXPORT = range(4)


def open_page(app_test, tables) -> AppTest:
    """Through the router (``app_test``), so a rerun after a click draws the page with ``app.py`` around it."""
    at = app_test()
    if tables is not None:
        at.session_state["wb.data.certified"] = tables
    at.run()
    at.switch_page(PAGE).run()
    return at


@pytest.fixture
def tables():
    return masked(bank_frames(customers=250, per_customer=25))


def texts(at) -> str:
    parts = [*at.markdown, *at.caption, *at.success, *at.info, *at.warning, *at.error]
    return "\n".join(str(p.value) for p in parts)


def test_nothing_certified_says_why(workspace, app_test):
    at = open_page(app_test, {})
    assert any("인증" in str(w.value) or "certif" in str(w.value).lower() for w in at.warning)


@pytest.mark.slow
def test_build_score_review_conflict_and_export(workspace, app_test, tables):
    at = open_page(app_test, tables)
    assert not at.exception, at.exception
    assert at.title[0].value == "특성 생성"
    finished(at.button(key="wb.features.build").click().run())
    assert not at.exception, at.exception
    assert "자동 선택" in texts(at)
    schema = at.dataframe[0].value
    tx = schema[schema["테이블"] == "transactions"].iloc[0]
    assert tx["상위 연결"] == "account_id → accounts" and tx["시간 / 기준일"] == "ts"
    assert at.selectbox(key="wb.features.cutoff").proto.help == term_help("cutoff")
    # only the open tab is built: the scores, the review and the export wait for their tab
    assert not any("iv" in d.value.columns for d in at.dataframe)
    # (the spec's own download waits for its section to be opened)
    assert not at.get("download_button") and at.session_state[TABS] == "① 생성"
    open_tab(at, TABS, SCORE)
    assert at.session_state[TABS] == "② 점수와 선택"
    ranked = next(d.value for d in at.dataframe if "iv" in d.value.columns)
    assert {"name", "iv", "auc", "reason"} <= set(ranked.columns) and len(ranked) > 100
    assert len(at.get("plotly_chart")) == 1  # the IV ranking; the relationship graph stays unbuilt in its tab

    # review: a colleague records a verdict on the same feature after this page was drawn
    open_tab(at, TABS, REVIEW)
    assert len(at.get("plotly_chart")) == 1  # the reviewed feature's bins
    # the scores and the cutoff carry their glossary definition as a tooltip
    metric_help = {m.label: m.proto.help for m in at.main.metric}
    assert "정보 가치" in metric_help["IV"] and metric_help["PSI"] == term_help("psi")
    name = at.selectbox(key="wb.features.pick").value
    with Store.open() as store:
        assert store.features.exists(name)
        store.reviews.record(name, "accept", "괜찮음", "kim", 0)
    at.main.radio[-1].set_value("reject")
    at.main.text_area[0].input("채널 구성 변화에 민감함")
    at.button(key="wb.features.submit_review").click().run()  # the form's submit button
    assert not at.exception, at.exception
    assert any("kim" in str(e.value) for e in at.error)  # the conflict names the colleague
    assert any("kim" in str(w.value) and "승인" in str(w.value) for w in at.warning)  # and shows the verdict
    with Store.open() as store:
        assert store.reviews.current(name).reviewer == "kim"  # nothing overwritten
    # having read kim's verdict, saving again is a deliberate answer and is recorded
    at.main.radio[-1].set_value("reject")
    at.main.text_area[0].input("채널 구성 변화에 민감함")
    at.button(key="wb.features.submit_review").click().run()
    with Store.open() as store:
        assert [r.verdict for r in store.reviews.history(name)] == ["accept", "reject"]

    # export: nothing accepted yet, the auto-selected ones go out (the rejected one not), each says who decided
    open_tab(at, TABS, EXPORT)
    assert at.checkbox(key="wb.features.use_selected").value
    assert "자동 선택" in texts(at) and len(at.get("download_button")) >= 5
    assert not at.code  # the SQL preview is sent once opened
    at.session_state["wb.features.sql_preview"] = True
    at.run()
    assert [c.language for c in at.code] == ["sql"] and "SELECT" in at.code[0].value.upper()
    at.checkbox(key="wb.features.use_selected").uncheck().run()
    assert any("내보낼 특성이 없습니다" in str(w.value) for w in at.warning)
    at.checkbox(key="wb.features.use_selected").check().run()
    assert not at.exception, at.exception

    # the modelling frame becomes a certified workspace dataset the Model page can pick
    at.button(key="wb.features.save_dataset").click().run()
    assert not at.exception, at.exception
    certified = at.session_state["wb.data.certified"]
    name = next(n for n in certified if n.startswith("features_"))
    frame = certified[name].frame
    assert frame.height == 250 and "default_12m" in frame.columns
    assert "loan_amount" not in frame.columns  # a label column that is not a chosen feature stays out
    with Store.open() as store:
        assert store.datasets.get(name).certified and store.datasets.get(name).rows == 250

    # a choice made in a tab is still there when the analyst comes back to it from another tab
    open_tab(at, TABS, REVIEW).toggle(key="wb.features.only_selected").set_value(True).run()
    at.multiselect(key="wb.features.filter.verdict").set_value(["reject"]).run()
    open_tab(at, TABS, EXPORT)
    assert not at.get("toggle")  # the review tab is not built while closed
    open_tab(at, TABS, REVIEW)
    assert at.toggle(key="wb.features.only_selected").value
    assert at.multiselect(key="wb.features.filter.verdict").value == ["reject"]


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_the_review_card_names_the_feature_in_the_readers_language_first(workspace, app_test, lang):
    """Both descriptions stay (a catalog is read in either language), the reader's own in bold before the other:
    an English screen opened on "최근 90일 ATM 건수" in bold."""
    at = app_test()
    at.session_state["wb.lang"] = lang
    at.session_state["wb.data.certified"] = masked(bank_frames(customers=60, per_customer=6))
    at.run()
    at.switch_page(PAGE).run()
    finished(at.button(key="wb.features.build").click().run())
    open_tab(at, TABS, REVIEW)
    assert not at.exception, at.exception
    run = at.session_state["wb.features.run"]
    spec = next(s for s in run.specs if s.name == at.selectbox(key="wb.features.pick").value)
    own, other = (
        (spec.description_en, spec.description_ko) if lang == "en" else (spec.description_ko, spec.description_en)
    )
    assert f"**{own}** / {other}" in [m.value for m in at.markdown]


def test_the_spec_is_drawn_once_its_section_is_opened_and_reads_back_as_the_project(workspace, app_test, tables):
    """The YAML's code block costs every visit's browser its highlighter: it is sent only when asked for."""
    import yaml

    from workbench.features.project import FeatureProject

    at = open_page(app_test, tables)
    assert not at.code and not at.get("download_button")
    at.session_state["wb.features.spec"] = True  # the analyst opens "Spec (YAML)"
    at.run()
    assert [c.language for c in at.code] == ["yaml"]
    project = FeatureProject.from_dict(yaml.safe_load(at.code[0].value))
    assert project.relations.label.table == "loans"
