"""Fuzzing the simulator's new inputs: scenario keys of the economy (event qualification and
substitution, economy tables, USD per unit) and item-to-industry mapping files. A clean error
naming the key, or a valid answer; never a traceback, NaN or hang."""

from dataclasses import replace

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from paxsilica.errors import PaxsilicaError, ValidationError
from paxsilica.simulate import simulate
from paxsilica.simulate.economy import _read_mapping
from paxsilica.simulate.network import SimNetwork
from paxsilica.simulate.scenario import scenario_from_dict

ODD = st.one_of(st.none(), st.booleans(), st.integers(-10**12, 10**12),
                st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=12),
                st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=4), st.integers(), max_size=2))


def _net():
    final = np.array([[0.0, 100.0, 0.0], [0.0, 100.0, 50.0]])
    net = SimNetwork.from_arrays(["A", "C"], ["ore", "ore"], sp.csr_matrix((2, 2)), final,
                                 final_regions=["A", "B", "C"])
    return replace(net, price=np.array([2.0, 2.0]), va_ratio=np.array([0.4, 0.4]))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(field=st.sampled_from(["qualification_days", "substitutable_share", "ramp_up", "usd_per_unit",
                              "economy", "qualification_scale"]), value=ODD)
def test_new_scenario_keys_give_a_clean_error_or_a_valid_run(field, value):
    event = {"kind": "export_ban", "exporters": ["A"], "importers": ["B"], "start": 0}
    document = {"name": "fuzz", "days": 5, "events": [event]}
    if field in {"qualification_days", "substitutable_share", "ramp_up"}:
        event[field] = value
    elif field == "usd_per_unit":
        document["network"] = {"usd_per_unit": value}
    elif field == "qualification_scale":
        document["model"] = {"qualification_scale": value}
    else:
        document["economy"] = value
    try:
        result = simulate(_net(), scenario_from_dict(document))
    except PaxsilicaError as exc:
        assert "Traceback" not in str(exc) and str(exc)
        return
    summary = result.summary()
    assert np.isfinite(summary["loss_share"]).all() and np.isfinite(result.production).all()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=200))
def test_mapping_files_give_a_clean_error_or_a_valid_table(tmp_path, text):
    path = tmp_path / "map.csv"
    path.write_text("item_id,sector,share\n" + text, encoding="utf-8")
    try:
        mapping = _read_mapping(path)
    except ValidationError as exc:
        assert str(path) in str(exc)
        return
    assert list(mapping.columns) == ["item_id", "sector", "share"]
    assert mapping["share"].between(0, 1).all()


@pytest.mark.parametrize("content", [
    "item_id,sector,share\ngallium,331,nan\n", "item_id,sector,share\ngallium,331,inf\n",
    "item_id,sector,share\ngallium,331,-0.5\n", "item_id,sektor\ngallium,331\n",
    "item_id,sector,share,share\ngallium,331,1,1\n",
])
def test_hostile_mapping_rows_are_refused_naming_the_file(tmp_path, content):
    path = tmp_path / "map.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValidationError, match=r"map\.csv"):
        _read_mapping(path)
