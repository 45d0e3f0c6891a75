"""paxsilica's MRIO engine against pymrio's ``calc_all`` at the shapes of real MRIO tables.

Run: ``.venv/bin/python -m bench.bench_mrio [--cases icio-5,icio-100,exiobase-5,exiobase-100] [--repeat N]``

Cases (``name-K``: a table shape with K stressors): ``icio`` = 81 regions × 45 sectors
(n = 3 645, the OECD ICIO's shape), ``exiobase`` = 49 regions × 200 products (n = 9 800,
EXIOBASE 3's product shape), ``r<R>x<S>`` any other grid (e.g. ``r20x200-5``, the shape the
first benchmark used). ``Z`` random with 5 % non-zeros (log-normal flows), 7 final-demand
categories per region, K stressors with ``F`` and ``F_Y``; final demand is set so that every
column of ``A`` sums to at most 0.6 (well-conditioned). Seed 0: the same system for both tools.
The fill is synthetic: real ICIO tables are denser, which only makes sparse methods dearer
(the engine then chooses dense LU, whose cost does not depend on the fill).

Each measurement runs in its own subprocess: inputs are built, the peak-RSS counter is
reset (``/proc/self/clear_refs``), then the tool computes x, stressor coefficients,
multipliers and the footprint accounts (``D_cba, D_pba, D_imp, D_exp`` and their regional
sums); the table shows the wall time of that step, the process's peak RSS during it
(inputs, interpreter and libraries included), the increase of RSS over the inputs, the
method paxsilica chose, and the ratios pymrio / paxsilica from the same run. Results of both
tools are compared (x, M, D_cba, D_imp, D_cba_reg, D_imp_reg) and the largest relative
difference is printed.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp

from bench.table import record

DENSITY = 0.05
CATEGORIES = 7
MAX_COLUMN_SUM = 0.6
SHAPES = {"icio": (81, 45), "exiobase": (49, 200)}


def parse_case(case: str) -> tuple[int, int, int]:
    """``(regions, sectors, stressors)`` of a case name such as ``icio-100`` or ``r20x200-5``
    (a suffix ``@N`` — the sector-resolved imports for N consuming regions only — is ignored here)."""
    shape, _, stressors = case.partition("@")[0].rpartition("-")
    if shape in SHAPES:
        regions, sectors = SHAPES[shape]
    else:
        regions, sectors = (int(part) for part in shape.removeprefix("r").split("x"))
    return regions, sectors, int(stressors)


def make_system(regions: int, sectors: int, stressors: int, seed: int = 0):
    """A deterministic MRIO-style system: sparse Z, labelled Y, F and F_Y."""
    rng = np.random.default_rng(seed)
    n = regions * sectors
    region_names = [f"reg{r + 1}" for r in range(regions)]
    labels = pd.MultiIndex.from_product([region_names, [f"sec{s + 1}" for s in range(sectors)]],
                                        names=["region", "sector"])
    flows = sp.random_array((n, n), density=DENSITY, rng=rng, format="csr",
                            data_sampler=lambda size: rng.lognormal(0.0, 1.0, size))
    column_sums = np.asarray(flows.sum(axis=0)).ravel()
    row_sums = np.asarray(flows.sum(axis=1)).ravel()
    demand_total = np.maximum(column_sums / MAX_COLUMN_SUM - row_sums, 0.0) + rng.uniform(1.0, 10.0, n)
    demand_columns = pd.MultiIndex.from_product([region_names, [f"cat{c + 1}" for c in range(CATEGORIES)]],
                                                names=["region", "category"])
    demand = rng.dirichlet(np.ones(len(demand_columns)), size=n) * demand_total[:, None]
    stressor_index = pd.Index([f"stressor{k + 1}" for k in range(stressors)], name="stressor")
    direct = pd.DataFrame(rng.lognormal(0.0, 1.0, (stressors, n)), index=stressor_index, columns=labels)
    final = pd.DataFrame(rng.lognormal(0.0, 1.0, (stressors, len(demand_columns))), index=stressor_index,
                         columns=demand_columns)
    return labels, flows, pd.DataFrame(demand, index=labels, columns=demand_columns), direct, final


def _status(field: str) -> float:
    """A memory field of /proc/self/status in MB (VmRSS, VmHWM)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _reset_peak() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def worker(tool: str, case: str, out: str) -> None:
    """Build inputs, measure one tool's calc_all, save key results to ``out`` (npz) and print JSON.

    ``tool`` is ``pymrio``, ``paxsilica`` (all of pymrio's accounts, incl. the sector-resolved
    ``D_imp``) or ``paxsilica-core`` (x, M, D_cba, D_pba, D_exp and all regional accounts incl.
    ``D_imp_reg``, without the sector-resolved ``D_imp``).
    """
    labels, flows, demand, stressors, final = make_system(*parse_case(case))
    n = len(labels)
    if tool == "pymrio":
        import pymrio

        leontief_solver = None
        system = pymrio.IOSystem(Z=pd.DataFrame(flows.toarray(), index=labels, columns=labels), Y=demand)
        system.stressors = pymrio.Extension(name="stressors", F=stressors, F_Y=final)
        del flows
    else:
        from paxsilica.linalg import leontief_solver, read_mrio

        mrio = read_mrio(flows, demand, {"stressors": {"F": stressors, "F_Y": final}}, labels=labels)
        del flows  # as in the pymrio branch: only the tool's own copy of the inputs stays
    import ctypes
    import gc

    gc.collect()
    with contextlib.suppress(OSError):  # return freed input-building heap to the OS, for both tools alike
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    before = _status("VmRSS")
    reset = _reset_peak()
    start, cpu_start = time.perf_counter(), time.process_time()
    if tool == "pymrio":
        system.calc_all()
        x, ext = system.x, system.stressors
        results = {"x": x.to_numpy().ravel(), "M": ext.M.to_numpy(), "D_cba": ext.D_cba.to_numpy(),
                   "D_imp": ext.D_imp.to_numpy(), "D_imp_reg": ext.D_imp_reg.to_numpy(),
                   "D_cba_reg": ext.D_cba_reg.to_numpy()}
    else:
        from paxsilica.linalg import calc_all

        asked = case.partition("@")[2]   # "R" or "RxK": D_imp for the first R regions (and K stressors)
        imports, chosen = tool == "paxsilica", None
        if asked:
            count, _, kinds = asked.partition("x")
            imports = list(pd.unique(mrio.Y.columns.get_level_values(0)))[:int(count)]
            chosen = list(stressors.index[:int(kinds)]) if kinds else None
        result = calc_all(mrio, sector_imports=imports, import_stressors=chosen)
        accounts = result.accounts["stressors"]
        results = {"x": result.x.to_numpy().ravel(), "M": result.M["stressors"].to_numpy(),
                   "D_cba": accounts.D_cba.to_numpy(), "D_imp_reg": accounts.D_imp_reg.to_numpy(),
                   "D_cba_reg": accounts.D_cba_reg.to_numpy()}
        if accounts.D_imp is not None:
            results["D_imp"] = accounts.D_imp.to_numpy()
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    peak = _status("VmHWM") if reset else float("nan")
    np.savez(out, **results)
    method = "inv" if tool == "pymrio" else leontief_solver(mrio).method
    if tool == "paxsilica" and "blocks-auto" in mrio._cache:
        method += "+blk"
    print(json.dumps({"tool": tool, "case": case, "n": n, "seconds": seconds, "cpu": cpu, "rss_before_mb": before,
                      "peak_rss_mb": peak, "method": method}))


