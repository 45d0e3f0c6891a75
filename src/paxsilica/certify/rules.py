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

Example:
    >>> pack = load_pack("uas-ndaa848")
    >>> pack.id, sorted(pack.sets)[:1], [rule.severity for rule in pack.rules][:2]
    ('uas-ndaa848', ['countries_of_concern'], ['fail', 'warn'])
"""

from __future__ import annotations

import hashlib
from importlib import resources
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field
from pydantic import ValidationError as PydanticValidationError

from paxsilica.errors import NotFoundError, RowError, ValidationError
from paxsilica.model.country import resolve_country

__all__ = ["Condition", "Rule", "RulePack", "bundled_packs", "load_pack"]

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


def _check(pack: RulePack, file: str) -> list[RowError]:
    from paxsilica.certify.bom import categories  # same layer; avoids an import cycle

    errors = []
    known = categories()
    for rule in pack.rules:
        for key in (*_COUNTRY_KEYS, *_CATEGORY_KEYS):
            spec = getattr(rule.when, key)
            items = [spec] if isinstance(spec, str) else (spec or [])
            for item in items:
                where = f"rules.{rule.id}.when.{key}"
                if item.startswith("@"):
                    if item[1:] not in pack.sets:
                        errors.append(RowError(file, None, where, f"unknown set {item!r}"))
                    continue
                if key in _CATEGORY_KEYS and item not in known:
                    errors.append(RowError(file, None, where, f"unknown category {item!r}"))
    for name, values in pack.sets.items():
        if any(v in known for v in values):
            continue
        for value in values:
            try:
                resolve_country(value)
            except KeyError:
                errors.append(RowError(file, None, f"sets.{name}",
                                       f"{value!r} is neither a category nor a country"))
    return errors


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
    raw = path.read_bytes()
    file = str(path)
    try:
        data = yaml.safe_load(raw.decode("utf-8"))
        pack = RulePack.model_validate({**(data or {}), "sha256": hashlib.sha256(raw).hexdigest()})
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ValidationError([RowError(file, None, None, f"not valid YAML: {exc}")]) from None
    except PydanticValidationError as exc:
        raise ValidationError([
            RowError(file, None, ".".join(str(p) for p in error["loc"]),
                     "unknown key" if error["type"] == "extra_forbidden" else error["msg"])
            for error in exc.errors()]) from None
    errors = _check(pack, file)
    if errors:
        raise ValidationError(errors)
    return pack
