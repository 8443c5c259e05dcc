"""report: the HTML escapes plan text and loads nothing, the workbook is pivot-ready and safe, the PDF has content.

Inputs are the real labelled speerpunten of shared/dev (see test_analyse.gold_inputs), with
hostile text planted in one plan as a plan could contain it.
"""

from __future__ import annotations

import base64
import hashlib
import re

import pandas as pd
import pytest
from markupsafe import escape
from openpyxl import load_workbook

from ivpcorpus.catalog import ANALYSIS_TABLES, TABLES, empty
from ivpcorpus import analyse
from ivpcorpus.codebook import load_codebook
from ivpcorpus.registry import load_registry
from ivpcorpus.evaluation import load_evaluation
from ivpcorpus.report import SYNTHETIC_NOTICE, Section, ReportTable, annex_script, write_report
from ivpcorpus.report.charts import Series, bar_chart
from test_analyse import gold_inputs

SCRIPT = '<script>document.title="gehackt"</script><img src=x onerror=alert(1)>'
FORMULA = '=HYPERLINK("http://evil.example/","klik")'
SECTION_TITLES = ("Kernbevindingen", "Landelijk beeld", "Vergelijking van groepen", "Aansluiting bij de Veiligheidsagenda",
                  "Methode en datakwaliteit", "Betrouwbaarheid", "Bijlage: speerpunten per plan")
INTERVAL = re.compile(r"(\d+)% \((\d+)–(\d+)%\)")


def report_tables(shared_dir, plans: int | None = None, synthetic: bool = False,
                  evaluated: bool = True) -> dict[str, pd.DataFrame]:
    """Analysed tables of the real gold plans, with the shipped evaluation unless `evaluated` is False."""
    registry = load_registry()
    return hostile(gold_inputs(shared_dir / "dev" / "gold_items.csv", registry, plans=plans), registry, synthetic,
                   evaluated)


def hostile(inputs: dict[str, pd.DataFrame], registry, synthetic: bool, evaluated: bool) -> dict[str, pd.DataFrame]:
    """The inputs with markup and a spreadsheet formula planted in plan text, analysed."""
    speerpunten = inputs["speerpunten"]
    speerpunten.loc[0, "text"] = SCRIPT
    speerpunten.loc[1, "evidence"] = FORMULA
    inputs["blocks"].loc[0, "text"] = "Het RIEC </title><script>alert(2)</script> helpt. " + inputs["blocks"].loc[0, "text"]
    tables = analyse.analyse(inputs["documents"], speerpunten, inputs["blocks"], inputs["errors"], registry,
                             load_codebook(), synthetic=synthetic, evaluation=load_evaluation() if evaluated else None)
    return {**inputs, **tables}


def made_up_tables() -> dict[str, pd.DataFrame]:
    """Analysed tables of six made-up plans (real gemeenten, themes taken from the codebook in
    turn), so the report's safety tests need no development data."""
    registry, codebook = load_registry(), load_codebook()
    towns = ["Amsterdam", "Utrecht", "Almere", "Zwolle", "Beesel", "Urk"]
    themes = list(codebook.theme_ids)
    documents, items, blocks = [], [], []
    for i, town in enumerate(towns):
        code = registry.lookup(town)[0].code
        doc_id = f"plan{i}"
        documents.append({"doc_id": doc_id, "source_file": f"{doc_id}.pdf", "path": f"{doc_id}.pdf", "sha256": "",
                          "format": "pdf", "pages": 12, "title": f"Veiligheidsplan {town}", "municipalities": code,
                          "period": "2023-2026", "status": "ok", "reason": ""})
        blocks.append({"doc_id": doc_id, "block_id": 0, "page": 1, "kind": "paragraph", "level": 0,
                       "text": "Wij werken samen met de politie en het RIEC."})
        for j in range(4):
            thema = themes[(3 * i + j) % len(themes)]
            items.append({"item_id": f"{doc_id}-{j}", "doc_id": doc_id, "source_file": f"{doc_id}.pdf",
                          "municipalities": code, "period": "2023-2026", "level": "prioriteit",
                          "text": f"Speerpunt {j} van {town}", "context": "", "page": 2 + j, "evidence": "",
                          "confidence": 0.9, "thema": thema, "also": "", "veld": codebook.veld_of(thema),
                          "landelijke_prioriteiten": "", "label_confidence": 0.9, "top3": thema,
                          "label_evidence": "", "label_source": "model"})
    return hostile({"documents": pd.DataFrame(documents), "speerpunten": pd.DataFrame(items),
                    "blocks": pd.DataFrame(blocks).assign(x0=0.0, top=0.0, x1=0.0, bottom=0.0, ocr=False),
                    "errors": empty("errors")}, registry, synthetic=True, evaluated=True)


