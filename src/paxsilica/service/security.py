"""Who is asking: ``Authorization: Bearer TOKEN`` (or the dashboard's session cookie), and
whether their role may do what they ask (401 without a known token, 403 below the role).

The dashboard keeps the token in an HttpOnly, SameSite=Strict cookie; a cookie-carried
request that changes something must also come from the service's own origin.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from paxsilica.service.access import ROLES, Principal, principal_for, role_allows
from paxsilica.service.problems import ProblemError
from paxsilica.service.state import ServiceState

__all__ = ["COOKIE", "bearer", "charge", "get_state", "principal", "rate_limited", "require"]

COOKIE = "paxsilica_token"
bearer = HTTPBearer(auto_error=False, scheme_name="bearerAuth",
                    description="An access token from 'paxsilica tokens add NAME --role ROLE'. "
                                f"Roles, each with the rights of those before it: {', '.join(ROLES)}.")
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def get_state(request: Request) -> ServiceState:
    """The service's state (set on ``app.state.service`` by ``create_app``)."""
    return request.app.state.service


def _same_origin(request: Request) -> bool:
    origin = request.headers.get("origin")
    if origin is None:  # browsers send Origin on cross-site POSTs; SameSite already held the cookie
        return True
    return origin.split("://", 1)[-1] == request.headers.get("host")


def principal(request: Request,
              credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> Principal:
    """The caller's token name and role; 401 when the token is missing, unknown or revoked."""
    token = credentials.credentials if credentials else None
    from_cookie = token is None and COOKIE in request.cookies
    if from_cookie:
        token = request.cookies[COOKIE]
        if request.method not in SAFE_METHODS and not _same_origin(request):
            raise ProblemError(403, "cross-origin request with the dashboard's cookie refused",
                               "Origin")
    if not token:
        raise ProblemError(401, "no access token: send 'Authorization: Bearer TOKEN' (create one "
                                "with 'paxsilica tokens add NAME --role ROLE')", "Authorization",
                           headers={"WWW-Authenticate": "Bearer"})
    found = get_state(request).principal(token, principal_for)
    if found is None:
        raise ProblemError(401, "unknown or revoked access token", "Authorization",
                           headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
    request.state.principal = found
    return found


def require(role: str) -> Callable[..., Principal]:
    """A dependency that lets ``role`` and the roles above it through (403 otherwise)."""

    def check(found: Principal = Depends(principal)) -> Principal:
        if not role_allows(found.role, role):
            raise ProblemError(403, f"token {found.name!r} has role {found.role!r}; this needs "
                                    f"{role!r} or above", "Authorization")
        return found

    check.__name__ = f"require_{role}"
    return check


def charge(request: Request, found: Principal) -> None:
    """Take one expensive request from the token's bucket; 429 when it is empty."""
    wait = request.app.state.buckets.take(found.name)
    if wait is not None:
        raise ProblemError(429, f"rate limit of token {found.name!r} reached; retry in "
                                f"{wait:.1f} s", headers={"Retry-After": str(max(1, round(wait + 0.5)))})


def rate_limited(role: str) -> Callable[..., Principal]:
    """:func:`require` plus the per-token rate limit of expensive routes (429 when spent)."""
    allowed = require(role)

    def check(request: Request, found: Principal = Depends(allowed)) -> Principal:
        charge(request, found)
        return found

    check.__name__ = f"rate_limited_{role}"
    return check
