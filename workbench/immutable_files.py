"""The frontend's hashed files, answered from memory once the server has answered them once.

A first visit loads about 140 files of Streamlit's frontend (4.7 MB), and each answer passes through the
server's whole middleware stack and a file read on a worker thread: about 1 ms of the server's CPU per file,
on the event loop every session's websocket shares. Ten analysts opening the app together asked 1,370 of
them, 1.3 s of CPU while their first pages waited. The files are content-hashed and served ``immutable``
(a browser keeps them a year), so the same path always gets the same answer: the first answer is kept, with
its headers, and replayed to the next asker.

Only what is safe to replay is kept: a ``GET`` without a query, a range or a conditional header, answered
``200`` with ``Cache-Control: … immutable``, i.e. a path the full stack (path checks included) has served as
an unchanging asset. Everything else, HTML and the websocket included, goes through as before.
"""

from __future__ import annotations

from typing import Any

Scope = dict[str, Any]
MAX_FILE = 8 << 20  # a larger answer is streamed as before (the frontend's largest chunk is ~5 MB)
_NOT_PLAIN = {b"range", b"if-none-match", b"if-modified-since", b"if-range"}


class ImmutableFilesFromMemory:
    """ASGI wrapper around the app: replays kept answers for immutable files (see the module's docstring)."""

    def __init__(self, app) -> None:
        self.app = app
        self.kept: dict[str, tuple[list[tuple[bytes, bytes]], bytes]] = {}

    async def __call__(self, scope: Scope, receive, send) -> None:
        if not _plain_get(scope):
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        found = self.kept.get(path)
        if found is not None:
            headers, body = found
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            await send({"type": "http.response.body", "body": body, "more_body": False})
            return
        await self.app(scope, receive, self._keeping(path, send))

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
                    self.kept[path] = (answer["headers"], b"".join(answer["parts"]))
            await send(message)

        return noted


def _plain_get(scope: Scope) -> bool:
    return (
        scope["type"] == "http"
        and scope.get("method") == "GET"
        and not scope.get("query_string")
        and not any(name.lower() in _NOT_PLAIN for name, _ in scope.get("headers", []))
    )


def _immutable(answer: dict) -> bool:
    if answer.get("status") != 200:
        return False
    headers = {k.lower(): v for k, v in answer.get("headers", [])}
    # an answer that depends on the asker (compressed for some, a cookie for one) is never replayed
    personal = b"content-encoding" in headers or b"set-cookie" in headers or b"vary" in headers
    return b"immutable" in headers.get(b"cache-control", b"") and not personal
