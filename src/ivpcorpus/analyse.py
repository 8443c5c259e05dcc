"""Landelijke analyse: national, group and alignment tables over the labelled speerpunten.

Pure functions from the pipeline's tables (documents, speerpunten with LABEL_COLUMNS, blocks)
plus the registry and the codebook to `analysis_*` DataFrames; `analyse()` returns them all.
They are usable from a notebook as they are; the pipeline stores them and the report renders
them.

Two counting conventions, named in every table's `convention` (see `catalog.TABLES`):
- "plan": a plan counts once, also when several gemeenten wrote it together (national
  figures, tiers, period and joint-vs-single breakdowns).
- "gemeente": a joint plan counts for each participating gemeente (coverage, and the
  breakdowns by group, province and politie-eenheid, which are properties of gemeenten).
  A gemeente with several plans in the corpus is represented by its most recent one.

Shares are fractions (0..1) with their numerator and denominator next to them; cells resting
on fewer than SMALL_CELL units are marked `small_cell`. Every share that estimates something
has a 95% interval in `<share>_low` / `<share>_high`:
- shares of plans or gemeenten: the Wilson score interval;
- shares of speerpunten: a seeded percentile bootstrap that resamples plans (the speerpunten of
  one plan are not independent draws), widened to at least the Wilson interval over the items,
  because a percentile bootstrap collapses to a point when a category is (almost) empty.
Coverage (gemeenten with a plan in the corpus) is a count of the corpus itself, not an
estimate, and has no interval.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd

from ivpcorpus.catalog import GEMEENTE, PLAN, split_labels
from ivpcorpus.codebook import Codebook
from ivpcorpus.registry import GROUPS, Registry
from ivpcorpus.synthetic import SYNTHETIC_MARKER

SMALL_CELL = 5
Z_95 = 1.959963984540054  # two-sided 95% normal quantile
N_BOOTSTRAP = 2000
BOOTSTRAP_SEED = 13  # fixed: the same corpus gives the same intervals in every report
# Automatic labels below this confidence are the ones a person should check first. The label
# confidence is calibrated out of fold, so below 0.8 more than one in five is expected to be
# wrong; the report shows how well that calibration held on development data.
REVIEW_THRESHOLD = 0.8
TIER1 = "prioriteit"
TIER2 = "overig_thema"
# The demo corpus prints this on every page (ivpcorpus.demo.model.SYNTHETIC_MARKER starts with it).
# The marker without its tail, which a cover page may wrap onto the next line.
SYNTHETIC_TEXT_MARKER = SYNTHETIC_MARKER.split(" –")[0]

# Period buckets follow the Veiligheidsagenda periods; a plan falls in the bucket of its start year.
PERIOD_BUCKETS = ((2019, 2022), (2023, 2026))
PERIOD_UNKNOWN = "onbekend"

INTERVAL_NOTE = ("Intervallen: 95%; Wilson voor aandelen van plannen of gemeenten, voor aandelen van speerpunten een "
                 f"bootstrap over plannen ({N_BOOTSTRAP} trekkingen, vaste seed), minstens zo breed als het "
                 "Wilson-interval over de speerpunten.")

# Signals the CCV reported on, as Dutch patterns over the plan text. The first matching
# sentence is kept as evidence.
SIGNAL_PATTERNS: dict[str, dict[str, str]] = {
    "participatie": {
        "enquête": r"\benqu[eê]tes?\b|\bveiligheidsmonitor\b|\bbewonersonderzoek\b",
        "burgerpanel": r"\b(burger|inwoners|bewoners)panels?\b",
        "wijkraad": r"\b(wijk|dorps|buurt)(raad|raden|platforms?|comités?)\b",
        "meldpunt": r"\bmeldpunt\w*\b|\bmeld misdaad anoniem\b|\bmeldingsbereidheid\b",
        "inwoners betrokken": r"\b(inwoners|bewoners|burgers)\b[^.]{0,60}\b(betrokken|betrekken|meegedacht|meedenken|participatie)\b"
                              r"|\b(burger|inwoner|bewoners)participatie\b|\bbuurtpreventie\w*\b|\bwhatsapp-?buurtpreventie\b",
    },
    "partner": {
        "politie": r"\bpolitie\b",
        "Openbaar Ministerie": r"\bOpenbaar Ministerie\b|\bOM\b",
        "RIEC": r"\bRIEC\b",
        "veiligheidsregio": r"\bveiligheidsregio\b|\bbrandweer\b",
        "zorgpartners": r"\bzorgpartners?\b|\bGGZ\b|\bGGD\b|\bzorg- en veiligheidshuis\b|\bVeilig Thuis\b|\bwijkteams?\b",
        "woningcorporaties": r"\bwoningcorporaties?\b|\bcorporaties?\b",
        "jongerenwerk": r"\bjongerenwerk\w*\b",
        "Halt": r"\bHalt\b",
        "ondernemers": r"\bondernemers(vereniging|verenigingen)?\b|\bKVO\b",
        "onderwijs": r"\bscholen\b|\bonderwijsinstellingen\b",
    },
}
_CASE_SENSITIVE = {"Openbaar Ministerie", "RIEC", "Halt"}  # "om", "halt" are ordinary words
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-ZÀ-Ý0-9\"'(])")
JOINT = "gezamenlijk plan"


# -- helpers ---------------------------------------------------------------------------------
def period_start(period: object) -> int | None:
    """The start year of a period such as "2023-2026", "c2019-2022" or "2018"."""
    match = re.search(r"(19|20)\d\d", str(period or ""))
    return int(match.group()) if match else None


def period_bucket(period: object) -> str:
    start = period_start(period)
    if start is None:
        return PERIOD_UNKNOWN
    for first, last in PERIOD_BUCKETS:
        if first <= start <= last:
            return f"{first}-{last}"
    return f"vóór {PERIOD_BUCKETS[0][0]}" if start < PERIOD_BUCKETS[0][0] else f"na {PERIOD_BUCKETS[-1][1]}"


def current_codes(cell: object, registry: Registry) -> list[str]:
    """CBS codes of a `;` cell mapped to the gemeenten of 2023; unknown codes are dropped."""
    codes: list[str] = []
    for code in split_labels(cell, ";"):
        try:
            codes += [c for c in registry.current_code(code) if c not in codes]
        except KeyError:
            continue
    return codes


def carries_synthetic_marker(pages: pd.DataFrame) -> bool:
    """True when the extracted text says the documents are synthetic demo documents."""
    return bool(len(pages)) and pages["text"].fillna("").str.contains(SYNTHETIC_TEXT_MARKER, case=False, regex=False).any()


def _share(n: int, base: int) -> float:
    return n / base if base else float("nan")


def wilson_interval(k: int, n: int, z: float = Z_95) -> tuple[float, float]:
    """The Wilson score interval of k successes out of n (NaN, NaN without units)."""
    if n <= 0:
        return float("nan"), float("nan")
    p = k / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def item_share_intervals(items: pd.DataFrame, column: str, keys: list[str], clusters: list[str],
                         seed: int = BOOTSTRAP_SEED, n_boot: int = N_BOOTSTRAP) -> dict[str, tuple[float, float]]:
    """95% intervals of the share of `items` whose `column` equals each key, resampling clusters.

    `items` has a doc_id per row; `clusters` lists every plan that could hold items (plans
    without any count as draws too). A resample is a multinomial draw of the clusters, so each
    keeps all of its items; the interval is the 2.5-97.5 percentile of the resampled shares,
    widened to the Wilson interval over the items where that is wider.
    """
    clusters = sorted(set(clusters))
    total = len(items)
    if not total or not clusters:
        return {key: (float("nan"), float("nan")) for key in keys}
    counts = pd.crosstab(items["doc_id"], items[column]).reindex(index=clusters, columns=keys, fill_value=0)
    sizes = items.groupby("doc_id").size().reindex(clusters, fill_value=0).to_numpy(dtype=float)
    rng = np.random.default_rng(seed)
    weights = rng.multinomial(len(clusters), np.full(len(clusters), 1 / len(clusters)), size=n_boot).astype(float)
    denominators = weights @ sizes
    kept = denominators > 0  # a draw of only empty plans has no share
    shares = (weights[kept] @ counts.to_numpy(dtype=float)) / denominators[kept, None]
    low, high = np.percentile(shares, [2.5, 97.5], axis=0) if kept.any() else (np.full(len(keys), np.nan),) * 2
    intervals = {}
    for i, key in enumerate(keys):
        w_low, w_high = wilson_interval(int(counts[key].sum()), total)
        intervals[key] = (min(float(low[i]), w_low), max(float(high[i]), w_high))
    return intervals


def with_wilson(table: pd.DataFrame, share: str, n: str, base: str) -> pd.DataFrame:
    """The table with `<share>_low` and `<share>_high` from its numerator and base columns."""
    bounds = [wilson_interval(int(k), int(b)) for k, b in zip(table[n], table[base])]
    return table.assign(**{f"{share}_low": [lo for lo, _ in bounds], f"{share}_high": [hi for _, hi in bounds]})


def intervals_overlap(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


def separated_pairs(cells: pd.DataFrame, share: str = "share") -> list[tuple[str, str]]:
    """(higher, lower) category pairs whose 95% intervals do not overlap, higher share first.

    `cells` has category, `share`, `<share>_low`, `<share>_high`; cells without a share are skipped.
    """
    known = cells[cells[share].notna()].sort_values(share, ascending=False)
    rows = list(known.itertuples(index=False))
    pairs = []
    for i, high in enumerate(rows):
        for low in rows[i + 1:]:
            a = (getattr(high, f"{share}_low"), getattr(high, f"{share}_high"))
            b = (getattr(low, f"{share}_low"), getattr(low, f"{share}_high"))
            if not intervals_overlap(a, b):
                pairs.append((high.category, low.category))
    return pairs


def _tier1(speerpunten: pd.DataFrame) -> pd.DataFrame:
    """Priority-level speerpunten that carry a thema (unlabelled ones are reported in quality)."""
    labelled = speerpunten["thema"].fillna("").astype(str).str.len() > 0
    return speerpunten[(speerpunten["level"] == TIER1) & labelled]


def plan_labels(speerpunten: pd.DataFrame) -> pd.DataFrame:
    """Long table doc_id, kind (thema|lp), key: what each plan prioritises (tier 1, thema or also)."""
    rows = []
    for row in _tier1(speerpunten).itertuples():
        for thema in [row.thema, *split_labels(row.also)]:
            rows.append((row.doc_id, "thema", thema))
        for lp in split_labels(row.landelijke_prioriteiten):
            rows.append((row.doc_id, "lp", lp))
    return pd.DataFrame(rows, columns=["doc_id", "kind", "key"]).drop_duplicates(ignore_index=True)


# -- plans and gemeenten ---------------------------------------------------------------------
def plans_table(documents: pd.DataFrame, speerpunten: pd.DataFrame, registry: Registry) -> pd.DataFrame:
    """One row per analysed plan (documents that did not fail extraction)."""
    analysed = documents[documents["status"] != "error"]
    labels = plan_labels(speerpunten)
    counts = speerpunten.groupby(["doc_id", "level"]).size().unstack(fill_value=0)
    rows = []
    for doc in analysed.itertuples():
        codes = current_codes(doc.municipalities, registry)
        mine = labels[labels["doc_id"] == doc.doc_id]
        n1 = int(counts.at[doc.doc_id, TIER1]) if doc.doc_id in counts.index and TIER1 in counts else 0
        n2 = int(counts.at[doc.doc_id, TIER2]) if doc.doc_id in counts.index and TIER2 in counts else 0
        rows.append({
            "doc_id": doc.doc_id, "source_file": doc.source_file, "title": doc.title or "",
            "municipalities": ";".join(codes), "municipality_names": "; ".join(registry.name(c) for c in codes),
            "n_municipalities": len(codes), "joint": len(codes) > 1,
            "groups": "|".join(sorted({registry.group(c) for c in codes}, key=GROUPS.index)),
            "period": doc.period or "", "period_bucket": period_bucket(doc.period),
            "status": doc.status, "n_prioriteit": n1, "n_overig_thema": n2,
            "themas": "|".join(sorted(mine.loc[mine["kind"] == "thema", "key"])),
            "landelijke_prioriteiten": "|".join(sorted(mine.loc[mine["kind"] == "lp", "key"])),
        })
    columns = ["doc_id", "source_file", "title", "municipalities", "municipality_names", "n_municipalities", "joint",
               "groups", "period", "period_bucket", "status", "n_prioriteit", "n_overig_thema", "themas",
               "landelijke_prioriteiten"]
    return pd.DataFrame(rows, columns=columns)


def municipalities_table(plans: pd.DataFrame, registry: Registry) -> pd.DataFrame:
    """All gemeenten with their plan in the corpus (the most recent one when there are several)."""
    pairs = plans.assign(gemeentecode=plans["municipalities"].str.split(";")).explode("gemeentecode")
    pairs = pairs[pairs["gemeentecode"].fillna("") != ""]
    pairs = pairs.assign(start=pairs["period"].map(period_start).fillna(0))
    pairs = pairs.sort_values(["gemeentecode", "start", "doc_id"])
    latest = pairs.groupby("gemeentecode").agg(
        n_plans=("doc_id", "nunique"), doc_id=("doc_id", "last"), period=("period", "last"), joint=("joint", "last"))
    base = registry.municipalities[["gemeentecode", "name", "group", "province", "politie_eenheid"]].reset_index(drop=True)
    table = base.merge(latest, left_on="gemeentecode", right_index=True, how="left")
    table["n_plans"] = table["n_plans"].fillna(0).astype(int)
    table["has_plan"] = table["n_plans"] > 0
    table["joint"] = table["joint"].astype("boolean").fillna(False).astype(bool)
    table["doc_id"] = table["doc_id"].fillna("")
    table["period"] = table["period"].fillna("")
    return table[["gemeentecode", "name", "group", "province", "politie_eenheid", "has_plan", "n_plans", "doc_id",
                  "period", "joint"]]


def coverage_table(municipalities: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for group in [*GROUPS, "totaal"]:
        part = municipalities if group == "totaal" else municipalities[municipalities["group"] == group]
        n, k = len(part), int(part["has_plan"].sum())
        rows.append({"group": group, "n_municipalities": n, "n_with_plan": k, "share": _share(k, n),
                     "n_joint": int(part["joint"].sum()), "small_cell": n < SMALL_CELL})
    return pd.DataFrame(rows)


# -- national --------------------------------------------------------------------------------
def veld_table(speerpunten: pd.DataFrame, plans: pd.DataFrame, codebook: Codebook,
               ccv_2020: dict[str, float] | None = None) -> pd.DataFrame:
    """Share of the speerpunten per veld; `ccv_2020` (codebook id -> the CCV's 2020 share, see
    `codebook.load_ccv_2020_shares`) adds the comparable CCV figure."""
    tier1 = _tier1(speerpunten)
    plan_ids = list(plans["doc_id"])
    veld = tier1["thema"].map(codebook.veld_of)
    ccv = ccv_2020 or {}
    intervals = item_share_intervals(tier1.assign(veld=veld), "veld", [v.id for v in codebook.velden], plan_ids)
    rows = [{"veld": v.id, "veld_name": v.name, "n_speerpunten": int((veld == v.id).sum()), "base": len(tier1),
             "share": _share(int((veld == v.id).sum()), len(tier1)), "share_low": intervals[v.id][0],
             "share_high": intervals[v.id][1], "ccv_2020_share": ccv.get(v.id, float("nan"))}
            for v in codebook.velden]
    return pd.DataFrame(rows)


def thema_table(speerpunten: pd.DataFrame, plans: pd.DataFrame, codebook: Codebook,
                ccv_2020: dict[str, float] | None = None) -> pd.DataFrame:
    """Share of the speerpunten per thema and of the plans with the thema (as main or also-thema)."""
    tier1 = _tier1(speerpunten)
    labels = plan_labels(speerpunten)
    theme_plans = labels[labels["kind"] == "thema"].groupby("key")["doc_id"].nunique()
    ccv = ccv_2020 or {}
    intervals = item_share_intervals(tier1, "thema", list(codebook.theme_ids), list(plans["doc_id"]))
    rows = []
    for t in codebook.themes:
        n = int((tier1["thema"] == t.id).sum())
        k = int(theme_plans.get(t.id, 0))
        rows.append({"thema": t.id, "thema_name": t.name, "veld": t.veld, "n_speerpunten": n, "base": len(tier1),
                     "share": _share(n, len(tier1)), "share_low": intervals[t.id][0], "share_high": intervals[t.id][1],
                     "n_plans": k, "n_plans_total": len(plans), "share_plans": _share(k, len(plans)),
                     "ccv_2020_share": ccv.get(t.id, float("nan"))})
    table = with_wilson(pd.DataFrame(rows), "share_plans", "n_plans", "n_plans_total")
    return table.sort_values(["n_speerpunten", "n_plans"], ascending=False, ignore_index=True)


def tiers_table(speerpunten: pd.DataFrame, plans: pd.DataFrame) -> pd.DataFrame:
    intervals = item_share_intervals(speerpunten, "level", [TIER1, TIER2], list(plans["doc_id"]))
    rows = []
    for level, column in ((TIER1, "n_prioriteit"), (TIER2, "n_overig_thema")):
        per_plan = plans[column]
        rows.append({"level": level, "n_speerpunten": int((speerpunten["level"] == level).sum()),
                     "share": _share(int((speerpunten["level"] == level).sum()), len(speerpunten)),
                     "share_low": intervals[level][0], "share_high": intervals[level][1],
                     "n_plans_with_level": int((per_plan > 0).sum()), "n_plans": len(plans),
                     "mean_per_plan": per_plan.mean() if len(plans) else float("nan"),
                     "median_per_plan": per_plan.median() if len(plans) else float("nan"),
                     "min_per_plan": int(per_plan.min()) if len(plans) else 0,
                     "max_per_plan": int(per_plan.max()) if len(plans) else 0})
    return pd.DataFrame(rows)


def alignment_table(speerpunten: pd.DataFrame, plans: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    tier1 = _tier1(speerpunten)
    per_lp = plan_labels(speerpunten).query("kind == 'lp'").groupby("key")["doc_id"].nunique()
    any_level = speerpunten.assign(lp=speerpunten["landelijke_prioriteiten"].map(split_labels)).explode("lp")
    any_level = any_level.groupby("lp")["doc_id"].nunique()
    rows = []
    for lp in codebook.landelijke_prioriteiten:
        touches = tier1["landelijke_prioriteiten"].map(lambda c, i=lp.id: i in split_labels(c))
        n_items = int(touches.sum())
        # an item can touch several priorities: each priority is its own yes/no share of the items
        low, high = item_share_intervals(tier1.assign(touches=touches), "touches", [True], list(plans["doc_id"]))[True]
        k = int(per_lp.get(lp.id, 0))
        rows.append({"landelijke_prioriteit": lp.id, "name": lp.name, "n_plans": k, "n_plans_total": len(plans),
                     "share_plans": _share(k, len(plans)), "n_plans_any_level": int(any_level.get(lp.id, 0)),
                     "n_speerpunten": n_items, "share_speerpunten": _share(n_items, len(tier1)),
                     "share_speerpunten_low": low, "share_speerpunten_high": high})
    table = with_wilson(pd.DataFrame(rows), "share_plans", "n_plans", "n_plans_total")
    return table[["landelijke_prioriteit", "name", "n_plans", "n_plans_total", "share_plans", "share_plans_low",
                  "share_plans_high", "n_plans_any_level", "n_speerpunten", "share_speerpunten",
                  "share_speerpunten_low", "share_speerpunten_high"]]


def plan_alignment_table(plans: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    table = plans[["doc_id", "source_file", "municipality_names", "period"]].copy()
    for lp_id in codebook.lp_ids:
        table[lp_id] = plans["landelijke_prioriteiten"].map(lambda c, i=lp_id: int(i in split_labels(c)))
    table["n_landelijke_prioriteiten"] = table[codebook.lp_ids].sum(axis=1) if codebook.lp_ids else 0
    return table


# -- breakdowns ------------------------------------------------------------------------------
def breakdown_table(speerpunten: pd.DataFrame, plans: pd.DataFrame, municipalities: pd.DataFrame,
                    codebook: Codebook) -> pd.DataFrame:
    """Long table of shares per dimension and category, each with numerator, base and units."""
    with_plan = municipalities[municipalities["has_plan"]]
    units_by_dimension = {
        "group": (GEMEENTE, with_plan[["doc_id", "group"]].rename(columns={"group": "category"}), list(GROUPS)),
        "province": (GEMEENTE, with_plan[["doc_id", "province"]].rename(columns={"province": "category"}), None),
        "politie_eenheid": (GEMEENTE, with_plan[["doc_id", "politie_eenheid"]].rename(
            columns={"politie_eenheid": "category"}), None),
        "period": (PLAN, plans[["doc_id", "period_bucket"]].rename(columns={"period_bucket": "category"}), None),
        "joint": (PLAN, plans[["doc_id"]].assign(category=plans["joint"].map({True: "gezamenlijk", False: "enkel"})),
                  ["enkel", "gezamenlijk"]),
    }
    tier1 = _tier1(speerpunten)
    tier1 = tier1.assign(veld=tier1["thema"].map(codebook.veld_of))[["doc_id", "veld"]]
    labels = plan_labels(speerpunten)
    frames = []
    for dimension, (convention, units, order) in units_by_dimension.items():
        categories = order or sorted(units["category"].dropna().unique())
        for category in categories:
            part = units[units["category"] == category]
            n_units = len(part)
            items = part.merge(tier1, on="doc_id")  # a joint plan's speerpunten once per gemeente
            intervals = item_share_intervals(items, "veld", [v.id for v in codebook.velden], list(part["doc_id"]))
            rows = [("veld_share", v.id, v.name, int((items["veld"] == v.id).sum()), len(items), *intervals[v.id])
                    for v in codebook.velden]
            held = part.merge(labels, on="doc_id")
            for kind, measure, entries in (("thema", "thema_units", [(t.id, t.name) for t in codebook.themes]),
                                           ("lp", "lp_units", [(p.id, p.name) for p in codebook.landelijke_prioriteiten])):
                chosen = held[held["kind"] == kind]
                for key, name in entries:
                    k = int((chosen["key"] == key).sum())
                    rows.append((measure, key, name, k, n_units, *wilson_interval(k, n_units)))
            frame = pd.DataFrame(rows, columns=["measure", "key", "label", "n", "base", "share_low", "share_high"])
            frames.append(frame.assign(dimension=dimension, convention=convention, category=category, n_units=n_units))
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=["measure", "key", "label", "n", "base", "share_low", "share_high", "dimension", "convention",
                 "category", "n_units"])
    table["share"] = [_share(n, b) for n, b in zip(table["n"], table["base"])]
    table["interval"] = table["measure"].map(lambda m: "bootstrap" if m == "veld_share" else "wilson")
    table["small_cell"] = table["n_units"] < SMALL_CELL
    return table[["dimension", "convention", "category", "measure", "key", "label", "n", "base", "share", "share_low",
                  "share_high", "interval", "n_units", "small_cell"]]


# -- text signals ----------------------------------------------------------------------------
def _compiled_signals() -> list[tuple[str, str, re.Pattern]]:
    return [(kind, name, re.compile(pattern, 0 if name in _CASE_SENSITIVE else re.IGNORECASE))
            for kind, patterns in SIGNAL_PATTERNS.items() for name, pattern in patterns.items()]


def signals_table(blocks: pd.DataFrame, plans: pd.DataFrame) -> pd.DataFrame:
    """Per plan and signal: how often the plan mentions it and its first sentence as evidence.

    Joint plans come from the manifest's gemeenten (evidence: the gemeenten named), the other
    signals from the plan text.
    """
    signals = _compiled_signals()
    analysed = set(plans["doc_id"])
    source = dict(zip(plans["doc_id"], plans["source_file"]))
    rows = []
    for plan in plans[plans["joint"]].itertuples():
        rows.append({"doc_id": plan.doc_id, "source_file": plan.source_file, "signal_type": "samenwerking",
                     "signal": JOINT, "n_mentions": plan.n_municipalities, "page": pd.NA,
                     "quote": f"{plan.n_municipalities} gemeenten: {plan.municipality_names}"})
    ordered = blocks[blocks["doc_id"].isin(analysed)].sort_values(["doc_id", "block_id"])
    for doc_id, doc_blocks in ordered.groupby("doc_id", sort=False):
        found: dict[str, dict] = {}
        for block in doc_blocks.itertuples():
            text = " ".join(str(block.text or "").split())
            for kind, name, pattern in signals:
                hits = pattern.findall(text)
                if not hits:
                    continue
                if name in found:
                    found[name]["n_mentions"] += len(hits)
                    continue
                sentence = next((s for s in _SENTENCE.split(text) if pattern.search(s)), text)
                found[name] = {"doc_id": doc_id, "source_file": source[doc_id], "signal_type": kind, "signal": name,
                               "n_mentions": len(hits), "page": int(block.page), "quote": sentence[:400]}
        rows += found.values()
    table = pd.DataFrame(rows, columns=["doc_id", "source_file", "signal_type", "signal", "n_mentions", "page", "quote"])
    table["page"] = table["page"].astype("Int64")
    return table


def signal_summary_table(signals: pd.DataFrame, plans: pd.DataFrame) -> pd.DataFrame:
    names = [("samenwerking", JOINT)] + [(kind, name) for kind, patterns in SIGNAL_PATTERNS.items() for name in patterns]
    rows = []
    for kind, name in names:
        k = int(signals.loc[signals["signal"] == name, "doc_id"].nunique())
        rows.append({"signal_type": kind, "signal": name, "n_plans": k, "n_plans_total": len(plans),
                     "share_plans": _share(k, len(plans))})
    return with_wilson(pd.DataFrame(rows), "share_plans", "n_plans", "n_plans_total")


# -- quality ---------------------------------------------------------------------------------
def quality_table(documents: pd.DataFrame, speerpunten: pd.DataFrame, errors: pd.DataFrame, plans: pd.DataFrame,
                  registry: Registry, synthetic: bool, findings: pd.DataFrame | None = None) -> pd.DataFrame:
    """Key facts for the methods section, as metric / value / description (Dutch)."""
    status = documents["status"].value_counts()
    finder = findings["status"].value_counts() if findings is not None and "status" in findings else pd.Series(dtype=int)
    labelled = speerpunten["thema"].fillna("").astype(str).str.len() > 0
    source = speerpunten["label_source"].fillna("")
    rows = [
        ("documents", len(documents), "documenten in het corpus"),
        ("documents_ok", int(status.get("ok", 0)), "documenten zonder problemen"),
        ("documents_warning", int(status.get("warning", 0)), "documenten met een waarschuwing (wel geanalyseerd)"),
        ("documents_error", int(status.get("error", 0)), "documenten die niet gelezen konden worden (niet geanalyseerd)"),
        ("errors", len(errors), "meldingen in de foutentabel"),
        ("plans", len(plans), "geanalyseerde plannen"),
        ("plans_without_municipality", int((plans["n_municipalities"] == 0).sum()),
         "plannen zonder herkende gemeente (tellen landelijk mee, niet per groep)"),
        ("plans_without_speerpunten", int((plans["n_prioriteit"] + plans["n_overig_thema"] == 0).sum()),
         "plannen waarin geen speerpunt is gevonden"),
        ("plans_speerpunten_onzeker", int(finder.get("onzeker", 0)),
         "plannen zonder duidelijke lijst van speerpunten (onzeker; in het reviewblad ter controle)"),
        ("plans_speerpunten_reviewed", int(finder.get("beoordeeld", 0)), "plannen waarvan een persoon de speerpunten beoordeelde"),
        ("plans_speerpunten_error", int(finder.get("fout", 0)), "plannen waarin het zoeken naar speerpunten mislukte"),
        ("speerpunten", len(speerpunten), "speerpunten en overige thema's"),
        ("speerpunten_unlabelled", int((~labelled).sum()), "speerpunten zonder label (niet in de aandelen)"),
        ("labels_review", int((source == "review").sum()), "labels door een persoon beoordeeld"),
        ("labels_model", int((source == "model").sum()), "labels automatisch toegekend"),
        ("share_labels_review", _share(int((source == "review").sum()), int(labelled.sum())),
         "aandeel labels door een persoon beoordeeld"),
        ("mean_label_confidence", float(speerpunten["label_confidence"].mean()) if len(speerpunten) else float("nan"),
         "gemiddelde zekerheid van de labels (0-1)"),
        ("municipalities_total", len(registry.municipalities), "gemeenten in Nederland (2023)"),
        ("groups_user_file", int(registry.groups_file is not None),
         "1 = de groepen G4/G40/P10 komen uit een eigen groepenbestand (--groups)"),
    ]
    for size in registry.group_sizes().itertuples():
        rows += [(f"{size.group.lower()}_members_known", size.known, f"{size.group}-gemeenten in de indeling"),
                 (f"{size.group.lower()}_members_reported", size.reported,
                  f"leden van de {size.group} volgens de groep zelf (leeg bij een eigen groepenbestand)")]
    rows += [
        ("synthetic", int(synthetic), "1 = de documenten zijn synthetische demodocumenten, geen echt beleid"),
    ]
    return pd.DataFrame(rows, columns=["metric", "value", "description"]).astype({"value": "float64"})


# -- reliability -----------------------------------------------------------------------------
RELIABILITY_COLUMNS = ["part", "metric", "value", "low", "high", "mean_confidence", "n_items", "n_plans",
                       "measured_on", "version", "date", "description"]


def low_unreviewed(items: pd.DataFrame) -> pd.Series:
    """Per speerpunt: its label is automatic and below REVIEW_THRESHOLD (nobody checked an uncertain label)."""
    reviewed = items["label_source"].fillna("") == "review"
    return ~reviewed & (items["label_confidence"].astype(float) < REVIEW_THRESHOLD)


def support_counts(items: pd.DataFrame) -> dict[str, int]:
    """How many of the speerpunten behind a figure a person reviewed, and how many rest on an
    automatic label below REVIEW_THRESHOLD."""
    reviewed = items["label_source"].fillna("") == "review"
    return {"n_items": len(items), "n_reviewed": int(reviewed.sum()), "n_low_unreviewed": int(low_unreviewed(items).sum())}


def rests_on_low_confidence(support: dict[str, int]) -> bool:
    """True when most of a figure's speerpunten carry an unreviewed label below REVIEW_THRESHOLD."""
    return support["n_items"] > 0 and support["n_low_unreviewed"] > support["n_items"] / 2


