"""Finding 2 of the team trial: the page the user was on comes back in a new session (a link to it), and the
Model page reopens on the dataset chosen last."""

from __future__ import annotations

from workbench.i18n import t
from workbench.store import Store


def links(at) -> list[str]:
    return [el.proto.label for el in at.get("page_link")]


def test_a_new_session_offers_the_page_of_the_last_one(app_test, workspace):
    first = app_test()
    first.run()
    assert t("flow.resume", "ko", page=t("nav.model", "ko")) not in links(first)  # nothing to come back to
    first.switch_page("pages/model.py").run()
    with Store.open() as s:
        assert s.ui_state.get()["page"] == "model"

    later = app_test()  # a reload or a new browser: it starts on the first page
    later.run()
    assert not later.exception, later.exception
    assert t("flow.resume", "ko", page=t("nav.model", "ko")) in links(later)
    later.switch_page("pages/model.py").run()  # once there, the offer is gone
    assert t("flow.resume", "ko", page=t("nav.model", "ko")) not in links(later)


def test_the_model_page_reopens_on_the_dataset_chosen_last(app_test, workspace):
    from test_model_core import loans, masked

    tables = {"loans": masked(loans(300)), "loans_2025": masked(loans(200))}

    def model_page():
        at = app_test()
        at.session_state["wb.data.certified"] = dict(tables)
        at.run()
        at.switch_page("pages/model.py").run()
        assert not at.exception, at.exception
        return at

    at = model_page()
    first = at.selectbox(key="wb.model.dataset").value
    other = next(n for n in tables if n != first)
    at.selectbox(key="wb.model.dataset").set_value(other).run()
    assert model_page().selectbox(key="wb.model.dataset").value == other
