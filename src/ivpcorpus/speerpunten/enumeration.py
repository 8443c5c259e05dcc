"""Running sentences that enumerate a plan's priorities: 'De prioriteiten zijn A, B en C'.

Splitting keeps the items that contain 'en' themselves (fixed pairs such as 'zorg en
veiligheid', adjectives sharing a noun, a shared compound head) and items with a sub-list
after a dash.
"""

from __future__ import annotations

import itertools
import re

from ivpcorpus.speerpunten.cues import MAX_SENTENCE_ITEM_WORDS, OVERIG, PRIORITEIT, Cues, FixedPairs, fold
from ivpcorpus.speerpunten.units import tier_of

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9‘'\"(])")
_VERB_TRIGGER = re.compile(r"(?:\b(?:zijn|waren|is|betreffen|betreft|namelijk)\b|[:;])\s*", re.IGNORECASE)
_PREPOSITION_TRIGGER = re.compile(r"\b(?:op|aan|voor|naar|om)\s+", re.IGNORECASE)
_TRAILING_CLAUSE = re.compile(r"\s+(?:als|zijn|is|worden|wordt|hebben|krijgen|vormen|staan|centraal)\b.*$|\s*[;(].*$|[.!?]+$")
_EXAMPLES = re.compile(r"\b(zoals|bijvoorbeeld|bijv\.|waaronder|onder andere|o\.a\.)\s")


def sentences_of(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(" ".join(text.split())) if s.strip()]


def last_sentence(text: str) -> str:
    sentences = sentences_of(text)
    return sentences[-1] if sentences else text


def _and_is_split(left: list[str], right: list[str], pairs: FixedPairs) -> bool:
    """Whether the 'en' between `left` and `right` words may separate two items."""
    if not left or not right or right[0].startswith(("-", "–")) or left[-1].endswith(("-", "–")):
        return False  # a shared compound part: "jeugdoverlast en -criminaliteit", "woon- en leefomgeving"
    atom = list(itertools.takewhile(lambda w: w.lower() not in ("en", "of"), right))
    left_atom = list(itertools.takewhile(lambda w: w.lower() not in ("en", "of"), reversed(left)))[::-1]
    left_atom = left_atom[1:] if len(left_atom) > 1 and left_atom[0].lower() in ("een", "de", "het") else left_atom
    if len(left_atom) == 1 and len(atom) >= 2 and left_atom[0].lower().endswith("e") and right[0].lower().endswith("e"):
        return False  # two adjectives sharing a noun: "ondermijnende en georganiseerde criminaliteit", "een veilige en leefbare wijk"
    head = fold(right[0]).strip(",.;:")
    if head == "veiligheid" or pairs.holds([fold(w).strip(",.;:") for w in left], [fold(w).strip(",.;:") for w in right]):
        return False  # a fixed pair: "jeugd en veiligheid", "polarisatie en radicalisering", a codebook name
    return True


def _split_last_and(segment: str, pairs: FixedPairs, only_part: bool = False) -> list[str]:
    """The last comma part of an enumeration holds its last two items: 'A en B' -> ['A', 'B'].

    Keeps 'zorg en veiligheid', 'ondermijnende en georganiseerde criminaliteit', 'jeugdoverlast en
    -criminaliteit'. With several 'en' ('woninginbraken en overvallen en een sterke
    informatiepositie') items are themselves pairs: the first split that leaves no one-word item
    wins, else the last allowed one. A lone 'X en Y' of two words (no comma in the enumeration:
    'Ook woninginbraken en overvallen krijgen aandacht') is one theme."""
    words = segment.split()
    positions = [p for p in range(1, len(words) - 1) if words[p].lower() in ("en", "of")
                 and _and_is_split(words[:p], words[p + 1:], pairs)]
    if not positions or (only_part and len(words) == 3):
        return [segment]
    if len(positions) > 1 and not only_part:
        # An item that opens with an article ("A en een veilige woon- en leefomgeving") starts
        # at the 'en' before the article; "tussen politie en de gemeente" is one item's phrase.
        led = [p for p in positions if words[p + 1].lower() in ("een", "de", "het", "onze")
               and not any(w.lower() in ("tussen", "van", "met") for w in words[max(0, p - 3):p])]
        if led:
            return _split_at(words, led)
    chosen = positions[-1]
    if len(positions) > 1:
        chosen = next((p for p in positions if 1 < p <= 8 and 2 <= len(words) - p - 1 <= 8), chosen)
    return _split_at(words, [chosen])


