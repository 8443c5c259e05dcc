"""Grouped cross-validation of the speerpunt classifier on ../shared/dev/gold_items.csv, with baselines.

    .venv/bin/python benchmarks/eval_classify.py [--lemmas]

Rows: the shipped classifier; the model without the knowledge override (seeds as features
only); the knowledge alone (rules + seeds, most frequent thema where nothing matches); a
TF-IDF logistic regression on the items alone. Same folds (GroupKFold by plan) for all.
Caveat: the seeds and rules were written with the dev items in view, so the knowledge rows
are optimistic; only plans not used in development measure generalisation.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold
from sklearn.pipeline import make_pipeline

from ivpcorpus.classify.evaluate import classification_metrics, cross_validated_predictions, format_metrics, read_gold
from ivpcorpus.classify.knowledge import decide, load_knowledge
from ivpcorpus.classify.model import SpeerpuntClassifier

GOLD = Path(__file__).resolve().parents[1].parent / "shared" / "dev" / "gold_items.csv"
FOLDS = 5


def knowledge_only(gold: pd.DataFrame) -> pd.DataFrame:
    knowledge = load_knowledge()
    fallback = gold["thema"].mode()[0]  # a fixed fallback; the knowledge has nothing to fit
    decisions = [decide(t, knowledge) for t in gold["item_text"]]
    return pd.DataFrame({"thema": [d.thema if d else fallback for d in decisions],
                         "landelijke_prioriteiten": ["|".join(d.landelijke_prioriteiten) if d else "" for d in decisions]})


def tfidf_only(gold: pd.DataFrame) -> pd.DataFrame:
    predicted = pd.Series(index=gold.index, dtype=object)
    for train, test in GroupKFold(FOLDS).split(gold, gold["thema"], gold["plan"]):
        model = make_pipeline(TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True),
                              LogisticRegression(C=10, max_iter=5000))
        model.fit(gold["item_text"].iloc[train], gold["thema"].iloc[train])
        predicted.iloc[test] = model.predict(gold["item_text"].iloc[test])
    return pd.DataFrame({"thema": predicted.values, "landelijke_prioriteiten": ""})


def main() -> None:
    gold = read_gold(GOLD)
    runs = {
        "classifier (knowledge + model)": lambda: cross_validated_predictions(gold, SpeerpuntClassifier, FOLDS),
        "model only (seeds as features)": lambda: cross_validated_predictions(gold, lambda: SpeerpuntClassifier(use_knowledge=False), FOLDS),
        "knowledge only (rules + seeds)": lambda: knowledge_only(gold),
        "TF-IDF char n-grams + LR (no lp)": lambda: tfidf_only(gold),
    }
    if "--lemmas" in sys.argv:
        runs["classifier, word features on lemmas"] = lambda: cross_validated_predictions(gold, lambda: SpeerpuntClassifier(use_lemmas=True), FOLDS)
    for name, predict in runs.items():
        print(format_metrics(name, classification_metrics(gold, predict(), top_confusions=5)), end="\n\n")


if __name__ == "__main__":
    main()
