"""Codebook knowledge for the speerpunt classifier: keyword seeds and decision rules.

This is the part that carries to plans nobody labelled: Kernbeleid keyword seeds mapped to
codebook ids (`data/classify/seeds.yaml`) and the codebook's decision rules as explicit
patterns (`data/classify/rules.yaml`). `decide` applies them to one speerpunt and says in
words why it chose what it chose; it returns None when nothing in the text names a theme, so
the statistical model decides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml
from unidecode import unidecode

from ivpcorpus.codebook import Codebook, load_codebook, reference_path

DATA = "data/classify"


def classify_data_path(name: str) -> Path:
    """Path of a file in the classifier's package data (`data/classify/`)."""
    return Path(str(resources.files("ivpcorpus").joinpath(DATA, name)))


def normalise(text: str) -> str:
    """Lower case, no accents, '&' as 'en', every run of other punctuation as one space."""
    text = unidecode(str(text or "")).lower().replace("&", " en ")
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


@dataclass(frozen=True)
class Term:
    """A pattern that names a thema (a seed keyword, or a decision rule's term)."""

    pattern: re.Pattern
    label: str  # the keyword or rule as shown in evidence
    thema: str
    rule: str | None = None  # the decision rule in words, for rule terms
    landelijke_prioriteiten: tuple[str, ...] | None = None  # None: implied by the thema
    names_veld: bool = False  # the term is a veld's name: it can lead like a specific theme


@dataclass(frozen=True)
class Hit:
    start: int
    end: int
    term: Term

    @property
    def matched(self) -> str:
        return self.term.label


@dataclass(frozen=True)
class Decision:
    """What the codebook knowledge says about one speerpunt."""

    thema: str
    also: tuple[str, ...]
    landelijke_prioriteiten: tuple[str, ...]
    evidence: str


@dataclass(frozen=True)
class PhraseRule:
    pattern: re.Pattern
    all_patterns: tuple[re.Pattern, ...]
    thema: str
    rule: str


@dataclass(frozen=True)
class Knowledge:
    codebook: Codebook
    terms: tuple[Term, ...]  # rule terms first: they beat overlapping seed terms
    lp_terms: tuple[tuple[re.Pattern, str, str], ...]  # (pattern, keyword, lp id)
    lp_implied: dict[str, str]  # thema -> landelijke prioriteit
    phrases: tuple[PhraseRule, ...]
    combinations: tuple[PhraseRule, ...]
    filler: re.Pattern
    veld_names: tuple[tuple[str, str], ...]  # (normalised name or alias, veld id), longest first
    veld_general: dict[str, str]  # veld -> its *_algemeen thema
    heading_general_min_themes: int
    # find_hits per text: training and labelling look at the same texts many times over (the
    # seed features of every fold, the decision rules, the landelijke prioriteiten, the finder's
    # scorer); not an init field, so `dataclasses.replace` starts a new one
    hits_by_text: dict[str, tuple[Hit, ...]] = field(default_factory=dict, init=False, compare=False, repr=False)

    @property
    def general_themes(self) -> frozenset[str]:
        """Themes that name no specific theme: a veld's algemeen theme and `overig`."""
        # the theme that is its own veld (`overig`) is a way of working, not a theme
        return frozenset(self.veld_general.values()) | {t for t in self.codebook.theme_ids if self.codebook.veld_of(t) == t}


def _term_pattern(term: str) -> re.Pattern:
    """Word-start match; 7+ characters may end a compound (drugsoverlast). A single word of 6+
    characters may carry any suffix (inbraakpreventie); a phrase only a plural ending, so that
    "veilige school" does not swallow "veilige schoolroutes"."""
    body = re.escape(term).replace(r"\ ", " ")
    start = "" if len(term) >= 7 else r"\b"
    if " " in term:
        end = r"(?:s|e|n|en)?\b"
    else:
        end = r"\w*" if len(term) >= 6 else r"\b"
    return re.compile(start + body + end)


def _check_ids(codebook: Codebook, where: str, themes=(), lps=()) -> None:
    bad = [t for t in themes if t not in codebook.theme_ids] + [p for p in lps if p not in codebook.lp_ids]
    if bad:
        raise ValueError(f"{where}: unknown codebook id(s) {bad}; ids come from codebook.yaml")


