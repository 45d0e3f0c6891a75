"""``paxsilica chokepoints``: the nodes and links whose loss cuts most of an end item's supply."""

from __future__ import annotations

from typing import Annotated

import typer

from paxsilica.analytics.chokepoints import chokepoints
from paxsilica.analytics.multitier import MODES
from paxsilica.analytics.network import sourcing_network
from paxsilica.cli.common import (
    DbOption,
    OutputFormat,
    WideOption,
    emit,
    err_console,
    say_item_choice,
    store_for,
)
from paxsilica.cli.progress import progress_bar
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
    wide: WideOption = False,
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
    wanted = ([found for name in item for found in say_item_choice(net, name)] if item
              else end_items(net))
    with progress_bar() as bar:
        task = bar.add_task(f"building the sourcing network ({len(net.trade_flows):,} trade rows)",
                            total=None)
        snet = sourcing_network(net, as_of=day)  # the network's stored trade flows
        bar.update(task, description="ranking chokepoints")

        def told(done: int, total: int, end_item: str) -> None:
            bar.update(task, completed=done, total=total,
                       description=f"upstream nodes extracted (now {end_item})")

        table = chokepoints(net, end_item=wanted, top=top, as_of=day, mode=mode,
                            links=not nodes_only, snet=snet, progress=told)
    if fmt is OutputFormat.table:
        view = table[["end_item", "rank", "kind", "node", "supplier", "country", "output_lost",
                      "betweenness"]]
        emit(view, fmt, title=f"Chokepoints ({mode} mode, as of {day}; sourcing: {snet.basis})",
             wide=wide)
    else:
        emit(table, fmt)
    for missing in [name for name in wanted if name not in set(table["end_item"])]:
        err_console.print(f"note: {missing}: no located producer upstream loses any of its "
                          "supply or lies on a path to it", highlight=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    """Add the ``chokepoints`` command."""
    app.command("chokepoints")(chokepoints_command)
