"""A per-user cache of what depends only on the installed package, not on a corpus.

Today one thing lives here: the classifier trained from the shipped gold items (plus a run's
reviewed corrections). Training takes about 9 s on 2 cores and gives the same model every time,
so every first run on a new OUT_DIR trained the same model again. The cache sits outside
OUT_DIR so that a first run on a new corpus finds it too; OUT_DIR/cache stays the cache of the
corpus (documents, embeddings).

The folder is `IVPCORPUS_CACHE_DIR` when set, else `$XDG_CACHE_HOME/ivpcorpus`, else
`~/.cache/ivpcorpus`. An entry is keyed by a hash of everything it was made from (the
package's code and data, the training corrections, the versions of the libraries in it), so
a changed input never meets a stale entry; entries are written atomically and the oldest are
removed beyond `KEEP`. Entries are joblib (pickle) files made by this user's own runs: they
are never shipped, and a missing, unreadable or unwritable cache only means training again.
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")
KEEP = 8  # entries per kind: a few corrections sets and package versions side by side


def cache_dir() -> Path:
    if os.environ.get("IVPCORPUS_CACHE_DIR"):
        return Path(os.environ["IVPCORPUS_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "ivpcorpus"


def entry_path(kind: str, key: str) -> Path:
    """Where the entry kind/key is (or would be) stored."""
    return cache_dir() / kind / f"{key}.joblib"


def cached(kind: str, key: str, make: Callable[[], T]) -> T:
    """The object stored under kind/key, or `make()` stored there (and returned)."""
    import joblib

    path = entry_path(kind, key)
    folder = path.parent
    try:
        value = joblib.load(path)
        os.utime(path)  # recently used entries are the ones kept
        return value
    except FileNotFoundError:
        pass
    except Exception as error:  # a damaged entry (interrupted disk, other library version): make it again
        log.warning("%s: cache entry unreadable (%s: %s); making it again", path, type(error).__name__, error)
    value = make()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".joblib")
        os.close(handle)
        try:
            joblib.dump(value, tmp)
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        _prune(folder)
    except Exception as error:  # no writable cache, or an object pickle cannot store: go on with what was made
        log.info("%s: not cached (%s: %s)", path, type(error).__name__, error)
    return value


def _prune(folder: Path) -> None:
    # not the ".tmp-" files another process is writing
    entries = sorted(folder.glob("[!.]*.joblib"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in entries[KEEP:]:
        old.unlink(missing_ok=True)
