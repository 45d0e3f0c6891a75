"""The ARIO kernel: steady state and BoARIO's equations on small hand-checked cases."""

import numpy as np
import scipy.sparse as sp

from paxsilica.simulate.ario import Shocks, build_params, initial_state, step


def _two_sector():
    z = sp.csr_matrix(np.array([[10.0, 40.0], [30.0, 5.0]]))
    return build_params(z, np.array([50.0, 65.0]), np.array([0, 1]))


def test_no_event_keeps_steady_state():
    params = _two_sector()
    state = initial_state(params)
    for _ in range(400):
        state = step(state, params)
        assert np.max(np.abs(state.production / params.x0 - 1)) < 1e-6
    assert np.allclose(state.overprod, 1.0)


def test_capacity_loss_cuts_output_then_overproduction_rises():
    params = _two_sector()
    state = initial_state(params)
    loss = np.array([0.5, 0.0])
    for _ in range(3):
        state = step(state, params, Shocks(capacity_loss=loss))
    # output of the damaged industry is capped at half its capacity ...
    assert state.production[0] <= 0.5 * params.x0[0] * state.overprod[0] + 1e-12
    # ... and scarcity raises its overproduction factor above alpha_base
    assert state.overprod[0] > 1.0


def test_inventory_threshold_matches_boario():
    params = _two_sector()
    # stocks start at s_p days of use (no psi), constraint is psi * s_p days
    state = initial_state(params)
    use = params.tech * params.x0[params.stock_industry]
    assert np.allclose(state.stocks, 90 * use)
