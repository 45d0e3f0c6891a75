"""``paxsilica chokepoints``: the nodes and links whose loss cuts most of an end item's supply."""

from __future__ import annotations

from typing import Annotated

import typer

from paxsilica.analytics.chokepoints import chokepoints
from paxsilica.analytics.multitier import MODES
from paxsilica.analytics.network import sourcing_basis
from paxsilica.cli.common import DbOption, OutputFormat, emit, err_console, store_for
from paxsilica.errors import PaxsilicaError
from paxsilica.model.network import StackNetwork, as_date, end_items

__all__ = ["register"]


def chokepoints_command(
    ctx: typer.Context,
    item: Annotated[list[str] | None, typer.Option(
        "--item", help="End item id or alias (repeatable); default: the tops of the recipe tree")] = None,
    top: Annotated[int, typer.Option(help="Rows per end item (at least 1)")] = 10,
    mode: Annotated[str, typer.Option(help="essential (Leontief: max over essential inputs) or "
                                           "weighted (linear, all inputs)")] = "essential",
    as_of: Annotated[str | None, typer.Option("--as-of", help="Data date YYYY-MM-DD (default today)")] = None,
    nodes_only: Annotated[bool, typer.Option("--nodes-only", help="Leave out supply links")] = False,
    fmt: Annotated[OutputFormat, typer.Option("--format", help="table, json or csv")] = OutputFormat.table,
    db: DbOption = None,
) -> None:
    """Rank producers and supply links by the share of each end item's world supply lost
    if they stopped (hypothetical extraction), with betweenness on the sourcing graph.

    A link that is its supplier's only outlet repeats the supplier's row and is left out;
    links are listed where a supplier sells to several buyers (e.g. with trade data)."""
    if mode not in MODES:
        raise PaxsilicaError(f"unknown mode {mode!r} (use {' or '.join(MODES)})")
    if top < 1:
        raise PaxsilicaError(f"--top must be at least 1, not {top}")
    net = StackNetwork.from_store(store_for(ctx, db, read_only=True))
    day = as_date(as_of)
    wanted = end_items(net, item or None)
    table = chokepoints(net, end_item=wanted, top=top, as_of=day, mode=mode, links=not nodes_only)
    if fmt is OutputFormat.table:
        view = table[["end_item", "rank", "kind", "node", "supplier", "country", "output_lost",
                      "betweenness"]]
        basis = sourcing_basis(net.trade_flows, day)
        emit(view, fmt, title=f"Chokepoints ({mode} mode, as of {day}; sourcing: {basis})")
    else:
        emit(table, fmt)
    for missing in [name for name in wanted if name not in set(table["end_item"])]:
        err_console.print(f"note: {missing}: no located producer upstream loses any of its "
                          "supply or lies on a path to it", highlight=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    """Add the ``chokepoints`` command."""
    app.command("chokepoints")(chokepoints_command)
