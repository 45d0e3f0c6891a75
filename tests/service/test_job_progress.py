"""Job progress: a callable that takes ``progress`` reports it while it runs on Dask."""

from __future__ import annotations

import threading
import time

from paxsilica.requests.base import Request
from paxsilica.service.jobs import JobKind

RELEASE = threading.Event()


class Steps(Request):
    steps: int


def counted(net, request: Steps, progress) -> dict:
    """Reports half-way, then waits for the test to look before finishing."""
    progress(0.5)
    RELEASE.wait(30)
    return {"steps": request.steps, "items": len(net.items)}


def test_progress_is_reported_then_the_result(client, tokens):
    kind = JobKind("count", "reader", Steps, f"{__name__}:counted")
    runner = client.app.state.jobs
    job_id = runner.submit(kind, Steps(steps=3), "token:reader")
    deadline = time.monotonic() + 30
    seen = None
    while time.monotonic() < deadline:
        seen = runner.job(job_id)
        if seen["status"] == "running" and seen["progress"] == 0.5:
            break
        time.sleep(0.05)
    assert (seen["status"], seen["progress"]) == ("running", 0.5)
    RELEASE.set()
    runner.wait(job_id)
    done = runner.job(job_id)
    net = client.app.state.service.network()
    assert (done["status"], done["progress"]) == ("done", 1.0) and "result" not in done
    assert runner.result(job_id) == {"steps": 3, "items": len(net.items)}


def many_steps(net, request: Steps, progress) -> dict:
    for step in range(request.steps):
        progress((step + 1) / request.steps)
    return {"steps": request.steps}


def test_progress_is_not_written_to_the_store(client, monkeypatch):
    """Every write copies the database file: a job writes its row when queued and when done,
    never per progress step."""
    store = client.app.state.service.store
    writes = []
    original = store.transaction

    def counting():
        writes.append(threading.get_ident())
        return original()

    monkeypatch.setattr(store, "transaction", counting)
    runner = client.app.state.jobs
    job_id = runner.submit(JobKind("many", "reader", Steps, f"{__name__}:many_steps"),
                           Steps(steps=200), "token:reader")
    runner.wait(job_id)
    assert runner.result(job_id) == {"steps": 200}
    assert len(writes) == 2
