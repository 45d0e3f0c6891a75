"""Errors as RFC 9457 ``application/problem+json``, naming the field (and file row) at fault.

A problem is ``{"type", "title", "status", "detail", "instance"}`` plus, where known,
``field`` (the first field at fault) and ``errors``: every problem found, each
``{"file", "row", "field", "reason"}``.

Example:
    >>> from paxsilica.errors import RowError, ValidationError
    >>> problem = problem_from_error(ValidationError([RowError("bom.csv", 3, "quantity", "not a number")]))
    >>> problem.status, problem.field, problem.errors[0]["row"]
    (422, 'quantity', 3)
"""

from __future__ import annotations

import dataclasses
import html
from dataclasses import dataclass

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from paxsilica.errors import NotFoundError, ParameterError, PaxsilicaError, StoreError, ValidationError

__all__ = ["PROBLEM_TYPE", "Problem", "ProblemError", "install_handlers", "problem_from_error",
           "problem_response"]

PROBLEM_TYPE = "about:blank"
"""RFC 9457: the problem means what its HTTP status means; details are in the members."""
MEDIA_TYPE = "application/problem+json"
TITLES = {400: "Bad request", 401: "Unauthorized", 403: "Forbidden", 404: "Not found",
          405: "Method not allowed", 408: "Request timeout", 409: "Conflict", 413: "Content too large",
          415: "Unsupported media type", 422: "Unprocessable content", 429: "Too many requests",
          500: "Internal server error", 501: "Not implemented", 503: "Service unavailable"}


@dataclass
class Problem:
    """One RFC 9457 problem."""

    status: int
    detail: str
    field: str | None = None
    errors: list[dict] = dataclasses.field(default_factory=list)
    headers: dict[str, str] = dataclasses.field(default_factory=dict)

    def body(self, instance: str) -> dict:
        body = {"type": PROBLEM_TYPE, "title": TITLES.get(self.status, "Error"),
                "status": self.status, "detail": self.detail, "instance": instance}
        if self.field is not None:
            body["field"] = self.field
        if self.errors:
            body["errors"] = self.errors
        return body


class ProblemError(Exception):
    """Raised by routes to answer with a problem."""

    def __init__(self, status: int, detail: str, field: str | None = None,
                 errors: list[dict] | None = None, headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.problem = Problem(status, detail, field, errors or [], headers or {})


def _wants_html(request: Request | None) -> bool:
    """Dashboard pages and their htmx fragments get HTML errors; the API problem+json."""
    if request is None:
        return False
    path = request.url.path
    return not (path.startswith("/api/") or path in ("/healthz", "/openapi.json"))


def problem_response(problem: Problem, instance: str, request: Request | None = None) -> Response:
    """The HTTP response of a problem (a small HTML block for the dashboard)."""
    if _wants_html(request):
        fields = f" (field {html.escape(problem.field)})" if problem.field else ""
        rows = "".join(f"<li>{html.escape(_row_text(e))}</li>" for e in problem.errors[:20])
        text = (f'<div class="problem" role="alert"><strong>{TITLES.get(problem.status, "Error")}'
                f"</strong>: {html.escape(problem.detail)}{fields}"
                + (f"<ul>{rows}</ul>" if rows else "") + "</div>")
        if not request.headers.get("hx-request"):
            text = _error_page(problem.status, text)  # a link or a reload: a whole page
        return HTMLResponse(text, status_code=problem.status, headers=problem.headers)
    return JSONResponse(problem.body(instance), status_code=problem.status, media_type=MEDIA_TYPE,
                        headers=problem.headers)


def _error_page(status: int, block: str) -> str:
    """``block`` as a page of its own (the dashboard's style, a way back), for an error met
    by following a link or reloading rather than inside an htmx swap."""
    title = TITLES.get(status, "Error")
    return ('<!doctype html><html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<meta name="color-scheme" content="light dark"><title>{status} {title} · paxsilica</title>'
            '<link rel="stylesheet" href="/static/app.css"></head><body>'
            '<header class="top"><a class="brand" href="/">paxsilica</a></header>'
            f'<main id="main"><h1>{status} {title}</h1>{block}'
            '<p><a href="/">Back to the dashboard</a></p></main></body></html>')


def _row_text(error: dict) -> str:
    where = " ".join(str(part) for part in (error.get("file"), f"row {error['row']}"
                                             if error.get("row") is not None else None) if part)
    field = f", field '{error['field']}'" if error.get("field") else ""
    return f"{where}{field}: {error.get('reason')}"


def problem_from_error(exc: PaxsilicaError, field: str | None = None) -> Problem:
    """The problem a library error means: invalid input 422 (every problem listed, each
    naming its field), unknown name 404 (422 when it names a parameter), bad certificate
    422, store trouble 503."""
    field = field or exc.field
    if isinstance(exc, ValidationError):
        errors = [{"file": e.file, "row": e.row, "field": e.field, "reason": e.reason}
                  for e in exc.errors]
        return Problem(422, str(exc), field or exc.errors[0].field, errors)
    if isinstance(exc, ParameterError):
        errors = [{"file": None, "row": None, "field": name, "reason": reason}
                  for name, reason in exc.problems]
        return Problem(422, str(exc), field, errors if len(errors) > 1 else [])
    if isinstance(exc, NotFoundError):
        return Problem(422 if field else 404, str(exc), field)
    if isinstance(exc, StoreError):
        return Problem(503, str(exc), field)
    return Problem(422, str(exc), field)


UNION_TAGS = {"str", "int", "float", "bool", "dict", "list", "none"}


def _location(loc: tuple) -> str:
    """``("query", "limit")`` → ``limit``; ``("body", "names", 2, "name")`` → ``names[2].name``."""
    # drop the request part and the union-member tags pydantic adds (``ScreenName``, ``str``)
    parts = [str(p) for p in loc if p not in ("query", "body", "path", "header", "cookie")
             and not (isinstance(p, str) and (p[:1].isupper() or p in UNION_TAGS))]
    text = ""
    for part in parts:
        text += f"[{part}]" if part.isdigit() else (f".{part}" if text else part)
    return text or "body"


async def _validation_handler(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = [{"file": None, "row": None, "field": _location(tuple(e.get("loc", ()))),
               "reason": e.get("msg", "invalid")} for e in exc.errors()]
    detail = "; ".join(f"{e['field']}: {e['reason']}" for e in errors[:5])
    return problem_response(Problem(422, detail, errors[0]["field"] if errors else None, errors),
                            request.url.path, request)


async def _problem_handler(request: Request, exc: ProblemError) -> JSONResponse:
    return problem_response(exc.problem, request.url.path, request)


async def _library_handler(request: Request, exc: PaxsilicaError) -> JSONResponse:
    return problem_response(problem_from_error(exc), request.url.path, request)


async def _http_handler(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    detail = exc.detail if isinstance(exc.detail, str) else TITLES.get(exc.status_code, "Error")
    return problem_response(Problem(exc.status_code, detail, headers=dict(exc.headers or {})),
                            request.url.path, request)


def install_handlers(app: object) -> None:
    """Answer every error of ``app`` (a FastAPI app) with problem+json."""
    app.add_exception_handler(RequestValidationError, _validation_handler)  # type: ignore[attr-defined]
    app.add_exception_handler(ProblemError, _problem_handler)  # type: ignore[attr-defined]
    app.add_exception_handler(PaxsilicaError, _library_handler)  # type: ignore[attr-defined]
    app.add_exception_handler(StarletteHTTPException, _http_handler)  # type: ignore[attr-defined]
