"""Long steps report progress: trade import (files, rows, fraction read), chokepoints (end
items), report sections; bars show counts and an ETA."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from paxsilica.analytics.chokepoints import chokepoints
from paxsilica.cli.progress import progress_bar
from paxsilica.store.trade import import_trade_files

CODES = ("country_code,country_name,country_iso2,country_iso3\n"
         "156,China,CN,CHN\n392,Japan,JP,JPN\n842,USA,US,USA\n")


def test_trade_import_reports_each_file_and_the_rows_before_it(store, tmp_path):
    codes = tmp_path / "codes.csv"
    codes.write_text(CODES, encoding="utf-8")
    files = []
    for number, year in enumerate((2021, 2022)):
        path = tmp_path / f"BACI_{year}.csv"
        path.write_text("t,i,j,k,v,q\n" + "".join(
            f"{year},156,{j},{k},1.5,1\n" for j in (392, 842) for k in range(850500, 850520)),
            encoding="utf-8")
        files.append(path)
        assert number == len(files) - 1
    calls: list[tuple[int, float, int]] = []
    reports = import_trade_files(store, files, dataset="baci", codes=codes,
                                 progress=lambda *call: calls.append(call))
    assert [call for call in calls if call[1] == 1.0] == [
        (0, 1.0, reports[0].rows), (1, 1.0, reports[0].rows + reports[1].rows)]
    for number in (0, 1):
        fractions = [fraction for file, fraction, _ in calls if file == number]
        assert fractions == sorted(fractions) and all(0 <= f <= 1 for f in fractions)


@pytest.mark.parametrize("mode", ["essential", "weighted"])
def test_chokepoints_reports_candidates_of_every_end_item(net, mode):
    from paxsilica.analytics.chokepoints import upstream_nodes
    from paxsilica.analytics.network import sourcing_network

    snet = sourcing_network(net)
    items = ["gallium_arsenide", "ndfeb_magnet"]
    sizes = [len(upstream_nodes(snet, snet.node_index(f"market:WLD:{i}"))) for i in items]
    calls: list[tuple[int, int, str]] = []
    chokepoints(net, end_item=items, top=1, mode=mode, snet=snet,
                progress=lambda *call: calls.append(call))
    assert {total for _, total, _ in calls} == {sum(sizes)}
    done = [d for d, _, _ in calls]
    assert done == sorted(done) and done[0] == 0 and done[-1] == sum(sizes)
    first = [d for d, _, item in calls if item == items[0]]
    assert max(first) == sizes[0]  # the first end item's candidates, then the second's


def test_bar_shows_counts_and_an_eta():
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, width=120)
    with progress_bar(console=console) as bar:
        task = bar.add_task("section 2 of 8: sources", total=8)
        bar.update(task, completed=2)
        bar.refresh()
    text = buffer.getvalue()
    assert "2/8" in text and "ETA" in text and "section 2 of 8" in text
