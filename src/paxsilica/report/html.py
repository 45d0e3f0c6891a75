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
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from importlib import import_module
from pathlib import Path

import plotly.graph_objects as go
from jinja2 import Environment, PackageLoader, select_autoescape
from plotly.offline import get_plotlyjs

from paxsilica._version import __version__
from paxsilica.errors import PaxsilicaError
from paxsilica.io.atomic import check_output, write_atomic
from paxsilica.model.country import country_name, is_country
from paxsilica.model.network import StackNetwork
from paxsilica.report.data import ReportContext, ReportData, report_data

__all__ = ["SECTIONS", "ReportContext", "ReportData", "Section", "check_report_path", "figure_html",
           "member_summary", "render_report", "scrollable_tables", "sources_html", "write_report"]

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
# diagrams) keep this width and scroll inside their card on a phone.
WIDE_TRACES = frozenset({"heatmap", "sankey"})
WIDE_MIN_PX = 680


def figure_html(figure: go.Figure, div_id: str, min_width: int | None = None) -> str:
    """A plotly figure as a ``<div>`` (plotly.js is embedded once by the page).

    The figure resizes with its card (no fixed width, no toolbar over the labels);
    ``min_width`` (px, default 680 for heat maps and Sankey diagrams, none otherwise)
    keeps wide figures legible: below it the figure scrolls inside its card.

    Example:
        >>> div = figure_html(go.Figure(go.Heatmap(z=[[1]])), "h")
        >>> 'class="scroll"' in div and "min-width:680px" in div
        True
    """
    figure.update_layout(autosize=True, width=None)
    if min_width is None and any(trace.type in WIDE_TRACES for trace in figure.data):
        min_width = WIDE_MIN_PX
    plot = figure.to_html(full_html=False, include_plotlyjs=False, div_id=div_id,
                          config={"displaylogo": False, "responsive": True,
                                  "displayModeBar": False})
    if not min_width:
        return f'<div class="figure">{plot}</div>'
    return (f'<div class="scroll"><div class="figure figure-wide" style="min-width:{min_width}px">'
            f'{plot}</div></div><p class="scroll-hint">Swipe sideways to see the whole chart.</p>')


_TABLE_OPEN = re.compile(r"<table\b")


def scrollable_tables(body: str) -> str:
    """Wrap every ``<table>`` of a section body in a horizontally scrolling box, so a
    wide table scrolls inside its card instead of widening the page.

    Example:
        >>> scrollable_tables("<p>x</p><table><tr><td>1</td></tr></table>")
        '<p>x</p><div class="scroll"><table><tr><td>1</td></tr></table></div>'
    """
    return _TABLE_OPEN.sub('<div class="scroll"><table', body).replace("</table>", "</table></div>")


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
                  on_section: Callable[[str], None] | None = None,
                  on_step: Callable[[str], None] | None = None) -> Path:
    """Compute the report's tables (:func:`~paxsilica.report.data.report_data`) and write
    the HTML report to ``path``; return it.

    ``on_step(name)`` is called before each computation step, ``on_section(name)`` before
    each section is rendered (progress display).

    Example:
        >>> import tempfile
        >>> from paxsilica.store import open_store
        >>> net = StackNetwork.from_store(open_store(":memory:"))
        >>> out = render_report(net, tempfile.mkdtemp() + "/r.html", as_of="2026-07-01")
        >>> "Pax Silica" in out.read_text(encoding="utf-8")
        True
    """
    path = check_report_path(path)
    data = report_data(net, as_of=as_of, group=group, concern=concern, on_step=on_step)
    return write_report(data, path, on_section=on_section)


def write_report(data: ReportData, path: str | Path, *,
                 on_section: Callable[[str], None] | None = None) -> Path:
    """Render ``data`` into one self-contained HTML file at ``path``; return it."""
    path = check_report_path(path)
    sections = []
    for module_name in SECTIONS:
        if on_section:
            on_section(module_name.rsplit(".", 1)[-1])
        section = import_module(module_name).build(data)
        if section is not None:
            sections.append(replace(section, body=scrollable_tables(section.body)))
    page = _environment().get_template("report.html.j2").render(
        sections=sections, as_of=data.as_of, group_name=data.group_name,
        version=__version__,
        generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        members=[(code, country_name(code)) for code in data.members],
        member_summary=member_summary(data.members),
        plotly_js=get_plotlyjs())
    write_atomic(path, page)
    return path
