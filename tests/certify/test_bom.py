"""BOM validation: every problem reported with file, row and field; cycles named."""

from __future__ import annotations

from pathlib import Path

import pytest

from paxsilica.certify.bom import categories, load_bom
from paxsilica.errors import ValidationError

FIXTURES = Path(__file__).parents[1] / "fixtures" / "certify"
HEADER = "part_id,parent_id,description,category,manufacturer,country_of_origin,quantity\n"


def _bom(tmp_path, body: str) -> Path:
    path = tmp_path / "bom.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_fixture_is_valid_and_multilevel():
    bom = load_bom(FIXTURES / "drone_bom.csv")
    parts = bom.parts.set_index("part_id")
    assert parts.loc["MAG-1", "parent_id"] == "MOT-1"
    assert parts.loc["MOT-1", "parent_id"] == "AF-1"
    assert parts["covered"].sum() == 6
    assert bom.format == "csv" and len(bom.sha256) == 64


def test_documented_category_vocabulary():
    issue_vocabulary = {"flight_controller", "radio", "data_transmission", "camera", "gimbal",
                        "ground_control_system", "operating_software", "network_connectivity",
                        "data_storage", "motor", "esc", "battery", "frame", "propeller", "gps",
                        "sensor", "magnet", "airframe_other"}
    assert issue_vocabulary <= set(categories())
    covered = {name for name, spec in categories().items() if spec["covered"]}
    assert covered == {"flight_controller", "radio", "data_transmission", "camera", "gimbal",
                       "ground_control_system", "operating_software", "network_connectivity",
                       "data_storage"}


def test_cycle_names_its_parts(tmp_path):
    path = _bom(tmp_path, "A,,Drone,system,X,TW,1\nB,D,Part,motor,X,TW,1\n"
                          "C,B,Part,motor,X,TW,1\nD,C,Part,motor,X,TW,1\n")
    with pytest.raises(ValidationError) as caught:
        load_bom(path)
    (error,) = caught.value.errors
    assert error.field == "parent_id" and error.row == 3
    assert "B -> D -> C -> B" in error.reason or "cycle" in error.reason
    assert {"B", "C", "D"} <= set(error.reason.replace("->", " ").split())


def test_every_row_problem_is_reported(tmp_path):
    path = _bom(tmp_path, "A,,Drone,system,X,TW,1\n"
                          "B,Z,Part,motor,X,TW,1\n"           # unknown parent
                          "C,A,Part,laser_cannon,X,TW,1\n"    # unknown category
                          "D,A,Part,motor,X,TW,-2\n"          # negative quantity
                          "E,A,Part,motor,,TW,1\n"            # missing manufacturer
                          "F,A,Part,motor,X,Atlantis,1\n"     # unknown country
                          "A,,Dup,system,X,TW,1\n")           # duplicate id
    with pytest.raises(ValidationError) as caught:
        load_bom(path)
    found = {(e.row, e.field) for e in caught.value.errors}
    assert found == {(3, "parent_id"), (4, "category"), (5, "quantity"), (6, "manufacturer"),
                     (7, "country_of_origin"), (8, "part_id")}
    assert all(e.file == str(path) for e in caught.value.errors)


def test_empty_bom(tmp_path):
    with pytest.raises(ValidationError, match="no parts"):
        load_bom(_bom(tmp_path, ""))


def test_cyclonedx_bom_is_validated_too():
    bom = load_bom(FIXTURES / "drone_bom.cdx.json")
    assert bom.format == "cyclonedx"
    assert bom.parts.set_index("part_id").loc["fw", "covered"]


@pytest.mark.parametrize(("row", "field", "reason"), [
    ("A,,Drone,system,X,TW,inf\n", "quantity", "expected a finite number >= 0, got 'inf'"),
    ("A,,Drone,system,X,TW,nan\n", "quantity", "got 'nan'"),
    ("A,,Drone,system,X,TW,-inf\n", "quantity", "got '-inf'"),
    ("A,,Drone,,X,TW,1\n", "category", "category is empty"),
])
def test_quantity_must_be_finite_and_category_given(tmp_path, row, field, reason):
    with pytest.raises(ValidationError) as caught:
        load_bom(_bom(tmp_path, row))
    error = caught.value.errors[0]
    assert (error.row, error.field) == (2, field) and reason in error.reason
    assert "None" not in error.reason
