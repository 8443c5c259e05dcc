"""Find each plan's speerpunten (priorities) and its second tier, with the page and quote.

Plans state their priorities in many forms: a list after an announcing sentence or under a
heading such as "Prioriteiten", numbered chapters "Prioriteit 1: ...", a running sentence
("De prioriteiten zijn A, B en C"), a table, sub-chapters of a "Prioriteiten" chapter (or only
their table-of-contents entries), or, when there is no list at all, the theme chapters the plan
says are its priorities. Plans also mention many themes they did not choose: in the
veiligheidsbeeld, the evaluation of the previous plan, an appendix with all Kernbeleid velden,
or the national and police priorities they cite. The finder therefore reads a plan as
sections: every candidate is judged by its announcement (cues in `data/speerpunten/cues.yaml`),
by the chapters it sits in, and by its shape (a few short items). Repeats (summary, chapters,
table of contents) are merged into one item at the page where the body first states it.

`find_speerpunten(documents, blocks)` is pure: tables in, tables out.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import pandas as pd
import yaml
from rapidfuzz import fuzz
from unidecode import unidecode

from ivpcorpus import schemas

PRIORITEIT, OVERIG = schemas.LEVELS
CONTEXT_CHARS = 300
MAX_ITEM_WORDS = 14
# Two candidates of one plan are the same item when their folded words agree this much.
SAME_ITEM_SIMILARITY = 88


# -- cues --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Cues:
    priority: re.Pattern
    second_tier: re.Pattern
    no_priorities: re.Pattern
    distractor: re.Pattern
    descriptive_sections: re.Pattern
    goals_actions: re.Pattern
    structural_chapters: re.Pattern


@lru_cache(maxsize=None)
def load_cues() -> Cues:
    """The cue patterns shipped in `data/speerpunten/cues.yaml`, compiled."""
    raw = yaml.safe_load(resources.files("ivpcorpus").joinpath("data/speerpunten/cues.yaml").read_text(encoding="utf-8"))
    return Cues(**{name: re.compile("|".join(f"(?:{p})" for p in patterns)) for name, patterns in raw.items()})


def fold(text: str) -> str:
    """Lower case, accents removed, curly quotes and dashes plain: the form cues are written for."""
    return unidecode(text).lower()


def normalized_item(text: str) -> str:
    """The words of an item, folded, without punctuation: the key for de-duplication and ids."""
    return " ".join(re.findall(r"[a-z0-9]+", fold(text)))


# -- units: blocks as the finder reads them ---------------------------------------------------
_BULLET = re.compile(r"^\s*(?:[•◦▪▫●○■□◆◇►▶➢➤✓✔\-–—*·\uf0b7\uf0a7\uf0d8\uf076\uf0fc]|o(?=\s))\s*")
_ENUM = re.compile(r"^\s*\(?(\d{1,2}|[a-zA-Z]|[ivx]{1,4})[.)]\s*")
_SECTION_NUMBER = re.compile(r"^\s*((?:hoofdstuk|deel|bijlage)\s+)?(\d{1,2}(?:\.\d{1,2}){0,3}|[ivx]{1,4})\.?(?:\s*[:.\-–]\s*|\s+)(?=\S)",
                             re.IGNORECASE)
_NUMBERED_PRIORITY = re.compile(r"^\s*(prioriteit|speerpunt|focuspunt)\s+(\d{1,2}|[ivx]{1,4})\s*[:.\-–]\s*(?=\S)", re.IGNORECASE)
_TOC_LOST_CHAPTER = re.compile(r"^\s*(?:[•*\-–]\s*)?(?P<title>[^\d\s][^\d]{1,90}?)\s+(?P<page>\d{1,3})\s+(?P<chapter>\d{1,2})\.1\s")
# "Lokale speerpunten per gemeente": the sub-chapters are places, not items.
_PER_PLACE = re.compile(r"\bper (gemeente|kern|wijk|dorp|stadsdeel)")
_TOC_LINE = re.compile(r"^(?P<title>.*?\S)\s*(?:\.{2,}|…+)?\s+(?P<page>\d{1,3})$")
_TOC_INLINE = re.compile(r"(?:^|\s)(?P<number>\d{1,2}(?:\.\d{1,2}){0,2})\.?\s+(?P<title>[^\d\s][^\d]{1,90}?)\s+(?P<page>\d{1,3})(?=\s+\d{1,2}(?:\.\d{1,2}){0,2}\.?\s|\s*$)")


@dataclass
class Unit:
    """One block with its marker stripped; a marker-only list item is merged with its text."""

    block_id: int
    page: int
    kind: str
    level: int
    text: str
    raw: str = ""               # the block's text as extracted (markers and page numbers kept)
    marker_class: str = ""      # list items: the bullet character, "digit", "alpha" or "roman"
    number: str = ""            # headings and TOC entries: "3.2" as written, "" when unnumbered
    depth: int = 0              # headings and TOC entries: nesting depth
    toc_page: int = 0           # TOC entries: the page they point to


def _marker_class(marker: str) -> str:
    marker = marker.strip().strip("().")
    if not marker:
        return ""
    if marker[0] in "-–—o◦▫○•▪●■►➢✓*·":
        return marker[0]  # "-" and "–" often mark two levels of one list
    if marker.isdigit():
        return "digit"
    if marker.isalpha() and len(marker) == 1:
        return "alpha"
    if re.fullmatch(r"[ivx]+", marker):
        return "roman"
    return "bullet"


def _strip_list_marker(text: str) -> tuple[str, str]:
    """'• a. tekst' -> ('tekst', 'alpha'); '• tekst' -> ('tekst', 'bullet')."""
    rest, marker_class = text, ""
    if m := _BULLET.match(rest):
        marker_class = _marker_class(m.group(0)) or "bullet"
        rest = rest[m.end():]
    if m := _ENUM.match(rest):
        marker_class = _marker_class(m.group(1))
        rest = rest[m.end():]
    return rest.strip(), marker_class


def _heading_number(text: str) -> tuple[str, str, int]:
    """'3.2 Ondermijning' -> ('3.2', 'Ondermijning', 2); 'Bijlage 1: X' -> ('bijlage 1', 'X', 1)."""
    m = _SECTION_NUMBER.match(text)
    if not m:
        return "", text.strip(), 0
    number = m.group(2)
    if m.group(1):
        return f"{m.group(1).strip().lower()} {number}", text[m.end():].strip(), 1
    return number, text[m.end():].strip(), number.count(".") + 1


def _units(blocks: pd.DataFrame) -> list[Unit]:
    units: list[Unit] = []
    rows = blocks.sort_values("block_id").to_dict("records")
    index = 0
    while index < len(rows):
        row = rows[index]
        text = str(row["text"] or "").strip()
        unit = Unit(int(row["block_id"]), int(row["page"]), row["kind"], int(row["level"]), text, text)
        if row["kind"] == "list_item":
            unit.text, unit.marker_class = _strip_list_marker(text)
            # "• a." on its own line and the text on the next (official-publication HTML).
            if not unit.text and index + 1 < len(rows) and rows[index + 1]["kind"] == "paragraph":
                index += 1
                unit.text = str(rows[index]["text"]).strip()
        elif row["kind"] == "heading":
            unit.number, _, unit.depth = _heading_number(text)
            unit.depth = unit.depth or max(int(row["level"]), 1)
        if unit.text:
            units.append(unit)
        index += 1
    _restore_lost_markers(units)
    _mark_toc(units)
    return units


def _restore_lost_markers(units: list[Unit]) -> None:
    """A short paragraph between two items of a list whose items end in ';' is an item whose
    marker the extractor lost ("a. ...;" "b. ...;" "aanpak ondermijning;" "d. ...")."""
    for before, unit, after in zip(units, units[1:], units[2:]):
        if unit.kind == "paragraph" and before.kind == after.kind == "list_item" \
                and before.text.endswith((";", ",")) and len(unit.text.split()) <= MAX_ITEM_WORDS:
            unit.kind, unit.level, unit.marker_class = "list_item", before.level, before.marker_class


def _mark_toc(units: list[Unit]) -> None:
    """Table-of-contents entries become kind 'toc' (with depth and target page): they are
    evidence of structure, never the place where an item is stated."""
    run: list[Unit] = []

    def close() -> None:
        if len(run) >= 3:
            for entry in run:
                title = _TOC_LINE.match(entry.raw)
                entry.toc_page = int(title.group("page"))
                entry.number, entry.text, entry.depth = _heading_number(title.group("title"))
                entry.depth = entry.depth or 1
                entry.kind = "toc"
        run.clear()

    for unit in units:
        if unit.kind in ("heading", "list_item", "paragraph") and len(unit.raw.split()) <= 16 and _TOC_LINE.match(unit.raw) \
                and (_SECTION_NUMBER.match(unit.raw) or _NUMBERED_PRIORITY.match(unit.raw) or run):
            run.append(unit)
        else:
            close()
    close()
    # A table of contents flattened into running text: "1. Inleiding 3 1.1 Aanleiding 3 2. ...",
    # sometimes with the chapter number lost ("• Ondermijning 7 3.1 ..." is chapter 3).
    expanded: list[Unit] = []
    previous_was_toc = False
    for unit in units:
        entries = list(_TOC_INLINE.finditer(unit.raw)) if unit.kind != "toc" else []
        if len(entries) >= 3 or (previous_was_toc and entries):
            if lost := _TOC_LOST_CHAPTER.match(unit.raw):
                expanded.append(Unit(unit.block_id, unit.page, "toc", 0, lost.group("title").strip(), unit.raw,
                                     number=lost.group("chapter"), depth=1, toc_page=int(lost.group("page"))))
            for m in entries:
                number = m.group("number")
                expanded.append(Unit(unit.block_id, unit.page, "toc", 0, m.group("title").strip(), unit.raw, number=number,
                                     depth=number.count(".") + 1, toc_page=int(m.group("page"))))
            previous_was_toc = True
        else:
            expanded.append(unit)
            previous_was_toc = unit.kind == "toc"
    units[:] = expanded


# -- sections -----------------------------------------------------------------------------------
@dataclass
class Section:
    """The headings enclosing a unit, outermost first."""

    headings: list[Unit] = field(default_factory=list)

    @property
    def nearest(self) -> Unit | None:
        return self.headings[-1] if self.headings else None


def _sections(units: list[Unit]) -> list[Section]:
    stack: list[Unit] = []
    sections = []
    for unit in units:
        if unit.kind == "heading":
            while stack and stack[-1].depth >= unit.depth:
                stack.pop()
        sections.append(Section(list(stack)))  # a heading's section: its parents, not its previous sibling
        if unit.kind == "heading":
            stack.append(unit)
    return sections


def _title(unit: Unit) -> str:
    return _NUMBERED_PRIORITY.sub("", _heading_number(unit.text)[1] if unit.kind == "heading" else unit.text)


def _is_distractor_heading(unit: Unit, cues: Cues) -> bool:
    folded = fold(_heading_number(unit.text)[1])
    if cues.distractor.search(folded):
        return True
    return bool(cues.descriptive_sections.search(folded)) and not cues.priority.search(folded)


def _announces_children(title: str, cues: Cues) -> str | None:
    """The tier of a chapter whose sub-chapters are the items ("Prioriteiten", "Strategische
    thema's"); a mixed title ("Analyse veiligheidssituatie en prioriteiten") announces nothing."""
    folded = fold(title)
    if cues.distractor.search(folded) or cues.descriptive_sections.search(folded) or len(title.split()) > 6 \
            or _PER_PLACE.search(folded):
        return None
    return _tier_of(title, cues)


def _tier_of(text: str, cues: Cues) -> str | None:
    folded = fold(text)
    if cues.second_tier.search(folded):
        return OVERIG
    if cues.priority.search(folded):
        return PRIORITEIT
    return None


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


def _quote(text: str, limit: int = 80, tail: bool = False) -> str:
    """A short quote; `tail` keeps the end (where an announcement such as '... vier speerpunten:' is)."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return "…" + text[-(limit - 1):].lstrip() if tail else text[: limit - 1].rstrip() + "…"


def _trim(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= CONTEXT_CHARS else text[: CONTEXT_CHARS - 1].rstrip() + "…"


def _clean_item(text: str) -> tuple[str, str]:
    """An item as the plan words it, and what follows it in the same line as context.

    'Een veilige stad: overlast, jeugdoverlast, ...' -> ('Een veilige stad', 'overlast, ...');
    'Ondermijning. We pakken ...' -> ('Ondermijning', 'We pakken ...'); trailing ';' dropped.
    """
    text = _NUMBERED_PRIORITY.sub("", " ".join(text.split())).strip()
    context = ""
    if len(text.split()) > 6:
        for separator in (": ", " – ", " - ", ". "):
            head, found, tail = text.rpartition(separator) if separator == ": " else text.partition(separator)
            if found and 0 < len(head.split()) <= 8 and len(tail.split()) >= 2:
                text, context = head, tail
                break
    return text.strip().rstrip(";,.:").strip(), context


def _item_shape_score(items: list[str]) -> float:
    """A priority list is a handful of short phrases; long sentences are goals or actions."""
    words = [len(t.split()) for t in items]
    if not items or max(words) > MAX_ITEM_WORDS:
        return -1.0
    score = 0.0
    if 2 <= len(items) <= 8:
        score += 0.1
    if sum(words) / len(words) <= 8:
        score += 0.1
    return score


def _list_runs(units: list[Unit]) -> list[tuple[int, list[int]]]:
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
class _ListGroup:
    intro: Unit | None
    items: list[Unit]
    contexts: list[list[str]]


def _list_groups(units: list[Unit], before: int, members: list[int]) -> list[_ListGroup]:
    """Split a run of list items into the top-level list and its nested lists.

    Items of another marker class than the first follow either an item ending in ':' (a nested
    list it announces, judged on its own) or an ordinary item (its sub-bullets: context)."""
    top_class = units[members[0]].marker_class
    top_level = units[members[0]].level
    outer = _ListGroup(units[before] if before >= 0 else None, [], [])
    groups = [outer]
    nested: _ListGroup | None = None
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
            nested = _ListGroup(outer.items[-1], [unit], [[]])
            groups.append(nested)
        elif outer.items:
            outer.contexts[-1].append(unit.text)
    return [g for g in groups if g.items]


def _table_cells(unit: Unit) -> list[str]:
    return [c.strip() for c in re.split(r"\s*\|\s*|\t|\s{3,}", unit.text) if c.strip()]


# A title line: a capital, at most eight words, no closing punctuation, not a caption.
_PARAGRAPH_TITLE = re.compile(r"^(?!(?:tabel|figuur|grafiek|afbeelding|bron|kaart|foto)\b)[A-Z][^.:;!?]*(?<![-,])$")
_CAPTION = re.compile(r"^(?:tabel|figuur|grafiek|afbeelding|kaart|foto)\s*\d")


class _Finder:
    """Candidates of one plan; `find()` returns the merged items and a finding."""

    def __init__(self, units: list[Unit], cues: Cues):
        self.units = units
        self.cues = cues
        self.sections = _sections(units)
        self.candidates: list[Candidate] = []

    # section judgements
    def in_distractor_section(self, i: int) -> bool:
        return any(_is_distractor_heading(h, self.cues) for h in self.sections[i].headings)

    def heading_tier(self, i: int) -> tuple[str | None, Unit | None]:
        """The tier announced by the nearest heading of unit i (a list directly under it)."""
        nearest = self.sections[i].nearest
        if nearest is None or _NUMBERED_PRIORITY.match(_heading_number(nearest.text)[1]):
            return None, None  # under "Prioriteit 1: X" a list holds goals or actions, not priorities
        return _announces_children(_heading_number(nearest.text)[1], self.cues), nearest

    def under_goals_or_actions(self, i: int) -> bool:
        nearest = self.sections[i].nearest
        return nearest is not None and bool(self.cues.goals_actions.search(fold(_title(nearest)).strip(" ?:")))

    # announced lists and tables
    def lists(self) -> None:
        for before, members in _list_runs(self.units):
            if self.in_distractor_section(members[0]):
                continue
            if self.units[members[0]].kind == "table_row":
                self.table(before, members)
                continue
            for group in _list_groups(self.units, before, members):
                self.announced_list(group, members[0])

    def announcement(self, intro: Unit | None, first: int) -> tuple[str | None, str, float]:
        """(tier, evidence, base confidence) for a list whose preceding unit is `intro`."""
        if intro is not None and intro.kind in ("paragraph", "list_item"):
            sentence = _last_sentence(intro.text)
            folded = fold(sentence)
            if self.cues.distractor.search(folded):
                return None, "", 0.0
            tier = _tier_of(sentence, self.cues)
            if tier:
                return tier, f"lijst na '{_quote(sentence, tail=True)}' (p. {intro.page})", 0.65
            if self.cues.goals_actions.search(folded.strip(" ?:")):
                return None, "", 0.0  # "Wat gaan we daarvoor doen?" under a priority: actions
        tier, heading = self.heading_tier(first)
        if tier and not self.under_goals_or_actions(first):
            return tier, f"lijst onder kop '{_quote(_heading_number(heading.text)[1])}' (p. {heading.page})", 0.6
        return None, "", 0.0

    def announced_list(self, group: _ListGroup, first: int) -> None:
        tier, evidence, confidence = self.announcement(group.intro, first)
        if tier is None:
            return
        cleaned = [_clean_item(u.text) for u in group.items]
        shape = _item_shape_score([text for text, _ in cleaned])
        if shape < 0:
            return
        for unit, (text, tail), sub in zip(group.items, cleaned, group.contexts):
            context = "; ".join(part for part in [tail, *sub] if part)
            if text:
                self.add(tier, text, context, unit, evidence, confidence + shape)

    def table(self, before: int, members: list[int]) -> None:
        rows = [_table_cells(self.units[i]) for i in members]
        header = rows[0]
        header_tier = _tier_of(header[0], self.cues) if len(header[0].split()) <= 3 else None
        intro = self.units[before] if before >= 0 else None
        tier, evidence, confidence = self.announcement(intro, members[0])
        if header_tier and tier is None:
            tier, evidence, confidence = header_tier, f"tabel met kolom '{_quote(header[0])}'", 0.65
        if tier is None:
            return
        body = list(zip(members, rows))
        if header_tier or (len(header) > 1 and all(len(c.split()) <= 3 for c in header)
                           and not any(c.endswith((".", ";")) for c in header)):
            body = body[1:]  # a header row ("Prioriteit | Doel")
        items = [(i, _clean_item(cells[0])[0], " | ".join(cells[1:])) for i, cells in body if cells]
        shape = _item_shape_score([text for _, text, _ in items])
        if shape < 0:
            return
        evidence = evidence.replace("lijst", "tabel", 1)
        for i, text, context in items:
            self.add(tier, text, context, self.units[i], f"{evidence} (p. {self.units[i].page})"
                     if "(p." not in evidence else evidence, confidence + shape)

    # headings
    def headings(self) -> None:
        for i, unit in enumerate(self.units):
            if unit.kind != "heading" or self.in_distractor_section(i) or _is_distractor_heading(unit, self.cues):
                continue
            title = _heading_number(unit.text)[1]
            if _NUMBERED_PRIORITY.match(title):
                text, tail = _clean_item(title)
                self.add(PRIORITEIT, text, tail or self.first_paragraph(i), unit,
                         f"kop '{_quote(title)}' (p. {unit.page})", 0.85)
                continue
            parent = self.sections[i].nearest
            if parent is None or parent.depth >= unit.depth:
                continue
            tier = _announces_children(_heading_number(parent.text)[1], self.cues)
            if tier is None or self._is_frame(title):
                continue
            self.add(tier, _clean_item(title)[0], self.first_paragraph(i), unit,
                     f"paragraaf onder hoofdstuk '{_quote(_heading_number(parent.text)[1])}' (p. {unit.page})",
                     0.75 if tier == PRIORITEIT else 0.7)

    def paragraph_titles(self) -> None:
        """Sub-headings the extractor read as paragraphs: under a heading that announces its
        children ("Overige thema's", "Wat we blijven doen"), short unpunctuated lines that each
        open a paragraph of text ("Mensenhandel" / "Hier zetten we de aanpak voort."). Two or
        more are needed: one short line can be a fragment."""
        titles: list[tuple[int, str, Unit]] = []

        def close() -> None:
            if len(titles) >= 2:
                for i, tier, unit in titles:
                    heading = self.sections[i].nearest
                    self.add(tier, _clean_item(unit.text)[0], self.first_paragraph(i), unit,
                             f"tussenkop onder '{_quote(_heading_number(heading.text)[1])}' (p. {unit.page})",
                             0.7 if tier == PRIORITEIT else 0.65)
            titles.clear()

        for i, unit in enumerate(self.units):
            if unit.kind == "heading":
                close()
                continue
            if unit.kind != "paragraph" or not _PARAGRAPH_TITLE.match(unit.text) or len(unit.text.split()) > 8 \
                    or self._is_frame(unit.text) \
                    or i + 1 >= len(self.units) or self.units[i + 1].kind != "paragraph" \
                    or len(self.units[i + 1].text.split()) <= len(unit.text.split()) or self.in_distractor_section(i):
                continue
            tier, heading = self.heading_tier(i)
            if tier is not None and not self.under_goals_or_actions(i):
                titles.append((i, tier, unit))
        close()

    def _is_frame(self, title: str) -> bool:
        """A sub-chapter that is part of the plan's frame (goals, approach, analysis, the start of
        the second tier such as "Reguliere aanpak"), not an item."""
        folded = fold(title).strip(" ?:")
        # the frame word leads the title ("Organisatie en financien", "Uitvoering en organisatie"); in
        # "Een integere en weerbare organisatie" it is the object of a theme
        lead = " ".join(folded.split()[:3]) + " | " + " ".join(re.sub(r"^(?:de|het|een)\s+", "", folded).split()[:3])
        return (bool(self.cues.goals_actions.search(folded)) or bool(self.cues.distractor.search(folded))
                or bool(_CAPTION.match(folded))
                or bool(self.cues.structural_chapters.search(lead)) or bool(self.cues.second_tier.search(folded))
                or title.rstrip().endswith("?") or len(title.split()) > MAX_ITEM_WORDS)

    def first_paragraph(self, i: int) -> str:
        for unit in self.units[i + 1: i + 4]:
            if unit.kind == "heading":
                break
            if unit.kind == "paragraph":
                return _trim(unit.text)
        return ""

    # running sentences
    def sentences(self) -> None:
        for i, unit in enumerate(self.units):
            if unit.kind not in ("paragraph", "list_item") or self.in_distractor_section(i):
                continue
            previous = ""
            under_second_tier = self.heading_tier(i)[0] == OVERIG
            for sentence in _sentences(unit.text):
                found = _enumeration(sentence, previous, self.cues, under_second_tier)
                previous = sentence
                if found is None:
                    continue
                tier, items = found
                evidence = f"opsomming in de zin '{_quote(sentence)}' (p. {unit.page})"
                for text, context in items:
                    self.add(tier, text, context or _trim(sentence), unit, evidence, 0.6)

    # table of contents
    def toc(self) -> None:
        entries = [(i, u) for i, u in enumerate(self.units) if u.kind == "toc"]
        for n, (i, entry) in enumerate(entries):
            if _NUMBERED_PRIORITY.match(entry.text):
                self.add(PRIORITEIT, _clean_item(entry.text)[0], "", entry,
                         f"inhoudsopgave: '{_quote(entry.text)}' (p. {entry.page})", 0.7, in_body=False)
                continue
            tier = _announces_children(entry.text, self.cues)
            if tier is None or not entry.number:
                continue
            for _, child in entries[n + 1:]:
                if child.depth <= entry.depth:
                    break
                if child.depth == entry.depth + 1 and child.number.startswith(entry.number + ".") \
                        and not self._is_frame(child.text):
                    self.add(tier, _clean_item(child.text)[0], "", child,
                             f"inhoudsopgave: onder hoofdstuk '{_quote(entry.text)}' (p. {child.page})", 0.65, in_body=False)

    # theme chapters
    def theme_chapters(self) -> None:
        """No list anywhere: the plan's priorities are its theme chapters (body headings, or
        the table of contents when the body is not there)."""
        text = fold(" ".join(u.text for u in self.units if u.kind != "toc"))
        if not self.cues.priority.search(text) or self.cues.no_priorities.search(text):
            return
        span = re.search(r"hoofdstuk(?:ken)? (\d{1,2}) (?:tot en met|t/m|tot|-|–) (\d{1,2})", text)
        for kind in ("heading", "toc"):
            chapters = [(i, u) for i, u in enumerate(self.units)
                        if u.kind == kind and u.depth == 1 and re.fullmatch(r"\d{1,2}", u.number or "")]
            if span:
                low, high = int(span.group(1)), int(span.group(2))
                chapters = [(i, u) for i, u in chapters if low <= int(u.number) <= high]
            themes = [(i, u) for i, u in chapters
                      if not self._is_frame(_title(u)) and not _is_distractor_heading(u, self.cues)
                      and not (kind == "heading" and self.in_distractor_section(i))]
            if len(themes) >= 2:
                why = "de plantekst noemt deze hoofdstukken zijn prioriteiten" if span else \
                    "het plan heeft geen aparte lijst; het werkt zijn prioriteiten per thema uit"
                for i, unit in themes:
                    where = "hoofdstuk" if kind == "heading" else "inhoudsopgave, hoofdstuk"
                    self.add(PRIORITEIT, _clean_item(_title(unit))[0], self.first_paragraph(i) if kind == "heading" else "",
                             unit, f"{where} '{_quote(_title(unit))}' (p. {unit.page}); {why}",
                             0.7 if span else 0.45, in_body=kind == "heading")
                return

    def add(self, level: str, text: str, context: str, unit: Unit, evidence: str, confidence: float,
            in_body: bool = True) -> None:
        text = text.strip()
        if not text or not normalized_item(text) or len(text.split()) > MAX_ITEM_WORDS:
            return
        self.candidates.append(Candidate(level, text, _trim(context), unit.page, unit.block_id, evidence,
                                         round(min(confidence, 0.95), 2), in_body))

    def find(self) -> tuple[list[Candidate], str]:
        self.lists()
        self.headings()
        self.paragraph_titles()
        self.sentences()
        self.toc()
        if not any(c.level == PRIORITEIT for c in self.candidates):
            self.theme_chapters()
        items = _merge(self.candidates, self.units)
        return items, _finding(items, self.units, self.cues)


# -- running sentences ------------------------------------------------------------------------
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9‘'\"(])")
_VERB_TRIGGER = re.compile(r"(?:\b(?:zijn|is|betreffen|betreft|namelijk)\b|[:;])\s*", re.IGNORECASE)
_PREPOSITION_TRIGGER = re.compile(r"\b(?:op|aan|voor|naar|om)\s+", re.IGNORECASE)
_TRAILING_CLAUSE = re.compile(r"\s+(?:als|zijn|is|worden|wordt|hebben|krijgen|vormen|staan|centraal)\b.*$|\s*[;(].*$|[.!?]+$")
_EXAMPLES = re.compile(r"\b(zoals|bijvoorbeeld|bijv\.|waaronder|onder andere|o\.a\.)\s")


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(" ".join(text.split())) if s.strip()]


def _last_sentence(text: str) -> str:
    sentences = _sentences(text)
    return sentences[-1] if sentences else text


def _and_is_split(left: list[str], right: list[str]) -> bool:
    """Whether the 'en' between `left` and `right` words may separate two items."""
    if not left or not right or right[0].startswith(("-", "–")):
        return False  # a shared compound head: "jeugdoverlast en -criminaliteit"
    atom = list(itertools.takewhile(lambda w: w.lower() not in ("en", "of"), right))
    left_atom = list(itertools.takewhile(lambda w: w.lower() not in ("en", "of"), reversed(left)))[::-1]
    left_atom = left_atom[1:] if len(left_atom) > 1 and left_atom[0].lower() in ("een", "de", "het") else left_atom
    if len(left_atom) == 1 and len(atom) >= 2 and left_atom[0].lower().endswith("e") and right[0].lower().endswith("e"):
        return False  # two adjectives sharing a noun: "ondermijnende en georganiseerde criminaliteit", "een veilige en leefbare wijk"
    head = fold(right[0]).strip(",.;:")
    if (len(atom) == 1 and head in ("veiligheid", "criminaliteit", "overlast", "zorg", "leefbaarheid")) or head == "veiligheid":
        return False  # a fixed pair: "jeugd en veiligheid", "zorg en veiligheid", "openbare orde en veiligheid op peil"
    return True


def _split_last_and(segment: str, only_part: bool = False) -> list[str]:
    """The last comma part of an enumeration holds its last two items: 'A en B' -> ['A', 'B'].

    Keeps 'zorg en veiligheid', 'ondermijnende en georganiseerde criminaliteit', 'jeugdoverlast en
    -criminaliteit'. With several 'en' ('woninginbraken en overvallen en een sterke
    informatiepositie') items are themselves pairs: the first split that leaves no one-word item
    wins, else the last allowed one. A lone 'X en Y' of two words (no comma in the enumeration:
    'Ook woninginbraken en overvallen krijgen aandacht') is one theme."""
    words = segment.split()
    positions = [p for p in range(1, len(words) - 1) if words[p].lower() in ("en", "of")
                 and _and_is_split(words[:p], words[p + 1:])]
    if not positions or (only_part and len(words) == 3):
        return [segment]
    chosen = positions[-1]
    if len(positions) > 1:
        chosen = next((p for p in positions if 1 < p <= 8 and 2 <= len(words) - p - 1 <= 8), chosen)
    return [" ".join(words[:chosen]), " ".join(words[chosen + 1:])]


_SPACED_DASH = re.compile(r"\s[-–]\s")
_PROTECTED_COMMA, _PROTECTED_AND = "\x00", "\x01"


def _protect_dash_items(enumeration: str) -> str:
    """'fysieke veiligheid - brand, externe veiligheid en crisis' is one item: after a spaced dash
    the commas and the first 'en' belong to the item's own sub-list."""
    out, rest = "", enumeration
    while (dash := _SPACED_DASH.search(rest)) is not None:
        head, tail = rest[: dash.end()], rest[dash.end():]
        end = re.search(r"\s(?:en|of)\s", tail)
        if end is None or "," not in tail[: end.start()] and len(tail[: end.start()].split()) > 4:
            out, rest = out + head, tail
            continue
        inner = tail[: end.end()].replace(",", _PROTECTED_COMMA)
        inner = inner[: end.start()] + re.sub(r"\b(en|of)\b", lambda m: _PROTECTED_AND + m.group(1), inner[end.start():], count=1)
        out, rest = out + head + inner, tail[end.end():]
    return out + rest


