"""The report: report.html (one self-contained file), report.pdf (same HTML, print CSS) and report.xlsx.

`write_report(tables, out_dir, synthetic=...)` takes the `analysis_*` tables plus
speerpunten, documents and errors (as the store holds them) and writes the three files;
`ivpcorpus report` re-runs this stage on a stored run (`pipeline.run(..., only=["report"])`).
Other stages add sections with `extra_sections` (see report.model.Section).
"""

from __future__ import annotations

import base64
import hashlib
from datetime import date
from importlib import resources
from pathlib import Path

import jinja2
import pandas as pd
from markupsafe import Markup

from ivpcorpus import __version__
from ivpcorpus.analyse import INTERVAL_NOTE
from ivpcorpus.catalog import ANALYSIS_TABLES, CONVENTIONS, REPORT_FILES, TABLES
from ivpcorpus.codebook import Codebook, load_codebook
from ivpcorpus.report.content import Finding, ReportContent, build_content
from ivpcorpus.report.model import ReportTable, Section
from ivpcorpus.report.xlsx import write_workbook
from ivpcorpus.store import atomic_write_text

__all__ = ["ReportTable", "Section", "render_html", "write_report", "SYNTHETIC_NOTICE"]

SYNTHETIC_NOTICE = "SYNTHETISCHE DEMODOCUMENTEN – geen echt beleid van gemeenten"


def is_synthetic(tables: dict[str, pd.DataFrame]) -> bool:
    """What the analysis stage recorded about the corpus (analysis_quality metric `synthetic`)."""
    quality = tables["analysis_quality"]
    return bool(quality.loc[quality["metric"] == "synthetic", "value"].sum())


def _environment() -> jinja2.Environment:
    loader = jinja2.PackageLoader("ivpcorpus.report", "templates")
    # Autoescape for every template, whatever its extension: plan text is untrusted input.
    return jinja2.Environment(loader=loader, autoescape=True, undefined=jinja2.StrictUndefined)


def annex_script() -> str:
    """The annex's sort-and-filter script (the package's own file, inlined as it is)."""
    return resources.files("ivpcorpus.report").joinpath("templates/annex.js").read_text(encoding="utf-8")


def script_hash(script: str) -> str:
    """The CSP source that allows exactly this inline script and no other."""
    return "sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")


def render_html(content: ReportContent) -> str:
    css = resources.files("ivpcorpus.report").joinpath("templates/report.css").read_text(encoding="utf-8")
    script = annex_script()
    # Both are the package's own files and go in verbatim: escaped, the quotes in the CSS would
    # become &#34; (raw text in <style> is not decoded), dropping its fonts and page numbers.
    if "</style" in css.lower() or "</script" in script.lower():
        raise ValueError("the report's stylesheet and script must not close their own element")
    template = _environment().get_template("report.html.j2")
    return template.render(content=content, css=Markup(css), notice=SYNTHETIC_NOTICE, version=__version__,
                           generated=date.today().isoformat(), script=Markup(script), script_hash=script_hash(script))


def write_pdf(html: str, path: Path) -> None:
    from weasyprint import HTML  # heavy import: only when a PDF is written

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    # No base_url and no fetcher for remote URLs: the report references nothing outside itself.
    HTML(string=html, url_fetcher=_refuse_fetch).write_pdf(tmp)
    tmp.replace(path)


def _refuse_fetch(url: str, *args, **kwargs):
    raise ValueError(f"the report must not load {url!r}")


def sheet_name(table: str) -> str:
    return TABLES[table].sheet or table.removeprefix("analysis_")


def findings_support(findings: list[Finding]) -> pd.DataFrame:
    """Rows for the betrouwbaarheid sheet: what each key finding about labels rests on."""
    rows = [{"part": "key_finding", "metric": f.topic,
             "value": f.support["n_reviewed"] / f.support["n_items"] if f.support["n_items"] else float("nan"),
             "n_items": f.support["n_items"], "measured_on": "dit corpus",
             "description": f"aandeel labels beoordeeld (value); {f.support['n_in_reviewed_list']} in een beoordeelde "
                            f"lijst, {f.support['n_low_unreviewed']} automatisch onder de drempel"
                            + ("; rust vooral op onzekere labels" if f.flagged else "")}
            for f in findings if f.support is not None]
    return pd.DataFrame(rows)


