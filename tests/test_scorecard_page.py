"""The Model page's scorecard section: points and grades, the bin editor (WOE, IV and bad rate update as the
expert edits; saving stores an audited version the next training replays), and scoring new certified data."""

from __future__ import annotations

from pathlib import Path

import pytest
from finished_job import finished
from lazy_tab import open_tab
from scorecard_data import loans, masked

from workbench.i18n import set_language, t
from workbench.store import Store

TABS, EDITOR, SCORING = "wb.scorecard.tabs", 1, 2


@pytest.fixture(autouse=True)
def korean_again():
    yield
    set_language("ko")


def table_with(at, *columns: str):
    """The first table on the page holding these columns (AppTest does not expose a dataframe's key)."""
    return next(d.value for d in at.dataframe if set(columns) <= set(d.value.columns))


def _open(app_test):
    set_language("en")
    at = app_test()
    at.session_state["wb.lang"] = "en"
    at.session_state["wb.data.certified"] = {
        "loans": masked(loans(2500, seed=41)),
        "loans_new": masked(loans(400, seed=42, month0=13).drop("default_12m")),
    }
    at.run()
    at.switch_page("pages/model.py").run()
    at.selectbox(key="wb.model.dataset").set_value("loans").run()
    at.selectbox(key="wb.model.target").set_value("default_12m").run()
    finished(at.button(key="wb.model.train").click().run())
    assert not at.exception
    return at


@pytest.mark.slow
def test_edit_bins_save_retrain_and_score_a_new_month_on_the_page(workspace, app_test):
    at = _open(app_test)
    assert t("scorecard.page.title", "en") in [h.value for h in at.header]
    points = table_with(at, "points")
    assert {"bureau_score", "months_at_job", "monthly_income", "loan_product"} <= set(points["feature"])

    # the bin editor: merge the two lowest bureau-score ranges; the table and IV follow at once
    open_tab(at, TABS, EDITOR)
    assert not any("points" in d.value.columns for d in at.dataframe)  # the points tab is not built while closed
    at.selectbox(key="wb.scorecard.feature").set_value("bureau_score").run()
    before = table_with(at, "iv", "woe")
    warned = [e.value for e in at.error]  # the training's own warnings (a strong bureau score), not the editor's
    at.radio(key="wb.scorecard.op.bureau_score").set_value("merge").run()
    at.multiselect(key="wb.scorecard.merge.bureau_score").set_value([1, 2])
    at.button(key="wb.scorecard.apply").click().run()
    assert not at.exception and [e.value for e in at.error] == warned
    after = table_with(at, "iv", "woe")
    assert len(after) == len(before) - 1
    assert after["rows"][1] == before["rows"][1] + before["rows"][2]
    assert after["bad_rate"][1] == pytest.approx(
        (before["events"][1] + before["events"][2]) / (before["rows"][1] + before["rows"][2])
    )
    # an edit that does not fit is refused in one line, and nothing is added
    at.multiselect(key="wb.scorecard.merge.bureau_score").set_value([1, 3])
    at.button(key="wb.scorecard.apply").click().run()
    assert [e.value for e in at.error] == [*warned, t("scorecard.edit.not_neighbours", "en", feature="bureau_score")]
    assert len(table_with(at, "iv", "woe")) == len(after)
    # a look at the points and back: the feature, the operation and the unsaved edit are where they were
    open_tab(at, TABS, 0)
    open_tab(at, TABS, EDITOR)
    assert at.selectbox(key="wb.scorecard.feature").value == "bureau_score"
    assert at.radio(key="wb.scorecard.op.bureau_score").value == "merge"
    assert len(table_with(at, "iv", "woe")) == len(after)

    at.text_input(key="wb.scorecard.comment").input("lowest bureau ranges hold too few defaults apart")
    at.button(key="wb.scorecard.save").click().run()
    assert not at.exception
    assert at.success[-1].value == t("scorecard.editor.saved", "en", version=1)
    with Store.open(workspace) as store:
        saved = store.bin_edits.current("loans", "default_12m")
        assert saved.version == 1 and saved.edits[0]["op"] == "merge"
        edges = at.session_state["wb.model.result"][0].scorecard.feature("bureau_score").binning.edges
        assert saved.edits[0]["fingerprint"] and saved.edits[0]["seen"] == [  # what the expert saw, not numbers
            ["range", None, edges[0]],
            ["range", edges[0], edges[1]],
        ]
        assert store.audit.list(action="scorecard.bins_edited")[0].payload["features"] == ["bureau_score"]

    # the next training replays the stored edit
    old_edges = at.session_state["wb.model.result"][0].scorecard.feature("bureau_score").binning.edges
    finished(at.button(key="wb.model.train").click().run())
    new_card = at.session_state["wb.model.result"][0].scorecard
    assert new_card.feature("bureau_score").binning.edges == old_edges[1:]

    # score a new month with reasons
    assert at.session_state[TABS] == t("scorecard.page.tab_bins", "en")  # training again stays on the tab
    open_tab(at, TABS, SCORING)
    at.selectbox(key="wb.scorecard.new_data").set_value("loans_new").run()
    at.button(key="wb.scorecard.score").click().run()
    assert not at.exception
    scored = table_with(at, "reason_1_ko")
    assert len(scored) == 200 and {"score", "score_band", "reason_1_ko", "reason_1_en"} <= set(scored.columns)
    assert scored["reason_1_en"].notna().any()

    # the run before the edit, side by side on the same new month
    first_run = at.selectbox(key="wb.scorecard.challenger").options[0]
    at.button(key="wb.scorecard.compare").click().run()
    assert not at.exception
    assert any(m.value.startswith("Same grade for ") for m in at.markdown), first_run
    assert table_with(at, "champion_band", "challenger_band")["rows"].sum() == 400


