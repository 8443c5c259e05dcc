"""Real plan excerpts rendered into PDFs the way the development PDFs are made: the excerpt as
chapter "Het plan" between filler chapters (inleiding, veiligheidsbeeld with figures,
organisatie, financien, an appendix with all Kernbeleid velden) that name many themes without
choosing them, in three layouts (Word-like and plain with reportlab, two-column designed with
WeasyPrint). The real plans the finder must read arrive as such PDFs, so it is trained and
measured on these too (`evaluate_speerpunten.dev_gold`). The filler is written for this purpose
and shares no wording with the excerpts.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from pathlib import Path

from ivpcorpus.demo.model import Chapter, Document, Heading, ListBlock, ListEntry, Paragraph
from ivpcorpus.demo.render_html import render_weasyprint
from ivpcorpus.demo.render_reportlab import render_reportlab
from ivpcorpus.extract import blocks_from_text

LAYOUTS = ("word", "designed", "plain")
_MARKER = re.compile(r"^\s*(?:[•◦▪●■\-–*·]|\(?\d{1,2}[.)]|\(?[a-z][.)])\s*")
_NUMBERED = re.compile(r"^\s*\(?\d{1,2}[.)]")
_SECTION_NUMBER = re.compile(r"^\s*\d{1,2}\.\d")

INLEIDING = [
    "Dit integraal veiligheidsplan beschrijft hoe de gemeente de komende jaren samen met inwoners, ondernemers en "
    "partners werkt aan een veilige gemeente. Het plan volgt de methode Kernbeleid Veiligheid en is gebaseerd op een "
    "veiligheidsanalyse, gesprekken met partners en een peiling onder inwoners.",
    "Het plan is vastgesteld door de gemeenteraad en wordt elk jaar uitgewerkt in een uitvoeringsprogramma.",
]
VEILIGHEIDSBEELD = [
    Paragraph("De geregistreerde criminaliteit is de afgelopen vier jaar licht gedaald. Het aantal woninginbraken nam "
              "af met een vijfde, het aantal fietsdiefstallen bleef gelijk en het aantal geweldsmisdrijven steeg licht."),
    Paragraph("Inwoners noemen in de veiligheidsmonitor vooral de volgende problemen:"),
    ListBlock([ListEntry("Te hard rijden"), ListEntry("Rommel op straat"), ListEntry("Drugsoverlast"),
               ListEntry("Jongeren die overlast veroorzaken")]),
    Paragraph("Meldingen over personen met verward gedrag namen toe. Het slachtofferschap van online oplichting groeit, "
              "vooral onder ouderen. De brandweer rukte vaker uit voor buitenbranden."),
]
ORGANISATIE = [
    "De burgemeester is verantwoordelijk voor de openbare orde en werkt daarvoor samen met politie en Openbaar "
    "Ministerie in de lokale driehoek. Zorgpartners, woningcorporaties en het onderwijs zijn betrokken bij de uitvoering.",
    "Het college stelt elk jaar een uitvoeringsprogramma vast met concrete acties. De raad wordt jaarlijks geïnformeerd.",
]
FINANCIEN = ["De uitvoering van dit plan wordt bekostigd uit de bestaande begroting voor openbare orde en veiligheid."]
KERNBELEID = ListBlock([
    ListEntry("Veilige woon- en leefomgeving: sociale kwaliteit, fysieke kwaliteit, objectieve en subjectieve veiligheid"),
    ListEntry("Bedrijvigheid en veiligheid: winkelgebieden, bedrijventerreinen, uitgaan, evenementen en toerisme"),
    ListEntry("Jeugd en veiligheid: jeugdoverlast, jeugdcriminaliteit, alcohol en drugs, veilig in en om de school"),
    ListEntry("Fysieke veiligheid: verkeersveiligheid, brandveiligheid, externe veiligheid, crisisbeheersing"),
    ListEntry("Integriteit en veiligheid: polarisatie en radicalisering, georganiseerde criminaliteit, veilige publieke taak"),
])


def excerpt_blocks(text: str) -> list:
    """The excerpt as document blocks: its headings one level below 'Het plan', its lists as lists.

    A run of numbered lines with section numbers ("2.1 ...") is a table of contents or an
    outline: it keeps its numbers as written, one paragraph per line, as a PDF prints it (a
    rendered list would renumber it 1, 2, 3)."""
    rows = [(row["kind"], str(row["text"]).strip()) for row in blocks_from_text("excerpt", text).to_dict("records")]
    blocks: list = []
    n = 0
    while n < len(rows):
        kind, content = rows[n]
        if kind == "list_item":
            end = n
            while end < len(rows) and rows[end][0] == "list_item":
                end += 1
            run = [c for _, c in rows[n:end]]
            if any(_SECTION_NUMBER.match(c) for c in run):
                blocks += [Paragraph(c) for c in run]
            else:
                blocks.append(ListBlock([ListEntry(_MARKER.sub("", c, count=1) or c) for c in run],
                                        ordered=bool(_NUMBERED.match(run[0]))))
            n = end
            continue
        blocks.append(Heading(content, 2) if kind == "heading" else Paragraph(content.replace(" | ", " ")))
        n += 1
    return blocks


def plan_document(plan: dict, blocks: list) -> Document:
    names = " en ".join(plan.get("municipality") or ["de gemeente"])
    period = plan.get("period") or ""
    chapters = [
        Chapter("Inleiding", "1", [Paragraph(p) for p in INLEIDING]),
        Chapter("Veiligheidsbeeld", "2", list(VEILIGHEIDSBEELD)),
        Chapter("Het plan", "3", blocks),
        Chapter("Organisatie en samenwerking", "4", [Paragraph(p) for p in ORGANISATIE]),
        Chapter("Financien", "5", [Paragraph(p) for p in FINANCIEN]),
        Chapter("Bijlage: veiligheidsvelden en thema's van Kernbeleid Veiligheid", "6", [
            Paragraph("Ter volledigheid staat hieronder de indeling die de methode Kernbeleid Veiligheid hanteert."),
            KERNBELEID]),
    ]
    return Document([f"Integraal Veiligheidsplan {period}".strip(), f"Gemeente {names}"],
                    f"Integraal Veiligheidsplan {names}", [], chapters)


def render_excerpt_pdfs(dev_dir: Path, out_dir: Path, sources=("texts", "secondary")) -> list[dict]:
    """Render every excerpt of `dev_dir`/<source>/*.json into `out_dir`/<source>-<plan>.pdf, in a
    layout fixed by the plan's name; return gold entries {doc, plan, source: "<source>-pdf",
    layout, priorities, other_themes}. A PDF already in `out_dir` is kept (rendering is
    deterministic)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    entries = []
    for source in sources:
        for path in sorted((dev_dir / source).glob("*.json")):
            plan = json.loads(path.read_text(encoding="utf-8"))
            digest = int(hashlib.sha256(path.stem.encode()).hexdigest(), 16)
            layout = LAYOUTS[digest % len(LAYOUTS)]
            name = f"{source}-{path.stem}.pdf"
            if not (out_dir / name).is_file():
                document = plan_document(plan, excerpt_blocks(plan["text"]))
                render = render_weasyprint if layout == "designed" else render_reportlab
                render(document, layout, random.Random(digest), out_dir / name)
            entries.append({"doc": name, "plan": path.stem, "source": f"{source}-pdf", "layout": layout,
                            "priorities": plan["stated_priorities"], "other_themes": plan["other_themes"]})
    return entries
