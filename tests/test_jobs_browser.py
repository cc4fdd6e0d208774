"""Build and Train as background jobs in a real browser, on the sample bank: the page stays usable while the job
runs (a tab, another page), coming back or reloading shows the same job, a colleague does not see it, and the
result comes on its own (the progress fragment reruns the page when the job ends)."""

from __future__ import annotations

import pytest
from conftest import running_app, seeded_sample, wait_for_app
from playwright.sync_api import Browser, Page, expect

from workbench.i18n import t
from workbench.store import Store

LONG = 180_000


def ko(key: str, **kw) -> str:
    return t(key, "ko", **kw)


def sidebar_to(page: Page, url_path: str) -> None:
    """Another page in the same session, as the analyst goes there (the sidebar, not a new address)."""
    page.locator(f'[data-testid="stSidebarNav"] a[href$="/{url_path}"]').first.click()
    page.wait_for_timeout(300)
    wait_for_app(page, timeout=LONG)


def builds(store: Store) -> int:
    import sqlalchemy as sa

    from workbench.store.schema import feature_runs

    with store.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(feature_runs)).scalar_one()


@pytest.mark.browser
@pytest.mark.slow
def test_build_and_train_run_while_the_analyst_moves_around(browser: Browser, tmp_path_factory, tmp_path):
    home = seeded_sample(tmp_path_factory.mktemp("jobs-walk"))
    with running_app(home, tmp_path / "server.log") as base:
        kim = browser.new_page(viewport={"width": 1400, "height": 1000})
        kim.goto(f"{base}/features?who=kim")
        wait_for_app(kim, timeout=LONG)
        kim.get_by_role("button", name=ko("features.page.build")).click()
        expect(kim.get_by_test_id("stProgress")).to_be_visible(timeout=LONG)  # shown in the click's own run
        built = kim.get_by_text("카탈로그에 저장했습니다")
        # while it runs: another tab of the page, another page, a colleague's view; then back
        kim.get_by_role("tab", name=ko("features.tab.score")).click()
        lee = browser.new_page(viewport={"width": 1400, "height": 1000})
        lee.goto(f"{base}/features?who=lee")
        wait_for_app(lee, timeout=LONG)
        running = kim.get_by_test_id("stProgress").count() > 0  # kim's build was still running at this point
        if running:
            expect(lee.get_by_test_id("stProgress")).to_have_count(0)  # kim's job is not lee's
        sidebar_to(kim, "model")
        sidebar_to(kim, "features")
        kim.get_by_role("tab", name=ko("features.tab.build")).click()
        expect(built).to_be_visible(timeout=LONG)  # the result came on its own, the build was not lost
        expect(kim.get_by_test_id("stProgress")).to_have_count(0)
        expect(kim.get_by_test_id("stException")).to_have_count(0)
        with Store.open(home=home) as s:
            stored = s.feature_runs.latest("loans")
            assert stored is not None and builds(s) == 1  # one build, however often the page was visited
        assert lee.get_by_text("카탈로그에 저장했습니다").count() == 0  # lee's page did not take kim's run

        kim.goto(f"{base}/model?who=kim&dataset=loans")
        wait_for_app(kim, timeout=LONG)
        kim.get_by_role("button", name=ko("model.page.train"), exact=True).click()
        expect(kim.get_by_test_id("stProgress")).to_be_visible(timeout=LONG)
        kim.reload()  # a reload while it trains: the same job, not a new one
        wait_for_app(kim, timeout=LONG)
        results = kim.get_by_role("heading", name=ko("model.page.results"))
        expect(results).to_be_visible(timeout=LONG)
        expect(kim.get_by_test_id("stProgress")).to_have_count(0, timeout=LONG)
        expect(kim.get_by_test_id("stException")).to_have_count(0)
        with Store.open(home=home) as s:
            assert len(s.runs.list()) == 1  # trained once, saved by the job
