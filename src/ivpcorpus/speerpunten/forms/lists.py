"""Lists and tables announced by the sentence before them or by the heading above them."""

from __future__ import annotations

from dataclasses import dataclass

from ivpcorpus.speerpunten.candidates import (
    CandidateList, clean_item, item_shape_score, list_groups, list_runs, quote, table_cells,
)
from ivpcorpus.speerpunten.cues import MAX_LIST_ITEM_WORDS, PRIORITEIT, fold
from ivpcorpus.speerpunten.enumeration import last_sentence, sentences_of
from ivpcorpus.speerpunten.plan import Plan
from ivpcorpus.speerpunten.units import Unit, heading_number, tier_of


@dataclass
class Announcement:
    tier: str
    cue: str          # intro (the sentence before), paragraph (an earlier sentence of it), heading, weak
    prior: float
    evidence: str
    text: str         # the announcing text, folded


def announcement(plan: Plan, intro: Unit | None, first: int) -> Announcement | None:
    """How the list whose preceding unit is `intro` and whose first item is unit `first` is
    announced: None when a distractor announces it; cue "actions" under a goals/actions heading
    and "none" when nothing does (candidates still, so that the scorer learns to reject them)."""
    cues = plan.cues
    actions = False
    if intro is not None and intro.kind in ("paragraph", "list_item"):
        sentence = last_sentence(intro.text)
        folded = fold(sentence)
        if cues.distractor.search(folded):
            return None
        if tier := tier_of(sentence, cues):
            return Announcement(tier, "intro", 0.65, f"lijst na '{quote(sentence, tail=True)}' (p. {intro.page})", folded)
        actions = bool(cues.goals_actions.search(folded.strip(" ?:")))  # "Wat gaan we daarvoor doen?"
        if not actions and sentence.rstrip().endswith(":"):
            # "De prioriteiten zijn vastgesteld. Het gaat om de volgende onderwerpen:"
            earlier = [s for s in sentences_of(intro.text)[:-1] if tier_of(s, cues)]
            if earlier and not cues.distractor.search(fold(earlier[-1])):
                return Announcement(tier_of(earlier[-1], cues), "paragraph", 0.5,
                                    f"lijst na '{quote(earlier[-1], tail=True)} … {quote(sentence, 40, tail=True)}' "
                                    f"(p. {intro.page})", fold(earlier[-1]) + " " + folded)
            if cues.list_announcement.search(folded):
                return Announcement(PRIORITEIT, "weak", 0.35, f"lijst na '{quote(sentence, tail=True)}' (p. {intro.page})",
                                    folded)
    tier, heading = plan.heading_tier(first)
    if tier and not actions and not plan.under_goals_or_actions(first):
        title = heading_number(heading.text)[1]
        return Announcement(tier, "heading", 0.6, f"lijst onder kop '{quote(title)}' (p. {heading.page})", fold(title))
    page = intro.page if intro is not None else plan.units[first].page
    if actions or plan.under_goals_or_actions(first):
        return Announcement(PRIORITEIT, "actions", 0.1, f"lijst onder doelen of acties (p. {page})", "")
    said = fold(last_sentence(intro.text)) if intro is not None and intro.kind == "paragraph" else ""
    return Announcement(PRIORITEIT, "none", 0.2, f"lijst zonder aankondiging (p. {page})", said)


# At most this many short paragraphs after an announcement ending in ':' are read as its list.
MAX_PARAGRAPH_ITEMS = 12


