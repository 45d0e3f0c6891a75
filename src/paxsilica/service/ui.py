"""The web dashboard: server-rendered pages (Jinja2) whose forms htmx swaps in place.

Pages call the same library functions and actions as the API. The access token is
kept in an HttpOnly, SameSite=Strict cookie after signing in at ``/login``.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from paxsilica.certify.rules import bundled_packs
from paxsilica.errors import ParameterError, PaxsilicaError, ValidationError
from paxsilica.report.assets import plotly_js as plotly_bytes
from paxsilica.report.charts import concern_bars
from paxsilica.requests.exposure import ExposureRequest, answer_exposure
from paxsilica.service import ui_infra, ui_map, ui_runs, ui_screen
from paxsilica.service.access import Principal, principal_for
from paxsilica.service.actions import certify_action
from paxsilica.service.certifying import verify_document
from paxsilica.service.pages import LoginRequiredError, render, user
from paxsilica.service.queries import records
from paxsilica.service.security import COOKIE, get_state
from paxsilica.service.state import ServiceState
from paxsilica.service.ui_screen import installed_lists

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
_render = render
for _module in (ui_runs, ui_screen, ui_map, ui_infra):
    router.include_router(_module.router)


@router.get("/static/vendor/plotly.min.js")
def plotly_js() -> Response:
    """The report's plotly.js partial bundle (report/vendor/PLOTLY.md; no network needed)."""
    return Response(plotly_bytes(), media_type="text/javascript",
                    headers={"Cache-Control": "public, max-age=86400"})


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request) -> HTMLResponse:
    return _render(request, "login.html.j2")


@router.post("/login", response_class=HTMLResponse)
def login(request: Request, token: Annotated[str, Form(max_length=200)],
          state: ServiceState = Depends(get_state)) -> Response:
    if principal_for(state.reader(), token.strip()) is None:
        return _render(request, "login.html.j2", status=401, error="unknown or revoked token")
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(COOKIE, token.strip(), httponly=True, samesite="strict",
                        secure=request.url.scheme == "https", max_age=12 * 3600)
    return response


@router.post("/logout")
def logout() -> Response:
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE)
    return response


def _exposure_panel(state: ServiceState, item: str | None, stage: str | None, group: str,
                    as_of: str | None) -> dict:
    net = state.network()
    chosen = {"item": item or None, "stage": stage or None, "as_of": as_of or None, "group": group}
    request = ExposureRequest.parse(chosen, summary=True, latest=True, local_files=False)
    summary = answer_exposure(net, request)
    labels = dict(zip(net.items["item_id"], net.items["name"], strict=True))
    figure = concern_bars(summary, labels)
    figure.update_layout(autosize=True, margin=dict(t=40))
    rows = records(summary[["item", "stage", "year", "hhi", "top_country", "top_share",
                            "concern_share", "coalition_share", "confidence"]])
    query = urlencode({key: value for key, value in chosen.items() if value})
    return {"figure": figure.to_json(), "rows": rows, "labels": labels,
            "day": request.day.isoformat(), "chosen": chosen, "query": query,
            "download": "exposure" + "".join(f"-{v}" for v in chosen.values() if v)}


@router.get("/", response_class=HTMLResponse)
def dashboard(request: Request, state: ServiceState = Depends(get_state), _: Principal = user("reader"),
              item: Annotated[str | None, Query(max_length=200)] = None,
              stage: Annotated[str | None, Query(max_length=200)] = None,
              group: Annotated[str, Query(max_length=200)] = "pax_silica",
              as_of: Annotated[str | None, Query(max_length=40)] = None) -> HTMLResponse:
    """The exposure page; its filters are its URL's query (shareable, kept on reload)."""
    net = state.network()
    panel = _exposure_panel(state, item, stage, group, as_of)
    return _render(request, "dashboard.html.j2", net_items=records(net.items[["item_id", "name", "stage"]]),
                   stages=list(net.stages["stage_id"]), groups=list(net.groups["group_id"]),
                   today=date.today().isoformat(), **panel)


@router.get("/ui/exposure", response_class=HTMLResponse)
def exposure_fragment(request: Request, state: ServiceState = Depends(get_state),
                      _: Principal = user("reader"),
                      item: Annotated[str | None, Query(max_length=200)] = None,
                      stage: Annotated[str | None, Query(max_length=200)] = None,
                      group: Annotated[str, Query(max_length=200)] = "pax_silica",
                      as_of: Annotated[str | None, Query(max_length=40)] = None) -> HTMLResponse:
    """The filtered chart and table; the browser's address becomes the page's URL with
    these filters (``HX-Push-Url``), so a reload or a shared link shows the same view."""
    panel = _exposure_panel(state, item, stage, group, as_of)
    return _render(request, "_exposure.html.j2",
                   headers={"HX-Push-Url": "/" + (f"?{panel['query']}" if panel["query"] else "")},
                   **panel)


@router.get("/verify", response_class=HTMLResponse)
def verify_page(request: Request, _: Principal = user("reader")) -> HTMLResponse:
    return _render(request, "verify.html.j2")


@router.post("/ui/verify", response_class=HTMLResponse)
def verify_fragment(request: Request, certificate: Annotated[UploadFile, File()],
                    state: ServiceState = Depends(get_state), _: Principal = user("reader")) -> HTMLResponse:
    try:  # the file's bytes are verified as uploaded (duplicate keys refused)
        result = verify_document(certificate.file.read(), state.public_keys)
    except ParameterError as exc:
        result = {"valid": False, "reason": f"not a JSON file: {exc}"}
    return _render(request, "_verify.html.j2", result=result, file=certificate.filename)


@router.get("/bom", response_class=HTMLResponse)
def bom_page(request: Request, state: ServiceState = Depends(get_state),
             _: Principal = user("certifier")) -> HTMLResponse:
    return _render(request, "bom.html.j2", packs=bundled_packs(), lists=installed_lists(state))


@router.post("/ui/certify", response_class=HTMLResponse)
def certify_fragment(request: Request, bom: Annotated[UploadFile, File()],
                     rules: Annotated[str | None, Form(max_length=200)] = None,
                     lists: Annotated[list[str] | None, Form(alias="list")] = None,
                     subject: Annotated[str | None, Form(max_length=500)] = None,
                     state: ServiceState = Depends(get_state),
                     found: Principal = user("certifier")) -> HTMLResponse:
    """Certify the uploaded BOM; no list ticked means every installed list, no pack the
    strictest that applies (the certify request model's defaults). The verdict shows the
    certificate's warnings beside it."""
    filename, data = bom.filename or "bom.csv", bom.file.read()
    options = {"rules": rules or None, "lists": lists or None, "subject": subject or None}
    try:
        text = certify_action(state, found, filename, data, options=options)
    except ValidationError as exc:
        return _render(request, "_certificate.html.j2", status=422, errors=exc.errors)
    except PaxsilicaError as exc:
        return _render(request, "_certificate.html.j2", status=422, message=str(exc))
    document = json.loads(text)
    return _render(request, "_certificate.html.j2", certificate=document["certificate"],
                   signed=document["signature"] is not None, text=text)


def install_ui_handlers(app: object) -> None:
    """Send a browser without a session to the sign-in page."""

    async def to_login(request: Request, exc: LoginRequiredError) -> Response:
        if request.headers.get("hx-request"):
            return HTMLResponse('<p class="error">Your session ended: <a href="/login">sign in</a>.</p>',
                                status_code=401)
        return RedirectResponse("/login", status_code=303)

    app.add_exception_handler(LoginRequiredError, to_login)  # type: ignore[attr-defined]

