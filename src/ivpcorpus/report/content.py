"""The report's content: key findings in sentences, sections with charts and tables, the annex.

Built from the `analysis_*` tables (ivpcorpus.analyse) plus speerpunten, documents and
errors. Everything a chart shows is also in a table next to it. Text is Dutch; names of
velden, thema's and landelijke prioriteiten come from the codebook.

Every share is printed with its 95% interval ("62% (48–74%)", error bars in the charts); group
comparisons say where intervals do not overlap. Each key finding knows the speerpunten it rests
on, so the Betrouwbaarheid subsection (under Methode en datakwaliteit) can say how many of them a
person reviewed, and a finding resting mainly on unreviewed uncertain labels says so itself.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from ivpcorpus.analyse import (INTERVAL_NOTE, REVIEW_THRESHOLD, SMALL_CELL, TIER1, TIER2, low_unreviewed,
                               rests_on_low_confidence, separated_pairs, split_labels, support_counts, wilson_interval)
from ivpcorpus.catalog import CONVENTIONS, GEMEENTE, PLAN, TABLES
from ivpcorpus.codebook import Codebook
from ivpcorpus.registry import GROUPS
from ivpcorpus.report.charts import Chart, Series, bar_chart
from ivpcorpus.report.model import ReportTable, Section

GROUP_NAMES = {"G4": "G4", "G40": "G40", "P10": "P10", "other": "overige gemeenten"}
LEVEL_NAMES = {TIER1: "prioriteit", TIER2: "overig thema"}
SOURCE_NAMES = {"review": "beoordeeld", "model": "automatisch"}
STAGE_NAMES = {"manifest": "inventaris", "extract": "lezen", "speerpunten": "speerpunten vinden",
               "classify": "labelen", "topics": "onderwerpen"}
DIMENSION_NAMES = {"group": "groep", "province": "provincie", "politie_eenheid": "politie-eenheid",
                   "period": "periode (startjaar)", "joint": "gezamenlijk of enkel plan"}
SMALL_NOTE = f"* minder dan {SMALL_CELL} eenheden in de cel: een aandeel op zo weinig plannen of gemeenten is onzeker."
TOP_THEMAS = 15


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def pct(value: float) -> str:
    return "–" if _missing(value) else f"{value * 100:.0f}%"


def pct_ci(value: float, low: float, high: float) -> str:
    """'62% (48–74%)': a share with its 95% interval (the share alone when there is no interval)."""
    if _missing(value):
        return "–"
    if _missing(low) or _missing(high):
        return pct(value)
    return f"{pct(value)} ({low * 100:.0f}–{high * 100:.0f}%)"


def column_ci(table: pd.DataFrame, share: str) -> pd.Series:
    """A table's share column as '62% (48–74%)' from `<share>_low` and `<share>_high`."""
    return pd.Series([pct_ci(v, lo, hi) for v, lo, hi in zip(table[share], table[f"{share}_low"], table[f"{share}_high"])],
                     index=table.index)


def dec(value: float, digits: int = 1) -> str:
    return "–" if _missing(value) else f"{value:.{digits}f}".replace(".", ",")


def share_cell(n: int, base: int, low: float, high: float, small: bool = False) -> str:
    """'42% (15–72%) 5/12', with an asterisk when the cell is small."""
    return f"{pct_ci(n / base, low, high) if base else '–'} {n}/{base}{'*' if small else ''}"


def interval_series(name: str, table: pd.DataFrame, share: str) -> Series:
    """A chart series of a share column with its 95% interval as error bars."""
    return Series(name, list(table[share]), low=list(table[f"{share}_low"]), high=list(table[f"{share}_high"]))


def incomplete_groups(quality: pd.DataFrame) -> list[tuple[str, int, int]]:
    """(group, known, reported) for every group whose list in the registry has fewer members than
    the group reports itself (analysis_quality *_members_known / *_members_reported)."""
    values = dict(zip(quality["metric"], quality["value"]))
    found = []
    for group in GROUPS:
        known, reported = values.get(f"{group.lower()}_members_known"), values.get(f"{group.lower()}_members_reported")
        if known is not None and not _missing(reported) and known < reported:
            found.append((group, int(known), int(reported)))
    return found


def group_list_note(quality: pd.DataFrame, sentence: bool = True) -> str:
    """What the reader must know about the group lists: where they came from and which is
    incomplete ("" when there is nothing to say); `sentence=False`: the incomplete lists as a
    clause for a list of limitations."""
    values = dict(zip(quality["metric"], quality["value"]))
    if values.get("groups_user_file") and sentence:
        known = ", ".join(f"{g} {int(values.get(f'{g.lower()}_members_known', 0))}" for g in GROUPS if g != "other")
        return f"De groepen komen uit het opgegeven groepenbestand (aantal gemeenten: {known})."
    parts = [f"de {group}-lijst in de registratie is onvolledig ({known} van de circa {reported} leden)"
             for group, known, reported in incomplete_groups(quality)]
    if not parts:
        return ""
    text = "; ".join(parts)
    return f"{text[0].upper()}{text[1:]}; ontbrekende leden tellen als overige gemeenten." if sentence else text


def convention_note(table: str) -> str:
    convention = TABLES[table].convention
    return f"Telwijze: {CONVENTIONS[convention]}." if convention else ""


@dataclass
class ReportContent:
    title: str
    synthetic: bool
    findings: list[Finding]
    sections: list[Section]
    annex: list[dict]
    annex_themes: list[tuple[str, str]]  # (id, name) of the thema's in the annex, for its filter
    review_threshold: str  # as printed, '0,8'


