"""The Features page in a real browser on the sample bank: build, see the ranking, review, export buttons."""

from __future__ import annotations

import pytest
from conftest import wait_for_app
from playwright.sync_api import Page, expect

from workbench.features.rebuild import build_in_file
from workbench.i18n import t


@pytest.mark.browser
@pytest.mark.slow
def test_features_page_on_the_sample_bank(page: Page, tmp_path):
    page.goto("/data")
    wait_for_app(page)
    page.get_by_role("button", name=t("data.sample.load", "ko")).click()
    for name in ("customers", "accounts", "transactions", "loans"):
        expect(page.get_by_text(name).first).to_be_visible(timeout=60_000)
    wait_for_app(page, timeout=60_000)
    page.goto("/features")
    wait_for_app(page)
    expect(page.get_by_role("heading", name="특성 생성")).to_be_visible()
    page.screenshot(path=tmp_path / "start.png", full_page=True)
    page.get_by_role("button", name="특성 생성").click()
    expect(page.get_by_text("카탈로그에 저장했습니다")).to_be_visible(timeout=120_000)
    page.screenshot(path=tmp_path / "build.png", full_page=True)
    page.get_by_role("tab", name="② 점수와 선택").click()
    # the build tab's relationship graph stays in the page, hidden: wait for a chart of this tab
    expect(page.locator('[data-testid="stPlotlyChart"] .main-svg >> visible=true').first).to_be_visible(timeout=20_000)
    page.screenshot(path=tmp_path / "score.png", full_page=True)
    page.get_by_role("tab", name="③ 검토").click()
    expect(page.get_by_role("button", name="검토 저장")).to_be_visible()
    page.screenshot(path=tmp_path / "review.png", full_page=True)
    page.get_by_role("tab", name="④ 내보내기").click()
    # nothing reviewed yet: the auto-selected features go out, each marked as decided automatically
    expect(page.get_by_text("검토에서 승인 0개")).to_be_visible()
    # the CSV and its build download side by side: kept together, the build is found and is the CSV's
    downloads = {"features.page.dl_csv": "features.csv", "features.page.dl_csv_build": "features.build.json"}
    for label, name in downloads.items():
        with page.expect_download(timeout=60_000) as got:
            page.get_by_role("button", name=t(label, "ko")).click()
        got.value.save_as(tmp_path / name)
    build = build_in_file(tmp_path / "features.csv")
    assert build is not None and build.names and build.label == "loans"
    page.screenshot(path=tmp_path / "export.png", full_page=True)
    page.get_by_text(t("features.page.use_selected", "ko")).click()
    expect(page.get_by_text(t("features.page.none_accepted", "ko"))).to_be_visible()
    print(tmp_path)
