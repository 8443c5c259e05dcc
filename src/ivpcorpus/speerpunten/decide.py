"""The per-plan decision: one list of priorities and one second tier from the scored candidate
lists, repeats merged into one item at the page where the body first states it, and a status
that says how sure the finder is."""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz

from ivpcorpus.catalog import FINDING_STATUSES
from ivpcorpus.speerpunten.candidates import Candidate, CandidateList, trim
from ivpcorpus.speerpunten.cues import OVERIG, PRIORITEIT, Cues, fold, normalized_item
from ivpcorpus.speerpunten.scoring import ListScorer, agrees
from ivpcorpus.speerpunten.units import Unit, title_of

# Two candidates of one plan are the same item when their folded words agree this much.
SAME_ITEM_SIMILARITY = 88
# A chosen list scored below this is reported as "onzeker" (found, but to be checked).
SURE_SCORE = 0.6
# With no list above the threshold, the best list still scored this high is offered for review.
REVIEW_FLOOR = 0.1

STATUSES = FINDING_STATUSES


@dataclass
class Decision:
    items: list[Candidate]
    status: str                      # one of STATUSES
    finding: str                     # the status in words (Dutch, for the report and the review sheet)
    confidence: float                # the chosen priority list's score (0 when none)
    to_review: list[Candidate]       # status "onzeker" without items: the best candidate list, for a person


def same_item(a: str, b: str) -> bool:
    return fuzz.token_sort_ratio(normalized_item(a), normalized_item(b)) >= SAME_ITEM_SIMILARITY


def _scored(candidate: CandidateList) -> list[Candidate]:
    for item in candidate.items:
        item.confidence = candidate.score
    return candidate.items


def _chosen(lists: list[CandidateList], level: str, threshold: float) -> list[CandidateList]:
    """The best list of priorities above the threshold, and the lists that repeat it (a summary,
    the chapters, the table of contents): never two competing lists. The second tier is often
    named in several places (a list, then "Daarnaast blijven we aandacht besteden aan ..."): every
    second-tier list above the threshold counts."""
    # A running sentence that is one item of a list above the threshold ("Focus op A, B en C" as
    # the third of five priorities) is that item's content, not the plan's list.
    holders = {i.block_id for c in lists if c.form != "sentence" and c.level == level and not c.review_only
               and c.score >= threshold for i in c.items}
    ranked = sorted((c for c in lists if c.level == level and not c.review_only
                     and not (c.form == "sentence" and c.items and c.items[0].block_id in holders)), key=lambda c: -c.score)
    if not ranked or ranked[0].score < threshold:
        return []
    if level == OVERIG:
        return [c for c in ranked if c.score >= threshold]
    best = ranked[0]
    return [best] + [c for c in ranked[1:] if c.score >= threshold / 2 and (agrees(c, best) or agrees(best, c))]


# An enumeration that adds to the chosen list stands at most this many units after its last item.
ADDITION_DISTANCE = 3


def _additions(lists: list[CandidateList], chosen: CandidateList, units: list[Unit], cues: Cues,
               threshold: float) -> list[CandidateList]:
    """Running sentences right after the chosen priority list that add themes to it ("Daarbij is
    extra aandacht voor A, B en C."): the plan has named its priorities, so these are its second
    tier. The scorer rates them high as priorities (their cue is one), but they never agree with
    the chosen list. A sentence that calls them priorities ("Daarnaast is ook A een speerpunt")
    adds a priority and stays one."""
    position = {u.block_id: k for k, u in enumerate(units)}  # the last unit of a block
    end = max((position.get(i.block_id, -1) for i in chosen.items if i.in_body), default=-1)
    found = []
    for c in lists:
        if c is chosen or c.level != PRIORITEIT or c.form != "sentence" or c.review_only or c.score < threshold \
                or agrees(c, chosen) or agrees(chosen, c) or not 0 < c.index - end <= ADDITION_DISTANCE:
            continue
        sentence = c.announcement.strip()
        if cues.addition.match(sentence) and not cues.priority_nouns.search(sentence):
            second = CandidateList(c.form, OVERIG, c.index, c.cue, c.prior, c.announcement, score=c.score)
            second.items = [Candidate(OVERIG, i.text, i.context, i.page, i.block_id,
                                      f"{i.evidence}; aanvulling op de gekozen prioriteiten", i.confidence, i.in_body)
                            for i in c.items]
            found.append(second)
    return found


