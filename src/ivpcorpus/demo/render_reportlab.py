"""reportlab (platypus) producer: Word-like and plain layouts, some two-column chapters.

Anchored blocks are preceded by a zero-size marker flowable; the doc template records the
page each marker lands on, which is a lower bound for the page where the block's text is.
Output is byte-identical per seed (`invariant=1`, fixed metadata).
"""

from __future__ import annotations

import random
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.enums import TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    BaseDocTemplate, Flowable, Frame, KeepTogether, ListFlowable, ListItem, NextPageTemplate, PageBreak,
    PageTemplate, Paragraph as RLParagraph, Spacer, Table as RLTable, TableStyle,
)
from reportlab.platypus.tableofcontents import TableOfContents
from xml.sax.saxutils import escape

from ivpcorpus.demo.model import SYNTHETIC_MARKER, Chapter, Document, Heading, ListBlock, Paragraph, Table

FONTS = {  # layout -> (body, bold, italic)
    "word": [("Times-Roman", "Times-Bold", "Times-Italic"), ("Helvetica", "Helvetica-Bold", "Helvetica-Oblique")],
    "plain": [("Helvetica", "Helvetica-Bold", "Helvetica-Oblique"), ("Courier", "Courier-Bold", "Courier-Oblique")],
}


class Marker(Flowable):
    """Takes no space; tells the template which anchors start here."""

    def __init__(self, anchors: list[str]):
        super().__init__()
        self.anchors = anchors

    def wrap(self, available_width, available_height):
        return 0, 0

    def draw(self):
        pass


class PlanTemplate(BaseDocTemplate):
    def __init__(self, path: str, doc: Document, fonts: tuple[str, str, str], page_label: str, **kw):
        super().__init__(path, pagesize=A4, leftMargin=25 * mm, rightMargin=22 * mm, topMargin=24 * mm,
                         bottomMargin=22 * mm, invariant=1, title=doc.title_lines[0], author="ivpcorpus demo",
                         subject=SYNTHETIC_MARKER, creator="ivpcorpus demo-corpus", **kw)
        self.doc_model, self.fonts, self.page_label = doc, fonts, page_label
        self.anchor_pages: dict[str, int] = {}
        width, height = self.width, self.height
        one = Frame(self.leftMargin, self.bottomMargin, width, height, id="one")
        gap = 7 * mm
        left = Frame(self.leftMargin, self.bottomMargin, (width - gap) / 2, height, id="left")
        right = Frame(self.leftMargin + (width + gap) / 2, self.bottomMargin, (width - gap) / 2, height, id="right")
        self.addPageTemplates([
            PageTemplate("cover", [one], onPage=self.footer_only),
            PageTemplate("one", [one], onPage=self.header_footer),
            PageTemplate("two", [left, right], onPage=self.header_footer),
        ])

    def footer_only(self, canvas, _doc):
        canvas.saveState()
        canvas.setFont(self.fonts[0], 7.5)
        canvas.setFillColor(colors.darkred)
        canvas.drawString(self.leftMargin, 12 * mm, SYNTHETIC_MARKER)
        canvas.restoreState()

    def header_footer(self, canvas, doc):
        self.footer_only(canvas, doc)
        canvas.saveState()
        canvas.setFont(self.fonts[2], 8)
        canvas.drawString(self.leftMargin, A4[1] - 14 * mm, self.doc_model.header_text)
        canvas.line(self.leftMargin, A4[1] - 15.5 * mm, A4[0] - self.rightMargin, A4[1] - 15.5 * mm)
        canvas.setFont(self.fonts[0], 9)
        canvas.drawRightString(A4[0] - self.rightMargin, 12 * mm, self.page_label.format(page=doc.page))
        canvas.restoreState()

    def afterFlowable(self, flowable):
        if isinstance(flowable, Marker):
            for anchor in flowable.anchors:
                self.anchor_pages[anchor] = self.page
        toc_level = getattr(flowable, "toc_level", None)
        if toc_level is not None:
            self.notify("TOCEntry", (toc_level, flowable.getPlainText(), self.page))


def _styles(layout: str, fonts: tuple[str, str, str], rng: random.Random) -> dict[str, ParagraphStyle]:
    body, bold, italic = fonts
    size = rng.choice([10, 10.5, 11] if layout == "word" else [9.5, 10])
    common = dict(fontName=body, fontSize=size, leading=size * 1.3, hyphenationLang="nl_NL",
                  embeddedHyphenation=1, spaceAfter=size * 0.5)
    return {
        "body": ParagraphStyle("body", alignment=TA_JUSTIFY if layout == "word" else TA_LEFT, **common),
        "emph": ParagraphStyle("emph", **{**common, "fontName": bold, "hyphenationLang": ""}),
        "list": ParagraphStyle("list", alignment=TA_LEFT, **{**common, "spaceAfter": 1}),
        "cell": ParagraphStyle("cell", **{**common, "fontSize": size - 1, "leading": (size - 1) * 1.25, "spaceAfter": 0}),
        "h1": ParagraphStyle("h1", fontName=bold, fontSize=size + 7, leading=size + 10, spaceBefore=6, spaceAfter=8,
                             textColor=colors.HexColor(rng.choice(["#1f3864", "#000000", "#2f5496"]))),
        "h2": ParagraphStyle("h2", fontName=bold, fontSize=size + 2.5, leading=size + 5, spaceBefore=8, spaceAfter=4),
        "h3": ParagraphStyle("h3", fontName=italic, fontSize=size + 1, leading=size + 3, spaceBefore=6, spaceAfter=3),
        "title": ParagraphStyle("title", fontName=bold, fontSize=26, leading=31, spaceAfter=8),
        "subtitle": ParagraphStyle("subtitle", fontName=body, fontSize=16, leading=20, spaceAfter=6),
        "caption": ParagraphStyle("caption", fontName=italic, fontSize=size - 1, leading=size + 1, spaceAfter=3),
    }


