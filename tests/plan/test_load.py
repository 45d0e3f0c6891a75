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
