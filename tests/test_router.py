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
