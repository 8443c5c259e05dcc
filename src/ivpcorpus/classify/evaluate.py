"""Evaluation of speerpunt labels against a gold table, with grouped cross-validation.

Gold tables have the columns of `shared/dev/gold_items.csv`: item_id, plan, item_text, thema,
also, landelijke_prioriteiten (multi-valued fields '|'-joined). When the gold set is also the
training set, predictions come from cross-validation grouped by `plan`, so the items of one
plan are never on both sides; nothing is tuned on a test fold (the hyperparameters are fixed).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import GroupKFold

from ivpcorpus.codebook import load_codebook

GOLD_COLUMNS = ["item_text", "thema", "also", "landelijke_prioriteiten"]


def split_labels(value) -> set[str]:
    return {v for v in str(value).split("|") if v} if pd.notna(value) else set()


def check_gold(gold: pd.DataFrame) -> pd.DataFrame:
    """Clear error for a gold table without the columns or with ids not in the codebook."""
    missing = [c for c in GOLD_COLUMNS if c not in gold.columns]
    if missing:
        raise ValueError(f"gold table misses column(s) {missing}; has {list(gold.columns)}")
    codebook = load_codebook()
    for row, item in gold.reset_index(drop=True).iterrows():
        bad = [t for t in {item["thema"], *split_labels(item["also"])} if t not in codebook.theme_ids]
        bad += [p for p in split_labels(item["landelijke_prioriteiten"]) if p not in codebook.lp_ids]
        if bad:
            raise ValueError(f"gold row {row + 2}: unknown codebook id(s) {bad}")
    return gold


def gold_as_items(gold: pd.DataFrame) -> pd.DataFrame:
    """The gold table as classifier input (text + context)."""
    items = pd.DataFrame({"text": gold["item_text"].astype(str)})
    items["context"] = gold["context"].fillna("").astype(str).values if "context" in gold.columns else ""
    return items


def cross_validated_predictions(gold: pd.DataFrame, make_classifier: Callable, n_splits: int = 5) -> pd.DataFrame:
    """Predictions for every gold item from a classifier that never saw the item's plan."""
    items = gold_as_items(gold)
    groups = gold["plan"] if "plan" in gold.columns else gold["item_id"]
    parts = []
    for train, test in GroupKFold(n_splits=n_splits).split(items, gold["thema"], groups):
        clf = make_classifier().fit(items.iloc[train], gold["thema"].iloc[train])
        parts.append(clf.predict_labels(items.iloc[test]).set_index(items.index[test]))
    return pd.concat(parts).sort_index()


def classification_metrics(gold: pd.DataFrame, predicted: pd.DataFrame, top_confusions: int = 10) -> dict:
    """Thema (strict, lenient), veld and landelijke-prioriteiten scores of predictions against gold."""
    codebook = load_codebook()
    gold = gold.reset_index(drop=True)
    predicted = predicted.reset_index(drop=True)
    g_thema, p_thema = gold["thema"].astype(str), predicted["thema"].astype(str)
    lenient = [p == g or p in split_labels(a) for p, g, a in zip(p_thema, g_thema, gold["also"])]
    g_veld = [codebook.veld_of(t) for t in g_thema]
    p_veld = [codebook.veld_of(t) for t in p_thema]
    tp = fp = fn = 0
    for g, p in zip(gold["landelijke_prioriteiten"], predicted["landelijke_prioriteiten"]):
        g, p = split_labels(g), split_labels(p)
        tp, fp, fn = tp + len(g & p), fp + len(p - g), fn + len(g - p)
    lp_f1 = 2 * tp / (2 * tp + fp + fn) if (tp + fp + fn) else 1.0
    confusions = Counter((g, p) for g, p in zip(g_thema, p_thema) if g != p)
    return {
        "n": len(gold),
        "thema_accuracy": accuracy_score(g_thema, p_thema),
        "thema_accuracy_lenient": float(np.mean(lenient)) if lenient else 0.0,
        "thema_macro_f1": f1_score(g_thema, p_thema, average="macro", labels=sorted(set(g_thema)), zero_division=0),
        "veld_accuracy": accuracy_score(g_veld, p_veld),
        "veld_macro_f1": f1_score(g_veld, p_veld, average="macro", labels=sorted(set(g_veld)), zero_division=0),
        "lp_micro_f1": lp_f1,
        "confusions": [{"gold": g, "predicted": p, "n": n} for (g, p), n in confusions.most_common(top_confusions)],
    }


def format_metrics(name: str, metrics: dict) -> str:
    """A plain-text report (Dutch) of `classification_metrics`."""
    lines = [
        f"{name} (n = {metrics['n']})",
        f"  thema nauwkeurigheid (strikt)      {metrics['thema_accuracy']:.3f}",
        f"  thema nauwkeurigheid (ruim, also)  {metrics['thema_accuracy_lenient']:.3f}",
        f"  thema macro-F1                     {metrics['thema_macro_f1']:.3f}",
        f"  veld nauwkeurigheid                {metrics['veld_accuracy']:.3f}",
        f"  veld macro-F1                      {metrics['veld_macro_f1']:.3f}",
        f"  landelijke prioriteiten micro-F1   {metrics['lp_micro_f1']:.3f}",
    ]
    if metrics["confusions"]:
        lines.append("  meest voorkomende verwisselingen (goud -> voorspeld):")
        lines += [f"    {c['n']:3d}  {c['gold']} -> {c['predicted']}" for c in metrics["confusions"]]
    return "\n".join(lines)


def read_gold(path) -> pd.DataFrame:
    """A gold table: gold_items.csv form, or a demo corpus's ground_truth.json (its `items`)."""
    from pathlib import Path

    from ivpcorpus.classify.label import demo_training_items

    path = Path(path)
    if path.suffix.lower() == ".json":
        items = demo_training_items(path)
        gold = items.rename(columns={"text": "item_text"})
        gold.insert(0, "item_id", [f"{p}#{i}" for i, p in enumerate(gold["plan"])])
    else:
        gold = pd.read_csv(path, dtype=str, keep_default_na=False)
    return check_gold(gold)


def evaluate_classification(gold: pd.DataFrame, n_splits: int = 5) -> tuple[dict, pd.DataFrame, str]:
    """Metrics, predictions and how they were made.

    Items the shipped classifier was trained on are scored by cross-validation grouped by plan
    (fixed hyperparameters, trained on the gold folds only); other gold sets are scored with the
    default classifier.
    """
    from ivpcorpus.classify.label import default_classifier, gold_training_items
    from ivpcorpus.classify.model import SpeerpuntClassifier

    shipped = set(zip(gold_training_items()["plan"], gold_training_items()["text"]))
    plans = gold["plan"] if "plan" in gold.columns else pd.Series([""] * len(gold))
    seen = any((p, t) in shipped for p, t in zip(plans, gold["item_text"]))
    if seen:
        splits = min(n_splits, gold["plan"].nunique()) if "plan" in gold.columns else n_splits
        predictions = cross_validated_predictions(gold, SpeerpuntClassifier, splits)
        how = f"{splits}-voudige kruisvalidatie, gegroepeerd per plan (de gouden set is ook trainingsdata)"
    else:
        predictions = default_classifier().predict_labels(gold_as_items(gold))
        how = "standaardclassificatie (getraind op de meegeleverde gouden items), niet op deze set getraind"
    return classification_metrics(gold, predictions), predictions, how
