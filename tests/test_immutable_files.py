"""The frontend's hashed files are answered from memory after the first answer, with the same bytes and
headers; everything that is not a plain GET of an immutable file goes through the app as before."""

from __future__ import annotations

import asyncio
import gzip
import re
import time
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

    # a browser that takes gzip gets the kept script compressed once: same bytes unpacked, marked as such
    deadline = time.monotonic() + 10  # compressed on a worker thread once kept: until then, as it came
    while True:
        status, headers, packed = fetch(f"{base_url}/{script}", **{"Accept-Encoding": "gzip, deflate, br, zstd"})
        if "content-encoding" in headers or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert status == 200 and headers["content-encoding"] == "gzip" and headers["vary"] == "Accept-Encoding"
    assert gzip.decompress(packed) == again[2] and int(headers["content-length"]) == len(packed) < len(again[2]) / 2
    assert headers["etag"] != again[1]["etag"] and "immutable" in headers["cache-control"]
    refused = fetch(f"{base_url}/{script}", **{"Accept-Encoding": "gzip;q=0, identity"})
    assert "content-encoding" not in refused[1] and refused[2] == again[2]


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


def test_only_text_files_are_sent_compressed_and_only_to_who_takes_gzip():
    script = [(b"content-type", b"application/javascript"), *IMMUTABLE[1:], (b"etag", b'"abc"')]
    font = [(b"content-type", b"font/woff2"), *IMMUTABLE[1:]]
    inner = App(
        {
            "/static/js/a.js": (200, script, [b"x" * 5000]),
            "/static/js/tiny.js": (200, script, [b"x" * 100]),
            "/static/media/f.woff2": (200, font, [b"w" * 5000]),
        }
    )
    app = ImmutableFilesFromMemory(inner)
    takes = [(b"accept-encoding", b"gzip, br")]
    for path in inner.answers:
        ask(app, path)  # kept
    packed = ask(app, "/static/js/a.js", headers=takes)
    headers = dict(packed[0]["headers"])
    assert headers[b"content-encoding"] == b"gzip" and headers[b"etag"] == b'W/"abc-gzip"'
    assert gzip.decompress(packed[1]["body"]) == b"x" * 5000
    for path, accept in (
        ("/static/js/a.js", b"gzip;q=0"),
        ("/static/js/a.js", b"br"),
        ("/static/js/tiny.js", b"gzip"),
        ("/static/media/f.woff2", b"gzip"),
    ):
        plain = ask(app, path, headers=[(b"accept-encoding", accept)])
        assert b"content-encoding" not in dict(plain[0]["headers"]), (path, accept)
        assert plain[1]["body"] == inner.answers[path][2][0]
    assert inner.asked == list(inner.answers)  # all of it from memory after the first answers


def test_the_warm_up_asks_for_the_whole_frontend_so_a_first_visitor_gets_it_compressed(base_url):
    """Ten analysts opening the app together got ~140 files each through the whole stack, uncompressed: the
    server asks for them itself at start, so even a file nobody asked for yet comes from memory, gzipped."""
    from pathlib import Path

    import streamlit

    from workbench.ui.warmup import warm_frontend_files

    root = Path(streamlit.__file__).parent / "static"
    files = sorted(p.relative_to(root).as_posix() for p in (root / "static").rglob("*.js"))
    assert warm_frontend_files(base_url) > len(files) > 100
    files = [f for f in files if (root / f).stat().st_size > 10_000]  # worth compressing
    deadline = time.monotonic() + 10  # compressed on a worker thread once kept
    while True:
        status, headers, packed = fetch(f"{base_url}/{files[-1]}", **{"Accept-Encoding": "gzip"})
        if "content-encoding" in headers or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert status == 200 and headers.get("content-encoding") == "gzip"
    assert gzip.decompress(packed) == (root / files[-1]).read_bytes()
