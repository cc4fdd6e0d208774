"""Privacy: scan a raw table, edit its masking policy, preview, check k-anonymity, certify into the workspace.

The page draws; scanning, policies, previews and certification are ``workbench.privacy`` calls. Raw values
never reach the screen: the raw side of every preview shows value formats (``######-#######``).
"""

import streamlit as st

from workbench.ui.router import through_router

through_router()

from workbench.errors import UserError
from workbench.i18n import t
from workbench.privacy import (
    auto_certify,
    mask_table,
    propose_policy,
    save_certified,
    save_policy,
)
from workbench.privacy import display as view
from workbench.privacy.gate import stamp_policy_version
from workbench.privacy.policy import KAnonymitySpec, apply
from workbench.ui import state
from workbench.ui.glossary import term_help
from workbench.ui.privacy_key import key_chooser, keyed
from workbench.ui.privacy_views import how_to_read, pick_table, scanned
from workbench.ui.tables import coded, labelled, missing_mark

TYPE_WIDTH = 250  # px: a detected type whole in both tables, "Customer number (keyed pseudonym)" the longest


def certify_clean(table, result) -> None:
    """No PII: one click certifies and keeps the table in the workspace."""
    st.success(t("privacy.scan.clean", table=table.name, rows=f"{result.rows:,}"))
    if result.quasi_identifiers:
        st.info(t("privacy.scan.quasi_only", columns=", ".join(q.column for q in result.quasi_identifiers)))
    if st.button(t("privacy.certify.button"), type="primary", key="wb.privacy.certify_clean"):
        store = state.store()
        masked = auto_certify(table, store=store)
        save_certified(store, masked, source=table.source, policy_name=None)
        state.remember_certified(masked)
        st.success(t("privacy.certify.done", table=masked.name, rows=f"{masked.height:,}"))


def policy_editor(table, result):
    proposal = propose_policy(result, keyed=keyed())
    action = lambda a: t(f"privacy.action.{a}")  # noqa: E731
    rows = labelled(view.editor_rows(result, proposal), "action", action)
    edited = st.data_editor(
        rows,
        key=f"wb.privacy.editor.{table.name}",
        placeholder=missing_mark(),
        hide_index=True,
        width="stretch",
        disabled=["column", "detected"],
        column_config={
            "column": st.column_config.TextColumn(t("privacy.col.column")),
            "detected": st.column_config.TextColumn(t("privacy.col.type"), width=TYPE_WIDTH),
            "action": st.column_config.SelectboxColumn(
                t("privacy.col.action"),
                options=[action(a) for a in view.actions()],
                required=True,
            ),
            "param": st.column_config.TextColumn(t("privacy.col.param")),
            "reason": st.column_config.TextColumn(t("privacy.col.reason")),
        },
    )
    how_to_read("privacy.editor.help")
    return view.policy_from_rows(proposal, result, coded(edited, "action", view.actions(), action))


def kanon_panel(table, policy):
    st.subheader(t("privacy.kanon.title"))
    default = list(policy.k_anonymity.quasi_identifiers) if policy.k_anonymity else []
    kept = [c for c in table.frame.columns if policy.rule(c).action != "drop"]
    qis = st.multiselect(
        t("privacy.kanon.qis"),
        kept,
        default=[c for c in default if c in kept],
        key=f"wb.privacy.qis.{table.name}",
        placeholder=t("ui.choose_many"),
    )
    col_k, col_s = st.columns(2)
    k = col_k.number_input(
        t("privacy.kanon.k"), min_value=2, max_value=100, value=5, key="wb.privacy.k", help=term_help("k_anonymity")
    )
    sup = col_s.slider(t("privacy.kanon.max_suppression"), 0.0, 0.2, 0.05, 0.01, key="wb.privacy.sup")
    spec = KAnonymitySpec(tuple(qis), int(k), float(sup)) if qis else None
    from dataclasses import replace

    policy = replace(policy, k_anonymity=spec)
    if spec and st.button(t("privacy.kanon.measure"), key="wb.privacy.measure"):
        with st.spinner(t("privacy.kanon.running")):
            st.session_state["wb.privacy.kanon"] = (table.name, apply(table, policy).k_anonymity)
    got = st.session_state.get("wb.privacy.kanon")
    if got and got[0] == table.name and got[1] is not None:
        cost = got[1]
        s = view.kanon_summary(cost)
        m1, m2, m3, m4 = st.columns(4)
        m1.metric(t("privacy.kanon.k_before"), s["k_before"])
        m2.metric(t("privacy.kanon.k_after"), s["k_after"])
        m3.metric(t("privacy.kanon.suppressed"), f"{s['rows_suppressed']:,}")
        m4.metric(t("privacy.kanon.merged"), sum(s["categories_merged"].values()))
        st.caption(t("privacy.kanon.smallest"))
        st.dataframe(view.smallest_classes(cost), placeholder=missing_mark(), hide_index=True, width="stretch")
        how_to_read("privacy.kanon.help")
    return policy


def apply_and_certify(table, result, policy, key) -> None:
    if not st.button(t("privacy.apply.button"), type="primary", key="wb.privacy.apply"):
        return
    with st.spinner(t("privacy.apply.running")):
        outcome = mask_table(table, policy, scan_result=result, key=key)
        store = state.store()
        saved_policy = save_policy(store, policy, comment="privacy page")
        masked = stamp_policy_version(outcome.masked, saved_policy.version)
        report = outcome.report
        save_certified(store, masked, source=table.source, policy_name=saved_policy.name, report=report)
        state.remember_certified(masked)
    st.success(t("privacy.apply.done", table=masked.name, rows=f"{masked.height:,}", version=saved_policy.version))


state.show_flashes()
st.title(t("nav.privacy"))
st.caption(t("privacy.page.intro"))
try:
    table = pick_table()
    if table is None:
        st.info(t("privacy.source.none"))
        st.stop()
    result = scanned(table)
    st.subheader(t("privacy.scan.title", table=table.name))
    st.dataframe(
        view.scan_rows(result),
        placeholder=missing_mark(),
        hide_index=True,
        width="stretch",  # the type, "고객번호 (키로 기록됨)", whole; the examples take what is left
        column_config={t("privacy.col.type"): st.column_config.TextColumn(width=TYPE_WIDTH)},
    )
    how_to_read("privacy.scan.help")
    if not result.findings:
        certify_clean(table, result)
        st.stop()
    st.warning(t("privacy.scan.found", n=len(result.findings), columns=", ".join(result.pii_columns)))
    st.subheader(t("privacy.editor.title"), help=term_help("pseudonymisation"))
    key = key_chooser()
    policy = policy_editor(table, result)
    policy = kanon_panel(table, policy)
    st.subheader(t("privacy.preview.title"))
    before, after = view.preview(table, result, policy, key=key)
    left, right = st.columns(2)
    left.caption(t("privacy.preview.before"))
    left.dataframe(before, placeholder=missing_mark(), hide_index=True, width="stretch")
    right.caption(t("privacy.preview.after"))
    right.dataframe(after, placeholder=missing_mark(), hide_index=True, width="stretch")
    how_to_read("privacy.preview.help")
    apply_and_certify(table, result, policy, key)
except UserError as err:
    st.error(str(err))
