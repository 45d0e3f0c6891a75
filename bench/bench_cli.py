"""Benchmark: how fast the command line answers, on a warm database.

Run: ``.venv/bin/python -m bench.bench_cli [--repeat N]``.

* ``paxsilica --help`` and ``paxsilica exposure --help``: start-up of the program (imports,
  command registration); aim under 0.3 s on a quiet machine.
* ``paxsilica exposure --item gallium --format json`` on a database that already holds the
  bundled data (the warm path: no import, no DDL, and after the first run the network read
  from the result cache without opening DuckDB, see ``paxsilica.cli.common.network_for``);
  aim under 1 s. The cache is the user's (``$PAXSILICA_CACHE_DIR`` or ``~/.cache/paxsilica``),
  as a user's second query finds it.
* Peer: ``python -c pass`` (the interpreter's own start), so that the table shows what is
  ours.

Each figure is the median wall time of ``--repeat`` runs in fresh processes (the first run
of each, which fills the OS file cache, is not counted). :func:`rows` returns the figures in
the layout of ``bench/table.py`` (``part, case, ours, peer, unit, goal…``), and
:func:`main` adds them to its collected table (``python -m bench``).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.table import record

PROGRAM = [sys.executable, "-m", "paxsilica"]


CPU: dict[str, float] = {}
"""Median CPU seconds (user + system) of each command measured, by its text: on a busy
machine a steadier figure than the wall time."""


def _seconds(command: list[str], repeat: int) -> float:
    """Median wall seconds of ``command`` in fresh processes (one unrecorded warm-up)."""
    timings, cpu = [], []
    for attempt in range(repeat + 1):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              check=False)
        elapsed = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed: {done.stderr.decode()[-500:]}")
        if attempt:
            timings.append(elapsed)
            cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    CPU[" ".join(command)] = statistics.median(cpu)
    return statistics.median(timings)


def rows(repeat: int = 5) -> list[dict]:
    """The CLI figures, as rows of the benchmark table."""
    interpreter = _seconds([sys.executable, "-c", "pass"], repeat)
    with tempfile.TemporaryDirectory(prefix="paxsilica-bench-cli-") as folder:
        db = str(Path(folder) / "bench.duckdb")
        subprocess.run([*PROGRAM, "--db", db, "data", "status"], stdout=subprocess.DEVNULL,
                       check=True)  # creates the database with the bundled data: the warm path
        start = _seconds([*PROGRAM, "--help"], repeat)
        command_help = _seconds([*PROGRAM, "exposure", "--help"], repeat)
        exposure = _seconds([*PROGRAM, "--db", db, "exposure", "--item", "gallium", "--format",
                             "json"], repeat)
    figure = {"shape": "", "peer_name": "python -c pass", "unit": "s", "better": "lower",
              "note": ""}
    cpu = list(CPU.values())[-3:]  # the three paxsilica commands, in order
    return [
        {**figure, "part": "CLI start", "case": "paxsilica --help", "ours": start,
         "peer": interpreter, "goal": "max<=0.3", "note": f"CPU {cpu[0]:.2f} s"},
        {**figure, "part": "CLI start", "case": "paxsilica exposure --help", "ours": command_help,
         "peer": interpreter, "goal": "max<=0.3", "note": f"CPU {cpu[1]:.2f} s"},
        {**figure, "part": "CLI query", "case": "exposure --item gallium (warm database)",
         "ours": exposure, "peer": interpreter, "goal": "max<=1", "note": f"CPU {cpu[2]:.2f} s"},
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per figure (median)")
    args = parser.parse_args(argv)
    found = rows(args.repeat)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"{'figure':<56} {'seconds':>8} {'python -c pass':>15} {'aim':>6}  cpu")
    for row in found:
        print(f"{row['part'] + ': ' + row['case']:<56} {row['ours']:>8.3f} {row['peer']:>15.3f} "
              f"{row['goal'].split('=')[1]:>6}  {row['note']}")
    print(f"(median of {args.repeat} runs each; load average {load:.1f})")
    for row in found:  # and to the collected table of python -m bench
        record(row["part"], row["case"], row["ours"], row["unit"], peer=row["peer"],
               peer_name=row["peer_name"], better=row["better"], goal=row["goal"],
               note=row["note"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
