"""HTML producers: WeasyPrint PDFs (designed brochure, report) and gemeenteblad-style web pages.

Both start from the same HTML of the `Document`; block anchors become element ids, which
WeasyPrint reports per page (`page.anchors`), so the ground truth knows where items stand.
"""

from __future__ import annotations

import os
import random
from html import escape
from pathlib import Path

from ivpcorpus.demo.model import (
    SYNTHETIC_MARKER, Chapter, Document, Heading, ListBlock, ListEntry, Paragraph, Table,
)

# Fixed metadata so that the same seed gives the same bytes.
FIXED_DATE = "2024-01-01T00:00:00Z"
# Newer WeasyPrint/fontTools stamp every embedded font subset with the time of writing unless
# SOURCE_DATE_EPOCH is set; this is the modification date the DejaVu fonts carry (2023-03-10),
# so subsets keep it and the same seed gives the same bytes with any of these versions.
FONT_DATE_EPOCH = "1678437335"

BODY_FONTS = ("DejaVu Sans", "DejaVu Serif", "DejaVu Sans Condensed")
ACCENTS = ("#1f5f8b", "#7a1f3d", "#2e6b30", "#8a5a00", "#4b3f8f", "#00707a")


def _id(anchor: str) -> str:
    return f' id="{escape(anchor)}"' if anchor else ""


def _list_html(block: ListBlock) -> str:
    tag = "ol" if block.ordered else "ul"

    def entry(e: ListEntry) -> str:
        children = "".join(f"<li>{escape(c)}</li>" for c in e.children)
        return f"<li{_id(e.anchor)}>{escape(e.text)}{f'<ul>{children}</ul>' if children else ''}</li>"

    return f"<{tag}>" + "".join(entry(e) for e in block.entries) + f"</{tag}>"


def _table_html(block: Table) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in block.header)
    rows = "".join(
        f"<tr{_id(block.row_anchors.get(i, ''))}>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>"
        for i, row in enumerate(block.rows)
    )
    caption = f"<caption>{escape(block.caption)}</caption>" if block.caption else ""
    return f"<table>{caption}<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def blocks_html(chapter: Chapter, chapter_id: str) -> str:
    parts = [f'<h1 id="{escape(chapter.anchor or chapter_id)}">{escape(Heading(chapter.title, 1, chapter.number).label)}</h1>']
    for block in chapter.blocks:
        if isinstance(block, Heading):
            level = min(block.level, 3)
            parts.append(f"<h{level}{_id(block.anchor)}>{escape(block.label)}</h{level}>")
        elif isinstance(block, Paragraph):
            text = f"<strong>{escape(block.text)}</strong>" if block.emphasis else escape(block.text)
            parts.append(f"<p{_id(block.anchor)}>{text}</p>")
        elif isinstance(block, ListBlock):
            parts.append(_list_html(block))
        elif isinstance(block, Table):
            parts.append(_table_html(block))
    return "\n".join(parts)


def _chapter_ids(doc: Document) -> list[str]:
    return [f"h{i}" for i, _ in enumerate(doc.chapters, start=1)]


