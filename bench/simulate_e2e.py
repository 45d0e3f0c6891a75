"""Simulate end to end against BoARIO: start, read a pymrio text folder, run, write JSON.

Run: ``.venv/bin/python -m bench.simulate_e2e [--n 2000] [--days 365] [--repeat 1]``

Both tools get the same folder (written by ``pymrio.IOSystem.save``; a random MRIO as in
:mod:`bench.bench_simulate`, cached under ``build/bench/``) and the same event: 30 % of the
first industry's capacity lost from step 1 to the end (BoARIO's recovery event). Each run
is a fresh process, timed from its start to its exit (wall time, and CPU time of the
process and its threads):

* ``paxsilica`` — the command ``paxsilica simulate scenario.yaml --format json -o out.json``
  (daily output of every industry, and the summary);
* ``paxsilica-lib`` — the same through the library (no command-line start-up);
* ``BoARIO`` — a script: ``pymrio.load``, output ``x`` and coefficients ``A`` (what
  ``ARIOPsiModel`` needs; pymrio's ``calc_all`` would also invert ``I − A``), the model, the
  simulation stepped ``days`` times, ``production_realised.to_json`` (daily output of every
  industry). The cheapest honest BoARIO route.

Shapes: ``best`` = a dense MRIO (each sector in every region: the grid layout of the
kernel); ``worst`` = 25 % of the flows non-zero, under the grid threshold (the sparse
products every other network uses). Answers: every industry's output on every day, ours
against BoARIO's, largest relative difference.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from bench.table import record

CACHE = Path(__file__).parents[1] / "build" / "bench"
SHAPES = {"best": 1.0, "worst": 0.25}


def mrio_folder(n: int, density: float) -> Path:
    """A pymrio text folder of a random MRIO (written once, then reused)."""
    from bench.bench_simulate import make_mrio

    # no dot in the name: pymrio's save takes a path with a suffix for a file
    folder = CACHE / f"e2e-mrio-{n}-fill{round(density * 100)}"
    if (folder / "file_parameters.json").exists():
        return folder
    import pymrio

    labels, z, final = make_mrio(n, density)
    regions = list(dict.fromkeys(labels.get_level_values(0)))
    y = np.zeros((n, len(regions)))
    y[np.arange(n), pd.factorize(labels.get_level_values(0))[0]] = final
    system = pymrio.IOSystem(Z=pd.DataFrame(z.toarray(), index=labels, columns=labels),
                             Y=pd.DataFrame(y, index=labels, columns=pd.MultiIndex.from_product(
                                 [regions, ["fd"]], names=["region", "category"])))
    partial = folder.with_name(folder.name + "-partial")
    shutil.rmtree(partial, ignore_errors=True)
    system.save(partial)
    partial.rename(folder)
    return folder


def scenario_file(folder: Path, days: int) -> Path:
    labels = pd.read_csv(folder / "Z.txt", sep="\t", usecols=[0, 1], skiprows=3, header=None, nrows=1)
    region, sector = labels.iloc[0]
    path = folder.parent / f"{folder.name}-{days}.yaml"
    path.write_text(f"name: e2e\nnetwork: {{mrio: {folder.name}}}\ndays: {days}\nevents:\n"
                    f"  - {{kind: capacity_loss, region: {region}, sector: {sector}, fraction: 0.3, start: 1, "
                    f"duration: {days - 2}, recovery: 1000}}\n")
    return path


def _ours_library(scenario: str, out: str) -> None:
    from paxsilica.simulate.output import ResultWriter
    from paxsilica.simulate.run import prepare, run_prepared

    parsed, net, params, schedule = prepare(None, scenario)
    with open(out, "wb") as handle:
        writer = ResultWriter("json", handle, scenario=parsed.name, days=parsed.days, industries=net.industries,
                              regions=net.regions)
        writer.finish(run_prepared(parsed, net, params, schedule, sink=writer.rows, keep=False))


def _boario(folder: str, days: int, out: str) -> None:
    import warnings

    import pymrio
    from boario.event import from_series
    from boario.extended_models import ARIOPsiModel
    from boario.simulation import Simulation

    system = pymrio.load(folder)
    system.x = pymrio.calc_x(system.Z, system.Y)
    system.A = pymrio.calc_A(system.Z, system.x)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = ARIOPsiModel(system)
        sim = Simulation(model, n_temporal_units_to_sim=days)
        capital = pd.Series(model.productive_capital, index=model.industries)
        sim.add_event(from_series(impact=0.3 * capital.iloc[[0]], event_type="recovery", recovery_tau=1000,
                                  occurrence=1, duration=days - 2, event_monetary_factor=model.monetary_factor))
        for _ in range(days):  # not sim.loop(): it stops early once it sees an equilibrium
            sim.next_step()
    sim.production_realised.to_json(out)


def _timed(command: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds (user + system, threads included) of one process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _difference(ours: Path, theirs: Path, days: int) -> float:
    document = json.loads(ours.read_text())
    series = pd.DataFrame(document["series"])
    mine = series.pivot_table(index="step", columns=["region", "sector"], values="production", sort=False)
    other = pd.read_json(theirs)
    other.columns = pd.MultiIndex.from_tuples([tuple(json.loads(c.replace("(", "[").replace(")", "]")
                                                                .replace("'", '"'))) if isinstance(c, str)
                                               else tuple(c) for c in other.columns])
    other = other.sort_index().iloc[:days]
    mine = mine[other.columns]
    return float(np.max(np.abs(mine.to_numpy() / other.to_numpy() - 1)))


def measure(n: int, days: int, shape: str, repeat: int = 1) -> dict:
    folder = mrio_folder(n, SHAPES[shape])
    scenario = scenario_file(folder, days)
    work = CACHE / "e2e-out"
    work.mkdir(parents=True, exist_ok=True)
    executable = Path(sys.executable).with_name("paxsilica")
    commands = {
        "paxsilica": [str(executable), "simulate", str(scenario), "--format", "json", "-o",
                      str(work / "cli.json")],
        "paxsilica-lib": [sys.executable, "-m", "bench.simulate_e2e", "--ours", str(scenario),
                          str(work / "lib.json")],
        "BoARIO": [sys.executable, "-m", "bench.simulate_e2e", "--boario", str(folder), str(days),
                   str(work / "boario.json")],
    }
    found = {}
    for name, command in commands.items():
        runs = [_timed(command) for _ in range(repeat)]
        found[name] = min(runs)  # fastest wall time, with its CPU time
    found["difference"] = _difference(work / "cli.json", work / "boario.json", days)
    return found


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--shapes", default="best,worst")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--ours", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--boario", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.ours:
        _ours_library(*args.ours)
        return
    if args.boario:
        _boario(args.boario[0], int(args.boario[1]), args.boario[2])
        return
    print(f"{'shape':<6} {'n':>6} {'days':>5} {'tool':<14} {'wall s':>8} {'cpu s':>8} {'× wall':>7} {'× cpu':>7}")
    for shape in args.shapes.split(","):
        found = measure(args.n, args.days, shape, args.repeat)
        peer_wall, peer_cpu = found["BoARIO"]
        for tool in ("paxsilica", "paxsilica-lib", "BoARIO"):
            wall, cpu = found[tool]
            print(f"{shape:<6} {args.n:>6} {args.days:>5} {tool:<14} {wall:8.2f} {cpu:8.2f} "
                  f"{peer_wall / wall:6.1f}x {peer_cpu / cpu:6.1f}x", flush=True)
        print(f"largest relative difference to BoARIO (every industry, every day): {found['difference']:.1e}")
        case = f"n={args.n}, {args.days} days, {'dense' if shape == 'best' else '25 % fill'}, JSON"
        note = f"max rel diff to BoARIO {found['difference']:.1e}; CPU s {found['paxsilica'][1]:.1f} vs {peer_cpu:.1f}"
        record("simulate end to end (CLI)", case, found["paxsilica"][0], "s", peer=peer_wall, peer_name="BoARIO",
               goal="ratio>=8", shape=shape, note=note)
        record("simulate end to end (library)", case, found["paxsilica-lib"][0], "s", peer=peer_wall,
               peer_name="BoARIO", goal="ratio>=8", shape=shape)


if __name__ == "__main__":
    main()
