"""One document in, one `DocumentExtraction` out: the in-process entry point for every format."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ivpcorpus import catalog
from ivpcorpus.extract import markup, ocr, pdf
from ivpcorpus.extract.preview import document_format
from ivpcorpus.extract.text import blocks_frame

# Bump when the output of any reader changes: it is part of the per-document cache key.
EXTRACTOR_VERSION = "1.6"


@dataclass
class DocumentExtraction:
    doc_id: str
    source_file: str
    status: str          # "ok" | "warning" | "error"
    reason: str          # plain words for the researcher; '' when ok
    n_pages: int
    title: str | None
    pages: pd.DataFrame   # catalog.TABLES["pages"].columns
    blocks: pd.DataFrame  # catalog.TABLES["blocks"].columns
    errors: pd.DataFrame  # catalog.TABLES["errors"].columns, stage "extract"

    @property
    def ocr_pages(self) -> int:
        return ocr_page_count(self.blocks)


def ocr_page_count(blocks: pd.DataFrame) -> int:
    """How many pages of a document's blocks were read by OCR (the documents table's `ocr_pages`)."""
    return int(blocks.loc[blocks["ocr"], "page"].nunique())


def failed(doc_id: str, source_file: str, reason: str) -> DocumentExtraction:
    """The result for a document that could not be read at all: no pages, one error row."""
    errors = pd.DataFrame([{"doc_id": doc_id, "source_file": source_file, "stage": "extract", "reason": reason}])
    return DocumentExtraction(doc_id, source_file, "error", reason, 0, None, catalog.empty("pages"),
                              catalog.empty("blocks"), catalog.validate("errors", errors))


def _pages_frame(doc_id: str, texts: list[str], qualities: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame({"doc_id": doc_id, "page": range(1, len(texts) + 1), "text": texts,
                          "n_chars": [len(t) for t in texts], "quality": qualities})
    return catalog.validate("pages", frame.astype({"page": "int64", "n_chars": "int64"}))


def _page_texts(blocks: pd.DataFrame, n_pages: int) -> list[str]:
    texts = [""] * n_pages
    for page, group in blocks.groupby("page", sort=True):
        texts[int(page) - 1] = "\n".join(group.text)
    return texts


def _quality_reason(qualities: list[str], n_damaged: int = 0, n_ocr: int = 0) -> str:
    """Plain-words summary of the pages that need attention ('' when all pages are fine)."""
    n = len(qualities)
    parts = [f"{n_damaged} van {n} pagina's beschadigd (niet te lezen)"] if n_damaged else []
    if n_ocr:
        parts.append(f"{n_ocr} van {n} pagina's met OCR gelezen (scan; tekst kan leesfouten bevatten)")
    if (k := qualities.count("needs_ocr")):
        why = "OCR mislukt" if ocr.available() else \
            "tesseract-ocr met Nederlands (tesseract-ocr-nld) niet geïnstalleerd"
        parts.append(f"{k} van {n} pagina's zonder tekstlaag (scan): OCR nodig ({why})")
    if (k := qualities.count("low_quality")):
        parts.append(f"{k} van {n} pagina's met onleesbare tekens (fonts zonder tekentabel)")
    if n and qualities.count("empty") == n:
        parts.append("geen tekst gevonden in het document")
    return "; ".join(parts)


def _finish(doc_id: str, source_file: str, n_pages: int, title: str | None, blocks: pd.DataFrame,
            qualities: list[str], n_damaged: int = 0) -> DocumentExtraction:
    pages = _pages_frame(doc_id, _page_texts(blocks, n_pages), qualities)
    reason = _quality_reason(qualities, n_damaged, ocr_page_count(blocks))
    status = "warning" if reason else "ok"
    errors = catalog.empty("errors")
    if reason:
        errors = catalog.validate("errors", pd.DataFrame(
            [{"doc_id": doc_id, "source_file": source_file, "stage": "extract", "reason": reason}]))
    if title is None:
        headings = blocks[blocks.kind == "heading"]
        title = headings.text.iloc[0] if len(headings) else None
    return DocumentExtraction(doc_id, source_file, status, reason, n_pages, title, pages, blocks, errors)


def _extract_pdf(path: Path, doc_id: str) -> DocumentExtraction:
    document = pdf.open_pdf(path)
    try:
        title = pdf.metadata_title(document)
        pages = pdf.read_pages(document, ocr.read_page)
    finally:
        document.close()
    ocr.harmonize_sizes([line for page in pages if page.ocr for line in page.lines])
    pdf.remove_running_lines(pages)
    ordered = {page.number: pdf.reading_order(page.lines, page.width) for page in pages}
    scanned = {page.number for page in pages if page.ocr}
    blocks = blocks_frame(doc_id, [{**block.row(), "ocr": block.page in scanned}
                                   for block in pdf.build_blocks(pages, ordered)])
    texts = _page_texts(blocks, len(pages))
    qualities = [pdf.page_quality(page, text) for page, text in zip(pages, texts)]
    return _finish(doc_id, path.name, len(pages), title, blocks, qualities, sum(page.damaged for page in pages))


def extract_document(path: Path, doc_id: str) -> DocumentExtraction:
    """Read one PDF, HTML or DOCX file (by suffix) into pages and blocks.

    A file that cannot be read gives status "error" with a plain reason instead of raising;
    only programming errors propagate (the worker pool in `extract_many` catches those too).
    """
    path = Path(path)
    fmt = document_format(path)
    try:
        if fmt is None:
            return failed(doc_id, path.name, f"bestandstype {path.suffix or '(geen)'} wordt niet gelezen (pdf, html, docx)")
        if not path.is_file():
            return failed(doc_id, path.name, "bestand niet gevonden")
        if path.stat().st_size == 0:
            return failed(doc_id, path.name, "leeg bestand (0 bytes)")
        if fmt == "pdf":
            return _extract_pdf(path, doc_id)
        title, blocks = markup.read_html(path, doc_id) if fmt == "html" else markup.read_docx(path, doc_id)
        quality = "ok" if len(blocks) else "empty"
        return _finish(doc_id, path.name, 1, title, blocks, [quality])
    except pdf.PdfReadError as error:
        return failed(doc_id, path.name, str(error))
    except markup.MarkupReadError as error:
        return failed(doc_id, path.name, str(error))
