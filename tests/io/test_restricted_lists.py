"""Readers of restricted-party list formats: real layouts, malformed files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from paxsilica.errors import ValidationError
from paxsilica.io.csl import CSL_COLUMNS, read_csl
from paxsilica.io.dod_1260h import read_dod_1260h
from paxsilica.io.fcc_covered import read_fcc_covered
from paxsilica.io.ftm import read_ftm
from paxsilica.io.opensanctions import OPENSANCTIONS_COLUMNS, read_opensanctions

FIXTURES = Path(__file__).parents[1] / "fixtures" / "certify"
LISTS = Path(__file__).parents[2] / "src" / "paxsilica" / "data" / "lists"


def test_opensanctions_targets_simple_layout():
    header = (FIXTURES / "targets.simple.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.split(",") == OPENSANCTIONS_COLUMNS
    frame = read_opensanctions(FIXTURES / "targets.simple.csv")
    dji = frame.set_index("entity_id").loc["px-dji"]
    assert dji["aliases"] == ["DJI", "Da-Jiang Innovations"]
    assert dji["countries"] == ["CHN"]
    assert dji["listed_on"] == "2020-12-22"
    assert frame.set_index("entity_id").loc["px-komid", "countries"] == ["PRK"]


def test_csl_bundled_sample_has_official_header():
    header = (LISTS / "csl_sample.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.split(",") == CSL_COLUMNS
    frame = read_csl(LISTS / "csl_sample.csv").set_index("entity_id")
    assert frame.loc["csl-el-007", "name"] == "SZ DJI Technology Co., Ltd."
    assert "DJI" in frame.loc["csl-el-007", "aliases"]
    assert frame.loc["csl-sdn-001", "countries"] == ["RUS"]  # from the address' country code
    assert frame.loc["csl-sdn-003", "countries"] == ["IRN"]


def test_fcc_and_dod_bundled_lists():
    fcc = read_fcc_covered(LISTS / "fcc_covered.csv")
    assert len(fcc) == 11
    assert set(fcc["listed_on"]) == {"2021-03-12", "2022-03-25", "2022-09-20"}
    assert fcc.set_index("name").loc["AO Kaspersky Lab", "countries"] == ["RUS"]
    dod = read_dod_1260h(LISTS / "dod_1260h.csv")
    assert (dod["countries"].map(tuple) == ("CHN",)).all()
    assert "CATL" in dod.set_index("name").loc["Contemporary Amperex Technology Co. Limited",
                                                  "aliases"]


def test_ftm_entities_and_ownership():
    entities, ownership = read_ftm(FIXTURES / "entities.ftm.json")
    assert len(entities) == 5  # the Address line is ignored
    assert entities.set_index("entity_id").loc["ftm-listed-a", "identifiers"] == [
        "registrationNumber:91440300TEST0001"]
    assert ownership.set_index("source")["percentage"].to_dict() == {
        "own-1": 30.0, "own-2": 25.0, "own-3": 51.0, "own-4": 49.9}


def test_ftm_bad_lines_are_all_reported(tmp_path):
    path = tmp_path / "bad.ftm.json"
    lines = ['{"id": "a", "schema": "Company", "properties": {"name": ["A"]}}',
             "{not json",
             json.dumps({"id": "o", "schema": "Ownership",
                         "properties": {"owner": ["a"], "asset": ["b"], "percentage": ["140"]}}),
             json.dumps({"schema": "Company", "properties": {}})]
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        read_ftm(path)
    rows = sorted((e.row, e.field) for e in caught.value.errors)
    assert rows == [(2, None), (3, "percentage"), (4, "id")]


def test_missing_columns_and_duplicates(tmp_path):
    path = tmp_path / "targets.simple.csv"
    path.write_text("id,name\nx,Acme\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="field 'schema'"):
        read_opensanctions(path)
    path.write_text("id,schema,name\nx,Company,Acme\nx,Company,Other\ny,Company,\n",
                    encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        read_opensanctions(path)
    assert {(e.row, e.field) for e in caught.value.errors} == {(3, "id"), (4, "name")}


def test_fcc_bad_date(tmp_path):
    path = tmp_path / "fcc.csv"
    path.write_text("entity,date_of_inclusion\nZTE Corporation,12/03/2021\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="row 2, field 'date_of_inclusion'"):
        read_fcc_covered(path)


def test_not_utf8(tmp_path):
    path = tmp_path / "csl.csv"
    path.write_bytes(b"_id,source,name\n1,SDN,Caf\xe9 Ltd\n")
    with pytest.raises(ValidationError, match="UTF-8"):
        read_csl(path)
