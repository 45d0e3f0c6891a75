"""Connectivity: the pinned semantics, a hand-worked case, and property tests with two
independent oracles for the minimum isolating site set (brute force over subsets, and
networkx's minimum node cut on the site graph, i.e. a minimum vertex cover by König)."""

from __future__ import annotations

from dataclasses import replace
from itertools import combinations

import networkx as nx
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paxsilica.analytics.connectivity import (
    cable_companies_of_concern,
    connecting_cables,
    connectivity,
    corridor_cables,
    in_service,
    minimum_isolating_sites,
)
from paxsilica.errors import NotFoundError, ParameterError
from paxsilica.model.network import StackNetwork
from paxsilica.store import open_store

CITE = {"source": "test", "confidence": "low"}


@pytest.fixture(scope="module")
def bundled() -> StackNetwork:
    return StackNetwork.from_store(open_store(":memory:"))


def with_cables(net: StackNetwork, cables: list[dict], landings: dict[str, list[str]],
                points: dict[str, str]) -> StackNetwork:
    """The bundled network with these cables instead of the bundled ones."""
    cable_rows = pd.DataFrame([{"cable_id": c["id"], "name": c["id"], "rfs_year": c.get("rfs", 2000),
                                "is_planned": c.get("planned", False), "owners": c.get("owners", []),
                                "suppliers": c.get("suppliers", []), **CITE} for c in cables])
    point_rows = pd.DataFrame([{"landing_point_id": p, "name": p, "country": country, **CITE}
                               for p, country in points.items()])
    link_rows = pd.DataFrame([{"cable_id": c, "landing_point_id": p, **CITE}
                              for c, sites in landings.items() for p in sites],
                             columns=["cable_id", "landing_point_id", "source", "confidence"])
    return replace(net, cables=cable_rows, landing_points=point_rows, cable_landings=link_rows,
                   corridors=net.corridors.iloc[0:0])


POINTS = {"t1": "TWN", "t2": "TWN", "j1": "JPN", "u1": "USA", "c1": "CHN"}


def test_pinned_semantics_on_a_hand_worked_case(bundled):
    cables = [{"id": "a"}, {"id": "b", "planned": True}, {"id": "c", "rfs": 2030},
              {"id": "d"}, {"id": "e"}, {"id": "f", "rfs": None}]
    landings = {"a": ["t1", "j1"],   # connects
                "b": ["t1", "u1"],   # planned: never
                "c": ["t2", "u1"],   # in service from 2030
                "d": ["t1", "t2"],   # domestic
                "e": ["j1", "u1"],   # does not land in Taiwan
                "f": ["t2", "c1"]}   # no ready-for-service year, not planned: in service
    net = with_cables(bundled, cables, landings, POINTS)
    assert connecting_cables(net, "TWN", 2024) == ["a", "f"]
    assert connecting_cables(net, "Taiwan", 2030) == ["a", "c", "f"]
    assert in_service(net, 2024) == {"a", "d", "e", "f"}
    # closing a landing point removes it from every cable: t1 closes a (and d's end)
    assert connecting_cables(net, "TWN", 2024, close=["t1"]) == ["f"]
    # closing the foreign end works as well as the home end
    assert connecting_cables(net, "TWN", 2024, close=["j1", "c1"]) == []
    assert minimum_isolating_sites(net, "TWN", 2024) in (["c1", "j1"], ["t1", "t2"], ["c1", "t1"],
                                                          ["j1", "t2"])
    answer = connectivity(net, "TWN", 2024, cut=["a"])
    assert (answer.cables, answer.cables_after, answer.isolated, answer.isolated_after) == (
        ["a", "f"], ["f"], False, False)
    assert answer.lost_share == pytest.approx(0.5)
    assert connectivity(net, "TWN", 2024, cut=["a", "f"]).to_dict()["isolated"] is True


