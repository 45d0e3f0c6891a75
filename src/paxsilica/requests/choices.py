"""The enumerations of request fields (modes, methods, formats), with nothing heavy to
import: front ends declare their options with them (``paxsilica exposure --help`` shows
the choices of :class:`Tiers` without loading pandas), and the request modules use the
same classes, so a choice is declared once.

>>> [tier.value for tier in Tiers], CostMethod("shapley").value
(['direct', 'all'], 'shapley')
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["CostMethod", "Method", "Mode", "Tiers"]


class Tiers(StrEnum):
    """Direct shares, or embodied shares through all recipe tiers."""

    direct = "direct"
    all = "all"


class Mode(StrEnum):
    """How all-tier shares combine inputs: essential (Leontief: the scarcest essential
    input) or weighted (linear, all inputs)."""

    essential = "essential"
    weighted = "weighted"


class Method(StrEnum):
    """Criticality method."""

    eu_crm = "eu-crm"
    usgs_2021 = "usgs-2021"


class CostMethod(StrEnum):
    """How a plan's joint costs are shared."""

    partners = "partners"
    benefit = "benefit"
    shapley = "shapley"