def propose_paragraph_lists(plan: Plan) -> list[CandidateList]:
    """A list whose bullets the document lost: after a paragraph that announces a tier and ends
    in ':', the one-sentence short paragraphs that follow (icon or symbol-font bullets that
    extraction drops, items set as short bold paragraphs, a web page's <p> per item)."""
    proposed = []
    units = plan.units
    for i, intro in enumerate(units):
        if intro.kind != "paragraph" or not last_sentence(intro.text).rstrip().endswith(":") \
                or plan.in_distractor_section(i):
            continue
        run = []
        for unit in units[i + 1: i + 1 + MAX_PARAGRAPH_ITEMS]:
            # The list ends at anything that is not one short sentence, at prose about the list,
            # and at a sentence that names a tier itself ("Onze speerpunten zijn A, B en C": an
            # enumeration of its own). An item may still carry a cue word ("Focus op A en B").
            folded = fold(unit.text)
            if unit.kind != "paragraph" or len(sentences_of(unit.text)) > 1 \
                    or len(unit.text.split()) > MAX_LIST_ITEM_WORDS or unit.text.rstrip().endswith(":") \
                    or plan.cues.list_close.match(folded) or plan.cues.priority_nouns.search(folded) \
                    or plan.cues.second_tier.search(folded):
                break
            run.append(unit)
        if len(run) < 2:
            continue
        announced = announcement(plan, intro, i + 1)
        if announced is None or announced.cue not in ("intro", "paragraph"):
            continue  # short paragraphs after any colon are prose; only an announced tier makes them a list
        cleaned = [clean_item(u.text) for u in run]
        shape = item_shape_score([text for text, _ in cleaned], MAX_LIST_ITEM_WORDS)
        if shape < 0:
            continue
        candidate = CandidateList("list", announced.tier, i, announced.cue, announced.prior + shape, announced.text,
                                  max_words=MAX_LIST_ITEM_WORDS)
        for unit, (text, tail) in zip(run, cleaned):
            candidate.add(text, tail, unit, announced.evidence.replace("lijst", "alinea's", 1))
        proposed.append(candidate)
    return proposed


def propose_lists(plan: Plan) -> list[CandidateList]:
    """Lists marked as lists, and (`propose_paragraph_lists`) announced lists that lost their markers."""
    proposed = propose_paragraph_lists(plan)
    for before, members in list_runs(plan.units):
        if plan.in_distractor_section(members[0]) or plan.units[members[0]].kind != "list_item":
            continue
        for group in list_groups(plan.units, before, members):
            announced = announcement(plan, group.intro, members[0])
            if announced is None:
                continue
            cleaned = [clean_item(u.text) for u in group.items]
            shape = item_shape_score([text for text, _ in cleaned], MAX_LIST_ITEM_WORDS)
            if shape < 0:
                continue
            candidate = CandidateList("list", announced.tier, max(before, 0), announced.cue, announced.prior + shape,
                                      announced.text, max_words=MAX_LIST_ITEM_WORDS)
            for unit, (text, tail), sub in zip(group.items, cleaned, group.contexts):
                candidate.add(text, "; ".join(part for part in [tail, *sub] if part), unit, announced.evidence)
            proposed.append(candidate)
    return proposed


def propose_tables(plan: Plan) -> list[CandidateList]:
    proposed = []
    for before, members in list_runs(plan.units):
        if plan.in_distractor_section(members[0]) or plan.units[members[0]].kind != "table_row":
            continue
        rows = [table_cells(plan.units[i]) for i in members]
        header = rows[0]
        header_tier = tier_of(header[0], plan.cues) if len(header[0].split()) <= 3 else None
        announced = announcement(plan, plan.units[before] if before >= 0 else None, members[0])
        if header_tier and (announced is None or announced.cue in ("none", "actions")):
            announced = Announcement(header_tier, "header", 0.65, f"tabel met kolom '{quote(header[0])}'", fold(header[0]))
        if announced is None:
            continue
        body = list(zip(members, rows))
        if header_tier or (len(header) > 1 and all(len(c.split()) <= 3 for c in header)
                           and not any(c.endswith((".", ";")) for c in header)):
            body = body[1:]  # a header row ("Prioriteit | Doel")
        items = [(i, clean_item(cells[0])[0], " | ".join(cells[1:])) for i, cells in body if cells]
        shape = item_shape_score([text for _, text, _ in items], MAX_LIST_ITEM_WORDS)
        if shape < 0:
            continue
        evidence = announced.evidence.replace("lijst", "tabel", 1)
        candidate = CandidateList("table", announced.tier, max(before, 0), announced.cue, announced.prior + shape,
                                  announced.text, max_words=MAX_LIST_ITEM_WORDS)
        for i, text, context in items:
            unit = plan.units[i]
            candidate.add(text, context, unit, evidence if "(p." in evidence else f"{evidence} (p. {unit.page})")
        proposed.append(candidate)
    return proposed
