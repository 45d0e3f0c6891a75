"""BOM checks end to end: findings per rule, ownership-derived entities, verdicts."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pytest

from paxsilica.certify.bom import load_bom
from paxsilica.certify.check import check_bom
from paxsilica.certify.issue import certificate_body
from paxsilica.certify.lists import bundled_list_path, load_list
from paxsilica.certify.rules import load_pack
from paxsilica.errors import ValidationError
from paxsilica.io.tables import read_table

FIXTURES = Path(__file__).parents[1] / "fixtures" / "certify"


@pytest.fixture(scope="module")
def lists():
    return [load_list(bundled_list_path(n), name=n)
            for n in ("fcc_covered", "dod_1260h", "csl_sample")]


def test_clean_drone_passes(lists):
    result = check_bom(load_bom(FIXTURES / "drone_bom.csv"), lists, load_pack("uas-ndaa848"))
    assert result.verdict == "pass"
    assert result.findings.empty


def test_red_drone_fails_with_explained_findings(lists):
    result = check_bom(load_bom(FIXTURES / "drone_bom_red.csv"), lists, load_pack("uas-ndaa848"))
    assert result.verdict == "fail"
    findings = result.findings
    fails = findings[findings["severity"] == "fail"]
    # DJI on the FCC Covered List (since 22 Dec 2025), the 1260H list and the CSL
    assert fails["part_id"].tolist() == ["CAM-1", "CAM-1", "CAM-1"]
    assert set(fails["list_name"]) == {"fcc_covered", "dod_1260h", "csl_sample"}
    assert (fails["score"] >= 0.7).all()
    warns = findings[findings["severity"] == "warn"]
    # battery from CATL (listed, not a covered component) and both parts' origin in China
    assert set(zip(warns["part_id"], warns["rule"], strict=True)) == {
        ("CAM-1", "part-from-country-of-concern"), ("BAT-1", "part-from-country-of-concern"),
        ("BAT-1", "other-part-from-listed-entity")}
    assert "Contemporary Amperex" in warns[warns["rule"] == "other-part-from-listed-entity"][
        "reason"].iloc[0]


def test_ownership_makes_a_supplier_restricted(lists):
    links = read_table(FIXTURES / "ownership.csv").frame
    links["percentage"] = links["percentage"].astype(float)
    result = check_bom(load_bom(FIXTURES / "drone_bom.csv"), lists, load_pack("uas-ndaa848"),
                       ownership=links)
    # Example Gimbal Co Ltd: 35% DJI + 20% Huawei = 55% by listed parties -> gimbal fails.
    fails = result.findings[result.findings["severity"] == "fail"]
    assert fails["part_id"].tolist() == ["GIM-1"]
    assert "55% in aggregate" in fails["reason"].iloc[0]
    # every contributing owner and its share, not only the largest (on the control path)
    assert ("restricted owners: SZ DJI Technology Co Ltd 35% (listed), Huawei Technologies "
            "Co Ltd 20% (listed); control path: SZ DJI Technology Co Ltd -> Example Gimbal "
            "Co Ltd") in fails["reason"].iloc[0]


def test_fcc_pack_uses_only_the_covered_list(lists):
    bom = load_bom(FIXTURES / "drone_bom.cdx.json")  # Hikvision camera
    fcc = check_bom(bom, lists, load_pack("fcc-covered"))
    assert fcc.verdict == "fail"
    # findings from list matches name only the Covered List (origin rules name no list)
    assert set(fcc.findings["list_name"].dropna()) == {"fcc_covered"}
    with_csl = check_bom(bom, [lists[0], lists[2]], load_pack("fcc-covered"))
    assert set(with_csl.findings["list_name"].dropna()) == {"fcc_covered"}


def test_fcc_pack_fails_the_red_drone_on_the_covered_list_alone(lists):
    # issue 23: a DJI camera passed the fcc-covered pack before the Dec 2025 additions
    result = check_bom(load_bom(FIXTURES / "drone_bom_red.csv"), [lists[0]],
                       load_pack("fcc-covered"))
    assert result.verdict == "fail"
    fails = result.findings[result.findings["severity"] == "fail"]
    assert fails["part_id"].tolist() == ["CAM-1"]
    assert "SZ DJI Technology" in fails["reason"].iloc[0]
    warns = result.findings[result.findings["severity"] == "warn"]
    # the CATL battery is produced abroad (a UAS critical component since 22 Dec 2025)
    assert ("BAT-1", "uas-critical-component-produced-abroad") in set(
        zip(warns["part_id"], warns["rule"], strict=True))


def test_fcc_pack_warns_on_foreign_produced_drone_parts_only(lists):
    # hand-worked from the fixture: US-made flight controller, radio and camera raise
    # nothing; the Taiwanese motor, Swiss GNSS and flight software, the Japanese battery
    # and the Taiwanese quadcopter itself are foreign-produced; the gimbal, frame,
    # propeller and memory card are no UAS critical components in the notice.
    result = check_bom(load_bom(FIXTURES / "drone_bom.csv"), [lists[0]], load_pack("fcc-covered"))
    assert result.verdict == "pass"
    assert set(zip(result.findings["part_id"], result.findings["rule"], strict=True)) == {
        ("MOT-1", "uas-critical-component-produced-abroad"),
        ("GPS-1", "uas-critical-component-produced-abroad"),
        ("BAT-1", "uas-critical-component-produced-abroad"),
        ("OS-1", "uas-critical-component-produced-abroad"),
        ("UAS-1", "uas-produced-abroad")}
    assert set(result.findings["severity"]) == {"warn"}
    assert "Blue UAS" in result.findings["reason"].iloc[0]


def test_listed_on_a_list_not_given_is_an_error(lists):
    # Without the FCC list the pack's rules could never match: a silent PASS.
    bom = load_bom(FIXTURES / "drone_bom.cdx.json")
    with pytest.raises(ValidationError) as caught:
        check_bom(bom, [lists[1]], load_pack("fcc-covered"))
    error = caught.value.errors[0]
    assert error.file.endswith("fcc-covered.yaml")
    assert error.field == "rules.telecom-equipment-from-covered-list-entity.when.listed_on"
    assert "'fcc_covered' was not given" in error.reason and "dod_1260h" in error.reason


def test_custom_magnet_pack():
    bom = load_bom(FIXTURES / "drone_bom.cdx.json")  # magnet without country of origin
    result = check_bom(bom, [], load_pack("magnets-tungsten"))
    assert result.findings[["part_id", "rule", "severity"]].values.tolist() == [
        ["mag", "magnet-origin-unknown", "warn"]]


def test_certificate_body_records_inputs(lists):
    bom = load_bom(FIXTURES / "drone_bom_red.csv")
    body = certificate_body(bom, lists, load_pack("uas-ndaa848"))
    assert body["verdict"] == "fail"
    assert body["bom"]["sha256"] == bom.sha256
    assert [lst["name"] for lst in body["lists"]] == ["fcc_covered", "dod_1260h", "csl_sample"]
    assert body["rule_pack"]["id"] == "uas-ndaa848"
    assert body["summary"] == {"fail": 3, "warn": 3}
    assert set(body["findings"][0]) >= {"part_id", "rule", "severity", "entity_id", "score",
                                        "reason"}
    scores = pd.Series([f["score"] for f in body["findings"] if f["score"] is not None])
    assert len(scores) == 4 and scores.between(0, 1).all()  # 3 DJI matches + CATL


def test_certificate_body_records_ownership_inputs(lists, tmp_path):
    from paxsilica.certify.ownership import (
        links_digest,
        ownership_file_record,
        store_ownership_record,
    )

    bom = load_bom(FIXTURES / "drone_bom.csv")
    links = read_table(FIXTURES / "ownership.csv").frame
    links["percentage"] = links["percentage"].astype(float)
    plain = certificate_body(bom, lists, load_pack("uas-ndaa848"))
    assert plain["ownership"] == {"file": None, "store": None, "from_lists": 0}
    record = ownership_file_record(FIXTURES / "ownership.csv", links)
    body = certificate_body(bom, lists, load_pack("uas-ndaa848"), ownership=links,
                            ownership_inputs={"file": record, "store": None})
    assert body["ownership"]["file"] == {
        "file": "ownership.csv", "format": "table", "links": 4,
        "sha256": hashlib.sha256((FIXTURES / "ownership.csv").read_bytes()).hexdigest()}
    assert body["verdict"] == "fail" and plain["verdict"] == "pass"
    # store rows: the digest follows the rows and the names used, not their order
    names = {"c1": "Example Gimbal Co Ltd"}
    stored = store_ownership_record(links, names)
    assert stored["links"] == 4 and stored["companies"] == 1
    assert stored["sha256"] == links_digest(links.iloc[::-1], names)
    assert stored["sha256"] != links_digest(links.assign(percentage=[35, 20, 60, 99]), names)
    assert stored["sha256"] != links_digest(links, {"c1": "Other"})
    unrecorded = certificate_body(bom, lists, load_pack("uas-ndaa848"), ownership=links)
    assert unrecorded["ownership"]["links"] == {"links": 4, "sha256": links_digest(links)}
