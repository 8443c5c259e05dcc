"""Evaluation of speerpunt labels against a gold table, with grouped cross-validation.

Gold tables have the columns of `shared/dev/gold_items.csv`: item_id, plan, item_text, thema,
also, landelijke_prioriteiten (multi-valued fields '|'-joined). When the gold set is also the
training set, predictions come from cross-validation grouped by `plan`, so the items of one
plan are never on both sides; nothing is tuned on a test fold (the hyperparameters are fixed).
A fixed split of the plans (`shared/dev/split.json`) gives held-out figures: trained on `tune`,
scored on `check`.

Besides the label scores: how far the reported confidence can be trusted (a reliability table,
the expected calibration error, the accuracy of the most confident items) and precision and
recall per landelijke prioriteit. Every table is a DataFrame with English column names;
`format_table` prints one as plain text with Dutch headings.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import GroupKFold

from ivpcorpus.catalog import split_labels
from ivpcorpus.codebook import load_codebook

GOLD_COLUMNS = ["item_text", "thema", "also", "landelijke_prioriteiten"]
RELIABILITY_BINS = (0.0, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.0)
COVERAGES = (0.5, 0.8, 0.9, 1.0)
COMPARISON_METRICS = ["thema_accuracy", "thema_accuracy_lenient", "thema_macro_f1", "veld_accuracy",
                      "veld_macro_f1", "lp_micro_f1"]
# Dutch headings of the table columns, for `format_table` (a column not listed keeps its name).
HEADINGS = {
    "bin": "zekerheid", "n": "n", "mean_confidence": "gem. zekerheid", "accuracy": "nauwkeurigheid",
    "gap": "nauwk. - zek.", "coverage": "dekking", "threshold": "vanaf zekerheid",
    "landelijke_prioriteit": "landelijke prioriteit", "precision": "precisie", "recall": "recall",
    "f1": "F1", "support": "in goud", "predicted": "voorspeld",
    "thema_accuracy": "strikt", "thema_accuracy_lenient": "ruim", "thema_macro_f1": "macro-F1",
    "veld_accuracy": "veld", "veld_macro_f1": "veld-mF1", "lp_micro_f1": "lp-F1",
}


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
    """The gold table as classifier input: text, context and, when the table has it, plan (the
    classifier groups its confidence calibration by plan, as when trained on the shipped items)."""
    items = pd.DataFrame({"text": gold["item_text"].astype(str)})
    items["context"] = gold["context"].fillna("").astype(str).values if "context" in gold.columns else ""
    if "plan" in gold.columns:
        items["plan"] = gold["plan"].astype(str).values
    return items


def split_gold(gold: pd.DataFrame, split: dict) -> dict[str, pd.DataFrame]:
    """The gold items by the plan split of `split.json` ({"tune": [plan ids], "check": [plan ids]}):
    {"tune": ..., "check": ...}, each with a fresh index. Items whose plan is in neither list are tune."""
    tune, check = set(split.get("tune", [])), set(split.get("check", []))
    if tune & check:
        raise ValueError(f"plan(s) in both tune and check: {sorted(tune & check)}")
    in_check = gold["plan"].isin(check)
    return {"tune": gold[~in_check].reset_index(drop=True), "check": gold[in_check].reset_index(drop=True)}


def cross_validated_predictions(gold: pd.DataFrame, make_classifier: Callable, n_splits: int = 5) -> pd.DataFrame:
    """Predictions for every gold item from a classifier that never saw the item's plan."""
    items = gold_as_items(gold)
    groups = gold["plan"] if "plan" in gold.columns else gold["item_id"]
    parts = []
    for train, test in GroupKFold(n_splits=n_splits).split(items, gold["thema"], groups):
        clf = make_classifier().fit(items.iloc[train], gold["thema"].iloc[train],
                                    landelijke_prioriteiten=gold["landelijke_prioriteiten"].iloc[train])
        parts.append(clf.predict_labels(items.iloc[test]).set_index(items.index[test]))
    return pd.concat(parts).sort_index()


def held_out_predictions(train: pd.DataFrame, test: pd.DataFrame, make_classifier: Callable) -> pd.DataFrame:
    """Predictions for the `test` gold items from a classifier trained on the `train` gold items
    only; the two tables must not share a plan."""
    if "plan" in train.columns and "plan" in test.columns:
        shared = set(train["plan"]) & set(test["plan"])
        if shared:
            raise ValueError(f"train and test share plan(s) {sorted(shared)}")
    clf = make_classifier().fit(gold_as_items(train), train["thema"],
                                landelijke_prioriteiten=train["landelijke_prioriteiten"])
    return clf.predict_labels(gold_as_items(test)).set_index(test.index)


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
        g, p = set(split_labels(g)), set(split_labels(p))
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