def _item_words(item: str) -> int:
    """Words of an enumerated item before its sub-list ('fysieke veiligheid - brand, ...': 2)."""
    return len(_SPACED_DASH.split(item)[0].split())


def _restore(text: str) -> str:
    return text.replace(_PROTECTED_COMMA, ",").replace(_PROTECTED_AND, "")


def _enumeration_items(enumeration: str) -> list[str]:
    """'A, B en C' -> ['A', 'B', 'C'] (the rules of `_split_last_and` and `_protect_dash_items`)."""
    protected = _protect_dash_items(enumeration)
    parts = [p.strip() for p in protected.replace(";", ",").split(",") if p.strip()]
    if not parts:
        return []
    parts[-1] = _TRAILING_CLAUSE.sub("", re.sub(r"^(en|of)\s+", "", parts[-1])).strip()
    last = _split_last_and(parts[-1], only_part=len(parts) == 1)
    return [_restore(re.sub(r"^(en|of)\s+", "", p).strip(" .;:")) for p in parts[:-1] + last]


# "Ook A en B krijgen aandacht, maar ...", "Onderwerpen als A, B en C zetten we onverminderd voort":
# the second tier named before the words that give it its (lesser) attention.
_SECOND_TIER_SUBJECT = re.compile(
    r"^(?:(?:ook|daarnaast|verder|tevens|bovendien)\s+(?:(?:andere\s+)?(?:onderwerpen|thema'?s|zaken|vraagstukken)\s+(?:als|zoals)\s+)?"
    r"|(?:andere\s+)?(?:onderwerpen|thema'?s|zaken|vraagstukken)\s+(?:als|zoals)\s+)"
    r"(?P<items>.+?)\s+"
    r"(?:(?:(?:krijg(?:en|t)|vrag(?:en)|vraagt|verdien(?:en|t))\s+(?:\w+\s+){0,2}|houd(?:en|t)\s+(?:ook\s+)?onze\s+)aandacht"
    r"(?!\s+(?:voor|aan|te|besteden|geven|schenken)\b)"  # "Ook de wijkagent vraagt aandacht voor ...": an actor
    r"|blijv(?:en|t)\s+(?:\w+\s+){0,3}(?:aandacht\s+(?:krijgen|vragen|houden|nodig\s+hebben)|in\s+beeld)"
    r"|zett(?:en|ten)\s+(?:we|wij)\s+(?:\w+\s+){0,3}(?:voort|door)"
    r"|(?:hebben|heeft|krijgen|krijgt)\s+geen\s+(?:prioriteit|voorrang)"
    r"|(?:vallen|valt)\s+(?:onder|binnen)\s+(?:de\s+)?reguliere)\b",
    re.IGNORECASE)
