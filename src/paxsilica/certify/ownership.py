"""Ownership chains: which entities are controlled, in aggregate, by listed parties.

The rule (the US Treasury's "50 percent rule", OFAC guidance of 13 August 2014):
an entity is treated as restricted when one or more restricted parties own,
directly or indirectly, **50% or more** of it **in aggregate**. Indirect
ownership passes through entities that are themselves restricted: if listed A
owns 60% of B, B is restricted and B's own holdings count in full.

:func:`controlled_entities` applies the rule to a plain ``owner, owned,
percentage`` table (the store's ``ownership`` table renamed, an FtM ``Ownership``
stream or a CSV), iterating until no new entity qualifies, and records for each
derived entity the owners that make up its aggregate and a control path back to
a listed party. :func:`look_through_share` gives the multiplicative look-through
share (product along paths, summed over paths) for information.

Example (hand-worked: listed L owns 30% of X and 40% of Y; Y owns 25% of X):
    >>> import pandas as pd
    >>> links = pd.DataFrame({"owner": ["L", "L", "Y"], "owned": ["X", "Y", "X"],
    ...                       "percentage": [30, 40, 25]})
    >>> controlled_entities(links, {"L"}).empty   # X: 30% listed + 25% from unlisted Y
    True
    >>> links.loc[1, "percentage"] = 60            # now Y is controlled, so X has 30 + 25
    >>> controlled_entities(links, {"L"})[["entity_id", "aggregate_percentage"]].to_dict("records")
    [{'entity_id': 'Y', 'aggregate_percentage': 60.0}, {'entity_id': 'X', 'aggregate_percentage': 55.0}]
"""

from __future__ import annotations

import hashlib
import math
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse

from paxsilica.certify.certificate import canonical_bytes
from paxsilica.errors import PaxsilicaError, SolverError
from paxsilica.io.restricted import check_ownership
from paxsilica.linalg.solvers import least_solution
from paxsilica.store.database import Store

__all__ = ["CONTROL_THRESHOLD", "check_ownership", "controlled_entities", "links_digest",
           "look_through_share", "ownership_file_record", "store_ownership",
           "store_ownership_record"]

CONTROL_THRESHOLD = 50.0
"""Percent; OFAC's 50 percent rule."""


def controlled_entities(links: pd.DataFrame, listed: set[str],
                        threshold: float = CONTROL_THRESHOLD) -> pd.DataFrame:
    """Entities owned ``threshold``% or more in aggregate by listed (or derived) parties.

    Returns columns ``entity_id, aggregate_percentage, owners`` (list of
    ``(owner, percent)``), ``path`` (a control path ``[listed, …, entity]`` through the
    largest controlling holding) and ``round`` (1 = owned by listed parties directly),
    in the order found. Listed entities themselves are not returned.
    """
    frame = links[["owner", "owned", "percentage"]].copy()
    frame["percentage"] = frame["percentage"].astype(float)
    frame = frame.groupby(["owner", "owned"], as_index=False)["percentage"].sum()
    restricted = set(listed)
    paths: dict[str, list[str]] = {entity: [entity] for entity in listed}
    rows = []
    round_number = 0
    while True:
        round_number += 1
        held = frame[frame["owner"].isin(restricted) & ~frame["owned"].isin(restricted)]
        if held.empty:
            break
        totals = held.groupby("owned")["percentage"].sum()
        new = totals[totals >= threshold - 1e-9]
        if new.empty:
            break
        for entity, total in new.items():
            owners = held[held["owned"] == entity].sort_values("percentage", ascending=False)
            top = owners.iloc[0]["owner"]
            paths[entity] = [*paths[top], entity]
            rows.append({"entity_id": entity, "aggregate_percentage": round(float(total), 6),
                         "owners": [(o, float(p)) for o, p in
                                    zip(owners["owner"], owners["percentage"], strict=True)],
                         "path": paths[entity], "round": round_number})
        restricted |= set(new.index)
    return pd.DataFrame(rows, columns=["entity_id", "aggregate_percentage", "owners", "path",
                                       "round"])


