"""The web dashboard: server-rendered pages (Jinja2) whose forms htmx swaps in place.

Pages call the same library functions and actions as the API. The access token is
kept in an HttpOnly, SameSite=Strict cookie after signing in at ``/login``.
"""

from __future__ import annotations

import json
from datetime import date
from importlib import resources
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape

from paxsilica.certify.lists import BUNDLED_LISTS, stored_lists
from paxsilica.certify.rules import bundled_packs
from paxsilica.errors import ParameterError, PaxsilicaError, ValidationError
from paxsilica.io.restricted import strict_json
from paxsilica.limits import MAX_NESTING
from paxsilica.model.country import country_name
from paxsilica.report.charts import concern_bars
from paxsilica.report.maps import OUTLINE, cable_map_figure, cable_zoom_figure, outline_bytes
from paxsilica.requests.connectivity import ConnectivityRequest, answer_cable_map, most_connected_member
from paxsilica.requests.exposure import ExposureRequest, answer_exposure
from paxsilica.service.access import Principal, principal_for, role_allows
from paxsilica.service.actions import certify_action, who
from paxsilica.service.certifying import verify_document
from paxsilica.service.jobs import JOB_KINDS
from paxsilica.service.problems import ProblemError
from paxsilica.service.queries import records
from paxsilica.service.security import COOKIE, get_state, principal
from paxsilica.service.state import ServiceState

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
templates = Environment(loader=PackageLoader("paxsilica.service", "templates"),
                        autoescape=select_autoescape(["html", "j2"]))


class LoginRequiredError(Exception):
    """The dashboard was opened without a valid session."""


def _render(request: Request, name: str, status: int = 200, **context: object) -> HTMLResponse:
    user = getattr(request.state, "principal", None)
    text = templates.get_template(name).render(
        user=user, can=lambda role: user is not None and role_allows(user.role, role),
        path=request.url.path, **context)
    return HTMLResponse(text, status_code=status)


def user(role: str):
    """The signed-in user (cookie), at least ``role``; else the sign-in page or a 403 page."""

    def dependency(request: Request) -> Principal:
        try:
            found = principal(request, None)
        except ProblemError as exc:
            if exc.problem.status == 401:
                raise LoginRequiredError from None
            raise
        if not role_allows(found.role, role):
            raise ProblemError(403, f"your token {found.name!r} has role {found.role!r}; this page "
                                    f"needs {role!r} or above")
        return found

    return Depends(dependency)


@router.get("/static/vendor/plotly.min.js")
def plotly_js() -> FileResponse:
    """plotly.js as shipped inside the plotly Python package (no network needed)."""
    path = resources.files("plotly").joinpath("package_data").joinpath("plotly.min.js")
    return FileResponse(str(path), media_type="text/javascript",
                        headers={"Cache-Control": "public, max-age=86400"})


