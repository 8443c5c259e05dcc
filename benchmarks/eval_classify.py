"""The speerpunt classifier on ../shared/dev/gold_items.csv, by the plan split of split.json, with baselines.

    .venv/bin/python benchmarks/eval_classify.py [--lemmas]

Rows: the shipped classifier; the model without the knowledge override (seeds as features
only); the knowledge alone (rules + seeds, the most frequent training thema where nothing
matches); a TF-IDF logistic regression on the items alone (the floor; no priorities). Two
evaluations per row: cross-validation grouped by plan (GroupKFold, 5 folds, the same folds for
all) on the `tune` items, and the `check` items predicted by each classifier trained on all
tune items (never on check). Items whose plan is in neither list count as tune. Then, for the
shipped classifier on both: its confusions, how far its confidence can be trusted (reliability
table, ECE, accuracy of the most confident items) and precision/recall per landelijke prioriteit.

Caveat: the rules and seeds were written with the dev items in view, the check items
included, so the knowledge rows (the shipped classifier's too) are optimistic even on check,
and so is the model-only row (the seeds are its features and training items); only the TF-IDF
floor is a clean held-out figure, and only plans never used in development measure
generalisation. The confidence figures inherit this: the knowledge's decisions, which carry
most items, are right so often because they were written from these items. Skips (exit 0)
when ../shared/dev is absent.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

from ivpcorpus.classify.evaluate import (classification_metrics, comparison_table, cross_validated_predictions,
                                         format_calibration, format_metrics, format_table, held_out_predictions,
                                         landelijke_prioriteiten_scores, read_gold, split_gold)
from ivpcorpus.classify.knowledge import decide, load_knowledge
from ivpcorpus.classify.model import SpeerpuntClassifier, priority_sets_right

DEV = Path(__file__).resolve().parents[1].parent / "shared" / "dev"
FOLDS = 5
SHIPPED = "classifier (knowledge + model)"


class KnowledgeOnly:
    """The codebook knowledge alone: its decision where it makes one, else the most frequent
    thema of the training items (the only thing fitted)."""

    def fit(self, X: pd.DataFrame, y, landelijke_prioriteiten=None) -> KnowledgeOnly:
        self.fallback_ = pd.Series(y).mode()[0]
        return self

    def predict_labels(self, X: pd.DataFrame) -> pd.DataFrame:
        knowledge = load_knowledge()
        decisions = [decide(t, knowledge) for t in X["text"]]
        return pd.DataFrame({"thema": [d.thema if d else self.fallback_ for d in decisions],
                             "landelijke_prioriteiten": ["|".join(d.landelijke_prioriteiten) if d else "" for d in decisions]})


class TfidfFloor:
    """Character n-gram TF-IDF and a logistic regression on the item texts; predicts no priorities."""

    def fit(self, X: pd.DataFrame, y, landelijke_prioriteiten=None) -> TfidfFloor:
        self.model_ = make_pipeline(TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True),
                                    LogisticRegression(C=10, max_iter=5000)).fit(X["text"], y)
        return self

    def predict_labels(self, X: pd.DataFrame) -> pd.DataFrame:
        return pd.DataFrame({"thema": self.model_.predict(X["text"]), "landelijke_prioriteiten": ""})


def main() -> None:
    gold_path, split_path = DEV / "gold_items.csv", DEV / "split.json"
    if not (gold_path.exists() and split_path.exists()):
        print(f"{gold_path} of {split_path.name} niet gevonden (../shared ontbreekt): evaluatie overgeslagen")
        return
    started = time.perf_counter()
    gold = read_gold(gold_path)
    parts = split_gold(gold, json.loads(split_path.read_text(encoding="utf-8")))
    tune, check = parts["tune"], parts["check"]
    print(f"{gold_path}: {len(gold)} items uit {gold['plan'].nunique()} plannen; "
          f"tune {len(tune)} items ({tune['plan'].nunique()} plannen), check {len(check)} items ({check['plan'].nunique()} plannen)")
    print(f"tune-CV: GroupKFold per plan, {FOLDS} folds, alleen tune-items; check: getraind op alle tune-items\n")

    classifiers = {
        SHIPPED: SpeerpuntClassifier,
        "model only (seeds as features)": lambda: SpeerpuntClassifier(use_knowledge=False),
        "knowledge only (rules + seeds)": KnowledgeOnly,
        "TF-IDF char n-grams + LR (no lp)": TfidfFloor,
    }
    if "--lemmas" in sys.argv:
        classifiers["classifier, word features on lemmas"] = lambda: SpeerpuntClassifier(use_lemmas=True)
    evaluations = {"tune-CV": tune, "check": check}
    predictions = {name: {"tune-CV": cross_validated_predictions(tune, make, FOLDS),
                          "check": held_out_predictions(tune, check, make)} for name, make in classifiers.items()}
    metrics = {name: {e: classification_metrics(evaluations[e], p, top_confusions=5) for e, p in by_evaluation.items()}
               for name, by_evaluation in predictions.items()}

    print(format_table(comparison_table(metrics)))
    print("strikt/ruim (ook een 'also'-thema telt)/macro-F1: thema; veld: nauwkeurigheid; veld-mF1: macro-F1 op veld; "
          "lp-F1: micro-F1 landelijke prioriteiten\n")

    for evaluation, subset in evaluations.items():
        predicted = predictions[SHIPPED][evaluation]
        correct = (predicted["thema"].values == subset["thema"].values)
        print(format_metrics(f"{SHIPPED}, {evaluation}", metrics[SHIPPED][evaluation]), end="\n\n")
        print(format_calibration(f"zekerheid (kans op het gekozen thema) tegen strikt juist, {evaluation}",
                                 correct, predicted["confidence"]), end="\n\n")
        lp_correct = priority_sets_right(predicted["landelijke_prioriteiten"], subset["landelijke_prioriteiten"])
        print(format_calibration(f"zekerheid landelijke prioriteiten (kans dat de set klopt) tegen set exact juist, "
                                 f"{evaluation}", lp_correct, predicted["lp_confidence"]), end="\n\n")
        print(f"landelijke prioriteiten, {evaluation}:")
        print(format_table(landelijke_prioriteiten_scores(subset, predicted), indent="  "), end="\n\n")
    print(f"looptijd {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
