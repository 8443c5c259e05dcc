"""The Dutch cue patterns of `data/speerpunten/cues.yaml` and the folded form they match."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml
from unidecode import unidecode

from ivpcorpus import catalog

PRIORITEIT, OVERIG = catalog.LEVELS
CONTEXT_CHARS = 300
MAX_ITEM_WORDS = 14
# List items may be whole sentences ("Door preventie de woninginbraken verder omlaag brengen."); the
# scorer weighs their length.
MAX_LIST_ITEM_WORDS = 30
# Items of a running enumeration are phrases: a longer one is a clause the split went wrong on.
MAX_SENTENCE_ITEM_WORDS = 10


# -- cues --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Cues:
    number_words: dict
    fixed_pairs: frozenset   # "zorg en veiligheid": the two words around an 'en' that is not a split
    priority: re.Pattern
    second_tier: re.Pattern
    no_priorities: re.Pattern
    distractor: re.Pattern
    descriptive_sections: re.Pattern
    goals_actions: re.Pattern
    structural_chapters: re.Pattern
    list_announcement: re.Pattern
    list_opener: re.Pattern
    chapter_span: re.Pattern
    front_sections: re.Pattern
    besides: re.Pattern
    clause_start: re.Pattern
    addition: re.Pattern
    priority_nouns: re.Pattern

    def count_in(self, folded: str) -> int | None:
        """The number an announcement gives ('de vier prioriteiten', '5 speerpunten'), if any."""
        for word in re.findall(r"\b(\d|[a-z]+)\b", folded):
            if word.isdigit() and 2 <= int(word) <= 9:
                return int(word)
            if word in self.number_words:
                return self.number_words[word]
        return None


@lru_cache(maxsize=None)
def load_cues() -> Cues:
    """The cue patterns shipped in `data/speerpunten/cues.yaml`, compiled."""
    raw = yaml.safe_load(resources.files("ivpcorpus").joinpath("data/speerpunten/cues.yaml").read_text(encoding="utf-8"))
    number_words = raw.pop("number_words")
    return Cues(number_words, _fixed_pairs(raw.pop("fixed_pairs")), **{name: re.compile("|".join(f"(?:{p})" for p in patterns)) for name, patterns in raw.items()})


def _fixed_pairs(phrases: list[str]) -> frozenset:
    """Word pairs around 'en' in the given phrases and in the codebook's veld and thema names."""
    from ivpcorpus.codebook import load_codebook

    codebook = load_codebook()
    names = [*phrases, *(v.name for v in codebook.velden), *(t.name for t in codebook.themes)]
    pairs = set()
    for name in names:
        words = re.sub(r"\([^)]*\)", " ", fold(name)).replace("&", " en ").split()
        pairs |= {f"{a.strip(',')} en {b.strip(',')}" for a, en, b in zip(words, words[1:], words[2:]) if en == "en"}
    return frozenset(pairs)


def fold(text: str) -> str:
    """Lower case, accents removed, curly quotes and dashes plain: the form cues are written for."""
    return unidecode(text).lower()


def normalized_item(text: str) -> str:
    """The words of an item, folded, without punctuation: the key for de-duplication and ids."""
    return " ".join(re.findall(r"[a-z0-9]+", fold(text)))
