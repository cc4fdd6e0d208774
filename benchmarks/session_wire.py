"""An analyst's session without a browser: what the server owes N analysts whose browsers run on their own PCs.

The session benchmark's browser walk runs N Chromium contexts on the server's own cores. On this machine a
Chromium context spends 5–8 s of CPU rendering one walk against the server's 0.25 s a page view, so N = 10
browsers, not the server, decide the end-to-end time there. At a bank each analyst's browser renders on
their own PC; the server sees HTTP requests for the app's files and one websocket per session. This client
does exactly that and nothing more:

1. fetches the files a first visit loads (the list a real Chromium fetched, recorded once per run: the page,
   the frontend bundle and its lazily loaded chunks, fonts, the favicon), six at a time as a browser does;
2. opens the app's websocket and asks for each page's script run the way the frontend does after a click in
   the sidebar (Streamlit's ``BackMsg.rerun_script`` with the page's script hash, no query string, the
   browser's context), and times each page view from the request to the run's end (``script_finished``),
   reading every message the server sends on the way (deltas are decoded, so an exception on a page is
   counted as an error, as the browser walk counts a red box).

Widgets keep their default values (the walk changes none) and no message cache is claimed, so the server
sends every element in full: if anything, more work than a browser's session causes.
"""

from __future__ import annotations

import asyncio
import time
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))
# the websocket, and files a session's own elements name (images, downloads): another session gets a 404 there
SESSIONS_OWN = ("/_stcore/stream", "/media/")
# what Chromium sends; the server serves its static bundle uncompressed either way, other answers may be gzipped
HEADERS = {"Accept-Encoding": "gzip, deflate, br, zstd", "User-Agent": "Mozilla/5.0 (session benchmark)"}
CONTEXT = {"timezone": "Asia/Seoul", "timezone_offset": -540, "locale": "ko-KR", "color_scheme": "light"}


@dataclass
class WireTimings:
    """Per page: seconds from the request to the script run's end; ``first_load``: the files of a first visit."""

    ready: dict[str, list[float]] = field(default_factory=dict)
    first_load: list[float] = field(default_factory=list)
    requests: int = 0
    bytes_in: int = 0
    errors: list[str] = field(default_factory=list)


async def record_walk(browser, url: str, flow: Sequence[str], ready_js: str, titles: Sequence[str]) -> list[list[str]]:
    """The same-origin files a real Chromium fetches on each page of ``flow`` (url paths, "" for the first) on
    a first visit: the page, the frontend bundle, the chunks each page's elements load lazily (the plotly
    chunk on the first page with a chart), fonts and images. Each file is listed once, on the page that
    first asked for it, as a browser's cache would have it."""
    origin = urlsplit(url).netloc
    seen: set[str] = set()
    steps: list[list[str]] = []
    context = await browser.new_context(viewport={"width": 1400, "height": 900})
    page = await context.new_page()

    def fetched(request) -> None:
        parts = urlsplit(request.url)
        if parts.netloc == origin and parts.scheme.startswith("http") and not parts.path.startswith(SESSIONS_OWN):
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            if path not in seen:
                seen.add(path)
                steps[-1].append(path)

    page.on("request", fetched)
    for i, (path, title) in enumerate(zip(flow, titles, strict=True)):
        steps.append([])
        if i == 0:
            await page.goto(f"{url}/{path}")
        else:
            await page.locator(f'[data-testid="stSidebarNav"] a[href$="/{path}"]').click()
        await page.wait_for_function(ready_js, arg=[title, True], timeout=120_000, polling=100)
        await page.wait_for_load_state("networkidle")
    await context.close()
    return steps


def _get(url: str) -> int:
    with NO_PROXY.open(urllib.request.Request(url, headers=HEADERS), timeout=120) as response:
        return len(response.read())


