"""The per-document stages and the embedding on a Dask distributed cluster (`ivpcorpus[dask]`).

`ivpcorpus run --scheduler tcp://HOST:8786` sends every document's extraction and speerpunten
search, and the batches of passages to embed, to the workers of an existing Dask cluster; the
stages over the whole corpus (manifest, classification, analysis, the topic fit, the report)
stay in the calling process. The tables are the same as a local run's: results are put back in
input order, and the per-document cache, the store and OUT_DIR stay on the calling machine.

Documents travel as bytes, so workers need no shared file system. On a worker each document is
still read in a process of its own with the time and memory limit (`extract.runner`); that
needs workers that may start processes (`DASK_DISTRIBUTED__WORKER__DAEMON=False`, see the
README). A worker that may not reads in its own process, with Dask's own memory limit only.
"""

from __future__ import annotations

import multiprocessing
import tempfile
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from ivpcorpus.errors import InputError
from ivpcorpus.extract.document import DocumentExtraction, extract_document


def connect(address: str, timeout_s: float = 10.0):
    """A client of the scheduler at `address`; an InputError when there is none (or no dask)."""
    try:
        from distributed import Client
    except ImportError:
        raise InputError("--scheduler vraagt Dask: installeer `pip install 'ivpcorpus[dask]'`") from None
    try:
        return Client(address, timeout=f"{timeout_s}s")
    except (OSError, TimeoutError) as error:
        raise InputError(f"geen Dask-scheduler bereikbaar op {address} ({error})") from None


def _extract_remote(doc_id: str, name: str, data: bytes, timeout_s: float, memory_mb: int) -> DocumentExtraction:
    from ivpcorpus.extract.runner import extract_many

    with tempfile.TemporaryDirectory(prefix="ivpcorpus-") as folder:
        path = Path(folder) / name  # the file name keeps its suffix: it decides the reader
        path.write_bytes(data)
        if multiprocessing.current_process().daemon:
            return extract_document(path, doc_id)
        return next(extract_many([(doc_id, path)], workers=1, timeout_s=timeout_s, memory_mb=memory_mb))


def extract_many(client, jobs: Iterable[tuple[str, Path]], timeout_s: float = 120.0, memory_mb: int = 3072,
                 progress: bool = False) -> Iterator[DocumentExtraction]:
    """As `extract.extract_many`, on the cluster: one result per (doc_id, path) job, as they complete."""
    from distributed import as_completed

    futures = [client.submit(_extract_remote, doc_id, Path(path).name, Path(path).read_bytes(), timeout_s, memory_mb,
                             pure=False) for doc_id, path in jobs]
    bar = None
    if progress and futures:
        from tqdm import tqdm

        bar = tqdm(total=len(futures), desc="extractie (cluster)", unit="doc")
    try:
        for future in as_completed(futures):
            if bar is not None:
                bar.update(1)
            yield future.result()
    finally:
        if bar is not None:
            bar.close()


def find_speerpunten(client, documents: pd.DataFrame, blocks: pd.DataFrame):
    """As `speerpunten.find_speerpunten`, one task per document; the tables in document order."""
    from ivpcorpus import speerpunten

    if documents.empty:
        return speerpunten.find_speerpunten(documents, blocks)
    by_doc = dict(tuple(blocks.groupby("doc_id", sort=False))) if len(blocks) else {}
    futures = [client.submit(speerpunten.find_speerpunten, documents.iloc[[n]], by_doc.get(doc_id, blocks.iloc[:0]),
                             pure=False) for n, doc_id in enumerate(documents["doc_id"])]
    parts = client.gather(futures)
    return speerpunten.SpeerpuntResult(*(pd.concat([getattr(p, field) for p in parts], ignore_index=True)
                                         for field in ("items", "findings", "to_review")))


@lru_cache(maxsize=2)
def _embedder(name: str):
    from ivpcorpus.topics.embedding import get_embedder

    return get_embedder(name)  # loaded once per worker process


def _embed_remote(name: str, texts: list[str]) -> np.ndarray:
    return _embedder(name).embed_passages(texts).astype(np.float32)


def batch_embedder(client, name: str):
    """An `embed_batches` for `topics.embedding.cached_passage_embeddings`: every batch on the
    cluster at once, the vectors yielded in batch order."""
    def embed_batches(batches: list[list[str]]) -> Iterator[np.ndarray]:
        futures = [client.submit(_embed_remote, name, batch, pure=False) for batch in batches]
        for future in futures:
            yield future.result()

    return embed_batches
