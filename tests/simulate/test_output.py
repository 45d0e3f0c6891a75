"""Result files: JSON, Parquet and CSV written column-wise equal the in-memory result."""

from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from paxsilica.simulate.network import SimNetwork
from paxsilica.simulate.output import ResultWriter, SeriesMoney, write_result
from paxsilica.simulate.run import prepare, run_prepared
from paxsilica.simulate.scenario import scenario_from_dict


@pytest.fixture(scope="module")
def run():
    rng = np.random.default_rng(4)
    regions = ["=A", "B", "C"]   # a label a spreadsheet would run as a formula
    labels = pd.MultiIndex.from_product([regions, ["ore", "chip"]])
    z = rng.lognormal(size=(6, 6))
    final = np.eye(3)[np.repeat(np.arange(3), 2)] * (z.sum(axis=0) / 0.6)[:, None]
    net = SimNetwork.from_arrays(list(labels.get_level_values(0)), list(labels.get_level_values(1)),
                                 sp.csr_matrix(z), final, final_regions=regions)
    scenario = scenario_from_dict({"name": "cut", "days": 30, "events": [
        {"kind": "capacity_loss", "region": "B", "sector": "ore", "fraction": 0.5, "start": 2, "recovery": 10}]})
    prepared = prepare(net, scenario)
    return net, prepared, run_prepared(*prepared)


def _streamed(run, fmt, series, raw=False):
    net, prepared, result = run
    out = io.BytesIO()
    writer = ResultWriter(fmt, out, scenario="cut", days=30, industries=net.industries, regions=net.regions,
                          series=series, raw=raw, money=SeriesMoney.of(result))
    writer.finish(run_prepared(*prepared, series=series, sink=writer.rows, keep=False))
    return out.getvalue()


def test_json_equals_the_dict_document(run):
    document = json.loads(_streamed(run, "json", "industries"))
    expected = run[2].to_json_dict()
    assert list(document)[:4] == ["scenario", "days", "series", "summary"]
    assert set(document) == set(expected)
    assert document == json.loads(json.dumps(expected))
    # the streamed series carries the day's money like the in-memory one
    assert {"loss_usd", "value_added_loss_usd"} <= set(document["series"][0])


def test_json_regions_and_none(run):
    regional = json.loads(_streamed(run, "json", "regions"))["series"]
    expected = run[2].regional()
    assert len(regional) == 30 * 3
    assert regional[3] == {"step": 1, "region": "=A", "production": pytest.approx(expected.iloc[1]["=A"], rel=1e-13)}
    assert json.loads(_streamed(run, "json", "none"))["series"] == []


def test_parquet_and_csv_equal_the_series(run):
    series = run[2].series()
    table = pd.read_parquet(io.BytesIO(_streamed(run, "parquet", "industries")))
    assert table.astype({"region": str, "sector": str}).equals(series)
    text = _streamed(run, "csv", "industries").decode()
    assert text.splitlines()[0] == "step,region,sector,production,loss_usd,value_added_loss_usd"
    read = pd.read_csv(io.StringIO(text))
    assert read["region"].iloc[0] == "'=A"                      # guarded against formulas
    assert np.array_equal(read["production"].to_numpy(), series["production"].to_numpy())
    raw = pd.read_csv(io.StringIO(_streamed(run, "csv", "industries", raw=True).decode()))
    assert raw["region"].iloc[0] == "=A"


def test_no_series_writes_the_summary(run):
    summary = run[2].summary()
    table = pd.read_parquet(io.BytesIO(_streamed(run, "parquet", "none")))
    assert list(table.columns) == list(summary.columns)
    assert np.array_equal(table["production_loss"].to_numpy(), summary["production_loss"].to_numpy())
    csv = pd.read_csv(io.StringIO(_streamed(run, "csv", "none").decode()))
    assert len(csv) == 6 and csv["region"].iloc[0] == "'=A"


def test_write_result_from_memory_equals_streaming(run):
    out = io.BytesIO()
    write_result(run[2], out, "json", series="regions", regions=run[0].regions)
    assert json.loads(out.getvalue()) == json.loads(_streamed(run, "json", "regions"))


def test_dict_document_has_the_series_asked(run):
    streamed = json.loads(_streamed(run, "json", "regions"))
    assert json.loads(json.dumps(run[2].to_json_dict("regions"))) == streamed
    assert run[2].to_json_dict("none")["series"] == []
