"""Learn: the guided tour on the sample bank (one step at a time, answers checked against what the app
computes), the steps list and the bilingual glossary. Progress is saved per user in the workspace."""

import getpass

import streamlit as st

from workbench.ui.router import through_router

through_router()

from workbench.errors import UserError
from workbench.i18n import t
from workbench.learn import STEPS, current_index
from workbench.ui import learn_views as views
from workbench.ui import state

INPUT = "wb.learn.user_input"
TOGGLE = "wb.learn.sidebar_toggle"


def remember(widget: str, key: str) -> None:
    """Copied out of the widget's key: Streamlit drops a widget's state on pages that do not draw it."""
    st.session_state[key] = st.session_state[widget]


st.title(t("learn.page.title"))
st.caption(t("learn.page.intro"))
views.enter_tour()
progress_at = views.follow_action()  # a "do it for me" running or just finished, before the facts are read
state.show_flashes()

left, right = st.columns([2, 3])
if INPUT not in st.session_state:
    st.session_state[INPUT] = st.session_state.get(views.USER, "")
left.text_input(
    t("learn.page.user"), key=INPUT, placeholder=getpass.getuser(), on_change=remember, args=(INPUT, views.USER)
)
if TOGGLE not in st.session_state:
    st.session_state[TOGGLE] = st.session_state.get(views.SIDEBAR, True)
right.toggle(t("learn.page.tour_mode"), key=TOGGLE, on_change=remember, args=(TOGGLE, views.SIDEBAR))

try:
    store = state.store()
    done = views.progress_of(store)
except UserError as err:
    st.error(t("learn.page.no_store", reason=str(err)))
    st.stop()

n_done = sum(1 for s in STEPS if done.get(s.id) == "done")
st.progress(n_done / len(STEPS), text=t("learn.page.progress", done=n_done, total=len(STEPS)))
views.last_success()

index = current_index(done)
with st.container(border=True):
    if index < len(STEPS):
        views.step_card(STEPS[index], index, views.facts(), progress_at)
    else:
        st.success(t("learn.page.done_all"))
if n_done and st.button(t("learn.page.restart"), key="wb.learn.restart"):
    store.progress.reset(views.user())
    st.session_state.pop(views.OUTCOME, None)
    st.rerun()

tab_steps, tab_glossary = st.tabs([t("learn.page.steps"), t("learn.page.glossary")])
with tab_steps:
    views.steps_table(done)
with tab_glossary:
    views.glossary()
