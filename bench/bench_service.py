"""Benchmark: the HTTP service under load, on loopback only, bounded in count and time.

Run: ``.venv/bin/python -m bench.bench_service [--requests N] [--seconds S]``.

* Starts ``paxsilica serve`` as a subprocess on 127.0.0.1 (a free port) over a fresh
  database with the bundled data, signing certificates with a new key.
* For ``healthz`` (the floor of an HTTP answer), ``exposure-item`` (GET, one item, warm:
  the answer kept per data version; aim p50 under 10 ms, p99 under 50 ms at 8 clients),
  ``exposure`` (GET, all rows), ``screen`` (POST, 20 names against the bundled FCC and DoD
  lists) and ``certify`` (POST multipart, the 10-part drone BOM), with 1, 8 and 32
  concurrent clients (threads, each with its own connection and token): p50 and p99
  latency and throughput. Each cell stops after ``--requests`` requests or ``--seconds``.
* Peer: the same library call in this process, without HTTP (the floor): the ratio
  HTTP p50 / library median is the service's overhead factor at one client.
* Imports vs readers: 8 clients read exposure while an admin imports a 2 000-row supplies
  file; reports reads completed during the import and reader latency during and outside it.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from paxsilica.certify.certificate import write_key_pair
from paxsilica.service.access import ROLES, add_token
from paxsilica.store import open_store

FIXTURES = Path(__file__).parents[1] / "tests" / "fixtures" / "certify"
NAMES = ["Huawei Technologies Co Ltd", "Hangzhou Hikvision Digital", "ZTE Corporation", "Acme Tools",
         "Dahua Technology", "China Mobile", "Thunder Tiger Corporation", "Example Motors Co",
         "Shenzhen DJI Innovation", "Kaspersky Lab", "Quectel Wireless", "Hytera Communications",
         "Taiwan Semiconductor", "Samsung Electronics", "Micron Technology", "Nokia Oyj",
         "China Telecom Americas", "Pacific Networks", "ComNet USA", "Sony Group"]
LISTS = ["bundled:fcc_covered", "bundled:dod_1260h"]
CLIENTS = (1, 8, 32)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(folder: Path, clients: int) -> tuple[subprocess.Popen, str, list[str], str]:
    """The server process, its URL, one certifier token per client and an admin token."""
    db = folder / "bench.duckdb"
    store = open_store(db)
    tokens = [add_token(store, f"client{i}", "certifier", who="bench") for i in range(clients)]
    admin = add_token(store, "bench-admin", ROLES[-1], who="bench")
    store.close()
    private, _ = write_key_pair(folder)
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-c", "from paxsilica.cli import main; main()", "--db", str(db), "serve",
         "--host", "127.0.0.1", "--port", str(port), "--sign", str(private), "--rate-limit", "100000"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return process, url, tokens, admin
        except httpx.HTTPError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError("the service did not start")


def _request(kind: str):
    bom = (FIXTURES / "drone_bom.csv").read_bytes()
    names = [{"query_id": str(i), "name": name} for i, name in enumerate(NAMES)]

    def call(client: httpx.Client) -> httpx.Response:
        if kind == "healthz":
            return client.get("/healthz")
        if kind == "exposure-item":
            return client.get("/api/v1/exposure", params={"item": "gallium"})
        if kind == "exposure":
            return client.get("/api/v1/exposure")
        if kind == "screen":
            return client.post("/api/v1/screen", json={"names": names, "lists": LISTS})
        return client.post("/api/v1/certify", files={"bom": ("drone_bom.csv", bom)},
                           data={"rules": "uas-ndaa848", "list": LISTS})

    return call


def run_cell(url: str, tokens: list[str], kind: str, clients: int, requests: int,
             seconds: float) -> dict:
    """``requests`` calls (or until ``seconds``) spread over ``clients`` threads."""
    call = _request(kind)
    latencies: list[float] = []
    failures = 0
    lock = threading.Lock()
    remaining = [requests]
    stop_at = time.monotonic() + seconds

    def worker(token: str) -> None:
        nonlocal failures
        with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=120) as client:
            while True:
                with lock:
                    if remaining[0] <= 0 or time.monotonic() > stop_at:
                        return
                    remaining[0] -= 1
                started = time.perf_counter()
                response = call(client)
                elapsed = time.perf_counter() - started
                with lock:
                    latencies.append(elapsed)
                    failures += response.status_code != 200

    began = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(worker, tokens[:clients]))
    wall = time.perf_counter() - began
    ordered = sorted(latencies)
    return {"kind": kind, "clients": clients, "n": len(ordered), "failures": failures,
            "p50_ms": 1000 * ordered[len(ordered) // 2],
            "p99_ms": 1000 * ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))],
            "per_s": len(ordered) / wall}


def library_floor(kind: str, repeat: int = 5) -> float:
    """Median seconds of the same work as one request, called in this process."""
    from paxsilica.model.network import StackNetwork
    from paxsilica.requests.exposure import ExposureRequest, answer_exposure
    from paxsilica.requests.screen import ScreenRequest
    from paxsilica.service.certifying import certify_upload, screen_records
    from paxsilica.service.queries import records

    store = open_store(":memory:")
    net = StackNetwork.from_store(store)
    bom = (FIXTURES / "drone_bom.csv").read_bytes()
    names = [{"query_id": str(i), "name": name} for i, name in enumerate(NAMES)]
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        if kind == "healthz":
            pass
        elif kind == "exposure-item":
            records(answer_exposure(net, ExposureRequest.parse(item="gallium", local_files=False)))
        elif kind == "exposure":
            records(answer_exposure(net, ExposureRequest.parse(local_files=False)))
        elif kind == "screen":
            screen_records(store, ScreenRequest.parse(names=names, lists=LISTS, local_files=False))
        else:
            certify_upload(store, "drone_bom.csv", bom,
                           options={"rules": "uas-ndaa848", "lists": LISTS}, key=None)
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def supplies_file(folder: Path, rows: int = 2000) -> Path:
    """A valid supplies CSV for a future year: each item split evenly over many countries."""
    store = open_store(":memory:")
    items = store.table("items")[["item_id", "stage"]].values.tolist()
    countries = ["AUS", "AUT", "BEL", "BRA", "CAN", "CHE", "CHL", "CZE", "DEU", "DNK", "ESP", "FIN",
                 "FRA", "GBR", "GRC", "HUN", "IDN", "IND", "IRL", "ISR", "ITA", "JPN", "KOR", "MEX",
                 "MYS", "NLD", "NOR", "NZL", "PER", "PHL", "POL", "PRT", "SGP", "SWE", "THA", "TUR",
                 "USA", "VNM", "ZAF", "ARG", "COL", "EGY", "EST", "LTU", "LVA", "MAR", "ROU", "SVK"]
    per_item = max(1, min(len(countries), rows // len(items)))
    lines = ["source,confidence,basis,item_id,stage,country,year,share"]
    for item, stage in items:
        for country in countries[:per_item]:
            lines.append(f"Bench synthetic split,low,estimate,{item},{stage},{country},2031,{1 / (per_item + 1):.6f}")
    path = folder / "bench_supplies.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def import_vs_readers(url: str, tokens: list[str], admin: str, folder: Path, seconds: float) -> dict:
    """8 readers on exposure; one supplies import in the middle of their run."""
    path = supplies_file(folder)
    during: list[float] = []
    outside: list[float] = []
    window = {"start": float("inf"), "end": float("inf")}
    stop = time.monotonic() + seconds
    done = threading.Event()

    def reader(token: str) -> None:
        with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=120) as client:
            while time.monotonic() < stop and not done.is_set():
                started = time.monotonic()
                client.get("/api/v1/exposure", params={"item": "gallium"})
                ended = time.monotonic()
                (during if window["start"] <= ended and started <= window["end"] else outside).append(
                    ended - started)

    threads = [threading.Thread(target=reader, args=(token,)) for token in tokens[:8]]
    for thread in threads:
        thread.start()
    time.sleep(min(2.0, seconds / 4))
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {admin}"}, timeout=300) as client:
        window["start"] = time.monotonic()
        answer = client.post("/api/v1/imports/supplies", files={"file": (path.name, path.read_bytes())})
        window["end"] = time.monotonic()
    time.sleep(min(2.0, seconds / 4))
    done.set()
    for thread in threads:
        thread.join()
    return {"import_status": answer.status_code, "import_rows": answer.json().get("rows"),
            "import_s": window["end"] - window["start"], "reads_during": len(during),
            "p50_during_ms": 1000 * statistics.median(during) if during else float("nan"),
            "p50_outside_ms": 1000 * statistics.median(outside) if outside else float("nan")}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=64, help="requests per cell (at most)")
    parser.add_argument("--seconds", type=float, default=20.0, help="seconds per cell (at most)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="paxsilica-bench-service-") as name:
        folder = Path(name)
        process, url, tokens, admin = start_server(folder, max(CLIENTS))
        try:
            print(f"server {url} (pid {process.pid}); client threads in pid {os.getpid()}; "
                  f"{os.cpu_count()} CPUs", flush=True)
            print(f"{'route':<14} {'clients':>7} {'n':>5} {'fail':>4} {'p50 ms':>8} {'p99 ms':>8} "
                  f"{'req/s':>7} {'library ms':>10} {'http/library':>12}")
            for kind in ("healthz", "exposure-item", "exposure", "screen", "certify"):
                floor = library_floor(kind)
                for clients in CLIENTS:
                    cell = run_cell(url, tokens, kind, clients, args.requests, args.seconds)
                    ratio = (cell["p50_ms"] / (1000 * floor) if clients == 1 and floor > 1e-6
                             else float("nan"))
                    print(f"{kind:<14} {clients:>7} {cell['n']:>5} {cell['failures']:>4} {cell['p50_ms']:>8.1f} "
                          f"{cell['p99_ms']:>8.1f} {cell['per_s']:>7.1f} {1000 * floor:>10.1f} "
                          f"{ratio:>12.2f}", flush=True)
            result = import_vs_readers(url, tokens, admin, folder, args.seconds)
            print(f"import of {result['import_rows']} supplies rows: HTTP {result['import_status']} in "
                  f"{result['import_s']:.2f} s; {result['reads_during']} exposure reads completed during "
                  f"it (p50 {result['p50_during_ms']:.1f} ms vs {result['p50_outside_ms']:.1f} ms outside)",
                  flush=True)
        finally:
            process.terminate()
            process.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
