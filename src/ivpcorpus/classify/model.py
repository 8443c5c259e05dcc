"""The speerpunt classifier: codebook knowledge combined with a calibrated linear model.

`SpeerpuntClassifier` follows the scikit-learn estimator API. X is either a sequence of
speerpunt texts or a DataFrame with a `text` column and an optional `context` column (the
sentence or chapter around the item); y holds codebook thema ids.

How a thema is chosen:
1. The codebook knowledge (`knowledge.decide`: decision rules, then keyword seeds by the
   theme the wording leads with) decides when the text names a theme. Its probability is the
   knowledge's precision measured on the training items, the rest of the mass follows the model.
2. Otherwise a logistic regression over character n-grams (3-5, word-bounded), word n-grams
   (lemmas when `use_lemmas`) and seed-keyword indicators, calibrated with
   CalibratedClassifierCV, decides; terms found in the context shift it when the item is
   ambiguous ("leefbaarheid", "weerbaarheid").
The model is trained on the labelled items plus the codebook itself (each theme's name and seed
keywords as short items), so every codebook theme is a class even when no labelled item has it.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import FunctionTransformer
from sklearn.utils.validation import check_is_fitted
from threadpoolctl import threadpool_limits

from ivpcorpus.catalog import split_labels
from ivpcorpus.classify.knowledge import Decision, Knowledge, find_hits, landelijke_prioriteiten, load_knowledge, decide, normalise

PREDICTION_COLUMNS = ["thema", "also", "veld", "landelijke_prioriteiten", "confidence", "lp_confidence", "top3",
                      "evidence"]


def as_items(X) -> tuple[list[str], list[str]]:
    """(texts, contexts) from a sequence of texts or a DataFrame with `text` [+ `context`]."""
    if isinstance(X, pd.DataFrame):
        if "text" not in X.columns:
            raise ValueError(f"expected a 'text' column with the speerpunten; got columns {list(X.columns)}")
        texts = X["text"]
        contexts = X["context"] if "context" in X.columns else pd.Series([""] * len(X))
    else:
        texts = pd.Series(list(X))
        contexts = pd.Series([""] * len(texts))
    return [str(t) if pd.notna(t) else "" for t in texts], [str(c) if pd.notna(c) else "" for c in contexts]


def _lemma_text(texts) -> list[str]:
    """Texts as space-joined lemmas from the project's Dutch pipeline (imported only when asked for)."""
    from ivpcorpus import nlp

    return [" ".join(lemmas) for lemmas in nlp.lemmatize([normalise(t) for t in texts])]


def _identity_text(texts) -> list[str]:
    return [normalise(t) for t in texts]


class SeedIndicators(TransformerMixin, BaseEstimator):
    """One column per codebook thema: 1 when one of its seed terms or rule terms occurs in the text."""

    def fit(self, X, y=None):
        self.themes_ = load_knowledge().codebook.theme_ids
        return self

    def transform(self, X):
        knowledge = load_knowledge()
        index = {t: i for i, t in enumerate(self.themes_)}
        rows, cols = [], []
        for row, text in enumerate(X):
            for thema in {h.term.thema for h in find_hits(text, knowledge)}:
                rows.append(row)
                cols.append(index[thema])
        return sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(X), len(self.themes_)))


