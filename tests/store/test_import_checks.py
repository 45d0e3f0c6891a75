"""Checks across rows, files and kinds at import: references, statuses, stakes, cycles,
units, and what the reader refuses. Each error names file, row and field; nothing is written."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from paxsilica.errors import ValidationError
from paxsilica.store import Store, import_file

KINDS_WRITTEN = ("supplies", "memberships", "recipes", "ownership", "export_controls", "items")


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _refused(store: Store, kind: str, path: Path) -> tuple[int | None, str | None, str]:
    """Import ``path``, expect a ValidationError, check nothing changed; first error's parts."""
    before = {name: store.table(name) for name in KINDS_WRITTEN}
    imports = len(store.imports())
    with pytest.raises(ValidationError) as caught:
        import_file(store, kind, path)
    for name, frame in before.items():
        pd.testing.assert_frame_equal(store.table(name), frame)
    assert len(store.imports()) == imports
    error = caught.value.errors[0]
    assert error.file == str(path)
    return error.row, error.field, error.reason


CONTROLS = "measure_id,issuer,announced,effective,items,kind,item_ids,targets,source,confidence\n"
OWNERSHIP = "owner_id,owned_id,percentage,source,confidence\n"
RECIPES = "output_item,input_item,quantity,unit,source,confidence\n"
MEMBERSHIPS = "group_id,country,status,valid_from,valid_to,source,confidence\n"
SUPPLIES = "item_id,country,year,quantity,unit,share,facility_id,source,confidence\n"