def _measure(tool: str, case: str, folder: str, repeat: int) -> dict:
    """Run the worker ``repeat`` times in fresh subprocesses; keep the fastest run."""
    best: dict = {}
    for attempt in range(repeat):
        out = str(Path(folder) / f"{tool}-{case}-{attempt}.npz")
        completed = subprocess.run([sys.executable, "-m", "bench.bench_mrio", "--worker", tool, case, out],
                                   capture_output=True, text=True, check=False)
        if completed.returncode != 0:
            return {"tool": tool, "case": case, "error": (completed.stderr.strip().splitlines() or ["?"])[-1]}
        record = json.loads(completed.stdout.strip().splitlines()[-1])
        record["file"] = out
        record["extra_mb"] = record["peak_rss_mb"] - record["rss_before_mb"]
        if not best or record["seconds"] < best["seconds"]:
            best = record
    return best


def _agree(ours: str, theirs: str) -> float:
    """Largest |ours − pymrio| / (|pymrio| + 1e-12 max|pymrio|) over the results both saved."""
    a, b = np.load(ours), np.load(theirs)
    worst = 0.0
    for key in sorted(set(a.files) & set(b.files)):
        expected = b[key][:a[key].shape[0], :a[key].shape[1]] if a[key].ndim == 2 else b[key]  # D_imp asked
        scale = np.abs(expected) + 1e-12 * np.abs(expected).max()
        worst = max(worst, float(np.max(np.abs(a[key] - expected) / scale)))
    return worst