class SpeerpuntClassifier(ClassifierMixin, BaseEstimator):
    """Codebook thema for a speerpunt, with probabilities, `also` themes, priorities and evidence.

    Parameters
    ----------
    C : inverse regularisation of the logistic regression (fixed a priori, not tuned on test folds).
    use_knowledge : let the codebook knowledge decide where it names a theme (else features only).
    codebook_item_weight : sample weight of the items made from the codebook (names, seeds).
    context_weight : how far terms in the context shift the model when the item names no theme.
    use_lemmas : word features on lemmas from `ivpcorpus.nlp` instead of normalised words.
    calibration_folds : folds of CalibratedClassifierCV (sigmoid).
    confidence_folds : folds (grouped by `plan` when X has that column) of the out-of-fold
        predictions the reported confidences are calibrated on; 0 reports the raw probability
        as the thema's confidence and no `lp_confidence` (NaN).

    `fit(X, y, landelijke_prioriteiten=...)` takes the items' coded landelijke prioriteiten
    ('|'-joined, as in gold_items.csv) to calibrate `lp_confidence`, the chance that an item's
    set of priorities is exactly right; without them it is NaN.
    """

    def __init__(self, C: float = 10.0, use_knowledge: bool = True, codebook_item_weight: float = 0.5,
                 context_weight: float = 0.5, use_lemmas: bool = False, calibration_folds: int = 3,
                 confidence_folds: int = 5):
        self.C = C
        self.use_knowledge = use_knowledge
        self.codebook_item_weight = codebook_item_weight
        self.context_weight = context_weight
        self.use_lemmas = use_lemmas
        self.calibration_folds = calibration_folds
        self.confidence_folds = confidence_folds

    # -- training ----------------------------------------------------------------------------
    def _features(self) -> FeatureUnion:
        words = Pipeline([
            ("text", FunctionTransformer(_lemma_text if self.use_lemmas else _identity_text)),
            ("tfidf", TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True, token_pattern=r"(?u)\b\w+\b")),
        ])
        chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, preprocessor=normalise)
        return FeatureUnion([("chars", chars), ("words", words), ("seeds", SeedIndicators())])

    def fit(self, X, y, sample_weight=None, landelijke_prioriteiten=None):
        knowledge = load_knowledge()
        texts, _ = as_items(X)
        y = np.asarray(y, dtype=object)
        if len(texts) != len(y):
            raise ValueError(f"X has {len(texts)} items but y has {len(y)} labels")
        unknown = sorted(set(y) - set(knowledge.codebook.theme_ids))
        if unknown:
            raise ValueError(f"unknown thema id(s) in y: {unknown}; ids come from the codebook")
        weights = np.ones(len(texts)) if sample_weight is None else np.asarray(sample_weight, dtype=float)

        # Every codebook item stands `calibration_folds` times (at a share of the weight), so each
        # thema can be stratified over the calibration folds even when no labelled item has it.
        book_texts, book_labels = codebook_items(knowledge)
        repeat = self.calibration_folds
        train_texts = texts + book_texts * repeat
        train_y = np.concatenate([y, np.asarray(book_labels * repeat, dtype=object)])
        train_w = np.concatenate([weights, np.full(len(book_texts) * repeat, self.codebook_item_weight / repeat)])

        self.features_ = self._features().fit(train_texts)
        folds = StratifiedKFold(n_splits=self.calibration_folds, shuffle=True, random_state=0)
        self.model_ = CalibratedClassifierCV(LogisticRegression(C=self.C, max_iter=5000), method="sigmoid", cv=folds)
        # A few hundred items: BLAS threads only compete with each other (and with other jobs
        # on a shared machine); one thread is ten times faster here.
        with threadpool_limits(limits=1):
            self.model_.fit(self.features_.transform(train_texts), train_y, sample_weight=train_w)
        self.classes_ = self.model_.classes_

        # How often the knowledge is right where it decides, on the training items (Laplace-smoothed):
        # the probability mass its decisions carry among the thema's. It is measured on the items
        # the rules were written from, so it is not reported as the confidence (see below).
        decisions = [decide(t, knowledge) for t in texts]
        decided = [(d.thema == label) for d, label in zip(decisions, y) if d is not None]
        self.knowledge_precision_ = (sum(decided) + 1) / (len(decided) + 2)
        self.confidence_calibration_, self.lp_confidence_calibration_ = (
            self._calibrate_confidence(X, y, sample_weight, landelijke_prioriteiten) if self.confidence_folds
            else (None, None))
        return self

    def _calibrate_confidence(self, X, y, sample_weight, landelijke_prioriteiten) -> tuple[dict, dict | None]:
        """Two logistic maps fitted on out-of-fold predictions: every item is predicted by a
        classifier that never saw it (nor its plan, when X has `plan`), so a confidence never
        rests on the items it is reported for.

        - thema: from `_confidence_features` (top probability, margin to the second, knowledge
          decided or not, the statistical model's own probability of the chosen thema) to the
          chance that the top thema is right;
        - landelijke prioriteiten (when their gold is given): from `_lp_confidence_features` to
          the chance that the predicted set is exactly the coded one (None without gold)."""
        from sklearn.model_selection import GroupKFold, KFold

        items = X.reset_index(drop=True) if isinstance(X, pd.DataFrame) else pd.DataFrame({"text": list(X)})
        groups = items["plan"] if "plan" in items.columns and items["plan"].nunique() >= self.confidence_folds else None
        splitter = GroupKFold(self.confidence_folds) if groups is not None else \
            KFold(self.confidence_folds, shuffle=True, random_state=0)
        weights = None if sample_weight is None else np.asarray(sample_weight, dtype=float)
        gold_lps = None if landelijke_prioriteiten is None else list(landelijke_prioriteiten)
        rows, correct, lp_rows, lp_correct = [], [], [], []
        for train, test in splitter.split(items, y, groups):
            inner = self.get_params() | {"confidence_folds": 0}
            fold = SpeerpuntClassifier(**inner).fit(items.iloc[train], y[train],
                                                    None if weights is None else weights[train])
            labels, proba, decisions, model_proba = fold._label_rows(items.iloc[test])
            for row, decision, model_row, label in zip(proba, decisions, model_proba, y[test]):
                rows.append(_confidence_features(row, decision, model_row))
                correct.append(fold.classes_[row.argmax()] == label)
            if gold_lps is not None:
                lp_rows += [_lp_confidence_features(*row) for row in zip(labels, proba, decisions)]
                lp_correct += list(priority_sets_right([label["landelijke_prioriteiten"] for label in labels],
                                                       [gold_lps[item] for item in test]))
        return _fit_calibration(rows, correct), (_fit_calibration(lp_rows, lp_correct) if gold_lps is not None else None)

    def confidence(self, proba_row: np.ndarray, decision: Decision | None, model_row: np.ndarray) -> float:
        """The calibrated chance that the top thema of one prediction is right (`model_row`: the
        statistical model's own probabilities, before the knowledge decided)."""
        if self.confidence_calibration_ is None:
            return float(proba_row.max())
        return _calibrated(self.confidence_calibration_, _confidence_features(proba_row, decision, model_row))

    def lp_confidence(self, labels: dict, proba_row: np.ndarray, decision: Decision | None) -> float:
        """The calibrated chance that one prediction's set of landelijke prioriteiten is exactly
        right (NaN when the classifier was fitted without their gold)."""
        if self.lp_confidence_calibration_ is None:
            return float("nan")
        return _calibrated(self.lp_confidence_calibration_, _lp_confidence_features(labels, proba_row, decision))

    # -- prediction --------------------------------------------------------------------------
    def _explain(self, X) -> tuple[np.ndarray, list[Decision | None], list[str], np.ndarray]:
        """Probabilities over classes_, the knowledge decision per item, how the model was used,
        and the model's own probabilities (before the knowledge or the context shifted them)."""
        check_is_fitted(self, "model_")
        knowledge = load_knowledge()
        texts, contexts = as_items(X)
        proba = self.model_.predict_proba(self.features_.transform(texts)) if texts else np.zeros((0, len(self.classes_)))
        model_proba = proba.copy()
        index = {c: i for i, c in enumerate(self.classes_)}
        decisions: list[Decision | None] = []
        notes: list[str] = []
        for row, (text, context) in enumerate(zip(texts, contexts)):
            decision = decide(text, knowledge) if self.use_knowledge else None
            decisions.append(decision)
            note = ""
            if decision is not None and decision.thema in index:
                k = index[decision.thema]
                rest = proba[row].copy()
                rest[k] = 0.0
                rest = rest / rest.sum() if rest.sum() > 0 else rest
                proba[row] = (1 - self.knowledge_precision_) * rest
                proba[row, k] = self.knowledge_precision_
            elif decision is None and context and not find_hits(text, knowledge):
                counts = Counter(h.term.thema for h in find_hits(context, knowledge))
                if counts:
                    shift = np.zeros(len(self.classes_))
                    for thema, n in counts.items():
                        shift[index[thema]] = n
                    proba[row] = (proba[row] + self.context_weight * shift / shift.sum()) / (1 + self.context_weight)
                    note = "context: " + ", ".join(f"'{h.matched}'" for h in find_hits(context, knowledge)[:5])
            notes.append(note)
        return proba, decisions, notes, model_proba

    def predict_proba(self, X) -> np.ndarray:
        return self._explain(X)[0]

    def predict(self, X) -> np.ndarray:
        proba = self.predict_proba(X)
        return self.classes_[proba.argmax(axis=1)] if len(proba) else np.array([], dtype=object)

    def predict_labels(self, X) -> pd.DataFrame:
        """All label fields per item: thema, also, veld, landelijke_prioriteiten, confidence (of
        the thema), lp_confidence (of the set of priorities), top3, evidence.

        Multi-valued fields are joined with '|'; top3 reads 'thema=0.91|thema=0.04|thema=0.02'.
        """
        labels, proba, decisions, model_proba = self._label_rows(X)
        for row, label in enumerate(labels):
            label["confidence"] = self.confidence(proba[row], decisions[row], model_proba[row])
            label["lp_confidence"] = self.lp_confidence(label, proba[row], decisions[row])
        return pd.DataFrame(labels, columns=PREDICTION_COLUMNS)

    def _label_rows(self, X) -> tuple[list[dict], np.ndarray, list[Decision | None], np.ndarray]:
        """The label fields per item but the confidences, with what `_explain` gives."""
        knowledge = load_knowledge()
        codebook = knowledge.codebook
        texts, contexts = as_items(X)
        proba, decisions, notes, model_proba = self._explain(X)
        rows = []
        for row, (text, context, decision, note) in enumerate(zip(texts, contexts, decisions, notes)):
            order = np.argsort(-proba[row], kind="stable")
            thema = str(self.classes_[order[0]])
            if decision is not None and decision.thema == thema:
                also, lps, evidence = decision.also, decision.landelijke_prioriteiten, decision.evidence
            else:
                hits = find_hits(text, knowledge)
                also = tuple(dict.fromkeys(h.term.thema for h in hits if h.term.thema != thema))
                lp_source = text if hits or not context else f"{text} {context}"
                lps = landelijke_prioriteiten(lp_source, [thema, *also], hits, knowledge)
                evidence = "Model: lijkt het meest op gelabelde speerpunten met dit thema"
                if note:
                    evidence += f"; {note}"
            rows.append({
                "thema": thema,
                "also": "|".join(also),
                "veld": codebook.veld_of(thema),
                "landelijke_prioriteiten": "|".join(lps),
                "top3": "|".join(f"{self.classes_[i]}={proba[row, i]:.2f}" for i in order[:3]),
                "evidence": evidence,
            })
        return rows, proba, decisions, model_proba