# Who gives the attention is not a theme: "Verder blijven wij aandacht houden voor ...".
_ACTOR = re.compile(r"(?:we|wij|ze|zij|ik|u|men|het college|de gemeente|de politie|de burgemeester|partners|onze partners)\b")
# The same with the verb first ("Daarnaast krijgen A en B aandacht", "Verder zetten we A en B voort").
_ATTENTION_MODIFIERS = r"(?:(?:ook|wel|nog|steeds|blijvend|blijvende|onverminderd|onze|de|gewoon)\s+)*"
_SECOND_TIER_SUBJECT_AFTER_VERB = re.compile(
    r"^(?:ook|daarnaast|verder|tevens|bovendien)\s+"
    r"(?:(?:krijgen|vragen|verdienen)\s+(?P<items>.+?)\s+" + _ATTENTION_MODIFIERS + r"aandacht"
    r"(?!\s+(?:voor|aan|te|besteden|geven|schenken)\b)"
    r"|blijven\s+(?P<items2>.+?)\s+" + _ATTENTION_MODIFIERS + r"(?:aandacht\s+(?:krijgen|vragen|houden)|in\s+beeld)"
    r"|zetten\s+(?:we|wij)\s+(?:de\s+aanpak\s+van\s+)?(?P<items3>.+?)\s+" + _ATTENTION_MODIFIERS + r"(?:voort|door)\b)",
    re.IGNORECASE)


