"""The dashboard's simulation, screening and map pages through the TestClient (the
browser tests draw them in Chromium)."""

from __future__ import annotations

import base64
import json
import math
import re

import numpy as np
import pytest
from markupsafe import escape
from tests.service.test_ui import sign_in


@pytest.fixture()
def analyst(client, tokens):
    sign_in(client, tokens["analyst"])
    yield client
    client.cookies.clear()


def _newest_job(client) -> str:
    return re.findall(r'data-job="([0-9a-f]{32})"', client.get("/ui/jobs").text)[0]


def _library(client) -> dict:
    from paxsilica.simulate.library import scenario_library

    return scenario_library(client.app.state.service.network())


def _embedded(html: str, element: str) -> object:
    """The JSON a page embeds in ``<script type="application/json" id=element>``."""
    found = re.search(rf'id="{element}">(.*?)</script>', html, re.S)
    assert found, f"no #{element} in the page"
    return json.loads(found.group(1))


class _Trace(dict):
    """A plotly trace whose attributes read as fields, typed arrays decoded."""

    def __getattr__(self, name: str) -> object:
        value = self.get(name)
        if isinstance(value, dict) and "bdata" in value:  # plotly's typed array: base64 + dtype
            return np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"]).tolist()
        return value


class _Figure:
    def __init__(self, document: dict) -> None:
        self.data = [_Trace(trace) for trace in document.get("data", [])]
        self.layout = document.get("layout", {})


def _figure(html: str, element: str) -> _Figure:
    """The embedded plotly figure (plotly sends arrays of numbers as typed arrays)."""
    return _Figure(_embedded(html, element))


def _downloads(html: str) -> dict[str, list]:
    """Each download box's file name and the rows it offers (its JSON must be in the page)."""
    boxes = re.findall(r'class="downloads" data-rows="([^"]+)" data-name="([^"]+)"', html)
    assert boxes, "no download box"
    return {name: _embedded(html, rows) for rows, name in boxes}


def _is_error_page(answer, status: int, *words: str) -> None:
    """A clear HTML answer (a page, no traceback) naming ``words``."""
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("text/html")
    assert 'role="alert"' in answer.text and "Traceback" not in answer.text
    for word in words:
        assert word in answer.text, (word, answer.text)


def _picked(jobs: str) -> dict[str, tuple[str, str]]:
    """The runs table's pre-selected runs: ``{"a": (id, kind), "b": (id, kind)}``."""
    picked = {}
    for kind, job_id, row in re.findall(r'data-kind="(\w+)" data-job="([0-9a-f]{32})">(.*?)</tr>', jobs, re.S):
        for side in re.findall(r'name="([ab])" value="[0-9a-f]{32}"[^>]*checked', row):
            picked[side] = (job_id, kind)
    return picked


def _simulate(client, scenario: str, name: str, days: int, **overrides: str) -> str:
    answer = client.post("/ui/jobs", data={"kind": "simulate", "scenario": scenario, "name": name,
                                           "days": str(days), **overrides})
    assert answer.status_code == 200, answer.text
    job_id = _newest_job(client)
    client.app.state.jobs.wait(job_id, timeout=600)
    assert client.app.state.jobs.job(job_id)["status"] == "done"
    return job_id


@pytest.fixture(scope="module")
def banned(client, tokens):
    """Two 20-day runs of the library's coalition ban (China stops exports to the coalition;
    Chinese DRAM output falls within days and does not recover in 20), starting on day 0
    (run A) and day 10 (run B): ``(scenario name, A's id, B's id)``."""
    sign_in(client, tokens["analyst"])
    name = "coalition-ban"
    assert name in _library(client)
    early = _simulate(client, name, "early start", 20, **{"events.0.start": "0"})
    late = _simulate(client, name, "late start", 20, **{"events.0.start": "10"})
    client.cookies.clear()
    return name, early, late