def test_scorecard_section_in_the_browser(page, base_url, app_workspace):
    """Train, open the bin editor and score a new month in a real browser; screenshots in docs/screenshots/."""
    from conftest import ROOT, wait_for_app
    from playwright.sync_api import expect

    from workbench.privacy import save_certified

    with Store.open(home=app_workspace) as store:
        save_certified(store, masked(loans(2000, seed=51), name="scorecard_loans"))
        save_certified(store, masked(loans(300, seed=52, month0=13).drop("default_12m"), name="scorecard_new"))
    page.goto(f"{base_url}/model")
    wait_for_app(page)
    dataset = page.get_by_role("combobox", name=t("model.page.dataset", "ko"))
    dataset.click()
    page.get_by_role("option", name="scorecard_loans").click()
    expect(page.get_by_role("combobox", name=t("model.page.target", "ko"))).to_have_value("default_12m")
    page.get_by_role("button", name=t("model.page.train", "ko")).click()
    expect(page.get_by_role("heading", name=t("scorecard.page.title", "ko"))).to_be_visible(timeout=180_000)
    shots = ROOT / "docs" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1280, "height": 2200})
    points = page.get_by_role("tabpanel", name=t("scorecard.page.tab_points", "ko"))
    expect(points.get_by_text(t("scorecard.scale.bureau", "ko"))).to_be_visible()  # the scale is a choice here
    expect(points.get_by_test_id("stPlotlyChart").locator(".main-svg").first).to_be_visible(timeout=30_000)
    page.wait_for_timeout(1000)
    points.screenshot(path=shots / "scorecard_view.png")
    # the files are written when clicked (not on every run of the page), and whole
    with page.expect_download() as excel:
        points.get_by_role("button", name=t("scorecard.page.excel", "ko")).click()
    assert Path(excel.value.path()).read_bytes()[:2] == b"PK"  # an .xlsx is a zip
    with page.expect_download() as sql:
        points.get_by_role("button", name=t("scorecard.page.sql", "ko")).click()
    assert "CASE" in Path(sql.value.path()).read_text(encoding="utf-8").upper()
    page.get_by_role("tab", name=t("scorecard.page.tab_bins", "ko")).click()
    editor = page.get_by_role("tabpanel", name=t("scorecard.page.tab_bins", "ko"))
    expect(editor.get_by_test_id("stPlotlyChart").locator(".main-svg").first).to_be_visible(timeout=30_000)
    editor.get_by_text(t("scorecard.editor.op_merge", "ko"), exact=True).click()
    page.wait_for_timeout(1000)
    editor.screenshot(path=shots / "scorecard_bin_editor.png")
    page.get_by_role("tab", name=t("scorecard.page.tab_score", "ko")).click()
    new = page.get_by_role("combobox", name=t("scorecard.score_page.dataset", "ko"))
    new.click()
    page.get_by_role("option", name="scorecard_new").click()
    page.wait_for_timeout(500)
    wait_for_app(page)
    page.get_by_role("button", name=t("scorecard.score_page.run", "ko"), exact=True).click()
    expect(page.get_by_text(t("scorecard.score_page.done", "ko", rows="300", mean="")[:12])).to_be_visible(
        timeout=60_000
    )
    page.wait_for_timeout(1500)
    page.get_by_role("tabpanel", name=t("scorecard.page.tab_score", "ko")).screenshot(
        path=shots / "scorecard_scoring.png"
    )


