"""Profile page: pick a certified dataset, profile it once (cached on its fingerprint), then browse sections.

Drawing only: the pieces are in ``workbench.ui.profile_views``, the numbers in ``workbench.profile``.
"""

from __future__ import annotations

import streamlit as st

from workbench.ui.router import through_router

through_router()

from workbench.i18n import t
from workbench.ui import place
from workbench.ui import profile_views as views
from workbench.ui.state import certified_tables

st.title(t("nav.profile"))
certified = certified_tables()  # this session's, reloaded from the workspace store when the session is new
if not certified:
    views.no_data()

names = sorted(certified)
name = st.selectbox(
    t("profile.page.dataset"), names, key="wb.profile.dataset", index=place.dataset_index("profile_dataset", names)
)
place.remember_dataset("profile_dataset", name)
choice = views.choose(name, certified)
columns_profile, result = views.compute(choice)

section = views.pick_section()
if section == "overview":
    views.overview(choice, result)
elif section == "alerts":
    views.alerts(choice, result)
elif section == "columns":
    views.column_explorer(choice, result)
elif section == "explore":
    views.explore(choice, result)
elif section == "correlations":
    views.correlations(choice, result)
elif section == "target":
    views.target(choice, result)
elif section == "stability":
    views.stability(choice, result, columns_profile)
