"""Exposure, chokepoints, screen, certify and plan through their request models: the answer
equals the library function called directly (the oracle), rules live in the model, remote
requests name no file on the server."""

from __future__ import annotations

from pathlib import Path

import pytest

from paxsilica.analytics.exposure import exposure
from paxsilica.analytics.multitier import multitier_exposure
from paxsilica.certify.screen import screen_names
from paxsilica.errors import NotFoundError, ParameterError
from paxsilica.model.network import StackNetwork
from paxsilica.plan import DEFAULT_MIP_GAP, plan
from paxsilica.requests.certify import CertifyRequest, answer_certify
from paxsilica.requests.exposure import ExposureRequest, answer_exposure
from paxsilica.requests.plan import PlanRequest, answer_plan
from paxsilica.requests.screen import ScreenRequest, answer_screen
from paxsilica.store import open_store

FIXTURES = Path(__file__).parents[1] / "fixtures" / "certify"


@pytest.fixture(scope="module")
def net() -> StackNetwork:
    return StackNetwork.from_store(open_store(":memory:"))


def test_direct_exposure_is_the_library_s_with_the_parameters_as_columns(net):
    table = answer_exposure(net, ExposureRequest(item="gallium", as_of="2026-01-01"))
    expected = exposure(net, item="gallium", as_of="2026-01-01")
    assert table["share"].tolist() == expected["share"].tolist()
    assert {str(day) for day in table["as_of"]} == {"2026-01-01"} and set(table["group"]) == {"pax_silica"}
    assert table.attrs["title"].startswith("Exposure as of 2026-01-01")


def test_all_tier_summary_keeps_the_world_rows_of_the_library_table(net):
    table = answer_exposure(net, ExposureRequest(item="gallium", tiers="all", summary=True,
                                                 as_of="2026-01-01"))
    full = multitier_exposure(net, item="gallium", as_of="2026-01-01")
    world = full[(full["role"] == "market") & (full["country"] == "WLD")]
    assert table["concern_share"].tolist() == world["concern_share"].tolist() and len(table) > 0


def test_alias_choice_is_a_note_and_unknown_names_name_their_field(net):
    table = answer_exposure(net, ExposureRequest(item="rare_earth_oxide", stage="mine"))
    assert any("selects" in note for note in table.attrs["notes"])
    for values, field in (({"item": "unobtainium"}, "item"), ({"group": "nope"}, "group"),
                          ({"stage": "moon"}, "stage")):
        with pytest.raises(NotFoundError) as info:
            answer_exposure(net, ExposureRequest(**values))
        assert info.value.field == field


def test_screen_names_equal_the_library_screening():
    request = ScreenRequest(names=["Huawei Technologies Co Ltd", {"query_id": "q", "name": "Acme"}],
                            lists=["bundled:fcc_covered"])
    answer = answer_screen(request)
    assert answer.queries["query_id"].tolist() == ["0", "q"]
    from paxsilica.certify.lists import resolve_lists

    expected = screen_names(answer.queries, resolve_lists(["bundled:fcc_covered"]))
    assert answer.matches["entity_id"].tolist() == expected["entity_id"].tolist()
    assert answer.records()[0]["matches"] and answer.records()[1]["matches"] == []


def test_remote_lists_are_names_never_server_files(tmp_path):
    listed = tmp_path / "fcc.csv"
    listed.write_text("entity,aliases,country,covered_equipment_or_services,date_of_inclusion,"
                      "fcc_document\nAcme Corp,,CN,x,2021-03-12,DA 1\n", encoding="utf-8")
    local = answer_screen(ScreenRequest(names=["Acme Corp"], lists=[str(listed)]))
    assert local.records()[0]["matches"]
    remote = ScreenRequest.parse(names=["Acme Corp"], lists=[str(listed)], local_files=False)
    with pytest.raises(ParameterError) as info:
        answer_screen(remote)  # no store: a remote spec is bundled:NAME or a stored list
    assert info.value.field == "lists[0]"
    with pytest.raises(ParameterError) as info:
        ScreenRequest.parse(names_file=str(listed), lists=["bundled:fcc_covered"],
                            local_files=False)
    assert info.value.field == "names_file"


def test_screen_rules():
    with pytest.raises(ParameterError, match="not both"):
        ScreenRequest(names=["a"], names_file="n.csv", lists=["bundled:fcc_covered"])
    with pytest.raises(ParameterError) as info:
        ScreenRequest(names=["a" * 1001], lists=["bundled:fcc_covered"])
    assert info.value.field == "names[0]"
    with pytest.raises(ParameterError, match="0 to 1"):
        ScreenRequest(names=["a"], lists=["bundled:fcc_covered"], threshold=float("nan"))


def test_certify_remote_packs_are_bundled_names(tmp_path):
    bom = FIXTURES / "drone_bom.csv"
    document = answer_certify(CertifyRequest(bom=bom, lists=["bundled:fcc_covered"],
                                             rules="uas-ndaa848"))
    assert document["certificate"]["verdict"] in ("pass", "fail")
    pack = tmp_path / "pack.yaml"
    pack.write_text("name: p\n", encoding="utf-8")
    with pytest.raises(ParameterError) as info:
        CertifyRequest.parse(bom=bom, lists=["bundled:fcc_covered"], rules=str(pack),
                             local_files=False)
    assert info.value.field == "rules"


HAND = {"name": "x", "years": [2026], "concern": ["CHN"],
        "demand": [{"member": "USA", "item": "gallium", "quantity": 10}],
        "sources": [{"id": "s", "item": "gallium", "country": "JPN", "capacity": 20, "cost": 3}]}


def test_plan_answers_equal_the_library_plan_in_every_form(net, tmp_path):
    import yaml

    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump(HAND), encoding="utf-8")
    expected = plan(HAND, net)
    for problem in (HAND, yaml.safe_dump(HAND), str(path)):
        answer = answer_plan(net, PlanRequest(problem=problem))
        # hand-worked: 10 units from the only source at 3 each
        assert (answer.result.status, answer.result.objective) == ("optimal", 30.0)
        assert answer.result.objective == expected.objective
    assert PlanRequest(problem=HAND).mip_gap == DEFAULT_MIP_GAP
    with pytest.raises(ParameterError) as info:
        PlanRequest.parse(problem=HAND, costs="shapley", local_files=False)
    assert info.value.field == "costs"
    shared = answer_plan(net, PlanRequest(problem=HAND, costs="partners")).to_dict()
    assert shared["cost_sharing"]["method"] == "partners"
