"""A bookmark opened first on a fresh server still goes through the router: sidebar, language, page list."""

import subprocess
import sys
import time

import pytest
from conftest import NO_PROXY, ROOT, free_port, wait_for_app
from playwright.sync_api import Page, expect


@pytest.mark.browser
def test_deep_link_as_first_request_gets_the_whole_app(page: Page, own_app):
    page.goto(f"{own_app}/privacy")
    wait_for_app(page)
    nav = page.get_by_test_id("stSidebarNav")
    expect(nav.get_by_text("데이터", exact=True)).to_be_visible(timeout=20_000)  # titles from the router
    expect(nav.get_by_text("app", exact=True)).to_have_count(0)  # not Streamlit's file-name list
    expect(page.get_by_text("English", exact=True)).to_be_visible()


@pytest.mark.browser
def test_workbench_app_command_serves_on_loopback(tmp_path):
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "workbench", "app", "--workspace", str(tmp_path / "ws"), "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with NO_PROXY.open(f"http://127.0.0.1:{port}/_stcore/health", timeout=1) as r:
                    assert r.read() == b"ok"
                    break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("workbench app did not become healthy in 60 s")
        assert (tmp_path / "ws").is_dir()  # the workspace the command was given
    finally:
        proc.terminate()
        proc.wait(timeout=15)
    with pytest.raises(OSError):  # stopping the command stopped the server: nothing is left on the port
        NO_PROXY.open(f"http://127.0.0.1:{port}/_stcore/health", timeout=2)


@pytest.mark.browser
def test_an_unknown_address_gets_a_page_in_the_users_language(page: Page, own_app):
    page.goto(f"{own_app}/no-such-page")
    wait_for_app(page)
    main = page.get_by_test_id("stMain")
    expect(main.get_by_role("heading", name="페이지를 찾을 수 없습니다")).to_be_visible(timeout=20_000)
    expect(main.get_by_text("/no-such-page")).to_be_visible()
    expect(page.get_by_role("dialog")).to_have_count(0)  # not Streamlit's English "Page not found" dialog
    expect(page.get_by_text("Page not found")).to_have_count(0)
    main.get_by_role("link", name="프로파일").click()
    expect(main.get_by_role("heading", name="프로파일")).to_be_visible(timeout=20_000)

    page.goto(f"{own_app}/no-such-page?lang=en")
    wait_for_app(page)
    expect(main.get_by_role("heading", name="Page not found")).to_be_visible(timeout=20_000)
    expect(main.get_by_text("There is no page at")).to_be_visible()
    expect(page.get_by_role("dialog")).to_have_count(0)


NESTED = ("/a/b", "/a/b/c", "/profile/x")


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["ko", "en"])
@pytest.mark.parametrize("path", NESTED)
def test_a_nested_unknown_address_gets_the_same_page_instead_of_a_blank_one(page: Page, own_app, path, lang):
    """Streamlit answers ``/a/b`` with index.html whose scripts are linked relative to the address, so they
    came back as HTML and the page stayed blank; ``workbench.serve`` sends it to the not-found page."""
    from workbench.i18n import t

    page.goto(f"{own_app}{path}?lang={lang}")
    wait_for_app(page)
    main = page.get_by_test_id("stMain")
    expect(main.get_by_role("heading", name=t("nav.not_found", lang))).to_be_visible(timeout=20_000)
    expect(main.get_by_text(path, exact=True)).to_be_visible()  # the address as it was asked
    expect(page.get_by_role("dialog")).to_have_count(0)
    if lang == "ko":
        expect(page.get_by_text("Page not found")).to_have_count(0)
    main.get_by_role("link", name=t("nav.profile", lang)).click()  # and the way on works
    expect(main.get_by_role("heading", name=t("nav.profile", lang))).to_be_visible(timeout=20_000)


def test_only_a_nested_address_is_redirected_and_its_query_is_kept():
    from workbench.serve import not_found_redirect

    assert not_found_redirect("nope") is None and not_found_redirect("") is None  # the router answers these
    assert not_found_redirect("a/b") == "/not-found?path=/a/b"
    assert not_found_redirect("profile/x/", "lang=en") == "/not-found?path=/profile/x&lang=en"
    assert not_found_redirect("a/b c", root="/wb/") == "/wb/not-found?path=/a/b%20c"


@pytest.mark.browser
def test_the_first_pages_own_address_opens_it(page: Page, own_app):
    page.goto(f"{own_app}/data")
    wait_for_app(page)
    expect(page.get_by_test_id("stMain").get_by_role("heading", name="데이터", exact=True)).to_be_visible(
        timeout=20_000
    )
    expect(page.get_by_role("dialog")).to_have_count(0)


@pytest.mark.browser
def test_the_language_survives_a_reload_and_a_page_change(page: Page, own_app):
    page.goto(f"{own_app}/")
    wait_for_app(page)
    page.get_by_test_id("stSidebar").get_by_text("English", exact=True).click()
    main = page.get_by_test_id("stMain")
    expect(main.get_by_role("heading", name="Data", exact=True)).to_be_visible(timeout=20_000)
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Profile").click()
    expect(main.get_by_role("heading", name="Profile", exact=True)).to_be_visible(timeout=20_000)
    page.reload()
    wait_for_app(page)
    expect(main.get_by_role("heading", name="Profile", exact=True)).to_be_visible(timeout=20_000)
