"""The measured accuracy that ships with the package: finding speerpunten and labelling them on real plans.

`make evaluate` runs `python -m ivpcorpus.evaluation`: on the `check` split of
`../shared/dev/split.json` it scores the shipped speerpunten finder (precision, recall and F1
on the plan's priorities) and the classifier trained on the `tune` items only (thema and veld
accuracy, landelijke prioriteiten micro-F1, and how far the label confidence can be trusted:
reliability table, expected calibration error, mean confidence against accuracy). The result is
written to `src/ivpcorpus/data/evaluation.json`; the pipeline reads it with `load_evaluation()`
and the report prints it. Nothing here runs during a normal `ivpcorpus run`.
"""

from __future__ import annotations

import json
import sys
import tempfile
from datetime import date
from importlib import resources
from pathlib import Path

import numpy as np

from ivpcorpus import __version__
from ivpcorpus.store import atomic_write_text

EVALUATION_FILE = "evaluation.json"
SPLIT = "check"
# What the report says about the material (Dutch, shown as is).
DATA_NOTE = "ontwikkeldata van echte plannen en uittreksels daarvan (de check-helft van een vaste verdeling per plan)"


def evaluation_path() -> Path:
    return Path(str(resources.files("ivpcorpus").joinpath("data", EVALUATION_FILE)))


def load_evaluation(path: Path | None = None) -> dict | None:
    """The shipped evaluation (or the one at `path`); None when it was never measured."""
    path = path or evaluation_path()
    if not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def evaluate_speerpunten_finder(dev_dir: Path, work_dir: Path) -> dict:
    """Micro precision, recall and F1 of the shipped finder on the check plans, level prioriteit."""
    from ivpcorpus import evaluate_speerpunten as scoring
    from ivpcorpus.speerpunten import PRIORITEIT, find_speerpunten

    gold = scoring.dev_gold(dev_dir, work_dir)
    gold = gold[gold["split"] == SPLIT]
    documents, blocks = scoring.extract_gold_documents(gold, work_dir, workers=1)
    items = find_speerpunten(documents, blocks).items
    table = scoring.score_by_split(items, gold)
    row = table[(table["source"] == "alle") & (table["level"] == PRIORITEIT)].iloc[0]
    sources = table[(table["source"] != "alle") & (table["level"] == PRIORITEIT)]
    # The same plan can be in the material as an excerpt (HTML), rendered into a PDF and as a PDF:
    # `n_documents` counts the documents scored, `n_plans` the distinct plans behind them.
    return {
        "level": PRIORITEIT, "n_documents": int(row["plans"]), "n_plans": int(gold["plan"].nunique()),
        "n_gold": int(row["n_gold"]),
        "n_found": int(row["n_found"]), "n_matched": int(row["n_matched"]),
        "precision": float(row["precision"]), "recall": float(row["recall"]), "f1": float(row["f1"]),
        "by_source": [{"source": r.source, "n_documents": int(r.plans), "n_gold": int(r.n_gold), "n_found": int(r.n_found),
                       "n_matched": int(r.n_matched), "precision": float(r.precision), "recall": float(r.recall),
                       "f1": float(r.f1)} for r in sources.itertuples()],
    }


def evaluate_labels(gold_csv: Path, split: dict) -> dict:
    """Scores of the classifier trained on the tune items only, on the check items."""
    from ivpcorpus.classify.evaluate import (classification_metrics, expected_calibration_error,
                                             held_out_predictions, read_gold, reliability_table, split_gold)
    from ivpcorpus.classify.model import SpeerpuntClassifier, priority_sets_right

    parts = split_gold(read_gold(gold_csv), split)
    tune, check = parts["tune"], parts[SPLIT]
    predicted = held_out_predictions(tune, check, SpeerpuntClassifier)
    metrics = classification_metrics(check, predicted)
    correct = predicted["thema"].to_numpy() == check["thema"].to_numpy()
    confidence = predicted["confidence"].to_numpy(dtype=float)
    reliability = reliability_table(correct, confidence)
    lp_correct = priority_sets_right(predicted["landelijke_prioriteiten"], check["landelijke_prioriteiten"])
    lp_confidence = predicted["lp_confidence"].to_numpy(dtype=float)
    return {
        "n_items": len(check), "n_plans": int(check["plan"].nunique()),
        "n_train_items": len(tune), "n_train_plans": int(tune["plan"].nunique()),
        "thema_accuracy": float(metrics["thema_accuracy"]), "thema_accuracy_lenient": float(metrics["thema_accuracy_lenient"]),
        "veld_accuracy": float(metrics["veld_accuracy"]), "lp_micro_f1": float(metrics["lp_micro_f1"]),
        "mean_confidence": float(confidence.mean()), "accuracy": float(correct.mean()),
        "expected_calibration_error": expected_calibration_error(correct, confidence),
        "reliability": [{k: (None if isinstance(v, float) and np.isnan(v) else v) for k, v in row.items()}
                        for row in reliability.to_dict("records")],
        # the landelijke prioriteiten: the chance that an item's set is exactly right
        "lp_mean_confidence": float(lp_confidence.mean()), "lp_set_accuracy": float(lp_correct.mean()),
        "lp_expected_calibration_error": expected_calibration_error(lp_correct, lp_confidence),
    }


def run_evaluation(dev_dir: Path, work_dir: Path, today: date | None = None) -> dict:
    """The whole evaluation as the JSON that ships (figures, numbers of plans and items, version, date)."""
    split = json.loads((dev_dir / "split.json").read_text(encoding="utf-8"))
    return {
        "version": __version__, "date": (today or date.today()).isoformat(), "split": SPLIT, "data": DATA_NOTE,
        "speerpunten": evaluate_speerpunten_finder(dev_dir, work_dir),
        "labels": evaluate_labels(dev_dir / "gold_items.csv", split),
    }


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("gebruik: python -m ivpcorpus.evaluation DEV_DIR (de map ../shared/dev)")
        return 2
    dev_dir = Path(argv[0])
    if not (dev_dir / "split.json").is_file():
        print(f"{dev_dir}: geen ontwikkeldata (split.json ontbreekt); evaluatie overgeslagen, "
              f"{evaluation_path()} niet gewijzigd")
        return 0
    with tempfile.TemporaryDirectory() as work:
        result = run_evaluation(dev_dir, Path(work))
    atomic_write_text(evaluation_path(), json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    finder, labels = result["speerpunten"], result["labels"]
    print(f"speerpunten vinden ({finder['n_documents']} documenten van {finder['n_plans']} plannen, "
          f"{finder['n_gold']} speerpunten): precisie "
          f"{finder['precision']:.2f}, recall {finder['recall']:.2f}, F1 {finder['f1']:.2f}")
    print(f"labels ({labels['n_items']} items uit {labels['n_plans']} plannen, getraind op {labels['n_train_items']} "
          f"tune-items): thema {labels['thema_accuracy']:.2f}, veld {labels['veld_accuracy']:.2f}, "
          f"lp-F1 {labels['lp_micro_f1']:.2f}; gemiddelde zekerheid {labels['mean_confidence']:.2f} tegen "
          f"nauwkeurigheid {labels['accuracy']:.2f}, ECE {labels['expected_calibration_error']:.3f}; "
          f"landelijke prioriteiten: zekerheid {labels['lp_mean_confidence']:.2f} tegen set juist "
          f"{labels['lp_set_accuracy']:.2f}, ECE {labels['lp_expected_calibration_error']:.3f}")
    print(f"geschreven: {evaluation_path()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
