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
from paxsilica.io.restricted import check_ownership, entity_frame

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
    assert len(fcc) == 13
    assert set(fcc["listed_on"]) == {"2021-03-12", "2022-03-25", "2022-09-20", "2025-12-22"}
    # FY2025 NDAA s.1709(a)(1) names DJI by its registered name: an alias of the entry
    dji = fcc.set_index("name").loc["SZ DJI Technology Co. Ltd."]
    assert "Shenzhen Da-Jiang Innovations Sciences and Technologies Company Limited" in dji[
        "aliases"] and dji["countries"] == ["CHN"] and dji["listed_on"] == "2025-12-22"
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


@pytest.mark.parametrize(("reader", "text", "field", "reason"), [
    (read_dod_1260h, "name,country,date_listed\nAcme,CN,07/01/2025\n", "date_listed",
     "got '07/01/2025'"),
    (read_dod_1260h, "name,country,date_listed\nAcme,ZZ,2025-01-07\n", "country",
     "unknown country 'ZZ'"),
    (read_opensanctions, "id,schema,name,first_seen\nx,Company,Acme,notadate\n", "first_seen",
     "got 'notadate'"),
    (read_opensanctions, "id,schema,name,countries\nx,Company,Acme,cn;Atlantis\n", "countries",
     "unknown country 'Atlantis'"),
    (read_fcc_covered, "entity,date_of_inclusion\nAcme,2021-13-45\n", "date_of_inclusion",
     "got '2021-13-45'"),
    (read_fcc_covered, "entity,date_of_inclusion\nAcme,\n", "date_of_inclusion", "empty"),
    (read_fcc_covered, "entity,country,date_of_inclusion\nAcme,Atlantis,2021-03-12\n",
     "country", "unknown country 'Atlantis'"),
    (read_csl, "_id,source,name,nationalities,start_date\n1,SDN,Acme,ZZ,2020-01-01\n",
     "nationalities", "unknown country 'ZZ'"),
    (read_csl, "_id,source,name,start_date\n1,SDN,Acme,2020-02-30\n", "start_date",
     "got '2020-02-30'"),
])
def test_bad_cells_name_file_row_and_field(tmp_path, reader, text, field, reason):
    path = tmp_path / "list.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        reader(path)
    error = caught.value.errors[0]
    assert (error.file, error.row, error.field) == (str(path), 2, field)
    assert reason in error.reason


@pytest.mark.parametrize(("reader", "text", "field"), [
    (read_opensanctions, 'id,schema,name,countries\nw,Company,"Wide\nCo",cn\n\nx,Company,Acme,ZZ\n',
     "countries"),
    (read_dod_1260h, 'name,country,date_listed\n"Wide\nCo",cn,2025-01-07\n\nAcme,ZZ,2025-01-07\n',
     "country"),
])
def test_list_errors_name_the_file_line_past_blank_lines(tmp_path, reader, text, field):
    path = tmp_path / "list.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        reader(path)
    assert [(e.row, e.field) for e in caught.value.errors] == [(5, field)]


def test_dates_and_countries_are_normalised(tmp_path):
    path = tmp_path / "targets.simple.csv"
    path.write_text("id,schema,name,countries,first_seen\nx,Company,Acme,xk;Japan,"
                    "2024-02-29T10:00:00Z\n", encoding="utf-8")
    row = read_opensanctions(path).iloc[0]
    assert row["countries"] == ["XKX", "JPN"] and row["listed_on"] == "2024-02-29"
    csl = tmp_path / "csl.csv"
    csl.write_text('_id,source,name,addresses\n1,SDN,Acme,"1 Road, Moscow, RU;Unit 5, Suite 9"\n',
                   encoding="utf-8")
    assert read_csl(csl).iloc[0]["countries"] == ["RUS"]  # "Suite 9" is not a country: skipped


def _ftm(tmp_path, *records: dict) -> Path:
    path = tmp_path / "list.ftm.json"
    path.write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
    return path


def _own(oid: str, owner: str, asset: str, share: object, end: str | None = None) -> dict:
    props = {"owner": [owner], "asset": [asset], "percentage": [share] if share else []}
    return {"id": oid, "schema": "Ownership",
            "properties": {**props, **({"endDate": [end]} if end else {})}}


COMPANY = {"id": "a", "schema": "Company", "properties": {"name": ["Acme"]}}


@pytest.mark.parametrize(("records", "row", "field", "reason"), [
    ([COMPANY, _own("o", "a", "b", "abc")], 2, "percentage", "got 'abc'"),
    ([COMPANY, _own("o", "a", "b", "60", end="last year")], 2, "properties.endDate",
     "expected a date YYYY, YYYY-MM or YYYY-MM-DD, got 'last year'"),
    ([COMPANY, _own("o", "a", "b", "60", end="2021-02-30")], 2, "properties.endDate",
     "got '2021-02-30'"),
    ([COMPANY, _own("o", "a", "a", "10", end="2001")], 2, "owned", "cannot own itself"),
    ([{"id": "a", "schema": ["Company"], "properties": {"name": ["A"]}}], 1, "schema",
     "expected a string, got an array"),
    ([{"id": {"x": 1}, "schema": "Company", "properties": {"name": ["A"]}}], 1, "id",
     "expected a string, got an object"),
    ([{"id": 7, "schema": "Ownership", "properties": {}}], 1, "id",
     "expected a string, got a number"),
    ([{"id": " ", "schema": "Company", "properties": {}}], 1, "id", "needs 'id' and 'schema'"),
    ([COMPANY, _own("o", "a", "a", "10")], 2, "owned", "cannot own itself"),
    ([{"id": "a", "schema": "Company", "properties": "abc"}], 1, "properties",
     "got a str"),
    ([{"id": "a", "schema": "Company", "properties": ["abc"]}], 1, "properties",
     "got a list"),
    ([{"id": "a", "schema": "Company", "properties": {"name": [{"x": 1}]}}], 1,
     "properties.name", "a string or a list of strings"),
    ([{"id": "a", "schema": "Company", "properties": {"name": ["A"], "country": ["Atlantis"]}}], 1,
     "properties.country", "unknown country 'Atlantis'"),
    ([{"id": "a", "schema": "Company", "first_seen": "yesterday",
       "properties": {"name": ["A"]}}], 1, "first_seen", "got 'yesterday'"),
])
def test_ftm_bad_values(tmp_path, records, row, field, reason):
    with pytest.raises(ValidationError) as caught:
        read_ftm(_ftm(tmp_path, *records))
    assert [(e.row, e.field) for e in caught.value.errors] == [(row, field)]
    assert reason in caught.value.errors[0].reason