def build_content(tables: dict[str, pd.DataFrame], codebook: Codebook, *, synthetic: bool,
                  extra_sections: list[Section] = ()) -> ReportContent:
    findings = key_findings(tables, codebook)
    entries = annex(tables, codebook)
    sections = [national_section(tables, codebook), groups_section(tables, codebook),
                alignment_section(tables, codebook), signals_section(tables), *extra_sections,
                methods_section(tables, synthetic, findings)]
    return ReportContent(title="Landelijke analyse Integrale Veiligheidsplannen", synthetic=synthetic,
                         findings=findings, sections=sections, annex=entries,
                         annex_themes=[(t.id, t.name) for t in codebook.themes
                                       if any(t.id in i["themes"].split("|") for e in entries for i in e["speerpunten"])],
                         review_threshold=dec(REVIEW_THRESHOLD))


# -- key findings ----------------------------------------------------------------------------
@dataclass
class Finding:
    text: str
    topic: str = ""  # short Dutch name, for the table of what the finding rests on
    support: dict[str, int] | None = None  # analyse.support_counts of its speerpunten (None: not about labels)
    flagged: bool = False  # rests mainly on unreviewed low-confidence labels


def _finding(text: str, topic: str, items: pd.DataFrame, reviewed_plans: set[str], about_labels: bool = True) -> Finding:
    """A finding about speerpunten, with what it rests on; one that depends on their labels gets a
    warning when most of those labels are automatic and uncertain."""
    support = {**support_counts(items), "n_in_reviewed_list": int(items["doc_id"].isin(reviewed_plans).sum())}
    flagged = about_labels and rests_on_low_confidence(support)
    if flagged:
        text += (f" Let op: deze bevinding rust vooral op automatisch toegekende labels met een zekerheid onder "
                 f"{dec(REVIEW_THRESHOLD)} die niemand beoordeelde ({support['n_low_unreviewed']} van de "
                 f"{support['n_items']} speerpunten).")
    return Finding(text, topic, support, flagged)


def _group_overlap_sentence(cells: pd.DataFrame) -> str:
    pairs = separated_pairs(cells)
    if not pairs:
        return ("De 95%-intervallen van de groepen overlappen: de verschillen tussen de groepen kunnen toeval zijn.")
    return "De intervallen overlappen niet voor " + ", ".join(
        f"{GROUP_NAMES.get(a, a)} (hoger) en {GROUP_NAMES.get(b, b)}" for a, b in pairs) + \
        "; de andere verschillen tussen de groepen kunnen toeval zijn."


def key_findings(tables: dict[str, pd.DataFrame], codebook: Codebook) -> list[Finding]:
    plans, coverage = tables["analysis_plans"], tables["analysis_coverage"].set_index("group")
    veld, thema = tables["analysis_veld"], tables["analysis_thema"]
    tiers, alignment = tables["analysis_tiers"].set_index("level"), tables["analysis_alignment"]
    quality = dict(zip(tables["analysis_quality"]["metric"], tables["analysis_quality"]["value"]))
    total = coverage.loc["totaal"]
    findings = [Finding(
        f"Geanalyseerd zijn {len(plans)} plannen, samen voor {int(total['n_with_plan'])} van de "
        f"{int(total['n_municipalities'])} gemeenten (een dekking van {pct(total['share'])}); "
        f"{int(plans['joint'].sum())} plannen "
        f"zijn door meerdere gemeenten samen opgesteld.", "plannen en gemeenten")]
    if not len(plans) or not int(tiers.at[TIER1, "n_speerpunten"]):
        return findings + [Finding("Er zijn (nog) geen gelabelde speerpunten om te analyseren.")]
    speerpunten = tables["speerpunten"]
    tier1 = speerpunten[(speerpunten["level"] == TIER1) & speerpunten["doc_id"].isin(plans["doc_id"])
                        & (speerpunten["thema"].fillna("").astype(str).str.len() > 0)]
    findings_table = tables.get("speerpunt_findings")
    reviewed_plans = set(findings_table.loc[findings_table["status"] == "beoordeeld", "doc_id"]) \
        if findings_table is not None else set()
    compared = [f"{pct_ci(r.share, r.share_low, r.share_high)} over {r.veld_name.lower()} "
                f"(CCV 2020: {pct(r.ccv_2020_share)})" for r in veld.itertuples() if not math.isnan(r.ccv_2020_share)]
    compared += [f"{pct_ci(r.share, r.share_low, r.share_high)} over {r.thema_name.lower()} "
                 f"(CCV 2020: {pct(r.ccv_2020_share)})" for r in thema.itertuples() if not math.isnan(r.ccv_2020_share)]
    base = int(veld["base"].iloc[0])
    top_veld = veld.sort_values("share", ascending=False).iloc[0]
    findings.append(_finding(
        f"Van de {base} speerpunten gaat {' en '.join(compared) if compared else ''}{'; ' if compared else ''}"
        f"het grootste veld is {top_veld.veld_name.lower()} met "
        f"{pct_ci(top_veld.share, top_veld.share_low, top_veld.share_high)}.", "aandelen per veld", tier1,
        reviewed_plans))
    top = thema.sort_values("share_plans", ascending=False).head(3)
    on_top = tier1["thema"].isin(top["thema"]) | tier1["also"].map(lambda c: bool(set(split_labels(c)) & set(top["thema"])))
    findings.append(_finding("De thema's die de meeste plannen prioriteren: " + ", ".join(
        f"{r.thema_name.lower()} ({pct_ci(r.share_plans, r.share_plans_low, r.share_plans_high)} van de plannen)"
        for r in top.itertuples()) + ".", "meest geprioriteerde thema's", tier1[on_top], reviewed_plans))
    t1 = tiers.loc[TIER1]
    findings.append(_finding(
        f"Een plan telt gemiddeld {dec(t1['mean_per_plan'])} speerpunten (mediaan {dec(t1['median_per_plan'], 0)}, "
        f"van {int(t1['min_per_plan'])} tot {int(t1['max_per_plan'])}); "
        f"{int(tiers.at[TIER2, 'n_plans_with_level'])} plannen noemen daarnaast overige thema's.",
        "aantal speerpunten per plan", tier1, reviewed_plans, about_labels=False))
    ordered = alignment.sort_values("share_plans", ascending=False)
    all_four = int((tables["analysis_plan_alignment"]["n_landelijke_prioriteiten"] == len(codebook.lp_ids)).sum())
    # astype(bool): mapping an empty column gives an object Series, which pandas would read as column labels
    with_lp = tier1[tier1["landelijke_prioriteiten"].map(lambda c: bool(split_labels(c))).astype(bool)]
    findings.append(_finding("Aansluiting bij de Veiligheidsagenda 2023-2026: " + ", ".join(
        f"{pct_ci(r.share_plans, r.share_plans_low, r.share_plans_high)} van de plannen heeft een speerpunt op "
        f"{r.name.lower()}" for r in ordered.itertuples())
        + f"; {all_four} {'plan dekt' if all_four == 1 else 'plannen dekken'} alle {len(codebook.lp_ids)} "
          "landelijke prioriteiten.", "aansluiting Veiligheidsagenda", with_lp, reviewed_plans))
    breakdown = tables["analysis_breakdown"]
    lead = ordered.iloc[0]
    by_group = breakdown[(breakdown["dimension"] == "group") & (breakdown["measure"] == "lp_units")
                         & (breakdown["key"] == lead.landelijke_prioriteit) & (breakdown["n_units"] > 0)]
    if len(by_group):
        on_lead = with_lp[with_lp["landelijke_prioriteiten"].map(
            lambda c: lead.landelijke_prioriteit in split_labels(c)).astype(bool)]
        grouped = set(tables["analysis_municipalities"].query("has_plan")["doc_id"])
        findings.append(_finding(
            f"Per groep (gemeenten met een plan) heeft een speerpunt op {lead['name'].lower()}: " + ", ".join(
                f"{GROUP_NAMES[r.category]} {share_cell(r.n, r.base, r.share_low, r.share_high, r.small_cell)}"
                for r in by_group.itertuples()) + ". " + _group_overlap_sentence(by_group)
            + (" " + SMALL_NOTE if by_group["small_cell"].any() else ""),
            f"{lead['name'].lower()} per groep", on_lead[on_lead["doc_id"].isin(grouped)], reviewed_plans))
    findings.append(Finding(
        f"{pct(quality.get('share_labels_review', float('nan')))} van de labels is door een persoon beoordeeld, "
        f"de rest automatisch toegekend; de gemiddelde labelzekerheid is "
        f"{dec(quality.get('mean_label_confidence', float('nan')), 2)}. " + measured_accuracy_sentence(tables),
        "labels"))
    return findings


