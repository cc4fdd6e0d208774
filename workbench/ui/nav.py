"""The pages of the app, in the order of the flow. A page file that does not exist yet is not shown."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class PageSpec:
    path: str  # relative to app.py
    title_key: str  # i18n key of the page title
    icon: str
    url: str


PAGES: tuple[PageSpec, ...] = (
    PageSpec("pages/data.py", "nav.data", ":material/table_view:", "data"),
    PageSpec("pages/privacy.py", "nav.privacy", ":material/shield_lock:", "privacy"),
    PageSpec("pages/profile.py", "nav.profile", ":material/query_stats:", "profile"),
    PageSpec("pages/features.py", "nav.features", ":material/construction:", "features"),
    PageSpec("pages/model.py", "nav.model", ":material/model_training:", "model"),
    PageSpec("pages/learn.py", "nav.learn", ":material/school:", "learn"),
)


def available_pages() -> tuple[PageSpec, ...]:
    return tuple(p for p in PAGES if (ROOT / p.path).exists())


FAVICON = Path(__file__).with_name("favicon.png")
NOT_FOUND_URL = "not-found"  # where workbench.serve sends a nested unknown address (?path=/a/b)


def requested_path() -> str | None:
    """The URL path this run was asked for (``"profile"`` for ``/profile``), or None on the root, a
    sidebar click or outside a Streamlit run."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    if ctx is None or ctx.pages_manager.intended_page_script_hash:
        return None
    return ctx.pages_manager.intended_page_name or None


def unknown_path(path: str | None, pages: tuple[PageSpec, ...]) -> str | None:
    """``path`` when no page answers it, else None. A nested path (``/a/b``) cannot be a page's path and is
    left to Streamlit."""
    if not path or "/" in path:
        return None
    return None if path in {p.url for p in pages} else path
