"""Trade files a new user got wrong or an adversary made: corrupt gzip, enormous lines,
repeated keys, directories. Each is a one-line error naming the file; nothing is stored."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from paxsilica.cli.app import app
from paxsilica.errors import ValidationError
from paxsilica.io.baci import read_baci
from paxsilica.io.comtrade import read_comtrade
from paxsilica.io.trade_csv import MAX_HEADER_BYTES

from .test_comtrade import HEADER, row

runner = CliRunner()
CODES = ("country_code,country_name,country_iso2,country_iso3\n"
         "156,China,CN,CHN\n392,Japan,JP,JPN\n842,USA,US,USA\n")
BODY = "t,i,j,k,v,q\n" + "".join(f"{t},156,392,850511,{t}.5,1\n" for t in range(1901, 2101))


@pytest.fixture()
def codes(tmp_path) -> Path:
    path = tmp_path / "country_codes.csv"
    path.write_text(CODES, encoding="utf-8")
    return path


def _gzip_cases() -> dict[str, bytes]:
    good = gzip.compress(BODY.encode() * 1)
    corrupt = bytearray(good)
    corrupt[40:80] = bytes(range(40))  # inside the deflate stream
    return {"truncated": good[: len(good) // 2], "corrupt": bytes(corrupt),
            "header only": good[:12], "wrong CRC": good[:-8] + b"\0\0\0\0" + good[-4:]}


@pytest.mark.parametrize("case", list(_gzip_cases()))
def test_corrupt_or_truncated_gzip_is_an_input_error(tmp_path, codes, case):
    path = tmp_path / "BACI.csv.gz"
    path.write_bytes(_gzip_cases()[case])
    with pytest.raises(ValidationError) as caught:
        read_baci(path, codes)
    error = caught.value.errors[0]
    assert error.file == str(path) and "corrupt or truncated gzip" in error.reason


def test_corrupt_gzip_through_trade_import_exits_2_and_stores_nothing(tmp_path, codes):
    db = str(tmp_path / "t.duckdb")
    good = tmp_path / "good.csv"
    good.write_text(BODY, encoding="utf-8")
    bad = tmp_path / "bad.csv.gz"
    bad.write_bytes(_gzip_cases()["corrupt"])
    result = runner.invoke(app, ["--db", db, "trade", "import", "--format", "baci", str(good),
                                 str(bad), "--codes", str(codes)])
    assert result.exit_code == 2, result.output
    assert f"{bad}: corrupt or truncated gzip" in result.stderr and "Traceback" not in result.output
    status = runner.invoke(app, ["--db", db, "trade", "status", "--format", "json"])
    assert "no trade flows" in status.stdout


def test_a_good_gzip_file_still_reads(tmp_path, codes):
    path = tmp_path / "BACI.csv.gz"
    path.write_bytes(gzip.compress(BODY.encode()))
    assert len(read_baci(path, codes)) == 200


def test_an_enormous_first_line_is_not_a_csv_header(tmp_path, codes):
    path = tmp_path / "BACI.csv"
    path.write_bytes(b"t,i,j,k,v,q," + b"x" * (MAX_HEADER_BYTES + 10))
    with pytest.raises(ValidationError) as caught:
        read_baci(path, codes)
    error = caught.value.errors[0]
    assert error.row == 1 and "without a line break" in error.reason
    assert "no data rows" not in str(caught.value) and len(str(caught.value)) < 300


def test_an_enormous_data_line_says_the_line_is_too_long(tmp_path, codes):
    path = tmp_path / "BACI.csv"
    path.write_bytes(BODY.encode() + b"2022,156,392,850511,1," + b"9" * 3_000_000 + b"\n")
    with pytest.raises(ValidationError) as caught:
        read_baci(path, codes)
    error = caught.value.errors[0]
    assert error.row == 202 and "bytes long" in error.reason and len(str(error)) < 300


def test_a_directory_as_trade_file_says_it_is_a_directory(tmp_path, codes):
    folder = tmp_path / "BACI_HS22_Y2022.csv"
    folder.mkdir()
    with pytest.raises(ValidationError, match="is a directory, not a file"):
        read_baci(folder, codes)


def test_baci_rows_repeating_t_i_j_k_are_refused_at_their_lines(tmp_path, codes):
    path = tmp_path / "BACI.csv"
    text = ("t,i,j,k,v,q\n2022,156,392,850511,1,1\n" + "2022,156,392,850511,1,1\n" * 4
            + "2022,156,392,850512,2,1\n2022,0156,392,850512,3,1\n")  # 0156 is 156
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        read_baci(path, codes)
    assert [(e.row, e.field) for e in caught.value.errors] == [(r, "t,i,j,k") for r in (3, 4, 5, 6, 8)]
    assert "(2022, 156, 392, 850511)" in caught.value.errors[0].reason


def test_baci_duplicates_through_the_cli_store_nothing(tmp_path, codes):
    db = str(tmp_path / "t.duckdb")
    path = tmp_path / "BACI.csv"
    path.write_text("t,i,j,k,v,q\n" + "2022,156,392,850511,1,1\n" * 5, encoding="utf-8")
    result = runner.invoke(app, ["--db", db, "trade", "import", "--format", "baci", str(path),
                                 "--codes", str(codes)])
    assert result.exit_code == 2 and "duplicate key" in result.stderr
    status = runner.invoke(app, ["--db", db, "trade", "status", "--format", "json"])
    assert "no trade flows" in status.stdout


def test_comtrade_rows_repeating_a_flow_are_refused(tmp_path):
    path = tmp_path / "TradeData.csv"
    path.write_text(HEADER + row("JPN", "M", "CHN", "850511", "2000")
                    + row("JPN", "M", "CHN", "850511", "2000"), encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        read_comtrade(path)
    error = caught.value.errors[0]
    assert error.row == 3 and "duplicate key (2023, JPN, CHN, M, 850511" in error.reason


def test_comtrade_breakdowns_and_months_are_not_duplicates(tmp_path):
    path = tmp_path / "TradeData.csv"
    monthly = [row("JPN", "M", "CHN", "850511", "1000").replace(",52,2023,", f",{m},2023{m:02d},")
               for m in (1, 2)]
    path.write_text(HEADER + "".join(monthly)
                    + row("JPN", "M", "USA", "850511", "5", customs="C01")
                    + row("JPN", "M", "USA", "850511", "5", customs="C00"), encoding="utf-8")
    frame = read_comtrade(path)
    china = frame[frame["exporter"] == "CHN"]
    assert json.loads(china[["value_kusd"]].to_json(orient="values")) == [[2.0]]


@pytest.mark.parametrize(("cell", "field"), [("156.4", "i"), ("0x9C", "i"), ("1_56", "j"),
                                              ("2022.4", "t"), ("+2022", "t")])
def test_codes_and_years_that_casts_would_bend_are_refused(tmp_path, codes, cell, field):
    fields = {"t": "2022", "i": "156", "j": "392"}
    fields[field] = cell
    path = tmp_path / "BACI.csv"
    path.write_text(f"t,i,j,k,v,q\n{fields['t']},{fields['i']},{fields['j']},850511,1,1\n",
                    encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        read_baci(path, codes)
    assert (caught.value.errors[0].row, caught.value.errors[0].field) == (2, field)