def _evaluation_rows(evaluation: dict) -> list[dict]:
    provenance = {"measured_on": evaluation["data"], "version": evaluation["version"], "date": evaluation["date"]}
    finder, labels = evaluation["speerpunten"], evaluation["labels"]
    rows = []
    for metric, k, n, description in (
            ("precision", finder["n_matched"], finder["n_found"], "speerpunten vinden: aandeel gevonden speerpunten "
                                                                  "dat echt een speerpunt van het plan is (precisie)"),
            ("recall", finder["n_matched"], finder["n_gold"], "speerpunten vinden: aandeel speerpunten van het plan "
                                                              "dat gevonden is (recall)")):
        rows.append({"part": "speerpunten", "metric": metric, "value": finder[metric], "n_items": n,
                     "n_plans": finder["n_plans"],
                     "description": f"{description}; {finder['n_documents']} documenten (uittreksels als HTML en PDF)",
                     **dict(zip(("low", "high"), wilson_interval(k, n)))})
    rows.append({"part": "speerpunten", "metric": "f1", "value": finder["f1"], "n_items": finder["n_gold"],
                 "n_plans": finder["n_plans"], "description": "speerpunten vinden: F1 (precisie en recall samen)"})
    n_items = labels["n_items"]
    for metric, description in (("thema_accuracy", "labelen: thema juist"), ("veld_accuracy", "labelen: veld juist")):
        rows.append({"part": "labels", "metric": metric, "value": labels[metric], "n_items": n_items,
                     "n_plans": labels["n_plans"], "description": description,
                     **dict(zip(("low", "high"), wilson_interval(round(labels[metric] * n_items), n_items)))})
    rows += [
        {"part": "labels", "metric": "lp_micro_f1", "value": labels["lp_micro_f1"], "n_items": n_items,
         "n_plans": labels["n_plans"], "description": "labelen: landelijke prioriteiten juist (micro-F1)"},
        {"part": "labels", "metric": "mean_confidence", "value": labels["mean_confidence"], "n_items": n_items,
         "n_plans": labels["n_plans"], "description": "gemiddelde labelzekerheid op de ontwikkeldata"},
        {"part": "labels", "metric": "expected_calibration_error", "value": labels["expected_calibration_error"],
         "n_items": n_items, "n_plans": labels["n_plans"],
         "description": "gemiddeld verschil tussen zekerheid en nauwkeurigheid per klasse (ECE; 0 = zekerheid klopt)"},
    ]
    if "lp_set_accuracy" in labels:  # evaluation.json of 0.x before the priorities had a confidence of their own
        n_right = round(labels["lp_set_accuracy"] * n_items)
        rows += [
            {"part": "labels", "metric": "lp_set_accuracy", "value": labels["lp_set_accuracy"], "n_items": n_items,
             "n_plans": labels["n_plans"], "description": "labelen: set landelijke prioriteiten precies juist",
             **dict(zip(("low", "high"), wilson_interval(n_right, n_items)))},
            {"part": "labels", "metric": "lp_mean_confidence", "value": labels["lp_mean_confidence"], "n_items": n_items,
             "n_plans": labels["n_plans"],
             "description": "gemiddelde zekerheid van de landelijke prioriteiten op de ontwikkeldata"},
            {"part": "labels", "metric": "lp_expected_calibration_error", "value": labels["lp_expected_calibration_error"],
             "n_items": n_items, "n_plans": labels["n_plans"],
             "description": "ECE van de zekerheid van de landelijke prioriteiten (0 = zekerheid klopt)"},
        ]
    rows += [{"part": "calibration", "metric": b["bin"], "value": b["accuracy"], "mean_confidence": b["mean_confidence"],
              "n_items": b["n"], "n_plans": labels["n_plans"],
              "description": "zekerheidsklasse: aandeel juiste thema's (value) bij de gemiddelde zekerheid"}
             for b in labels["reliability"]]
    return [{**row, **provenance} for row in rows]


