"""Monte Carlo ensembles on Dask distributed, streamed to Parquet so a run can resume.

Each member draws the scenario's ``uncertain`` parameters and, on a network built from
cited data, the data's own ranges: every item parameter with a cited ``low``–``high``
range (world output, price, value-added ratio, qualification time, substitutable share,
service life) is drawn from a triangular distribution ``low``–``value``–``high``
(keys ``data.<item>.<parameter>``). Member ``i`` uses the ``i``-th child of
``SeedSequence(seed)``, so a member is the same whichever worker runs it and whether or
not the run was interrupted. It runs :func:`~paxsilica.simulate.run` and is written as
``member-NNNNN.parquet`` in the members folder as soon as it returns: per step and region
the output and loss share, and per item its loss over the run. Members already in the
folder are not run again.

Bands are the 5th, 50th and 95th percentiles over members, columns ``p5``, ``p50``,
``p95``: per step and region (``bands``) of the loss share — output value lost over
baseline value, ``1 − Σ p·x / Σ p·x0`` over the region's priced industries (money adds
up; an MRIO's industries all share its unit) — and per item (``item_bands``) of its loss
share (units of one item add up), ``loss_usd`` and ``value_added_loss_usd`` over the run.

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
    >>> sorted(result.bands.columns), len(result.members["member"].unique())
    (['p5', 'p50', 'p95', 'region', 'step'], 3)
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

__all__ = ["EnsembleResult", "data_ranges", "draw_parameters", "member_scenario", "run_ensemble"]


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
    """``members``: step, region, production, loss_share, loss_usd, member; ``bands`` per
    step and region and ``item_bands`` per item and measure: p5, p50, p95; ``items``: each
    member's loss per item; ``draws``: the parameters of each member; ``folder``: where
    members are stored."""

    scenario: str
    members: pd.DataFrame
    bands: pd.DataFrame
    draws: pd.DataFrame
    folder: Path
    items: pd.DataFrame | None = None
    item_bands: pd.DataFrame | None = None


DATA_PREFIX = "data."


def data_ranges(net: SimNetwork) -> dict[str, tuple[float, float, float]]:
    """``data.<item>.<parameter>`` → ``(low, value, high)`` for every cited world range of the
    network's items (parameters of :data:`~paxsilica.simulate.items.DRAWN`)."""
    from paxsilica.simulate.items import DRAWN

    rows = net.parameters
    if rows is None or rows.empty or net.sectors is None:
        return {}
    rows = rows[(rows["country"] == "WLD") & rows["parameter"].isin(DRAWN)
                & rows["item_id"].isin(set(net.industries["sector"])) & (rows["high"] > rows["low"])]
    if "world_output" in set(rows["parameter"]):  # unsized items have no output to rescale
        rows = rows[(rows["parameter"] != "world_output") | rows["item_id"].map(net.sectors["sized"]).fillna(False)]
    return {f"{DATA_PREFIX}{r.item_id}.{r.parameter}": (float(r.low), float(r.value), float(r.high))
            for r in rows.itertuples()}


def draw_parameters(scenario: Scenario, member: int, seed: int = 0,
                    ranges: dict[str, tuple[float, float, float]] | None = None) -> dict[str, float]:
    """The uncertain parameters of one member (reproducible per member index): the
    scenario's, then the data ``ranges`` (triangular low–value–high)."""
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
    for key in sorted(ranges or {}):
        low, mode, high = ranges[key]  # type: ignore[index]
        draws[key] = float(rng.triangular(low, mode, high))
    return draws


def _network_draws(draws: dict[str, float]) -> dict[tuple[str, str], float]:
    out = {}
    for key, value in draws.items():
        if key.startswith(DATA_PREFIX):
            item, parameter = key[len(DATA_PREFIX):].rsplit(".", 1)
            out[(item, parameter)] = value
    return out