CASES = {
    "control item not in the catalogue": (
        "export_controls", CONTROLS + "T-1,CHN,2025-01-01,2025-02-01,x,ban,gallium;unobtainium,"
        "all,S,high\n", 2, "item_ids", "unknown item 'unobtainium'"),
    "control target neither country nor group": (
        "export_controls", CONTROLS + "T-1,CHN,2025-01-01,2025-02-01,x,ban,gallium,"
        "USA;Atlantis,S,high\n", 2, "targets", "unknown target 'Atlantis'"),
    "control target written as a name": (
        "export_controls", CONTROLS + "T-1,CHN,2025-01-01,2025-02-01,x,ban,gallium,"
        "Japan,S,high\n", 2, "targets", "did you mean 'JPN'?"),
    "supply of an unknown facility": (
        "supplies", SUPPLIES + "gallium,JPN,2099,1,kg Ga,,no_such_plant,S,high\n",
        2, "facility_id", "unknown facility 'no_such_plant'"),
    "membership status not of the group": (
        "memberships", MEMBERSHIPS + "pax_silica,BRA,member,2026-05-01,,S,high\n", 2, "status",
        "status 'member' is not a status of group pax_silica (known: signatory, "
        "endorsing_partner, guest, observer"),
    "membership ending before it starts": (
        "memberships", MEMBERSHIPS + "pax_silica,BRA,signatory,2026-05-01,2026-04-01,S,high\n",
        2, "valid_to", "before valid_from"),
    "owned company unknown": (
        "ownership", OWNERSHIP + "tsmc,nobody,10,S,high\n", 2, "owned_id",
        "unknown company 'nobody'"),
    "self-ownership": ("ownership", OWNERSHIP + "tsmc,tsmc,10,S,high\n", 2, "owned_id",
                       "tsmc cannot own itself"),
    "stakes over 100% with the stored ones": (
        "ownership", OWNERSHIP + "asml,tsmc,5,S,high\nsamsung,jasm,3,S,high\n", 3,
        "percentage", "with rows already stored, stakes in jasm add up to 103% > 100%"),
    "stakes over 100% in the file": (
        "ownership", OWNERSHIP + "asml,tsmc,60,S,high\nsamsung,tsmc,50,S,high\n", 3,
        "percentage", "stakes in tsmc add up to 110% > 100%"),
    "recipe cycle through stored lines": (
        "recipes", RECIPES + "rare_earth_ore,ai_data_centre,1,server-years per t,S,low\n", 2,
        "input_item", "recipe cycle: rare_earth_ore ← ai_data_centre ← ai_accelerator_server"),
    "recipe line of an item into itself": (
        "recipes", RECIPES + "gallium,gallium,1,kg per kg,S,low\n", 2, "input_item",
        "gallium cannot be an input of itself"),
    "row with one field too many": (
        "supplies", SUPPLIES + "gallium,JPN,2099,1,kg Ga,,,S,high\n"
        "gallium,KOR,2099,1,kg Ga,,,S,high,extra\n", 3, None, "expected 9 fields, found 10"),
    "bad row after a blank line": (
        "supplies", SUPPLIES + "gallium,JPN,2099,1,kg Ga,,,S,high\n\n"
        "gallium,KOR,2099,1,kg Ga,,,S,sure\n", 4, "confidence", "high"),
    "bad row after a cell spanning lines": (
        "supplies", SUPPLIES + 'gallium,JPN,2099,1,kg Ga,,,"S\nvol. 2",high\n'
        "gallium,KOR,2099,1,kg Ga,,no_such_plant,S,high\n", 4, "facility_id",
        "unknown facility 'no_such_plant'"),
    "row with a field missing": (
        "supplies", SUPPLIES + "gallium,JPN,2099,1,kg Ga,,S,high\n", 2, None,
        "expected 9 fields, found 8"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_inconsistent_rows_are_refused(store, tmp_path, case):
    kind, text, row, field, reason = CASES[case]
    got_row, got_field, got_reason = _refused(store, kind, _write(tmp_path, "bad.csv", text))
    assert (got_row, got_field) == (row, field), got_reason
    assert reason in got_reason


def test_recipe_cycle_names_every_item_of_it(store, tmp_path):
    path = _write(tmp_path, "r.csv", RECIPES + "cooling_fan,ai_data_centre,1,x per fan,S,low\n")
    _, _, reason = _refused(store, "recipes", path)
    assert reason.startswith("recipe cycle: cooling_fan ← ai_data_centre ← "
                             "ai_accelerator_server ← cooling_fan")


def test_valid_rows_of_the_checked_kinds_import(store, tmp_path):
    import_file(store, "export_controls", _write(
        tmp_path, "c.csv", CONTROLS + "T-1,CHN,2025-01-01,2025-02-01,x,ban,gallium,"
        "USA;pax_silica,S,high\n"))
    import_file(store, "memberships", _write(
        tmp_path, "m.csv", MEMBERSHIPS + "pax_silica,BRA,guest,2026-05-01,2026-06-30,S,high\n"))
    import_file(store, "ownership", _write(tmp_path, "o.csv", OWNERSHIP +
                                           "asml,tsmc,5,S,high\n"))
    import_file(store, "recipes", _write(tmp_path, "r.csv", RECIPES +
                                         "gallium_arsenide,polysilicon,0.1,t per t,S,low\n"))
    assert store.table("export_controls").set_index("measure_id").loc[
        "T-1", "targets"] == "USA;pax_silica"
    assert "BRA" in set(store.table("memberships")["country"])


def test_reimporting_a_stake_replaces_it_rather_than_adding(store, tmp_path):
    first = _write(tmp_path, "a.csv", OWNERSHIP + "asml,tsmc,60,S,high\n")
    second = _write(tmp_path, "b.csv", OWNERSHIP + "asml,tsmc,90,S,high\n")
    import_file(store, "ownership", first)
    import_file(store, "ownership", second)  # 90, not 150: the stored row is replaced
    assert store.table("ownership").query("owned_id == 'tsmc'")["percentage"].tolist() == [90]


def test_units_must_agree_with_rows_already_stored(store, tmp_path):
    items = "item_id,name,kind,stage,unit\n"
    import_file(store, "items", _write(tmp_path, "i1.csv", items + "tmetal,T,material,mine,t\n"))
    import_file(store, "supplies", _write(tmp_path, "s1.csv", SUPPLIES +
                                          "tmetal,USA,2024,10,t,,,S,high\n"))
    import_file(store, "items", _write(tmp_path, "i2.csv", items + "tmetal,T,material,mine,kg\n"))
    path = _write(tmp_path, "s2.csv", SUPPLIES + "tmetal,JPN,2024,5000,kg,,,S,high\n")
    row, field, reason = _refused(store, "supplies", path)
    assert (row, field) == (2, "unit")
    assert "rows already stored for tmetal/mine/2024 are in 't'" in reason


def test_yaml_impossible_date_names_row_and_field(store, tmp_path):
    path = _write(tmp_path, "m.yaml", "memberships:\n  - {group_id: pax_silica, country: BRA, "
                  "status: signatory, valid_from: 2026-01-01, source: S, confidence: high}\n"
                  "  - {group_id: pax_silica, country: ARG, status: signatory, "
                  "valid_from: 2026-02-30, source: S, confidence: high}\n")
    row, field, reason = _refused(store, "memberships", path)
    assert (row, field) == (2, "valid_from")
    assert "2026-02-30" in reason


def test_duplicate_column_is_refused(store, tmp_path):
    path = _write(tmp_path, "d.csv", "item_id,country,year,quantity,unit,unit,source,confidence\n"
                  "gallium,JPN,2099,1,kg Ga,kg Ga,S,high\n")
    row, field, reason = _refused(store, "supplies", path)
    assert (row, field) == (1, "unit") and "duplicate column 'unit'" in reason


def test_unit_and_share_checks_report_each_touched_group_once_at_its_last_row(store, tmp_path):
    items = "item_id,name,kind,stage,unit\n"
    import_file(store, "items", _write(tmp_path, "i1.csv", items + "tmetal,T,material,mine,t\n"))
    import_file(store, "supplies", _write(tmp_path, "s1.csv", SUPPLIES + "".join(
        f"tmetal,USA,{year},10,t,0.6,,S,high\n" for year in range(2020, 2025))))
    import_file(store, "items", _write(tmp_path, "i2.csv", items + "tmetal,T,material,mine,kg\n"))
    path = _write(tmp_path, "s2.csv", SUPPLIES +
                  "tmetal,JPN,2021,,,0.3,,S,high\n"   # 2: shares 0.9 with the stored 0.6
                  "tmetal,JPN,2023,,,0.5,,S,high\n"   # 3: 1.1
                  "tmetal,KOR,2021,,,0.3,,S,high\n"   # 4: 1.2, last 2021 row
                  "tmetal,USA,2022,,,0.2,,S,high\n"   # 5: replaces the stored USA 2022 row
                  "tmetal,KOR,2023,,,0.1,,S,high\n")  # 6: 1.2, last 2023 row
    with pytest.raises(ValidationError) as caught:
        import_file(store, "supplies", path)
    found = [(e.row, e.field, e.reason.split(";")[0]) for e in caught.value.errors]
    assert found == [
        (4, "unit", "rows already stored for tmetal/mine/2021 are in 't', not the catalogue "
                    "unit 'kg'"),
        (4, "share", "with rows already stored, shares of tmetal/mine/2021 add up to 1.200 > 1 "
                     "(stated)"),
        (6, "unit", "rows already stored for tmetal/mine/2023 are in 't', not the catalogue "
                    "unit 'kg'"),
        (6, "share", "with rows already stored, shares of tmetal/mine/2023 add up to 1.200 > 1 "
                     "(stated)"),
    ]
