"""Stress-test: an ARIO disruption simulator (BoARIO's ``ARIOPsiModel``) with export bans,
licence regimes, chokepoint closures and stockpile releases, and Monte Carlo ensembles.

- :func:`simulate` runs one scenario on an MRIO folder or the stack network;
- :func:`run_ensemble` runs members with sampled uncertain parameters on Dask;
- :mod:`paxsilica.simulate.ario` is the pure kernel ``step(state, params, shocks)``.

See ``docs/simulate.md`` for the equations, parameters and references.
"""

from paxsilica.simulate.ensemble import EnsembleResult, run_ensemble
from paxsilica.simulate.result import SimulationResult
from paxsilica.simulate.run import simulate
from paxsilica.simulate.scenario import Scenario, load_scenario

__all__ = ["EnsembleResult", "Scenario", "SimulationResult", "load_scenario", "run_ensemble", "simulate"]
