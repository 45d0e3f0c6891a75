"""The roles of access tokens, in order: each has the rights of those before it.

Light (no store, no web framework), so that ``paxsilica tokens --help`` can name them.

>>> role_allows("analyst", "reader"), role_allows("analyst", "certifier")
(True, False)
"""

from __future__ import annotations

__all__ = ["ROLES", "role_allows"]

ROLES = ("reader", "analyst", "certifier", "admin")
"""``reader`` (read and verify) < ``analyst`` (+ screen, simulate, plan) < ``certifier``
(+ certify) < ``admin`` (+ imports and tokens)."""


def role_allows(role: str, needed: str) -> bool:
    """True when ``role`` is ``needed`` or above it."""
    return ROLES.index(role) >= ROLES.index(needed)
