"""Rule packs: YAML files of rules over BOM parts and their screening matches.

A pack has ``id``, ``title``, ``version``, ``references``, named ``sets`` (lists of
countries or categories, referenced as ``"@name"``) and ``rules``. Each rule has
``id``, ``severity`` (``fail`` or ``warn``), a ``reason`` template and ``when``:
conditions that must all hold (unknown keys are an error):

=====================  ===============================================================
condition              holds when
=====================  ===============================================================
category               the part's category is in the list
category_not           the part's category is not in the list
component_type         ``hardware``, ``software`` or ``ml-model`` is in the list
origin                 the part's country_of_origin (ISO3) is in the list
origin_not             the part's country_of_origin is set and not in the list
origin_known           true: the part has a country_of_origin; false: it has none
description_contains   the description contains one of the words (any case)
manufacturer_listed    true: the manufacturer matches a list entity (one finding per
                       entity); false: it matches none
listed_on              only matches from these lists (list name or format) count
entity_country         only matches with an entity country in the list count
=====================  ===============================================================

Reason templates may use ``{part_id} {description} {category} {manufacturer}
{country_of_origin} {entity_name} {entity_id} {list_name} {score} {control}``.

Checked when the pack loads (every problem reported, naming the pack file and the
key, e.g. ``rules.<rule id>.when.origin``): countries (in ``origin``, ``origin_not``,
``entity_country`` and the sets they use) may be written as names or ISO codes and are
resolved to ISO3, unknown ones are errors; every category must be in the vocabulary;
rule ids are unique; templates use only the names above; no rule can be one that never
matches (an empty list such as ``category: []``, a ``category_not`` or ``origin_not``
that excludes every listed value, ``origin_known: false`` with an origin condition) or
that silently ignores a condition (``listed_on`` or ``entity_country`` without
``manufacturer_listed``). That ``listed_on`` names a
list actually given is checked by :func:`paxsilica.certify.check.check_bom`.

Example:
    >>> pack = load_pack("uas-ndaa848")
    >>> pack.id, sorted(pack.sets)[:1], [rule.severity for rule in pack.rules][:2]
    ('uas-ndaa848', ['countries_of_concern'], ['fail', 'warn'])
"""

from __future__ import annotations

import hashlib
import string
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr
from pydantic import ValidationError as PydanticValidationError

from paxsilica.errors import NotFoundError, RowError, ValidationError
from paxsilica.io.yamlfile import load_yaml, with_lines
from paxsilica.model.country import resolve_country

__all__ = ["PLACEHOLDERS", "Condition", "Rule", "RulePack", "bundled_packs", "load_pack"]

PLACEHOLDERS = ("part_id", "description", "category", "manufacturer", "country_of_origin",
                "entity_name", "entity_id", "list_name", "score", "control")
"""The names a rule's ``reason`` template may use."""

_COUNTRY_KEYS = ("origin", "origin_not", "entity_country")
_CATEGORY_KEYS = ("category", "category_not")


class Condition(BaseModel):
    """The ``when`` block of a rule; every given condition must hold."""

    model_config = ConfigDict(extra="forbid")

    category: list[str] | str | None = None
    category_not: list[str] | str | None = None
    component_type: list[Literal["hardware", "software", "ml-model"]] | None = None
    origin: list[str] | str | None = None
    origin_not: list[str] | str | None = None
    origin_known: bool | None = None
    description_contains: list[str] | None = None
    manufacturer_listed: bool | None = None
    listed_on: list[str] | None = None
    entity_country: list[str] | str | None = None


class Rule(BaseModel):
    """One rule: a finding of ``severity`` for every part (and match) meeting ``when``."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1)
    severity: Literal["fail", "warn"]
    reason: str = Field(min_length=1)
    when: Condition


class RulePack(BaseModel):
    """A versioned set of rules; ``sha256`` is the hash of the pack file's bytes."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1)
    title: str
    version: str
    references: list[str] = Field(default_factory=list)
    sets: dict[str, list[str]] = Field(default_factory=dict)
    rules: list[Rule] = Field(min_length=1)
    sha256: str = ""
    _file: str = PrivateAttr(default="")

    @property
    def file(self) -> str:
        """The pack file it was loaded from (``""`` when built in code)."""
        return self._file

    def values(self, spec: list[str] | str | None) -> set[str] | None:
        """Expand ``"@set"`` references (also inside lists) into a set of values."""
        if spec is None:
            return None
        items = [spec] if isinstance(spec, str) else spec
        out: set[str] = set()
        for item in items:
            out |= set(self.sets[item[1:]]) if item.startswith("@") else {item}
        return out

    def summary(self) -> dict:
        """``{id, version, sha256}`` as recorded in certificates."""
        return {"id": self.id, "version": self.version, "sha256": self.sha256}