@router.get(f"/static/vendor/geo/{OUTLINE}")
def world_outline() -> Response:
    """The vendored world outline plotly.js draws maps on (report/vendor/README.md)."""
    return Response(outline_bytes(), media_type="application/json",
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
    return {"figure": figure.to_json(), "rows": rows, "labels": labels,
            "day": request.day.isoformat(), "chosen": chosen}


@router.get("/", response_class=HTMLResponse)
def dashboard(request: Request, state: ServiceState = Depends(get_state), _: Principal = user("reader"),
              item: str | None = None, stage: str | None = None, group: str = "pax_silica",
              as_of: str | None = None) -> HTMLResponse:
    net = state.network()
    panel = _exposure_panel(state, item, stage, group, as_of)
    return _render(request, "dashboard.html.j2", net_items=records(net.items[["item_id", "name", "stage"]]),
                   stages=list(net.stages["stage_id"]), groups=list(net.groups["group_id"]),
                   today=date.today().isoformat(), **panel)


@router.get("/ui/exposure", response_class=HTMLResponse)
def exposure_fragment(request: Request, state: ServiceState = Depends(get_state),
                      _: Principal = user("reader"), item: str | None = None,
                      stage: str | None = None, group: str = "pax_silica",
                      as_of: str | None = None) -> HTMLResponse:
    return _render(request, "_exposure.html.j2", **_exposure_panel(state, item, stage, group, as_of))


def _infra_panel(state: ServiceState, country: str | None, year: int | None, close: list[str],
                 cut: list[str], shown: str | None) -> dict:
    """The cable map of ``country`` (default: the coalition member with the most cables) in
    ``year`` after closing ``close`` and cutting ``cut`` (kept only while the same country
    is shown: the check boxes belong to it)."""
    net = state.network()
    year = year or date.today().year
    country = country or most_connected_member(net, year) or "TWN"
    if shown and shown != country:
        close, cut = [], []
    request = ConnectivityRequest.parse(country=country, year=year, close=close, cut=cut, local_files=False)
    layout = answer_cable_map(net, request)
    world = cable_map_figure(layout, height=420)
    zoom = cable_zoom_figure(layout, height=320)
    points = layout.points.set_index("landing_point_id")
    own = layout.cables[layout.cables["connects"]]
    countries = sorted(set(net.landing_points["country"].dropna()), key=country_name)
    return {"answer": layout.answer, "who": country_name(layout.answer.country), "year": year,
            "world": world.to_json(), "zoom": zoom.to_json() if zoom is not None else None,
            "cables": records(own.drop(columns=["source_url"], errors="ignore")),
            "site_names": {p: str(points.loc[p, "name"]) for p in points.index},
            "sites": sorted(set(layout.answer.sites) | set(layout.answer.isolating_sites)),
            "unlocated": layout.unlocated_sites, "close": set(request.close), "cut": set(request.cut),
            "countries": [(code, country_name(code)) for code in countries]}


@router.get("/infra", response_class=HTMLResponse)
def infra_page(request: Request, state: ServiceState = Depends(get_state), _: Principal = user("reader"),
               country: Annotated[str | None, Query(max_length=100)] = None,
               year: Annotated[int | None, Query(ge=1850, le=2100)] = None) -> HTMLResponse:
    return _render(request, "infra.html.j2", **_infra_panel(state, country, year, [], [], None))


@router.get("/ui/infra", response_class=HTMLResponse)
def infra_fragment(request: Request, state: ServiceState = Depends(get_state), _: Principal = user("reader"),
                   country: Annotated[str | None, Query(max_length=100)] = None,
                   year: Annotated[int | None, Query(ge=1850, le=2100)] = None,
                   close: Annotated[list[str] | None, Query(max_length=200)] = None,
                   cut: Annotated[list[str] | None, Query(max_length=200)] = None,
                   shown: Annotated[str | None, Query(max_length=100)] = None) -> HTMLResponse:
    return _render(request, "_infra.html.j2",
                   **_infra_panel(state, country, year, close or [], cut or [], shown))


def _jobs(state: ServiceState, found: Principal) -> list[dict]:
    frame = state.reader().connection.execute(
        "SELECT job_id, kind, status, progress, created, finished, error FROM jobs "
        "WHERE submitted_by = ? ORDER BY created DESC LIMIT 50", [who(found)]).df()
    return records(frame)


@router.get("/scenarios", response_class=HTMLResponse)
def scenarios(request: Request, state: ServiceState = Depends(get_state),
              found: Principal = user("reader")) -> HTMLResponse:
    kinds = [k.name for k in JOB_KINDS.values() if role_allows(found.role, k.role)]
    return _render(request, "scenarios.html.j2", jobs=_jobs(state, found), kinds=kinds,
                   example=json.dumps({"item": "gallium", "as_of": date.today().isoformat()}))


@router.post("/ui/jobs", response_class=HTMLResponse)
def start_job(request: Request, kind: Annotated[str, Form()], params: Annotated[str, Form(max_length=100_000)],
              state: ServiceState = Depends(get_state), found: Principal = user("reader")) -> HTMLResponse:
    job_kind = JOB_KINDS.get(kind)
    if job_kind is None:
        raise ProblemError(422, f"unknown job kind {kind!r}", "kind")
    try:  # strict: no duplicate keys, bounded nesting (20 000 '[' is a 422, not a crash)
        values = strict_json(params or "{}", "params", MAX_NESTING)
    except ValidationError as exc:
        raise ProblemError(422, f"parameters: {str(exc).splitlines()[0]}", "params") from None
    if not isinstance(values, dict):
        raise ProblemError(422, "parameters: a JSON object of the request's fields", "params")
    if not role_allows(found.role, job_kind.role):
        raise ProblemError(403, f"{kind} runs need {job_kind.role!r} or above", "kind")
    request.app.state.jobs.submit(job_kind, job_kind.parse(values), who(found))
    return _render(request, "_jobs.html.j2", jobs=_jobs(state, found))


@router.get("/ui/jobs", response_class=HTMLResponse)
def jobs_fragment(request: Request, state: ServiceState = Depends(get_state),
                  found: Principal = user("reader")) -> HTMLResponse:
    return _render(request, "_jobs.html.j2", jobs=_jobs(state, found))


@router.get("/ui/compare", response_class=HTMLResponse)
def compare(request: Request, a: Annotated[str, Query(max_length=64)], b: Annotated[str, Query(max_length=64)],
            found: Principal = user("reader")) -> HTMLResponse:
    runs = []
    for job_id in (a, b):
        row = request.app.state.jobs.job(job_id)
        if row is None or row["submitted_by"] != who(found):
            raise ProblemError(404, f"no run {job_id!r} of yours", "a" if job_id == a else "b")
        done = row["status"] == "done"
        result = request.app.state.jobs.result(job_id) if done else None
        result = result if isinstance(result, list) else []
        runs.append({**row, "rows": result[:200], "columns": list(result[0]) if result else []})
    return _render(request, "_compare.html.j2", runs=runs)


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
    stored = sorted(set(stored_lists(state.reader())["list_name"]))
    return _render(request, "bom.html.j2", packs=bundled_packs(),
                   lists=[f"bundled:{name}" for name in BUNDLED_LISTS] + stored)


@router.post("/ui/certify", response_class=HTMLResponse)
def certify_fragment(request: Request, bom: Annotated[UploadFile, File()],
                     rules: Annotated[str | None, Form()] = None,
                     lists: Annotated[list[str] | None, Form(alias="list")] = None,
                     subject: Annotated[str | None, Form(max_length=500)] = None,
                     state: ServiceState = Depends(get_state),
                     found: Principal = user("certifier")) -> HTMLResponse:
    try:
        text = certify_action(state, found, bom.filename or "bom.csv", bom.file.read(),
                              options={"rules": rules or None, "lists": lists or None,
                                       "subject": subject or None})
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

