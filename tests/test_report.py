"""report: the HTML escapes plan text and loads nothing, the workbook is pivot-ready and safe, the PDF has content.

Inputs are the real labelled speerpunten of shared/dev (see test_analyse.gold_inputs), with
hostile text planted in one plan as a plan could contain it.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest
from openpyxl import load_workbook

from ivpcorpus import analyse
from ivpcorpus.codebook import load_codebook
from ivpcorpus.registry import load_registry
from ivpcorpus.report import SYNTHETIC_NOTICE, Section, ReportTable, write_report
from ivpcorpus.report.charts import Series, bar_chart
from test_analyse import gold_inputs

SCRIPT = '<script>document.title="gehackt"</script><img src=x onerror=alert(1)>'
FORMULA = '=HYPERLINK("http://evil.example/","klik")'
SECTION_TITLES = ("Kernbevindingen", "Landelijk beeld", "Vergelijking van groepen", "Aansluiting bij de Veiligheidsagenda",
                  "Methode en datakwaliteit", "Bijlage: speerpunten per plan")


def report_tables(shared_dir, plans: int | None = None, synthetic: bool = False) -> dict[str, pd.DataFrame]:
    registry = load_registry()
    inputs = gold_inputs(shared_dir / "dev" / "gold_items.csv", registry, plans=plans)
    speerpunten = inputs["speerpunten"]
    speerpunten.loc[0, "text"] = SCRIPT
    speerpunten.loc[1, "evidence"] = FORMULA
    inputs["blocks"].loc[0, "text"] = "Het RIEC </title><script>alert(2)</script> helpt. " + inputs["blocks"].loc[0, "text"]
    tables = analyse.analyse(inputs["documents"], speerpunten, inputs["blocks"], inputs["errors"], registry,
                             load_codebook(), synthetic=synthetic)
    return {**inputs, **tables}


@pytest.fixture(scope="module")
def html_report(shared_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    tables = report_tables(shared_dir, synthetic=True)
    extra = Section("onderwerpen", "Onderwerpen in de plannen", paragraphs=["Een extra sectie <b>van een andere stap</b>."],
                    tables=[ReportTable("Onderwerpen", pd.DataFrame({"Onderwerp": ["=1+1", "wijkaanpak"], "Plannen": [3, 2]}),
                                        sheet="topics")])
    paths = write_report(tables, out, synthetic=True, pdf=False, extra_sections=[extra])
    return paths, tables


def test_plan_text_is_escaped_and_nothing_external_is_loaded(html_report):
    paths, _ = html_report
    html = paths["html"].read_text(encoding="utf-8")
    assert "&lt;script&gt;document.title=&#34;gehackt&#34;&lt;/script&gt;" in html
    assert "&lt;/title&gt;&lt;script&gt;alert(2)&lt;/script&gt;" in html  # in the signal quote of the annex
    assert not re.search(r"<script|<img|<[^>]*\son\w+\s*=|javascript:", html, re.IGNORECASE)  # no live tag or handler
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", html, re.IGNORECASE)
    assert "default-src 'none'" in html
    assert "&lt;b&gt;van een andere stap&lt;/b&gt;" in html  # extra sections are escaped too


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


def test_chart_text_is_escaped():
    chart = bar_chart(['<script>x</script> & "y"'], [Series("<b>s</b>", [0.5])], title="<i>t</i>")
    svg = str(chart.svg)  # plain str: `in` on Markup would escape the needle
    assert "<script>" not in svg and "&lt;script&gt;x&lt;/script&gt; &amp; &#34;y&#34;" in svg
    assert "<b>" not in svg and "&lt;b&gt;s&lt;/b&gt;" in svg
    assert "&lt;i&gt;t&lt;/i&gt;" in svg and "50%" in svg


def test_workbook_is_pivot_ready_and_neutralises_formulas(html_report):
    paths, tables = html_report
    workbook = load_workbook(paths["xlsx"])
    expected = {"toelichting", "speerpunten", "topics", *(n.removeprefix("analysis_") for n in analyse.TABLE_CATALOGUE)}
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
    # shown as text, as in the plan (a narrow table cell may wrap and hyphenate it)
    assert "<script>document.title" in re.sub(r"[-\x02\u2010]?\s+", "", text)
