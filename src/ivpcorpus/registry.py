"""Municipality registry: the 342 gemeenten of 2023 with codes, regions, groups and names.

The facts are package data copied from `shared/reference/` (sources in
`data/reference/SOURCES.md`). Groups (G4/G40/P10/other) are data too: the P10 list is
known to be incomplete, so a user can override groups with a CSV of their own.

The name matcher maps free text ("gemeente Súdwest Fryslan", "BUCH-gemeenten",
"Heuvelland: Eijsden-Margraten, Gulpen-Wittem, ...") to CBS codes. It folds accents,
apostrophes and hyphens, resolves aliases and pre-merger names (2019-2024) to the current
code, and expands the collective names of joint plans to all their members.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from ivpcorpus.errors import InputError
from unidecode import unidecode

from ivpcorpus.codebook import reference_path

GROUPS = ("G4", "G40", "P10", "other")

# Names that are also ordinary Dutch words or very common place words. In running text they
# count only when announced ("gemeente Best", "Buren:") or in a list of other gemeenten;
# a file name or a title that consists of the name alone counts as well.
COMMON_WORD_NAMES = frozenset(
    {"best", "buren", "putten", "goes", "sluis", "ede", "beek", "stein", "laren", "epe", "oss",
     "urk", "bergen", "baarn", "hulst", "boxtel", "venray", "weert", "vaals", "soest", "eemnes",
     "loon op zand", "land van cuijk", "peel en maas", "horst aan de maas", "oost gelre",
     "midden groningen", "midden drenthe", "midden delfland", "waterland", "zeist", "velsen"}
)
ALWAYS_ANNOUNCED = frozenset({"best", "buren", "putten", "goes", "sluis", "ede", "beek", "stein", "laren", "epe"})
# Names that are everyday words in lower case ("leiden tot", "kampen met", "huizen", "houten
# meubels", "duiven"): in running text they count only when written with a capital, or when
# announced or in a file name or title of names, as above.
CAPITALISED_ONLY = frozenset({"leiden", "kampen", "huizen", "houten", "duiven", "hoorn", "voorst"})

_SPLIT = re.compile(r"[^a-z0-9]+")


def normalize_name(text: str) -> str:
    """Fold a name for matching: accents, apostrophes, hyphens, case and brackets."""
    folded = unidecode(text).lower().replace("'", "").replace("\u2019", "")
    return " ".join(t for t in _SPLIT.split(folded) if t)


@dataclass(frozen=True)
class NameMatch:
    code: str
    name: str
    matched: str  # the words of the text that matched
    via: str  # official | alias | merger | collective | bare (disambiguator dropped)


class Registry:
    """All gemeenten, keyed by CBS code, with a name matcher."""

    def __init__(self, municipalities: pd.DataFrame, aliases: pd.DataFrame, mergers: pd.DataFrame,
                 collectives: dict[str, list[str]], reported_members: dict[str, int] | None = None):
        self.municipalities = municipalities.set_index("gemeentecode", drop=False)
        # How many members a group has according to its own publications; where the registry
        # knows fewer, the report says the list is incomplete. Empty for a user's own groups.
        self.reported_members = dict(reported_members or {})
        self.groups_file: str | None = None  # the user's groups CSV (with_groups), None: the shipped groups
        self.mergers = mergers
        self._variants: dict[str, set[tuple[str, str]]] = defaultdict(set)
        for row in self.municipalities.itertuples():
            self._add(row.name, row.gemeentecode, "official")
            self._add(row.name_cbs_statline, row.gemeentecode, "official")
            bare = re.sub(r"\s*\(.*?\)\s*", " ", row.name).strip()
            if bare != row.name:
                self._add(bare, row.gemeentecode, "bare")
        for row in aliases.itertuples():
            if row.alias_type != "note":
                self._add(row.alias, row.gemeentecode, "alias")
        for row in mergers.itertuples():
            new_codes = str(row.new_code).split(";")
            if len(new_codes) == 1 and new_codes[0] in self.municipalities.index:
                old_name = re.sub(r"\s*\(.*?\)\s*", " ", row.old_name).strip()
                self._add(old_name, new_codes[0], "merger")
        self.collectives = {normalize_name(k): v for k, v in collectives.items()}
        self._max_words = max(len(k.split()) for k in list(self._variants) + list(self.collectives))

    def _add(self, name: str, code: str, via: str) -> None:
        key = normalize_name(str(name))
        if key:
            self._variants[key].add((code, via))

    # -- lookups -----------------------------------------------------------------------------
    @property
    def codes(self) -> list[str]:
        return list(self.municipalities.index)

    def name(self, code: str) -> str:
        return str(self.municipalities.at[code, "name"])

    def group(self, code: str) -> str:
        return str(self.municipalities.at[code, "group"])

    def current_code(self, code: str) -> list[str]:
        """Map a (possibly pre-merger) CBS code to the code(s) of 2023."""
        if code in self.municipalities.index:
            return [code]
        rows = self.mergers[self.mergers["old_code"] == code]
        if rows.empty:
            raise KeyError(f"unknown gemeentecode {code!r}")
        return [c for c in str(rows.iloc[0]["new_code"]).split(";")]

    def lookup(self, name: str) -> list[NameMatch]:
        """Exact lookup of one name (after folding); several results when it is ambiguous."""
        key = normalize_name(name)
        if key in self.collectives:
            return [NameMatch(c, self.name(c), name, "collective") for c in self.collectives[key]]
        return sorted(
            (NameMatch(code, self.name(code), name, via) for code, via in self._variants.get(key, ())),
            key=lambda m: m.code,
        )

    # -- matching in free text ---------------------------------------------------------------
    def match_text(self, text: str, *, strict_common_words: bool = True) -> list[NameMatch]:
        """All gemeenten named in a piece of free text, longest names first, each once.

        Ambiguous bare names ("Bergen") are dropped unless the text also carries the
        disambiguation. Names that are ordinary words count only when announced by
        "gemeente(n)" or when the text is (almost) only names, e.g. a list of a joint plan.
        """
        tokens, raw_spans = _tokens_with_spans(text)
        found: dict[str, NameMatch] = {}
        used = [False] * len(tokens)
        candidates: list[tuple[int, int, list[NameMatch]]] = []
        for n in range(min(self._max_words, len(tokens)), 0, -1):
            for i in range(len(tokens) - n + 1):
                if any(used[i:i + n]):
                    continue
                key = " ".join(tokens[i:i + n])
                if key in self.collectives:
                    matches = [NameMatch(c, self.name(c), text[raw_spans[i][0]:raw_spans[i + n - 1][1]], "collective")
                               for c in self.collectives[key]]
                elif key in self._variants:
                    matches = self.lookup(key)
                    matches = [NameMatch(m.code, m.name, text[raw_spans[i][0]:raw_spans[i + n - 1][1]], m.via)
                               for m in matches]
                else:
                    continue
                codes = {m.code for m in matches}
                if len(codes) > 1 and not key in self.collectives:
                    continue  # ambiguous ("Bergen" without NH./L.)
                lower_case_word = key in CAPITALISED_ONLY and not text[raw_spans[i][0]].isupper()
                if strict_common_words and (key in COMMON_WORD_NAMES or lower_case_word):
                    if not _announced(text, raw_spans, i, key, mostly_names=self._mostly_names(tokens)):
                        continue
                for k in range(i, i + n):
                    used[k] = True
                candidates.append((i, n, matches))
        for _, _, matches in sorted(candidates):
            for m in matches:
                found.setdefault(m.code, m)
        return list(found.values())

    def _mostly_names(self, tokens: list[str]) -> bool:
        """True for short texts that are a list of names (a file name, a title line)."""
        filler = {"gemeente", "gemeenten", "en", "de", "van", "integraal", "veiligheidsplan", "ivp"}
        rest = [t for t in tokens if t not in filler and not t.isdigit()]
        return len(tokens) <= 12 and all(
            any(t in key.split() for key in self._variants) for t in rest
        )

    # -- groups ------------------------------------------------------------------------------
    def with_groups(self, groups_csv: Path) -> "Registry":
        """A copy whose groups come from the user's CSV (columns gemeentecode, group).

        Codes not in the CSV keep their group; unknown codes or groups are an error,
        not silently ignored.
        """
        try:
            override = pd.read_csv(groups_csv, dtype=str)
        except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as error:
            raise InputError(f"{groups_csv}: geen leesbaar CSV-bestand ({type(error).__name__})") from None
        missing = {"gemeentecode", "group"} - set(override.columns)
        if missing:
            raise InputError(f"{groups_csv}: kolom(men) {sorted(missing)} ontbreken; verwacht gemeentecode,group")
        bad_groups = set(override["group"]) - set(GROUPS)
        if bad_groups:
            raise InputError(f"{groups_csv}: onbekende groep(en) {sorted(map(str, bad_groups))}; gebruik {list(GROUPS)}")
        bad_codes = set(override["gemeentecode"]) - set(self.municipalities.index)
        if bad_codes:
            raise InputError(f"{groups_csv}: onbekende gemeentecode(s) {sorted(map(str, bad_codes))}")
        doubled = override["gemeentecode"][override["gemeentecode"].duplicated()]
        if len(doubled):
            raise InputError(f"{groups_csv}: gemeentecode(s) {sorted(set(doubled))} staan meer dan eens in het bestand")
        municipalities = self.municipalities.reset_index(drop=True).copy()
        new = dict(zip(override["gemeentecode"], override["group"]))
        municipalities["group"] = [new.get(c, g) for c, g in zip(municipalities["gemeentecode"], municipalities["group"])]
        clone = object.__new__(Registry)
        clone.__dict__.update(self.__dict__)
        clone.municipalities = municipalities.set_index("gemeentecode", drop=False)
        clone.reported_members = {}  # the user's assignment is the list; no published size applies to it
        clone.groups_file = Path(groups_csv).name
        return clone

    def group_sizes(self) -> pd.DataFrame:
        """Per group except "other": the members the registry knows and the reported number (NaN
        when none is known or the groups are the user's own)."""
        known = self.municipalities["group"].value_counts()
        return pd.DataFrame([{"group": g, "known": int(known.get(g, 0)),
                              "reported": float(self.reported_members.get(g, float("nan")))}
                             for g in GROUPS if g != "other"])


def _tokens_with_spans(text: str) -> tuple[list[str], list[tuple[int, int]]]:
    """Folded tokens of the text with their character spans in the original."""
    tokens, spans = [], []
    # Fold character by character so spans stay aligned with the original text.
    for m in re.finditer(r"[^\W_]+(?:'[^\W_]+)?|'s", text):
        tok = normalize_name(m.group())
        for part in tok.split():
            tokens.append(part)
            spans.append((m.start(), m.end()))
    return tokens, spans


def _announced(text: str, spans: list[tuple[int, int]], i: int, key: str, *, mostly_names: bool) -> bool:
    if mostly_names:
        return True
    before = text[max(0, spans[i][0] - 12):spans[i][0]].lower()
    if re.search(r"gemeenten?\s*$", before):
        return True
    if key in ALWAYS_ANNOUNCED:
        return False
    # Capitalised and part of a comma/"en" list of names, e.g. "Baarn, Eemnes en Soest".
    word = text[spans[i][0]:spans[i][1]]
    around = text[max(0, spans[i][0] - 3):spans[i][1] + 5]
    return word[:1].isupper() and bool(re.search(r",|\ben\b|/|-", around))


@lru_cache(maxsize=None)
def load_registry() -> Registry:
    """The registry shipped in the package."""
    base = pd.read_csv(reference_path("municipalities_2023.csv"), dtype={"gemeentecode": str})
    regions = pd.read_csv(reference_path("municipality_regions_2024.csv"), dtype=str)
    base = base.merge(
        regions[["gemeentecode", "name_cbs_statline", "province_code", "politie_eenheid_code", "veiligheidsregio_code"]],
        on="gemeentecode", how="left",
    )
    aliases = pd.read_csv(reference_path("municipality_aliases.csv"), dtype=str)
    mergers = pd.read_csv(reference_path("municipality_mergers_2019_2024.csv"), dtype=str)
    sizes = pd.read_csv(reference_path("group_sizes.csv"), dtype={"group": str, "reported_members": int})
    return Registry(base, aliases, mergers, _load_collectives(), dict(zip(sizes["group"], sizes["reported_members"])))


def _load_collectives() -> dict[str, list[str]]:
    with open(reference_path("municipality_collectives.csv"), encoding="utf-8") as fh:
        return {row["name"]: row["gemeentecodes"].split(";") for row in csv.DictReader(fh)}
