"""The sidebar's progress list counts what the page did in the same run: a feature build on the Features page
shows its features at once, not only on the next rerun (the list is drawn before the page body)."""

from __future__ import annotations

from finished_job import finished
from test_features_generate import bank_frames, masked

from workbench.i18n import t
from workbench.store import Store
from workbench.store.tallies import WorkTally, work_tally


def sidebar_text(at) -> str:
    return "\n".join(str(m.value) for m in at.sidebar.markdown)


def test_a_feature_build_is_counted_in_the_sidebar_of_the_same_run(app_test, workspace):
    at = app_test()
    at.session_state["wb.data.certified"] = masked(bank_frames(customers=60, per_customer=6))
    at.run()
    at.switch_page("pages/features.py").run()
    assert not at.exception, at.exception
    assert t("flow.features", "ko", n=0, reviewed=0) in sidebar_text(at)

    finished(at.button(key="wb.features.build").click().run())  # the build's job, then the run that takes it
    assert not at.exception, at.exception
    with Store.open() as s:
        tally = work_tally(s)  # the counts the sidebar reads are the store's own lists, counted
        assert tally == WorkTally(len(s.features.list()), len(s.reviews.states()), len(s.runs.list()))
        built = tally.features
        assert built > 0
    assert t("flow.features", "ko", n=built, reviewed=0) in sidebar_text(at)
    assert t("flow.features", "ko", n=0, reviewed=0) not in sidebar_text(at)  # drawn once, in place
    assert sidebar_text(at).count(t("flow.title", "ko")) == 1
