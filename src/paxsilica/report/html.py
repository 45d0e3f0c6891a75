"""Assemble the report: render each section from the tables the API computed, one HTML file.

:func:`render_report` computes a :class:`~paxsilica.report.data.ReportData` with
:func:`~paxsilica.report.data.report_data` (public API calls only) and hands it to
:func:`write_report`. Sections are modules listed in :data:`SECTIONS`; each has
``build(data) -> Section | None`` (``None`` when it has nothing to show) and only
renders what it is given. The file is written to a temporary name and renamed, so a
failed run never leaves half a report.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from importlib import import_module
from pathlib import Path

import plotly.graph_objects as go
from jinja2 import Environment, PackageLoader, select_autoescape

from paxsilica._version import __version__
from paxsilica.errors import ParameterError, PaxsilicaError
from paxsilica.io.atomic import check_output, write_atomic
from paxsilica.model.country import country_name, is_country
from paxsilica.model.network import StackNetwork
from paxsilica.report.assets import plotly_gzip_base64
from paxsilica.report.data import ReportContext, ReportData, report_data

__all__ = ["SECTIONS", "ReportContext", "ReportData", "Section", "check_report_path", "chosen_sections",
           "describe_figure", "figure_html", "heatmap_min_width", "member_summary", "render_report",
           "scrollable_tables", "section_names", "sources_html", "write_report"]

# Order of the report. Add a module path to add a section.
SECTIONS = [
    "paxsilica.report.sections.overview",
    "paxsilica.report.sections.headline",
    "paxsilica.report.sections.concentration",
    "paxsilica.report.sections.coverage",
    "paxsilica.report.sections.controls",
    "paxsilica.report.sections.recipes",
    "paxsilica.report.sections.multitier",
    "paxsilica.report.sections.scenario",
    "paxsilica.report.sections.infra",
    "paxsilica.report.sections.plan",
    "paxsilica.report.sections.telecom",
    "paxsilica.report.sections.sources",
]


@dataclass(frozen=True)
class Section:
    """One titled part of the report; ``body`` is trusted HTML built by the section."""

    section_id: str
    title: str
    lead: str
    body: str


# Figures whose columns or nodes cannot shrink with the screen (heat maps, Sankey
# diagrams) keep at least this width and scroll inside their card on a phone.
WIDE_TRACES = frozenset({"heatmap", "sankey"})
WIDE_MIN_PX = 680
TICK_PX_PER_CHAR = 7.0
"""Width of one character of a tick label (12-px font), to space a heat map's columns."""


def figure_html(figure: go.Figure, div_id: str, min_width: int | None = None,
                label: str | None = None) -> str:
    """A plotly figure as a ``<div>`` drawn by the page's renderer (plotly.js is embedded
    once, compressed; figures are drawn visible ones first, then the rest).

    The figure's JSON sits in a ``<script type="application/json">`` beside its ``<div>``
    (``role="img"`` with ``aria-label``: ``label``, else a description built from the
    figure's traces and axes). The figure resizes with its card (no toolbar over the
    labels); ``min_width`` (px; default for heat maps and Sankey diagrams: 680 px, or more
    when a heat map's column labels need it) keeps wide figures legible: below it the
    figure scrolls inside its card.

    Example:
        >>> div = figure_html(go.Figure(go.Heatmap(z=[[1]])), "h")
        >>> 'class="scroll"' in div and "min-width:680px" in div and 'role="img"' in div
        True
    """
    figure.update_layout(autosize=True, width=None)
    if min_width is None and any(trace.type in WIDE_TRACES for trace in figure.data):
        min_width = max(WIDE_MIN_PX, heatmap_min_width(figure))
    height = figure.layout.height or 450
    text = figure.to_json().replace("<", "\\u003c")  # never closes the script element
    description = html.escape(label or describe_figure(figure), quote=True)
    plot = (f'<div id="{div_id}" class="plot" role="img" aria-label="{description}" '
            f'data-figure="{div_id}-figure" style="min-height:{int(height)}px"></div>'
            f'<script type="application/json" id="{div_id}-figure">{text}</script>')
    if not min_width:
        return f'<div class="figure">{plot}</div>'
    return ('<p class="scroll-hint">Swipe sideways to see the whole chart.</p>'
            f'<div class="scroll" tabindex="0" role="region" aria-label="{description} (scrolls sideways)">'
            f'<div class="figure figure-wide" style="min-width:{min_width}px">{plot}</div></div>')


