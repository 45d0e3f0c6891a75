"""Job routes of ``/api/v1``: start a simulation, a plan or any registered job (202), poll
it, read its result at its own URL.

A job is checked at the door: the request model validates the whole body and the kind's
check runs on the network (a simulate request's scenario, a plan's problem) before
anything is queued; a problem is a 422 listing every one. ``GET /jobs/{id}`` gives status
and progress; ``GET /jobs/{id}/result`` the result (JSON, CSV or Parquet), paged.
"""

from __future__ import annotations

import io
from typing import Annotated, Literal

from fastapi import APIRouter, Body, Depends, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from paxsilica.errors import ParameterError, PaxsilicaError
from paxsilica.requests.limits import SERVICE_MAX_DAYS
from paxsilica.service.access import Principal, role_allows
from paxsilica.service.actions import who
from paxsilica.service.jobs import JOB_KINDS, JobKind
from paxsilica.service.problems import ProblemError, problem_from_error
from paxsilica.service.responses import JSON, MAX_LIMIT, Paging, TableFormat, csv_text, page, problems
from paxsilica.service.schemas import JobAccepted, JobStatus
from paxsilica.service.security import get_state, rate_limited, require

__all__ = ["router"]

router = APIRouter(prefix="/api/v1", tags=["jobs"])
SIMULATE_BODY = ("A simulate request (paxsilica.requests.simulate.SimulateRequest): scenario (a "
                 "library scenario's name, scenario YAML text, or the scenario as an object) and "
                 f"days (at most {SERVICE_MAX_DAYS}; the scenario's own days too)")
PLAN_BODY = ("A plan request (paxsilica.requests.plan.PlanRequest): problem (YAML text or the "
             "same as an object, see docs/plan.md), time_limit (seconds), mip_gap")
PLAN_EXAMPLE = {"problem": {"name": "x", "years": [2026], "concern": ["CHN"],
                            "demand": [{"member": "USA", "item": "gallium", "quantity": 10}],
                            "sources": [{"id": "s", "item": "gallium", "country": "JPN",
                                         "capacity": 20, "cost": 3}]}}
STARTED = {"description": "Queued; poll the job at Location (status_url)",
           "headers": {"Location": {"schema": {"type": "string"},
                                    "description": "The job's status URL"}}}
PARQUET = "application/vnd.apache.parquet"


