"""The report's content: key findings in sentences, sections with charts and tables, the annex.

Built from the `analysis_*` tables (ivpcorpus.analyse) plus speerpunten, documents and
errors. Everything a chart shows is also in a table next to it. Text is Dutch; names of
velden, thema's and landelijke prioriteiten come from the codebook.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from ivpcorpus.analyse import CONVENTIONS, GEMEENTE, PLAN, SMALL_CELL, TABLE_CATALOGUE, TIER1, TIER2, split_labels
from ivpcorpus.codebook import Codebook
from ivpcorpus.report.charts import Chart, Series, bar_chart
from ivpcorpus.report.model import ReportTable, Section

GROUP_NAMES = {"G4": "G4", "G40": "G40", "P10": "P10", "other": "overige gemeenten"}
LEVEL_NAMES = {TIER1: "prioriteit", TIER2: "overig thema"}
SOURCE_NAMES = {"review": "beoordeeld", "model": "automatisch"}
DIMENSION_NAMES = {"group": "groep", "province": "provincie", "politie_eenheid": "politie-eenheid",
                   "period": "periode (startjaar)", "joint": "gezamenlijk of enkel plan"}
SMALL_NOTE = f"* minder dan {SMALL_CELL} eenheden in de cel: een aandeel op zo weinig plannen of gemeenten is onzeker."
TOP_THEMAS = 15


def pct(value: float) -> str:
    return "–" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value * 100:.0f}%"


def dec(value: float, digits: int = 1) -> str:
    return "–" if value is None or math.isnan(value) else f"{value:.{digits}f}".replace(".", ",")


def share_cell(n: int, base: int, small: bool = False) -> str:
    """'42% (5/12)', with an asterisk when the cell is small."""
    return f"{pct(n / base) if base else '–'} ({n}/{base}){'*' if small else ''}"


def convention_note(table: str) -> str:
    info = TABLE_CATALOGUE[table]
    return f"Telwijze: {CONVENTIONS[info.convention]}." if info.convention else ""


@dataclass
class ReportContent:
    title: str
    synthetic: bool
    findings: list[str]
    sections: list[Section]
    annex: list[dict]


def build_content(tables: dict[str, pd.DataFrame], codebook: Codebook, *, synthetic: bool,
                  extra_sections: list[Section] = ()) -> ReportContent:
    sections = [national_section(tables, codebook), groups_section(tables, codebook),
                alignment_section(tables, codebook), signals_section(tables), *extra_sections,
                methods_section(tables, synthetic)]
    return ReportContent(title="Landelijke analyse Integrale Veiligheidsplannen", synthetic=synthetic,
                         findings=key_findings(tables, codebook), sections=sections,
                         annex=annex(tables, codebook))


# -- key findings ----------------------------------------------------------------------------
def key_findings(tables: dict[str, pd.DataFrame], codebook: Codebook) -> list[str]:
    plans, coverage = tables["analysis_plans"], tables["analysis_coverage"].set_index("group")
    veld, thema = tables["analysis_veld"], tables["analysis_thema"]
    tiers, alignment = tables["analysis_tiers"].set_index("level"), tables["analysis_alignment"]
    quality = dict(zip(tables["analysis_quality"]["metric"], tables["analysis_quality"]["value"]))
    total = coverage.loc["totaal"]
    findings = [
        f"Geanalyseerd zijn {len(plans)} plannen, samen voor {int(total['n_with_plan'])} van de "
        f"{int(total['n_municipalities'])} gemeenten ({pct(total['share'])}); {int(plans['joint'].sum())} plannen "
        f"zijn door meerdere gemeenten samen opgesteld."
    ]
    if not len(plans) or not int(tiers.at[TIER1, "n_speerpunten"]):
        return findings + ["Er zijn (nog) geen gelabelde speerpunten om te analyseren."]
    compared = [f"{pct(r.share)} over {r.veld_name.lower()} (CCV 2020: {pct(r.ccv_2020_share)})"
                for r in veld.itertuples() if not math.isnan(r.ccv_2020_share)]
    compared += [f"{pct(r.share)} over {r.thema_name.lower()} (CCV 2020: {pct(r.ccv_2020_share)})"
                 for r in thema.itertuples() if not math.isnan(r.ccv_2020_share)]
    base = int(veld["base"].iloc[0])
    top_veld = veld.sort_values("share", ascending=False).iloc[0]
    findings.append(f"Van de {base} speerpunten gaat {' en '.join(compared) if compared else ''}"
                    f"{'; ' if compared else ''}het grootste veld is {top_veld.veld_name.lower()} ({pct(top_veld.share)}).")
    top = thema.sort_values("share_plans", ascending=False).head(3)
    findings.append("De thema's die de meeste plannen prioriteren: " + ", ".join(
        f"{r.thema_name.lower()} ({pct(r.share_plans)} van de plannen)" for r in top.itertuples()) + ".")
    t1 = tiers.loc[TIER1]
    findings.append(f"Een plan telt gemiddeld {dec(t1['mean_per_plan'])} speerpunten (mediaan {dec(t1['median_per_plan'], 0)}, "
                    f"van {int(t1['min_per_plan'])} tot {int(t1['max_per_plan'])}); "
                    f"{int(tiers.at[TIER2, 'n_plans_with_level'])} plannen noemen daarnaast overige thema's.")
    ordered = alignment.sort_values("share_plans", ascending=False)
    all_four = int((tables["analysis_plan_alignment"]["n_landelijke_prioriteiten"] == len(codebook.lp_ids)).sum())
    findings.append("Aansluiting bij de Veiligheidsagenda 2023-2026: " + ", ".join(
        f"{pct(r.share_plans)} van de plannen heeft een speerpunt op {r.name.lower()}" for r in ordered.itertuples())
        + f"; {all_four} {'plan dekt' if all_four == 1 else 'plannen dekken'} alle {len(codebook.lp_ids)} "
          "landelijke prioriteiten.")
    breakdown = tables["analysis_breakdown"]
    lead = ordered.iloc[0]
    by_group = breakdown[(breakdown["dimension"] == "group") & (breakdown["measure"] == "lp_units")
                         & (breakdown["key"] == lead.landelijke_prioriteit) & (breakdown["n_units"] > 0)]
    if len(by_group):
        findings.append(f"Per groep (gemeenten met een plan) heeft een speerpunt op {lead['name'].lower()}: " + ", ".join(
            f"{GROUP_NAMES[r.category]} {share_cell(r.n, r.base, r.small_cell)}" for r in by_group.itertuples())
            + (". " + SMALL_NOTE if by_group["small_cell"].any() else "."))
    findings.append(f"{pct(quality.get('share_labels_review', float('nan')))} van de labels is door een persoon beoordeeld, "
                    f"de rest automatisch toegekend; de gemiddelde labelzekerheid is "
                    f"{dec(quality.get('mean_label_confidence', float('nan')), 2)}.")
    return findings


# -- sections --------------------------------------------------------------------------------
def national_section(tables: dict[str, pd.DataFrame], codebook: Codebook) -> Section:
    veld, thema, tiers = tables["analysis_veld"], tables["analysis_thema"], tables["analysis_tiers"]
    has_ccv = veld["ccv_2020_share"].notna().any()
    veld_series = [Series("dit corpus", list(veld["share"]))]
    if has_ccv:
        veld_series.append(Series("CCV 2020", list(veld["ccv_2020_share"])))
    top = thema.head(TOP_THEMAS)
    veld_display = pd.DataFrame({
        "Veld": veld["veld_name"], "Speerpunten": veld["n_speerpunten"], "Aandeel": veld["share"].map(pct),
        "CCV 2020": veld["ccv_2020_share"].map(pct)})
    thema_display = pd.DataFrame({
        "Thema": thema["thema_name"], "Veld": thema["veld"].map(codebook.veld_name),
        "Speerpunten": thema["n_speerpunten"], "Aandeel speerpunten": thema["share"].map(pct),
        "Plannen": thema["n_plans"], "Aandeel plannen": thema["share_plans"].map(pct),
        "CCV 2020": thema["ccv_2020_share"].map(pct)})
    tiers_display = pd.DataFrame({
        "Niveau": tiers["level"].map(LEVEL_NAMES), "Aantal": tiers["n_speerpunten"], "Aandeel": tiers["share"].map(pct),
        "Plannen met dit niveau": tiers["n_plans_with_level"], "Gemiddeld per plan": tiers["mean_per_plan"].map(dec),
        "Mediaan": tiers["median_per_plan"].map(lambda v: dec(v, 0)),
        "Min–max": [f"{a}–{b}" for a, b in zip(tiers["min_per_plan"], tiers["max_per_plan"])]})
    return Section("landelijk", "Landelijk beeld", paragraphs=[
        "Aandelen van alle speerpunten (niveau prioriteit) per veiligheidsveld en per thema, zoals het CCV in 2020 "
        "rapporteerde (381 speerpunten: 42% veilige woon- en leefomgeving, 28% ondermijning). Het CCV noemde een veld "
        "(veilige woon- en leefomgeving) en een thema (ondermijning); beide staan hier op hun eigen niveau. De "
        "steekproef, de indeling en de landelijke prioriteiten van het CCV zijn niet gepubliceerd: vergelijk met "
        "voorzichtigheid.",
        "Een speerpunt telt bij zijn hoofdthema; het aandeel plannen telt ook de ook-thema's mee."],
        charts=[bar_chart(list(veld["veld_name"]), veld_series, title="Aandeel speerpunten per veld"),
                bar_chart(list(top["thema_name"]), [Series("aandeel plannen", list(top["share_plans"]))],
                          title=f"Aandeel plannen per thema (top {TOP_THEMAS})")],
        tables=[ReportTable("Speerpunten per veld", veld_display, convention_note("analysis_veld"), "veld", veld,
                            ("Speerpunten", "Aandeel", "CCV 2020")),
                ReportTable("Speerpunten en plannen per thema", thema_display, convention_note("analysis_thema"),
                            "thema", thema, ("Speerpunten", "Aandeel speerpunten", "Plannen", "Aandeel plannen", "CCV 2020")),
                ReportTable("Prioriteiten en overige thema's", tiers_display, convention_note("analysis_tiers"), "tiers",
                            tiers, ("Aantal", "Aandeel", "Plannen met dit niveau", "Gemiddeld per plan", "Mediaan"))])


def _pivot(breakdown: pd.DataFrame, dimension: str, measure: str, first_column: str) -> tuple[pd.DataFrame, list[str]]:
    """Rows = keys, columns = categories ('G4 (n=4)'), cells '42% (5/12)*'."""
    part = breakdown[(breakdown["dimension"] == dimension) & (breakdown["measure"] == measure)]
    categories = list(dict.fromkeys(part["category"]))
    units = part.drop_duplicates("category").set_index("category")["n_units"]
    headers = {c: f"{GROUP_NAMES.get(c, c)} (n={int(units[c])})" for c in categories}
    rows = []
    for key, cells in part.groupby("key", sort=False):
        row = {first_column: cells["label"].iloc[0]}
        for r in cells.itertuples():
            row[headers[r.category]] = share_cell(r.n, r.base, r.small_cell) if r.base else "–"
        rows.append(row)
    return pd.DataFrame(rows, columns=[first_column, *headers.values()]), list(headers.values())


def _grouped_chart(breakdown: pd.DataFrame, dimension: str, measure: str, title: str,
                   keys: list[str] | None = None) -> Chart:
    part = breakdown[(breakdown["dimension"] == dimension) & (breakdown["measure"] == measure) & (breakdown["n_units"] > 0)]
    if keys is not None:
        part = part[part["key"].isin(keys)]
    labels = list(dict.fromkeys(part["label"]))
    series = []
    for category, cells in part.groupby("category", sort=False):
        series.append(Series(f"{GROUP_NAMES.get(category, category)} (n={int(cells['n_units'].iloc[0])})",
                             list(cells["share"]), list(cells["small_cell"])))
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
        "eigenschappen van plannen: daar telt elk plan één keer. Achter elk aandeel staan teller en noemer.",
        "De P10-lijst in de registratie is onvolledig (24 van de circa 31 leden); ontbrekende leden tellen als overige "
        "gemeenten."], charts=charts, tables=report_tables)


def alignment_section(tables: dict[str, pd.DataFrame], codebook: Codebook) -> Section:
    alignment, per_plan = tables["analysis_alignment"], tables["analysis_plan_alignment"]
    display = pd.DataFrame({
        "Landelijke prioriteit": alignment["name"], "Plannen": alignment["n_plans"],
        "Aandeel plannen": alignment["share_plans"].map(pct),
        "Plannen (incl. overige thema's)": alignment["n_plans_any_level"],
        "Speerpunten": alignment["n_speerpunten"], "Aandeel speerpunten": alignment["share_speerpunten"].map(pct)})
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
        charts=[bar_chart(list(alignment["name"]), [Series("aandeel plannen", list(alignment["share_plans"]))],
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
                            "Plannen": summary["n_plans"], "Aandeel plannen": summary["share_plans"].map(pct)})
    return Section("signalen", "Samenwerking, burgerparticipatie en partners", paragraphs=[
        "Tekstsignalen die het CCV ook rapporteerde: gezamenlijke plannen (uit de gemeenten van het plan), "
        "burgerparticipatie en genoemde partners (uit de tekst van het plan). Een signaal telt als het plan het "
        "minstens één keer noemt; de eerste zin staat als bewijs in de bijlage per plan. Het noemen van een partner "
        "zegt nog niets over de rol van die partner."],
        charts=[bar_chart([f"{s} ({kinds[k]})" for s, k in zip(summary["signal"], summary["signal_type"])],
                          [Series("aandeel plannen", list(summary["share_plans"]))],
                          title="Aandeel plannen per tekstsignaal")],
        tables=[ReportTable("Tekstsignalen", display, convention_note("analysis_signal_summary"), "signal_summary",
                            summary, ("Plannen", "Aandeel plannen"))])


def methods_section(tables: dict[str, pd.DataFrame], synthetic: bool) -> Section:
    quality = tables["analysis_quality"]
    shown = quality[quality["metric"] != "synthetic"]
    display = pd.DataFrame({"Gegeven": shown["description"], "Waarde": [
        pct(v) if m.startswith("share_") else dec(v, 2) if m.startswith("mean_") else f"{int(v)}"
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
        "Bekende beperkingen: de P10-lijst in de registratie is onvolledig (24 van de circa 31 leden); de cijfers van "
        "het CCV (2020) rusten op een niet-gepubliceerde steekproef en indeling; automatisch toegekende labels kunnen "
        "fouten bevatten (zie de labelzekerheid per speerpunt in de bijlage); documenten die niet gelezen konden worden "
        "tellen niet mee.",
    ]
    if synthetic:
        paragraphs.insert(0, "LET OP: dit rapport is gemaakt op synthetische demodocumenten. De plannen, speerpunten en "
                             "cijfers zijn verzonnen en zeggen niets over echt beleid van gemeenten.")
    report_tables = [ReportTable("Gegevens en datakwaliteit", display, "", "quality", quality, ("Waarde",))]
    if len(problems):
        report_tables.append(ReportTable("Documenten met waarschuwingen of fouten", problem_display, "", "",
                                         problems))
    return Section("methode", "Methode en datakwaliteit", paragraphs=paragraphs, tables=report_tables)


# -- annex -----------------------------------------------------------------------------------
def annex(tables: dict[str, pd.DataFrame], codebook: Codebook) -> list[dict]:
    """Per plan: its speerpunten with labels, confidence, page and quote, and its text signals."""
    plans, speerpunten, signals = tables["analysis_plans"], tables["speerpunten"], tables["analysis_signals"]
    entries = []
    order = plans.assign(sort=plans["municipality_names"].where(plans["municipality_names"] != "", plans["source_file"]))
    for plan in order.sort_values("sort", key=lambda s: s.str.lower()).itertuples():
        items = speerpunten[speerpunten["doc_id"] == plan.doc_id].sort_values(["level", "page"], kind="stable")
        rows = [{
            "level": LEVEL_NAMES.get(i.level, i.level), "text": i.text,
            "thema": _theme_names(i.thema, codebook), "also": _theme_names(i.also, codebook),
            "veld": codebook.veld_name(codebook.veld_of(i.thema)) if _known_theme(i.thema, codebook) else "",
            "lp": ", ".join(codebook.lp_name(x) for x in split_labels(i.landelijke_prioriteiten) if x in codebook.lp_ids),
            "confidence": dec(i.label_confidence, 2), "source": SOURCE_NAMES.get(i.label_source, i.label_source or ""),
            "page": "" if pd.isna(i.page) else int(i.page), "quote": i.evidence or "",
        } for i in items.itertuples()]
        plan_signals = signals[signals["doc_id"] == plan.doc_id]
        entries.append({
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