def test_grades_of_new_data_without_outcomes_draw_rows_alone():
    import polars as pl

    from workbench.charts.scorecard import bands_chart

    new = bands_chart(pl.DataFrame({"band": [1, 2, 3], "rows": [30, 50, 20]}))
    assert [trace.type for trace in new.data] == ["bar"] and "yaxis2" not in new.layout.to_plotly_json()
    known = bands_chart(pl.DataFrame({"band": [1, 2, 3], "rows": [30, 50, 20], "bad_rate": [0.01, 0.05, 0.2]}))
    assert [trace.type for trace in known.data] == ["bar", "scatter"] and known.data[1].yaxis == "y2"


def test_a_stored_edit_whose_bins_are_lost_is_listed_on_the_page_not_applied(workspace, app_test):
    """A workspace holding an edit stored by bin number (the previous editor) and no run it was made on."""
    with Store.open(workspace) as ws:
        old = {"op": "merge", "feature": "bureau_score", "bins": [1, 2]}
        ws.bin_edits.save("loans", "default_12m", [old], expected_version=0)
    at = open_tab(_open(app_test), TABS, EDITOR)  # said where the bins are edited
    line = t("scorecard.edit_left_out.legacy_bins_unknown", "en", n=1, op="merge", feature="bureau_score", detail="")
    warnings = [w.value for w in at.warning]
    assert any(f"- {line}" in w.splitlines() for w in warnings), warnings
    card = at.session_state["wb.model.result"][0].scorecard
    assert [e.reason for e in card.left_out] == ["legacy_bins_unknown"]

    # a pending edit made on bins this card does not have (a retrain in between) is said and dropped, not moved
    ghost = {"op": "split", "feature": "bureau_score", "bins": [3], "at": 1.5, "fingerprint": "0" * 16,
             "seen": [["range", 1.0, 2.0]], "seen_specials": []}  # fmt: skip
    at.session_state["wb.scorecard.pending"] = {("loans", "default_12m"): [ghost]}
    at.selectbox(key="wb.scorecard.feature").set_value("bureau_score").run()
    assert not at.exception
    gone = t("scorecard.edit_left_out.bin_gone", "en", n=1, op="split", feature="bureau_score", detail="[1, 2)")
    assert any(f"- {gone}" in w.value.splitlines() for w in at.warning), [w.value for w in at.warning]
    assert at.session_state["wb.scorecard.pending"][("loans", "default_12m")] == []