def heatmap_min_width(figure: go.Figure) -> int:
    """Width (px) at which a heat map's column labels do not overlap: the widest line of
    any column label (or, for upright labels, a cell's text) times the column count, plus
    the widest line of the row labels and the colour bar; 0 without a heat map.

    Example:
        >>> heatmap_min_width(go.Figure(go.Heatmap(z=[[1, 2]], x=["2026-01-12<br>9", "b"], y=["row"])))
        285
    """
    upright = figure.layout.xaxis.tickangle in (-90, 90)
    widths = []
    for trace in figure.data:
        if trace.type != "heatmap" or trace.x is None:
            continue
        columns = [str(x) for x in trace.x]
        longest = 0 if upright else max((len(line) for x in columns for line in x.split("<br>")), default=0)
        rows = max((len(line) for y in (trace.y if trace.y is not None else [])
                    for line in str(y).split("<br>")), default=0)
        widths.append(int(len(columns) * max(40.0, (longest + 1) * TICK_PX_PER_CHAR)
                          + rows * TICK_PX_PER_CHAR + 110))
    return max(widths, default=0)


def describe_figure(figure: go.Figure) -> str:
    """A short text alternative of a figure: its title, else its trace kinds and names and
    its axis titles.

    Example:
        >>> describe_figure(go.Figure(go.Bar(x=[1], y=["a"], name="Concern"),
        ...                           layout=dict(xaxis_title="share")))
        'Chart: bar (Concern); x axis: share'
    """
    title = figure.layout.title.text if figure.layout.title else None
    if title:
        return f"Chart: {title}"
    kinds = list(dict.fromkeys(trace.type for trace in figure.data))
    names = list(dict.fromkeys(trace.name for trace in figure.data if trace.name))
    text = "Chart: " + ", ".join(kinds) + (f" ({', '.join(names[:6])})" if names else "")
    for axis in ("xaxis", "yaxis"):
        axis_title = figure.layout[axis].title.text if figure.layout[axis].title else None
        if axis_title:
            text += f"; {axis[0]} axis: {axis_title}"
    return text


_TABLE_OPEN = re.compile(r"<table\b([^>]*)>")
_HEADING = re.compile(r"<h3[^>]*>(.*?)</h3>", re.S)
_TAGS = re.compile(r"<[^>]+>")
_HEAD = re.compile(r"<thead>(.*?)</thead>", re.S)


def scrollable_tables(body: str, title: str = "") -> str:
    """Wrap every ``<table>`` of a section body in a horizontally scrolling box (focusable,
    so a keyboard can scroll it), so a wide table scrolls inside its card instead of widening
    the page; give each table a caption (the ``<h3>`` before it, else ``title``) and its
    header cells ``scope="col"``.

    Example:
        >>> out = scrollable_tables("<h3>Inputs</h3><table><thead><tr><th>a</th></tr></thead></table>")
        >>> out.split("<table>")[0]
        '<h3>Inputs</h3><div class="scroll table-scroll" tabindex="0" role="region" aria-label="Table: Inputs">'
        >>> out.split("<table>")[1]
        '<caption class="visually-hidden">Inputs</caption><thead><tr><th scope="col">a</th></tr></thead></table></div>'
    """
    out, position = [], 0
    for match in _TABLE_OPEN.finditer(body):
        before = body[position:match.start()]
        headings = _HEADING.findall(body[:match.start()])
        caption = html.unescape(_TAGS.sub("", headings[-1])).strip() if headings else title
        label = html.escape(f"Table: {caption}" if caption else "Table", quote=True)
        out.append(before + f'<div class="scroll table-scroll" tabindex="0" role="region" aria-label="{label}">'
                   f"<table{match.group(1)}>")
        if caption and "<caption" not in body[match.end():match.end() + 40]:
            out.append(f'<caption class="visually-hidden">{html.escape(caption)}</caption>')
        position = match.end()
    rest = "".join(out) + body[position:]
    rest = _HEAD.sub(lambda m: "<thead>" + m.group(1).replace("<th>", '<th scope="col">') + "</thead>", rest)
    return rest.replace("</table>", "</table></div>")


def member_summary(codes: list[str]) -> str:
    """"25 countries and the European Union" — organisations are not counted as countries.

    Example:
        >>> member_summary(["USA", "JPN", "EUU"])
        '2 countries and the European Union'
    """
    countries = [code for code in codes if is_country(code)]
    others = [country_name(code) for code in codes if not is_country(code)]
    text = f"{len(countries)} {'country' if len(countries) == 1 else 'countries'}"
    if others:
        text += " and the " + " and the ".join(others)
    return text