def _enumeration(sentence: str, previous: str, cues: Cues, under_second_tier: bool = False) -> tuple[str, list[tuple[str, str]]] | None:
    """(tier, [(item, context)]) when a sentence states the plan's priorities as an enumeration.

    The cue must announce the enumeration: 'De prioriteiten ... zijn A, B en C', 'We zetten
    extra in op: A, B en C', 'A, B en C zijn als prioriteiten vastgesteld', or a sentence after
    one ending in ':'. Without a colon, at least three items are needed: 'X en Y' after a cue is
    far more often a clause than a list."""
    folded = fold(sentence)
    if cues.distractor.search(folded) or cues.no_priorities.search(folded):
        return None
    cue_pattern = cues.second_tier if cues.second_tier.search(folded) else cues.priority
    tier = OVERIG if cue_pattern is cues.second_tier else PRIORITEIT
    cue = cue_pattern.search(folded)
    subject = _SECOND_TIER_SUBJECT.match(sentence) or _SECOND_TIER_SUBJECT_AFTER_VERB.match(sentence)
    named = next((v for k, v in subject.groupdict().items() if k.startswith("items") and v), "") if subject else ""
    if tier == OVERIG and named and not _ACTOR.match(fold(named)):
        if _EXAMPLES.search(fold(named)[:30]):
            return None
        items = _enumeration_items(named)
        if items and all(p and _item_words(p) <= 8 for p in items):
            return tier, [(p, "") for p in items]
        return None
    if cue is None:
        if not previous.rstrip().endswith(":") or _tier_of(previous, cues) is None:
            return None
        tier, enumeration = _tier_of(previous, cues), sentence
    elif after := re.match(r"(.+?)\s+(?:zijn|worden|staan)?\s*als\s+(?:\w+\s+){0,2}(?:prioriteit|speerpunt)", sentence):
        # "Na overleg zijn A, B en C als lokale prioriteiten vastgesteld."
        head = after.group(1)
        verb = list(_VERB_TRIGGER.finditer(head))
        if cue.end() < len(head):  # "Wij kiezen voor de periode X voor A, B en C als prioriteiten"
            enumeration = _after_trigger(head, cue.end()) or head
        else:
            enumeration = head[verb[-1].end():] if verb else head
    elif (colon := sentence.find(": ", cue.end())) >= 0:
        enumeration = sentence[colon + 2:]
    else:
        enumeration = _after_trigger(sentence, cue.end())
        if enumeration is None:
            return None
    if _EXAMPLES.search(fold(enumeration[:30])):
        return None
    enumeration = enumeration.strip().rstrip(" .")
    if ";" in enumeration and ": " in enumeration:  # "A: subthema's; B: subthema's; C: ..."
        items = []
        for part in (p.strip() for p in enumeration.split(";") if p.strip()):
            head, found, tail = part.rpartition(": ")
            items.append((head, tail) if found and len(head.split()) <= 8 else (part, ""))
        return (tier, items) if len(items) >= 2 and all(len(h.split()) <= 8 for h, _ in items) else None
    items = _enumeration_items(enumeration)
    if not items:
        return None
    minimum = 2 if ":" in sentence or cue is None or tier == OVERIG else 3
    if tier == OVERIG and under_second_tier:
        minimum = 1  # "Daarnaast blijven we aandacht besteden aan X." under "Overige thema's"
    if len(items) < minimum or any(not p or _item_words(p) > 8 for p in items):
        return None
    return tier, [(p, "") for p in items]