def measured_accuracy_sentence(tables: dict[str, pd.DataFrame]) -> str:
    """What the shipped evaluation measured on development data, in one sentence (Dutch)."""
    measured = tables["analysis_reliability"].set_index("metric")
    if "thema_accuracy" not in measured.index:
        return "Een gemeten nauwkeurigheid op echte plannen is bij deze versie niet meegeleverd."
    accuracy, finder = measured.loc["thema_accuracy"], measured.loc["recall"]
    return (f"Gemeten op ontwikkeldata (echte plannen, niet dit corpus) was het thema in "
            f"{pct_ci(accuracy['value'], accuracy['low'], accuracy['high'])} van {int(accuracy['n_items'])} speerpunten "
            f"juist, bij een gemiddelde zekerheid van {dec(measured.at['mean_confidence', 'value'], 2)}, en werd "
            f"{pct_ci(finder['value'], finder['low'], finder['high'])} van de speerpunten gevonden; zie Betrouwbaarheid.")


# -- sections --------------------------------------------------------------------------------
def national_section(tables: dict[str, pd.DataFrame], codebook: Codebook) -> Section:
    veld, thema, tiers = tables["analysis_veld"], tables["analysis_thema"], tables["analysis_tiers"]
    has_ccv = veld["ccv_2020_share"].notna().any()
    veld_series = [interval_series("dit corpus", veld, "share")]
    if has_ccv:
        veld_series.append(Series("CCV 2020", list(veld["ccv_2020_share"])))
    top = thema.head(TOP_THEMAS)
    veld_display = pd.DataFrame({
        "Veld": veld["veld_name"], "Speerpunten": veld["n_speerpunten"], "Aandeel (95%-interval)": column_ci(veld, "share"),
        "CCV 2020": veld["ccv_2020_share"].map(pct)})
    thema_display = pd.DataFrame({
        "Thema": thema["thema_name"], "Veld": thema["veld"].map(codebook.veld_name),
        "Speerpunten": thema["n_speerpunten"], "Aandeel speerpunten": column_ci(thema, "share"),
        "Plannen": thema["n_plans"], "Aandeel plannen": column_ci(thema, "share_plans"),
        "CCV 2020": thema["ccv_2020_share"].map(pct)})
    tiers_display = pd.DataFrame({
        "Niveau": tiers["level"].map(LEVEL_NAMES), "Aantal": tiers["n_speerpunten"], "Aandeel": column_ci(tiers, "share"),
        "Plannen met dit niveau": tiers["n_plans_with_level"], "Gemiddeld per plan": tiers["mean_per_plan"].map(dec),
        "Mediaan": tiers["median_per_plan"].map(lambda v: dec(v, 0)),
        "Min–max": [f"{a}–{b}" for a, b in zip(tiers["min_per_plan"], tiers["max_per_plan"])]})
    return Section("landelijk", "Landelijk beeld", paragraphs=[
        "Aandelen van alle speerpunten (niveau prioriteit) per veiligheidsveld en per thema, zoals het CCV in 2020 "
        "rapporteerde (381 speerpunten: 42% veilige woon- en leefomgeving, 28% ondermijning). Het CCV noemde een veld "
        "(veilige woon- en leefomgeving) en een thema (ondermijning); beide staan hier op hun eigen niveau. De "
        "steekproef, de indeling en de landelijke prioriteiten van het CCV zijn niet gepubliceerd: vergelijk met "
        "voorzichtigheid.",
        "Een speerpunt telt bij zijn hoofdthema; het aandeel plannen telt ook de ook-thema's mee.",
        "Achter elk aandeel staat tussen haakjes het 95%-interval: de marge waarbinnen het aandeel met deze plannen "
        "redelijkerwijs ligt. In de grafieken zijn dat de lijnen door de balken. " + INTERVAL_NOTE],
        charts=[bar_chart(list(veld["veld_name"]), veld_series, title="Aandeel speerpunten per veld"),
                bar_chart(list(top["thema_name"]), [interval_series("aandeel plannen", top, "share_plans")],
                          title=f"Aandeel plannen per thema (top {TOP_THEMAS})")],
        tables=[ReportTable("Speerpunten per veld", veld_display, convention_note("analysis_veld"), "veld", veld,
                            ("Speerpunten", "Aandeel (95%-interval)", "CCV 2020")),
                ReportTable("Speerpunten en plannen per thema", thema_display, convention_note("analysis_thema"),
                            "thema", thema, ("Speerpunten", "Aandeel speerpunten", "Plannen", "Aandeel plannen", "CCV 2020")),
                ReportTable("Prioriteiten en overige thema's", tiers_display, convention_note("analysis_tiers"), "tiers",
                            tiers, ("Aantal", "Aandeel", "Plannen met dit niveau", "Gemiddeld per plan", "Mediaan"))])


