"""The callers of the one solver keep their behaviour: ownership look-through (least solution,
clear error on a 100 % loop) and multi-tier's cycle errors naming the items."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from paxsilica.analytics.multitier import CycleError, solve_sparse
from paxsilica.certify.ownership import look_through_share
from paxsilica.errors import PaxsilicaError


def test_look_through_ignores_a_loop_that_no_listed_party_holds():
    # X and Y own each other in full, but nobody listed holds either: their share is 0, not an error
    links = pd.DataFrame({"owner": ["L", "X", "Y"], "owned": ["A", "Y", "X"], "percentage": [40, 100, 100]})
    assert look_through_share(links, {"L"}).to_dict() == {"A": pytest.approx(0.4)}


def test_look_through_on_a_full_ownership_loop_held_by_a_listed_party_is_a_clear_error():
    links = pd.DataFrame({"owner": ["L", "X", "Y"], "owned": ["X", "Y", "X"], "percentage": [10, 100, 100]})
    with pytest.raises(PaxsilicaError, match="cycle whose percentages multiply to 100% or more"):
        look_through_share(links, {"L"})


def test_look_through_through_a_contracting_loop_sums_every_path():
    # L owns 50 % of X; X and Y own 50 % of each other: X = 0.5 / (1 − 0.25), Y = 0.5 · X
    links = pd.DataFrame({"owner": ["L", "X", "Y"], "owned": ["X", "Y", "X"], "percentage": [50, 50, 50]})
    shares = look_through_share(links, {"L"})
    assert shares["X"] == pytest.approx(0.5 / 0.75) and shares["Y"] == pytest.approx(0.25 / 0.75)


@pytest.mark.parametrize("size", [3, 6_000])  # sparse LU below DIRECT_LIMIT, sweeps above
def test_multitier_amplifying_cycle_names_the_items(size):
    matrix = sp.lil_matrix((size, size))
    matrix[0, 1], matrix[1, 0] = 2.0, 1.0
    names = np.array([f"item{p}" for p in range(size)])
    rhs = np.zeros(size)
    rhs[1] = 1.0
    with pytest.raises(CycleError, match="cycle through item0, item1") as caught:
        solve_sparse(matrix.tocsr(), rhs, names=names)
    assert caught.value.items == ("item0", "item1")