def _after_trigger(sentence: str, cue_end: int) -> str | None:
    """The text after the word that opens the enumeration ('zijn', 'op', ':', ...), when that word
    follows the cue closely and without a comma in between (else the cue is about something else)."""
    window = sentence[cue_end:]
    triggers = [m for m in _VERB_TRIGGER.finditer(window)] or [m for m in _PREPOSITION_TRIGGER.finditer(window)]
    for trigger in triggers:
        between = window[: trigger.start()]
        if "," in between or len(between.split()) > 8:
            return None
        return window[trigger.end():]
    return None


# -- merging and output -----------------------------------------------------------------------
def _same_item(a: str, b: str) -> bool:
    return fuzz.token_sort_ratio(normalized_item(a), normalized_item(b)) >= SAME_ITEM_SIMILARITY


def _merge(candidates: list[Candidate], units: list[Unit]) -> list[Candidate]:
    """One item per priority: the best wording, the first page in the body, the highest
    confidence (a little higher when several parts of the plan agree)."""
    groups: list[list[Candidate]] = []
    for candidate in sorted(candidates, key=lambda c: (-c.confidence, c.block_id)):
        for group in groups:
            if _same_item(group[0].text, candidate.text):
                group.append(candidate)
                break
        else:
            groups.append([candidate])
    merged = []
    for group in groups:
        best = group[0]
        body = [c for c in group if c.in_body] or _body_occurrences(best, units) or group
        first = min(body, key=lambda c: c.block_id)
        sources = {c.evidence.split(" (p.")[0].split(":")[0] for c in group}
        confidence = min(0.98, best.confidence + 0.05 * (len(sources) - 1))
        evidence = first.evidence if first.level == best.level else best.evidence
        context = best.context or next((c.context for c in group if c.context), "")
        merged.append(Candidate(best.level, best.text, context, first.page, first.block_id, evidence,
                                round(confidence, 2), True))
    return sorted(merged, key=lambda c: (c.block_id, c.level))


