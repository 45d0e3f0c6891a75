"""Job routes of ``/api/v1``: start a simulation, a plan or any registered job (202), poll it."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from paxsilica.service.access import Principal, role_allows
from paxsilica.service.actions import who
from paxsilica.service.jobs import JOB_KINDS, Bounded, JobKind, PlanJob, SimulateJob
from paxsilica.service.problems import ProblemError
from paxsilica.service.responses import JSON
from paxsilica.service.security import rate_limited, require

__all__ = ["router"]

router = APIRouter(prefix="/api/v1", tags=["jobs"])


class JobAccepted(BaseModel):
    job_id: str = Field(examples=["5f0c6f4b9d5a4a41b7d1c2e3f4a5b6c7"])


class JobRequest(BaseModel):
    """A job of a registered kind with its parameters."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"kind": "exposure", "params": {"item": "gallium", "as_of": "2026-01-01"}}]})
    kind: Literal["exposure", "simulate", "plan"]
    params: Bounded = Field(default_factory=dict)


class JobStatus(BaseModel):
    job_id: str
    kind: str
    status: Literal["queued", "running", "done", "failed"]
    progress: float | None = Field(None, description="0-1")
    params: dict
    submitted_by: str
    created: str
    finished: str | None = None
    result: object = Field(None, description="The job's result (JSON) once done")
    error: str | None = None


def _start(request: Request, kind: JobKind, params: BaseModel, principal: Principal) -> JSON:
    if not role_allows(principal.role, kind.role):
        raise ProblemError(403, f"token {principal.name!r} has role {principal.role!r}; "
                                f"{kind.name} jobs need {kind.role!r} or above", "kind")
    missing = kind.unavailable()
    if missing is not None:
        raise ProblemError(501, missing, "kind")
    job_id = request.app.state.jobs.submit(kind, params, who(principal))
    return JSON({"job_id": job_id}, status_code=202,
                headers={"Location": f"/api/v1/jobs/{job_id}"})


@router.post("/jobs", status_code=202, response_model=JobAccepted,
             summary="Start a job of a registered kind")
def job_route(request: Request, body: JobRequest,
              principal: Principal = Depends(rate_limited("reader"))) -> JSON:
    kind = JOB_KINDS[body.kind]
    try:
        params = kind.params.model_validate(body.params)
    except ValidationError as exc:
        errors = [{"file": None, "row": None, "reason": e["msg"],
                   "field": "params." + ".".join(str(p) for p in e["loc"])} for e in exc.errors()]
        raise ProblemError(422, "; ".join(f"{e['field']}: {e['reason']}" for e in errors[:5]),
                           errors[0]["field"], errors) from None
    return _start(request, kind, params, principal)


@router.post("/simulate", status_code=202, response_model=JobAccepted,
             responses={501: {"description": "The simulator is not installed"}},
             summary="Start a simulation (runs on the service's Dask cluster)")
def simulate_route(request: Request, body: SimulateJob,
                   principal: Principal = Depends(rate_limited("analyst"))) -> JSON:
    return _start(request, JOB_KINDS["simulate"], body, principal)


@router.post("/plan", status_code=202, response_model=JobAccepted,
             responses={501: {"description": "The planner is not installed"}},
             summary="Start a capacity plan (runs on the service's Dask cluster)")
def plan_route(request: Request, body: PlanJob,
               principal: Principal = Depends(rate_limited("analyst"))) -> JSON:
    return _start(request, JOB_KINDS["plan"], body, principal)


@router.get("/jobs/{job_id}", response_model=JobStatus, summary="A job's status, progress and result")
def job_status_route(request: Request, job_id: str,
                     principal: Principal = Depends(require("reader"))) -> JSON:
    row = request.app.state.jobs.job(job_id)
    if row is None or (row["submitted_by"] != who(principal)
                       and not role_allows(principal.role, "admin")):
        raise ProblemError(404, f"no job {job_id!r} of yours", "job_id")
    return JSON(row)

