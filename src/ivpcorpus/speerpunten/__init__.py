"""Find each plan's speerpunten (priorities) and its second tier, with the page and quote.

Plans state their priorities in many forms: a list after an announcing sentence or under a
heading such as "Prioriteiten", numbered chapters "Prioriteit 1: ...", a running sentence
("De prioriteiten zijn A, B en C"), a table, sub-chapters of a "Prioriteiten" chapter (or only
their table-of-contents entries), or, when there is no list at all, the theme chapters. They
also mention many themes they did not choose (the veiligheidsbeeld, the previous plan, an
appendix with all Kernbeleid velden, the national and police priorities).

So the finder works in three steps, one module each:
- `forms`: every form proposes candidate lists from the plan's units (`units`, `plan`), with
  the Dutch cues of `data/speerpunten/cues.yaml`;
- `scoring`: a logistic model learned from real development plans and the demo corpus, shipped
  as JSON, scores each list from its features (announcement, section, position, shape, codebook
  terms, agreement with other lists);
- `decide`: one list of priorities and one second tier per plan, repeats merged, and a status
  (gevonden / onzeker / geen / bewust_geen / niet_gelezen / fout). A plan without a clear list
  keeps its best candidates for review instead of a silent zero.

`find_speerpunten(documents, blocks)` is pure: tables in, tables out.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import pandas as pd

from ivpcorpus import catalog
from ivpcorpus.speerpunten.candidates import CandidateList
from ivpcorpus.speerpunten.cues import OVERIG, PRIORITEIT, Cues, fold, load_cues, normalized_item
from ivpcorpus.speerpunten.decide import STATUSES, Decision, decide
from ivpcorpus.speerpunten.forms import propose_all
from ivpcorpus.speerpunten.plan import Plan
from ivpcorpus.speerpunten.scoring import ListScorer, Vocabulary, load_scorer, score_lists
from ivpcorpus.speerpunten.units import units_of

__all__ = ["FINDINGS_COLUMNS", "OVERIG", "PRIORITEIT", "REVIEW_COLUMNS", "STATUSES", "SpeerpuntResult", "Finder",
           "find_speerpunten", "fold", "item_id", "normalized_item"]

FINDINGS_COLUMNS = catalog.columns("speerpunt_findings")
# the best candidates of plans without a clear list ("onzeker"): for a person to accept or reject
REVIEW_COLUMNS = catalog.columns("speerpunt_candidates")


def item_id(doc_id: str, level: str, text: str) -> str:
    """Stable across runs (review corrections are keyed by it): the plan and the item's words."""
    return f"{doc_id}-{hashlib.sha1(f'{level}|{normalized_item(text)}'.encode()).hexdigest()[:8]}"


@dataclass
class SpeerpuntResult:
    items: pd.DataFrame        # catalog "speerpunten"
    findings: pd.DataFrame     # FINDINGS_COLUMNS: one row per document
    to_review: pd.DataFrame    # REVIEW_COLUMNS: candidates of plans whose list is unclear


class Finder:
    """The finder with its knowledge: cues, scorer and codebook vocabulary (loaded once)."""

    def __init__(self, cues: Cues | None = None, scorer: ListScorer | None = None,
                 vocabulary: Vocabulary | None = None):
        self.cues = cues or load_cues()
        self.scorer = scorer or load_scorer()
        self.vocabulary = vocabulary or Vocabulary.from_knowledge()

    def candidate_lists(self, blocks: pd.DataFrame) -> tuple[Plan, list[CandidateList]]:
        """One plan's scored candidate lists (the training script reads them too)."""
        plan = Plan(units_of(blocks), self.cues)
        lists = propose_all(plan)
        score_lists(lists, plan, self.scorer, self.vocabulary)
        return plan, lists

    def find(self, blocks: pd.DataFrame) -> Decision:
        plan, lists = self.candidate_lists(blocks)
        return decide(lists, plan.units, self.cues, self.scorer)


def find_speerpunten(documents: pd.DataFrame, blocks: pd.DataFrame, finder: Finder | None = None) -> SpeerpuntResult:
    """Every plan's priorities and second tier (`items`), a finding per document, and the
    candidates of unclear plans. A document that makes the finder fail gets status "fout" with
    the reason; the others go on."""
    catalog.validate("documents", documents)
    catalog.validate("blocks", blocks)
    finder = finder or Finder()
    by_doc = dict(tuple(blocks.groupby("doc_id", sort=False))) if len(blocks) else {}
    rows, findings, to_review = [], [], []
    for doc in documents.to_dict("records"):
        doc_blocks = by_doc.get(doc["doc_id"], catalog.empty("blocks"))
        try:
            decision = finder.find(doc_blocks)
        except Exception as error:  # one bad document must not stop a national run
            decision = Decision([], "fout", f"fout bij het zoeken naar speerpunten: {type(error).__name__}: {error}",
                                0.0, [])
        if doc.get("status") == "error" and not len(doc_blocks):
            decision = Decision([], "niet_gelezen", "geen prioriteiten gevonden: document niet gelezen "
                                f"({doc.get('reason') or 'onbekende fout'})", 0.0, [])
        seen = set()
        for item in decision.items:
            key = item_id(doc["doc_id"], item.level, item.text)
            if key in seen:
                continue
            seen.add(key)
            rows.append({"item_id": key, "doc_id": doc["doc_id"], "source_file": doc["source_file"],
                         "municipalities": doc["municipalities"], "period": doc["period"], "level": item.level,
                         "text": item.text, "context": item.context, "page": item.page, "evidence": item.evidence,
                         "confidence": item.confidence})
        to_review += [{"doc_id": doc["doc_id"], "source_file": doc["source_file"], "level": c.level, "text": c.text,
                       "page": c.page, "evidence": c.evidence, "score": c.confidence} for c in decision.to_review]
        findings.append({"doc_id": doc["doc_id"], "source_file": doc["source_file"], "status": decision.status,
                         "n_prioriteit": sum(i.level == PRIORITEIT for i in decision.items),
                         "n_overig_thema": sum(i.level == OVERIG for i in decision.items),
                         "confidence": decision.confidence, "finding": decision.finding})
    items_table = pd.DataFrame(rows, columns=list(catalog.TABLES["speerpunten"].columns)) if rows else catalog.empty("speerpunten")
    items_table = items_table.astype({"page": "int64", "confidence": "float64"})
    findings_table = pd.DataFrame(findings, columns=FINDINGS_COLUMNS).astype(
        {"n_prioriteit": "int64", "n_overig_thema": "int64", "confidence": "float64"})
    review_table = pd.DataFrame(to_review, columns=REVIEW_COLUMNS).astype({"page": "int64", "score": "float64"})
    return SpeerpuntResult(catalog.validate("speerpunten", items_table), findings_table, review_table)