def test_scenario_form_shows_the_library_scenario(analyst):
    library = _library(analyst)
    name = next(n for n, s in library.items() if s.get("events"))
    form = analyst.get("/ui/run-form", params={"kind": "simulate", "scenario": name}).text
    assert f'value="{name}" selected' in form and 'name="events.0.start"' in form
    assert f"Days (default {library[name]['days']}" in form
    first = library[name]["events"][0]
    assert f"Event 1: {first['kind'].replace('_', ' ')}" in form
    # the start field holds the scenario's own value, ready to change
    start = re.search(r'name="events\.0\.start"[^>]*value="([^"]*)"', form).group(1)
    assert start == str(first.get("start", ""))
    page = analyst.get("/scenarios")
    assert page.status_code == 200 and 'id="simulate-fields"' in page.text
    # every library scenario has a form; an event without an item list names none
    for other, scenario in library.items():
        answer = analyst.get("/ui/run-form", params={"kind": "simulate", "scenario": other})
        assert answer.status_code == 200, other
        for event in scenario.get("events", []):
            if event.get("items"):
                assert "Items: " + ", ".join(event["items"]) in answer.text
    bare = next((n for n, sc in library.items() if sc.get("events") and not sc["events"][0].get("items")), None)
    if bare is not None:
        assert "Items:" not in analyst.get("/ui/run-form", params={"kind": "simulate", "scenario": bare}).text


def test_scenario_form_builds_the_request(analyst, banned):
    name, early, late = banned
    params = analyst.app.state.jobs.job(late)["params"]
    params = json.loads(params) if isinstance(params, str) else params
    assert params["days"] == 20 and params["scenario"]["name"] == "late start"
    assert params["scenario"]["events"][0]["start"] == 10
    # what the form did not change is the library scenario's own
    library_event = _library(analyst)[name]["events"][0]
    assert {k: v for k, v in params["scenario"]["events"][0].items() if k != "start"} == \
        {k: v for k, v in library_event.items() if k != "start"}
    jobs = analyst.get("/ui/jobs").text
    assert "late start · 20 days" in jobs and "early start · 20 days" in jobs
    assert f'href="/runs/{late}"' in jobs
    # the two newest simulations are runs A (older) and B (newer)
    assert re.search(rf'name="a" value="{early}"[^>]*checked', jobs)
    assert re.search(rf'name="b" value="{late}"[^>]*checked', jobs)
    assert 'aria-label="run A: late start · 20 days' in jobs  # radios say which run they pick


def test_run_page_draws_trajectories_and_keeps_its_filters(analyst, banned):
    _, _, late = banned
    page = analyst.get(f"/runs/{late}")
    assert page.status_code == 200
    assert "<h1>late start · 20 days</h1>" in page.text and "simulate run" in page.text
    figure = _figure(page.text, "trajectory-figure")
    assert 0 < len(figure.data) <= 8 and all(len(trace.x) == 20 for trace in figure.data)
    # relative output: every line starts at 100 % of day 0
    assert all(math.isclose(trace.y[0], 100.0) for trace in figure.data)
    # item names, not ids: short enough for a phone's legend, whole in the hover text
    names = set(analyst.app.state.service.network().items["name"])
    for trace in figure.data:
        full = trace.hovertemplate.split("<br>")[0]
        assert full.split(" · ", 1)[1] in names and len(trace.name) <= 30
        assert full.startswith(trace.name.rstrip("…"))
    region = figure.data[0].name.split(" · ")[0]
    only = analyst.get(f"/runs/{late}", params={"region": region}).text
    narrowed = _figure(only, "trajectory-figure")
    assert narrowed.data and all(t.name.startswith(region + " · ") for t in narrowed.data)
    assert f'<option value="{region}" selected' in only  # the filter is in the URL, kept on reload
    assert f"in {region}" in re.search(r'id="trajectory-chart"[^>]*aria-label="([^"]*)"', only).group(1)
    nowhere = analyst.get(f"/runs/{late}", params={"region": "ATA"})
    assert nowhere.status_code == 200 and not _figure(nowhere.text, "trajectory-figure").data


