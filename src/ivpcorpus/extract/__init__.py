"""Ingest: PDF, HTML and DOCX to pages and layout blocks with page provenance."""

from ivpcorpus.extract.document import EXTRACTOR_VERSION, DocumentExtraction, extract_document, ocr_page_count
from ivpcorpus.extract.preview import DOCUMENT_SUFFIXES, Preview, document_format, preview_document
from ivpcorpus.extract.runner import extract_many
from ivpcorpus.extract.text import blocks_from_text

__all__ = ["DOCUMENT_SUFFIXES", "EXTRACTOR_VERSION", "DocumentExtraction", "Preview", "blocks_from_text",
           "document_format", "extract_document", "extract_many", "ocr_page_count", "preview_document"]