def build_knowledge(codebook: Codebook, seeds: dict, rules: dict, kernbeleid: dict) -> Knowledge:
    """Turn the seeds, rules and Kernbeleid keyword lists into matchers (ids checked against the codebook)."""
    keyword_theme: dict[str, str | None] = {}
    for field in kernbeleid["fields"]:
        for kw in field.get("field_keywords", []):
            keyword_theme.setdefault(normalise(kw), seeds["kernbeleid_fields"][field["id"]])
        for theme in field["themes"]:
            for kw in theme.get("keywords", []):
                keyword_theme.setdefault(normalise(kw), seeds["kernbeleid_themes"][theme["id"]])
    for theme in kernbeleid["cross_cutting_themes_2021"]["themes"]:
        for kw in theme.get("keywords", []):
            keyword_theme.setdefault(normalise(kw), seeds["kernbeleid_themes"][theme["id"]])
    keyword_theme.update({normalise(k): v for k, v in seeds["keyword_overrides"].items()})
    for thema, kws in seeds["extra"].items():
        keyword_theme.update({normalise(kw): thema for kw in kws})
    keyword_theme = {k: v for k, v in keyword_theme.items() if v and k}
    _check_ids(codebook, "seeds.yaml", themes=set(keyword_theme.values()))

    rule_terms = []
    for r in rules["terms"]:
        lps = r.get("landelijke_prioriteiten")
        _check_ids(codebook, f"rules.yaml ({r['rule']})", themes=[r["thema"]], lps=lps or [])
        rule_terms.append(Term(re.compile(r["pattern"]), r["rule"], r["thema"], r["rule"], None if lps is None else tuple(lps)))
    _check_ids(codebook, "rules.yaml veld_general_theme", themes=rules["veld_general_theme"].values())
    veld_names = {normalise(v.name): v.id for v in codebook.velden if v.id in rules["veld_general_theme"]}
    for veld, aliases in rules["veld_aliases"].items():
        veld_names.update({normalise(a): veld for a in aliases})
    keyword_theme.update({name: rules["veld_general_theme"][veld] for name, veld in veld_names.items()})
    seed_terms = [Term(_term_pattern(kw), kw, thema, names_veld=kw in veld_names) for kw, thema in sorted(keyword_theme.items())]

    lp_cfg = seeds["landelijke_prioriteiten"]
    _check_ids(codebook, "seeds.yaml landelijke_prioriteiten", themes=lp_cfg["implied_by_thema"], lps=list(lp_cfg["implied_by_thema"].values()) + list(lp_cfg["terms"]))
    lp_terms = tuple((_term_pattern(normalise(kw)), kw, lp) for lp, kws in lp_cfg["terms"].items() for kw in kws)

    def phrase_rules(items) -> tuple[PhraseRule, ...]:
        out = []
        for r in items:
            _check_ids(codebook, f"rules.yaml ({r['rule']})", themes=[r["thema"]])
            out.append(PhraseRule(re.compile(r.get("pattern", "$^")), tuple(re.compile(p) for p in r.get("all", [])), r["thema"], r["rule"]))
        return tuple(out)

    return Knowledge(
        codebook=codebook,
        terms=tuple(rule_terms + seed_terms),
        lp_terms=lp_terms,
        lp_implied=dict(lp_cfg["implied_by_thema"]),
        phrases=phrase_rules(rules["phrases"]),
        combinations=phrase_rules(rules["combinations"]),
        filler=re.compile(rules["filler"]),
        veld_names=tuple(sorted(veld_names.items(), key=lambda kv: -len(kv[0]))),
        veld_general=dict(rules["veld_general_theme"]),
        heading_general_min_themes=int(rules["heading_general_min_themes"]),
    )


def _read_yaml(path: Path) -> dict:
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@lru_cache(maxsize=1)
def load_knowledge() -> Knowledge:
    """The shipped seeds and rules, checked against the shipped codebook."""
    return build_knowledge(
        load_codebook(),
        _read_yaml(classify_data_path("seeds.yaml")),
        _read_yaml(classify_data_path("rules.yaml")),
        _read_yaml(reference_path("kernbeleid_veiligheid.yaml")),
    )


HITS_CACHE_SIZE = 100_000  # texts; a national corpus's speerpunten and candidates fit many times over


def find_hits(text: str, knowledge: Knowledge) -> list[Hit]:
    """Non-overlapping term matches in normalised text, in reading order.

    Where matches overlap, a decision rule beats a seed keyword and a longer match beats a
    shorter one ("drugsoverlast" is not "drugs").
    """
    cache = knowledge.hits_by_text
    if text not in cache:
        if len(cache) >= HITS_CACHE_SIZE:  # a long-lived process (notebook, Dask worker): start again
            cache.clear()
        cache[text] = tuple(_find_hits(text, knowledge))
    return list(cache[text])


def _find_hits(text: str, knowledge: Knowledge) -> list[Hit]:
    norm = normalise(text)
    candidates = [
        (Hit(m.start(), m.end(), term), rank)
        for rank, term in enumerate(knowledge.terms)
        for m in term.pattern.finditer(norm)
        if m.end() > m.start()
    ]
    # rule before seed, longer match first, then the longer term (a literal "schoolroutes"
    # beats "school" + suffix), then reading order
    candidates.sort(key=lambda hr: (hr[0].term.rule is None, -(hr[0].end - hr[0].start), -len(hr[0].term.label), hr[0].start, hr[1]))
    taken: list[Hit] = []
    for hit, _ in candidates:
        if all(hit.end <= t.start or hit.start >= t.end for t in taken):
            taken.append(hit)
    return sorted(taken, key=lambda h: h.start)


