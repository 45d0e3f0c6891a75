"""Export-control measures (licence requirements, bans, suspensions) with dates.

Example:
    >>> m = ExportControl(measure_id="CN-X-1", issuer="CHN", announced="2023-07-03",
    ...                   effective="2023-08-01", items="gallium", kind="licence_requirement",
    ...                   source="MOFCOM No. 23", confidence="high")
    >>> m.targets
    ['all']
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from paxsilica.model.provenance import Cited, CountryCode, IdList

__all__ = ["ExportControl"]


class ExportControl(Cited):
    """One measure; ``item_ids`` links it to catalogue items (our mapping of ``items``)."""

    measure_id: str = Field(min_length=1)
    issuer: CountryCode
    announced: date
    effective: date
    suspended_from: date | None = None
    suspended_until: date | None = None
    items: str = Field(min_length=1, description="The measure's own description of items")
    item_ids: IdList = Field(default_factory=list)
    targets: IdList = Field(default_factory=lambda: ["all"], description="'all' or ISO3 codes")
    kind: Literal[
        "licence_requirement", "ban", "technology_ban", "extraterritorial", "suspension", "quota"
    ]
