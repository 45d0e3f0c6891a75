"""Limits on what a client may send: body size (413), body time (408) and request rate (429).

The body limit counts the bytes as they stream in, so a chunked upload without a
``Content-Length`` (or one that lies about it) is cut off too; a JSON body is held to
:data:`~paxsilica.limits.MAX_JSON_BODY_BYTES` (uploads to ``--max-upload-mb``). A body
must arrive in full within ``body_timeout`` seconds of the first read, so a client that
declares 1 000 bytes and sends 2 gets 408 instead of holding the connection.

Example:
    >>> buckets = TokenBuckets(rate=1.0, burst=2)
    >>> [buckets.take("alice", now=0.0) for _ in range(3)]
    [None, None, 1.0]
    >>> buckets.take("alice", now=1.0) is None
    True
"""

from __future__ import annotations

import asyncio
import threading
import time

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from paxsilica.service.problems import Problem, problem_response

__all__ = ["BodyLimitMiddleware", "BodyTimeoutError", "BodyTooLargeError", "TokenBuckets"]


class BodyTooLargeError(HTTPException):
    """The request body passed the service's ``--max-upload-mb``."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"request body is larger than the limit of {limit:,} bytes "
                              "(paxsilica serve --max-upload-mb)")


class BodyTimeoutError(HTTPException):
    """The request body did not arrive in full in time."""

    def __init__(self, seconds: float) -> None:
        super().__init__(408, f"the request body did not arrive within {seconds:g} s")


def _is_json(headers: dict[bytes, bytes]) -> bool:
    kind = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
    return kind == b"application/json" or kind.endswith(b"+json")


class BodyLimitMiddleware:
    """Refuse a request whose body is over ``max_bytes`` (``json_bytes`` for JSON), declared
    or streamed (413), or that does not arrive within ``body_timeout`` seconds (408)."""

    def __init__(self, app: ASGIApp, max_bytes: int, json_bytes: int | None = None,
                 body_timeout: float | None = None) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.json_bytes = json_bytes
        self.body_timeout = body_timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        limit = self.max_bytes
        if self.json_bytes is not None and _is_json(headers):
            limit = min(limit, self.json_bytes)
        declared = headers.get(b"content-length")
        if declared is not None:
            try:
                too_large = int(declared) > limit
            except ValueError:
                await self._refuse(scope, send, Problem(400, "Content-Length is not a number",
                                                        "Content-Length"))
                return
            if too_large:
                await self._refuse(scope, send, Problem(413, BodyTooLargeError(limit).detail))
                return
        received = 0
        started = False
        body_done = False
        deadline: float | None = None

        async def counted_receive() -> Message:
            nonlocal received, body_done, deadline
            if body_done or self.body_timeout is None:
                message = await receive()
            else:
                loop = asyncio.get_running_loop()
                deadline = deadline if deadline is not None else loop.time() + self.body_timeout
                try:
                    message = await asyncio.wait_for(receive(), max(0.0, deadline - loop.time()))
                except TimeoutError:
                    raise BodyTimeoutError(self.body_timeout) from None
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLargeError(limit)
                body_done = not message.get("more_body", False)
            return message

        async def tracked_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted_receive, tracked_send)
        except (BodyTooLargeError, BodyTimeoutError) as exc:
            if started:
                raise
            await self._refuse(scope, send, Problem(exc.status_code, exc.detail))

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
