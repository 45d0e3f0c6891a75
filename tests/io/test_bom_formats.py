"""BOM readers: CSV rows with line numbers; CycloneDX through cyclonedx-python-lib."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cyclonedx.model import Property
from cyclonedx.model.bom import Bom
from cyclonedx.model.component import Component, ComponentType
from cyclonedx.model.contact import OrganizationalEntity
from cyclonedx.output.json import JsonV1Dot5

from paxsilica.errors import ValidationError
from paxsilica.io.bom_csv import read_bom_csv
from paxsilica.io.cyclonedx import read_cyclonedx

FIXTURES = Path(__file__).parents[1] / "fixtures" / "certify"


def test_bom_csv_rows_keep_line_numbers():
    frame = read_bom_csv(FIXTURES / "drone_bom.csv")
    assert frame["row"].tolist() == list(range(2, 2 + len(frame)))
    assert frame.set_index("part_id").loc["MAG-1", "parent_id"] == "MOT-1"


def test_bom_csv_missing_column(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_text("part_id,parent_id,description,category,manufacturer,quantity\n",
                    encoding="utf-8")
    with pytest.raises(ValidationError, match="country_of_origin"):
        read_bom_csv(path)


def test_cyclonedx_written_by_the_library_reads_back(tmp_path):
    # Independent writer: the BOM is produced by cyclonedx-python-lib (spec 1.5).
    bom = Bom()
    radio = Component(name="Radio", type=ComponentType.DEVICE, bom_ref="r1",
                      supplier=OrganizationalEntity(name="Example Radio Inc"),
                      properties=[Property(name="paxsilica:category", value="radio"),
                                  Property(name="paxsilica:country_of_origin", value="US")])
    radio.components.add(Component(name="Radio firmware", type=ComponentType.FIRMWARE,
                                   bom_ref="r1-fw", version="2.1",
                                   supplier=OrganizationalEntity(name="Example Radio Inc")))
    bom.components.add(radio)
    bom.components.add(Component(name="Detector", type=ComponentType.MACHINE_LEARNING_MODEL,
                                 bom_ref="m1", publisher="Example Labs"))
    path = tmp_path / "bom.cdx.json"
    path.write_text(JsonV1Dot5(bom).output_as_string(), encoding="utf-8")
    frame = read_cyclonedx(path).set_index("part_id")
    assert frame.loc["r1-fw", "parent_id"] == "r1"
    assert frame.loc["r1-fw", "category"] == "operating_software"
    assert frame.loc["r1-fw", "description"] == "Radio firmware 2.1"
    assert frame.loc["r1", "country_of_origin"] == "US"
    assert frame.loc["m1", "category"] == "ml_model"
    assert frame.loc["m1", "component_type"] == "ml-model"
    assert frame.loc["m1", "manufacturer"] == "Example Labs"


def test_cyclonedx_fixture_nesting():
    frame = read_cyclonedx(FIXTURES / "drone_bom.cdx.json").set_index("part_id")
    assert frame.loc["fw", "parent_id"] == "fc"
    assert frame.loc["fc", "parent_id"] == "uas"
    assert frame.loc["uas", "parent_id"] is None


@pytest.mark.parametrize("content", ["{not json", json.dumps({"bomFormat": "SPDX"})])
def test_cyclonedx_malformed(tmp_path, content):
    path = tmp_path / "bom.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValidationError, match="CycloneDX"):
        read_cyclonedx(path)


def test_cyclonedx_component_without_type(tmp_path):
    doc = {"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
           "metadata": {"component": {"type": "device", "bom-ref": "uas", "name": "UAS"}},
           "components": [{"type": "device", "bom-ref": "fc", "name": "FC", "components": [
               {"bom-ref": "fw", "name": "Flight FW"}]}]}
    path = tmp_path / "bom.cdx.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        read_cyclonedx(path)
    error = caught.value.errors[0]
    assert (error.file, error.row, error.field) == (str(path), 3, "components[0].components[0].type")
    assert "'fw' has no 'type'" in error.reason