def test_run_page_summary_matches_the_result_and_downloads(analyst, banned):
    _, _, late = banned
    page = analyst.get(f"/runs/{late}").text
    result = analyst.app.state.jobs.result(late)
    downloads = _downloads(page)
    summary = downloads[f"run-{late[:8]}-summary"]
    assert summary and {"region", "sector", "loss_share", "peak_loss_share"} <= set(summary[0])
    worst = max(result["summary"], key=lambda r: r["peak_loss_share"] or 0)
    assert summary[0]["peak_loss_share"] == worst["peak_loss_share"]  # worst peak first
    table = page[page.index('id="summary-table"'):]
    first_row = re.search(r"<tbody><tr><th scope=\"row\">([^<]+)</th><td>([^<]+)</td>"
                          r"<td class=\"num\">([^<]+)</td><td class=\"num\">([^<]+)</td>", table)
    assert first_row.group(1) == worst["region"]
    assert first_row.group(4) == f"{worst['peak_loss_share']:.1%}"
    assert "-0.0%" not in table  # no rounding noise shown as a negative loss
    for warning in result.get("warnings") or []:
        assert str(escape(warning)) in page  # as Jinja escapes it


def test_compare_two_simulations(analyst, banned):
    _, early, late = banned
    compared = analyst.get("/ui/compare", params={"a": early, "b": late})
    assert compared.status_code == 200 and 'id="compare-table"' in compared.text
    assert "A: early start · 20 days" in compared.text and "B: late start · 20 days" in compared.text
    rows = _downloads(compared.text)[f"compare-{early[:8]}-{late[:8]}"]
    assert rows and {"loss_a", "loss_b", "peak_a", "peak_b", "recover_a", "recover_b",
                     "peak_change"} <= set(rows[0])
    assert all(math.isclose(r["peak_change"], r["peak_b"] - r["peak_a"], abs_tol=1e-9) for r in rows)
    # the same event starting 10 days later loses less within the same 20 days
    assert max(r["loss_b"] for r in rows) <= max(r["loss_a"] for r in rows) + 1e-9
    totals = compared.text[compared.text.index('id="compare-totals"'):]
    worst_a = max(r["peak_a"] for r in rows)
    assert f'<td class="num">{worst_a:.1%}</td>' in totals.split("</tr>")[1]
    chart = _figure(compared.text, "compare-figure")
    assert [trace.name for trace in chart.data] == ["A: early start · 20 days", "B: late start · 20 days"]
    assert chart.data[0].customdata[0] == rows[0]["region"] + " · " + dict(zip(
        analyst.app.state.service.network().items["item_id"],
        analyst.app.state.service.network().items["name"], strict=True))[rows[0]["sector"]]
    assert all(len(label) <= 30 for label in chart.data[0].y)
    # a region-item still short on day 20 says so (it is not "0 days", which means never hit)
    unrecovered = [r for r in rows if r["recover_b"] is None]
    assert unrecovered and "not recovered" in compared.text
    assert f"{len(unrecovered)} not recovered within 20 days" in totals
    same = analyst.get("/ui/compare", params={"a": late, "b": late})
    assert same.status_code == 200 and "+0.0%" in same.text  # a run against itself changes nothing


def test_compare_refuses_runs_of_different_kinds(analyst, banned):
    _, early, _ = banned
    analyst.post("/ui/jobs", data={"kind": "exposure", "item": "gallium"})
    exposure = _newest_job(analyst)
    analyst.app.state.jobs.wait(exposure)
    refused = analyst.get("/ui/compare", params={"a": early, "b": exposure}, headers={"HX-Request": "true"})
    assert refused.status_code == 422 and "same kind" in refused.text and "simulate" in refused.text
    assert "<html" not in refused.text  # an htmx swap gets the message alone
    _is_error_page(analyst.get("/ui/compare", params={"a": "0" * 32, "b": exposure}), 404, "field a")
    # the newest finished run is an exposure run: A and B are never of two kinds
    picked = _picked(analyst.get("/ui/jobs").text)
    assert picked["b"] == (exposure, "exposure") and picked.get("a", (None, "exposure"))[1] == "exposure"


def test_run_page_of_an_exposure_run_and_of_someone_else(analyst, client, tokens):
    analyst.post("/ui/jobs", data={"kind": "exposure", "item": "gallium"})
    job_id = _newest_job(analyst)
    analyst.app.state.jobs.wait(job_id)
    page = analyst.get(f"/runs/{job_id}")
    assert page.status_code == 200, page.text
    assert "<h1>exposure: gallium, pax_silica" in page.text
    rows = _downloads(page.text)[f"run-{job_id[:8]}"]
    assert rows and all(row["item"] == "gallium" for row in rows)
    assert "<th scope=\"col\">country</th>" in page.text or "<th scope=\"col\">share</th>" in page.text
    _is_error_page(analyst.get("/runs/" + "f" * 32), 404, "no run")
    analyst.cookies.clear()
    sign_in(client, tokens["reader"])  # another token: the run is not theirs
    _is_error_page(client.get(f"/runs/{job_id}"), 404, job_id)
    assert "Back to the dashboard" in client.get(f"/runs/{job_id}").text


