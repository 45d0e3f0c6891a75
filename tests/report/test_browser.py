"""The report in a real browser: Debian's headless Chromium at 360, 420 and 1400 px, with
every request that is not the report file refused. Screenshots are kept in
build/screenshots/ for a person to look at.

Each report defect found by hand has a test that would have caught it: a sticky header
covering the first row of a table, a heat map whose caption names the other end, tick or
Sankey labels drawn over each other, a country list naming "location not in data".
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from paxsilica.model.network import StackNetwork
from paxsilica.report.assets import PLOTLY_TRACES
from paxsilica.report.html import render_report
from paxsilica.store import open_store

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync"]
WIDTHS = [360, 420, 1400]
MAX_BYTES = 2_000_000

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

ALL_DRAWN_JS = ("() => [...document.querySelectorAll('[data-figure]')]"
                ".every(e => e.dataset.drawn && e.dataset.drawn !== 'pending')")

# Pairs of labels of one axis (or one Sankey column) whose boxes intersect by more than 1 px
# both ways: text drawn over text.
OVERLAPS_JS = """() => {
  const out = [];
  const overlap = (a, b) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1 &&
                            Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1;
  const groups = [];
  for (const plot of document.querySelectorAll('.js-plotly-plot')) {
    for (const layer of plot.querySelectorAll('.xaxislayer-above, .yaxislayer-above')) {
      groups.push([plot.id, [...layer.querySelectorAll('.xtick text, .ytick text')]]);
    }
    const labels = [...plot.querySelectorAll('.sankey .node-label')].filter(t => t.textContent);
    const columns = {};
    for (const t of labels) {
      const x = Math.round(t.closest('.sankey-node').getBoundingClientRect().left);
      (columns[x] = columns[x] || []).push(t);
    }
    for (const column of Object.values(columns)) groups.push([plot.id + ' sankey', column]);
  }
  for (const [id, texts] of groups) {
    const boxes = texts.map(t => [t.textContent, t.getBoundingClientRect()]).filter(([, b]) => b.width > 0);
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++)
        if (overlap(boxes[i][1], boxes[j][1])) out.push(id + ': ' + boxes[i][0] + ' / ' + boxes[j][0]);
  }
  return out.slice(0, 20);
}"""

# Tables whose first body row is hidden under their own header or has the header below it.
COVERED_ROWS_JS = """() => {
  const out = [];
  document.querySelectorAll('details').forEach(d => { d.open = true; });
  for (const table of document.querySelectorAll('main table')) {
    const head = table.tHead, row = table.tBodies[0] && table.tBodies[0].rows[0];
    if (!head || !row) continue;
    for (let box = table.parentElement; box; box = box.parentElement) box.scrollTop = 0;
    window.scrollBy(0, table.getBoundingClientRect().top - window.innerHeight / 3);
    const cell = row.cells[0].getBoundingClientRect(), headBox = head.getBoundingClientRect();
    const hit = document.elementFromPoint(cell.left + Math.min(8, cell.width / 2), cell.top + cell.height / 2);
    if (!hit || !row.contains(hit) || headBox.bottom > cell.top + 1)
      out.push((table.closest('section') || {}).id + ': ' + row.cells[0].textContent.slice(0, 40) +
               ' under ' + (hit ? hit.tagName + ' ' + hit.textContent.slice(0, 30) : 'nothing'));
  }
  window.scrollTo(0, 0);
  return out;
}"""

sync_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                reason="Debian's chromium is not installed (make test installs it)")


@pytest.fixture(scope="module")
def report_path(tmp_path_factory) -> Path:
    net = StackNetwork.from_store(open_store(":memory:"))
    return render_report(net, tmp_path_factory.mktemp("report") / "report.html", as_of="2026-07-01")


@pytest.fixture(scope="module")
def report_url(report_path) -> str:
    return report_path.as_uri()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield launched
        launched.close()


@pytest.fixture()
def open_report(browser, report_url):
    """``open(width) -> page``: the report drawn at ``width`` px, every other URL refused
    (``page.attempted`` lists what was tried)."""
    pages = []

    def open_(width: int, height: int = 900):
        page = browser.new_page(viewport={"width": width, "height": height})
        attempted: list[str] = []

        def guard(route: object) -> None:
            url = route.request.url  # type: ignore[attr-defined]
            if url.startswith(("file:", "data:", "blob:")):
                route.continue_()  # type: ignore[attr-defined]
            else:
                attempted.append(url)
                route.abort()  # type: ignore[attr-defined]

        page.route("**/*", guard)
        page.attempted = attempted
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.errors = errors
        page.goto(report_url, wait_until="load")
        page.wait_for_function(ALL_DRAWN_JS, timeout=120_000)
        pages.append(page)
        return page

    yield open_
    for page in pages:
        page.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_report_fits_the_screen_offline(open_report, width):
    page = open_report(width)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"report-{width}.png"), full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    offenders = page.evaluate(OFFENDERS_JS)
    plots = page.evaluate("document.querySelectorAll('.js-plotly-plot .main-svg').length")
    figures = page.evaluate("document.querySelectorAll('[data-figure]').length")
    assert page.errors == []
    assert page.attempted == []  # self-contained: nothing fetched, not even tried
    assert overflow <= 0, f"page scrolls sideways by {overflow}px at {width}px: {offenders}"
    assert offenders == []
    assert plots >= figures >= 5  # every chart drawn, not only the first


def test_report_is_small_and_records_time_to_first_chart(report_path, open_report):
    """Under 2 MB (plotly.js is a partial bundle, embedded compressed). The time from
    navigation to the first drawn chart is measured and written beside the screenshots
    (measured, never asserted: timing belongs to benchmarks)."""
    size = report_path.stat().st_size
    page = open_report(420)
    marks = page.evaluate("() => Object.fromEntries(['plotly-ready', 'first-chart'].map("
                          "n => [n, Math.round(performance.getEntriesByName(n)[0].startTime)]))")
    SHOTS.mkdir(parents=True, exist_ok=True)
    (SHOTS / "report-timing.json").write_text(json.dumps({"bytes": size, "width": 420, **marks}))
    assert size < MAX_BYTES
    assert 0 < marks["plotly-ready"] <= marks["first-chart"]


def test_every_trace_is_one_the_bundle_draws(open_report):
    page = open_report(1400)
    registered = set(page.evaluate("Object.keys(Plotly.PlotSchema.get().traces)"))
    used = set(page.evaluate("[...document.querySelectorAll('[data-figure]')].flatMap("
                             "e => JSON.parse(document.getElementById(e.dataset.figure).textContent)"
                             ".data.map(t => t.type || 'scatter'))"))
    assert used <= registered
    assert registered >= PLOTLY_TRACES


@pytest.mark.parametrize("width", [420, 1400])
def test_first_row_of_every_table_is_visible(open_report, width):
    """A header that sticks must stick to the top of its own box, not 36 px into it."""
    page = open_report(width)
    covered = page.evaluate(COVERED_ROWS_JS)
    tables = page.evaluate("document.querySelectorAll('main table tbody tr').length")
    assert tables > 20
    assert covered == []


def test_heatmap_caption_names_the_rows_the_chart_shows(open_report):
    page = open_report(1400)
    lead = page.inner_text("#concentration .lead")
    ticks = page.evaluate("""() => [...document.querySelectorAll('#concentration-heatmap .ytick text')]
        .map(t => [t.getBoundingClientRect().top, t.textContent]).sort((a, b) => a[0] - b[0]).map(x => x[1])""")
    top, bottom = ticks[0], ticks[-1]
    assert "(top)" in lead and "(bottom)" in lead
    top_stage = lead.split(" (top)")[0].rsplit("from ", 1)[1].replace(" ", "_")
    bottom_stage = lead.split(" (bottom)")[0].rsplit("to ", 1)[1].replace(" ", "_")
    assert top.replace(" ", "").endswith(f"·{top_stage}"), (top, lead)
    assert bottom.replace(" ", "").endswith(f"·{bottom_stage}"), (bottom, lead)
    assert top_stage != bottom_stage


@pytest.mark.parametrize("width", WIDTHS)
def test_no_labels_drawn_over_each_other(open_report, width):
    page = open_report(width)
    overlaps = page.evaluate(OVERLAPS_JS)
    ticks = page.evaluate("document.querySelectorAll('.xtick text, .ytick text').length")
    assert ticks > 100
    assert overlaps == []


def test_wide_figures_scroll_inside_their_card_on_a_phone(open_report):
    page = open_report(360)
    card, plot, cells = page.evaluate("""() => {
      const plot = document.querySelector('#concentration-heatmap');
      const card = plot.closest('.scroll');
      const labels = plot.querySelector('.yaxislayer-above').getBoundingClientRect();
      return [card.clientWidth, plot.getBoundingClientRect().width, card.getBoundingClientRect().right - labels.right];
    }""")
    assert plot >= 680 > card  # legible width kept, the card scrolls instead of the page
    assert cells > 100  # the row labels leave room for cells in the first screen


def test_toolbar_does_not_cover_the_heatmap_headers(open_report):
    page = open_report(1400)
    assert page.evaluate("document.querySelectorAll('.modebar-container .modebar-btn').length") == 0


def test_unknown_location_is_not_listed_as_a_country(open_report):
    page = open_report(1400)
    lists = page.evaluate("[...document.querySelectorAll('#headline p')].map(p => p.textContent)"
                          ".filter(t => t.startsWith('Countries it depends on alone'))")
    assert lists
    for text in lists:
        countries = text.split(":", 1)[1].split(".")[0]
        assert "not in data" not in countries and "location" not in countries


@pytest.mark.parametrize("dark", [False, True])
def test_report_is_accessible(browser, report_url, axe_violations, dark):
    """axe-core finds no serious or critical violation, in light and dark mode; charts are
    images with a label, tables have captions and column scopes, a skip link leads to main."""
    page = browser.new_page(viewport={"width": 1400, "height": 900},
                            color_scheme="dark" if dark else "light")
    page.goto(report_url, wait_until="load")
    page.wait_for_function(ALL_DRAWN_JS, timeout=120_000)
    unlabelled = page.evaluate("[...document.querySelectorAll('[data-figure]')]"
                               ".filter(e => e.getAttribute('role') !== 'img' || !e.getAttribute('aria-label')).length")
    tables = page.evaluate("[...document.querySelectorAll('main table')].map(t => [!!t.caption, "
                           "[...t.querySelectorAll('thead th')].every(th => th.scope === 'col')])")
    page.keyboard.press("Tab")
    skip = page.evaluate("document.activeElement.getAttribute('href')")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    SHOTS.mkdir(parents=True, exist_ok=True)
    if dark:
        page.screenshot(path=str(SHOTS / "report-dark-1400.png"))
    violations = axe_violations(page, exclude=(".js-plotly-plot",))
    page.close()
    assert unlabelled == 0
    assert tables and all(caption and scoped for caption, scoped in tables)
    assert skip == "#main"
    assert (background == "rgb(13, 17, 23)") is dark
    assert violations == []


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
