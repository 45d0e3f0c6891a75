"""End-to-end: `paxsilica serve` on 127.0.0.1 driven by Debian's headless Chromium (Playwright).

The server runs as a real subprocess on a free port; every request to anything else is
refused (the dashboard works offline). The browser signs in, changes a filter and sees the
chart change, checks a BOM, verifies certificates, starts two simulations from the scenario
form and compares them, filters a run's trajectories, screens names, draws the map and opens
the API docs (/docs, vendored Swagger UI); every page fits a 360-, 420- and 1400-px screen
without horizontal scrolling (screenshots in build/screenshots/dashboard-*.png) and axe-core
finds no serious violation, light or dark.
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
SHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]

EXTERNAL: list[str] = []
"""Every request the browser tried to send elsewhere than the service (all refused)."""

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(),
                                reason="Debian's chromium is not installed (make test installs it)")


# Charts whose drawing reaches past their own box (over the table below), e.g. after a resize.
SPILLS_JS = """() => [...document.querySelectorAll('[data-chart]')].filter(el => {
  const svg = el.querySelector('.main-svg');
  return svg && svg.getBoundingClientRect().bottom > el.getBoundingClientRect().bottom + 1;
}).map(el => el.id)"""


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


def _done_runs(page) -> int:
    return page.evaluate("() => document.querySelectorAll('#jobs-table tr[data-status=done]').length")


def _start_simulation(page, name: str, start: int) -> None:
    """Fill the scenario form (the library's coalition ban, 20 days, its first event starting
    on day ``start``) and start the run; wait until it is done."""
    before = _done_runs(page)
    page.fill("#run-name", name)
    page.fill("#run-days", "20")
    page.fill("#field-events-0-start", str(start))
    page.click("#start-run")
    page.wait_for_function("(n) => document.querySelectorAll('#jobs-table tr[data-status=done]').length > n",
                           arg=before, timeout=120_000)


@pytest.fixture(scope="module")
def simulations(page) -> tuple[str, str]:
    """Two simulations started from the scenario form: ``(early id, late id)``."""
    page.goto("/scenarios")
    assert page.input_value("#job-kind") == "simulate"
    page.select_option("#run-scenario", "coalition-ban")
    page.wait_for_function("() => document.querySelector('#run-name')?.placeholder === 'coalition-ban'")
    _start_simulation(page, "early ban", 0)
    _start_simulation(page, "late ban", 10)
    ids = page.evaluate("() => [...document.querySelectorAll('#jobs-table tr[data-kind=simulate]')]"
                        ".map(r => [r.dataset.job, r.querySelector('th a').textContent])")
    named = {name: job_id for job_id, name in ids}
    return named["early ban · 20 days"], named["late ban · 20 days"]


def test_switching_kind_replaces_the_form(page):
    page.goto("/scenarios")
    page.fill("#run-name", "typed before switching")
    page.select_option("#job-kind", "exposure")
    page.wait_for_selector("#exposure-fields")
    assert page.locator("#simulate-fields").count() == 0 and page.locator("#run-name").count() == 0
    page.select_option("#job-kind", "simulate")
    page.wait_for_selector("#simulate-fields")
    assert page.input_value("#run-name") == ""  # nothing of before is kept


def test_scenarios_start_and_compare_runs(page, simulations):
    early, late = simulations
    page.goto("/scenarios")
    # the two newest runs are of one kind and pre-selected: A the older, B the newer
    assert page.is_checked(f"#jobs-table input[name=a][value='{early}']")
    assert page.is_checked(f"#jobs-table input[name=b][value='{late}']")
    page.click("#compare-submit")
    page.wait_for_selector("#compare-chart[data-drawn]")
    text = page.inner_text("#compare")
    assert "A: early ban · 20 days" in text and "B: late ban · 20 days" in text
    assert page.locator("#compare-table tbody tr").count() > 0
    assert "not recovered" in text
    buttons = page.locator("#compare .downloads button")
    assert buttons.count() == 2
    with page.expect_download() as caught:
        buttons.nth(0).click()
    saved = Path(caught.value.path()).read_text(encoding="utf-8")
    assert saved.splitlines()[0].startswith("region,sector,loss_a") and len(saved.splitlines()) > 1


def test_run_page_trajectories_and_filters(page, simulations):
    _, late = simulations
    page.goto(f"/runs/{late}")
    page.wait_for_selector("#trajectory-chart[data-drawn]")
    traces = page.evaluate("() => document.getElementById('trajectory-chart').data.map(t => t.name)")
    assert traces
    region = traces[0].split(" · ")[0]
    page.select_option("#trajectory-region", region)
    page.wait_for_url(f"**/runs/{late}?region={region}*")
    page.wait_for_selector("#trajectory-chart[data-drawn]")
    narrowed = page.evaluate("() => document.getElementById('trajectory-chart').data.map(t => t.name)")
    assert narrowed and all(name.startswith(region + " · ") for name in narrowed)
    page.reload()
    assert page.input_value("#trajectory-region") == region  # the filter survives a reload
    with page.expect_download() as caught:
        page.click("#main .downloads button[data-format=json]")
    rows = json.loads(Path(caught.value.path()).read_text(encoding="utf-8"))
    assert rows and {"region", "sector", "peak_loss_share"} <= set(rows[0])


def test_screening_shows_scores_and_reasons(page):
    page.goto("/screen")
    page.fill("#screen-names", "Huawei Technologies Co., Ltd. | CHN\nAcme Bakery Ltd")
    page.click("#screen-submit")
    page.wait_for_selector("#screen-summary")
    assert page.get_attribute("article[data-query='1']", "data-matches") != "0"
    assert page.get_attribute("article[data-query='2']", "data-matches") == "0"
    assert page.locator("article[data-query='1'] table.features tbody tr").count() > 0


def test_map_draws_offline(page):
    page.goto("/map?item=gallium")
    page.wait_for_selector("#supply-map[data-drawn]")
    # countries filled from the served outline (no CDN: every other request is refused)
    page.wait_for_function("() => document.querySelectorAll('#supply-map .choroplethlocation').length > 0")
    # the whole world, west to east (not zoomed to the supplying countries, which put
    # the Pacific in the middle and cut the map to a strip)
    boxes = page.evaluate("""() => {
      const box = document.getElementById('supply-map').getBoundingClientRect();
      const at = {};
      document.querySelectorAll('#supply-map .choroplethlocation').forEach(p => {
        const b = p.getBoundingClientRect(); at[p.__data__.loc] = b; });
      return {box: [box.left, box.right], usa: at.USA && [at.USA.left, at.USA.right],
              chn: at.CHN && [at.CHN.left, at.CHN.right]};
    }""")
    assert boxes["usa"] and boxes["chn"], boxes
    assert boxes["usa"][1] < boxes["chn"][0], boxes
    assert boxes["box"][0] <= boxes["usa"][0] and boxes["chn"][1] <= boxes["box"][1], boxes
    drawn = page.get_attribute("#supply-map", "data-drawn")
    page.fill("#map-date", "2024-06-30")
    page.dispatch_event("#map-date", "change")
    page.wait_for_function("(old) => { const d = document.querySelector('#supply-map').dataset.drawn; "
                           "return d !== undefined && d !== old; }", arg=drawn)
    assert page.url.endswith("/map?item=gallium&as_of=2024-06-30")
    assert "as of 2024-06-30" in page.inner_text("#map-note")


def _pages(simulations: tuple[str, str]) -> list[tuple[str, str, str | None]]:
    """``(name, path, element drawn when ready)`` of every dashboard page."""
    _, late = simulations
    return [("dashboard", "/", "#exposure-chart[data-drawn]"), ("map", "/map?item=gallium", "#supply-map[data-drawn]"),
            ("scenarios", "/scenarios", None), ("run", f"/runs/{late}", "#trajectory-chart[data-drawn]"),
            ("compare", "/scenarios", None), ("screen", "/screen", None),
            ("verify", "/verify", None), ("bom", "/bom", None)]


@pytest.mark.parametrize("width", [360, 420, 1400])
def test_pages_fit_the_screen(page, simulations, width):
    """No page scrolls sideways; a screenshot of each in build/screenshots/."""
    page.set_viewport_size({"width": width, "height": 900})
    SHOTS.mkdir(parents=True, exist_ok=True)
    EXTERNAL.clear()
    try:
        for name, path, ready in _pages(simulations):
            page.goto(path)
            if ready:
                page.wait_for_selector(ready)
            if name == "compare":  # the comparison the form draws under the runs
                page.click("#compare-submit")
                page.wait_for_selector("#compare-chart[data-drawn]")
            _no_horizontal_overflow(page)
            shot = SHOTS / f"dashboard-{name}-{width}.png"
            page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 5_000
            page.wait_for_timeout(300)  # the screenshot resized the window: plotly redraws
            assert not page.evaluate(SPILLS_JS), f"{name} at {width} px: {page.evaluate(SPILLS_JS)}"
    finally:
        page.set_viewport_size({"width": 1400, "height": 900})
    assert EXTERNAL == []  # offline: no page even tried to fetch anything from elsewhere


@pytest.mark.parametrize("dark", [False, True])
def test_pages_are_accessible(page, simulations, axe_violations, dark):
    """axe-core finds no serious or critical violation on any dashboard page (light and dark)."""
    page.emulate_media(color_scheme="dark" if dark else "light")
    found = {}
    try:
        for name, path, ready in _pages(simulations):
            page.goto(path)
            if ready:
                page.wait_for_selector(ready)
            if name == "compare":
                page.click("#compare-submit")
                page.wait_for_selector("#compare-chart[data-drawn]")
            violations = axe_violations(page)
            if violations:
                found[name] = violations
    finally:
        page.emulate_media(color_scheme="light")
    assert not found, "\n".join(f"{name}: {line}" for name, lines in found.items() for line in lines)


@pytest.mark.parametrize("width", [360, 420, 1400])
def test_api_docs_work_offline(page, width):
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
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"dashboard-docs-{width}.png"))
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
