"""Problem files: shape and catalogue checks name the file and the key."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from paxsilica.errors import ValidationError
from paxsilica.plan import load_problem

BASE = {
    "name": "test",
    "years": [2026, 2027, 2028],
    "concern": ["CHN"],
    "demand": [{"member": "USA", "item": "gallium", "quantity": 100},
               {"member": "Japan", "item": "gallium", "year": 2027, "quantity": 10}],
    "sources": [{"id": "cn", "item": "gallium", "country": "CHN", "capacity": 1000,
                 "cost": 1}],
    "projects": [{"id": "us", "item": "gallium", "country": "USA", "capacity": 50,
                  "capex": 100, "cost": 2, "partners": {"USA": 0.6, "Japan": 0.4}}],
    "targets": [{"kind": "max_concern_share", "item": "gallium", "limit": 0.5,
                 "from": 2027}],
    "scenarios": [{"name": "base", "probability": 0.7},
                  {"name": "ban", "probability": 0.3, "from": 2027,
                   "outages": [{"country": "China", "fraction": 1.0}]}],
}


def write(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "problem.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def errors_of(tmp_path: Path, net, data: dict) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        load_problem(write(tmp_path, data), net)
    return [str(e) for e in caught.value.errors]


def test_valid_problem_is_resolved(tmp_path, net):
    problem = load_problem(write(tmp_path, BASE), net)
    assert problem.demand[1].member == "JPN"
    assert problem.projects[0].partners == {"USA": 0.6, "JPN": 0.4}
    assert problem.scenarios[1].outages[0].country == "CHN"
    assert problem.concern == ["CHN"]
    assert problem.targets[0].from_ == 2027


def test_disguised_names_resolve(tmp_path, net):
    data = yaml.safe_load(yaml.safe_dump(BASE))
    data["concern"] = ["People's Republic of China"]
    data["demand"][0].update(member=" usa ", item="GaLLium".lower())
    data["projects"][0]["partners"] = {"United States": 0.6, "jp": 0.4}
    data["sources"].append({"id": "kr", "item": "gallium", "country": "Korea, Rep.",
                            "capacity": 5, "cost": 1})
    problem = load_problem(write(tmp_path, data), net)
    assert problem.concern == ["CHN"] and problem.demand[0].member == "USA"
    assert problem.projects[0].partners == {"USA": 0.6, "JPN": 0.4}
    assert problem.sources[1].country == "KOR"


def test_item_alias_resolves(tmp_path, net):
    data = yaml.safe_load(yaml.safe_dump(BASE))
    data["demand"].append({"member": "USA", "item": "ndpr", "quantity": 1})
    assert load_problem(write(tmp_path, data), net).demand[-1].item == "ndpr_oxide"


def test_concern_group_resolves_to_members(tmp_path, net):
    problem = load_problem(write(tmp_path, {**BASE, "concern": "countries_of_concern"}), net)
    assert problem.concern == ["CHN", "HKG", "MAC"]


@pytest.mark.parametrize(("change", "key", "reason"), [
    (lambda d: d["demand"][0].update(item="unobtainium"), "demand[0].item", "unknown item"),
    (lambda d: d["sources"][0].update(country="Atlantis"), "sources[0].country",
     "unknown country"),
    (lambda d: d["projects"][0].update(capacity=-5), "projects[0].capacity",
     "greater than or equal to 0"),
    (lambda d: d["sources"][0].update(cost=-1), "sources[0].cost", "greater than or equal"),
    (lambda d: d["targets"][0].update(limit=1.5), "targets[0].limit", "less than or equal"),
    (lambda d: d.update(years=[2026, 2028]), "years", "consecutive"),
    (lambda d: d["scenarios"][1].update(probability=0.5), "scenarios", "add up to 1.2"),
    (lambda d: d["targets"].append({"kind": "min_domestic_share", "item": "gallium",
                                    "member": "KOR", "limit": 0.5}),
     "targets[1].member", "KOR has no demand for gallium"),
    (lambda d: d["projects"][0].update(partners={"USA": 0.5}), "projects[0]", "add up to 0.5"),
    (lambda d: d["demand"][0].update(year=2040), "demand[0].year", "outside the horizon"),
    (lambda d: d.update(colour="red"), "colour", "unknown key"),
    (lambda d: d["scenarios"][1]["outages"][0].update(fraction=2), "fraction", "less than"),
    (lambda d: d.update(concern="no_such_group"), "concern", "unknown country or group"),
    (lambda d: d["sources"].append({**d["sources"][0]}), "sources[1].id", "already used"),
    (lambda d: d["demand"][0].update(item="rare_earths"), "demand[0].item", "ambiguous"),
    (lambda d: d["demand"][0].update(member="World"), "demand[0].member", "is a region"),
    (lambda d: d["targets"][0].update(to=2026), "targets[0].to", "before from 2027"),
    (lambda d: d["scenarios"][1].update({"from": 2035}), "scenarios[1].from",
     "outside the horizon"),
    (lambda d: d["projects"][0].update(earliest_build=2031), "projects[0].earliest_build",
     "after the last year"),
    (lambda d: d["scenarios"][0].pop("probability"), "scenarios", "for every scenario or"),
    (lambda d: d["projects"][0].update(latest_build=2020), "projects[0].latest_build",
     "before 2026"),
    (lambda d: d["projects"][0].update(colour="red"), "projects[0].colour", "unknown key"),
    (lambda d: d["targets"][0].update(member="USA"), "targets[0]", "remove member"),
    (lambda d: d["targets"].append({"kind": "min_domestic_share", "item": "gallium",
                                    "limit": 0.5}), "targets[1]", "needs a member"),
    (lambda d: d["targets"][0].update(kind="max_everything"), "targets[0].kind", "Input should"),
    (lambda d: d.update(discount_rate=-0.1), "discount_rate", "greater than or equal"),
    (lambda d: d.update(years=[]), "years", "at least 1"),
    # issue 20's keys: chains, inventory, shortfall rule, priorities, recycling, simulator
    (lambda d: d.update(chain={"recipes": [{"output": "gallium_nitride", "input": "gallium",
                                            "quantity": 0}]}),
     "chain.recipes[0].quantity", "greater than 0"),
    (lambda d: d.update(chain={"recipes": [{"output": "gallium", "input": "gallium",
                                            "quantity": 1}]}),
     "chain.recipes[0].input", "input of itself"),
    (lambda d: d.update(chain={"recipes": [{"output": "unobtainium", "input": "gallium",
                                            "quantity": 1}]}),
     "chain.recipes[0].output", "unknown item"),
    (lambda d: d.update(chain={"recipes": [{"output": "gallium_nitride", "input": "gallium",
                                            "quantity": 1}]}),
     "chain.recipes[0].output", "not in the problem"),
    (lambda d: d.update(chain={"recipes": "everything"}), "chain.recipes", "Input should"),
    (lambda d: d.update(inventory=[{"item": "gallium", "holding_cost": 1},
                                   {"item": "Gallium", "holding_cost": 2}]),
     "inventory[1].item", "already in inventory[0]"),
    (lambda d: d.update(inventory=[{"item": "gallium", "holding_cost": 1, "initial": 5,
                                    "capacity": 2}]), "inventory[0].initial", "above the"),
    (lambda d: d.update(inventory=[{"item": "gallium", "holding_cost": -1}]),
     "inventory[0].holding_cost", "greater than or equal"),
    (lambda d: d.update(shortfall={"priorities": {"KOR": 1}}), "shortfall.priorities.KOR",
     "no demand"),
    (lambda d: d.update(shortfall={"priorities": {"USA": 101}}), "shortfall", "within 0-100"),
    (lambda d: d.update(shortfall={"rule": "lottery"}), "shortfall.rule", "Input should"),
    (lambda d: d["scenarios"][1].update(unmet_penalty={"germanium": 5}),
     "scenarios[1].unmet_penalty.germanium", "no member has demand"),
    (lambda d: d["scenarios"][1].update(unmet_penalty={"gallium": -5}), "scenarios[1]",
     "unmet_penalty of gallium"),
    (lambda d: d["projects"][0].update(capacity=float("nan")), "projects[0].capacity",
     "finite number"),
    (lambda d: d["projects"][0].update(capex=float("inf")), "projects[0].capex",
     "finite number"),
    (lambda d: d["sources"][0].update(capacity=1e300), "sources[0].capacity",
     "beyond the largest accepted magnitude"),
    (lambda d: d["scenarios"][1].update(unmet_penalty={"gallium": 1e300}),
     "scenarios[1].unmet_penalty.gallium", "beyond the largest accepted magnitude"),
    (lambda d: d.update(inventory=[{"item": "gallium", "holding_cost": True}]),
     "inventory[0]", "holding_cost: true is not a number"),
    (lambda d: d["projects"][0].update(kind="magic"), "projects[0].kind", "Input should"),
    (lambda d: d["targets"][0].update(priority=-1), "targets[0].priority",
     "greater than or equal"),
    (lambda d: d["targets"][0].update(kind="min_recycled_share", item="germanium"),
     "targets[0].item", "no member has demand"),
    (lambda d: d.update(stockpiles=[{"id": "r", "item": "gallium", "member": "USA",
                                     "max_quantity": 5, "cost": 1, "release": "whenever"}]),
     "stockpiles[0].release", "Input should"),
    (lambda d: d["scenarios"][1].update(simulate={"library": "coalition-ban",
                                                  "file": "x.yaml"}),
     "scenarios[1].simulate", "exactly one of library or file"),
    (lambda d: d["scenarios"][1].update(simulate={"library": "coalition-ban"}),
     "scenarios[1]", "remove outages"),
    (lambda d: d["scenarios"][1].update(outages=[], simulate={"library": "coalition-ban",
                                                              "ensemble": 3, "bins": 5}),
     "scenarios[1].simulate", "bins (5) cannot exceed"),
    (lambda d: d.update(years=[1200]), "years[0]", "greater than or equal to 1900"),
])
def test_bad_input_names_file_and_key(tmp_path, net, change, key, reason):
    data = yaml.safe_load(yaml.safe_dump(BASE))
    change(data)
    messages = errors_of(tmp_path, net, data)
    assert any("problem.yaml" in m and key in m and reason in m for m in messages), messages


def test_errors_give_the_yaml_line(tmp_path, net):
    path = tmp_path / "problem.yaml"
    path.write_text("name: t\nyears: [2026]\nconcern: [CHN]\ndemand:\n"
                    "  - {member: USA, item: gallium, quantity: 5}\n"
                    "  - member: Atlantis\n    item: gallium\n    quantity: -1\n",
                    encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        load_problem(path, net)
    assert [str(e) for e in caught.value.errors] == [
        f"{path} row 8, field 'demand[1].quantity': Input should be greater than or equal to 0"]
    path.write_text(path.read_text().replace("quantity: -1", "quantity: 1"), encoding="utf-8")
    with pytest.raises(ValidationError, match=r"row 6, field 'demand\[1\]\.member'"):
        load_problem(path, net)


def test_all_problems_are_collected(tmp_path, net):
    data = yaml.safe_load(yaml.safe_dump(BASE))
    data["demand"][0]["item"] = "unobtainium"
    data["sources"][0]["country"] = "Atlantis"
    assert len(errors_of(tmp_path, net, data)) == 2


def test_not_yaml_and_not_a_mapping(tmp_path, net):
    path = tmp_path / "problem.yaml"
    path.write_text("name: [unclosed\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="not valid YAML"):
        load_problem(path, net)
    path.write_text("- a list\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="mapping"):
        load_problem(path, net)


def test_duplicate_yaml_keys_are_refused(tmp_path, net):
    path = tmp_path / "problem.yaml"
    path.write_text("name: t\nyears: [2026]\nconcern: [CHN]\n"
                    "demand: [{member: USA, item: gallium, quantity: 5}]\n"
                    "unmet_penalty: 10\nunmet_penalty: 1\n"
                    "sources: [{id: a, item: gallium, country: JPN, capacity: 5, cost: 1}]\n",
                    encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        load_problem(path, net)
    assert [str(e) for e in caught.value.errors] == [
        f"{path} row 6, field 'unmet_penalty': duplicate key 'unmet_penalty' (first on line 5)"]
    path.write_text("name: t\nyears: [2026]\nconcern: [CHN]\n"
                    "demand: [{member: USA, item: gallium, quantity: 5}]\n"
                    "sources: [{id: a, item: gallium, country: JPN, capacity: 5, cost: 1,"
                    " cost: 0}]\n", encoding="utf-8")
    with pytest.raises(ValidationError, match=r"row 5, field 'sources\[0\]\.cost': duplicate key"):
        load_problem(path, net)


def test_recipe_cycle_is_refused(tmp_path, net):
    data = yaml.safe_load(yaml.safe_dump(BASE))
    data["sources"].append({"id": "gan", "item": "gallium_nitride", "country": "JPN",
                            "capacity": 5, "cost": 1})
    data["chain"] = {"recipes": [{"output": "gallium_nitride", "input": "gallium", "quantity": 2},
                                 {"output": "gallium", "input": "gallium_nitride",
                                  "quantity": 0.5}]}
    messages = errors_of(tmp_path, net, data)
    assert any("chain.recipes" in m and "cycle" in m for m in messages), messages
