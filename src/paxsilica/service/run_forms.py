"""The dashboard's run forms and run views, as plain functions: form fields to request
parameters, a run's name, trajectories of a simulation, the comparison of two runs.

The scenario form starts from a library scenario and overrides its name, its days and,
per event, the numbers the event's model declares (start, end, ramp-up, delay, deny rate,
share, severity, fraction, duration, recovery, quantity, rate): :func:`event_fields`
lists them, :func:`scenario_from_form` applies what the form sent. The result is the
scenario mapping a :class:`~paxsilica.requests.simulate.SimulateRequest` takes, so every
rule of the request model (and of the scenario) applies unchanged.

Example:
    >>> library = {"ban": {"name": "ban", "days": 365, "start_date": "2025-01-01", "events": [
    ...     {"kind": "export_ban", "exporters": ["CHN"], "importers": ["all"], "start": 0}]}}
    >>> [f.key for f in event_fields(library["ban"]["events"][0], 0)]
    ['events.0.start', 'events.0.end', 'events.0.ramp_up']
    >>> scenario = scenario_from_form(library, {"scenario": "ban", "name": "late ban",
    ...                                         "events.0.start": "30", "events.0.end": ""})
    >>> scenario["name"], scenario["events"][0]["start"], "end" in scenario["events"][0]
    ('late ban', 30, False)
    >>> scenario_from_form(library, {"scenario": "ban", "events.0.end": "2025-11-09"})["events"][0]["end"]
    '2025-11-09'
    >>> scenario_from_form(library, {"scenario": "ban", "events.0.ramp_up": "-5"})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    paxsilica.errors.ValidationError: the scenario form, field 'events.0.ramp_up': ...
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import date

import pandas as pd

from paxsilica.errors import NotFoundError, ParameterError

__all__ = ["EventField", "compare_summaries", "event_fields", "run_name", "scenario_from_form",
           "short_labels", "trajectories"]

OVERRIDABLE = ("start", "end", "ramp_up", "delay_days", "deny_rate", "share", "severity",
               "fraction", "duration", "recovery", "quantity", "rate")
"""Numbers of an event the form may override, in the order shown."""
TOP_TRAJECTORIES = 8
SHORT_LABEL = 30
"""Characters of a chart label (axis category, legend entry) that fit beside a bar or line
on a 360-px phone; the full name is in the hover text."""


@dataclass(frozen=True)
class EventField:
    """One number of one event on the form: ``events.<i>.<name>``."""

    key: str
    name: str
    value: object
    integer: bool
    description: str
    dated: bool = False
    """The event model takes a calendar date too (``YYYY-MM-DD``) as well as a day number."""


def _event_model(kind: str) -> type | None:
    from paxsilica.simulate import scenario as module

    for candidate in vars(module).values():
        fields = getattr(candidate, "model_fields", None)
        if fields and "kind" in fields and getattr(fields["kind"].annotation, "__args__", ()) == (kind,):
            return candidate
    return None


def event_fields(event: dict, position: int) -> list[EventField]:
    """The numbers of ``event`` (a scenario's ``events[position]``) its model lets one set."""
    model = _event_model(str(event.get("kind")))
    if model is None:
        return []
    found = []
    for name in OVERRIDABLE:
        field = model.model_fields.get(name)
        if field is None:
            continue
        value = event.get(name, None if field.is_required() else field.default)
        integer = field.annotation is int or "int" in str(field.annotation)
        dated = "date" in str(field.annotation)
        if isinstance(value, date):
            value = value.isoformat()
        found.append(EventField(f"events.{position}.{name}", name, value, integer,
                                field.description or "", dated))
    return found


def _number(text: str, field: EventField) -> int | float | str:
    """The form's text as the event's value: a number, or for a dated field a day number or
    an ISO date (kept as text, which the scenario model reads)."""
    try:
        return int(text) if field.integer else float(text)
    except ValueError:
        pass
    if field.dated:
        try:
            return date.fromisoformat(text).isoformat()
        except ValueError:
            raise ParameterError(f"{field.key}: not a day number or a date (YYYY-MM-DD): {text!r}",
                                 field=field.key) from None
    raise ParameterError(f"{field.key}: not a {'whole ' if field.integer else ''}number: {text!r}",
                         field=field.key)


def scenario_from_form(library: dict[str, dict], form: dict[str, str]) -> dict:
    """The library scenario ``form["scenario"]`` with the form's name and event numbers
    (an empty field leaves the event's own value, or removes an optional one such as ``end``).

    Raises:
        NotFoundError: no such library scenario (field ``scenario``).
        ParameterError: a field that is not a number (field ``events.<i>.<name>``).
        ValidationError: a number the scenario refuses (non-finite, out of range), named by
            field: checked here, as the request model checks only the days and the number
            of events before the job runs.
    """
    chosen = form.get("scenario") or ""
    if chosen not in library:
        raise NotFoundError(f"no library scenario {chosen!r} (see paxsilica scenarios list)",
                            field="scenario")
    scenario = copy.deepcopy(library[chosen])
    name = (form.get("name") or "").strip()
    if name:
        scenario["name"] = name
    for position, event in enumerate(scenario.get("events", [])):
        for field in event_fields(event, position):
            if field.key not in form:
                continue
            text = str(form[field.key]).strip()
            if text:
                event[field.name] = _number(text, field)
            elif field.name not in ("start",):
                event.pop(field.name, None)
    from paxsilica.simulate.scenario import scenario_from_dict

    scenario_from_dict(scenario, file="the scenario form")
    return scenario


def run_name(kind: str, params: dict) -> str:
    """What the runs table calls a run: a simulation by its scenario's name, a plan by its
    problem's, an exposure by its filters.

    >>> run_name("simulate", {"scenario": {"name": "late ban"}, "days": 30})
    'late ban · 30 days'
    >>> run_name("exposure", {"item": "gallium", "group": "pax_silica"})
    'exposure: gallium, pax_silica'
    """
    if kind == "simulate":
        scenario = params.get("scenario")
        name = scenario.get("name", "scenario") if isinstance(scenario, dict) else str(scenario)[:60]
        return name + (f" · {params['days']} days" if params.get("days") else "")
    if kind == "plan":
        problem = params.get("problem")
        if isinstance(problem, dict):
            return str(problem.get("name", "plan"))
        for line in str(problem).splitlines():
            if line.startswith("name:"):
                return line.split(":", 1)[1].strip().strip("'\"")[:80]
        return "plan"
    shown = [str(value) for key, value in params.items()
             if value not in (None, False, "", []) and key in ("item", "stage", "group", "as_of", "tiers")]
    return f"{kind}: " + ", ".join(shown) if shown else kind


def short_labels(labels: list[str], width: int = SHORT_LABEL) -> list[str]:
    """``labels`` cut to ``width`` characters (with "…"), still told apart: a chart draws
    two bars with the same category label as one.

    >>> short_labels(["CHN · Gallium (primary low-purity)", "CHN · Gallium (primary high-purity)", "JPN · x"], 20)
    ['CHN · Gallium (prim…', 'CHN · Gallium (prim… (2)', 'JPN · x']
    """
    out: list[str] = []
    for label in labels:
        short = label if len(label) <= width else label[:width - 1].rstrip() + "…"
        candidate, number = short, 1
        while candidate in out:
            number += 1
            candidate = f"{short} ({number})"
        out.append(candidate)
    return out


def trajectories(result: dict, region: str | None = None, item: str | None = None,
                 top: int = TOP_TRAJECTORIES) -> pd.DataFrame:
    """Output of each (region, item) of a simulation relative to its first day, for the
    ``top`` pairs whose output falls most (of those in ``region`` and ``item`` when given):
    columns ``step, region, sector, relative`` (1 = the first day's output).

    >>> result = {"series": [{"step": s, "region": "JPN", "sector": "gallium",
    ...                       "production": p} for s, p in enumerate([2.0, 1.0, 1.5])]}
    >>> trajectories(result)["relative"].tolist()
    [1.0, 0.5, 0.75]
    """
    series = pd.DataFrame(result.get("series") or [],
                          columns=["step", "region", "sector", "production"])
    if region:
        series = series[series["region"] == region]
    if item:
        series = series[series["sector"] == item]
    if series.empty:
        return series.assign(relative=pd.Series(dtype=float))
    series = series.sort_values(["region", "sector", "step"])
    first = series.groupby(["region", "sector"])["production"].transform("first")
    series = series.assign(relative=(series["production"] / first.where(first > 0)).fillna(1.0))
    lowest = series.groupby(["region", "sector"])["relative"].min().sort_values(kind="stable")
    chosen = set(lowest.head(top).index)
    keep = [pair in chosen for pair in zip(series["region"], series["sector"], strict=True)]
    return series[keep][["step", "region", "sector", "relative"]].reset_index(drop=True)


def compare_summaries(a: dict, b: dict) -> pd.DataFrame:
    """Two simulations' summaries side by side per (region, item): loss share, peak loss
    share and days to recover of run A and run B, and B − A; the pairs either run hits
    (peak > 0), worst first. Days to recover stay missing (NaN) where a run did not recover
    by its last day; a pair only one run has counts as not hit in the other.

    >>> one = {"summary": [{"region": "JPN", "sector": "ga", "loss_share": 0.1,
    ...                     "peak_loss_share": 0.2, "days_to_recover": 10}]}
    >>> two = {"summary": [{"region": "JPN", "sector": "ga", "loss_share": 0.3,
    ...                     "peak_loss_share": 0.5, "days_to_recover": None}]}
    >>> table = compare_summaries(one, two)
    >>> table[["peak_a", "peak_b", "peak_change"]].values.tolist(), table["recover_b"].isna().tolist()
    ([[0.2, 0.5, 0.3]], [True])
    """
    columns = {"loss_share": "loss", "peak_loss_share": "peak", "days_to_recover": "recover"}
    frames = []
    for suffix, run in (("a", a), ("b", b)):
        summary = pd.DataFrame(run.get("summary") or [], columns=["region", "sector", *columns])
        summary = summary.assign(**{c: pd.to_numeric(summary[c], errors="coerce").astype(float)
                                    for c in columns})
        frames.append(summary.set_index(["region", "sector"])[list(columns)]
                      .rename(columns={k: f"{v}_{suffix}" for k, v in columns.items()}))
    both = frames[0].join(frames[1], how="outer")
    for suffix in "ab":
        absent = both[f"loss_{suffix}"].isna()  # not in this run's network: not hit
        both.loc[absent, [f"{name}_{suffix}" for name in columns.values()]] = 0.0
    for name in columns.values():
        both[f"{name}_change"] = both[f"{name}_b"] - both[f"{name}_a"]
    hit = both[(both["peak_a"] > 0) | (both["peak_b"] > 0)]
    hit = hit.assign(worst=hit[["peak_a", "peak_b"]].max(axis=1))
    hit = hit.sort_values(["worst", "loss_b"], ascending=False).drop(columns="worst")
    return hit.reset_index()
