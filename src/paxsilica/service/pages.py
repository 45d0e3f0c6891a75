"""What every dashboard page shares: the templates, rendering, the signed-in user.

Pages are server-rendered Jinja2; :func:`render` passes the user, a role check ``can`` and
the path to every template. :func:`user` is the dependency a page names to need a role.
"""

from __future__ import annotations

from typing import Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape

from paxsilica.service.access import Principal, role_allows
from paxsilica.service.problems import ProblemError
from paxsilica.service.security import principal

__all__ = ["LoginRequiredError", "render", "short_id", "templates", "user"]

templates = Environment(loader=PackageLoader("paxsilica.service", "templates"),
                        autoescape=select_autoescape(["html", "j2"]))


def short_id(job_id: str) -> str:
    """The first 8 characters of a run's id (the whole id stays in the page's links).

    >>> short_id("0123456789abcdef0123456789abcdef")
    '01234567'
    """
    return job_id[:8]


templates.filters["short_id"] = short_id
# rows embedded for download keep their columns' order (region, sector, … not alphabetical)
templates.policies["json.dumps_kwargs"] = {"sort_keys": False}


class LoginRequiredError(Exception):
    """The dashboard was opened without a valid session."""


def render(request: Request, name: str, status: int = 200, headers: dict[str, str] | None = None,
           **context: object) -> HTMLResponse:
    """The template ``name`` rendered for the signed-in user (if any)."""
    found = getattr(request.state, "principal", None)
    text = templates.get_template(name).render(
        user=found, can=lambda role: found is not None and role_allows(found.role, role),
        path=request.url.path, **context)
    return HTMLResponse(text, status_code=status, headers=headers)


def user(role: str) -> Any:  # a FastAPI Depends marker
    """The signed-in user (cookie), at least ``role``; else the sign-in page or a 403 page."""

    def dependency(request: Request) -> Principal:
        try:
            found = principal(request, None)
        except ProblemError as exc:
            if exc.problem.status == 401:
                raise LoginRequiredError from None
            raise
        if not role_allows(found.role, role):
            raise ProblemError(403, f"your token {found.name!r} has role {found.role!r}; this page "
                                    f"needs {role!r} or above")
        return found

    return Depends(dependency)
