"""The glossary: the terms a trainee meets on screen, each with a ko/en name and definition in the
``learn`` catalog (``learn.term.<id>.name`` / ``.body``) and the pages where it appears, so a page can link
the word to its definition (``workbench.ui.glossary.term_help`` / ``glossary_link``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    """``pages``: page files (relative to app.py) where the term is on screen; ``aliases``: spellings used
    there (matched case-insensitively by ``find``)."""

    id: str
    pages: tuple[str, ...]
    aliases: tuple[str, ...] = ()

    @property
    def name_key(self) -> str:
        return f"learn.term.{self.id}.name"

    @property
    def body_key(self) -> str:
        return f"learn.term.{self.id}.body"


PROFILE, FEATURES, MODEL, PRIVACY, DATA = (
    "pages/profile.py",
    "pages/features.py",
    "pages/model.py",
    "pages/privacy.py",
    "pages/data.py",
)

TERMS: tuple[Term, ...] = (
    Term("woe", (PROFILE,), ("WOE", "WoE")),
    Term("iv", (PROFILE, FEATURES), ("IV", "information value")),
    Term("psi", (PROFILE, FEATURES), ("PSI", "CSI")),
    Term("ks", (PROFILE, FEATURES, MODEL), ("KS",)),
    Term("gini", (MODEL,), ("Gini",)),
    Term("auc", (PROFILE, FEATURES, MODEL), ("AUC", "ROC")),
    Term("lift", (MODEL,), ("lift", "gain")),
    Term("calibration", (MODEL,), ("calibration", "brier")),
    Term("shap", (MODEL,), ("SHAP",)),
    Term("leakage", (PROFILE, FEATURES, MODEL), ("leakage", "leak", "leakage_suspect")),
    Term("out_of_time", (MODEL,), ("out-of-time", "OOT", "time split")),
    Term("k_anonymity", (PRIVACY,), ("k-anonymity", "k-익명성")),
    Term("pseudonymisation", (PRIVACY,), ("pseudonym", "pseudonymisation", "HMAC")),
    Term("special_codes", (PROFILE,), ("special code", "special_codes", "9999")),
    Term("mnar", (PROFILE,), ("missing-not-at-random", "MNAR", "high_missing")),
    Term("cutoff", (DATA, FEATURES), ("cutoff", "기준일")),
)


def term(term_id: str) -> Term:
    """The term by id; a ``KeyError`` names the unknown id (a typo in a page must fail its test)."""
    for t in TERMS:
        if t.id == term_id:
            return t
    raise KeyError(f"no glossary term {term_id!r}; known: {', '.join(t.id for t in TERMS)}")


def find(word: str) -> Term | None:
    """The term a word on screen refers to (id or alias, case-insensitive), or ``None``."""
    w = word.strip().lower()
    for t in TERMS:
        if w == t.id or w in (a.lower() for a in t.aliases):
            return t
    return None


def on_page(page: str) -> tuple[Term, ...]:
    return tuple(t for t in TERMS if page in t.pages)