COMPARISON_COLUMN = "Verschil (95%-intervallen)"
COMPARED_DIMENSIONS = ("group", "period", "joint")  # few categories: every pair can be named


def comparison_cell(cells: pd.DataFrame) -> str:
    """Which categories differ beyond their intervals ('G40 > overige gemeenten'), else that they overlap."""
    pairs = separated_pairs(cells[cells["n_units"] > 0])
    if not pairs:
        return "overlappen"
    return "; ".join(f"{GROUP_NAMES.get(a, a)} > {GROUP_NAMES.get(b, b)}" for a, b in pairs)


def _pivot(breakdown: pd.DataFrame, dimension: str, measure: str, first_column: str) -> tuple[pd.DataFrame, list[str]]:
    """Rows = keys, columns = categories ('G4 (n=4)'), cells '42% (15–72%) 5/12*'; for the
    dimensions with few categories a last column says which differences exceed the intervals."""
    part = breakdown[(breakdown["dimension"] == dimension) & (breakdown["measure"] == measure)]
    categories = list(dict.fromkeys(part["category"]))
    units = part.drop_duplicates("category").set_index("category")["n_units"]
    headers = {c: f"{GROUP_NAMES.get(c, c)} (n={int(units[c])})" for c in categories}
    rows = []
    for key, cells in part.groupby("key", sort=False):
        row = {first_column: cells["label"].iloc[0]}
        for r in cells.itertuples():
            row[headers[r.category]] = share_cell(r.n, r.base, r.share_low, r.share_high, r.small_cell) if r.base else "–"
        if dimension in COMPARED_DIMENSIONS:
            row[COMPARISON_COLUMN] = comparison_cell(cells)
        rows.append(row)
    columns = [first_column, *headers.values()] + ([COMPARISON_COLUMN] if dimension in COMPARED_DIMENSIONS else [])
    return pd.DataFrame(rows, columns=columns), list(headers.values())


def _grouped_chart(breakdown: pd.DataFrame, dimension: str, measure: str, title: str,
                   keys: list[str] | None = None) -> Chart:
    part = breakdown[(breakdown["dimension"] == dimension) & (breakdown["measure"] == measure) & (breakdown["n_units"] > 0)]
    if keys is not None:
        part = part[part["key"].isin(keys)]
    labels = list(dict.fromkeys(part["label"]))
    series = []
    for category, cells in part.groupby("category", sort=False):
        series.append(Series(f"{GROUP_NAMES.get(category, category)} (n={int(cells['n_units'].iloc[0])})",
                             list(cells["share"]), list(cells["small_cell"]), list(cells["share_low"]),
                             list(cells["share_high"])))
    return bar_chart(labels, series, title=title)