def reliability_table(evaluation: dict | None, speerpunten: pd.DataFrame, plans: pd.DataFrame,
                      findings: pd.DataFrame | None) -> pd.DataFrame:
    """The measured accuracy (from `evaluation`, the shipped evaluation.json; absent: one row
    that says so), the calibration of the label confidence and what a person reviewed here."""
    rows = _evaluation_rows(evaluation) if evaluation else [
        {"part": "evaluation", "metric": "not_measured", "measured_on": "",
         "description": "geen gemeten nauwkeurigheid meegeleverd (evaluation.json ontbreekt; maak het met make evaluate)"}]
    labelled = speerpunten[speerpunten["thema"].fillna("").astype(str).str.len() > 0]
    support = support_counts(labelled)
    n_labelled = support["n_items"]
    status = findings.set_index("doc_id")["status"] if findings is not None and "status" in findings else pd.Series(dtype=str)
    reviewed_plans = set(status[status == "beoordeeld"].index) & set(plans["doc_id"])
    in_reviewed = int(speerpunten["doc_id"].isin(reviewed_plans).sum())
    onzeker = int((status.reindex(plans["doc_id"]) == "onzeker").sum())
    review = [
        {"part": "review", "metric": "share_labels_reviewed", "value": _share(support["n_reviewed"], n_labelled),
         "n_items": n_labelled, "description": "aandeel labels door een persoon beoordeeld"},
        {"part": "review", "metric": "share_speerpunten_reviewed", "value": _share(in_reviewed, len(speerpunten)),
         "n_items": len(speerpunten), "n_plans": len(reviewed_plans),
         "description": "aandeel speerpunten in plannen waarvan een persoon de lijst van speerpunten beoordeelde"},
        {"part": "review", "metric": "share_labels_below_threshold",
         "value": _share(support["n_low_unreviewed"], n_labelled), "n_items": n_labelled,
         "description": f"aandeel labels automatisch toegekend met zekerheid onder {REVIEW_THRESHOLD:.1f} "
                        "(niet beoordeeld)".replace(".", ",")},
        {"part": "review", "metric": "plans_speerpunten_onzeker", "value": onzeker, "n_plans": len(plans),
         "description": "plannen zonder duidelijke lijst van speerpunten (onzeker; hun kandidaten tellen niet mee)"},
        {"part": "review", "metric": "review_threshold", "value": REVIEW_THRESHOLD,
         "description": "drempel: automatische labels met een lagere zekerheid horen eerst beoordeeld te worden"},
    ]
    rows += [{**row, "measured_on": "dit corpus"} for row in review]
    table = pd.DataFrame(rows, columns=RELIABILITY_COLUMNS)
    return table.astype({c: "float64" for c in ("value", "low", "high", "mean_confidence", "n_items", "n_plans")})


