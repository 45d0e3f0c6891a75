"""Satellite exposure: constellations and ground stations by operator and country, and
which of them belong to countries of concern, as of a date.

A constellation's country is its operator's domicile (companies table); a ground
station's concern flag is its operator's too, wherever the station stands. For a member
country the questions are: which constellations it could rely on belong to countries of
concern (:func:`constellation_exposure`), and which stations on its soil do
(:func:`ground_station_exposure`).

Example:
    >>> from paxsilica.store import open_store
    >>> from paxsilica.model.network import StackNetwork
    >>> net = StackNetwork.from_store(open_store(":memory:"))
    >>> table = constellation_exposure(net, orbit="LEO").set_index("constellation_id")
    >>> table.loc["qianfan", "operator_country"], bool(table.loc["qianfan", "of_concern"])
    ('CHN', True)
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from paxsilica.errors import NotFoundError
from paxsilica.model.country import resolve_country
from paxsilica.model.network import StackNetwork, as_date

__all__ = ["constellation_exposure", "ground_station_exposure"]

DEFAULT_GROUP = "pax_silica"
DEFAULT_CONCERN = "countries_of_concern"


def _operators(net: StackNetwork, table: pd.DataFrame, group: str, concern: str,
               day: date) -> pd.DataFrame:
    companies = net.companies.set_index("company_id")
    country = table["operator"].map(companies["country"]).astype(object)
    members, of_concern = net.members(group, day), net.members(concern, day)
    return table.assign(operator_name=table["operator"].map(companies["name"]),
                        operator_country=country,
                        of_concern=country.isin(of_concern), in_group=country.isin(members))


def constellation_exposure(net: StackNetwork, *, orbit: str | None = None,
                           group: str = DEFAULT_GROUP, concern: str = DEFAULT_CONCERN,
                           as_of: date | str | None = None) -> pd.DataFrame:
    """One row per constellation with its operator's country and flags, and shares of the
    satellites counted.

    Columns: ``constellation_id, name, operator, operator_name, operator_country,
    of_concern, in_group, orbit, service, satellites, count_basis, year, planned,
    share_of_counted`` (the constellation's part of all satellites counted on the same
    ``count_basis`` in the selection, 0-1), ``concern_share_of_counted`` (the part of those
    satellites whose operators are of concern: one value per ``count_basis``), then the
    citation. Counts dated after ``as_of`` are left out (their cells empty).

    Raises:
        NotFoundError: no constellation for the selection.
    """
    day = as_date(as_of)
    rows = net.constellations.copy()
    if orbit is not None:
        rows = rows[rows["orbit"] == orbit.upper()]
    if rows.empty:
        raise NotFoundError("no constellation" + (f" in {orbit.upper()}" if orbit else ""))
    future = rows["year"].astype(float) > day.year
    rows.loc[future, "count_basis"] = None
    for column in ("satellites", "year", "planned"):
        rows[column] = rows[column].astype("Int64")
    rows[["satellites", "year"]] = rows[["satellites", "year"]].mask(future)
    rows = _operators(net, rows, group, concern, day)
    counted = rows["satellites"].astype("Float64").fillna(0.0).astype(float)
    counted = counted.where(rows["count_basis"].notna())
    totals = counted.groupby(rows["count_basis"]).transform("sum")
    rows["share_of_counted"] = counted / totals.where(totals > 0)
    concern_totals = (counted.where(rows["of_concern"], 0.0).groupby(rows["count_basis"])
                      .transform("sum"))
    rows["concern_share_of_counted"] = concern_totals / totals.where(totals > 0)
    columns = ["constellation_id", "name", "operator", "operator_name", "operator_country",
               "of_concern", "in_group", "orbit", "service", "satellites", "count_basis",
               "year", "planned", "share_of_counted", "concern_share_of_counted", "source",
               "source_url", "confidence", "basis", "note"]
    result = rows.sort_values(["orbit", "count_basis", "satellites", "constellation_id"],
                              ascending=[True, True, False, True], na_position="last")
    result = result[columns].reset_index(drop=True)
    result.attrs.update(as_of=day, group=group, concern=concern)
    return result


def ground_station_exposure(net: StackNetwork, *, country: str | None = None,
                            group: str = DEFAULT_GROUP, concern: str = DEFAULT_CONCERN,
                            as_of: date | str | None = None) -> pd.DataFrame:
    """Ground stations (in ``country``, or all) with their operator's country and flags,
    and whether each is open on ``as_of``.

    Columns: ``station_id, name, country, host_in_group, operator, operator_name,
    operator_country, of_concern, in_group, constellation_id, role, status, valid_from,
    valid_to, open`` (operational, started on or before ``as_of`` and not yet closed;
    a planned station is never open), then the citation. Stations of concern first.

    Raises:
        NotFoundError: an unknown country name.
    """
    day = as_date(as_of)
    rows = net.ground_stations.copy()
    if country is not None:
        try:
            code = resolve_country(country)
        except KeyError as exc:
            raise NotFoundError(exc.args[0]) from None
        rows = rows[rows["country"] == code]
    rows = _operators(net, rows, group, concern, day)
    started = rows["valid_from"].map(lambda d: d is None or d <= day)
    not_ended = rows["valid_to"].map(lambda d: d is None or d >= day)
    rows["open"] = (rows["status"] == "operational") & started & not_ended
    rows["host_in_group"] = rows["country"].isin(net.members(group, day))
    columns = ["station_id", "name", "country", "host_in_group", "operator", "operator_name",
               "operator_country", "of_concern", "in_group", "constellation_id", "role",
               "status", "valid_from", "valid_to", "open", "source", "source_url",
               "confidence", "basis", "note"]
    result = rows.sort_values(["of_concern", "country", "station_id"],
                              ascending=[False, True, True])[columns].reset_index(drop=True)
    result.attrs.update(as_of=day, group=group, concern=concern)
    return result
