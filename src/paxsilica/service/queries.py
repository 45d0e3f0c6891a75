"""JSON-ready records of the network's tables for the read routes.

The questions (exposure, chokepoints, criticality) are answered by
:mod:`paxsilica.requests`; this module only shapes tables as the CLI's ``--format json``
prints them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from datetime import date

import pandas as pd

from paxsilica.io.records import json_records, rounded
from paxsilica.model.country import country_name, is_country
from paxsilica.model.network import StackNetwork
from paxsilica.requests.base import check_names
from paxsilica.requests.criticality import PublishedCriticalityRequest, answer_published_criticality
from paxsilica.requests.exposure import ExposureRequest, answer_exposure

__all__ = ["check_exposure", "country_records", "criticality_records", "exposure_job", "records",
           "source_records", "table_records"]


def records(frame: pd.DataFrame) -> list[dict]:
    """Rows as JSON-ready dicts, exactly as ``--format json`` prints them (numbers rounded
    as the CLI rounds them, NaN → null, dates as ISO text, numpy scalars as numbers)."""
    return json_records(rounded(frame))


def table_records(frame: pd.DataFrame) -> list[dict]:
    """A network table (items, groups, memberships) as records."""
    return records(frame.reset_index(drop=True))


def country_records(net: StackNetwork, as_of: date | None) -> list[dict]:
    """Every country or region in the supplies and memberships, with its name, whether it is a
    country, and the groups it belongs to on ``as_of`` (default today)."""
    day = as_of or date.today()
    codes = sorted(set(net.supplies["country"].dropna()) | set(net.memberships["country"].dropna()))
    members = {group: net.members(group, day) for group in net.groups["group_id"]}
    rows = [{"country": code, "name": country_name(code), "is_country": is_country(code),
             "groups": [group for group, found in members.items() if code in found],
             "as_of": day.isoformat()} for code in codes]
    return rows


def source_tables(net: StackNetwork) -> list[str]:
    """Every table of the network whose rows cite a source (item parameters, cables,
    vendor shares … as well as supplies): the list follows the network's tables, so a new
    cited table is listed without an edit here."""
    return [spec.name for spec in fields(net)
            if isinstance(getattr(net, spec.name), pd.DataFrame) and "source" in getattr(net, spec.name).columns]


def source_records(net: StackNetwork) -> list[dict]:
    """Every cited source: title, URL, the tables citing it, how many rows, their confidence
    levels and bases."""
    frames = []
    for name in source_tables(net):
        frame = getattr(net, name)
        columns = [c for c in ("source", "source_url", "confidence", "basis") if c in frame.columns]
        frames.append(frame[columns].assign(table=name))
    cited = pd.concat(frames, ignore_index=True).dropna(subset=["source"])
    rows = []
    for source, group in cited.groupby("source", sort=True):
        urls = sorted(set(group["source_url"].dropna()))
        rows.append({"source": source, "source_url": urls[0] if urls else None,
                     "tables": sorted(set(group["table"])), "rows": len(group),
                     "confidence": sorted(set(group["confidence"].dropna())),
                     "basis": sorted(set(group["basis"].dropna()))})
    return rows


def criticality_records(critical: bool | None) -> list[dict]:
    """The European Commission's published 2017 CRM results (cited), optionally only the
    materials on (``True``) or off (``False``) the 2017 list."""
    request = PublishedCriticalityRequest.parse(critical=critical, local_files=False)
    return records(answer_published_criticality(request).reset_index(drop=True))


def check_exposure(net: StackNetwork, request: ExposureRequest) -> ExposureRequest:
    """The ``exposure`` job's check at the door: every name known to the network."""
    check_names(net, item=request.item, stage=request.stage, group=request.group,
                concern=request.concern)
    return request


def exposure_job(net: StackNetwork, request: ExposureRequest,
                 progress: Callable[[float], None] | None = None) -> list[dict]:
    """The ``exposure`` job: what ``GET /api/v1/exposure`` answers for the same request."""
    del progress  # one step
    return records(answer_exposure(net, request))