# -- all together ----------------------------------------------------------------------------
def analyse(documents: pd.DataFrame, speerpunten: pd.DataFrame, blocks: pd.DataFrame, errors: pd.DataFrame,
            registry: Registry, codebook: Codebook, synthetic: bool = False,
            findings: pd.DataFrame | None = None, evaluation: dict | None = None,
            ccv_2020: dict[str, float] | None = None) -> dict[str, pd.DataFrame]:
    """Every analysis table, keyed by its store name (see `catalog.ANALYSIS_TABLES`). `evaluation` is the
    measured accuracy on development data (`ivpcorpus.evaluation.load_evaluation()`), None when
    there is none; `ccv_2020` the CCV's 2020 shares to compare with (`codebook.load_ccv_2020_shares()`)."""
    analysed = set(documents.loc[documents["status"] != "error", "doc_id"])
    speerpunten = speerpunten[speerpunten["doc_id"].isin(analysed)]
    plans = plans_table(documents, speerpunten, registry)
    municipalities = municipalities_table(plans, registry)
    signals = signals_table(blocks, plans)
    tables = {
        "analysis_plans": plans,
        "analysis_municipalities": municipalities,
        "analysis_coverage": coverage_table(municipalities),
        "analysis_veld": veld_table(speerpunten, plans, codebook, ccv_2020),
        "analysis_thema": thema_table(speerpunten, plans, codebook, ccv_2020),
        "analysis_tiers": tiers_table(speerpunten, plans),
        "analysis_alignment": alignment_table(speerpunten, plans, codebook),
        "analysis_plan_alignment": plan_alignment_table(plans, codebook),
        "analysis_breakdown": breakdown_table(speerpunten, plans, municipalities, codebook),
        "analysis_signals": signals,
        "analysis_signal_summary": signal_summary_table(signals, plans),
        "analysis_quality": quality_table(documents, speerpunten, errors, plans, registry, synthetic, findings),
        "analysis_reliability": reliability_table(evaluation, speerpunten, plans, findings),
    }
    return tables
