"""io.bea refuses what would overflow or mislead (issue 22 applied to issue 18's reader):
every repeated row code named at its row, numbers past limits.MAX_QUANTITY named by cell."""

from __future__ import annotations

import pytest

from paxsilica.errors import ValidationError
from paxsilica.io.bea import read_bea_table


def _write(tmp_path, rows: list[str]):
    path = tmp_path / "use.csv"
    path.write_text("code,name,111CA,211\n,,Farms,Oil\n" + "".join(f"{row}\n" for row in rows))
    return path


def test_every_repeated_code_is_named_at_its_row(tmp_path):
    path = _write(tmp_path, ["111CA,Farms,1,2", "211,Oil,3,4", "111CA,Farms again,5,6", "211,x,7,8"])
    with pytest.raises(ValidationError) as caught:
        read_bea_table(path)
    assert [(e.row, e.reason) for e in caught.value.errors] == [
        (3, "duplicate row code '111CA'"), (4, "duplicate row code '211'"),
        (5, "duplicate row code '111CA'"), (6, "duplicate row code '211'")]


def test_a_cell_past_the_largest_magnitude_is_named(tmp_path):
    path = _write(tmp_path, ["111CA,Farms,1,2", "211,Oil,1e308,4"])
    with pytest.raises(ValidationError, match=r"row 4, field '111CA': 1e\+308 is beyond the largest"):
        read_bea_table(path)
    assert read_bea_table(_write(tmp_path, ["111CA,Farms,1e15,2", "211,Oil,3,4"])).loc["111CA", "111CA"] == 1e15
