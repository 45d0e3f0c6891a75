"""Property tests against the OpenAPI schema: no generated request gets a server error,
and every answer is one the document promises.

Schemathesis generates requests (valid and invalid) for every operation from
``/openapi.json``; they are sent with an admin token so they reach past the access
checks. Each answer's status must be documented for its operation, its content type too,
and its body must match the documented schema (typed rows, problems). Bounded: a few
examples per operation keep the suite fast.
"""

from __future__ import annotations

import secrets

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from paxsilica.service import RateLimit, ServiceConfig, create_app
from paxsilica.service.access import add_token

# Loading the schema needs only the app; the store and jobs start in the fixture below.
app = create_app(ServiceConfig(rate_limit=RateLimit(rate=10_000, burst=10_000), max_upload_bytes=256 * 1024))
schema = schemathesis.openapi.from_asgi("/openapi.json", app)


@pytest.fixture(scope="module")
def started():
    """The app started (store, jobs, limits) for the module, and an admin token."""
    with TestClient(app):
        token = add_token(app.state.service.store, f"schemathesis-{secrets.token_hex(8)}", "admin", who="test")
        yield app, token


@schema.parametrize()
@settings(max_examples=8, deadline=None, database=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_no_server_error(case, started):
    response = case.call(headers={"Authorization": f"Bearer {started[1]}"})
    status = response.status_code
    assert status < 500, (
        f"{case.method} {case.formatted_path} -> {status}: {response.text[:500]}")
    if status >= 400 and case.path.startswith("/api/"):
        kind = response.headers.get("content-type")
        assert (kind[0] if isinstance(kind, list) else kind) == "application/problem+json"
        assert response.json()["status"] == status
    case.validate_response(response, checks=[status_code_conformance, content_type_conformance,
                                             response_schema_conformance],
                           headers={"Authorization": f"Bearer {started[1]}"})
