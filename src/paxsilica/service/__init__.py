"""The HTTP service and web dashboard over the library (``paxsilica serve``).

:func:`create_app` builds the FastAPI application from a :class:`ServiceConfig`;
routes only parse requests and call library functions (see ``docs/service.md``).
"""

from paxsilica.service.app import create_app
from paxsilica.service.state import RateLimit, ServiceConfig

__all__ = ["RateLimit", "ServiceConfig", "create_app"]
