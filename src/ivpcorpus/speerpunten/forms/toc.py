"""The table of contents: 'Prioriteit n' entries, and the entries under a chapter that announces
its children. They are evidence of structure; the body's heading gives the page when it exists."""

from __future__ import annotations

from ivpcorpus.speerpunten.candidates import CandidateList, clean_item, quote
from ivpcorpus.speerpunten.cues import PRIORITEIT, fold
from ivpcorpus.speerpunten.plan import Plan
from ivpcorpus.speerpunten.units import NUMBERED_PRIORITY, announces_children


def propose(plan: Plan) -> list[CandidateList]:
    entries = [(i, u) for i, u in enumerate(plan.units) if u.kind == "toc"]
    proposed: list[CandidateList] = []
    numbered = None
    for n, (i, entry) in enumerate(entries):
        if NUMBERED_PRIORITY.match(entry.text):
            if numbered is None:
                numbered = CandidateList("toc", PRIORITEIT, i, "heading", 0.7, fold(entry.text))
                proposed.append(numbered)
            numbered.add(clean_item(entry.text)[0], "", entry, f"inhoudsopgave: '{quote(entry.text)}' (p. {entry.page})",
                         in_body=False)
            continue
        tier = announces_children(entry.text, plan.cues)
        if tier is None or not entry.number:
            continue
        children = CandidateList("toc", tier, i, "heading", 0.65, fold(entry.text))
        for _, child in entries[n + 1:]:
            if child.depth <= entry.depth:
                break
            if child.depth == entry.depth + 1 and child.number.startswith(entry.number + ".") \
                    and not plan.is_frame(child.text):
                children.add(clean_item(child.text)[0], "", child,
                             f"inhoudsopgave: onder hoofdstuk '{quote(entry.text)}' (p. {child.page})", in_body=False)
        proposed.append(children)
    return proposed
