"""Inverse of a triangular matrix by recursive blocks whose work is matrix products.

Why not LAPACK ``trtri`` alone: SciPy's wrappers of ``trtri`` (and of the BLAS ``trsm`` and
``trmm``) hold Python's global interpreter lock while they run, so two of them on two
threads take turns instead of sharing two cores; NumPy's matrix product releases it. Here
the inverse of an upper triangle ``[[A, B], [0, C]]`` is ``[[A⁻¹, −A⁻¹ B C⁻¹], [0, C⁻¹]]``,
recursively; the triangle-times-block products are themselves split so that only
:data:`LEAF`-sized triangles are multiplied as if full. The flops are those of ``trtri``
(``n³/3``) plus a few per cent, at the speed of the matrix product, and another thread
runs meanwhile (the second triangular factor of :mod:`.blocks`); small diagonal blocks go
to ``trtri`` (microseconds with the lock held).

Example:
    >>> upper = np.triu(np.arange(1.0, 17.0).reshape(4, 4)) + 4 * np.eye(4)
    >>> np.allclose(upper_inverse(upper, leaf=2) @ upper, np.eye(4))
    True
"""

from __future__ import annotations

import numpy as np
import scipy.linalg as sla

from paxsilica.errors import PaxsilicaError

__all__ = ["LEAF", "upper_inverse"]

LEAF = 192
"""Triangles up to this order are inverted by ``trtri`` and multiplied as full matrices."""


def _leaf_inverse(upper: np.ndarray, unit: bool) -> np.ndarray:
    inverse, info = sla.lapack.dtrtri(np.asfortranarray(upper), lower=0, unitdiag=int(unit))
    if info:
        raise PaxsilicaError("I − A is singular: a zero pivot in its LU factors")
    inverse = np.triu(inverse)
    if unit:
        np.fill_diagonal(inverse, 1.0)
    return inverse


def _upper_times(upper: np.ndarray, block: np.ndarray, out: np.ndarray, leaf: int) -> None:
    """``out = triu(upper) @ block``, splitting the triangle so its zero half is not multiplied."""
    size = upper.shape[0]
    if size <= leaf:
        np.matmul(np.triu(upper), block, out=out)
        return
    half = size // 2
    _upper_times(upper[:half, :half], block[:half], out[:half], leaf)
    out[:half] += upper[:half, half:] @ block[half:]
    _upper_times(upper[half:, half:], block[half:], out[half:], leaf)


def _times_upper(block: np.ndarray, upper: np.ndarray, out: np.ndarray, leaf: int) -> None:
    """``out = block @ triu(upper)``, the same split on the right."""
    size = upper.shape[0]
    if size <= leaf:
        np.matmul(block, np.triu(upper), out=out)
        return
    half = size // 2
    _times_upper(block[:, :half], upper[:half, :half], out[:, :half], leaf)
    _times_upper(block[:, half:], upper[half:, half:], out[:, half:], leaf)
    out[:, half:] += block[:, :half] @ upper[:half, half:]


def upper_inverse(upper: np.ndarray, unit: bool = False, leaf: int = LEAF) -> np.ndarray:
    """``triu(upper)⁻¹`` as a C-ordered array (the strict lower triangle of ``upper`` is
    ignored; ``unit``: its diagonal is taken as ones). Raises :class:`PaxsilicaError` on a
    zero pivot."""
    size = upper.shape[0]
    if size <= leaf:
        return _leaf_inverse(upper, unit)
    result = np.zeros((size, size))
    _invert_into(upper, unit, leaf, result)
    return result


def _invert_into(upper: np.ndarray, unit: bool, leaf: int, out: np.ndarray) -> None:
    """``out = triu(upper)⁻¹`` (``out``'s strict lower triangle left as it was: zeros)."""
    size = upper.shape[0]
    if size <= leaf:
        out[...] = _leaf_inverse(upper, unit)
        return
    half = size // 2
    _invert_into(upper[:half, :half], unit, leaf, out[:half, :half])
    _invert_into(upper[half:, half:], unit, leaf, out[half:, half:])
    scratch = np.empty((half, size - half))
    _times_upper(upper[:half, half:], out[half:, half:], scratch, leaf)
    _upper_times(out[:half, :half], scratch, out[:half, half:], leaf)
    out[:half, half:] *= -1.0
