"""The FastAPI application: ``create_app(config)`` wires state, limits, routes and the dashboard.

Example:
    >>> from fastapi.testclient import TestClient
    >>> with TestClient(create_app(ServiceConfig())) as client:
    ...     client.get("/healthz").json()["status"]
    'ok'
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from paxsilica._version import __version__
from paxsilica.service import api_admin, api_certify, api_jobs, api_read, ui
from paxsilica.service.jobs import JobRunner
from paxsilica.service.limits import BodyLimitMiddleware, TokenBuckets
from paxsilica.service.problems import install_handlers
from paxsilica.service.responses import JSON
from paxsilica.service.state import ServiceConfig, ServiceState

__all__ = ["SWAGGER_UI", "ServiceConfig", "create_app"]

SWAGGER_UI = "5.36.0"
"""Version of the Swagger UI files vendored in ``static/vendor`` (see its README.md): /docs
is served from them, so it works without a network."""

DESCRIPTION = """\
The paxsilica library over HTTP: exposure and the network's tables, screening,
certification and verification, simulations and plans as jobs.

Send `Authorization: Bearer TOKEN` (create a token with `paxsilica tokens add NAME
--role reader|analyst|certifier|admin`). Roles: reader (read and verify) < analyst
(+ screen, simulate, plan) < certifier (+ certify) < admin (+ imports and tokens).
Errors are RFC 9457 `application/problem+json` with `field` (and `errors`, each
with file, row, field and reason). Lists answer `{total, limit, offset, results}`.
"""

PROBLEM_SCHEMA = {
    "type": "object", "required": ["type", "title", "status", "detail"],
    "properties": {"type": {"type": "string"}, "title": {"type": "string"},
                   "status": {"type": "integer"}, "detail": {"type": "string"},
                   "instance": {"type": "string"}, "field": {"type": "string"},
                   "errors": {"type": "array", "items": {"type": "object"}}},
    "example": {"type": "about:blank", "title": "Unprocessable content", "status": 422,
                "detail": "bom.csv row 3, field 'quantity': not a number: 'x'",
                "instance": "/api/v1/certify", "field": "quantity",
                "errors": [{"file": "bom.csv", "row": 3, "field": "quantity",
                            "reason": "not a number: 'x'"}]}}


def _openapi(app: FastAPI) -> dict:
    """The schema: each route documents the problems it can give (see
    :func:`~paxsilica.service.responses.problems`); the Problem schema is added here, and
    FastAPI's own 422 schema (which the problem handler replaces) is taken out."""
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(title="paxsilica", version=__version__, description=DESCRIPTION,
                         routes=app.routes)
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["Problem"] = PROBLEM_SCHEMA
    for name in ("HTTPValidationError", "ValidationError"):
        components.pop(name, None)
    problem = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            answer = operation.get("responses", {}).get("422")
            if answer is not None:
                answer["content"] = problem
    app.openapi_schema = schema
    return schema


def create_app(config: ServiceConfig) -> FastAPI:
    """The service over the store named in ``config`` (opened when the app starts)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        state = ServiceState(config)
        app.state.service = state
        app.state.jobs = JobRunner(state)
        app.state.buckets = TokenBuckets(config.rate_limit.rate, config.rate_limit.burst)
        try:
            yield
        finally:
            app.state.jobs.close()
            state.close()

    app = FastAPI(title="paxsilica", version=__version__, description=DESCRIPTION,
                  lifespan=lifespan, docs_url=None, redoc_url=None, default_response_class=JSON)
    install_handlers(app)
    ui.install_ui_handlers(app)
    app.add_middleware(BodyLimitMiddleware, max_bytes=config.max_upload_bytes,
                       json_bytes=config.max_json_bytes, body_timeout=config.body_timeout)

    @app.get("/healthz", tags=["service"], operation_id="get_health",
             summary="Liveness: 200 while the service runs")
    def healthz() -> JSON:
        """``{"status": "ok", "version"}`` while the service runs (no token needed)."""
        return JSON({"status": "ok", "version": __version__})

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json", title="paxsilica API",
            swagger_js_url=f"/static/vendor/swagger-ui-bundle-{SWAGGER_UI}.js",
            swagger_css_url=f"/static/vendor/swagger-ui-{SWAGGER_UI}.css",
            swagger_favicon_url="data:,",  # no request for an icon
            swagger_ui_parameters={"validatorUrl": None, "persistAuthorization": False})

    for module in (api_read, api_certify, api_jobs, api_admin, ui):
        app.include_router(module.router)
    static = resources.files("paxsilica.service").joinpath("static")
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app
