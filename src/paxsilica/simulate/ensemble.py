"""Monte Carlo ensembles on Dask distributed, streamed to Parquet so a run can resume.

Each member draws the scenario's ``uncertain`` parameters (member ``i`` uses the
``i``-th child of ``SeedSequence(seed)``, so a member is the same whichever worker runs
it and whether or not the run was interrupted), runs :func:`~paxsilica.simulate.run`,
and is written as ``member-NNNNN.parquet`` (per step and region: output and loss share)
in the members folder as soon as it returns. Members already in the folder are not run
again. Bands are the 5th, 50th and 95th percentiles over members.

Regional loss share: for an MRIO ``1 − Σx/Σx0`` over the region's industries (money
adds up); for the stack network the mean of the industries' loss shares (units differ).

Example:
    >>> import scipy.sparse as sp, tempfile
    >>> from paxsilica.simulate.network import SimNetwork
    >>> from paxsilica.simulate.scenario import scenario_from_dict
    >>> net = SimNetwork.from_arrays(["A", "A"], ["ore", "chip"], sp.csr_matrix([[0, 5.0], [0, 0]]),
    ...                              np.array([[1.0], [10.0]]))
    >>> s = scenario_from_dict({"name": "e", "days": 10, "events": [{"kind": "capacity_loss",
    ...     "region": "A", "sector": "ore", "fraction": 0.5, "start": 2}],
    ...     "uncertain": {"events.0.fraction": {"uniform": [0.2, 0.8]}}})
    >>> result = run_ensemble(net, s, members=3, folder=tempfile.mkdtemp(), scheduler="synchronous")
    >>> sorted(result.bands.columns)[:4], len(result.members["member"].unique())
    (['p05', 'p50', 'p95', 'region'], 3)
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from paxsilica.errors import RowError, ValidationError
from paxsilica.simulate.network import SimNetwork
from paxsilica.simulate.run import network_and_resolver, prepare, run_prepared
from paxsilica.simulate.scenario import Scenario, load_scenario, scenario_from_dict

__all__ = ["EnsembleResult", "draw_parameters", "member_scenario", "run_ensemble"]


WORKER_ENVIRONMENT = {
    # Dask's default MALLOC_TRIM_THRESHOLD_ switches off glibc's adaptive mmap threshold, so
    # every large temporary array of a step is a fresh mmap (page faults): measured 2.5x the
    # CPU per member. Large thresholds keep them on the heap. One BLAS thread per worker.
    "MALLOC_MMAP_THRESHOLD_": "67108864",
    "MALLOC_TRIM_THRESHOLD_": "134217728",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
}
"""Environment of LocalCluster workers (set the same on a remote cluster's workers)."""


@dataclass(frozen=True)
class EnsembleResult:
    """``members``: step, region, production, loss_share, member; ``bands``: percentiles;
    ``draws``: the parameters of each member; ``folder``: where members are stored."""

    scenario: str
    members: pd.DataFrame
    bands: pd.DataFrame
    draws: pd.DataFrame
    folder: Path


def draw_parameters(scenario: Scenario, member: int, seed: int = 0) -> dict[str, float]:
    """The uncertain parameters of one member (reproducible per member index)."""
    rng = np.random.default_rng(np.random.SeedSequence(seed).spawn(member + 1)[member])
    draws = {}
    for key in sorted(scenario.uncertain):
        dist = scenario.uncertain[key]
        if dist.uniform is not None:
            draws[key] = float(rng.uniform(*dist.uniform))
        elif dist.normal is not None:
            draws[key] = float(rng.normal(*dist.normal))
        else:
            low, mode, high = dist.triangular  # type: ignore[misc]
            draws[key] = float(rng.triangular(low, mode, high)) if high > low else float(low)
    return draws


def member_scenario(scenario: Scenario, draws: dict[str, float]) -> Scenario:
    """The scenario with drawn values put in (validated again: a draw outside a field's
    bounds, e.g. a negative normal draw for ``inventory_days``, is clipped to the bound)."""
    data = scenario.model_dump(mode="json", by_alias=True, exclude_none=True)
    for key, value in draws.items():
        parts = key.split(".")
        if len(parts) == 1:
            data.setdefault("model", {})[key] = value
        else:
            event = data["events"][int(parts[1])]
            integer = isinstance(event.get(parts[2]), int) or parts[2] in {
                "duration", "recovery", "ramp_up", "delay_days"}
            event[parts[2]] = round(value) if integer else value
    data = _clip(data)
    return scenario_from_dict(data, base_dir=scenario.base_dir)


def _clip(data: dict) -> dict:
    model = data.get("model", {})
    for key in ("alpha_tau", "inventory_days", "inventory_tau"):
        if key in model:
            model[key] = max(model[key], 1e-3)
    if "psi" in model:
        model["psi"] = min(max(model["psi"], 1e-3), 1.0)
    for key in ("alpha_base", "alpha_max"):
        if key in model:
            model[key] = max(model[key], 1.0)
    if "alpha_base" in model or "alpha_max" in model:
        model["alpha_max"] = max(model.get("alpha_max", 1.25), model.get("alpha_base", 1.0))
    for event in data.get("events", []):
        for key in ("fraction", "share", "deny_rate", "severity"):
            if key in event:
                event[key] = min(max(event[key], 0.0), 1.0)
        for key in ("duration", "ramp_up", "delay_days"):
            if key in event:
                event[key] = max(int(event[key]), 0)
        if "recovery" in event:
            event["recovery"] = max(int(event["recovery"]), 1)
    return data


def _regional(result: object, kind: str) -> pd.DataFrame:
    """Per step and region: output and loss share (see the module docstring)."""
    production = result.production  # type: ignore[attr-defined]
    regions = result.industries["region"].to_numpy()  # type: ignore[attr-defined]
    codes, labels = pd.factorize(regions)
    steps = production.shape[0]
    output = np.zeros((steps, labels.size))
    np.add.at(output.T, codes, production.T)
    if kind == "mrio":
        base = np.bincount(codes, weights=result.baseline, minlength=labels.size)  # type: ignore[attr-defined]
        loss = 1.0 - np.divide(output, base, out=np.ones_like(output), where=base > 0)
    else:
        shares = result.loss_share()  # type: ignore[attr-defined]
        loss = np.zeros_like(output)
        np.add.at(loss.T, codes, shares.T)
        loss /= np.bincount(codes, minlength=labels.size)
    return pd.DataFrame({"step": np.repeat(np.arange(steps), labels.size),
                         "region": np.tile(labels.astype(str), steps),
                         "production": output.ravel(), "loss_share": loss.ravel()})


def _run_member(net: SimNetwork, data: dict, member: int, seed: int, days: int | None,
                resolver: object = None) -> tuple[int, dict[str, float], pd.DataFrame]:
    scenario = scenario_from_dict(data, base_dir=data.get("base_dir", "."))
    draws = draw_parameters(scenario, member, seed)
    scenario = member_scenario(scenario, draws)
    scenario, net, params, schedule = prepare(net, scenario, resolver=resolver)
    result = run_prepared(scenario, net, params, schedule, days=days)
    frame = _regional(result, net.kind)
    frame.insert(0, "member", member)
    return member, draws, frame


def _write(folder: Path, member: int, draws: dict[str, float], frame: pd.DataFrame) -> None:
    """Atomic write: a member file is complete or absent."""
    target = folder / f"member-{member:05d}.parquet"
    tmp = folder / f".member-{member:05d}.parquet.tmp"
    table = frame.assign(**{f"draw:{k}": v for k, v in draws.items()})
    table.to_parquet(tmp, index=False)
    os.replace(tmp, target)


def _done(folder: Path) -> set[int]:
    return {int(p.stem.split("-")[1]) for p in folder.glob("member-*.parquet")}


def run_ensemble(source: object, scenario: Scenario | str | Path, *, members: int = 100,
                 folder: str | Path, seed: int = 0, days: int | None = None,
                 scheduler: str | None = None, workers: int = 2,
                 progress: Callable[[int], None] | None = None,
                 resolver: object = None) -> EnsembleResult:
    """Run ``members`` members on Dask (``scheduler``: ``None`` for a LocalCluster of
    ``workers`` processes, ``tcp://host:port`` for a running cluster, ``synchronous`` to
    run in this process) and return their regional series and p5/p50/p95 bands.

    ``resolver``: the country/group resolver of a prepared stack network (``source`` then
    being its :class:`SimNetwork`), so that nothing is built again."""
    if members < 1:
        raise ValidationError([RowError("<arguments>", None, "ensemble", "must be at least 1")])
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    net, found = network_and_resolver(source, scenario)
    resolver = resolver or found
    prepare(net, scenario, resolver=resolver)  # validates everything before any work
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    data = {**scenario.model_dump(mode="json", by_alias=True, exclude_none=True),
            "base_dir": scenario.base_dir}
    todo = [m for m in range(members) if m not in _done(folder)]
    if progress is not None and members - len(todo):
        progress(members - len(todo))
    if todo and scheduler == "synchronous":
        for member in todo:
            _write(folder, *_run_member(net, data, member, seed, days, resolver))
            if progress is not None:
                progress(1)
    elif todo:
        _run_on_dask(net, data, todo, seed, days, resolver, folder, scheduler, workers, progress)
    return collect(folder, scenario.name, members)


def _run_on_dask(net: SimNetwork, data: dict, todo: list[int], seed: int, days: int | None,
                 resolver: object, folder: Path, scheduler: str | None, workers: int,
                 progress: Callable[[int], None] | None) -> None:
    from dask.distributed import Client, LocalCluster, as_completed

    cluster = None
    if scheduler is None:
        import dask

        with dask.config.set({"distributed.nanny.pre-spawn-environ": WORKER_ENVIRONMENT}):
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                   dashboard_address=None, silence_logs=logging.ERROR)
        client = Client(cluster)
    else:
        try:
            client = Client(scheduler, timeout="10s")
        except (OSError, TimeoutError, ValueError) as exc:
            raise ValidationError([RowError("<arguments>", None, "scheduler",
                                            f"cannot reach {scheduler}: {exc}")]) from None
    try:
        shared = client.scatter(net, broadcast=True)
        futures = [client.submit(_run_member, shared, data, member, seed, days, resolver,
                                 pure=False) for member in todo]
        for future in as_completed(futures):
            _write(folder, *future.result())
            future.release()
            if progress is not None:
                progress(1)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def collect(folder: str | Path, name: str = "", members: int | None = None) -> EnsembleResult:
    """Read the member files of a folder and compute the bands."""
    folder = Path(folder)
    files = sorted(folder.glob("member-*.parquet"))
    if members is not None:
        files = [f for f in files if int(f.stem.split("-")[1]) < members]
    frames = pd.concat([pd.read_parquet(f) for f in files], ignore_index=True)
    draw_columns = [c for c in frames.columns if c.startswith("draw:")]
    draws = frames.groupby("member")[draw_columns].first().rename(
        columns=lambda c: c.removeprefix("draw:")).reset_index()
    series = frames.drop(columns=draw_columns)
    grouped = series.groupby(["step", "region"], sort=False)["loss_share"]
    bands = grouped.quantile([0.05, 0.5, 0.95]).unstack()
    bands.columns = ["p05", "p50", "p95"]
    return EnsembleResult(name, series, bands.reset_index(), draws, folder)
