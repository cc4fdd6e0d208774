"""Every page and tab in both languages, in headless Chromium on the sample bank: no Hangul on an English
screen and no English words on a Korean one, outside the data, codes and metric abbreviations
(``tests/ui_words.py``). Screenshots at 1280 px (Korean) and 1920 px (English) wide are kept for a reader
to look at: set WORKBENCH_SCREENSHOTS to a folder to keep them there (a few are in docs/screenshots/bilingual).
"""

from __future__ import annotations

import getpass
import os
from pathlib import Path

import pytest
from conftest import SAMPLE, wait_for_app
from playwright.sync_api import Page, expect
from ui_words import COLLECT_JS, data_words, english_in_korean, glossary_names, hangul_in_english

from workbench.i18n import t

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Korean at 1280 px, English at 1920; with WORKBENCH_SCREENSHOTS set, Korean at 1920 too (every page, both widths)
WALKS = [("ko", 1280), ("en", 1920)] + ([("ko", 1920)] if os.environ.get("WORKBENCH_SCREENSHOTS") else [])


class Walk:
    """One session in one language: reads each screen, keeps what should not be there, takes screenshots."""

    def __init__(self, page: Page, url: str, lang: str, shots: Path, width: int) -> None:
        self.page, self.url, self.lang, self.shots, self.width = page, url, lang, shots, width
        # the login name offered as the Learn page's user name is the analyst's own, not a word of the UI
        self.allowed = data_words(SAMPLE) | {getpass.getuser()}
        self.phrases = glossary_names("en" if lang == "ko" else "ko")
        self.found: dict[str, set[str]] = {}

    def settle(self) -> None:
        self.page.wait_for_timeout(400)
        wait_for_app(self.page, timeout=120_000)
        self.page.wait_for_timeout(600)

    def read(self, where: str) -> None:
        self.settle()
        texts = self.page.evaluate(COLLECT_JS)
        check = english_in_korean if self.lang == "ko" else hangul_in_english
        bad = check(texts, self.allowed, self.phrases)
        if bad:  # each word with the text it was found in, so a failure says where to look
            self.found[where] = {f"{w} «{next(x for x in texts if w in x)[:80]}»" for w in bad}
        self.page.screenshot(path=str(self.shots / f"{self.lang}_{self.width}_{where}.png"), full_page=True)

    def go(self, url_path: str) -> None:
        self.page.locator(f'[data-testid="stSidebarNav"] a[href*="/{url_path}"]').first.click()
        self.settle()

    def tabs(self, where: str) -> None:
        tabs = self.page.get_by_test_id("stMain").get_by_role("tab")
        for i in range(tabs.count()):
            tabs.nth(i).click()
            self.read(f"{where}_tab{i + 1}")


def walk_every_page(page: Page, url: str, lang: str, shots: Path, width: int) -> dict[str, set[str]]:
    w = Walk(page, url, lang, shots, width)
    page.set_viewport_size({"width": width, "height": 1000})
    page.goto(f"{url}/?lang={lang}")
    w.settle()
    w.tabs("data")
    w.go("privacy")
    w.read("privacy")
    w.go("profile")
    main = page.get_by_test_id("stMain")
    main.get_by_role("combobox", name=t("profile.page.dataset", lang)).click()
    page.get_by_role("option", name="loans", exact=True).click()
    w.settle()
    for section in ("overview", "alerts", "columns", "explore", "correlations", "target", "stability"):
        main.get_by_test_id("stButtonGroup").get_by_text(t(f"profile.section.{section}", lang), exact=True).click()
        w.read(f"profile_{section}")
    w.go("features")
    w.tabs("features")
    w.go("model")
    w.read("model")
    main.get_by_role("button", name=t("model.page.train", lang)).click()
    expect(main.get_by_role("heading", name=t("model.page.results", lang))).to_be_visible(timeout=180_000)
    w.tabs("model_results")
    w.go("learn")
    w.tabs("learn")
    page.goto(f"{url}/no-such-page?lang={lang}")
    w.read("not_found")
    return w.found


@pytest.mark.parametrize(("lang", "width"), WALKS)
def test_every_page_speaks_one_language(page: Page, sample_app, lang, width, tmp_path):
    shots = Path(os.environ.get("WORKBENCH_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    found = walk_every_page(page, sample_app, lang, shots, width)
    other = "English words on the Korean screens" if lang == "ko" else "Hangul on the English screens"
    assert not found, f"{other}: " + "; ".join(f"{where}: {sorted(words)}" for where, words in found.items())
