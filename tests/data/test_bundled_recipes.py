"""Checks of the bundled recipe data against the catalogue and against physics.

The stoichiometric and geometric coefficients in ``recipes.csv`` are recomputed
here from IUPAC standard atomic weights and textbook formulas, independently of
the numbers written in the file's notes.
"""

from __future__ import annotations

import math

import networkx as nx
import pandas as pd
import pytest

from paxsilica.io.tables import read_table
from paxsilica.store.bundled import bundled_path

# IUPAC/CIAAW standard atomic weights (abridged/conventional values).
AR = {"Nd": 144.242, "Pr": 140.90766, "Fe": 55.845, "B": 10.81, "O": 15.999,
      "Ga": 69.723, "N": 14.007, "As": 74.921595}


def mass_fraction(element: str, formula: dict[str, int]) -> float:
    """Mass fraction of ``element`` in a compound given as {element: count}."""
    total = sum(AR[el] * n for el, n in formula.items())
    return AR[element] * formula[element] / total


@pytest.fixture(scope="module")
def recipes(bundled_store) -> pd.DataFrame:
    return bundled_store.table("recipes")


@pytest.fixture(scope="module")
def items(bundled_store) -> pd.DataFrame:
    return bundled_store.table("items").set_index("item_id")


def line(recipes: pd.DataFrame, output: str, input_: str) -> pd.Series:
    rows = recipes[(recipes["output_item"] == output) & (recipes["input_item"] == input_)]
    assert len(rows) == 1, f"expected one recipe line {output} <- {input_}"
    return rows.iloc[0]


def test_every_csv_row_is_in_the_store(recipes):
    table = read_table(bundled_path("recipes.csv"), "recipes")
    assert len(table.frame) == len(recipes) > 0


def test_recipe_graph_is_acyclic_and_reaches_ore(recipes):
    graph = nx.DiGraph(list(zip(recipes["input_item"], recipes["output_item"], strict=True)))
    assert nx.is_directed_acyclic_graph(graph)
    upstream_of_dc = nx.ancestors(graph, "ai_data_centre")
    assert {"rare_earth_ore", "gallium", "polysilicon_electronic_grade",
            "hbm_memory", "data_centre_electricity"} <= upstream_of_dc


def test_inputs_and_outputs_exist_in_catalogue(recipes, items):
    used = set(recipes["output_item"]) | set(recipes["input_item"])
    assert used <= set(items.index)


def test_every_row_is_cited_and_graded(recipes):
    assert recipes["source"].notna().all()
    assert (recipes["source"].str.len() > 10).all()
    assert recipes["note"].notna().all()
    assert set(recipes["confidence"]) <= {"high", "medium", "low"}
    # Policy (docs/data.md): an estimate is never graded high; every row that is
    # not an estimate points to a document.
    estimates = recipes[recipes["basis"] == "estimate"]
    assert (estimates["confidence"] != "high").all()
    others = recipes[recipes["basis"] != "estimate"]
    assert others["source_url"].notna().all()


def test_units_match_the_input_catalogue_unit(recipes, items):
    for _, row in recipes.iterrows():
        unit = items.loc[row["input_item"], "unit"]
        if unit == "share":
            assert "share-only" in row["note"], row["input_item"]
        else:
            assert row["unit"].startswith(f"{unit} per "), (row["input_item"], row["unit"])


def test_gallium_compounds_match_stoichiometry(recipes):
    gan = line(recipes, "gallium_nitride", "gallium")["quantity"]
    gaas = line(recipes, "gallium_arsenide", "gallium")["quantity"]
    assert gan == pytest.approx(mass_fraction("Ga", {"Ga": 1, "N": 1}), rel=1e-3)
    assert gaas == pytest.approx(mass_fraction("Ga", {"Ga": 1, "As": 1}), rel=1e-3)


def test_oxide_to_metal_matches_nd2o3(recipes):
    oxide_per_metal = line(recipes, "ndpr_metal", "ndpr_oxide")["quantity"]
    assert oxide_per_metal == pytest.approx(1 / mass_fraction("Nd", {"Nd": 2, "O": 3}), rel=1e-3)
    # Pr6O11 carries more oxygen per metal; a real NdPr feed lies between the two.
    pr_factor = 1 / mass_fraction("Pr", {"Pr": 6, "O": 11})
    assert oxide_per_metal < pr_factor < oxide_per_metal * 1.05


def test_magnet_rare_earth_content_is_above_the_nd2fe14b_floor(recipes):
    nd_in_phase = mass_fraction("Nd", {"Nd": 2, "Fe": 14, "B": 1})
    assert nd_in_phase == pytest.approx(0.267, abs=0.001)  # the textbook 26.7 wt%
    ndpr = line(recipes, "ndfeb_magnet", "ndpr_metal")["quantity"]
    dytb = line(recipes, "ndfeb_magnet", "dysprosium_terbium")["quantity"]
    assert nd_in_phase <= ndpr <= 0.35
    assert ndpr + dytb <= 0.40


def test_polysilicon_per_wafer_exceeds_wafer_mass(recipes):
    # 300 mm x 775 um (SEMI M1), silicon 2.329 g/cm3 -> grams -> tonnes
    wafer_t = math.pi * 15.0**2 * 0.0775 * 2.329 / 1e6
    assert wafer_t == pytest.approx(127.6e-6, rel=1e-3)
    poly = line(recipes, "silicon_wafer_300mm", "polysilicon_electronic_grade")["quantity"]
    assert wafer_t < poly < 5 * wafer_t


def test_wafers_per_die_follow_gross_die_formula(recipes):
    d, area = 300.0, 814.0
    gross = math.pi * (d / 2) ** 2 / area - math.pi * d / math.sqrt(2 * area)
    assert 63 < gross < 64
    wafers = line(recipes, "logic_die", "silicon_wafer_300mm")["quantity"]
    # between perfect yield and the Poisson yield at D0 = 0.1 /cm2
    assert 1 / gross < wafers <= 1 / (gross * math.exp(-area / 100 * 0.10)) * 1.01
    capacity = line(recipes, "logic_die", "advanced_logic_lt10nm")["quantity"]
    assert capacity == wafers


def test_server_energy_is_rated_power_times_hours(recipes):
    twh = line(recipes, "ai_data_centre", "data_centre_electricity")["quantity"]
    assert twh == pytest.approx(10.2 * 24 * 365 / 1e9, rel=1e-6)


def test_substitutable_inputs_say_why(recipes):
    optional = recipes[~recipes["essential"]]
    assert len(optional) >= 1
    for note in optional["note"]:
        assert "substitut" in note.lower() or "designed out" in note.lower()
