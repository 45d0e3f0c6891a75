"""Booleans are not numbers in input models (issue 22.9: ``days: true`` ran 1 day)."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from paxsilica.model.numbers import refuse_bool_numbers
from paxsilica.simulate.scenario import scenario_from_dict


class _Model(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    _numbers = model_validator(mode="before")(refuse_bool_numbers)
    days: int
    share: float | None = None
    flag: bool = False
    either: int | bool = 0
    years: list[int] = Field(default_factory=list)
    start: int | None = Field(None, alias="from")


@pytest.mark.parametrize("data", [{"days": True}, {"days": 1, "share": False},
                                  {"days": 1, "years": [2026, True]}, {"days": 1, "from": True}])
def test_booleans_for_numbers_are_refused(data):
    with pytest.raises(ValidationError, match="is not a number"):
        _Model.model_validate(data)


def test_booleans_where_a_field_takes_them_and_numbers_pass():
    model = _Model.model_validate({"days": 2, "share": 0.5, "flag": True, "either": True,
                                   "years": [2026], "from": 3})
    assert (model.days, model.flag, model.either, model.start) == (2, True, True, 3)


def test_scenarios_refuse_days_true_and_event_steps_false():
    from paxsilica.errors import ValidationError as InputError

    with pytest.raises(InputError, match="days: true is not a number"):
        scenario_from_dict({"name": "x", "days": True})
    with pytest.raises(InputError, match="start: false is not a number"):
        scenario_from_dict({"name": "x", "events": [{"kind": "capacity_loss", "region": "A",
                                                     "sector": "a", "fraction": 0.5, "start": False}]})