def _logit(p: float) -> float:
    p = float(np.clip(p, 1e-4, 1 - 1e-4))
    return float(np.log(p / (1 - p)))


def _confidence_features(proba_row: np.ndarray, decision: Decision | None, model_row: np.ndarray) -> list[float]:
    """What the calibration map sees: how sure the combined prediction is (logit of the top
    probability, margin to the second), whether the knowledge decided, and how far the statistical
    model on its own agrees with the chosen thema (where the knowledge and the model part ways,
    a rule decided against what the labelled wordings suggest)."""
    order = np.argsort(-proba_row, kind="stable")
    top = proba_row[order[0]]
    second = proba_row[order[1]] if len(proba_row) > 1 else 0.0
    return [_logit(top), float(top - second), float(decision is not None), _logit(model_row[order[0]])]


def _lp_confidence_features(labels: dict, proba_row: np.ndarray, decision: Decision | None) -> list[float]:
    """What the priorities' calibration map sees: how many priorities were found (none is a
    claim too), whether one follows from the item's themes (the chosen thema or an `also`) and
    whether one comes from a term named in the text only, how sure the thema is (logit of its
    probability: a priority that follows from the thema is as sure as the thema), and whether
    the knowledge decided."""
    implied_by = load_knowledge().lp_implied
    lps = set(split_labels(labels["landelijke_prioriteiten"]))
    themes = [labels["thema"], *split_labels(labels["also"])]
    implied = {implied_by[t] for t in themes if t in implied_by}
    return [float(not lps), float(len(lps)), float(bool(lps & implied)), float(bool(lps - implied)),
            _logit(proba_row.max()), float(decision is not None)]