def pdf_html(doc: Document, layout: str, rng: random.Random) -> str:
    """The HTML+CSS WeasyPrint renders: a two-column brochure ("designed") or a report."""
    font = rng.choice(BODY_FONTS)
    accent = rng.choice(ACCENTS)
    size = rng.choice(["9.5pt", "10pt", "10.5pt"] if layout == "designed" else ["10.5pt", "11pt", "11.5pt"])
    ids = _chapter_ids(doc)
    toc = "".join(
        f'<li><a href="#{escape(c.anchor or i)}">{escape(Heading(c.title, 1, c.number).label)}</a></li>'
        for c, i in zip(doc.chapters, ids)
    )
    chapters = "\n".join(
        f'<section class="chapter">{blocks_html(c, i)}</section>' for c, i in zip(doc.chapters, ids)
    )
    columns = "column-count: 2; column-gap: 8mm;" if layout == "designed" else ""
    sidebar = f"border-left: 9mm solid {accent};" if layout == "report" else ""
    title = "".join(f"<p class='t{min(i, 2)}'>{escape(line)}</p>" for i, line in enumerate(doc.title_lines))
    cover = "".join(f"<p>{escape(line)}</p>" for line in doc.cover_lines)
    css = f"""
      @page {{ size: A4; margin: 22mm 18mm 22mm 20mm; {sidebar}
        @top-left {{ content: "{escape(doc.header_text)}"; font: 8pt '{font}'; color: #555; }}
        @bottom-left {{ content: "{SYNTHETIC_MARKER}"; font: 7.5pt '{font}'; color: #a00; }}
        @bottom-right {{ content: "pagina " counter(page); font: 8pt '{font}'; }} }}
      @page cover {{ @top-left {{ content: none; }} }}
      html {{ font-family: '{font}'; font-size: {size}; line-height: 1.35; }}
      body {{ margin: 0; }}
      .cover {{ page: cover; break-after: page; padding-top: 50mm; }}
      .cover .t0 {{ font-size: 26pt; font-weight: bold; color: {accent}; margin: 0 0 4mm; }}
      .cover .t1, .cover .t2 {{ font-size: 15pt; margin: 0 0 3mm; }}
      .cover .meta {{ margin-top: 40mm; font-size: 9pt; }}
      .toc {{ break-after: page; }} .toc ol {{ list-style: none; padding: 0; }}
      .toc a {{ color: black; text-decoration: none; }}
      .toc a::after {{ content: leader('.') target-counter(attr(href), page); }}
      .body {{ {columns} hyphens: auto; text-align: justify; }}
      .chapter {{ break-before: {"auto" if layout == "designed" else "page"}; }}
      h1 {{ color: {accent}; font-size: 1.6em; {"column-span: all;" if layout == "designed" else ""} }}
      h2 {{ font-size: 1.2em; color: {accent}; }} h3 {{ font-size: 1.05em; font-style: italic; }}
      h1, h2, h3 {{ hyphens: manual; text-align: left; break-after: avoid; }}
      table {{ border-collapse: collapse; width: 100%; margin: 2mm 0; font-size: 0.9em; hyphens: manual; text-align: left; }}
      caption {{ caption-side: top; text-align: left; font-style: italic; }}
      th {{ background: {accent}; color: white; }} th, td {{ border: 0.5pt solid #999; padding: 1mm 2mm; }}
    """
    return f"""<!DOCTYPE html><html lang="{doc.language}"><head><meta charset="utf-8">
      <title>{escape(doc.title_lines[0])}</title>
      <meta name="dcterms.created" content="{FIXED_DATE}"><meta name="dcterms.modified" content="{FIXED_DATE}">
      <style>{css}</style></head><body>
      <div class="cover">{title}<div class="meta">{cover}</div></div>
      <div class="toc"><h2>Inhoud</h2><ol>{toc}</ol></div>
      <div class="body">{chapters}</div></body></html>"""


def render_weasyprint(doc: Document, layout: str, rng: random.Random, path: Path) -> dict[str, int]:
    """Write the PDF; return the 1-based page of every anchor."""
    from weasyprint import HTML  # slow import, only when PDFs are made

    rendered = HTML(string=pdf_html(doc, layout, rng)).render()
    pages = {}
    for number, page in enumerate(rendered.pages, start=1):
        for anchor in page.anchors:
            pages.setdefault(anchor, number)
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = FONT_DATE_EPOCH
    try:
        rendered.write_pdf(path)
    finally:
        if previous is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous
    return pages


def gemeenteblad_html(doc: Document, municipality: str) -> str:
    """A plan as an official publication page (gemeenteblad / lokale regelgeving style)."""
    ids = _chapter_ids(doc)
    chapters = "\n".join(f"<div class='artikel'>{blocks_html(c, i)}</div>" for c, i in zip(doc.chapters, ids))
    title = " ".join(doc.title_lines)
    return f"""<!DOCTYPE html>
<html lang="{doc.language}"><head><meta charset="utf-8"><title>Gemeenteblad – {escape(title)}</title>
<style>body{{font-family:sans-serif;max-width:52em;margin:auto}} .banner{{background:#a00;color:#fff;padding:.5em}}
nav a{{margin-right:1em}} .meta{{color:#555}}</style></head>
<body>
<div class="banner">{SYNTHETIC_MARKER}</div>
<header><nav><a href="#">Home</a><a href="#">Zoeken in gemeentebladen</a><a href="#">Contact</a></nav>
<p class="meta">Officiële uitgave van de gemeente {escape(municipality)} · Gemeenteblad · Geldend vanaf heden</p></header>
<main><h1 class="intitule">{escape(title)}</h1>
<p>De raad van de gemeente {escape(municipality)}, gelezen het voorstel van burgemeester en wethouders,</p>
<p>B E S L U I T: het {escape(title)} vast te stellen.</p>
{''.join(f'<p>{escape(line)}</p>' for line in doc.cover_lines)}
{chapters}
</main>
<footer><p>{SYNTHETIC_MARKER}</p><p>Over deze site · Privacy · Toegankelijkheid</p></footer>
</body></html>
"""
