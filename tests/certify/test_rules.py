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