def _body_occurrences(candidate: Candidate, units: list[Unit]) -> list[Candidate]:
    """Where the body states a table-of-contents item: the heading with the same title."""
    found = []
    for i, unit in enumerate(units):
        if unit.kind == "heading" and _same_item(_title(unit), candidate.text):
            context = next((u.text for u in units[i + 1: i + 4] if u.kind == "paragraph"), "")
            found.append(Candidate(candidate.level, candidate.text, _trim(context), unit.page, unit.block_id,
                                   f"{candidate.evidence}; kop op p. {unit.page}", candidate.confidence))
    return found


def _finding(items: list[Candidate], units: list[Unit], cues: Cues) -> str:
    n_priorities = sum(c.level == PRIORITEIT for c in items)
    n_second = len(items) - n_priorities
    if n_priorities:
        found = f"{n_priorities} prioriteit(en)" + (f" en {n_second} overig(e) thema('s)" if n_second else "")
        if all("hoofdstuk '" in c.evidence and "geen aparte lijst" in c.evidence for c in items if c.level == PRIORITEIT):
            found += "; afgeleid uit de themahoofdstukken (geen expliciete lijst), controleren"
        return found
    text = fold(" ".join(u.text for u in units))
    if cues.no_priorities.search(text):
        reason = "geen prioriteiten gevonden: het plan benoemt bewust geen prioriteiten"
    elif not units:
        reason = "geen prioriteiten gevonden: geen tekst uit het document gelezen"
    else:
        reason = "geen prioriteiten gevonden"
    return reason + (f" ({n_second} overig(e) thema('s))" if n_second else "")


