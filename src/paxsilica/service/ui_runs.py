"""Dashboard runs: start a simulation (a scenario form), a plan or an exposure job, watch
its progress, see a simulation's trajectories, compare two runs of the same kind.

Every form builds the same request model as the API (the job kind's ``parse``), so a
field the model refuses is a problem naming that field. Switching the kind replaces the
whole parameter form (nothing of the other kind's parameters is kept).
"""

from __future__ import annotations

import json
from datetime import date
from importlib import resources
from typing import Annotated

import pandas as pd
import plotly.graph_objects as go
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from paxsilica.service.access import Principal, role_allows
from paxsilica.service.actions import who
from paxsilica.service.jobs import JOB_KINDS
from paxsilica.service.pages import render, user
from paxsilica.service.problems import ProblemError
from paxsilica.service.queries import records
from paxsilica.service.run_forms import (
    compare_summaries,
    event_fields,
    run_name,
    scenario_from_form,
    short_labels,
    trajectories,
)
from paxsilica.service.security import get_state
from paxsilica.service.state import ServiceState

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
PALETTE = ["#1f6feb", "#c0392b", "#2e7d32", "#8e44ad", "#d35400", "#16a085", "#7f8c8d", "#b7950b"]
EXAMPLE_PLAN = "plans/ndpr_magnets.yaml"
FORM_KEYS = 200
FORM_VALUE_CHARS = 100_000
"""Longest form field (a plan's YAML is the long one)."""


_LIBRARY: dict[tuple[int, date], tuple[object, dict[str, dict]]] = {}


def _library(state: ServiceState) -> dict[str, dict]:
    """The scenario library of the service's network today (read-only: callers copy).

    Kept per network and day: building it takes the stack network (about a second), which
    every change of the form's scenario would otherwise pay."""
    from paxsilica.simulate.library import scenario_library

    net = state.network()
    key = (id(net), date.today())
    found = _LIBRARY.get(key)
    if found is None or found[0] is not net:  # the id of a network since dropped: rebuild
        _LIBRARY.clear()
        found = _LIBRARY[key] = (net, scenario_library(net))
    return found[1]


def _kinds(found: Principal) -> list[str]:
    return [k.name for k in JOB_KINDS.values() if role_allows(found.role, k.role)]


def _form_context(state: ServiceState, kind: str, scenario: str | None) -> dict:
    """What the parameter form of ``kind`` shows (for simulate: the chosen library
    scenario's events and the numbers each lets one override)."""
    net = state.network()
    context: dict = {"kind": kind}
    if kind == "simulate":
        library = _library(state)
        chosen = scenario if scenario in library else next(iter(library), None)
        events = library[chosen].get("events", []) if chosen else []
        context.update(scenarios=list(library), chosen=chosen,
                       default_days=library[chosen].get("days") if chosen else None,
                       events=[{"event": event, "fields": event_fields(event, position)}
                               for position, event in enumerate(events)])
    elif kind == "plan":
        context["problem"] = resources.files("paxsilica.data").joinpath(EXAMPLE_PLAN).read_text(encoding="utf-8")
    else:
        context.update(net_items=records(net.items[["item_id", "name", "stage"]]),
                       stages=list(net.stages["stage_id"]), groups=list(net.groups["group_id"]),
                       today=date.today().isoformat())
    return context


def _jobs(state: ServiceState, found: Principal) -> list[dict]:
    frame = state.reader().connection.execute(
        "SELECT job_id, kind, params, status, progress, created, finished, error FROM jobs "
        "WHERE submitted_by = ? ORDER BY created DESC LIMIT 50", [who(found)]).df()
    rows = records(frame)
    for row in rows:
        params = json.loads(row.pop("params") or "{}")
        row["name"] = run_name(row["kind"], params)
    return rows


def _preselected(jobs: list[dict]) -> tuple[str | None, str | None]:
    """Runs A and B chosen at first: the two newest finished runs of the kind of the newest
    finished run (never two runs of different kinds)."""
    done = [job for job in jobs if job["status"] == "done"]
    if not done:
        return None, None
    alike = [job["job_id"] for job in done if job["kind"] == done[0]["kind"]]
    return (alike[1] if len(alike) > 1 else None), alike[0]


def _jobs_context(state: ServiceState, found: Principal) -> dict:
    jobs = _jobs(state, found)
    a, b = _preselected(jobs)
    return {"jobs": jobs, "pick_a": a, "pick_b": b}


