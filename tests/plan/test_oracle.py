"""Random small problems against an independent dense formulation solved by scipy's milp.

The oracle writes the issue's equations with plain loops over a dense matrix (no code
shared with the planner), arcs supplier → member; both must reach the same optimum (the
planner's rule for sharing a shortfall is a tie-break that costs nothing), and the
planner's objective must equal the cost recomputed from its builds, flows and unmet
demand.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import Bounds, LinearConstraint, milp

COUNTRIES = ["CHN", "USA", "JPN", "AUS"]
MEMBERS = ["USA", "JPN"]
ITEMS = ["gallium", "germanium"]


def random_problem(seed: int) -> dict:
    rng = np.random.default_rng(seed)
    years = list(range(2026, 2026 + int(rng.integers(2, 4))))
    demand = [{"member": m, "item": i, "quantity": float(rng.integers(20, 80))}
              for m in MEMBERS for i in ITEMS if rng.random() < 0.8] or [
                  {"member": "USA", "item": "gallium", "quantity": 50.0}]
    sources = [{"id": f"s{n}", "item": str(rng.choice(ITEMS)), "country": str(c),
                "capacity": float(rng.integers(20, 120)), "cost": float(rng.integers(1, 5))}
               for n, c in enumerate(rng.choice(COUNTRIES, size=4))]
    projects = [{"id": f"p{n}", "item": str(rng.choice(ITEMS)), "country": str(c),
                 "capacity": float(rng.integers(20, 90)), "capex": float(rng.integers(50, 400)),
                 "cost": float(rng.integers(1, 6)), "lead_time": int(rng.integers(0, 2)),
                 "earliest_build": int(rng.choice(years))}
                for n, c in enumerate(rng.choice(["USA", "JPN", "AUS"], size=4))]
    demanded = sorted({d["item"] for d in demand})
    pairs = sorted({(d["member"], d["item"]) for d in demand})
    member, item = pairs[int(rng.integers(len(pairs)))]
    projects.append({"id": "pd", "item": item, "country": member, "capacity": 100.0,
                     "capex": float(rng.integers(50, 400)), "cost": 3.0, "lead_time": 0})
    targets = [{"kind": "max_concern_share", "item": demanded[0],
                "limit": float(rng.choice([0.2, 0.5, 0.8])), "from": years[-1]},
               {"kind": "min_domestic_share", "item": item, "member": member,
                "limit": float(rng.choice([0.1, 0.3])), "from": years[-1]}]
    scenarios = [{"name": "base", "probability": 0.6},
                 {"name": "ban", "probability": 0.4, "from": years[1],
                  "outages": [{"country": "CHN", "fraction": 1.0},
                              {"country": "AUS", "item": "gallium", "fraction": 0.5}]}]
    return {"name": f"random {seed}", "years": years, "concern": ["CHN"],
            "discount_rate": 0.05, "unmet_penalty": float(rng.integers(20, 60)),
            "demand": demand, "sources": sources, "projects": projects, "targets": targets,
            "scenarios": scenarios}


def oracle(data: dict) -> float:
    """Optimum of the issue's model, written out as one dense MILP."""
    years, scen = data["years"], data["scenarios"]
    t0, r, pen = years[0], data["discount_rate"], data["unmet_penalty"]
    delta = {t: (1 + r) ** -(t - t0) for t in years}
    demand = {}
    for d in data["demand"]:
        demand[(d["member"], d["item"])] = demand.get((d["member"], d["item"]), 0) + d["quantity"]
    sups = [dict(s, kind="source") for s in data["sources"]] + [
        dict(p, kind="project") for p in data["projects"]]
    columns: dict[tuple, int] = {}
    cost: list[float] = []
    integer: list[int] = []

    def column(key: tuple, c: float, is_int: int = 0) -> int:
        columns[key] = len(cost)
        cost.append(c)
        integer.append(is_int)
        return columns[key]

    for p in data["projects"]:
        for y in years:
            if y >= p.get("earliest_build", years[0]):
                column(("b", p["id"], y), delta[y] * p["capex"], 1)
    for k, s in enumerate(scen):
        w = s["probability"]
        for t in years:
            for sup in sups:
                for (m, i) in demand:
                    if i == sup["item"]:
                        column(("f", k, t, sup["id"], m), w * delta[t] * sup["cost"])
            for (m, i) in demand:
                column(("u", k, t, m, i), w * delta[t] * pen)
    rows, lo, hi = [], [], []

    def row(coeffs: dict[int, float], low: float, high: float) -> None:
        vector = np.zeros(len(cost))
        for j, v in coeffs.items():
            vector[j] += v
        rows.append(vector)
        lo.append(low)
        hi.append(high)

    for p in data["projects"]:
        row({j: 1 for key, j in columns.items() if key[:2] == ("b", p["id"])}, -np.inf, 1)
    for k, s in enumerate(scen):
        start, end = s.get("from", years[0]), s.get("to", years[-1])
        for t in years:
            for sup in sups:
                lost = max([o["fraction"] for o in s.get("outages", [])
                            if o["country"] == sup["country"]
                            and o.get("item", sup["item"]) == sup["item"] and start <= t <= end],
                           default=0.0)
                out = {j: 1.0 for key, j in columns.items()
                       if key[0] == "f" and key[1:4] == (k, t, sup["id"])}
                if sup["kind"] == "source":
                    row(out, -np.inf, sup["capacity"] * (1 - lost))
                else:
                    for y in years:
                        if ("b", sup["id"], y) in columns and y <= t - sup["lead_time"]:
                            out[columns[("b", sup["id"], y)]] = -sup["capacity"] * (1 - lost)
                    row(out, -np.inf, 0)
            for (m, i), q in demand.items():
                inflow = {j: 1.0 for key, j in columns.items()
                          if key[0] == "f" and key[1] == k and key[2] == t and key[4] == m
                          and next(x for x in sups if x["id"] == key[3])["item"] == i}
                inflow[columns[("u", k, t, m, i)]] = 1.0
                row(inflow, q, q)
            for target in data["targets"]:
                if t < target.get("from", years[0]):
                    continue
                item = target["item"]
                flows = [(key, j) for key, j in columns.items() if key[0] == "f"
                         and key[1] == k and key[2] == t]
                of_item = [(key, j) for key, j in flows
                           if next(x for x in sups if x["id"] == key[3])["item"] == item]
                if target["kind"] == "max_concern_share":
                    total = sum(q for (m, i), q in demand.items() if i == item)
                    row({j: 1.0 for key, j in of_item if next(
                        x for x in sups if x["id"] == key[3])["country"] in data["concern"]},
                        -np.inf, target["limit"] * total)
                else:
                    m = target["member"]
                    row({j: 1.0 for key, j in of_item if key[4] == m and next(
                        x for x in sups if x["id"] == key[3])["country"] == m},
                        target["limit"] * demand[(m, item)], np.inf)
    integrality = np.array(integer)
    upper = np.where(integrality == 1, 1.0, np.inf)
    result = milp(np.array(cost), constraints=LinearConstraint(np.array(rows), lo, hi),
                  integrality=integrality, bounds=Bounds(0, upper),
                  options={"mip_rel_gap": 1e-9})
    assert result.success, result.message
    return float(result.fun)


