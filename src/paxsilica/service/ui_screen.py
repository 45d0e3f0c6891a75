"""Dashboard screening: names against restricted-party lists, with yente-style scores and
the features that explain each match (value, weight × value, the model's bias).

The form builds a :class:`~paxsilica.requests.screen.ScreenRequest` (remote: bundled or
stored lists only). No list ticked means every installed list (the safe default).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse

from paxsilica.certify.lists import BUNDLED_LISTS, stored_lists
from paxsilica.certify.screening.screener import score_model
from paxsilica.requests.screen import ScreenRequest
from paxsilica.service.access import Principal
from paxsilica.service.certifying import screen_records
from paxsilica.service.pages import render, user
from paxsilica.service.security import get_state
from paxsilica.service.state import ServiceState

__all__ = ["installed_lists", "names_from_text", "router"]

router = APIRouter(include_in_schema=False)
MAX_TEXT = 200_000


def installed_lists(state: ServiceState) -> list[str]:
    """Every list a request may name: the bundled ones and the stored ones."""
    stored = sorted(set(stored_lists(state.reader())["list_name"]))
    return [f"bundled:{name}" for name in BUNDLED_LISTS] + stored


def names_from_text(text: str) -> list[dict]:
    """One name per line; ``name | country`` gives a country (ISO3 or name) too.

    >>> names_from_text("DJI Technology | CHN\\n\\n  Acme Corp ")
    [{'query_id': '1', 'name': 'DJI Technology', 'country': 'CHN'}, {'query_id': '3', 'name': 'Acme Corp'}]
    """
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        name, _, country = line.partition("|")
        if not name.strip():
            continue
        row = {"query_id": str(number), "name": name.strip()}
        if country.strip():
            row["country"] = country.strip()
        rows.append(row)
    return rows


@router.get("/screen", response_class=HTMLResponse)
def screen_page(request: Request, state: ServiceState = Depends(get_state),
                _: Principal = user("analyst")) -> HTMLResponse:
    model = score_model()
    return render(request, "screen.html.j2", lists=installed_lists(state), threshold=model.threshold,
                  weights=model.weights)


@router.post("/ui/screen", response_class=HTMLResponse)
def screen_fragment(request: Request, names: Annotated[str, Form(max_length=MAX_TEXT)],
                    lists: Annotated[list[str] | None, Form(alias="list")] = None,
                    threshold: Annotated[str | None, Form(max_length=20)] = None,
                    state: ServiceState = Depends(get_state), _: Principal = user("analyst")) -> HTMLResponse:
    chosen = lists or installed_lists(state)
    values: dict = {"names": names_from_text(names) or None, "lists": chosen}
    if threshold and threshold.strip():
        try:
            values["threshold"] = float(threshold)
        except ValueError:
            values["threshold"] = threshold  # the request model names the bad value
    request_model = ScreenRequest.parse(values, local_files=False)
    results = screen_records(state.reader(), request_model)
    model = score_model()
    return render(request, "_screen.html.j2", results=results, lists=chosen, weights=model.weights,
                  model=model, threshold=request_model.threshold or model.threshold)
