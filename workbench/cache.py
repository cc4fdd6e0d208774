"""Results shared by every session of one server, keyed by data identity.

Ten analysts on one server open the same certified tables: a result that depends only on a table's content
(its fingerprint) is computed once and handed to every session, never copied per session. The cache is the
one kind of process-wide mutable state the design allows, so it is bounded: at most ``max_entries`` results
per function, each dropped ``ttl`` seconds after it was made, least recently used first. Results must be
immutable (frozen dataclasses, tuples, polars frames that nobody mutates): callers share the very object.

Concurrent callers asking for the same key wait for the one computation under way instead of starting
their own (the second analyst on the Data page does not redo the first one's work on the other core).
"""

from __future__ import annotations

import functools
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from typing import Any, ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


def identity(value: Any) -> Hashable:
    """The part of ``value`` that decides a result: a table's name and content fingerprint (not the object),
    a mapping's items in key order, a sequence item by item, anything else as itself (it must be hashable)."""
    fingerprint = getattr(value, "fingerprint", None)
    if isinstance(fingerprint, str):
        return (type(value).__name__, getattr(value, "name", None), fingerprint)
    if isinstance(value, Mapping):
        return ("mapping", tuple((k, identity(v)) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))))
    if isinstance(value, list | tuple):
        return ("seq", tuple(identity(v) for v in value))
    if isinstance(value, set | frozenset):
        return ("set", tuple(sorted((identity(v) for v in value), key=repr)))
    return value


_CACHES: list[SharedCache] = []


class SharedCache:
    """A bounded, thread-safe LRU with a time to live, computing each missing key once. Every one made is
    emptied by ``clear_all``."""

    def __init__(self, max_entries: int = 64, ttl: float = 3600.0) -> None:
        _CACHES.append(self)
        self.max_entries, self.ttl = max_entries, ttl
        self._entries: OrderedDict[Hashable, tuple[float, Any]] = OrderedDict()
        self._lock = threading.Lock()
        self._computing: dict[Hashable, threading.Lock] = {}
        self.hits = self.misses = 0

    def _lookup(self, key: Hashable) -> tuple[bool, Any]:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return False, None
            made, value = entry
            if time.monotonic() - made > self.ttl:
                del self._entries[key]
                return False, None
            self._entries.move_to_end(key)
            self.hits += 1
            return True, value

    def get_or_compute(self, key: Hashable, compute: Callable[[], R]) -> R:
        found, value = self._lookup(key)
        if found:
            return value
        with self._lock:
            gate = self._computing.setdefault(key, threading.Lock())
        with gate:  # one computation per key; the others wait for it, then read its entry
            found, value = self._lookup(key)
            if found:
                return value
            try:
                value = compute()
                with self._lock:
                    self.misses += 1
                    self._entries[key] = (time.monotonic(), value)
                    self._expire()
            finally:
                with self._lock:
                    self._computing.pop(key, None)
            return value

    def _expire(self) -> None:
        now = time.monotonic()
        for key in [k for k, (made, _) in self._entries.items() if now - made > self.ttl]:
            del self._entries[key]
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        with self._lock:
            self._expire()
            return len(self._entries)


class WhileUsed:
    """One object per key for as long as anybody holds it: the second session opening a certified table gets
    the first one's object, and the last session to let go returns the memory (weak references, no TTL)."""

    def __init__(self) -> None:
        self._objects: weakref.WeakValueDictionary[Hashable, Any] = weakref.WeakValueDictionary()
        self._lock = threading.Lock()
        self._making: dict[Hashable, threading.Lock] = {}

    def get_or_make(self, key: Hashable, make: Callable[[], R]) -> R:
        with self._lock:
            found = self._objects.get(key)
            if found is not None:
                return found
            gate = self._making.setdefault(key, threading.Lock())
        with gate:
            with self._lock:
                found = self._objects.get(key)
            if found is not None:
                return found
            try:
                made = make()
                with self._lock:
                    self._objects[key] = made
            finally:
                with self._lock:
                    self._making.pop(key, None)
            return made

    def __len__(self) -> int:
        with self._lock:
            return len(self._objects)


def shared(max_entries: int = 64, ttl: float = 3600.0) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorate a pure function whose result depends only on its arguments' identities (see ``identity``)."""

    def wrap(fn: Callable[P, R]) -> Callable[P, R]:
        cache = SharedCache(max_entries, ttl)

        @functools.wraps(fn)
        def cached(*args: P.args, **kwargs: P.kwargs) -> R:
            key = (identity(args), identity(tuple(sorted(kwargs.items()))))
            return cache.get_or_compute(key, lambda: fn(*args, **kwargs))

        cached.cache = cache  # type: ignore[attr-defined]
        return cached

    return wrap


def clear_all() -> None:
    """Empty every shared cache (tests, and a server that wants its memory back at once)."""
    for cache in _CACHES:
        cache.clear()
