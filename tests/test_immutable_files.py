"""The frontend's hashed files are answered from memory after the first answer, with the same bytes and
headers; everything that is not a plain GET of an immutable file goes through the app as before."""

from __future__ import annotations

import asyncio
import re
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from conftest import NO_PROXY

from workbench.immutable_files import ImmutableFilesFromMemory


def fetch(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    with NO_PROXY.open(urllib.request.Request(url, headers=headers), timeout=30) as r:
        return r.status, {k.lower(): v for k, v in r.headers.items() if k.lower() != "date"}, r.read()


def test_a_hashed_file_comes_back_the_same_from_the_real_server(base_url):
    index = fetch(f"{base_url}/")[2].decode()
    script = re.search(r'src="\.?/?(static/js/[^"]+\.js)"', index).group(1)
    first, again = fetch(f"{base_url}/{script}"), fetch(f"{base_url}/{script}")
    assert first[0] == again[0] == 200
    assert first == again
    assert "immutable" in again[1]["cache-control"] and int(again[1]["content-length"]) == len(again[2])
    status, _, body = fetch(f"{base_url}/{script}", Range="bytes=0-9")  # a range is the app's business
    assert (status, len(body)) == (206, 10)
    assert fetch(f"{base_url}/")[1]["cache-control"] == "no-cache"  # the page itself is never kept


class App:
    """An ASGI app counting what it is asked, answering each path as given."""

    def __init__(self, answers: dict[str, tuple[int, list[tuple[bytes, bytes]], list[bytes]]]) -> None:
        self.answers, self.asked = answers, []

    async def __call__(self, scope, receive, send) -> None:
        self.asked.append(scope["path"])
        status, headers, parts = self.answers[scope["path"]]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        for i, part in enumerate(parts):
            await send({"type": "http.response.body", "body": part, "more_body": i < len(parts) - 1})


def ask(app, path: str, method: str = "GET", headers=(), query: bytes = b"") -> list[dict]:
    sent: list[dict] = []

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": method, "path": path, "headers": list(headers), "query_string": query}
    with ThreadPoolExecutor(1) as pool:  # a loop of its own: the browser tests' may be running in this thread
        pool.submit(asyncio.run, app(scope, None, send)).result()
    return sent


IMMUTABLE = [(b"content-type", b"application/javascript"), (b"cache-control", b"public, immutable, max-age=1")]


def test_only_whole_immutable_answers_to_plain_gets_are_kept_and_replayed():
    inner = App(
        {
            "/static/js/a.js": (200, IMMUTABLE, [b"con", b"sole"]),
            "/": (200, [(b"cache-control", b"no-cache")], [b"<html>"]),
            "/static/js/zipped.js": (200, [*IMMUTABLE, (b"content-encoding", b"gzip")], [b"\x1f\x8b"]),
            "/static/js/cookie.js": (200, [*IMMUTABLE, (b"set-cookie", b"s=1")], [b"x"]),
            "/static/js/gone.js": (404, IMMUTABLE, [b"no"]),
        }
    )
    app = ImmutableFilesFromMemory(inner)
    first, again = ask(app, "/static/js/a.js"), ask(app, "/static/js/a.js")
    assert inner.asked == ["/static/js/a.js"]  # the second answer came from memory
    assert b"".join(m.get("body", b"") for m in again) == b"console"
    assert again[0]["headers"] == first[0]["headers"] and again[0]["status"] == 200
    for path in ("/", "/static/js/zipped.js", "/static/js/cookie.js", "/static/js/gone.js"):
        ask(app, path), ask(app, path)
        assert inner.asked.count(path) == 2, path
    inner.asked.clear()
    ask(app, "/static/js/a.js", method="HEAD")
    ask(app, "/static/js/a.js", query=b"v=2")
    ask(app, "/static/js/a.js", headers=[(b"if-none-match", b'"x"')])
    ask(app, "/static/js/a.js", headers=[(b"range", b"bytes=0-1")])
    assert inner.asked == ["/static/js/a.js"] * 4


def test_a_very_large_answer_is_streamed_not_kept():
    big = b"x" * (9 << 20)
    inner = App({"/static/js/big.js": (200, IMMUTABLE, [big[: 1 << 20], big[1 << 20 :]])})
    app = ImmutableFilesFromMemory(inner)
    ask(app, "/static/js/big.js"), ask(app, "/static/js/big.js")
    assert inner.asked == ["/static/js/big.js"] * 2 and not app.kept
