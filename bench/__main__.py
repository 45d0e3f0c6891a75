"""Run every benchmark and print one table of every figure beside its peer and its goal.

``.venv/bin/python -m bench`` (what ``make bench`` calls). Each benchmark runs in its own
interpreter (so peak-memory figures do not add up), prints its own detailed table, and
adds its headline figures to one record file (:mod:`bench.table`); the combined table
comes last: each figure with the shape it was measured on (``best`` and ``worst``
realistic shape where both exist), the peer tool's figure, the ratio and the issue's goal.

* ``screening`` — 10 000 names against 100 000 list entities vs a rapidfuzz cdist peer;
  precision, recall, disguised-name recall, memory growth with a name's length;
* ``multitier`` — 1 M nodes / 10 M edges and 10 M / 100 M streamed from Parquet (time, peak
  memory), and a networkx propagation peer;
* ``mrio`` — 60 × 50 and ICIO-shaped (81 × 45) MRIOs with 100 stressors (all regions, and
  10 asked), 5 stressors, a small table, vs pymrio ``calc_all`` (time, memory, equality);
* ``simulate`` — ARIO step vs BoARIO at n = 2 000 (dense and 25 % fill), a million-industry
  sparse network, and the end-to-end run (read a pymrio folder, 365 days, write JSON) vs BoARIO;
* ``ensemble`` — members on a LocalCluster and on scheduler/worker processes the benchmark
  starts (time, worker memory, speed-up per worker; resumable). Small by default: the
  issue's 1 000 × 2 000 × 365 is ``--ensemble-full`` (hours: run it on its own);
* ``plan`` — 500 projects × 20 items × 30 countries × 10 years × 10 scenarios;
* ``service`` — HTTP latency and throughput of /healthz, a one-item exposure, exposure,
  screen, certify at 1/8/32 clients vs the same library call without HTTP, and readers
  during an import (loopback only);
* ``cli`` — CLI start (``--help``) and a one-item exposure query on a warm database.

``--only NAME`` (repeatable) runs a subset; ``--small`` runs each at a reduced size (minutes
on a shared machine; the figures are then not the issue's); arguments after ``--`` go to
every benchmark run (e.g. ``python -m bench --only mrio -- --cases icio-100``).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

from bench.table import RECORDS, read_records, table

BENCHMARKS = {
    "screening": "bench.bench_screening",
    "multitier": "bench.bench_multitier",
    "mrio": "bench.bench_mrio",
    "simulate": "bench.bench_simulate",
    "ensemble": "bench.ensemble",
    "plan": "bench.bench_plan",
    "service": "bench.bench_service",
    "cli": "bench.bench_cli",
}
SMALL = {
    "screening": ["--entities", "20000", "--queries", "4000"],
    "multitier": ["--sizes", "1000000:10000000"],
    "mrio": ["--cases", "r20x30-100,r20x30-100@5,r10x20-5"],
    "simulate": ["--sizes", "48,500", "--shapes", "", "--big-n", "100000", "--e2e-n", "500", "--e2e-days", "100"],
    "ensemble": ["--members", "4", "--n", "200", "--days", "60"],
}
FULL_ENSEMBLE = ["--members", "1000", "--n", "2000", "--days", "365", "--single-members", "60"]


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    extra = argv[argv.index("--") + 1:] if "--" in argv else []
    argv = argv[:argv.index("--")] if "--" in argv else argv
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", choices=sorted(BENCHMARKS), help="run only this benchmark")
    parser.add_argument("--small", action="store_true", help="reduced sizes (not the issue's figures)")
    parser.add_argument("--ensemble-full", action="store_true", help="the issue's 1 000-member ensemble")
    args = parser.parse_args(argv)
    folder = Path(__file__).parents[1] / "build" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    records = folder / f"records-{time.strftime('%Y%m%d-%H%M%S')}.jsonl"
    environment = {**os.environ, RECORDS: str(records)}
    failed = []
    for name in args.only or list(BENCHMARKS):
        options = [*(SMALL.get(name, []) if args.small else []),
                   *(FULL_ENSEMBLE if name == "ensemble" and args.ensemble_full else []), *extra]
        print(f"\n=== {name} ({BENCHMARKS[name]} {' '.join(options)}) ===", flush=True)
        started = time.perf_counter()
        # each benchmark in its own interpreter, so that peak-memory figures do not add up
        code = subprocess.call([sys.executable, "-m", BENCHMARKS[name], *options], env=environment)
        print(f"--- {name}: {time.perf_counter() - started:.0f} s wall, exit {code}", flush=True)
        if code:
            failed.append(name)
    rows = read_records(records)
    if rows:
        print(f"\n=== every figure beside its peer and goal ({'reduced sizes' if args.small else 'full sizes'}; "
              f"records in {records}) ===")
        print(table(rows))
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
