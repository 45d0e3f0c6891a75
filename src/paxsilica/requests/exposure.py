"""Exposure: who supplies each item, how concentrated, how much from countries of concern,
how much the coalition covers: direct shares or through all recipe tiers.

Example:
    >>> from paxsilica.store import open_store
    >>> from paxsilica.model.network import StackNetwork
    >>> net = StackNetwork.from_store(open_store(":memory:"))
    >>> table = answer_exposure(net, ExposureRequest(item="rare_earth_oxide", stage="mine",
    ...                                             year=2024))
    >>> table.loc[table["country"] == "CHN", "share"].round(3).tolist()
    [0.685]
    >>> try:
    ...     ExposureRequest(tiers="all", year=2024)
    ... except ParameterError as exc:
    ...     print(exc.field)
    year
"""

from __future__ import annotations

from datetime import date
from typing import Self

import pandas as pd
from pydantic import model_validator

from paxsilica.analytics.exposure import (
    exposure,
    exposure_change,
    exposure_summary,
    origin_dependence,
    unlocated_items,
)
from paxsilica.errors import ParameterError
from paxsilica.io.records import EXPOSURE_JSON_KEYS, ordered_columns
from paxsilica.model.network import StackNetwork
from paxsilica.requests.base import (
    Day,
    Name,
    Request,
    StrictBool,
    Year,
    check_names,
    item_choice_note,
    with_notes,
)
from paxsilica.requests.choices import Mode, Tiers

__all__ = ["ExposureRequest", "Mode", "Tiers", "answer_exposure"]


class ExposureRequest(Request):
    """``paxsilica exposure`` / ``GET /api/v1/exposure``: every option of the question."""

    item: Name | None = None
    """Item id or alias (default every item)."""
    stage: Name | None = None
    group: Name = "pax_silica"
    """Group whose coverage to report."""
    concern: Name = "countries_of_concern"
    """Group of countries of concern."""
    as_of: Day | None = None
    """Membership (and data) date; default today."""
    year: Year | None = None
    """Only this data year (direct tiers)."""
    latest: StrictBool = False
    """Only the latest non-projection year per item."""
    summary: StrictBool = False
    """One row per item, stage and year (all tiers: the world-supply row of each item)."""
    compare: Day | None = None
    """Coverage change from this date to ``as_of`` (direct tiers)."""
    tiers: Tiers = Tiers.direct
    mode: Mode | None = None
    """All tiers only (default essential)."""
    by_country: StrictBool = False
    """All tiers only: dependence of each item's world supply on each origin country."""

    @model_validator(mode="after")
    def _rules(self) -> Self:
        if self.tiers is Tiers.all:
            if self.year is not None:
                raise ParameterError("year does not apply to tiers=all: each item uses its "
                                     "latest non-projection year on or before as_of",
                                     field="year")
            if self.compare is not None:
                raise ParameterError("compare works with tiers=direct only; for all tiers ask "
                                     "once per as_of date", field="compare")
        elif self.mode is not None or self.by_country:
            raise ParameterError("mode and by_country need tiers=all",
                                 field="mode" if self.mode is not None else "by_country")
        return self

    @property
    def day(self) -> date:
        """``as_of`` or today."""
        return self.as_of or date.today()


def _unlocated_note(unlocated: pd.DataFrame, group: str) -> str | None:
    """One line naming the items whose own output the data do not locate (or None)."""
    if unlocated.empty:
        return None
    names = [f"{i} ({s:.0%} unlocated)" for i, s in
             zip(unlocated["item"], unlocated["unlocated_share"], strict=True)]
    listed = ", ".join(names[:8]) + (f" and {len(names) - 8} more" if len(names) > 8 else "")
    return (f"note: no cited producing country for the own output of {listed}: "
            "unattributed_share counts that part as at risk and coalition_share as lost; "
            f"coalition_share_max assumes it is made inside {group}. by_country lists the "
            "countries reached through the located inputs.")


def _all_tiers(net: StackNetwork, request: ExposureRequest) -> tuple[pd.DataFrame, str, str | None]:
    # loaded here: direct shares (the common, quick question) need neither
    from paxsilica.analytics.multitier import multitier_exposure
    from paxsilica.analytics.network import sourcing_basis

    day, mode = request.day, (request.mode or Mode.essential).value
    selection = {"group": request.group, "concern": request.concern, "as_of": day,
                 "item": request.item, "stage": request.stage, "mode": mode}
    table = multitier_exposure(net, **selection)
    basis = f"{mode} mode, all tiers, as of {day}; sourcing: {sourcing_basis(net.trade_flows, day)}"
    note = _unlocated_note(unlocated_items(table), request.group)
    if request.by_country:
        return (origin_dependence(net, **selection),
                f"Dependence on each origin country alone ({basis})", note)
    if request.summary:
        table = table[(table["role"] == "market") & (table["country"] == "WLD")]
    return table, f"Multi-tier exposure ({basis})", note


def answer_exposure(net: StackNetwork, request: ExposureRequest) -> pd.DataFrame:
    """The exposure table the request asks for, as ``--format json`` prints it (the
    parameters used as columns); ``attrs["title"]`` and ``attrs["notes"]`` for printing.

    Raises:
        NotFoundError: an unknown item, stage, group or concern (``field`` names it).
    """
    check_names(net, item=request.item, stage=request.stage, group=request.group,
                concern=request.concern)
    notes = [item_choice_note(net, request.item, request.stage)] if request.item else []
    if request.tiers is Tiers.all:
        table, title, note = _all_tiers(net, request)
        return with_notes(table.reset_index(drop=True), title, [*notes, note])
    selection = {"item": request.item, "stage": request.stage, "year": request.year,
                 "latest": request.latest}
    if request.compare is not None:
        table = exposure_change(net, request.compare, request.day, group=request.group,
                                **selection)
        return with_notes(table, f"Coverage change {request.compare} → "
                                 f"{request.as_of or 'today'}", notes)
    if request.summary:
        table = exposure_summary(net, group=request.group, concern=request.concern,
                                 as_of=request.as_of, **selection)
        return with_notes(table, "Exposure summary", notes)
    table = exposure(net, group=request.group, concern=request.concern, as_of=request.as_of,
                     **selection)
    at = table.columns.get_loc("is_concern") + 1  # the parameters used, as columns
    table.insert(at, "as_of", table.attrs["as_of"])
    table.insert(at + 1, "group", request.group)
    title = f"Exposure as of {table.attrs['as_of']} ({request.group})"
    return with_notes(table[ordered_columns(table, EXPOSURE_JSON_KEYS)], title, notes)
