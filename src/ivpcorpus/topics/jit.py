"""Three speed-ups of UMAP that leave its results as they are.

`enable_numba_caching`: keep the machine code numba compiles for UMAP, so only the first run on
a machine pays for it. `exact_small_data_distances`: UMAP's all-pairs distances of a small
corpus in compiled loops instead of one Python call per pair (`distances.py`). `import_umap`:
UMAP without pynndescent until UMAP uses it (see there).

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

import importlib
import logging
import sys
import types
from collections.abc import Mapping
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


# -- UMAP without pynndescent until it is needed ---------------------------------------------
# UMAP imports three names of pynndescent at its own import: the NNDescent class and two tables
# of distance functions. Importing pynndescent compiles every function it declares with explicit
# signatures (its random-projection trees, distances, heaps): 10 s on a machine whose numba
# cache is empty, 1 s with it. UMAP only uses them for 4,096 points or more (nearest neighbours
# by NNDescent) or for a metric of pynndescent's own; a smaller corpus with the cosine metric
# never touches them.
_PYNNDESCENT_NAMES = {"pynndescent": "NNDescent", "pynndescent.distances": "named_distances",
                      "pynndescent.sparse": "sparse_named_distances"}


def _pynndescent(module: str, name: str):
    """The real object, importing pynndescent (and caching its numba code) on first use."""
    already = "pynndescent" in sys.modules
    value = getattr(importlib.import_module(module), name)
    if not already:
        enable_numba_caching(("pynndescent",))
    return value


class _DeferredClassType(type):
    def __instancecheck__(cls, instance) -> bool:
        return isinstance(instance, _pynndescent("pynndescent", "NNDescent"))


class _DeferredNNDescent(metaclass=_DeferredClassType):
    """Stands for pynndescent.NNDescent: constructing one (or an isinstance test) imports it."""

    def __new__(cls, *args, **kwargs):
        return _pynndescent("pynndescent", "NNDescent")(*args, **kwargs)


class _DeferredMapping(Mapping):
    """Stands for one of pynndescent's distance tables: the first lookup imports it."""

    def __init__(self, module: str, name: str):
        self._module, self._name = module, name

    def __getitem__(self, key):
        return _pynndescent(self._module, self._name)[key]

    def __iter__(self):
        return iter(_pynndescent(self._module, self._name))

    def __len__(self) -> int:
        return len(_pynndescent(self._module, self._name))


def import_umap() -> type:
    """UMAP's class, imported with stand-ins for the names it takes from pynndescent, so that
    pynndescent is imported when UMAP first uses one of them, not before. When UMAP or
    pynndescent is already imported, or UMAP asks for more of pynndescent, a plain import."""
    if "umap.umap_" in sys.modules or "pynndescent" in sys.modules:
        from umap import UMAP
        return UMAP
    stand_ins = {module: types.ModuleType(module) for module in _PYNNDESCENT_NAMES}
    stand_ins["pynndescent"].NNDescent = _DeferredNNDescent
    for module in ("pynndescent.distances", "pynndescent.sparse"):
        setattr(stand_ins[module], _PYNNDESCENT_NAMES[module], _DeferredMapping(module, _PYNNDESCENT_NAMES[module]))
    sys.modules.update(stand_ins)
    try:
        from umap import UMAP
    except ImportError:  # a UMAP release that imports more of pynndescent: import both as they are
        _drop(stand_ins)
        for module in [m for m in sys.modules if m == "umap" or m.startswith("umap.")]:
            del sys.modules[module]
        from umap import UMAP
    finally:
        _drop(stand_ins)
    return UMAP


def _drop(stand_ins: dict[str, types.ModuleType]) -> None:
    for module, stand_in in stand_ins.items():
        if sys.modules.get(module) is stand_in:
            del sys.modules[module]
