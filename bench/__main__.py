"""Run every benchmark in one go: ``.venv/bin/python -m bench`` (what ``make bench`` calls).

Each benchmark prints its own table with the ratio against the peer tool the issue names:

* ``bench_screening`` — 10 000 names against 100 000 list entities vs a rapidfuzz cdist baseline;
* ``bench_multitier`` — 1 000 000 nodes / 10 000 000 edges, and a networkx propagation peer;
* ``bench_mrio`` — ICIO- (81 × 45) and EXIOBASE-shaped (49 × 200) MRIO systems, 5 and 100
  stressors, vs pymrio ``calc_all`` (time, peak memory; the EXIOBASE cases take minutes and
  about 5 GB for pymrio);
* ``bench_simulate`` — ARIO seconds per step vs BoARIO, n = 100 000, ensemble speed-up.
* ``bench_plan`` — 500 projects × 20 items × 30 countries × 10 years × 10 scenarios (build, solve to 1 % gap).
* ``bench_service`` — HTTP latency and throughput of /healthz, a one-item exposure, exposure,
  screen, certify at 1/8/32 clients vs the same library call without HTTP, and readers
  during an import (loopback only).
* ``bench_cli`` — CLI start (``--help``) and a one-item exposure query on a warm database.

``--only NAME`` (repeatable) runs a subset, e.g. ``python -m bench --only mrio``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time

BENCHMARKS = {
    "screening": "bench.bench_screening",
    "multitier": "bench.bench_multitier",
    "mrio": "bench.bench_mrio",
    "simulate": "bench.bench_simulate",
    "plan": "bench.bench_plan",
    "service": "bench.bench_service",
    "cli": "bench.bench_cli",
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", choices=sorted(BENCHMARKS), help="run only this benchmark")
    args = parser.parse_args(argv)
    failed = []
    for name in args.only or list(BENCHMARKS):
        print(f"\n=== {name} ({BENCHMARKS[name]}) ===", flush=True)
        started = time.perf_counter()
        # each benchmark in its own interpreter, so that peak-memory figures do not add up
        code = subprocess.call([sys.executable, "-m", BENCHMARKS[name]])
        print(f"--- {name}: {time.perf_counter() - started:.0f} s wall, exit {code}", flush=True)
        if code:
            failed.append(name)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
