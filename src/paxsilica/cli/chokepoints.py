"""``paxsilica chokepoints``: the nodes and links whose loss cuts most of an end item's supply."""

from __future__ import annotations

from typing import Annotated

import typer

from paxsilica.cli.common import DbOption, OutputFormat, WideOption, emit, network_for, print_notes
from paxsilica.cli.progress import progress_bar

__all__ = ["register"]

TABLE = ["end_item", "rank", "kind", "node", "supplier", "country", "output_lost", "betweenness"]
"""Columns of the terminal table (JSON and CSV have every column)."""


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
    from paxsilica.requests.chokepoints import ChokepointsRequest, answer_chokepoints

    request = ChokepointsRequest.parse(item=item or None, top=top, mode=mode, as_of=as_of,
                                       nodes_only=nodes_only)
    net = network_for(ctx, db)
    with progress_bar() as bar:
        task = bar.add_task("ranking chokepoints", total=None)

        def told(done: int, total: int | None, what: str) -> None:
            bar.update(task, completed=done, total=total, description=what)

        table = answer_chokepoints(net, request, progress=told)
    if fmt is OutputFormat.table:
        emit(table[TABLE], fmt, title=table.attrs["title"], wide=wide)
    else:
        emit(table, fmt)
    print_notes(table)


def register(app: typer.Typer) -> None:
    """Add the ``chokepoints`` command."""
    app.command("chokepoints")(chokepoints_command)
