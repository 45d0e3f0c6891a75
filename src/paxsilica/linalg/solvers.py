"""The one solver for ``(I − M) X = B`` and ``(I − M)ᵀ X = B`` (Leontief, multi-tier, ownership).

:class:`LinearSolver` factorises or prepares ``I − M`` once and then solves for one or
many right-hand sides, in either orientation, by one of four methods:

* ``"dense"`` — LU with partial pivoting of the dense ``I − M`` (LAPACK ``getrf``), then
  triangular solves (``getrs``; BLAS-3 for a block of right-hand sides). Cost
  ``⅔ n³ + 2 n²`` per right-hand side, whatever the fill: the choice for a dense-ish
  system of moderate size with many right-hand sides (an MRIO table's footprint accounts).
  An optional symmetric ``ordering`` factorises ``I − M`` with rows and columns permuted
  (solutions are returned in the caller's order); :mod:`paxsilica.linalg.blocks` uses it.
* ``"lu"`` — sparse LU (SuperLU, COLAMD ordering); the transposed system reuses the
  factors. Cheap while the factors stay sparse (few entries per column).
* ``"gmres"`` — restarted GMRES run in lockstep on blocks of right-hand sides
  (:func:`~paxsilica.linalg.krylov.block_gmres`; each step one sparse × dense-block
  product, blocks spread over two threads). For an IO table every column of ``M = A``
  sums to less than 1, so the eigenvalues of ``I − A`` lie in a disc of radius
  ``ρ(A) < 1`` around 1 and GMRES converges in a few steps.
* ``"sweep"`` — Jacobi sweeps ``x ← b + M x`` from ``x = b``: exact after ``depth + 1``
  sweeps when ``M`` is nilpotent (an acyclic network), geometric when ``ρ(M) < 1``; never
  fills in, so it suits huge sparse supply networks (10⁶ nodes).

``"auto"`` (:func:`choose_method`) picks by shape and fill: dense for small systems,
sparse LU when ``M`` has at most :data:`LU_MAX_NNZ_PER_COLUMN` entries per column, else
whichever of dense LU and block GMRES a cost model (flops of each, for the expected
number of right-hand sides) says is cheaper.

:func:`least_solution` is the non-negative variant used by the supply-network analytics:
the least ``x = Σ_k M^k b`` of a system ``M ≥ 0`` that may contain closed loops reaching
no source (they are 0, not a singular system).

Every failure is a :class:`~paxsilica.errors.SolverError` (a ``PaxsilicaError``).

Example:
    >>> import scipy.sparse as sp
    >>> A = sp.csc_array([[0.1, 0.2], [0.3, 0.1]])
    >>> LinearSolver(A, method="lu").solve(np.array([1.0, 1.0])).round(6).tolist()  # (I − A)⁻¹ · 1
    [1.466667, 1.6]
    >>> LinearSolver(A).method
    'dense'
"""

from __future__ import annotations

import contextlib
import itertools
import os
import warnings

import numpy as np
import scipy.linalg as sla
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from scipy.sparse.csgraph import breadth_first_order

from paxsilica.errors import PaxsilicaError, SolverError
from paxsilica.linalg.krylov import block_gmres
from paxsilica.linalg.threads import one_blas_thread, pool

__all__ = ["DENSE_MAX_N", "LU_MAX_NNZ_PER_COLUMN", "METHODS", "LeontiefSolver", "LinearSolver", "SolverError",
           "choose_method", "least_solution", "solve"]

METHODS = ("auto", "dense", "lu", "gmres", "sweep")
LU_MAX_NNZ_PER_COLUMN = 10
"""``"auto"`` uses sparse LU when ``nnz(M) ≤ this · n`` (its factors then stay sparse)."""
SMALL_N = 200
"""``"auto"`` uses dense LU up to this size whatever the fill (microseconds either way)."""
DENSE_MAX_N = 12_000
"""``"auto"`` never factorises densely above this size (``8 n²`` bytes: 1.2 GB at the limit)."""
DENSE_SECONDS_PER_FLOP = 3e-11
"""Cost model: seconds per flop of dense LU / triangular solves (BLAS-3, two cores)."""
GMRES_SECONDS_PER_NONZERO = 6e-9
"""Cost model: seconds per non-zero of ``M`` per right-hand side for block GMRES (≈ 13
steps of a sparse product plus orthogonalisation; memory-bound)."""
GMRES_FIXED_SECONDS = 5e-3
"""Cost model: Python overhead of one block GMRES run."""
SERIAL_MAX_N = 1_000
"""Dense LU factorises on one BLAS thread up to this size."""
LEAST_DIRECT_LIMIT = 5_000
""":func:`least_solution` solves up to this many nodes by sparse LU, larger ones by sweeps
(the LU of a large random supply DAG fills in badly: 100 000 nodes took minutes and GiBs)."""