def bundled_packs() -> list[str]:
    """Names of the packs shipped in ``paxsilica/certify/packs``."""
    folder = resources.files("paxsilica.certify").joinpath("packs")
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".yaml"))


def _items(spec: list[str] | str | None) -> list[str]:
    return [spec] if isinstance(spec, str) else list(spec or [])


def _template_problem(reason: str) -> str | None:
    """Why ``reason`` is not a usable template (``None`` when it is)."""
    try:
        fields = [name for _, name, _, _ in string.Formatter().parse(reason) if name is not None]
    except ValueError as exc:
        return f"bad reason template: {exc}"
    for name in fields:
        if name not in PLACEHOLDERS:
            return (f"unknown placeholder {{{name}}} in the reason (use "
                    + " ".join(f"{{{p}}}" for p in PLACEHOLDERS) + ")")
    try:
        reason.format(**dict.fromkeys(PLACEHOLDERS, "x"))
    except (ValueError, KeyError, IndexError) as exc:
        return f"bad reason template: {exc}"
    return None


def _country(value: str, file: str, where: str, errors: list[RowError]) -> str | None:
    try:
        return resolve_country(value)
    except KeyError as exc:
        errors.append(RowError(file, None, where, str(exc.args[0])))
        return None


def _set_kinds(pack: RulePack) -> dict[str, set[str]]:
    """How each set is used: ``{"category"}``, ``{"country"}`` (or both: an error)."""
    kinds: dict[str, set[str]] = {}
    for rule in pack.rules:
        for key in (*_COUNTRY_KEYS, *_CATEGORY_KEYS):
            kind = "country" if key in _COUNTRY_KEYS else "category"
            for item in _items(getattr(rule.when, key)):
                if item.startswith("@"):
                    kinds.setdefault(item[1:], set()).add(kind)
    return kinds


_POSITIVE_KEYS = ("category", "component_type", "origin", "description_contains", "listed_on",
                  "entity_country")


def _expanded(spec: list[str] | str | None, sets: dict[str, list[str]]) -> set[str] | None:
    if spec is None:
        return None
    return {v for item in _items(spec)
            for v in (sets.get(item[1:], []) if item.startswith("@") else [item])}


def _never_matches(rule: Rule, pack: RulePack, sets: dict[str, list[str]],
                   file: str) -> list[RowError]:
    """Why ``rule`` could never match any part (or would ignore a condition), as errors:
    a rule that cannot fire lets every BOM pass without saying so."""
    when, where = rule.when, f"rules.{rule.id}.when"
    errors = []
    for key in _POSITIVE_KEYS:
        values = getattr(when, key)
        if values is not None and not _expanded(values, sets):
            errors.append(RowError(file, None, f"{where}.{key}",
                                   "an empty list: the rule could never match"))
    for key, negative in (("category", "category_not"), ("origin", "origin_not")):
        wanted, excluded = _expanded(getattr(when, key), sets), _expanded(
            getattr(when, negative), sets)
        if wanted and excluded is not None and not wanted - excluded:
            errors.append(RowError(file, None, f"{where}.{negative}",
                                   f"excludes every value of {key}: the rule could never "
                                   "match"))
    if when.origin_known is False and (when.origin or when.origin_not):
        errors.append(RowError(file, None, f"{where}.origin_known",
                               "false (no country of origin) with a condition on the "
                               "origin: the rule could never match"))
    for key in ("listed_on", "entity_country"):
        if getattr(when, key) is not None and when.manufacturer_listed is None:
            errors.append(RowError(file, None, f"{where}.{key}",
                                   "needs manufacturer_listed (true or false); without it "
                                   "the condition would be ignored"))
    return errors


