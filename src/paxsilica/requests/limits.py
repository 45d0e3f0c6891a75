"""Every limit on what a front end may ask, declared once (the request models enforce them).

The CLI, the service and the dashboard build the same request models, so a limit here
holds at every door; a scenario or problem object cannot bypass it (the simulate request
checks the scenario's own ``days`` against :data:`MAX_DAYS`).

>>> MAX_DAYS, MAX_ENSEMBLE_MEMBERS
(3650, 10000)
"""

from __future__ import annotations

__all__ = [
    "MAX_BODY_BYTES",
    "MAX_DAYS",
    "MAX_ENSEMBLE_MEMBERS",
    "MAX_EVENTS",
    "MAX_JOBS_QUEUED_PER_USER",
    "MAX_LISTS",
    "MAX_NAMES",
    "MAX_NAME_CHARS",
    "MAX_OWNERSHIP_LINKS",
    "MAX_SCREEN_NAME_CHARS",
    "MAX_TEXT_CHARS",
    "MAX_TIME_LIMIT_SECONDS",
    "MAX_TOP",
    "MAX_WORKERS",
    "MAX_YEAR",
    "MIN_YEAR",
]

MAX_NAME_CHARS = 200
"""An identifier (item, stage, group, country, list, rule pack, scenario name): characters."""
MAX_SCREEN_NAME_CHARS = 1000
"""A name to screen or an ownership party: characters (screening memory grows with the
square of a name's length)."""
MAX_TEXT_CHARS = 2000
"""Free text (a certificate's subject, identifiers): characters."""
MAX_NAMES = 1000
"""Names in one screening request."""
MAX_LISTS = 50
"""Restricted-party lists in one screening or certification."""
MAX_OWNERSHIP_LINKS = 100_000
"""Ownership links sent with one request."""
MAX_TOP = 1000
"""Rows per end item of a chokepoint ranking."""
MIN_YEAR, MAX_YEAR = 1900, 2200
"""Data years a request may name."""
MAX_DAYS = 3650
"""Days (steps) of one simulation: ten years of daily steps."""
MAX_EVENTS = 10_000
"""Events in one scenario."""
MAX_ENSEMBLE_MEMBERS = 10_000
"""Members of one ensemble."""
MAX_WORKERS = 64
"""Workers of a local Dask cluster."""
MAX_TIME_LIMIT_SECONDS = 3600.0
"""A solver's time limit."""
MAX_BODY_BYTES = 32 * 1024 * 1024
"""Default request body (uploads included) the service accepts: bytes."""
MAX_JOBS_QUEUED_PER_USER = 20
"""Jobs one token may have queued or running at once."""
