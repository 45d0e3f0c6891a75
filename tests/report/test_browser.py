"""The report in a real browser: Debian's headless Chromium at a phone's and a desktop's
width. Screenshots are kept in build/screenshots/ for a person to look at."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from paxsilica.model.network import StackNetwork
from paxsilica.report.html import render_report
from paxsilica.store import open_store

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync"]

# Elements whose right edge passes the viewport, outside a horizontally scrolling box. The
# parts of an <svg> are clipped by it (a zoomed map draws the world beyond its frame), so
# the <svg> itself is checked, not its parts.
OFFENDERS_JS = """() => {
  const width = document.documentElement.clientWidth;
  const out = [];
  for (const el of document.querySelectorAll('main *, header *, nav')) {
    if (el.closest('.scroll') || el.closest('nav')) continue;
    if (el.ownerSVGElement) continue;
    const box = el.getBoundingClientRect();
    if (box.width > 0 && box.right > width + 1) out.push(el.tagName + '.' + el.className + ' ' + Math.round(box.right));
  }
  return out.slice(0, 10);
}"""

sync_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                reason="Debian's chromium is not installed (make test installs it)")


@pytest.fixture(scope="module")
def report_url(tmp_path_factory) -> str:
    net = StackNetwork.from_store(open_store(":memory:"))
    path = render_report(net, tmp_path_factory.mktemp("report") / "report.html", as_of="2026-07-01")
    return path.as_uri()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield launched
        launched.close()


@pytest.mark.parametrize("width", [420, 1400])
def test_report_fits_the_screen(browser, report_url, width):
    page = browser.new_page(viewport={"width": width, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(report_url, wait_until="load")
    page.wait_for_selector(".js-plotly-plot .main-svg")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"report-{width}.png"), full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    offenders = page.evaluate(OFFENDERS_JS)
    plots = page.evaluate("document.querySelectorAll('.js-plotly-plot .main-svg').length")
    page.close()
    assert errors == []
    assert overflow <= 0, f"page scrolls sideways by {overflow}px at {width}px: {offenders}"
    assert offenders == []
    assert plots >= 4  # every chart rendered, not only the first


def test_wide_figures_scroll_inside_their_card_on_a_phone(browser, report_url):
    page = browser.new_page(viewport={"width": 420, "height": 900})
    page.goto(report_url, wait_until="load")
    page.wait_for_selector("#concentration-heatmap .main-svg")
    card, plot = page.evaluate("""() => {
      const plot = document.querySelector('#concentration-heatmap');
      return [plot.closest('.scroll').clientWidth, plot.getBoundingClientRect().width];
    }""")
    page.close()
    assert plot >= 680 > card  # legible width kept, the card scrolls instead of the page


def test_toolbar_does_not_cover_the_heatmap_headers(browser, report_url):
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto(report_url, wait_until="load")
    page.wait_for_selector("#concentration-heatmap .main-svg")
    toolbars = page.evaluate("document.querySelectorAll('.modebar-container .modebar-btn').length")
    page.close()
    assert toolbars == 0


@pytest.mark.parametrize("width", [420, 1400])
def test_cable_map_is_drawn_from_the_file_alone(browser, report_url, width):
    """The map's outline is embedded: with every non-file URL blocked, nothing is attempted
    and the outline, the cables and the ringed isolating sites are drawn."""
    page = browser.new_page(viewport={"width": width, "height": 900})
    attempted: list[str] = []

    def guard(route: object) -> None:
        url = route.request.url  # type: ignore[attr-defined]
        if url.startswith("file:"):
            route.continue_()  # type: ignore[attr-defined]
        else:
            attempted.append(url)
            route.abort()  # type: ignore[attr-defined]

    page.route("**/*", guard)
    page.goto(report_url, wait_until="load")
    page.wait_for_selector("#cable-map .geo .layer path")
    page.wait_for_selector("#cable-map-zoom .geo .layer path")
    outline = page.evaluate("document.querySelectorAll('#cable-map .geo .layer path').length")
    traces = page.evaluate("document.getElementById('cable-map')._fullData.map(t => [t.name, t.lat.length])")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.locator("#connectivity").screenshot(path=str(SHOTS / f"report-cables-{width}.png"))
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    page.close()
    assert attempted == []
    assert outline > 5
    names = {name for name, _ in traces}
    assert any(name.startswith("Isolating sites of Taiwan") for name in names)
    assert "Taiwan's cables of concern" in names
    assert overflow <= 0
