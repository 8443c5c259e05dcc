"""Which plans the demo corpus holds: real gemeenten, groups, joint plans, periods, formats.

The roster is drawn from the registry with a seeded RNG, so the same seed always gives the
same plans. At the default size (64) it holds all four G4 cities, ~15 G40 and ~12 P10
gemeenten, six joint plans, three pre-merger plans and five gemeenten with two plans.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from unidecode import unidecode

from ivpcorpus.registry import Registry

DEFAULT_PLANS = 64

# Joint plans: (name on the cover, names the plan lists, period). Collective names resolve
# through the registry's collectives; ad-hoc ones list their members.
JOINT_PLANS = (
    ("BUCH-gemeenten", ("Bergen (NH.)", "Uitgeest", "Castricum", "Heiloo"), "2023-2026"),
    ("Heuvelland", ("Eijsden-Margraten", "Gulpen-Wittem", "Meerssen", "Vaals", "Valkenburg aan de Geul"), "2020-2023"),
    ("BES-gemeenten", ("Baarn", "Eemnes", "Soest"), "2023-2026"),
    ("Weert, Nederweert en Leudal", ("Weert", "Nederweert", "Leudal"), "2019-2022"),
    ("Drimmelen en Geertruidenberg", ("Drimmelen", "Geertruidenberg"), "2022-2025"),
    ("Achtkarspelen en Tytsjerksteradiel", ("Achtkarspelen", "Tytsjerksteradiel"), "2024-2027"),
)
# Plans of gemeenten that merged since: the registry maps the old name to the current code.
PRE_MERGER_PLANS = (("Heerhugowaard", "2019-2022"), ("Uden", "2019-2022"), ("Boxmeer", "2019-2022"))
# Display names where the registry's official name is not what a plan prints.
DISPLAY_NAMES = {"'s-Gravenhage": "Den Haag", "Bergen (NH.)": "Bergen"}

GROUP_QUOTA = {"G40": 15, "P10": 12, "other": 19}
TWO_PLAN_QUOTA = {"G4": 1, "G40": 1, "P10": 1, "other": 2}
PERIODS = ("2019-2022", "2020-2023", "2022-2025", "2023-2026", "2024-2027")
PERIOD_WEIGHTS = (2, 2, 2, 5, 2)

# Producers and layouts: reportlab draws "word" (Word-like, numbered headings, some
# two-column pages) and "plain"; WeasyPrint draws "designed" (two-column brochure) and
# "report" (single column with a coloured sidebar).
PDF_LAYOUTS = (("reportlab", "word"), ("weasyprint", "designed"), ("reportlab", "plain"), ("weasyprint", "report"))
LIST_FORMS = ("numbered_list", "bullets", "nested_list", "heading", "table", "sentence")
# Positions in the shuffled roster that get a special format or priority form (fixed, so the
# counts hold at the default size and a small roster still mixes producers).
HTML_AT, DOCX_AT = (2, 33), (3, 41)
CHAPTERS_AT, NO_PRIORITIES_AT = (5, 20, 47), (11, 52)


@dataclass(frozen=True)
class PlanSpec:
    slug: str
    name: str  # as the plan names itself: "Utrecht", "BUCH-gemeenten", "Weert, Nederweert en Leudal"
    municipalities: tuple[str, ...]  # names as the plan lists them
    codes: tuple[str, ...]  # current CBS codes
    groups: tuple[str, ...]
    joint: bool
    pre_merger: bool
    period: str  # canonical "2023-2026"
    format: str  # pdf | html | docx
    producer: str
    layout: str
    priority_form: str  # one of LIST_FORMS, "chapters" or "none"
    politie_eenheid: str
    seed: int


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", unidecode(text).lower().replace("'", "")).strip("-")


def build_roster(registry: Registry, seed: int, n_plans: int = DEFAULT_PLANS) -> list[PlanSpec]:
    """The plans of a demo corpus of `n_plans` plans, reproducible by `seed`."""
    if n_plans < 1:
        raise ValueError("the demo corpus needs at least one plan")
    rng = random.Random(seed)
    municipalities = registry.municipalities
    drafts: list[dict] = []

    def codes_of(names: tuple[str, ...]) -> tuple[str, ...]:
        codes = []
        for name in names:
            matches = {m.code for m in registry.lookup(name)}
            if len(matches) != 1:
                raise ValueError(f"demo roster: {name!r} does not name exactly one gemeente: {sorted(matches)}")
            codes.append(matches.pop())
        return tuple(codes)

    taken: set[str] = set()
    for name, members, period in JOINT_PLANS:
        codes = codes_of(members)
        taken.update(codes)
        drafts.append(dict(name=name, municipalities=members, codes=codes, joint=True, pre_merger=False, period=period))
    for old_name, period in PRE_MERGER_PLANS:
        codes = codes_of((old_name,))
        taken.update(codes)
        drafts.append(dict(name=old_name, municipalities=(old_name,), codes=codes, joint=False, pre_merger=True,
                           period=period))
    singles: list[dict] = []
    for group in ("G4", "G40", "P10", "other"):
        pool = sorted(set(municipalities.index[municipalities["group"] == group]) - taken)
        chosen = pool if group == "G4" else rng.sample(pool, GROUP_QUOTA[group])
        for code in chosen:
            official = registry.name(code)
            name = DISPLAY_NAMES.get(official, official)
            singles.append(dict(name=name, municipalities=(official,), codes=(code,), joint=False, pre_merger=False,
                                period=rng.choices(PERIODS, PERIOD_WEIGHTS)[0], group=group))
    # Gemeenten with two plans: the earlier plan 2019-2022, the current one 2023-2026.
    for group, count in TWO_PLAN_QUOTA.items():
        for draft in rng.sample([d for d in singles if d["group"] == group], count):
            draft["period"] = "2023-2026"
            drafts.append({**draft, "period": "2019-2022"})
    drafts.extend(singles)
    extra = n_plans - len(drafts)
    if extra > 0:  # larger corpora: more "other" gemeenten, one plan each
        pool = sorted(set(municipalities.index[municipalities["group"] == "other"]) - taken
                      - {c for d in drafts for c in d["codes"]})
        for code in rng.sample(pool, min(extra, len(pool))):
            drafts.append(dict(name=registry.name(code), municipalities=(registry.name(code),), codes=(code,),
                               joint=False, pre_merger=False, period=rng.choices(PERIODS, PERIOD_WEIGHTS)[0]))
    rng.shuffle(drafts)
    drafts = drafts[:n_plans]

    roster, list_form_turn, pdf_turn = [], 0, 0
    for i, d in enumerate(drafts):
        if i in HTML_AT:
            fmt, producer, layout = "html", "html", "gemeenteblad"
        elif i in DOCX_AT:
            fmt, producer, layout = "docx", "python-docx", "word"
        else:
            fmt = "pdf"
            producer, layout = PDF_LAYOUTS[pdf_turn % len(PDF_LAYOUTS)]
            pdf_turn += 1
        if i in CHAPTERS_AT:
            form = "chapters"
        elif i in NO_PRIORITIES_AT:
            form = "none"
        else:
            form = LIST_FORMS[list_form_turn % len(LIST_FORMS)]
            list_form_turn += 1
        groups = tuple(registry.group(c) for c in d["codes"])
        roster.append(PlanSpec(
            slug=f"{slugify(d['name'])}_{d['period']}", name=d["name"], municipalities=tuple(d["municipalities"]),
            codes=tuple(d["codes"]), groups=groups, joint=d["joint"], pre_merger=d["pre_merger"],
            period=d["period"], format=fmt, producer=producer, layout=layout, priority_form=form,
            politie_eenheid=str(registry.municipalities.at[d["codes"][0], "politie_eenheid"]),
            seed=rng.randrange(2**31),
        ))
    return roster