def test_ftm_line_that_is_not_an_object(tmp_path):
    path = tmp_path / "list.ftm.json"
    path.write_text(json.dumps(COMPANY) + '\n["Company"]\n', encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        read_ftm(path)
    assert [(e.row, e.field, e.reason) for e in caught.value.errors] == [
        (2, None, "expected a JSON object, got an array")]


def test_ftm_ownership_drops_ended_links_and_keeps_the_largest_of_repeated_ones(tmp_path):
    # OpenSanctions: past owners carry an endDate; one holding can come from several datasets
    path = _ftm(tmp_path, COMPANY,
                _own("o1", "A", "C", "60", end="2001-05"),       # ended: dropped
                _own("o2", "B", "C", "40"),
                _own("o3", "B", "C", "45%"),                     # same link, larger: kept
                _own("o4", "D", "C", "30", end="2999-01-01"),    # ends in the future: kept
                _own("o5", "G", "C", "50", end="2001"),          # ended
                _own("o6", "G", "C", "20"),                      # a current holding of G
                _own("o7", "E", "F", None),                      # no percentage ...
                _own("o8", "E", "F", "10"))                      # ... the other one wins
    _, ownership = read_ftm(path)
    assert ownership.values.tolist() == [["B", "C", 45.0, "o3"], ["D", "C", 30.0, "o4"],
                                         ["G", "C", 20.0, "o6"], ["E", "F", 10.0, "o8"]]


def test_ftm_owners_over_100_percent_in_total_are_kept(tmp_path):
    # the same holding reported under two owner ids, or stakes from different dates: the
    # stream is not refused (an ownership CSV over 100% is)
    path = _ftm(tmp_path, COMPANY, _own("o1", "a", "b", "60"), _own("o2", "c", "b", "45%"))
    _, ownership = read_ftm(path)
    assert ownership.groupby("owned")["percentage"].sum().to_dict() == {"b": 105.0}
    with pytest.raises(ValidationError) as caught:
        check_ownership(ownership, "own.csv", rows=[4, 7])
    assert [(e.row, e.field, e.reason) for e in caught.value.errors] == [
        (7, "percentage", "owners of 'b' hold 105% in total (> 100%)")]


def test_entity_ids_must_be_text():
    with pytest.raises(ValidationError) as caught:
        entity_frame([{"entity_id": ["x"], "name": "Acme"}], "l.json", [3])
    assert [(e.row, e.field, e.reason) for e in caught.value.errors] == [
        (3, "id", "expected a string, got a list")]


def test_ftm_plain_string_values_are_one_value_lists(tmp_path):
    path = _ftm(tmp_path, {"id": "abc", "schema": "Company",
                           "properties": {"name": "Acme Holdings", "country": "cn",
                                          "alias": "ACME"}},
                {"id": "o1", "schema": "Ownership",
                 "properties": {"owner": "abc", "asset": "bcd", "percentage": "60"}})
    entities, ownership = read_ftm(path)
    assert entities.iloc[0][["name", "countries", "aliases"]].tolist() == [
        "Acme Holdings", ["CHN"], ["ACME"]]
    assert ownership[["owner", "owned", "percentage"]].values.tolist() == [["abc", "bcd", 60.0]]


def test_ftm_country_codes_beyond_iso_are_kept(tmp_path):
    # OpenSanctions writes FtM codes: zz (global), suhh (USSR), ua-cri (Crimea), xk (Kosovo)
    path = tmp_path / "targets.simple.csv"
    path.write_text("id,schema,name,countries\nx,Company,Acme,ru;zz;suhh;ua-cri;xk\n", encoding="utf-8")
    assert read_opensanctions(path)["countries"].iloc[0] == ["RUS", "ZZ", "SUHH", "UA-CRI", "XKX"]
    ftm = _ftm(tmp_path, {"id": "a", "schema": "Company", "properties": {"name": ["A"], "country": ["ge-ab"]}})
    assert read_ftm(ftm)[0]["countries"].iloc[0] == ["GE-AB"]


def test_every_csv_list_format_is_a_declared_mapping():
    import pytest as _pytest

    from paxsilica.errors import NotFoundError
    from paxsilica.io.list_mapping import list_mapping

    for name, columns in (("csl", "_id"), ("opensanctions", "id"), ("fcc_covered", "entity"),
                          ("dod_1260h", "name")):
        assert columns in list_mapping(name).required
    with _pytest.raises(NotFoundError, match="no list format 'pdf'"):
        list_mapping("pdf")
