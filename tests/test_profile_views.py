"""The pure pieces the Profile page draws from, and the glossary help next to the terms on screen."""

from datetime import date

import numpy as np
import polars as pl
from test_profile_page import app_on_profile, loans

from workbench.i18n import t
from workbench.io.table import Table
from workbench.learn.glossary import term
from workbench.privacy import certify
from workbench.profile import analyse_target, assemble, correlations, profile_columns
from workbench.profile.correlations import available_methods
from workbench.profile.kinds import date_columns, merged_kinds
from workbench.profile.target import numeric_target_rows


def masked(df: pl.DataFrame):
    return certify(Table("t", df), findings=())


def test_methods_offered_follow_the_columns_present():
    rng = np.random.default_rng(0)
    numbers = masked(pl.DataFrame({"a": rng.normal(size=200), "b": rng.normal(size=200)}))
    both = masked(
        pl.DataFrame(
            {"a": rng.normal(size=200), "b": rng.normal(size=200), "c": rng.choice(["x", "y"], 200)}
        ).with_columns(d=pl.col("c").reverse())
    )
    assert available_methods(correlations(numbers, profile_columns(numbers))) == ("pearson", "spearman")
    assert available_methods(correlations(both, profile_columns(both))) == ("pearson", "spearman", "cramers_v")


def test_a_kind_picked_in_this_session_wins_over_the_stored_one():
    stored = {"customer_id": "id", "credit_grade": "numeric", "odd": "no-such-kind"}
    kinds = merged_kinds(stored, {"credit_grade": "categorical"})
    assert kinds == {"customer_id": "id_like", "credit_grade": "categorical"}
    assert merged_kinds(None, None) == {}


def test_only_dates_and_datetimes_are_time_columns():
    df = pl.DataFrame({"applied_at": [date(2024, 1, 1)], "amount": [1], "ts": ["2024-01-01"]})
    assert date_columns(df.with_columns(seen=pl.col("applied_at").cast(pl.Datetime)).schema) == ["applied_at", "seen"]


def test_a_numeric_target_gives_one_row_per_feature():
    rng = np.random.default_rng(1)
    x = rng.normal(size=500)
    table = masked(pl.DataFrame({"x": x, "noise": rng.normal(size=500), "loss": 3 * x + rng.normal(size=500)}))
    rows = numeric_target_rows(analyse_target(table, "loss", profile_columns(table)))
    by = {r["feature"]: r for r in rows}
    assert set(by) == {"x", "noise"}
    assert by["x"]["pearson"] > 0.9 > abs(by["noise"]["pearson"])
    assert set(rows[0]) == {"feature", "pearson", "spearman", "MI"}


def test_alerts_for_a_column_leave_the_others_out():
    table = masked(loans(1_000, seed=4))
    tp = profile_columns(table)
    result = assemble(tp, correlations(table, tp), analyse_target(table, "default_12m", tp))
    leak = result.alerts_for("overdue_days_after")
    assert "leakage_suspect" in {a.code for a in leak}
    assert all(a.column == "overdue_days_after" for a in leak)
    assert result.alerts_for("no_such_column") == ()


def popover_labels(at) -> set[str]:
    def walk(node):
        for key in sorted(getattr(node, "children", {})):
            kid = node.children[key]
            if kid.type == "popover":
                yield kid.proto.popover.label
            yield from walk(kid)

    return set(walk(at.main))


def test_terms_on_screen_have_their_glossary_entry():
    at = app_on_profile({"loans": masked(loans(2_000, seed=6))})
    at.selectbox(key="wb.profile.target.loans").select("default_12m").run()
    at.selectbox(key="wb.profile.time_column.loans").select("applied_at").run()
    for section, terms in (
        ("target", ("iv", "woe", "auc", "ks")),
        ("stability", ("psi",)),
        ("alerts", ("leakage", "special_codes")),
    ):
        at.session_state["wb.profile.section"] = section
        at.run()
        assert not at.exception, at.exception
        names = {t(term(x).name_key) for x in terms}
        assert names <= popover_labels(at), (section, popover_labels(at))