TOOLS = ("paxsilica", "paxsilica-core", "pymrio")
DEFAULT_CASES = "r60x50-100,r60x50-100@10x10,icio-100,icio-100@10x10,icio-5,r10x20-100"
"""The issue's shapes (60 × 50 and ICIO's 81 × 45 with 100 stressors; ``@10x10``: the
sector-resolved imports for 10 consuming regions and 10 stressors, as an analyst asks for
a coalition's members and the stressors of a study) and the small and few-stressor shapes
where the engine must not be slower.
EXIOBASE's shape (``exiobase-5``, ``exiobase-100``) takes minutes and 5 GB for pymrio: run it
with ``--cases``."""
ISSUE_SHAPES = ("r60x50-100", "icio-100")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", default=DEFAULT_CASES,
                        help="comma-separated cases: icio-K, exiobase-K or r<R>x<S>-K (K stressors)")
    parser.add_argument("--pymrio-limit", type=int, default=10_000, help="skip pymrio above this n")
    parser.add_argument("--repeat", type=int, default=1, help="runs per measurement; the fastest is kept")
    parser.add_argument("--worker", nargs=3, metavar=("TOOL", "CASE", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(*args.worker)
        return
    cases = [case.strip() for case in args.cases.split(",") if case.strip()]
    print(f"{'case':<13} {'n':>5} {'tool':<15} {'method':>10} {'time s':>8} {'peak MB':>8} {'+MB':>7} | "
          f"{'time ×':>7} {'peak ÷':>7} {'+MB ÷':>7} | max rel diff to pymrio", flush=True)
    with tempfile.TemporaryDirectory() as folder:
        oracles: dict[str, dict] = {}
        for case in cases:
            regions, sectors, _ = parse_case(case)
            base = case.partition("@")[0]
            tools = ("paxsilica", "pymrio") if "@" in case else TOOLS
            results = {}
            for tool in tools:  # pymrio last, in the same run, so the ratios share the machine's state
                if tool == "pymrio" and regions * sectors > args.pymrio_limit:
                    results[tool] = {"skipped": True}
                    continue
                if tool == "pymrio" and base in oracles:  # pymrio computes every region anyway
                    results[tool] = oracles[base]
                    continue
                results[tool] = _measure(tool, case, folder, args.repeat)
            oracles[base] = results["pymrio"]
            for tool in tools:
                _print_row(case, tool, results[tool], results["pymrio"])
            _record(case, results)
    print("peak MB = process peak RSS while computing (inputs, interpreter and libraries included); "
          "+MB = that peak minus the RSS with inputs loaded; × and ÷ = pymrio / paxsilica. "
          "paxsilica = all of pymrio's accounts; paxsilica-core = without the sector-resolved D_imp. "
          "method: dense LU, sparse lu or gmres; +blk = D_imp from the domestic blocks.")


def _record(case: str, results: dict) -> None:
    ours, peer = results["paxsilica"], results["pymrio"]
    if "seconds" not in ours:
        return
    base, _, asked = case.partition("@")
    regions, _, kinds = asked.partition("x")
    what = "all accounts" + (f", D_imp for {regions} regions" + (f" x {kinds} stressors" if kinds else "")
                             if asked else "")
    goal = "ratio>=3" if base in ISSUE_SHAPES and not asked else "ratio>=1"
    note = (f"{ours['method']}; CPU s {ours.get('cpu', float('nan')):.2f} vs {peer.get('cpu', float('nan')):.2f}; "
            f"peak {ours['peak_rss_mb']:.0f} vs {peer.get('peak_rss_mb', float('nan')):.0f} MB; max rel diff "
            f"{_agree(ours['file'], peer['file']):.1e}" if "seconds" in peer else ours["method"])
    record(f"MRIO {what}", f"{base} (n={ours['n']})", ours["seconds"], "s", peer=peer.get("seconds"),
           peer_name="pymrio calc_all", goal=goal, shape="worst" if goal == "ratio>=3" else "best", note=note)


def _print_row(case: str, tool: str, record: dict, oracle: dict) -> None:
    if "error" in record:
        print(f"{case:<13} {'':>5} {tool:<15} failed: {record['error']}", flush=True)
        return
    if "seconds" not in record:
        print(f"{case:<13} {'':>5} {tool:<15} skipped (n above --pymrio-limit)", flush=True)
        return
    line = (f"{case:<13} {record['n']:>5} {tool:<15} {record['method']:>10} {record['seconds']:8.3f} "
            f"{record['peak_rss_mb']:8.0f} {record['extra_mb']:7.0f} |")
    if tool != "pymrio" and "seconds" in oracle:
        line += (f" {oracle['seconds'] / record['seconds']:7.1f} {oracle['peak_rss_mb'] / record['peak_rss_mb']:7.1f}"
                 f" {oracle['extra_mb'] / max(record['extra_mb'], 1.0):7.1f} | "
                 f"{_agree(record['file'], oracle['file']):.1e}")
    print(line, flush=True)


if __name__ == "__main__":
    main()