@pytest.fixture(scope="module")
def html_report(shared_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    tables = report_tables(shared_dir, synthetic=True)
    extra = Section("onderwerpen", "Onderwerpen in de plannen", paragraphs=["Een extra sectie <b>van een andere stap</b>."],
                    tables=[ReportTable("Onderwerpen", pd.DataFrame({"Onderwerp": ["=1+1", "wijkaanpak"], "Plannen": [3, 2]}),
                                        sheet="topics")])
    paths = write_report(tables, out, synthetic=True, pdf=False, extra_sections=[extra])
    return paths, tables


@pytest.fixture(scope="module")
def made_up_report(tmp_path_factory):
    out = tmp_path_factory.mktemp("made-up-report")
    extra = Section("onderwerpen", "Onderwerpen in de plannen", paragraphs=["Een extra sectie <b>van een andere stap</b>."],
                    tables=[ReportTable("Onderwerpen", pd.DataFrame({"Onderwerp": ["=1+1"], "Plannen": [3]}), sheet="topics")])
    return write_report(made_up_tables(), out, synthetic=True, pdf=False, extra_sections=[extra])


def test_plan_text_is_escaped_and_nothing_external_is_loaded(made_up_report):
    html = made_up_report["html"].read_text(encoding="utf-8")
    assert "&lt;script&gt;document.title=&#34;gehackt&#34;&lt;/script&gt;" in html
    assert "&lt;/title&gt;&lt;script&gt;alert(2)&lt;/script&gt;" in html  # in the signal quote of the annex
    # The one live script is the package's annex script, allowed by its hash and by nothing else.
    scripts = re.findall(r"<script[^>]*>(.*?)</script>", html, re.IGNORECASE | re.DOTALL)
    assert scripts == [annex_script()]
    without_it = html.replace(f"<script>{annex_script()}</script>", "")
    assert not re.search(r"<script|<img|<[^>]*\son\w+\s*=|javascript:", without_it, re.IGNORECASE)  # no live tag or handler
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", html, re.IGNORECASE)
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html).group(1)
    digest = base64.b64encode(hashlib.sha256(annex_script().encode()).digest()).decode()
    assert "default-src 'none'" in csp and f"script-src 'sha256-{digest}'" in csp and "unsafe-inline'" not in \
        csp.split("script-src")[1]
    assert "&lt;b&gt;van een andere stap&lt;/b&gt;" in html  # extra sections are escaped too
    style = re.search(r"<style>(.*?)</style>", html, re.DOTALL).group(1)
    assert '"DejaVu Sans"' in style and "&#34;" not in style  # the stylesheet is inlined as written


def test_sections_findings_and_synthetic_notice(html_report):
    paths, tables = html_report
    html = paths["html"].read_text(encoding="utf-8")
    for title in (*SECTION_TITLES, "Onderwerpen in de plannen"):
        assert title in html
    assert 'class="synthetic-banner"' in html and SYNTHETIC_NOTICE in html and "@top-center" in html
    n_plans = len(tables["analysis_plans"])
    assert f"Geanalyseerd zijn {n_plans} plannen" in html
    assert html.count('<article class="plan"') == n_plans
    assert html.count("<svg") >= 6


def test_real_report_has_no_synthetic_notice(shared_dir, tmp_path):
    paths = write_report(report_tables(shared_dir, plans=5), tmp_path, synthetic=False, pdf=False)
    html = paths["html"].read_text(encoding="utf-8")
    assert SYNTHETIC_NOTICE not in html and 'class="synthetic-banner"' not in html


def test_chart_error_bars_span_the_interval_and_the_label_follows_them():
    chart = bar_chart(["a", "b"], [Series("s", [0.4, 0.2], low=[0.3, 0.1], high=[0.5, 0.45])], title="t")
    svg = str(chart.svg)
    bars = [float(w) for w in re.findall(r'<rect x="300" y="[\d.]+" width="([\d.]+)"', svg)]
    whiskers = [tuple(map(float, m)) for m in re.findall(r'class="interval" d="M([\d.]+) [\d.]+H([\d.]+)', svg)]
    labels = [float(x) for x in re.findall(r'<text x="([\d.]+)" y="[\d.]+" font-size="11"[^>]*>\d+%', svg)]
    assert len(bars) == len(whiskers) == 2 and chart.intervals
    for width, (x1, x2), label in zip(bars, whiskers, labels[-2:]):
        assert x1 < 300 + width < x2 and label > x2
    assert not bar_chart(["a"], [Series("s", [0.4])], title="t").intervals