def test_one_foreign_hub_is_the_smallest_isolating_set(bundled):
    # three Taiwan sites, every cable goes to the same Japanese site: one closure isolates
    landings = {"x": ["t1", "j1"], "y": ["t2", "j1"], "z": ["t3", "j1"]}
    net = with_cables(bundled, [{"id": k} for k in landings], landings,
                      {"t1": "TWN", "t2": "TWN", "t3": "TWN", "j1": "JPN"})
    assert minimum_isolating_sites(net, "TWN", 2024) == ["j1"]
    assert connectivity(net, "TWN", 2024).sites == ["t1", "t2", "t3"]


def test_bundled_taiwan_lithuania_and_red_sea(bundled):
    taiwan = connectivity(bundled, "TWN", 2024)
    assert {"faster", "taiwan-strait-express-1-tse-1"} <= set(taiwan.cables)
    assert "southeast-asia-japan-cable-2-sjc2" not in taiwan.cables  # planned in the source
    assert "taiwan-matsu-no-2-tpkm-2" not in taiwan.cables           # domestic
    closed = connectivity(bundled, "TWN", 2024, close=taiwan.isolating_sites)
    assert closed.isolated_after and not closed.isolated
    apg = taiwan.table.set_index("cable_id").loc["asia-pacific-gateway-apg"]
    assert {"China Telecom", "China Unicom", "China Mobile"} <= set(apg["owners_of_concern"])
    assert "Chunghwa Telecom" not in apg["owners_of_concern"]
    assert set(taiwan.corridors["corridor_id"]) == {"taiwan_strait"}
    assert set(corridor_cables(bundled, "red_sea")) == {
        "asia-africa-europe-1-aae-1", "europe-india-gateway-eig", "seacomtata-tgn-eurasia"}
    kenya = connectivity(bundled, "KEN", 2024, cut=corridor_cables(bundled, "red_sea"))
    assert kenya.cables == ["seacomtata-tgn-eurasia"] and kenya.isolated_after


def test_hmn_tech_is_of_concern_through_its_name_alias_and_owner(bundled):
    keys = cable_companies_of_concern(bundled)
    assert keys["hmntech"] == keys["huaweimarine"] == "hmn_tech"
    assert "chunghwatelecom" not in keys
    # a company outside the concern group, 81 % owned by one inside it, is of concern too
    moved = bundled.companies.assign(country=bundled.companies["country"].mask(
        bundled.companies["company_id"] == "hmn_tech", "GBR"))
    assert cable_companies_of_concern(replace(bundled, companies=moved))["hmntech"] == "hmn_tech"


def test_unknown_ids_and_bad_years_are_one_clear_error(bundled):
    with pytest.raises(NotFoundError, match=r"close: unknown landing point 'toucheng'.*toucheng-taiwan"):
        connectivity(bundled, "TWN", 2024, close=["toucheng"])
    with pytest.raises(NotFoundError, match="cut: unknown cable 'fast'"):
        connectivity(bundled, "TWN", 2024, cut=["fast"])
    with pytest.raises(NotFoundError, match="unknown country"):
        connectivity(bundled, "Atlantis", 2024)
    for year in (1200, 99999, True, 2024.5):
        with pytest.raises(ParameterError, match="year"):
            connectivity(bundled, "TWN", year)  # type: ignore[arg-type]
    with pytest.raises(NotFoundError, match="unknown corridor"):
        corridor_cables(bundled, "atlantis")


# --- properties on random instances ------------------------------------------------------

SITES = [f"s{i}" for i in range(9)]


@st.composite
def instances(draw):
    countries = {site: draw(st.sampled_from(["TWN", "JPN", "USA"])) for site in SITES}
    n = draw(st.integers(1, 8))
    landings = {f"k{i}": draw(st.lists(st.sampled_from(SITES), min_size=1, max_size=4, unique=True))
                for i in range(n)}
    cables = [{"id": k, "planned": draw(st.booleans()) and draw(st.booleans()),
               "rfs": draw(st.sampled_from([1990, 2020, 2030, None]))} for k in landings]
    return cables, landings, countries