def groups_section(tables: dict[str, pd.DataFrame], codebook: Codebook) -> Section:
    coverage, breakdown = tables["analysis_coverage"], tables["analysis_breakdown"]
    cov = coverage[coverage["group"] != "totaal"]
    coverage_display = pd.DataFrame({
        "Groep": coverage["group"].map(lambda g: GROUP_NAMES.get(g, g)), "Gemeenten": coverage["n_municipalities"],
        "Met plan in corpus": coverage["n_with_plan"], "Dekking": coverage["share"].map(pct),
        "Via gezamenlijk plan": coverage["n_joint"]})
    top_themes = list(tables["analysis_thema"].head(8)["thema"])
    gemeente_note = f"Telwijze: {CONVENTIONS[GEMEENTE]}. {SMALL_NOTE}"
    plan_note = f"Telwijze: {CONVENTIONS[PLAN]}. {SMALL_NOTE}"
    charts = [bar_chart([GROUP_NAMES[g] for g in cov["group"]], [Series("gemeenten met plan", list(cov["share"]),
                                                                        list(cov["small_cell"]))],
                        title="Dekking: aandeel gemeenten met een plan in het corpus"),
              _grouped_chart(breakdown, "group", "veld_share", "Aandeel speerpunten per veld, per groep"),
              _grouped_chart(breakdown, "group", "lp_units", "Aandeel gemeenten met een speerpunt per landelijke prioriteit"),
              _grouped_chart(breakdown, "group", "thema_units", "Aandeel gemeenten dat het thema prioriteert (top 8)",
                             top_themes)]
    report_tables = [ReportTable("Dekking per groep", coverage_display, convention_note("analysis_coverage"), "coverage",
                                 coverage, ("Gemeenten", "Met plan in corpus", "Dekking", "Via gezamenlijk plan"))]
    for measure, title, first in (("veld_share", "Aandeel speerpunten per veld", "Veld"),
                                  ("lp_units", "Aandeel met een speerpunt per landelijke prioriteit", "Landelijke prioriteit"),
                                  ("thema_units", "Aandeel dat het thema prioriteert", "Thema")):
        for dimension in ("group", "period", "joint", "province", "politie_eenheid"):
            if dimension == "period" and breakdown.loc[breakdown["dimension"] == "period", "category"].nunique() < 2:
                continue
            if dimension in ("province", "politie_eenheid") and measure == "thema_units":
                continue  # 30 thema's x 12 provincies is a table for Excel, not for reading
            display, columns = _pivot(breakdown, dimension, measure, first)
            note = gemeente_note if dimension in ("group", "province", "politie_eenheid") else plan_note
            report_tables.append(ReportTable(f"{title}, per {DIMENSION_NAMES[dimension]}", display, note,
                                             numeric=tuple(columns)))
    periods = sorted(breakdown.loc[breakdown["dimension"] == "period", "category"].unique())
    if len(periods) > 1:
        charts.append(_grouped_chart(breakdown, "period", "lp_units",
                                     "Aandeel plannen per landelijke prioriteit, per periode"))
    return Section("groepen", "Vergelijking van groepen: G4, G40, P10 en overige gemeenten", paragraphs=[
        "De groepen, provincies en politie-eenheden zijn eigenschappen van gemeenten: hier telt een gezamenlijk plan "
        "voor elke deelnemende gemeente, met per gemeente het meest recente plan. Periode en gezamenlijk/enkel plan zijn "
        "eigenschappen van plannen: daar telt elk plan één keer. Achter elk aandeel staan het 95%-interval, teller en "
        "noemer.",
        "Met vier G4-gemeenten is elk G4-aandeel zeer onzeker. Lees een verschil tussen groepen pas als verschil als "
        "de intervallen elkaar niet overlappen: de kolom 'Verschil' en de kernbevindingen zeggen waar dat zo is. "
        "Overlappende intervallen betekenen niet dat de groepen gelijk zijn, wel dat deze plannen het verschil niet "
        "aantonen. De dekking is een telling van het corpus zelf en heeft geen interval. " + INTERVAL_NOTE,
        *filter(None, [group_list_note(tables["analysis_quality"])])], charts=charts, tables=report_tables)


def alignment_section(tables: dict[str, pd.DataFrame], codebook: Codebook) -> Section:
    alignment, per_plan = tables["analysis_alignment"], tables["analysis_plan_alignment"]
    display = pd.DataFrame({
        "Landelijke prioriteit": alignment["name"], "Plannen": alignment["n_plans"],
        "Aandeel plannen": column_ci(alignment, "share_plans"),
        "Plannen (incl. overige thema's)": alignment["n_plans_any_level"],
        "Speerpunten": alignment["n_speerpunten"], "Aandeel speerpunten": column_ci(alignment, "share_speerpunten")})
    plan_display = pd.DataFrame({"Plan": per_plan["municipality_names"].where(per_plan["municipality_names"] != "",
                                                                              per_plan["source_file"]),
                                 "Periode": per_plan["period"]})
    for lp in codebook.landelijke_prioriteiten:
        plan_display[lp.name] = per_plan[lp.id].map({1: "✓", 0: ""})
    plan_display["Aantal"] = per_plan["n_landelijke_prioriteiten"]
    plan_display = plan_display.sort_values("Plan", key=lambda s: s.str.lower(), ignore_index=True)
    return Section("aansluiting", "Aansluiting bij de Veiligheidsagenda 2023-2026", paragraphs=[
        "Een plan sluit aan bij een landelijke prioriteit als minstens één van zijn speerpunten (niveau prioriteit) "
        "die prioriteit raakt. De landelijke prioriteiten worden los van het thema gecodeerd: een jeugdthema kan "
        "bijvoorbeeld ondermijning raken (jonge aanwas)."],
        charts=[bar_chart(list(alignment["name"]), [interval_series("aandeel plannen", alignment, "share_plans")],
                          title="Aandeel plannen met een speerpunt per landelijke prioriteit")],
        tables=[ReportTable("Aansluiting per landelijke prioriteit", display, convention_note("analysis_alignment"),
                            "alignment", alignment, ("Plannen", "Aandeel plannen", "Plannen (incl. overige thema's)",
                                                     "Speerpunten", "Aandeel speerpunten")),
                ReportTable("Landelijke prioriteiten per plan", plan_display, convention_note("analysis_plan_alignment"),
                            "plan_alignment", per_plan, ("Aantal",))])


