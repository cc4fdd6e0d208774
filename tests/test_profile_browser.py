"""The Profile page in headless Chromium on the shipped sample loans, with outside requests blocked.

A small harness script certifies ``sample_data/loans.parquet`` into the session (what the Data and Privacy
pages do for a user) and serves ``pages/profile.py`` alone, so this test depends on no other page.
"""

import pytest
from conftest import ROOT, running_app, wait_for_app
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]

HARNESS = """
import polars as pl
import streamlit as st
from workbench.i18n import set_language
from workbench.io.table import Table
from workbench.privacy import certify

st.set_page_config(layout="wide")
set_language(st.session_state.get("wb.lang", "ko"))
if "wb.data.certified" not in st.session_state:
    frame = pl.read_parquet({loans!r})
    st.session_state["wb.data.certified"] = {{"loans": certify(Table("loans", frame), findings=())}}
st.navigation([st.Page({page!r}, title="Profile", url_path="profile")]).run()
"""


@pytest.fixture(scope="module")
def profile_url(tmp_path_factory):
    folder = tmp_path_factory.mktemp("harness")
    script = folder / "harness.py"
    script.write_text(
        HARNESS.format(loans=str(ROOT / "sample_data" / "loans.parquet"), page=str(ROOT / "pages" / "profile.py")),
        encoding="utf-8",
    )
    with running_app(folder / "ws", folder / "server.log", script=script) as url:
        yield url


def test_profile_page_in_the_browser_offline(page: Page, profile_url, tmp_path):
    outside: list[str] = []

    def block(route):
        outside.append(route.request.url)
        route.abort()

    page.route(lambda url: not url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")), block)
    page.goto(profile_url)
    wait_for_app(page, timeout=60_000)
    expect(page.get_by_text("5,000").first).to_be_visible(timeout=30_000)
    expect(page.get_by_test_id("stPlotlyChart").locator(".main-svg").first).to_be_visible(timeout=30_000)
    page.screenshot(path=tmp_path / "profile_overview.png", full_page=True)

    page.get_by_role("combobox", name="목표 컬럼 (선택)").click()
    page.get_by_role("option", name="default_12m").click()
    wait_for_app(page, timeout=60_000)
    page.get_by_test_id("stButtonGroup").get_by_text("목표 분석", exact=True).click()
    expect(page.get_by_text("사건 값 = ").first).to_be_visible(timeout=30_000)
    expect(page.get_by_test_id("stPlotlyChart").locator(".main-svg").first).to_be_visible(timeout=30_000)
    page.screenshot(path=tmp_path / "profile_target.png", full_page=True)

    page.get_by_test_id("stButtonGroup").get_by_text("경고", exact=True).click()
    expect(page.get_by_text("행을 누르면 그 컬럼의 상세 화면이 열립니다").first).to_be_visible(timeout=30_000)
    wait_for_app(page, timeout=60_000)
    grid = page.get_by_test_id("stDataFrame").first
    expect(grid).to_be_visible(timeout=30_000)
    page.wait_for_timeout(500)
    box = grid.bounding_box()
    page.screenshot(path=tmp_path / "profile_alerts.png", full_page=True)
    x, y = box["x"] + 16, box["y"] + 36 + 17  # the first alert row's selection checkbox
    page.mouse.move(x, y)
    page.wait_for_timeout(300)
    page.mouse.click(x, y)
    # the column explorer opens on the alert's column, with the alert on top
    leak = page.get_by_test_id("stAlert").filter(has_text="누설 의심").filter(has_text="overdue_days_after")
    expect(leak).to_be_visible(timeout=30_000)
    expect(page.get_by_test_id("stPlotlyChart").locator(".main-svg").first).to_be_visible(timeout=30_000)
    page.screenshot(path=tmp_path / "profile_alert_column.png", full_page=True)

    page.get_by_role("combobox", name="컬럼", exact=True).click()
    page.get_by_role("option", name="loan_id", exact=True).click()
    wait_for_app(page, timeout=60_000)
    expect(page.get_by_text("식별자는 행마다 값이 달라서 분포 그림이 없습니다").first).to_be_visible(timeout=30_000)
    page.screenshot(path=tmp_path / "profile_id_column.png", full_page=True)
    print("screenshots:", tmp_path)
    assert outside == []
