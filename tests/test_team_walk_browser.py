"""Done-when of the team trial, in a real browser: an analyst (sample → build → review some → train), an
expert (reviews with a comment) and a trainee (the tour), each in a browser of their own, with a page
reload between every step; nothing is lost, and the trainee's practice never reaches the analysts' store."""

from __future__ import annotations

import re
import time
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from conftest import wait_for_app
from playwright.sync_api import Browser, Locator, Page, expect

from workbench.i18n import t
from workbench.store import Store

pytestmark = [pytest.mark.browser, pytest.mark.slow]
LONG = 180_000


def ko(key: str, **kw) -> str:
    return t(key, "ko", **kw)


def reload(page: Page) -> None:
    page.reload()
    wait_for_app(page, timeout=LONG)


def go(page: Page, base: str, url: str) -> None:
    page.goto(f"{base}/{url}")
    wait_for_app(page, timeout=LONG)


def settle(page: Page) -> None:
    page.wait_for_timeout(200)
    wait_for_app(page, timeout=LONG)


def no_error_box(page: Page) -> None:
    """No raw Streamlit exception box (its traceback links to outside sites) anywhere on the page."""
    expect(page.get_by_test_id("stException")).to_have_count(0)


def pick(page: Page, label: str, option: str) -> None:
    settle(page)
    page.get_by_role("combobox", name=label).click()
    page.get_by_role("option", name=option, exact=True).click()
    page.keyboard.press("Escape")
    settle(page)


def timed(page: Page, action, outcome) -> float:
    """Seconds from the click to the outcome on screen (the rerun included)."""
    start = time.monotonic()
    action()
    expect(outcome).to_be_visible(timeout=LONG)
    return time.monotonic() - start


def review_tab(page: Page) -> None:
    page.get_by_role("tab", name=ko("features.tab.review")).click()
    expect(
        page.get_by_text(re.compile(re.escape(ko("features.review.shown", n=0, total=0)).replace("0", r"\d+")))
    ).to_be_visible()


def shown_count(page: Page) -> int:
    pattern = re.escape(ko("features.review.shown", n=999, total=888)).replace("999", r"(\d+)").replace("888", r"\d+")
    text = page.get_by_text(re.compile(pattern)).inner_text()
    return int(re.search(pattern, text).group(1))


def bulk(page: Page, verdict: str, comment: str = "") -> float:
    page.get_by_text(re.compile(re.escape(ko("features.review.all_shown", n=999)).replace("999", r"\d+"))).click()
    settle(page)
    if comment:
        box = page.get_by_label(ko("features.page.comment")).first
        box.fill(comment)
        box.press("Enter")
        settle(page)
    button = page.get_by_role("button", name=re.compile("^" + re.escape(ko(f"features.verdict.{verdict}")) + r" \("))
    saved = page.get_by_text(
        re.compile(
            re.escape(ko("features.review.saved_many", n=999, verdict=ko(f"features.verdict.{verdict}"))).replace(
                "999", r"\d+"
            )
        )
    )
    return timed(page, button.click, saved)


def store_of(home: Path) -> Store:
    return Store.open(home=home)


def on_page(page: Page, url_path: str, heading: str) -> None:
    """After a reload: the same address and the page drawn under it."""
    path = "(data)?" if url_path == "data" else url_path  # the first page answers at the root too
    expect(page).to_have_url(re.compile(rf"127\.0\.0\.1:\d+/{path}(\?|$)"))
    expect(page.get_by_test_id("stMain").get_by_role("heading", name=heading, exact=True)).to_be_visible(timeout=LONG)


def picked(page: Page, label: str) -> Locator:
    """The select box labelled ``label`` (its shown value is the combobox's value)."""
    return page.get_by_role("combobox", name=label)