def member_scenario(scenario: Scenario, draws: dict[str, float]) -> Scenario:
    """The scenario with drawn values put in (validated again: a draw outside a field's
    bounds, e.g. a negative normal draw for ``inventory_days``, is clipped to the bound)."""
    data = scenario.model_dump(mode="json", by_alias=True, exclude_none=True)
    for key, value in draws.items():
        if key.startswith(DATA_PREFIX):
            continue
        parts = key.split(".")
        if len(parts) == 1:
            data.setdefault("model", {})[key] = value
        else:
            event = data["events"][int(parts[1])]
            integer = isinstance(event.get(parts[2]), int) or parts[2] in {
                "duration", "recovery", "ramp_up", "delay_days", "qualification_days"}
            event[parts[2]] = round(value) if integer else value
    data = _clip(data)
    return scenario_from_dict(data, base_dir=scenario.base_dir)


def _clip(data: dict) -> dict:
    model = data.get("model", {})
    for key in ("alpha_tau", "inventory_days", "inventory_tau", "qualification_scale"):
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
        for key in ("fraction", "share", "deny_rate", "severity", "substitutable_share"):
            if key in event:
                event[key] = min(max(event[key], 0.0), 1.0)
        for key in ("duration", "ramp_up", "delay_days", "qualification_days"):
            if key in event:
                event[key] = max(int(event[key]), 0)
        if "recovery" in event:
            event["recovery"] = max(int(event["recovery"]), 1)
    return data


def _regional(result: object) -> pd.DataFrame:
    """Per step and region: output, value lost (USD) and the value-weighted loss share."""
    production = result.production  # type: ignore[attr-defined]
    baseline = result.baseline  # type: ignore[attr-defined]
    regions = result.industries["region"].to_numpy()  # type: ignore[attr-defined]
    price = result.price if result.price is not None else np.ones(baseline.size)  # type: ignore[attr-defined]
    weight = np.where(np.isfinite(price), price, 0.0)
    codes, labels = pd.factorize(regions)
    steps = production.shape[0]
    output = np.zeros((steps, labels.size))
    np.add.at(output.T, codes, production.T)
    value = np.zeros((steps, labels.size))
    np.add.at(value.T, codes, (production * weight).T)
    base = np.bincount(codes, weights=baseline * weight, minlength=labels.size)
    loss = np.where(base > 0, 1.0 - np.divide(value, base, out=np.ones_like(value), where=base > 0), np.nan)
    lost_usd = base[None, :] - value if result.price is not None else np.full_like(value, np.nan)  # type: ignore[attr-defined]
    return pd.DataFrame({"step": np.repeat(np.arange(steps), labels.size),
                         "region": np.tile(labels.astype(str), steps),
                         "production": output.ravel(), "loss_share": loss.ravel(), "loss_usd": lost_usd.ravel()})


def _per_item(result: object) -> pd.DataFrame:
    """Per item: loss share (units of one item add up), loss_usd and value added lost."""
    items = result.items  # type: ignore[attr-defined]
    if items is None:
        summary = result.summary()  # type: ignore[attr-defined]
        items = summary.groupby("sector", as_index=False)[["loss_usd", "value_added_loss_usd"]].sum(
            min_count=1).rename(columns={"sector": "item"})
        items["loss_share"] = np.nan
    return items[["item", "loss_share", "loss_usd", "value_added_loss_usd"]]


def _run_member(net: SimNetwork, data: dict, member: int, seed: int, days: int | None,
                resolver: object = None, ranges: dict | None = None) -> tuple[int, dict[str, float], pd.DataFrame]:
    from paxsilica.simulate.items import with_parameters

    scenario = scenario_from_dict(data, base_dir=data.get("base_dir", "."))
    draws = draw_parameters(scenario, member, seed, ranges)
    scenario = member_scenario(scenario, draws)
    member_net = with_parameters(net, _network_draws(draws))
    scenario, member_net, params, schedule = prepare(member_net, scenario, resolver=resolver)
    result = run_prepared(scenario, member_net, params, schedule, days=days)
    frame = pd.concat([_regional(result).assign(kind="region"), _per_item(result).assign(kind="item")],
                      ignore_index=True)
    frame.insert(0, "member", member)
    return member, draws, frame


