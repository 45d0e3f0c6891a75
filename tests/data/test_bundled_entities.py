"""Checks of the bundled companies, facilities and ownership links."""

from __future__ import annotations

import pycountry
import pytest


@pytest.fixture(scope="module")
def companies(bundled_store):
    return bundled_store.table("companies")


@pytest.fixture(scope="module")
def ownership(bundled_store):
    return bundled_store.table("ownership")


@pytest.fixture(scope="module")
def facilities(bundled_store):
    return bundled_store.table("facilities")


def test_companies_are_cited_and_domiciled_in_real_countries(companies):
    assert len(companies) >= 40
    assert companies["source"].notna().all() and companies["source_url"].notna().all()
    for code in companies["country"]:
        assert pycountry.countries.get(alpha_3=code) is not None, code


def test_owners_are_companies_or_flagged_as_states(ownership, companies):
    known = set(companies["company_id"])
    assert set(ownership["owned_id"]) <= known
    for _, row in ownership[~ownership["owner_id"].isin(known)].iterrows():
        assert "state" in row["note"].lower(), row["owner_id"]


def test_stakes_in_one_company_do_not_exceed_100_percent(ownership):
    totals = ownership.groupby("owned_id")["percentage"].sum()
    assert (totals <= 100 + 1e-9).all(), totals[totals > 100]
    # Joint ventures whose full cap table was published add up exactly.
    assert totals["esmc"] == pytest.approx(100)
    assert totals["jasm"] == pytest.approx(100)
    assert totals["carl_zeiss_smt"] == pytest.approx(100)


def test_facility_capacity_always_has_a_unit(facilities, companies):
    assert set(facilities["company_id"].dropna()) <= set(companies["company_id"])
    with_capacity = facilities[facilities["capacity"].notna()]
    assert len(with_capacity) >= 1
    assert with_capacity["unit"].notna().all()
    assert facilities["source"].notna().all()
