"""The learned scorer: features of a candidate list and a logistic model over them.

The model is trained by `training/speerpunten/train_scorer.py` on the `tune` plans of the
development material and the synthetic demo corpus, and ships as plain JSON
(`data/speerpunten/scorer.json`: feature names, standardisation, coefficients, thresholds) —
no pickle. `ListScorer` follows the scikit-learn estimator API (`fit`, `predict_proba`,
learned attributes with `_`).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz

from ivpcorpus.speerpunten.candidates import CandidateList
from ivpcorpus.speerpunten.cues import OVERIG, fold, normalized_item
from ivpcorpus.speerpunten.plan import Plan

FORM_NAMES = ("list", "table", "numbered_headings", "subchapters", "paragraph_titles", "sentence", "toc",
              "theme_chapters")
CUE_NAMES = ("intro", "paragraph", "weak", "heading", "header", "sentence", "previous", "subject", "span", "actions",
             "none")
# Two candidate lists agree on an item when their folded words agree this much.
AGREEMENT_SIMILARITY = 85
SCORER_PATH = "data/speerpunten/scorer.json"
# An unannounced list counts only when at least this share of its items names a codebook theme
# (and priority words stand near it, see `needs_review`).
UNANNOUNCED_THEME_SHARE = 0.5


@dataclass(frozen=True)
class Vocabulary:
    """What a feature needs to know of the codebook: does an item name a safety theme."""

    theme_hit: object  # callable(text) -> bool

    @classmethod
    def from_knowledge(cls) -> "Vocabulary":
        from ivpcorpus.classify.knowledge import find_hits, load_knowledge

        knowledge = load_knowledge()
        return cls(lambda text: bool(find_hits(text, knowledge)))


def agrees(a: CandidateList, b: CandidateList) -> bool:
    """b repeats at least half of a's items (a summary and its chapters, a list and its TOC)."""
    texts = [normalized_item(c.text) for c in b.items]
    shared = sum(any(fuzz.token_sort_ratio(normalized_item(c.text), t) >= AGREEMENT_SIMILARITY for t in texts)
                 for c in a.items)
    return shared >= max(1, len(a.items) / 2)


def features(candidate: CandidateList, plan: Plan, lists: list[CandidateList], vocabulary: Vocabulary) -> dict[str, float]:
    cues = plan.cues
    items = [c.text for c in candidate.items]
    words = [len(t.split()) for t in items]
    announcement = candidate.announcement
    sections = " | ".join(plan.section_titles(candidate.index)) if candidate.index < len(plan.units) else ""
    count = cues.count_in(announcement)
    agreeing = sum(1 for other in lists if other is not candidate and other.form != candidate.form
                   and agrees(candidate, other))
    row = {f"form_{name}": float(candidate.form == name) for name in FORM_NAMES}
    row |= {f"cue_{name}": float(candidate.cue == name) for name in CUE_NAMES}
    row |= {
        "second_tier": float(candidate.level == OVERIG),
        "prior": candidate.prior,
        "announcement_priority": float(bool(cues.priority.search(announcement))),
        "announcement_weak": float(bool(cues.list_announcement.search(announcement))),
        "announcement_count": float(count is not None),
        "announcement_count_matches": float(count == len(items)),
        "section_front": float(bool(cues.front_sections.search(sections))),
        "section_priority": float(bool(cues.priority.search(sections))),
        "section_descriptive": float(bool(cues.descriptive_sections.search(sections))),
        "section_second_tier": float(bool(cues.second_tier.search(sections))),
        "section_none": float(not sections),
        "position": candidate.index / max(1, len(plan.units)),
        "n_items_log": math.log(len(items)),
        "n_items_2_8": float(2 <= len(items) <= 8),
        "single_item": float(len(items) == 1),
        "mean_words": float(np.mean(words)) / 10,
        "max_words": max(words) / 10,
        "end_punctuation": float(np.mean([t.rstrip().endswith((".", ";")) for t in items])),
        "lower_start": float(np.mean([t[:1].islower() for t in items])),
        "clause_start": float(np.mean([bool(cues.clause_start.search(fold(t))) for t in items])),
        "theme_hits": float(np.mean([vocabulary.theme_hit(t) for t in items])),
        "in_body": float(np.mean([c.in_body for c in candidate.items])),
        "agreement": float(min(agreeing, 3)),
        "lists_in_plan_log": math.log(1 + len(lists)),
    }
    return row


