"""Content model of a synthetic plan: the blocks a producer renders and the items it states.

A `Document` is a format-neutral tree (cover, chapters, blocks). Blocks that state a
speerpunt carry an `anchor`; the producers turn anchors into element ids or markers so the
ground truth can record the page on which each item is stated.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import yaml

from ivpcorpus.codebook import load_codebook
from ivpcorpus.synthetic import GROUND_TRUTH, SYNTHETIC_MARKER  # noqa: F401 - the generator's names for them



@dataclass(frozen=True)
class Phrase:
    text: str
    thema: str
    also: tuple[str, ...] = ()
    lp: tuple[str, ...] = ()
    covers: str = ""
    tier2: bool = True


@dataclass(frozen=True)
class PhraseBank:
    speerpunten: dict[str, tuple[Phrase, ...]]
    weights: dict[str, float]
    texts: dict  # the other lists of wordings, keyed as in phrases.yaml


@lru_cache(maxsize=None)
def load_phrase_bank() -> PhraseBank:
    """The phrase bank shipped next to this module, checked against the codebook."""
    raw = yaml.safe_load(resources.files("ivpcorpus.demo").joinpath("phrases.yaml").read_text(encoding="utf-8"))
    codebook = load_codebook()
    theme_ids, lp_ids = set(codebook.theme_ids), set(codebook.lp_ids)
    speerpunten: dict[str, tuple[Phrase, ...]] = {}
    for thema, entries in raw["speerpunten"].items():
        phrases = tuple(
            Phrase(e["text"], thema, tuple(e.get("also", ())), tuple(e.get("lp", ())), e.get("covers", ""),
                   e.get("tier2", True))
            for e in entries
        )
        unknown = ({thema} | {a for p in phrases for a in p.also}) - theme_ids
        unknown_lp = {x for p in phrases for x in p.lp} - lp_ids
        if unknown or unknown_lp:
            raise ValueError(f"phrases.yaml: ids not in the codebook: {sorted(unknown | unknown_lp)}")
        speerpunten[thema] = phrases
    weights = {k: float(v) for k, v in raw["thema_weights"].items()}
    if set(weights) != set(speerpunten):
        raise ValueError("phrases.yaml: thema_weights and speerpunten must cover the same themes")
    texts = {k: v for k, v in raw.items() if k not in ("speerpunten", "thema_weights")}
    return PhraseBank(speerpunten, weights, texts)


# -- items -----------------------------------------------------------------------------------
@dataclass
class Item:
    """One speerpunt or second-tier theme as the plan states it (the ground truth)."""

    key: str  # anchor of the block that states it
    text: str  # exactly as printed
    level: str  # prioriteit | overig_thema
    thema: str
    also: list[str]
    landelijke_prioriteiten: list[str]
    form: str
    page: int | None = None


# -- blocks ----------------------------------------------------------------------------------
@dataclass
class Heading:
    text: str
    level: int  # 1 chapter, 2 section, 3 subsection
    number: str = ""  # "3", "3.2"; empty for unnumbered headings
    anchor: str = ""

    @property
    def label(self) -> str:
        return f"{self.number} {self.text}".strip() if self.number else self.text


@dataclass
class Paragraph:
    text: str
    anchor: str = ""
    emphasis: bool = False  # a lead-in line in bold, e.g. "Wat gaan we doen?"


@dataclass
class ListEntry:
    text: str
    anchor: str = ""
    children: list[str] = field(default_factory=list)


@dataclass
class ListBlock:
    entries: list[ListEntry]
    ordered: bool = False


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]
    caption: str = ""
    row_anchors: dict[int, str] = field(default_factory=dict)


Block = Heading | Paragraph | ListBlock | Table


@dataclass
class Chapter:
    title: str
    number: str  # "" for voorwoord and bijlagen
    blocks: list[Block]
    two_column: bool = False  # producers that support it set this chapter in two columns
    anchor: str = ""


@dataclass
class Document:
    title_lines: list[str]  # cover title, first line largest
    header_text: str  # running header
    cover_lines: list[str]  # below the title: date, status, synthetic notice
    chapters: list[Chapter]
    language: str = "nl"
