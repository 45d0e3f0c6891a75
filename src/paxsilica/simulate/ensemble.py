"""Monte Carlo ensembles on Dask distributed, streamed to Parquet so a run can resume.

Each member draws the scenario's ``uncertain`` parameters and, on a network built from
cited data, the data's own ranges: every item parameter with a cited ``low``–``high``
range (world output, price, value-added ratio, qualification time, substitutable share,
service life) is drawn from a triangular distribution ``low``–``value``–``high``
(keys ``data.<item>.<parameter>``). Member ``i`` uses the ``i``-th child of
``SeedSequence(seed)``, so a member is the same whichever worker runs it and whether or
not the run was interrupted. It runs :func:`~paxsilica.simulate.run` and is written as
``member-NNNNN.parquet`` as soon as it returns (per step and region the output and loss
share, per item its loss over the run), in a subfolder of the members folder named by the
run's key (:func:`run_key`: a hash of the scenario, the seed, the days, whether data ranges
are drawn and the network). Members already there are not run again; a changed scenario or
option gets a new subfolder, so it never reuses another run's members. A member file that
cannot be read on resume is an error naming it.

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

import hashlib
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from paxsilica.errors import RowError, ValidationError
from paxsilica.io.atomic import check_output, write_atomic
from paxsilica.limits import MAX_ENSEMBLE_MEMBERS, MAX_WORKERS
from paxsilica.simulate.network import SimNetwork
from paxsilica.simulate.run import check_days, network_and_resolver, prepare, run_prepared
from paxsilica.simulate.scenario import Scenario, load_scenario, scenario_from_dict
from paxsilica.simulate.uncertain import draw, parameter_range

__all__ = ["ENSEMBLE_FORMAT", "EnsembleResult", "collect", "data_ranges", "draw_parameters",
           "member_scenario", "run_ensemble", "run_key"]

ENSEMBLE_FORMAT = "paxsilica-ensemble/2"
"""Part of every run key: a change to what a member file holds starts new runs."""
MEMBER_COLUMNS = ("member", "step", "region", "production", "loss_share")
_MEMBER_FILE = re.compile(r"member-(\d{5,})\.parquet")


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
    scenario's, each inside its parameter's valid range (:mod:`paxsilica.simulate.uncertain`),
    then the data ``ranges`` (triangular low–value–high)."""
    rng = np.random.default_rng(np.random.SeedSequence(seed).spawn(member + 1)[member])
    draws = {key: draw(scenario, key, rng) for key in sorted(scenario.uncertain)}
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
    """The scenario with drawn values put in (whole-number parameters rounded), validated
    again. Draws lie inside their parameters' ranges (checked when the scenario was read),
    so nothing is clipped."""
    data = scenario.model_dump(mode="json", by_alias=True, exclude_none=True)
    for key, value in draws.items():
        if key.startswith(DATA_PREFIX):
            continue
        parts = key.split(".")
        if len(parts) == 1:
            data.setdefault("model", {})[key] = value
        else:
            event = data["events"][int(parts[1])]
            limits = parameter_range(scenario, key)
            event[parts[2]] = round(value) if limits is not None and limits.integer else value
    return scenario_from_dict(data, base_dir=scenario.base_dir)


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
    extra = pd.DataFrame({f"draw:{k}": np.full(len(frame), v) for k, v in draws.items()}, index=frame.index)
    table = pd.concat([frame, extra], axis=1)  # one concat: hundreds of draw columns
    write_atomic(folder / f"member-{member:05d}.parquet", lambda tmp: table.to_parquet(tmp, index=False),
                 name="member file")


def _member_files(folder: Path) -> dict[int, Path]:
    return {int(match.group(1)): path for path in folder.glob("member-*.parquet")
            if (match := _MEMBER_FILE.fullmatch(path.name))}


def _unreadable(path: Path, exc: Exception) -> ValidationError:
    reason = " ".join(str(exc).split())[:200] or type(exc).__name__
    return ValidationError([RowError(str(path), None, None, f"not a readable member file ({reason}); "
                                                            "delete it and run again to recompute it")])


