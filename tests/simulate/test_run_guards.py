"""A run never answers NaN and never allocates for absurd lengths (issue 22.4/22.5)."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from paxsilica.errors import ParameterError, SolverError, ValidationError
from paxsilica.simulate.events import compile_events
from paxsilica.simulate.network import SimNetwork
from paxsilica.simulate.run import check_days, model_params, simulate
from paxsilica.simulate.scenario import scenario_from_dict

EVENT = {"kind": "capacity_loss", "region": "A", "sector": "ore", "fraction": 0.5, "start": 2,
         "recovery": 3}


def _net() -> SimNetwork:
    return SimNetwork.from_arrays(["A", "A", "B"], ["ore", "chip", "ore"],
                                  sp.csr_matrix([[0, 5.0, 0], [0, 0, 0], [0, 1.0, 0]]),
                                  np.array([[1.0], [10.0], [2.0]]))


def test_a_step_that_overflows_stops_the_run_with_an_error():
    # a characteristic time of 1e-300 days makes the overproduction update explode
    scenario = scenario_from_dict({"name": "x", "days": 30, "model": {"alpha_tau": 1e-300},
                                   "events": [EVENT]})
    with pytest.raises(SolverError, match=r"step \d+: output of [AB]/\w+ is not a finite number"):
        simulate(_net(), scenario)


@pytest.mark.parametrize("days", [0, -1, 10**9, True, 2.5, "30"])
def test_days_are_whole_and_bounded(days):
    with pytest.raises(ParameterError, match="must be a whole number of days 1-36,500"):
        check_days(days)
    with pytest.raises(ParameterError):
        simulate(_net(), scenario_from_dict({"name": "x", "days": 5}), days=days)


def test_a_capacity_loss_that_hits_nothing_is_an_error_like_a_stockpile_release():
    net = _net()
    scenario = scenario_from_dict({"name": "x", "days": 10, "events": [
        {**EVENT, "region": "B", "sector": "chip"}]})  # B makes ore, not chips
    with pytest.raises(ValidationError, match=r"events.0.region': no industry of \['B'\] makes \['chip'\]"):
        compile_events(scenario, net, model_params(net, scenario.model))
    fine = scenario_from_dict({"name": "x", "days": 10, "events": [{**EVENT, "region": "B"}]})
    assert len(compile_events(fine, net, model_params(net, fine.model)).capacity) == 1
