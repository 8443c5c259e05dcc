"""Two speed-ups of UMAP that leave its results as they are.

`enable_numba_caching`: keep the machine code numba compiles for UMAP, so only the first run on
a machine pays for it. `exact_small_data_distances`: UMAP's all-pairs distances of a small
corpus in compiled loops instead of one Python call per pair (`distances.py`).

UMAP and pynndescent are numba code. pynndescent marks most of its functions `cache=True`, but
UMAP marks almost none, so every fresh process compiled UMAP's layout, fuzzy-set and transform
functions again: about 20 s of a demo run's topics stage on 2 cores, more than fitting itself.
`enable_numba_caching` switches numba's own on-disk cache on for the functions of those
packages that have not been compiled yet. The cached code is the code numba would compile, so
the topics are the same; numba keys each entry on the source file's time stamp and size (a
new UMAP release recompiles) and checks the CPU it was compiled for. It stores the code where
numba puts the code of any `cache=True` function: `NUMBA_CACHE_DIR` when set, else the
package's own `__pycache__` when writable, else the user's cache folder (~/.cache/numba).
"""

from __future__ import annotations

import logging
import sys
from contextlib import contextmanager

log = logging.getLogger(__name__)

CACHED_PACKAGES = ("umap", "pynndescent")


def enable_numba_caching(packages: tuple[str, ...] = CACHED_PACKAGES) -> int:
    """Turn on numba's disk cache for the not yet compiled functions of the imported modules of
    `packages`; the number of functions switched. Safe to call more than once."""
    from numba.core.caching import NullCache
    from numba.core.dispatcher import Dispatcher

    switched = 0
    for name, module in list(sys.modules.items()):
        if module is None or name.split(".")[0] not in packages:
            continue
        for value in list(vars(module).values()):
            # Only the module's own functions without compiled code: a function compiled at
            # import (an explicit signature) keeps it, and its cache setting is the author's.
            if (not isinstance(value, Dispatcher) or value.__module__ != name
                    or not isinstance(value._cache, NullCache) or value.signatures):
                continue
            try:
                value.enable_caching()
            except RuntimeError as error:  # numba found no writable cache folder: compile as before
                log.debug("numba cache not enabled for %s.%s: %s", name, value.__name__, error)
                continue
            switched += 1
    return switched


@contextmanager
def exact_small_data_distances():
    """While active, UMAP's all-pairs cosine distances (fewer than 4,096 points) come from
    `distances.cosine_distances`, which gives scikit-learn's matrix bit for bit much faster
    (see there); any other metric, dtype or input still goes to scikit-learn."""
    import umap.umap_ as umap_module

    from ivpcorpus.topics import distances

    original = umap_module.pairwise_distances

    def pairwise_distances(X, Y=None, metric="euclidean", **kwds):
        fast = distances.cosine_distances(X, Y, metric, kwds)
        return fast if fast is not None else original(X, Y, metric=metric, **kwds)

    umap_module.pairwise_distances = pairwise_distances
    try:
        yield
    finally:
        umap_module.pairwise_distances = original
