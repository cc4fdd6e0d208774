"""The frontend's hashed files, answered from memory once the server has answered them once.

A first visit loads about 140 files of Streamlit's frontend (4.7 MB), and each answer passes through the
server's whole middleware stack and a file read on a worker thread: about 1 ms of the server's CPU per file,
on the event loop every session's websocket shares. Ten analysts opening the app together asked 1,370 of
them, 1.3 s of CPU while their first pages waited. The files are content-hashed and served ``immutable``
(a browser keeps them a year), so the same path always gets the same answer: the first answer is kept, with
its headers, and replayed to the next asker.

The kept text files (scripts, styles, JSON, SVG) are also compressed once, on a worker thread as soon as they
are kept (until then they go out as they came), and a browser that accepts gzip gets them so
(``Content-Encoding: gzip``, ``Vary: Accept-Encoding``, the ETag marked): a first visit is 1.4 MB instead of
4.7 MB, on a bank's network too. Streamlit serves them uncompressed because compressing on every request
costs more CPU than it saves; compressed once, it costs nothing more.

Only what is safe to replay is kept: a ``GET`` without a query, a range or a conditional header, answered
``200`` with ``Cache-Control: … immutable``, i.e. a path the full stack (path checks included) has served as
an unchanging asset. Everything else, HTML and the websocket included, goes through as before.
"""

from __future__ import annotations

import asyncio
import gzip
from dataclasses import dataclass, field
from typing import Any

Scope = dict[str, Any]
MAX_FILE = 8 << 20  # a larger answer is streamed as before (the frontend's largest chunk is ~5 MB)
_NOT_PLAIN = {b"range", b"if-none-match", b"if-modified-since", b"if-range"}
COMPRESSIBLE = (b"text/", b"application/javascript", b"application/json", b"image/svg+xml")


@dataclass
class Kept:
    """One file's answer as the app gave it, and its gzip variant once made."""

    headers: list[tuple[bytes, bytes]]
    body: bytes
    gzipped: tuple[list[tuple[bytes, bytes]], bytes] | None = field(default=None, repr=False)

    def compressible(self) -> bool:
        kind = dict(self.headers).get(b"content-type", b"")
        return kind.startswith(COMPRESSIBLE) and len(self.body) > 1024

    def compress(self) -> None:
        """Make the gzip variant (set whole at the end, so a reader sees it all or not at all)."""
        self.gzipped = self._gzip_variant()

    def _gzip_variant(self) -> tuple[list[tuple[bytes, bytes]], bytes]:
        body = gzip.compress(self.body, compresslevel=6, mtime=0)
        headers = [
            (k, b'W/"' + v.strip(b'"').removeprefix(b'W/"') + b'-gzip"' if k == b"etag" else v)
            for k, v in self.headers
            if k not in (b"content-length", b"accept-ranges")
        ]
        headers += [(b"content-length", str(len(body)).encode()), (b"content-encoding", b"gzip")]
        return [*headers, (b"vary", b"Accept-Encoding")], body


class ImmutableFilesFromMemory:
    """ASGI wrapper around the app: replays kept answers for immutable files (see the module's docstring)."""

    def __init__(self, app) -> None:
        self.app = app
        self.kept: dict[str, Kept] = {}

    async def __call__(self, scope: Scope, receive, send) -> None:
        if not _plain_get(scope):
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        found = self.kept.get(path)
        if found is None:
            await self.app(scope, receive, self._keeping(path, send))
            return
        headers, body = found.headers, found.body
        if found.gzipped is not None and _accepts_gzip(scope):
            headers, body = found.gzipped
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body, "more_body": False})

    def _keeping(self, path: str, send):
        """``send``, noting the answer on the way; kept when it is a whole 200 marked immutable."""
        answer: dict[str, Any] = {"parts": []}

        async def noted(message: dict) -> None:
            if message["type"] == "http.response.start":
                answer["status"], answer["headers"] = message["status"], list(message.get("headers", []))
            elif message["type"] == "http.response.body" and "parts" in answer:
                answer["parts"].append(message.get("body", b""))
                if sum(map(len, answer["parts"])) > MAX_FILE:
                    answer.pop("parts")
                elif not message.get("more_body", False) and _immutable(answer):
                    kept = self.kept[path] = Kept(answer["headers"], b"".join(answer["parts"]))
                    if kept.compressible():  # once, on a worker thread; meanwhile it goes out as it came
                        asyncio.get_running_loop().run_in_executor(None, kept.compress)
            await send(message)

        return noted


def _plain_get(scope: Scope) -> bool:
    return (
        scope["type"] == "http"
        and scope.get("method") == "GET"
        and not scope.get("query_string")
        and not any(name.lower() in _NOT_PLAIN for name, _ in scope.get("headers", []))
    )


def _accepts_gzip(scope: Scope) -> bool:
    """Whether the request's ``Accept-Encoding`` takes gzip (``gzip;q=0`` refuses it)."""
    wanted = b",".join(v for k, v in scope.get("headers", []) if k.lower() == b"accept-encoding").lower()
    for part in wanted.split(b","):
        name, _, params = part.partition(b";")
        if name.strip() != b"gzip":
            continue
        q = params.replace(b" ", b"").removeprefix(b"q=")
        try:
            return not q or float(q) > 0
        except ValueError:
            return True
    return False


def _immutable(answer: dict) -> bool:
    if answer.get("status") != 200:
        return False
    headers = {k.lower(): v for k, v in answer.get("headers", [])}
    # an answer that depends on the asker (compressed for some, a cookie for one) is never replayed
    personal = b"content-encoding" in headers or b"set-cookie" in headers or b"vary" in headers
    return b"immutable" in headers.get(b"cache-control", b"") and not personal