def landelijke_prioriteiten(text: str, themes: list[str], hits: list[Hit], knowledge: Knowledge) -> tuple[str, ...]:
    """Coded independently of the thema: implied by the themes, or named in the text."""
    found: list[str] = []
    suppressed = {h.term.thema for h in hits if h.term.landelijke_prioriteiten == ()}
    for thema in themes:
        if thema in knowledge.lp_implied and thema not in suppressed:
            found.append(knowledge.lp_implied[thema])
    for h in hits:
        found.extend(h.term.landelijke_prioriteiten or ())
    norm = normalise(text)
    found.extend(lp for pattern, _, lp in knowledge.lp_terms if pattern.search(norm))
    order = knowledge.codebook.lp_ids
    return tuple(sorted(set(found), key=order.index))


def _themes_in_order(hits: list[Hit], knowledge: Knowledge) -> list[str]:
    """Distinct themes of the hits, leading ones (in reading order) before general ones.

    A specific theme or a veld named in full leads; a general word ("wijken", "samenwerking")
    only decides when nothing more specific is named.
    """
    general = knowledge.general_themes
    leads = [h.term.names_veld or h.term.thema not in general for h in hits]
    ordered = [h.term.thema for h, lead in zip(hits, leads) if lead] + [h.term.thema for h, lead in zip(hits, leads) if not lead]
    return list(dict.fromkeys(ordered))


_HEADING_SEPARATOR = re.compile(r"\s*(?::|\(|\s[-\u2013\u2014])\s*")


def _veld_heading(text: str, knowledge: Knowledge) -> tuple[str, str] | None:
    """(veld id, remainder) when the speerpunt is a veld name, then ':' / ' - ' / '(' and sub-themes."""
    parts = _HEADING_SEPARATOR.split(str(text), maxsplit=1)
    if len(parts) < 2:
        return None
    veld = dict(knowledge.veld_names).get(normalise(parts[0]))
    return (veld, parts[1]) if veld else None


def decide(text: str, knowledge: Knowledge) -> Decision | None:
    """Apply the decision rules, then the seed keywords; None when nothing names a theme."""
    norm = normalise(text)
    hits = find_hits(text, knowledge)
    core = knowledge.filler.sub("", norm).strip()

    def decision(thema: str, evidence: str, also_from: list[Hit]) -> Decision:
        veld = knowledge.codebook.veld_of(thema)
        # the veld's general theme says nothing beside a specific theme of that veld
        also = tuple(t for t in _themes_in_order(also_from, knowledge)
                     if t != thema and not (t in knowledge.general_themes and knowledge.codebook.veld_of(t) == veld))
        lps = landelijke_prioriteiten(text, [thema, *also], also_from, knowledge)
        return Decision(thema, also, lps, evidence)

    for veld_name, veld in knowledge.veld_names:
        if core == veld_name:
            thema = knowledge.veld_general[veld]
            return decision(thema, f"Regel: een prioriteit die een heel veld noemt ('{veld_name}') krijgt het algemene thema van dat veld.", [])
    for rule in knowledge.phrases:
        if rule.pattern.fullmatch(core):
            return decision(rule.thema, f"Regel: {rule.rule}", [])
    for rule in knowledge.combinations:
        if all(p.search(norm) for p in rule.all_patterns):
            return decision(rule.thema, f"Regel: {rule.rule}", hits)
    heading = _veld_heading(text, knowledge)
    if heading:
        veld, rest = heading
        sub_hits = find_hits(rest, knowledge)
        named = _themes_in_order(sub_hits, knowledge)
        in_veld = [t for t in named if knowledge.codebook.veld_of(t) == veld]
        if len(named) >= knowledge.heading_general_min_themes or not in_veld:
            thema = knowledge.veld_general[veld]
            why = f"Regel: een kop die een veld noemt met {len(named)} deelthema's krijgt het algemene thema van het veld."
        else:
            thema = in_veld[0]
            why = f"Regel: een kop die een veld noemt met één of twee deelthema's krijgt het specifieke thema ('{_first_label(sub_hits, thema)}')."
        return decision(thema, why, sub_hits)
    if not hits:
        return None
    themes = _themes_in_order(hits, knowledge)
    lead = themes[0]
    lead_hit = next(h for h in hits if h.term.thema == lead)
    if lead_hit.term.rule:
        evidence = f"Regel: {lead_hit.term.rule}"
    else:
        evidence = f"Trefwoord '{lead_hit.matched}' ({knowledge.codebook.theme(lead).name})"
    if len(themes) > 1:
        evidence += f"; de formulering begint met dit thema, de andere ({', '.join(themes[1:])}) staan onder 'also'"
    return decision(lead, evidence, hits)


def _first_label(hits: list[Hit], thema: str) -> str:
    return next(h.matched for h in hits if h.term.thema == thema)

