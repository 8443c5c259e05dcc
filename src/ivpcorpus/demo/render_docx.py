"""python-docx producer: a plan as a Word document (no pages, so items carry no page)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

from docx import Document as DocxDocument

from ivpcorpus.demo.model import SYNTHETIC_MARKER, Document, Heading, ListBlock, Paragraph, Table

FIXED_DATETIME = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)


def render_docx(doc: Document, path: Path) -> None:
    out = DocxDocument()
    props = out.core_properties
    props.title, props.author, props.comments = doc.title_lines[0], "ivpcorpus demo", SYNTHETIC_MARKER
    props.created = props.modified = props.last_printed = FIXED_DATETIME
    section = out.sections[0]
    section.header.paragraphs[0].text = doc.header_text
    section.footer.paragraphs[0].text = SYNTHETIC_MARKER
    out.add_heading(doc.title_lines[0], 0)
    for line in doc.title_lines[1:] + doc.cover_lines:
        out.add_paragraph(line)
    out.add_page_break()
    for chapter in doc.chapters:
        out.add_heading(Heading(chapter.title, 1, chapter.number).label, 1)
        for block in chapter.blocks:
            if isinstance(block, Heading):
                out.add_heading(block.label, min(block.level, 3))
            elif isinstance(block, Paragraph):
                para = out.add_paragraph()
                para.add_run(block.text).bold = block.emphasis
            elif isinstance(block, ListBlock):
                style = "List Number" if block.ordered else "List Bullet"
                for entry in block.entries:
                    out.add_paragraph(entry.text, style=style)
                    for child in entry.children:
                        out.add_paragraph(child, style="List Bullet 2")
            elif isinstance(block, Table):
                if block.caption:
                    out.add_paragraph(block.caption).runs[0].italic = True
                table = out.add_table(rows=1, cols=len(block.header))
                table.style = "Table Grid"
                for cell, text in zip(table.rows[0].cells, block.header):
                    cell.text = text
                for row in block.rows:
                    for cell, text in zip(table.add_row().cells, row):
                        cell.text = text
    buffer = io.BytesIO()
    out.save(buffer)
    path.write_bytes(_fixed_zip_times(buffer.getvalue()))


def _fixed_zip_times(data: bytes) -> bytes:
    """python-docx stamps zip members with the current time; fix them for reproducible bytes."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2024, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()
