"""Safe defaults of a certification: every installed list, and the strictest pack that applies.

A certificate asked for without lists is checked against **every installed list**: each
list stored in the database (its latest version) and each bundled sample whose name no
stored list has (a stored ``fcc_covered`` replaces the bundled sample of that name).
Without a rule pack, it is checked under **the strictest bundled pack that applies** to
the BOM: each bundled pack whose rules can be checked against those lists is applied, and
the one giving the worst result wins: a FAIL over a PASS, then more failing findings, then
more warnings, then the pack whose failing rules cover more of the BOM's parts, then the
one whose failing rules name more categories, then the name. So the defaults never give a
PASS that another bundled pack would FAIL, and the certificate says how the pack was chosen.

Example:
    >>> import tempfile, pathlib
    >>> from paxsilica.certify.bom import load_bom
    >>> from paxsilica.certify.lists import resolve_lists
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "bom.csv"
    >>> _ = path.write_text("part_id,parent_id,description,category,manufacturer,"
    ...     "country_of_origin,quantity\\nD,,Drone,system,Acme Drones,TW,1\\n"
    ...     "C,D,Camera,camera,SZ DJI Technology Co Ltd,CN,1\\n")
    >>> installed_list_specs(None)
    ['bundled:fcc_covered', 'bundled:dod_1260h', 'bundled:csl_sample']
    >>> pack, note = strictest_pack(load_bom(path), resolve_lists(installed_list_specs(None)))
    >>> pack.id, note.startswith("default: the strictest")
    ('uas-ndaa848', True)
"""

from __future__ import annotations

from paxsilica.certify.bom import BillOfMaterials
from paxsilica.certify.check import check_bom
from paxsilica.certify.lists import BUNDLED_LISTS, RestrictedList, stored_lists
from paxsilica.certify.rules import RulePack, bundled_packs, load_pack
from paxsilica.errors import PaxsilicaError
from paxsilica.store import Store

__all__ = ["installed_list_specs", "strictest_pack"]


def installed_list_specs(store: Store | None) -> list[str]:
    """Every installed list: each stored list by name (its latest version), then
    ``bundled:NAME`` for each bundled sample that no stored list of the same name replaces."""
    stored = sorted(set(stored_lists(store)["list_name"])) if store is not None else []
    return stored + [f"bundled:{name}" for name in BUNDLED_LISTS if name not in stored]


def _breadth(pack: RulePack) -> int:
    """Categories the failing rules of ``pack`` name (a rule naming none: every one)."""
    named: set[str] = set()
    for rule in pack.rules:
        if rule.severity == "fail":
            categories = pack.values(rule.when.category)
            if categories is None:
                return 10**6
            named |= categories
    return len(named)


def _covered(pack: RulePack, bom: BillOfMaterials) -> int:
    """Parts of the BOM whose category some failing rule of ``pack`` names (or does not
    restrict)."""
    covered = 0
    for category in bom.parts["category"]:
        for rule in pack.rules:
            if rule.severity != "fail":
                continue
            named = pack.values(rule.when.category)
            excluded = pack.values(rule.when.category_not) or set()
            if (named is None or category in named) and category not in excluded:
                covered += 1
                break
    return covered


def strictest_pack(bom: BillOfMaterials, lists: list[RestrictedList], *,
                   threshold: float | None = None) -> tuple[RulePack, str]:
    """The bundled pack giving ``bom`` the worst result against ``lists``, and a sentence
    saying so (recorded on the certificate).

    Raises:
        PaxsilicaError: no bundled pack can be checked against ``lists``.
    """
    ranked = []
    for position, name in enumerate(bundled_packs()):
        pack = load_pack(name)
        try:
            result = check_bom(bom, lists, pack, threshold=threshold)
        except PaxsilicaError:  # e.g. a rule needs a list not given: the pack does not apply
            continue
        fails = int((result.findings["severity"] == "fail").sum())
        warns = int((result.findings["severity"] == "warn").sum())
        ranked.append(((result.verdict == "fail", fails, warns, _covered(pack, bom),
                        _breadth(pack), -position), pack))
    if not ranked:
        raise PaxsilicaError("no bundled rule pack applies to these lists; name one (rules)")
    ranked.sort(key=lambda entry: entry[0], reverse=True)
    chosen = ranked[0][1]
    tried = ", ".join(pack.id for _, pack in ranked)
    return chosen, (f"default: the strictest of the bundled packs that apply ({tried}), "
                    "the one giving this BOM the worst result")