def test_chart_text_is_escaped():
    chart = bar_chart(['<script>x</script> & "y"'], [Series("<b>s</b>", [0.5])], title="<i>t</i>")
    svg = str(chart.svg)  # plain str: `in` on Markup would escape the needle
    assert "<script>" not in svg and "&lt;script&gt;x&lt;/script&gt; &amp; &#34;y&#34;" in svg
    assert "<b>" not in svg and "&lt;b&gt;s&lt;/b&gt;" in svg
    assert "&lt;i&gt;t&lt;/i&gt;" in svg and "50%" in svg


def test_workbook_is_pivot_ready_and_neutralises_formulas(html_report):
    paths, tables = html_report
    workbook = load_workbook(paths["xlsx"])
    expected = {"toelichting", "speerpunten", "topics", "betrouwbaarheid",
                *(n.removeprefix("analysis_") for n in ANALYSIS_TABLES if not TABLES[n].sheet)}
    assert expected <= set(workbook.sheetnames)
    sheet = workbook["speerpunten"]
    assert sheet.max_row == len(tables["speerpunten"]) + 1
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref
    header = [c.value for c in sheet[1]]
    assert {"thema", "thema_name", "veld_name", "municipality_names", "page", "evidence"} <= set(header)
    texts = [c.value for ws in workbook for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert "'" + FORMULA in texts and "'=1+1" in texts
    assert not any(c.data_type == "f" for ws in workbook for row in ws.iter_rows() for c in row)
    assert workbook["toelichting"]["B2"].value == SYNTHETIC_NOTICE


@pytest.mark.slow
def test_pdf_pages_show_the_report(shared_dir, tmp_path):
    import pypdfium2

    paths = write_report(report_tables(shared_dir, plans=6, synthetic=True), tmp_path, synthetic=True)
    pdf = pypdfium2.PdfDocument(str(paths["pdf"]))
    assert len(pdf) >= 5
    text, dark_per_page = "", []
    for index in range(len(pdf)):
        page = pdf[index]
        page_text = page.get_textpage().get_text_range()
        assert "SYNTHETISCHE DEMODOCUMENTEN" in page_text, f"page {index + 1} lacks the synthetic notice"
        text += page_text
        image = page.render(scale=0.5).to_pil().convert("L")
        dark_per_page.append(sum(image.histogram()[:200]))  # ink, including anti-aliased text
    assert min(dark_per_page) > 500, "a page is (almost) blank"
    assert sorted(dark_per_page)[len(pdf) // 2] > 5000  # most pages are full of text, tables or charts
    for title in SECTION_TITLES:
        assert title in text.replace("\r", "").replace("\n", " ")
    assert f"pagina 2 van {len(pdf)}" in text  # the page numbers of the print stylesheet
    # shown as text, as in the plan (a narrow table cell may wrap and hyphenate it)
    assert "<script>document.title" in re.sub(r"[-\x02\u2010]?\s+", "", text)


def _interval_text(share: float, low: float, high: float) -> str:
    return f"{share * 100:.0f}% ({low * 100:.0f}–{high * 100:.0f}%)"


def _section(html: str, anchor: str, end: str) -> str:
    start = html.index(f'id="{anchor}"')
    return html[start:html.index(end, start)]


def test_tables_and_key_findings_show_the_intervals(html_report):
    paths, tables = html_report
    html = paths["html"].read_text(encoding="utf-8")
    national = _section(html, "landelijk", 'id="groepen"')
    for row in tables["analysis_veld"].itertuples():
        assert f"<td>{escape(row.veld_name)}</td><td class=\"num\">{row.n_speerpunten}</td><td class=\"num\">" \
               f"{_interval_text(row.share, row.share_low, row.share_high)}</td>" in national
    findings = _section(html, "kernbevindingen", "</section>")
    for row in tables["analysis_alignment"].itertuples():
        assert f"{_interval_text(row.share_plans, row.share_plans_low, row.share_plans_high)} van de plannen heeft " \
               f"een speerpunt op {escape(row.name.lower())}" in findings
    # every interval printed contains its share
    for share, low, high in INTERVAL.findall(html):
        assert int(low) <= int(share) <= int(high)
    groups = _section(html, "groepen", 'id="aansluiting"')
    assert "<th class=\"num\">G4 (n=" in groups and "Verschil (95%-intervallen)</th>" in groups
    assert re.search(r'<td class="num">[^<]*\d+/\d+\*?</td><td>(overlappen|[^<]+ &gt; [^<]+)</td></tr>', groups)
    assert "De 95%-intervallen van de groepen overlappen" in findings or "De intervallen overlappen niet voor" in findings
    assert "(lijnen: 95%-interval)" in html and 'class="interval"' in html


def test_betrouwbaarheid_prints_the_measured_accuracy_under_methods(html_report):
    paths, tables = html_report
    evaluation = load_evaluation()
    if evaluation is None:
        pytest.skip("no evaluation.json shipped (make evaluate)")
    html = paths["html"].read_text(encoding="utf-8")
    methods = _section(html, "methode", 'id="bijlage"')
    reliability = methods[methods.index('id="betrouwbaarheid"'):]  # the last part of the methods section
    assert "<h3>Betrouwbaarheid</h3>" in reliability and "<h4>Kalibratie van de labelzekerheid</h4>" in reliability
    assert "niet voor de plannen van dit rapport" in reliability
    assert f"(ivpcorpus {evaluation['version']}, gemeten op {evaluation['date']})" in reliability
    labels, finder = evaluation["labels"], evaluation["speerpunten"]
    thema = analyse.wilson_interval(round(labels["thema_accuracy"] * labels["n_items"]), labels["n_items"])
    assert _interval_text(labels["thema_accuracy"], *thema) in reliability
    recall = analyse.wilson_interval(finder["n_matched"], finder["n_gold"])
    assert _interval_text(finder["recall"], *recall) in reliability
    assert "Kalibratie van de labelzekerheid" in reliability and "0,95–1,00" in reliability
    assert "Wat een persoon beoordeelde (dit corpus)" in reliability and "Waarop de kernbevindingen rusten" in reliability
    n_labelled = int((tables["speerpunten"]["thema"].fillna("") != "").sum())
    assert f"100% van {n_labelled}" in reliability  # the gold inputs are all reviewed labels


def test_report_without_a_shipped_evaluation_says_so(shared_dir, tmp_path):
    paths = write_report(report_tables(shared_dir, plans=5, evaluated=False), tmp_path, synthetic=False, pdf=False)
    html = paths["html"].read_text(encoding="utf-8")
    reliability = _section(html, "betrouwbaarheid", 'id="bijlage"')
    assert "geen gemeten nauwkeurigheid meegeleverd" in reliability and "Wat een persoon beoordeelde" in reliability
    assert "Gemeten nauwkeurigheid (ontwikkeldata" not in reliability
    assert "niet meegeleverd" in _section(html, "kernbevindingen", "</section>")


def test_a_finding_resting_on_unreviewed_low_confidence_labels_is_flagged(shared_dir, tmp_path):
    tables = report_tables(shared_dir)
    speerpunten = tables["speerpunten"]
    lead = tables["analysis_alignment"].sort_values("share_plans", ascending=False)["landelijke_prioriteit"].iloc[0]
    on_lead = speerpunten["landelijke_prioriteiten"].map(lambda c: lead in analyse.split_labels(c))
    speerpunten["label_source"] = "model"
    speerpunten["label_confidence"] = on_lead.map({True: 0.55, False: 0.97})
    paths = write_report(tables, tmp_path, synthetic=False, pdf=False)
    html = paths["html"].read_text(encoding="utf-8")
    items = re.findall(r"<li( class=\"flagged\")?>(.*?)</li>", _section(html, "kernbevindingen", "</ul>"), re.DOTALL)
    flagged = {text.split(":")[0].split(" ")[0]: bool(mark) for mark, text in items}
    tier1 = speerpunten[speerpunten["level"] == "prioriteit"]
    assert flagged["Per"]  # the group finding is about the lead priority only
    assert "Let op: deze bevinding rust vooral op automatisch toegekende labels" in html
    assert "<td>rust vooral op onzekere labels</td>" in _section(html, "beoordeeld", "</section>")
    # the veld finding rests on every speerpunt: flagged only when most of them are on the lead priority
    assert flagged["Van"] == (on_lead[tier1.index].mean() > 0.5)
    assert not flagged["Geanalyseerd"]


def test_workbook_has_intervals_and_a_betrouwbaarheid_sheet(html_report):
    paths, tables = html_report
    workbook = load_workbook(paths["xlsx"])
    veld = workbook["veld"]
    header = [c.value for c in veld[1]]
    assert {"share", "share_low", "share_high"} <= set(header)
    first = dict(zip(header, [c.value for c in veld[2]]))
    assert first["share_low"] == pytest.approx(tables["analysis_veld"]["share_low"].iloc[0])
    breakdown_header = [c.value for c in workbook["breakdown"][1]]
    assert {"share_low", "share_high", "interval"} <= set(breakdown_header)
    sheet = workbook["betrouwbaarheid"]
    header = [c.value for c in sheet[1]]
    parts = {row[header.index("part")] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert {"review", "key_finding"} <= parts
    if load_evaluation() is not None:
        assert {"speerpunten", "labels", "calibration"} <= parts
