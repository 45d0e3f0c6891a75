"""``exposure --tiers all`` and ``chokepoints`` through Typer's runner: modes, options that
do not apply, the per-country breakdown, stored trade flows, one-line errors."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from paxsilica.cli.app import app
from paxsilica.store import open_store
from paxsilica.store.trade import import_trade

runner = CliRunner()
DAY = "2026-07-01"


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return str(tmp_path_factory.mktemp("mt") / "mt.duckdb")


def _json(db, *args):
    result = runner.invoke(app, ["--db", db, *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout), result


def _world(rows, item):
    return next(r for r in rows if r["node"] == f"market:WLD:{item}")


def test_mode_weighted_counts_substitutable_inputs(db):
    essential, _ = _json(db, "exposure", "--tiers", "all", "--item", "power_supply_unit",
                         "--as-of", DAY)
    weighted, _ = _json(db, "exposure", "--tiers", "all", "--item", "power_supply_unit",
                        "--as-of", DAY, "--mode", "weighted")
    gallium, _ = _json(db, "exposure", "--tiers", "all", "--item", "gallium", "--as-of", DAY)
    # GaN switches are substitutable: nothing at risk in the essential mode; the weighted
    # mode carries the GaN devices' at-risk share (the PSU's only recipe chain): Innoscience's
    # 33.7 % made in China, and gallium's share for the unlocated rest
    assert _world(essential, "power_supply_unit")["concern_share"] == 0.0
    assert _world(essential, "power_supply_unit")["mode"] == "essential"
    assert _world(weighted, "power_supply_unit")["concern_share"] == pytest.approx(
        0.337 + (1 - 0.337) * _world(gallium, "gallium")["concern_share"], abs=1e-4)  # 4-decimal output
    assert _world(weighted, "power_supply_unit")["mode"] == "weighted"


@pytest.mark.parametrize(("args", "message"), [
    (["--tiers", "all", "--mode", "fuzzy"], "mode: Input should be 'essential' or 'weighted'"),
    (["--tiers", "all", "--year", "2024"], "year does not apply to tiers=all"),
    (["--tiers", "all", "--compare", "2026-01-01"], "compare works with tiers=direct only"),
    (["--mode", "weighted"], "mode and by_country need tiers=all"),
    (["--by-country"], "mode and by_country need tiers=all"),
])
def test_options_that_do_not_apply_are_one_line_errors(db, args, message):
    result = runner.invoke(app, ["--db", db, "exposure", "--item", "gallium", *args])
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1


def test_summary_keeps_one_world_supply_row_per_item(db):
    rows, _ = _json(db, "exposure", "--tiers", "all", "--stage", "system", "--summary",
                    "--as-of", DAY)
    assert rows and all(r["role"] == "market" and r["country"] == "WLD" for r in rows)
    assert len({r["item"] for r in rows}) == len(rows)


def test_server_assembler_location_is_cited_and_broken_down(db):
    rows, result = _json(db, "exposure", "--tiers", "all", "--item", "ai_server", "--as-of", DAY)
    world = _world(rows, "ai_accelerator_server")
    # Taiwan assembles 90 % of AI servers (MOEA, data/supplies.csv); the rest is not located
    assert world["located_share"] == pytest.approx(0.9)
    # DRAM made in China is an essential input: 13 % of world DRAM capacity is CXMT's
    # (Counterpoint, 2024; DRAM only, a lower bound, issue 18); the rest of DRAM is unlocated,
    # so the share at risk is a range up to 100 %
    assert world["concern_share"] == pytest.approx(0.13, abs=1e-4)
    assert world["concern_share_high"] == pytest.approx(1.0)
    assert world["coalition_share"] == 0.0
    assert world["coalition_share_max"] == pytest.approx(1 - 0.13, abs=1e-4)
    assert "ai_accelerator_server (10% unlocated)" in result.stderr
    assert "by_country lists the countries" in result.stderr
    countries, _ = _json(db, "exposure", "--tiers", "all", "--item", "ai_server", "--by-country",
                         "--as-of", DAY)
    dependence = {r["country"]: r["dependence"] for r in countries}
    # Taiwan: assembly, the H100 die and its packaging, Micron's HBM (Taichung); Korea: HBM
    # (SK hynix, Samsung 2023) and SK Siltron wafers; Japan: Shin-Etsu and SUMCO wafers;
    # China: DRAM (docs/data.md); the US no longer appears through Micron's domicile
    assert dependence["TWN"] == pytest.approx(1.0)
    assert dependence["KOR"] == pytest.approx(0.95)
    assert dependence["JPN"] == pytest.approx(0.314 + 0.244)
    assert dependence.get("USA", 0.0) == pytest.approx(0.0)
    assert dependence["CHN"] == pytest.approx(0.13, abs=1e-4)  # DRAM fabs in China
    assert dependence[""] == 1.0  # "location not in data" is reported, not hidden
    korea = next(r for r in countries if r["country"] == "KOR")
    assert korea["in_group"] is True and korea["of_concern"] is False
    assert korea["item"] == "ai_accelerator_server"


def test_top_below_one_is_a_one_line_error(db):
    for top in ("0", "-3"):
        result = runner.invoke(app, ["--db", db, "chokepoints", "--item", "ndfeb_magnet",
                                     "--top", top])
        assert result.exit_code == 2
        assert "top: Input should be greater than or equal to 1" in result.output
        assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1


def test_top_six_lists_six_distinct_chokepoints(db):
    rows, _ = _json(db, "chokepoints", "--item", "ndfeb_magnet", "--top", "6", "--as-of", DAY)
    assert len(rows) == 6
    assert len({r["node"] for r in rows}) == 6  # no producer twice (node + its only link)
    assert rows[0]["node"] == "producer:CHN:ndfeb_magnet"
    assert [r["rank"] for r in rows] == list(range(1, 7))


def test_commands_use_the_stored_trade_flows(tmp_path):
    db = str(tmp_path / "trade.duckdb")
    store = open_store(db)
    # server fans have no cited producers; Malaysia and China export them to Japan
    flows = pd.DataFrame({"year": [2024, 2024], "exporter": ["MYS", "CHN"],
                          "importer": ["JPN", "JPN"], "hs6": ["841459", "841459"],
                          "item_id": ["cooling_fan", "cooling_fan"], "value_kusd": [800.0, 200.0],
                          "quantity_t": [None, None]})
    import_trade(store, flows, dataset="baci", file="test")
    store.close()
    rows, _ = _json(db, "exposure", "--tiers", "all", "--item", "cooling_fan", "--as-of", DAY)
    assert _world(rows, "cooling_fan")["sourcing"] == "export shares"
    assert _world(rows, "cooling_fan")["direct_concern_share"] == pytest.approx(0.2)
    table = runner.invoke(app, ["--db", db, "exposure", "--tiers", "all", "--item", "cooling_fan",
                                "--as-of", DAY])
    assert "trade data (BACI 2024) for 1 item(s)" in table.stdout
    choke = runner.invoke(app, ["--db", db, "chokepoints", "--item", "ndfeb_magnet", "--top", "3",
                                "--as-of", DAY])
    assert choke.exit_code == 0 and "BACI 2024" in choke.stdout
    report = tmp_path / "report.html"
    result = runner.invoke(app, ["--db", db, "report", "-o", str(report), "--as-of", DAY, "--section", "multitier"])
    assert result.exit_code == 0, result.output
    assert "trade data (BACI 2024) for 1 item(s)" in report.read_text(encoding="utf-8")
