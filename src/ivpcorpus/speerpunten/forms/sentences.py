"""Running sentences that enumerate the priorities (or the second tier)."""

from __future__ import annotations

from ivpcorpus.speerpunten.candidates import CandidateList, quote, trim
from ivpcorpus.speerpunten.cues import OVERIG, fold
from ivpcorpus.speerpunten.enumeration import continued_enumeration, enumeration_in, sentences_of
from ivpcorpus.speerpunten.plan import Plan

# how the enumeration is announced -> the form's prior
_PRIOR = {"sentence": 0.6, "previous": 0.5, "subject": 0.6, "weak": 0.35}


def propose(plan: Plan) -> list[CandidateList]:
    proposed = []
    for i, unit in enumerate(plan.units):
        if unit.kind not in ("paragraph", "list_item") or plan.in_distractor_section(i):
            continue
        previous = ""
        under_second_tier = plan.heading_tier(i)[0] == OVERIG
        sentences = sentences_of(unit.text)
        for k, sentence in enumerate(sentences):
            found = enumeration_in(sentence, previous, plan.cues, under_second_tier)
            announcing = previous
            previous = sentence
            if found is None:
                continue
            tier, items, how = found
            shown = f"{quote(announcing, 60, tail=True)} {quote(sentence)}" if how == "previous" else quote(sentence)
            candidate = CandidateList("sentence", tier, i, how, _PRIOR[how],
                                      fold(announcing + " " + sentence if how == "previous" else sentence))
            for text, context in items:
                candidate.add(text, context or trim(sentence), unit, f"opsomming in de zin '{shown}' (p. {unit.page})")
            following = sentences[k + 1] if k + 1 < len(sentences) else ""
            for text in continued_enumeration(following, plan.cues):
                candidate.add(text, trim(following), unit, f"opsomming vervolgd in de zin '{quote(following)}' (p. {unit.page})")
            proposed.append(candidate)
    return proposed
