"""The bundled example (rare earths, NdPr oxide, magnets): solves, meets Taiwan's target,
and its objective equals the cost recomputed from the answer's tables."""

from __future__ import annotations

from importlib import resources

import pytest

from paxsilica.plan import build, load_problem, solve

EXAMPLE = resources.files("paxsilica.data").joinpath("plans/ndpr_magnets.yaml")


@pytest.fixture(scope="module")
def example(net):
    problem = load_problem(EXAMPLE, net)
    return problem, solve(build(problem), forced_values=0)


def test_example_every_number_is_cited_or_marked():
    text = EXAMPLE.read_text(encoding="utf-8")
    body = [line for line in text.splitlines() if line.strip().startswith("- {")]
    assert body
    assert text.count("ILLUSTRATIVE") >= 10 and text.count("CITED") >= 5


def test_example_meets_taiwan_target_in_every_scenario(example):
    _, result = example
    assert result.status == "optimal"
    taiwan = result.targets[result.targets["target"] == "min_domestic_share:ndpr_oxide:TWN"]
    assert set(taiwan["scenario"]) == {"base", "controls_resume", "full_ban"}
    assert (taiwan["value"] >= 0.5 - 1e-9).all() and set(taiwan["year"]) == {2029, 2030, 2031}
    built = result.builds.set_index("project")
    assert built.loc["tw_itri_expansion", "online_from"] <= 2029
    home = result.flows[(result.flows["member"] == "TWN") & (result.flows["country"] == "TWN")
                        & (result.flows["year"] >= 2029)]
    assert (home.groupby(["scenario", "year"])["quantity"].sum() >= 0.75 - 1e-9).all()


def test_example_objective_is_the_cost_of_the_tables(example):
    problem, result = example
    weight = {s.name: s.probability for s in problem.scenarios}
    delta = {t: (1 + problem.discount_rate) ** -(t - problem.first_year) for t in problem.years}
    capex = sum(delta[b.year] * b.capex for b in result.builds.itertuples())
    flows = sum(weight[f.scenario] * delta[f.year] * f.quantity * f.cost
                for f in result.flows.itertuples())
    unmet = sum(weight[u.scenario] * delta[u.year] * u.quantity * problem.unmet_penalty
                for u in result.unmet.itertuples())
    stock = result.stockpiles["cost"].sum()
    assert capex + flows + unmet + stock == pytest.approx(result.objective, rel=1e-9)