def landelijke_prioriteiten_scores(gold: pd.DataFrame, predicted: pd.DataFrame) -> pd.DataFrame:
    """Per landelijke prioriteit (codebook order): precision, recall, F1, support (gold items
    with it) and predicted (items it was predicted for). A ratio without a denominator (never
    predicted, or never in gold and never predicted) is NaN."""
    if len(gold) != len(predicted):
        raise ValueError(f"gold has {len(gold)} items but predicted has {len(predicted)}")
    gold_sets = [split_labels(v) for v in gold["landelijke_prioriteiten"]]
    predicted_sets = [split_labels(v) for v in predicted["landelijke_prioriteiten"]]
    rows = []
    for lp in load_codebook().lp_ids:
        in_gold = np.array([lp in g for g in gold_sets], dtype=bool)
        in_predicted = np.array([lp in p for p in predicted_sets], dtype=bool)
        tp = int((in_gold & in_predicted).sum())
        support, n_predicted = int(in_gold.sum()), int(in_predicted.sum())
        rows.append({"landelijke_prioriteit": lp,
                     "precision": tp / n_predicted if n_predicted else np.nan,
                     "recall": tp / support if support else np.nan,
                     "f1": 2 * tp / (support + n_predicted) if support + n_predicted else np.nan,
                     "support": support, "predicted": n_predicted})
    return pd.DataFrame(rows, columns=["landelijke_prioriteit", "precision", "recall", "f1", "support", "predicted"])


def _outcomes(correct, confidence) -> tuple[np.ndarray, np.ndarray]:
    """`correct` as bools and `confidence` as floats in [0, 1], checked to be of one length."""
    correct = np.asarray(correct, dtype=bool)
    confidence = np.asarray(confidence, dtype=float)
    if correct.ndim != 1 or correct.shape != confidence.shape:
        raise ValueError(f"correct {correct.shape} and confidence {confidence.shape} must be 1-d of one length")
    if np.isnan(confidence).any() or (confidence < 0).any() or (confidence > 1).any():
        raise ValueError("confidence must lie in [0, 1]")
    return correct, confidence


def reliability_table(correct, confidence, bins=RELIABILITY_BINS) -> pd.DataFrame:
    """Per confidence bin [lower, upper) (the last one closed): n, mean confidence, observed
    accuracy and their gap (accuracy - confidence; negative is overconfident). Empty bins keep
    their row, with n = 0 and NaN means. The bins must cover every confidence."""
    correct, confidence = _outcomes(correct, confidence)
    edges = np.asarray(bins, dtype=float)
    if edges.ndim != 1 or len(edges) < 2 or (np.diff(edges) <= 0).any():
        raise ValueError(f"bins must be at least two increasing edges; got {bins}")
    if len(confidence) and (confidence.min() < edges[0] or confidence.max() > edges[-1]):
        raise ValueError(f"confidences outside the bins [{edges[0]}, {edges[-1]}]")
    which = np.minimum(np.searchsorted(edges, confidence, side="right") - 1, len(edges) - 2)
    rows = []
    for b, (lower, upper) in enumerate(zip(edges[:-1], edges[1:])):
        in_bin = which == b
        n = int(in_bin.sum())
        mean_confidence = float(confidence[in_bin].mean()) if n else np.nan
        accuracy = float(correct[in_bin].mean()) if n else np.nan
        closing = "]" if b == len(edges) - 2 else ")"
        rows.append({"bin": f"[{lower:.2f}, {upper:.2f}{closing}", "n": n, "mean_confidence": mean_confidence,
                     "accuracy": accuracy, "gap": accuracy - mean_confidence})
    return pd.DataFrame(rows, columns=["bin", "n", "mean_confidence", "accuracy", "gap"])


def expected_calibration_error(correct, confidence, bins=RELIABILITY_BINS) -> float:
    """The n-weighted mean of |accuracy - mean confidence| over the bins of `reliability_table`
    (NaN without items)."""
    table = reliability_table(correct, confidence, bins)
    filled = table[table["n"] > 0]
    if filled.empty:
        return float("nan")
    return float((filled["n"] * filled["gap"].abs()).sum() / filled["n"].sum())


