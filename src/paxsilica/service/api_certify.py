"""Certify routes of ``/api/v1``: screen names, certify a BOM, verify a certificate."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from paxsilica.limits import MAX_NAME_LENGTH
from paxsilica.service.access import Principal
from paxsilica.service.actions import certify_action
from paxsilica.service.certifying import screen_records, verify_document
from paxsilica.service.problems import ProblemError
from paxsilica.service.responses import JSON
from paxsilica.service.security import get_state, rate_limited, require
from paxsilica.service.state import ServiceState

__all__ = ["ScreenRequest", "router"]

router = APIRouter(prefix="/api/v1", tags=["certify"])

LIST_HELP = "A stored list's name or bundled:NAME (bundled: fcc_covered, dod_1260h, csl_sample)"


class ScreenName(BaseModel):
    """One name to screen; ``names[i]`` is row i in error messages."""

    model_config = ConfigDict(extra="forbid")
    query_id: str = Field(min_length=1, max_length=200, examples=["q1"])
    name: str = Field(min_length=1, max_length=MAX_NAME_LENGTH, examples=["Huawei Technologies Co Ltd"])
    country: str | None = Field(None, max_length=200, examples=["CN"])
    identifiers: str | None = Field(None, max_length=2000, description="';'-separated")


class OwnershipLink(BaseModel):
    """One ownership link, as a row of an ``--ownership`` CSV (``ownership[i]`` is row i)."""

    model_config = ConfigDict(extra="forbid")
    owner: str = Field(min_length=1, max_length=MAX_NAME_LENGTH, examples=["Huawei Technologies Co Ltd"])
    owned: str = Field(min_length=1, max_length=MAX_NAME_LENGTH, examples=["Example Gimbal Co Ltd"])
    percentage: float = Field(description="Percent held, (0, 100]", examples=[60])


class ScreenRequest(BaseModel):
    """``paxsilica screen``'s inputs as JSON."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "names": [{"query_id": "q1", "name": "Huawei Technologies Co Ltd", "country": "CN"},
                  {"query_id": "q2", "name": "Acme Tools"}],
        "lists": ["bundled:fcc_covered"]}]})
    names: list[ScreenName | Annotated[str, Field(min_length=1, max_length=MAX_NAME_LENGTH)]] = Field(
        min_length=1, description="Names to screen; a plain string is {query_id: its position, name}")
    lists: list[str] = Field(min_length=1, description=LIST_HELP)
    threshold: float | None = Field(None, ge=0, le=1, description="Minimum score 0-1 (default 0.70)")
    store_ownership: bool = Field(False, description="Also use the store's ownership links")
    ownership: list[OwnershipLink] | None = Field(
        None, description="Ownership links: also flag names controlled 50%+ by listed parties")


class VerifyResult(BaseModel):
    """Whether a certificate's signature verifies with the service's key(s)."""

    valid: bool
    reason: str
    subject: str | None = None
    verdict: str | None = None
    issued_at: str | None = None


@router.post("/screen", summary="Screen names, as `paxsilica screen --format json`",
             response_model=list[dict])
def screen_route(request: ScreenRequest, state: ServiceState = Depends(get_state),
                 _: Principal = Depends(rate_limited("analyst"))) -> JSON:
    if len(request.names) > state.config.max_names:
        raise ProblemError(413, f"{len(request.names)} names; at most {state.config.max_names} per "
                                "request", "names")
    names = [{"query_id": str(i), "name": name} if isinstance(name, str) else name.model_dump()
             for i, name in enumerate(request.names)]
    links = None if request.ownership is None else [link.model_dump() for link in request.ownership]
    return JSON(screen_records(state.reader(), names, request.lists, request.threshold,
                               request.store_ownership, links))


@router.post("/certify", summary="Certify a BOM; the certificate as `paxsilica certify -o` writes it",
             response_class=Response,
             responses={200: {"content": {"application/json": {}},
                              "description": "The certificate JSON (signed when the service has a key)"}})
def certify_route(
    bom: Annotated[UploadFile, File(description="BOM: CSV or CycloneDX JSON (.json)")],
    rules: Annotated[str, Form(description="Rule pack: uas-ndaa848, fcc-covered or magnets-tungsten",
                               examples=["fcc-covered"])],
    lists: Annotated[list[str], Form(alias="list", description=LIST_HELP,
                                     examples=[["bundled:fcc_covered"]])],
    threshold: Annotated[float | None, Form(ge=0, le=1)] = None,
    subject: Annotated[str | None, Form(max_length=500)] = None,
    store_ownership: Annotated[bool, Form(description="Also use the store's ownership links")] = False,
    ownership: Annotated[UploadFile | None, File(
        description="Ownership links (CSV owner,owned,percentage or FtM JSON lines), as --ownership")] = None,
    state: ServiceState = Depends(get_state),
    principal: Principal = Depends(rate_limited("certifier")),
) -> Response:
    links = (ownership.filename or "ownership.csv", ownership.file.read()) if ownership else None
    text = certify_action(state, principal, bom.filename or "bom.csv", bom.file.read(), rules=rules,
                          specs=lists, threshold=threshold, subject=subject,
                          use_store_ownership=store_ownership, ownership=links)
    return Response(text.encode("utf-8"), media_type="application/json")


@router.post("/verify", response_model=VerifyResult, summary="Verify a certificate's signature",
             dependencies=[Depends(require("reader"))],
             openapi_extra={"requestBody": {"required": True, "content": {"application/json": {
                 "schema": {"type": "object", "description": "The certificate JSON, as certify "
                                                             "writes it"},
                 "example": {"certificate": {"verdict": "pass"}, "signature": None}}}}})
async def verify_route(request: Request) -> JSON:
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind and kind != "application/json" and not kind.endswith("+json"):
        raise ProblemError(415, f"send the certificate as application/json, not {kind}",
                           "certificate")
    raw = await request.body()  # the bytes as sent are verified, never a re-serialisation
    return JSON(await run_in_threadpool(verify_document, raw, request.app.state.service.public_keys))