def signals_section(tables: dict[str, pd.DataFrame]) -> Section:
    summary = tables["analysis_signal_summary"]
    kinds = {"samenwerking": "samenwerking", "participatie": "burgerparticipatie", "partner": "partner"}
    display = pd.DataFrame({"Signaal": summary["signal"], "Soort": summary["signal_type"].map(kinds),
                            "Plannen": summary["n_plans"], "Aandeel plannen": column_ci(summary, "share_plans")})
    return Section("signalen", "Samenwerking, burgerparticipatie en partners", paragraphs=[
        "Tekstsignalen die het CCV ook rapporteerde: gezamenlijke plannen (uit de gemeenten van het plan), "
        "burgerparticipatie en genoemde partners (uit de tekst van het plan). Een signaal telt als het plan het "
        "minstens één keer noemt; de eerste zin staat als bewijs in de bijlage per plan. Het noemen van een partner "
        "zegt nog niets over de rol van die partner."],
        charts=[bar_chart([f"{s} ({kinds[k]})" for s, k in zip(summary["signal"], summary["signal_type"])],
                          [interval_series("aandeel plannen", summary, "share_plans")],
                          title="Aandeel plannen per tekstsignaal")],
        tables=[ReportTable("Tekstsignalen", display, convention_note("analysis_signal_summary"), "signal_summary",
                            summary, ("Plannen", "Aandeel plannen"))])


def methods_section(tables: dict[str, pd.DataFrame], synthetic: bool, findings: list[Finding]) -> Section:
    quality = tables["analysis_quality"]
    shown = quality[quality["metric"] != "synthetic"]
    display = pd.DataFrame({"Gegeven": shown["description"], "Waarde": [
        "" if _missing(v) else pct(v) if m.startswith("share_") else dec(v, 2) if m.startswith("mean_") else f"{int(v)}"
        for m, v in zip(shown["metric"], shown["value"])]})
    documents = tables["documents"]
    problems = documents[documents["status"] != "ok"]
    problem_display = pd.DataFrame({"Bestand": problems["source_file"], "Status": problems["status"],
                                    "Reden": problems["reason"]})
    paragraphs = [
        "Werkwijze: de plannen zijn automatisch gelezen (tekst, koppen en lijsten per pagina), de speerpunten en "
        "overige thema's zijn uit de tekst gehaald en met het codeboek gelabeld (een hoofdthema, eventueel ook-thema's, "
        "het veld volgt uit het thema, en de landelijke prioriteiten). Onzekere labels zijn door een persoon beoordeeld; "
        "elk getal in dit rapport is terug te voeren op een plan, een pagina en een citaat (zie de bijlage).",
        "Bekende beperkingen: " + "; ".join(filter(None, [
            group_list_note(quality, sentence=False),
            "de cijfers van het CCV (2020) rusten op een niet-gepubliceerde steekproef en indeling",
            "automatisch toegekende labels kunnen fouten bevatten (zie de labelzekerheid per speerpunt in de bijlage)",
            "documenten die niet gelezen konden worden tellen niet mee"])) + ".",
    ]
    if synthetic:
        paragraphs.insert(0, "LET OP: dit rapport is gemaakt op synthetische demodocumenten. De plannen, speerpunten en "
                             "cijfers zijn verzonnen en zeggen niets over echt beleid van gemeenten.")
    report_tables = [ReportTable("Gegevens en datakwaliteit", display, "", "quality", quality, ("Waarde",))]
    if len(problems):
        report_tables.append(ReportTable("Documenten met waarschuwingen of fouten", problem_display, "", "",
                                         problems))
    errors = tables["errors"]
    later = errors[errors["stage"] != "extract"]  # extraction's errors are the documents' status above
    if len(later):
        report_tables.append(ReportTable(
            "Fouten na het lezen", pd.DataFrame({"Bestand": later["source_file"].replace("", "(hele corpus)"),
                                                 "Stap": later["stage"].map(STAGE_NAMES), "Reden": later["reason"]}),
            "Deze stap mislukte voor dit document; de andere documenten en stappen zijn wel verwerkt. Een document "
            "zonder speerpunten of labels telt in die cijfers niet mee.", "", later))
    return Section("methode", "Methode en datakwaliteit", paragraphs=paragraphs, tables=report_tables,
                   subsections=[reliability_section(tables, findings)])


MEASURE_NAMES = {"precision": "precisie", "recall": "recall", "f1": "F1", "thema_accuracy": "thema juist",
                 "veld_accuracy": "veld juist", "lp_micro_f1": "landelijke prioriteiten (micro-F1)",
                 "mean_confidence": "gemiddelde zekerheid", "expected_calibration_error": "kalibratiefout (ECE)",
                 "lp_set_accuracy": "landelijke prioriteiten precies juist",
                 "lp_mean_confidence": "gemiddelde zekerheid landelijke prioriteiten",
                 "lp_expected_calibration_error": "kalibratiefout landelijke prioriteiten (ECE)"}
# measures shown as plain numbers (to 2 or 3 decimals) rather than as percentages
CONFIDENCE_MEASURES = {"mean_confidence": 2, "lp_mean_confidence": 2, "expected_calibration_error": 3,
                       "lp_expected_calibration_error": 3}
PART_NAMES = {"speerpunten": "speerpunten vinden (niveau prioriteit)", "labels": "labelen met het codeboek"}
FEW_ITEMS = 10  # a calibration bin with fewer labels says little


