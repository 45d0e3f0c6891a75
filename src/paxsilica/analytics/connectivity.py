"""A country's international submarine-cable connectivity, and what isolates it.

Pinned semantics (other tools read them; issue 21):

* a cable **connects country C abroad in year Y** when it is not planned, its
  ``rfs_year`` ≤ Y, and it has a landing in C and one outside C (a cable without a
  ready-for-service year that is not planned counts as in service: the source lists it
  as in service without saying since when);
* **closing a landing point** removes it from every cable;
* a country is **isolated** when no cable connects it.

:func:`connectivity` answers one country and year (with landing points closed and
cables cut): its cables before and after, its landing sites, the smallest set of sites
whose closure isolates it (a minimum vertex cut, by maximum flow on
``scipy.sparse.csgraph``), the owners and suppliers that are companies of concern, and
the corridors its cables pass through.

Example:
    >>> from paxsilica.store import open_store
    >>> from paxsilica.model.network import StackNetwork
    >>> net = StackNetwork.from_store(open_store(":memory:"))
    >>> answer = connectivity(net, "LTU", 2024)
    >>> answer.cables, answer.isolated
    (['bcs-east-west-interlink'], False)
    >>> connectivity(net, "LTU", 2024, cut=["bcs-east-west-interlink"]).isolated_after
    True
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import maximum_flow

from paxsilica.errors import NotFoundError, ParameterError
from paxsilica.model.country import resolve_country
from paxsilica.model.network import StackNetwork

__all__ = ["Connectivity", "cable_companies_of_concern", "cables_of_concern", "connected_counts",
           "connecting_cables", "connectivity", "corridor_cables", "in_service",
           "minimum_isolating_sites"]

YEARS = (1850, 2100)


def _year(year: int) -> int:
    if isinstance(year, bool) or not isinstance(year, int | np.integer) or not YEARS[0] <= year <= YEARS[1]:
        raise ParameterError(f"year must be a whole year from {YEARS[0]} to {YEARS[1]}, not {year!r}",
                             field="year")
    return int(year)


def in_service(net: StackNetwork, year: int) -> set[str]:
    """Ids of the cables in service in ``year``: not planned and ``rfs_year`` ≤ ``year``
    (no ``rfs_year``: in service).

    >>> from paxsilica.store import open_store
    >>> "faster" in in_service(StackNetwork.from_store(open_store(":memory:")), 2016)
    True
    """
    year = _year(year)
    cables = net.cables
    if cables.empty:
        return set()
    rfs = pd.to_numeric(cables["rfs_year"], errors="coerce")
    planned = cables["is_planned"].fillna(False).astype(bool)
    live = ~planned & (rfs.isna() | (rfs <= year))
    return set(cables.loc[live, "cable_id"])


def _landings(net: StackNetwork, closed: set[str]) -> pd.DataFrame:
    """``cable_id, landing_point_id, country`` for every landing not closed."""
    links = net.cable_landings[["cable_id", "landing_point_id"]]
    links = links[~links["landing_point_id"].isin(closed)]
    country = dict(zip(net.landing_points["landing_point_id"], net.landing_points["country"],
                       strict=True))
    return links.assign(country=links["landing_point_id"].map(country))


def connecting_cables(net: StackNetwork, country: str, year: int, *,
                      close: Iterable[str] = (), cut: Iterable[str] = ()) -> list[str]:
    """The cables that connect ``country`` abroad in ``year`` (sorted ids), after closing
    the landing points ``close`` and cutting the cables ``cut``."""
    code = resolve_country(country)
    live = in_service(net, year) - set(cut)
    links = _landings(net, set(close))
    links = links[links["cable_id"].isin(live)]
    home = links["country"] == code
    both = set(links.loc[home, "cable_id"]) & set(links.loc[~home, "cable_id"])
    return sorted(both)


def connected_counts(net: StackNetwork, year: int, *, close: Iterable[str] = (),
                     cut: Iterable[str] = ()) -> pd.Series:
    """Per country (ISO3 index, sorted): how many cables connect it abroad in ``year`` after
    closing ``close`` and cutting ``cut``; countries no cable connects are left out. The
    same answer as ``len(connecting_cables(...))`` for every country at once (one group-by).

    >>> from paxsilica.store import open_store
    >>> counts = connected_counts(StackNetwork.from_store(open_store(":memory:")), 2024)
    >>> int(counts["LTU"]), int(counts["KEN"])
    (1, 1)
    """
    live = in_service(net, year) - set(cut)
    links = _landings(net, set(close))
    pairs = links.loc[links["cable_id"].isin(live), ["cable_id", "country"]].dropna().drop_duplicates()
    abroad = pairs.groupby("cable_id")["country"].transform("size") > 1
    return pairs[abroad].groupby("country").size().sort_index().rename("cables")


def minimum_isolating_sites(net: StackNetwork, country: str, year: int, *,
                            close: Iterable[str] = (), cut: Iterable[str] = ()) -> list[str]:
    """A smallest set of landing points (anywhere) whose closure isolates ``country`` in
    ``year``, given what is already closed and cut; empty when it is isolated already.

    Each connecting cable must lose all its landings in the country or all its landings
    abroad. That is a minimum vertex cut between the country's sites and the sites
    abroad in the graph site → cable → site, found as a maximum flow (each site a node of
    capacity 1 split in two, cables uncuttable); the cut is read from the residual graph.
    """
    code = resolve_country(country)
    cables = connecting_cables(net, code, year, close=close, cut=cut)
    if not cables:
        return []
    links = _landings(net, set(close))
    links = links[links["cable_id"].isin(cables)]
    sites = sorted(set(links["landing_point_id"]))
    n_sites, n_cables = len(sites), len(cables)
    site_at = {site: i for i, site in enumerate(sites)}
    cable_at = {cable: i for i, cable in enumerate(cables)}
    source, sink = 2 * n_sites + n_cables, 2 * n_sites + n_cables + 1
    big = n_sites + 1  # more than any cut of sites
    rows, cols, caps = [], [], []

    def edge(a: int, b: int, capacity: int) -> None:
        rows.append(a)
        cols.append(b)
        caps.append(capacity)

    for i in range(n_sites):
        edge(2 * i, 2 * i + 1, 1)  # a site: in -> out, capacity 1
    for cable, site, where in links[["cable_id", "landing_point_id", "country"]].itertuples(index=False):
        node, i = 2 * n_sites + cable_at[cable], site_at[site]
        if where == code:
            edge(source, 2 * i, big)
            edge(2 * i + 1, node, big)
        else:
            edge(node, 2 * i, big)
            edge(2 * i + 1, sink, big)
    size = sink + 1
    graph = sp.csr_matrix((np.array(caps, dtype=np.int32), (rows, cols)), shape=(size, size))
    graph.sum_duplicates()
    flow = maximum_flow(graph, source, sink).flow
    residual = (graph - flow).tocsr()
    residual.data[residual.data < 0] = 0
    residual.eliminate_zeros()
    reached = sp.csgraph.breadth_first_order(residual, source, return_predecessors=False)
    seen = np.zeros(size, dtype=bool)
    seen[reached] = True
    return sorted(sites[i] for i in range(n_sites) if seen[2 * i] and not seen[2 * i + 1])


def corridor_cables(net: StackNetwork, corridor: str) -> list[str]:
    """The cable ids of a named corridor (``red_sea``, ``baltic_sea``…).

    Raises:
        NotFoundError: no such corridor; the message lists them.
    """
    rows = net.corridors[net.corridors["corridor_id"] == corridor]
    if rows.empty:
        known = ", ".join(net.corridors["corridor_id"]) or "none"
        raise NotFoundError(f"unknown corridor {corridor!r} (known: {known})")
    return list(rows.iloc[0]["cable_ids"])


def _key(name: str) -> str:
    return re.sub(r"[^0-9a-z]+", "", str(name).casefold())


def cable_companies_of_concern(net: StackNetwork, concern: str = "countries_of_concern",
                               as_of: date | str | None = None) -> dict[str, str]:
    """Normalised company name or alias → company id, for the companies of concern:
    domiciled in a member of ``concern`` on ``as_of``, or owned 50 % or more (directly
    or down a chain) by such a company. Owner and supplier names of cables are matched
    against these keys (case, spaces and punctuation ignored)."""
    members = set(net.members(concern, as_of))
    companies = net.companies
    bad = set(companies.loc[companies["country"].isin(members), "company_id"])
    control = net.ownership[net.ownership["percentage"] >= 50][["owner_id", "owned_id"]]
    for _ in range(len(control) + 1):  # owners of owners, until nothing changes
        more = set(control.loc[control["owner_id"].isin(bad), "owned_id"]) - bad
        if not more:
            break
        bad |= more
    keys: dict[str, str] = {}
    for company_id, name, aliases in companies[["company_id", "name", "aliases"]].itertuples(index=False):
        if company_id in bad:
            for text in [name, *(aliases or [])]:
                keys[_key(text)] = company_id
    return keys


def cables_of_concern(net: StackNetwork, concern: str = "countries_of_concern",
                      as_of: date | str | None = None) -> pd.DataFrame:
    """Per cable: ``cable_id, owners_of_concern, suppliers_of_concern, of_concern`` — the
    owner and supplier names that are companies of concern
    (:func:`cable_companies_of_concern`), and whether there is any.

    >>> from paxsilica.store import open_store
    >>> table = cables_of_concern(StackNetwork.from_store(open_store(":memory:")))
    >>> table.set_index("cable_id").loc["c-lion1", "of_concern"]
    np.False_
    """
    keys = cable_companies_of_concern(net, concern, as_of)
    cables = net.cables
    owners = [[name for name in names if _key(name) in keys] for names in cables["owners"]]
    suppliers = [[name for name in names if _key(name) in keys] for names in cables["suppliers"]]
    return pd.DataFrame({"cable_id": cables["cable_id"].to_numpy(), "owners_of_concern": owners,
                         "suppliers_of_concern": suppliers,
                         "of_concern": [bool(o or s) for o, s in zip(owners, suppliers, strict=True)]})


@dataclass(frozen=True)
class Connectivity:
    """The answer of :func:`connectivity`; :meth:`to_dict` is the CLI's and the service's JSON."""

    country: str
    year: int
    closed: list[str]
    cut: list[str]
    cables: list[str]
    cables_after: list[str]
    sites: list[str]
    sites_after: list[str]
    isolating_sites: list[str]
    isolating_sites_after: list[str]
    table: pd.DataFrame = field(repr=False)
    corridors: pd.DataFrame = field(repr=False)

    @property
    def isolated(self) -> bool:
        """No cable connects the country (before closures and cuts)."""
        return not self.cables

    @property
    def isolated_after(self) -> bool:
        """No cable connects the country after the closures and cuts."""
        return not self.cables_after

    @property
    def lost_share(self) -> float:
        """Share of the country's connecting cables lost to the closures and cuts (0–1;
        0 when it had none). Counted in cables: the data hold no capacities."""
        return 1.0 - len(self.cables_after) / len(self.cables) if self.cables else 0.0

    def to_dict(self) -> dict:
        from paxsilica.io.records import json_records

        return {"country": self.country, "year": self.year, "cables": self.cables,
                "cables_after": self.cables_after, "isolated": self.isolated_after,
                "isolated_before": self.isolated, "lost_share": round(self.lost_share, 6),
                "closed": self.closed, "cut": self.cut, "landing_sites": self.sites,
                "landing_sites_after": self.sites_after,
                "isolating_sites": self.isolating_sites,
                "isolating_sites_after": self.isolating_sites_after,
                "cable_table": json_records(self.table), "corridors": json_records(self.corridors)}


def _check_ids(net: StackNetwork, close: list[str], cut: list[str]) -> None:
    from rapidfuzz import process

    for values, table, column, what, parameter in (
            (close, net.landing_points, "landing_point_id", "landing point", "close"),
            (cut, net.cables, "cable_id", "cable", "cut")):
        known = list(table[column])
        for value in values:
            if value not in set(known):
                close_ids = [m for m, _, _ in process.extract(str(value), known, limit=3)]
                hint = f" (did you mean: {', '.join(close_ids)}?)" if close_ids else ""
                raise NotFoundError(f"{parameter}: unknown {what} {value!r}{hint}", field=parameter)


def connectivity(net: StackNetwork, country: str, year: int, *, close: Iterable[str] = (),
                 cut: Iterable[str] = (), concern: str = "countries_of_concern",
                 as_of: date | str | None = None) -> Connectivity:
    """Connectivity of ``country`` in ``year`` before and after closing the landing points
    ``close`` and cutting the cables ``cut`` (see the module docstring).

    ``table``: one row per cable connecting it before, with ``cut``/``closed`` status,
    the country's landing sites, the owners and suppliers that are companies of
    ``concern`` (as of ``as_of``, default today). ``corridors``: per corridor, how many of
    the country's cables pass through it and the share.

    Raises:
        NotFoundError: unknown country, landing point, cable or group (closest ids named).
        ParameterError: a year outside 1850–2100.
    """
    code = resolve_country(country)
    year = _year(year)
    close, cut = sorted(set(close)), sorted(set(cut))
    _check_ids(net, close, cut)
    before = connecting_cables(net, code, year)
    after = connecting_cables(net, code, year, close=close, cut=cut)
    links = _landings(net, set())
    home = links[(links["country"] == code) & links["cable_id"].isin(before)]
    sites = sorted(set(home["landing_point_id"]))
    sites_after = sorted(set(home.loc[home["cable_id"].isin(after), "landing_point_id"]) - set(close))
    cables = net.cables.set_index("cable_id")
    flagged = cables_of_concern(net, concern, as_of).set_index("cable_id")
    rows = []
    for cable in before:
        row = cables.loc[cable]
        owners, suppliers = flagged.loc[cable, ["owners_of_concern", "suppliers_of_concern"]]
        rows.append({"cable_id": cable, "name": row["name"], "rfs_year": row["rfs_year"],
                     "connects_after": cable in after, "cut": cable in cut,
                     "sites": sorted(home.loc[home["cable_id"] == cable, "landing_point_id"]),
                     "owners_of_concern": owners, "suppliers_of_concern": suppliers,
                     "owners": list(row["owners"]), "suppliers": list(row["suppliers"]),
                     "source": row["source"], "confidence": row["confidence"]})
    table = pd.DataFrame(rows, columns=["cable_id", "name", "rfs_year", "connects_after", "cut",
                                        "sites", "owners_of_concern", "suppliers_of_concern",
                                        "owners", "suppliers", "source", "confidence"])
    corridors = pd.DataFrame(
        [{"corridor_id": cid, "name": name, "cables": sorted(set(ids) & set(before)),
          "share": len(set(ids) & set(before)) / len(before) if before else 0.0}
         for cid, name, ids in net.corridors[["corridor_id", "name", "cable_ids"]].itertuples(index=False)
         if set(ids) & set(before)],
        columns=["corridor_id", "name", "cables", "share"])
    return Connectivity(code, year, close, cut, before, after, sites, sites_after,
                        minimum_isolating_sites(net, code, year),
                        minimum_isolating_sites(net, code, year, close=close, cut=cut),
                        table, corridors)
