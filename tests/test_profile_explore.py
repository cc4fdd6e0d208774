"""Rows behind the statistics: two columns together, the repeated rows, the extreme rows of a column."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from workbench.charts.profile import pair_chart
from workbench.io.table import Table
from workbench.privacy import certify
from workbench.profile.explore import COUNT, DENSITY_FROM, PAIR_SAMPLE, duplicate_rows, extremes, pair_view


def accounts(n: int = 2_000, seed: int = 3) -> pl.DataFrame:
    """Accounts with a balance in won, a 9999 special code, NaN limits and three copied rows."""
    rng = np.random.default_rng(seed)
    balance = rng.lognormal(13, 1.2, n).round()
    balance[:3] = 9999.0
    frame = pl.DataFrame(
        {
            "branch": rng.choice(["강남", "종로", "해운대", "수성"], n),
            "product": rng.choice(["입출금", "적금", "대출"], n),
            "balance_krw": balance,
            "limit_krw": np.where(rng.random(n) < 0.1, np.nan, rng.integers(1, 50, n) * 1_000_000.0),
            "opened_year": rng.integers(2015, 2025, n),
        }
    )
    copies = frame.slice(10, 3)
    return pl.concat([frame, copies, copies.head(1)])  # row 10 three times, rows 11 and 12 twice


def masked(frame: pl.DataFrame, name: str = "accounts"):
    return certify(Table(name, frame), findings=())


def test_duplicate_rows_are_listed_once_with_how_often():
    dups = duplicate_rows(masked(accounts()))
    assert dups.groups == 3 and dups.extra_rows == 4
    assert dups.frame[COUNT].to_list() == [3, 2, 2]  # most repeated first
    assert dups.frame.columns[:-1] == accounts().columns


def test_no_duplicates_is_said_plainly():
    dups = duplicate_rows(masked(accounts().unique(maintain_order=True)))
    assert dups.groups == 0 and dups.extra_rows == 0 and dups.frame.height == 0


def test_extremes_are_whole_rows_and_skip_missing_values():
    frame = accounts()
    ends = extremes(masked(frame), "limit_krw", n=5)
    present = frame["limit_krw"].drop_nans().drop_nulls()
    assert ends.lowest["limit_krw"].to_list() == sorted(present.to_list())[:5]
    assert ends.highest["limit_krw"].to_list() == sorted(present.to_list(), reverse=True)[:5]
    assert ends.lowest.columns == frame.columns  # the rest of each row comes along
    assert 9999.0 in extremes(masked(frame), "balance_krw").lowest["balance_krw"].to_list()  # the special code surfaces
    with pytest.raises(ValueError):
        extremes(masked(frame), "branch")


def test_two_numbers_become_points_or_a_density():
    small = pair_view(masked(accounts(500)), "balance_krw", "limit_krw")
    assert small.x_numeric and small.y_numeric and not small.dense and not small.sampled
    assert small.frame.height == accounts(500).filter(pl.col("limit_krw").is_not_nan()).height  # NaN rows left out
    assert pair_chart(small).data[0].type == "scatter"
    big = pair_view(masked(accounts(DENSITY_FROM + 500)), "balance_krw", "opened_year")
    assert big.dense and pair_chart(big).data[0].type == "histogram2d"


def test_large_tables_are_drawn_from_a_stated_seeded_sample():
    table = masked(accounts(PAIR_SAMPLE + 1_000))
    one, two = pair_view(table, "balance_krw", "opened_year"), pair_view(table, "balance_krw", "opened_year")
    assert one.sampled and one.frame.height == PAIR_SAMPLE and one.frame.equals(two.frame)


def test_categories_against_a_number_and_against_each_other():
    table = masked(accounts())
    mixed = pair_view(table, "branch", "balance_krw")
    assert not mixed.x_numeric and mixed.y_numeric and pair_chart(mixed).data[0].type == "box"
    both = pair_view(table, "branch", "product")
    assert both.frame[COUNT].sum() == table.height
    assert pair_chart(both).data[0].type == "heatmap"


def test_the_rows_section_draws_in_the_app(workspace, app_test):
    at = app_test()
    at.session_state["wb.data.certified"] = {"accounts": masked(accounts())}
    at.run()
    at.switch_page("pages/profile.py").run()
    at.session_state["wb.profile.section"] = "explore"
    at.run()
    assert not at.exception, at.exception
    assert "3가지 행이 두 번 이상 나옵니다" in " ".join(c.value for c in at.caption)
    assert len(at.get("plotly_chart")) == 1
    assert len(at.dataframe) == 3  # repeated rows, lowest, highest
