"""Exposure on the bundled data against the cited USGS figures and membership dates."""

import pytest

from paxsilica.analytics.exposure import (
    coverage_timeline,
    exposure,
    exposure_change,
    exposure_summary,
)
from paxsilica.errors import NotFoundError

# USGS MCS 2025, rare earths, 2024 mine production (t REO), read from the source table
USGS_2024 = {"CHN": 270000, "USA": 45000, "MMR": 31000, "AUS": 13000, "NGA": 13000,
             "THA": 13000, "IND": 2900, "RUS": 2500, "MDG": 2000, "ROW": 1100, "VNM": 300,
             "MYS": 130, "BRA": 20}
USGS_2024_WORLD = 390000


def test_china_share_of_2024_rare_earth_mine_output(net):
    table = exposure(net, item="rare_earth_oxide", stage="mine", year=2024)
    china = table.set_index("country").loc["CHN"]
    assert china["share"] == pytest.approx(USGS_2024["CHN"] / USGS_2024_WORLD, abs=0.01)
    assert round(china["share"], 2) == 0.69
    assert china["concern_share"] == china["share"]  # China is the only concern producer
    assert china["top_country"] == "CHN"
    assert "USGS Mineral Commodity Summaries 2025 - Rare Earths (Jan 2025)" in china["sources"]


def test_hhi_matches_an_independent_computation_from_usgs_quantities(net):
    table = exposure(net, item="rare_earth_ore", year=2024)
    total = max(USGS_2024_WORLD, sum(USGS_2024.values()))
    expected = sum((100 * q / total) ** 2 for c, q in USGS_2024.items() if c != "ROW")
    assert table["hhi"].iloc[0] == pytest.approx(expected, rel=1e-9)


def test_coalition_coverage_changes_with_membership_dates(net):
    def coverage(day):
        return exposure_summary(net, item="rare_earth_ore", year=2024, as_of=day)[
            "coalition_share"].iloc[0]

    total = max(USGS_2024_WORLD, sum(USGS_2024.values()))
    founders = (USGS_2024["USA"] + USGS_2024["AUS"]) / total
    assert coverage("2025-12-11") == 0.0
    assert coverage("2025-12-12") == pytest.approx(founders)
    # India signed on 2026-02-20
    assert coverage("2026-02-19") == pytest.approx(founders)
    assert coverage("2026-02-20") == pytest.approx(founders + USGS_2024["IND"] / total)


def test_exposure_change_lists_who_joined(net):
    change = exposure_change(net, "2026-01-01", "2026-03-01", item="rare_earth_ore", year=2024)
    row = change.iloc[0]
    assert row["joined"] == ["IND"]
    assert row["change"] == pytest.approx(2900 / sum(USGS_2024.values()))


def test_timeline_has_one_row_per_item_and_date(net):
    dates = ["2025-12-12", "2026-06-30"]
    timeline = coverage_timeline(net, dates, item="hbm_memory", year=2023)
    assert len(timeline) == 2
    assert timeline["members"].tolist()[0] == 7
    # Micron's 5 % is made in Taiwan (issue 18), a partner only from 27 Jan 2026
    assert timeline["coalition_share"].tolist() == pytest.approx([0.95, 1.0])


def test_latest_skips_projection_years(net):
    table = exposure_summary(net, item="advanced_logic_lt10nm", latest=True, as_of="2026-11-23")
    assert table["year"].tolist() == [2022]


def test_any_group_can_be_the_coalition(net):
    summary = exposure_summary(net, item="gallium", year=2024, group="countries_of_concern")
    assert summary["coalition_share"].iloc[0] == pytest.approx(summary["concern_share"].iloc[0])


def test_empty_selection_is_a_clear_error(net):
    with pytest.raises(NotFoundError, match="no supply data"):
        exposure(net, item="gallium", year=1990)


def _ended_memberships(store, tmp_path):
    """A hypothetical test scenario (not data): USA's membership ends on 2026-04-30 through
    valid_to; Australia becomes a guest (a status that does not count) on 2026-06-01."""
    from paxsilica.model.network import StackNetwork
    from paxsilica.store import import_file

    path = tmp_path / "ended.csv"
    path.write_text("group_id,country,status,valid_from,valid_to,source,confidence\n"
                    "pax_silica,USA,signatory,2025-12-12,2026-04-30,test scenario,low\n"
                    "pax_silica,AUS,guest,2026-06-01,,test scenario,low\n", encoding="utf-8")
    import_file(store, "memberships", path)
    return StackNetwork.from_store(store)


def test_compare_reports_who_left_by_valid_to_or_a_later_status(store, tmp_path):
    ended = _ended_memberships(store, tmp_path)
    change = exposure_change(ended, "2026-03-01", "2026-07-01", item="rare_earth_ore",
                             year=2024).iloc[0]
    assert change["left"] == ["AUS", "USA"]
    assert change["joined"] == []
    assert change["change"] < 0


def test_membership_dates_include_the_day_after_each_valid_to(store, tmp_path):
    from datetime import date

    ended = _ended_memberships(store, tmp_path)
    dates = ended.membership_dates("pax_silica")
    assert date(2026, 5, 1) in dates  # the first day after USA's valid_to
    assert date(2026, 4, 30) not in dates
    assert "USA" in ended.members("pax_silica", "2026-04-30")
    assert "USA" not in ended.members("pax_silica", "2026-05-01")
    timeline = coverage_timeline(ended, item="rare_earth_ore", year=2024)
    by_day = timeline.set_index("date")["coalition_share"]
    assert by_day[date(2026, 5, 1)] < by_day[date(2026, 4, 16)]
