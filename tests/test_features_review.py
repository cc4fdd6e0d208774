"""Expert review in the workspace store: verdicts, history, and two reviewers who never overwrite each other."""

from __future__ import annotations

import polars as pl
import pytest
from test_features_generate import OUT_IN, SCHEMA, bank_frames, masked

from workbench.features.export import write_catalog_excel
from workbench.features.pipeline import build_features
from workbench.features.plan import PlanOptions
from workbench.features.project import FeatureProject
from workbench.features.relations import Relations
from workbench.features.review import accepted, review_queue, save_catalog, submit_review
from workbench.store import Store


@pytest.fixture(scope="module")
def run():
    frames = bank_frames(400, 30)
    project = FeatureProject(Relations.from_dict(SCHEMA), PlanOptions(windows=(30, 90), ratios=(OUT_IN,)))
    return build_features(project, masked(frames))


@pytest.fixture
def store(workspace):
    with Store.open() as s:
        yield s


def test_catalog_is_stored_and_queue_puts_unreviewed_selected_first(store, run):
    assert save_catalog(store, run, "loans") == len(run.specs)
    stored = store.features.get("tx_count_90d__모바일_출금")
    assert stored.description_ko == "최근 90일 모바일 출금 건수" and stored.spec["window"] == 90
    queue = review_queue(store, run)
    assert queue[0].recommendation.selected and queue[0].version == 0
    first = queue[0].name
    assert submit_review(store, first, "accept", "", "kim", 0).saved is not None
    again = review_queue(store, run)
    assert again[-1].name == first and again[-1].current.verdict == "accept" and again[-1].version == 1


def test_two_reviewers_at_once_never_silently_overwrite(store, run):
    save_catalog(store, run, "loans")
    name = run.selected[0]
    seen_by_kim = seen_by_lee = store.reviews.version(name)  # both open the page
    kim = submit_review(store, name, "accept", "급여 이체가 줄면 위험 신호", "kim", seen_by_kim)
    lee = submit_review(store, name, "reject", "채널 구성 변화에 민감함", "lee", seen_by_lee, lang="en")
    assert kim.saved is not None and kim.saved.reviewer == "kim"
    assert lee.saved is None and lee.conflict
    assert "kim" in lee.error  # the message names who changed it
    assert lee.current.verdict == "accept" and lee.current.reviewer == "kim"  # shown to lee
    retry = submit_review(store, name, "reject", "채널 구성 변화에 민감함", "lee", lee.current.version)
    assert retry.saved.version == 2
    history = store.reviews.history(name)
    assert [(r.reviewer, r.verdict) for r in history] == [("kim", "accept"), ("lee", "reject")]
    assert all(r.at is not None for r in history)
    assert accepted(store, [name]) == []


def test_a_rejection_without_a_comment_is_refused_in_one_line(store, run):
    save_catalog(store, run, "loans")
    outcome = submit_review(store, run.selected[1], "reject", "  ", "kim", 0, lang="en")
    assert outcome.saved is None and not outcome.conflict and "\n" not in outcome.error


def test_catalog_excel_carries_verdicts(store, run, tmp_path):
    save_catalog(store, run, "loans")
    name = run.selected[0]
    submit_review(store, name, "accept", "좋음", "kim", store.reviews.version(name))
    path = write_catalog_excel(run, tmp_path / "catalog.xlsx", reviews=store.reviews.states(), lang="en")
    sheet = pl.read_excel(path)
    row = sheet.filter(pl.col("Name") == name)
    assert row["Verdict"].item() == "accept" and row["Reviewer"].item() == "kim"
    assert sheet.height == len(run.specs)
