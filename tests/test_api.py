"""The public API: every name of paxsilica.__all__ resolves; front ends call the library."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import paxsilica as px

PACKAGE = Path(px.__file__).parent


def test_every_public_name_resolves_to_its_module():
    for name in px.__all__:
        assert getattr(px, name) is not None, name
    for name, module in px.API.items():
        assert getattr(px, name).__module__.startswith(module), name


def test_done_when_example_prints_china_share(tmp_path):
    code = ("import paxsilica as px; s = px.open_store(r'%s'); net = px.StackNetwork.from_store(s); "
            "print(px.exposure(net, item='rare_earth_oxide', stage='mine', year=2024))"
            % (tmp_path / "p.duckdb"))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    first = out.stdout.splitlines()[1].split()
    assert first[1:3] == ["CHN", "0.685366"]


def test_report_sections_render_without_computing():
    # sections import no analytics function: the tables come from report.data (the API)
    for path in (PACKAGE / "report" / "sections").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(
                    "paxsilica.analytics"):
                assert [alias.name for alias in node.names] == ["GLOBAL_POOL"], path.name


def test_library_errors_do_not_name_command_line_flags():
    import pytest

    net = px.StackNetwork.from_store(px.open_store(":memory:"))
    with pytest.raises(px.PaxsilicaError) as info:
        px.chokepoints(net, top=0)
    assert "--" not in str(info.value)
    with pytest.raises(px.ParameterError) as info:
        px.criticality("m.csv", method="nope")
    assert "--" not in str(info.value)


def test_every_question_has_its_request_and_answer_in_the_api():
    from paxsilica.requests import REQUESTS

    for name, module in REQUESTS.items():
        if name != "Request":
            assert px.API.get(name) == module, name
    from paxsilica.requests.base import Request

    assert all(issubclass(getattr(px, name), Request) for name in px.API if name.endswith("Request"))


def test_simulate_and_plan_through_px(tmp_path):
    net = px.StackNetwork.from_store(px.open_store(":memory:"))
    result = px.answer_simulate(net, px.SimulateRequest(scenario="coalition-ban", days=3))
    losses = result.summary()["loss_share"]
    assert result.days == 3 and 0 < losses.max() <= 1 and losses.notna().all()
    problem = {"name": "x", "years": [2026], "concern": ["CHN"],
               "demand": [{"member": "USA", "item": "gallium", "quantity": 10}],
               "sources": [{"id": "s", "item": "gallium", "country": "JPN", "capacity": 20,
                            "cost": 3}]}
    answer = px.answer_plan(net, px.PlanRequest(problem=problem))
    # 10 units from the only source at 3 each (hand-worked)
    assert (answer.result.status, answer.result.objective) == ("optimal", 30.0)
    path = tmp_path / "s.yaml"
    path.write_text("name: s\ndays: 4\nevents: []\n", encoding="utf-8")
    assert px.load_scenario(path).days == 4
    assert callable(px.run_ensemble) and callable(px.load_problem)
    assert px.simulate.__name__ == "paxsilica.simulate"  # the subpackage, not a function
