"""Chained stages (recipes link items), carried stock and recycling, against hand-worked
optima; random chained problems against an independent dense MILP (scipy ``milp``)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import Bounds, LinearConstraint, milp

from paxsilica.plan.load import check_problem, parse_problem


def magnets(oxide_capacity: float, **extra: object) -> dict:
    """USA needs 10 t of magnets; a US magnet plant (chained: 0.3 t oxide per t) or
    Chinese magnets (inputs included) at 9; oxide from Australia at 2."""
    data = {"name": "chain", "years": [2026], "concern": ["CHN"],
            "demand": [{"member": "USA", "item": "ndfeb_magnet", "quantity": 10}],
            "sources": [{"id": "cn_magnets", "item": "ndfeb_magnet", "country": "CHN",
                         "capacity": 100, "cost": 9},
                        {"id": "au_oxide", "item": "ndpr_oxide", "country": "AUS",
                         "capacity": oxide_capacity, "cost": 2}],
            "projects": [{"id": "us_magnets", "item": "ndfeb_magnet", "country": "USA",
                          "capacity": 20, "capex": 10, "cost": 5}],
            "chain": {"recipes": [{"output": "ndfeb_magnet", "input": "ndpr_oxide",
                                   "quantity": 0.3}]}}
    data.update(extra)
    return data


def test_downstream_plant_needs_upstream_supply(run):
    # with 3 t of oxide the plant makes 10 t: capex 10 + 10 × 5 + 3 × 2 = 66 < 90
    fed = run(magnets(3.0))
    assert fed.builds["project"].tolist() == ["us_magnets"]
    assert fed.objective == pytest.approx(66.0)
    uses = fed.uses.set_index("user")["quantity"]
    assert uses["us_magnets"] == pytest.approx(3.0)
    # with 1.5 t it makes only 5 t; the rest comes from China: 10 + 25 + 3 + 45 = 83 < 90
    half = run(magnets(1.5))
    assert half.objective == pytest.approx(83.0)
    # with no oxide the plant cannot run and is not built (issue 20)
    none = run(magnets(0.0))
    assert none.builds.empty and none.objective == pytest.approx(90.0)


def test_catalogue_ratios_through_left_out_items(net):
    # no ndpr_metal in the problem: 0.3 t metal × 1.1664 t oxide per t metal per t magnet
    data = magnets(3.0)
    data["chain"] = {"recipes": "catalogue"}
    problem = check_problem(parse_problem(data), net)
    (line,) = problem.chain.recipes
    assert (line.output, line.input) == ("ndfeb_magnet", "ndpr_oxide")
    assert line.quantity == pytest.approx(0.3 * 1.1664)


def test_concern_share_counts_inputs_of_chained_plants(run):
    # oxide: Chinese oxide at 1, Australian at 2; US demand 10 t oxide and a magnet plant
    # using 3 t; ≤ 50 % of the coalition's use (13 t) from China: 6.5 t at 1, 6.5 t at 2
    data = magnets(100.0)
    data["demand"].append({"member": "USA", "item": "ndpr_oxide", "quantity": 10})
    data["sources"] = [s for s in data["sources"] if s["id"] != "cn_magnets"] + [
        {"id": "cn_oxide", "item": "ndpr_oxide", "country": "CHN", "capacity": 100, "cost": 1}]
    data["targets"] = [{"kind": "max_concern_share", "item": "ndpr_oxide", "limit": 0.5}]
    result = run(data)
    assert result.objective == pytest.approx(10 + 10 * 5 + 6.5 * 1 + 6.5 * 2)
    row = result.targets.iloc[0]
    assert row["value"] == pytest.approx(0.5)
    assert row["dual"] == pytest.approx(13.0)  # one unit of share moves 13 t from 1 to 2


def test_stock_carried_to_a_year_of_outage(run):
    # China stops in 2027 (scenario ban, 50 %); buying 100 kg more in 2026 and carrying
    # them (holding 3 per kg and year) beats 100 kg short at 20
    data = {"name": "carry", "years": [2026, 2027], "concern": ["CHN"], "unmet_penalty": 20,
            "demand": [{"member": "USA", "item": "gallium", "quantity": 100}],
            "sources": [{"id": "cn", "item": "gallium", "country": "CHN", "capacity": 1000,
                         "cost": 1}],
            "inventory": [{"item": "gallium", "holding_cost": 3}],
            "scenarios": [{"name": "base", "probability": 0.5},
                          {"name": "ban", "probability": 0.5, "from": 2027,
                           "outages": [{"country": "CHN", "fraction": 1.0}]}]}
    result = run(data)
    # base: 100 + 100; ban: 200 in 2026 plus 100 held one year at 3
    assert result.objective == pytest.approx(0.5 * 200 + 0.5 * (200 + 300))
    stock = result.inventory.set_index(["scenario", "year"])["level"]
    assert stock.to_dict() == pytest.approx({("ban", 2026): 100.0})
    from_stock = result.flows[result.flows["source"] == "stock"]
    assert from_stock[["scenario", "year", "quantity"]].values.tolist() == [["ban", 2027, 100.0]]
    data["inventory"][0]["holding_cost"] = 25  # dearer than going short: nothing carried
    assert run(data).inventory.empty


def test_recycling_capacity_target(run):
    # CRMA: recycling able to make 25 % of the requirement; a recycling plant of 30 (capex
    # 50) is the only way; primary projects do not count
    data = {"name": "crma", "years": [2026], "concern": ["CHN"],
            "demand": [{"member": "DEU", "item": "gallium", "quantity": 100}],
            "sources": [{"id": "cn", "item": "gallium", "country": "CHN", "capacity": 1000,
                         "cost": 1}],
            "projects": [{"id": "de_mine", "item": "gallium", "country": "DEU", "capacity": 100,
                          "capex": 1, "cost": 1},
                         {"id": "de_recycling", "item": "gallium", "country": "DEU",
                          "capacity": 30, "capex": 50, "cost": 1, "kind": "recycling"}],
            "targets": [{"kind": "min_recycling_capacity_share", "item": "gallium",
                         "limit": 0.25}]}
    result = run(data)
    assert result.builds["project"].tolist() == ["de_recycling"]
    assert result.builds["kind"].tolist() == ["recycling"]
    assert result.targets["value"].tolist() == pytest.approx([0.3])
    assert result.objective == pytest.approx(50 + 100)


# --- random chained problems against scipy's milp -------------------------------------

ITEMS = ["gallium", "gallium_nitride"]  # input, output


def random_chain(seed: int) -> dict:
    rng = np.random.default_rng(seed)
    years = [2026, 2027, 2028][:int(rng.integers(2, 4))]
    ratio = float(rng.choice([0.5, 0.8, 1.5]))
    demand = [{"member": m, "item": i, "quantity": float(rng.integers(10, 60))}
              for m in ("USA", "JPN") for i in ITEMS if rng.random() < 0.75] or [
                  {"member": "USA", "item": "gallium_nitride", "quantity": 30.0}]
    sources = [{"id": f"s{n}", "item": str(rng.choice(ITEMS)), "country": str(c),
                "capacity": float(rng.integers(20, 100)), "cost": float(rng.integers(1, 6)),
                "inputs": bool(rng.random() < 0.5), "kind": str(rng.choice(["primary",
                                                                            "recycling"]))}
               for n, c in enumerate(rng.choice(["CHN", "USA", "JPN", "AUS"], size=5))]
    sources.append({"id": "r_us", "item": ITEMS[0], "country": "USA", "capacity": 80.0,
                    "cost": 6.0, "kind": "recycling"})  # keeps the recycled-share target feasible
    projects = [{"id": f"p{n}", "item": str(rng.choice(ITEMS)), "country": str(c),
                 "capacity": float(rng.integers(20, 80)), "capex": float(rng.integers(20, 300)),
                 "cost": float(rng.integers(1, 6)), "lead_time": int(rng.integers(0, 2)),
                 "kind": str(rng.choice(["primary", "recycling"], p=[0.7, 0.3]))}
                for n, c in enumerate(rng.choice(["USA", "JPN", "AUS"], size=3))]
    demanded = sorted({d["item"] for d in demand})
    targets = [{"kind": "max_concern_share", "item": demanded[-1],
                "limit": float(rng.choice([0.3, 0.6])), "from": years[-1]},
               {"kind": "min_recycled_share", "item": ITEMS[0],
                "limit": float(rng.choice([0.0, 0.1]))}]
    return {"name": f"chain {seed}", "years": years, "concern": ["CHN"], "discount_rate": 0.05,
            "unmet_penalty": float(rng.integers(30, 80)), "demand": demand, "sources": sources,
            "projects": projects, "targets": targets,
            "chain": {"recipes": [{"output": ITEMS[1], "input": ITEMS[0], "quantity": ratio}]},
            "inventory": [{"item": str(rng.choice(ITEMS)),
                           "holding_cost": float(rng.integers(0, 4)),
                           "initial": float(rng.integers(0, 20))}],
            "scenarios": [{"name": "base", "probability": 0.6},
                          {"name": "ban", "probability": 0.4, "from": years[1],
                           "outages": [{"country": "CHN", "fraction": 1.0},
                                       {"country": "AUS", "item": ITEMS[0],
                                        "fraction": 0.5}]}]}


def chain_oracle(data: dict) -> float:
    """The chained model written out densely with loops (supplier outputs, member unmet,
    carried stock), solved by scipy."""
    years, scen = data["years"], data["scenarios"]
    t0, r, pen = years[0], data["discount_rate"], data["unmet_penalty"]
    delta = {t: (1 + r) ** -(t - t0) for t in years}
    ratio = data["chain"]["recipes"][0]["quantity"]
    need = {}
    for d in data["demand"]:
        need[(d["member"], d["item"])] = need.get((d["member"], d["item"]), 0) + d["quantity"]
    sups = [dict(s, role="source", inputs=s.get("inputs", False)) for s in data["sources"]] + [
        dict(p, role="project", inputs=p["kind"] == "primary") for p in data["projects"]]
    stock = data["inventory"][0]
    cols: dict[tuple, int] = {}
    cost: list[float] = []
    integer: list[int] = []

    def col(key: tuple, c: float, is_int: int = 0) -> None:
        cols[key] = len(cost)
        cost.append(c)
        integer.append(is_int)

    for p in data["projects"]:
        for y in years:
            col(("b", p["id"], y), delta[y] * p["capex"], 1)
    for k, s in enumerate(scen):
        w = s["probability"]
        for t in years:
            for sup in sups:
                col(("x", k, t, sup["id"]), w * delta[t] * sup["cost"])
            for key in need:
                col(("u", k, t, key), w * delta[t] * pen)
            col(("h", k, t), w * delta[t] * stock["holding_cost"])
    rows, lo, hi = [], [], []

    def row(coeffs: dict[tuple, float], low: float, high: float) -> None:
        vector = np.zeros(len(cost))
        for key, v in coeffs.items():
            vector[cols[key]] += v
        rows.append(vector)
        lo.append(low)
        hi.append(high)

    for p in data["projects"]:
        row({("b", p["id"], y): 1 for y in years}, -np.inf, 1)
    for k, s in enumerate(scen):
        start = s.get("from", years[0])
        for n, t in enumerate(years):
            for sup in sups:
                lost = max([o["fraction"] for o in s.get("outages", []) if o["country"] == sup["country"]
                            and o.get("item", sup["item"]) == sup["item"] and t >= start],
                           default=0.0)
                cap = sup["capacity"] * (1 - lost)
                if sup["role"] == "source":
                    row({("x", k, t, sup["id"]): 1}, -np.inf, cap)
                else:
                    terms = {("x", k, t, sup["id"]): 1.0}
                    for y in years:
                        if y <= t - sup["lead_time"]:
                            terms[("b", sup["id"], y)] = -cap
                    row(terms, -np.inf, 0)
            for item in ITEMS:
                terms: dict[tuple, float] = {}
                for sup in sups:
                    if sup["item"] == item:
                        terms[("x", k, t, sup["id"])] = terms.get(("x", k, t, sup["id"]), 0) + 1
                    if item == ITEMS[0] and sup["item"] == ITEMS[1] and sup["inputs"]:
                        terms[("x", k, t, sup["id"])] = terms.get(("x", k, t, sup["id"]), 0) - ratio
                for key in need:
                    if key[1] == item:
                        terms[("u", k, t, key)] = 1.0
                rhs = sum(q for key, q in need.items() if key[1] == item)
                if stock["item"] == item:
                    terms[("h", k, t)] = -1.0
                    if n > 0:
                        terms[("h", k, years[n - 1])] = 1.0
                    else:
                        rhs -= stock.get("initial", 0.0)
                row(terms, rhs, rhs)
            for target in data["targets"]:
                if t < target.get("from", years[0]):
                    continue
                item, limit = target["item"], target["limit"]
                total = sum(q for key, q in need.items() if key[1] == item)
                terms = {}
                for sup in sups:
                    counted = (sup["country"] in data["concern"]
                               if target["kind"] == "max_concern_share"
                               else sup["kind"] == "recycling")
                    if sup["item"] == item and counted:
                        terms[("x", k, t, sup["id"])] = terms.get(("x", k, t, sup["id"]), 0) + 1
                    if item == ITEMS[0] and sup["item"] == ITEMS[1] and sup["inputs"]:
                        terms[("x", k, t, sup["id"])] = terms.get(("x", k, t, sup["id"]), 0) \
                            - limit * ratio
                if target["kind"] == "max_concern_share":
                    row(terms, -np.inf, limit * total)
                else:
                    row(terms, limit * total, np.inf)
    integrality = np.array(integer)
    upper = np.full(len(cost), np.inf)
    upper[integrality == 1] = 1.0
    result = milp(np.array(cost), constraints=LinearConstraint(np.array(rows), lo, hi),
                  integrality=integrality, bounds=Bounds(0, upper), options={"mip_rel_gap": 1e-9})
    assert result.success, result.message
    return float(result.fun)


@pytest.mark.parametrize("seed", range(10))
def test_chained_optimum_matches_scipy_milp(run, seed):
    data = random_chain(seed)
    result = run(data, mip_gap=1e-9, duals=False)
    assert result.status == "optimal", result.message
    assert result.objective == pytest.approx(chain_oracle(data), rel=1e-6, abs=1e-6)
    # the answer's tables add up to its objective
    t0, r = data["years"][0], data["discount_rate"]
    w = {s["name"]: s["probability"] for s in data["scenarios"]}
    delta = lambda t: (1 + r) ** -(t - t0)  # noqa: E731
    capex = sum(delta(b.year) * b.capex for b in result.builds.itertuples())
    made = sum(w[p.scenario] * delta(p.year) * p.quantity * p.cost
               for p in result.production.itertuples())
    short = sum(w[u.scenario] * delta(u.year) * u.quantity * data["unmet_penalty"]
                for u in result.unmet.itertuples())
    held = sum(w[h.scenario] * delta(h.year) * h.level * data["inventory"][0]["holding_cost"]
               for h in result.inventory.itertuples())
    assert capex + made + short + held == pytest.approx(result.objective, rel=1e-6, abs=1e-6)
    # flows to members and uses add up to what was produced and drawn from stock
    delivered = result.flows["quantity"].sum() + result.uses["quantity"].sum()
    drawn = result.flows.loc[result.flows["source"] == "stock", "quantity"].sum() + \
        result.uses.loc[result.uses["source"] == "stock", "quantity"].sum()
    assert delivered - drawn == pytest.approx(result.production["quantity"].sum(), abs=1e-5)
