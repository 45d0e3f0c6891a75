"""Monte Carlo ensembles on Dask distributed, streamed to Parquet so a run can resume.

Each member draws the scenario's ``uncertain`` parameters (member ``i`` uses the
``i``-th child of ``SeedSequence(seed)``, so a member is the same whichever worker runs
it and whether or not the run was interrupted), runs :func:`~paxsilica.simulate.run`,
and is written as ``member-NNNNN.parquet`` (per step and region: output and loss share)
as soon as it returns, in a subfolder of the members folder named by the run's key
(:func:`run_key`: a hash of the scenario, the seed, the days and the network). Members
already there are not run again; a changed scenario or option gets a new subfolder, so it
never reuses another run's members. A member file that cannot be read on resume is an
error naming it. Bands are the 5th, 50th and 95th percentiles over members.

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

__all__ = ["ENSEMBLE_FORMAT", "EnsembleResult", "collect", "draw_parameters", "member_scenario",
           "run_ensemble", "run_key"]

ENSEMBLE_FORMAT = "paxsilica-ensemble/1"
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
    """``members``: step, region, production, loss_share, member; ``bands``: percentiles;
    ``draws``: the parameters of each member; ``folder``: where members are stored."""

    scenario: str
    members: pd.DataFrame
    bands: pd.DataFrame
    draws: pd.DataFrame
    folder: Path


def draw_parameters(scenario: Scenario, member: int, seed: int = 0) -> dict[str, float]:
    """The uncertain parameters of one member (reproducible per member index), each inside
    its parameter's valid range (:mod:`paxsilica.simulate.uncertain`)."""
    rng = np.random.default_rng(np.random.SeedSequence(seed).spawn(member + 1)[member])
    return {key: draw(scenario, key, rng) for key in sorted(scenario.uncertain)}


def member_scenario(scenario: Scenario, draws: dict[str, float]) -> Scenario:
    """The scenario with drawn values put in (whole-number parameters rounded), validated
    again. Draws lie inside their parameters' ranges (checked when the scenario was read),
    so nothing is clipped."""
    data = scenario.model_dump(mode="json", by_alias=True, exclude_none=True)
    for key, value in draws.items():
        parts = key.split(".")
        if len(parts) == 1:
            data.setdefault("model", {})[key] = value
        else:
            event = data["events"][int(parts[1])]
            limits = parameter_range(scenario, key)
            event[parts[2]] = round(value) if limits is not None and limits.integer else value
    return scenario_from_dict(data, base_dir=scenario.base_dir)


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
    table = frame.assign(**{f"draw:{k}": v for k, v in draws.items()})
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


def run_key(net: SimNetwork, scenario: Scenario, seed: int, days: int | None) -> str:
    """SHA-256 (hex) of everything a member's result depends on: the scenario (every key),
    the seed, the days and the network's arrays and labels. Members are kept under it, so
    a changed scenario, option or network never reuses another run's members."""
    digest = hashlib.sha256()
    settings = {"format": ENSEMBLE_FORMAT, "seed": seed, "days": days,
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
                 resolver: object = None) -> EnsembleResult:
    """Run ``members`` members on Dask (``scheduler``: ``None`` for a LocalCluster of
    ``workers`` processes, ``tcp://host:port`` for a running cluster, ``synchronous`` to
    run in this process) and return their regional series and p5/p50/p95 bands.

    ``resolver``: the country/group resolver of a prepared stack network (``source`` then
    being its :class:`SimNetwork`), so that nothing is built again.

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
    key = run_key(net, scenario, seed, days)
    folder = Path(folder) / key[:16]
    check_output(folder / "run.json", "members folder")
    folder.mkdir(parents=True, exist_ok=True)
    if not (folder / "run.json").is_file():
        write_atomic(folder / "run.json", json.dumps(
            {"format": ENSEMBLE_FORMAT, "key": key, "scenario": scenario.name, "seed": seed,
             "days": days}, indent=2) + "\n", name="members folder")
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
    series = frames.drop(columns=draw_columns)
    grouped = series.groupby(["step", "region"], sort=False)["loss_share"]
    bands = grouped.quantile([0.05, 0.5, 0.95]).unstack()
    bands.columns = ["p05", "p50", "p95"]
    return EnsembleResult(name, series, bands.reset_index(), draws, folder)