def item_id(doc_id: str, level: str, text: str) -> str:
    """Stable across runs (review corrections are keyed by it): the plan and the item's words."""
    return f"{doc_id}-{hashlib.sha1(f'{level}|{normalized_item(text)}'.encode()).hexdigest()[:8]}"


@dataclass
class SpeerpuntResult:
    items: pd.DataFrame      # schemas "speerpunten"
    findings: pd.DataFrame   # one row per document: doc_id, source_file, n_prioriteit, n_overig_thema, finding


FINDINGS_COLUMNS = ["doc_id", "source_file", "n_prioriteit", "n_overig_thema", "finding"]


def find_in_blocks(blocks: pd.DataFrame) -> tuple[list[Candidate], str]:
    """The merged items of one plan's blocks, and the finding in words."""
    return _Finder(_units(blocks), load_cues()).find()


def find_speerpunten(documents: pd.DataFrame, blocks: pd.DataFrame) -> SpeerpuntResult:
    """Every plan's priorities and second tier (`items`) and a finding per document."""
    schemas.validate("documents", documents)
    schemas.validate("blocks", blocks)
    by_doc = dict(tuple(blocks.groupby("doc_id", sort=False))) if len(blocks) else {}
    rows, findings = [], []
    for doc in documents.to_dict("records"):
        doc_blocks = by_doc.get(doc["doc_id"], schemas.empty("blocks"))
        items, finding = find_in_blocks(doc_blocks)
        if doc.get("status") == "error" and not len(doc_blocks):
            finding = f"geen prioriteiten gevonden: document niet gelezen ({doc.get('reason') or 'onbekende fout'})"
        seen = set()
        for item in items:
            key = item_id(doc["doc_id"], item.level, item.text)
            if key in seen:
                continue
            seen.add(key)
            rows.append({"item_id": key, "doc_id": doc["doc_id"], "source_file": doc["source_file"],
                         "municipalities": doc["municipalities"], "period": doc["period"], "level": item.level,
                         "text": item.text, "context": item.context, "page": item.page, "evidence": item.evidence,
                         "confidence": item.confidence})
        findings.append({"doc_id": doc["doc_id"], "source_file": doc["source_file"],
                         "n_prioriteit": sum(i.level == PRIORITEIT for i in items),
                         "n_overig_thema": sum(i.level == OVERIG for i in items), "finding": finding})
    items_table = pd.DataFrame(rows, columns=list(schemas.SCHEMAS["speerpunten"])) if rows else schemas.empty("speerpunten")
    items_table = items_table.astype({"page": "int64", "confidence": "float64"})
    findings_table = pd.DataFrame(findings, columns=FINDINGS_COLUMNS).astype({"n_prioriteit": "int64", "n_overig_thema": "int64"})
    return SpeerpuntResult(schemas.validate("speerpunten", items_table), findings_table)
