"""BERTopic over passages, seeded with the codebook: known thema's plus new topics ("nieuw").

Zero-shot step: every passage whose embedding is close enough to one of the Dutch phrasings
of a codebook thema (its name, its name with `use_for`, each term of `use_for` and the
classifier's keyword seeds for it, see `theme_phrasings`) goes to the thema it is closest to;
a thema scores as its best-matching phrasing. One description per thema matched the right
thema for about 55% of the labelled items, the best of its phrasings for about 87% (figures:
`make bench-topics`). The threshold is the embedder's own (`Embedder.zeroshot_min_similarity`,
chosen on labelled data per model). The other passages are
clustered (UMAP + HDBSCAN) into discovered topics, which the tables mark "nieuw": what plans
talk about beyond the codebook. Topic words come from c-TF-IDF over the passages' lemmas
(Dutch stop words removed), so "woninginbraken" and "woninginbraak" count as one word.

Reproducible: UMAP runs with a fixed random_state (which also makes it single-threaded) and
starts from a PCA layout, HDBSCAN is deterministic, and topic ids follow BERTopic's ordering
by size; the same passages and embeddings give the same topics, also when one process fits
again. UMAP's default spectral start is not used because it is not repeatable within a
process: the plans' word-for-word boilerplate forms small disconnected groups of identical
passages, whose graph Laplacian has a repeated eigenvalue; ARPACK (scipy's eigsh) then
restarts from a random vector drawn from its own internal seed, which lives for the whole
process and moves on with every call, so a second fit started from another layout (48 or 49
topics on the same vectors).

This module imports BERTopic, UMAP and HDBSCAN (several seconds); `ivpcorpus.topics`
imports it only when it fits a model.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ivpcorpus.topics.jit import enable_numba_caching, exact_small_data_distances, import_umap

UMAP = import_umap()  # before BERTopic, which imports UMAP too (see jit.import_umap)

from bertopic import BERTopic  # noqa: E402
from bertopic._bertopic import TopicMapper  # noqa: E402
from bertopic.dimensionality import BaseDimensionalityReduction  # noqa: E402
from bertopic.vectorizers import ClassTfidfTransformer  # noqa: E402
from hdbscan import HDBSCAN  # noqa: E402
from sklearn.feature_extraction.text import CountVectorizer  # noqa: E402
from spacy.lang.nl.stop_words import STOP_WORDS  # noqa: E402

from ivpcorpus.classify.knowledge import load_knowledge, normalise  # noqa: E402
from ivpcorpus.codebook import Codebook  # noqa: E402
from ivpcorpus.catalog import NEW_THEME, columns, empty, validate  # noqa: E402
from ivpcorpus.topics.embedding import Embedder, get_embedder  # noqa: E402

OUTLIER_TOPIC = -1
OUTLIER_LABEL = "geen onderwerp (verspreide passages)"

@dataclass(frozen=True)
class TopicSettings:
    seed: int = 42
    # None: the embedder's own calibrated threshold (embedding.Embedder.zeroshot_min_similarity)
    zeroshot_min_similarity: float | None = None
    top_n_words: int = 10
    n_examples: int = 3
    min_topic_size: int | None = None  # None: grows with the corpus, see `min_topic_size`


@dataclass
class TopicFit:
    model: BERTopic | None  # None when there were no passages to fit on
    topics: pd.DataFrame  # catalog "topics"
    topic_passages: pd.DataFrame  # catalog "topic_passages"


def theme_descriptions(codebook: Codebook) -> list[str]:
    """The zero-shot topic list: one description per codebook thema, in codebook order.

    They name the thema topics of the model; `theme_phrasings` are what passages are matched on.
    """
    return [f"{t.name}: {t.use_for}" if t.use_for else t.name for t in codebook.themes]


def theme_phrasings(codebook: Codebook) -> list[tuple[str, str]]:
    """(thema id, phrasing) pairs: several ways Dutch plans name each thema.

    The name, the name with `use_for`, each comma-separated term of `use_for` and the
    classifier's keyword seeds (not its decision rules, which are tuned on labelled items).
    A phrasing that names more than one thema is left out: it cannot decide between them.
    """
    seeds = [(term.thema, term.label) for term in load_knowledge().terms if term.rule is None]
    pairs = []
    for theme in codebook.themes:
        pairs += [(theme.id, theme.name), (theme.id, f"{theme.name}: {theme.use_for}" if theme.use_for else theme.name)]
        pairs += [(theme.id, term.strip()) for term in theme.use_for.split(",") if term.strip()]
    pairs += sorted(seeds, key=lambda pair: (codebook.theme_ids.index(pair[0]), pair[1]))
    themes_of: dict[str, set[str]] = {}
    for thema, phrasing in pairs:
        themes_of.setdefault(normalise(phrasing), set()).add(thema)
    seen: set[tuple[str, str]] = set()
    unique = []
    for thema, phrasing in pairs:
        key = (thema, normalise(phrasing))
        if len(themes_of[key[1]]) == 1 and key not in seen:
            seen.add(key)
            unique.append((thema, phrasing))
    return unique


class ThemeScorer:
    """Similarity of vectors to each codebook thema: the best of the thema's phrasings."""

    def __init__(self, codebook: Codebook, backend: Embedder) -> None:
        pairs = theme_phrasings(codebook)
        self.theme_ids = codebook.theme_ids
        self.owner = np.array([self.theme_ids.index(thema) for thema, _ in pairs])
        self.vectors = _unit(backend.embed([phrasing for _, phrasing in pairs]).astype(np.float64))

    def __call__(self, vectors: np.ndarray) -> np.ndarray:
        """(n, number of thema's) cosine similarities, in codebook order."""
        similarity = _unit(np.atleast_2d(vectors).astype(np.float64)) @ self.vectors.T
        best = np.full((similarity.shape[0], len(self.theme_ids)), -np.inf)
        np.maximum.at(best.T, self.owner, similarity.T)
        return best


