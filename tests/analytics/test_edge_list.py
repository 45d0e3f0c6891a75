"""Edge lists streamed from Parquet: the same network as the in-memory build, named errors,
fuzzed files, and the large-network weighted matrix equal to the sparse product."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from paxsilica.analytics import multitier
from paxsilica.analytics.edge_list import sourcing_network_from_parquet
from paxsilica.analytics.multitier import at_risk, weighted_matrix
from paxsilica.analytics.network import sourcing_network_from_edges
from paxsilica.errors import ValidationError


def _network(nodes: int = 300, edges: int = 3000, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A layered random supply network with repeated links and text item ids."""
    rng = np.random.default_rng(seed)
    layer = np.arange(nodes) * 5 // nodes
    buyer = rng.choice(np.flatnonzero(layer > 0), edges)
    supplier = np.array([rng.choice(np.flatnonzero(layer == layer[b] - 1)) for b in buyer])
    frame = pd.DataFrame({"buyer": buyer, "supplier": supplier,
                          "input_item": [f"item{layer[b]}-{k}" for b, k in zip(buyer, rng.integers(0, 3, edges),
                                                                              strict=True)],
                          "share": rng.random(edges), "essential": rng.random(edges) < 0.8,
                          "quantity": rng.uniform(0.5, 2.0, edges)})
    frame = pd.concat([frame, frame.iloc[:50]], ignore_index=True)  # the same link twice
    table = pd.DataFrame({"node": [f"n{i}" for i in range(nodes)], "country": rng.choice(["CHN", "JPN", "USA"], nodes)})
    return table, frame


def _write(frame: pd.DataFrame, path, rows: int = 700) -> None:
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path, row_group_size=rows)


def test_parquet_network_equals_the_in_memory_one(tmp_path):
    nodes, edges = _network()
    _write(edges, tmp_path / "e.parquet")
    streamed = sourcing_network_from_parquet(nodes, tmp_path / "e.parquet", batch_rows=333)
    built = sourcing_network_from_edges(nodes, edges)
    pd.testing.assert_frame_equal(streamed.groups, built.groups)
    assert abs(streamed.links - built.links).max() < 1e-15
    assert np.allclose(np.asarray(streamed.links.sum(axis=1)).ravel(), 1.0)


@pytest.mark.parametrize(("change", "field", "row"), [
    (lambda e: e.assign(buyer=e["buyer"].where(e.index != 7, 10_000)), "buyer", 8),
    (lambda e: e.assign(supplier=e["supplier"].where(e.index != 0, -1)), "supplier", 1),
    (lambda e: e.assign(share=e["share"].where(e.index != 12, np.nan)), "share", 13),
    (lambda e: e.assign(share=e["share"].where(e.index != 5, -0.5)), "share", 6),
    (lambda e: e.assign(share=e["share"].where(e.index != 3, np.inf)), "share", 4),
    (lambda e: e.drop(columns="share"), "share", None),
    (lambda e: e.assign(buyer=e["buyer"].astype(str)), "buyer", None),
])
def test_bad_edges_are_named_by_file_row_and_column(tmp_path, change, field, row):
    nodes, edges = _network()
    _write(change(edges), tmp_path / "bad.parquet")
    with pytest.raises(ValidationError) as caught:
        sourcing_network_from_parquet(nodes, tmp_path / "bad.parquet", batch_rows=4)
    error = caught.value.errors[0]
    assert (error.file, error.field) == (str(tmp_path / "bad.parquet"), field)
    assert error.row == row


def test_not_a_parquet_file_is_named(tmp_path):
    (tmp_path / "x.parquet").write_text("buyer,supplier\n1,2\n")
    with pytest.raises(ValidationError, match="not a readable Parquet file"):
        sourcing_network_from_parquet(pd.DataFrame({"node": ["a"], "country": ["CHN"]}), tmp_path / "x.parquet")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(st.integers(-2, 6), st.integers(-2, 6), st.sampled_from(["a", "b", ""]),
                               st.floats(allow_nan=True, allow_infinity=True)), min_size=0, max_size=25))
@example(rows=[(0, 0, "a", 2.225073858507203e-309)])  # found by this test: 1/subnormal sum was inf
@example(rows=[(0, 1, "a", 1.5e308), (0, 2, "a", 1.5e308)])  # a sum beyond the largest float
def test_fuzzed_edge_lists_give_a_clean_error_or_a_valid_network(tmp_path_factory, rows):
    path = tmp_path_factory.mktemp("fuzz") / "e.parquet"
    frame = pd.DataFrame(rows, columns=["buyer", "supplier", "input_item", "share"]).astype(
        {"buyer": "int64", "supplier": "int64", "share": "float64"})
    _write(frame, path)
    nodes = pd.DataFrame({"node": [f"n{i}" for i in range(5)], "country": ["CHN"] * 5})
    try:
        snet = sourcing_network_from_parquet(nodes, path, batch_rows=7)
    except ValidationError as error:
        assert str(path) in str(error)
        return
    sums = np.asarray(snet.links.sum(axis=1)).ravel()
    assert np.all(np.isclose(sums, 1.0) | (sums == 0)) and np.isfinite(snet.links.data).all()


def test_large_network_weighted_matrix_equals_the_product(monkeypatch):
    nodes, edges = _network(nodes=400, edges=5000, seed=2)
    snet = sourcing_network_from_edges(nodes, edges)
    product = weighted_matrix(snet)
    monkeypatch.setattr(multitier, "DIRECT_W_NNZ", 0)
    direct = weighted_matrix(snet)
    vector = np.random.default_rng(0).random(len(nodes))
    assert np.allclose(direct @ vector, product @ vector, rtol=1e-14)
    assert abs(direct - product).max() < 1e-14
    concern = (nodes["country"] == "CHN").to_numpy()
    risk = at_risk(snet, concern, mode="weighted")
    monkeypatch.setattr(multitier, "DIRECT_W_NNZ", 10**12)
    assert np.allclose(risk, at_risk(snet, concern, mode="weighted"), rtol=1e-12)
    assert risk[concern].min() == 1.0 and 0 < risk[~concern].max() < 1
