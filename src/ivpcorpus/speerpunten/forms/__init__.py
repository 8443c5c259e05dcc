"""Candidate forms: each module proposes candidate lists of one form from a `Plan`.

Forms are deliberately generous; the learned scorer (`speerpunten.scoring`) judges every list
and the per-plan decision (`speerpunten.decide`) picks one list of priorities and one second tier.
"""

from __future__ import annotations

from ivpcorpus.speerpunten.candidates import CandidateList
from ivpcorpus.speerpunten.forms import chapters, headings, lists, sentences, toc
from ivpcorpus.speerpunten.plan import Plan

# name -> proposer; the names are also the scorer's form features
FORMS = {
    "list": lists.propose_lists,
    "table": lists.propose_tables,
    "numbered_headings": headings.propose_numbered_headings,
    "subchapters": headings.propose_subchapters,
    "paragraph_titles": headings.propose_paragraph_titles,
    "sentence": sentences.propose,
    "toc": toc.propose,
    "theme_chapters": chapters.propose,
}


def propose_all(plan: Plan) -> list[CandidateList]:
    """Every form's candidate lists of one plan, in form order."""
    return [candidate for propose in FORMS.values() for candidate in propose(plan) if candidate.items]
