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
    for args, words in ((["--k", "0"], "--k"), (["--use", "gallium"], "ITEM=SHARE"),
                        (["--use", "gallium=2"], "within 0-1"),
                        (["--exclude", "nosuchgroup"], "unknown group")):
        bad = runner.invoke(app, ["--db", ":memory:", "plan", "expand", "--item", "gallium",
                                  *args])
        assert bad.exit_code == 2 and words in bad.stderr, bad.output