@router.get("/scenarios", response_class=HTMLResponse)
def scenarios(request: Request, state: ServiceState = Depends(get_state), found: Principal = user("reader"),
              kind: Annotated[str | None, Query(max_length=40)] = None,
              scenario: Annotated[str | None, Query(max_length=200)] = None) -> HTMLResponse:
    kinds = _kinds(found)
    chosen = kind if kind in kinds else ("simulate" if "simulate" in kinds else kinds[0])
    return render(request, "scenarios.html.j2", kinds=kinds, **_form_context(state, chosen, scenario),
                  **_jobs_context(state, found))


@router.get("/ui/run-form", response_class=HTMLResponse)
def run_form(request: Request, state: ServiceState = Depends(get_state), found: Principal = user("reader"),
             kind: Annotated[str, Query(max_length=40)] = "simulate",
             scenario: Annotated[str | None, Query(max_length=200)] = None) -> HTMLResponse:
    """The parameter fields of ``kind`` (fresh: switching kind resets every parameter)."""
    if kind not in _kinds(found):
        raise ProblemError(422, f"unknown job kind {kind!r} (or not allowed for your role)", "kind")
    return render(request, "_run_form.html.j2", **_form_context(state, kind, scenario))


def _params(state: ServiceState, kind: str, form: dict[str, str]) -> dict:
    """The request parameters the form of ``kind`` sent (empty fields left out)."""
    if kind == "simulate":
        values: dict = {"scenario": scenario_from_form(_library(state), form)}
        if form.get("days", "").strip():
            days = form["days"].strip()
            values["days"] = int(days) if days.isdigit() else days  # the model names a bad value
        return values
    if kind == "plan":
        return {"problem": form.get("problem", "")}
    return {key: form[key] for key in ("item", "stage", "group", "as_of") if form.get(key)}


@router.post("/ui/jobs", response_class=HTMLResponse)
async def start_job(request: Request, state: ServiceState = Depends(get_state),
                    found: Principal = user("reader")) -> HTMLResponse:
    """Start a run from the form's fields (validated by the kind's request model first)."""
    form = await request.form(max_files=0, max_fields=FORM_KEYS)
    fields = {key: str(value) for key, value in form.items()}
    for key, value in fields.items():  # refused, never cut: a cut plan would run another plan
        if len(value) > FORM_VALUE_CHARS:
            raise ProblemError(422, f"{key}: {len(value):,} characters; at most {FORM_VALUE_CHARS:,}", key)
    kind = fields.get("kind", "")
    job_kind = JOB_KINDS.get(kind)
    if job_kind is None:
        raise ProblemError(422, f"unknown job kind {kind!r}", "kind")
    if not role_allows(found.role, job_kind.role):
        raise ProblemError(403, f"{kind} runs need {job_kind.role!r} or above", "kind")
    request.app.state.jobs.submit(job_kind, job_kind.parse(_params(state, kind, fields)), who(found))
    return render(request, "_jobs.html.j2", **_jobs_context(state, found))


@router.get("/ui/jobs", response_class=HTMLResponse)
def jobs_fragment(request: Request, state: ServiceState = Depends(get_state),
                  found: Principal = user("reader")) -> HTMLResponse:
    return render(request, "_jobs.html.j2", **_jobs_context(state, found))


def _run(request: Request, job_id: str, found: Principal, field: str = "id") -> dict:
    """A finished run of the signed-in user, with its result and name."""
    jobs = request.app.state.jobs
    row = jobs.job(job_id)
    if row is None or row["submitted_by"] != who(found):
        raise ProblemError(404, f"no run {job_id!r} of yours", field)
    # only a finished run has a result (and asking earlier would keep "none" for it)
    result = jobs.result(job_id) if row["status"] == "done" else None
    return {**row, "result": result, "name": run_name(row["kind"], row["params"])}


def _hover(label: str) -> str:
    """``label`` as plotly hover text (``%{`` would start a placeholder)."""
    return label.replace("%{", "% {")


def _trajectory_figure(frame: pd.DataFrame, names: dict[str, str]) -> go.Figure:
    figure = go.Figure()
    groups = list(frame.groupby(["region", "sector"], sort=False))
    full = [f"{region} · {names.get(sector, sector)}" for (region, sector), _ in groups]
    for position, ((_, part), label, short) in enumerate(zip(groups, full, short_labels(full), strict=True)):
        figure.add_trace(go.Scatter(x=part["step"], y=part["relative"] * 100, mode="lines", name=short,
                                    hovertemplate=_hover(label) + "<br>day %{x}: %{y:.1f} %<extra></extra>",
                                    line=dict(color=PALETTE[position % len(PALETTE)], width=2)))
    figure.update_layout(height=380, margin=dict(l=10, r=10, t=30, b=10), xaxis_title="day",
                         yaxis_title="output, % of day 0", legend=dict(orientation="h", y=-0.25),
                         paper_bgcolor="white", plot_bgcolor="white", autosize=True)
    return figure


