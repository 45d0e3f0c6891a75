"""Rule packs as data: bundled packs load, a certifier's pack works, bad keys are refused."""

from __future__ import annotations

import pytest

from paxsilica.certify.rules import bundled_packs, load_pack
from paxsilica.errors import NotFoundError, ValidationError


def test_bundled_packs():
    assert {"uas-ndaa848", "fcc-covered", "magnets-tungsten"} <= set(bundled_packs())
    pack = load_pack("uas-ndaa848")
    assert pack.values("@countries_of_concern") == {"CHN", "HKG", "MAC", "RUS", "IRN", "PRK"}
    assert any("848" in reference for reference in pack.references)
    assert len(pack.sha256) == 64


def test_custom_pack(tmp_path):
    path = tmp_path / "pack.yaml"
    path.write_text("""
id: my-pack
title: Custom
version: "1"
sets: {concern: [CHN, Russia]}
rules:
  - id: magnets
    severity: fail
    reason: "magnet {part_id} from {country_of_origin}"
    when: {category: [magnet], origin: "@concern"}
""", encoding="utf-8")
    pack = load_pack(path)
    assert pack.rules[0].when.category == ["magnet"]


@pytest.mark.parametrize(("body", "field"), [
    ("when: {categroy: [magnet]}", "rules.0.when.categroy"),
    ("when: {category: [laser]}", "rules.r.when.category"),
    ("when: {origin: '@nowhere'}", "rules.r.when.origin"),
    ("when: {}\n    colour: red", "rules.0.colour"),
])
def test_bad_packs_name_the_key(tmp_path, body, field):
    path = tmp_path / "pack.yaml"
    path.write_text(f"""
id: p
title: t
version: "1"
rules:
  - id: r
    severity: warn
    reason: x
    {body}
""", encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        load_pack(path)
    assert field in {e.field for e in caught.value.errors}


def test_bad_severity_and_unknown_pack(tmp_path):
    path = tmp_path / "pack.yaml"
    path.write_text("id: p\ntitle: t\nversion: '1'\nrules:\n  - {id: r, severity: fatal, "
                    "reason: x, when: {}}\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="severity"):
        load_pack(path)
    with pytest.raises(NotFoundError, match="uas-ndaa848"):
        load_pack("no-such-pack")


def _pack(tmp_path, rules: str, sets: str = "") -> object:
    path = tmp_path / "pack.yaml"
    path.write_text(f"id: p\ntitle: t\nversion: '1'\n{sets}\nrules:\n{rules}", encoding="utf-8")
    return path


def test_country_values_are_resolved_to_iso3(tmp_path):
    path = _pack(tmp_path, "  - {id: r, severity: fail, reason: x, when: {origin: [DE, Japan]}}\n"
                           "  - {id: s, severity: warn, reason: x, when: {origin_not: '@c'}}\n",
                 "sets: {c: [cn, Hong Kong]}")
    pack = load_pack(path)
    assert pack.values(pack.rules[0].when.origin) == {"DEU", "JPN"}
    assert pack.values("@c") == {"CHN", "HKG"}
    assert pack.file == str(path)


@pytest.mark.parametrize(("rules", "sets", "field", "message"), [
    ("  - {id: r, severity: fail, reason: x, when: {origin: [Germny]}}\n", "",
     "rules.r.when.origin", "unknown country 'Germny'"),
    ("  - {id: r, severity: fail, reason: x, when: {entity_country: ZZ}}\n", "",
     "rules.r.when.entity_country", "unknown country 'ZZ'"),
    ("  - {id: r, severity: fail, reason: x, when: {origin: '@c'}}\n", "sets: {c: [CN, Narnia]}",
     "sets.c", "unknown country 'Narnia'"),
    ("  - {id: r, severity: fail, reason: x, when: {category: '@c'}}\n",
     "sets: {c: [magnet, magnnet]}", "sets.c", "unknown category 'magnnet'"),
    ("  - {id: r, severity: fail, reason: x, when: {}}\n", "sets: {c: [magnet, magnnet]}",
     "sets.c", "unknown category 'magnnet'"),
    ("  - {id: r, severity: fail, reason: x, when: {category: '@c', origin: '@c'}}\n",
     "sets: {c: [CN]}", "sets.c", "both for categories and for countries"),
    ("  - {id: r, severity: fail, reason: x, when: {}}\n"
     "  - {id: r, severity: warn, reason: y, when: {}}\n", "", "rules.1.id",
     "duplicate rule id 'r' (first at rules.0)"),
    ("  - {id: r, severity: fail, reason: 'part {part}', when: {}}\n", "", "rules.r.reason",
     "unknown placeholder {part}"),
    ("  - {id: r, severity: fail, reason: 'part {0}', when: {}}\n", "", "rules.r.reason",
     "unknown placeholder {0}"),
    ("  - {id: r, severity: fail, reason: 'part {part_id', when: {}}\n", "", "rules.r.reason",
     "bad reason template"),
    ("  - {id: r, severity: fail, reason: 'score {score:.2f}', when: {}}\n", "",
     "rules.r.reason", "bad reason template"),
])
def test_pack_values_are_checked_at_load(tmp_path, rules, sets, field, message):
    with pytest.raises(ValidationError) as caught:
        load_pack(_pack(tmp_path, rules, sets))
    assert any(e.field == field and message in e.reason and e.file.endswith("pack.yaml")
               for e in caught.value.errors), caught.value.errors


@pytest.mark.parametrize("text", ["- id: p\n- title: t\n", "just a string\n", "[1, 2]\n"])
def test_pack_top_level_must_be_a_mapping(tmp_path, text):
    path = tmp_path / "pack.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValidationError, match="must be a YAML mapping"):
        load_pack(path)
