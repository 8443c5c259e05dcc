"""A fast look at a document for the manifest: page count, metadata title, first pages' text.

This is not the layout-aware extraction (see `ivpcorpus.extract`); it only needs to be
quick and robust enough to detect which gemeente and period a file is about.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

DOCUMENT_SUFFIXES = {".pdf": "pdf", ".html": "html", ".htm": "html", ".xhtml": "html", ".docx": "docx"}


@dataclass
class Preview:
    n_pages: int
    title: str | None
    page_texts: list[str] = field(default_factory=list)


def document_format(path: Path) -> str | None:
    """'pdf', 'html' or 'docx' for files ivpcorpus reads; None for everything else."""
    return DOCUMENT_SUFFIXES.get(path.suffix.lower())


def preview_document(path: Path, max_pages: int = 3) -> Preview:
    fmt = document_format(path)
    if fmt == "pdf":
        return _preview_pdf(path, max_pages)
    if fmt == "html":
        return _preview_html(path)
    if fmt == "docx":
        return _preview_docx(path)
    raise ValueError(f"{path.name}: not a document ivpcorpus reads (pdf, html, docx)")


def _preview_pdf(path: Path, max_pages: int) -> Preview:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path), password="")
    try:
        title = (pdf.get_metadata_dict().get("Title") or "").strip() or None
        texts = []
        for i in range(min(max_pages, len(pdf))):
            page = pdf[i]
            textpage = page.get_textpage()
            texts.append(textpage.get_text_bounded())
            textpage.close()
            page.close()
        return Preview(len(pdf), title, texts)
    finally:
        pdf.close()


def _preview_html(path: Path) -> Preview:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(path.read_bytes(), "lxml")
    title = soup.title.get_text(" ", strip=True) if soup.title else None
    for tag in soup(["script", "style", "nav", "header", "footer"]):
        tag.decompose()
    return Preview(1, title, [soup.get_text("\n", strip=True)[:20000]])


def _preview_docx(path: Path) -> Preview:
    import docx

    document = docx.Document(str(path))
    title = (document.core_properties.title or "").strip() or None
    text = "\n".join(p.text for p in document.paragraphs[:200])
    return Preview(1, title, [text])
