"""The Features page across sessions (AppTest): a build and its reviews come back in a new session; one
verdict on many rows; a saved modelling table stays out of the next build, which does not crash."""

from __future__ import annotations

import pytest
from finished_job import finished
from lazy_tab import open_tab
from test_features_lineage import load_bank

from workbench.store import Store

PAGE = "pages/features.py"
TABS, REVIEW = "wb.features.tab", 2


@pytest.fixture
def loaded(workspace):
    """The synthetic bank certified into the workspace store, as the Data page leaves it."""
    with Store.open() as s:
        load_bank(s, 250, 20)
    return workspace


def new_session(app_test):
    """A reload: a fresh session that knows nothing but the workspace."""
    at = app_test()
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


def infos(at) -> str:
    return "\n".join(str(x.value) for x in [*at.info, *at.success, *at.warning, *at.error])


@pytest.mark.slow
def test_a_build_and_its_reviews_come_back_in_a_new_session(loaded, app_test):
    at = new_session(app_test)
    assert "먼저 ① 생성 탭에서" in infos(open_tab(at, TABS, REVIEW))  # nothing built yet
    open_tab(at, TABS, 0)
    finished(at.button(key="wb.features.build").click().run())
    assert not at.exception, at.exception
    with Store.open() as s:
        stored = s.feature_runs.latest("loans")
    assert stored is not None

    at = open_tab(new_session(app_test), TABS, REVIEW)
    assert "먼저 ① 생성 탭에서" not in infos(at)  # the review tab does not ask for a build
    table = at.dataframe(key="wb.features.review_table").value
    assert len(table) == len(stored.record["specs"])

    # one verdict and one comment on every auto-selected, unreviewed feature
    at.toggle(key="wb.features.only_selected").set_value(True).run()
    at.multiselect(key="wb.features.filter.verdict").set_value(["unreviewed"]).run()
    n = len(at.dataframe(key="wb.features.review_table").value)
    assert n == len(stored.record["selected"])
    at.checkbox(key="wb.features.all_shown").check().run()
    at.text_input(key="wb.features.bulk_comment").input("기준일 이전 자료만 씀, 확인함").run()
    at.button(key="wb.features.bulk.accept").click().run()
    assert not at.exception, at.exception
    assert f"{n}개" in infos(at)
    with Store.open() as s:
        states = s.reviews.states()
    assert sum(r.verdict == "accept" and r.comment.startswith("기준일") for r in states.values()) == n

    at = open_tab(new_session(app_test), TABS, REVIEW)  # and after another reload the verdicts are on the table
    at.multiselect(key="wb.features.filter.verdict").set_value(["accept"]).run()
    assert len(at.dataframe(key="wb.features.review_table").value) == n


@pytest.mark.slow
def test_after_saving_the_modelling_table_a_reload_and_a_build_still_work(loaded, app_test):
    at = new_session(app_test)
    finished(at.button(key="wb.features.build").click().run())
    open_tab(at, TABS, 3).button(key="wb.features.save_dataset").click().run()
    assert not at.exception, at.exception
    with Store.open() as s:
        assert s.lineage.get("features_loans").role == "modelling_table"

    at = new_session(app_test)
    assert not at.checkbox(key="wb.features.include_derived").value  # offered, not taken
    schema = at.dataframe[0].value
    assert "features_loans" not in set(schema.iloc[:, 0])
    finished(at.button(key="wb.features.build").click().run())
    assert not at.exception, at.exception
    assert not at.error
    ranked = next(d.value for d in open_tab(at, TABS, 1).dataframe if "iv" in d.value.columns)
    assert not [n for n in ranked["name"] if "default_12m" in n]
    open_tab(at, TABS, 0)

    # asked for, the modelling table is a source again, and a clash is one line, never a traceback
    at.checkbox(key="wb.features.include_derived").check().run()
    assert not at.exception, at.exception
