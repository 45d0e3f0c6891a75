"""Restarted GMRES on a block of right-hand sides, for ``(I − M) X = B``.

Every Arnoldi step is one product ``M @ V`` with a dense block ``V``: for a sparse ``M``
that is one pass over its non-zeros for all columns at once. The result is accepted only
if the true residual satisfies ``‖(I − M)x − b‖₂ ≤ tol · ‖b‖₂`` for every column.

Example:
    >>> A = np.array([[0.2, 0.1], [0.4, 0.3]])
    >>> block_gmres(lambda v: A @ v, np.eye(2)).round(6).tolist()
    [[1.346154, 0.192308], [0.769231, 1.538462]]
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from paxsilica.errors import SolverError

__all__ = ["block_gmres"]


def block_gmres(apply_a: Callable[[np.ndarray], np.ndarray], rhs: np.ndarray, tol: float = 1e-13, restart: int = 60,
                max_restarts: int = 20) -> np.ndarray:
    """Solve ``(I − A) X = B`` for all columns of ``B`` at once by restarted GMRES.

    Parameters
    ----------
    apply_a:
        Callable ``V ↦ A @ V`` for a dense ``(n, m)`` block ``V``.
    rhs:
        ``B``, shape ``(n, m)``.
    tol:
        Relative residual ``‖(I − A)x − b‖₂ / ‖b‖₂`` required for every column.

    Returns
    -------
    ``X`` with the shape of ``rhs``.

    Raises
    ------
    SolverError: a column did not converge within ``max_restarts`` cycles.

    >>> A = np.array([[0.2, 0.1], [0.4, 0.3]])
    >>> block_gmres(lambda v: A @ v, np.eye(2)).round(6).tolist()
    [[1.346154, 0.192308], [0.769231, 1.538462]]
    """
    rhs = np.asarray(rhs, dtype=float)
    solution = np.zeros_like(rhs)
    norms = np.linalg.norm(rhs, axis=0)
    target = tol * np.where(norms == 0, 1.0, norms)
    residual = rhs.copy()
    for _ in range(max_restarts):
        solution += _gmres_cycle(apply_a, residual, target, restart)
        residual = rhs - (solution - apply_a(solution))
        if np.all(np.linalg.norm(residual, axis=0) <= target):
            return solution
    raise SolverError("GMRES did not converge; is I − A singular (a column of A summing to ≥ 1)?")


def _gmres_cycle(apply_a: Callable[[np.ndarray], np.ndarray], rhs: np.ndarray, target: np.ndarray,
                 steps: int) -> np.ndarray:
    """One GMRES(steps) cycle from x₀ = 0, columns in lockstep, Givens rotations batched."""
    m = rhs.shape[1]
    beta = np.linalg.norm(rhs, axis=0)
    safe_beta = np.where(beta == 0, 1.0, beta)
    basis = [rhs / safe_beta]
    hessenberg = np.zeros((m, steps + 1, steps))
    cosines, sines = np.zeros((m, steps)), np.zeros((m, steps))
    g = np.zeros((m, steps + 1))
    g[:, 0] = beta
    scratch = np.empty_like(rhs)
    k = 0
    for j in range(steps):
        w = basis[j] - apply_a(basis[j])
        for i in range(j + 1):  # modified Gram-Schmidt: MGS-GMRES is backward stable
            h = np.einsum("nm,nm->m", basis[i], w)
            hessenberg[:, i, j] = h
            w -= np.multiply(basis[i], h, out=scratch)
        norm_w = np.linalg.norm(w, axis=0)
        hessenberg[:, j + 1, j] = norm_w
        basis.append(w / np.where(norm_w == 0, 1.0, norm_w))
        column = hessenberg[:, :, j]
        for i in range(j):  # apply earlier rotations to the new column
            upper = cosines[:, i] * column[:, i] + sines[:, i] * column[:, i + 1]
            column[:, i + 1] = -sines[:, i] * column[:, i] + cosines[:, i] * column[:, i + 1]
            column[:, i] = upper
        radius = np.hypot(column[:, j], column[:, j + 1])
        scale = np.linalg.norm(column[:, : j + 2], axis=1)
        if np.any((radius <= 1e-14 * scale) & (scale > 0) & (np.abs(g[:, j]) > 0.5 * target)):
            raise SolverError("I − A is singular: GMRES broke down before converging "
                              "(does a column of A sum to 1 or more?)")
        safe = np.where(radius == 0, 1.0, radius)
        cosines[:, j], sines[:, j] = np.where(radius == 0, 1.0, column[:, j] / safe), column[:, j + 1] / safe
        column[:, j], column[:, j + 1] = radius, 0.0
        g[:, j + 1] = -sines[:, j] * g[:, j]
        g[:, j] = cosines[:, j] * g[:, j]
        k = j + 1
        if np.all(np.abs(g[:, k]) <= 0.5 * target):
            break
    upper = hessenberg[:, :k, :k]
    diagonal = np.einsum("mii->mi", upper)
    upper = upper + np.einsum("mi,ij->mij", (diagonal == 0).astype(float), np.eye(k))  # zero columns
    coefficients = np.linalg.solve(np.triu(upper), g[:, :k, None])[:, :, 0]
    return sum(basis[i] * coefficients[:, i] for i in range(k))