@router.get("/runs/{job_id}", response_class=HTMLResponse)
def run_page(request: Request, job_id: str, state: ServiceState = Depends(get_state),
             found: Principal = user("reader"),
             region: Annotated[str | None, Query(max_length=100)] = None,
             item: Annotated[str | None, Query(max_length=200)] = None) -> HTMLResponse:
    """One run: a simulation's trajectories by region and item (filters in the URL), its
    summary and warnings; another kind's result table. Every table downloads."""
    run = _run(request, job_id, found)
    names = dict(zip(state.network().items["item_id"], state.network().items["name"], strict=True))
    context: dict = {"run": run, "region": region or "", "item": item or "", "names": names}
    result = run["result"]
    if run["kind"] == "simulate" and isinstance(result, dict):
        series = result.get("series") or []
        context.update(
            regions=sorted({row["region"] for row in series}), items=sorted({row["sector"] for row in series}),
            figure=_trajectory_figure(trajectories(result, region or None, item or None), names).to_json(),
            summary=sorted(result.get("summary") or [], key=lambda r: -(r.get("peak_loss_share") or 0))[:200],
            warnings=result.get("warnings") or [])
    elif isinstance(result, list):
        context.update(rows=result[:500], columns=list(result[0]) if result else [])
    else:
        context.update(document=result)
    return render(request, "run.html.j2", **context)


def _totals(table: pd.DataFrame, key: str, run: dict) -> dict:
    """One run of a comparison in figures: region-items hit, worst peak, longest recovery
    (``None`` with ``unrecovered`` > 0 when some did not recover within the run's days)."""
    hit = table[table[f"peak_{key}"] > 0]
    recover = hit[f"recover_{key}"]
    result = run["result"] if isinstance(run["result"], dict) else {}
    return {"name": run["name"], "pairs_hit": len(hit),
            "worst_peak": float(hit[f"peak_{key}"].max()) if len(hit) else 0.0,
            "longest_recovery": int(recover.max()) if recover.notna().any() else None,
            "unrecovered": int(recover.isna().sum()), "days": result.get("days")}


@router.get("/ui/compare", response_class=HTMLResponse)
def compare(request: Request, a: Annotated[str, Query(max_length=64)], b: Annotated[str, Query(max_length=64)],
            state: ServiceState = Depends(get_state), found: Principal = user("reader")) -> HTMLResponse:
    """Two runs side by side: simulations by loss, peak and recovery per region and item
    (B − A), other kinds as their tables. Runs of different kinds are refused (422)."""
    runs = [_run(request, job_id, found, field) for job_id, field in ((a, "a"), (b, "b"))]
    if runs[0]["kind"] != runs[1]["kind"]:
        raise ProblemError(422, f"run A is a {runs[0]['kind']} run and run B a {runs[1]['kind']} run: "
                                "compare two runs of the same kind", "b")
    context: dict = {"runs": runs, "kind": runs[0]["kind"]}
    if context["kind"] == "simulate":
        table = compare_summaries(runs[0]["result"] or {}, runs[1]["result"] or {})
        names = dict(zip(state.network().items["item_id"], state.network().items["name"], strict=True))
        top = table.head(12)
        full = [f"{r} · {names.get(s, s)}" for r, s in zip(top["region"], top["sector"], strict=True)]
        labels = short_labels(full)  # long names pushed the bars off a phone's screen
        figure = go.Figure([go.Bar(y=labels, x=top[f"peak_{key}"] * 100, name=f"{key.upper()}: {run['name']}",
                                   orientation="h", marker_color=colour, customdata=full,
                                   hovertemplate="%{customdata}: %{x:.1f} %<extra>" + key.upper() + "</extra>")
                            for key, run, colour in zip("ab", runs, PALETTE, strict=False)])
        figure.update_layout(barmode="group", height=max(300, 40 * len(labels) + 100), autosize=True,
                             xaxis_title="peak output loss, %", yaxis=dict(autorange="reversed", automargin=True),
                             legend=dict(orientation="h", y=1.02, yanchor="bottom"),
                             margin=dict(l=10, r=10, t=40, b=10), paper_bgcolor="white", plot_bgcolor="white")
        totals = [_totals(table, key, run) for key, run in zip("ab", runs, strict=True)]
        context.update(table=records(table.head(200)), figure=figure.to_json(), totals=totals, names=names)
    else:
        for run in runs:
            result = run["result"] if isinstance(run["result"], list) else []
            run.update(rows=result[:200], columns=list(result[0]) if result else [])
    return render(request, "_compare.html.j2", **context)
