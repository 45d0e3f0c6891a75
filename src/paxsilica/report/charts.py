"""Plotly figures of the report; each function takes tables and returns a figure.

Example:
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"item": ["a"], "stage": ["mine"], "concern_share": [0.5],
    ...                       "coalition_share": [0.2]})
    >>> len(concern_bars(frame).data)
    2
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from paxsilica.model.country import is_country

__all__ = ["concentration_heatmap", "concern_bars", "controls_timeline", "coverage_heatmap", "heatmap_rows",
           "short_label"]

FONT = dict(family="Inter, Segoe UI, Helvetica, Arial, sans-serif", size=12, color="#1f2a37")
CONCERN_COLOUR = "#c0392b"
COALITION_COLOUR = "#1f6feb"
# Horizontal legend anchored above the plotting area, so it never covers bars.
LEGEND_ABOVE = dict(orientation="h", yanchor="bottom", y=1.0, x=0, xanchor="left")


LABEL_CHARS = 26
"""Characters of an item's name in a heat map's row label (longer names are cut, whole in
the hover text), so the label column leaves room for the cells on a phone and each label
stays on one line of its row."""


def short_label(text: str, width: int = LABEL_CHARS) -> str:
    """``text`` cut to ``width`` characters at a word boundary, with an ellipsis.

    Example:
        >>> short_label("Large AI-accelerator logic die (good die, e.g. NVIDIA GH100)")
        'Large AI-accelerator…'
        >>> short_label("Refined copper")
        'Refined copper'
    """
    if len(text) <= width:
        return text
    cut = text[:width].rsplit(" ", 1)[0] if " " in text[:width] else text[:width]
    return cut.rstrip(" ,;(") + "…"


def heatmap_rows(shares: pd.DataFrame) -> pd.DataFrame:
    """The rows of :func:`concentration_heatmap`, top to bottom: ``item, stage``, upstream
    stages first (mines at the top), items by id within a stage.

    Example:
        >>> frame = pd.DataFrame({"item": ["dc", "ore"], "stage": ["data_centre", "mine"],
        ...                       "stage_order": [9, 0]})
        >>> heatmap_rows(frame)["item"].tolist()
        ['ore', 'dc']
    """
    return (shares[["item", "stage", "stage_order"]].drop_duplicates()
            .sort_values(["stage_order", "item"]).reset_index(drop=True))


def _layout(figure: go.Figure, height: int, **extra: object) -> go.Figure:
    extra.setdefault("margin", dict(l=10, r=10, t=30, b=10))
    figure.update_layout(font=FONT, height=height, paper_bgcolor="white", plot_bgcolor="white",
                         **extra)
    return figure


def concentration_heatmap(shares: pd.DataFrame, item_labels: dict[str, str],
                          top_countries: int = 14) -> go.Figure:
    """Items (rows, grouped by stage, upstream at the top: :func:`heatmap_rows`) × leading
    countries: share of supply.

    ``shares`` needs ``item, stage, country, share, stage_order`` (latest year per item).
    The first row of the data is drawn at the top (the y axis is reversed), so the order of
    the rows in the figure is the order a reader sees.
    """
    named = shares[shares["country"].map(is_country)]
    leaders = (named.groupby("country")["share"].sum()
               .sort_values(ascending=False).head(top_countries).index.tolist())
    order = heatmap_rows(shares)
    matrix = (shares.pivot_table(index="item", columns="country", values="share", aggfunc="sum")
              .reindex(index=order["item"], columns=leaders))
    names = [item_labels.get(item, item) for item in order["item"]]
    labels = [f"{short_label(name)} · {stage}" for name, stage in zip(names, order["stage"], strict=True)]
    text = matrix.map(lambda v: "" if pd.isna(v) or v < 0.005 else f"{v:.0%}")
    full = [[name] * len(leaders) for name in names]
    figure = go.Figure(go.Heatmap(
        z=matrix.values, x=leaders, y=labels, text=text.values, texttemplate="%{text}",
        customdata=full,
        colorscale=[[0, "#f4f6f8"], [0.3, "#f5b041"], [0.7, "#e67e22"], [1, "#922b21"]],
        zmin=0, zmax=1, hoverongaps=False, colorbar=dict(title="share", tickformat=".0%"),
        hovertemplate="%{customdata}<br>%{x}: %{z:.1%}<extra></extra>"))
    return _layout(figure, height=max(360, 22 * len(labels) + 80),
                   xaxis=dict(side="top"), yaxis=dict(automargin=True, autorange="reversed"))


def concern_bars(summary: pd.DataFrame, item_labels: dict[str, str] | None = None) -> go.Figure:
    """Per item: share from countries of concern vs share covered by the coalition."""
    item_labels = item_labels or {}
    frame = summary.sort_values("concern_share")
    labels = [item_labels.get(item, item) for item in frame["item"]]
    figure = go.Figure([
        go.Bar(y=labels, x=frame["concern_share"], name="Countries of concern",
               orientation="h", marker_color=CONCERN_COLOUR,
               hovertemplate="%{y}: %{x:.1%} from countries of concern<extra></extra>"),
        go.Bar(y=labels, x=frame["coalition_share"], name="Coalition members",
               orientation="h", marker_color=COALITION_COLOUR,
               hovertemplate="%{y}: %{x:.1%} from coalition members<extra></extra>"),
    ])
    return _layout(figure, height=max(360, 24 * len(labels) + 80), barmode="group",
                   xaxis=dict(tickformat=".0%", range=[0, 1], gridcolor="#e5e7eb"),
                   yaxis=dict(automargin=True), legend=LEGEND_ABOVE, margin=dict(l=10, r=10, t=40, b=10))


def coverage_heatmap(timeline: pd.DataFrame, item_labels: dict[str, str]) -> go.Figure:
    """Coalition coverage of each item (rows) on each membership date (columns).

    The column labels (date and member count) stand upright (rotated 90°), so each column
    needs only the width of its cell text and the labels never overlap, however many dates.
    """
    frame = timeline.assign(when=timeline["date"].astype(str) + " · " +
                            timeline["members"].astype(str) + " members")
    matrix = frame.pivot_table(index="item", columns="when", values="coalition_share",
                               aggfunc="first")
    matrix = matrix.loc[matrix.iloc[:, -1].sort_values().index]
    names = [item_labels.get(item, item) for item in matrix.index]
    text = matrix.map(lambda v: "" if pd.isna(v) else f"{v:.0%}")
    figure = go.Figure(go.Heatmap(
        z=matrix.values, x=list(matrix.columns), y=[short_label(name, 34) for name in names],
        text=text.values, texttemplate="%{text}", zmin=0, zmax=1,
        customdata=[[name] * matrix.shape[1] for name in names],
        colorscale=[[0, "#f4f6f8"], [0.5, "#8ab4f8"], [1, "#0b3d91"]],
        colorbar=dict(title="coverage", tickformat=".0%"),
        hovertemplate="%{customdata}<br>%{x}: %{z:.1%} covered<extra></extra>"))
    return _layout(figure, height=max(300, 22 * len(matrix) + 190),
                   xaxis=dict(side="top", tickangle=-90, tickfont=dict(size=10)),
                   yaxis=dict(automargin=True))


def controls_timeline(controls: pd.DataFrame, today: object) -> go.Figure:
    """Export-control measures as bars: in force, suspended, and after a suspension ended
    (status not verified in the data), up to ``today``. Bars are labelled by a ``label``
    column when the table has one (else by ``measure_id``)."""
    frame = controls[controls["kind"] != "suspension"].copy()
    label_column = "label" if "label" in frame else "measure_id"
    today = pd.Timestamp(today)
    start = pd.to_datetime(frame["effective"])
    paused = pd.to_datetime(frame["suspended_from"])
    resumed = pd.to_datetime(frame["suspended_until"])
    segments = [
        ("in force", CONCERN_COLOUR, start, paused.fillna(today).clip(upper=today)),
        ("suspended", "#95a5a6", paused, resumed.fillna(today).clip(upper=today)),
        ("suspension ended (status not verified)", "#f1948a", resumed,
         pd.Series(today, index=frame.index)),
    ]
    figure = go.Figure()
    for name, colour, begin, end in segments:
        keep = begin.notna() & (end > begin) & (begin <= today)
        if not keep.any():
            continue
        part = frame[keep]
        figure.add_trace(go.Bar(
            base=begin[keep], x=(end[keep] - begin[keep]).dt.days * 86_400_000,
            y=part[label_column], orientation="h", name=name, marker_color=colour,
            customdata=part[["measure_id", "items", "targets_text"]].values,
            hovertemplate=("%{customdata[0]}<br>%{customdata[1]}<br>targets: %{customdata[2]}"
                           "<extra></extra>")))
    return _layout(figure, height=max(300, 26 * len(frame) + 80), barmode="overlay",
                   xaxis=dict(type="date", gridcolor="#e5e7eb"),
                   yaxis=dict(automargin=True, autorange="reversed"),
                   legend=LEGEND_ABOVE, margin=dict(l=10, r=10, t=40, b=10))
