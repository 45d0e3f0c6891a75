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
from paxsilica.service.responses import JSON, problems
from paxsilica.service.schemas import Certificate, ScreenResult
from paxsilica.service.security import get_state, rate_limited, require
from paxsilica.service.state import ServiceState

__all__ = ["router"]

router = APIRouter(prefix="/api/v1", tags=["certify"])
SCREEN_BODY = ("paxsilica screen's inputs as JSON: names (rows; a plain string is {query_id: its "
               "position, name}), lists, threshold, ownership rows, store_ownership")
SCREEN_EXAMPLE = {"names": [{"query_id": "q1", "name": "Huawei Technologies Co Ltd", "country": "CN"},
                            "Acme Tools"], "lists": ["bundled:fcc_covered"]}
LIST_HELP = ("A stored list's name or bundled:NAME (bundled: fcc_covered, dod_1260h, csl_sample); "
             "repeatable; default: every installed list")


class VerifyResult(BaseModel):
    """Whether a certificate's signature verifies with the service's key(s)."""

    valid: bool
    reason: str
    subject: str | None = None
    verdict: str | None = None
    issued_at: str | None = None


@router.post("/screen", operation_id="screen_names", response_model=list[ScreenResult],
             responses=problems(429, body=True),
             summary="Screen names, as `paxsilica screen --format json`")
def screen_route(body: Annotated[dict, Body(description=SCREEN_BODY, examples=[SCREEN_EXAMPLE])],
                 state: ServiceState = Depends(get_state),
                 _: Principal = Depends(rate_limited("analyst"))) -> JSON:
    """Screen names against restricted-party lists (and ownership chains): one result per
    name, in order, with its matches best first and each match's explanation (feature
    values and their weights). 413 above the most names per request."""
    names = body.get("names")
    if isinstance(names, list) and len(names) > state.config.max_names:
        raise ProblemError(413, f"{len(names)} names; at most {state.config.max_names} per "
                                "request", "names")
    request = ScreenRequest.parse(body, local_files=False)
    return JSON(screen_records(state.reader(), request))


@router.post("/certify", operation_id="certify_bom", response_model=Certificate,
             responses=problems(429, body=True),
             summary="Certify a BOM; the certificate as `paxsilica certify -o` writes it")
def certify_route(
    bom: Annotated[UploadFile, File(description="BOM: CSV or CycloneDX JSON (.json)")],
    rules: Annotated[str | None, Form(
        description="Rule pack: uas-ndaa848, fcc-covered or magnets-tungsten; default: the "
                    "strictest bundled pack that applies to the BOM",
        examples=["uas-ndaa848"])] = None,
    lists: Annotated[list[str] | None, Form(alias="list", description=LIST_HELP,
                                            examples=[["bundled:fcc_covered"]])] = None,
    threshold: Annotated[float | None, Form(ge=0, le=1)] = None,
    subject: Annotated[str | None, Form(max_length=500)] = None,
    store_ownership: Annotated[bool, Form(description="Also use the store's ownership links")] = False,
    ownership: Annotated[UploadFile | None, File(
        description="Ownership links (CSV owner,owned,percentage or FtM JSON lines), as --ownership")] = None,
    state: ServiceState = Depends(get_state),
    principal: Principal = Depends(rate_limited("certifier")),
) -> Response:
    """Check a BOM against restricted-party lists and a rule pack and issue the certificate
    (signed when the service has a key). A FAIL verdict is a 200 like a PASS: read
    ``certificate.verdict`` and ``certificate.verdict_text``, which says what a PASS against
    sample or stale lists is worth; ``certificate.warnings`` names such lists. Audited."""
    links = (ownership.filename or "ownership.csv", ownership.file.read()) if ownership else None
    options = {"rules": rules or None, "lists": lists or None, "threshold": threshold, "subject": subject,
               "store_ownership": store_ownership}
    text = certify_action(state, principal, bom.filename or "bom.csv", bom.file.read(),
                          options=options, ownership=links)
    return Response(text.encode("utf-8"), media_type="application/json")


@router.post("/verify", operation_id="verify_certificate", response_model=VerifyResult,
             responses=problems(415, body=True), summary="Verify a certificate's signature",
             dependencies=[Depends(require("reader"))],
             openapi_extra={"requestBody": {"required": True, "content": {"application/json": {
                 "schema": {"type": "object", "description": "The certificate JSON, as certify "
                                                             "writes it"},
                 "example": {"certificate": {"verdict": "pass"}, "signature": None}}}}})
async def verify_route(request: Request) -> JSON:
    """Whether a certificate's Ed25519 signature verifies with one of the service's keys
    (an invalid certificate is a 200 with ``valid`` false and the reason). The bytes as sent
    are verified (a duplicate key is invalid); a body that is not JSON is a 415."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind and kind != "application/json" and not kind.endswith("+json"):
        raise ProblemError(415, f"send the certificate as application/json, not {kind}",
                           "certificate")
    raw = await request.body()  # the bytes as sent are verified, never a re-serialisation
    return JSON(await run_in_threadpool(verify_document, raw, request.app.state.service.public_keys))