def workbook_sheets(tables: dict[str, pd.DataFrame], codebook: Codebook, *, synthetic: bool,
                    extra_sections: list[Section] = (), findings: list[Finding] = ()) -> list[tuple[str, pd.DataFrame]]:
    """Toelichting first, then the speerpunten with labels (one row each), then every table; the
    betrouwbaarheid sheet also says what each key finding rests on."""
    about = [{"blad": "speerpunten", "titel": "Speerpunten met labels", "telwijze": CONVENTIONS["plan"],
              "beschrijving": "Eén rij per speerpunt of overig thema, met labels, zekerheid, pagina en citaat."}]
    about += [{"blad": sheet_name(name), "titel": TABLES[name].title,
               "telwijze": CONVENTIONS.get(TABLES[name].convention, "zie kolom convention" if name == "analysis_breakdown" else ""),
               "beschrijving": TABLES[name].description} for name in ANALYSIS_TABLES]
    extra = [(t.sheet or t.title, t.data if t.data is not None else t.frame)
             for s in extra_sections for t in s.tables]
    about += [{"blad": name[:31], "titel": name, "telwijze": "", "beschrijving": ""} for name, _ in extra]
    about.append({"blad": "", "titel": "Intervallen", "telwijze": "",
                  "beschrijving": "Kolommen <aandeel>_low en <aandeel>_high: het 95%-interval van dat aandeel. "
                                  + INTERVAL_NOTE})
    if synthetic:
        about.insert(0, {"blad": "", "titel": SYNTHETIC_NOTICE, "telwijze": "", "beschrijving": ""})
    sheets = [("toelichting", pd.DataFrame(about)), ("speerpunten", speerpunten_sheet(tables, codebook))]
    with_findings = {**tables}
    support = findings_support(list(findings))
    if len(support):
        with_findings["analysis_reliability"] = pd.concat([tables["analysis_reliability"], support], ignore_index=True)
    sheets += [(sheet_name(name), with_findings[name]) for name in ANALYSIS_TABLES]
    return sheets + extra


def speerpunten_sheet(tables: dict[str, pd.DataFrame], codebook: Codebook) -> pd.DataFrame:
    """Speerpunten with readable label names and the plan's gemeenten, ready to pivot."""
    speerpunten, plans = tables["speerpunten"], tables["analysis_plans"]
    theme_names = {t.id: t.name for t in codebook.themes}
    veld_names = {v.id: v.name for v in codebook.velden}
    sheet = speerpunten.merge(
        plans[["doc_id", "municipality_names", "groups", "period_bucket", "joint"]], on="doc_id", how="left")
    sheet["thema_name"] = sheet["thema"].map(theme_names)
    sheet["veld_name"] = sheet["veld"].map(veld_names)
    first = ["item_id", "doc_id", "source_file", "municipality_names", "groups", "period", "period_bucket", "joint",
             "level", "text", "thema", "thema_name", "veld", "veld_name", "also", "landelijke_prioriteiten",
             "label_confidence", "lp_confidence", "label_source", "page", "evidence"]
    return sheet[[c for c in first if c in sheet.columns] + [c for c in sheet.columns if c not in first]]


def write_report(tables: dict[str, pd.DataFrame], out_dir: Path, *, synthetic: bool, pdf: bool = True,
                 extra_sections: list[Section] = (), codebook: Codebook | None = None) -> dict[str, Path]:
    """Write report.html, report.pdf (unless pdf=False) and report.xlsx into out_dir."""
    codebook = codebook or load_codebook()
    content = build_content(tables, codebook, synthetic=synthetic, extra_sections=list(extra_sections))
    html = render_html(content)
    paths = {kind: out_dir / REPORT_FILES[kind] for kind in ("html", "xlsx")}
    atomic_write_text(paths["html"], html)
    write_workbook(paths["xlsx"], workbook_sheets(tables, codebook, synthetic=synthetic, extra_sections=extra_sections,
                                                  findings=content.findings))
    if pdf:
        paths["pdf"] = out_dir / REPORT_FILES["pdf"]
        write_pdf(html, paths["pdf"])
    return paths