def recomputed(data: dict, result) -> float:
    """The cost of the returned plan, from its builds, flows and unmet demand."""
    t0, r = data["years"][0], data.get("discount_rate", 0.0)
    w = {s["name"]: s["probability"] for s in data["scenarios"]}
    delta = lambda t: (1 + r) ** -(t - t0)  # noqa: E731
    capex = sum(delta(b.year) * b.capex for b in result.builds.itertuples())
    flows = sum(w[f.scenario] * delta(f.year) * f.quantity * f.cost
                for f in result.flows.itertuples())
    unmet = sum(w[u.scenario] * delta(u.year) * u.quantity * data["unmet_penalty"]
                for u in result.unmet.itertuples())
    return capex + flows + unmet


@pytest.mark.parametrize("seed", range(12))
def test_same_optimum_as_scipy_milp(run, seed):
    data = random_problem(seed)
    result = run(data, mip_gap=1e-9, duals=False)
    assert result.status == "optimal"
    assert result.objective == pytest.approx(oracle(data), rel=1e-6, abs=1e-6)
    assert recomputed(data, result) == pytest.approx(result.objective, rel=1e-6, abs=1e-6)
    check_flows(data, result)


def check_flows(data: dict, result) -> None:
    """The returned flows are a solution of the arc model: demand met per member, domestic
    targets held by the flows themselves."""
    demand: dict[tuple, float] = {}
    for d in data["demand"]:
        demand[(d["member"], d["item"])] = demand.get((d["member"], d["item"]), 0) + d["quantity"]
    got = result.flows.groupby(["scenario", "year", "member", "item"])["quantity"].sum()
    short = result.unmet.set_index(["scenario", "year", "member", "item"])["quantity"]
    for s in data["scenarios"]:
        for t in data["years"]:
            for (m, i), q in demand.items():
                key = (s["name"], t, m, i)
                assert got.get(key, 0.0) + short.get(key, 0.0) == pytest.approx(q, abs=1e-6)
    for target in data["targets"]:
        if target["kind"] != "min_domestic_share":
            continue
        m, i = target["member"], target["item"]
        home = result.flows[(result.flows["member"] == m) & (result.flows["item"] == i)
                            & (result.flows["country"] == m)
                            & (result.flows["year"] >= target["from"])]
        by = home.groupby(["scenario", "year"])["quantity"].sum()
        assert len(by) == len(data["scenarios"]) * len([t for t in data["years"]
                                                          if t >= target["from"]])
        assert (by >= target["limit"] * demand[(m, i)] - 1e-6).all()


def test_recomputed_cost_matches_with_duals(run):
    data = random_problem(99)
    result = run(data)
    assert recomputed(data, result) == pytest.approx(result.objective, rel=1e-6)
    assert set(result.targets["scenario"]) == {"base", "ban"}
    assert result.targets["dual"].notna().all()
    assert (result.targets["dual"] >= -1e-6).all()  # tightening never saves money
