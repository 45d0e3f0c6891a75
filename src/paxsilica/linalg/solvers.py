"""Solving Leontief systems ``(I − A) X = B`` and ``(I − A)ᵀ X = B`` without inverting ``I − A``.

Two solvers share one interface, :class:`LeontiefSolver`:

* ``"lu"`` — a sparse LU factorisation ``P_r (I − A) P_c = L U`` (SuperLU via
  :func:`scipy.sparse.linalg.splu`, COLAMD ordering), then forward/back
  substitution for all right-hand sides; transposed systems reuse the same
  factors (``trans="T"``). Exact to rounding; cheap while the factors stay sparse.
* ``"gmres"`` — restarted GMRES run in lockstep on a block of right-hand sides
  (:func:`block_gmres`): every Arnoldi step is one sparse × dense-block product
  ``A @ V``. Input–output tables have ``Σ_i a_ij < 1`` in every column (value added
  is positive), so ``‖A‖₁ < 1``, the eigenvalues of ``I − A`` lie in the disc of
  radius ``ρ(A) < 1`` around 1 and GMRES converges fast. The result is accepted
  only if the true residual satisfies ``‖(I − A)X − B‖ ≤ tol · ‖B‖`` column by
  column; the forward error is then at most ``tol · ‖B‖ / (1 − ‖A‖)``.

``"auto"`` uses LU for small systems (``n ≤`` :data:`LU_MAX_DENSE_N`) or when the
factors are expected to stay sparse (at most :data:`LU_MAX_NNZ_PER_COLUMN` stored
entries per column of ``A``) and GMRES otherwise: for dense-ish coupling (an MRIO table where every region trades with
every other) the LU factors fill in to ``≈ n²`` entries and factorising costs
more than the dense inverse it replaces.

Example:
    >>> import scipy.sparse as sp
    >>> A = sp.csc_array([[0.1, 0.2], [0.3, 0.1]])
    >>> solver = LeontiefSolver(A, method="lu")
    >>> solver.solve(np.array([[1.0], [1.0]])).round(6).ravel().tolist()  # (I − A)⁻¹ · 1
    [1.466667, 1.6]
"""

from __future__ import annotations

import itertools
import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from paxsilica.errors import PaxsilicaError

__all__ = ["LU_MAX_DENSE_N", "LU_MAX_NNZ_PER_COLUMN", "LeontiefSolver", "SolverError", "block_gmres"]

LU_MAX_NNZ_PER_COLUMN = 10
"""``"auto"`` factorises by sparse LU when ``nnz(A) ≤ this · n``."""
LU_MAX_DENSE_N = 500
"""``"auto"`` factorises by sparse LU when ``n ≤ this`` whatever the density (cheap either way)."""


class SolverError(PaxsilicaError, ArithmeticError):
    """GMRES did not reach the requested residual (the matrix is not a valid Leontief system)."""


def block_gmres(apply_a: object, rhs: np.ndarray, tol: float = 1e-13, restart: int = 60,
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


def _gmres_cycle(apply_a: object, rhs: np.ndarray, target: np.ndarray, steps: int) -> np.ndarray:
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


_POOL: ThreadPoolExecutor | None = None


def _pool() -> ThreadPoolExecutor:
    global _POOL  # one lazily created pool per process
    if _POOL is None:
        _POOL = ThreadPoolExecutor(max_workers=min(2, os.cpu_count() or 1))
    return _POOL


class LeontiefSolver:
    """Solves ``(I − A) X = B`` and ``(I − A)ᵀ X = B`` for many right-hand sides; holds the factors.

    Parameters
    ----------
    A: square sparse matrix of technical coefficients (any scipy.sparse format).
    method: ``"lu"``, ``"gmres"`` or ``"auto"`` (see the module notes).
    tol: relative residual for GMRES.
    block: right-hand sides per GMRES block (bounds the memory to ``≈ restart · n · block``).
    """

    def __init__(self, A: sp.sparray | sp.spmatrix,  # noqa: N803 (IO notation)
                 method: str = "auto", tol: float = 1e-13, block: int = 16) -> None:
        if method not in ("auto", "lu", "gmres"):
            raise ValueError(f"unknown method {method!r}; use 'auto', 'lu' or 'gmres'")
        self.A = sp.csr_array(A)
        self.n = self.A.shape[0]
        if method == "auto":
            sparse_enough = self.A.nnz <= LU_MAX_NNZ_PER_COLUMN * self.n
            method = "lu" if self.n <= LU_MAX_DENSE_N or sparse_enough else "gmres"
        self.method = method
        self.tol, self.block = tol, block
        self._lu = spla.splu(sp.csc_matrix(sp.eye(self.n, format="csc") - self.A),
                             permc_spec="COLAMD") if method == "lu" else None
        self.threads = min(2, os.cpu_count() or 1) if self.A.nnz > 100_000 else 1
        self._A_t = self.A.T  # a CSC view of A: no copy; products are as fast as with a CSR copy

    def solve(self, rhs: np.ndarray) -> np.ndarray:
        """``X = (I − A)⁻¹ B`` for ``B`` of shape ``(n,)`` or ``(n, m)``."""
        return self._run(rhs, transposed=False)

    def solve_transposed(self, rhs: np.ndarray) -> np.ndarray:
        """``X = (I − A)⁻ᵀ B``; e.g. multipliers ``M = S L = solve_transposed(Sᵀ)ᵀ``."""
        return self._run(rhs, transposed=True)

    def _run(self, rhs: np.ndarray, transposed: bool) -> np.ndarray:
        rhs = np.asarray(rhs, dtype=float)
        vector = rhs.ndim == 1
        block = rhs.reshape(self.n, -1)
        if self._lu is not None:
            result = self._lu.solve(np.asfortranarray(block), trans="T" if transposed else "N")
        else:
            result = self._gmres(block, self._A_t if transposed else self.A)
        return result.ravel() if vector else result

    def _gmres(self, block: np.ndarray, matrix: sp.sparray) -> np.ndarray:
        """Independent GMRES runs on column chunks, spread over threads (numpy and scipy release the GIL)."""
        columns = block.shape[1]
        if columns == 0:
            return np.zeros_like(block)
        chunks = max(-(-columns // self.block), min(self.threads, columns))
        bounds = np.linspace(0, columns, chunks + 1).astype(int)
        pieces = [block[:, start:stop] for start, stop in itertools.pairwise(bounds)]

        def run(piece: np.ndarray) -> np.ndarray:
            return block_gmres(lambda v: matrix @ v, piece, tol=self.tol)

        if self.threads == 1 or len(pieces) == 1:
            return np.hstack([run(piece) for piece in pieces])
        return np.hstack(list(_pool().map(run, pieces)))
