"""The pydantic records: a valid record of each kind, and each constraint violated.

A violation must fail on the field a user has to fix (for checks across fields, the
field named in the error's context, as the validator reports it)."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import BaseModel
from pydantic import ValidationError as PydanticError

from paxsilica.model import ExportControl, Facility, Membership, Ownership, RecipeLine, Supply

CITED = {"source": "S", "confidence": "high"}
VALID: dict[type[BaseModel], dict[str, object]] = {
    Supply: {"item_id": "gallium", "country": "Japan", "year": 2024, "quantity": 3000,
             "unit": "kg Ga", **CITED},
    RecipeLine: {"output_item": "gallium_nitride", "input_item": "gallium", "quantity": 0.8327,
                 "unit": "kg Ga per kg GaN", **CITED},
    Ownership: {"owner_id": "tsmc", "owned_id": "jasm", "percentage": 86.5, **CITED},
    Facility: {"facility_id": "mt_weld", "name": "Mt Weld", "country": "AUS", "capacity": 10500,
               "unit": "t NdPr oxide", **CITED},
    ExportControl: {"measure_id": "CN-1", "issuer": "China", "announced": "2023-07-03",
                    "effective": "2023-08-01", "items": "gallium", "kind": "licence_requirement",
                    **CITED},
    Membership: {"group_id": "pax_silica", "country": "JPN", "status": "signatory",
                 "valid_from": "2025-12-12", **CITED},
}


def _failed_field(model: type[BaseModel], **changes: object) -> str | None:
    """The field of the (single) error when ``changes`` are applied to the valid record."""
    data = {**VALID[model], **changes}
    data = {key: value for key, value in data.items() if value is not ...}
    with pytest.raises(PydanticError) as caught:
        model(**data)
    errors = caught.value.errors()
    assert len(errors) == 1, errors
    location = errors[0]["loc"]
    return ".".join(map(str, location)) or (errors[0].get("ctx") or {}).get("field")


@pytest.mark.parametrize("model", list(VALID), ids=lambda m: m.__name__)
def test_valid_records(model):
    record = model(**VALID[model])
    assert record.basis == "reported" and record.note is None


def test_valid_records_normalise_their_values():
    assert Supply(**VALID[Supply]).country == "JPN"
    assert Supply(**VALID[Supply]).stage is None  # the item's stage is filled at import
    control = ExportControl(**VALID[ExportControl])
    assert control.issuer == "CHN" and control.targets == ["all"]
    assert control.effective == date(2023, 8, 1)
    assert RecipeLine(**VALID[RecipeLine]).essential is True
    assert Membership(**VALID[Membership], valid_to="2026-01-01").valid_to == date(2026, 1, 1)


COMMON = [  # every cited record
    ({"confidence": "certain"}, "confidence"),
    ({"basis": "guess"}, "basis"),
    ({"source": ""}, "source"),
    ({"source": ...}, "source"),
    ({"colour": "red"}, "colour"),  # unknown fields are typos
]


@pytest.mark.parametrize("model", list(VALID), ids=lambda m: m.__name__)
@pytest.mark.parametrize(("changes", "field"), COMMON)
def test_provenance_constraints(model, changes, field):
    assert _failed_field(model, **changes) == field


VIOLATIONS = {
    Supply: [
        ({"item_id": "Gallium"}, "item_id"),
        ({"country": "Atlantis"}, "country"),
        ({"year": 1899}, "year"),
        ({"year": 2101}, "year"),
        ({"quantity": -1}, "quantity"),
        ({"quantity": float("inf")}, "quantity"),
        ({"quantity": "nan"}, "quantity"),
        ({"share": 1.2}, "share"),
        ({"share": -0.1}, "share"),
        ({"share": float("nan")}, "share"),
        ({"quantity": ..., "unit": ...}, "quantity"),  # neither quantity nor share
        ({"unit": ...}, "unit"),  # a quantity without its unit
    ],
    RecipeLine: [
        ({"quantity": 0}, "quantity"),
        ({"quantity": float("inf")}, "quantity"),
        ({"unit": ""}, "unit"),
        ({"year": 1800}, "year"),
        ({"essential": "perhaps"}, "essential"),
        ({"input_item": "gallium_nitride"}, "input_item"),  # an input of itself
    ],
    Ownership: [
        ({"percentage": 0}, "percentage"),
        ({"percentage": 100.5}, "percentage"),
        ({"percentage": float("nan")}, "percentage"),
        ({"owned_id": "tsmc"}, "owned_id"),  # owns itself
        ({"owner_id": "TSMC Ltd"}, "owner_id"),
    ],
    Facility: [
        ({"facility_id": "Mt Weld"}, "facility_id"),
        ({"name": ""}, "name"),
        ({"country": "Westeros"}, "country"),
        ({"capacity": -5}, "capacity"),
        ({"capacity": float("inf")}, "capacity"),
        ({"stage": "Mine!"}, "stage"),
    ],
    ExportControl: [
        ({"measure_id": ""}, "measure_id"),
        ({"issuer": "Narnia"}, "issuer"),
        ({"announced": "2023-02-30"}, "announced"),
        ({"effective": "soon"}, "effective"),
        ({"items": ""}, "items"),
        ({"kind": "embargo"}, "kind"),
        ({"suspended_from": "2024-13-01"}, "suspended_from"),
    ],
    Membership: [
        ({"status": "Signatory!"}, "status"),
        ({"country": "Atlantis"}, "country"),
        ({"valid_from": "2026-02-30"}, "valid_from"),
        ({"valid_to": "2025-01-01"}, "valid_to"),  # before valid_from
        ({"group_id": ...}, "group_id"),
    ],
}


@pytest.mark.parametrize(("model", "changes", "field"),
                         [(model, changes, field) for model, cases in VIOLATIONS.items()
                          for changes, field in cases],
                         ids=lambda value: value.__name__ if isinstance(value, type) else None)
def test_each_constraint_fails_on_its_field(model, changes, field):
    assert _failed_field(model, **changes) == field


def test_cross_field_errors_say_what_to_do():
    with pytest.raises(PydanticError, match="a quantity needs a unit"):
        Supply(**{**VALID[Supply], "unit": None})
    with pytest.raises(PydanticError, match=r"give a quantity .* or a share"):
        Supply(item_id="gallium", country="JPN", year=2024, **CITED)
    with pytest.raises(PydanticError, match="tsmc cannot own itself"):
        Ownership(**{**VALID[Ownership], "owned_id": "tsmc"})