def test_analyst_expert_and_trainee_with_a_reload_between_every_step(browser: Browser, tmp_path_factory, tmp_path):
    from conftest import running_app

    home = tmp_path_factory.mktemp("team-walk")
    timings: dict[str, float] = {}
    with running_app(home, tmp_path / "server.log") as base:
        analyst = browser.new_page(viewport={"width": 1400, "height": 1000})

        # analyst 1: the sample bank
        go(analyst, base, "data")
        analyst.get_by_role("button", name=ko("data.sample.load")).click()
        expect(analyst.get_by_text("transactions").first).to_be_visible(timeout=LONG)
        wait_for_app(analyst, timeout=LONG)
        reload(analyst)
        on_page(analyst, "data", ko("data.title"))
        expect(analyst.get_by_test_id("stSidebar").get_by_text(ko("flow.data", n=4))).to_be_visible()
        with store_of(home) as s:
            assert {d.name for d in s.datasets.list()} == {"customers", "accounts", "transactions", "loans"}

        # analyst 2: build, reload: the review tab shows the stored run
        go(analyst, base, "features")
        analyst.get_by_role("button", name=ko("features.page.build")).click()
        expect(analyst.get_by_text(re.compile("카탈로그에 저장했습니다"))).to_be_visible(timeout=LONG)
        reload(analyst)
        on_page(analyst, "features", ko("features.page.title"))
        review_tab(analyst)
        expect(analyst.get_by_text(ko("features.page.build_first"))).to_have_count(0)
        total = shown_count(analyst)
        assert total > 100

        # analyst 3: review some: the accounts table's features, all accepted at once
        start = time.monotonic()
        pick(analyst, ko("features.review.source"), "accounts")
        timings["filter"] = time.monotonic() - start
        n_accounts = shown_count(analyst)
        assert 0 < n_accounts < total
        timings["bulk_accept"] = bulk(analyst, "accept")
        no_error_box(analyst)
        analyst.screenshot(path=tmp_path / "analyst_review.png", full_page=True)
        reload(analyst)
        with store_of(home) as s:
            accepted = {n for n, r in s.reviews.states().items() if r.verdict == "accept"}
        assert len(accepted) == n_accounts
        on_page(analyst, "features", ko("features.page.title"))  # the reviews are on screen after the reload
        review_tab(analyst)
        assert shown_count(analyst) == total
        pick(analyst, ko("features.review.verdict"), ko("features.verdict.accept"))
        assert shown_count(analyst) == n_accounts

        # analyst 4: export with who decided, save the modelling table; after a reload the next build works
        go(analyst, base, "features")
        analyst.get_by_role("tab", name=ko("features.tab.export")).click()
        expect(analyst.get_by_text(re.compile(f"{n_accounts}개"))).to_be_visible()
        analyst.get_by_role("button", name=re.compile("features_loans")).click()
        expect(analyst.get_by_text(re.compile("'features_loans' 저장 완료"))).to_be_visible(timeout=LONG)
        reload(analyst)
        on_page(analyst, "features", ko("features.page.title"))
        analyst.get_by_role("tab", name=ko("features.tab.export")).click()  # the picks and who decided, again
        expect(analyst.get_by_text(re.compile(f"{n_accounts}개"))).to_be_visible()
        analyst.get_by_role("tab", name=ko("features.tab.build")).click()
        analyst.get_by_role("button", name=ko("features.page.build")).click()
        expect(analyst.get_by_test_id("stProgress")).to_be_visible(timeout=LONG)  # the new build runs
        expect(analyst.get_by_text(re.compile("카탈로그에 저장했습니다"))).to_be_visible(timeout=LONG)
        no_error_box(analyst)
        with store_of(home) as s:
            run = s.feature_runs.latest("loans")
            assert not [f for f in run.record["specs"] if f["source"] == "features_loans"]
            assert s.lineage.get("features_loans").role == "modelling_table"

        # analyst 5: train on the modelling table; after a reload the results and the history come back
        go(analyst, base, "model")
        analyst.get_by_role("button", name=ko("model.page.train"), exact=True).click()
        expect(analyst.get_by_role("heading", name=ko("model.page.results"))).to_be_visible(timeout=LONG)
        trained_on = parse_qs(urlparse(analyst.url).query)["dataset"][0]  # the tab's address holds it
        reload(analyst)
        on_page(analyst, "model", ko("nav.model"))
        expect(analyst).to_have_url(re.compile(r"[?&]dataset=" + re.escape(trained_on)))
        expect(picked(analyst, ko("model.page.dataset"))).to_have_value(trained_on)
        expect(analyst.get_by_role("heading", name=ko("model.runs.history"))).to_be_visible(timeout=LONG)
        expect(analyst.get_by_role("heading", name=ko("model.page.results"))).to_be_visible()
        expect(analyst.get_by_test_id("stPlotlyChart").locator(".main-svg").first).to_be_visible(timeout=30_000)
        no_error_box(analyst)
        analyst.screenshot(path=tmp_path / "analyst_model_reload.png", full_page=True)

        # expert: another browser; reviews with a comment; reload; the analyst's verdicts are still there
        expert = browser.new_page(viewport={"width": 1400, "height": 1000})
        go(expert, base, "features")
        review_tab(expert)
        name = expert.get_by_label(ko("features.page.reviewer"))
        name.fill("전문가 이")
        name.press("Enter")
        settle(expert)
        pick(expert, ko("features.review.source"), "customers")
        n_customers = shown_count(expert)
        timings["bulk_needs_change"] = bulk(expert, "needs_change", "기준일 시점의 고객 정보인지 확인 필요")
        expert.screenshot(path=tmp_path / "expert_review.png", full_page=True)
        reload(expert)
        with store_of(home) as s:
            states = s.reviews.states()
            expert_place = s.ui_state.get("전문가 이").get("page")
        by_expert = [r for r in states.values() if r.reviewer == "전문가 이"]
        assert len(by_expert) == n_customers and all(r.comment.startswith("기준일") for r in by_expert)
        assert {n for n, r in states.items() if r.verdict == "accept"} == accepted
        assert expert_place == "features"  # kept under the name given for reviews
        on_page(expert, "features", ko("features.page.title"))  # the tab's address keeps whose it is
        expect(expert).to_have_url(re.compile(r"[?&]who="))
        review_tab(expert)
        expect(expert.get_by_label(ko("features.page.reviewer"))).to_have_value("전문가 이")
        pick(expert, ko("features.review.verdict"), ko("features.verdict.needs_change"))
        assert shown_count(expert) == n_customers

        # trainee: a third browser; the tour in its practice workspace; reload; the analysts' store unchanged
        with store_of(home) as s:
            before = (len(s.datasets.list()), s.reviews.states(), len(s.runs.list()))
        trainee = browser.new_page(viewport={"width": 1400, "height": 1000})
        go(trainee, base, "learn")
        trainee.get_by_role("button", name=ko("learn.action.load")).click()
        expect(trainee.get_by_text(re.compile(re.escape(ko("learn.action.loaded", n=4))))).to_be_visible(timeout=LONG)
        settle(trainee)
        trainee.screenshot(path=tmp_path / "trainee_tour.png", full_page=True)
        reload(trainee)
        on_page(trainee, "learn", ko("learn.page.title"))
        expect(trainee.get_by_text(ko("learn.sandbox.sidebar"))).to_be_visible()
        with store_of(home) as s:
            assert (len(s.datasets.list()), s.reviews.states(), len(s.runs.list())) == before

        # and the analyst, after one more reload, still has everything: page, dataset, runs, reviews
        reload(analyst)
        on_page(analyst, "model", ko("nav.model"))
        expect(picked(analyst, ko("model.page.dataset"))).to_have_value(trained_on)
        with store_of(home) as s:  # two places: the analyst's (not named, so the login's) and the expert's
            assert (s.ui_state.get().get("page"), s.ui_state.get("전문가 이").get("page")) == ("model", "features")
        expect(analyst.get_by_role("heading", name=ko("model.runs.history"))).to_be_visible(timeout=LONG)
        expect(analyst.get_by_test_id("stPlotlyChart").locator(".main-svg").first).to_be_visible(timeout=30_000)
        go(analyst, base, "features")
        review_tab(analyst)
        assert shown_count(analyst) > 100
        pick(analyst, ko("features.review.verdict"), ko("features.verdict.needs_change"))
        assert shown_count(analyst) == n_customers  # the expert's verdicts reach the analyst
        no_error_box(analyst)
    print({k: f"{v * 1000:.0f} ms" for k, v in timings.items()})
