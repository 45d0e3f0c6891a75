"""The online loss tally equals the summary computed from the whole series; streamed runs
keep O(n) memory and send every step to the sink once."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from paxsilica.errors import ParameterError
from paxsilica.simulate.network import SimNetwork
from paxsilica.simulate.recorder import RECOVERED, LossTally, SeriesRecorder
from paxsilica.simulate.run import prepare, run_prepared
from paxsilica.simulate.scenario import scenario_from_dict


def _reference_summary(baseline: np.ndarray, production: np.ndarray) -> dict:
    """The summary as the whole-series formulas define it (an independent oracle)."""
    loss = 1.0 - np.divide(production, baseline, out=np.ones_like(production), where=baseline > 0)
    loss[np.abs(loss) < 1e-12] = 0.0
    hit = loss > RECOVERED
    days = len(production)
    recover = []
    for column in hit.T:
        steps = np.flatnonzero(column)
        recover.append(0 if steps.size == 0 else None if steps[-1] == days - 1 else int(steps[-1] + 1 - steps[0]))
    return {"shortfall": (baseline - production).sum(axis=0), "peak": np.maximum(loss.max(axis=0), 0.0),
            "recover": recover}


def test_tally_equals_the_whole_series_formulas():
    rng = np.random.default_rng(5)
    baseline = np.array([10.0, 4.0, 0.0, 7.0, 3.0])
    production = baseline * (1 - rng.uniform(-1e-4, 5e-4, (50, 5)))
    production[7, 0] = baseline[0] * (1 - 1e-13)   # rounding of the steady state, not a loss
    production[10:20, 1] = 2.0       # a dip that recovers
    production[45:, 3] = 1.0         # hit at the end: not recovered
    production[:, 2] = 0.0           # zero baseline: never a loss
    tally = LossTally.of_series(baseline, production)
    expected = _reference_summary(baseline, production)
    assert np.array_equal(tally.shortfall, expected["shortfall"])
    assert np.array_equal(tally.peak, expected["peak"])
    assert tally.recovery_days(50) == expected["recover"]
    assert expected["recover"][1] == 10 and expected["recover"][3] is None


def test_recorder_chunks_reach_the_sink_in_order(monkeypatch):
    import paxsilica.simulate.recorder as recorder

    monkeypatch.setattr(recorder, "CHUNK_VALUES", 6)  # 2 steps of 3 values per chunk
    received = []
    keeper = SeriesRecorder(5, 3, sink=lambda first, block: received.append((first, block.copy())), keep=True)
    for t in range(5):
        keeper.add(t, np.full(3, float(t)))
    keeper.flush()
    assert [first for first, _ in received] == [0, 2, 4]
    assert np.array_equal(np.vstack([block for _, block in received]), keeper.production)


def _network():
    rng = np.random.default_rng(2)
    regions, sectors = ["A", "B", "C"], ["ore", "metal", "chip"]
    labels = pd.MultiIndex.from_product([regions, sectors])
    z = rng.lognormal(size=(9, 9))
    final = np.eye(3)[np.repeat(np.arange(3), 3)] * (z.sum(axis=0) / 0.6)[:, None]
    return SimNetwork.from_arrays(list(labels.get_level_values(0)), list(labels.get_level_values(1)),
                                  sp.csr_matrix(z), final)


SCENARIO = {"name": "cut", "days": 80, "events": [
    {"kind": "capacity_loss", "region": "B", "sector": "metal", "fraction": 0.6, "start": 3, "recovery": 30},
    {"kind": "export_ban", "exporters": ["A"], "importers": ["C"], "items": ["ore"], "start": 10, "end": 40}]}


@pytest.mark.parametrize("series", ["industries", "regions", "none"])
def test_streamed_run_equals_the_in_memory_run(series):
    net = _network()
    prepared = prepare(net, scenario_from_dict(SCENARIO))
    whole = run_prepared(*prepared)
    chunks = []
    streamed = run_prepared(*prepared, series=series, keep=False,
                            sink=lambda first, block: chunks.append((first, block.copy())))
    assert streamed.production is None and streamed.days == 80
    pd.testing.assert_frame_equal(streamed.summary(), whole.summary())
    if series == "none":
        assert chunks == []
        return
    rows = np.vstack([block for _, block in chunks])
    expected = whole.production if series == "industries" else whole.regional().to_numpy()
    assert np.allclose(rows, expected, rtol=1e-13)


def test_unknown_series_is_a_parameter_error():
    prepared = prepare(_network(), scenario_from_dict(SCENARIO))
    with pytest.raises(ParameterError, match="series"):
        run_prepared(*prepared, series="sectors")  # type: ignore[arg-type]
