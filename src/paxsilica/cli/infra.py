"""``paxsilica infra …``: digital infrastructure (submarine cables) in the stack.

* ``infra import-cables DIR`` imports a cable map folder (TeleGeography's layout), all or
  nothing, with a progress bar; a bad file is named in a one-line error (exit 2).
* ``infra connectivity --country ISO3 --year YYYY [--close ID]… [--cut ID]…`` prints the
  country's international cables before and after, whether it is isolated, its landing
  sites and the smallest set of sites whose closure isolates it.
* ``infra cables`` lists the stored cables.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from paxsilica.cli.common import DbOption, OutputFormat, console, emit, err_console, network_for, store_for

__all__ = ["register"]

infra_app = typer.Typer(help="Digital infrastructure: submarine cables, landing points, "
                             "connectivity.", no_args_is_help=True)


@infra_app.command("import-cables")
def import_cables_command(
    ctx: typer.Context,
    directory: Annotated[Path, typer.Argument(
        help="Folder with cable/<id>.json and landing-point/landing-point-geo.json "
             "(TeleGeography's layout, e.g. a copy of open_undersea_cable_map)")],
    db: DbOption = None,
) -> None:
    """Import a submarine cable map folder: every cable, landing point and landing, in one
    transaction (a bad file imports nothing and is named in the error). The release is
    authoritative for the cables it lists: their stored landings are replaced."""
    # loaded here, not at the top: --help stays light (tests/cli/test_light.py)
    from paxsilica.cli.progress import progress_bar
    from paxsilica.store.cables import import_cable_release

    store = store_for(ctx, db)
    with progress_bar() as bar:
        task = bar.add_task("reading cable files", total=None)

        def told(done: int, total: int, name: str) -> None:
            bar.update(task, completed=done, total=total, description=f"reading {name}")

        report = import_cable_release(store, directory, progress=told)
    console.print(f"imported {report.cables} cable(s), {report.landing_points} landing point(s) "
                  f"and {report.cable_landings} landing(s) from {directory}", markup=False)
    if report.unlocated:
        err_console.print(f"note: {report.unlocated} landing point(s) have no coordinates "
                          "(absent from landing-point-geo.json)", markup=False)
    if report.unused:
        err_console.print(f"note: {report.unused} point(s) of landing-point-geo.json have no "
                          "cable and were not imported (their country is unknown)", markup=False)


@infra_app.command("connectivity")
def connectivity_command(
    ctx: typer.Context,
    country: Annotated[str, typer.Option("--country", help="ISO3 code or English name")],
    year: Annotated[int, typer.Option("--year", help="Year YYYY: cables in service then")],
    close: Annotated[list[str] | None, typer.Option(
        "--close", help="Landing point id to close (repeatable)")] = None,
    cut: Annotated[list[str] | None, typer.Option("--cut", help="Cable id to cut (repeatable)")] = None,
    concern: Annotated[str, typer.Option(help="Group of countries of concern")] = "countries_of_concern",
    fmt: Annotated[OutputFormat, typer.Option("--format", help="table or json")] = OutputFormat.table,
    db: DbOption = None,
) -> None:
    """A country's international cables in a year (not planned, ready for service by then,
    landing in the country and abroad), before and after closing landing points and
    cutting cables; isolated when none is left.

    JSON: {"country", "year", "cables", "cables_after", "isolated", "isolated_before",
    "lost_share", "landing_sites", "landing_sites_after", "isolating_sites",
    "isolating_sites_after", "cable_table", "corridors", "closed", "cut"}."""
    from paxsilica.io.records import jsonable
    from paxsilica.requests.connectivity import ConnectivityRequest, answer_connectivity

    request = ConnectivityRequest.parse(country=country, year=year, close=close, cut=cut, concern=concern)
    answer = answer_connectivity(network_for(ctx, db), request)
    if fmt is OutputFormat.json:
        typer.echo(json.dumps(answer.to_dict(), indent=2, ensure_ascii=False, default=jsonable))
        return
    if fmt is OutputFormat.csv:
        emit(answer.table, fmt)
        return
    state = "ISOLATED" if answer.isolated_after else "connected"
    console.print(f"{answer.country} in {answer.year}: {len(answer.cables)} international cable(s) "
                  f"at {len(answer.sites)} landing site(s); after closures and cuts "
                  f"{len(answer.cables_after)} ({state}).", markup=False)
    console.print("Smallest set of sites whose closure isolates it: "
                  + (", ".join(answer.isolating_sites) or "none (already isolated)"), markup=False)
    emit(answer.table[["cable_id", "rfs_year", "connects_after", "sites", "owners_of_concern",
                       "suppliers_of_concern"]], fmt, title=f"Cables of {answer.country}")


@infra_app.command("cables")
def cables_command(ctx: typer.Context, db: DbOption = None,
                   fmt: Annotated[OutputFormat, typer.Option("--format")] = OutputFormat.table,
                   limit: Annotated[int, typer.Option(help="At most this many rows")] = 1000) -> None:
    """The stored cables (bundled or imported) with their sources."""
    from paxsilica.cli.output import provenance_last

    frame = store_for(ctx, db, read_only=True).table("cables").drop(columns="import_id")
    emit(provenance_last(frame.head(limit)), fmt, title="cables")


def register(app: typer.Typer) -> None:
    """Add the ``infra`` command group."""
    app.add_typer(infra_app, name="infra")