def _heading(text: str, style: ParagraphStyle, level: int | None) -> RLParagraph:
    para = RLParagraph(escape(text), style)
    para.toc_level = level
    return para


def _list(block: ListBlock, styles, bullet: str) -> list[Flowable]:
    items = []
    for entry in block.entries:
        content: list[Flowable] = [RLParagraph(escape(entry.text), styles["list"])]
        if entry.children:
            content.append(ListFlowable([ListItem(RLParagraph(escape(c), styles["list"])) for c in entry.children],
                                        bulletType="bullet", start="–", leftIndent=12))
        items.append(ListItem(content))
    anchors = [e.anchor for e in block.entries if e.anchor]
    kind = dict(bulletType="1", bulletFormat="%s.") if block.ordered else dict(bulletType="bullet", start=bullet)
    return ([Marker(anchors)] if anchors else []) + [ListFlowable(items, leftIndent=14, **kind), Spacer(1, 4)]


def _table(block: Table, styles, width: float) -> list[Flowable]:
    data = [[RLParagraph(f"<b>{escape(h)}</b>", styles["cell"]) for h in block.header]]
    data += [[RLParagraph(escape(c), styles["cell"]) for c in row] for row in block.rows]
    first = 0.45 if len(block.header) > 2 else 0.6
    rest = (1 - first) / (len(block.header) - 1)
    table = RLTable(data, colWidths=[width * first] + [width * rest] * (len(block.header) - 1), repeatRows=1)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                               ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dde4ee")),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    anchors = list(block.row_anchors.values())
    caption = [RLParagraph(escape(block.caption), styles["caption"])] if block.caption else []
    return ([Marker(anchors)] if anchors else []) + caption + [table, Spacer(1, 6)]


def _chapter(chapter: Chapter, styles, width: float, bullet: str) -> list[Flowable]:
    flow: list[Flowable] = [Marker([chapter.anchor])] if chapter.anchor else []
    flow.append(_heading(Heading(chapter.title, 1, chapter.number).label, styles["h1"], 0))
    for block in chapter.blocks:
        if isinstance(block, Heading):
            if block.anchor:
                flow.append(Marker([block.anchor]))
            flow.append(_heading(block.label, styles[f"h{min(block.level, 3)}"], 1 if block.level == 2 else None))
        elif isinstance(block, Paragraph):
            if block.anchor:
                flow.append(Marker([block.anchor]))
            flow.append(RLParagraph(escape(block.text), styles["emph" if block.emphasis else "body"]))
        elif isinstance(block, ListBlock):
            flow += _list(block, styles, bullet)
        elif isinstance(block, Table):
            flow += _table(block, styles, width)
    return flow


def render_reportlab(doc: Document, layout: str, rng: random.Random, path: Path) -> dict[str, int]:
    """Write the PDF; return the 1-based page on which each anchor starts."""
    fonts = rng.choice(FONTS[layout])
    styles = _styles(layout, fonts, rng)
    page_label = rng.choice(["{page}", "pagina {page}", "- {page} -", "Pagina {page}"])
    bullet = rng.choice(["•", "-", "■"]) if fonts[0] != "Courier" else "-"
    template = PlanTemplate(str(path), doc, fonts, page_label)
    width = template.width
    story: list[Flowable] = [Spacer(1, 45 * mm)]
    story += [RLParagraph(escape(line), styles["title" if i == 0 else "subtitle"]) for i, line in enumerate(doc.title_lines)]
    story += [Spacer(1, 50 * mm)] + [RLParagraph(escape(line), styles["body"]) for line in doc.cover_lines]
    story += [NextPageTemplate("one"), PageBreak()]
    toc = TableOfContents(dotsMinLevel=0)
    toc.levelStyles = [ParagraphStyle("toc0", fontName=fonts[1], fontSize=10.5, leading=14),
                       ParagraphStyle("toc1", fontName=fonts[0], fontSize=10, leading=13, leftIndent=14)]
    story += [RLParagraph("Inhoudsopgave", styles["h1"]), toc, PageBreak()]
    for i, chapter in enumerate(doc.chapters):
        chapter_flow = _chapter(chapter, styles, width / 2 if chapter.two_column else width, bullet)
        if chapter.two_column:
            story += [NextPageTemplate("two"), PageBreak()] + chapter_flow + [NextPageTemplate("one"), PageBreak()]
        else:
            # Word-like plans start every chapter on a new page; plain ones run on.
            if layout == "word" and i > 0 and not doc.chapters[i - 1].two_column:
                story.append(PageBreak())
            story += [KeepTogether(chapter_flow[:2])] + chapter_flow[2:]
    template.multiBuild(story)
    return template.anchor_pages
