"""Admin routes of ``/api/v1``: imports, restricted-party lists, tokens and the audit trail."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, File, Form, Path, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from paxsilica.certify.lists import stored_lists
from paxsilica.service.access import Principal, add_token, audit_log, list_tokens, revoke_token
from paxsilica.service.actions import import_action, list_import_action, who
from paxsilica.service.queries import records
from paxsilica.service.responses import JSON, Paging, page, problems, table_content
from paxsilica.service.schemas import AuditRow, Page, StoredListRow, TokenRow
from paxsilica.service.security import get_state, require
from paxsilica.service.state import ServiceState

__all__ = ["router"]

router = APIRouter(prefix="/api/v1", tags=["admin"])
Admin = Depends(require("admin"))


class NewToken(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"name": "ministry-analyst", "role": "analyst"}]})
    name: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.@-]*$")
    role: Literal["reader", "analyst", "certifier", "admin"]


class ImportReport(BaseModel):
    kind: str
    file: str
    rows: int
    import_id: int


class ListImported(BaseModel, extra="allow"):
    name: str
    version: str
    ownership_links: int


class TokenCreated(BaseModel):
    name: str
    role: str
    token: str = Field(description="The token itself: shown only in this answer")


class TokenRevoked(BaseModel):
    name: str
    revoked: bool


@router.post("/imports/{kind}", status_code=201, operation_id="import_records",
             response_model=ImportReport, responses=problems(404, body=True),
             summary="Import one file of a record kind (all or nothing), as `paxsilica data import`")
def import_route(kind: Annotated[str, Path(examples=["supplies"])],
                 file: Annotated[UploadFile, File(description="CSV, TSV, Parquet, YAML or JSONL")],
                 source: Annotated[str | None, Form(max_length=500)] = None,
                 state: ServiceState = Depends(get_state), principal: Principal = Admin) -> JSON:
    """Validate and import one uploaded file of a record kind (``supplies``, ``recipes``…):
    a bad row imports nothing (422 listing every row and field at fault); an unknown kind
    is a 404. Audited."""
    report = import_action(state, principal, kind, file.filename or "upload.csv", file.file.read(),
                           source)
    return JSON(report, status_code=201)


@router.post("/lists", status_code=201, operation_id="import_list", response_model=ListImported,
             responses=problems(body=True), summary="Import a restricted-party list version")
def list_import_route(file: Annotated[UploadFile, File()],
                      name: Annotated[str | None, Form(max_length=100)] = None,
                      version: Annotated[str | None, Form(max_length=100)] = None,
                      state: ServiceState = Depends(get_state), principal: Principal = Admin) -> JSON:
    """Import (or replace) one version of a restricted-party list (OpenSanctions, FtM, CSL,
    FCC Covered List or DoD 1260H layout, told from the header). Audited."""
    result = list_import_action(state, principal, file.filename or "list.csv", file.file.read(),
                                name, version)
    return JSON(result, status_code=201)


@router.get("/lists", operation_id="list_lists", response_model=Page[StoredListRow],
            responses={**table_content(Page[StoredListRow]), **problems()},
            dependencies=[Depends(require("reader"))],
            summary="Stored restricted-party lists and versions")
def lists_route(paging: Annotated[Paging, Depends()],
                state: ServiceState = Depends(get_state)) -> Response:
    """Every stored list version, newest import last (bundled samples are not stored)."""
    return page(records(stored_lists(state.reader())), paging)


@router.get("/tokens", operation_id="list_tokens", response_model=Page[TokenRow],
            responses={**table_content(Page[TokenRow]), **problems()}, dependencies=[Admin],
            summary="Access tokens (no secrets)")
def tokens_route(paging: Annotated[Paging, Depends()],
                 state: ServiceState = Depends(get_state)) -> Response:
    """Tokens by name, role, creation and revocation time (never the tokens)."""
    return page(records(list_tokens(state.reader())), paging)


@router.post("/tokens", status_code=201, operation_id="create_token", response_model=TokenCreated,
             responses=problems(body=True), summary="Create a token; it is shown only in this answer")
def token_add_route(body: NewToken, state: ServiceState = Depends(get_state),
                    principal: Principal = Admin) -> JSON:
    """Create a token with a role; a live token of the same name is a 422. Audited."""
    with state.writer() as store:
        token = add_token(store, body.name, body.role, who(principal))
    return JSON({"name": body.name, "role": body.role, "token": token}, status_code=201)


@router.delete("/tokens/{name}", operation_id="revoke_token", response_model=TokenRevoked,
               responses=problems(404), summary="Revoke a token")
def token_revoke_route(name: str, state: ServiceState = Depends(get_state),
                       principal: Principal = Admin) -> JSON:
    """Stop a token from working at once (its next request gets 401). Audited."""
    with state.writer() as store:
        revoke_token(store, name, who(principal))
    return JSON({"name": name, "revoked": True})


@router.get("/audit", operation_id="list_audit", response_model=Page[AuditRow],
            responses={**table_content(Page[AuditRow]), **problems()}, dependencies=[Admin],
            summary="The audit trail")
def audit_route(paging: Annotated[Paging, Depends()],
                state: ServiceState = Depends(get_state)) -> Response:
    """Who did what and when (certificates, imports, lists, tokens), oldest first."""
    return page(records(audit_log(state.reader())), paging)
