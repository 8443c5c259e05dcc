"""Ingest: PDF, HTML and DOCX to pages and layout blocks with page provenance."""

from ivpcorpus.extract.preview import DOCUMENT_SUFFIXES, Preview, document_format, preview_document
from ivpcorpus.extract.text import blocks_from_text

__all__ = ["DOCUMENT_SUFFIXES", "Preview", "blocks_from_text", "document_format", "preview_document"]