def _vertex_cover_size(net: StackNetwork, year: int) -> int:
    """Oracle: networkx minimum node cut between the country's sites and the sites abroad
    in the graph whose edges join two landings of one connecting cable."""
    cables = connecting_cables(net, "TWN", year)
    links = net.cable_landings[net.cable_landings["cable_id"].isin(cables)]
    country = dict(zip(net.landing_points["landing_point_id"], net.landing_points["country"], strict=True))
    graph = nx.Graph()
    graph.add_nodes_from(["S", "T"])
    for _, group in links.groupby("cable_id"):
        home = [s for s in group["landing_point_id"] if country[s] == "TWN"]
        away = [s for s in group["landing_point_id"] if country[s] != "TWN"]
        graph.add_edges_from((h, a) for h in home for a in away)
        graph.add_edges_from(("S", h) for h in home)
        graph.add_edges_from((a, "T") for a in away)
    return len(nx.minimum_node_cut(graph, "S", "T")) if cables else 0


def _brute_force_size(net: StackNetwork, year: int) -> int:
    sites = sorted(set(net.cable_landings["landing_point_id"]))
    for size in range(len(sites) + 1):
        for chosen in combinations(sites, size):
            if not connecting_cables(net, "TWN", year, close=chosen):
                return size
    raise AssertionError("closing every site must isolate")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(instance=instances(), year=st.sampled_from([2000, 2025, 2040]))
def test_minimum_isolating_sites_against_two_oracles(bundled, instance, year):
    cables, landings, countries = instance
    net = with_cables(bundled, cables, landings, countries)
    found = minimum_isolating_sites(net, "TWN", year)
    assert not connecting_cables(net, "TWN", year, close=found)  # it isolates
    assert len(found) == _vertex_cover_size(net, year) == _brute_force_size(net, year)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(instance=instances(), year=st.sampled_from([2000, 2025, 2040]),
       closed=st.lists(st.sampled_from(SITES), max_size=3, unique=True))
def test_semantics_hold_on_random_instances(bundled, instance, year, closed):
    cables, landings, countries = instance
    net = with_cables(bundled, cables, landings, countries)
    closed = [site for site in closed if site in set(net.landing_points["landing_point_id"])]
    got = set(connecting_cables(net, "TWN", year, close=closed))
    expected = set()
    for cable in cables:
        rfs_ok = cable["rfs"] is None or cable["rfs"] <= year
        left = [s for s in landings[cable["id"]] if s not in closed]
        if (not cable["planned"] and rfs_ok and any(countries[s] == "TWN" for s in left)
                and any(countries[s] != "TWN" for s in left)):
            expected.add(cable["id"])
    assert got == expected
    # closing more never connects more; the answer's flags agree with the lists
    assert set(connecting_cables(net, "TWN", year, close=[*closed, *SITES[:2]])) <= got
    answer = connectivity(net, "TWN", year, close=closed)
    assert answer.isolated_after == (not got)
    assert 0.0 <= answer.lost_share <= 1.0


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(instance=instances(), year=st.sampled_from([2000, 2025, 2040]),
       closed=st.lists(st.sampled_from(SITES), max_size=3, unique=True))
def test_connected_counts_equal_connecting_cables_for_every_country(bundled, instance, year, closed):
    from paxsilica.analytics.connectivity import connected_counts

    cables, landings, countries = instance
    net = with_cables(bundled, cables, landings, countries)
    cut = [c["id"] for c in cables[:1]]
    counts = connected_counts(net, year, close=closed, cut=cut)
    for country in set(countries.values()):
        expected = len(connecting_cables(net, country, year, close=closed, cut=cut))
        assert counts.get(country, 0) == expected
    assert (counts > 0).all()
