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

__all__ = ["concentration_heatmap", "concern_bars", "controls_timeline", "coverage_heatmap"]

FONT = dict(family="Inter, Segoe UI, Helvetica, Arial, sans-serif", size=12, color="#1f2a37")
CONCERN_COLOUR = "#c0392b"
COALITION_COLOUR = "#1f6feb"
# Horizontal legend anchored above the plotting area, so it never covers bars.
LEGEND_ABOVE = dict(orientation="h", yanchor="bottom", y=1.0, x=0, xanchor="left")


def _layout(figure: go.Figure, height: int, **extra: object) -> go.Figure:
    extra.setdefault("margin", dict(l=10, r=10, t=30, b=10))
    figure.update_layout(font=FONT, height=height, paper_bgcolor="white", plot_bgcolor="white",
                         **extra)
    return figure


def concentration_heatmap(shares: pd.DataFrame, item_labels: dict[str, str],
                          top_countries: int = 14) -> go.Figure:
    """Items (rows, grouped by stage, upstream first) × leading countries: share of supply.

    ``shares`` needs ``item, stage, country, share, stage_order`` (latest year per item).
    """
    named = shares[shares["country"].map(is_country)]
    leaders = (named.groupby("country")["share"].sum()
               .sort_values(ascending=False).head(top_countries).index.tolist())
    order = (shares[["item", "stage", "stage_order"]].drop_duplicates()
             .sort_values(["stage_order", "item"], ascending=[False, False]))
    matrix = (shares.pivot_table(index="item", columns="country", values="share", aggfunc="sum")
              .reindex(index=order["item"], columns=leaders))
    labels = [f"{item_labels.get(item, item)} · {stage}"
              for item, stage in zip(order["item"], order["stage"], strict=True)]
    text = matrix.map(lambda v: "" if pd.isna(v) or v < 0.005 else f"{v:.0%}")
    figure = go.Figure(go.Heatmap(
        z=matrix.values, x=leaders, y=labels, text=text.values, texttemplate="%{text}",
        colorscale=[[0, "#f4f6f8"], [0.3, "#f5b041"], [0.7, "#e67e22"], [1, "#922b21"]],
        zmin=0, zmax=1, hoverongaps=False, colorbar=dict(title="share", tickformat=".0%"),
        hovertemplate="%{y}<br>%{x}: %{z:.1%}<extra></extra>"))
    return _layout(figure, height=max(360, 22 * len(labels) + 80),
                   xaxis=dict(side="top"), yaxis=dict(automargin=True))


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
    """Coalition coverage of each item (rows) on each membership date (columns)."""
    frame = timeline.assign(label=timeline["item"].map(lambda i: item_labels.get(i, i)),
                            when=timeline["date"].astype(str) + "<br>" +
                            timeline["members"].astype(str) + " members")
    matrix = frame.pivot_table(index="label", columns="when", values="coalition_share",
                               aggfunc="first")
    matrix = matrix.loc[matrix.iloc[:, -1].sort_values().index]
    text = matrix.map(lambda v: "" if pd.isna(v) else f"{v:.0%}")
    figure = go.Figure(go.Heatmap(
        z=matrix.values, x=list(matrix.columns), y=list(matrix.index), text=text.values,
        texttemplate="%{text}", zmin=0, zmax=1,
        colorscale=[[0, "#f4f6f8"], [0.5, "#8ab4f8"], [1, "#0b3d91"]],
        colorbar=dict(title="coverage", tickformat=".0%"),
        hovertemplate="%{y}<br>%{x}: %{z:.1%} covered<extra></extra>"))
    return _layout(figure, height=max(300, 24 * len(matrix) + 110),
                   xaxis=dict(side="top", tickangle=0, tickfont=dict(size=10)),
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