def decide(lists: list[CandidateList], units: list[Unit], cues: Cues, scorer: ListScorer) -> Decision:
    priorities = _chosen(lists, PRIORITEIT, scorer.thresholds_[PRIORITEIT])
    second = _chosen(lists, OVERIG, scorer.thresholds_[OVERIG])
    if priorities:
        # an addition is judged as what it was proposed as: a list that would count as priorities
        second += _additions(lists, priorities[0], units, cues, scorer.thresholds_[PRIORITEIT])
    candidates = [item for c in priorities for item in _scored(c)]
    if priorities:
        # the repeats only confirm the chosen list's items (page, evidence), they add none
        chosen_texts = [i.text for i in priorities[0].items]
        candidates = [i for i in candidates if any(same_item(i.text, t) for t in chosen_texts)]
    priority_texts = [i.text for i in candidates]
    candidates += [item for c in second for item in _scored(c)
                   if not any(same_item(item.text, t) for t in priority_texts)]
    items = merge(candidates, units)
    confidence = priorities[0].score if priorities else 0.0
    n_priorities = sum(c.level == PRIORITEIT for c in items)
    n_second = len(items) - n_priorities
    second_text = f" en {n_second} overig(e) thema('s)" if n_second else ""
    if n_priorities:
        status = "gevonden" if confidence >= SURE_SCORE else "onzeker"
        finding = f"{n_priorities} prioriteit(en){second_text}"
        if priorities[0].form == "theme_chapters" and priorities[0].cue == "none":
            finding += "; afgeleid uit de themahoofdstukken (geen expliciete lijst)"
        if status == "onzeker":
            finding += f"; onzeker (score {confidence:.2f}), controleren"
        return Decision(items, status, finding, round(confidence, 3), [])
    text = fold(" ".join(u.text for u in units))
    if cues.no_priorities.search(text):
        return Decision(items, "bewust_geen", "geen prioriteiten: het plan benoemt bewust geen prioriteiten" + second_text,
                        0.0, [])
    if not units:
        return Decision(items, "niet_gelezen", "geen prioriteiten gevonden: geen tekst uit het document gelezen", 0.0, [])
    best = max((c for c in lists if c.level == PRIORITEIT), key=lambda c: c.score, default=None)
    if best is not None and best.score >= REVIEW_FLOOR:
        what = "een lijst zonder aankondiging" if best.review_only else "beste kandidaat"
        return Decision(items, "onzeker", f"onzeker: geen duidelijke lijst; {what} ({len(best.items)} "
                        f"onderwerpen, score {best.score:.2f}) ter controle in het reviewblad" + second_text,
                        0.0, _scored(best))
    return Decision(items, "geen", "geen prioriteiten gevonden" + second_text, 0.0, [])


def merge(candidates: list[Candidate], units: list[Unit]) -> list[Candidate]:
    """One item per priority: the best wording, the first page in the body, the highest score."""
    groups: list[list[Candidate]] = []
    for candidate in sorted(candidates, key=lambda c: (-c.confidence, c.block_id)):
        for group in groups:
            if same_item(group[0].text, candidate.text):
                group.append(candidate)
                break
        else:
            groups.append([candidate])
    merged = []
    for group in groups:
        best = group[0]
        body = [c for c in group if c.in_body] or _body_occurrences(best, units) or group
        first = min(body, key=lambda c: c.block_id)
        evidence = first.evidence if first.level == best.level else best.evidence
        context = best.context or next((c.context for c in group if c.context), "")
        merged.append(Candidate(best.level, best.text, context, first.page, first.block_id, evidence,
                                round(best.confidence, 2), True))
    return sorted(merged, key=lambda c: (c.block_id, c.level))


def _body_occurrences(candidate: Candidate, units: list[Unit]) -> list[Candidate]:
    """Where the body states a table-of-contents item: the heading with the same title."""
    found = []
    for i, unit in enumerate(units):
        if unit.kind == "heading" and same_item(title_of(unit), candidate.text):
            context = next((u.text for u in units[i + 1: i + 4] if u.kind == "paragraph"), "")
            found.append(Candidate(candidate.level, candidate.text, trim(context), unit.page, unit.block_id,
                                   f"{candidate.evidence}; kop op p. {unit.page}", candidate.confidence))
    return found
