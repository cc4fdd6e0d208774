"""Air-gapped: every page of the app renders with nothing requested outside 127.0.0.1."""

import pytest
from conftest import wait_for_app
from playwright.sync_api import Page, expect

from workbench.ui.nav import available_pages


@pytest.mark.browser
def test_every_page_renders_without_outside_requests(page: Page, own_app, tmp_path):
    outside: list[str] = []

    def guard(route):
        if route.request.url.startswith(own_app) or route.request.url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", guard)
    page.goto(own_app)
    wait_for_app(page)
    page.get_by_role("button", name="샘플 은행 불러오기").click()
    expect(page.get_by_text("'loans' 인증 완료", exact=False)).to_be_visible(timeout=90_000)
    for spec in available_pages():
        page.goto(f"{own_app}/{spec.url}")
        wait_for_app(page)
        expect(page.get_by_test_id("stSidebarNav")).to_be_visible()
        page.screenshot(path=tmp_path / f"{spec.url}.png", full_page=True)
    assert not outside, outside
