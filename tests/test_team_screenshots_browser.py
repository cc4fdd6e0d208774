"""The team trial's screenshots, taken again whenever the layout changes: every page of the flow in Korean and
English at 1280 and 1920 px wide, in headless Chromium on the sample bank (data, privacy, profile overview and
column statistics, the review table, the model results, the tour, the not-found page of a nested address).

Set WORKBENCH_SCREENSHOTS to keep them (``docs/screenshots/team`` holds the set a reader judged, named
``{lang}_{width}_{where}.png``); they are looked at, and what a program can tell is checked on every screen:
nothing is wider than the window, and the tour's answer keeps its reading width on a wide screen.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from conftest import wait_for_app
from playwright.sync_api import Page, expect

from workbench.i18n import t
from workbench.ui.learn_views import READING_WIDTH

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LONG = 240_000
SIZES = [("ko", 1280), ("ko", 1920), ("en", 1280), ("en", 1920)]
OVERFLOW_JS = "() => document.documentElement.scrollWidth - window.innerWidth"


class Shots:
    def __init__(self, page: Page, url: str, lang: str, width: int, folder: Path) -> None:
        self.page, self.url, self.lang, self.width, self.folder = page, url, lang, width, folder
        self.wide: dict[str, int] = {}  # screens wider than the window, by how many pixels
        self.answer_width = 0.0  # the tour's answer box, in pixels
        self.stats_hidden = -1  # pixels of the column statistics scrolled out of their table

    def tr(self, key: str, **kw) -> str:
        return t(key, self.lang, **kw)

    def pattern(self, key: str, **numbers: int) -> re.Pattern:
        """The catalog's message with any number (one digit each, plural forms) where ``numbers`` stand."""
        text = re.escape(self.tr(key, **numbers))
        for n in numbers.values():
            text = text.replace(str(n), r"[\d,]+")
        return re.compile(text)

    def settle(self) -> None:
        self.page.wait_for_timeout(300)
        wait_for_app(self.page, timeout=LONG)
        self.page.wait_for_timeout(700)  # plotly draws after the run

    def take(self, where: str) -> None:
        self.settle()
        if (extra := self.page.evaluate(OVERFLOW_JS)) > 0:
            self.wide[where] = extra
        self.page.screenshot(path=str(self.folder / f"{self.lang}_{self.width}_{where}.png"))

    def go(self, url_path: str) -> None:
        self.page.locator(f'[data-testid="stSidebarNav"] a[href*="/{url_path}"]').first.click()
        self.settle()

    def main(self):
        return self.page.get_by_test_id("stMain")


def walk(s: Shots) -> None:
    page, main = s.page, s.main()
    page.goto(f"{s.url}/?lang={s.lang}")
    s.take("data")
    s.go("privacy")
    s.take("privacy")

    s.go("profile")
    main.get_by_role("combobox", name=s.tr("profile.page.dataset")).click()
    page.get_by_role("option", name="loans", exact=True).click()
    s.settle()
    s.take("profile_overview")
    main.get_by_test_id("stButtonGroup").get_by_text(s.tr("profile.section.columns"), exact=True).click()
    s.take("profile_columns")
    stats = main.get_by_test_id("stDataFrame").first.locator(".dvn-scroller").first
    s.stats_hidden = stats.evaluate("e => e.scrollHeight - e.clientHeight")

    s.go("features")
    main.get_by_role("tab", name=s.tr("features.tab.review")).click()
    s.settle()
    if main.get_by_text(s.tr("features.page.build_first")).count():  # the first walk builds; later ones reload it
        main.get_by_role("tab", name=s.tr("features.tab.build")).click()
        s.settle()
        main.get_by_role("button", name=s.tr("features.page.build")).click()
        expect(main.get_by_text(s.pattern("features.page.built", rows=5, features=7, selected=9))).to_be_visible(
            timeout=LONG
        )
        main.get_by_role("tab", name=s.tr("features.tab.review")).click()
    expect(main.get_by_test_id("stDataFrame").first).to_be_visible(timeout=LONG)
    s.take("features_review")

    s.go("model")
    main.get_by_role("button", name=s.tr("model.page.train")).click()
    # this training's results (their chart tabs), not the stored run the page shows while the job runs
    expect(main.get_by_role("tab", name=s.tr("model.page.tab_discrimination"))).to_be_visible(timeout=LONG)
    expect(main.get_by_test_id("stProgress")).to_have_count(0, timeout=LONG)
    s.take("model")

    s.go("learn")
    s.take("learn")
    answer = main.get_by_test_id("stNumberInput").first
    s.answer_width = answer.bounding_box()["width"]

    page.goto(f"{s.url}/no/such/page?lang={s.lang}")
    s.take("not_found")


@pytest.mark.parametrize(("lang", "width"), SIZES)
def test_every_page_fits_its_window(page: Page, sample_app, lang, width, tmp_path):
    folder = Path(os.environ.get("WORKBENCH_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": width, "height": 1800})
    s = Shots(page, sample_app, lang, width, folder)
    walk(s)
    assert s.wide == {}, f"wider than the {width} px window: {s.wide}"
    assert s.stats_hidden <= 1, "the column's statistics are cut off under a scroll bar"
    assert s.answer_width <= READING_WIDTH, "the tour's answer box runs the width of the screen"
    if width == 1920:  # on a wide screen the box is at its reading width, not squeezed
        assert s.answer_width >= READING_WIDTH * 0.9
