"""The HTTP service and web dashboard over the library (``paxsilica serve``).

:func:`create_app` builds the FastAPI application from a :class:`ServiceConfig`;
routes only parse requests and call library functions (see ``docs/service.md``).
Names load on first use, so that ``paxsilica.service.roles`` can be imported without the
web framework.
"""

from __future__ import annotations

from importlib import import_module

NAMES: dict[str, str] = {
    "create_app": "paxsilica.service.app",
    "RateLimit": "paxsilica.service.state",
    "ServiceConfig": "paxsilica.service.state",
}
"""Public name -> the module that defines it."""

__all__ = sorted(NAMES)


def __getattr__(name: str) -> object:
    if name not in NAMES:
        raise AttributeError(f"module 'paxsilica.service' has no attribute {name!r}")
    value = getattr(import_module(NAMES[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(NAMES))
