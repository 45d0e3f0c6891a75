"""The ensemble benchmark: N members of an n-industry scenario over D days on Dask, resumable.

Run: ``.venv/bin/python -m bench.ensemble [--members 1000] [--n 2000] [--days 365]
[--workers 1,2] [--clusters local,processes] [--fresh]`` (the issue's case is 1 000 members
× 2 000 industries × 365 days; ``make bench`` runs a small one, see :data:`SMALL`).

The scenario: a random dense MRIO (as in :mod:`bench.bench_simulate`), an export ban from
the first region to all others from day 10 to day 100, ``inventory_days`` uniform in
30–120 and the ban's ``ramp_up`` uniform in 0–60 per member. Each cluster is timed with
1, 2, … worker processes (one thread each, :data:`~paxsilica.simulate.ensemble.WORKER_ENVIRONMENT`):

* ``local`` — a Dask ``LocalCluster`` (what ``paxsilica simulate --ensemble`` starts);
* ``processes`` — a scheduler and worker processes this benchmark starts itself
  (``dask scheduler``, ``dask worker``), reached by address as a remote cluster would be.

Members go to ``build/bench/ensemble-<n>-<days>/<cluster>-<workers>w/`` as they finish;
rerunning the same command resumes (members already there are not run again), and the
table reports the time per member of the members run in the last session, the workers'
peak memory (VmHWM) and the speed-up over one worker. ``--fresh`` starts over.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from bench.table import record

CACHE = Path(__file__).parents[1] / "build" / "bench"
SMALL = {"members": 8, "n": 500, "days": 120}
"""What ``make bench`` runs by default (minutes on a shared machine); the issue's case is larger."""


def scenario_and_network(n: int, days: int) -> tuple[object, object]:
    from bench.bench_simulate import make_mrio
    from paxsilica.simulate.network import SimNetwork
    from paxsilica.simulate.scenario import scenario_from_dict

    labels, z, final = make_mrio(n, 1.0)
    regions = list(labels.get_level_values(0))
    codes = pd.factorize(np.asarray(regions))[0]
    net = SimNetwork.from_arrays(regions, list(labels.get_level_values(1)), z,
                                 np.eye(codes.max() + 1)[codes] * final[:, None])
    scenario = scenario_from_dict({"name": "bench", "days": days, "events": [
        {"kind": "export_ban", "exporters": [regions[0]], "importers": ["all"], "start": 10,
         "end": min(100, days)}],
        "uncertain": {"inventory_days": {"uniform": [30, 120]}, "events.0.ramp_up": {"uniform": [0, 60]}}})
    return net, scenario


def _peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class _Processes:
    """A scheduler and ``workers`` worker processes started as commands (a cluster by address)."""

    def __init__(self, workers: int) -> None:
        from paxsilica.simulate.ensemble import WORKER_ENVIRONMENT

        self.folder = tempfile.mkdtemp(prefix="paxsilica-dask-")
        self.file = str(Path(self.folder) / "scheduler.json")
        dask = str(Path(sys.executable).with_name("dask"))
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
        self.scheduler = subprocess.Popen([dask, "scheduler", "--scheduler-file", self.file, "--port", "0",
                                           "--no-dashboard"], **quiet)
        self.workers = subprocess.Popen([dask, "worker", "--scheduler-file", self.file, "--nworkers",
                                         str(workers), "--nthreads", "1", "--memory-limit", "0",
                                         "--no-dashboard"], env={**os.environ, **WORKER_ENVIRONMENT}, **quiet)
        for _ in range(600):
            if Path(self.file).exists():
                break
            time.sleep(0.1)
        self.address = json.loads(Path(self.file).read_text())["address"]

    def close(self) -> None:
        for process in (self.workers, self.scheduler):
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(self.folder, ignore_errors=True)


