"""Labels read whole: judged on the team screenshots at 1280 px in English, a column's statistic ("months without
data") and a detected personal-data type ("Customer number (keyed pseudonym)") were cut at the edge of their
column. Each of those columns is at least as wide as its longest label, in either language."""

from __future__ import annotations

import json

import pytest
from conftest import ROOT
from streamlit.testing.v1 import AppTest
from test_profile_page import loans

from workbench.i18n import t
from workbench.io.table import Table
from workbench.privacy import certify


def text_px(text: str) -> int:
    """Width of one line at the app's 14 px font, padding included: a Hangul syllable takes about twice a
    Latin letter."""
    return 16 + sum(14 if "\uac00" <= ch <= "\ud7a3" else 7 for ch in text)


def widest_label(frame, header: str) -> tuple[int, int]:
    """(the column's configured width, the width its longest cell needs)."""
    config = json.loads(frame.proto.columns or "{}")
    return config[header].get("width") or 0, max(text_px(str(v)) for v in frame.value[header])


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_a_date_columns_statistics_are_named_whole(app_test, workspace, lang):
    at = app_test()
    at.session_state["wb.lang"] = lang
    at.session_state["wb.data.certified"] = {"loans": certify(Table("loans", loans(300)), findings=())}
    at.run()
    at.switch_page("pages/profile.py")
    at.session_state["wb.profile.section"] = "columns"
    at.session_state["wb.profile.column"] = "applied_at"  # a date: the most statistics, the longest labels
    at.run()
    assert not at.exception, at.exception
    header = t("profile.col.statistic", lang)
    [stats] = [f for f in at.dataframe if header in f.value.columns]
    width, needed = widest_label(stats, header)
    assert width >= needed, (width, needed)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_a_detected_type_is_named_whole(monkeypatch, workspace, lang):
    monkeypatch.setenv("WORKBENCH_LANG", lang)
    monkeypatch.setenv("WORKBENCH_PSEUDONYM_KEY", "label-width-key-" + "z" * 20)
    at = AppTest.from_file(str(ROOT / "pages" / "privacy.py"), default_timeout=60).run()
    assert not at.exception, at.exception
    header = t("privacy.col.type", lang)
    scan_table = at.dataframe[0]
    width, needed = widest_label(scan_table, header)
    assert width >= needed, (width, needed)
