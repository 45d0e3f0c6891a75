"""One table of every figure of the speed issue, each beside its peer and its goal.

Each benchmark calls :func:`record` for the figures it measures; when ``python -m bench``
runs them it points :data:`RECORDS` at one JSON-lines file, and prints :func:`table` of all
records at the end (a benchmark run alone just prints its own lines as before).

A figure has: ``part`` (what is measured), ``case`` (size and shape), ``shape`` (``best``
or ``worst`` realistic shape, or empty), our value, the peer's value and name, ``unit``,
``better`` (``lower`` for times and memory, ``higher`` for rates) and the ``goal``:
``ratio>=8`` (peer ÷ ours for lower-is-better, ours ÷ peer for rates), ``max<=60`` (our
value at most 60 in its unit), ``min>=10000``, or ``report`` (no goal: a figure to read).
"""

from __future__ import annotations

import json
import os
import platform
from pathlib import Path

RECORDS = "PAXSILICA_BENCH_RECORDS"
"""Environment variable naming the JSON-lines file that collects the records."""


def record(part: str, case: str, ours: float | None, unit: str, *, peer: float | None = None,
           peer_name: str = "", better: str = "lower", goal: str = "report", shape: str = "",
           note: str = "") -> dict:
    """Add one figure to the collected records (if collecting); returns it."""
    row = {"part": part, "case": case, "shape": shape, "ours": ours, "peer": peer, "peer_name": peer_name,
           "unit": unit, "better": better, "goal": goal, "note": note}
    path = os.environ.get(RECORDS)
    if path:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(row) + "\n")
    return row


def ratio(row: dict) -> float | None:
    """How many times better than the peer (above 1 = better)."""
    ours, peer = row["ours"], row["peer"]
    if ours is None or peer is None or ours <= 0 or peer <= 0:
        return None
    return peer / ours if row["better"] == "lower" else ours / peer


def met(row: dict) -> bool | None:
    """Whether the figure meets its goal (``None`` without a goal or a value)."""
    goal = row["goal"]
    if goal == "report" or row["ours"] is None:
        return None
    kind, _, bound = goal.partition("=")
    value = float(bound)
    if kind == "ratio>":
        found = ratio(row)
        return None if found is None else found >= value
    if kind == "max<":
        return row["ours"] <= value
    if kind == "min>":
        return row["ours"] >= value
    return None


def _number(value: float | None) -> str:
    if value is None:
        return "—"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.3g}"


def _goal(goal: str) -> str:
    kind, _, bound = goal.partition("=")
    return {"ratio>": f"≥ {bound}×", "max<": f"≤ {bound}", "min>": f"≥ {bound}"}.get(kind, "—")


def table(rows: list[dict]) -> str:
    """The records as one aligned text table."""
    header = ["part", "case", "shape", "ours", "peer", "peer is", "unit", "×", "goal", "met"]
    lines = [header]
    for row in rows:
        found = ratio(row)
        ok = met(row)
        lines.append([row["part"], row["case"], row["shape"], _number(row["ours"]), _number(row["peer"]),
                      row["peer_name"], row["unit"], "—" if found is None else f"{found:.1f}×",
                      _goal(row["goal"]), "—" if ok is None else "yes" if ok else "NO"])
    widths = [max(len(str(line[i])) for line in lines) for i in range(len(header))]
    text = [" | ".join(str(cell).ljust(width) for cell, width in zip(line, widths, strict=True)) for line in lines]
    text.insert(1, "-+-".join("-" * width for width in widths))
    notes = [f"  {row['part']} ({row['case']}): {row['note']}" for row in rows if row["note"]]
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    footer = [f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
              f"load average at the end {load:.1f} (ratios compare runs made one after the other)"]
    return "\n".join(text + (["notes:", *notes] if notes else []) + footer)


def read_records(path: str | Path) -> list[dict]:
    """The records collected in ``path`` (empty if none)."""
    file = Path(path)
    if not file.exists():
        return []
    return [json.loads(line) for line in file.read_text(encoding="utf-8").splitlines() if line.strip()]
