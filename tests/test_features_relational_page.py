"""The Features page on a relational bank: relationships proposed from keys (lookups, a bridge), the picture of
the relationship graph, and the label table's own columns as candidates (AppTest; the browser test takes a
screenshot of the graph)."""

from __future__ import annotations

import json

import pytest
from conftest import ROOT, running_app, wait_for_app
from finished_job import finished
from lazy_tab import open_tab
from test_features_page import open_page

from workbench.features.propose import propose_project
from workbench.features.synthetic_relational import make_relational_bank
from workbench.io.table import Table
from workbench.privacy.gate import certify


@pytest.fixture(scope="module")
def tables():
    bank = make_relational_bank(accounts=200, loans=140, tx_per_account=12, seed=21)
    return {n: certify(Table(n, f), findings=()) for n, f in bank.tables.items()}


def test_relationships_are_proposed_from_keys_including_lookups_and_a_bridge(tables):
    project = propose_project(tables)
    rel = project.relations
    assert (rel.label.table, rel.label.key, rel.label.target) == ("loan", "account_id", "status")  # good/bad
    assert rel.table("disposition").links == (("account", "account_id"), ("client", "client_id"))
    assert rel.table("district").links == (("region", "region_id"),)  # the second lookup level
    assert rel.table("card").time == "issued_at" and rel.table("client").time is None  # a birth date is no event
    assert project.options.label_transforms["numeric"] == ["amount", "duration"]


def test_the_page_draws_the_graph_and_offers_the_label_tables_own_columns(workspace, app_test, tables):
    at = open_page(app_test, tables)
    assert not at.exception, at.exception
    schema = at.dataframe[0].value
    disp = schema[schema["테이블"] == "disposition"].iloc[0]
    assert disp["상위 연결"] == "account_id → account, client_id → client" and disp["역할"] == "스냅샷"
    roles = dict(zip(schema["테이블"], schema["역할"], strict=True))
    assert roles["district"] == roles["region"] == "조회 테이블" and roles["transaction"] == "이벤트"
    graph = next(c for c in at.get("plotly_chart") if "disposition" in c.proto.spec)
    boxes = [s for s in json.loads(graph.proto.spec)["layout"]["shapes"] if s["type"] == "rect"]
    assert len(boxes) == len(tables)
    picked = at.multiselect(key="wb.features.label_columns")
    assert picked.value == ["amount", "duration"]
    picked.set_value(["amount"]).run()
    finished(at.button(key="wb.features.build").click().run())
    assert not at.exception, at.exception
    names = set(next(d.value for d in open_tab(at, "wb.features.tab", 1).dataframe if "iv" in d.value.columns)["name"])
    assert {"loan_amount_log1p", "account_district_unemployment", "disposition_client_count_all__F"} <= names
    assert not any(n.startswith("loan_duration") for n in names)


HARNESS = """
import streamlit as st
from workbench.features.synthetic_relational import make_relational_bank
from workbench.i18n import set_language
from workbench.io.table import Table
from workbench.privacy import certify

st.set_page_config(layout="wide")
set_language("ko")
if "wb.data.certified" not in st.session_state:
    bank = make_relational_bank(accounts=200, loans=140, tx_per_account=12, seed=21)
    st.session_state["wb.data.certified"] = {{n: certify(Table(n, f), findings=()) for n, f in bank.tables.items()}}
st.navigation([st.Page({page!r}, title="Features", url_path="features")]).run()
"""


@pytest.mark.browser
@pytest.mark.slow
def test_the_relationship_graph_in_the_browser(page, tmp_path_factory):
    from playwright.sync_api import expect

    folder = tmp_path_factory.mktemp("harness")
    script = folder / "harness.py"
    script.write_text(HARNESS.format(page=str(ROOT / "pages" / "features.py")), encoding="utf-8")
    with running_app(folder / "ws", folder / "server.log", script=script) as url:
        page.goto(url)
        wait_for_app(page, timeout=60_000)
        chart = page.get_by_test_id("stPlotlyChart").first
        expect(chart.locator(".main-svg").first).to_be_visible(timeout=30_000)
        expect(chart.get_by_text("disposition")).to_be_visible()
        chart.scroll_into_view_if_needed()
        shots = ROOT / "docs" / "screenshots"
        shots.mkdir(parents=True, exist_ok=True)
        chart.screenshot(path=shots / "features_relationship_graph.png")
        page.screenshot(path=folder / "features_relational.png", full_page=True)


def test_spec_problems_on_the_page_are_one_line_each_and_the_page_keeps_working(workspace, app_test, tables):
    """Duplicated district rows: district_id is no key, so nothing links the district and region lookups."""
    from workbench.i18n import t

    district = tables["district"].frame
    broken = {**tables, "district": certify(Table("district", district.vstack(district.head(2))), findings=())}
    at = open_page(app_test, broken)
    finished(at.button(key="wb.features.build").click().run())
    assert not at.exception, at.exception
    (error,) = [str(e.value) for e in at.error]
    lines = [
        t("features.check.not_linked", "ko", table=n, label="loan", label_key="account_id")
        for n in ("region", "district")
    ]
    assert error.split("  \n") == lines
