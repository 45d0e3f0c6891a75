"""``paxsilica telecom …``: telecom vendors by market country, satellite constellations,
ground stations, and a SATCAT refresh of the constellations' counts (issue 21)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from paxsilica.cli.common import (
    DbOption,
    OutputFormat,
    WideOption,
    console,
    emit,
    err_console,
    network_for,
    print_notes,
    store_for,
)
from paxsilica.requests.choices import Measure

if TYPE_CHECKING:  # the library loads in the commands: --help stays light
    import pandas as pd

__all__ = ["register"]

telecom_app = typer.Typer(help="Telecom vendors, satellite constellations and ground stations.",
                          no_args_is_help=True)

GroupOption = Annotated[str, typer.Option(help="Group whose coverage to report")]
ConcernOption = Annotated[str, typer.Option(help="Group of countries of concern")]
AsOfOption = Annotated[str | None, typer.Option("--as-of", help="Date YYYY-MM-DD (default today)")]
FormatOption = Annotated[OutputFormat, typer.Option("--format", help="table, json or csv")]


def _shown(frame: pd.DataFrame) -> pd.DataFrame:
    """Whole-number columns with gaps (pandas ``Int64``) as text, blank where missing, for
    the table view (JSON keeps them as numbers and nulls)."""
    frame = frame.copy()
    for column in frame.columns:
        if str(frame[column].dtype) == "Int64":
            frame[column] = frame[column].astype("string").fillna("")
    return frame


@telecom_app.command("vendors")
def vendors_command(
    ctx: typer.Context,
    item: Annotated[str, typer.Option(help="Equipment item id or alias")] = "ran_equipment",
    market: Annotated[str | None, typer.Option(
        help="Market country (ISO3 or name), WLD or a region code such as WLD_EX_CHN")] = None,
    measure: Annotated[str | None, typer.Option(
        help=f"What shares count: {', '.join(m.value for m in Measure)}")] = None,
    year: Annotated[int | None, typer.Option(help="Only this data year")] = None,
    summary: Annotated[bool, typer.Option("--summary", help="One row per market")] = False,
    group: GroupOption = "pax_silica",
    concern: ConcernOption = "countries_of_concern",
    as_of: AsOfOption = None,
    fmt: FormatOption = OutputFormat.table,
    wide: WideOption = False,
    db: DbOption = None,
) -> None:
    """Vendors' shares of each market's equipment (RAN by default) and the share from
    vendors domiciled in countries of concern (Huawei, ZTE: China).

    Each market uses its latest observed year on or before --as-of unless --year is given.
    A row naming several vendors together counts as of concern only if all of them are.
    """
    from paxsilica.requests.telecom import VendorsRequest, answer_vendors

    request = VendorsRequest.parse(item=item, market=market, measure=measure, year=year,
                                   summary=summary, group=group, concern=concern, as_of=as_of)
    table = answer_vendors(network_for(ctx, db), request)
    shown = table
    if fmt is OutputFormat.table and not request.summary:
        shown = table[["market", "vendors", "share", "year", "measure", "vendor_countries",
                       "of_concern", "concern_share", "unattributed_share", "confidence"]]
    emit(shown, fmt, title=table.attrs["title"], wide=wide)
    print_notes(table)


@telecom_app.command("satellites")
def satellites_command(
    ctx: typer.Context,
    orbit: Annotated[str | None, typer.Option(help="LEO, MEO, GEO or HEO")] = None,
    group: GroupOption = "pax_silica",
    concern: ConcernOption = "countries_of_concern",
    as_of: AsOfOption = None,
    fmt: FormatOption = OutputFormat.table,
    wide: WideOption = False,
    db: DbOption = None,
) -> None:
    """Satellite constellations by operator and operator country, with the share of the
    satellites counted that belong to operators in countries of concern.

    Counts are compared only on the same basis (in orbit, launched); a count dated after
    --as-of is left out. Refresh counts from a SATCAT copy with 'telecom import-satcat'.
    """
    from paxsilica.requests.telecom import SatellitesRequest, answer_satellites

    request = SatellitesRequest.parse(orbit=orbit, group=group, concern=concern, as_of=as_of)
    table = answer_satellites(network_for(ctx, db), request)
    shown = table
    if fmt is OutputFormat.table:
        shown = _shown(table[["constellation_id", "operator", "operator_country", "of_concern",
                              "in_group", "orbit", "satellites", "count_basis", "year",
                              "planned", "share_of_counted", "concern_share_of_counted",
                              "confidence"]])
    emit(shown, fmt, title=table.attrs["title"], wide=wide)
    print_notes(table)


@telecom_app.command("ground-stations")
def ground_stations_command(
    ctx: typer.Context,
    country: Annotated[str | None, typer.Option(help="Host country (ISO3 or name)")] = None,
    group: GroupOption = "pax_silica",
    concern: ConcernOption = "countries_of_concern",
    as_of: AsOfOption = None,
    fmt: FormatOption = OutputFormat.table,
    wide: WideOption = False,
    db: DbOption = None,
) -> None:
    """Ground stations (in --country, or all) with their operator's country, whether the
    operator is of concern and whether the station is open on --as-of."""
    from paxsilica.requests.telecom import GroundStationsRequest, answer_ground_stations

    request = GroundStationsRequest.parse(country=country, group=group, concern=concern,
                                          as_of=as_of)
    table = answer_ground_stations(network_for(ctx, db), request)
    shown = table
    if fmt is OutputFormat.table:
        shown = table[["station_id", "country", "operator", "operator_country", "of_concern",
                       "role", "status", "open", "confidence"]]
    emit(shown, fmt, title=table.attrs["title"], wide=wide)
    print_notes(table)


@telecom_app.command("import-satcat")
def import_satcat_command(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="CelesTrak SATCAT CSV (satcat.csv)")],
    as_of: AsOfOption = None,
    db: DbOption = None,
) -> None:
    """Count each stored constellation's satellites in orbit on --as-of in a SATCAT copy
    and store the counts (all or nothing). A constellation that no payload matches keeps
    its stored count, with a warning."""
    from paxsilica.requests.base import parse_day
    from paxsilica.store.satcat import import_satcat

    result = import_satcat(store_for(ctx, db), file, as_of=parse_day(as_of, "as_of"))
    for row in result.counts.itertuples(index=False):
        if row.updated:
            console.print(f"{row.constellation_id}: {row.satellites:,} satellites in orbit "
                          f"({', '.join(row.patterns)}*)", markup=False)
    for warning in result.warnings:
        err_console.print(f"warning: {warning}", markup=False, soft_wrap=True)
    console.print(f"read {result.objects:,} catalogue objects from {file}", markup=False)


def register(app: typer.Typer) -> None:
    """Add the ``telecom`` command group."""
    app.add_typer(telecom_app, name="telecom")