def accuracy_at_coverage(correct, confidence, coverages=COVERAGES) -> pd.DataFrame:
    """Accuracy of the most confident fraction of the items, per coverage in (0, 1].

    Items are ranked by confidence, highest first; equal confidences keep their input order (a
    stable sort), so the cut is deterministic. Coverage c keeps the first ceil(c * n) items;
    `threshold` is the lowest confidence kept.
    """
    correct, confidence = _outcomes(correct, confidence)
    order = np.argsort(-confidence, kind="stable")
    rows = []
    for coverage in coverages:
        if not 0 < coverage <= 1:
            raise ValueError(f"coverage must lie in (0, 1]; got {coverage}")
        k = int(np.ceil(round(coverage * len(order), 9)))  # round: 0.9 * 130 is 117.00000000000001
        kept = order[:k]
        rows.append({"coverage": float(coverage), "n": k,
                     "threshold": float(confidence[kept].min()) if k else np.nan,
                     "accuracy": float(correct[kept].mean()) if k else np.nan})
    return pd.DataFrame(rows, columns=["coverage", "n", "threshold", "accuracy"])


def comparison_table(results: dict[str, dict[str, dict]]) -> pd.DataFrame:
    """`classification_metrics` results side by side: results[run][evaluation] = metrics gives one
    row per run and the COMPARISON_METRICS columns under each evaluation (two-level columns)."""
    return pd.DataFrame.from_dict(
        {run: {(evaluation, m): metrics[m] for evaluation, metrics in by_evaluation.items() for m in COMPARISON_METRICS}
         for run, by_evaluation in results.items()}, orient="index")


def format_table(table: pd.DataFrame, indent: str = "") -> str:
    """A plain-text table: the index first when it is named or not a plain range, Dutch headings
    (HEADINGS), floats to three decimals, NaN as '-'. Two-level columns get a group line above."""
    show_index = table.index.name is not None or not isinstance(table.index, pd.RangeIndex)
    columns = list(table.columns)
    groups = [c[0] if isinstance(c, tuple) else "" for c in columns]
    names = [c[-1] if isinstance(c, tuple) else c for c in columns]

    def cell(value) -> str:
        if isinstance(value, (float, np.floating)):
            return "-" if np.isnan(value) else f"{value:.3f}"
        return str(value)

    body = [[cell(v) for v in row] for row in table.itertuples(index=False, name=None)]
    headings = [HEADINGS.get(n, str(n)) for n in names]
    widths = [max([len(h), *(len(r[i]) for r in body)]) for i, h in enumerate(headings)]
    text_column = [not pd.api.types.is_numeric_dtype(table.iloc[:, i]) for i in range(len(columns))]
    labels = [str(i) for i in table.index] if show_index else []
    label_width = max([len(table.index.name or ""), *map(len, labels)]) if show_index else 0

    def line(values: list[str], label: str = "") -> str:
        cells = [v.ljust(w) if text else v.rjust(w) for v, w, text in zip(values, widths, text_column)]
        return (indent + (label.ljust(label_width) + "  " if show_index else "") + "  ".join(cells)).rstrip()

    lines = []
    if any(groups):
        spans = []  # (group, width of its columns incl. separators), in column order
        for group, width in zip(groups, widths):
            if spans and spans[-1][0] == group:
                spans[-1] = (group, spans[-1][1] + 2 + width)
            else:
                spans.append((group, width))
        prefix = indent + (" " * (label_width + 2) if show_index else "")
        lines.append((prefix + "  ".join(g.center(w, "-") if g else " " * w for g, w in spans)).rstrip())
    lines.append(line(headings, table.index.name or ""))
    lines += [line(r, label) for r, label in zip(body, labels or [""] * len(body))]
    return "\n".join(lines)


def format_calibration(name: str, correct, confidence) -> str:
    """A plain-text report (Dutch) of how far the confidence can be trusted: mean confidence
    against accuracy, the expected calibration error, the reliability table and the accuracy
    at coverage."""
    correct, confidence = _outcomes(correct, confidence)
    accuracy, mean_confidence = float(correct.mean()), float(confidence.mean())
    return "\n".join([
        f"{name} (n = {len(correct)})",
        f"  gemiddelde zekerheid {mean_confidence:.3f}, nauwkeurigheid {accuracy:.3f} "
        f"(verschil {accuracy - mean_confidence:+.3f}); ECE {expected_calibration_error(correct, confidence):.3f}",
        "  per zekerheidsklasse:",
        format_table(reliability_table(correct, confidence), indent="    "),
        "  nauwkeurigheid van de zekerste items:",
        format_table(accuracy_at_coverage(correct, confidence), indent="    "),
    ])


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
