"""Screen a batch of names against restricted-party lists, with the 50% ownership rule.

The one library call behind ``paxsilica screen`` and the report's screening section:
list entities are indexed, ownership links (from the lists themselves and any others
given) turn entities controlled 50%+ by listed parties into extra ``Controlled``
entities, and the names are scored against both.

Example:
    >>> from paxsilica.certify.lists import bundled_list_path, load_list
    >>> fcc = load_list(bundled_list_path("fcc_covered"), name="fcc_covered")
    >>> queries = pd.DataFrame({"query_id": ["q1", "q2"], "name": ["Huawei Technologies Co Ltd", "Acme Tools"]})
    >>> matches = screen_names(queries, [fcc])
    >>> matches.groupby("query_id")["entity_name"].first().to_dict()
    {'q1': 'Huawei Technologies Company'}
"""

from __future__ import annotations

import pandas as pd

from paxsilica.certify.api import check_queries
from paxsilica.certify.check import check_threshold, derived_entities
from paxsilica.certify.lists import RestrictedList, combined_entities, entity_names
from paxsilica.certify.screening.screener import Screener

__all__ = ["match_records", "screen_names"]


def screen_names(queries: pd.DataFrame, lists: list[RestrictedList], *, threshold: float | None = None,
                 links: list[pd.DataFrame] | None = None, names: dict[str, str] | None = None) -> pd.DataFrame:
    """Matches of ``queries`` (``query_id, name`` and optional ``country``, ``identifiers``)
    at or above ``threshold`` (default: the model's, 0.70), best first.

    Queries are checked first (:func:`~paxsilica.certify.api.check_queries`): unique ids,
    names present, countries known (an unknown country is an error naming its row).
    ``links``: extra ownership tables (``owner, owned, percentage``) besides the lists' own;
    ``names``: ``{node id: name}`` for ownership nodes that are not list entities (e.g. the
    store's company ids), used to screen and to write control paths. Columns: those of
    :meth:`Screener.screen`; controlled entities have ``schema = "Controlled"`` and their
    aggregate share, owners and control path in ``programs``.
    """
    check_threshold(threshold)
    queries = check_queries(queries, queries.attrs.get("file", "queries"),
                            rows=list(queries["row"]) if "row" in queries else None)
    entities = combined_entities(lists)
    screener = Screener().fit(entities)
    cut = screener.model.threshold if threshold is None else threshold
    ownership = [lst.ownership for lst in lists if not lst.ownership.empty] + list(links or [])
    if ownership:
        extra = derived_entities(entities, pd.concat(ownership, ignore_index=True), screener, cut,
                                 names={**(names or {}), **entity_names(lists)})
        if not extra.empty:
            screener.fit(pd.concat([entities, extra], ignore_index=True))
    return screener.screen(queries, cut)


def match_records(queries: pd.DataFrame, matches: pd.DataFrame) -> list[dict]:
    """``[{query_id, name, matches: [{id, name, matched_name, list, score, explanation}]}]``,
    one record per query in its order, matches best first (empty when none reached the
    threshold); a controlled entity's explanation carries its ``control`` path."""
    by_query = {query: group for query, group in matches.groupby("query_id", sort=False)}
    records = []
    for row in queries.to_dict("records"):
        mine = by_query.get(row["query_id"], matches.iloc[0:0])
        records.append({"query_id": row["query_id"], "name": row["name"], "matches": [
            {"id": m["entity_id"], "name": m["entity_name"], "matched_name": m["matched_name"],
             "list": m.get("list_name"), "score": float(m["score"]),
             "explanation": {**m["explanation"],
                             **({"control": m["programs"]} if m.get("schema") == "Controlled" else {})}}
            for m in mine.to_dict("records")]})
    return records