def test_scenario_form_names_bad_fields(analyst):
    name = next(n for n, s in _library(analyst).items() if s.get("events"))
    _is_error_page(analyst.post("/ui/jobs", data={"kind": "simulate", "scenario": name, "events.0.start": "soon"}),
                   422, "events.0.start", "soon")
    missing = analyst.post("/ui/jobs", data={"kind": "simulate", "scenario": "no such scenario"})
    _is_error_page(missing, missing.status_code, "scenario", "no such scenario")
    assert missing.status_code in (404, 422)
    _is_error_page(analyst.post("/ui/jobs", data={"kind": "simulate", "scenario": name, "days": "-3"}), 422, "days")
    _is_error_page(analyst.post("/ui/jobs", data={"kind": "simulate", "scenario": name, "days": "99999"}),
                   422, "days")
    licence = analyst.post("/ui/jobs", data={"kind": "simulate", "scenario": "us-bis-2022-10-07",
                                             "events.0.deny_rate": "inf"})
    _is_error_page(licence, 422, "deny_rate")
    _is_error_page(analyst.post("/ui/jobs", data={"kind": "simulate", "scenario": name, "events.0.end": "soonish"}),
                   422, "events.0.end", "YYYY-MM-DD")
    _is_error_page(analyst.post("/ui/jobs", data={"kind": "simulate", "scenario": name, "name": "x" * 100_001}),
                   422, "name", "at most 100,000")
    fragment = analyst.post("/ui/jobs", data={"kind": "simulate", "scenario": name, "days": "x"},
                            headers={"HX-Request": "true"})
    assert fragment.status_code == 422 and "days" in fragment.text and "<html" not in fragment.text
    # nothing was started by the refused forms
    assert "no such scenario" not in analyst.get("/ui/jobs").text


def test_screening_explains_each_match(analyst):
    page = analyst.get("/screen")
    assert page.status_code == 200 and "bundled:fcc_covered" in page.text
    assert "none ticked: every installed list" in page.text and "checked" not in page.text
    result = analyst.post("/ui/screen", data={"names": "Huawei Technologies Co., Ltd. | CHN\nAcme Bakery Ltd"})
    assert result.status_code == 200
    summary = re.search(r'id="screen-summary">(.*?)</p>', result.text, re.S).group(1)
    assert "2 name(s) screened" in summary and "bundled:fcc_covered" in summary  # every list by default
    rows = _downloads(result.text)["screening"]
    huawei = [r for r in rows if r["query_id"] == "1"]
    assert huawei and all(0 <= r["score"] <= 1 for r in huawei) and huawei[0]["features"]
    assert any("huawei" in r["match"].lower() for r in huawei)
    # yente-style explanation: the score is the logistic of bias + sum of weight × value
    first = huawei[0]
    bias = float(re.search(r"bias (-?[0-9.]+)", result.text).group(1))
    assert math.isclose(first["score"], 1 / (1 + math.exp(-(bias + sum(first["contributions"].values())))),
                        abs_tol=0.01)
    assert f"score {first['score']:.2f}" in result.text
    assert not [r for r in rows if r["query_id"] == "2"]
    assert 'data-query="2" data-matches="0"' in result.text and "no match" in result.text
    one_list = analyst.post("/ui/screen", data={"names": "Huawei Technologies | CHN", "list": "bundled:dod_1260h"})
    assert "screened against bundled:dod_1260h ·" in one_list.text
    _is_error_page(analyst.post("/ui/screen", data={"names": "x", "threshold": "high"}), 422, "threshold")
    _is_error_page(analyst.post("/ui/screen", data={"names": "x", "threshold": "7"}), 422, "threshold")


def test_screening_is_for_analysts(client, tokens):
    sign_in(client, tokens["reader"])
    try:
        _is_error_page(client.get("/screen"), 403, "analyst")
        assert 'href="/screen"' not in client.get("/").text
    finally:
        client.cookies.clear()