def _threshold(settings: TopicSettings, backend: Embedder) -> float:
    if settings.zeroshot_min_similarity is None:
        return backend.zeroshot_min_similarity
    return settings.zeroshot_min_similarity


def min_topic_size(n_passages: int) -> int:
    """Smallest cluster that counts as a topic: ~sqrt(n)/2, at least 3 (tiny corpora), at most 150."""
    return int(min(150, max(3, round(math.sqrt(n_passages) / 2))))


class _FewPointsHDBSCAN(HDBSCAN):
    """HDBSCAN that calls fewer points than one cluster all outliers instead of failing.

    After the zero-shot step only a handful of passages of a small corpus may be left to
    cluster; HDBSCAN itself raises on fewer points than its neighbourhood size.
    """

    def fit(self, X, y=None):
        if len(X) < self.min_cluster_size:
            self.labels_ = np.full(len(X), -1, dtype=int)
            self.probabilities_ = np.zeros(len(X))
            return self
        return super().fit(X, y)


class _SeededBERTopic(BERTopic):
    """BERTopic whose zero-shot step scores a thema by its best phrasing (`ThemeScorer`).

    BERTopic compares each passage with one embedding per zero-shot topic; this replaces only
    that similarity matrix, so assignment, the threshold and the merge with the clustered
    topics stay BERTopic's own. The scorer is set before fitting and is not saved: a loaded
    model places new text by its topic vectors, as any zero-shot BERTopic model does.
    """

    theme_scorer: ThemeScorer

    def _zeroshot_topic_modeling(self, documents: pd.DataFrame, embeddings: np.ndarray):
        similarity = self.theme_scorer(embeddings)
        assignment, best = similarity.argmax(axis=1), similarity.max(axis=1)
        assigned_ids = np.flatnonzero(best >= self.zeroshot_min_similarity)
        other_ids = np.flatnonzero(best < self.zeroshot_min_similarity)

        assigned_documents = documents.iloc[assigned_ids].copy()
        assigned_documents["Topic"] = assignment[assigned_ids]
        assigned_documents["Old_ID"] = assigned_documents["ID"].copy()
        assigned_documents["ID"] = range(len(assigned_documents))
        assigned_embeddings = embeddings[assigned_ids]

        documents = documents.iloc[other_ids].copy()
        documents["Old_ID"] = documents["ID"].copy()
        documents["ID"] = range(len(documents))
        embeddings = embeddings[other_ids]
        if len(documents) == 0:
            self.topics_ = assigned_documents["Topic"].values.tolist()
            self.topic_mapper_ = TopicMapper(self.topics_)
        return documents, embeddings, assigned_documents, assigned_embeddings


def _reducer(n_clustered: int, settings: TopicSettings) -> UMAP:
    # n_neighbors may not exceed the number of points; a PCA start (see the module doc) needs a
    # few more points than dimensions, so small corpora start from a random (seeded) layout.
    return UMAP(n_neighbors=min(15, n_clustered - 1), n_components=5, min_dist=0.0, metric="cosine",
                init="pca" if n_clustered > 50 else "random", random_state=settings.seed)