def _check(pack: RulePack, file: str) -> tuple[RulePack, list[RowError]]:
    """Every problem of ``pack``, and a copy with country values resolved to ISO3."""
    from paxsilica.certify.bom import categories  # same layer; avoids an import cycle

    errors: list[RowError] = []
    known = categories()
    kinds = _set_kinds(pack)
    sets: dict[str, list[str]] = {}
    for name, values in pack.sets.items():
        where, used = f"sets.{name}", kinds.get(name, set())
        if len(used) > 1:
            errors.append(RowError(file, None, where,
                                   "a set is used both for categories and for countries"))
            continue
        kind = next(iter(used)) if used else (
            "category" if any(v in known for v in values) else "country")
        if kind == "category":
            errors += [RowError(file, None, where, f"unknown category {value!r}")
                       for value in values if value not in known]
            sets[name] = list(values)
        else:
            codes = [_country(value, file, where, errors) for value in values]
            sets[name] = [code for code in codes if code is not None]
    rules, seen = [], {}
    for index, rule in enumerate(pack.rules):
        if rule.id in seen:
            errors.append(RowError(file, None, f"rules.{index}.id",
                                   f"duplicate rule id {rule.id!r} (first at rules.{seen[rule.id]})"))
        seen.setdefault(rule.id, index)
        problem = _template_problem(rule.reason)
        if problem:
            errors.append(RowError(file, None, f"rules.{rule.id}.reason", problem))
        update: dict[str, list[str]] = {}
        for key in (*_COUNTRY_KEYS, *_CATEGORY_KEYS):
            where, resolved = f"rules.{rule.id}.when.{key}", []
            for item in _items(getattr(rule.when, key)):
                if item.startswith("@"):
                    if item[1:] not in pack.sets:
                        errors.append(RowError(file, None, where, f"unknown set {item!r}"))
                    resolved.append(item)
                elif key in _CATEGORY_KEYS:
                    if item not in known:
                        errors.append(RowError(file, None, where, f"unknown category {item!r}"))
                    resolved.append(item)
                else:
                    code = _country(item, file, where, errors)
                    resolved.append(code or item)
            if getattr(rule.when, key) is not None:
                update[key] = resolved
        errors += _never_matches(rule, pack, sets, file)
        rules.append(rule.model_copy(update={"when": rule.when.model_copy(update=update)}))
    checked = pack.model_copy(update={"sets": sets, "rules": rules})
    checked._file = file
    return checked, errors


def load_pack(name_or_path: str | Path) -> RulePack:
    """A bundled pack by name (e.g. ``uas-ndaa848``) or a pack file.

    Raises:
        NotFoundError: no such pack. ValidationError: bad YAML, unknown keys, unknown
            categories, sets or countries (all reported).
    """
    path = Path(name_or_path)
    if not path.is_file():
        if str(name_or_path) not in bundled_packs():
            raise NotFoundError(f"no rule pack {str(name_or_path)!r}: not a file, and bundled "
                                f"packs are {', '.join(bundled_packs())}")
        path = Path(str(resources.files("paxsilica.certify").joinpath("packs")
                        .joinpath(f"{name_or_path}.yaml")))
    file = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ValidationError([RowError(file, None, None,
                                        f"cannot read the pack: {exc.strerror}")]) from None
    document = load_yaml(raw, file)
    data = document.data
    if data is not None and not isinstance(data, dict):
        raise ValidationError([RowError(
            file, None, None, "a rule pack must be a YAML mapping with id, title, version, "
                              f"sets and rules (its top level is a {type(data).__name__})")])
    try:
        pack = RulePack.model_validate({**(data or {}), "sha256": hashlib.sha256(raw).hexdigest()})
    except PydanticValidationError as exc:
        raise with_lines(ValidationError([
            RowError(file, None, ".".join(str(p) for p in error["loc"]),
                     "unknown key" if error["type"] == "extra_forbidden" else error["msg"])
            for error in exc.errors()]), document) from None
    pack, errors = _check(pack, file)
    if errors:
        raise with_lines(ValidationError(errors), document)
    return pack
