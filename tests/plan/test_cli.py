"""``paxsilica plan`` and ``plan expand`` through Typer's runner: JSON, exit codes, errors."""

from __future__ import annotations

import json

import yaml
from typer.testing import CliRunner

from paxsilica.cli.app import app

runner = CliRunner()


def write(tmp_path, data: dict):
    path = tmp_path / "problem.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return str(path)


def test_plan_json_on_stdout(tmp_path, hand_problem):
    hand = hand_problem
    result = runner.invoke(app, ["--db", ":memory:", "plan", write(tmp_path, hand()),
                                 "--quiet", "--mip-gap", "0"])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert answer["status"] == "optimal" and answer["objective"] == 250.0
    assert answer["builds"][0]["cost_shares"] == {"USA": 100.0}
    assert {"scenario", "year", "source", "member", "item", "quantity"} <= set(answer["flows"][0])
    assert answer["targets"][0]["dual"] == 100.0
    assert "tightening" in answer["dual_convention"]


def test_plan_without_projects_is_strict_json(tmp_path, hand_problem):
    data = hand_problem(1.0)
    data["projects"] = []
    result = runner.invoke(app, ["--db", ":memory:", "plan", write(tmp_path, data), "--quiet"])
    assert result.exit_code == 0, result.output
    assert "Infinity" not in result.stdout and "NaN" not in result.stdout
    answer = json.loads(result.stdout)
    assert answer["objective"] == 100.0 and answer["mip_gap"] is None


def test_plan_table_and_costs(tmp_path, hand_problem):
    hand = hand_problem
    result = runner.invoke(app, ["--db", ":memory:", "plan", "solve", write(tmp_path, hand()),
                                 "--format", "table", "--costs", "shapley", "--quiet"])
    assert result.exit_code == 0, result.output
    assert "Builds" in result.stdout and "Cost shares" in result.stdout
    assert "shapley" in result.stdout  # the shapley_cost column (tables wrap long headers)


def test_infeasible_exits_1_with_the_conflict(tmp_path, hand_problem):
    hand = hand_problem
    result = runner.invoke(app, ["--db", ":memory:", "plan", write(tmp_path, hand(0.1)),
                                 "--quiet"])
    assert result.exit_code == 1
    answer = json.loads(result.stdout)
    assert answer["status"] == "infeasible"
    assert answer["conflicts"][0]["target"] == "max_concern_share:gallium"
    assert "Traceback" not in result.output


def test_bad_input_exits_2_naming_file_and_key(tmp_path, hand_problem):
    hand = hand_problem
    data = hand()
    data["projects"][0]["capacity"] = -1
    result = runner.invoke(app, ["--db", ":memory:", "plan", write(tmp_path, data)])
    assert result.exit_code == 2
    assert "problem.yaml" in result.stderr and "projects[0].capacity" in result.stderr
    assert "Traceback" not in result.output
    missing = runner.invoke(app, ["--db", ":memory:", "plan", str(tmp_path / "none.yaml")])
    assert missing.exit_code == 2 and "cannot read" in missing.stderr


def test_expand_json(tmp_path):
    result = runner.invoke(app, ["--db", ":memory:", "plan", "expand", "--item",
                                 "rare_earth_ore", "--k", "2", "--as-of", "2026-06-01"])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert answer["chosen"] == ["MDG", "THA"] and answer["greedy"] == ["MDG", "THA"]
    assert answer["ranking"][0]["reason"].startswith("Thailand")
    assert {"MMR", "RUS"} <= {row["country"] for row in answer["excluded"]}
    assert "no coalition use" in result.stderr
    free = runner.invoke(app, ["--db", ":memory:", "plan", "expand", "--item",
                               "rare_earth_ore", "--as-of", "2026-06-01", "--exclude", "none",
                               "--use", "rare_earth_ore=0.3"])
    assert free.exit_code == 0, free.output
    assert json.loads(free.stdout)["chosen"] == ["MMR"]
    table = runner.invoke(app, ["--db", ":memory:", "plan", "expand", "--item",
                                "rare_earth_ore", "--as-of", "2026-06-01", "--format", "table"])
    assert table.exit_code == 0 and "Not eligible" in table.stdout
    for args, words in ((["--k", "0"], "k: Input should be greater than or equal to 1"),
                        (["--use", "gallium"], "ITEM=SHARE"),
                        (["--use", "gallium=2"], "use.gallium: Input should be less than or "
                                                 "equal to 1"),
                        (["--use", "gallium=x"], "use.gallium"),
                        (["--use", "unobtainium=0.1"], "unknown item"),
                        (["--exclude", "nosuchgroup"], "unknown group")):
        bad = runner.invoke(app, ["--db", ":memory:", "plan", "expand", "--item", "gallium",
                                  *args])
        assert bad.exit_code == 2 and words in bad.stderr, bad.output