def _split_at(words: list[str], cuts: list[int]) -> list[str]:
    """The words as items, cut at the given positions (of the 'en' between them)."""
    bounds = [-1, *cuts, len(words)]
    return [" ".join(words[a + 1:b]) for a, b in zip(bounds, bounds[1:])]


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


_AND = re.compile(r"\s(?:en|of)\s")
_TRAILING_PUNCTUATION = re.compile(r"\s*[;(].*$|[.!?]+$")


def _without_trailing_clause(last: str, several: bool) -> str:
    """The last part of an enumeration without the clause after its last item ('C zijn de
    prioriteiten' -> 'C'). When the verb comes before the part's 'en' ('..., voorbereid zijn op
    noodsituaties en altijd integer'), the last item has not come yet: the verb belongs to an item
    phrased as a clause ('weerbaar zijn', 'zichtbaar aanwezig zijn'), and nothing is cut there."""
    clause = _TRAILING_CLAUSE.search(last)
    if clause and several and clause.group(0).lstrip()[:1].isalpha() and not _AND.search(last[:clause.start()] + " ") \
            and _AND.search(last[clause.start():]):
        return _TRAILING_PUNCTUATION.sub("", last).strip()
    return _TRAILING_CLAUSE.sub("", last).strip()


_INLINE_NUMBER = re.compile(r"(?:^|\s)\(?\d{1,2}[.)]\s+")


def _enumeration_items(enumeration: str, pairs: FixedPairs) -> list[str]:
    """'A, B en C' -> ['A', 'B', 'C'] (the rules of `_split_last_and` and `_protect_dash_items`);
    '1. A 2. B 3. C' (a numbered list run into one line) -> ['A', 'B', 'C']."""
    numbers = [int(m.group(0).strip(" ().")) for m in _INLINE_NUMBER.finditer(enumeration)]
    if len(numbers) >= 2 and numbers == list(range(1, len(numbers) + 1)) and _INLINE_NUMBER.match(enumeration):
        return [p.strip(" .;:,") for p in _INLINE_NUMBER.split(enumeration) if p.strip(" .;:,")]
    # "veilig wonen (overlast, inbraken), veilig opgroeien (...)": what a bracket holds explains its item
    enumeration = re.sub(r"\s*\([^()]*\)", "", enumeration)
    protected = _protect_dash_items(enumeration)
    parts = [p.strip() for p in protected.replace(";", ",").split(",") if p.strip()]
    if not parts:
        return []
    parts[-1] = _without_trailing_clause(re.sub(r"^(en|of)\s+", "", parts[-1]), several=len(parts) > 1)
    last = _split_last_and(parts[-1], pairs, only_part=len(parts) == 1)
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


