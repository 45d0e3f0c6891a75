"""Assemble the report: build each section from the network, render one HTML file.

Sections are modules listed in :data:`SECTIONS`; each has ``build(context) ->
Section | None`` (``None`` when it has nothing to show). The file is written to
a temporary name and renamed, so a failed run never leaves half a report.
"""

from __future__ import annotations

import html
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cached_property
from importlib import import_module
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
from jinja2 import Environment, PackageLoader, select_autoescape
from plotly.offline import get_plotlyjs

from paxsilica import __version__
from paxsilica.analytics.exposure import exposure
from paxsilica.errors import PaxsilicaError
from paxsilica.model.country import country_name
from paxsilica.model.network import StackNetwork, as_date

__all__ = ["SECTIONS", "ReportContext", "Section", "figure_html", "render_report", "sources_html"]

# Order of the report. Add a module path to add a section.
SECTIONS = [
    "paxsilica.report.sections.overview",
    "paxsilica.report.sections.concentration",
    "paxsilica.report.sections.coverage",
    "paxsilica.report.sections.controls",
    "paxsilica.report.sections.recipes",
    "paxsilica.report.sections.multitier",
    "paxsilica.report.sections.sources",
]


@dataclass(frozen=True)
class Section:
    """One titled part of the report; ``body`` is trusted HTML built by the section."""

    section_id: str
    title: str
    lead: str
    body: str


@dataclass(frozen=True, eq=False)
class ReportContext:
    """What sections read: the network, the date and groups, and shared tables."""

    net: StackNetwork
    as_of: date
    group: str = "pax_silica"
    concern: str = "countries_of_concern"
    notes: list[str] = field(default_factory=list)
    trade: pd.DataFrame | None = None
    """Stored trade flows (:func:`paxsilica.store.trade.trade_flows`); None: global pool."""

    @cached_property
    def latest(self) -> pd.DataFrame:
        """Long exposure table, latest non-projection year per item and stage."""
        table = exposure(self.net, group=self.group, concern=self.concern, as_of=self.as_of,
                         latest=True)
        return table.assign(stage_order=table["stage"].map(self.net.stage_order))

    @cached_property
    def summary(self) -> pd.DataFrame:
        """One row per item and stage (latest year)."""
        keys = ["item", "stage", "year"]
        table = self.latest
        first = table.groupby(keys).first().reset_index()
        first["sources"] = table.groupby(keys)["sources"].agg(
            lambda lists: sorted({s for x in lists for s in x})).values
        first["source_urls"] = table.groupby(keys)["source_urls"].agg(
            lambda lists: sorted({s for x in lists for s in x})).values
        return first.sort_values(["stage_order", "item"]).reset_index(drop=True)

    @cached_property
    def source_links(self) -> dict[str, str]:
        """Source title -> URL, from the supply rows."""
        rows = self.net.supplies.dropna(subset=["source_url"])
        return dict(zip(rows["source"], rows["source_url"], strict=True))

    @cached_property
    def item_labels(self) -> dict[str, str]:
        return dict(zip(self.net.items["item_id"], self.net.items["name"], strict=True))

    @cached_property
    def members(self) -> list[str]:
        return sorted(self.net.members(self.group, self.as_of))


def figure_html(figure: go.Figure, div_id: str) -> str:
    """A plotly figure as a ``<div>`` (plotly.js is embedded once by the page)."""
    return figure.to_html(full_html=False, include_plotlyjs=False, div_id=div_id,
                          config={"displaylogo": False, "responsive": True})


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
    """``path`` as a ``Path``; raises :class:`PaxsilicaError` when it is a directory."""
    path = Path(path)
    if path.is_dir():
        raise PaxsilicaError(f"cannot write the report to {path}: it is a directory "
                             f"(give a file name, e.g. {path / 'paxsilica-report.html'})")
    return path


def render_report(net: StackNetwork, path: str | Path, *, as_of: date | str | None = None,
                  group: str = "pax_silica", concern: str = "countries_of_concern",
                  on_section: Callable[[str], None] | None = None,
                  trade: pd.DataFrame | None = None) -> Path:
    """Write the HTML report to ``path`` and return it.

    ``on_section(name)`` is called before each section is built (progress display).
    ``trade``: stored trade flows for the multi-tier section (default: global pool).

    Example:
        >>> import tempfile
        >>> from paxsilica.store import open_store
        >>> net = StackNetwork.from_store(open_store(":memory:"))
        >>> out = render_report(net, tempfile.mkdtemp() + "/r.html", as_of="2026-07-01")
        >>> "Pax Silica" in out.read_text(encoding="utf-8")
        True
    """
    path = check_report_path(path)
    context = ReportContext(net, as_of_date := as_date(as_of), group, concern, trade=trade)
    sections = []
    for module_name in SECTIONS:
        if on_section:
            on_section(module_name.rsplit(".", 1)[-1])
        section = import_module(module_name).build(context)
        if section is not None:
            sections.append(section)
    page = _environment().get_template("report.html.j2").render(
        sections=sections, as_of=as_of_date, group_name=net.group(group)["name"],
        version=__version__,
        generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        members=[(code, country_name(code)) for code in context.members],
        plotly_js=get_plotlyjs())
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".report-", suffix=".html")
    except OSError as exc:
        raise PaxsilicaError(f"cannot write the report to {path}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(page)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # mkstemp creates 0600; a report is for sharing
        os.replace(temporary, path)
    except BaseException as exc:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise PaxsilicaError(f"cannot write the report to {path}: "
                                 f"{exc.strerror or exc}") from None
        raise
    return path
