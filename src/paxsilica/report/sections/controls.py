"""Export-control measures and their suspensions."""

from __future__ import annotations

import html

from paxsilica.model.country import country_name
from paxsilica.report.charts import controls_timeline
from paxsilica.report.html import ReportData, Section, figure_html


def build(data: ReportData) -> Section | None:
    controls = data.export_controls
    if controls.empty:
        return None
    controls = controls.assign(targets_text=controls["targets"].map(", ".join))
    controls = controls.assign(label=[
        measure_label(r.issuer, r.item_ids, r.items, r.effective, r.measure_id, data.item_labels,
                      max_items=2)
        for r in controls.itertuples()])
    figure = controls_timeline(controls, data.as_of)
    rows = "".join(
        f"<tr><td>{html.escape(r.measure_id)}</td><td>{r.effective}</td>"
        f"<td>{html.escape(r.kind.replace('_', ' '))}</td><td>{html.escape(r.targets_text)}</td>"
        f"<td>{html.escape(r.items)}</td>"
        f"<td>{'' if r.suspended_from is None else f'{r.suspended_from} → {r.suspended_until}'}</td>"
        f"<td>{_source(r.source, r.source_url)}</td>"
        f"<td class='conf {r.confidence}'>{r.confidence}</td></tr>"
        for r in controls.sort_values("effective").itertuples())
    table = ("<details><summary>All measures with sources</summary><table><thead><tr>"
             "<th>Measure</th><th>Effective</th><th>Kind</th><th>Targets</th><th>Items</th>"
             "<th>Suspended</th><th>Source</th><th>Conf.</th></tr></thead>"
             f"<tbody>{rows}</tbody></table></details>")
    return Section(
        "controls", "Export controls (economic coercion)",
        "Measures restricting exports of stack inputs, from their effective date to today or to "
        "their suspension. Status after a suspension ends is not verified in the bundled data.",
        figure_html(figure, "controls-timeline", min_width=720) + table)


def measure_label(issuer: str, item_ids: list[str] | None, items: str, effective: object,
                  measure_id: str, item_labels: dict[str, str], max_items: int = 3) -> str:
    """A readable bar label: issuer, what it covers, when it took effect.

    Example:
        >>> measure_label("CHN", ["gallium", "germanium"], "", "2023-08-01", "CN-23",
        ...               {"gallium": "Gallium", "germanium": "Germanium"})
        'China: Gallium, Germanium (2023-08)'
    """
    names = [item_labels.get(i, i) for i in (item_ids or [])]
    what = ", ".join(names[:max_items]) + (f" +{len(names) - max_items}" if len(names) > max_items else "")
    if not what:
        what = items if len(items) <= 38 else items[:36].rstrip() + "…"
    when = str(effective)[:7] if effective is not None else measure_id
    return f"{country_name(issuer)}: {what} ({when})"


def _source(title: str, url: str | None) -> str:
    text = html.escape(title)
    return f'<a href="{html.escape(url)}">{text}</a>' if url else text
