"""Check a bill of materials against lists and a rule pack: manufacturers screened, rules applied.

Steps: screen every distinct manufacturer against the lists' entities plus the
entities that listed parties control under the 50% rule (ownership links from
the lists' FtM ``Ownership`` records and an optional ownership table); then apply
each rule of the pack to every part. The verdict is ``fail`` when any finding has
severity ``fail``, else ``pass``.

Example:
    >>> import tempfile, pathlib
    >>> from paxsilica.certify.bom import load_bom
    >>> from paxsilica.certify.lists import bundled_list_path, load_list
    >>> from paxsilica.certify.rules import load_pack
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "bom.csv"
    >>> _ = path.write_text("part_id,parent_id,description,category,manufacturer,"
    ...     "country_of_origin,quantity\\nD,,Drone,system,Acme Drones,TW,1\\n"
    ...     "CAM,D,Camera,camera,SZ DJI Technology Co Ltd,CN,1\\n")
    >>> result = check_bom(load_bom(path), [load_list(bundled_list_path("dod_1260h"))],
    ...                    load_pack("uas-ndaa848"))
    >>> result.verdict, result.findings[["part_id", "rule", "severity"]].values.tolist()
    ('fail', [['CAM', 'covered-component-from-listed-entity', 'fail'], ['CAM', 'part-from-country-of-concern', 'warn']])
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from paxsilica.certify.bom import BillOfMaterials
from paxsilica.certify.lists import RestrictedList, combined_entities, entity_names
from paxsilica.certify.ownership import controlled_entities
from paxsilica.certify.rules import PLACEHOLDERS, Rule, RulePack
from paxsilica.certify.screening.screener import Screener
from paxsilica.errors import PaxsilicaError, RowError, ValidationError

__all__ = ["FINDING_COLUMNS", "BomCheck", "check_bom", "check_list_names", "check_threshold",
           "derived_entities"]

FINDING_COLUMNS = ["part_id", "row", "rule", "severity", "entity_id", "entity_name",
                   "list_name", "score", "reason"]


@dataclass(frozen=True)
class BomCheck:
    """Findings (``FINDING_COLUMNS``), manufacturer matches and the verdict."""

    verdict: str
    findings: pd.DataFrame
    matches: pd.DataFrame


def check_threshold(threshold: float | None, option: str = "--threshold") -> float | None:
    """``threshold`` unchanged when it is ``None`` or a number in 0–1.

    Raises:
        PaxsilicaError: out of range, NaN or infinite (the message names ``option``).
    """
    if threshold is None:
        return None
    if isinstance(threshold, bool) or not isinstance(threshold, int | float) or not (
            math.isfinite(threshold) and 0.0 <= threshold <= 1.0):
        raise PaxsilicaError(f"{option}: expected a screening score from 0 to 1, "
                             f"got {threshold!r}")
    return float(threshold)


def derived_entities(entities: pd.DataFrame, links: pd.DataFrame, screener: Screener,
                     threshold: float, names: dict[str, str] | None = None) -> pd.DataFrame:
    """Entities controlled (50% rule) by listed ones, as extra list entities.

    Ownership nodes are list entity ids or names; a node is listed when it is an
    entity id or its name screens at or above ``threshold``. Derived entities get
    ``schema = "Controlled"``, ``programs`` = the aggregate share, every restricted owner
    making it up with its share (listed, or itself controlled), and a control path.
    ``names`` maps ids of context entities (not screened) to names for the paths.
    """
    columns = [*entities.columns]
    if links.empty:
        return pd.DataFrame(columns=columns)
    nodes = pd.Series(sorted(set(links["owner"]) | set(links["owned"])), dtype=object)
    ids = set(entities["entity_id"])
    listed = {n for n in nodes if n in ids}
    label = {**(names or {}), **dict(zip(entities["entity_id"], entities["name"], strict=True))}
    unknown = nodes[~nodes.isin(list(ids))]
    if not unknown.empty:
        found = screener.screen(pd.DataFrame({"query_id": unknown,
                                              "name": [label.get(n, n) for n in unknown]}),
                                threshold)
        listed |= set(found["query_id"])
    control = controlled_entities(links, listed)
    if control.empty:
        return pd.DataFrame(columns=columns)
    names = label
    rows = []
    for record in control.to_dict("records"):
        node = record["entity_id"]
        path = " -> ".join(names.get(p, p) for p in record["path"])
        owners = ", ".join(f"{names.get(o, o)} {share:g}% "
                           f"({'listed' if o in listed else 'controlled'})"
                           for o, share in record["owners"])
        rows.append({"entity_id": f"controlled:{node}", "schema": "Controlled",
                     "name": names.get(node, node), "aliases": [], "countries": [],
                     "identifiers": [], "dataset": "ownership (50% rule)", "target": True,
                     "list_name": "ownership",
                     "programs": f"owned {record['aggregate_percentage']:g}% in aggregate by "
                                 f"restricted owners: {owners}; control path: {path}"})
    return pd.DataFrame(rows).reindex(columns=columns)


def _matches_rule(rule: Rule, pack: RulePack, part: dict, matches: pd.DataFrame) -> list[dict]:
    when = pack.values
    cond = rule.when
    category, origin = part["category"], part["country_of_origin"]
    if cond.category is not None and category not in when(cond.category):
        return []
    if cond.category_not is not None and category in when(cond.category_not):
        return []
    if cond.component_type is not None and part["component_type"] not in cond.component_type:
        return []
    if cond.origin is not None and origin not in when(cond.origin):
        return []
    if cond.origin_not is not None and (origin is None or origin in when(cond.origin_not)):
        return []
    if cond.origin_known is not None and (origin is not None) != cond.origin_known:
        return []
    if cond.description_contains is not None:
        text = str(part.get("description") or "").casefold()
        if not any(word.casefold() in text for word in cond.description_contains):
            return []
    if cond.manufacturer_listed is None:
        return [{}]
    mine = matches[matches["query_id"] == part["manufacturer"]]
    if cond.listed_on is not None:
        allowed = set(cond.listed_on)
        mine = mine[mine["list_name"].isin(allowed) | mine["list_format"].isin(allowed)
                    | (mine["schema"] == "Controlled")]
    if cond.entity_country is not None:
        wanted = when(cond.entity_country)
        mine = mine[[bool(set(c or []) & wanted) for c in mine["countries"]]]
    if not cond.manufacturer_listed:
        return [{}] if mine.empty else []
    return mine.to_dict("records")


def _reason(rule: Rule, part: dict, match: dict) -> str:
    """The rule's reason for one part (and match); every placeholder is text."""
    control = f"; {match['programs']}" if match.get("schema") == "Controlled" else ""
    values = {**{key: part.get(key) for key in PLACEHOLDERS},
              **{key: match.get(key) for key in ("entity_name", "entity_id", "list_name",
                                                 "score")},
              "control": control, "country_of_origin": part["country_of_origin"] or "unknown"}
    try:
        return rule.reason.format(**{key: "" if value is None else str(value)
                                     for key, value in values.items()})
    except (KeyError, IndexError, ValueError) as exc:  # a pack built in code, not loaded
        raise ValidationError([RowError(f"rule pack {rule.id}", None, f"rules.{rule.id}.reason",
                                        f"bad reason template: {exc}")]) from None


