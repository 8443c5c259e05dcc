"""Labelling tables of speerpunten: training data, the default classifier, labelling.

The default classifier is trained from package data (the shipped gold items plus any reviewed
corrections) by whoever needs it, once: training is deterministic and needs no network, and
there is no pickled model that could go stale against a newer scikit-learn or codebook.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from ivpcorpus.catalog import LABEL_COLUMNS
from ivpcorpus.classify.corrections import apply_corrections, correction_training_items
from ivpcorpus.classify.knowledge import classify_data_path
from ivpcorpus.classify.model import PREDICTION_COLUMNS, SpeerpuntClassifier
from ivpcorpus.codebook import Codebook

TRAINING_COLUMNS = ["text", "context", "thema", "also", "landelijke_prioriteiten", "plan"]


def gold_training_items(path: Path | None = None) -> pd.DataFrame:
    """A gold table (gold_items.csv form; default: the copy shipped in the package) as training items."""
    gold = pd.read_csv(path or classify_data_path("gold_items.csv"), dtype=str).fillna("")
    return pd.DataFrame({
        "text": gold["item_text"], "context": gold["context"] if "context" in gold.columns else "",
        "thema": gold["thema"], "also": gold["also"], "landelijke_prioriteiten": gold["landelijke_prioriteiten"],
        "plan": gold["plan"],
    })[TRAINING_COLUMNS]


def demo_training_items(ground_truth: Path) -> pd.DataFrame:
    """The labelled items of a demo corpus's ground_truth.json (synthetic plans)."""
    with open(ground_truth, encoding="utf-8") as fh:
        entries = json.load(fh)
    rows = [
        {"text": item["text"], "context": "", "thema": item["thema"], "also": "|".join(item.get("also") or []),
         "landelijke_prioriteiten": "|".join(item.get("landelijke_prioriteiten") or []), "plan": entry["plan"]}
        for entry in entries for item in entry.get("items", []) if item.get("thema")
    ]
    return pd.DataFrame(rows, columns=TRAINING_COLUMNS)


def train_classifier(items: pd.DataFrame, **params) -> SpeerpuntClassifier:
    """Fit a SpeerpuntClassifier on training items (TRAINING_COLUMNS)."""
    columns = ["text", "context", "plan"] if "plan" in items.columns else ["text", "context"]
    return SpeerpuntClassifier(**params).fit(items[columns], items["thema"],
                                             landelijke_prioriteiten=items["landelijke_prioriteiten"])


def default_classifier(corrections: pd.DataFrame | None = None, extra_items: pd.DataFrame | None = None,
                       **params) -> SpeerpuntClassifier:
    """A classifier trained on the shipped gold items + extra labelled items + reviewed
    corrections (`params` go to SpeerpuntClassifier). It trains on every call: the caller keeps
    the classifier for as long as it needs it (the pipeline once per run)."""
    parts = [gold_training_items()]
    if extra_items is not None and len(extra_items):
        parts.append(extra_items[TRAINING_COLUMNS])
    if corrections is not None and len(corrections):
        parts.append(correction_training_items(corrections, TRAINING_COLUMNS))
    return train_classifier(pd.concat(parts, ignore_index=True).fillna(""), **params)


def classify_items(items: pd.DataFrame, classifier: SpeerpuntClassifier, text_column: str,
                   context_column: str | None = None) -> pd.DataFrame:
    """Any table of items with the prediction columns added (an existing column of the same name
    is kept and the prediction goes to `<name>_predicted`)."""
    missing = [c for c in (text_column, context_column) if c and c not in items.columns]
    if missing:
        raise ValueError(f"column(s) {missing} not in the table; it has {list(items.columns)}")
    inputs = pd.DataFrame({"text": items[text_column].fillna("").astype(str).values})
    inputs["context"] = items[context_column].fillna("").astype(str).values if context_column else ""
    labels = classifier.predict_labels(inputs)
    out = items.reset_index(drop=True).copy()
    for column in PREDICTION_COLUMNS:
        out[f"{column}_predicted" if column in items.columns else column] = labels[column].values
    return out


def label_speerpunten(speerpunten: pd.DataFrame, classifier: SpeerpuntClassifier, codebook: Codebook,
                      corrections: pd.DataFrame | None = None) -> pd.DataFrame:
    """The speerpunten table with LABEL_COLUMNS; reviewed corrections (by item_id) override the model."""
    missing = [c for c in ("item_id", "text", "context") if c not in speerpunten.columns]
    if missing:
        raise ValueError(f"speerpunten table misses column(s) {missing}; has {list(speerpunten.columns)}")
    labels = classifier.predict_labels(speerpunten[["text", "context"]])
    out = speerpunten.drop(columns=[c for c in LABEL_COLUMNS if c in speerpunten.columns]).reset_index(drop=True)
    out["thema"] = labels["thema"].values
    out["also"] = labels["also"].values
    out["veld"] = labels["veld"].values
    out["landelijke_prioriteiten"] = labels["landelijke_prioriteiten"].values
    out["label_confidence"] = labels["confidence"].astype(float).values
    out["lp_confidence"] = labels["lp_confidence"].astype(float).values
    out["top3"] = labels["top3"].values
    out["label_evidence"] = labels["evidence"].values
    out["label_source"] = "model"
    return apply_corrections(out, corrections, codebook)
