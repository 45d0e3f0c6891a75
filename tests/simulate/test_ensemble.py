"""Ensembles: reproducible members, Parquet streaming and resume, Dask clusters."""

import numpy as np
import pytest
import scipy.sparse as sp

from paxsilica.simulate.ensemble import collect, draw_parameters, run_ensemble
from paxsilica.simulate.network import SimNetwork
from paxsilica.simulate.scenario import scenario_from_dict


def _net():
    z = np.array([[0.0, 2190.0], [0.0, 0.0]])
    return SimNetwork.from_arrays(["A", "B"], ["ore", "chip"], sp.csr_matrix(z),
                                  np.array([[100.0, 0.0], [0.0, 3650.0]]), final_regions=["A", "B"])


SCENARIO = {"name": "ens", "days": 60, "model": {"inventory_days": 20},
            "events": [{"kind": "export_ban", "exporters": ["A"], "importers": ["B"], "start": 5,
                        "end": 40}],
            "uncertain": {"inventory_days": {"uniform": [5, 40]},
                          "events.0.ramp_up": {"triangular": [0, 10, 60]}}}


def test_members_are_reproducible_and_resume(tmp_path):
    scenario = scenario_from_dict(SCENARIO)
    assert draw_parameters(scenario, 3, seed=1) == draw_parameters(scenario, 3, seed=1)
    assert draw_parameters(scenario, 3, seed=1) != draw_parameters(scenario, 4, seed=1)
    first = run_ensemble(_net(), scenario, members=3, folder=tmp_path, scheduler="synchronous")
    stamps = {p.name: p.stat().st_mtime_ns for p in first.folder.glob("member-*.parquet")}
    calls = []
    full = run_ensemble(_net(), scenario, members=6, folder=tmp_path, scheduler="synchronous",
                        progress=calls.append)
    # the three stored members were not run again; three new ones were
    assert full.folder == first.folder
    assert {p.name: p.stat().st_mtime_ns for p in full.folder.glob("member-*.parquet")
            if p.name in stamps} == stamps
    assert sum(calls) == 6 and calls[0] == 3
    assert sorted(full.members["member"].unique()) == list(range(6))
    kept = full.members[full.members["member"] < 3].reset_index(drop=True)
    assert np.allclose(kept["production"], first.members["production"])
    bands = full.bands[full.bands["region"] == "B"]
    assert (bands["p5"] <= bands["p50"] + 1e-12).all() and (bands["p50"] <= bands["p95"] + 1e-12).all()
    assert bands["p95"].max() > 0.1  # the ban bites in some members


def test_local_cluster_and_scheduler_address(tmp_path):
    from dask.distributed import LocalCluster

    scenario = scenario_from_dict(SCENARIO)
    local = run_ensemble(_net(), scenario, members=4, folder=tmp_path / "local", workers=2)
    with LocalCluster(n_workers=1, processes=False, dashboard_address=None) as cluster:
        remote = run_ensemble(_net(), scenario, members=4, folder=tmp_path / "remote",
                              scheduler=cluster.scheduler_address)
    a = local.members.sort_values(["member", "step", "region"]).reset_index(drop=True)
    b = remote.members.sort_values(["member", "step", "region"]).reset_index(drop=True)
    assert np.allclose(a["production"], b["production"])
    assert len(collect(local.folder).draws) == 4


def test_unreachable_scheduler_is_a_clear_error(tmp_path):
    from paxsilica.errors import ValidationError

    with pytest.raises(ValidationError, match="scheduler"):
        run_ensemble(_net(), scenario_from_dict(SCENARIO), members=2, folder=tmp_path,
                     scheduler="tcp://127.0.0.1:1")


def test_an_interrupted_run_resumes_where_it_stopped(tmp_path):
    scenario = scenario_from_dict(SCENARIO)

    class StopError(Exception):
        pass

    done = []

    def stop_after_two(count):
        done.append(count)
        if sum(done) == 2:
            raise StopError

    with pytest.raises(StopError):
        run_ensemble(_net(), scenario, members=5, folder=tmp_path, scheduler="synchronous",
                     progress=stop_after_two)
    # two complete member files, no half-written one, in the run's folder
    (run,) = tmp_path.iterdir()
    assert sorted(p.name for p in run.iterdir()) == ["member-00000.parquet", "member-00001.parquet",
                                                      "run.json"]
    resumed = run_ensemble(_net(), scenario, members=5, folder=tmp_path, scheduler="synchronous")
    fresh = run_ensemble(_net(), scenario, members=5, folder=tmp_path / "fresh", scheduler="synchronous")
    a = resumed.members.sort_values(["member", "step", "region"]).reset_index(drop=True)
    b = fresh.members.sort_values(["member", "step", "region"]).reset_index(drop=True)
    assert np.allclose(a["production"], b["production"])


def test_bad_ensemble_input_writes_nothing(tmp_path):
    from paxsilica.errors import ValidationError

    bad = {**SCENARIO, "events": [{**SCENARIO["events"][0], "exporters": ["ATLANTIS"]}]}
    with pytest.raises(ValidationError, match="ATLANTIS"):
        run_ensemble(_net(), scenario_from_dict(bad), members=2, folder=tmp_path / "out",
                     scheduler="synchronous")
    assert not (tmp_path / "out").exists()


def test_members_draw_the_cited_data_ranges(tmp_path):
    from paxsilica.model.network import StackNetwork
    from paxsilica.simulate.ensemble import data_ranges
    from paxsilica.simulate.stack import stack_network
    from paxsilica.store import open_store

    sim, _ = stack_network(StackNetwork.from_store(open_store(":memory:")))
    ranges = data_ranges(sim)
    low, value, high = ranges["data.gallium.price"]
    assert low <= value <= high and low < high  # a cited range around the cited value
    scenario = scenario_from_dict({"name": "ga", "days": 30, "events": [
        {"kind": "export_ban", "exporters": ["CHN"], "importers": ["all"], "items": ["gallium"], "start": 0}]})
    result = run_ensemble(sim, scenario, members=4, folder=tmp_path, scheduler="synchronous")
    prices = result.draws["data.gallium.price"]
    assert prices.between(low, high).all() and prices.nunique() == 4
    bands = result.item_bands.set_index(["item", "measure"])
    assert list(result.item_bands.columns) == ["item", "measure", "p5", "p50", "p95"]
    gallium = bands.loc[("gallium", "loss_usd")]
    assert gallium["p5"] < gallium["p95"]  # the price range alone spreads the value lost
    # the same lost kilograms in every member: the spread is the price's
    lost = result.items[result.items["item"] == "gallium"]["loss_usd"].to_numpy()
    drawn = result.draws.set_index("member").loc[result.items[result.items["item"] == "gallium"]["member"],
                                                 "data.gallium.price"].to_numpy()
    assert np.allclose(lost / drawn, (lost / drawn)[0], rtol=1e-6)
    plain = run_ensemble(sim, scenario, members=2, folder=tmp_path / "plain", scheduler="synchronous",
                         draw_data=False)
    assert not any(c.startswith("data.") for c in plain.draws.columns)
