"""Certify routes of ``/api/v1``: screen names, certify a BOM, verify a certificate."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Depends, File, Form, Request, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from paxsilica.requests.screen import ScreenRequest
from paxsilica.service.access import Principal
from paxsilica.service.actions import certify_action
from paxsilica.service.certifying import screen_records, verify_document
from paxsilica.service.problems import ProblemError
from paxsilica.service.responses import JSON
from paxsilica.service.security import get_state, rate_limited, require
from paxsilica.service.state import ServiceState

__all__ = ["router"]

router = APIRouter(prefix="/api/v1", tags=["certify"])
SCREEN_BODY = ("paxsilica screen's inputs as JSON: names (rows; a plain string is {query_id: its "
               "position, name}), lists, threshold, ownership rows, store_ownership")
SCREEN_EXAMPLE = {"names": [{"query_id": "q1", "name": "Huawei Technologies Co Ltd", "country": "CN"},
                            "Acme Tools"], "lists": ["bundled:fcc_covered"]}
SCREEN_BODY = ("paxsilica screen's inputs as JSON: names (rows; a plain string is {query_id: its "
               "position, name}), lists, threshold, ownership rows, store_ownership")

LIST_HELP = "A stored list's name or bundled:NAME (bundled: fcc_covered, dod_1260h, csl_sample)"


class VerifyResult(BaseModel):
    """Whether a certificate's signature verifies with the service's key(s)."""

    valid: bool
    reason: str
    subject: str | None = None
    verdict: str | None = None
    issued_at: str | None = None


@router.post("/screen", summary="Screen names, as `paxsilica screen --format json`",
             response_model=list[dict])
def screen_route(body: Annotated[dict, Body(description=SCREEN_BODY, examples=[SCREEN_EXAMPLE])],
                 state: ServiceState = Depends(get_state),
                 _: Principal = Depends(rate_limited("analyst"))) -> JSON:
    names = body.get("names")
    if isinstance(names, list) and len(names) > state.config.max_names:
        raise ProblemError(413, f"{len(names)} names; at most {state.config.max_names} per "
                                "request", "names")
    request = ScreenRequest.parse(body, local_files=False)
    return JSON(screen_records(state.reader(), request))


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
    options = {"rules": rules, "lists": lists, "threshold": threshold, "subject": subject,
               "store_ownership": store_ownership}
    text = certify_action(state, principal, bom.filename or "bom.csv", bom.file.read(),
                          options=options, ownership=links)
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
