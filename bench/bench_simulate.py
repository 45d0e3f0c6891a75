"""paxsilica's ARIO kernel against BoARIO's ``ARIOPsiModel`` (seconds per step), a
million-industry sparse network, and the end-to-end run (:mod:`bench.simulate_e2e`).

Run: ``.venv/bin/python -m bench.bench_simulate [--sizes 48,500,2000,4000] [--density 1.0]
[--shapes 1.0,0.25] [--big-n 1000000] [--e2e-n 2000] [--e2e-days 365] [--skip compare|big|e2e]``

Systems: n = 48 is pymrio's test MRIO; other sizes are random MRIOs with ``n = regions ×
sectors`` (40 sectors, or 20 at n = 500), log-normal flows at ``--density`` (default 1.0:
dense, as MRIO tables are and as BoARIO stores them) and final demand such that every
column of ``A`` sums to 0.6. Both tools get the same system and a capacity loss of 30 % of
one industry from step 1 (so stocks, orders and overproduction move); each runs warm-up
steps, then timed steps. Production of both tools is compared at the last step. The
issue's figure is n = 2 000: ``--shapes`` gives its fills, 1.0 (the dense MRIO: the kernel's
grid layout, best) and 0.25 (below the grid threshold: the sparse products, worst).

The big case runs in its own process (its peak RSS is its own; with the allocator settings of
:data:`~paxsilica.simulate.ensemble.WORKER_ENVIRONMENT`, not its one-thread limit): a sparse network of
1 000 products × (n / 1 000) regions with 10 suppliers per industry, our kernel only
(BoARIO's dense arrays would need n² × 8 bytes, 8 TB at a million industries).

The ensemble benchmark is :mod:`bench.ensemble` (``python -m bench --only ensemble``).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
import warnings

import numpy as np
import pandas as pd
import scipy.sparse as sp

from bench.table import record

MAX_COLUMN_SUM = 0.6


def make_mrio(n: int, density: float, seed: int = 0) -> tuple[pd.MultiIndex, sp.csr_matrix, np.ndarray]:
    """Labels, annual Z (CSR) and final demand per industry of a random MRIO."""
    rng = np.random.default_rng(seed)
    sectors = 20 if n <= 500 else 40
    regions = n // sectors
    labels = pd.MultiIndex.from_product([[f"reg{r:03d}" for r in range(regions)],
                                         [f"sec{s:02d}" for s in range(sectors)]],
                                        names=["region", "sector"])
    if density >= 1.0:
        flows = sp.csr_matrix(rng.lognormal(0.0, 1.0, (n, n)))
    else:
        flows = sp.random_array((n, n), density=density, rng=rng, format="csr",
                                data_sampler=lambda size: rng.lognormal(0.0, 1.0, size))
        flows = sp.csr_matrix(flows)
    columns = np.asarray(flows.sum(axis=0)).ravel()
    rows = np.asarray(flows.sum(axis=1)).ravel()
    final = np.maximum(columns / MAX_COLUMN_SUM - rows, 0.0) + rng.uniform(1.0, 10.0, n)
    return labels, flows, final


def ours_per_step(z: sp.csr_matrix, final: np.ndarray, product: np.ndarray, steps: int,
                  warmup: int = 2) -> tuple[float, np.ndarray]:
    from paxsilica.simulate.ario import Shocks, build_params, initial_state, step

    params = build_params(z, final, product)
    loss = np.zeros(params.n)
    loss[0] = 0.3
    shocks = Shocks(capacity_loss=loss)
    state = step(initial_state(params), params)  # the loss starts at step 1, as BoARIO's event
    for _ in range(warmup - 1):
        state = step(state, params, shocks)
    started, cpu = time.perf_counter(), time.process_time()
    for _ in range(steps):
        state = step(state, params, shocks)
    ours_per_step.cpu = (time.process_time() - cpu) / steps  # CPU s/step of the last call
    return (time.perf_counter() - started) / steps, state.production


def boario_per_step(labels: pd.MultiIndex, z: sp.csr_matrix, final: np.ndarray, steps: int,
                    warmup: int = 2) -> tuple[float, np.ndarray]:
    import pymrio
    from boario.event import from_series
    from boario.extended_models import ARIOPsiModel
    from boario.simulation import Simulation

    # BoARIO needs one final-demand column per region (it broadcasts a single column to all
    # regions): each industry's final demand is consumed in its own region
    regions = list(dict.fromkeys(labels.get_level_values(0)))
    own = pd.factorize(labels.get_level_values(0))[0]
    y = np.zeros((len(labels), len(regions)))
    y[np.arange(len(labels)), own] = final
    io = pymrio.IOSystem(Z=pd.DataFrame(z.toarray(), index=labels, columns=labels),
                         Y=pd.DataFrame(y, index=labels, columns=pd.MultiIndex.from_product(
                             [regions, ["fd"]], names=["region", "category"])))
    io.calc_all()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = ARIOPsiModel(io)
        sim = Simulation(model, n_temporal_units_to_sim=warmup + steps + 5)
        capital = pd.Series(model.productive_capital, index=model.industries)
        sim.add_event(from_series(impact=0.3 * capital.iloc[[0]], event_type="recovery",
                                  recovery_tau=1000, occurrence=1, duration=warmup + steps + 2,
                                  event_monetary_factor=model.monetary_factor))
        for _ in range(warmup):
            sim.next_step()
        started = time.perf_counter()
        for _ in range(steps):
            sim.next_step()
    return (time.perf_counter() - started) / steps, model.production.copy()


def compare_sizes(sizes: list[int], density: float, shapes: list[float] | None = None) -> None:
    print(f"{'n':>6} {'fill':>5} {'ours s/step':>12} {'BoARIO s/step':>14} {'ratio':>7} {'max rel diff':>13}")
    cases = [(n, density) for n in sizes] + [(2000, fill) for fill in shapes or [] if (2000, fill) not in
                                              [(n, density) for n in sizes]]
    for n, fill in cases:
        if n == 48:  # pymrio's test MRIO, sorted as BoARIO sorts it
            import pymrio

            io = pymrio.load_test().calc_all()
            order = io.Z.index.sort_values()
            labels = order
            z = sp.csr_matrix(io.Z.loc[order, order].to_numpy())
            final = io.Y.loc[order].to_numpy().sum(axis=1)
        else:
            labels, z, final = make_mrio(n, fill)
        product = pd.factorize(labels.get_level_values(1), sort=True)[0]
        steps = 20 if n <= 500 else 5 if n <= 2000 else 3
        ours, _ = ours_per_step(z, final, product, steps * 4)
        # BoARIO sorts industries lexically; the label sets here are sorted already
        theirs, x_theirs = boario_per_step(labels, z, final, steps)
        # same number of steps for the comparison of production: rerun ours for steps
        _, x_same = ours_per_step(z, final, product, steps)
        diff = np.max(np.abs(x_same / x_theirs - 1))
        print(f"{n:>6} {fill:>5.2f} {ours:>12.5f} {theirs:>14.4f} {theirs / ours:>6.1f}x {diff:>13.2e}", flush=True)
        if n == 2000:
            record("ARIO step", f"n=2000, fill {fill:.2f}", ours, "s/step", peer=theirs, peer_name="BoARIO",
                   goal="ratio>=20", shape="best" if fill >= 1.0 else "worst",
                   note=f"max rel diff of production {diff:.1e}")


def _peak_rss_mb() -> float:
    """VmHWM of this process (reset by clear_refs), else ru_maxrss."""
    try:
        with open("/proc/self/status") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def big(n: int = 1_000_000, suppliers: int = 10, steps: int = 3) -> None:
    """n industries (default a million), our kernel only; prints JSON with s/step and peak RSS."""
    # the peak-RSS counter survives fork + exec: reset it so the figure is this run's own
    with open("/proc/self/clear_refs", "w") as handle:
        handle.write("5")
    rng = np.random.default_rng(1)
    products = 1000
    rows = rng.integers(0, n, n * suppliers)
    cols = np.repeat(np.arange(n), suppliers)
    z = sp.csr_matrix((rng.lognormal(0.0, 1.0, rows.size), (rows, cols)), shape=(n, n))
    column_sums = np.asarray(z.sum(axis=0)).ravel()
    final = np.maximum(column_sums / MAX_COLUMN_SUM - np.asarray(z.sum(axis=1)).ravel(), 0.0) + 1.0
    product = np.arange(n) % products
    started = time.perf_counter()
    per_step, _ = ours_per_step(z, final, product, steps)
    cpu = ours_per_step.cpu
    peak_mb = _peak_rss_mb()
    print(json.dumps({"n": n, "nnz": int(z.nnz), "s_per_step": per_step, "peak_rss_mb": peak_mb,
                      "total_s": time.perf_counter() - started, "cpu_s": cpu}))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="48,500,2000,4000")
    parser.add_argument("--density", type=float, default=1.0)
    parser.add_argument("--shapes", default="1.0,0.25", help="fills of the n = 2 000 comparison")
    parser.add_argument("--big-n", type=int, default=1_000_000)
    parser.add_argument("--e2e-n", type=int, default=2000)
    parser.add_argument("--e2e-days", type=int, default=365)
    parser.add_argument("--skip", action="append", default=[], choices=["compare", "big", "e2e"])
    parser.add_argument("--big", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.big:
        big(args.big)
        return
    if "compare" not in args.skip:
        compare_sizes([int(n) for n in args.sizes.split(",")], args.density,
                      [float(f) for f in args.shapes.split(",") if f])
    if "big" not in args.skip:
        from paxsilica.simulate.ensemble import WORKER_ENVIRONMENT

        # glibc's allocator settings of the ensemble workers: a step's 80 MB temporaries stay on
        # the heap instead of being fresh mappings (measured: half the CPU time per step); not
        # their one-BLAS-thread limit: a single run multiplies H on both cores
        allocator = {key: value for key, value in WORKER_ENVIRONMENT.items() if key.startswith("MALLOC_")}
        out = subprocess.run([sys.executable, "-m", "bench.bench_simulate", "--big", str(args.big_n)],
                             capture_output=True, text=True, check=True,
                             env={**os.environ, **allocator}).stdout
        found = json.loads(out.strip().splitlines()[-1])
        print(f"n = {found['n']:,} (nnz {found['nnz']:,}): {found['s_per_step']:.4f} s/step "
              f"({found['cpu_s']:.3f} CPU s/step), peak RSS {found['peak_rss_mb']:.0f} MB (own process)",
              flush=True)
        case = f"n={found['n']:,} industries, {found['nnz']:,} flows (sparse)"
        record("ARIO step, large sparse network", case, found["s_per_step"], "s/step", goal="max<=3",
               note="no peer: BoARIO's dense arrays would need n^2 x 8 bytes")
        record("ARIO, large sparse network: peak memory", case, found["peak_rss_mb"], "MB", goal="max<=16384")
    if "e2e" not in args.skip:
        from bench import simulate_e2e

        simulate_e2e.main(["--n", str(args.e2e_n), "--days", str(args.e2e_days)])


if __name__ == "__main__":
    main()
