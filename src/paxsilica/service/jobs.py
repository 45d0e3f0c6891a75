"""Background jobs on Dask distributed: a job is a request model plus the function answering it.

:data:`JOB_KINDS` declares each kind (role needed, request model, the check run at the
door, ``module:function``). **Checked at the door**: the request is built (its fields
validated) and its check run on the network before the job is queued: a simulate request's
scenario is resolved, limited and compiled against the network, a plan's problem checked
against it, an exposure's names looked up; any problem is a 422 listing every one, and no
job is created. :class:`JobRunner` caps the unfinished jobs of each submitter (429 beyond
:attr:`~paxsilica.service.state.ServiceConfig.max_queued_jobs`), submits a job to the
service's Dask cluster (a ``LocalCluster`` started on first use, or the scheduler given),
keeps its row in the ``jobs`` table, and reports status (queued, running, done, failed) and
progress 0-1; the result is read apart (:meth:`JobRunner.result`). The function is called
as ``function(net, checked, progress=report)`` with what the check returned and
``report(fraction)``.
"""

from __future__ import annotations

import importlib
import json
import threading
import uuid
from collections import Counter, OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import pandas as pd

from paxsilica.errors import PaxsilicaError
from paxsilica.requests.base import Request
from paxsilica.requests.exposure import ExposureRequest
from paxsilica.requests.plan import PlanRequest
from paxsilica.requests.simulate import SimulateRequest
from paxsilica.service.problems import ProblemError
from paxsilica.service.queries import records
from paxsilica.service.state import ServiceState

__all__ = ["JOB_KINDS", "JobKind", "JobRunner", "run_job"]

FINAL = ("done", "failed")
FAILED_KEY = "__paxsilica_job_error__"
"""A job whose callable raised a user error returns ``{FAILED_KEY: message}``."""


@dataclass(frozen=True)
class JobKind:
    """One kind of job: who may start it, its request model, and the function answering it."""

    name: str
    role: str
    request: type[Request]
    target: str
    """``module:function`` called as ``function(net, checked, progress=report)``."""
    check: str | None = None
    """``module:function`` called at the door as ``function(net, request)``: raises a
    library error for anything wrong (422 before any job exists) and returns what the job
    runs (the request, or what was prepared from it); ``None``: the request as it is."""

    def parse(self, params: dict) -> Request:
        """The job's request from a client's parameters (a remote request: no files)."""
        return self.request.parse(params, local_files=False)

    def checked(self, net: object, request: Request) -> object:
        """What the job runs, after the kind's check of ``request`` against ``net``."""
        if self.check is None:
            return request
        module, function = self.check.split(":")
        return getattr(importlib.import_module(module), function)(net, request)


JOB_KINDS: dict[str, JobKind] = {kind.name: kind for kind in [
    JobKind("exposure", "reader", ExposureRequest, "paxsilica.service.queries:exposure_job",
            "paxsilica.service.queries:check_exposure"),
    JobKind("simulate", "analyst", SimulateRequest, "paxsilica.service.simulation:simulate_job",
            "paxsilica.service.simulation:check_simulate"),
    JobKind("plan", "analyst", PlanRequest, "paxsilica.service.planning:plan_job",
            "paxsilica.service.planning:check_plan"),
]}


def _progress_key(job_id: str) -> str:
    return f"paxsilica-job-{job_id}"


def _jsonable_result(result: object) -> object:
    if isinstance(result, pd.DataFrame):
        return records(result)
    if hasattr(result, "to_dict") and not isinstance(result, dict):
        return _jsonable_result(result.to_dict())  # type: ignore[union-attr]
    return result