def sources_html(titles: list[str], links: dict[str, str] | None = None) -> str:
    """Source titles as a compact list, each linked when ``links`` knows its URL."""
    links = links or {}
    parts = []
    for title in titles:
        text = html.escape(title)
        link = links.get(title)
        parts.append(f'<a href="{html.escape(link)}">{text}</a>' if link else text)
    return "; ".join(parts)


def _environment() -> Environment:
    return Environment(loader=PackageLoader("paxsilica", "report/templates"),
                       autoescape=select_autoescape(["html", "j2"]))


def check_report_path(path: str | Path) -> Path:
    """``path`` as a ``Path`` once a file can be written there
    (:func:`~paxsilica.io.atomic.check_output`).

    Raises:
        PaxsilicaError: a directory, a path under a file, or a folder that cannot be written.
    """
    path = Path(path)
    if path.is_dir():
        raise PaxsilicaError(f"cannot write the report to {path}: it is a directory "
                             f"(give a file name, e.g. {path / 'paxsilica-report.html'})")
    return check_output(path)


def render_report(net: StackNetwork, path: str | Path, *, as_of: date | str | None = None,
                  group: str = "pax_silica", concern: str = "countries_of_concern",
                  sections: Collection[str] | None = None,
                  on_section: Callable[[str], None] | None = None,
                  on_step: Callable[[str], None] | None = None) -> Path:
    """Compute the report's tables (:func:`~paxsilica.report.data.report_data`) and write
    the HTML report to ``path``; return it.

    ``sections``: only these sections (names of :func:`section_names`, e.g. ``coverage``;
    default every one): a quick partial report skips the planner's example and the
    stress test, the slowest sections. ``on_step(name)`` is called before each computation
    step, ``on_section(name)`` before each section is rendered (progress display).

    Raises:
        ParameterError: an unknown section name (``field`` ``sections``).

    Example:
        >>> import tempfile
        >>> from paxsilica.store import open_store
        >>> net = StackNetwork.from_store(open_store(":memory:"))
        >>> out = render_report(net, tempfile.mkdtemp() + "/r.html", as_of="2026-07-01")
        >>> "Pax Silica" in out.read_text(encoding="utf-8")
        True
    """
    path = check_report_path(path)
    chosen = chosen_sections(sections)
    data = report_data(net, as_of=as_of, group=group, concern=concern, on_step=on_step)
    return write_report(data, path, sections=chosen, on_section=on_section)


def section_names() -> list[str]:
    """The report's sections in page order (``overview``, ``headline``, … ``sources``)."""
    return [module_name.rsplit(".", 1)[-1] for module_name in SECTIONS]


def chosen_sections(names: Collection[str] | None) -> list[str]:
    """``names`` checked against :func:`section_names`, in page order (``None``: all).

    >>> chosen_sections(["sources", "coverage"])
    ['coverage', 'sources']
    """
    known = section_names()
    if names is None:
        return known
    names = [names] if isinstance(names, str) else list(names)
    unknown = [name for name in names if name not in known]
    if unknown or not names:
        raise ParameterError(f"sections: unknown {', '.join(map(repr, unknown))} (known: {', '.join(known)})"
                             if unknown else "sections: name at least one", field="sections")
    return [name for name in known if name in set(names)]


def write_report(data: ReportData, path: str | Path, *, sections: Collection[str] | None = None,
                 on_section: Callable[[str], None] | None = None) -> Path:
    """Render ``data`` into one self-contained HTML file at ``path``; return it
    (``sections``: only these, see :func:`render_report`)."""
    path = check_report_path(path)
    chosen = set(chosen_sections(sections))
    rendered = []
    for module_name in SECTIONS:
        name = module_name.rsplit(".", 1)[-1]
        if name not in chosen:
            continue
        if on_section:
            on_section(name)
        section = import_module(module_name).build(data)
        if section is not None:
            rendered.append(replace(section, body=scrollable_tables(section.body, section.title)))
    page = _environment().get_template("report.html.j2").render(
        sections=rendered, as_of=data.as_of, group_name=data.group_name,
        version=__version__,
        generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        members=[(code, country_name(code)) for code in data.members],
        member_summary=member_summary(data.members),
        plotly_gzip=plotly_gzip_base64())
    write_atomic(path, page)
    return path
