"""One way to write an HTML table in the report: escaped headers with ``scope="col"``, an
optional caption, cells given as HTML (the caller escapes text and builds links), and a
cell class where a cell needs one (e.g. the confidence badge). The page assembly
(:func:`paxsilica.report.html.scrollable_tables`) then wraps each table in its scrolling box.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence

__all__ = ["Cell", "confidence_cell", "html_table"]

Cell = str | tuple[str, str]
"""A cell: its HTML, or ``(HTML, class)``."""


def confidence_cell(level: object) -> Cell:
    """A row's confidence (``high``, ``medium``, ``low``) as its styled badge cell.

    >>> confidence_cell("high")
    ('high', 'conf high')
    """
    word = html.escape(str(level))
    return word, f"conf {word}"


def _cell(cell: Cell) -> str:
    if isinstance(cell, tuple):
        content, css = cell
        return f"<td class='{html.escape(css, quote=True)}'>{content}</td>"
    return f"<td>{cell}</td>"


def html_table(headers: Sequence[str], rows: Iterable[Sequence[Cell]], caption: str | None = None) -> str:
    """A ``<table>``: ``headers`` are plain text (escaped here), cells are HTML.

    Example:
        >>> table = html_table(["Item", "Conf."], [["gallium", ("high", "conf high")]], caption="A & B")
        >>> table.split("<tbody>")[0]
        "<table><caption>A &amp; B</caption><thead><tr><th scope='col'>Item</th><th scope='col'>Conf.</th></tr></thead>"
        >>> table.split("<tbody>")[1]
        "<tr><td>gallium</td><td class='conf high'>high</td></tr></tbody></table>"
    """
    head = "".join(f"<th scope='col'>{html.escape(header)}</th>" for header in headers)
    body = "".join("<tr>" + "".join(_cell(cell) for cell in row) + "</tr>" for row in rows)
    title = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return f"<table>{title}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