def _bin_name(interval: str) -> str:
    """'[0.90, 0.95)' as '0,90–0,95'."""
    low, high = interval.strip("[]()").split(", ")
    return f"{low}–{high}".replace(".", ",")


def reliability_section(tables: dict[str, pd.DataFrame], findings: list[Finding]) -> Section:
    """Betrouwbaarheid: measured accuracy on development data, calibration, what a person reviewed;
    each part a subsection with its explanation next to its table."""
    reliability = tables["analysis_reliability"]
    measured = reliability[reliability["part"].isin(PART_NAMES)]
    calibration = reliability[reliability["part"] == "calibration"]
    review = reliability[reliability["part"] == "review"].set_index("metric")
    parts = []
    if len(measured):
        labels = measured[measured["metric"] == "thema_accuracy"].iloc[0]
        finder = measured[measured["metric"] == "recall"].iloc[0]
        display = pd.DataFrame({
            "Onderdeel": measured["part"].map(PART_NAMES), "Maat": measured["metric"].map(MEASURE_NAMES),
            "Waarde (95%-interval)": [dec(v, CONFIDENCE_MEASURES[m]) if m in CONFIDENCE_MEASURES else pct_ci(v, lo, hi)
                                      for m, v, lo, hi in zip(measured["metric"], measured["value"],
                                                              measured["low"], measured["high"])],
            "Plannen": measured["n_plans"].astype(int), "Speerpunten": measured["n_items"].astype(int)})
        parts.append(Section("gemeten-nauwkeurigheid", "Gemeten nauwkeurigheid", paragraphs=[
            f"Hoe vaak het vinden en labelen van speerpunten klopt, is gemeten op {labels['measured_on']}: "
            f"{int(finder['n_plans'])} plannen voor het vinden, {int(labels['n_items'])} gelabelde speerpunten uit "
            f"{int(labels['n_plans'])} plannen voor het labelen (ivpcorpus {labels['version']}, gemeten op "
            f"{labels['date']}). Deze cijfers gelden voor de ontwikkeldata, niet voor de plannen van dit rapport. Het "
            "labelen is gemeten met een classificatie die alleen op de andere helft van de ontwikkeldata is getraind. "
            "De beslisregels en trefwoorden van het codeboek zijn wel met deze ontwikkeldata in zicht geschreven: op "
            "nieuwe plannen is de nauwkeurigheid waarschijnlijk lager dan hier staat.",
            "Precisie: het aandeel gevonden speerpunten dat echt een speerpunt van het plan is; recall: het aandeel "
            "speerpunten van het plan dat gevonden is. Een gemist speerpunt ontbreekt in elk aandeel van dit rapport; "
            "een plan zonder duidelijke lijst staat als onzeker hieronder."],
            tables=[ReportTable("Gemeten nauwkeurigheid (ontwikkeldata, niet dit corpus)", display,
                                "Intervallen: Wilson, 95%. Speerpunten: bij precisie de gevonden speerpunten, bij "
                                "recall en F1 de speerpunten die de plannen echt noemen.",
                                numeric=("Waarde (95%-interval)", "Plannen", "Speerpunten"))]))
        filled = calibration[calibration["n_items"] > 0]
        nine = calibration[calibration["metric"] == "[0.90, 0.95)"]
        sentence = ("De labelzekerheid is bedoeld als kans: bij een zekerheid van 0,9 hoort ongeveer negen van de tien "
                    "zulke labels juist te zijn. De tabel zet per zekerheidsklasse de gemiddelde zekerheid naast het "
                    "aandeel juiste thema's op de ontwikkeldata; het gemiddelde verschil (ECE) is "
                    f"{dec(measured.loc[measured['metric'] == 'expected_calibration_error', 'value'].iloc[0], 3)}.")
        if len(nine) and nine["n_items"].iloc[0] > 0:
            sentence += (f" Labels met zekerheid 0,90–0,95 waren in {pct(nine['value'].iloc[0])} van de "
                         f"{int(nine['n_items'].iloc[0])} gevallen juist.")
        if (filled["n_items"] < FEW_ITEMS).any() or len(filled) < len(calibration):
            sentence += (f" Waar een klasse geen of minder dan {FEW_ITEMS} labels heeft, is op de ontwikkeldata niet "
                         "te zien of die zekerheid klopt; lees zo'n zekerheid dan als een ruwe aanwijzing.")
        lp_metrics = measured.set_index("metric")["value"]
        if "lp_mean_confidence" in lp_metrics:
            sentence += (" De landelijke prioriteiten van een speerpunt hebben een eigen zekerheid: de kans dat de hele "
                         f"set klopt. Op de ontwikkeldata was die gemiddeld {dec(lp_metrics['lp_mean_confidence'], 2)} "
                         f"tegen {pct(lp_metrics['lp_set_accuracy'])} sets precies juist (ECE "
                         f"{dec(lp_metrics['lp_expected_calibration_error'], 3)}).")
        bounds = [wilson_interval(round(a * n), int(n)) if n else (float("nan"),) * 2
                  for a, n in zip(calibration["value"].fillna(0), calibration["n_items"])]
        parts.append(Section("kalibratie", "Kalibratie van de labelzekerheid", paragraphs=[sentence], tables=[
            ReportTable("Kalibratie van de labelzekerheid (ontwikkeldata)", pd.DataFrame({
                "Zekerheid": calibration["metric"].map(_bin_name), "Labels": calibration["n_items"].astype(int),
                "Gemiddelde zekerheid": calibration["mean_confidence"].map(lambda v: dec(v, 2)),
                "Aandeel juist (95%-interval)": [pct_ci(v, lo, hi) for v, (lo, hi) in zip(calibration["value"], bounds)]}),
                "", numeric=("Labels", "Gemiddelde zekerheid", "Aandeel juist (95%-interval)"))]))
        intro = []
    else:
        intro = ["Bij deze versie is geen gemeten nauwkeurigheid meegeleverd (evaluation.json ontbreekt): hoe vaak het "
                 "vinden en labelen van speerpunten op echte plannen klopt, is hier niet bekend. Wat een persoon in dit "
                 "corpus beoordeelde, staat hieronder."]
    threshold = dec(review.at["review_threshold", "value"])
    shown = review.drop("review_threshold")
    supported = [f for f in findings if f.support is not None]
    resting = pd.DataFrame({
        "Kernbevinding": [f.topic for f in supported],
        "Speerpunten": [f.support["n_items"] for f in supported],
        "Label beoordeeld": [f.support["n_reviewed"] for f in supported],
        "In een beoordeelde lijst": [f.support["n_in_reviewed_list"] for f in supported],
        f"Automatisch, zekerheid onder {threshold}": [f.support["n_low_unreviewed"] for f in supported]})
    if any(f.flagged for f in supported):
        resting["Let op"] = ["rust vooral op onzekere labels" if f.flagged else "" for f in supported]
    parts.append(Section("beoordeeld", "Wat een persoon beoordeelde", paragraphs=[
        "Labels en lijsten van speerpunten die een persoon beoordeelde, gaan voor op het automatische resultaat. "
        f"Automatisch toegekende labels met een zekerheid onder {threshold} horen eerst beoordeeld te worden "
        "(ivpcorpus review export). Een plan zonder duidelijke lijst van speerpunten (onzeker) telt zonder speerpunten "
        "mee: zijn beste kandidaten staan in het reviewblad en tellen pas mee als een persoon ze aanneemt."], tables=[
        ReportTable("Wat een persoon beoordeelde (dit corpus)", pd.DataFrame({
            "Gegeven": shown["description"],
            "Waarde": [f"{int(row.value)} van {int(row.n_plans)} plannen" if m.startswith("plans_") else
                       f"{pct(row.value)} van {int(row.n_items)}" for m, row in shown.iterrows()]}),
            "", numeric=("Waarde",)),
        ReportTable("Waarop de kernbevindingen rusten", resting,
            "Per kernbevinding: de speerpunten (niveau prioriteit) waarop ze rust, hoeveel daarvan een persoon "
            "beoordeelde (het label, of de lijst van speerpunten van het plan) en hoeveel een automatisch label onder "
            "de drempel hebben.", numeric=("Speerpunten", "Label beoordeeld", "In een beoordeelde lijst",
                                           f"Automatisch, zekerheid onder {threshold}"))]))
    return Section("betrouwbaarheid", "Betrouwbaarheid", paragraphs=intro, subsections=parts)


