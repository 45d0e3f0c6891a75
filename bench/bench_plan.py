"""Planner: 500 candidate projects × 20 items × 30 countries × 10 years × 10 scenarios.

Run: ``.venv/bin/python -m bench.bench_plan`` (``--projects``, ``--scenarios``… to change).

A synthetic problem on real catalogue items and ISO3 countries: each item has demand
in 8 of the 30 countries, 6 existing sources (one in China, the concern country) and
25 candidate projects (capex, lead time 0-3 years, earliest build). Targets: a
``max_concern_share`` per item from year 4, a ``min_domestic_share`` for one member per
item. Scenarios: a base case and 9 outage cases (China cuts 1-3 items, 50-100 %, from a
random year). Measured separately: building the linopy model (vectorised arrays), the
MILP solve to a 1 % gap (HiGHS), and the fixed-builds LP that gives the duals.

The chained case (``chained``) is the same problem with the 20 items linked in chains of
four (each the recipe input of the next; projects consume their inputs) and the first
stage of each chain storable between years, as issue 20 asks.

Peer: the issue's literal formulation (a flow per supplier → member arc,
``bench/plan_arcs.py``) on the same problem, same solver and gap; the ratio is its
build + solve time over ours, and both optima must agree within the gaps. By default the
peer runs on a smaller problem (``--peer-projects``, ``--peer-items``) because on the
full size it takes minutes; ``--peer-full`` compares on the full size.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

import numpy as np

COUNTRIES = ["CHN", "USA", "JPN", "KOR", "TWN", "AUS", "CAN", "GBR", "DEU", "FRA", "ITA",
             "NLD", "SWE", "FIN", "NOR", "ISR", "IND", "SGP", "PHL", "ARE", "QAT", "BRA",
             "CHL", "ZAF", "IDN", "MYS", "VNM", "MEX", "SAU", "KAZ"]


def synthetic(n_projects: int = 500, n_items: int = 20, n_years: int = 10,
              n_scenarios: int = 10, seed: int = 0) -> dict:
    """A problem mapping (as a YAML file would hold), deterministic in ``seed``."""
    from paxsilica.plan.load import bundled_network

    rng = np.random.default_rng(seed)
    items = sorted(bundled_network().items["item_id"])[:n_items]
    years = list(range(2026, 2026 + n_years))
    demand, sources, projects, targets = [], [], [], []
    for n, item in enumerate(items):
        members = rng.choice(COUNTRIES[1:], size=8, replace=False)
        total = 0.0
        for member in members:
            quantity = float(rng.integers(50, 500))
            total += quantity
            demand.append({"member": str(member), "item": item, "quantity": quantity})
        sources.append({"id": f"cn_{n}", "item": item, "country": "CHN",
                        "capacity": total * 2, "cost": 10.0})
        for s, country in enumerate(rng.choice(COUNTRIES[1:], size=5, replace=False)):
            sources.append({"id": f"src_{n}_{s}", "item": item, "country": str(country),
                            "capacity": float(total * rng.uniform(0.05, 0.2)),
                            "cost": float(rng.uniform(12, 20))})
        targets.append({"kind": "max_concern_share", "item": item,
                        "limit": float(rng.choice([0.4, 0.5, 0.6])), "from": years[3]})
        targets.append({"kind": "min_domestic_share", "item": item, "member": str(members[0]),
                        "limit": 0.2, "from": years[4]})
    for p in range(n_projects):
        n = p % n_items
        projects.append({"id": f"prj_{p}", "item": items[n],
                         "country": str(rng.choice(COUNTRIES[1:])),
                         "capacity": float(rng.integers(100, 800)),
                         "capex": float(rng.integers(2_000, 20_000)),
                         "cost": float(rng.uniform(11, 18)), "lead_time": int(rng.integers(0, 4)),
                         "earliest_build": int(rng.choice(years[:5]))})
    for target in targets[1::2]:  # make sure each domestic target has a project at home
        projects.append({"id": f"home_{target['item']}", "item": target["item"],
                         "country": target["member"], "capacity": 2000.0, "capex": 30_000.0,
                         "cost": 16.0, "lead_time": 1})
    scenarios = [{"name": "base", "probability": 0.5}]
    for k in range(1, n_scenarios):
        hit = rng.choice(items, size=int(rng.integers(1, 4)), replace=False)
        scenarios.append({"name": f"ban_{k}", "probability": 0.5 / (n_scenarios - 1),
                          "from": int(rng.choice(years[1:])),
                          "outages": [{"country": "CHN", "item": str(i),
                                       "fraction": float(rng.choice([0.5, 1.0]))} for i in hit]})
    return {"name": "benchmark", "years": years, "discount_rate": 0.05, "concern": ["CHN"],
            "unmet_penalty": 1000.0, "demand": demand, "sources": sources,
            "projects": projects, "targets": targets, "scenarios": scenarios}


def chained(data: dict, stages: int = 4, seed: int = 0) -> dict:
    """The same problem with its items linked in chains of ``stages`` (each item the input
    of the next, 0.5-2 units per unit), the projects consuming their inputs, and the first
    stage of every chain storable (holding cost 1 per unit and year)."""
    rng = np.random.default_rng(seed)
    items = sorted({d["item"] for d in data["demand"]})
    recipes = [{"output": items[n], "input": items[n - 1],
                "quantity": float(rng.choice([0.5, 1.0, 1.5, 2.0]))}
               for n in range(1, len(items)) if n % stages]
    # upstream sources are sized for the inputs the chain draws (otherwise every chained
    # project would starve and the case would measure nothing)
    for source in data["sources"]:
        source["capacity"] *= 3.0
    return {**data, "name": "benchmark (chained)", "chain": {"recipes": recipes},
            "inventory": [{"item": items[n], "holding_cost": 1.0}
                          for n in range(0, len(items), stages)]}


def measure(args: argparse.Namespace, chain: bool = False) -> dict[str, object]:
    from paxsilica.plan import build, solve
    from paxsilica.plan.load import bundled_network, check_problem, parse_problem

    data = synthetic(args.projects, args.items, args.years, args.scenarios)
    if chain:
        data = chained(data)
    started = time.perf_counter()
    problem = check_problem(parse_problem(data), bundled_network())
    load_seconds = time.perf_counter() - started
    started = time.perf_counter()
    pm = build(problem)
    build_seconds = time.perf_counter() - started
    m = pm.model
    result = solve(pm, mip_gap=0.01, duals=not args.no_duals, time_limit=args.time_limit,
                   log=args.log, forced_values=0, loss_values=0)
    return {"case": "chained" if chain else "flat",
            "projects": len(problem.projects), "items": args.items, "countries": len(COUNTRIES),
            "years": args.years, "scenarios": args.scenarios,
            "variables": int(m.nvars), "binaries": int(m.binaries.nvars),
            "constraints": int(m.ncons), "status": result.status,
            "objective": result.objective, "mip_gap": result.mip_gap,
            "builds": len(result.builds), "load_s": round(load_seconds, 2),
            "build_s": round(build_seconds, 2),
            "solve_s": round(result.timings["solve_seconds"], 2),
            "duals_s": round(result.timings.get("duals_seconds", 0.0), 2),
            "tables_s": round(result.timings.get("tables_seconds", 0.0), 2)}


def peer(args: argparse.Namespace, projects: int, items: int) -> dict[str, object]:
    """Ours and the arc formulation on one problem: times and objectives."""
    import logging

    from bench.plan_arcs import build_arcs
    from paxsilica.plan import build, solve
    from paxsilica.plan.load import bundled_network, check_problem, parse_problem

    logging.getLogger("linopy").setLevel(logging.ERROR)
    data = synthetic(projects, items, args.years, args.scenarios, seed=1)
    problem = check_problem(parse_problem(data), bundled_network())
    started = time.perf_counter()
    result = solve(build(problem), mip_gap=0.01, duals=False)
    ours = time.perf_counter() - started
    started = time.perf_counter()
    m = build_arcs(problem)
    m.solve(solver_name="highs", io_api="direct", mip_rel_gap=0.01, output_flag=False)
    theirs = time.perf_counter() - started
    objective = float(m.objective.value)
    return {"peer_projects": len(problem.projects), "peer_items": items,
            "ours_s": round(ours, 2), "arcs_s": round(theirs, 2),
            "ratio": round(theirs / ours, 1),
            "arcs_variables": int(m.nvars), "objective": result.objective,
            "arcs_objective": objective,
            "relative_difference": abs(objective - result.objective) / objective}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=500)
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--scenarios", type=int, default=10)
    parser.add_argument("--time-limit", type=float, default=600.0)
    parser.add_argument("--no-duals", action="store_true", help="skip the fixed-builds LP")
    parser.add_argument("--log", action="store_true", help="HiGHS progress")
    parser.add_argument("--peer-projects", type=int, default=150)
    parser.add_argument("--peer-items", type=int, default=6)
    parser.add_argument("--peer-full", action="store_true", help="peer on the full size")
    parser.add_argument("--no-peer", action="store_true")
    parser.add_argument("--no-chained", action="store_true", help="skip the chained case")
    args = parser.parse_args(argv)
    rows = [measure(args)] + ([] if args.no_chained else [measure(args, chain=True)])
    for row in rows:
        print(json.dumps(row))
        total = row["build_s"] + row["solve_s"]
        print(f"{row['case']}: build {row['build_s']:.1f} s + solve to 1 % gap "
              f"{row['solve_s']:.1f} s = {total:.1f} s (flat target < 120 s); build share "
              f"{row['build_s'] / total:.0%}; duals LP {row['duals_s']:.1f} s; answer tables "
              f"{row['tables_s']:.1f} s; {row['variables']} variables ({row['binaries']} "
              f"binary), {row['constraints']} constraints; {row['status']}")
    row = rows[0]
    agree = True
    if not args.no_peer:
        size = (args.projects, args.items) if args.peer_full else (args.peer_projects,
                                                                   args.peer_items)
        cmp = peer(args, *size)
        print(json.dumps(cmp))
        # both solved to a 1 % gap: optima may differ by up to about 2 %
        agree = cmp["relative_difference"] <= 0.02
        print(f"peer (issue's arc formulation, {cmp['peer_projects']} projects × "
              f"{cmp['peer_items']} items): {cmp['arcs_s']:.1f} s vs ours {cmp['ours_s']:.1f} s "
              f"= {cmp['ratio']}x; objectives differ by {cmp['relative_difference']:.2%}")
    return 0 if all(r["status"] == "optimal" for r in rows) and agree else 1


if __name__ == "__main__":
    sys.exit(main())
