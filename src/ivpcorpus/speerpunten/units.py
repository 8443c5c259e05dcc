"""Units: a plan's blocks as the finder reads them (markers stripped, table of contents marked),
and the sections (enclosing headings) each unit stands in."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from ivpcorpus.speerpunten.cues import MAX_ITEM_WORDS, OVERIG, PRIORITEIT, Cues, fold

_BULLET = re.compile(r"^\s*(?:[•◦▪▫●○■□◆◇►▶➢➤✓✔\-–—*·\uf0b7\uf0a7\uf0d8\uf076\uf0fc]|o(?=\s))\s*")
_ENUM = re.compile(r"^\s*\(?(\d{1,2}|[a-zA-Z]|[ivx]{1,4})[.)]\s*")
_SECTION_NUMBER = re.compile(r"^\s*((?:hoofdstuk|deel|bijlage)\s+)?(\d{1,2}(?:\.\d{1,2}){0,3}|[ivx]{1,4})\.?(?:\s*[:.\-–]\s*|\s+)(?=\S)",
                             re.IGNORECASE)
NUMBERED_PRIORITY = re.compile(r"^\s*(prioriteit|speerpunt|focuspunt)\s+(\d{1,2}|[ivx]{1,4})\s*[:.\-–]\s*(?=\S)", re.IGNORECASE)
_TOC_LOST_CHAPTER = re.compile(r"^\s*(?:[•*\-–]\s*)?(?P<title>[^\d\s][^\d]{1,90}?)\s+(?P<page>\d{1,3})\s+(?P<chapter>\d{1,2})\.1\s")
# "Lokale speerpunten per gemeente": the sub-chapters are places, not items.
_PER_PLACE = re.compile(r"\bper (gemeente|kern|wijk|dorp|stadsdeel)")
_TOC_LINE = re.compile(r"^(?P<title>.*?[^\s.…])(?:\s*(?:\.{2,}|…+)\s*|\s+)(?P<page>\d{1,3})$")
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


# A block that is only a list marker, or a table row whose first cell is one ("3. | text").
_LONE_MARKER = re.compile(r"^\s*(?P<marker>\(?(?:\d{1,2}|[a-z]|[ivx]{1,4})[.)]|[•▪●■◦\-–*])\s*(?:$|\|\s*)")


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


def heading_number(text: str) -> tuple[str, str, int]:
    """'3.2 Ondermijning' -> ('3.2', 'Ondermijning', 2); 'Bijlage 1: X' -> ('bijlage 1', 'X', 1)."""
    m = _SECTION_NUMBER.match(text)
    if not m:
        return "", text.strip(), 0
    number = m.group(2)
    if m.group(1):
        return f"{m.group(1).strip().lower()} {number}", text[m.end():].strip(), 1
    return number, text[m.end():].strip(), number.count(".") + 1


def units_of(blocks: pd.DataFrame) -> list[Unit]:
    units: list[Unit] = []
    rows = blocks.sort_values("block_id").to_dict("records")
    index = 0
    while index < len(rows):
        row = rows[index]
        text = str(row["text"] or "").strip()
        unit = Unit(int(row["block_id"]), int(row["page"]), row["kind"], int(row["level"]), text, text)
        if row["kind"] in ("paragraph", "table_row") and (marker := _LONE_MARKER.match(text)):
            # the marker on its own line or in its own cell, the item after it (official publications
            # as gemeenteblad HTML renders them, and PDFs printed from it): "1." | "Door preventie ..."
            rest = text[marker.end():].strip(" |")
            if not rest and index + 1 < len(rows) and rows[index + 1]["kind"] == "paragraph":
                index += 1
                rest = str(rows[index]["text"]).strip()
            if rest:
                unit.kind, unit.level = "list_item", 0
                unit.text, unit.marker_class = " ".join(rest.split(" | ")), _marker_class(marker.group("marker"))
        elif row["kind"] == "list_item":
            unit.text, unit.marker_class = _strip_list_marker(text)
            # "• a." on its own line and the text on the next (official-publication HTML).
            if not unit.text and index + 1 < len(rows) and rows[index + 1]["kind"] == "paragraph":
                index += 1
                unit.text = str(rows[index]["text"]).strip()
        elif row["kind"] == "heading":
            unit.number, _, unit.depth = heading_number(text)
            unit.depth = unit.depth or max(int(row["level"]), 1)
        if unit.text:
            units.append(unit)
        index += 1
    _join_broken_paragraphs(units)
    units[:] = [part for unit in units for part in _split_wrapped_enumeration(unit)]
    _restore_lost_markers(units)
    _mark_toc(units)
    return units


def _join_broken_paragraphs(units: list[Unit]) -> None:
    """A sentence that a column or page break cut into two blocks ("... let extra op ondermijning,"
    | "digitale veiligheid en zorg."): the second part starts in lower case and the first does
    not end a sentence. One unit again, so a sentence form sees the whole enumeration."""
    joined: list[Unit] = []
    for unit in units:
        previous = joined[-1] if joined else None
        if previous is not None and previous.kind == unit.kind == "paragraph" and unit.text[:1].islower() \
                and not previous.text.endswith((".", ":", ";", "!", "?")) and unit.page - previous.page <= 1:
            previous.text = f"{previous.text} {unit.text}"
            previous.raw = f"{previous.raw} {unit.raw}"
            continue
        joined.append(unit)
    units[:] = joined


_LEADING_NUMBER = re.compile(r"^\s*\(?(\d{1,2})[.)]\s")
# After the last inline item, the paragraph goes on with a new sentence: "4. b. Daarnaast wordt ..."
_SENTENCE_AFTER_ITEM = re.compile(r"(?<=[.;])\s+(?=[A-Z][a-z]+\s+\w+\s+\w+)")


def _split_wrapped_enumeration(unit: Unit) -> list[Unit]:
    """An inline enumeration ("Dit zijn: 1. a 2. b 3. c 4. d. Daarnaast ...") that a PDF wrapped
    so that a line starts with a number is read by the extractor as list items holding several
    items each ("a 2. b", "c 4. d. Daarnaast ..."). Split such an item at the markers that
    continue its own number, and give the sentence after the last item back as a paragraph."""
    first = _LEADING_NUMBER.match(unit.raw) if unit.kind == "list_item" and unit.marker_class == "digit" else None
    if not first:
        return [unit]
    number, pieces, rest = int(first.group(1)), [], unit.text
    while m := re.search(rf"\s\(?{number + 1}[.)]\s+(?=\S)", rest):
        pieces.append(rest[:m.start()].strip())
        rest, number = rest[m.end():], number + 1
    if not pieces:
        return [unit]
    tail = _SENTENCE_AFTER_ITEM.split(rest, maxsplit=1)
    parts = [Unit(unit.block_id, unit.page, "list_item", unit.level, text, unit.raw, marker_class="digit")
             for text in [*pieces, tail[0].strip()] if text]
    if len(tail) == 2:
        parts.append(Unit(unit.block_id, unit.page, "paragraph", 0, tail[1].strip(), tail[1].strip()))
    return parts


def _restore_lost_markers(units: list[Unit]) -> None:
    """A short paragraph between two items of a list whose items end in ';' is an item whose
    marker the extractor lost ("a. ...;" "b. ...;" "aanpak ondermijning;" "d. ...")."""
    for before, unit, after in zip(units, units[1:], units[2:]):
        if unit.kind == "paragraph" and before.kind == after.kind == "list_item" \
                and before.text.endswith((";", ",")) and len(unit.text.split()) <= MAX_ITEM_WORDS:
            unit.kind, unit.level, unit.marker_class = "list_item", before.level, before.marker_class


# A dot leader, also spaced (". . . ."), as table-of-contents lines draw it.
_DOT_LEADER = re.compile(r"(?:\s*[.…·]){3,}\s*")


def _without_leader(text: str) -> str:
    return _DOT_LEADER.sub(" ", text).strip()


def _is_toc_line(unit: Unit) -> bool:
    line = _without_leader(unit.raw)
    return unit.kind in ("heading", "list_item", "paragraph") and len(line.split()) <= 16 \
        and bool(_TOC_LINE.match(line)) and bool(_SECTION_NUMBER.match(line) or NUMBERED_PRIORITY.match(line))


def _join_wrapped_toc_entries(units: list[Unit]) -> None:
    """A long table-of-contents entry that a PDF wrapped onto a second line ("6.2 Maatschappelijk
    ongenoegen, moderne" | "rampen en crises 15"): the first part has the number, the second the
    page. Between two entries of the table of contents they are one entry again."""
    joined: list[Unit] = []
    index = 0
    while index < len(units):
        unit = units[index]
        if 0 < index and index + 2 < len(units) and joined and _is_toc_line(joined[-1]) and _is_toc_line(units[index + 2]):
            head, tail = _without_leader(unit.raw), _without_leader(units[index + 1].raw)
            if _SECTION_NUMBER.match(head) and not _TOC_LINE.match(head) and len(head.split()) <= 12 \
                    and not _SECTION_NUMBER.match(tail) and _TOC_LINE.match(tail) and len(tail.split()) <= 8:
                glue = "" if head.endswith("-") and tail[:1].islower() else " "
                raw = (head[:-1] if not glue else head) + glue + tail
                joined.append(Unit(unit.block_id, unit.page, unit.kind, unit.level, raw, raw,
                                   unit.marker_class, *heading_number(raw)[::2]))
                index += 2
                continue
        joined.append(unit)
        index += 1
    units[:] = joined


def _mark_toc(units: list[Unit]) -> None:
    """Table-of-contents entries become kind 'toc' (with depth and target page): they are
    evidence of structure, never the place where an item is stated."""
    _join_wrapped_toc_entries(units)
    run: list[Unit] = []

    def close() -> None:
        if len(run) >= 3:
            for entry in run:
                title = _TOC_LINE.match(_without_leader(entry.raw))
                entry.toc_page = int(title.group("page"))
                entry.number, entry.text, entry.depth = heading_number(title.group("title"))
                entry.depth = entry.depth or 1
                entry.kind = "toc"
        run.clear()

    for unit in units:
        line = _without_leader(unit.raw)
        if unit.kind in ("heading", "list_item", "paragraph") and len(line.split()) <= 16 and _TOC_LINE.match(line) \
                and (_SECTION_NUMBER.match(line) or NUMBERED_PRIORITY.match(line) or run):
            run.append(unit)
        else:
            close()
    close()
    # A table of contents flattened into running text: "1. Inleiding 3 1.1 Aanleiding 3 2. ...",
    # sometimes with the chapter number lost ("• Ondermijning 7 3.1 ..." is chapter 3); or two
    # of its lines joined into one entry ("2.3 Jeugd . . . 7 3 Prioriteiten . . . 8").
    expanded: list[Unit] = []
    previous_was_toc = False
    for unit in units:
        line = _without_leader(unit.raw)
        entries = list(_TOC_INLINE.finditer(line))
        if (len(entries) >= 2 if unit.kind == "toc" else len(entries) >= 3 or (previous_was_toc and entries)):
            if unit.kind != "toc" and (lost := _TOC_LOST_CHAPTER.match(line)):
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


def sections_of(units: list[Unit]) -> list[Section]:
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


def title_of(unit: Unit) -> str:
    return NUMBERED_PRIORITY.sub("", heading_number(unit.text)[1] if unit.kind == "heading" else unit.text)


def is_distractor_heading(unit: Unit, cues: Cues) -> bool:
    folded = fold(heading_number(unit.text)[1])
    if cues.distractor.search(folded):
        return True
    return bool(cues.descriptive_sections.search(folded)) and not cues.priority.search(folded)


def announces_children(title: str, cues: Cues) -> str | None:
    """The tier of a chapter whose sub-chapters are the items ("Prioriteiten", "Strategische
    thema's"); a mixed title ("Analyse veiligheidssituatie en prioriteiten") announces nothing."""
    folded = fold(title)
    if cues.distractor.search(folded) or cues.descriptive_sections.search(folded) or len(title.split()) > 6 \
            or _PER_PLACE.search(folded):
        return None
    return tier_of(title, cues)


def tier_of(text: str, cues: Cues) -> str | None:
    """The tier a text announces; the second tier wins ("Naast de prioriteiten blijven we aandacht
    besteden aan:"), unless 'naast' governs it ("Naast de reguliere werkzaamheden zijn er vier
    speerpunten:")."""
    folded = fold(text)
    if second := cues.second_tier.search(folded):
        besides = cues.besides.search(folded, 0, second.start() + 1)
        if besides and second.start() - besides.end() <= 30 and cues.priority.search(folded, second.end()):
            return PRIORITEIT
        return OVERIG
    if cues.priority.search(folded):
        return PRIORITEIT
    return None

