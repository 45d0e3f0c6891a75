"""Criticality of raw materials: computed from input files (EU CRM or USGS 2021), or the
European Commission's published 2017 results.

Example:
    >>> table = answer_published_criticality(PublishedCriticalityRequest(critical=True))
    >>> bool(table["critical_2017"].all())
    True
    >>> CriticalityRequest(materials="m.csv", uses="u.csv")
    Traceback (most recent call last):
    ...
    paxsilica.errors.ParameterError: uses and sectors go together; give both or neither
"""

from __future__ import annotations

from pathlib import Path
from typing import Self

import pandas as pd
from pydantic import ValidationInfo, model_validator

from paxsilica.analytics.criticality import criticality, published_eu_crm_2017
from paxsilica.errors import ParameterError
from paxsilica.requests.base import Number, Request, StrictBool
from paxsilica.requests.choices import Method

__all__ = ["CriticalityRequest", "Method", "PublishedCriticalityRequest", "answer_criticality",
           "answer_published_criticality"]


class CriticalityRequest(Request):
    """``paxsilica criticality``: the method and its input files (on this machine)."""

    materials: Path
    """MATERIALS file (columns depend on the method, see docs/criticality.md)."""
    method: Method = Method.eu_crm
    uses: Path | None = None
    """eu-crm: USES file ``material,sector,share`` (with ``sectors``: compute EI)."""
    sectors: Path | None = None
    """eu-crm: SECTORS file ``sector,value_added``."""
    shares: Path | None = None
    """eu-crm: SHARES file ``material,scope,country,share,wgi[,t]`` (compute HHIs)."""
    threshold: Number | None = None
    """usgs-2021: flag ``supply_risk`` at or above this as critical."""

    @model_validator(mode="after")
    def _rules(self, info: ValidationInfo) -> Self:
        if info.context is not None and not info.context.get("local_files", True):
            raise ParameterError("criticality reads input files on this machine; a remote "
                                 "request cannot name them", field="materials")
        if self.method is Method.eu_crm and (self.uses is None) != (self.sectors is None):
            raise ParameterError("uses and sectors go together; give both or neither",
                                 field="sectors" if self.sectors is None else "uses")
        return self


def answer_criticality(request: CriticalityRequest) -> pd.DataFrame:
    """The criticality table (see :func:`~paxsilica.analytics.criticality.criticality`);
    ``attrs["title"]``.

    Raises:
        ValidationError: every bad cell of a file (file, row, field).
    """
    table = criticality(request.materials, method=request.method.value, uses=request.uses,
                        sectors=request.sectors, shares=request.shares,
                        threshold=request.threshold)
    table.attrs["title"] = ("USGS 2021 supply risk" if request.method is Method.usgs_2021
                            else "EU CRM criticality")
    return table


class PublishedCriticalityRequest(Request):
    """``GET /api/v1/criticality``: the published 2017 EU CRM results."""

    critical: StrictBool | None = None
    """Only the materials on (True) or off (False) the 2017 list; default all."""


def answer_published_criticality(request: PublishedCriticalityRequest) -> pd.DataFrame:
    """The European Commission's published 2017 CRM results (cited), filtered."""
    frame = published_eu_crm_2017()
    if request.critical is not None:
        frame = frame[frame["critical_2017"] == request.critical]
    return frame