def check_list_names(pack: RulePack, lists: list[RestrictedList]) -> None:
    """Raise when a rule's ``listed_on`` names a list that is not among ``lists``.

    Such a rule could never match, so the certificate would pass without the check.
    """
    given = {lst.name for lst in lists} | {lst.format for lst in lists} | {"ownership"}
    shown = ", ".join(sorted({lst.name for lst in lists})) or "none"
    errors = [RowError(pack.file or f"rule pack {pack.id}", None,
                       f"rules.{rule.id}.when.listed_on",
                       f"list {name!r} was not given (the lists given are: {shown}); "
                       "add it with --list")
              for rule in pack.rules for name in rule.when.listed_on or []
              if name not in given]
    if errors:
        raise ValidationError(errors)


def check_bom(bom: BillOfMaterials, lists: list[RestrictedList], pack: RulePack,
              threshold: float | None = None, ownership: pd.DataFrame | None = None,
              screener: Screener | None = None,
              node_names: dict[str, str] | None = None) -> BomCheck:
    """Screen the BOM's manufacturers and apply ``pack``; see the module docstring.

    ``ownership``: extra ``owner, owned, percentage`` links; ``node_names`` names their
    nodes when they are ids (e.g. the store's company ids)."""
    check_list_names(pack, lists)
    entities = combined_entities(lists)
    formats = {lst.name: lst.format for lst in lists}
    screener = screener or Screener()
    threshold = check_threshold(threshold, "threshold")
    threshold = screener.model.threshold if threshold is None else threshold
    screener.fit(entities)
    links = [lst.ownership for lst in lists if not lst.ownership.empty]
    if ownership is not None and not ownership.empty:
        links.append(ownership)
    if links:
        extra = derived_entities(entities, pd.concat(links, ignore_index=True), screener,
                                 threshold, names={**(node_names or {}), **entity_names(lists)})
        if not extra.empty:
            entities = pd.concat([entities, extra], ignore_index=True)
            screener.fit(entities)
    manufacturers = pd.Series(bom.parts["manufacturer"].dropna().unique(), dtype=object)
    matches = screener.screen(pd.DataFrame({"query_id": manufacturers, "name": manufacturers}),
                              threshold)
    matches["list_format"] = matches["list_name"].map(formats).fillna("ownership")
    findings = []
    for part in bom.parts.to_dict("records"):
        for rule in pack.rules:
            for match in _matches_rule(rule, pack, part, matches):
                findings.append({
                    "part_id": part["part_id"], "row": part["row"], "rule": rule.id,
                    "severity": rule.severity, "entity_id": match.get("entity_id"),
                    "entity_name": match.get("entity_name"), "list_name": match.get("list_name"),
                    "score": match.get("score"), "reason": _reason(rule, part, match)})
    frame = pd.DataFrame(findings, columns=FINDING_COLUMNS)
    verdict = "fail" if (frame["severity"] == "fail").any() else "pass"
    return BomCheck(verdict=verdict, findings=frame, matches=matches)