class ListScorer:
    """Logistic regression on standardised list features; thresholds per level for the decision."""

    def __init__(self, C: float = 1.0):
        self.C = C

    def fit(self, X: np.ndarray, y: np.ndarray, feature_names: list[str], sample_weight=None) -> "ListScorer":
        from sklearn.linear_model import LogisticRegression

        self.feature_names_ = list(feature_names)
        self.mean_ = X.mean(axis=0)
        self.scale_ = X.std(axis=0)
        self.scale_[self.scale_ == 0] = 1.0
        model = LogisticRegression(C=self.C, max_iter=2000).fit((X - self.mean_) / self.scale_, y, sample_weight=sample_weight)
        self.coef_ = model.coef_[0]
        self.intercept_ = float(model.intercept_[0])
        self.thresholds_ = {"prioriteit": 0.5, "overig_thema": 0.5}
        return self

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        z = ((np.asarray(X, dtype=float) - self.mean_) / self.scale_) @ self.coef_ + self.intercept_
        p = 1 / (1 + np.exp(-z))
        return np.column_stack([1 - p, p])

    def score(self, rows: list[dict[str, float]]) -> np.ndarray:
        if not rows:
            return np.zeros(0)
        return self.predict_proba(np.array([[row[name] for name in self.feature_names_] for row in rows]))[:, 1]

    def to_json(self) -> str:
        return json.dumps({"model": "logistic regression on standardised candidate-list features", "C": self.C,
                           "feature_names": self.feature_names_, "mean": self.mean_.tolist(),
                           "scale": self.scale_.tolist(), "coef": self.coef_.tolist(), "intercept": self.intercept_,
                           "thresholds": self.thresholds_, **getattr(self, "provenance_", {})}, indent=1)

    @classmethod
    def from_json(cls, text: str) -> "ListScorer":
        raw = json.loads(text)
        scorer = cls(raw["C"])
        scorer.feature_names_ = raw["feature_names"]
        scorer.mean_, scorer.scale_ = np.array(raw["mean"]), np.array(raw["scale"])
        scorer.coef_, scorer.intercept_ = np.array(raw["coef"]), float(raw["intercept"])
        scorer.thresholds_ = raw["thresholds"]
        return scorer


@lru_cache(maxsize=1)
def load_scorer(path: str | None = None) -> ListScorer:
    """The shipped scorer (or one written by the training script to `path`)."""
    text = Path(path).read_text(encoding="utf-8") if path else \
        resources.files("ivpcorpus").joinpath(SCORER_PATH).read_text(encoding="utf-8")
    return ListScorer.from_json(text)


def needs_review(candidate: CandidateList, plan: Plan, vocabulary: Vocabulary) -> bool:
    """An unannounced list or table (cue "none") is a plan's priorities only with support: its
    items mostly name codebook themes, and priority words stand in the text just before it or in
    a heading above it. Without that it is any bulleted list of a plan (actions, partners, legal
    tasks, the council's decision): the scorer's shape and theme features alone cannot tell, and
    an excerpt that states no priorities must not get any. Such a list stays a candidate for the
    review sheet."""
    if candidate.form not in ("list", "table") or candidate.cue != "none" or not candidate.items:
        return False
    themes = float(np.mean([vocabulary.theme_hit(c.text) for c in candidate.items]))
    if themes < UNANNOUNCED_THEME_SHARE:
        return True
    cues = plan.cues
    before = plan.units[candidate.index] if candidate.index < len(plan.units) else None
    nearby = [before.text] if before is not None and before.kind in ("paragraph", "heading") \
        and before.block_id < candidate.items[0].block_id else []
    nearby += plan.section_titles(candidate.index) if candidate.index < len(plan.units) else []
    return not any(cues.priority.search(fold(text)) and not cues.second_tier.search(fold(text)) for text in nearby)


def mark_review_only(lists: list[CandidateList], plan: Plan, vocabulary: Vocabulary) -> None:
    for candidate in lists:
        candidate.review_only = needs_review(candidate, plan, vocabulary)


def score_lists(lists: list[CandidateList], plan: Plan, scorer: ListScorer, vocabulary: Vocabulary) -> None:
    """Set `score` (and `review_only`) on every candidate list of one plan."""
    mark_review_only(lists, plan, vocabulary)
    for candidate, p in zip(lists, scorer.score([features(c, plan, lists, vocabulary) for c in lists])):
        candidate.score = round(float(p), 3)