def _done(folder: Path) -> set[int]:
    """Members already in ``folder``, after checking each file's footer and columns (a
    truncated or foreign file is an error naming it, not a traceback at the end)."""
    import pyarrow.parquet as pq

    done = set()
    for member, path in _member_files(folder).items():
        try:
            names = set(pq.read_schema(path).names)
        except (OSError, ValueError) as exc:  # pyarrow's ArrowInvalid is a ValueError
            raise _unreadable(path, exc) from None
        if not names >= set(MEMBER_COLUMNS):
            raise _unreadable(path, ValueError(f"missing {sorted(set(MEMBER_COLUMNS) - names)}"))
        done.add(member)
    return done


def run_key(net: SimNetwork, scenario: Scenario, seed: int, days: int | None,
            draw_data: bool = True) -> str:
    """SHA-256 (hex) of everything a member's result depends on: the scenario (every key),
    the seed, the days and the network's arrays and labels. Members are kept under it, so
    a changed scenario, option or network never reuses another run's members."""
    digest = hashlib.sha256()
    settings = {"format": ENSEMBLE_FORMAT, "seed": seed, "days": days, "draw_data": draw_data,
                "scenario": scenario.model_dump(mode="json", by_alias=True, exclude_none=True),
                "network": {"kind": net.kind, "unit": net.unit, "units": list(net.units),
                            "regions": list(net.regions),
                            "industries": net.industries[["region", "sector"]].astype(str).to_numpy().tolist()}}
    digest.update(json.dumps(settings, sort_keys=True, default=str).encode("utf-8"))
    z = net.z.tocsr()
    for array in (z.data, z.indices, z.indptr, np.asarray(net.final, dtype=float)):
        digest.update(np.ascontiguousarray(array).tobytes())
    if net.soft is not None:
        digest.update(np.ascontiguousarray(net.soft.tocsr().data).tobytes())
    return digest.hexdigest()


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
    draw the cited data ranges (:func:`data_ranges`).

    Raises:
        ValidationError: ``members``, ``workers`` or ``days`` out of bounds (before any
            work), a bad scenario, or a member file that cannot be read on resume.
    """
    if isinstance(members, bool) or not isinstance(members, int) or not 1 <= members <= MAX_ENSEMBLE_MEMBERS:
        raise ValidationError([RowError("<arguments>", None, "ensemble", f"must be a whole number "
                                        f"1-{MAX_ENSEMBLE_MEMBERS:,}, not {members!r}")])
    if scheduler is None and (isinstance(workers, bool) or not isinstance(workers, int)
                              or not 1 <= workers <= MAX_WORKERS):
        raise ValidationError([RowError("<arguments>", None, "workers",
                                        f"must be a whole number 1-{MAX_WORKERS}, not {workers!r}")])
    if days is not None:
        check_days(days)
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    net, found = network_and_resolver(source, scenario)
    resolver = resolver or found
    prepare(net, scenario, resolver=resolver)  # validates everything before any work
    key = run_key(net, scenario, seed, days, draw_data)
    folder = Path(folder) / key[:16]
    check_output(folder / "run.json", "members folder")
    folder.mkdir(parents=True, exist_ok=True)
    if not (folder / "run.json").is_file():
        write_atomic(folder / "run.json", json.dumps(
            {"format": ENSEMBLE_FORMAT, "key": key, "scenario": scenario.name, "seed": seed,
             "days": days}, indent=2) + "\n", name="members folder")
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


def _read_member(path: Path) -> pd.DataFrame:
    try:
        return pd.read_parquet(path)
    except (OSError, ValueError) as exc:
        raise _unreadable(path, exc) from None


def collect(folder: str | Path, name: str = "", members: int | None = None) -> EnsembleResult:
    """Read the member files of a folder and compute the bands."""
    folder = Path(folder)
    files = sorted((m, f) for m, f in _member_files(folder).items() if members is None or m < members)
    if not files:
        raise ValidationError([RowError(str(folder), None, None, "no member files")])
    frames = pd.concat([_read_member(f) for _, f in files], ignore_index=True)
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
