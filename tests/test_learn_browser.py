"""A scripted trainee completes the whole tour in headless Chromium, on a server with an empty workspace of
its own: the heavy steps use the tour's "do it for me" buttons, and every answer the trainee types is computed
here from that same workspace (read through the library, never typed in as a constant)."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from conftest import wait_for_app
from playwright.sync_api import Page, expect

from workbench.i18n import t
from workbench.learn import STEPS, Facts
from workbench.learn import facts as learn_facts
from workbench.learn.sandbox import open_sandbox
from workbench.privacy import load_certified

pytestmark = [pytest.mark.browser, pytest.mark.slow]
LONG = 60_000


def ko(key: str, **kw) -> str:
    return t(key, "ko", **kw)


def said(key: str) -> re.Pattern:
    """The message of ``key`` with any number in place of its placeholder."""
    return re.compile(re.escape(ko(key, n="\x00", run="\x00")).replace("\x00", ".+"))


def workspace_facts(page: Page) -> Facts:
    """The tour's practice workspace beside the server's (read from the sidebar caption), opened like the app."""
    caption = page.get_by_test_id("stSidebar").get_by_text(re.compile("^" + ko("app.workspace") + ":")).inner_text()
    home = Path(re.search(r"(/\S+)", caption).group(1).strip("`"))
    store = open_sandbox(home)
    tables = {d.name: load_certified(store, d.name) for d in store.datasets.list() if d.certified}
    return Facts(store, tables)


def check(page: Page, shots: Path, step_id: str) -> None:
    page.get_by_role("button", name=ko("learn.page.check")).click()
    passed(page, shots, step_id)


def passed(page: Page, shots: Path, step_id: str) -> None:
    """The progress line counts this step as done (the previous step's success box may still be on screen)."""
    n = [s.id for s in STEPS].index(step_id.split("_", 1)[1]) + 1
    expect(page.get_by_text(ko("learn.page.progress", done=n, total=len(STEPS)))).to_be_visible(timeout=LONG)
    expect(page.get_by_test_id("stAlert").filter(has_text=ko("learn.page.correct"))).to_be_visible()
    settle(page)
    page.screenshot(path=shots / f"{step_id}.png", full_page=True)


def settle(page: Page) -> None:
    """A widget change starts a rerun a few ms later; wait until it is done before the next input."""
    page.wait_for_timeout(150)
    wait_for_app(page)


def pick(page: Page, label: str, option: str) -> None:
    settle(page)
    page.get_by_role("combobox", name=label).click()
    page.get_by_role("option", name=option, exact=True).click()
    settle(page)


def number(page: Page, label: str, value: str) -> None:
    settle(page)
    box = page.get_by_label(label)
    box.fill(value)
    box.press("Enter")
    settle(page)


def do_it(page: Page, action: str) -> None:
    page.get_by_role("button", name=ko(f"learn.action.{action}")).click()


def open_learn(page: Page, url: str) -> None:
    """Through the router: a first request for /learn would run the page file without app.py."""
    page.goto(url)
    wait_for_app(page)
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=ko("nav.learn")).click()
    wait_for_app(page)


def test_a_trainee_completes_the_tour(page: Page, own_app, tmp_path):
    started = time.monotonic()
    shots = tmp_path / "tour"
    shots.mkdir()
    open_learn(page, own_app)
    name = page.get_by_label(ko("learn.page.user"))
    name.fill("수습 김민지")
    name.press("Enter")
    expect(page.get_by_text(ko("learn.step.load.question"))).to_be_visible()
    page.screenshot(path=shots / "start.png", full_page=True)

    # 1. load: the tour's button certifies the sample; the row count is read from the workspace
    do_it(page, "load")
    expect(page.get_by_text(said("learn.action.loaded"))).to_be_visible(timeout=LONG)
    f = workspace_facts(page)
    expect(page.get_by_label(ko("learn.step.load.question"))).to_be_visible(timeout=LONG)
    assert f.sample_loaded, "the button did not certify the sample"
    number(page, ko("learn.step.load.question"), str(f.label_table.height))
    check(page, shots, "1_load")

    # 2. privacy: the identifier columns the privacy scan finds in the raw export
    picker = page.get_by_role("combobox", name=ko("learn.step.privacy.question"))
    for column in sorted(f.pii):
        settle(page)
        picker.click()
        page.get_by_role("option", name=column, exact=True).click()
        page.keyboard.press("Escape")  # close the list so it does not cover the buttons
        settle(page)
    check(page, shots, "2_privacy")

    # 3. leak: visit the profile page from the step's link, come back, answer
    main = page.get_by_test_id("stMainBlockContainer")  # the sidebar tour box has the same link
    main.get_by_role("link", name=ko("learn.page.go", page=ko("nav.profile"))).click()
    wait_for_app(page)
    expect(page.get_by_role("heading", name=ko("nav.profile"))).to_be_visible(timeout=LONG)
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=ko("nav.learn")).click()  # same session
    wait_for_app(page)
    pick(page, ko("learn.step.leak.question"), max(f.leaks, key=f.leaks.get))
    check(page, shots, "3_leak")

    # 4. special code: table.column and the code value from the column profile
    code = f.special_codes[0]
    pick(page, ko("learn.page.column"), f"{code.table}.{code.column}")
    number(page, ko("learn.page.code"), f"{code.value:g}")
    check(page, shots, "4_special")

    # 5. drift: the largest monthly PSI along the label's date
    pick(page, ko("learn.step.drift.question"), f.drifts[0].feature)
    check(page, shots, "5_drift")

    # 6. features: built by the tour's button with progress; the strongest by IV from the saved catalog
    do_it(page, "build")
    expect(page.get_by_text(said("learn.action.built"))).to_be_visible(timeout=LONG)
    strongest = Facts(f.store, f.tables).strongest[0][0]
    pick(page, ko("learn.step.features.question"), strongest)
    check(page, shots, "6_features")

    # 7. review: the form on the Learn page records an expert verdict in the store
    expect(page.get_by_text(ko("learn.review.pick"))).to_be_visible()
    page.get_by_role("button", name=ko("learn.review.submit")).click()
    passed(page, shots, "7_review")
    assert f.store.reviews.states(), "no review was stored"

    # 8. split
    page.get_by_text(ko("learn.split.time")).click()
    check(page, shots, "8_split")

    # 9. baseline: trained without the leak by the tour's button; the AUC is read from the stored run
    do_it(page, "train")
    expect(page.get_by_text(said("learn.action.trained"))).to_be_visible(timeout=LONG)
    run = Facts(f.store, f.tables).leak_free_run()
    auc = learn_facts.run_auc(run)
    number(page, ko("learn.step.baseline.question"), f"{auc:.2f}")
    check(page, shots, "9_baseline")

    expect(page.get_by_text(ko("learn.page.done_all"))).to_be_visible()
    assert dict(f.store.progress.get("수습 김민지").steps) == {s.id: "done" for s in STEPS}
    page.screenshot(path=shots / "done.png", full_page=True)
    page.get_by_role("tab", name=ko("learn.page.glossary")).click()
    expect(page.get_by_text(ko("learn.term.k_anonymity.body"))).to_be_visible()
    page.screenshot(path=shots / "glossary.png", full_page=True)
    f.store.close()
    assert time.monotonic() - started < 90
