"""Glossary helpers any page can call where a term is on screen (definitions live in the ``learn`` catalog).

``term_help("iv")`` gives a one-paragraph tooltip for a widget's ``help=``; ``glossary_link("iv")`` draws a
small popover with the definition and a link to the full glossary on the Learn page. An unknown term id
raises ``KeyError`` so a typo fails the page's test instead of showing an empty box.
"""

from __future__ import annotations

import streamlit as st

from workbench.i18n import t
from workbench.learn.glossary import term
from workbench.ui.shell import page_link

LEARN_PAGE = "pages/learn.py"


def term_name(term_id: str) -> str:
    return t(term(term_id).name_key)


def term_help(term_id: str) -> str:
    """ "Name: definition", for ``help=`` on a metric, column config or widget."""
    entry = term(term_id)
    return f"**{t(entry.name_key)}** — {t(entry.body_key)}"


def glossary_link(term_id: str, *, label: str | None = None) -> None:
    """A popover button labelled with the term; it opens the definition and a link to the glossary."""
    entry = term(term_id)
    with st.popover(label or t(entry.name_key), icon=":material/menu_book:"):
        st.markdown(term_help(term_id))
        page_link(LEARN_PAGE, t("learn.page.glossary"), ":material/school:")