def _write(folder: Path, member: int, draws: dict[str, float], frame: pd.DataFrame) -> None:
    """Atomic write: a member file is complete or absent."""
    target = folder / f"member-{member:05d}.parquet"
    tmp = folder / f".member-{member:05d}.parquet.tmp"
    extra = pd.DataFrame({f"draw:{k}": np.full(len(frame), v) for k, v in draws.items()}, index=frame.index)
    table = pd.concat([frame, extra], axis=1)
    table.to_parquet(tmp, index=False)
    os.replace(tmp, target)


def _done(folder: Path) -> set[int]:
    return {int(p.stem.split("-")[1]) for p in folder.glob("member-*.parquet")}


def run_ensemble(source: object, scenario: Scenario | str | Path, *, members: int = 100,
                 folder: str | Path, seed: int = 0, days: int | None = None,
                 scheduler: str | None = None, workers: int = 2,
                 progress: Callable[[int], None] | None = None,
                 resolver: object = None, draw_data: bool = True) -> EnsembleResult:
    """Run ``members`` members on Dask (``scheduler``: ``None`` for a LocalCluster of
    ``workers`` processes, ``tcp://host:port`` for a running cluster, ``synchronous`` to
    run in this process) and return their series and p5/p50/p95 bands.

    ``resolver``: the country/group resolver of a prepared stack network (``source`` then
    being its :class:`SimNetwork`), so that nothing is built again; ``draw_data``: also
    draw the cited data ranges (:func:`data_ranges`)."""
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
    ranges = data_ranges(net) if draw_data else {}
    todo = [m for m in range(members) if m not in _done(folder)]
    if progress is not None and members - len(todo):
        progress(members - len(todo))
    if todo and scheduler == "synchronous":
        for member in todo:
            _write(folder, *_run_member(net, data, member, seed, days, resolver, ranges))
            if progress is not None:
                progress(1)
    elif todo:
        _run_on_dask(net, data, todo, seed, days, resolver, folder, scheduler, workers, progress, ranges)
    return collect(folder, scenario.name, members)


def _run_on_dask(net: SimNetwork, data: dict, todo: list[int], seed: int, days: int | None,
                 resolver: object, folder: Path, scheduler: str | None, workers: int,
                 progress: Callable[[int], None] | None, ranges: dict) -> None:
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
        futures = [client.submit(_run_member, shared, data, member, seed, days, resolver, ranges,
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
    kind = frames["kind"] if "kind" in frames else pd.Series("region", index=frames.index)
    series = frames[kind == "region"].drop(columns=draw_columns)
    series = series[[c for c in ("member", "step", "region", "production", "loss_share", "loss_usd")
                     if c in series]]
    series = series.astype({"step": int})
    bands = _bands(series.groupby(["step", "region"], sort=False)["loss_share"])
    items = frames[kind == "item"][["member", "item", "loss_share", "loss_usd", "value_added_loss_usd"]] \
        if (kind == "item").any() else None
    item_bands = None
    if items is not None:
        long = items.melt(id_vars=["member", "item"], var_name="measure", value_name="value")
        item_bands = _bands(long.groupby(["item", "measure"], sort=True)["value"])
    return EnsembleResult(name, series.reset_index(drop=True), bands, draws, folder,
                          None if items is None else items.reset_index(drop=True), item_bands)


def _bands(grouped: object) -> pd.DataFrame:
    """p5, p50, p95 of each group (NaN values left out; a group of NaN only gives NaN)."""
    bands = grouped.quantile([0.05, 0.5, 0.95]).unstack()  # type: ignore[attr-defined]
    bands.columns = ["p5", "p50", "p95"]
    return bands.reset_index()
