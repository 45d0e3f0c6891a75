"""Replay the hostile inputs of issue 22 against the CLI and a running service.

Each case is a command line (with the files it reads) or an HTTP request, and what must
happen: a one-line error naming the file, key or field (exit 2; a problem+json 4xx over
HTTP), or a correct answer (no NaN, no traceback). Every command runs in its own process
with a memory limit and a time limit, so a case that would hang or exhaust the machine
is reported as such instead of doing it.

    python scripts/audit_hostile.py              # every case; exit 1 if any fails
    python scripts/audit_hostile.py -k plan      # cases whose id contains "plan"
    python scripts/audit_hostile.py --no-server  # CLI cases only

``tests/hostile/`` runs the same :data:`CASES` in-process (one regression test each) and
the HTTP cases against the app and a server subprocess.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

TIME_LIMIT = 60.0
"""Seconds a case may run (the issue's bar: no hang over 60 s)."""
MEMORY_LIMIT = 4 << 30
"""Bytes of address space a case may use (the 1 MB name once grew a server to 24 GB)."""

Files = dict[str, "str | bytes | Callable[[Path], None]"]

SCENARIO = """\
name: hostile
days: 20
start_date: 2026-01-01
model: {{inventory_days: {inventory_days}, alpha_max: {alpha_max}, psi: 0.8}}
events:
  - {{kind: export_ban, exporters: [CHN], importers: [pax_silica], items: [gallium], start: 2}}
{extra}"""

PROBLEM = """\
name: hostile
years: [2026, 2027]
concern: [China]
{extra}
demand: [{{member: Japan, item: gallium, quantity: {quantity}}}]
sources: [{{id: cn, item: gallium, country: CHN, capacity: 20, cost: 3}}]
projects: [{{id: jp, item: gallium, country: JPN, capacity: 10, capex: {capex}, cost: 4}}]
"""

PACK = """\
id: hostile
title: Hostile pack
version: "1"
sets: {countries_of_concern: [CHN]}
rules:
  - {id: r1, severity: fail, when: {origin: countries_of_concern}, reason: "made in {country_of_origin}"}
"""

BOM_HEADER = "part_id,parent_id,description,category,manufacturer,country_of_origin,quantity\n"
ITEM_PARAMETERS = ("item_id,parameter,year,value,unit,source,confidence,country,basis\n"
                   "gallium,price,2024,{value},USD/kg Ga,audit,medium,WLD,estimate\n")


def scenario(extra: str = "", inventory_days: object = 90, alpha_max: object = 1.25) -> str:
    """A small scenario on the bundled stack network, with ``extra`` lines appended."""
    return SCENARIO.format(extra=extra, inventory_days=inventory_days, alpha_max=alpha_max)


def problem(extra: str = "", quantity: object = 5, capex: object = 100) -> str:
    """A small planning problem on the bundled catalogue."""
    return PROBLEM.format(extra=extra, quantity=quantity, capex=capex)


def alias_bomb(width: int = 9, depth: int = 10) -> str:
    """The issue's alias bomb: ``width`` aliases per level, ``depth`` levels."""
    lines = [f"a0: &a0 [{', '.join(['x'] * width)}]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]" for i in range(1, depth)]
    return "\n".join(lines) + "\n"


def mrio(cell: str = "1", unit: bytes | None = None) -> Callable[[Path], None]:
    """A two-industry pymrio text folder (``cell`` is Z's first cell; ``unit``: unit.txt)."""
    def build(folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        files = {"Z": {"name": "Z.txt"}, "Y": {"name": "Y.txt"}}
        if unit is not None:
            files["unit"] = {"name": "unit.txt"}
            (folder / "unit.txt").write_bytes(unit)
        (folder / "file_parameters.json").write_text(json.dumps({"files": files}))
        (folder / "Z.txt").write_text("region\t\tr1\tr1\nsector\t\ta\tb\nregion\tsector\n"
                                      f"r1\ta\t{cell}\t2\nr1\tb\t3\t4\n")
        (folder / "Y.txt").write_text("region\t\tr1\ncategory\t\thh\nregion\tsector\n"
                                      "r1\ta\t7\nr1\tb\t3\n")
    return build


def mrio_scenario() -> str:
    return ("name: m\nnetwork: {mrio: m}\ndays: 10\nevents:\n"
            "  - {kind: capacity_loss, region: r1, sector: a, fraction: 0.5, start: 1}\n")


@dataclass(frozen=True)
class Case:
    """One hostile command: ``argv`` after ``paxsilica`` (``{dir}``: the case's folder),
    the ``files`` it reads, and the outcome: ``error`` (exit 2, one ``error:`` line holding
    every ``needles`` entry), ``exit1`` (exit 1 with the needles in the output) or ``ok``
    (exit 0, no NaN/Infinity in the answer; ``absent`` strings nowhere in the output)."""

    id: str
    issue: str
    argv: tuple[str, ...]
    expect: str
    needles: tuple[str, ...] = ()
    files: Files = field(default_factory=dict)
    absent: tuple[str, ...] = ()
    db: bool = True


CASES: list[Case] = [
    # 22.4 non-finite and absurd numbers in simulate
    Case("sim-alpha-max-inf", "22.4", ("simulate", "{dir}/s.yaml"), "error",
         ("s.yaml", "model.alpha_max", "finite"), {"s.yaml": scenario(alpha_max=".inf")}),
    Case("sim-inventory-days-inf", "22.4", ("simulate", "{dir}/s.yaml"), "error",
         ("model.inventory_days", "finite"), {"s.yaml": scenario(inventory_days=".inf")}),
    Case("sim-inventory-days-1e308", "22.4", ("simulate", "{dir}/s.yaml"), "error",
         ("model.inventory_days", "less than or equal"), {"s.yaml": scenario(inventory_days="1e308")}),
    Case("sim-mrio-cell-1e308", "22.4", ("simulate", "{dir}/m.yaml"), "error",
         ("Z.txt", "beyond the largest"), {"m.yaml": mrio_scenario(), "m": mrio("1e308")}),
    Case("sim-alpha-tau-tiny", "22.4", ("simulate", "{dir}/s.yaml"), "error",
         ("is not a finite number", "far out of range"),
         {"s.yaml": scenario().replace("psi: 0.8", "psi: 0.8, alpha_tau: 1e-300")}),
    Case("sim-mrio-ok", "22.4", ("simulate", "{dir}/m.yaml", "--format", "json"), "ok",
         files={"m.yaml": mrio_scenario(), "m": mrio("1")}),
    # 22.5 tracebacks in simulate
    Case("sim-start-date-feb-30", "22.5", ("simulate", "{dir}/s.yaml"), "error",
         ("s.yaml row 3", "start_date", "day is out of range"),
         {"s.yaml": scenario().replace("2026-01-01", "2026-02-30")}),
    Case("sim-deep-nesting", "22.5", ("simulate", "{dir}/s.yaml"), "error",
         ("s.yaml row 1", "nested more than"), {"s.yaml": "[" * 20_000}),
    Case("sim-garbage-unit-txt", "22.5", ("simulate", "{dir}/m.yaml"), "error",
         ("unit.txt", "not a pymrio unit table"),
         {"m.yaml": mrio_scenario(), "m": mrio("1", b"\xff\xfe\x00garbage\x00")}),
    Case("sim-days-1e9", "22.5", ("simulate", "{dir}/s.yaml", "--days", "1000000000"), "error",
         ("days", "less than or equal to 36500"), {"s.yaml": scenario()}),
    Case("sim-workers-0", "22.5", ("simulate", "{dir}/s.yaml", "--ensemble", "2", "--workers", "0"),
         "error", ("workers", "greater than or equal to 1"), {"s.yaml": scenario()}),
    Case("sim-output-directory", "22.5", ("simulate", "{dir}/s.yaml", "-o", "{dir}"), "error",
         ("is a directory",), {"s.yaml": scenario()}),
    Case("sim-output-unwritable", "22.5", ("simulate", "{dir}/s.yaml", "-o", "/proc/paxsilica/out.json"),
         "error", ("cannot write in /proc",), {"s.yaml": scenario()}),
    Case("scenarios-export-directory", "22.5", ("scenarios", "export", "coalition-ban", "-o", "{dir}"),
         "error", ("is a directory",)),
    Case("certify-rules-deep-nesting", "22.5",
         ("certify", "{dir}/bom.csv", "--list", "bundled:fcc_covered", "--rules", "{dir}/deep.yaml"),
         "error", ("deep.yaml row 1", "nested more than"),
         {"deep.yaml": "[" * 20_000, "bom.csv": BOM_HEADER + "D,,Drone,system,Acme,TW,1\n"}),
    Case("serve-max-upload-nan", "22.5", ("serve", "--max-upload-mb", "nan"), "error", ("--max-upload-mb",)),
    Case("serve-max-upload-inf", "22.5", ("serve", "--max-upload-mb", "inf"), "error", ("--max-upload-mb",)),
    Case("serve-rate-limit-nan", "22.5", ("serve", "--rate-limit", "nan"), "error", ("--rate-limit",)),
    Case("serve-rate-limit-inf", "22.5", ("serve", "--rate-limit", "inf"), "error", ("--rate-limit",)),
    # 22.4/22.5/22.8 plan
    Case("plan-unmet-penalty-inf", "22.4", ("plan", "{dir}/p.yaml", "--quiet"), "error",
         ("p.yaml row 4", "unmet_penalty", "finite"), {"p.yaml": problem("unmet_penalty: .inf")}),
    Case("plan-capex-inf", "22.4", ("plan", "{dir}/p.yaml", "--quiet"), "error",
         ("projects[0].capex", "finite"), {"p.yaml": problem(capex=".inf")}),
    Case("plan-time-limit-nan", "22.4", ("plan", "{dir}/p.yaml", "--quiet", "--time-limit", "nan"),
         "error", ("time_limit", "finite number"), {"p.yaml": problem()}),
    Case("plan-demand-inf", "22.5", ("plan", "{dir}/p.yaml", "--quiet"), "error",
         ("demand[0].quantity", "finite"), {"p.yaml": problem(quantity=".inf")}),
    Case("plan-demand-1e308", "22.5", ("plan", "{dir}/p.yaml", "--quiet"), "error",
         ("demand[0].quantity", "beyond the largest"), {"p.yaml": problem(quantity="1e308")}),
    Case("plan-no-supplier", "22.5", ("plan", "{dir}/p.yaml", "--quiet"), "error",
         ("p.yaml", "sources", "nothing can supply"),
         {"p.yaml": "name: t\nyears: [2026]\nconcern: [China]\n"
                    "demand: [{member: Japan, item: gallium, quantity: 5}]\n"}),
    Case("plan-as-of-feb-30", "22.5", ("plan", "{dir}/p.yaml", "--quiet"), "error",
         ("p.yaml row 4", "as_of", "2026-02-30"), {"p.yaml": problem("as_of: 2026-02-30")}),
    Case("plan-non-utf8", "22.5", ("plan", "{dir}/p.yaml", "--quiet"), "error",
         ("p.yaml row 2", "not valid UTF-8"), {"p.yaml": b"name: t\nyears: [2026]\xff\n"}),
    Case("plan-deep-nesting", "22.5", ("plan", "{dir}/p.yaml", "--quiet"), "error",
         ("p.yaml row 1", "nested more than"), {"p.yaml": "[" * 20_000}),
    Case("plan-alias-bomb", "22.8", ("plan", "{dir}/p.yaml", "--quiet"), "error",
         ("p.yaml row 7", "alias bomb"), {"p.yaml": alias_bomb()}),
    Case("plan-as-of-unquoted", "22.5", ("plan", "{dir}/p.yaml", "--quiet"), "ok",
         files={"p.yaml": problem("as_of: 2026-06-01")}),
    Case("plan-quiet-no-banner", "22.10", ("plan", "{dir}/p.yaml", "--quiet"), "ok",
         files={"p.yaml": problem()}, absent=("HiGHS",)),
    # 22.9 silently accepted
    Case("sim-days-true", "22.9", ("simulate", "{dir}/s.yaml"), "error",
         ("s.yaml", "days: true is not a number"), {"s.yaml": scenario().replace("days: 20", "days: true")}),
    Case("sim-duplicate-key", "22.9", ("simulate", "{dir}/s.yaml"), "error",
         ("s.yaml row 7", "duplicate key 'days' (first on line 2)"), {"s.yaml": scenario("days: 30\n")}),
    Case("plan-duplicate-key", "22.9", ("plan", "{dir}/p.yaml", "--quiet"), "error",
         ("p.yaml row 4", "duplicate key 'name'"), {"p.yaml": problem("name: other")}),
    Case("rules-duplicate-key", "22.9",
         ("certify", "{dir}/bom.csv", "--list", "bundled:fcc_covered", "--rules", "{dir}/pack.yaml"),
         "error", ("pack.yaml row 7", "duplicate key 'id'"),
         {"pack.yaml": PACK + "id: again\n", "bom.csv": BOM_HEADER + "D,,Drone,system,Acme,TW,1\n"}),
    Case("sim-capacity-loss-nowhere", "22.9", ("simulate", "{dir}/s.yaml"), "error",
         ("s.yaml row 7", "events.1.country", "makes"),
         {"s.yaml": scenario("  - {kind: capacity_loss, country: ISL, item: gallium, fraction: 0.5, start: 1}\n")}),
    # 22.3 ensemble draws
    Case("ens-uniform-nan", "22.3", ("simulate", "{dir}/s.yaml", "--ensemble", "2", "--scheduler",
                                     "synchronous"), "error", ("uncertain.inventory_days", "finite"),
         {"s.yaml": scenario("uncertain: {inventory_days: {uniform: [.nan, .nan]}}\n")}),
    Case("ens-psi-above-1", "22.3", ("simulate", "{dir}/s.yaml", "--ensemble", "2", "--scheduler",
                                     "synchronous"), "error", ("uncertain.psi", "(0, 1]"),
         {"s.yaml": scenario("uncertain: {psi: {uniform: [0.5, 4.1]}}\n")}),
    # 22.1 names
    Case("screen-long-name", "22.1", ("screen", "{dir}/names.csv", "--list", "bundled:fcc_covered"),
         "error", ("names.csv row 3", "name", "at most 1,000"),
         {"names.csv": "query_id,name\nq0,Acme\nq1," + "A" * 5_000 + "\n"}, db=False),
    Case("screen-1mb-name", "22.1", ("screen", "{dir}/names.csv", "--list", "bundled:fcc_covered"),
         "error", ("names.csv row 2", "longer than"),
         {"names.csv": "query_id,name\nq1," + "A" * 1_000_000 + "\n"}, db=False),
    Case("certify-long-manufacturer", "22.1",
         ("certify", "{dir}/bom.csv", "--list", "bundled:fcc_covered", "--rules", "fcc-covered"),
         "error", ("bom.csv row 2", "manufacturer", "at most 1,000"),
         {"bom.csv": BOM_HEADER + "D,,Drone,system," + "A" * 100_000 + ",TW,1\n"}),
    # the new capabilities of other issues, attacked the same way
    Case("item-parameters-nan", "18", ("data", "import", "item_parameters", "{dir}/p.csv"), "error",
         ("p.csv row 2", "value", "finite"), {"p.csv": ITEM_PARAMETERS.format(value="nan")}),
    Case("item-parameters-1e308", "18", ("data", "import", "item_parameters", "{dir}/p.csv"), "error",
         ("p.csv row 2", "value"), {"p.csv": ITEM_PARAMETERS.format(value="1e308")}),
    Case("item-parameters-ok", "18", ("data", "validate", "item_parameters", "{dir}/p.csv"), "ok",
         files={"p.csv": ITEM_PARAMETERS.format(value="520")}),
    # 22.2 the CLI's verdict on a duplicate-key certificate (the service must agree)
    Case("verify-duplicate-verdict", "22.2",
         ("verify", "{dir}/c.json", "--public-key", "{dir}/k.pub"), "exit1",
         ("INVALID", "duplicate key 'verdict'"), {"c.json": lambda path: _forged(path.parent)},
         db=False),
]


def _forged(folder: Path) -> None:
    """A genuine signed certificate (keys ``k.key``/``k.pub``) with ``"verdict": "fail"``
    inserted before its own ``"verdict"``: ``c.json``."""
    from paxsilica.certify.api import certify_bom
    from paxsilica.certify.certificate import write_key_pair

    write_key_pair(folder, "k")
    (folder / "bom.csv").write_text(BOM_HEADER + "D,,Drone,system,Acme Drones,TW,1\n")
    document = certify_bom(folder / "bom.csv", ["bundled:fcc_covered"], "fcc-covered", folder / "k.key")
    text = json.dumps(document, indent=2)
    (folder / "c.json").write_text(text.replace('"verdict":', '"verdict": "fail",\n    "verdict":', 1))


def materialise(case: Case, folder: Path) -> list[str]:
    """Write the case's files into ``folder``; its argv with ``{dir}`` filled in."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in case.files.items():
        path = folder / name
        if callable(content):
            content(path)
        elif isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return [part.replace("{dir}", str(folder)) for part in case.argv]


def judge(case: Case, exit_code: int | None, stdout: str, stderr: str) -> list[str]:
    """What went wrong (empty: the case holds). ``exit_code`` None: killed or timed out."""
    output = stdout + stderr
    problems = []
    if exit_code is None:
        return ["hung or was killed (time or memory limit)"]
    if "Traceback" in output:
        problems.append("traceback")
    if case.expect == "error":
        # one "error:" line; further problems of the same input follow, indented
        lines = [line for line in stderr.splitlines() if line.strip()]
        if exit_code != 2:
            problems.append(f"exit {exit_code}, expected 2")
        if not lines or not lines[0].startswith("error:") or any(
                not line.startswith("  ") for line in lines[1:]):
            problems.append(f"not one 'error:' line: {stderr[-300:]!r}")
        else:
            problems += [f"error line lacks {needle!r}: {lines[0][:300]}" for needle in case.needles
                         if needle not in lines[0]]
    elif case.expect == "exit1":
        if exit_code != 1:
            problems.append(f"exit {exit_code}, expected 1")
        problems += [f"output lacks {needle!r}" for needle in case.needles if needle not in output]
    else:
        if exit_code != 0:
            problems.append(f"exit {exit_code}, expected 0: {stderr[-300:]!r}")
        for token in ("NaN", "Infinity", "nan,", "inf,"):
            if token in stdout:
                problems.append(f"{token!r} in the answer")
        problems += [f"{text!r} in the output" for text in case.absent if text in output]
    return problems


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def run_case(case: Case, folder: Path, db: Path) -> tuple[list[str], float]:
    """Run one case in a subprocess with the memory and time limits; problems and seconds."""
    argv = materialise(case, folder)
    command = [sys.executable, "-c", "from paxsilica.cli import main; main()",
               *(["--db", str(db)] if case.db else []), *argv]
    started = time.monotonic()
    try:
        run = subprocess.run(command, capture_output=True, text=True, timeout=TIME_LIMIT,
                             preexec_fn=_limit_memory, cwd=folder,
                             env={**os.environ, "COLUMNS": "200", "NO_COLOR": "1"})
    except subprocess.TimeoutExpired:
        return ["hung: no answer within the time limit"], time.monotonic() - started
    seconds = time.monotonic() - started
    code = None if run.returncode < 0 else run.returncode
    return judge(case, code, run.stdout, run.stderr), seconds


# --- the service -----------------------------------------------------------------------

@dataclass(frozen=True)
class HttpCase:
    """One request to a running service: ``status`` expected; ``problem`` True when the
    answer must be problem+json naming ``field`` (when given)."""

    id: str
    issue: str
    method: str
    path: str
    status: int
    json_body: object = None
    content: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    problem: bool = True
    field: str | None = None
    check: Callable[[dict], bool] | None = None


def http_cases(forged_certificate: bytes) -> list[HttpCase]:
    """The HTTP cases (the forged certificate: :func:`_forged`'s bytes)."""
    big = "A" * 1_000_000
    return [
        HttpCase("screen-1mb-name-string", "22.1", "POST", "/api/v1/screen", 422,
                 {"names": [big], "lists": ["bundled:fcc_covered"]}),
        HttpCase("screen-1mb-name-object", "22.1", "POST", "/api/v1/screen", 422,
                 {"names": [{"query_id": "q", "name": big}], "lists": ["bundled:fcc_covered"]}),
        HttpCase("verify-duplicate-verdict", "22.2", "POST", "/api/v1/verify", 200,
                 content=forged_certificate, headers={"Content-Type": "application/json"},
                 problem=False, check=lambda body: body["valid"] is False and "duplicate" in body["reason"]),
        HttpCase("verify-form-body", "22.6", "POST", "/api/v1/verify", 415,
                 content=b"certificate=x", headers={"Content-Type": "application/x-www-form-urlencoded"},
                 field="certificate"),
        HttpCase("verify-not-json", "22.6", "POST", "/api/v1/verify", 422, content=b"{not json",
                 headers={"Content-Type": "application/json"}, field="certificate"),
        HttpCase("simulate-object-10000-days", "22.7", "POST", "/api/v1/simulate", 422,
                 {"scenario": {"name": "long", "days": 10_000, "events": []}}),
        HttpCase("simulate-deep-object", "22.6", "POST", "/api/v1/simulate", 422,
                 {"scenario": _nested(40)}),
        HttpCase("jobs-deep-params", "22.6", "POST", "/api/v1/jobs", 422,
                 {"kind": "simulate", "params": {"scenario": _nested(40)}}),
        HttpCase("json-body-over-cap", "22.7", "POST", "/api/v1/simulate", 413,
                 content=json.dumps({"scenario": {"name": "x", "events": [
                     {"kind": "capacity_loss", "country": "CHN", "item": "gallium",
                      "fraction": 0.1, "start": 1}] * 60_000}}).encode(),
                 headers={"Content-Type": "application/json"}),
        HttpCase("ui-jobs-20000-brackets", "22.6", "POST", "/ui/jobs", 422,
                 content=b"kind=simulate&params=" + b"%5B" * 20_000, problem=False,
                 headers={"Content-Type": "application/x-www-form-urlencoded",
                          "Cookie": "paxsilica_token={token}", "Origin": "{base}"}),
        HttpCase("content-length-not-a-number", "22.7", "POST", "/api/v1/screen", 400, content=b"{}",
                 headers={"Content-Type": "application/json", "Content-Length": "abc"}),
    ]


def _nested(depth: int) -> dict:
    value: dict = {"x": 1}
    for _ in range(depth):
        value = {"a": value}
    return value


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(db: Path, folder: Path, *options: str) -> tuple[subprocess.Popen, str]:
    """``paxsilica serve`` in a subprocess on a free port (killed by the caller)."""
    import httpx

    port = free_port()
    log = (folder / "server.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-c", "from paxsilica.cli import main; main()", "--db", str(db), "serve",
         "--host", "127.0.0.1", "--port", str(port), *options],
        stdout=log, stderr=subprocess.STDOUT, preexec_fn=_limit_memory,
        env={**os.environ, "PYTHONUNBUFFERED": "1"})
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the server stopped: " + (folder / "server.log").read_text())
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return process, base
        except httpx.HTTPError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError("the server did not start: " + (folder / "server.log").read_text())


def add_token(db: Path, name: str, role: str) -> str:
    """A new token (``paxsilica tokens add``; works while the service runs)."""
    run = subprocess.run([sys.executable, "-c", "from paxsilica.cli import main; main()", "--db",
                          str(db), "tokens", "add", name, "--role", role],
                         capture_output=True, text=True, timeout=120, check=True)
    return run.stdout.strip().splitlines()[-1]


def raw_request(base: str, data: bytes, wait: float = 0.0, timeout: float = 90.0) -> bytes:
    """Send ``data`` on a fresh connection (after ``wait`` seconds, keep it open) and read
    the whole answer: for requests no HTTP client would send."""
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=timeout) as connection:
        connection.sendall(data)
        time.sleep(wait)
        chunks = []
        while chunk := connection.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def judge_http(case: HttpCase, status: int, content_type: str, body: bytes) -> list[str]:
    problems = []
    if status >= 500:
        problems.append(f"server error {status}")
    if status != case.status:
        problems.append(f"status {status}, expected {case.status}: {body[:200]!r}")
    if case.problem and not content_type.startswith("application/problem+json"):
        problems.append(f"not problem+json: {content_type}")
    if not case.problem and not content_type.startswith(("application/json",
                                                          "application/problem+json")):
        return problems  # a dashboard fragment (HTML)
    try:
        document = json.loads(body) if body else {}
    except ValueError:
        return [*problems, "the answer is not JSON"]
    if case.field is not None and document.get("field") != case.field:
        problems.append(f"field {document.get('field')!r}, expected {case.field!r}")
    if case.check is not None and not case.check(document):
        problems.append(f"unexpected answer {document!r:.200}")
    return problems


def server_rss(pid: int) -> int:
    """Resident bytes of a process and its children (the Dask workers of jobs)."""
    import psutil

    process = psutil.Process(pid)
    return sum(p.memory_info().rss for p in [process, *process.children(recursive=True)])


def audit_service(db: Path, folder: Path, report: Callable[[str, str, list[str], float], None]) -> None:
    """Start a server, replay the HTTP cases, the slow body and the 1 MB name under an RSS
    watch, and adding a token while it runs."""
    import httpx

    analyst = add_token(db, "audit-analyst", "analyst")
    certificate_folder = folder / "certificate"
    certificate_folder.mkdir(parents=True, exist_ok=True)
    _forged(certificate_folder)
    process, base = start_server(db, folder, "--sign", str(certificate_folder / "k.key"),
                                 "--body-timeout", "3")
    try:
        headers = {"Authorization": f"Bearer {analyst}"}
        before = server_rss(process.pid)
        for case in http_cases((certificate_folder / "c.json").read_bytes()):
            started = time.monotonic()
            if case.content is not None and "Content-Length" in case.headers:
                lines = [f"{case.method} {case.path} HTTP/1.1", f"Host: {base[7:]}",
                         f"Authorization: Bearer {analyst}", "Connection: close",
                         *(f"{k}: {v}" for k, v in case.headers.items())]
                answer = raw_request(base, ("\r\n".join(lines) + "\r\n\r\n").encode() + case.content)
                head, _, body = answer.partition(b"\r\n\r\n")
                status = int(head.split()[1]) if head else 0
                kind = next((line.split(b":", 1)[1].strip().decode() for line in head.split(b"\r\n")
                             if line.lower().startswith(b"content-type:")), "")
            else:
                extra = {k: v.replace("{token}", analyst).replace("{base}", base)
                         for k, v in case.headers.items()}
                sent = extra if "Cookie" in extra else {**headers, **extra}  # the dashboard: cookie only
                response = httpx.request(case.method, base + case.path, json=case.json_body,
                                         content=case.content, headers=sent, timeout=TIME_LIMIT)
                status, kind, body = (response.status_code, response.headers.get("content-type", ""),
                                      response.content)
            report(case.id, case.issue, judge_http(case, status, kind, body), time.monotonic() - started)
        grown = server_rss(process.pid) - before
        print(f"     server RSS {before / 2**20:.0f} MB before the HTTP cases, "
              f"{(before + grown) / 2**20:.0f} MB after", flush=True)
        report("server-memory-after-1mb-names", "22.1",
               [] if grown < 512 << 20 else [f"the server grew by {grown / 2**20:.0f} MB"], 0.0)
        # a body declared as 1 000 bytes of which 2 arrive: 408 once the body time is up
        started = time.monotonic()
        answer = raw_request(base, (f"POST /api/v1/screen HTTP/1.1\r\nHost: {base[7:]}\r\n"
                                    f"Authorization: Bearer {analyst}\r\nContent-Type: application/json\r\n"
                                    "Content-Length: 1000\r\n\r\n{}").encode())
        report("slow-body", "22.7", [] if b" 408 " in answer.split(b"\r\n")[0] + b" " and
               b"problem+json" in answer else [f"answer {answer[:120]!r}"], time.monotonic() - started)
        # a token added with the CLI while the service runs is accepted at once
        reader = add_token(db, "audit-late-reader", "reader")
        status = httpx.get(f"{base}/api/v1/groups", headers={"Authorization": f"Bearer {reader}"},
                           timeout=60).status_code
        report("tokens-add-while-serving", "22.10", [] if status == 200 else [f"status {status}"], 0.0)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-k", default="", help="only cases whose id contains this")
    parser.add_argument("--no-server", action="store_true", help="skip the service cases")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    options = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="paxsilica-audit-"))
    db = work / "audit.duckdb"
    rows: list[tuple[str, str, list[str], float]] = []

    def report(case_id: str, issue: str, problems: list[str], seconds: float) -> None:
        rows.append((case_id, issue, problems, seconds))
        verdict = "ok  " if not problems else "FAIL"
        print(f"{verdict} {issue:6} {case_id:36} {seconds:6.1f} s  {'; '.join(problems)[:200]}", flush=True)

    try:
        for case in CASES:
            if options.k in case.id:
                problems, seconds = run_case(case, work / case.id, db)
                report(case.id, case.issue, problems, seconds)
        if not options.no_server and ("server" in options.k or not options.k or
                                      any(options.k in c.id for c in http_cases(b""))):
            audit_service(db, work / "service", report)
    finally:
        if not options.keep:
            shutil.rmtree(work, ignore_errors=True)
    failed = [row for row in rows if row[2]]
    print(f"{len(rows) - len(failed)} of {len(rows)} cases hold" + (f"; failing: "
          f"{', '.join(row[0] for row in failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