def priority_sets_right(predicted, gold) -> np.ndarray:
    """Per item: its predicted set of landelijke prioriteiten is exactly the gold set (the
    event `lp_confidence` gives the chance of). Both are columns of '|'-joined cells."""
    return np.array([set(split_labels(p)) == set(split_labels(g)) for p, g in zip(predicted, gold)], dtype=bool)


def _fit_calibration(rows: list[list[float]], correct: list[bool]) -> dict:
    """A logistic map from features to the chance of being right (see `_calibrate_confidence`)."""
    if len(set(correct)) < 2:  # all right (or all wrong) out of fold: nothing to fit, Laplace estimate
        return {"constant": (sum(correct) + 1) / (len(correct) + 2)}
    model = LogisticRegression(C=1.0).fit(np.array(rows), np.array(correct))
    return {"coef": model.coef_[0].tolist(), "intercept": float(model.intercept_[0]),
            "n": len(correct), "oof_accuracy": float(np.mean(correct))}


def _calibrated(calibration: dict, features: list[float]) -> float:
    if "constant" in calibration:
        return float(calibration["constant"])
    z = float(np.dot(calibration["coef"], features) + calibration["intercept"])
    return float(1 / (1 + np.exp(-z)))


def codebook_items(knowledge: Knowledge) -> tuple[list[str], list[str]]:
    """The codebook as training items: each theme's name and each of its seed keywords."""
    texts, labels = [], []
    for theme in knowledge.codebook.themes:
        texts.append(theme.name)
        labels.append(theme.id)
    for term in knowledge.terms:
        if term.rule is None:
            texts.append(term.label)
            labels.append(term.thema)
    return texts, labels
