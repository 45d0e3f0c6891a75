"""What each build and stockpile buys: expected loss avoided per unit of cost, and the
stockpiles' release rules.

*Loss* is the priced unmet demand: Σ_k w_k Σ_t δ_t Σ_d penalty[k, item d] · u[k, t, d]
(with simulator scenarios the penalty is the simulated loss per unit short). For a build
or a stockpile, the **expected loss avoided** is the loss of the plan without it minus
the loss of the plan, holding every other first-stage decision (builds, stock levels)
at its optimum and re-optimising flows, draws and unmet demand in every scenario (one
LP each). ``per_cost`` = loss avoided ÷ the item's own discounted cost (capex, or stock
bought plus holding). ``cost_saving`` is the whole objective's change (flows, penalties
and the item's cost). An item without which the remaining plan breaks a target is
marked ``required`` (its loss avoided is then not defined).

Example:
    >>> import pandas as pd
    >>> rule_text("us_reserve", "ndpr_oxide", 100.0, 40.0, "disruption")
    'hold 100 of ndpr_oxide; release up to 40 a year while its supply is cut'
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import pandas as pd
import xarray as xr

from paxsilica.plan.highs import INFEASIBLE, run
from paxsilica.plan.model import PlanModel
from paxsilica.plan.objective import tie_break_value

__all__ = ["loss_avoided", "rule_text", "stockpile_rules"]

COLUMNS = ["kind", "name", "item", "country", "cost", "loss_avoided", "per_cost",
           "cost_saving", "required"]


def _loss(pm: PlanModel) -> float:
    """Expected discounted penalty of unmet demand at the current solution."""
    m, sets = pm.model, pm.sets
    if "Unmet" not in m.variables:
        return 0.0
    unmet = m.variables["Unmet"].solution.fillna(0).values
    penalty = np.nan_to_num(sets.penalty[:, sets.items.get_indexer(sets.demands["item"])])
    weight = sets.weights[:, None, None] * sets.discount[None, :, None]
    return float((unmet * penalty[:, None, :] * weight).sum())


@contextmanager
def _first_stage_fixed(pm: PlanModel, builds: np.ndarray | None,
                       levels: np.ndarray | None) -> Iterator[None]:
    """Builds relaxed and fixed at ``builds``, stock levels fixed (bounds); restored after."""
    m = pm.model
    saved = {}
    for name, value in (("Project-build", builds), ("Stockpile-level", levels)):
        if value is None or name not in m.variables:
            continue
        variable = m.variables[name]
        saved[name] = (variable.lower.copy(), variable.upper.copy())
        fixed = xr.DataArray(np.round(value) if name == "Project-build" else value,
                             coords=variable.labels.coords)
        if name == "Project-build":
            variable.relax()
        variable.update(lower=fixed, upper=fixed)
    try:
        yield
    finally:
        for name, (lower, upper) in saved.items():
            variable = m.variables[name]
            variable.update(lower=lower, upper=upper)
            if name == "Project-build":
                variable.unrelax()


def _solve_lp(pm: PlanModel, options: dict[str, object]) -> tuple[float | None, float]:
    """(objective without the tie-break, loss) of the current LP; (None, nan) if infeasible."""
    condition = run(pm, {k: v for k, v in options.items() if k != "mip_rel_gap"})
    value = pm.model.objective.value
    if condition in INFEASIBLE or value is None or not np.isfinite(value):
        return None, np.nan
    return float(value) - tie_break_value(pm.model, pm.sets), _loss(pm)


def _own_costs(pm: PlanModel, builds: np.ndarray | None,
               levels: np.ndarray | None) -> list[tuple[str, str, int, float]]:
    """(kind, name, position, discounted own cost) of each build and bought stockpile."""
    sets, out = pm.sets, []
    if builds is not None:
        for p, y in zip(*np.nonzero(builds > 0.5), strict=True):
            capex = sets.projects["capex"].iat[p] * sets.discount[y]
            out.append(("build", sets.projects["supplier"].iat[p], int(p), float(capex)))
    if levels is not None:
        for n, pile in enumerate(sets.problem.stockpiles):
            if levels[n] > 1e-9:
                per_unit = pile.cost + pile.holding_cost * sets.discount.sum()
                out.append(("stockpile", pile.id, n, float(levels[n] * per_unit)))
    return out


def loss_avoided(pm: PlanModel, builds: np.ndarray | None, levels: np.ndarray | None,
                 options: dict[str, object], limit: int = 30) -> pd.DataFrame:
    """Per build and stockpile: cost, expected loss avoided, per unit cost (see module)."""
    items = _own_costs(pm, builds, levels)
    if not items or "Unmet" not in pm.model.variables or len(items) > limit:
        return pd.DataFrame(columns=COLUMNS)
    rows = []
    with _first_stage_fixed(pm, builds, levels):
        objective, loss = _solve_lp(pm, options)
        if objective is None:
            return pd.DataFrame(columns=COLUMNS)
        for kind, name, position, own in items:
            name_var = "Project-build" if kind == "build" else "Stockpile-level"
            variable = pm.model.variables[name_var]
            lower, upper = variable.lower.copy(), variable.upper.copy()
            zeroed_l, zeroed_u = lower.copy(), upper.copy()
            key = {variable.dims[0]: variable.indexes[variable.dims[0]][position]}
            zeroed_l.loc[key] = 0.0
            zeroed_u.loc[key] = 0.0
            variable.update(lower=zeroed_l, upper=zeroed_u)
            without, loss_without = _solve_lp(pm, options)
            variable.update(lower=lower, upper=upper)
            supplier = pm.sets.suppliers.set_index("supplier").loc[name]
            row = {"kind": kind, "name": name, "item": supplier["item"],
                   "country": supplier["country"], "cost": own, "required": without is None}
            if without is not None:
                row["loss_avoided"] = loss_without - loss
                row["per_cost"] = (loss_without - loss) / own if own > 0 else np.nan
                row["cost_saving"] = without - objective
            rows.append(row)
    return pd.DataFrame(rows, columns=COLUMNS)


def _amount(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"


def rule_text(name: str, item: str, level: float, per_year: float, release: str) -> str:
    """The release rule of one stockpile in words."""
    del name
    if level <= 1e-9:
        return f"hold no {item} (a reserve does not pay in these scenarios)"
    when = "while its supply is cut" if release == "disruption" else "in any year"
    return f"hold {_amount(level)} of {item}; release up to {_amount(per_year)} a year {when}"


def stockpile_rules(pm: PlanModel, supply: np.ndarray | None,
                    levels: np.ndarray | None) -> pd.DataFrame:
    """Per stockpile and scenario: draws (total, years, largest per year) and the rule
    (level, release per year = the largest yearly draw over scenarios, trigger)."""
    columns = ["stockpile", "member", "item", "level", "release", "release_per_year",
               "scenario", "drawn", "first_year", "last_year", "rule"]
    if supply is None or levels is None:
        return pd.DataFrame(columns=columns)
    sets = pm.sets
    position = {s: n for n, s in enumerate(sets.suppliers["supplier"])}
    rows = []
    for n, pile in enumerate(sets.problem.stockpiles):
        draws = supply[:, :, position[pile.id]]  # (k, t)
        per_year = float(draws.max()) if draws.size else 0.0
        rule = rule_text(pile.id, pile.item, float(levels[n]), per_year, pile.release)
        for k, scenario in enumerate(sets.scenarios):
            used = np.flatnonzero(draws[k] > 1e-9)
            rows.append({"stockpile": pile.id, "member": pile.member, "item": pile.item,
                         "level": float(levels[n]), "release": pile.release,
                         "release_per_year": per_year, "scenario": scenario,
                         "drawn": float(draws[k].sum()),
                         "first_year": int(sets.years[used[0]]) if used.size else None,
                         "last_year": int(sets.years[used[-1]]) if used.size else None,
                         "rule": rule})
    return pd.DataFrame(rows, columns=columns)
