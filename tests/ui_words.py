"""What a page says, read from the browser, and the words each language may borrow from the other.

Text nodes of the main area and the sidebar are read (dataframe cells included: the grid keeps them in an
accessible table), plus placeholders and tooltips; icon ligatures and code blocks (YAML, SQL, paths) are not
prose. The data's own column names and values may be in either language; so may codes and metric
abbreviations bankers write in Latin letters (AUC, KS, IV, PSI), product names and identifiers
(``customer_id``, ``txn_amount_sum_30d``).
"""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl

HANGUL = re.compile(r"[\uac00-\ud7a3]+")
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*")

COLLECT_JS = """() => {
  const out = [];
  // icons are ligatures of Material names (translate="no"), code blocks are code
  const skip = (el) => el.closest(
    '[data-testid="stIconMaterial"], [translate="no"], code, pre, [data-testid="stCode"]');
  const walk = (root) => {
    if (!root) return;
    const w = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    let n;
    while ((n = w.nextNode())) {
      const s = n.textContent.trim();
      if (!s || !n.parentElement || skip(n.parentElement)) continue;
      const style = getComputedStyle(n.parentElement);
      // font-size 0: a widget's own English text that the app replaces from the catalog (see shell.widget_texts)
      if (style.visibility === 'hidden' || style.display === 'none' || style.fontSize === '0px') continue;
      out.push(s);
    }
  };
  walk(document.querySelector('[data-testid="stMain"]'));
  walk(document.querySelector('[data-testid="stSidebar"]'));
  document.querySelectorAll('[data-testid="stMain"] [placeholder], [data-testid="stMain"] [title]').forEach(e => {
    for (const a of ['placeholder', 'title']) {
      const v = e.getAttribute(a);
      if (!v || skip(e)) continue;
      // a placeholder the app paints transparent is never read; an example path or address is code
      if (a === 'placeholder' && getComputedStyle(e, '::placeholder').color === 'rgba(0, 0, 0, 0)') continue;
      if (a === 'placeholder' && v.includes('/')) continue;
      out.push(v);
    }
  });
  return out;
}"""

# Latin words a Korean screen may show: metric abbreviations, formats, products, units, language names.
LATIN_ALLOWED = {
    "LightGBM",
    "Excel",
    "Parquet",
    "SQLAlchemy",
    "PostgreSQL",
    "SQLite",
    "DuckDB",
    "Workbench",
    "HyperLogLog",
    "English",
    "MiB",
    "GiB",
    "KB",
    "MB",
    "GB",
    "NaN",
    "null",
    "polars",
    "Polars",
    "YAML",
    "HTML",
    "Gini",
    "Lift",
    "Calibration",
    "Leakage",
    "Cutoff",
    "Out-of-time",
    "WOE",
    "SHAP",
    "k",
    "p",
    "x",
    "ln",
    "Brier",
    "logloss",
    "str",
    "int",
    "float",
    "date",
    "datetime",
    "bool",  # type codes of the schema editor (polars' own names)
    "String",
    "Date",
    "Datetime",
    "Boolean",
    "Categorical",  # polars' dtype names in the column table
}
HANGUL_ALLOWED = {"한국어"}  # the language picker names each language in itself
GLOSS = re.compile(r"[\uac00-\ud7a3]\s?\(([A-Za-z][A-Za-z\- ]*)\)")
FORMAT_CODE = re.compile(r"[aA#]+")  # value formats on the privacy page: digits #, Latin a, Hangul 가
HANGUL_DATA = re.compile(r"[가#]+|\d+대")  # … and age bands a generalisation writes (80대)


def data_words(folder: Path) -> set[str]:
    """Every word of the sample's table names, column names and text values, in either script (the raw
    export the privacy page scans included)."""
    from workbench.io import read_table
    from workbench.privacy.policy import GENERALISATIONS
    from workbench.profile.alerts import ALERT_CODES

    # alert codes and generalisation levels are documented vocabularies, shown beside their titles
    words: set[str] = set(ALERT_CODES) | set(GENERALISATIONS)
    frames = {path.stem: pl.read_parquet(path) for path in folder.glob("*.parquet")}
    for path in (folder / "raw").glob("*.csv"):
        frames[path.stem] = read_table(path).frame
    for stem, frame in frames.items():
        words.add(stem)
        for name in frame.columns:
            words.update(re.split(r"[\W_]+", name))
            words.add(name)
        for name, dtype in frame.schema.items():
            if dtype in (pl.String, pl.Categorical):
                for value in frame.get_column(name).cast(pl.String).drop_nulls().unique().to_list():
                    words.update(re.split(r"[^\w\uac00-\ud7a3]+", value))
    return {w for w in words if w}


def glossary_names(lang: str) -> tuple[str, ...]:
    """The glossary pairs every term with its name in the other language: that whole name may appear, as
    written (longest first). Its words alone may not: "random" of "Missing not at random (MNAR)" allowed
    everywhere, in any case, let a run history's raw split code ``random`` and metric ``auc`` through."""
    from workbench.i18n import t
    from workbench.learn.glossary import TERMS

    return tuple(sorted({t(term.name_key, lang) for term in TERMS}, key=len, reverse=True))


def without(text: str, phrases: tuple[str, ...]) -> str:
    for phrase in phrases:
        text = text.replace(phrase, " ")
    return text


def _is_code(word: str) -> bool:
    return word.isupper() or any(ch.isdigit() for ch in word) or "_" in word


def english_in_korean(texts: list[str], allowed: set[str], phrases: tuple[str, ...] = ()) -> set[str]:
    """Latin words on a Korean screen that are neither data, codes, whole ``phrases`` nor on the allow-list."""
    found = set()
    lowered = {w.lower() for w in allowed}
    for text in texts:
        text = re.sub(
            r"\S*[/@]\S*|\S+\.[a-z0-9]{2,4}\b", " ", without(text, phrases)
        )  # paths, addresses, file names: code or data
        allowed_here = set(GLOSS.findall(text))  # a term glossed in brackets, 점수표(scorecard), teaches the word
        for token in re.findall(r"[A-Za-z0-9_][A-Za-z0-9_'’\-]*", text):
            token = token.strip("'’")
            words = [token, *token.split("-")]
            if token in allowed_here:
                continue
            if any(
                w.lower() in lowered or w in LATIN_ALLOWED or _is_code(w) or FORMAT_CODE.fullmatch(w)
                for w in words
                if w
            ):
                continue
            if LATIN_WORD.fullmatch(token) and len(token) > 1:
                found.add(token)
    return found


def hangul_in_english(texts: list[str], allowed: set[str], phrases: tuple[str, ...] = ()) -> set[str]:
    """Hangul on an English screen that is not the data's own nor a whole ``phrase``."""
    found = set()
    for text in texts:
        for token in re.findall(r"[\w\uac00-\ud7a3]+", without(text, phrases)):
            if not HANGUL.search(token) or token in allowed or token in HANGUL_ALLOWED or HANGUL_DATA.fullmatch(token):
                continue
            if not any(token in w or w in token for w in allowed if HANGUL.search(w) and len(w) > 1):
                found.add(token)
    return found
