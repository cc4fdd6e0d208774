"""``python -m workbench.serve run app.py …``: Streamlit's own CLI, told up front that ``app.py`` routes, and
with nested unknown addresses sent to the app's own not-found page.

See ``workbench.ui.router``: without the flag, a bookmark such as ``/profile`` opened first on a fresh server
would run that page alone. Setting it before the server starts avoids even the one extra rerun.

A nested address no file answers (``/a/b``, ``/profile/x``) gets Streamlit's ``index.html``, whose scripts
are linked relative to the address (``./static/js/…``): the browser asks for ``/a/static/js/…``, gets the
same HTML back instead of JavaScript, and the page stays blank for ever. Such an address is redirected to
``/not-found?path=/a/b`` (its query kept, ``lang`` included), where the router draws the not-found page in
the user's language, as it does for ``/nope``.

The frontend's hashed files are answered from memory after their first answer (``workbench.immutable_files``).

The server also warms itself in the background as it starts (``workbench.ui.warmup``; ``WORKBENCH_WARMUP=0``
turns it off).
"""

from __future__ import annotations

import os
from urllib.parse import quote

from workbench.ui.nav import NOT_FOUND_URL


def not_found_redirect(path: str, query: str = "", root: str = "") -> str | None:
    """Where a request for ``path`` (relative to the app's root, as the static files see it) that no file
    answers should go instead, or None when the page itself can answer it (the root, one segment)."""
    path = path.replace("\\", "/").strip("/")
    if "/" not in path:
        return None
    target = f"{root.rstrip('/')}/{NOT_FOUND_URL}?path={quote('/' + path, safe='/')}"
    return target + (f"&{query}" if query else "")


def _send_nested_paths_to_not_found() -> None:
    """Wrap the static-file handler Streamlit builds, so its index.html fallback on a nested path becomes
    a redirect; everything a file answers (scripts, fonts, the favicon) is served as before."""
    from starlette.responses import FileResponse, RedirectResponse
    from streamlit.web.server.starlette import starlette_static_routes as routes

    create = routes.create_streamlit_static_handler

    def create_handler(directory: str, base_url: str | None):
        handler = create(directory, base_url)
        answer = handler.get_response

        async def get_response(path, scope):
            response = await answer(path, scope)
            fallback = isinstance(response, FileResponse) and response.path == handler._index_path
            if fallback and scope.get("method") in {"GET", "HEAD"}:
                query = scope.get("query_string", b"").decode("latin-1")
                target = not_found_redirect(path, query, scope.get("root_path", ""))
                if target is not None:
                    return RedirectResponse(target, status_code=302, headers={"Cache-Control": "no-cache"})
            return response

        handler.get_response = get_response
        return handler

    routes.create_streamlit_static_handler = create_handler


def _answer_immutable_files_from_memory() -> None:
    """Wrap the app Streamlit builds in ``workbench.immutable_files`` (the frontend's hashed files)."""
    from streamlit.web.server.starlette import starlette_server

    from workbench.immutable_files import ImmutableFilesFromMemory

    create = starlette_server.create_starlette_app
    starlette_server.create_starlette_app = lambda runtime: ImmutableFilesFromMemory(create(runtime))


if __name__ == "__main__":
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.web.cli import main

    PagesManager.uses_pages_directory = False
    _send_nested_paths_to_not_found()
    _answer_immutable_files_from_memory()
    from workbench.ui import warmup
    from workbench.ui.shell import workspace_dir

    if warmup.enabled():
        warmup.warm_in_background(workspace_dir(), os.environ.get("WORKBENCH_DB_URL"))
    main(prog_name="streamlit")
