"""Names are screened up to limits.MAX_NAME_LENGTH characters (issue 22.1: a 1 MB name grew a
server to 24 GB): every way a name enters screening refuses a longer one at its row."""

from __future__ import annotations

import pandas as pd
import pytest

from paxsilica.certify.api import check_queries
from paxsilica.certify.bom import validate_bom
from paxsilica.certify.lists import resolve_lists
from paxsilica.certify.screen import screen_names
from paxsilica.certify.screening.normalize import name_form
from paxsilica.errors import ParameterError, ValidationError
from paxsilica.io.restricted import check_ownership, entity_frame
from paxsilica.limits import MAX_NAME_LENGTH

LONG = "Acme " * (MAX_NAME_LENGTH // 5) + "Holdings"  # just over the limit, realistic words
AT_LIMIT = ("Acme " * MAX_NAME_LENGTH)[:MAX_NAME_LENGTH]


def test_the_bound_is_far_above_real_names():
    lists = resolve_lists(["bundled:fcc_covered", "bundled:dod_1260h", "bundled:csl_sample"])
    longest = max(len(name) for lst in lists for names in lst.entities["aliases"]
                  for name in [*names])
    assert longest < MAX_NAME_LENGTH / 5


def test_queries():
    frame = pd.DataFrame({"query_id": ["a", "b"], "name": ["Huawei", LONG]})
    with pytest.raises(ValidationError, match=r"names row 3, field 'name': 1,008 characters; a name "
                                              r"has at most 1,000"):
        check_queries(frame, "names")
    assert len(check_queries(pd.DataFrame({"query_id": ["a"], "name": [AT_LIMIT]}))) == 1


def test_screen_names_checks_before_any_work():
    with pytest.raises(ValidationError, match="field 'name'"):
        screen_names(pd.DataFrame({"query_id": ["q"], "name": ["A" * 1_000_000]}),
                     resolve_lists(["bundled:fcc_covered"]))


def test_listed_names_and_aliases():
    records = [{"entity_id": "e1", "name": LONG}, {"entity_id": "e2", "name": "Ok", "aliases": ["x", LONG]}]
    with pytest.raises(ValidationError) as caught:
        entity_frame(records, "list.csv", [2, 3])
    text = [str(e) for e in caught.value.errors]
    assert text == ["list.csv row 2, field 'name': 1,008 characters; a name has at most 1,000",
                    "list.csv row 3, field 'aliases': an alias of 1,008 characters; a name has at "
                    "most 1,000"]


def test_ownership_links():
    links = pd.DataFrame({"owner": [LONG, "A"], "owned": ["B", LONG], "percentage": [60, 60]})
    with pytest.raises(ValidationError) as caught:
        check_ownership(links, "own.csv")
    assert [(e.row, e.field) for e in caught.value.errors] == [(2, "owner"), (3, "owned")]


def test_bom_manufacturer():
    frame = pd.DataFrame([{"file": "bom.csv", "row": 2, "part_id": "D", "parent_id": None,
                           "description": "Drone", "category": "system", "manufacturer": LONG,
                           "country_of_origin": "TW", "quantity": "1"}])
    with pytest.raises(ValidationError, match=r"bom.csv row 2, field 'manufacturer': 1,008 characters"):
        validate_bom(frame)


def test_the_normaliser_itself_is_bounded():
    assert name_form(AT_LIMIT).tokens
    with pytest.raises(ParameterError, match="1,001 characters; at most 1,000"):
        name_form("B" * 1001)
