"""The HTTP service and web dashboard over the library (``paxsilica serve``).

:func:`create_app` builds the FastAPI application from a :class:`ServiceConfig`;
routes only parse requests and call library functions (see ``docs/service.md``).
Names load on first use, so that ``paxsilica.service.roles`` can be imported without the
web framework.
"""

from __future__ import annotations

from paxsilica._lazy import lazy_names

NAMES: dict[str, str] = {
    "create_app": "paxsilica.service.app",
    "RateLimit": "paxsilica.service.state",
    "ServiceConfig": "paxsilica.service.state",
}
"""Public name -> the module that defines it."""

__all__ = sorted(NAMES)

__getattr__, __dir__ = lazy_names(__name__, NAMES)
