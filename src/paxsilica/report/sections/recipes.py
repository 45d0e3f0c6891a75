"""The recipe tree: what goes into what, from ores to the AI data centre, with sources."""

from __future__ import annotations

import html

from paxsilica.report.format import plain_number
from paxsilica.report.html import ReportData, Section


def build(data: ReportData) -> Section | None:
    frame = data.recipes  # downstream first
    if frame.empty:
        return None
    label = data.item_labels
    rows = "".join(
        f"<tr><td>{html.escape(label.get(r.output_item, r.output_item))}</td>"
        f"<td>{html.escape(label.get(r.input_item, r.input_item))}</td>"
        f"<td class='num'>{plain_number(r.quantity)}</td><td>{html.escape(r.unit)}</td>"
        f"<td>{'essential' if r.essential else 'substitutable'}</td>"
        f"<td>{html.escape(r.basis)}</td><td class='conf {r.confidence}'>{r.confidence}</td>"
        f"<td class='src'>{_source(r.source, r.source_url)}</td></tr>"
        for r in frame.itertuples())
    estimates = int((frame["basis"] == "estimate").sum())
    body = ("<table><thead><tr><th>Output</th><th>Input</th><th>Quantity</th><th>Unit</th>"
            "<th>Input is</th><th>Basis</th><th>Conf.</th><th>Source</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>")
    return Section(
        "recipes", "Recipe tree: from ore to AI data centre",
        f"{len(frame)} recipe lines, downstream first. Stoichiometric and geometric coefficients "
        f"are derived (basis 'derived'); {estimates} coefficients are estimates with a stated "
        "range in the data notes and should not be quoted as facts.",
        body)


def _source(title: str, url: object) -> str:
    text = html.escape(title)
    return f'<a href="{html.escape(url)}">{text}</a>' if isinstance(url, str) and url else text
