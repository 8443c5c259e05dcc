"""Headings: 'Prioriteit 1: ...' chapters, sub-chapters of a chapter that announces its children
("Prioriteiten", "Overige thema's"), and such sub-headings when the extractor read them as
paragraphs."""

from __future__ import annotations

from ivpcorpus.speerpunten.candidates import PARAGRAPH_TITLE, CandidateList, clean_item, quote
from ivpcorpus.speerpunten.cues import PRIORITEIT, fold
from ivpcorpus.speerpunten.plan import Plan
from ivpcorpus.speerpunten.units import NUMBERED_PRIORITY, announces_children, heading_number, is_distractor_heading


def _body_headings(plan: Plan):
    for i, unit in enumerate(plan.units):
        if unit.kind == "heading" and not plan.in_distractor_section(i) and not is_distractor_heading(unit, plan.cues):
            yield i, unit


def propose_numbered_headings(plan: Plan) -> list[CandidateList]:
    """All 'Prioriteit n: X' headings of a plan form one list."""
    candidate = None
    for i, unit in _body_headings(plan):
        title = heading_number(unit.text)[1]
        if not NUMBERED_PRIORITY.match(title):
            continue
        if candidate is None:
            candidate = CandidateList("numbered_headings", PRIORITEIT, i, "heading", 0.85, fold(title))
        text, tail = clean_item(title)
        candidate.add(text, tail or plan.first_paragraph(i), unit, f"kop '{quote(title)}' (p. {unit.page})")
    return [candidate] if candidate else []


def propose_subchapters(plan: Plan) -> list[CandidateList]:
    """The sub-chapters of each chapter that announces its children: one list per chapter."""
    by_parent: dict[int, CandidateList] = {}
    for i, unit in _body_headings(plan):
        title = heading_number(unit.text)[1]
        parent = plan.sections[i].nearest
        if NUMBERED_PRIORITY.match(title) or parent is None or parent.depth >= unit.depth:
            continue
        parent_title = heading_number(parent.text)[1]
        tier = announces_children(parent_title, plan.cues)
        if tier is None or plan.is_frame(title):
            continue
        if parent.block_id not in by_parent:
            index = next(j for j, u in enumerate(plan.units) if u is parent)
            by_parent[parent.block_id] = CandidateList("subchapters", tier, index, "heading",
                                                       0.75 if tier == PRIORITEIT else 0.7, fold(parent_title))
        by_parent[parent.block_id].add(clean_item(title)[0], plan.first_paragraph(i), unit,
                                       f"paragraaf onder hoofdstuk '{quote(parent_title)}' (p. {unit.page})")
    return list(by_parent.values())


def propose_paragraph_titles(plan: Plan) -> list[CandidateList]:
    """Sub-headings the extractor read as paragraphs: under a heading that announces its
    children ("Overige thema's", "Wat we blijven doen"), short unpunctuated lines that each
    open a paragraph of text ("Mensenhandel" / "Hier zetten we de aanpak voort."). Two or
    more are needed: one short line can be a fragment."""
    proposed: list[CandidateList] = []
    run: list[tuple[int, str]] = []

    def close() -> None:
        if len(run) >= 2:
            first, tier = run[0]
            heading = plan.sections[first].nearest
            heading_title = heading_number(heading.text)[1]
            candidate = CandidateList("paragraph_titles", tier, first, "heading", 0.7 if tier == PRIORITEIT else 0.65,
                                      fold(heading_title))
            for i, _ in run:
                unit = plan.units[i]
                candidate.add(clean_item(unit.text)[0], plan.first_paragraph(i), unit,
                              f"tussenkop onder '{quote(heading_title)}' (p. {unit.page})")
            proposed.append(candidate)
        run.clear()

    units = plan.units
    for i, unit in enumerate(units):
        if unit.kind == "heading":
            close()
            continue
        if unit.kind != "paragraph" or not PARAGRAPH_TITLE.match(unit.text) or len(unit.text.split()) > 8 \
                or plan.is_frame(unit.text) \
                or i + 1 >= len(units) or units[i + 1].kind != "paragraph" \
                or len(units[i + 1].text.split()) <= len(unit.text.split()) or plan.in_distractor_section(i):
            continue
        tier, _ = plan.heading_tier(i)
        if tier is not None and not plan.under_goals_or_actions(i):
            if run and run[0][1] != tier:
                close()
            run.append((i, tier))
    close()
    return proposed


__all__ = ["propose_numbered_headings", "propose_paragraph_titles", "propose_subchapters"]
