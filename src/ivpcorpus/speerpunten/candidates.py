"""Candidate items and candidate lists: what each form proposes, before scoring and merging."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ivpcorpus.speerpunten.cues import CONTEXT_CHARS, MAX_ITEM_WORDS, normalized_item
from ivpcorpus.speerpunten.units import NUMBERED_PRIORITY, Unit

# -- candidates ---------------------------------------------------------------------------------
@dataclass
class Candidate:
    level: str
    text: str
    context: str
    page: int
    block_id: int
    evidence: str
    confidence: float
    in_body: bool = True   # False for table-of-contents entries


def quote(text: str, limit: int = 80, tail: bool = False) -> str:
    """A short quote; `tail` keeps the end (where an announcement such as '... vier speerpunten:' is)."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return "…" + text[-(limit - 1):].lstrip() if tail else text[: limit - 1].rstrip() + "…"


def trim(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= CONTEXT_CHARS else text[: CONTEXT_CHARS - 1].rstrip() + "…"


def clean_item(text: str) -> tuple[str, str]:
    """An item as the plan words it, and what follows it in the same line as context.

    'Een veilige stad: overlast, jeugdoverlast, ...' -> ('Een veilige stad', 'overlast, ...');
    'Ondermijning. We pakken ...' -> ('Ondermijning', 'We pakken ...'); trailing ';' dropped.
    """
    text = NUMBERED_PRIORITY.sub("", " ".join(text.split())).strip()
    context = ""
    if len(text.split()) > 6:
        for separator in (": ", " – ", " - ", ". "):
            head, found, tail = text.rpartition(separator) if separator == ": " else text.partition(separator)
            if found and 0 < len(head.split()) <= 8 and len(tail.split()) >= 2:
                text, context = head, tail
                break
    return text.strip().rstrip(";,.:").strip(), context


def item_shape_score(items: list[str], max_words: int = MAX_ITEM_WORDS) -> float:
    """A priority list is a handful of short phrases; long sentences are goals or actions."""
    words = [len(t.split()) for t in items]
    if not items or max(words) > max_words:
        return -1.0
    score = 0.0
    if 2 <= len(items) <= 8:
        score += 0.1
    if sum(words) / len(words) <= 8:
        score += 0.1
    return score


def list_runs(units: list[Unit]) -> list[tuple[int, list[int]]]:
    """Runs of list items (or table rows) as (index of the unit before the run, member indexes)."""
    runs = []
    index = 0
    while index < len(units):
        if units[index].kind in ("list_item", "table_row"):
            kind = units[index].kind
            start = index
            while index < len(units) and units[index].kind == kind:
                index += 1
            runs.append((start - 1, list(range(start, index))))
        else:
            index += 1
    return runs


@dataclass
class ListGroup:
    intro: Unit | None
    items: list[Unit]
    contexts: list[list[str]]


def list_groups(units: list[Unit], before: int, members: list[int]) -> list[ListGroup]:
    """Split a run of list items into the top-level list and its nested lists.

    Items of another marker class than the first follow either an item ending in ':' (a nested
    list it announces, judged on its own) or an ordinary item (its sub-bullets: context)."""
    top_class = units[members[0]].marker_class
    top_level = units[members[0]].level
    outer = ListGroup(units[before] if before >= 0 else None, [], [])
    groups = [outer]
    nested: ListGroup | None = None
    for i in members:
        unit = units[i]
        is_top = unit.marker_class == top_class and unit.level <= top_level
        if is_top:
            nested = None
            outer.items.append(unit)
            outer.contexts.append([])
        elif nested is not None:
            nested.items.append(unit)
            nested.contexts.append([])
        elif outer.items and outer.items[-1].text.endswith(":"):
            nested = ListGroup(outer.items[-1], [unit], [[]])
            groups.append(nested)
        elif outer.items:
            outer.contexts[-1].append(unit.text)
    return [g for g in groups if g.items]


def table_cells(unit: Unit) -> list[str]:
    return [c.strip() for c in re.split(r"\s*\|\s*|\t|\s{3,}", unit.text) if c.strip()]


# A title line: a capital, at most eight words, no closing punctuation, not a caption.
PARAGRAPH_TITLE = re.compile(r"^(?!(?:tabel|figuur|grafiek|afbeelding|bron|kaart|foto)\b)[A-Z][^.:;!?]*(?<![-,])$")
CAPTION = re.compile(r"^(?:tabel|figuur|grafiek|afbeelding|kaart|foto)\s*\d")



@dataclass
class CandidateList:
    """One list a form proposes as the plan's priorities (or second tier), with what the scorer
    needs to judge it: where it is announced and how the form itself rates the announcement."""

    form: str            # the proposing form (see `forms.FORMS`)
    level: str
    index: int           # the unit that announces the list (or holds its first item)
    cue: str             # where the announcement stands: intro, heading, header, sentence, previous, span, none
    prior: float         # the form's own rating of the announcement and shape, 0..1
    announcement: str = ""
    items: list[Candidate] = field(default_factory=list)
    score: float = 0.0   # set by the scorer: probability that this is the plan's list of `level`
    # set by `scoring.mark_review_only`: a list nothing announces and nothing supports is never
    # the plan's list on its own; at best it is offered for review
    review_only: bool = False
    max_words: int = MAX_ITEM_WORDS

    def add(self, text: str, context: str, unit: Unit, evidence: str, in_body: bool = True) -> None:
        text = text.strip()
        # an item names something: "2.1" or "13" left over from a numbering is not one
        if not re.search(r"[^\W\d_]{3}", text) or not normalized_item(text) or len(text.split()) > self.max_words:
            return
        self.items.append(Candidate(self.level, text, trim(context), unit.page, unit.block_id, evidence,
                                    round(min(self.prior, 0.95), 2), in_body))
