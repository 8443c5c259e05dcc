"""UMAP's exact cosine distances for small corpora, in compiled loops.

Below 4,096 points UMAP computes all pairwise distances with scikit-learn's
`pairwise_distances` and its own numba `cosine` as a Python callable: one Python call per pair
(about 8 s of the demo's topics stage for fit and transform together, for 1,500 passages).
`cosine_distances` computes the same cells with the same numba function, in parallel compiled
loops. `cosine` is compiled without fastmath, so calling it from here cannot reorder its sums:
the matrix is scikit-learn's bit for bit, including its float32 dtype, its upper triangle
mirrored by `out + out.T` (for X against itself) and its diagonal. The kernels are cached on
disk by numba (`cache=True`), so only the first run on a machine compiles them.

This module imports numba and UMAP: `jit.exact_small_data_distances` imports it when fitting.
"""

from __future__ import annotations

import numba
import numpy as np
from umap.distances import cosine


@numba.njit(parallel=True, cache=True)
def _symmetric(x):
    n = x.shape[0]
    out = np.zeros((n, n), dtype=np.float32)
    for i in numba.prange(n):
        for j in range(i + 1, n):
            cell = np.float32(cosine(x[i], x[j]))
            out[i, j] = cell + np.float32(0.0)  # scikit-learn's out + out.T: -0.0 becomes 0.0 alike
            out[j, i] = np.float32(0.0) + cell
    for i in numba.prange(n):
        out[i, i] = np.float32(cosine(x[i], x[i]))
    return out


@numba.njit(parallel=True, cache=True)
def _rectangular(x, y):
    out = np.empty((x.shape[0], y.shape[0]), dtype=np.float32)
    for i in numba.prange(x.shape[0]):
        for j in range(y.shape[0]):
            out[i, j] = np.float32(cosine(x[i], y[j]))
    return out


def _plain(array) -> bool:
    return (isinstance(array, np.ndarray) and array.dtype == np.float32 and array.ndim == 2
            and array.flags.c_contiguous and bool(np.isfinite(array).all()))


def cosine_distances(X, Y, metric, kwds) -> np.ndarray | None:
    """scikit-learn's `pairwise_distances(X, Y, metric=cosine)` for UMAP's float32 arrays, or None
    when this is another call (another metric, arguments, dtype, layout or non-finite values:
    scikit-learn then handles it, and raises where it raises)."""
    if metric is not cosine or kwds or not _plain(X):
        return None
    if Y is None or Y is X:  # scikit-learn computes X against itself as a mirrored triangle
        return _symmetric(X)
    if not _plain(Y) or Y.shape[1] != X.shape[1]:
        return None
    return _rectangular(X, Y)
