"""Theme chapters: a plan without a list whose priorities are its numbered theme chapters (the
body's headings, or the table of contents when the body is not there)."""

from __future__ import annotations

import re

from ivpcorpus.speerpunten.candidates import CandidateList, clean_item, quote
from ivpcorpus.speerpunten.cues import PRIORITEIT, fold
from ivpcorpus.speerpunten.plan import Plan
from ivpcorpus.speerpunten.units import is_distractor_heading, title_of


def propose(plan: Plan) -> list[CandidateList]:
    cues = plan.cues
    text = fold(" ".join(u.text for u in plan.units if u.kind != "toc"))
    if not cues.priority.search(text) or cues.no_priorities.search(text):
        return []
    span = cues.chapter_span.search(text)
    for kind in ("heading", "toc"):
        chapters = [(i, u) for i, u in enumerate(plan.units)
                    if u.kind == kind and u.depth == 1 and re.fullmatch(r"\d{1,2}", u.number or "")]
        if span:
            low, high = int(span.group("low")), int(span.group("high"))
            chapters = [(i, u) for i, u in chapters if low <= int(u.number) <= high]
        themes = [(i, u) for i, u in chapters
                  if not plan.is_frame(title_of(u)) and not is_distractor_heading(u, cues)
                  and not (kind == "heading" and plan.in_distractor_section(i))]
        if len(themes) >= 2:
            why = "de plantekst noemt deze hoofdstukken zijn prioriteiten" if span else \
                "het plan heeft geen aparte lijst; het werkt zijn prioriteiten per thema uit"
            candidate = CandidateList("theme_chapters", PRIORITEIT, themes[0][0], "span" if span else "none",
                                      0.7 if span else 0.45, span.group(0) if span else "")
            for i, unit in themes:
                where = "hoofdstuk" if kind == "heading" else "inhoudsopgave, hoofdstuk"
                candidate.add(clean_item(title_of(unit))[0], plan.first_paragraph(i) if kind == "heading" else "", unit,
                              f"{where} '{quote(title_of(unit))}' (p. {unit.page}); {why}", in_body=kind == "heading")
            return [candidate]
    return []