class JobRequest(BaseModel):
    """A job of a registered kind with its parameters."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"kind": "exposure", "params": {"item": "gallium", "as_of": "2026-01-01"}}]})
    kind: Literal["exposure", "simulate", "plan"]
    params: dict = Field(default_factory=dict, description="The kind's request: exposure's "
                                                           "query parameters, or the simulate "
                                                           "or plan body")


def _start(request: Request, kind: JobKind, params: dict, principal: Principal,
           prefix: str = "") -> JSON:
    """Check the role, build the job's request and check it against the network (422
    naming every field at fault, under ``prefix``), queue it (202 with its location)."""
    if not role_allows(principal.role, kind.role):
        raise ProblemError(403, f"token {principal.name!r} has role {principal.role!r}; "
                                f"{kind.name} jobs need {kind.role!r} or above", "kind")
    try:
        job_request = kind.parse(params)
        checked = kind.checked(get_state(request).network(), job_request)
    except ParameterError as exc:
        errors = [{"file": None, "row": None, "field": f"{prefix}{field}" if field else None,
                   "reason": reason} for field, reason in exc.problems]
        raise ProblemError(422, str(exc), errors[0]["field"], errors) from None
    except PaxsilicaError as exc:  # the scenario or problem: every problem, file and key named
        found = problem_from_error(exc)
        field = f"{prefix}{found.field}" if found.field else None
        raise ProblemError(422, found.detail, field, found.errors) from None
    job_id = request.app.state.jobs.submit(kind, job_request, who(principal), checked)
    location = f"/api/v1/jobs/{job_id}"
    return JSON({"job_id": job_id, "status_url": location}, status_code=202,
                headers={"Location": location})


@router.post("/jobs", status_code=202, operation_id="start_job", response_model=JobAccepted,
             responses={202: STARTED, **problems(429, body=True)},
             summary="Start a job of a registered kind")
def job_route(request: Request, body: JobRequest,
              principal: Principal = Depends(rate_limited("reader"))) -> JSON:
    """Start an ``exposure``, ``simulate`` or ``plan`` job with the kind's request as
    ``params``; it is checked in full first (422 listing every problem, nothing queued).
    429 when the token already has its most jobs queued or running."""
    return _start(request, JOB_KINDS[body.kind], body.params, principal, prefix="params.")


@router.post("/simulate", status_code=202, operation_id="start_simulation",
             response_model=JobAccepted, responses={202: STARTED, **problems(429, body=True)},
             summary="Start a simulation (runs on the service's Dask cluster)")
def simulate_route(request: Request,
                   body: Annotated[dict, Body(description=SIMULATE_BODY, examples=[
                       {"scenario": "coalition-ban", "days": 90}])],
                   principal: Principal = Depends(rate_limited("analyst"))) -> JSON:
    """Simulate a scenario day by day (ARIO model). The scenario is resolved, held to the
    limits and compiled against the network before the job is queued."""
    return _start(request, JOB_KINDS["simulate"], body, principal)


@router.post("/plan", status_code=202, operation_id="start_plan", response_model=JobAccepted,
             responses={202: STARTED, **problems(429, body=True)},
             summary="Start a capacity plan (runs on the service's Dask cluster)")
def plan_route(request: Request,
               body: Annotated[dict, Body(description=PLAN_BODY, examples=[PLAN_EXAMPLE])],
               principal: Principal = Depends(rate_limited("analyst"))) -> JSON:
    """Plan co-investment at least cost (HiGHS). The problem is checked against the network
    before the job is queued."""
    return _start(request, JOB_KINDS["plan"], body, principal)


def _own_job(request: Request, job_id: str, principal: Principal) -> dict:
    row = request.app.state.jobs.job(job_id)
    if row is None or (row["submitted_by"] != who(principal)
                       and not role_allows(principal.role, "admin")):
        raise ProblemError(404, f"no job {job_id!r} of yours", "job_id")
    return row


@router.get("/jobs/{job_id}", operation_id="get_job", response_model=JobStatus,
            responses=problems(404), summary="A job's status and progress")
def job_status_route(request: Request, job_id: str,
                     principal: Principal = Depends(require("reader"))) -> JSON:
    """Status (queued, running, done, failed), progress 0-1 and, once done, ``result_url``
    (the result itself is not repeated here)."""
    row = _own_job(request, job_id, principal)
    row["result_url"] = f"/api/v1/jobs/{job_id}/result" if row["status"] == "done" else None
    return JSON(row)


@router.get("/jobs/{job_id}/result", operation_id="get_job_result",
            responses={200: {"description": "JSON: the result document, its tables paged; "
                                            "CSV or Parquet: one table, paged",
                             "content": {"application/json": {"schema": {"type": "object"}},
                                         "text/csv": {"schema": {"type": "string"}},
                                         PARQUET: {"schema": {"type": "string",
                                                              "format": "binary"}}}},
                       **problems(404, 409)},
            summary="A finished job's result (JSON, CSV or Parquet), paged")
def job_result_route(
    request: Request, job_id: str, principal: Principal = Depends(require("reader")),
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Rows per page")] = 1000,
    offset: Annotated[int, Query(ge=0, description="Rows to skip")] = 0,
    format: Annotated[Literal["json", "csv", "parquet"], Query(
        description="json (the document), csv or parquet (one table)")] = "json",
    table: Annotated[str | None, Query(
        max_length=100, description="Which table of a document result (e.g. series or "
                                    "summary of a simulation); a table result needs none")] = None,
) -> Response:
    """The result of a finished job: a table result (an exposure job) is paged like
    ``/exposure``; a document result (a simulation, a plan) comes whole in JSON with each
    of its tables (lists of rows) cut to the page and ``pages`` giving their sizes, and
    one table at a time (``table``) as a JSON page, CSV or Parquet. 409 until the job is
    done; a failed job's error is in its status."""
    row = _own_job(request, job_id, principal)
    if row["status"] != "done":
        raise ProblemError(409, f"job {job_id} is {row['status']}"
                                + (f": {row['error']}" if row.get("error") else ""), "job_id")
    result = request.app.state.jobs.result(job_id)
    tables = ({key: value for key, value in result.items() if _is_table(value)}
              if isinstance(result, dict) else {})
    if isinstance(result, list):
        rows = result
    elif table is not None:
        if table not in tables:
            raise ProblemError(422, f"no table {table!r} in this result (tables: "
                                    f"{', '.join(tables) or 'none'})", "table")
        rows = tables[table]
    elif format == "json":
        return _document_page(result, tables, limit, offset)
    else:
        raise ProblemError(422, f"format={format} gives one table: name it with table= "
                                f"({', '.join(tables) or 'none'})", "table")
    chosen = rows[offset:offset + limit]
    if format == "parquet":
        import pandas as pd

        buffer = io.BytesIO()
        pd.DataFrame(chosen).to_parquet(buffer, index=False)
        return Response(buffer.getvalue(), media_type=PARQUET,
                        headers={"X-Total-Count": str(len(rows))})
    if format == "csv":
        return Response(csv_text(chosen).encode("utf-8"), media_type="text/csv; charset=utf-8",
                        headers={"X-Total-Count": str(len(rows))})
    return page(rows, Paging(limit=limit, offset=offset), TableFormat.json)


def _is_table(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(row, dict) for row in value)


def _document_page(result: object, tables: dict[str, list], limit: int, offset: int) -> JSON:
    if not isinstance(result, dict):
        return JSON(result)
    document = {key: value[offset:offset + limit] if key in tables else value
                for key, value in result.items()}
    document["pages"] = {key: {"total": len(rows), "limit": limit, "offset": offset}
                         for key, rows in tables.items()}
    return JSON(document)
