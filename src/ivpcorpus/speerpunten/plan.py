"""A plan as the forms read it: its units, their sections, and the judgements every form shares
(is a unit in a distractor section, what tier does its heading announce, is a title frame)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ivpcorpus.speerpunten.candidates import CAPTION, trim
from ivpcorpus.speerpunten.cues import MAX_ITEM_WORDS, Cues, fold
from ivpcorpus.speerpunten.units import (
    NUMBERED_PRIORITY, Section, Unit, announces_children, heading_number, is_distractor_heading, sections_of, title_of,
)


@dataclass
class Plan:
    units: list[Unit]
    cues: Cues
    sections: list[Section] = field(init=False)

    def __post_init__(self) -> None:
        self.sections = sections_of(self.units)

    def in_distractor_section(self, i: int) -> bool:
        return any(is_distractor_heading(h, self.cues) for h in self.sections[i].headings)

    def heading_tier(self, i: int) -> tuple[str | None, Unit | None]:
        """The tier announced by the nearest heading of unit i (a list directly under it)."""
        nearest = self.sections[i].nearest
        if nearest is None or NUMBERED_PRIORITY.match(heading_number(nearest.text)[1]):
            return None, None  # under "Prioriteit 1: X" a list holds goals or actions, not priorities
        return announces_children(heading_number(nearest.text)[1], self.cues), nearest

    def under_goals_or_actions(self, i: int) -> bool:
        nearest = self.sections[i].nearest
        return nearest is not None and bool(self.cues.goals_actions.search(fold(title_of(nearest)).strip(" ?:")))

    def is_frame(self, title: str) -> bool:
        """A sub-chapter that is part of the plan's frame (goals, approach, analysis, the start of
        the second tier such as "Reguliere aanpak"), not an item."""
        folded = fold(title).strip(" ?:")
        # the frame word leads the title ("Organisatie en financien", "Uitvoering en organisatie"); in
        # "Een integere en weerbare organisatie" it is the object of a theme
        lead = " ".join(folded.split()[:3]) + " | " + " ".join(re.sub(r"^(?:de|het|een)\s+", "", folded).split()[:3])
        return (bool(self.cues.goals_actions.search(folded)) or bool(self.cues.distractor.search(folded))
                or bool(CAPTION.match(folded))
                or bool(self.cues.structural_chapters.search(lead)) or bool(self.cues.second_tier.search(folded))
                or title.rstrip().endswith("?") or len(title.split()) > MAX_ITEM_WORDS)

    def first_paragraph(self, i: int) -> str:
        for unit in self.units[i + 1: i + 4]:
            if unit.kind == "heading":
                break
            if unit.kind == "paragraph":
                return trim(unit.text)
        return ""

    def section_titles(self, i: int) -> list[str]:
        """The folded titles of the headings enclosing unit i, outermost first."""
        return [fold(heading_number(h.text)[1]) for h in self.sections[i].headings]