async def fetch_files(url: str, paths: Sequence[str], parallel: int = 6) -> tuple[int, int]:
    """GET every path, ``parallel`` at a time (a browser's connections per host); returns (requests, bytes)."""
    gate = asyncio.Semaphore(parallel)

    async def one(path: str) -> int:
        async with gate:
            return await asyncio.to_thread(_get, f"{url}{path}")

    sizes = await asyncio.gather(*(one(p) for p in paths))
    return len(sizes), sum(sizes)


async def _fetch(url: str, paths: Sequence[str], out: WireTimings) -> float:
    start = time.perf_counter()
    requests, size = await fetch_files(url, paths)
    out.requests += requests
    out.bytes_in += size
    return time.perf_counter() - start


class AppSocket:
    """One session's websocket, speaking the frontend's protocol."""

    def __init__(self, ws, url: str) -> None:
        self.ws, self.url = ws, url
        self.query = ""  # what the server last put in the address (kept for reruns within a page)
        self.pages: dict[str, str] = {}  # url path ("" for the default page) -> page script hash
        self.errors: list[str] = []
        self.elements: dict[str, int] = {}  # element kinds received over the session (a sanity check)

    async def run_page(self, path: str, timeout: float = 180.0) -> float:
        """Ask for the page at ``path`` and wait for its run to end; returns the seconds it took."""
        from streamlit.proto.BackMsg_pb2 import BackMsg

        msg = BackMsg()
        state = msg.rerun_script
        # a page change in the sidebar clears the address's parameters: the frontend sends none with it
        state.query_string = ""
        state.page_script_hash = self.pages.get(path, "") if path else ""
        state.widget_states.SetInParent()
        for name, value in CONTEXT.items():
            setattr(state.context_info, name, value)
        state.context_info.url = f"{self.url}/{path}"
        start = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        await asyncio.wait_for(self._until_finished(), timeout)
        return time.perf_counter() - start

    async def _until_finished(self) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        while True:
            msg = ForwardMsg.FromString(await self.ws.recv())
            kind = msg.WhichOneof("type")
            if kind == "page_info_changed":
                self.query = msg.page_info_changed.query_string
            elif kind == "navigation":
                self.pages = {p.url_pathname: p.page_script_hash for p in msg.navigation.app_pages}
            elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                element = msg.delta.new_element
                kind_of = element.WhichOneof("type")
                self.elements[kind_of] = self.elements.get(kind_of, 0) + 1
                if kind_of == "exception":
                    self.errors.append(f"{element.exception.type}: {element.exception.message[:200]}")
            elif kind == "script_finished" and msg.script_finished in (
                ForwardMsg.FINISHED_SUCCESSFULLY,
                ForwardMsg.FINISHED_WITH_COMPILE_ERROR,
            ):
                return


async def one_wire_session(
    url: str, flow: Sequence[str], files: Sequence[Sequence[str]], pause: float, start_delay: float, out: WireTimings
) -> None:
    """One analyst: each page of ``flow`` (url paths, "" for the first) in turn, with the files a browser
    fetched for it (``record_walk``): a page view is its script run and its new files, the first one also
    the page and the bundle before the websocket opens."""
    import websockets

    await asyncio.sleep(start_delay)
    try:
        loaded = await _fetch(url, files[0], out)
        out.first_load.append(loaded)
        ws_url = url.replace("http://", "ws://", 1) + "/_stcore/stream"
        async with websockets.connect(ws_url, subprotocols=["streamlit"], max_size=None, proxy=None) as ws:
            app = AppSocket(ws, url)
            for i, path in enumerate(flow):
                if i:
                    await asyncio.sleep(pause)
                took = await app.run_page(path)
                took += loaded if i == 0 else await _fetch(url, files[i], out)
                out.ready.setdefault(path or "data", []).append(took)
            out.errors.extend(app.errors)
    except Exception as err:  # a broken session is reported, the others go on
        out.errors.append(f"{type(err).__name__}: {str(err)[:300]}")
