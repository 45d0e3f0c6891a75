"""Shares and HHI against hand-worked examples."""

import numpy as np
import pandas as pd
import pytest

from paxsilica.analytics.concentration import country_shares, hhi, row_shares


def _supplies(rows):
    columns = ["item_id", "stage", "country", "company", "year", "quantity", "unit", "share",
               "source", "source_url", "confidence", "basis"]
    return pd.DataFrame([dict(zip(columns, row, strict=True)) for row in rows])


def test_hhi_hand_worked():
    # 50² + 30² + 20² = 2500 + 900 + 400
    assert hhi([0.5, 0.3, 0.2]) == 3800.0
    assert hhi([1.0]) == 10000.0
    assert hhi([0.25] * 4) == 2500.0


def test_shares_from_quantities_and_world_total():
    table = country_shares(_supplies([
        ("x", "mine", "AAA", None, 2024, 60.0, "t", None, "S1", None, "high", "reported"),
        ("x", "mine", "BBB", None, 2024, 30.0, "t", None, "S1", None, "high", "estimate"),
        ("x", "mine", "WLD", None, 2024, 100.0, "t", None, "S1", None, "high", "reported"),
    ]))
    shares = dict(zip(table["country"], table["share"], strict=True))
    assert shares == pytest.approx({"AAA": 0.6, "BBB": 0.3})
    assert set(table["share_method"]) == {"quantity / world total"}
    assert table.set_index("country").loc["BBB", "basis"] == "estimate"


def test_without_world_row_shares_use_the_reported_total():
    table = country_shares(_supplies([
        ("x", "mine", "AAA", None, 2024, 3.0, "t", None, "S", None, "high", "reported"),
        ("x", "mine", "BBB", None, 2024, 1.0, "t", None, "S", None, "low", "reported"),
    ]))
    assert table.set_index("country")["share"].to_dict() == pytest.approx({"AAA": .75, "BBB": .25})


def test_rounded_world_total_below_country_sum_never_gives_shares_above_one():
    # USGS antimony 2024: countries add up to 103 960 t against a rounded world total of 100 000 t
    table = country_shares(_supplies([
        ("x", "mine", "AAA", None, 2024, 90.0, "t", None, "S", None, "high", "reported"),
        ("x", "mine", "BBB", None, 2024, 14.0, "t", None, "S", None, "high", "reported"),
        ("x", "mine", "WLD", None, 2024, 100.0, "t", None, "S", None, "high", "reported"),
    ]))
    assert table["share"].sum() == pytest.approx(1.0)
    assert table.set_index("country").loc["AAA", "share"] == pytest.approx(90 / 104)


def test_company_rows_sum_to_their_country_with_weakest_confidence():
    table = country_shares(_supplies([
        ("hbm", "memory", "KOR", "A", 2025, None, None, 0.62, "S1", "u1", "high", "reported"),
        ("hbm", "memory", "KOR", "B", 2025, None, None, 0.17, "S2", "u2", "medium", "reported"),
        ("hbm", "memory", "USA", "C", 2025, None, None, 0.21, "S1", "u1", "high", "reported"),
    ]))
    kor = table.set_index("country").loc["KOR"]
    assert kor["share"] == pytest.approx(0.79)
    assert kor["confidence"] == "medium"
    assert kor["sources"] == ["S1", "S2"]
    assert hhi(table["share"]) == pytest.approx(79**2 + 21**2)


def test_region_rows_are_kept_but_flagged():
    table = country_shares(_supplies([
        ("f", "fabrication", "CHN", None, 2024, None, None, 0.27, "S", None, "medium", "reported"),
        ("f", "fabrication", "SEA", None, 2024, None, None, 0.05, "S", None, "medium", "reported"),
    ]))
    assert table.set_index("country")["is_country"].to_dict() == {"CHN": True, "SEA": False}
    assert np.isclose(table["share"].sum(), 0.32)


def test_row_shares_are_the_rows_that_country_shares_sums():
    supplies = _supplies([
        ("x", "mine", "AAA", "A", 2024, 30.0, "t", None, "S", None, "high", "reported"),
        ("x", "mine", "AAA", "B", 2024, None, None, 0.2, "S", None, "high", "reported"),
        ("x", "mine", "BBB", None, 2024, 50.0, "t", None, "S", None, "high", "reported"),
        ("x", "mine", "CCC", None, 2024, None, None, None, "S", None, "high", "reported"),
        ("x", "mine", "WLD", None, 2024, 100.0, "t", None, "S", None, "high", "reported"),
        ("y", "mine", "AAA", None, 2024, 3.0, "t", None, "S", None, "high", "reported"),
        ("y", "mine", "BBB", None, 2024, 1.0, "t", None, "S", None, "high", "reported"),
    ])
    rows = row_shares(supplies)
    assert rows[["item_id", "country", "share_method"]].values.tolist() == [
        ["x", "AAA", "quantity / world total"], ["x", "AAA", "stated"],
        ["x", "BBB", "quantity / world total"],
        ["y", "AAA", "quantity / reported total"], ["y", "BBB", "quantity / reported total"]]
    assert rows["computed"].tolist() == pytest.approx([0.3, 0.2, 0.5, 0.75, 0.25])
    by_country = rows.groupby(["item_id", "country"])["computed"].sum()
    table = country_shares(supplies).set_index(["item_id", "country"])["share"]
    assert table.to_dict() == pytest.approx(by_country.to_dict())