def run_job(target: str, request: object, job_id: str, net: object) -> str:
    """Run one job on a Dask worker; the result as JSON text (records for a table)."""
    from distributed import Variable, get_client

    variable = Variable(_progress_key(job_id), client=get_client())
    variable.set({"status": "running", "progress": 0.0})
    module, function = target.split(":")
    call: Callable = getattr(importlib.import_module(module), function)

    def report(fraction: float) -> None:
        variable.set({"status": "running", "progress": max(0.0, min(1.0, float(fraction)))})

    try:
        result = call(net, request, progress=report)
    except (PaxsilicaError, ProblemError) as exc:  # a user mistake: the job fails with it, no crash
        return json.dumps({FAILED_KEY: str(exc)})
    return json.dumps(_jsonable_result(result), ensure_ascii=False, default=str, allow_nan=False)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _queue_full(unfinished: int, cap: int) -> ProblemError:
    """The 429 of a submitter with ``unfinished`` jobs queued or running, ``cap`` allowed."""
    return ProblemError(429, f"{unfinished} of your jobs are queued or running; at most {cap} "
                             "at a time (poll them at /api/v1/jobs/ID, then try again)", "kind",
                        headers={"Retry-After": "10"})


class JobRunner:
    """Submits jobs to Dask and records them in the ``jobs`` table."""

    def __init__(self, state: ServiceState) -> None:
        self.state = state
        self._client = None
        self._cluster = None
        self._lock = threading.Lock()
        self._futures: dict[str, object] = {}
        self._unfinished: Counter[str] = Counter()  # submitter -> jobs queued or running
        self._owners: dict[str, str] = {}
        self._results: OrderedDict[str, object] = OrderedDict()  # parsed results, newest last
        stale = state.reader().read("jobs", "status NOT IN ('done', 'failed')")
        if len(stale):  # (a write copies the database file: only when there is something to do)
            with state.writer() as store:
                store.connection.execute(
                    "UPDATE \"jobs\" SET status = 'failed', finished = ?, error = ? "
                    "WHERE status NOT IN ('done', 'failed')",
                    [_now(), "the service stopped before the job finished"])

    def client(self):  # noqa: ANN201 - distributed.Client
        """The Dask client, connecting (or starting a LocalCluster) on first use."""
        with self._lock:
            if self._client is None:
                from distributed import Client, LocalCluster

                if self.state.config.scheduler:
                    self._client = Client(self.state.config.scheduler, timeout=10)
                else:
                    self._cluster = LocalCluster(n_workers=1, threads_per_worker=2,
                                                 processes=False, dashboard_address=":0")
                    self._client = Client(self._cluster)
            return self._client

    def submit(self, kind: JobKind, request: Request, who: str, checked: object = None) -> str:
        """Queue a job answering ``request`` (built and checked: ``checked`` is what the
        kind's check returned); its id.

        Raises:
            ProblemError: 429 when ``who`` already has
                :attr:`~paxsilica.service.state.ServiceConfig.max_queued_jobs` jobs queued
                or running: counted in memory (this runner's jobs, submissions under way
                included), then in the ``jobs`` table (rows this runner does not hold) and
                again inside the write that records the job, so two requests at once cannot
                both slip under the cap. Nothing is written then.
        """
        job_id = uuid.uuid4().hex
        values = request.options()
        cap = self.state.config.max_queued_jobs
        with self._lock:  # counted in memory first: most refusals cost no query of the store
            if self._unfinished[who] >= cap:
                raise _queue_full(self._unfinished[who], cap)
            self._unfinished[who] += 1
            self._owners[job_id] = who
        try:
            self._check_queue(self.state.reader(), who)  # cheap: a refused job copies no file
            self._record(job_id, kind, values, who)
        except BaseException:
            self._release(job_id)
            raise
        from distributed import Variable

        try:
            client = self.client()
            Variable(_progress_key(job_id), client=client).set({"status": "queued",
                                                                "progress": 0.0})
            future = client.submit(run_job, kind.target, request if checked is None else checked,
                                   job_id, self.state.network(), pure=False,
                                   key=f"paxsilica-job-{job_id}")
        except BaseException:  # the cluster cannot take it: the slot is free again
            self._release(job_id)
            raise
        self._futures[job_id] = future
        future.add_done_callback(lambda done: self._finish(job_id, done))
        return job_id

    def _release(self, job_id: str) -> None:
        with self._lock:
            who = self._owners.pop(job_id, None)
            if who is not None:
                self._unfinished[who] -= 1
                if self._unfinished[who] <= 0:
                    del self._unfinished[who]

    def _record(self, job_id: str, kind: JobKind, values: dict, who: str) -> None:
        with self.state.writer() as store:
            self._check_queue(store, who)  # again inside the write: no two slip under the cap
            store.connection.execute(
                'INSERT INTO "jobs" VALUES (?, ?, ?, \'queued\', 0.0, ?, ?, NULL, NULL, NULL)',
                [job_id, kind.name, json.dumps(values), who, _now()])

    def _check_queue(self, store: object, who: str) -> None:
        """429 when the ``jobs`` table holds ``max_queued_jobs`` unfinished jobs of ``who``
        (the job being submitted is not recorded yet)."""
        cap = self.state.config.max_queued_jobs
        (unfinished,) = store.connection.execute(  # type: ignore[attr-defined]
            "SELECT count(*) FROM \"jobs\" WHERE submitted_by = ? AND status NOT IN ('done', 'failed')",
            [who]).fetchone()
        if unfinished >= cap:
            raise _queue_full(unfinished, cap)

    def _finish(self, job_id: str, future: object) -> None:
        result = error = None
        try:
            result = future.result()  # type: ignore[attr-defined]
            status = "done"
            if result.startswith("{" + json.dumps(FAILED_KEY)):
                status, error, result = "failed", json.loads(result)[FAILED_KEY], None
        except PaxsilicaError as exc:
            status, error = "failed", str(exc)
        except Exception as exc:
            status, error = "failed", f"internal error in the job ({type(exc).__name__})"
        try:
            with self.state.writer() as store:
                store.connection.execute(
                    'UPDATE "jobs" SET status = ?, progress = ?, finished = ?, result = ?, '
                    "error = ? WHERE job_id = ?",
                    [status, 1.0 if status == "done" else None, _now(), result, error, job_id])
        finally:
            self._futures.pop(job_id, None)
            self._release(job_id)
        try:
            from distributed import Variable

            Variable(_progress_key(job_id), client=self.client()).delete()
        except (OSError, RuntimeError, ValueError):  # the cluster may be closing
            pass

    def job(self, job_id: str) -> dict | None:
        """``{job_id, kind, status, progress, params, submitted_by, created, finished,
        error}`` (the result is apart: :meth:`result`)."""
        rows = self.state.reader().connection.execute(
            'SELECT job_id, kind, params, status, progress, submitted_by, created, finished, '
            'error FROM "jobs" WHERE job_id = ?', [job_id]).df()
        if rows.empty:
            return None
        row = records(rows)[0]
        row["params"] = json.loads(row["params"])
        if row["status"] not in FINAL and job_id in self._futures:
            from distributed import Variable

            try:
                live = Variable(_progress_key(job_id), client=self.client()).get(timeout=2)
            except TimeoutError:  # finished (and its progress deleted) since the row was read
                return self.job(job_id)
            row.update(status=live["status"], progress=live["progress"])
        return row

    def result(self, job_id: str) -> object:
        """A finished job's result (JSON values), parsed once and kept for the next pages."""
        with self._lock:
            if job_id in self._results:
                self._results.move_to_end(job_id)
                return self._results[job_id]
        rows = self.state.reader().connection.execute(
            'SELECT result FROM "jobs" WHERE job_id = ?', [job_id]).fetchall()
        value = json.loads(rows[0][0]) if rows and rows[0][0] is not None else None
        with self._lock:
            self._results[job_id] = value
            while len(self._results) > 8:
                self._results.popitem(last=False)
        return value

    def wait(self, job_id: str, timeout: float = 60) -> None:
        """Block until the job is finished and recorded (for tests and benchmarks)."""
        import time

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            row = self.job(job_id)
            if row is not None and row["status"] in FINAL:
                return
            time.sleep(0.05)
        raise TimeoutError(f"job {job_id} did not finish in {timeout} s")

    def close(self) -> None:
        with self._lock:
            if self._client is not None:
                self._client.close()
            if self._cluster is not None:
                self._cluster.close()
            self._client = self._cluster = None
