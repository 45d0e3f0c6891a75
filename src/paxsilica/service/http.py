"""The HTTP server under the app: uvicorn's h11 protocol, answering requests it cannot parse
(a ``Content-Length`` that is not a number, two different ones, a malformed request line)
with RFC 9457 problem+json like every other error, instead of uvicorn's text/plain 400.

These requests never reach the application (the HTTP parser refuses them first), so the
answer is made here; the connection is closed after it.
"""

from __future__ import annotations

import json

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from paxsilica.service.problems import MEDIA_TYPE, Problem

__all__ = ["ProblemH11Protocol", "bad_request_body"]


def bad_request_body(reason: str) -> bytes:
    """The problem+json body of a request the HTTP parser refused."""
    problem = Problem(400, f"invalid HTTP request: {reason}", "headers")
    return json.dumps(problem.body("")).encode("utf-8")


class ProblemH11Protocol(H11Protocol):
    """:class:`uvicorn.protocols.http.h11_impl.H11Protocol` whose 400s are problem+json."""

    def send_400_response(self, msg: str) -> None:
        body = bad_request_body("the request line or a header (e.g. Content-Length) cannot be "
                                "parsed")
        headers = [(b"content-type", MEDIA_TYPE.encode()), (b"connection", b"close"),
                   (b"content-length", str(len(body)).encode())]
        for event in (h11.Response(status_code=400, headers=headers, reason=b"Bad Request"),
                      h11.Data(data=body), h11.EndOfMessage()):
            self.transport.write(self.conn.send(event))
        self.transport.close()
