"""``paxsilica simulate`` and ``paxsilica scenarios`` end to end (Typer runner)."""

import json

import pymrio
import pytest
import yaml
from typer.testing import CliRunner

from paxsilica.cli.app import app

runner = CliRunner()
SCENARIO = """name: reg2-flood
network: {mrio: mrio}
days: 40
model: {order_type: alt, alpha_base: 1.0, alpha_max: 1.25, alpha_tau: 365,
        inventory_days: 90, inventory_tau: 60, psi: 0.8}
events:
  - {kind: capacity_loss, region: reg2, sector: manufactoring,
     fraction: 0.3, start: 10, duration: 5, recovery: 60}
"""


@pytest.fixture(scope="module")
def scenario_file(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sim")
    pymrio.load_test().save(folder / "mrio")
    path = folder / "flood.yaml"
    path.write_text(SCENARIO)
    return path


def test_json_has_the_issue_shape(scenario_file):
    result = runner.invoke(app, ["simulate", str(scenario_file), "--format", "json", "--days", "20"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert {"scenario", "days", "series", "summary", "warnings"} <= set(document)
    assert document["scenario"] == "reg2-flood" and document["days"] == 20
    assert set(document["series"][0]) == {"step", "region", "sector", "production", "loss_usd",
                                          "value_added_loss_usd"}
    assert len(document["series"]) == 20 * 48
    assert set(document["summary"][0]) == {"region", "sector", "production_loss", "loss_share",
                                           "peak_loss_share", "days_to_recover", "loss_usd",
                                           "value_added_loss_usd"}
    # pymrio's test MRIO is in 'Mill USD': a unit of output is worth 1e6 USD; value added is
    # output less intermediate inputs
    for row in document["summary"]:
        assert row["loss_usd"] == pytest.approx(row["production_loss"] * 1e6, rel=1e-12, abs=1e-6)
        assert abs(row["value_added_loss_usd"]) <= abs(row["loss_usd"]) + 1e-6  # ratio in [0, 1]
    assert document["warnings"] == []
    hit = [row for row in document["summary"] if row["region"] == "reg2" and row["sector"] == "manufactoring"]
    assert hit[0]["peak_loss_share"] == pytest.approx(0.3, abs=1e-6)
    # the streamed series' daily money adds up to the summary's
    daily = sum(row["loss_usd"] for row in document["series"]
                if row["region"] == "reg2" and row["sector"] == "manufactoring")
    assert daily == pytest.approx(hit[0]["loss_usd"], rel=1e-9) and daily > 0


def test_parquet_and_csv_outputs(scenario_file, tmp_path):
    import pandas as pd

    out = tmp_path / "series.parquet"
    result = runner.invoke(app, ["simulate", str(scenario_file), "--format", "parquet", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert len(pd.read_parquet(out)) == 40 * 48
    csv = runner.invoke(app, ["simulate", str(scenario_file), "--format", "csv", "--days", "3"])
    assert csv.stdout.splitlines()[0] == "step,region,sector,production,loss_usd,value_added_loss_usd"


@pytest.mark.parametrize(("change", "key"), [
    (("fraction: 0.3", "fraction: 1.3"), "events.0.fraction"),
    (("region: reg2", "region: reg9"), "events.0.region"),
    (("sector: manufactoring", "sector: chips"), "events.0.sector"),
    (("start: 10", "start: 400"), "events.0.start"),
    (("inventory_days: 90", "inventory_days: 0"), "model.inventory_days"),
    (("inventory_tau: 60", "inventory_tau: -5"), "model.inventory_tau"),
    (("mrio: mrio", "mrio: nowhere"), "network.mrio"),
])
def test_bad_input_names_file_and_key_and_writes_nothing(scenario_file, tmp_path, change, key):
    bad = scenario_file.parent / f"bad-{key}.yaml"
    bad.write_text(SCENARIO.replace(*change))
    out = tmp_path / "out.json"
    result = runner.invoke(app, ["simulate", str(bad), "--format", "json", "-o", str(out)])
    assert result.exit_code == 2
    assert str(bad) in result.output and f"'{key}'" in result.output
    assert "Traceback" not in result.output
    assert not out.exists() and not list(tmp_path.iterdir())


def test_malformed_mrio_folder(scenario_file, tmp_path):
    folder = tmp_path / "mrio"
    pymrio.load_test().save(folder)
    lines = (folder / "Z.txt").read_text().splitlines()
    cells = lines[3].split("\t")
    cells[2] = "lots"
    lines[3] = "\t".join(cells)
    (folder / "Z.txt").write_text("\n".join(lines) + "\n")
    bad = tmp_path / "s.yaml"
    bad.write_text(SCENARIO)
    result = runner.invoke(app, ["simulate", str(bad)])
    assert result.exit_code == 2
    assert "Z.txt" in result.output and "not a number: 'lots'" in result.output


def test_scenarios_list_show_export(tmp_path):
    listed = runner.invoke(app, ["--db", ":memory:", "scenarios", "list", "--format", "json"])
    rows = {row["name"]: row for row in json.loads(listed.stdout)}
    assert {"cn-mofcom-gac-2023-23", "coalition-ban", "usgs-ofr-2024-1057"} <= set(rows)
    assert "cn-mofcom-gac-2025-18" in rows  # April 2025 rare earths
    assert all(isinstance(row["reaches_located"], bool) for row in rows.values())
    assert rows["usgs-ofr-2024-1057"]["reaches_located"] is True
    refused = rows["cn-mofcom-2024-46-1"]
    assert refused["status"] == "refused" and "no item mapping" in refused["description"]
    shown = yaml.safe_load(runner.invoke(app, ["--db", ":memory:", "scenarios", "show",
                                               "coalition-ban", "--as-of", "2026-03-01"]).stdout)
    assert shown["start_date"] == "2026-03-01" and shown["events"][0]["importers"] == ["pax_silica"]
    assert "gallium" in shown["events"][0]["items"]
    run_refused = runner.invoke(app, ["--db", ":memory:", "simulate", "cn-mofcom-2024-46-1"])
    assert run_refused.exit_code == 2 and "no item mapping" in run_refused.output
    out = tmp_path / "ga.yaml"
    result = runner.invoke(app, ["--db", ":memory:", "scenarios", "export", "cn-mofcom-2024-46-2",
                                 "-o", str(out)])
    assert result.exit_code == 0, result.output
    run = runner.invoke(app, ["--db", ":memory:", "simulate", str(out), "--days", "5", "--format", "json"])
    assert run.exit_code == 0, run.output
    assert json.loads(run.stdout)["days"] == 5
    missing = runner.invoke(app, ["--db", ":memory:", "scenarios", "show", "nope"])
    assert missing.exit_code == 2


def test_ensemble_from_the_cli(scenario_file, tmp_path):
    text = SCENARIO + "uncertain: {inventory_days: {uniform: [10, 90]}}\n"
    path = scenario_file.parent / "ens.yaml"
    path.write_text(text)
    out = tmp_path / "bands.json"
    result = runner.invoke(app, ["simulate", str(path), "--ensemble", "3", "--scheduler", "synchronous",
                                 "--days", "15", "--format", "json", "-o", str(out)])
    assert result.exit_code == 0, result.output
    document = json.loads(out.read_text())
    assert document["members"] == 3 and {"p5", "p50", "p95"} <= set(document["bands"][0])
    # members are kept under the run's key (a hash of scenario and options)
    assert len(list((tmp_path / "bands.json.members").glob("*/member-*.parquet"))) == 3


def test_series_option_chooses_what_is_written(scenario_file, tmp_path):
    import pandas as pd

    regions = runner.invoke(app, ["simulate", str(scenario_file), "--format", "json", "--days", "5",
                                  "--series", "regions"])
    assert regions.exit_code == 0, regions.output
    document = json.loads(regions.stdout)
    assert len(document["series"]) == 5 * 6 and set(document["series"][0]) == {"step", "region", "production"}
    out = tmp_path / "summary.parquet"
    none = runner.invoke(app, ["simulate", str(scenario_file), "--format", "parquet", "--series", "none",
                               "-o", str(out)])
    assert none.exit_code == 0, none.output
    assert len(pd.read_parquet(out)) == 48 and "loss_share" in pd.read_parquet(out).columns
    bad = runner.invoke(app, ["simulate", str(scenario_file), "--series", "sectors"])
    assert bad.exit_code == 2 and "Traceback" not in bad.output
