"""Job routes of ``/api/v1``: start a simulation, a plan or any registered job (202), poll it."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Body, Depends, Request
from pydantic import BaseModel, ConfigDict, Field

from paxsilica.errors import ParameterError
from paxsilica.service.access import Principal, role_allows
from paxsilica.service.actions import who
from paxsilica.service.jobs import JOB_KINDS, JobKind
from paxsilica.service.problems import ProblemError
from paxsilica.service.responses import JSON
from paxsilica.service.security import rate_limited, require

__all__ = ["router"]

router = APIRouter(prefix="/api/v1", tags=["jobs"])
SIMULATE_BODY = ("A simulate request (paxsilica.requests.simulate.SimulateRequest): scenario (a "
                 "library scenario's name, scenario YAML text, or the scenario as an object) and "
                 "days (at most 3650; the scenario's own days too)")
PLAN_BODY = ("A plan request (paxsilica.requests.plan.PlanRequest): problem (YAML text or the "
             "same as an object, see docs/plan.md), time_limit (seconds), mip_gap")
PLAN_EXAMPLE = {"problem": {"name": "x", "years": [2026], "concern": ["CHN"],
                            "demand": [{"member": "USA", "item": "gallium", "quantity": 10}],
                            "sources": [{"id": "s", "item": "gallium", "country": "JPN",
                                         "capacity": 20, "cost": 3}]}}


class JobAccepted(BaseModel):
    job_id: str = Field(examples=["5f0c6f4b9d5a4a41b7d1c2e3f4a5b6c7"])


class JobRequest(BaseModel):
    """A job of a registered kind with its parameters."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"kind": "exposure", "params": {"item": "gallium", "as_of": "2026-01-01"}}]})
    kind: Literal["exposure", "simulate", "plan"]
    params: dict = Field(default_factory=dict)


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


def _start(request: Request, kind: JobKind, params: dict, principal: Principal,
           prefix: str = "") -> JSON:
    """Check the role, build the job's request (422 naming every field at fault, under
    ``prefix``), queue it (202 with its location)."""
    if not role_allows(principal.role, kind.role):
        raise ProblemError(403, f"token {principal.name!r} has role {principal.role!r}; "
                                f"{kind.name} jobs need {kind.role!r} or above", "kind")
    try:
        job_request = kind.parse(params)
    except ParameterError as exc:
        errors = [{"file": None, "row": None, "field": f"{prefix}{field}" if field else None,
                   "reason": reason} for field, reason in exc.problems]
        raise ProblemError(422, str(exc), errors[0]["field"], errors) from None
    job_id = request.app.state.jobs.submit(kind, job_request, who(principal))
    return JSON({"job_id": job_id}, status_code=202,
                headers={"Location": f"/api/v1/jobs/{job_id}"})


@router.post("/jobs", status_code=202, response_model=JobAccepted,
             summary="Start a job of a registered kind")
def job_route(request: Request, body: JobRequest,
              principal: Principal = Depends(rate_limited("reader"))) -> JSON:
    return _start(request, JOB_KINDS[body.kind], body.params, principal, prefix="params.")


@router.post("/simulate", status_code=202, response_model=JobAccepted,
             summary="Start a simulation (runs on the service's Dask cluster)")
def simulate_route(request: Request,
                   body: Annotated[dict, Body(description=SIMULATE_BODY, examples=[
                       {"scenario": "coalition-ban", "days": 90}])],
                   principal: Principal = Depends(rate_limited("analyst"))) -> JSON:
    return _start(request, JOB_KINDS["simulate"], body, principal)


@router.post("/plan", status_code=202, response_model=JobAccepted,
             summary="Start a capacity plan (runs on the service's Dask cluster)")
def plan_route(request: Request,
               body: Annotated[dict, Body(description=PLAN_BODY, examples=[PLAN_EXAMPLE])],
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