# -- annex -----------------------------------------------------------------------------------
def annex(tables: dict[str, pd.DataFrame], codebook: Codebook) -> list[dict]:
    """Per plan: its speerpunten with labels, confidence, page and quote, and its text signals."""
    plans, speerpunten, signals = tables["analysis_plans"], tables["speerpunten"], tables["analysis_signals"]
    entries = []
    order = plans.assign(sort=plans["municipality_names"].where(plans["municipality_names"] != "", plans["source_file"]))
    for position, plan in enumerate(order.sort_values("sort", key=lambda s: s.str.lower()).itertuples()):
        items = speerpunten[speerpunten["doc_id"] == plan.doc_id].sort_values(["level", "page"], kind="stable")
        rows = [{
            "themes": "|".join([i.thema, *split_labels(i.also)]) if _known_theme(i.thema, codebook) else "",
            "low": bool(low), "confidence_value": "" if _missing(i.label_confidence) else f"{float(i.label_confidence):.4f}",
            "level": LEVEL_NAMES.get(i.level, i.level), "text": i.text,
            "thema": _theme_names(i.thema, codebook), "also": _theme_names(i.also, codebook),
            "veld": codebook.veld_name(codebook.veld_of(i.thema)) if _known_theme(i.thema, codebook) else "",
            "lp": ", ".join(codebook.lp_name(x) for x in split_labels(i.landelijke_prioriteiten) if x in codebook.lp_ids),
            "confidence": dec(i.label_confidence, 2), "source": SOURCE_NAMES.get(i.label_source, i.label_source or ""),
            "page": "" if pd.isna(i.page) else int(i.page), "quote": i.evidence or "",
        } for i, low in zip(items.itertuples(), low_unreviewed(items))]
        plan_signals = signals[signals["doc_id"] == plan.doc_id]
        confidences = items["label_confidence"].dropna().astype(float)
        entries.append({
            "order": position, "search": f"{plan.sort} {plan.period} {plan.source_file}",
            "min_confidence": f"{confidences.min():.4f}" if len(confidences) else "2",  # no labels: last when sorted
            "id": f"plan-{plan.doc_id}", "name": plan.sort, "period": plan.period, "source_file": plan.source_file,
            "doc_id": plan.doc_id, "joint": plan.joint, "status": plan.status, "speerpunten": rows,
            "signals": [{"signal": s.signal, "page": "" if pd.isna(s.page) else int(s.page), "quote": s.quote}
                        for s in plan_signals.itertuples()],
        })
    return entries


def _known_theme(theme_id: object, codebook: Codebook) -> bool:
    return isinstance(theme_id, str) and theme_id in codebook.theme_ids


def _theme_names(cell: object, codebook: Codebook) -> str:
    return ", ".join(codebook.theme(t).name if t in codebook.theme_ids else t for t in split_labels(cell))
