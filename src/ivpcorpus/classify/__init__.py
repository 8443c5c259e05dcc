"""Classify speerpunten with the codebook.

- `knowledge`: keyword seeds and decision rules from the codebook (what carries to new plans)
- `model`: `SpeerpuntClassifier`, a scikit-learn estimator combining them with a calibrated model
- `label`: training data, `default_classifier()`, `label_speerpunten()`, `classify_items()`
- `corrections`: a person's corrections, validated, applied over the labels, as training items
- `evaluate`: metrics and cross-validation grouped by plan
"""

from ivpcorpus.classify.corrections import apply_corrections
from ivpcorpus.classify.label import classify_items, default_classifier, label_speerpunten
from ivpcorpus.classify.model import PREDICTION_COLUMNS, SpeerpuntClassifier

__all__ = ["PREDICTION_COLUMNS", "SpeerpuntClassifier", "apply_corrections", "classify_items", "default_classifier",
           "label_speerpunten"]