def enumeration_in(sentence: str, previous: str, cues: Cues,
                   under_second_tier: bool = False) -> tuple[str, list[tuple[str, str]], str] | None:
    """(tier, [(item, context)], how) when a sentence states the plan's priorities as an
    enumeration; `how` says where its announcement is: "sentence", "previous" (the sentence
    before: 'Wij kiezen vier pijlers. Het gaat om A, B, C en D.'), "subject" (second tier
    named before its verb).

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
        items = _enumeration_items(named, cues.fixed_pairs)
        if items and all(p and _item_words(p) <= MAX_SENTENCE_ITEM_WORDS for p in items):
            return tier, [(p, "") for p in items], "subject"
        return None
    how = "sentence"
    if cue is None:
        previous_tier = tier_of(previous, cues) if not cues.distractor.search(fold(previous)) else None
        weak = cues.list_announcement.search(folded)
        colon = sentence.find(": ")
        if previous_tier is None and weak is not None and 0 <= weak.start() < colon:
            # "Onderwerpen die genoemd worden zijn met name: A, B, C en D."
            tier, enumeration, how = PRIORITEIT, sentence[colon + 2:], "weak"
        elif previous_tier is None:
            return None
        elif previous.rstrip().endswith(":"):
            tier, enumeration = previous_tier, sentence
        elif opener := cues.list_opener.match(folded):
            # the announcement and the list in two sentences: "... vier pijlers. Het gaat om A, B, C en D."
            tier, enumeration = previous_tier, " ".join(sentence.split()[len(opener.group(0).split()):])
        else:
            return None
        how = "previous" if how != "weak" else how
    elif after := _NAMED_BEFORE_CUE.match(sentence):
        # "Na overleg zijn A, B en C als lokale prioriteiten vastgesteld.", "... zes thema's, waarin A,
        # B en C prioriteit hebben."
        head = after.group(1)
        verb = list(_VERB_TRIGGER.finditer(head))
        if relative := list(_RELATIVE_TRIGGER.finditer(head)):
            enumeration = head[relative[-1].end():]
        elif cue.end() < len(head):  # "Wij kiezen voor de periode X voor A, B en C als prioriteiten"
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
        return (tier, items, how) if len(items) >= 2 and all(len(h.split()) <= 8 for h, _ in items) else None
    items = _enumeration_items(enumeration, cues.fixed_pairs)
    if not items:
        return None
    # A priority cue with one or two items ("De focus ligt op ondermijning", "meer aandacht voor A
    # en B") is a candidate: the scorer weighs it by its shape and its overlap with the codebook.
    # Elsewhere, without a colon, 'X en Y' is far more often a clause than a list.
    minimum = 1 if tier == PRIORITEIT and how == "sentence" else 2 if ":" in sentence or cue is None or tier == OVERIG else 3
    if tier == OVERIG and under_second_tier:
        minimum = 1  # "Daarnaast blijven we aandacht besteden aan X." under "Overige thema's"
    if len(items) < minimum or any(not p or _item_words(p) > MAX_SENTENCE_ITEM_WORDS for p in items):
        return None
    return tier, [(p, "") for p in items], how


# A sentence that goes on with the enumeration of the one before: "We zetten extra in op A.
# Maar ook op B, C en D.", "En daarnaast op E."
_CONTINUATION = re.compile(r"^(?:(?:maar|en)\s+)?(?:ook|daarnaast(?:\s+ook)?|verder(?:\s+ook)?)\s+(?:op|aan|voor)\s+(?P<items>.+)$",
                           re.IGNORECASE)


def continued_enumeration(sentence: str, cues: Cues) -> list[str]:
    """The items of a sentence that continues the previous sentence's enumeration ([] if it does not)."""
    m = _CONTINUATION.match(sentence.strip())
    if m is None or cues.distractor.search(fold(sentence)) or _EXAMPLES.search(fold(m.group("items"))[:30]):
        return []
    items = _enumeration_items(m.group("items").rstrip(" ."), cues.fixed_pairs)
    return items if items and all(p and _item_words(p) <= MAX_SENTENCE_ITEM_WORDS for p in items) else []


# The enumeration named before the words that make it the priorities.
_NAMED_BEFORE_CUE = re.compile(r"(.+?)\s+(?:(?:zijn|worden|staan)?\s*als\s+(?:\w+\s+){0,2}(?:prioriteit|speerpunt)"
                               r"|(?:hebben|krijgen|krijgt|heeft)\s+(?:\w+\s+){0,2}(?:prioriteit|voorrang)\b"
                               r"|(?:de\s+)?(?:hoogste\s+)?(?:prioriteit|voorrang)\s+(?:hebben|krijgen|krijgt|heeft)\b)",
                               re.IGNORECASE)
_RELATIVE_TRIGGER = re.compile(r"\b(?:waarin|waarbij|waarvan)\s+", re.IGNORECASE)


# "de focus ligt voor de komende vier jaar op A": the time the plan covers is not an item.
_PERIOD_THEN_TRIGGER = re.compile(r"^(?:de komende (?:\w+ )?(?:jaren|jaar|periode)|de (?:plan|beleids)?periode(?: \d{4}\s*[-–/]\s*\d{4})?"
                                  r"|\d{4}\s*[-–/]\s*\d{4}|deze (?:plan|beleids)?periode)\s+(?:op|aan|voor)\s+", re.IGNORECASE)


def _after_trigger(sentence: str, cue_end: int) -> str | None:
    """The text after the word that opens the enumeration ('zijn', 'op', ':', ...), when that word
    follows the cue closely and without a comma in between (else the cue is about something else)."""
    window = sentence[cue_end:]
    verbs = list(_VERB_TRIGGER.finditer(window))
    for trigger in verbs or _PREPOSITION_TRIGGER.finditer(window):
        between = window[: trigger.start()]
        if "," in between or len(between.split()) > 8:
            return None
        if not verbs and re.search(r"\bwaar\b", between, re.IGNORECASE):
            return None  # "de prioriteiten waar we samen op inzetten": the preposition closes a relative clause
        rest = window[trigger.end():]
        return rest[m.end():] if (m := _PERIOD_THEN_TRIGGER.match(rest)) else rest
    return None


