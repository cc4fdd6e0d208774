"""The Data page: AppTest for its logic, headless Chromium against the real server for what a user sees."""

import pytest
from conftest import SAMPLE, wait_for_app
from playwright.sync_api import Page, expect

from workbench.store import Store


def test_empty_workspace_explains_what_to_do(workspace, app_test):
    at = app_test().run()
    assert not at.exception
    assert at.title[0].value == "데이터"
    assert any("아직 테이블이 없습니다" in i.value for i in at.info)


def test_loading_the_sample_certifies_four_tables_and_saves_roles(workspace, app_test):
    at = app_test().run()
    at.button(key="wb.data.load_sample").click().run()
    assert not at.exception
    successes = " ".join(s.value for s in at.success)
    assert "'transactions' 인증 완료" in successes and "개인정보 없음" in successes
    overview = at.dataframe[0].value
    assert sorted(overview.iloc[:, 0]) == ["accounts", "customers", "loans", "transactions"]
    with Store.open(home=workspace) as store:
        assert store.tables.get("loans").target_column == "default_12m"
    links = " ".join(m.value for m in at.markdown)
    assert "`transactions.account_id` → `accounts.account_id`" in links


def test_a_raw_export_is_held_back_and_sent_to_privacy(workspace, app_test):
    at = app_test().run()
    at.text_input(key="wb.data.path").input(str(SAMPLE / "raw" / "customers_raw_cp949.csv")).run()
    assert at.metric[0].value == "5,000"  # rows counted before loading
    at.button(key="wb.data.load_file").click().run()
    assert not at.exception
    warnings = " ".join(w.value for w in at.warning)
    assert "주민등록번호" in warnings and "마스킹" in warnings
    with Store.open(home=workspace) as store:
        assert store.datasets.list() == []  # nothing raw reaches the store


def test_bad_file_gives_one_line_and_the_page_keeps_working(workspace, app_test, tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBENCH_DATA_DIRS", str(tmp_path))
    bad = tmp_path / "broken.parquet"
    bad.write_bytes(b"PAR1" + b"\x00garbage" * 10)
    at = app_test().run()
    at.text_input(key="wb.data.path").input(str(bad)).run()
    assert not at.exception
    assert len(at.error) == 1 and "\n" not in at.error[0].value and "broken.parquet" in at.error[0].value
    at.button(key="wb.data.load_sample").click().run()
    assert not at.exception and len(at.dataframe) >= 1


def test_english_switch(workspace, app_test):
    at = app_test().run()
    at.radio(key="wb.lang_picker").set_value("en").run()
    assert at.title[0].value == "Data"
    assert at.button(key="wb.data.load_sample").label == "Load the sample bank"


@pytest.mark.browser
def test_in_browser_load_sample_see_tables_and_keys_switch_language(page: Page, own_app, tmp_path):
    page.goto(own_app)
    wait_for_app(page)
    expect(page.get_by_role("heading", name="데이터", exact=True)).to_be_visible()
    page.get_by_role("button", name="샘플 은행 불러오기").click()
    expect(page.get_by_text("'transactions' 인증 완료", exact=False)).to_be_visible(timeout=90_000)
    expect(page.get_by_test_id("stDataFrame").first).to_be_visible()
    expect(page.get_by_text("transactions.account_id").first).to_be_visible()
    expect(page.get_by_text("loans.customer_id").first).to_be_visible()
    page.screenshot(path=tmp_path / "data-ko.png", full_page=True)
    page.get_by_text("English", exact=True).click()
    expect(page.get_by_role("heading", name="Data", exact=True)).to_be_visible()
    expect(page.get_by_text("Tables in the workspace")).to_be_visible()
    page.screenshot(path=tmp_path / "data-en.png", full_page=True)
    assert (tmp_path / "data-en.png").stat().st_size > 10_000