def choose_method(n: int, nnz: int, rhs: int = 1) -> str:
    """The method ``"auto"`` uses for an ``n × n`` matrix with ``nnz`` non-zeros and ``rhs``
    right-hand sides expected (see the module notes).

    >>> choose_method(100, 5_000), choose_method(100_000, 300_000), choose_method(4_000, 800_000, rhs=2)
    ('dense', 'lu', 'gmres')
    >>> choose_method(4_000, 800_000, rhs=2_000)
    'dense'
    """
    if n <= SMALL_N:
        return "dense"
    if nnz <= LU_MAX_NNZ_PER_COLUMN * n:
        return "lu"
    dense = DENSE_SECONDS_PER_FLOP * (2 / 3 * n**3 + 2 * n**2 * rhs)
    gmres = GMRES_FIXED_SECONDS + GMRES_SECONDS_PER_NONZERO * nnz * rhs
    return "dense" if n <= DENSE_MAX_N and dense <= gmres else "gmres"


class LinearSolver:
    """Solves ``(I − M) X = B`` and ``(I − M)ᵀ X = B`` for many right-hand sides; holds the factors.

    Parameters
    ----------
    M: square matrix (scipy.sparse or a dense array).
    method: one of :data:`METHODS` (see the module notes).
    rhs: right-hand sides expected over the solver's life (only steers ``"auto"``).
    tol: relative residual for GMRES; change between sweeps (relative to ``max(1, ‖x‖∞)``).
    block: right-hand sides per GMRES block (bounds the memory to ``≈ restart · n · block``).
    ordering: for ``"dense"``, a permutation of ``range(n)``: ``I − M`` is factorised with
        rows and columns in this order (``dense_factors`` are then in this order).
    max_sweeps: for ``"sweep"``.

    Raises:
        SolverError: ``I − M`` is singular, or an iterative method did not converge.
        PaxsilicaError: an unknown method or a matrix that is not square.
    """

    def __init__(self, M: sp.sparray | sp.spmatrix | np.ndarray,  # noqa: N803 (IO notation)
                 method: str = "auto", *, rhs: int = 1, tol: float = 1e-13, block: int = 16,
                 ordering: np.ndarray | None = None, max_sweeps: int = 10_000) -> None:
        if method not in METHODS:
            raise PaxsilicaError(f"unknown solver method {method!r}; use one of {', '.join(METHODS)}")
        if M.ndim != 2 or M.shape[0] != M.shape[1]:
            raise PaxsilicaError(f"the matrix must be square, not of shape {M.shape}")
        self.M = M if isinstance(M, np.ndarray) else sp.csr_array(M, dtype=float)
        self.n = self.M.shape[0]
        nnz = int(np.count_nonzero(self.M)) if isinstance(self.M, np.ndarray) else self.M.nnz
        self.method = choose_method(self.n, nnz, rhs) if method == "auto" else method
        self.tol, self.block, self.max_sweeps = tol, block, max_sweeps
        self.ordering = None if ordering is None or self.method != "dense" else np.asarray(ordering)
        self.dense_factors: tuple[np.ndarray, np.ndarray] | None = None
        self._lu = None
        if self.method == "dense":
            self.dense_factors = _dense_lu(self.M, self.ordering)
        elif self.method == "lu":
            system = sp.csc_matrix(sp.eye(self.n, format="csc") - sp.csc_matrix(self.M))
            try:
                self._lu = spla.splu(system, permc_spec="COLAMD")
            except RuntimeError:
                raise SolverError("I − M is singular (a cycle whose weights multiply to 1, "
                                  "or an IO column summing to 1)") from None
        if not isinstance(self.M, np.ndarray):
            self.threads = min(2, os.cpu_count() or 1) if nnz > 100_000 else 1
            self._M_t = self.M.T  # a CSC view: no copy; products are as fast as with a CSR copy

    def solve(self, rhs: np.ndarray) -> np.ndarray:
        """``X = (I − M)⁻¹ B`` for ``B`` of shape ``(n,)`` or ``(n, m)``."""
        return self._run(rhs, transposed=False)

    def solve_transposed(self, rhs: np.ndarray) -> np.ndarray:
        """``X = (I − M)⁻ᵀ B``; e.g. multipliers ``S L = solve_transposed(Sᵀ)ᵀ``."""
        return self._run(rhs, transposed=True)

    def _run(self, rhs: np.ndarray, transposed: bool) -> np.ndarray:
        rhs = np.asarray(rhs, dtype=float)
        vector = rhs.ndim == 1
        block = rhs.reshape(self.n, -1)
        if self.method == "dense":
            result = self._dense(block, transposed)
        elif self.method == "lu":
            result = self._lu.solve(np.asfortranarray(block), trans="T" if transposed else "N")
        else:
            operator = (self.M.T if transposed else self.M) if isinstance(self.M, np.ndarray) else (
                self._M_t if transposed else self.M)
            result = self._sweep(block, operator) if self.method == "sweep" else self._gmres(block, operator)
        if not np.isfinite(result).all():
            raise SolverError("I − M is singular or nearly so: the solution is not finite")
        return result.ravel() if vector else result

    def _dense(self, block: np.ndarray, transposed: bool) -> np.ndarray:
        order = self.ordering
        ordered = block if order is None else block[order]
        with _blas_threads(self.n):
            solved = sla.lu_solve(self.dense_factors, ordered, trans=1 if transposed else 0, check_finite=False)
        if order is None:
            return solved
        result = np.empty_like(solved)
        result[order] = solved
        return result

    def _sweep(self, block: np.ndarray, operator: sp.sparray | np.ndarray) -> np.ndarray:
        x = block.copy()
        for _ in range(self.max_sweeps):
            new = block + operator @ x
            if not np.isfinite(new).all():
                raise SolverError("the sweeps grow without bound (a cycle whose weights multiply to 1 or more)")
            if np.max(np.abs(new - x), initial=0.0) <= self.tol * max(1.0, float(np.max(np.abs(new), initial=0.0))):
                return new
            x = new
        raise SolverError(f"the sweeps did not converge in {self.max_sweeps} sweeps (an amplifying cycle)")

    def _gmres(self, block: np.ndarray, operator: sp.sparray | np.ndarray) -> np.ndarray:
        """Independent GMRES runs on column chunks, spread over threads (numpy and scipy release the GIL)."""
        columns = block.shape[1]
        if columns == 0:
            return np.zeros_like(block)
        threads = getattr(self, "threads", 1)
        chunks = max(-(-columns // self.block), min(threads, columns))
        bounds = np.linspace(0, columns, chunks + 1).astype(int)
        pieces = [block[:, start:stop] for start, stop in itertools.pairwise(bounds)]

        def run(piece: np.ndarray) -> np.ndarray:
            return block_gmres(lambda v: operator @ v, piece, tol=self.tol)

        if threads == 1 or len(pieces) == 1:
            return np.hstack([run(piece) for piece in pieces])
        return np.hstack(list(pool().map(run, pieces)))


LeontiefSolver = LinearSolver
"""The name the MRIO engine used first; the same class."""


def _blas_threads(n: int) -> contextlib.AbstractContextManager:
    """One BLAS thread for dense work on systems up to :data:`SERIAL_MAX_N` (waking OpenBLAS's
    threads costs more than the work there: 0.3 s against 2 ms for n = 200 on a busy machine)."""
    return one_blas_thread() if n <= SERIAL_MAX_N else contextlib.nullcontext()


def _dense_lu(matrix: sp.sparray | np.ndarray, order: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """LU factors of ``I − M`` (rows and columns in ``order``), built in one Fortran-ordered array."""
    n = matrix.shape[0]
    system = np.zeros((n, n), order="F")
    position = np.arange(n) if order is None else np.argsort(order)
    if isinstance(matrix, np.ndarray):
        system[np.ix_(position, position)] = -matrix
    else:
        csr = sp.csr_array(matrix)
        if not csr.has_canonical_format:  # duplicates must add up, not overwrite each other
            csr = csr.copy()
            csr.sum_duplicates()
        rows = np.repeat(np.arange(n), np.diff(csr.indptr))
        system[position[rows], position[csr.indices]] = -csr.data
    system[np.diag_indices(n)] += 1.0
    with warnings.catch_warnings(), _blas_threads(n):
        warnings.simplefilter("error", sla.LinAlgWarning)
        try:
            return sla.lu_factor(system, overwrite_a=True, check_finite=False)
        except sla.LinAlgWarning:
            raise SolverError("I − M is singular (a cycle whose weights multiply to 1, "
                              "or an IO column summing to 1)") from None


def solve(M: sp.sparray | sp.spmatrix | np.ndarray, rhs: np.ndarray, *,  # noqa: N803
          transpose: bool = False, method: str = "auto", tol: float = 1e-13) -> np.ndarray:
    """``(I − M)⁻¹ b`` (or ``(I − M)⁻ᵀ b``) once; build a :class:`LinearSolver` to reuse factors.

    >>> solve(np.array([[0.0, 0.5], [0.0, 0.0]]), np.array([1.0, 2.0]), transpose=True).tolist()
    [1.0, 2.5]
    """
    rhs = np.asarray(rhs, dtype=float)
    solver = LinearSolver(M, method, rhs=1 if rhs.ndim == 1 else rhs.shape[1], tol=tol)
    return solver.solve_transposed(rhs) if transpose else solver.solve(rhs)


def _reaching(operator: sp.csr_array, start: np.ndarray) -> np.ndarray:
    """Mask of nodes ``i`` from which a start node is reached along ``i → j`` when ``M[i, j] ≠ 0``."""
    n = operator.shape[0]
    pattern = sp.coo_array(operator)
    keep = pattern.data != 0
    rows = np.r_[pattern.col[keep], np.full(int(start.sum()), n)]  # reversed edges, plus a root → starts
    cols = np.r_[pattern.row[keep], np.flatnonzero(start)]
    graph = sp.csr_array((np.ones(len(rows)), (rows, cols)), shape=(n + 1, n + 1))
    seen = np.zeros(n + 1, dtype=bool)
    seen[breadth_first_order(graph, n, directed=True, return_predecessors=False)] = True
    return seen[:n]


def least_solution(M: sp.sparray | sp.spmatrix, rhs: np.ndarray, *,  # noqa: N803
                   transpose: bool = False, method: str = "auto", tol: float = 1e-12,
                   max_sweeps: int = 10_000) -> np.ndarray:
    """The least non-negative solution ``x = Σ_k M^k b`` of ``(I − M) x = b`` (or the
    transposed system) for ``M ≥ 0``, ``b ≥ 0`` (one column or several).

    ``"auto"`` is sparse LU up to :data:`LEAST_DIRECT_LIMIT` nodes, solved on the nodes
    that can reach ``b``'s support only (a closed loop that reaches no source is 0, not a
    singular system), and ``"sweep"`` beyond (monotone from below, so it converges to the
    least solution). Any method of :class:`LinearSolver` may be named.

    Raises:
        SolverError: a cycle that amplifies (spectral radius 1 or more): the system is
            singular, the sweeps do not converge, or the solution is not finite and ≥ 0.

    >>> m = sp.csr_array(np.array([[0.0, 0.5], [0.0, 0.0]]))
    >>> least_solution(m, np.array([0.0, 1.0])).tolist()
    [0.5, 1.0]
    >>> least_solution(sp.csr_array(np.array([[0.0, 1.0], [1.0, 0.0]])), np.zeros(2)).tolist()
    [0.0, 0.0]
    """
    operator = sp.csr_array(sp.csr_array(M).T if transpose else M, dtype=float)
    n = operator.shape[0]
    b = np.asarray(rhs, dtype=float)
    if method == "auto":
        method = "lu" if n <= LEAST_DIRECT_LIMIT else "sweep"
    if method == "sweep":
        x = LinearSolver(operator, "sweep", tol=tol, max_sweeps=max_sweeps).solve(b)
    else:
        x = np.zeros_like(b)
        live = _reaching(operator, (b.reshape(n, -1) != 0).any(axis=1))
        if live.any():
            x[live] = LinearSolver(operator[live][:, live], method).solve(b[live])
    finite = np.isfinite(x).all()
    scale = max(1.0, float(np.max(np.abs(x), initial=0.0))) if finite else 0.0
    if not finite or (b.min(initial=0.0) >= 0 and x.min(initial=0.0) < -1e-9 * scale):
        raise SolverError("the system has no finite non-negative solution (a cycle whose weights "
                          "multiply to 1 or more)")
    return x
