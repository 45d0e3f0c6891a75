"""Coalition expansion: which eligible countries, if they joined, would cover the most of
the coalition's unmet import need (best set of ``k`` by MILP, and the greedy order).

Example:
    >>> from paxsilica.store import open_store
    >>> from paxsilica.model.network import StackNetwork
    >>> net = StackNetwork.from_store(open_store(":memory:"))
    >>> answer = answer_expand(net, ExpandRequest(item=["rare_earth_ore"], k=1,
    ...                                           as_of="2026-01-01"))
    >>> answer.chosen
    ['THA']
    >>> ExpandRequest(item=["gallium"], threshold=0)
    Traceback (most recent call last):
    ...
    paxsilica.errors.ParameterError: threshold: Input should be greater than 0
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StrictInt

from paxsilica.errors import NotFoundError, PaxsilicaError
from paxsilica.model.network import StackNetwork
from paxsilica.plan.expand import Expansion, expand_coalition
from paxsilica.requests.base import Day, Name, Number, Request, check_names
from paxsilica.requests.limits import MAX_TOP

__all__ = ["ExpandRequest", "answer_expand"]


class ExpandRequest(Request):
    """``paxsilica plan expand``."""

    item: Annotated[list[Name], Field(min_length=1, max_length=100)]
    """Items (ids or aliases) whose coverage counts."""
    k: Annotated[StrictInt, Field(ge=1, le=MAX_TOP)] = 1
    """How many countries join."""
    stage: Name | None = None
    threshold: Annotated[Number, Field(gt=0, le=1)] = 0.5
    """Coverage (0-1] that counts an item covered."""
    group: Name = "pax_silica"
    """The coalition group."""
    as_of: Day | None = None
    """Membership date (default today)."""
    exclude: Annotated[list[Name], Field(max_length=20)] = Field(
        default_factory=lambda: ["sanctioned"])
    """Groups whose members are not eligible (default the bundled ``sanctioned``)."""
    use: dict[Name, Annotated[Number, Field(ge=0, le=1)]] | None = None
    """Item -> the coalition's use, share of world output (default: consumption data)."""


def answer_expand(net: StackNetwork, request: ExpandRequest) -> Expansion:
    """The ranking of candidates and the best set (see
    :func:`~paxsilica.plan.expand.expand_coalition`).

    Raises:
        NotFoundError: an unknown item, stage or group (``field`` names it), or no candidate.
    """
    check_names(net, item=list(request.item), stage=request.stage, group=request.group)
    try:
        for group in request.exclude:
            net.group(group)
    except PaxsilicaError as exc:
        raise NotFoundError(str(exc), field="exclude") from None
    try:
        use = None if request.use is None else {
            found: share for name, share in request.use.items()
            for found in net.resolve_items(name)}
    except PaxsilicaError as exc:
        raise NotFoundError(str(exc), field="use") from None
    return expand_coalition(net, list(request.item), request.k, stage=request.stage,
                            group=request.group, as_of=request.as_of,
                            threshold=request.threshold, exclude=list(request.exclude),
                            use=use)
