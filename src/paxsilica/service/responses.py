"""JSON and CSV responses, pagination and the documented problems shared by the routes.

Every table route pages its rows (``limit``, ``offset``) and answers JSON
``{"total", "limit", "offset", "results"}`` or, with ``format=csv``, the same page as CSV
(a header row, list cells ``;``-joined, text that a spreadsheet would run as a formula
prefixed with ``'``, as the CLI writes CSV); ``X-Total-Count`` gives the whole list's size.

Example:
    >>> paging = Paging(limit=2, offset=1)
    >>> page([{"a": 1}, {"a": 2}, {"a": 3}], paging).body
    b'{"total":3,"limit":2,"offset":1,"results":[{"a":2},{"a":3}]}'
    >>> page([{"a": ["x", "y"]}, {"a": "=1+2"}], Paging(limit=10, offset=0), TableFormat.csv).body
    b"a\\nx;y\\n'=1+2\\n"
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum

from fastapi import Query
from fastapi.responses import JSONResponse, Response

from paxsilica.io.records import jsonable

__all__ = ["JSON", "MAX_LIMIT", "PROBLEM_DESCRIPTIONS", "Paging", "TableFormat", "csv_text",
           "page", "problems", "table_content"]

MAX_LIMIT = 10_000


class JSON(JSONResponse):
    """JSON without the encoder's per-value walk; NaN becomes null, dates ISO text."""

    def render(self, content: object) -> bytes:
        return json.dumps(content, ensure_ascii=False, allow_nan=False, default=jsonable,
                          separators=(",", ":")).encode("utf-8")


class TableFormat(StrEnum):
    """How a table route answers."""

    json = "json"
    csv = "csv"


@dataclass
class Paging:
    """``limit``, ``offset`` and ``format`` query parameters of a table route."""

    limit: int = Query(1000, ge=1, le=MAX_LIMIT, description="Rows per page")
    offset: int = Query(0, ge=0, description="Rows to skip")
    format: TableFormat = Query(  # noqa: RUF009 - FastAPI reads the field as a query parameter
        TableFormat.json, description="json (a page object) or csv (the page's rows; "
                                       "X-Total-Count gives the whole list's size)")


def csv_text(rows: list[dict]) -> str:
    """Rows as CSV text: the union of their keys as columns in first-seen order, list cells
    ``;``-joined, formula-like text neutralised (see :mod:`paxsilica.io.csv_safety`)."""
    import pandas as pd

    from paxsilica.io.csv_safety import neutralised_frame

    columns = list(dict.fromkeys(key for row in rows for key in row))
    cells = [{key: ";".join(str(part) for part in value) if isinstance(value, list | tuple)
              else json.dumps(value, ensure_ascii=False) if isinstance(value, dict)
              else jsonable(value) for key, value in row.items()} for row in rows]
    return neutralised_frame(pd.DataFrame(cells, columns=columns)).to_csv(index=False)


def page(rows: list[dict], paging: Paging, fmt: TableFormat | None = None) -> Response:
    """One page of ``rows``: JSON ``{"total", "limit", "offset", "results"}``, or CSV."""
    chosen = rows[paging.offset:paging.offset + paging.limit]
    if (fmt or getattr(paging, "format", TableFormat.json)) is TableFormat.csv:
        return Response(csv_text(chosen).encode("utf-8"), media_type="text/csv; charset=utf-8",
                        headers={"X-Total-Count": str(len(rows))})
    return JSON({"total": len(rows), "limit": paging.limit, "offset": paging.offset,
                 "results": chosen})


def table_content(model: type) -> dict:
    """The ``responses`` entry of a table route's 200: JSON pages of ``model`` or CSV."""
    return {200: {"model": model, "description": "One page of rows (JSON), or the page as CSV",
                  "content": {"text/csv": {"schema": {"type": "string"}}}}}


PROBLEM_DESCRIPTIONS = {
    400: "The body cannot be parsed (not JSON, not multipart)",
    401: "No, unknown or revoked token",
    403: "The token's role is too low",
    404: "Not found",
    408: "The body did not arrive in time",
    409: "Not ready yet (the job has not finished)",
    413: "Body over the upload limit (JSON bodies: a lower limit)",
    415: "The body is not JSON",
    422: "Invalid input: every problem listed, each naming its field (and file row)",
    429: "Rate limit reached, or too many of your jobs unfinished (Retry-After says when to retry)",
    503: "The store cannot be read or written right now",
}
"""What each problem status means on this API."""


def problems(*statuses: int, body: bool = False) -> dict[int, dict]:
    """The ``responses`` entries of the problems a route can give: 401, 403, 422 and 503
    on every ``/api`` route, 400, 408 and 413 on routes with a body, and ``statuses``."""
    chosen = sorted({401, 403, 422, 503, *statuses, *((400, 408, 413) if body else ())})
    return {status: {"description": PROBLEM_DESCRIPTIONS[status],
                     "content": {"application/problem+json": {
                         "schema": {"$ref": "#/components/schemas/Problem"}}}}
            for status in chosen}
