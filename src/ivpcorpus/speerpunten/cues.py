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
    fixed_pairs: FixedPairs  # "zorg en veiligheid": an 'en' inside a name is not a split
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
    list_close: re.Pattern

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


@dataclass(frozen=True)
class FixedPairs:
    """The 'en' inside a theme name ("zorg en veiligheid", "veelvoorkomende criminaliteit en
    High Impact Crimes") that does not split an enumeration: for each pair of words around such
    an 'en', the whole name's words on either side."""

    phrases: dict  # "criminaliteit en high" -> ((left words), (right words)), ...

    def holds(self, left: list[str], right: list[str]) -> bool:
        """Whether the 'en' between the folded words `left` and `right` is inside a name: the
        name's words before the 'en' end `left`, its words after it open `right` (a plural -s
        aside). "digitale criminaliteit en high impact crime" is two items."""
        if not left or not right:
            return False
        for before, after in self.phrases.get(f"{left[-1]} en {right[0]}", ()):
            opens = len(right) >= len(after) and all(a == b or a.rstrip("s") == b.rstrip("s") for a, b in zip(right, after))
            if tuple(left[-len(before):]) == before and opens:
                return True
        return False


def _fixed_pairs(phrases: list[str]) -> FixedPairs:
    """The names with an 'en' among the given phrases and the codebook's veld and thema names."""
    from ivpcorpus.codebook import load_codebook

    codebook = load_codebook()
    names = [*phrases, *(v.name for v in codebook.velden), *(t.name for t in codebook.themes)]
    found: dict[str, set] = {}
    for name in names:
        words = [w.strip(",") for w in re.sub(r"\([^)]*\)", " ", fold(name)).replace("&", " en ").split()]
        for k, word in enumerate(words):
            if word == "en" and 0 < k < len(words) - 1:
                found.setdefault(f"{words[k - 1]} en {words[k + 1]}", set()).add((tuple(words[:k]), tuple(words[k + 1:])))
    return FixedPairs({pair: tuple(sorted(sides)) for pair, sides in found.items()})


def fold(text: str) -> str:
    """Lower case, accents removed, curly quotes and dashes plain: the form cues are written for."""
    return unidecode(text).lower()


def normalized_item(text: str) -> str:
    """The words of an item, folded, without punctuation: the key for de-duplication and ids."""
    return " ".join(re.findall(r"[a-z0-9]+", fold(text)))
