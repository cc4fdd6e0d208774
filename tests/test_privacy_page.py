"""The Privacy page: scan → policy → preview → certify, in AppTest and in a real browser, never showing a raw
value of a flagged column."""

from __future__ import annotations

import re

import polars as pl
import pytest
from conftest import ROOT, SAMPLE, wait_for_app
from streamlit.testing.v1 import AppTest

from workbench.io import read_table
from workbench.io.table import Table
from workbench.privacy import scan
from workbench.store import Store

RAW = SAMPLE / "raw" / "customers_raw_cp949.csv"
PAGE = str(ROOT / "pages" / "privacy.py")


@pytest.fixture(scope="module")
def raw_values() -> dict[str, list[str]]:
    """Every distinct raw value of every flagged column of the sample's raw export."""
    table = read_table(RAW)
    return {c: table.frame[c].cast(pl.String).drop_nulls().unique().to_list() for c in scan(table).pii_columns}


def _leaks(text: str, raw: dict[str, list[str]]) -> list[str]:
    """Raw values found in the page's text: single-word values (names, bare numbers) as whole words, others
    as substrings. Two-syllable names (이미, 이용) are also everyday words of the page's own Korean prose, so
    prose is checked for values of three characters or more; table cells are checked for every value."""
    words = set(re.findall(r"\w+", text))
    found = []
    for col, values in raw.items():
        for v in values:
            if len(v) < 3:
                continue
            if (v in words) if re.fullmatch(r"\w+", v) else (v in text):
                found.append(f"{col}: {v[:2]}…")
    return found[:5]


def _cell_leaks(frames, raw: dict[str, list[str]]) -> list[str]:
    cells = {str(v) for df in frames for col in df.columns for v in df[col].tolist()}
    cells |= {part.strip() for c in list(cells) for part in c.split(",")}  # examples are comma-joined
    return [f"{col}: {v[:2]}…" for col, values in raw.items() for v in values if v in cells][:5]


def _page(monkeypatch, workspace) -> AppTest:
    monkeypatch.setenv("WORKBENCH_PSEUDONYM_KEY", "page-test-key-" + "y" * 20)
    return AppTest.from_file(PAGE, default_timeout=60)


def test_page_scans_the_sample_proposes_a_policy_and_certifies(monkeypatch, workspace, raw_values):
    at = _page(monkeypatch, workspace).run()
    assert not at.exception
    scan_table = at.dataframe[0].value
    types = dict(zip(scan_table.iloc[:, 0], scan_table.iloc[:, 1], strict=True))
    assert types["성명"] == "이름" and types["주민등록번호"] == "주민등록번호" and types["성별"] == "준식별자: 성별"
    assert len(at.warning) == 1 and "주민등록번호" in at.warning[0].value
    # everything the page shows: tables, messages, editor rows
    prose = "\n".join(m.value for m in (*at.markdown, *at.warning, *at.info, *at.caption))
    assert not _leaks(prose, raw_values)
    assert not _cell_leaks([df.value for df in at.dataframe], raw_values)
    apply = next(b for b in at.button if b.key == "wb.privacy.apply")
    apply.click().run()
    assert not at.exception, at.exception
    assert any("v1" in s.value for s in at.success)
    certified = at.session_state["wb.data.certified"]
    masked = certified["customers_raw_cp949"]
    assert scan(Table("m", masked.frame)).findings == ()
    assert masked.policy_version == 1
    store = Store.open()
    assert store.datasets.get("customers_raw_cp949").certified
    assert store.audit.list(action="privacy.certified")[0].payload["policy_version"] == 1


def test_an_already_masked_table_is_certified_in_one_click(monkeypatch, workspace):
    at = _page(monkeypatch, workspace)
    at.session_state["wb.data.raw"] = {"customers": read_table(SAMPLE / "customers.parquet", name="customers")}
    at.run()
    assert not at.exception
    assert len(at.success) == 1 and not at.warning
    at.button(key="wb.privacy.certify_clean").click().run()
    assert not at.exception
    assert "customers" in at.session_state["wb.data.certified"]
    assert "customers" not in at.session_state["wb.data.raw"]
    assert Store.open().datasets.get("customers").certified


def test_keeping_a_flagged_column_without_reason_is_refused_on_the_page(monkeypatch, workspace):
    at = _page(monkeypatch, workspace).run()
    editor_key = "wb.privacy.editor.customers_raw_cp949"
    assert editor_key in at.session_state  # the editor is drawn for this table
    # the analyst sets 카드번호 (row 6) to keep without a reason
    at.session_state[editor_key] = {"edited_rows": {6: {"action": "keep"}}, "added_rows": [], "deleted_rows": []}
    at.run()
    at.button(key="wb.privacy.apply").click().run()
    assert not at.exception
    assert len(at.error) == 1 and "카드번호" in at.error[0].value
    assert Store.open().datasets.list() == []


@pytest.mark.browser
@pytest.mark.slow
def test_the_rendered_page_never_contains_a_raw_value(page, base_url, raw_values):
    page.goto(f"{base_url}/privacy")
    wait_for_app(page)
    page.get_by_text("customers_raw_cp949").first.wait_for()
    page.get_by_role("button", name="k 측정 및 비용 계산").click()
    page.get_by_text("처리 후 k").wait_for(timeout=30_000)
    assert "****-****-****-" in page.content()  # table cells are in the DOM, so the check below sees them
    for text in (page.content(), page.inner_text("body")):
        assert "주민등록번호" in text  # the page did render the scan
        assert not _leaks(text, raw_values)
    page.get_by_role("button", name="정책 적용 후 인증").click()
    page.get_by_text("마스킹·인증해 작업공간에 저장했습니다").wait_for(timeout=60_000)
    for text in (page.content(), page.inner_text("body")):
        assert not _leaks(text, raw_values)
