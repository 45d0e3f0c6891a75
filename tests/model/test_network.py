"""Membership as of a date, checked against the dated events in the cited coalition data."""

from datetime import date

import pandas as pd
import pytest

from paxsilica.errors import NotFoundError, PaxsilicaError
from paxsilica.model.network import StackNetwork, as_date

FOUNDERS = {"AUS", "GBR", "ISR", "JPN", "KOR", "SGP", "USA"}


def test_founding_signatories_on_summit_day(net):
    assert net.members("pax_silica", "2025-12-12") == FOUNDERS
    assert net.members("pax_silica", "2025-12-11") == frozenset()


def test_guests_are_not_members_until_they_sign(net):
    assert "ARE" not in net.members("pax_silica", "2026-01-13")
    assert "ARE" in net.members("pax_silica", "2026-01-14")
    assert "NLD" not in net.members("pax_silica", "2026-06-22")
    assert "NLD" in net.members("pax_silica", "2026-06-23")


def test_taiwan_counts_as_endorsing_partner_but_not_as_signatory(net):
    day = "2026-02-01"
    assert "TWN" in net.members("pax_silica", day)
    assert "TWN" not in net.members("pax_silica_signatories", day)
    assert net.members("pax_silica_signatories", day) == FOUNDERS | {"QAT", "ARE"}


def test_membership_dates_are_ordered_and_start_at_summit(net):
    dates = net.membership_dates("pax_silica")
    assert dates[0] == date(2025, 12, 12)
    assert dates == sorted(dates)
    assert date(2026, 2, 20) in dates  # India


def test_valid_to_ends_membership():
    events = pd.DataFrame({
        "group_id": ["g", "g"], "country": ["AAA", "BBB"], "status": ["member", "member"],
        "valid_from": [date(2020, 1, 1), date(2020, 1, 1)],
        "valid_to": [date(2021, 1, 1), None]})
    groups = pd.DataFrame({"group_id": ["g"], "member_statuses": [["member"]],
                           "based_on": [None]})
    empty = pd.DataFrame()
    net = StackNetwork(stages=empty, items=empty, groups=groups, memberships=events,
                       supplies=empty, recipes=empty, companies=empty, facilities=empty,
                       ownership=empty, export_controls=empty)
    assert net.members("g", "2020-06-01") == {"AAA", "BBB"}
    assert net.members("g", "2022-01-01") == {"BBB"}


def test_item_aliases_select_by_stage(net):
    assert net.resolve_items("rare_earth_oxide", stage="mine") == ["rare_earth_ore"]
    assert net.resolve_items("rare_earth_oxide", stage="refining") == ["rare_earth_oxide"]
    assert set(net.resolve_items("rare_earths")) == {"rare_earth_ore", "rare_earth_oxide"}


def test_unknown_item_suggests_close_names(net):
    with pytest.raises(NotFoundError, match="did you mean"):
        net.resolve_items("galium")


def test_unknown_group_and_stage(net):
    with pytest.raises(NotFoundError, match="unknown group"):
        net.members("nato")
    with pytest.raises(NotFoundError, match="unknown stage"):
        net.resolve_items("gallium", stage="moon")


def test_malformed_date():
    with pytest.raises(PaxsilicaError, match="malformed date"):
        as_date("2026-02-30")
