"""The one linear solver: every method against numpy's dense solve (the oracle), the choice by
shape and fill, the least non-negative solution, the domestic blocks and the errors users see."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from paxsilica.errors import PaxsilicaError, SolverError
from paxsilica.linalg import (
    LeontiefSolver,
    LinearSolver,
    block_gmres,
    choose_method,
    domestic_blocks,
    least_solution,
    sector_major,
    solve,
)
from paxsilica.linalg import solvers as solver_module


def _contraction(n: int, density: float, seed: int, column_sum: float = 0.8) -> sp.csr_array:
    rng = np.random.default_rng(seed)
    matrix = sp.random_array((n, n), density=density, rng=rng, format="csr")
    return sp.csr_array(matrix @ sp.diags_array(column_sum / np.maximum(np.asarray(matrix.sum(axis=0)).ravel(),
                                                                         1e-9)))


@pytest.mark.parametrize("method", ["dense", "lu", "gmres", "sweep"])
def test_every_method_matches_a_dense_solve_in_both_orientations(method):
    matrix = _contraction(300, 0.2, seed=3)
    rhs = np.random.default_rng(4).normal(size=(300, 4))
    system = np.eye(300) - matrix.toarray()
    solver = LinearSolver(matrix, method=method)
    assert solver.method == method
    np.testing.assert_allclose(solver.solve(rhs), np.linalg.solve(system, rhs), rtol=1e-9, atol=1e-11)
    np.testing.assert_allclose(solver.solve_transposed(rhs), np.linalg.solve(system.T, rhs), rtol=1e-9, atol=1e-11)
    np.testing.assert_allclose(solver.solve(rhs[:, 0]), np.linalg.solve(system, rhs[:, 0]), rtol=1e-9, atol=1e-11)


def test_dense_method_with_an_ordering_returns_the_callers_order():
    matrix = _contraction(120, 0.3, seed=5).toarray()
    rhs = np.random.default_rng(6).random((120, 3))
    order = np.random.default_rng(7).permutation(120)
    solver = LinearSolver(matrix, "dense", ordering=order)
    np.testing.assert_allclose(solver.solve(rhs), np.linalg.solve(np.eye(120) - matrix, rhs), rtol=1e-12)
    np.testing.assert_allclose(solver.solve_transposed(rhs), np.linalg.solve((np.eye(120) - matrix).T, rhs),
                               rtol=1e-12)


def test_method_is_chosen_by_shape_and_fill():
    assert choose_method(150, 150 * 150) == "dense"                 # small: dense whatever the fill
    assert choose_method(100_000, 500_000) == "lu"                  # ≤ 10 entries per column: sparse LU
    assert choose_method(4_000, 800_000, rhs=3) == "gmres"          # few right-hand sides: Krylov
    assert choose_method(4_000, 800_000, rhs=5_000) == "dense"      # many: one dense LU, then BLAS-3 solves
    assert choose_method(20_000, 40_000_000, rhs=10**6) == "gmres"  # never dense above DENSE_MAX_N
    assert LinearSolver(sp.identity(600, format="csr") * 0.1).method == "lu"
    assert LinearSolver(_contraction(300, 0.2, seed=3)).method == "dense"
    assert LeontiefSolver is LinearSolver


def test_cost_model_constants_are_consistent():
    # the crossover moves towards dense LU as the number of right-hand sides grows
    counts = [choose_method(3_645, 660_000, rhs=rhs) for rhs in (1, 10, 100, 1_000, 10_000)]
    assert counts[0] == "gmres" and counts[-1] == "dense"
    assert counts == sorted(counts, key=["gmres", "dense"].index)
    assert solver_module.DENSE_MAX_N >= 3_645 * 2


@pytest.mark.parametrize("method", ["dense", "lu"])
def test_singular_system_is_a_solver_error(method):
    singular = np.array([[0.5, 0.5], [0.5, 0.5]])  # column sums 1: I − M is singular
    with pytest.raises(SolverError, match="singular"):
        LinearSolver(singular if method == "dense" else sp.csr_array(singular), method).solve(np.ones(2))


def test_gmres_reports_a_singular_system():
    singular = np.array([[0.5, 0.5], [0.5, 0.5]])
    with pytest.raises(SolverError):
        block_gmres(lambda v: singular @ v, np.array([[1.0], [0.0]]), restart=5, max_restarts=3)


def test_sweeps_on_an_amplifying_cycle_are_a_solver_error():
    cycle = sp.csr_array(np.array([[0.0, 1.5], [1.0, 0.0]]))
    with pytest.raises(SolverError, match="did not converge"):
        LinearSolver(cycle, "sweep", max_sweeps=50).solve(np.ones(2))
    with pytest.raises(SolverError, match="without bound"):
        LinearSolver(cycle * 1e150, "sweep").solve(np.ones(2))


def test_bad_arguments_are_paxsilica_errors_not_bare_value_errors():
    for bad in (lambda: LinearSolver(np.eye(2), "cholesky"), lambda: LinearSolver(np.ones((2, 3)))):
        with pytest.raises(PaxsilicaError) as caught:
            bad()
        assert type(caught.value) is not ValueError


def test_solve_once_in_either_orientation():
    m = np.array([[0.0, 0.5], [0.25, 0.0]])
    np.testing.assert_allclose(solve(m, np.array([1.0, 1.0])), np.linalg.solve(np.eye(2) - m, [1.0, 1.0]))
    np.testing.assert_allclose(solve(m, np.array([1.0, 1.0]), transpose=True),
                               np.linalg.solve((np.eye(2) - m).T, [1.0, 1.0]))


def test_least_solution_ignores_closed_loops_that_reach_no_source():
    # nodes 0 ↔ 1 form a loop of weight 1 (singular there) but reach no source; 2 → 3 is a chain
    m = sp.csr_array(np.array([[0, 1.0, 0, 0], [1.0, 0, 0, 0], [0, 0, 0, 0.5], [0, 0, 0, 0]]))
    b = np.array([0.0, 0.0, 0.0, 2.0])
    assert least_solution(m, b).tolist() == [0.0, 0.0, 1.0, 2.0]
    assert least_solution(m, np.column_stack([b, 2 * b]))[:, 1].tolist() == [0.0, 0.0, 2.0, 4.0]
    with pytest.raises(SolverError):  # once the loop is fed, its least solution is infinite
        least_solution(m, np.array([1.0, 0.0, 0.0, 0.0]))


def test_least_solution_lu_and_sweeps_agree_on_a_contracting_cycle():
    m = _contraction(400, 0.01, seed=9, column_sum=0.7)
    b = np.random.default_rng(10).random(400)
    direct = least_solution(m, b, method="lu")
    np.testing.assert_allclose(least_solution(m, b, method="sweep"), direct, rtol=1e-10)
    np.testing.assert_allclose(direct, np.linalg.solve(np.eye(400) - m.toarray(), b), rtol=1e-10)
    np.testing.assert_allclose(least_solution(m, b, transpose=True, method="sweep"),
                               np.linalg.solve((np.eye(400) - m.toarray()).T, b), rtol=1e-10)


@pytest.mark.parametrize(("regions", "sectors", "scale"), [(1, 3, 0.5), (6, 7, 0.9), (5, 9, 4.0), (12, 25, 0.8)])
def test_domestic_blocks_match_the_explicit_inverse(regions, sectors, scale):
    """scale 4.0 makes I − A far from diagonally dominant, so LU pivots; n = 300 inverts the
    triangular factors by recursive blocks (larger than one leaf)."""
    n = regions * sectors
    rng = np.random.default_rng(regions)
    a = rng.random((n, n)) * scale / n
    demand = rng.random((n, regions))
    solver = LinearSolver(a, "dense", ordering=sector_major(regions, sectors))
    inverse = np.linalg.inv(np.eye(n) - a).reshape(regions, sectors, regions, sectors)
    expected = np.einsum("rjqs,qsr->rjs", inverse, demand.reshape(regions, sectors, regions))
    np.testing.assert_allclose(domestic_blocks(solver, demand, regions, sectors), expected, rtol=1e-10,
                               atol=1e-13 * np.abs(expected).max())


def test_domestic_blocks_refuse_a_solver_in_another_order():
    with pytest.raises(PaxsilicaError, match="sector-major"):
        domestic_blocks(LinearSolver(np.zeros((4, 4)), "dense"), np.ones((4, 2)), 2, 2)


def test_dense_method_adds_duplicate_sparse_entries():
    # row 0 holds column 1 twice (0.25 + 0.25): a non-canonical CSR, as scipy allows
    duplicated = sp.csr_array((np.array([0.25, 0.25, 0.5]), np.array([1, 1, 0]), np.array([0, 2, 3])), shape=(2, 2))
    expected = np.linalg.solve(np.eye(2) - np.array([[0.0, 0.5], [0.5, 0.0]]), np.ones(2))
    np.testing.assert_allclose(LinearSolver(duplicated, "dense").solve(np.ones(2)), expected)
