"""Property tests against the OpenAPI schema: no generated request gets a server error.

Schemathesis generates requests (valid and invalid) for every operation from
``/openapi.json``; they are sent with an admin token so they reach past the access
checks. Bounded: a few examples per operation keep the suite fast.
"""

from __future__ import annotations

import atexit
import secrets

import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings

from paxsilica.service import RateLimit, ServiceConfig, create_app
from paxsilica.service.access import add_token

app = create_app(ServiceConfig(rate_limit=RateLimit(rate=10_000, burst=10_000), max_upload_bytes=256 * 1024))
_client = TestClient(app)
_client.__enter__()  # runs the lifespan: store, jobs, limits
atexit.register(_client.__exit__, None, None, None)
ADMIN = add_token(app.state.service.store, f"schemathesis-{secrets.token_hex(8)}", "admin", who="test")
NOT_INSTALLED = {"/api/v1/simulate", "/api/v1/plan", "/api/v1/jobs"}  # 501 until the library has them

schema = schemathesis.openapi.from_asgi("/openapi.json", app)


@schema.parametrize()
@settings(max_examples=8, deadline=None, database=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_no_server_error(case):
    response = case.call(headers={"Authorization": f"Bearer {ADMIN}"})
    status = response.status_code
    assert status < 500 or (status == 501 and case.path in NOT_INSTALLED), (
        f"{case.method} {case.formatted_path} -> {status}: {response.text[:500]}")
    if status >= 400 and case.path.startswith("/api/"):
        kind = response.headers.get("content-type")
        assert (kind[0] if isinstance(kind, list) else kind) == "application/problem+json"
        assert response.json()["status"] == status