def reserve_problem() -> dict:
    """Half the time China stops in 2027; a US reserve (cost 10 a unit) covers it."""
    return {"name": "reserve", "years": [2026, 2027], "concern": ["CHN"], "unmet_penalty": 50,
            "demand": [{"member": "USA", "item": "gallium", "quantity": 100},
                       {"member": "JPN", "item": "gallium", "quantity": 100}],
            "sources": [{"id": "cn", "item": "gallium", "country": "CHN", "capacity": 1000,
                         "cost": 1}],
            "stockpiles": [{"id": "us_reserve", "item": "gallium", "member": "USA",
                            "max_quantity": 100, "cost": 10}],
            "scenarios": [{"name": "base", "probability": 0.5},
                          {"name": "ban", "probability": 0.5, "from": 2027,
                           "outages": [{"country": "CHN", "fraction": 1.0}]}]}


def test_plan_json_states_rule_reserve_and_values(tmp_path):
    result = runner.invoke(app, ["--db", ":memory:", "plan", write(tmp_path, reserve_problem()),
                                 "--quiet"])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    # Japan has no reserve: it is short 100 in the ban; the US reserve serves the US only
    assert [(u["member"], u["quantity"], u["share"]) for u in answer["unmet"]] == [
        ("JPN", 100.0, 1.0)]
    assert answer["shortfall_rule"].startswith("pro rata to demand")
    value = answer["values"][0]
    assert value["name"] == "us_reserve" and value["loss_avoided"] == 2500.0
    assert value["per_cost"] == 2.5
    rules = {r["scenario"]: r for r in answer["stockpile_rules"]}
    assert rules["ban"]["drawn"] == 100.0 and rules["base"]["drawn"] == 0.0
    assert answer["scenarios"][1] == {"scenario": "ban", "probability": 0.5,
                                      "origin": "problem file"}


def test_plan_table_shows_reserves_values_and_rule(tmp_path):
    result = runner.invoke(app, ["--db", ":memory:", "plan", write(tmp_path, reserve_problem()),
                                 "--quiet", "--format", "table"])
    assert result.exit_code == 0, result.output
    for words in ("Stockpile rules", "Loss avoided", "shortfall rule: pro rata",
                  "Unmet demand"):
        assert words in result.stdout


def test_shapley_json_has_core_and_gap(tmp_path):
    data = reserve_problem()
    result = runner.invoke(app, ["--db", ":memory:", "plan", write(tmp_path, data), "--quiet",
                                 "--costs", "shapley"])
    assert result.exit_code == 0, result.output
    game = json.loads(result.stdout)["cost_sharing"]
    assert game["method"] == "shapley" and game["exact"] is True
    assert {"in_core", "max_excess", "core_empty"} <= set(game["core"])
    assert all(share["saving"] >= -1e-6 for share in game["shares"])
    assert abs(game["plan_cost_gap"]) < 1e-3  # nothing to miss: c(N) is the plan's cost


def test_infeasible_json_gives_the_limit_needed(tmp_path, hand_problem):
    result = runner.invoke(app, ["--db", ":memory:", "plan", write(tmp_path, hand_problem(0.1)),
                                 "--quiet"])
    assert result.exit_code == 1
    conflict = json.loads(result.stdout)["conflicts"][0]
    assert conflict["required_limit"] == 0.4 and conflict["limit"] == 0.1
    assert "limit 0.1 -> 0.4" in result.stderr


def test_simulated_scenario_file_next_to_the_problem(tmp_path):
    (tmp_path / "ban.yaml").write_text(yaml.safe_dump({
        "name": "ban", "days": 365, "start_date": "2027-01-01",
        "events": [{"kind": "export_ban", "exporters": ["CHN"], "importers": ["all"],
                    "items": ["gallium"], "start": 0}]}), encoding="utf-8")
    data = reserve_problem()
    data["scenarios"][1] = {"name": "ban", "probability": 0.5, "simulate": {"file": "ban.yaml"}}
    result = runner.invoke(app, ["--db", ":memory:", "plan", write(tmp_path, data), "--quiet"])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert answer["scenarios"][1]["origin"] == "simulator: file ban.yaml"
    assert any("costs the problem's unmet_penalty" in w for w in answer["warnings"])
    missing = dict(data, scenarios=[{"name": "x", "simulate": {"file": "nope.yaml"}}])
    bad = runner.invoke(app, ["--db", ":memory:", "plan", write(tmp_path, missing)])
    assert bad.exit_code == 2 and "scenarios[0].simulate.file" in bad.stderr