def compile_umap(n_points: int = 80, dimensions: int = 16) -> None:
    """Have numba compile, into its disk cache, the UMAP code a topic fit runs: fit and
    transform of the reducer `fit_topics` uses, on random vectors of the embeddings' dtype (what
    numba compiles for depends on the types, not the sizes). See `ivpcorpus.warmup`."""
    enable_numba_caching()
    vectors = np.random.default_rng(0).standard_normal((n_points, dimensions)).astype(np.float32)
    reducer = _reducer(n_points, TopicSettings())
    with exact_small_data_distances():
        reducer.fit_transform(vectors)
        reducer.transform(vectors[: n_points // 4])


def _topic_model(n_clustered: int, settings: TopicSettings, descriptions: list[str], backend: Embedder,
                 scorer: ThemeScorer) -> BERTopic:
    size = settings.min_topic_size or min_topic_size(n_clustered)
    if n_clustered >= 3 * size:
        reducer = _reducer(n_clustered, settings)
    else:
        # Too few passages for a manifold: cluster the embeddings themselves.
        reducer = BaseDimensionalityReduction()
    model = _SeededBERTopic(
        embedding_model=backend,
        umap_model=reducer,
        hdbscan_model=_FewPointsHDBSCAN(min_cluster_size=size, min_samples=max(1, size // 2), metric="euclidean",
                              cluster_selection_method="eom", prediction_data=True),
        # Unigrams: the documents are lemma sequences with stop words removed, so bigrams
        # would pair words that were never adjacent ("afleggen beslag").
        vectorizer_model=CountVectorizer(stop_words=sorted(STOP_WORDS), ngram_range=(1, 1)),
        ctfidf_model=ClassTfidfTransformer(reduce_frequent_words=True),
        zeroshot_topic_list=descriptions,
        zeroshot_min_similarity=_threshold(settings, backend),
        top_n_words=settings.top_n_words,
        min_topic_size=size,
    )
    model.theme_scorer = scorer
    return model


def fit_topics(passages: pd.DataFrame, embeddings: np.ndarray, lemma_texts: list[str], codebook: Codebook,
               settings: TopicSettings = TopicSettings(), backend: Embedder | None = None) -> TopicFit:
    """Fit the seeded topic model on passages (rows aligned with `embeddings` and `lemma_texts`).

    `passages` has the columns of `passages.PASSAGES_SCHEMA` plus `source_file`.

    BERTopic gets the lemma texts as its documents (they only feed c-TF-IDF); the examples
    in the tables are the original passages.
    """
    if len(passages) == 0:
        return TopicFit(None, empty("topics"), empty("topic_passages"))
    enable_numba_caching()  # before UMAP compiles anything in this process (see jit.py)
    descriptions = theme_descriptions(codebook)
    backend = backend or get_embedder()
    scorer = ThemeScorer(codebook, backend)
    model = _topic_model(len(passages), settings, descriptions, backend, scorer)
    with exact_small_data_distances():
        assigned, _ = model.fit_transform(lemma_texts, embeddings=embeddings)
    assigned = np.asarray(assigned, dtype=int)

    theme_of_label = dict(zip(descriptions, codebook.theme_ids))
    labels = model.topic_labels_
    thema_of_topic = {t: theme_of_label.get(labels.get(t), NEW_THEME) for t in set(assigned)}
    thema_of_topic[OUTLIER_TOPIC] = ""

    unit = embeddings / np.linalg.norm(embeddings, axis=1, keepdims=True)
    centroids = {t: _normalised(unit[assigned == t].mean(axis=0)) for t in sorted(set(assigned))}
    similarity = np.array([unit[i] @ centroids[t] if t != OUTLIER_TOPIC else np.nan for i, t in enumerate(assigned)])

    topic_passages = passages.assign(
        topic_id=assigned, thema=[thema_of_topic[t] for t in assigned], similarity=similarity.astype(float),
    )[columns("topic_passages")]

    rows = []
    for topic_id, centroid in centroids.items():
        members = topic_passages[topic_passages["topic_id"] == topic_id]
        words = [w for w, _ in (model.get_topic(topic_id) or []) if w]
        thema = thema_of_topic[topic_id]
        if topic_id == OUTLIER_TOPIC:
            label = OUTLIER_LABEL
        elif thema == NEW_THEME:
            label = "nieuw: " + ", ".join(words[:4])
        else:
            label = codebook.theme(thema).name
        rows.append({
            "topic_id": int(topic_id), "label": label, "thema": thema,
            "thema_name": codebook.theme(thema).name if thema not in ("", NEW_THEME) else "",
            "top_words": "|".join(words), "size": len(members),
            "n_documents": int(members["doc_id"].nunique()), "share": len(members) / len(passages),
            **_nearest_thema(topic_id, centroid, scorer, codebook),
            "examples": _examples(members, settings.n_examples),
        })
    topics = pd.DataFrame(rows, columns=columns("topics"))
    return TopicFit(model, validate("topics", topics),
                    validate("topic_passages", topic_passages))


def _nearest_thema(topic_id: int, centroid: np.ndarray, scorer: ThemeScorer, codebook: Codebook) -> dict[str, object]:
    """The codebook thema closest to the topic's centre, by its best phrasing (none for the outliers)."""
    if topic_id == OUTLIER_TOPIC:
        return {"nearest_thema": "", "nearest_similarity": float("nan")}
    similarities = scorer(centroid)[0]
    nearest = int(np.argmax(similarities))
    return {"nearest_thema": codebook.theme_ids[nearest], "nearest_similarity": float(similarities[nearest])}


def _examples(members: pd.DataFrame, n: int) -> str:
    """The passages closest to the topic's centre, with where they are: 'plan.pdf p. 3: text'.

    Plans share boilerplate word for word, so an example text is shown once.
    """
    ordered = members.sort_values(["similarity", "passage_id"], ascending=[False, True], na_position="last")
    best = ordered.drop_duplicates("passage_hash").head(n)
    return "\n".join(f"{r.source_file} p. {r.page}: {_excerpt(r.text)}" for r in best.itertuples())


def _excerpt(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


def _normalised(vector: np.ndarray) -> np.ndarray:
    return vector / np.linalg.norm(vector)


def _unit(vectors: np.ndarray) -> np.ndarray:
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
