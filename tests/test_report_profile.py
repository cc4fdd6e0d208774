"""Reports: the HTML opens offline (no outside src/href, plotly.js embedded once), the Excel workbook has
the sheets, and both render the numbers of the profile they were given."""

import io
import re
from html.parser import HTMLParser

import numpy as np
import polars as pl
import pytest

from workbench.io.table import Table
from workbench.privacy import certify
from workbench.profile import profile
from workbench.report import excel_report, html_report
from workbench.report.json import profile_json


@pytest.fixture(scope="module")
def result():
    rng = np.random.default_rng(0)
    n = 2_000
    from datetime import date, timedelta

    df = pl.DataFrame(
        {
            "applied_at": [date(2024, 1, 1) + timedelta(days=int(d)) for d in rng.integers(0, 120, n)],
            "bureau_score": rng.normal(600, 50, n),
            "channel": rng.choice(["모바일", "창구", "인터넷"], n),
            "annual_income": np.where(rng.random(n) < 0.05, 9999, rng.integers(1_000, 8_000, n)),
            "default_12m": (rng.random(n) < 0.08).astype(int),
        }
    )
    return profile(certify(Table("loans", df), findings=()), target="default_12m", time_column="applied_at")


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag, attrs):
        self.scripts += tag == "script"
        for name, value in attrs:
            if name in ("src", "href") and value:
                self.urls.append(value)


def test_html_report_is_self_contained(result):
    page = html_report(result)
    parser = Links()
    parser.feed(page)
    outside = [u for u in parser.urls if re.match(r"(?i)(https?:)?//", u)]
    assert outside == []
    assert not re.search(r"""(?i)<(link|script|img|iframe)[^>]+(src|href)=["']?(https?:)?//""", page)
    assert "@import" not in page and "fonts.googleapis" not in page
    from plotly.offline import get_plotlyjs

    assert page.count(get_plotlyjs()[:200]) == 1  # plotly.js embedded exactly once
    assert "cdn.plot.ly" not in page.replace(get_plotlyjs(), "")


def test_html_report_renders_the_profile_numbers_and_links_alerts_to_columns(result):
    page = html_report(result)
    top = result.target.tables[0]
    assert top.feature in page and f"{round(top.iv, 4)}" in page
    assert 'href="#col-annual_income"' in page and 'id="col-annual_income"' in page
    assert "9999" in page or "9,999" in page
    assert f"{result.table.rows:,}" in page


@pytest.mark.parametrize(
    ("lang", "names"),
    [
        ("ko", ("개요", "컬럼", "경고", "IV", "구간", "PSI")),
        ("en", ("Overview", "Columns", "Alerts", "IV", "Bins", "PSI")),
    ],
)
def test_excel_workbook_has_the_sheets_in_the_readers_language_and_the_same_iv(result, lang, names):
    from workbench.i18n import set_language

    set_language(lang)
    data = excel_report(result)
    sheets = pl.read_excel(io.BytesIO(data), sheet_id=0)
    assert set(names) <= set(sheets)
    iv = sheets["IV"]
    assert iv.row(0)[1] == pytest.approx(round(result.target.tables[0].iv, 4))
    assert sheets[names[1]].height == result.table.n_columns


def test_json_payload_has_the_contract_shape(result):
    out = profile_json(result)
    assert out["rows"] == 2_000
    assert {"name", "kind", "missing", "distinct"} <= set(out["columns"][0])
    assert {"code", "column", "severity", "message"} <= set(out["alerts"][0])
    assert {"feature", "iv", "auc", "ks"} <= set(out["target"][0]) and out["event"] == "1"
    assert {"feature", "psi"} <= set(out["stability"][0])
    import json

    json.dumps(out, allow_nan=False)


def test_column_charts_are_inline_svg_with_a_bar_per_bin_and_escaped_values():
    from workbench.profile import profile_columns
    from workbench.report.svg import distribution_svg

    rng = np.random.default_rng(4)
    df = pl.DataFrame({"amount": rng.lognormal(8, 1, 3_000), "memo": rng.choice(["<b>x</b>", "a & b"], 3_000)})
    tp = profile_columns(certify(Table("t", df), findings=()))
    amount, memo = tp.column("amount"), tp.column("memo")
    chart = distribution_svg(amount)
    assert chart.startswith("<svg") and chart.count("<rect") == len(amount.histogram)
    tips = re.findall(r"<title>[^<]*: ([\d,]+) ", chart)
    assert sum(int(n.replace(",", "")) for n in tips) == 3_000  # every row lands in one bar's tooltip
    words = distribution_svg(memo)
    assert "<b>" not in words and "&lt;b&gt;x&lt;/b&gt;" in words and "a &amp; b" in words
    assert "http" not in chart.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_the_most_frequent_value_is_written_like_every_other_number():
    """Judged on the team screenshots: the column summary showed a minimum of "700,000" beside a most frequent
    value of "1900000". A number's mode takes the app's format; a code kept as text (branch "0012") stays as is."""
    from workbench.i18n import t
    from workbench.report.tables import columns_frame

    frame = pl.DataFrame(
        {
            "loan_amount": [1_900_000] * 30 + list(range(700_000, 770_000, 1_000)),
            "branch": ["0012"] * 60 + ["0345"] * 40,
        }
    )
    result = profile(certify(Table("loans", frame), findings=()))
    summary = columns_frame(result)
    top = dict(zip(summary[t("profile.col.column")], summary[t("profile.col.top")], strict=True))
    assert top == {"loan_amount": "1,900,000", "branch": "0012"}