def look_through_share(links: pd.DataFrame, listed: set[str]) -> pd.Series:
    """Multiplicative look-through share (0–1) of every entity held by ``listed`` parties.

    With ``A`` the fraction matrix (``A[i, j]`` = share of ``j`` owned by ``i``), the
    share of each entity reachable from the listed set ``s`` is ``x = s·A·(I − A)⁻¹``,
    computed by the one linear solver (:func:`paxsilica.linalg.least_solution`, never an
    inverse). Cycles are allowed if every cycle's product is below 1.

    Raises:
        PaxsilicaError: a cycle of holdings whose percentages multiply to 100% or more.

    >>> import pandas as pd
    >>> links = pd.DataFrame({"owner": ["L", "Y"], "owned": ["Y", "X"], "percentage": [60, 50]})
    >>> look_through_share(links, {"L"}).round(3).to_dict()
    {'X': 0.3, 'Y': 0.6}
    """
    nodes = pd.Index(sorted(set(links["owner"]) | set(links["owned"])))
    i = nodes.get_indexer(links["owner"])
    j = nodes.get_indexer(links["owned"])
    a = sparse.csr_matrix((links["percentage"].astype(float).to_numpy() / 100.0, (i, j)),
                          shape=(len(nodes), len(nodes)))
    seed = np.isin(nodes, list(listed)).astype(float)
    direct = a.T @ seed
    try:  # the least solution: a loop of holdings that reaches no listed party is 0
        shares = least_solution(a, direct, transpose=True)
    except SolverError:
        raise PaxsilicaError("ownership links form a cycle whose percentages multiply to 100% or more "
                             "(e.g. two entities owning each other in full); look-through shares are "
                             "not defined") from None
    result = pd.Series(np.atleast_1d(shares), index=nodes)
    return result[(result > 0) & ~result.index.isin(list(listed))].sort_index()


def store_ownership(store: Store) -> tuple[pd.DataFrame, dict[str, str]]:
    """The store's ``ownership`` table as ``owner, owned, percentage, source`` links, and
    ``{company_id: name}`` from its ``companies`` table (to screen and name the nodes).

    >>> from paxsilica.store import Store
    >>> links, names = store_ownership(Store(":memory:"))
    >>> list(links.columns), names
    (['owner', 'owned', 'percentage', 'source'], {})
    """
    table = store.table("ownership")
    links = pd.DataFrame({"owner": table["owner_id"].astype(object),
                          "owned": table["owned_id"].astype(object),
                          "percentage": table["percentage"].astype(float),
                          "source": table["source"].astype(object)})
    companies = store.table("companies")
    names = dict(zip(companies["company_id"], companies["name"], strict=True))
    return links, names


def _cell(value: object) -> object:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return float(value) if isinstance(value, int | float | np.number) else str(value)


def links_digest(links: pd.DataFrame, names: dict[str, str] | None = None) -> str:
    """SHA-256 of the ownership rows used (and the node names used to screen them).

    The hashed bytes are the canonical JSON (:func:`~paxsilica.certify.certificate.
    canonical_bytes`) of ``{"links": [[owner, owned, percentage, source], …],
    "names": [[id, name], …]}``, both sorted, percentages as floats, so the same rows
    in any order give the same digest.

    >>> a = pd.DataFrame({"owner": ["L", "Y"], "owned": ["Y", "X"], "percentage": [60, 50]})
    >>> links_digest(a) == links_digest(a.iloc[::-1]) != links_digest(a.assign(percentage=[60, 49]))
    True
    """
    columns = ["owner", "owned", "percentage", "source"]
    rows = sorted(([_cell(row.get(c)) for c in columns] for row in links.to_dict("records")),
                  key=lambda r: [str(v) for v in r])
    pairs = sorted([str(k), str(v)] for k, v in (names or {}).items())
    return hashlib.sha256(canonical_bytes({"links": rows, "names": pairs})).hexdigest()


def ownership_file_record(path: str | Path, links: pd.DataFrame) -> dict:
    """``{file, format, sha256, links}`` of an ``--ownership`` file, for certificates."""
    path = Path(path)
    fmt = "ftm" if path.suffix.lower() in {".json", ".jsonl", ".ndjson"} else "table"
    return {"file": path.name, "format": fmt,
            "sha256": hashlib.sha256(path.read_bytes()).hexdigest(), "links": len(links)}


def store_ownership_record(links: pd.DataFrame, names: dict[str, str]) -> dict:
    """``{links, companies, sha256}`` of the store rows used (``--store-ownership``)."""
    return {"links": len(links), "companies": len(names), "sha256": links_digest(links, names)}
