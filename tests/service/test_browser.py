"""End-to-end: `paxsilica serve` on 127.0.0.1 driven by Debian's headless Chromium (Playwright).

The server runs as a real subprocess on a free port; the browser signs in, changes a
filter and sees the chart change, checks a BOM, verifies certificates, and the pages fit
a 420-px phone screen and a 1400-px desktop without horizontal scrolling.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from paxsilica.cli.app import app as cli_app

CHROMIUM = Path("/usr/bin/chromium")
FIXTURES = Path(__file__).parents[1] / "fixtures" / "certify"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]

EXTERNAL: list[str] = []
"""Every request the browser tried to send elsewhere than the service (all refused)."""

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(),
                                reason="Debian's chromium is not installed (make test installs it)")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _token(db: Path, name: str, role: str) -> str:
    result = CliRunner().invoke(cli_app, ["--db", str(db), "tokens", "add", name, "--role", role])
    assert result.exit_code == 0, result.output
    return result.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """``(base_url, certifier token)`` of a `paxsilica serve` subprocess, signing certificates."""
    folder = tmp_path_factory.mktemp("e2e")
    db = folder / "e2e.duckdb"
    keys = CliRunner().invoke(cli_app, ["keys", "new", "-o", str(folder)])
    assert keys.exit_code == 0, keys.output
    token = _token(db, "browser", "certifier")
    port = _free_port()
    log = (folder / "server.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-c", "from paxsilica.cli import main; main()", "--db", str(db), "serve",
         "--host", "127.0.0.1", "--port", str(port), "--sign", str(folder / "paxsilica.key")],
        stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.3)
        assert process.poll() is None, (folder / "server.log").read_text()
    else:
        process.kill()
        pytest.fail("the server did not start: " + (folder / "server.log").read_text())
    yield base, token
    process.terminate()
    process.wait(timeout=30)
    log.close()


@pytest.fixture(scope="module")
def page(server):
    from playwright.sync_api import sync_playwright

    base, token = server
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 900}, base_url=base)
        def offline(route: object) -> None:  # nothing but the service may be fetched
            if route.request.url.startswith(base) or route.request.url.startswith("data:"):
                route.continue_()
            else:
                EXTERNAL.append(route.request.url)
                route.abort()

        context.route("**/*", offline)
        tab = context.new_page()
        tab.goto("/login")
        tab.fill("#token", token)
        tab.click("#sign-in")
        tab.wait_for_url(f"{base}/")
        yield tab
        context.close()
        browser.close()


def _bars(page) -> list[str]:
    return page.evaluate("() => document.getElementById('exposure-chart').data[0].y")


def _wait_redrawn(page, drawn: str) -> None:
    """Until htmx has swapped in a new chart and plotly has drawn it."""
    page.wait_for_function("(old) => { const d = document.getElementById('exposure-chart').dataset.drawn; "
                           "return d !== undefined && d !== old; }", arg=drawn)


def _no_horizontal_overflow(page) -> None:
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"page is {widths[0]} px wide in a {widths[1]} px window"


def test_filter_changes_the_chart(page):
    page.goto("/")
    page.wait_for_selector("#exposure-chart[data-drawn]")
    before, drawn = _bars(page), page.get_attribute("#exposure-chart", "data-drawn")
    page.select_option("#filter-stage", "mine")
    _wait_redrawn(page, drawn)
    after = _bars(page)
    assert 0 < len(after) < len(before)
    drawn = page.get_attribute("#exposure-chart", "data-drawn")
    page.fill("#filter-date", "2025-12-01")
    page.dispatch_event("#filter-date", "change")
    _wait_redrawn(page, drawn)
    assert "2025-12-01" in page.inner_text("#exposure")


def test_bom_check_gives_a_verdict(page):
    page.goto("/bom")
    page.set_input_files("#bom", str(FIXTURES / "drone_bom_red.csv"))
    page.select_option("#rules", "uas-ndaa848")
    page.check("input[value='bundled:dod_1260h']")
    page.click("#bom-submit")
    page.wait_for_selector("#bom-verdict")
    assert page.get_attribute("#bom-verdict", "data-verdict") == "fail"
    assert page.locator("#findings tbody tr").count() > 0


def test_verify_certificates(page, server, tmp_path):
    base, token = server
    bom = FIXTURES / "drone_bom.csv"
    certificate = httpx.post(f"{base}/api/v1/certify", headers={"Authorization": f"Bearer {token}"},
                             files={"bom": (bom.name, bom.read_bytes())},
                             data={"rules": "uas-ndaa848", "list": ["bundled:fcc_covered"]}, timeout=60)
    assert certificate.status_code == 200, certificate.text
    good = tmp_path / "good.json"
    good.write_bytes(certificate.content)
    document = json.loads(certificate.content)
    document["certificate"]["subject"] = "Something else"
    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps(document), encoding="utf-8")
    for path, valid in ((good, "true"), (forged, "false")):
        page.goto("/verify")
        page.set_input_files("#certificate", str(path))
        page.click("#verify-submit")
        page.wait_for_selector("#verify-verdict")
        assert page.get_attribute("#verify-verdict", "data-valid") == valid


def test_scenarios_start_and_compare_runs(page):
    page.goto("/scenarios")
    for group in ("pax_silica", "pax_silica_signatories"):
        page.fill("#job-params", json.dumps({"item": "gallium", "group": group}))
        page.click("#start-run")
        page.wait_for_function("(n) => document.querySelectorAll('#jobs-table tr[data-status=done]').length >= n",
                               arg=1 if group == "pax_silica" else 2, timeout=60_000)
    page.click("#compare-submit")
    page.wait_for_selector("#compare .run")
    assert page.locator("#compare .run").count() == 2
    assert "pax_silica_signatories" in page.inner_text("#compare")


@pytest.mark.parametrize("width", [420, 1400])
def test_pages_fit_the_screen(page, width, tmp_path):
    page.set_viewport_size({"width": width, "height": 900})
    for path in ("/", "/scenarios", "/verify", "/bom"):
        page.goto(path)
        if path == "/":
            page.wait_for_selector("#exposure-chart[data-drawn]")
        _no_horizontal_overflow(page)
        shot = tmp_path / f"{path.strip('/') or 'dashboard'}-{width}.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 5_000
    page.set_viewport_size({"width": 1400, "height": 900})


@pytest.mark.parametrize("width", [420, 1400])
def test_api_docs_work_offline(page, width, tmp_path):
    """/docs draws every operation from the vendored Swagger UI, with no request leaving the
    machine (external requests are refused, and none is tried)."""
    EXTERNAL.clear()
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/docs")
    page.wait_for_selector(".opblock", timeout=60_000)
    operations = page.locator(".opblock").count()
    listed = len([op for path in httpx.get(page.url.replace("/docs", "/openapi.json")).json()["paths"].values()
                  for op in path.values()])
    assert operations == listed >= 20
    assert "get_exposure" in page.content()
    page.screenshot(path=str(tmp_path / f"docs-{width}.png"))
    assert EXTERNAL == []
    page.set_viewport_size({"width": 1400, "height": 900})


def test_bom_defaults_fail_the_red_drone(page):
    """No pack chosen, no list ticked: the strictest pack and every installed list; the
    DJI camera fails it, and the verdict says the lists are samples."""
    page.goto("/bom")
    page.set_input_files("#bom", str(FIXTURES / "drone_bom_red.csv"))
    page.click("#bom-submit")
    page.wait_for_selector("#bom-verdict")
    assert page.get_attribute("#bom-verdict", "data-verdict") == "fail"
    assert "SAMPLE" in page.inner_text("#bom-verdict-text")
    assert page.locator("#bom-warnings li").count() >= 3


SHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"


@pytest.mark.parametrize("width", [420, 1400])
def test_cable_map_is_drawn_offline_and_fits(page, server, width):
    base, _ = server
    outside: list[str] = []
    listener = lambda request: outside.append(request.url) if not request.url.startswith(base) else None  # noqa: E731
    page.on("request", listener)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/infra?country=TWN&year=2024")
    page.wait_for_selector("#infra-map[data-drawn]")
    page.wait_for_selector("#infra-zoom[data-drawn]")
    # the outline was drawn (land and coastline paths), the isolating sites are ringed
    land = page.evaluate("document.querySelectorAll('#infra-map .geo .layer path').length")
    rings = page.evaluate("document.getElementById('infra-map')._fullData.filter("
                          "t => t.name.startsWith('Isolating')).map(t => t.lat.length)")
    _no_horizontal_overflow(page)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"dashboard-cables-{width}.png"), full_page=True)
    # what-if: close every ringed site, the page says it is isolated
    drawn = page.get_attribute("#infra-map", "data-drawn")
    page.evaluate("""() => { const boxes = document.querySelectorAll('#infra-form input[name=close]');
      boxes.forEach(b => { b.checked = true; });
      boxes[boxes.length - 1].dispatchEvent(new Event('change', {bubbles: true})); }""")
    page.wait_for_function("(old) => { const d = document.getElementById('infra-map'); "
                           "return d && d.dataset.drawn && d.dataset.drawn !== old && "
                           "document.getElementById('infra-note').dataset.isolated === 'true'; }",
                           arg=drawn)
    page.remove_listener("request", listener)
    page.set_viewport_size({"width": 1400, "height": 900})
    assert land > 5 and rings and rings[0] >= 1
    assert outside == [], f"the page tried to fetch {outside}"
