"""The recursive triangular inverse against numpy's general inverse (the oracle), with the
recursion forced deep by small leaves, and its errors."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paxsilica.errors import PaxsilicaError
from paxsilica.linalg.triangular import upper_inverse


@settings(max_examples=40, deadline=None)
@given(size=st.integers(1, 70), leaf=st.integers(1, 16), unit=st.booleans(), seed=st.integers(0, 2**16))
def test_inverse_equals_numpy_inverse_of_the_triangle(size, leaf, unit, seed):
    rng = np.random.default_rng(seed)
    matrix = rng.normal(size=(size, size))          # the strict lower part must be ignored
    np.fill_diagonal(matrix, rng.uniform(1.0, 3.0, size) * rng.choice([-1, 1], size))
    triangle = np.triu(matrix)
    if unit:
        np.fill_diagonal(triangle, 1.0)
    expected = np.linalg.inv(triangle)
    found = upper_inverse(matrix, unit=unit, leaf=leaf)
    assert found.shape == (size, size) and found.flags.c_contiguous
    np.testing.assert_allclose(found, expected, rtol=1e-9, atol=1e-9 * np.abs(expected).max())
    assert not np.tril(found, -1).any()             # exactly upper triangular


def test_unit_lower_factor_of_packed_lu_factors_through_the_transpose():
    """LAPACK packs L (unit diagonal, not stored) and U in one matrix; U's diagonal is ignored."""
    rng = np.random.default_rng(1)
    lower = np.tril(rng.normal(size=(300, 300)) / 30, -1) + np.eye(300)
    factors = np.tril(lower, -1) + np.triu(rng.normal(size=(300, 300)) + 5 * np.eye(300))
    np.testing.assert_allclose(upper_inverse(factors.T, unit=True, leaf=32).T @ lower, np.eye(300),
                               atol=1e-10)


@pytest.mark.parametrize("leaf", [4, 256])
def test_a_zero_pivot_is_a_clear_error(leaf):
    matrix = np.triu(np.ones((40, 40)))
    matrix[17, 17] = 0.0
    with pytest.raises(PaxsilicaError, match="singular"):
        upper_inverse(matrix, leaf=leaf)


def test_two_threads_give_the_answer_of_one():
    """Both factors of :mod:`paxsilica.linalg.blocks` are inverted at once on two threads."""
    rng = np.random.default_rng(2)
    matrices = [np.triu(rng.normal(size=(400, 400))) + 20 * np.eye(400) for _ in range(2)]
    alone = [upper_inverse(m, leaf=48) for m in matrices]
    found: list = [None, None]

    def run(i: int) -> None:
        found[i] = upper_inverse(matrices[i], leaf=48)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for one, other in zip(alone, found, strict=True):
        np.testing.assert_array_equal(one, other)
