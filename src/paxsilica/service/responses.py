"""JSON responses and pagination shared by the routes.

Example:
    >>> paging = Paging(limit=2, offset=1)
    >>> page([{"a": 1}, {"a": 2}, {"a": 3}], paging).body
    b'{"total":3,"limit":2,"offset":1,"results":[{"a":2},{"a":3}]}'
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from fastapi import Query
from fastapi.responses import JSONResponse

from paxsilica.io.records import jsonable

__all__ = ["JSON", "Paging", "page"]

MAX_LIMIT = 10_000


class JSON(JSONResponse):
    """JSON without the encoder's per-value walk; NaN becomes null, dates ISO text."""

    def render(self, content: object) -> bytes:
        return json.dumps(content, ensure_ascii=False, allow_nan=False, default=jsonable,
                          separators=(",", ":")).encode("utf-8")


@dataclass
class Paging:
    """``limit`` and ``offset`` query parameters of a list."""

    limit: int = Query(1000, ge=1, le=MAX_LIMIT, description="Rows per page")
    offset: int = Query(0, ge=0, description="Rows to skip")


def page(rows: list[dict], paging: Paging) -> JSON:
    """``{"total", "limit", "offset", "results"}`` for one page of ``rows``."""
    return JSON({"total": len(rows), "limit": paging.limit, "offset": paging.offset,
                 "results": rows[paging.offset:paging.offset + paging.limit]})
