"""Ensemble resume is keyed by a hash of the scenario and options (issue 22.3): another
scenario with the same name and folder never reuses members; a corrupt member file is an
error naming it; run sizes are bounded before any work."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from paxsilica.errors import ParameterError, ValidationError
from paxsilica.simulate.ensemble import collect, run_ensemble, run_key
from paxsilica.simulate.network import SimNetwork
from paxsilica.simulate.scenario import scenario_from_dict


def _net(scale: float = 1.0) -> SimNetwork:
    z = np.array([[0.0, 2190.0 * scale], [0.0, 0.0]])
    return SimNetwork.from_arrays(["A", "B"], ["ore", "chip"], sp.csr_matrix(z),
                                  np.array([[100.0, 0.0], [0.0, 3650.0]]), final_regions=["A", "B"])


def _scenario(fraction_high: float = 0.8) -> dict:
    return {"name": "same-name", "days": 30, "events": [
        {"kind": "capacity_loss", "region": "A", "sector": "ore", "fraction": 0.5, "start": 2}],
        "uncertain": {"events.0.fraction": {"uniform": [0.2, fraction_high]}}}


def test_another_scenario_with_the_same_name_and_folder_reuses_nothing(tmp_path):
    mild = run_ensemble(_net(), scenario_from_dict(_scenario(0.3)), members=3, folder=tmp_path,
                        scheduler="synchronous")
    calls = []
    harsh = run_ensemble(_net(), scenario_from_dict(_scenario(0.9)), members=3, folder=tmp_path,
                         scheduler="synchronous", progress=calls.append)
    assert harsh.folder != mild.folder and harsh.folder.parent == mild.folder.parent == tmp_path
    assert calls == [1, 1, 1]  # every member run again, none taken from the other run
    assert harsh.draws["events.0.fraction"].max() > 0.3 >= mild.draws["events.0.fraction"].max()
    again = run_ensemble(_net(), scenario_from_dict(_scenario(0.3)), members=3, folder=tmp_path,
                         scheduler="synchronous", progress=calls.append)
    assert again.folder == mild.folder and calls[-1] == 3  # the same run resumes: all stored


@pytest.mark.parametrize("change", [
    lambda s, net, seed, days: (scenario_from_dict({**_scenario(), "days": 31}), net, seed, days),
    lambda s, net, seed, days: (s, net, seed + 1, days),
    lambda s, net, seed, days: (s, net, seed, 20),
    lambda s, net, seed, days: (s, _net(1.01), seed, days),
])
def test_the_key_changes_with_everything_a_member_depends_on(change):
    base = (scenario_from_dict(_scenario()), _net(), 0, None)
    key = run_key(base[1], base[0], base[2], base[3])
    assert key == run_key(_net(), scenario_from_dict(_scenario()), 0, None)  # stable
    scenario, net, seed, days = change(*base)
    assert run_key(net, scenario, seed, days) != key


def test_a_corrupt_member_file_on_resume_is_an_error_naming_it(tmp_path):
    scenario = scenario_from_dict(_scenario())
    first = run_ensemble(_net(), scenario, members=2, folder=tmp_path, scheduler="synchronous")
    member = first.folder / "member-00001.parquet"
    member.write_bytes(member.read_bytes()[:40])  # truncated, as by a full disk
    with pytest.raises(ValidationError, match=r"member-00001\.parquet: not a readable member file"):
        run_ensemble(_net(), scenario, members=3, folder=tmp_path, scheduler="synchronous")
    member.unlink()  # as the message says: delete it and it is recomputed
    resumed = run_ensemble(_net(), scenario, members=3, folder=tmp_path, scheduler="synchronous")
    assert sorted(resumed.members["member"].unique()) == [0, 1, 2]
    (first.folder / "member-00002.parquet").write_text("not parquet")
    with pytest.raises(ValidationError, match=r"member-00002\.parquet"):
        collect(first.folder)


@pytest.mark.parametrize(("options", "field"), [
    ({"members": 0}, "ensemble"), ({"members": True}, "ensemble"),
    ({"workers": 0}, "workers"), ({"workers": 10_000}, "workers"),
    ({"days": 10**9}, "days"), ({"days": 0}, "days"),
])
def test_run_sizes_are_checked_before_any_work(tmp_path, options, field):
    with pytest.raises((ValidationError, ParameterError), match=field):
        run_ensemble(_net(), scenario_from_dict(_scenario()), folder=tmp_path / "out",
                     **{"members": 2, **options})
    assert not (tmp_path / "out").exists()


def test_a_members_folder_that_cannot_be_written_is_named(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(Exception, match="is a file, not a directory"):
        run_ensemble(_net(), scenario_from_dict(_scenario()), members=1, folder=blocker / "members",
                     scheduler="synchronous")