def measure(kind: str, workers: int, net: object, scenario: object, members: int, folder: Path) -> dict:
    """Run (or resume) one ensemble on a cluster of ``kind``; log and return the session."""
    import dask
    from dask.distributed import Client, LocalCluster

    from paxsilica.simulate.ensemble import WORKER_ENVIRONMENT, run_ensemble

    folder.mkdir(parents=True, exist_ok=True)
    # members live in a subfolder named by the hash of scenario and options
    before = len(list(folder.rglob("member-*.parquet")))
    started = time.perf_counter()
    if kind == "local":
        with dask.config.set({"distributed.nanny.pre-spawn-environ": WORKER_ENVIRONMENT}):
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                   dashboard_address=None, silence_logs=logging.ERROR)
        address, close = cluster.scheduler_address, cluster.close
    else:
        spawned = _Processes(workers)
        address, close = spawned.address, spawned.close
    try:
        with Client(address) as client:
            client.wait_for_workers(workers, timeout=120)
            startup = time.perf_counter() - started
            began = time.perf_counter()
            run_ensemble(net, scenario, members=members, folder=folder, scheduler=address)
            seconds = time.perf_counter() - began
            peaks = list(client.run(_peak_mb).values())
    finally:
        close()
    ran = members - before
    session = {"cluster": kind, "workers": workers, "members": members, "ran": ran, "seconds": seconds,
               "startup_s": startup, "per_member_s": seconds / ran if ran else None,
               "worker_peak_mb": max(peaks, default=float("nan"))}
    log = folder / "sessions.jsonl"
    with log.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(session) + "\n")
    if not ran:  # everything was there: report the last session that ran members
        earlier = [json.loads(line) for line in log.read_text().splitlines() if line.strip()]
        ran_before = [s for s in earlier if s["ran"]]
        if ran_before:
            session = {**ran_before[-1], "resumed": True}
    return session


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=SMALL["members"])
    parser.add_argument("--n", type=int, default=SMALL["n"])
    parser.add_argument("--days", type=int, default=SMALL["days"])
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--clusters", default="local,processes")
    parser.add_argument("--fresh", action="store_true", help="delete the members of earlier runs first")
    parser.add_argument("--single-members", type=int, default=None,
                        help="members run on ONE worker (the speed-up's baseline; default: all)")
    args = parser.parse_args(argv)
    net, scenario = scenario_and_network(args.n, args.days)
    root = CACHE / f"ensemble-{args.n}-{args.days}"
    if args.fresh:
        shutil.rmtree(root, ignore_errors=True)
    print(f"ensemble: {args.members} members x {args.n} industries x {args.days} days; members in {root}")
    print(f"{'cluster':<10} {'workers':>7} {'ran':>5} {'wall s':>8} {'s/member':>9} {'speed-up':>8} "
          f"{'worker peak MB':>14} {'start s':>7}", flush=True)
    for kind in args.clusters.split(","):
        single = None
        for workers in (int(w) for w in args.workers.split(",")):
            members = args.single_members if workers == 1 and args.single_members else args.members
            found = measure(kind, workers, net, scenario, members, root / f"{kind}-{workers}w")
            per = found["per_member_s"]
            single = per if workers == 1 else single
            speedup = single / per if single and per else float("nan")
            print(f"{kind:<10} {workers:>7} {found['ran']:>5} {found['seconds']:8.1f} "
                  f"{per if per else float('nan'):9.2f} {speedup:7.2f}x {found['worker_peak_mb']:14.0f} "
                  f"{found['startup_s']:7.1f}" + ("  (resumed: figures of the last session that ran members)"
                                                  if found.get("resumed") else ""), flush=True)
            case = f"{members} members x {args.n} x {args.days} d, {kind}, {workers} workers"
            total = per * members if per else None
            record("ensemble (time for all members)", case, total, "s", goal="report",
                   note=f"{per or float('nan'):.2f} s/member; speed-up over 1 worker {speedup:.2f}x; "
                        f"worker peak {found['worker_peak_mb']:.0f} MB")


if __name__ == "__main__":
    main()
