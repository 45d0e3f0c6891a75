"""Limits on what a client may send: body size (413) and request rate (429).

The body limit counts the bytes as they stream in, so a chunked upload without a
``Content-Length`` (or one that lies about it) is cut off too.

Example:
    >>> buckets = TokenBuckets(rate=1.0, burst=2)
    >>> [buckets.take("alice", now=0.0) for _ in range(3)]
    [None, None, 1.0]
    >>> buckets.take("alice", now=1.0) is None
    True
"""

from __future__ import annotations

import threading
import time

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from paxsilica.service.problems import Problem, problem_response

__all__ = ["BodyLimitMiddleware", "BodyTooLargeError", "TokenBuckets"]


class BodyTooLargeError(HTTPException):
    """The request body passed the service's ``--max-upload-mb``."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"request body is larger than the limit of {limit:,} bytes "
                              "(paxsilica serve --max-upload-mb)")


class BodyLimitMiddleware:
    """Refuse (413) a request whose body is over ``max_bytes``, declared or streamed."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None:
            try:
                too_large = int(declared) > self.max_bytes
            except ValueError:
                await self._refuse(scope, send, Problem(400, "Content-Length is not a number",
                                                        "Content-Length"))
                return
            if too_large:
                await self._refuse(scope, send, Problem(413, BodyTooLargeError(self.max_bytes).detail))
                return
        received = 0
        started = False

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLargeError(self.max_bytes)
            return message

        async def tracked_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted_receive, tracked_send)
        except BodyTooLargeError as exc:
            if started:
                raise
            await self._refuse(scope, send, Problem(413, exc.detail))

    @staticmethod
    async def _refuse(scope: Scope, send: Send, problem: Problem) -> None:
        response = problem_response(problem, scope.get("path", ""))
        response.headers["Connection"] = "close"
        await response(scope, _no_body, send)


async def _no_body() -> Message:
    return {"type": "http.disconnect"}


class TokenBuckets:
    """One token bucket per key (an access token's name): ``rate`` per second, ``burst`` deep."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate = rate
        self.burst = burst
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, key: str, now: float | None = None) -> float | None:
        """Take one request's worth; None if allowed, else seconds until one is free."""
        now = time.monotonic() if now is None else now
        with self._lock:
            level, last = self._buckets.get(key, (float(self.burst), now))
            level = min(float(self.burst), level + (now - last) * self.rate)
            if level >= 1.0:
                self._buckets[key] = (level - 1.0, now)
                return None
            self._buckets[key] = (level, now)
            return (1.0 - level) / self.rate