def test_map_is_offline_and_lists_non_countries(analyst):
    outline = analyst.get("/static/vendor/geo/world_110m.json")
    assert outline.status_code == 200 and outline.json()["type"] == "Topology"
    page = analyst.get("/map", params={"item": "gallium"})
    assert page.status_code == 200 and "https://cdn" not in page.text
    assert '<option value="gallium" selected' in page.text
    figure = _figure(page.text, "map-figure")
    assert "CHN" in figure.data[0].locations
    rows = _downloads(page.text)["supply-map-gallium"]
    assert abs(sum(r["share"] for r in rows) - 1) < 0.05
    assert all(r["country"] in figure.data[0].locations for r in rows if r["is_country"])
    assert not [r for r in rows if not r["is_country"] and r["country"] in figure.data[0].locations]
    largest = rows[0]
    assert f"largest {largest['name']} {largest['share']:.0%}" in page.text  # the chart's label
    assert f"{largest['share']:.1%}" in page.text[page.text.index('id="map-table"'):]
    fragment = analyst.get("/ui/map", params={"item": "gallium", "as_of": "2024-06-30"})
    assert fragment.headers["HX-Push-Url"] == "/map?item=gallium&as_of=2024-06-30"
    assert "as of 2024-06-30" in fragment.text
    reloaded = analyst.get("/map", params={"item": "gallium", "as_of": "2024-06-30"}).text
    assert 'value="2024-06-30"' in reloaded  # the pushed URL shows the same view
    _is_error_page(analyst.get("/ui/map", params={"item": "unobtainium"}), 422, "unobtainium")
    _is_error_page(analyst.get("/map", params={"item": "gallium", "as_of": "yesterday"}), 422, "as_of")


def test_unfinished_run_shows_its_progress(analyst):
    """A running job: the runs table shows its progress and keeps polling; its page says it
    has not finished (no chart, no download) instead of failing on a missing result."""
    from datetime import UTC, datetime

    job_id = "ab" * 16
    params = {"scenario": {"name": "still running", "events": []}, "days": 30}
    state = analyst.app.state.service
    with state.writer() as store:
        store.connection.execute(
            "INSERT INTO \"jobs\" VALUES (?, 'simulate', ?, 'running', 0.4, 'token:analyst', ?, NULL, NULL, NULL)",
            [job_id, json.dumps(params), datetime.now(UTC).isoformat()])
    try:
        jobs = analyst.get("/ui/jobs").text
        row = re.search(rf'<tr data-status="running" data-kind="simulate" data-job="{job_id}">(.*?)</tr>',
                        jobs, re.S).group(1)
        assert "still running · 30 days" in row and 'value="0.4"' in row and "40%" in row
        assert 'name="a"' not in row  # only finished runs can be compared
        assert 'hx-trigger="load delay:2s"' in jobs  # the table refreshes itself while a run is going
        page = analyst.get(f"/runs/{job_id}")
        assert page.status_code == 200 and "has not finished" in page.text and "40%" in page.text
        assert 'id="trajectory-figure"' not in page.text and 'class="downloads"' not in page.text
    finally:
        with state.writer() as store:
            store.connection.execute('DELETE FROM "jobs" WHERE job_id = ?', [job_id])


def test_a_measure_that_ends_on_a_date_keeps_its_end(analyst):
    """A library measure suspended on a calendar date: the form shows the date, and the form
    sent back unchanged runs the measure with that end (a number field showed it empty and
    sending it dropped the end: a ban that never lifts)."""
    name = "cn-mofcom-2024-46-2"
    end = _library(analyst)[name]["events"][0]["end"]
    form = analyst.get("/ui/run-form", params={"kind": "simulate", "scenario": name}).text
    fields = dict(re.findall(r'<input name="([^"]+)"[^>]*value="([^"]*)"', form))
    assert fields["events.0.end"] == end
    answer = analyst.post("/ui/jobs", data={"kind": "simulate", "scenario": name, "name": "dated", "days": "5",
                                            **fields})
    assert answer.status_code == 200, answer.text
    job_id = _newest_job(analyst)
    analyst.app.state.jobs.wait(job_id, timeout=600)
    assert analyst.app.state.jobs.job(job_id)["params"]["scenario"]["events"][0]["end"] == end
