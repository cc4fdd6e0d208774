"""Model page: pick a certified dataset, a target, a split and features; train the LightGBM baseline with
progress; read the results (metrics per split, charts with reading help, warnings); compare runs; download
the model and its card. Drawing only: the pieces are in ``workbench.ui.model_views``, every number comes
from ``workbench.model``."""

import streamlit as st

from workbench.ui.router import through_router

through_router()

from workbench.i18n import t
from workbench.ui import model_views as views
from workbench.ui import scorecard_views, state
from workbench.ui.state import require_certified

st.title(t("nav.model"))
st.caption(t("model.page.intro"))
certified = require_certified()

targets = state.recorded_targets()  # tables with a target first, feature tables before their label tables
ordered = sorted(certified, key=lambda n: (n not in targets, not n.startswith("features_"), n))
name = st.selectbox(t("model.page.dataset"), ordered, key="wb.model.dataset", index=views.remembered_dataset(ordered))
views.remember_dataset(name)
table = certified[name]
views.dataset_caption(table)
config = views.training_setup(name, table, default_target=targets.get(name))
clicked = st.button(t("model.page.train"), type="primary", key="wb.model.train", disabled=not config.features)
progress = views.follow_training()  # a training running off the page: its progress, or its result once done
if clicked:
    views.train(name, table, scorecard_views.with_edits(name, config), progress)

if views.RESULT in st.session_state:
    result, run_id = st.session_state[views.RESULT]
    views.results(result)
    views.downloads(result, run_id)
else:  # a reload: the newest stored run on this dataset, from its record
    views.stored_result(name)
views.run_history(name)
scorecard_views.section(name, table, certified, views.RESULT)
