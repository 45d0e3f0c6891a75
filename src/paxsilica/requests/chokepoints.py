"""Chokepoints: the producers and supply links whose loss cuts most of an end item's supply.

Example:
    >>> from paxsilica.store import open_store
    >>> from paxsilica.model.network import StackNetwork
    >>> net = StackNetwork.from_store(open_store(":memory:"))
    >>> table = answer_chokepoints(net, ChokepointsRequest(item=["ai_accelerator"], top=2))
    >>> table["end_item"].unique().tolist(), int(table["rank"].max())
    (['gpu_accelerator'], 2)
    >>> ChokepointsRequest(top=0)
    Traceback (most recent call last):
    ...
    paxsilica.errors.ParameterError: top: Input should be greater than or equal to 1
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated

import pandas as pd
from pydantic import Field, StrictInt

from paxsilica.analytics.chokepoints import chokepoints
from paxsilica.analytics.network import sourcing_network
from paxsilica.model.network import StackNetwork, end_items
from paxsilica.requests.base import Day, Name, Request, StrictBool, check_names, item_choice_note, with_notes
from paxsilica.requests.exposure import Mode
from paxsilica.requests.limits import MAX_TOP

__all__ = ["ChokepointsRequest", "answer_chokepoints"]

Progress = Callable[[int, int | None, str], None]
"""``progress(done, total, what)``: total ``None`` while the size is not known yet."""


class ChokepointsRequest(Request):
    """``paxsilica chokepoints`` / ``GET /api/v1/chokepoints``."""

    item: Annotated[list[Name], Field(max_length=100)] | None = None
    """End items (ids or aliases); default the tops of the recipe tree."""
    top: Annotated[StrictInt, Field(ge=1, le=MAX_TOP)] = 10
    """Rows per end item."""
    mode: Mode = Mode.essential
    as_of: Day | None = None
    """Data date; default today."""
    nodes_only: StrictBool = False
    """Leave out supply links."""

    @property
    def day(self) -> date:
        return self.as_of or date.today()


def answer_chokepoints(net: StackNetwork, request: ChokepointsRequest, *,
                       progress: Progress | None = None) -> pd.DataFrame:
    """The ranking (as ``--format json`` prints it); ``attrs["title"]``, ``attrs["notes"]``
    (end items nothing upstream cuts), ``attrs["end_items"]`` (the items ranked).

    Raises:
        NotFoundError: an unknown item (``field`` ``item``).
    """
    check_names(net, item=request.item)
    notes: list[str | None] = []
    if request.item:
        wanted = []
        for name in request.item:
            wanted.extend(net.resolve_items(name))
            notes.append(item_choice_note(net, name))
    else:
        wanted = end_items(net)
    if progress is not None:
        progress(0, None, f"building the sourcing network ({len(net.trade_flows):,} trade rows)")
    snet = sourcing_network(net, as_of=request.day)  # the network's stored trade flows

    def told(done: int, total: int, end_item: str) -> None:
        if progress is not None:
            progress(done, total, f"upstream nodes extracted (now {end_item})")

    table = chokepoints(net, end_item=wanted, top=request.top, as_of=request.day,
                        mode=request.mode.value, links=not request.nodes_only, snet=snet,
                        progress=told)
    found = set(table["end_item"])
    notes += [f"note: {name}: no located producer upstream loses any of its supply or lies "
              "on a path to it" for name in wanted if name not in found]
    title = f"Chokepoints ({request.mode.value} mode, as of {request.day}; sourcing: {snet.basis})"
    table = with_notes(table, title, notes)
    table.attrs["end_items"] = wanted
    return table
